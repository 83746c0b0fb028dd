/**
 * Exact integer helpers on doubles used by the BFV scaling steps: products modulo 2^52 and
 * quotient-with-remainder of a product by a modulus, all without BigInt.
 *
 * Spec: §4.2
 * @module
 */

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;
const TWO_51 = 2 ** 51;
const TWO_52 = 2 ** 52;
const INV_TWO_52 = 2 ** -52;

/**
 * a·b mod 2^52 for integers a, b ∈ [0, 2^52). With 26-bit limbs, a·b ≡ a0·b0 + ((a1·b0 + a0·b1)
 * mod 2^26)·2^26; every partial value stays below 2^53, so nothing rounds. Spec: §4.2
 */
export function mulMod2to52(a: number, b: number): number {
  const a1 = Math.floor(a * INV_TWO_26);
  const a0 = a - a1 * TWO_26;
  const b1 = Math.floor(b * INV_TWO_26);
  const b0 = b - b1 * TWO_26;
  const cross = a1 * b0 + a0 * b1;
  const r = a0 * b0 + (cross - Math.floor(cross * INV_TWO_26) * TWO_26) * TWO_26;
  return r >= TWO_52 ? r - TWO_52 : r;
}

/** x mod 2^52 in [0, 2^52) for an integer x ∈ (−2^53, 2^53). Spec: §4.2 */
export function mod52(x: number): number {
  return x - Math.floor(x * INV_TWO_52) * TWO_52;
}

/** q^{−1} mod 2^52 for odd q < 2^52 (Newton–Hensel: x ← x·(2 − q·x), doubling the valid bits). Spec: §4.2 */
export function invMod2to52(q: number): number {
  let x = q; // q·q ≡ 1 (mod 8) for odd q
  for (let i = 0; i < 5; i++) x = mulMod2to52(x, mod52(2 - mulMod2to52(q, x)));
  return x;
}

/**
 * ⌊a·b/m⌋ for integers a, b ∈ [0, 2^50) and 2 ≤ m < 2^50 with a·b/m < 2^50, exactly, without
 * BigInt: the float estimate of a·b/m is off by at most one; the remainder a·b − est·m is known to
 * be small, so it is recovered exactly modulo 2^52 and the estimate corrected. Writes nothing;
 * returns the quotient (the remainder is a·b − quotient·m ∈ [0, m)). Spec: §4.2
 */
export function floorMulDiv(a: number, b: number, m: number): number {
  let est = Math.floor((a * b) / m);
  let r = mulMod2to52(a, b) - mulMod2to52(est, m);
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
