/**
 * Random weight initialization from an {@link Rng} (reproducible from a seed).
 *
 * Spec: §8.14
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { uniformBelow, type Rng } from '../random/index.js';

const TWO_53 = 2 ** 53;

/** A float uniform in [0, 1): uniformBelow(rng, 2^53) / 2^53. Spec: §8.14 */
export function uniformUnit(rng: Rng): number {
  return uniformBelow(rng, TWO_53) / TWO_53;
}

/** `count` values uniform in [−bound, bound): each (2·uniformUnit(rng) − 1)·bound, in order. Spec: §8.14 */
export function uniformSymmetric(rng: Rng, count: number, bound: number): Float64Array {
  if (!Number.isSafeInteger(count) || count < 0) throw new InvalidArgumentError(`count must be a non-negative integer, got ${count}`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * uniformUnit(rng) - 1) * bound;
  return out;
}

/**
 * He/Kaiming-uniform weights for a ReLU layer with the given fan-in: uniform in
 * [−√(6/fanIn), √(6/fanIn)) (He et al. 2015, gain √2). Spec: §8.14
 */
export function kaimingUniform(rng: Rng, count: number, fanIn: number): Float64Array {
  if (!Number.isSafeInteger(fanIn) || fanIn < 1) throw new InvalidArgumentError(`fanIn must be a positive integer, got ${fanIn}`);
  return uniformSymmetric(rng, count, Math.sqrt(6 / fanIn));
}
