/**
 * The three distributions of BFV, written into RNS polynomials: uniform residues (the mask a),
 * ternary (secret keys and the encryption randomness u) and centered binomial η = 21 (errors).
 * Every draw comes from the caller's {@link Rng}, in a fixed, documented order, so that the same
 * seed reproduces the same keys and ciphertexts.
 *
 * Spec: §4.3
 * @module
 */
import type { Rng } from '../random/index.js';
import { bitLength } from '../random/index.js';
import type { BfvContext, RnsPoly } from './context.js';
import { polySetSigned } from './poly.js';

const TWO_32 = 2 ** 32;

/**
 * A polynomial with residues drawn uniformly and independently modulo each of the first k primes:
 * prime 0's n residues first (coefficient order), then prime 1's, … Each residue is drawn exactly as
 * `uniformBelow(rng, q_i)` (§2.2) draws it. By the CRT the result is uniform modulo Q. Spec: §4.3
 */
export function sampleUniformRns(ctx: BfvContext, rng: Rng, k: number): RnsPoly {
  const out = ctx.allocPoly(k);
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const bits = bitLength(q - 1);
    const off = i * n;
    if (bits <= 32) {
      const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
      for (let j = 0; j < n; j++) {
        let v: number;
        do v = (rng.uint32() & mask) >>> 0;
        while (v >= q);
        out[off + j] = v;
      }
    } else {
      const hiMask = 2 ** (bits - 32) - 1;
      for (let j = 0; j < n; j++) {
        let v: number;
        do {
          const lo = rng.uint32();
          v = (rng.uint32() & hiMask) * TWO_32 + lo;
        } while (v >= q);
        out[off + j] = v;
      }
    }
  }
  return out;
}

/**
 * n ternary coefficients, drawn exactly as `sampleTernary` (§2.2) draws them — uniformBelow(rng, 3):
 * the low two bits of `uint32()`, rejecting 3 — minus one. Written out here because this is the hot
 * path of every encryption; the test suite checks it against `sampleTernary`. Spec: §4.3
 */
export function sampleTernaryCoefficients(rng: Rng, n: number): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.uint32() & 3;
    while (v === 3);
    out[i] = v - 1;
  }
  return out;
}

function popcount8(b: number): number {
  b = b - ((b >> 1) & 0x55);
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}

/**
 * n centered-binomial (η = 21) coefficients, exactly `sampleCenteredBinomial(rng, n, 21)` (§2.2):
 * 6 bytes per coefficient, A = bytes 0–2 and B = bytes 3–5 with the top 3 bits of bytes 2 and 5
 * cleared, value popcount(A) − popcount(B). Reads the 6n bytes in one call. Spec: §4.3
 */
export function sampleNoiseCoefficients(rng: Rng, n: number): Int8Array {
  const buf = rng.bytes(6 * n);
  const out = new Int8Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 6) {
    out[i] =
      popcount8(buf[o]) + popcount8(buf[o + 1]) + popcount8(buf[o + 2] & 0x1f) -
      popcount8(buf[o + 3]) - popcount8(buf[o + 4]) - popcount8(buf[o + 5] & 0x1f);
  }
  return out;
}

/** A ternary polynomial ({@link sampleTernaryCoefficients}) in RNS form over the first k primes, with its signed coefficients. Spec: §4.3 */
export function sampleTernaryRns(ctx: BfvContext, rng: Rng, k: number): { signed: Int8Array; poly: RnsPoly } {
  const signed = sampleTernaryCoefficients(rng, ctx.n);
  return { signed, poly: polySetSigned(ctx, signed, ctx.allocPoly(k), k) };
}

/** An error polynomial ({@link sampleNoiseCoefficients}, η = 21) in RNS form over the first k primes. Spec: §4.3 */
export function sampleNoiseRns(ctx: BfvContext, rng: Rng, k: number): RnsPoly {
  return polySetSigned(ctx, sampleNoiseCoefficients(rng, ctx.n), ctx.allocPoly(k), k);
}
