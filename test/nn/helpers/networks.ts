/**
 * Small networks with seeded random weights, covering every layer type and the structures the
 * fixed-point compiler handles (pool folding both ways, stand-alone pools, residual adds of both
 * scale combinations, batch norm, quadratic and ReLU6 activations, merged dense layers).
 */
import { createModel, type LayerSpec, type Model } from '../../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../../src/nn/init.js';
import type { Rng } from '../../../src/random/index.js';

const conv = (rng: Rng, name: string, inC: number, outC: number, k: number, extra: Partial<LayerSpec> = {}): LayerSpec =>
  ({
    type: 'conv2d',
    name,
    outChannels: outC,
    kernel: k,
    weights: kaimingUniform(rng, outC * inC * k * k, inC * k * k),
    bias: uniformSymmetric(rng, outC, 0.2),
    ...extra,
  }) as LayerSpec;

const dense = (rng: Rng, name: string, inN: number, outN: number, extra: Partial<LayerSpec> = {}): LayerSpec =>
  ({
    type: 'dense',
    name,
    outFeatures: outN,
    weights: kaimingUniform(rng, outN * inN, inN),
    bias: uniformSymmetric(rng, outN, 0.2),
    ...extra,
  }) as LayerSpec;

const bn = (rng: Rng, name: string, c: number): LayerSpec => ({
  type: 'batchNorm',
  name,
  scale: uniformSymmetric(rng, c, 0.5).map((v) => v + 1),
  bias: uniformSymmetric(rng, c, 0.3),
  mean: uniformSymmetric(rng, c, 0.3),
  variance: uniformSymmetric(rng, c, 0.5).map((v) => v + 1),
  epsilon: 1e-5,
});

/** conv → relu → avgPool → conv → relu → avgPool → flatten → dense → relu → dense (MNIST-like). */
export function lenetLike(rng: Rng): Model {
  return createModel({
    name: 'lenet-like',
    inputShape: [1, 10, 10],
    layers: [
      conv(rng, 'conv1', 1, 4, 3),
      { type: 'relu', name: 'relu1' },
      { type: 'avgPool2d', name: 'pool1', kernel: 2 },
      conv(rng, 'conv2', 4, 6, 2, { padding: 1 }),
      { type: 'relu', name: 'relu2' },
      { type: 'avgPool2d', name: 'pool2', kernel: 2 },
      { type: 'flatten', name: 'flat' },
      dense(rng, 'fc1', 6 * 2 * 2, 12),
      { type: 'relu', name: 'relu3' },
      dense(rng, 'fc2', 12, 5),
    ],
  });
}

/** Two residual blocks: add(conv, relu) with a lift, then add(relu, relu) at scale f. */
export function residualNet(rng: Rng): Model {
  return createModel({
    name: 'residual',
    inputShape: [2, 6, 6],
    layers: [
      conv(rng, 'stem', 2, 3, 3, { padding: 1 }),
      { type: 'relu', name: 'a' },
      conv(rng, 'c1', 3, 3, 3, { padding: 1 }),
      { type: 'relu', name: 'b' },
      conv(rng, 'c2', 3, 3, 3, { padding: 1 }),
      { type: 'add', name: 'res1', inputs: ['c2', 'a'] },
      { type: 'relu', name: 'c' },
      conv(rng, 'c3', 3, 3, 1),
      { type: 'relu6', name: 'd' },
      { type: 'add', name: 'res2', inputs: ['d', 'c'] },
      { type: 'avgPool2d', name: 'pool', kernel: 3 },
      { type: 'flatten', name: 'flat' },
      dense(rng, 'fc', 3 * 2 * 2, 4),
    ],
  });
}

/** conv → batchNorm → quadratic → strided conv → relu6 → dense → quadratic → dense, plus a stand-alone pool. */
export function mixedNet(rng: Rng): Model {
  return createModel({
    name: 'mixed',
    inputShape: [2, 7, 7],
    layers: [
      conv(rng, 'conv1', 2, 3, 3, { padding: [1, 0] }),
      bn(rng, 'bn1', 3),
      { type: 'quadratic', name: 'q1' },
      conv(rng, 'conv2', 3, 4, 3, { stride: 2, padding: [0, 1, 1, 0] }),
      { type: 'relu6', name: 'r6' },
      { type: 'avgPool2d', name: 'pool', kernel: [2, 1], stride: [1, 2] },
      { type: 'relu', name: 'r' },
      { type: 'flatten', name: 'flat' },
      dense(rng, 'fc1', 4 * 2 * 1, 6),
      { type: 'quadratic', name: 'q2', a2: 0.1997, a1: 0.5002, a0: 0.1992 },
      dense(rng, 'fc2', 6, 3),
    ],
  });
}

/** conv → avgPool → relu (backward fold) → dense → dense (merged) → relu → dense. */
export function foldingNet(rng: Rng): Model {
  return createModel({
    name: 'folding',
    inputShape: [1, 8, 8],
    layers: [
      conv(rng, 'conv', 1, 3, 3, { padding: 1 }),
      { type: 'avgPool2d', name: 'pool', kernel: 2 },
      { type: 'relu', name: 'relu1' },
      dense(rng, 'fc1', 48, 10),
      dense(rng, 'fc2', 10, 7),
      { type: 'relu', name: 'relu2' },
      dense(rng, 'fc3', 7, 3),
    ],
  });
}

/** Every network above, by name. */
export const NETWORKS: Record<string, (rng: Rng) => Model> = {
  lenetLike,
  residualNet,
  mixedNet,
  foldingNet,
};

/** Inputs uniform in [lo, hi). */
export function randomInput(rng: Rng, n: number, lo = 0, hi = 1): Float64Array {
  return uniformSymmetric(rng, n, (hi - lo) / 2).map((v) => v + (hi + lo) / 2);
}
