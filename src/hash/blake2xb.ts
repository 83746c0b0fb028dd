/**
 * BLAKE2b with a full parameter block (RFC 7693 plus the tree/XOF fields of the BLAKE2 paper) and
 * the BLAKE2Xb extendable-output function built on it (Aumasson, Neves, Wilcox-O'Hearn, Winnerlein,
 * "BLAKE2X", 2016). SEAL's default PRNG expands its 64-byte seeds with BLAKE2Xb, so reading SEAL's
 * seeded (compressed) objects needs it; `@noble/hashes` does not expose the node-offset and
 * XOF-length fields, hence this small implementation. 64-bit words are held as two 32-bit halves.
 *
 * Spec: §4.10
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** BLAKE2b initialization vector (the SHA-512 IV), as [lo, hi] 32-bit halves. */
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/** The BLAKE2b parameter block fields (BLAKE2 paper §2.8; xof_length from BLAKE2X). Spec: §4.10 */
export interface Blake2bParams {
  readonly digestLength: number;
  readonly keyLength: number;
  readonly fanout: number;
  readonly depth: number;
  readonly leafLength: number;
  readonly nodeOffset: number;
  readonly xofLength: number;
  readonly nodeDepth: number;
  readonly innerLength: number;
}

const v = new Uint32Array(32);
const m = new Uint32Array(32);

/**
 * The mixing function G on 64-bit words a, b, c, d of v (as pair indices) with message words x, y:
 * written with local 32-bit halves and carries from unsigned comparisons, which is several times
 * faster than helper calls on the typed array.
 */
function g(a: number, b: number, c: number, d: number, x: number, y: number): void {
  const A = 2 * a;
  const B = 2 * b;
  const C = 2 * c;
  const D = 2 * d;
  let al = v[A];
  let ah = v[A + 1];
  let bl = v[B];
  let bh = v[B + 1];
  let cl = v[C];
  let ch = v[C + 1];
  let dl = v[D];
  let dh = v[D + 1];
  // a = a + b + m[x]
  let t = (al + bl) >>> 0;
  ah = (ah + bh + (t < al ? 1 : 0)) >>> 0;
  al = (t + m[2 * x]) >>> 0;
  ah = (ah + m[2 * x + 1] + (al < t ? 1 : 0)) >>> 0;
  // d = rotr64(d ^ a, 32)
  t = (dl ^ al) >>> 0;
  dl = (dh ^ ah) >>> 0;
  dh = t;
  // c = c + d
  t = (cl + dl) >>> 0;
  ch = (ch + dh + (t < cl ? 1 : 0)) >>> 0;
  cl = t;
  // b = rotr64(b ^ c, 24)
  let xl = (bl ^ cl) >>> 0;
  let xh = (bh ^ ch) >>> 0;
  bl = ((xl >>> 24) | (xh << 8)) >>> 0;
  bh = ((xh >>> 24) | (xl << 8)) >>> 0;
  // a = a + b + m[y]
  t = (al + bl) >>> 0;
  ah = (ah + bh + (t < al ? 1 : 0)) >>> 0;
  al = (t + m[2 * y]) >>> 0;
  ah = (ah + m[2 * y + 1] + (al < t ? 1 : 0)) >>> 0;
  // d = rotr64(d ^ a, 16)
  xl = (dl ^ al) >>> 0;
  xh = (dh ^ ah) >>> 0;
  dl = ((xl >>> 16) | (xh << 16)) >>> 0;
  dh = ((xh >>> 16) | (xl << 16)) >>> 0;
  // c = c + d
  t = (cl + dl) >>> 0;
  ch = (ch + dh + (t < cl ? 1 : 0)) >>> 0;
  cl = t;
  // b = rotr64(b ^ c, 63) = rotl64(b ^ c, 1)
  xl = (bl ^ cl) >>> 0;
  xh = (bh ^ ch) >>> 0;
  bl = ((xl << 1) | (xh >>> 31)) >>> 0;
  bh = ((xh << 1) | (xl >>> 31)) >>> 0;
  v[A] = al;
  v[A + 1] = ah;
  v[B] = bl;
  v[B + 1] = bh;
  v[C] = cl;
  v[C + 1] = ch;
  v[D] = dl;
  v[D + 1] = dh;
}

/** The BLAKE2b compression function F on state h (16 halves) and the message words already in `m`. */
function compressWords(h: Uint32Array, counter: number, last: boolean): void {
  v.set(h, 0);
  v.set(IV, 16);
  v[24] ^= counter % 2 ** 32; // t low word (counters here stay below 2^53)
  v[25] ^= Math.floor(counter / 2 ** 32);
  if (last) {
    v[28] = ~v[28] >>> 0;
    v[29] = ~v[29] >>> 0;
  }
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10];
    g(0, 4, 8, 12, s[0], s[1]);
    g(1, 5, 9, 13, s[2], s[3]);
    g(2, 6, 10, 14, s[4], s[5]);
    g(3, 7, 11, 15, s[6], s[7]);
    g(0, 5, 10, 15, s[8], s[9]);
    g(1, 6, 11, 12, s[10], s[11]);
    g(2, 7, 8, 13, s[12], s[13]);
    g(3, 4, 9, 14, s[14], s[15]);
  }
  for (let i = 0; i < 16; i++) h[i] = (h[i] ^ v[i] ^ v[i + 16]) >>> 0;
}

/** The BLAKE2b compression function F on state h (16 halves) and one 128-byte block. */
function compress(h: Uint32Array, block: Uint8Array, offset: number, counter: number, last: boolean): void {
  for (let i = 0; i < 32; i++) {
    const o = offset + 4 * i;
    m[i] = (block[o] | (block[o + 1] << 8) | (block[o + 2] << 16) | (block[o + 3] << 24)) >>> 0;
  }
  compressWords(h, counter, last);
}

/**
 * BLAKE2b of `input` with an explicit parameter block and an optional key (≤ 64 bytes, processed as
 * a first zero-padded block, as RFC 7693). Salt and personalization are zero. Spec: §4.10
 */
export function blake2bWithParams(input: Uint8Array, params: Blake2bParams, key: Uint8Array = new Uint8Array(0)): Uint8Array {
  const { digestLength, keyLength } = params;
  if (!Number.isInteger(digestLength) || digestLength < 1 || digestLength > 64) {
    throw new InvalidArgumentError(`BLAKE2b digest length must be in [1, 64], got ${digestLength}`);
  }
  if (key.length !== keyLength || keyLength > 64) throw new InvalidArgumentError('BLAKE2b key length mismatch');
  const p = new Uint8Array(64);
  const view = new DataView(p.buffer);
  p[0] = digestLength;
  p[1] = keyLength;
  p[2] = params.fanout;
  p[3] = params.depth;
  view.setUint32(4, params.leafLength, true);
  view.setUint32(8, params.nodeOffset, true);
  view.setUint32(12, params.xofLength, true);
  p[16] = params.nodeDepth;
  p[17] = params.innerLength;
  const h = new Uint32Array(16);
  for (let i = 0; i < 16; i++) h[i] = (IV[i] ^ view.getUint32(4 * i, true)) >>> 0;
  const data = new Uint8Array((keyLength > 0 ? 128 : 0) + input.length);
  data.set(key, 0);
  data.set(input, keyLength > 0 ? 128 : 0);
  const blocks = Math.max(1, Math.ceil(data.length / 128));
  const padded = new Uint8Array(blocks * 128);
  padded.set(data);
  for (let b = 0; b < blocks; b++) {
    const last = b === blocks - 1;
    compress(h, padded, 128 * b, last ? data.length : 128 * (b + 1), last);
  }
  const out = new Uint8Array(digestLength);
  const hv = new DataView(h.buffer);
  for (let i = 0; i < digestLength; i++) out[i] = hv.getUint8(i);
  return out;
}

/**
 * BLAKE2Xb (Spec: §4.10): the root hash H0 = BLAKE2b(input, key) with digest length 64, fanout 1,
 * depth 1 and xof_length = outLength; then output block i (64 bytes, the last one shorter) is
 * BLAKE2b(H0) with digest length min(64, remaining), key length 0, fanout 0, depth 0, leaf length 64,
 * node offset i, xof_length = outLength, inner length 64. outLength ∈ [1, 2^32 − 1).
 */
export function blake2xb(outLength: number, input: Uint8Array, key: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(outLength) || outLength < 1 || outLength >= 2 ** 32 - 1) {
    throw new InvalidArgumentError(`BLAKE2Xb output length must be in [1, 2^32 − 1), got ${outLength}`);
  }
  const root = blake2bWithParams(
    input,
    { digestLength: 64, keyLength: key.length, fanout: 1, depth: 1, leafLength: 0, nodeOffset: 0, xofLength: outLength, nodeDepth: 0, innerLength: 0 },
    key,
  );
  const out = new Uint8Array(outLength);
  // Every output block hashes the same 64-byte root with the same parameters except the node offset
  // (parameter word 1, low half) and, for a short last block, the digest length (byte 0): build the
  // initial state once and patch those two fields per block.
  const base = new Uint32Array(16);
  for (let i = 0; i < 16; i++) base[i] = IV[i];
  base[1] = (IV[1] ^ 64) >>> 0; // leaf length 64 (bytes 4–7)
  base[3] = (IV[3] ^ outLength) >>> 0; // xof_length (bytes 12–15)
  base[4] = (IV[4] ^ (64 << 8)) >>> 0; // inner length 64 (byte 17); node depth 0 (byte 16)
  const rootWords = new Uint32Array(32);
  for (let i = 0; i < 16; i++) rootWords[i] = (root[4 * i] | (root[4 * i + 1] << 8) | (root[4 * i + 2] << 16) | (root[4 * i + 3] << 24)) >>> 0;
  const h = new Uint32Array(16);
  const hb = new Uint8Array(h.buffer);
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  for (let i = 0, done = 0; done < outLength; i++) {
    const len = Math.min(64, outLength - done);
    h.set(base);
    h[0] = (IV[0] ^ len) >>> 0;
    h[2] = (IV[2] ^ i) >>> 0; // node offset (bytes 8–11)
    m.set(rootWords);
    compressWords(h, 64, true);
    if (littleEndian) out.set(hb.subarray(0, len), done);
    else for (let j = 0; j < len; j++) out[done + j] = (h[j >> 2] >>> (8 * (j & 3))) & 0xff;
    done += len;
  }
  return out;
}
