/**
 * Test helpers: models whose weights are exactly representable in binary32, so that the float32
 * trainer and the float64 evaluator of src/nn start from identical numbers.
 */
import { createModel, type LayerSpec, type Model } from '../../../src/nn/index.js';
import { uniformSymmetric } from '../../../src/nn/init.js';
import type { Rng } from '../../../src/random/index.js';

/** The model with every float array rounded to binary32 (scalars such as epsilon unchanged). */
export function roundToFloat32(model: Model): Model {
  const layers = model.layers.map(
    (l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v instanceof Float64Array ? v.map(Math.fround) : v])) as unknown as LayerSpec,
  );
  return createModel({ name: model.name, inputShape: model.inputShape, layers, fractionalBits: model.fractionalBits });
}

/** `n` binary32 values uniform in [lo, hi). */
export function randomFloat32(rng: Rng, n: number, lo = 0, hi = 1): Float32Array {
  return Float32Array.from(uniformSymmetric(rng, n, (hi - lo) / 2), (v) => v + (hi + lo) / 2);
}

/** Largest |a[i] − b[i]| / max(1, |b[i]|). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}
