/**
 * Messages of the BFV triple generation (§4.19), in the tag range 0x53–0x5f reserved for it (§7.6.1):
 *
 *   tag (1) ‖ 3 zero bytes ‖ u32 entries ‖ u32 ciphertext count m ‖ u32 zero ‖ m × (u32 length ‖ ciphertext)
 *
 * little-endian, each ciphertext in the compact wire form of §4.10 (residues bit-packed; the client's
 * secret-key encryptions seeded, c_1 replaced by its SEAL seed). The receiver checks the
 * tag, the reserved bytes, the entry and ciphertext counts it expects, every length, the level and
 * size of every ciphertext, and that nothing follows.
 *
 * Spec: §4.19
 * @module
 */
import { deserializeCompactCiphertext, serializeCompactCiphertext, type BfvContext, type Ciphertext } from '../bfv/index.js';
import { MalformedInputError, ProtocolError } from '../errors.js';

/** Message tags of the BFV triple generation. Spec: §4.19 */
export const BFV_TRIPLE_TAG = {
  /** Client → server: Enc(a_C) then Enc(b_C), m ciphertexts each. */
  TRIPLES_REQUEST: 0x53,
  /** Server → client: Enc(a_C·b_S + b_C·a_S + a_S·b_S − c_S), m ciphertexts. */
  TRIPLES_RESPONSE: 0x54,
  /** Client → server: Enc(a_C), m ciphertexts. */
  SQUARES_REQUEST: 0x55,
  /** Server → client: Enc(2·a_C·a_S + a_S² − q_S), m ciphertexts. */
  SQUARES_RESPONSE: 0x56,
} as const;

/** Bytes of the message header. Spec: §4.19 */
export const BFV_TRIPLE_HEADER_BYTES = 16;

function tagName(tag: number): string {
  for (const [name, value] of Object.entries(BFV_TRIPLE_TAG)) if (value === tag) return name;
  return `unknown tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/** Encodes a message carrying `entries` batch entries in `cts`. Spec: §4.19 */
export function encodeBfvTripleMessage(ctx: BfvContext, tag: number, entries: number, cts: readonly Ciphertext[]): Uint8Array {
  const bodies = cts.map((ct) => serializeCompactCiphertext(ctx, ct));
  const total = BFV_TRIPLE_HEADER_BYTES + bodies.reduce((a, b) => a + 4 + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = tag;
  view.setUint32(4, entries, true);
  view.setUint32(8, cts.length, true);
  let o = BFV_TRIPLE_HEADER_BYTES;
  for (const b of bodies) {
    view.setUint32(o, b.length, true);
    out.set(b, o + 4);
    o += 4 + b.length;
  }
  return out;
}

/**
 * Decodes a message that must carry `entries` entries in `count` ciphertexts at `level` (Spec: §4.19):
 * a wrong tag, entry count or ciphertext count is a {@link ProtocolError}; a short or long message,
 * non-zero reserved bytes, a bad length, a malformed ciphertext, or one at another level or of
 * another size is a {@link MalformedInputError}.
 */
export function decodeBfvTripleMessage(
  ctx: BfvContext,
  msg: Uint8Array,
  tag: number,
  entries: number,
  count: number,
  level: number,
  context: string,
): Ciphertext[] {
  if (!(msg instanceof Uint8Array) || msg.length < BFV_TRIPLE_HEADER_BYTES) {
    throw new MalformedInputError(`${context}: message shorter than the ${BFV_TRIPLE_HEADER_BYTES}-byte header`);
  }
  if (msg[0] !== tag) throw new ProtocolError(`${context}: expected a ${tagName(tag)} message, received ${tagName(msg[0])}`);
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0 || view.getUint32(12, true) !== 0) {
    throw new MalformedInputError(`${context}: reserved header bytes must be zero`);
  }
  const gotEntries = view.getUint32(4, true);
  const gotCount = view.getUint32(8, true);
  if (gotEntries !== entries || gotCount !== count) {
    throw new ProtocolError(`${context}: peer sent ${gotEntries} entries in ${gotCount} ciphertexts, expected ${entries} in ${count}`);
  }
  const out: Ciphertext[] = [];
  let o = BFV_TRIPLE_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (o + 4 > msg.length) throw new MalformedInputError(`${context}: truncated before ciphertext ${i}`);
    const len = view.getUint32(o, true);
    if (len > msg.length - o - 4) throw new MalformedInputError(`${context}: ciphertext ${i} claims ${len} bytes, ${msg.length - o - 4} remain`);
    let ct: Ciphertext;
    try {
      ct = deserializeCompactCiphertext(ctx, msg.subarray(o + 4, o + 4 + len), { level, ntt: false });
    } catch (e) {
      if (e instanceof MalformedInputError) {
        throw new MalformedInputError(`${context}: ciphertext ${i} must be a size-2 coefficient-form ciphertext with ${level} primes (${e.message})`, { cause: e });
      }
      throw e;
    }
    out.push(ct);
    o += 4 + len;
  }
  if (o !== msg.length) throw new MalformedInputError(`${context}: ${msg.length - o} unexpected bytes after the ciphertexts`);
  return out;
}
