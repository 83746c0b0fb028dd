/**
 * Arithmetic modulo a small modulus q < 2^30, with residues held as JS numbers in [0, q).
 *
 * JS has no 64-bit integer multiply, and a 60-bit product does not fit a double's 53-bit
 * mantissa. The trick used throughout: estimate the quotient ⌊a·b/q⌋ in floating point (off by at
 * most one), then compute the remainder exactly in 32-bit two's-complement arithmetic with
 * `Math.imul` — the true remainder lies in [−q, 2q) ⊂ [−2^31, 2^31), so its low 32 bits determine
 * it — and correct by ±q.
 *
 * The hot functions ({@link addMod}, {@link mulMod}, …) do not validate their arguments: inputs
 * must be integers in [0, q) and q an integer in [2, 2^30). Validate once with
 * {@link assertModulus30} or use a {@link Modulus}.
 *
 * Spec: §3.1
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';

/** Exclusive upper bound on moduli handled by this module: 2^30. Spec: §3.1 */
export const MAX_MODULUS_30 = 2 ** 30;

/**
 * Throws {@link InvalidParametersError} unless q is an integer in [2, 2^30). Spec: §3.1
 * @param what name used in the error message
 */
export function assertModulus30(q: number, what = 'modulus'): void {
  if (!Number.isInteger(q) || q < 2 || q >= MAX_MODULUS_30) {
    throw new InvalidParametersError(`${what} must be an integer in [2, 2^30), got ${String(q)}`);
  }
}

/** Reduces any safe integer x (possibly negative) into [0, q). Works for any q < 2^53. Spec: §3.1 */
export function reduceMod(x: number, q: number): number {
  const r = x % q;
  // `+ 0` turns the −0 of e.g. (−17) % 17 into +0.
  return r < 0 ? r + q : r + 0;
}

/** (a + b) mod q for a, b ∈ [0, q). Spec: §3.1 */
export function addMod(a: number, b: number, q: number): number {
  const s = a + b;
  return s >= q ? s - q : s;
}

/** (a − b) mod q for a, b ∈ [0, q). Spec: §3.1 */
export function subMod(a: number, b: number, q: number): number {
  const d = a - b;
  return d < 0 ? d + q : d;
}

/** (−a) mod q for a ∈ [0, q). Spec: §3.1 */
export function negMod(a: number, q: number): number {
  return a === 0 ? 0 : q - a;
}

/**
 * a·b mod q for a, b ∈ [0, q), q < 2^30, without BigInt.
 *
 * quot = ⌊a·b/q⌋ in doubles: a·b < 2^60 is rounded (relative error ≤ 2^−53), then divided (another
 * 2^−53), so the estimate of a·b/q < 2^30 is within 2^−22 of the truth and its floor is off by at
 * most one. r = a·b − quot·q then lies in [−q, 2q); it is computed from the low 32 bits of both
 * products (`Math.imul`) and brought into [0, q) by ±q, branchless (`r += (r >> 31) & q`: the
 * sign-bit mask is cheaper on V8 than a mispredicted branch). Spec: §3.1
 */
export function mulMod(a: number, b: number, q: number): number {
  const quot = Math.floor((a * b) / q);
  let r = (Math.imul(a, b) - Math.imul(quot, q)) | 0;
  r += (r >> 31) & q; // [−q, 2q) → [0, 2q), branchless
  r -= q;
  return r + ((r >> 31) & q);
}

/**
 * a·b mod q with `bInvQ = b / q` precomputed (a division traded for a multiplication).
 * Same two-sided correction as {@link mulMod}: a·(b/q) carries two roundings, error < 2^−21.
 * Spec: §3.1
 */
export function mulModPrecomp(a: number, b: number, bInvQ: number, q: number): number {
  const quot = Math.floor(a * bInvQ);
  let r = (Math.imul(a, b) - Math.imul(quot, q)) | 0;
  r += (r >> 31) & q;
  r -= q;
  return r + ((r >> 31) & q);
}

/** 1 − 2^−50: shrinks the Shoup quotient so that the estimate never exceeds the true quotient. */
const SHOUP_SHRINK = 1 - 2 ** -50;

/**
 * Precomputes the Shoup companion of a fixed multiplicand w ∈ [0, q), q < 2^30.
 *
 * Classic Shoup stores w' = ⌊w·2^64/q⌋ and takes the high word of a·w'; JS has no 64×64→128
 * (nor 32×32→64) high multiply, so we store the *real* number w/q scaled down by (1 − 2^−50),
 * as a double. For any a < 2^32 the computed a·w' lies in (a·w/q − 2^−17, a·w/q): it never
 * overshoots (the shrink dominates the three roundings, 3·2^−53 < 2^−50) and undershoots by less
 * than one. Hence quot = ⌊a·w'⌋ equals ⌊a·w/q⌋ or one less, and r = a·w − quot·q ∈ [0, 2q) —
 * exactly Shoup's one-sided guarantee, which permits Harvey's lazy NTT butterflies. Spec: §3.1
 */
export function shoupPrecompute(w: number, q: number): number {
  return (w / q) * SHOUP_SHRINK;
}

/**
 * a·w mod q in [0, q) with w fixed and `wShoup = shoupPrecompute(w, q)`. Accepts a ∈ [0, 2^32)
 * (not just [0, q)), which the lazy NTT relies on; requires q < 2^30. Spec: §3.1
 */
export function mulModShoup(a: number, w: number, wShoup: number, q: number): number {
  const quot = Math.floor(a * wShoup);
  const r = (Math.imul(a, w) - Math.imul(quot, q) - q) | 0;
  return r + ((r >> 31) & q);
}

/**
 * Like {@link mulModShoup} but skips the final correction: returns a value in [0, 2q) congruent
 * to a·w mod q (Harvey's lazy reduction). Spec: §3.1
 */
export function mulModShoupLazy(a: number, w: number, wShoup: number, q: number): number {
  const quot = Math.floor(a * wShoup);
  return (Math.imul(a, w) - Math.imul(quot, q)) | 0;
}

/**
 * base^e mod q by square-and-multiply, q < 2^30, e a non-negative safe integer or a bigint.
 * Spec: §3.1
 */
export function powMod(base: number, e: number | bigint, q: number): number {
  assertModulus30(q);
  if (!Number.isInteger(base)) throw new InvalidArgumentError(`powMod: base must be an integer, got ${base}`);
  return powModUnchecked(reduceMod(base, q), e, q, mulMod);
}

/**
 * Shared square-and-multiply loop (also used by the wide variant), after base is reduced.
 * @internal
 */
export function powModUnchecked(
  base: number,
  e: number | bigint,
  q: number,
  mul: (a: number, b: number, q: number) => number,
): number {
  if (typeof e === 'bigint') {
    if (e < 0n) throw new InvalidArgumentError(`exponent must be non-negative, got ${e}`);
    let result = 1 % q;
    let b = base;
    while (e > 0n) {
      if (e & 1n) result = mul(result, b, q);
      b = mul(b, b, q);
      e >>= 1n;
    }
    return result;
  }
  if (!Number.isSafeInteger(e) || e < 0) {
    throw new InvalidArgumentError(`exponent must be a non-negative safe integer, got ${e}`);
  }
  let result = 1 % q;
  let b = base;
  while (e > 0) {
    if (e % 2 === 1) result = mul(result, b, q);
    b = mul(b, b, q);
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * a^{−1} mod m by the extended Euclidean algorithm, for any modulus 2 ≤ m < 2^53 (all
 * intermediate values stay below m, so doubles are exact). Throws {@link InvalidArgumentError}
 * when gcd(a, m) ≠ 1. Spec: §3.1
 */
export function invMod(a: number, m: number): number {
  if (!Number.isSafeInteger(m) || m < 2) {
    throw new InvalidParametersError(`invMod: modulus must be a safe integer ≥ 2, got ${String(m)}`);
  }
  if (!Number.isSafeInteger(a)) throw new InvalidArgumentError(`invMod: value must be a safe integer, got ${a}`);
  let r0 = m;
  let r1 = reduceMod(a, m);
  // Bézout coefficients of the remainders. Their signs alternate and |s| ≤ m throughout, so
  // s0 − k·s1 = ±(|s0| + k·|s1|) never exceeds m in magnitude: doubles stay exact.
  let s0 = 0;
  let s1 = 1;
  while (r1 !== 0) {
    const k = Math.floor(r0 / r1);
    const r2 = r0 - k * r1;
    const s2 = s0 - k * s1;
    r0 = r1;
    r1 = r2;
    s0 = s1;
    s1 = s2;
  }
  if (r0 !== 1) throw new InvalidArgumentError(`invMod: ${a} is not invertible modulo ${m} (gcd = ${r0})`);
  return s0 < 0 ? s0 + m : s0;
}

/**
 * A validated modulus q < 2^30 with its per-modulus constants cached: `inverse = 1/q` (so that
 * reductions multiply instead of divide) and the bit length. Methods mirror the free functions.
 * Spec: §3.1
 */
export class Modulus {
  /** The modulus q. */
  readonly value: number;
  /** 1/q as a double. */
  readonly inverse: number;
  /** Number of bits of q. */
  readonly bits: number;

  constructor(q: number) {
    assertModulus30(q);
    this.value = q;
    this.inverse = 1 / q;
    this.bits = 32 - Math.clz32(q);
  }

  /** Reduces any safe integer into [0, q). */
  reduce(x: number): number {
    return reduceMod(x, this.value);
  }
  add(a: number, b: number): number {
    return addMod(a, b, this.value);
  }
  sub(a: number, b: number): number {
    return subMod(a, b, this.value);
  }
  neg(a: number): number {
    return negMod(a, this.value);
  }
  /** a·b mod q using the cached 1/q. */
  mul(a: number, b: number): number {
    const q = this.value;
    const quot = Math.floor(a * b * this.inverse);
    let r = (Math.imul(a, b) - Math.imul(quot, q)) | 0;
    r += (r >> 31) & q;
    r -= q;
    return r + ((r >> 31) & q);
  }
  pow(a: number, e: number | bigint): number {
    return powMod(a, e, this.value);
  }
  inv(a: number): number {
    return invMod(a, this.value);
  }
  /** The Shoup companion of a fixed multiplicand (see {@link shoupPrecompute}). */
  shoup(w: number): number {
    return shoupPrecompute(w, this.value);
  }
}
