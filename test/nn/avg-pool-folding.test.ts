/**
 * Average-pool folding (§8.8.2): the compiled constants against the rules computed by hand in
 * this file (quantize(w·c) with c = 1/(kh·kw)), and the folded fixed-point model against the
 * float model, for each of the three rules.
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, createModel, evaluateFixedPoint, traceFloat, UnsupportedError, type FixedPointLayer, type Model } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { quantize } from '../../src/sharing/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from './helpers/networks.js';

const F = 10;
const enc = (a: ArrayLike<number>, bits = F): number[] => Array.from(a, (v) => quantize(v, bits));
const weightsOf = (l: FixedPointLayer): number[] =>
  Array.from(l.op === 'scale' ? l.factors : l.op === 'conv2d' || l.op === 'dense' ? l.weights : []);
const biasOf = (l: FixedPointLayer): number[] => Array.from(l.op === 'scale' || l.op === 'conv2d' || l.op === 'dense' ? l.bias : []);

function agreesWithFloat(model: Model, f = 16): void {
  const rng = fromTextSeed(`pool/${model.name}`);
  const fp = compileFixedPoint(model, { fractionalBits: f });
  for (let trial = 0; trial < 3; trial++) {
    const x = randomInput(rng, model.inputShape.reduce((a, b) => a * b, 1), -1, 1);
    const want = traceFloat(model, x).output;
    evaluateFixedPoint(fp, x).decoded.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(2e-3));
  }
}

describe('avgPool2d folding', () => {
  const rng = fromTextSeed('avg-pool-folding');
  const w = kaimingUniform(rng, 2 * 1 * 9, 9);
  const b = uniformSymmetric(rng, 2, 0.5);
  const wd = kaimingUniform(rng, 3 * 8, 8);
  const bd = uniformSymmetric(rng, 3, 0.5);

  it('rule 1 (backward): conv → avgPool → relu scales the conv weights and bias by 1/4', () => {
    const model = createModel({
      name: 'backward',
      inputShape: [1, 4, 4],
      fractionalBits: F,
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 3, padding: 1, weights: w, bias: b },
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'relu', name: 'relu' },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => `${l.op}:${l.name}`)).toEqual(['conv2d:conv', 'sumPool2d:pool', 'relu:relu']);
    expect(weightsOf(fp.layers[0])).toEqual(enc(w.map((v) => v / 4)));
    expect(biasOf(fp.layers[0])).toEqual(enc(b.map((v) => v / 4), 2 * F));
    expect(fp.layers[0].origin).toEqual(['conv', 'pool (×1/4)']);
    agreesWithFloat(model);
  });

  it('rule 2 (forward): relu → avgPool → flatten → dense scales the dense weights only', () => {
    const model = createModel({
      name: 'forward',
      inputShape: [2, 4, 4],
      fractionalBits: F,
      layers: [
        { type: 'relu', name: 'relu' },
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc', outFeatures: 3, weights: wd, bias: bd },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => l.op)).toEqual(['scale', 'relu', 'sumPool2d', 'flatten', 'dense']);
    expect(weightsOf(fp.layers[4])).toEqual(enc(wd.map((v) => v / 4)));
    expect(biasOf(fp.layers[4])).toEqual(enc(bd, 2 * F));
    agreesWithFloat(model);
  });

  it('two pools in a row fold into the same layer (1/16), 3×3 pools by 1/9', () => {
    const w16 = kaimingUniform(rng, 2 * 2, 2);
    const model = createModel({
      name: 'two-pools',
      inputShape: [2, 12, 12],
      fractionalBits: F,
      layers: [
        { type: 'relu', name: 'relu' },
        { type: 'avgPool2d', name: 'p1', kernel: 2 },
        { type: 'avgPool2d', name: 'p2', kernel: 3 },
        { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 1, weights: w16 },
      ],
    });
    const fp = compileFixedPoint(model);
    const conv = fp.layers.find((l) => l.name === 'conv')!;
    expect(weightsOf(conv)).toEqual(enc(w16.map((v) => v / 4 / 9)));
    expect(conv.origin).toEqual(['conv', 'p1 (×1/4)', 'p2 (×1/9)']);
    agreesWithFloat(model);
  });

  it('rule 3 (stand-alone): relu → avgPool → relu gets a scale layer of factor 1/4', () => {
    const model = createModel({
      name: 'stand-alone',
      inputShape: [2, 4, 4],
      fractionalBits: F,
      layers: [
        { type: 'quadratic', name: 'q' },
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'relu', name: 'relu' },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => `${l.op}:${l.name}`)).toEqual([
      'scale:q/lift',
      'quadratic:q',
      'sumPool2d:pool',
      'scale:pool/scale',
      'relu:relu',
    ]);
    expect(weightsOf(fp.layers[3])).toEqual([quantize(0.25, F), quantize(0.25, F)]);
    agreesWithFloat(model);
  });

  it('rules 2 and 3 together: a pool read by a conv and by a residual add', () => {
    const wc = kaimingUniform(rng, 2 * 2 * 9, 18);
    const model = createModel({
      name: 'pool-skip',
      inputShape: [2, 6, 6],
      fractionalBits: F,
      layers: [
        { type: 'relu', name: 'a' },
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 3, padding: 1, weights: wc },
        { type: 'add', name: 'add', inputs: ['conv', 'pool'] },
        { type: 'relu', name: 'out' },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => `${l.op}:${l.name}:${l.inputs.join(',')}`)).toEqual([
      'scale:a/lift:-1',
      'relu:a:0',
      'sumPool2d:pool:1',
      'scale:pool/scale:2', // read by the add only
      'conv2d:conv:2', // reads the sums, weights ×1/4
      'add:add:4,3',
      'relu:out:5',
    ]);
    expect(weightsOf(fp.layers[4])).toEqual(enc(wc.map((v) => v / 4)));
    agreesWithFloat(model);
  });

  it('a pool between a residual add and an activation cannot be folded', () => {
    const model = createModel({
      name: 'unfoldable',
      inputShape: [1, 4, 4],
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 1, kernel: 1, weights: [0.5] },
        { type: 'add', name: 'add', inputs: ['conv', 'input'] },
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'relu', name: 'relu' },
      ],
    });
    expect(() => compileFixedPoint(model)).toThrow(UnsupportedError);
    expect(() => compileFixedPoint(model)).toThrow(/layer 2 \("pool"\): this avgPool2d cannot be folded/);
  });
});
