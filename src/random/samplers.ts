/**
 * Samplers built on an {@link Rng}. Each sampler consumes the stream in a documented, normative
 * order so that another implementation fed the same seed draws the same values (Spec: §2.2).
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from './rng.js';

const TWO_32 = 2 ** 32;

/**
 * Uniform integer in [0, bound) without bias, for 1 ≤ bound ≤ 2^53, by masked rejection:
 * let k = bit length of (bound − 1); draw `lo = uint32()` and, when k > 32, `hi = uint32()`;
 * the candidate is the low k bits of hi·2^32 + lo; retry while candidate ≥ bound. Spec: §2.2
 */
export function uniformBelow(rng: Rng, bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 53) {
    throw new InvalidArgumentError(`uniformBelow: bound must be an integer in [1, 2^53], got ${bound}`);
  }
  if (bound === 1) return 0;
  const k = bitLength(bound - 1);
  if (k <= 32) {
    const mask = k === 32 ? 0xffffffff : (2 ** k - 1);
    for (;;) {
      const v = (rng.uint32() & mask) >>> 0;
      if (v < bound) return v;
    }
  }
  const hiMask = 2 ** (k - 32) - 1;
  for (;;) {
    const lo = rng.uint32();
    const hi = rng.uint32() & hiMask;
    const v = hi * TWO_32 + lo;
    if (v < bound) return v;
  }
}

/**
 * Uniform bigint in [0, bound) for any bound ≥ 1, by masked rejection: draw ⌈k/8⌉ bytes read
 * little-endian, clear the bits above k, retry while ≥ bound. Spec: §2.2
 */
export function uniformBigintBelow(rng: Rng, bound: bigint): bigint {
  if (typeof bound !== 'bigint' || bound < 1n) {
    throw new InvalidArgumentError(`uniformBigintBelow: bound must be a bigint ≥ 1, got ${String(bound)}`);
  }
  if (bound === 1n) return 0n;
  const k = (bound - 1n).toString(2).length;
  const nBytes = Math.ceil(k / 8);
  const topMask = (1 << (k - 8 * (nBytes - 1))) - 1;
  const buf = new Uint8Array(nBytes);
  for (;;) {
    rng.fill(buf);
    buf[nBytes - 1] &= topMask;
    let v = 0n;
    for (let i = nBytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[i]);
    if (v < bound) return v;
  }
}

/** `n` independent {@link uniformBelow}(q) draws, for q ≤ 2^32, in index order. Spec: §2.2 */
export function sampleUniformPoly(rng: Rng, n: number, q: number): Uint32Array {
  if (q > TWO_32) throw new InvalidArgumentError(`sampleUniformPoly: q must be ≤ 2^32, got ${q}`);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = uniformBelow(rng, q);
  return out;
}

/** `n` coefficients uniform in {−1, 0, 1}: each is uniformBelow(3) − 1. Spec: §2.2 */
export function sampleTernary(rng: Rng, n: number): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = uniformBelow(rng, 3) - 1;
  return out;
}

/**
 * Centered binomial distribution with parameter η (variance η/2), SEAL's layout: per coefficient,
 * draw ⌈η/8⌉ bytes A then ⌈η/8⌉ bytes B, keep the low η bits of each (the last byte masked), and
 * output popcount(A) − popcount(B). With η = 21 this is SEAL's default error distribution
 * (σ ≈ 3.24, |e| ≤ 21). Spec: §2.2
 */
export function sampleCenteredBinomial(rng: Rng, n: number, eta = 21): Int8Array {
  if (!Number.isInteger(eta) || eta < 1 || eta > 127) {
    throw new InvalidArgumentError(`sampleCenteredBinomial: eta must be an integer in [1, 127], got ${eta}`);
  }
  const half = Math.ceil(eta / 8);
  const lastMask = (1 << (eta - 8 * (half - 1))) - 1;
  const buf = new Uint8Array(2 * half);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    rng.fill(buf);
    buf[half - 1] &= lastMask;
    buf[2 * half - 1] &= lastMask;
    let s = 0;
    for (let j = 0; j < half; j++) s += popcount8(buf[j]) - popcount8(buf[half + j]);
    out[i] = s;
  }
  return out;
}

/** Number of bits needed to write `x` (x ≥ 0, x < 2^53); bitLength(0) = 0. */
export function bitLength(x: number): number {
  let k = 0;
  while (x >= TWO_32) {
    x = Math.floor(x / TWO_32);
    k += 32;
  }
  return k + (x === 0 ? 0 : 32 - Math.clz32(x));
}

function popcount8(b: number): number {
  b = b - ((b >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}
