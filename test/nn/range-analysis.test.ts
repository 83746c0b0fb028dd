/**
 * analyzeRange (§8.11): the bounds must contain every value that evaluation produces for inputs in
 * the declared range (checked on random and extreme inputs), detect the overflows that evaluation
 * throws on, and match a bound computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { OutOfRangeError } from '../../src/errors.js';
import { analyzeRange, compileFixedPoint, createModel, evaluateFixedPoint, shapeSize } from '../../src/nn/index.js';
import { fieldToSigned } from '../../src/sharing/fixed-point.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS, randomInput } from './helpers/networks.js';

const P_HALF = 1030792151040;

describe('analyzeRange', () => {
  for (const [name, build] of Object.entries(NETWORKS)) {
    it(`contains every traced value: ${name}`, () => {
      const rng = fromTextSeed(`range/${name}`);
      const model = build(rng);
      const fp = compileFixedPoint(model, { fractionalBits: 10 });
      const report = analyzeRange(fp, { min: -1, max: 1 });
      expect(report.fits).toBe(true);
      expect(report.firstOverflow).toBeNull();
      expect(report.entries.length).toBe(fp.layers.length + 1);
      const n = shapeSize(model.inputShape);
      const inputs = [new Float64Array(n).fill(1), new Float64Array(n).fill(-1), ...Array.from({ length: 6 }, () => randomInput(rng, n, -1, 1))];
      for (const x of inputs) {
        const trace = evaluateFixedPoint(fp, x, { trace: true }).trace!;
        trace.forEach((t, k) => {
          const e = report.entries[k];
          for (const v of t.values) {
            const s = fieldToSigned(v);
            expect(s).toBeGreaterThanOrEqual(e.min);
            expect(s).toBeLessThanOrEqual(e.max);
          }
        });
      }
      expect(report.entries.every((e) => e.headroomBits > 10)).toBe(true);
    });
  }

  it('matches a hand-computed bound', () => {
    const model = createModel({
      inputShape: [2],
      fractionalBits: 4,
      layers: [
        { type: 'dense', name: 'fc', outFeatures: 1, weights: [2, -3], bias: [0.5] },
        { type: 'quadratic', name: 'q', a2: 1, a1: 0, a0: 0 },
      ],
    });
    const report = analyzeRange(compileFixedPoint(model), { min: -1, max: 1 });
    // Inputs ±16, weights 32 and −48, bias 128: fc ∈ [128 − 32·16 − 48·16, 128 + 1280] = [−1152, 1408].
    expect(report.entries[1]).toMatchObject({ name: 'fc', min: -1152, max: 1408, maxAbs: 1408 });
    expect(report.entries[1].headroomBits).toBeCloseTo(Math.log2(P_HALF / 1408), 12);
    // q: x ∈ [−72, 88], x·x ≤ 7744, x2 ∈ [0, 484], t = 16·x2 ∈ [0, 7744], out ∈ [0, 484].
    expect(report.entries[2]).toMatchObject({ min: 0, max: 484, maxAbs: 7744 });
  });

  it('reports the overflows evaluation throws on', () => {
    const model = createModel({
      inputShape: [3],
      layers: [
        { type: 'dense', name: 'fc1', outFeatures: 2, weights: [1, 2, 3, -1, -2, -3] },
        { type: 'relu', name: 'r' },
        { type: 'dense', name: 'big', outFeatures: 1, weights: [4e5, 4e5] },
      ],
    });
    const fp = compileFixedPoint(model);
    const small = analyzeRange(fp, { min: -1, max: 1 });
    expect(small.fits).toBe(true);
    evaluateFixedPoint(fp, [1, 1, 1]); // the extreme input does not throw
    const large = analyzeRange(fp, { min: -100, max: 100 });
    expect(large.fits).toBe(false);
    expect(large.firstOverflow).toBe('big');
    expect(large.entries.find((e) => e.name === 'big')!.headroomBits).toBeLessThan(0);
    expect(() => evaluateFixedPoint(fp, [100, 100, 100])).toThrow(OutOfRangeError);
    expect(() => analyzeRange(fp, { min: 1, max: -1 })).toThrow(/min ≤ max/);
  });
});
