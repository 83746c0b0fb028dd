/**
 * A synthetic two-class image task with a known answer, and a small CNN for it, for tests that
 * train: 1×6×6 noise images whose left (class 1) or right (class 0) half is brighter by 0.3.
 */
import { createModel, type Model } from '../../../src/nn/index.js';
import { kaimingUniform } from '../../../src/nn/init.js';
import { createDataset, type Dataset } from '../../../src/planner/index.js';
import { fromTextSeed } from '../../../src/random/index.js';
import { randomFloat32 } from './float32.js';

export function halves(seed: string, count: number): Dataset {
  const rng = fromTextSeed(seed);
  const x = randomFloat32(rng, count * 36, 0, 0.7);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = x[n * 36] < 0.35 ? 1 : 0; // the first pixel is noise too: an unbiased coin
    for (let i = 0; i < 36; i++) if ((i % 6 < 3) === (labels[n] === 1)) x[n * 36 + i] += 0.3;
  }
  return createDataset(x, labels, [1, 6, 6]);
}

/** conv 4×3×3 (pad 1) → act1 → avgPool 2 → flatten → dense 8 → act2 → dense 2, float32 weights. */
export function smallCnn(seed: string, activations: readonly ('relu6' | 'quadratic')[] = ['relu6', 'quadratic']): Model {
  const rng = fromTextSeed(seed);
  return createModel({
    name: 'halves',
    inputShape: [1, 6, 6],
    layers: [
      { type: 'conv2d', name: 'conv', outChannels: 4, kernel: 3, padding: 1, weights: kaimingUniform(rng, 36, 9).map(Math.fround) },
      { type: activations[0], name: 'act1' },
      { type: 'avgPool2d', name: 'pool', kernel: 2 },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', name: 'fc1', outFeatures: 8, weights: kaimingUniform(rng, 8 * 36, 36).map(Math.fround) },
      { type: activations[1], name: 'act2' },
      { type: 'dense', name: 'fc2', outFeatures: 2, weights: kaimingUniform(rng, 16, 8).map(Math.fround) },
    ],
  });
}
