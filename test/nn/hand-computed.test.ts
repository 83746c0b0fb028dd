/**
 * Fixed-point semantics (§8.7–§8.9) against examples worked out by hand: every expected
 * integer below is derived in the comments from the formulas of the spec, independently of the
 * implementation.
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, createModel, evaluateFixedPoint } from '../../src/nn/index.js';
import { dequantize, quadraticFixed, quantize, relu6Fixed, reluFixed } from '../../src/sharing/index.js';
import { fieldToSigned, signedToField, truncateFloor, truncateFloorBig } from '../../src/sharing/fixed-point.js';
import { OutOfRangeError } from '../../src/errors.js';

const p = 2061584302081n;
const field = (z: bigint): bigint => ((z % p) + p) % p;

describe('§8.7 encoding', () => {
  it('quantize rounds half away from zero', () => {
    expect(quantize(1.5 / 256, 8)).toBe(2);
    expect(quantize(2.5 / 256, 8)).toBe(3); // not banker's rounding
    expect(quantize(-2.5 / 256, 8)).toBe(-3);
    expect(quantize(-1.5 / 256, 8)).toBe(-2);
    expect(quantize(0.2, 8)).toBe(51); // 51.2
    expect(quantize(-0.3, 8)).toBe(-77); // −76.8
    expect(quantize(0.49999999999999994, 0)).toBe(0); // not ⌊x + 0.5⌋ in floating point
    expect(Object.is(quantize(-0.001, 4), 0)).toBe(true); // no −0
  });

  it('quantize rejects values beyond ±(p−1)/2 and non-finite values', () => {
    expect(quantize(1030792151040 / 256, 8)).toBe(1030792151040);
    expect(() => quantize(1030792151041 / 256, 8)).toThrow(OutOfRangeError);
    expect(() => quantize(Number.NaN, 8)).toThrow(/finite/);
  });

  it('truncateFloor is the signed floor', () => {
    expect(truncateFloor(-3, 1)).toBe(-2);
    expect(truncateFloor(3, 1)).toBe(1);
    expect(truncateFloor(-256, 8)).toBe(-1);
    expect(truncateFloor(-257, 8)).toBe(-2);
    expect(truncateFloorBig(-257n, 8)).toBe(-2n);
    expect(truncateFloorBig(-(2n ** 40n) - 1n, 20)).toBe(-(2n ** 20n) - 1n);
  });

  it('field elements and signed integers', () => {
    expect(signedToField(-43)).toBe(p - 43n);
    expect(fieldToSigned(p - 43n)).toBe(-43);
    expect(fieldToSigned((p - 1n) / 2n)).toBe(1030792151040);
    expect(fieldToSigned((p + 1n) / 2n)).toBe(-1030792151040);
    expect(() => fieldToSigned(p)).toThrow(OutOfRangeError);
    expect(() => signedToField(1030792151041)).toThrow(OutOfRangeError);
    expect(dequantize(-43, 8)).toBe(-0.16796875);
  });
});

describe('§8.9.3 activations, f = 8, Delphi coefficients (51, 128, 51)', () => {
  const c = { a2: 51, a1: 128, a0: 51 };
  it('relu and relu6', () => {
    expect(reluFixed(255, 8)).toBe(0);
    expect(reluFixed(256, 8)).toBe(1);
    expect(reluFixed(-5, 8)).toBe(0);
    expect(relu6Fixed(6 * 65536 + 1000, 8)).toBe(1536); // min(⌊394216/256⌋ = 1539, 6·256)
    expect(relu6Fixed(5 * 65536, 8)).toBe(1280);
  });
  it('quadratic', () => {
    // y = −300: x = ⌊−300/256⌋ = −2, x·x = 4, x2 = ⌊4/256⌋ = 0, t = 128·(−2) = −256, out = −1 + 51.
    expect(quadraticFixed(-300, c, 8)).toBe(50);
    // y = −1: x = ⌊−1/256⌋ = −1 (floor, not truncation toward zero, which would give 51).
    expect(quadraticFixed(-1, c, 8)).toBe(50);
    // y = 70000: x = 273, x·x = 74529, x2 = 291, t = 51·291 + 128·273 = 49785, out = 194 + 51.
    expect(quadraticFixed(70000, c, 8)).toBe(245);
  });
  it('quadratic range rule on x·x and t', () => {
    // x = 2^20 + 1: x·x > (p−1)/2.
    expect(() => quadraticFixed((2 ** 20 + 1) * 256, c, 8)).toThrow(OutOfRangeError);
    // x·x fits (x = 2^19) but t = a2·x2 + a1·x does not with a2 = 2^20.
    expect(() => quadraticFixed(2 ** 19 * 256, { a2: 2 ** 20, a1: 0, a0: 0 }, 8)).toThrow(OutOfRangeError);
  });
});

describe('§8.9 whole networks', () => {
  it('conv2d → relu → dense at f = 4', () => {
    const model = createModel({
      inputShape: [1, 3, 3],
      fractionalBits: 4,
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 1, kernel: 2, weights: [0.5, -1, 0.25, 2], bias: [0.1] },
        { type: 'relu', name: 'relu' },
        { type: 'dense', name: 'fc', outFeatures: 2, weights: [1, -0.5, 0.25, 0, -1, 0, 0.5, 0.0625], bias: [0, -0.3] },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => l.op)).toEqual(['conv2d', 'relu', 'dense']);
    const conv = fp.layers[0] as Extract<(typeof fp.layers)[number], { op: 'conv2d' }>;
    expect(Array.from(conv.weights)).toEqual([8, -16, 4, 32]); // weights · 2^4
    expect(Array.from(conv.bias)).toEqual([26]); // 0.1 · 2^8 = 25.6
    const dense = fp.layers[2] as Extract<(typeof fp.layers)[number], { op: 'dense' }>;
    expect(Array.from(dense.weights)).toEqual([16, -8, 4, 0, -16, 0, 8, 1]);
    expect(Array.from(dense.bias)).toEqual([0, -77]); // −0.3 · 2^8 = −76.8
    // Input · 2^4: 8 −4 16 / 12 0 −16 / 2 5 32 (0.3·16 = 4.8 → 5).
    const input = [0.5, -0.25, 1, 0.75, 0, -1, 0.125, 0.3, 2];
    // conv: 26 + 8·a − 16·b + 4·c + 32·d over each 2×2 window [a b; c d]:
    //   26 + 64 + 64 + 48 + 0 = 202;  26 − 32 − 256 + 0 − 512 = −774;
    //   26 + 96 + 0 + 8 + 160 = 290;  26 + 0 + 256 + 20 + 1024 = 1326.
    // relu: ⌊202/16⌋ = 12, 0, ⌊290/16⌋ = 18, ⌊1326/16⌋ = 82.
    // fc: 16·12 − 8·0 + 4·18 + 0·82 = 264;  −77 − 16·12 + 8·18 + 82 = −43.
    const r = evaluateFixedPoint(fp, input, { trace: true });
    expect(r.trace![1].values).toEqual([202n, field(-774n), 290n, 1326n]);
    expect(r.trace![2].values).toEqual([12n, 0n, 18n, 82n]);
    expect(r.logits).toEqual([264n, p - 43n]);
    expect(r.decoded).toEqual([264 / 256, -43 / 256]);
    expect(r.outputScale).toBe(2);
  });

  it('stand-alone average pool, sum pooling and a lifted residual add at f = 4', () => {
    const model = createModel({
      inputShape: [1, 2, 4],
      fractionalBits: 4,
      layers: [
        { type: 'avgPool2d', name: 'pool', kernel: 2 },
        { type: 'relu', name: 'r' },
        { type: 'add', name: 'sum', inputs: ['r', 'pool'] },
      ],
    });
    const fp = compileFixedPoint(model);
    // The pool neither follows nor precedes a weighted layer: rule 3 inserts pool/scale.
    expect(fp.layers.map((l) => `${l.op}:${l.name}:${l.scale}`)).toEqual([
      'sumPool2d:pool:1',
      'scale:pool/scale:2',
      'relu:r:1',
      'add:sum:2',
    ]);
    const add = fp.layers[3] as Extract<(typeof fp.layers)[number], { op: 'add' }>;
    expect(add.lift).toEqual([true, false]);
    // Input · 16: 16 32 48 64 / −16 −32 8 4. Window sums: 0 and 124. Factor quantize(1/4, 4) = 4:
    // 0 and 496 (scale 2f). relu: 0 and ⌊496/16⌋ = 31. add: 31·16 + 496 = 992 → 3.875.
    const r = evaluateFixedPoint(fp, [1, 2, 3, 4, -1, -2, 0.5, 0.25], { trace: true });
    expect(r.trace!.map((t) => t.values)).toEqual([
      [16n, 32n, 48n, 64n, p - 16n, p - 32n, 8n, 4n],
      [0n, 124n],
      [0n, 496n],
      [0n, 31n],
      [0n, 992n],
    ]);
    expect(r.decoded).toEqual([0, 3.875]);
  });

  it('identity lift, an add at scale f and an unfolded batchNorm at f = 4', () => {
    const model = createModel({
      inputShape: [2],
      fractionalBits: 4,
      layers: [
        { type: 'relu', name: 'r' },
        { type: 'add', name: 'skip', inputs: ['r', 'input'] },
      ],
    });
    const fp = compileFixedPoint(model);
    expect(fp.layers.map((l) => `${l.op}:${l.name}`)).toEqual(['scale:r/lift', 'relu:r', 'add:skip']);
    expect(fp.outputScale).toBe(1);
    // Input −8, 12; lift ·16: −128, 192; relu: 0, 12; add (both scale f): −8, 24.
    const r = evaluateFixedPoint(fp, [-0.5, 0.75]);
    expect(r.logits).toEqual([p - 8n, 24n]);
    expect(r.decoded).toEqual([-0.5, 1.5]);

    const bnModel = createModel({
      inputShape: [1, 1, 2],
      fractionalBits: 4,
      layers: [
        { type: 'relu', name: 'r' },
        { type: 'batchNorm', name: 'bn', scale: [2], bias: [0.5], mean: [0.25], variance: [3], epsilon: 1 },
      ],
    });
    const bnFp = compileFixedPoint(bnModel);
    // k = 2/√(3 + 1) = 1 → factor 16; bias 0.5 − 0.25·1 = 0.25 → 64 at scale 2f.
    const scale = bnFp.layers[2] as Extract<(typeof bnFp.layers)[number], { op: 'scale' }>;
    expect([scale.op, Array.from(scale.factors), Array.from(scale.bias)]).toEqual(['scale', [16], [64]]);
    // Input 8, −16 → lift 128, −256 → relu 8, 0 → 16·8 + 64 = 192, 64.
    expect(evaluateFixedPoint(bnFp, [0.5, -1]).logits).toEqual([192n, 64n]);
  });

  it('overflow is reported with the layer name', () => {
    const model = createModel({
      inputShape: [1],
      fractionalBits: 8,
      layers: [{ type: 'dense', name: 'big', outFeatures: 1, weights: [1e6], bias: [0] }],
    });
    const fp = compileFixedPoint(model);
    // 1e6·2^8 · x·2^8 > (p−1)/2 = 1030792151040 once x > 15.73.
    expect(evaluateFixedPoint(fp, [15]).decoded).toEqual([15e6]);
    expect(() => evaluateFixedPoint(fp, [16])).toThrow(/"big".*outside ±\(p−1\)\/2/);
    expect(() => evaluateFixedPoint(fp, [16])).toThrow(OutOfRangeError);
  });
});
