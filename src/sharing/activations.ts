/**
 * The fixed-point activations (§8.9.3): each takes a signed integer y at scale 2f (the output of
 * a linear layer) and returns a signed integer at scale f.
 *
 * Spec: §8.9.3, §8.10
 * @module
 */
import { OutOfRangeError } from '../errors.js';
import { P_HALF } from '../math/share-field.js';
import { truncateFloor } from './fixed-point.js';

/** A truncation function: the reference uses {@link truncateFloor}; tests may substitute others. */
export type Truncation = (z: number, bits: number) => number;

/** Integer coefficients of a quadratic activation, each at scale f. Spec: §8.9.3 */
export interface FixedQuadraticCoefficients {
  readonly a2: number;
  readonly a1: number;
  readonly a0: number;
}

/** ReLU: y > 0 ? ⌊y / 2^f⌋ : 0. Spec: §8.9.3 */
export function reluFixed(y: number, f: number): number {
  return y > 0 ? truncateFloor(y, f) : 0;
}

/** ReLU6: min(reluFixed(y), 6·2^f). Spec: §8.9.3 */
export function relu6Fixed(y: number, f: number): number {
  const r = y > 0 ? truncateFloor(y, f) : 0;
  const cap = 6 * 2 ** f;
  return r < cap ? r : cap;
}

const EXACT = 2 ** 53;

/**
 * The quadratic activation: x = T(y), x2 = T(x·x), t = a2·x2 + a1·x, out = T(t) + a0 with
 * T(z) = ⌊z / 2^f⌋ (or the given `truncate`). x·x and t MUST lie in [−(p−1)/2, (p−1)/2];
 * otherwise throws {@link OutOfRangeError}. Spec: §8.9.3
 */
export function quadraticFixed(
  y: number,
  c: FixedQuadraticCoefficients,
  f: number,
  truncate: Truncation = truncateFloor,
): number {
  const x = truncate(y, f);
  const sq = x * x; // exact whenever it is ≤ (p−1)/2; any rounded value is > (p−1)/2 too
  if (sq > P_HALF) throw new OutOfRangeError(`quadratic: x·x = ${x}² exceeds (p−1)/2`);
  const x2 = truncate(sq, f);
  const p2 = c.a2 * x2;
  const p1 = c.a1 * x;
  let t: number;
  if (Math.abs(p2) < EXACT && Math.abs(p1) < EXACT) {
    t = p2 + p1;
  } else {
    // Products this large can only cancel into range by coincidence; decide exactly.
    const big = BigInt(c.a2) * BigInt(x2) + BigInt(c.a1) * BigInt(x);
    t = big > BigInt(P_HALF) || big < -BigInt(P_HALF) ? Infinity : Number(big);
  }
  if (Math.abs(t) > P_HALF) throw new OutOfRangeError(`quadratic: a2·x2 + a1·x exceeds (p−1)/2 (x = ${x})`);
  return truncate(t, f) + c.a0;
}

/**
 * An upper bound on |out′ − out| where out = quadraticFixed(y, c, f) and out′ is computed the
 * same way except that each of the three truncations may be off by ±1 (as local truncation of
 * additive shares is): with x = ⌊y/2^f⌋, E2 = ⌈(2|x| + 1)/2^f⌉ + 1, Et = |a2|·E2 + |a1|, the
 * bound is ⌈Et / 2^f⌉ + 1. Spec: §8.10
 */
export function quadraticDeviationBound(y: number, c: FixedQuadraticCoefficients, f: number): number {
  const x = truncateFloor(y, f);
  const e2 = Math.ceil((2 * Math.abs(x) + 1) / 2 ** f) + 1;
  const et = Math.abs(c.a2) * e2 + Math.abs(c.a1);
  return Math.ceil(et / 2 ** f) + 1;
}
