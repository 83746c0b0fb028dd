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

/** Throws {@link InvalidParametersError} unless m is an integer in [2, 2^50). Spec: §3.2 */
export function assertModulusWide(m: number, what = 'modulus'): void {
  if (!Number.isInteger(m) || m < 2 || m >= MAX_MODULUS_WIDE) {
    throw new InvalidParametersError(`${what} must be an integer in [2, 2^50), got ${String(m)}`);
  }
}

/**
 * (a·b) mod 2^52 for non-negative integers a, b < 2^51, exactly, in doubles.
 *
 * With a = a1·2^26 + a0 and b = b1·2^26 + b0: a·b ≡ a0·b0 + ((a1·b0 + a0·b1) mod 2^26)·2^26
 * (mod 2^52), since a1·b1·2^52 ≡ 0. Every partial product is < 2^52 and the final sum < 2^53, so
 * no step rounds. Spec: §3.2
 */
export function mulLow52(a: number, b: number): number {
  const lo = mulLow52Lazy(a, b);
  return lo >= TWO_52 ? lo - TWO_52 : lo;
}

/**
 * Like {@link mulLow52} but without the final reduction: a value in [0, 2^53) congruent to a·b
 * modulo 2^52. The difference of two such values is exact in a double. Spec: §3.2
 */
export function mulLow52Lazy(a: number, b: number): number {
  const a1 = Math.floor(a * INV_TWO_26);
  const a0 = a - a1 * TWO_26;
  const b1 = Math.floor(b * INV_TWO_26);
  const b0 = b - b1 * TWO_26;
  const cross = a1 * b0 + a0 * b1;
  return a0 * b0 + (cross - Math.floor(cross * INV_TWO_26) * TWO_26) * TWO_26;
}

/**
 * Maps r ∈ (−2^53, 2^53), known to be ≡ (mod 2^52) to a value in [−m, 2m), to that value reduced
 * into [0, m). Branchless (`Math.round` is exact; booleans become 0/1): on V8 the unpredictable
 * branches would cost more than the arithmetic. @internal
 */
export function finishWide(r: number, m: number): number {
  r -= Math.round(r * INV_TWO_52) * TWO_52;
  r += m * +(r < 0);
  return r - m * +(r >= m);
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
 * a·b mod m for a, b ∈ [0, m), m < 2^50, exactly, without BigInt.
 *
 * 1. quot = ⌊a·b/m⌋ in doubles: a·b/m < 2^50 carries relative error ≤ 2^−52, i.e. absolute
 *    error < 1/4, so quot is the true quotient or off by one.
 * 2. r = a·b − quot·m therefore lies in [−m, 2m) ⊂ (−2^51, 2^51); it is determined by its value
 *    mod 2^52, which {@link mulLow52Lazy} computes exactly for both products.
 * 3. Recentre modulo 2^52, then one ±m (branchless). Spec: §3.2
 */
export function mulModWide(a: number, b: number, m: number): number {
  const quot = Math.floor((a * b) / m);
  return finishWide(mulLow52Lazy(a, b) - mulLow52Lazy(quot, m), m);
}

/**
 * a·b mod m with the fixed multiplicand's float quotient `bInvM = b / m` precomputed (as for the
 * small-modulus `mulModPrecomp`; the error analysis of {@link mulModWide} still applies:
 * three roundings, absolute error < 2^−1). Spec: §3.2
 */
export function mulModWidePrecomp(a: number, b: number, bInvM: number, m: number): number {
  const quot = Math.floor(a * bInvM);
  return finishWide(mulLow52Lazy(a, b) - mulLow52Lazy(quot, m), m);
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
