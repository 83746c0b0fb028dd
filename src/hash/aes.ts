/**
 * AES-128 encryption (FIPS 197) with 32-bit T-tables, written for throughput in JavaScript: four
 * 1 KiB tables plus the S-box (5 KiB in all, resident in L1), the state in four local 32-bit
 * integers, no allocation per block. Blocks are four little-endian words (§5.1): word c is column c
 * of the AES state with row r in bits 8r … 8r+7.
 *
 * This is the permutation π of the hashes in this directory; `FixedKeyAes` (the public class) and the
 * garbling kernels call it. @noble/ciphers' AES is the reference it is tested against (with OpenSSL):
 * noble trades larger tables (2 × 256 KiB) and an object per block for fewer lookups, which is slower
 * here once the tables compete for cache with the garbler's labels.
 *
 * Table-based AES is not constant-time; π's key is public, and the hashed values are secret labels
 * (see §5.10 for why this is accepted).
 *
 * Spec: §5.1
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

function buildSbox(): Uint8Array {
  // The S-box from its definition: multiplicative inverse in GF(2^8) followed by the affine map.
  const sbox = new Uint8Array(256);
  const mul = (a: number, b: number): number => {
    let r = 0;
    for (let i = 0; i < 8; i++) {
      if (b & 1) r ^= a;
      const hi = a & 0x80;
      a = (a << 1) & 0xff;
      if (hi) a ^= 0x1b;
      b >>= 1;
    }
    return r;
  };
  for (let x = 0; x < 256; x++) {
    let inv = 0;
    if (x !== 0) for (inv = 1; mul(x, inv) !== 1; inv++);
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >>> (8 - k))) & 0xff;
    sbox[x] = s ^ 0x63;
  }
  return sbox;
}

const xtime = (x: number): number => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;

/**
 * The tables: T0 at 0, T1 at 256, T2 at 512, T3 at 768, the S-box at 1024. T0[x] is the column
 * (2·S[x], S[x], S[x], 3·S[x]) as a little-endian word; Tj is T0 rotated left by 8j bits.
 */
const TABLES: Int32Array = (() => {
  const sbox = buildSbox();
  const t = new Int32Array(1280);
  for (let x = 0; x < 256; x++) {
    const s = sbox[x];
    const w = xtime(s) | (s << 8) | (s << 16) | ((xtime(s) ^ s) << 24);
    t[x] = w;
    t[256 + x] = (w << 8) | (w >>> 24);
    t[512 + x] = (w << 16) | (w >>> 16);
    t[768 + x] = (w << 24) | (w >>> 8);
    t[1024 + x] = s;
  }
  return t;
})();

/** Number of 32-bit words of an AES-128 key schedule (11 round keys). Spec: §5.1 */
export const AES128_SCHEDULE_WORDS = 44;

/**
 * The AES-128 key schedule of a 16-byte key, as 44 little-endian words (round key r is words
 * 4r … 4r+3). Spec: §5.1
 */
export function expandAes128Key(key: Uint8Array, out: Int32Array = new Int32Array(AES128_SCHEDULE_WORDS)): Int32Array {
  if (!(key instanceof Uint8Array) || key.length !== 16) throw new InvalidArgumentError('AES-128: key must be a 16-byte Uint8Array');
  if (!(out instanceof Int32Array) || out.length < AES128_SCHEDULE_WORDS) throw new InvalidArgumentError('AES-128: schedule needs 44 words');
  for (let i = 0; i < 4; i++) out[i] = key[4 * i] | (key[4 * i + 1] << 8) | (key[4 * i + 2] << 16) | (key[4 * i + 3] << 24);
  expandAes128Words(out);
  return out;
}

/**
 * Completes a key schedule in place from its first four words (the key). Spec: §5.1
 */
export function expandAes128Words(rk: Int32Array): void {
  const t = TABLES;
  let rcon = 1;
  for (let i = 4; i < 44; i += 4) {
    const w = rk[i - 1];
    // RotWord then SubWord (little-endian: rotate right by 8), then Rcon into the low byte.
    const sub =
      t[1024 | ((w >>> 8) & 255)] | (t[1024 | ((w >>> 16) & 255)] << 8) | (t[1024 | (w >>> 24)] << 16) | (t[1024 | (w & 255)] << 24);
    rk[i] = rk[i - 4] ^ sub ^ rcon;
    rk[i + 1] = rk[i - 3] ^ rk[i];
    rk[i + 2] = rk[i - 2] ^ rk[i + 1];
    rk[i + 3] = rk[i - 1] ^ rk[i + 2];
    rcon = xtime(rcon);
  }
}

/**
 * Encrypts `count` blocks of `input` starting at block `inBlock` into `output` at block `outBlock`
 * (the ranges may coincide). Word arrays are `Int32Array`s (view a `Uint32Array` as one: loads of
 * unsigned words above 2^31 are slower). No validation: internal kernel. Spec: §5.1
 */
export function aes128EncryptWords(
  rk: Int32Array,
  input: Int32Array,
  output: Int32Array,
  count: number,
  inBlock = 0,
  outBlock = 0,
): void {
  const t = TABLES;
  const k0 = rk[0];
  const k1 = rk[1];
  const k2 = rk[2];
  const k3 = rk[3];
  for (let b = 0; b < count; b++) {
    const i = 4 * (inBlock + b);
    let s0 = input[i] ^ k0;
    let s1 = input[i + 1] ^ k1;
    let s2 = input[i + 2] ^ k2;
    let s3 = input[i + 3] ^ k3;
    for (let k = 4; k < 40; k += 4) {
      const t0 = t[s0 & 255] ^ t[256 | ((s1 >>> 8) & 255)] ^ t[512 | ((s2 >>> 16) & 255)] ^ t[768 | (s3 >>> 24)] ^ rk[k];
      const t1 = t[s1 & 255] ^ t[256 | ((s2 >>> 8) & 255)] ^ t[512 | ((s3 >>> 16) & 255)] ^ t[768 | (s0 >>> 24)] ^ rk[k + 1];
      const t2 = t[s2 & 255] ^ t[256 | ((s3 >>> 8) & 255)] ^ t[512 | ((s0 >>> 16) & 255)] ^ t[768 | (s1 >>> 24)] ^ rk[k + 2];
      const t3 = t[s3 & 255] ^ t[256 | ((s0 >>> 8) & 255)] ^ t[512 | ((s1 >>> 16) & 255)] ^ t[768 | (s2 >>> 24)] ^ rk[k + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const o = 4 * (outBlock + b);
    output[o] =
      (t[1024 | (s0 & 255)] | (t[1024 | ((s1 >>> 8) & 255)] << 8) | (t[1024 | ((s2 >>> 16) & 255)] << 16) | (t[1024 | (s3 >>> 24)] << 24)) ^ rk[40];
    output[o + 1] =
      (t[1024 | (s1 & 255)] | (t[1024 | ((s2 >>> 8) & 255)] << 8) | (t[1024 | ((s3 >>> 16) & 255)] << 16) | (t[1024 | (s0 >>> 24)] << 24)) ^ rk[41];
    output[o + 2] =
      (t[1024 | (s2 & 255)] | (t[1024 | ((s3 >>> 8) & 255)] << 8) | (t[1024 | ((s0 >>> 16) & 255)] << 16) | (t[1024 | (s1 >>> 24)] << 24)) ^ rk[42];
    output[o + 3] =
      (t[1024 | (s3 & 255)] | (t[1024 | ((s0 >>> 8) & 255)] << 8) | (t[1024 | ((s1 >>> 16) & 255)] << 16) | (t[1024 | (s2 >>> 24)] << 24)) ^ rk[43];
  }
}

/**
 * TCCR(x_k, tweak_k) = π(π(x_k) ⊕ tweak_k) ⊕ π(x_k) for `count` blocks with per-block tweaks given
 * as (low word, high word) pairs in `tweaks` (tweak k at words 2k, 2k+1; the tweak block is
 * (lo, hi, 0, 0)). `out` may alias `blocks`. No validation: internal kernel of §5.2 and §5.6.
 * Spec: §5.2
 */
export function tccrWithTweakWords(
  rk: Int32Array,
  blocks: Int32Array,
  tweaks: Int32Array,
  out: Int32Array,
  count: number,
): void {
  const t = TABLES;
  for (let b = 0; b < count; b++) {
    const i = 4 * b;
    let x0 = blocks[i];
    let x1 = blocks[i + 1];
    let x2 = blocks[i + 2];
    let x3 = blocks[i + 3];
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    for (let pass = 0; pass < 2; pass++) {
      let s0 = x0 ^ rk[0];
      let s1 = x1 ^ rk[1];
      let s2 = x2 ^ rk[2];
      let s3 = x3 ^ rk[3];
      for (let k = 4; k < 40; k += 4) {
        const t0 = t[s0 & 255] ^ t[256 | ((s1 >>> 8) & 255)] ^ t[512 | ((s2 >>> 16) & 255)] ^ t[768 | (s3 >>> 24)] ^ rk[k];
        const t1 = t[s1 & 255] ^ t[256 | ((s2 >>> 8) & 255)] ^ t[512 | ((s3 >>> 16) & 255)] ^ t[768 | (s0 >>> 24)] ^ rk[k + 1];
        const t2 = t[s2 & 255] ^ t[256 | ((s3 >>> 8) & 255)] ^ t[512 | ((s0 >>> 16) & 255)] ^ t[768 | (s1 >>> 24)] ^ rk[k + 2];
        const t3 = t[s3 & 255] ^ t[256 | ((s0 >>> 8) & 255)] ^ t[512 | ((s1 >>> 16) & 255)] ^ t[768 | (s2 >>> 24)] ^ rk[k + 3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
      }
      const y0 =
        (t[1024 | (s0 & 255)] | (t[1024 | ((s1 >>> 8) & 255)] << 8) | (t[1024 | ((s2 >>> 16) & 255)] << 16) | (t[1024 | (s3 >>> 24)] << 24)) ^ rk[40];
      const y1 =
        (t[1024 | (s1 & 255)] | (t[1024 | ((s2 >>> 8) & 255)] << 8) | (t[1024 | ((s3 >>> 16) & 255)] << 16) | (t[1024 | (s0 >>> 24)] << 24)) ^ rk[41];
      const y2 =
        (t[1024 | (s2 & 255)] | (t[1024 | ((s3 >>> 8) & 255)] << 8) | (t[1024 | ((s0 >>> 16) & 255)] << 16) | (t[1024 | (s1 >>> 24)] << 24)) ^ rk[42];
      const y3 =
        (t[1024 | (s3 & 255)] | (t[1024 | ((s0 >>> 8) & 255)] << 8) | (t[1024 | ((s1 >>> 16) & 255)] << 16) | (t[1024 | (s2 >>> 24)] << 24)) ^ rk[43];
      if (pass === 0) {
        m0 = y0;
        m1 = y1;
        m2 = y2;
        m3 = y3;
        x0 = y0 ^ tweaks[2 * b];
        x1 = y1 ^ tweaks[2 * b + 1];
        x2 = y2;
        x3 = y3;
      } else {
        out[i] = y0 ^ m0;
        out[i + 1] = y1 ^ m1;
        out[i + 2] = y2 ^ m2;
        out[i + 3] = y3 ^ m3;
      }
    }
  }
}

/**
 * TCCR(x_b ⊕ d, t_b) for b < count, with x_b the block at word `srcWord + 4b` of `src`, d = (d0, d1,
 * d2, d3) (zero or Δ) and the tweak t_b = tweakStart + b·tweakStride (a safe non-negative integer,
 * placed in the low 64 bits); writes block b at word `outWord + 4b` of `out`. The garbling kernels
 * hash labels in place with it. No validation: internal kernel of §5.2 and §5.6. Spec: §5.2
 */
export function tccrStrided(
  rk: Int32Array,
  src: Int32Array,
  srcWord: number,
  d0: number,
  d1: number,
  d2: number,
  d3: number,
  out: Int32Array,
  outWord: number,
  count: number,
  tweakStart: number,
  tweakStride: number,
): void {
  const t = TABLES;
  for (let b = 0; b < count; b++) {
    const i = srcWord + 4 * b;
    const tweak = tweakStart + b * tweakStride;
    let x0 = src[i] ^ d0;
    let x1 = src[i + 1] ^ d1;
    let x2 = src[i + 2] ^ d2;
    let x3 = src[i + 3] ^ d3;
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    for (let pass = 0; pass < 2; pass++) {
      let s0 = x0 ^ rk[0];
      let s1 = x1 ^ rk[1];
      let s2 = x2 ^ rk[2];
      let s3 = x3 ^ rk[3];
      for (let k = 4; k < 40; k += 4) {
        const t0 = t[s0 & 255] ^ t[256 | ((s1 >>> 8) & 255)] ^ t[512 | ((s2 >>> 16) & 255)] ^ t[768 | (s3 >>> 24)] ^ rk[k];
        const t1 = t[s1 & 255] ^ t[256 | ((s2 >>> 8) & 255)] ^ t[512 | ((s3 >>> 16) & 255)] ^ t[768 | (s0 >>> 24)] ^ rk[k + 1];
        const t2 = t[s2 & 255] ^ t[256 | ((s3 >>> 8) & 255)] ^ t[512 | ((s0 >>> 16) & 255)] ^ t[768 | (s1 >>> 24)] ^ rk[k + 2];
        const t3 = t[s3 & 255] ^ t[256 | ((s0 >>> 8) & 255)] ^ t[512 | ((s1 >>> 16) & 255)] ^ t[768 | (s2 >>> 24)] ^ rk[k + 3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
      }
      const y0 =
        (t[1024 | (s0 & 255)] | (t[1024 | ((s1 >>> 8) & 255)] << 8) | (t[1024 | ((s2 >>> 16) & 255)] << 16) | (t[1024 | (s3 >>> 24)] << 24)) ^ rk[40];
      const y1 =
        (t[1024 | (s1 & 255)] | (t[1024 | ((s2 >>> 8) & 255)] << 8) | (t[1024 | ((s3 >>> 16) & 255)] << 16) | (t[1024 | (s0 >>> 24)] << 24)) ^ rk[41];
      const y2 =
        (t[1024 | (s2 & 255)] | (t[1024 | ((s3 >>> 8) & 255)] << 8) | (t[1024 | ((s0 >>> 16) & 255)] << 16) | (t[1024 | (s1 >>> 24)] << 24)) ^ rk[42];
      const y3 =
        (t[1024 | (s3 & 255)] | (t[1024 | ((s0 >>> 8) & 255)] << 8) | (t[1024 | ((s1 >>> 16) & 255)] << 16) | (t[1024 | (s2 >>> 24)] << 24)) ^ rk[43];
      if (pass === 0) {
        m0 = y0;
        m1 = y1;
        m2 = y2;
        m3 = y3;
        x0 = y0 ^ tweak; // low 32 bits (ToInt32)
        x1 = y1 ^ Math.floor(tweak / 4294967296);
        x2 = y2;
        x3 = y3;
      } else {
        const o = outWord + 4 * b;
        out[o] = y0 ^ m0;
        out[o + 1] = y1 ^ m1;
        out[o + 2] = y2 ^ m2;
        out[o + 3] = y3 ^ m3;
      }
    }
  }
}

/**
 * Two interleaved streams of {@link tccrStrided} (the out-of-order core overlaps their AES rounds):
 * for b < count, block b of stream 1 is TCCR(src[s1 + 4b …] ⊕ e, t1 + b·stride) written at word
 * o1 + 4b of `out`, and of stream 2 TCCR(src[s2 + 4b …] ⊕ f, t2 + b·stride) at o2 + 4b, with the masks
 * e = (e0 … e3) and f = (f0 … f3). The garbler hashes (A⁰, A⁰ ⊕ Δ) and (B⁰, B⁰ ⊕ Δ) with it, the
 * evaluator (A, B). No validation: internal kernel of §5.6. Spec: §5.2
 */
export function tccrStridedPair(
  rk: Int32Array,
  src: Int32Array,
  s1: number,
  e0: number,
  e1: number,
  e2: number,
  e3: number,
  s2: number,
  f0: number,
  f1: number,
  f2: number,
  f3: number,
  out: Int32Array,
  o1: number,
  o2: number,
  count: number,
  t1: number,
  t2: number,
  stride: number,
): void {
  const t = TABLES;
  for (let b = 0; b < count; b++) {
    const i = s1 + 4 * b;
    const j = s2 + 4 * b;
    const twA = t1 + b * stride;
    const twB = t2 + b * stride;
    let x0 = src[i] ^ e0;
    let x1 = src[i + 1] ^ e1;
    let x2 = src[i + 2] ^ e2;
    let x3 = src[i + 3] ^ e3;
    let z0 = src[j] ^ f0;
    let z1 = src[j + 1] ^ f1;
    let z2 = src[j + 2] ^ f2;
    let z3 = src[j + 3] ^ f3;
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let n0 = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    for (let pass = 0; pass < 2; pass++) {
      let s0 = x0 ^ rk[0];
      let sa = x1 ^ rk[1];
      let sb = x2 ^ rk[2];
      let sc = x3 ^ rk[3];
      let u0 = z0 ^ rk[0];
      let u1 = z1 ^ rk[1];
      let u2 = z2 ^ rk[2];
      let u3 = z3 ^ rk[3];
      for (let k = 4; k < 40; k += 4) {
        const k0 = rk[k];
        const k1 = rk[k + 1];
        const k2 = rk[k + 2];
        const k3 = rk[k + 3];
        const p0 = t[s0 & 255] ^ t[256 | ((sa >>> 8) & 255)] ^ t[512 | ((sb >>> 16) & 255)] ^ t[768 | (sc >>> 24)] ^ k0;
        const q0 = t[u0 & 255] ^ t[256 | ((u1 >>> 8) & 255)] ^ t[512 | ((u2 >>> 16) & 255)] ^ t[768 | (u3 >>> 24)] ^ k0;
        const p1 = t[sa & 255] ^ t[256 | ((sb >>> 8) & 255)] ^ t[512 | ((sc >>> 16) & 255)] ^ t[768 | (s0 >>> 24)] ^ k1;
        const q1 = t[u1 & 255] ^ t[256 | ((u2 >>> 8) & 255)] ^ t[512 | ((u3 >>> 16) & 255)] ^ t[768 | (u0 >>> 24)] ^ k1;
        const p2 = t[sb & 255] ^ t[256 | ((sc >>> 8) & 255)] ^ t[512 | ((s0 >>> 16) & 255)] ^ t[768 | (sa >>> 24)] ^ k2;
        const q2 = t[u2 & 255] ^ t[256 | ((u3 >>> 8) & 255)] ^ t[512 | ((u0 >>> 16) & 255)] ^ t[768 | (u1 >>> 24)] ^ k2;
        const p3 = t[sc & 255] ^ t[256 | ((s0 >>> 8) & 255)] ^ t[512 | ((sa >>> 16) & 255)] ^ t[768 | (sb >>> 24)] ^ k3;
        const q3 = t[u3 & 255] ^ t[256 | ((u0 >>> 8) & 255)] ^ t[512 | ((u1 >>> 16) & 255)] ^ t[768 | (u2 >>> 24)] ^ k3;
        s0 = p0;
        sa = p1;
        sb = p2;
        sc = p3;
        u0 = q0;
        u1 = q1;
        u2 = q2;
        u3 = q3;
      }
      const y0 =
        (t[1024 | (s0 & 255)] | (t[1024 | ((sa >>> 8) & 255)] << 8) | (t[1024 | ((sb >>> 16) & 255)] << 16) | (t[1024 | (sc >>> 24)] << 24)) ^ rk[40];
      const y1 =
        (t[1024 | (sa & 255)] | (t[1024 | ((sb >>> 8) & 255)] << 8) | (t[1024 | ((sc >>> 16) & 255)] << 16) | (t[1024 | (s0 >>> 24)] << 24)) ^ rk[41];
      const y2 =
        (t[1024 | (sb & 255)] | (t[1024 | ((sc >>> 8) & 255)] << 8) | (t[1024 | ((s0 >>> 16) & 255)] << 16) | (t[1024 | (sa >>> 24)] << 24)) ^ rk[42];
      const y3 =
        (t[1024 | (sc & 255)] | (t[1024 | ((s0 >>> 8) & 255)] << 8) | (t[1024 | ((sa >>> 16) & 255)] << 16) | (t[1024 | (sb >>> 24)] << 24)) ^ rk[43];
      const w0 =
        (t[1024 | (u0 & 255)] | (t[1024 | ((u1 >>> 8) & 255)] << 8) | (t[1024 | ((u2 >>> 16) & 255)] << 16) | (t[1024 | (u3 >>> 24)] << 24)) ^ rk[40];
      const w1 =
        (t[1024 | (u1 & 255)] | (t[1024 | ((u2 >>> 8) & 255)] << 8) | (t[1024 | ((u3 >>> 16) & 255)] << 16) | (t[1024 | (u0 >>> 24)] << 24)) ^ rk[41];
      const w2 =
        (t[1024 | (u2 & 255)] | (t[1024 | ((u3 >>> 8) & 255)] << 8) | (t[1024 | ((u0 >>> 16) & 255)] << 16) | (t[1024 | (u1 >>> 24)] << 24)) ^ rk[42];
      const w3 =
        (t[1024 | (u3 & 255)] | (t[1024 | ((u0 >>> 8) & 255)] << 8) | (t[1024 | ((u1 >>> 16) & 255)] << 16) | (t[1024 | (u2 >>> 24)] << 24)) ^ rk[43];
      if (pass === 0) {
        m0 = y0;
        m1 = y1;
        m2 = y2;
        m3 = y3;
        n0 = w0;
        n1 = w1;
        n2 = w2;
        n3 = w3;
        x0 = y0 ^ twA; // low 32 bits (ToInt32)
        x1 = y1 ^ Math.floor(twA / 4294967296);
        x2 = y2;
        x3 = y3;
        z0 = w0 ^ twB;
        z1 = w1 ^ Math.floor(twB / 4294967296);
        z2 = w2;
        z3 = w3;
      } else {
        const a = o1 + 4 * b;
        const c = o2 + 4 * b;
        out[a] = y0 ^ m0;
        out[a + 1] = y1 ^ m1;
        out[a + 2] = y2 ^ m2;
        out[a + 3] = y3 ^ m3;
        out[c] = w0 ^ n0;
        out[c + 1] = w1 ^ n1;
        out[c + 2] = w2 ^ n2;
        out[c + 3] = w3 ^ n3;
      }
    }
  }
}
