/**
 * Structure of compiled models (§8.8): scales, merging of consecutive weighted layers (checked
 * against a matrix product computed here), lifts, rejections and determinism.
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, createModel, evaluateFixedPoint, traceFloat, UnsupportedError } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { quantize } from '../../src/sharing/index.js';
import { OutOfRangeError } from '../../src/errors.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from './helpers/networks.js';

describe('compileFixedPoint', () => {
  const rng = fromTextSeed('compile-structure');

  it('merges dense → dense into one dense layer W2·W1, bias W2·b1 + b2', () => {
    const w1 = kaimingUniform(rng, 4 * 3, 3);
    const b1 = uniformSymmetric(rng, 4, 0.5);
    const w2 = kaimingUniform(rng, 2 * 4, 4);
    const b2 = uniformSymmetric(rng, 2, 0.5);
    const model = createModel({
      inputShape: [3],
      fractionalBits: 12,
      layers: [
        { type: 'dense', name: 'fc1', outFeatures: 4, weights: w1, bias: b1 },
        { type: 'dense', name: 'fc2', outFeatures: 2, weights: w2, bias: b2 },
        { type: 'relu', name: 'relu' },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => l.op)).toEqual(['dense', 'relu']);
    const merged = fp.layers[0];
    if (merged.op !== 'dense') throw new Error('expected dense');
    expect(merged.name).toBe('fc2');
    expect(merged.origin).toEqual(['fc2', 'fc1']);
    const product: number[] = [];
    const bias: number[] = [];
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += w2[o * 4 + k] * w1[k * 3 + i];
        product.push(quantize(s, 12));
      }
      let s = b2[o];
      for (let k = 0; k < 4; k++) s += w2[o * 4 + k] * b1[k];
      bias.push(quantize(s, 24));
    }
    expect(Array.from(merged.weights)).toEqual(product);
    expect(Array.from(merged.bias)).toEqual(bias);
  });

  it('merges conv → avgPool → conv into a dense layer with a [C, H, W] output', () => {
    const model = createModel({
      inputShape: [1, 6, 6],
      layers: [
        { type: 'conv2d', name: 'c1', outChannels: 2, kernel: 3, weights: kaimingUniform(rng, 18, 9), bias: uniformSymmetric(rng, 2, 0.3) },
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'conv2d', name: 'c2', outChannels: 3, kernel: 1, weights: kaimingUniform(rng, 6, 2), bias: uniformSymmetric(rng, 3, 0.3) },
      ],
    });
    const fp = compileFixedPoint(model, { fractionalBits: 16 });
    expect(fp.layers.map((l) => l.op)).toEqual(['dense']);
    expect(fp.layers[0].shape).toEqual([3, 2, 2]);
    const x = randomInput(rng, 36, -1, 1);
    const want = traceFloat(model, x).output;
    evaluateFixedPoint(fp, x).decoded.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-3));
    expect(() => compileFixedPoint(model, { maxMergedWeights: 100 })).toThrow(/36×12 weights, more than maxMergedWeights = 100/);
  });

  it('rejects a weighted layer after a residual add at scale 2f', () => {
    const model = createModel({
      inputShape: [4],
      layers: [
        { type: 'dense', name: 'fc1', outFeatures: 4, weights: kaimingUniform(rng, 16, 4) },
        { type: 'add', name: 'add', inputs: ['fc1', 'input'] },
        { type: 'dense', name: 'fc2', outFeatures: 2, weights: kaimingUniform(rng, 8, 4) },
      ],
    });
    expect(() => compileFixedPoint(model)).toThrow(UnsupportedError);
    expect(() => compileFixedPoint(model)).toThrow(/layer 2 \("fc2"\).*input comes from add layer "add"/);
  });

  it('a model ending in an activation has outputScale 1', () => {
    const model = createModel({
      inputShape: [3],
      layers: [
        { type: 'dense', name: 'fc', outFeatures: 3, weights: [1, 0, 0, 0, -1, 0, 0, 0, 2] },
        { type: 'relu', name: 'relu' },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.outputScale).toBe(1);
    expect(evaluateFixedPoint(fp, [0.5, 0.25, 0.75]).decoded).toEqual([0.5, 0, 1.5]);
  });

  it('rejects constants that do not fit the field, naming the layer', () => {
    const model = createModel({
      inputShape: [1],
      layers: [{ type: 'dense', name: 'huge', outFeatures: 1, weights: [1e10], bias: [0] }],
    });
    expect(() => compileFixedPoint(model)).toThrow(OutOfRangeError);
    expect(() => compileFixedPoint(model)).toThrow(/"huge".*weights\[0\]/);
    expect(() => compileFixedPoint(model, { fractionalBits: 0 })).toThrow(/fractionalBits/);
    expect(() => compileFixedPoint(model, { fractionalBits: 20 })).toThrow(/fractionalBits/);
  });

  it('is deterministic and uses the model fractionalBits by default', () => {
    const model = createModel({
      inputShape: [2],
      fractionalBits: 11,
      layers: [{ type: 'dense', name: 'fc', outFeatures: 2, weights: [0.1, 0.2, 0.3, 0.4] }],
    });
    const a = compileFixedPoint(model);
    expect(a.fractionalBits).toBe(11);
    expect(compileFixedPoint(model)).toEqual(a);
    expect(compileFixedPoint(model, { fractionalBits: 8 }).fractionalBits).toBe(8);
  });
});
