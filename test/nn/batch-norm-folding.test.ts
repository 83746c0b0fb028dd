/**
 * foldBatchNorm (§8.6) against the definition of batch normalization (§8.2.8) evaluated directly,
 * element by element, in this file.
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, createModel, evaluateFixedPoint, foldBatchNorm, traceFloat, UnsupportedError, type Model } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { randomInput } from './helpers/networks.js';

const bnParams = (rng: Rng, c: number) => ({
  scale: uniformSymmetric(rng, c, 0.5).map((v) => v + 1),
  bias: uniformSymmetric(rng, c, 0.5),
  mean: uniformSymmetric(rng, c, 0.5),
  variance: uniformSymmetric(rng, c, 0.5).map((v) => v + 1),
  epsilon: 1e-3,
});

/** Batch norm straight from its definition, on a CHW (or vector) tensor. */
function batchNormByDefinition(x: Float64Array, channels: number, bn: ReturnType<typeof bnParams>): Float64Array {
  const per = x.length / channels;
  return x.map((v, i) => {
    const c = Math.floor(i / per);
    return (bn.scale[c] * (v - bn.mean[c])) / Math.sqrt(bn.variance[c] + bn.epsilon) + bn.bias[c];
  });
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
};

describe('foldBatchNorm', () => {
  it('conv2d + batchNorm: same function, batchNorm gone, weights scaled per output channel', () => {
    const rng = fromTextSeed('bn/conv');
    const bn = bnParams(rng, 3);
    const weights = kaimingUniform(rng, 3 * 2 * 9, 18);
    const bias = uniformSymmetric(rng, 3, 0.3);
    const model = createModel({
      inputShape: [2, 5, 5],
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 3, kernel: 3, padding: 1, weights, bias },
        { type: 'batchNorm', name: 'bn', ...bn },
        { type: 'relu', name: 'relu' },
      ],
    });
    const folded = foldBatchNorm(model);
    expect(folded.layers.map((l) => l.type)).toEqual(['conv2d', 'relu']);
    expect(folded.layers[1]).toMatchObject({ input: 'conv' });
    const conv = folded.layers[0] as Extract<Model['layers'][number], { type: 'conv2d' }>;
    for (let c = 0; c < 3; c++) {
      const k = bn.scale[c] / Math.sqrt(bn.variance[c] + bn.epsilon);
      for (let i = 0; i < 18; i++) expect(conv.weights[c * 18 + i]).toBeCloseTo(weights[c * 18 + i] * k, 14);
      expect(conv.bias[c]).toBeCloseTo((bias[c] - bn.mean[c]) * k + bn.bias[c], 14);
    }
    for (let trial = 0; trial < 3; trial++) {
      const x = randomInput(rng, 50, -2, 2);
      const t = traceFloat(model, x);
      // The unfolded float evaluator implements the definition …
      close(t.outputs[1], batchNormByDefinition(t.outputs[0], 3, bn));
      // … and folding preserves the function.
      close(traceFloat(folded, x).output, t.output);
    }
  });

  it('dense + batchNorm (per feature) and a chain of two batchNorms', () => {
    const rng = fromTextSeed('bn/dense');
    const bn1 = bnParams(rng, 4);
    const bn2 = bnParams(rng, 4);
    const model = createModel({
      inputShape: [6],
      layers: [
        { type: 'dense', name: 'fc', outFeatures: 4, weights: kaimingUniform(rng, 24, 6), bias: uniformSymmetric(rng, 4, 1) },
        { type: 'batchNorm', name: 'bn1', ...bn1 },
        { type: 'batchNorm', name: 'bn2', ...bn2 },
      ],
    });
    const folded = foldBatchNorm(model);
    expect(folded.layers.map((l) => l.name)).toEqual(['fc']);
    const x = randomInput(rng, 6, -1, 1);
    const t = traceFloat(model, x);
    close(t.outputs[2], batchNormByDefinition(batchNormByDefinition(t.outputs[0], 4, bn1), 4, bn2));
    close(traceFloat(folded, x).output, t.output);
  });

  it('keeps batchNorm layers that do not directly follow a linear layer read only by them', () => {
    const rng = fromTextSeed('bn/keep');
    const conv = (name: string) =>
      ({ type: 'conv2d', name, outChannels: 2, kernel: 1, weights: kaimingUniform(rng, 4, 2) }) as const;
    const afterRelu = createModel({
      inputShape: [2, 3, 3],
      layers: [conv('conv'), { type: 'relu', name: 'relu' }, { type: 'batchNorm', name: 'bn', ...bnParams(rng, 2) }],
    });
    const shared = createModel({
      inputShape: [2, 3, 3],
      layers: [
        conv('conv'),
        { type: 'batchNorm', name: 'bn', ...bnParams(rng, 2) }, // conv is also read by the add
        { type: 'add', name: 'add', inputs: ['bn', 'conv'] },
      ],
    });
    expect(foldBatchNorm(afterRelu)).toBe(afterRelu);
    expect(foldBatchNorm(shared)).toBe(shared);
    // The compiler turns the first into a per-channel scale layer and agrees with the float model.
    const fp = compileFixedPoint(afterRelu, { fractionalBits: 16 });
    expect(fp.layers.map((l) => l.op)).toEqual(['conv2d', 'relu', 'scale']);
    const x = randomInput(rng, 18, -1, 1);
    const want = traceFloat(afterRelu, x).output;
    evaluateFixedPoint(fp, x).decoded.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-3));
    // The second would be a weighted layer right after conv, which also feeds the add: rejected.
    expect(() => compileFixedPoint(shared)).toThrow(UnsupportedError);
    expect(() => compileFixedPoint(shared)).toThrow(/"bn".*"conv" is also read by another layer/);
  });
});
