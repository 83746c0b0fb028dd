/**
 * The fixed-point layers of §8.8 as BFV linear layers (linearLayerOf): for small signed integer
 * weights and inputs, linearReference on the derived shape equals the float kernels of src/nn
 * (conv2dForward, denseForward, scaleForward, sumPool2dForward — exact on such integers) reduced
 * mod p; and one layer goes through the whole homomorphic evaluation.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { linearLayerOf } from '../../src/he-linear/model-layers.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { scaleForward } from '../../src/nn/compile.js';
import type { FixedPointConv2d, FixedPointDense, FixedPointScale, FixedPointSumPool2d } from '../../src/nn/fixed-model.js';
import { conv2dForward } from '../../src/nn/ops/conv2d.js';
import { denseForward } from '../../src/nn/ops/dense.js';
import { sumPool2dForward } from '../../src/nn/ops/pool.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { linearReference, planLinearLayer, evaluateLinearLayer, prepareLinearLayer, encryptLinearInput, generateLinearGaloisKeys, decryptLinearOutput } from '../../src/he-linear/index.js';

const P = 2061584302081;
const rng = fromTextSeed('linear-nn');
const small = (count: number): Float64Array => Float64Array.from({ length: count }, () => uniformBelow(rng, 201) - 100);
const modP = (v: Float64Array): number[] => Array.from(v, (x) => ((x % P) + P) % P);
const base = { name: 'l', inputs: [-1], scale: 1 as const, origin: ['l'] };

describe('linearLayerOf: fixed-point layers as BFV linear layers', () => {
  it('conv2d (OIHW, stride, asymmetric padding)', () => {
    const layer: FixedPointConv2d = {
      ...base, op: 'conv2d', inputShape: [3, 7, 6], shape: [4, 4, 3], outChannels: 4, kernel: [3, 2], stride: [2, 2], padding: [1, 0, 1, 1],
      weights: small(4 * 3 * 3 * 2), bias: small(4),
    };
    const x = small(3 * 7 * 6);
    const { shape, weights } = linearLayerOf(layer);
    const expected = conv2dForward(x, layer.weights, null, { inChannels: 3, inHeight: 7, inWidth: 6, outChannels: 4, kernel: [3, 2], stride: [2, 2], padding: [1, 0, 1, 1] });
    expect(Array.from(linearReference(shape, weights, modP(x)))).toEqual(modP(expected));
  });

  it('dense (flattened input and output shapes)', () => {
    const layer: FixedPointDense = { ...base, op: 'dense', inputShape: [2, 3, 4], shape: [5], weights: small(5 * 24), bias: small(5) };
    const x = small(24);
    const { shape, weights } = linearLayerOf(layer);
    expect(shape).toEqual({ kind: 'dense', inFeatures: 24, outFeatures: 5 });
    expect(Array.from(linearReference(shape, weights, modP(x)))).toEqual(modP(denseForward(x, layer.weights, null, 5)));
  });

  it('scale (per-channel factors) and sumPool2d (all-ones depthwise window)', () => {
    const scale: FixedPointScale = { ...base, op: 'scale', inputShape: [3, 4, 5], shape: [3, 4, 5], factors: small(3), bias: small(3) };
    const x = small(60);
    const s = linearLayerOf(scale);
    expect(Array.from(linearReference(s.shape, s.weights, modP(x)))).toEqual(modP(scaleForward(x, scale.factors, null)));
    const pool: FixedPointSumPool2d = { ...base, op: 'sumPool2d', inputShape: [3, 4, 5], shape: [3, 2, 2], kernel: [2, 2], stride: [2, 2] };
    const p = linearLayerOf(pool);
    expect(Array.from(linearReference(p.shape, p.weights, modP(x)))).toEqual(modP(sumPool2dForward(x, [3, 4, 5], [2, 2], [2, 2])));
    expect(() => linearLayerOf({ ...scale, factors: small(7) })).toThrow(InvalidArgumentError);
    expect(() => linearLayerOf({ op: 'relu' } as unknown as FixedPointScale)).toThrow(InvalidArgumentError);
  });

  it('a fixed-point conv2d through the homomorphic evaluation', () => {
    const n = 1024;
    const ctx = bfv.createBfvContext(
      bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P, insecure: true }),
    );
    const layer: FixedPointConv2d = {
      ...base, op: 'conv2d', inputShape: [2, 5, 5], shape: [3, 5, 5], outChannels: 3, kernel: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1],
      weights: small(3 * 2 * 9), bias: small(3),
    };
    const { shape, weights } = linearLayerOf(layer);
    const sk = bfv.generateSecretKey(ctx, rng);
    const pk = bfv.generatePublicKey(ctx, sk, rng);
    const plan = planLinearLayer(ctx, shape);
    const r = small(50);
    const result = evaluateLinearLayer(
      ctx,
      prepareLinearLayer(ctx, plan, weights),
      encryptLinearInput(ctx, plan, sk, r, rng),
      { galoisKeys: generateLinearGaloisKeys(ctx, sk, [plan], rng), publicKey: pk },
      rng,
    );
    const out = decryptLinearOutput(ctx, plan, sk, result.ciphertexts);
    const expected = conv2dForward(r, layer.weights, null, { inChannels: 2, inHeight: 5, inWidth: 5, outChannels: 3, kernel: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1] });
    expect(Array.from(out, (v, i) => (v + result.share[i]) % P)).toEqual(modP(expected));
  });
});
