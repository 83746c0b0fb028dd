/**
 * The training loop (§10.2): a seed fixes the trained weights bit for bit; a different seed gives
 * different weights; training separates a synthetic two-class problem whose answer is known
 * (the sign of the difference of two image halves); the learning-rate schedule; data sets and
 * seeded shuffling.
 */
import { describe, expect, it } from 'vitest';
import { SizeMismatchError } from '../../src/errors.js';
import { createDataset, evaluateAccuracy, sliceDataset, train, trainModel, TrainableNetwork, type TrainProgress } from '../../src/planner/index.js';
import { learningRateAt } from '../../src/planner/train.js';
import { shuffledIndices } from '../../src/planner/dataset.js';
import { fromTextSeed } from '../../src/random/index.js';
import { halves, smallCnn } from './helpers/synthetic.js';

describe('train', () => {
  const data = halves('planner/train/data', 512);
  const test = halves('planner/train/test', 256);
  const options = { epochs: 3, batchSize: 32, learningRate: 0.05 };

  it('learns the synthetic task', () => {
    const progress: TrainProgress[] = [];
    const { model, history } = trainModel(smallCnn('init'), data, { ...options, rng: fromTextSeed('order'), onProgress: (p) => progress.push(p) });
    expect(history).toHaveLength(3);
    expect(history[2].loss).toBeLessThan(history[0].loss);
    const net = new TrainableNetwork(model, { maxBatch: 100 });
    expect(evaluateAccuracy(net, test)).toBeGreaterThan(0.9);
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ epoch: 3, step: 16, stepsPerEpoch: 16, totalStep: 48, totalSteps: 48 });
  });

  it('is deterministic: same seed, same weights; another seed, other weights', () => {
    const run = (seed: string) => trainModel(smallCnn('init'), sliceDataset(data, 0, 128), { ...options, epochs: 1, rng: fromTextSeed(seed) }).model;
    const a = run('s1');
    const b = run('s1');
    const c = run('s2');
    expect(a.layers).toEqual(b.layers);
    expect(a.layers).not.toEqual(c.layers);
  });

  it('keeps the input model unchanged and rejects data of another shape', () => {
    const model = smallCnn('init');
    const before = Float64Array.from((model.layers[0] as { weights: Float64Array }).weights);
    trainModel(model, sliceDataset(data, 0, 64), { ...options, epochs: 1, rng: fromTextSeed('x') });
    expect((model.layers[0] as { weights: Float64Array }).weights).toEqual(before);
    const wrong = createDataset(new Float32Array(49), [0], [1, 7, 7]);
    expect(() => train(new TrainableNetwork(model), wrong, { epochs: 1, rng: fromTextSeed('x') })).toThrow(SizeMismatchError);
  });

  it('learning-rate schedules', () => {
    expect(learningRateAt(0, 100, { learningRate: 0.1 })).toBeCloseTo(0.1, 12);
    expect(learningRateAt(50, 100, { learningRate: 0.1 })).toBeCloseTo(0.05, 12);
    expect(learningRateAt(99, 100, { learningRate: 0.1, schedule: 'constant' })).toBe(0.1);
    expect(learningRateAt(0, 100, { learningRate: 0.1, warmupSteps: 10 })).toBeCloseTo(0.01, 12);
    expect(learningRateAt(10, 110, { learningRate: 0.1, warmupSteps: 10 })).toBeCloseTo(0.1, 12);
  });
});

describe('datasets', () => {
  it('shuffledIndices is a permutation fixed by the seed', () => {
    const a = shuffledIndices(fromTextSeed('p'), 1000);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIndices(fromTextSeed('p'), 1000)).toEqual(a);
    expect(shuffledIndices(fromTextSeed('q'), 1000)).not.toEqual(a);
  });

  it('createDataset packs samples and checks sizes', () => {
    const d = createDataset([Float32Array.of(1, 2), Float32Array.of(3, 4)], [0, 1], [2]);
    expect(Array.from(d.inputs)).toEqual([1, 2, 3, 4]);
    expect(Array.from(sliceDataset(d, 1, 1).inputs)).toEqual([3, 4]);
    expect(() => createDataset([Float32Array.of(1)], [0], [2])).toThrow(SizeMismatchError);
    expect(() => createDataset([Float32Array.of(1, 2)], [0, 1], [2])).toThrow(SizeMismatchError);
  });
});
