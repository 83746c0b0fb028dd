/**
 * An independent reading of the §2.1 stream for consumers: Node's OpenSSL ChaCha20 (RFC 8439
 * block function; its 16-byte IV is the 4-byte little-endian block counter followed by the 12-byte
 * nonce), read byte by byte, plus the §2.2 samplers re-implemented from the spec text in BigInt.
 */
import { createCipheriv } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';

/** Bytes [offset, offset + length) of the keystream of `seed` (epoch 0). */
export function chachaStream(seed: Uint8Array, offset: number, length: number): Uint8Array {
  const iv = new Uint8Array(16); // counter 0, nonce 0
  const c = createCipheriv('chacha20', seed, iv);
  const out = c.update(new Uint8Array(offset + length));
  return new Uint8Array(out.subarray(offset, offset + length));
}

/** A cursor over the stream of a seed. */
export class StreamReader {
  #buf: Uint8Array;
  pos = 0;
  constructor(readonly seed: Uint8Array, size = 1 << 16) {
    this.#buf = chachaStream(seed, 0, size);
  }
  bytes(n: number): Uint8Array {
    while (this.pos + n > this.#buf.length) this.#buf = chachaStream(this.seed, 0, 2 * this.#buf.length);
    const out = this.#buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Little-endian integer of n bytes. */
  le(n: number): bigint {
    const b = this.bytes(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }
}

/** §2.2 uniformBelow on the reader: candidates (accepted and rejected) in order. */
export function uniformBelowSpec(r: StreamReader, bound: bigint, count: number): { values: bigint[]; candidates: bigint[] } {
  const values: bigint[] = [];
  const candidates: bigint[] = [];
  if (bound === 1n) return { values: new Array<bigint>(count).fill(0n), candidates: new Array<bigint>(count).fill(0n) };
  const k = BigInt((bound - 1n).toString(2).length);
  while (values.length < count) {
    const lo = r.le(4);
    const v = k <= 32n ? lo & ((1n << k) - 1n) : ((r.le(4) & ((1n << (k - 32n)) - 1n)) << 32n) | lo;
    candidates.push(v);
    if (v < bound) values.push(v);
  }
  return { values, candidates };
}

/** deriveSeed of §2.1 by its definition: BLAKE2b-256("delphi-ts/seed/v1" ‖ 0 ‖ label ‖ 0 ‖ material). */
export function deriveSeedSpec(material: Uint8Array, label: string): Uint8Array {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  return blake2b(new Uint8Array([...utf8('delphi-ts/seed/v1'), 0, ...utf8(label), 0, ...material]), { dkLen: 32 });
}
