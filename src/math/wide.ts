/**
 * Arithmetic modulo a "wide" modulus m < 2^50 with residues held as JS numbers (doubles are exact
 * up to 2^53). Used for the 41-bit share prime p and for SEAL's 36–44-bit BFVDefault primes.
 *
 * Products a·b < 2^100 are far beyond a double, so {@link mulModWide} estimates the quotient in
 * floating point and recovers the remainder exactly modulo 2^52 by splitting the operands into
 * 26-bit limbs (see {@link mulLow52}). No BigInt on the hot path.
 *
 * Like the small-modulus functions, the hot functions here do not validate: operands must be
 * integers in [0, m) and m an integer in [2, 2^50). Validate with {@link assertModulusWide}.
 *
 * Spec: §3.2
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import { invMod, powModUnchecked, reduceMod } from './modular.js';

/** Exclusive upper bound on wide moduli: 2^50. Spec: §3.2 */
export const MAX_MODULUS_WIDE = 2 ** 50;

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;
const TWO_52 = 2 ** 52;
const INV_TWO_52 = 2 ** -52;
const TWO_51 = 2 ** 51;

/** Throws {@link InvalidParametersError} unless m is an integer in [2, 2^50). Spec: §3.2 */
export function assertModulusWide(m: number, what = 'modulus'): void {
  if (!Number.isInteger(m) || m < 2 || m >= MAX_MODULUS_WIDE) {
    throw new InvalidParametersError(`${what} must be an integer in [2, 2^50), got ${String(m)}`);
  }
}

/**
 * (a·b) mod 2^52 for non-negative integers a, b < 2^52, exactly, in doubles.
 *
 * With a = a1·2^26 + a0 and b = b1·2^26 + b0: a·b ≡ a0·b0 + ((a1·b0 + a0·b1) mod 2^26)·2^26
 * (mod 2^52), since a1·b1·2^52 ≡ 0. Every partial product is < 2^52 and every sum < 2^53, so no
 * step rounds. Spec: §3.2
 */
export function mulLow52(a: number, b: number): number {
  const lo = mulLow52Lazy(a, b);
  return lo >= TWO_52 ? lo - TWO_52 : lo;
}

/** Like {@link mulLow52} but without the final reduction: a value in [0, 2^53) congruent to a·b mod 2^52. */
function mulLow52Lazy(a: number, b: number): number {
  const a1 = Math.floor(a * INV_TWO_26);
  const a0 = a - a1 * TWO_26;
  const b1 = Math.floor(b * INV_TWO_26);
  const b0 = b - b1 * TWO_26;
  const cross = a1 * b0 + a0 * b1;
  return a0 * b0 + (cross - Math.floor(cross * INV_TWO_26) * TWO_26) * TWO_26;
}

/** (a + b) mod m for a, b ∈ [0, m), m < 2^52. Spec: §3.2 */
export function addModWide(a: number, b: number, m: number): number {
  const s = a + b;
  return s >= m ? s - m : s;
}

/** (a − b) mod m for a, b ∈ [0, m). Spec: §3.2 */
export function subModWide(a: number, b: number, m: number): number {
  const d = a - b;
  return d < 0 ? d + m : d;
}

/** (−a) mod m for a ∈ [0, m). Spec: §3.2 */
export function negModWide(a: number, m: number): number {
  return a === 0 ? 0 : m - a;
}

/**
 * The one wide multiplication kernel: a·b − quot·m reduced into [0, m), for a ∈ [0, 2^51),
 * b ∈ [0, m), m < 2^50, given quot = ⌊a·b/m⌋ up to ±1 (a float estimate) and the 26-bit limbs
 * b = b1·2^26 + b0, m = m1·2^26 + m0 (fixed operands are split once by the caller).
 *
 * r = a·b − quot·m lies in [−m, 2m) ⊂ (−2^51, 2^51), so it is determined by its value modulo 2^52,
 * computed exactly from the limbs as in {@link mulLow52} (a0·b0 − u0·m0 + ((a1·b0 + a0·b1) mod 2^26 −
 * (u1·m0 + u0·m1) mod 2^26)·2^26 with quot = u1·2^26 + u0, every term below 2^53); it is recentred
 * modulo 2^52 (`Math.round` is exact) and corrected by ±m, branchless (on V8 the unpredictable
 * branches cost more than the arithmetic). Spec: §3.2
 */
export function mulModWideSplit(a: number, quot: number, b1: number, b0: number, m: number, m1: number, m0: number): number {
  const a1 = Math.floor(a * INV_TWO_26);
  const a0 = a - a1 * TWO_26;
  let c = a1 * b0 + a0 * b1;
  c -= Math.floor(c * INV_TWO_26) * TWO_26;
  const u1 = Math.floor(quot * INV_TWO_26);
  const u0 = quot - u1 * TWO_26;
  let e = u1 * m0 + u0 * m1;
  e -= Math.floor(e * INV_TWO_26) * TWO_26;
  let r = a0 * b0 - u0 * m0 + (c - e) * TWO_26;
  r -= Math.round(r * INV_TWO_52) * TWO_52;
  r += m * +(r < 0);
  return r - m * +(r >= m);
}

/**
 * a·b mod m for a, b ∈ [0, m), m < 2^50, with the constants of m supplied by the caller:
 * mInv = 1/m and its limbs m1 = ⌊m/2^26⌋, m0 = m mod 2^26 (the form hot loops use). The float
 * quotient a·b·(1/m) < 2^50 carries relative error ≤ 3·2^−53, i.e. it is off by at most one, as
 * {@link mulModWideSplit} requires. Spec: §3.2
 */
export function mulModWideFast(a: number, b: number, m: number, mInv: number, m1: number, m0: number): number {
  const b1 = Math.floor(b * INV_TWO_26);
  return mulModWideSplit(a, Math.floor(a * b * mInv), b1, b - b1 * TWO_26, m, m1, m0);
}

/** a·b mod m for a, b ∈ [0, m), m < 2^50, exactly, without BigInt ({@link mulModWideFast}). Spec: §3.2 */
export function mulModWide(a: number, b: number, m: number): number {
  const m1 = Math.floor(m * INV_TWO_26);
  return mulModWideFast(a, b, m, 1 / m, m1, m - m1 * TWO_26);
}

/**
 * a·b mod m with the fixed multiplicand's float quotient `bInvM = b / m` precomputed (as for the
 * small-modulus `mulModPrecomp`): a·(b/m) carries three roundings, so the quotient is off by at most
 * one ({@link mulModWideSplit}). Spec: §3.2
 */
export function mulModWidePrecomp(a: number, b: number, bInvM: number, m: number): number {
  const b1 = Math.floor(b * INV_TWO_26);
  const m1 = Math.floor(m * INV_TWO_26);
  return mulModWideSplit(a, Math.floor(a * bInvM), b1, b - b1 * TWO_26, m, m1, m - m1 * TWO_26);
}

/** base^e mod m for m < 2^50 (base any safe integer, e ≥ 0 a safe integer or bigint). Spec: §3.2 */
export function powModWide(base: number, e: number | bigint, m: number): number {
  assertModulusWide(m);
  if (!Number.isSafeInteger(base)) throw new InvalidArgumentError(`powModWide: base must be a safe integer, got ${base}`);
  return powModUnchecked(reduceMod(base, m), e, m, mulModWide);
}

/** a^{−1} mod m for m < 2^50; throws {@link InvalidArgumentError} if gcd(a, m) ≠ 1. Spec: §3.2 */
export function invModWide(a: number, m: number): number {
  assertModulusWide(m);
  return invMod(a, m);
}

/** x mod 2^52 in [0, 2^52) for an integer x ∈ (−2^53, 2^53). Spec: §3.2 */
export function mod52(x: number): number {
  return x - Math.floor(x * INV_TWO_52) * TWO_52;
}

/** q^{−1} mod 2^52 for odd q < 2^52 (Newton–Hensel: x ← x·(2 − q·x), doubling the valid bits). Spec: §3.2 */
export function invMod2to52(q: number): number {
  let x = q; // q·q ≡ 1 (mod 8) for odd q
  for (let i = 0; i < 5; i++) x = mulLow52(x, mod52(2 - mulLow52(q, x)));
  return x;
}

/**
 * ⌊a·b/m⌋ for integers a, b ∈ [0, 2^50) and 2 ≤ m < 2^50 with a·b/m < 2^50, exactly, without
 * BigInt: the float estimate of a·b/m is off by at most one; the remainder a·b − est·m is small, so
 * it is recovered exactly modulo 2^52 ({@link mulLow52}) and the estimate corrected (the remainder
 * is then a·b − quotient·m ∈ [0, m)). Spec: §3.2
 */
export function floorMulDiv(a: number, b: number, m: number): number {
  let est = Math.floor((a * b) / m);
  let r = mulLow52(a, b) - mulLow52(est, m);
  r -= Math.round(r * INV_TWO_52) * TWO_52; // the true remainder, now in (−2^51, 2^51]
  if (r > TWO_51) r -= TWO_52;
  while (r < 0) {
    est -= 1;
    r += m;
  }
  while (r >= m) {
    est += 1;
    r -= m;
  }
  return est;
}
