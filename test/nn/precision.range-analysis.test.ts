/**
 * The precision chooser (§8.15) against independent evidence: the worst-case bound of the range
 * analysis (§8.11) and fixed-point evaluation, the truncation-failure formula of §7.4.1 computed
 * here by hand, and models built so that no precision (or only some) can work.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRange, checkFixedPointPrecision, chooseFixedPointPrecision, compileFixedPoint, createModel, UnsupportedError } from '../../src/nn/index.js';
import { evaluatePrecision, truncationFailureBound } from '../../src/nn/precision.js';

const P = 2061584302081;

describe('chooseFixedPointPrecision (§8.15)', () => {
  it('picks the smallest f whose logit error meets the target, and that f fits the worst case', () => {
    // y = 0.3·x1 − 0.7·x2 + 0.01: f = 6 rounds 0.3 to 19/64, 0.01 to 41/4096 at 2f.
    const model = createModel({ inputShape: [2], layers: [{ type: 'dense', outFeatures: 2, weights: [0.3, -0.7, -0.3, 0.7], bias: [0.01, -0.01] }] });
    const c = chooseFixedPointPrecision(model, { calibration: [[1, 0], [0, 1], [0.5, 0.25]] });
    expect(c.calibration).toBe('inputs');
    expect(c.maxLogitError).toBeLessThanOrEqual(Math.max(2 ** -12, 0.01 * c.maxLogit));
    for (const earlier of c.candidates.slice(0, -1)) expect(earlier.maxLogitError).toBeGreaterThan(Math.max(2 ** -12, 0.01 * earlier.maxLogit));
    const range = analyzeRange(compileFixedPoint(model, { fractionalBits: c.fractionalBits }), { min: 0, max: 1 });
    expect(range.fits).toBe(true);
    expect(c.overflowHeadroomBits).toBeCloseTo(Math.min(...range.entries.map((e) => e.headroomBits)), 10);
  });

  it('refuses with a clear message when no precision fits the 41-bit field', () => {
    const model = createModel({ name: 'huge', inputShape: [1], layers: [{ type: 'dense', outFeatures: 1, weights: [2 ** 14], bias: [0] }, { type: 'relu' }, { type: 'dense', outFeatures: 1, weights: [2 ** 14], bias: [0] }] });
    expect(() => chooseFixedPointPrecision(model, { inputRange: { min: -1000, max: 1000 } })).toThrow(UnsupportedError);
    expect(() => chooseFixedPointPrecision(model, { inputRange: { min: -1000, max: 1000 } })).toThrow(/no fixed-point precision fits model "huge" .*f = 6: the worst-case bound of layer/);
  });

  it('a forced precision that breaks a bound is kept, with a warning', () => {
    const model = createModel({ inputShape: [1], layers: [{ type: 'dense', outFeatures: 1, weights: [2 ** 12], bias: [0] }, { type: 'relu' }] });
    const c = checkFixedPointPrecision(model, 16, { inputRange: { min: -100, max: 100 } });
    expect(c.fractionalBits).toBe(16);
    expect(c.warnings).toEqual([expect.stringMatching(/^--fractional-bits 16: the worst-case bound of layer .* exceeds the 41-bit field$/)]);
    expect(checkFixedPointPrecision(model, 8, { inputRange: { min: -1, max: 1 } }).warnings).toEqual([]);
  });
});

describe('truncationFailureBound (§7.4.1)', () => {
  it('sums |x̃|/p over the three truncations of every quadratic element; ReLUs add nothing', () => {
    const model = createModel({ inputShape: [3], layers: [{ type: 'dense', outFeatures: 4, weights: new Array(12).fill(0.5), bias: [0, 0, 0, 0] }, { type: 'quadratic' }, { type: 'dense', outFeatures: 2, weights: new Array(8).fill(1), bias: [0, 0] }, { type: 'relu' }] });
    const f = 8;
    const fp = compileFixedPoint(model, { fractionalBits: f });
    const x2 = 3 * 2 ** 16; // a bound on the quadratic's input at scale 2f
    const xf = x2 / 2 ** f;
    const [a2, a1, a0] = [51, 128, 51]; // 0.2, 0.5, 0.2 at f = 8
    const perElement = x2 + xf * xf + (a2 * xf * xf) / 2 ** f + a1 * xf + a0 * 2 ** f;
    expect(truncationFailureBound(fp, () => x2)).toBeCloseTo((4 * perElement) / P, 15);
    const relus = compileFixedPoint(createModel({ inputShape: [3], layers: [{ type: 'dense', outFeatures: 4, weights: new Array(12).fill(0.5), bias: [0, 0, 0, 0] }, { type: 'relu' }] }));
    expect(truncationFailureBound(relus, () => 2 ** 40)).toBe(0);
  });

  it('grows with f: a quadratic network prefers the smaller precision', () => {
    const model = createModel({ inputShape: [16], layers: [{ type: 'dense', outFeatures: 64, weights: new Array(16 * 64).fill(0.25), bias: new Array(64).fill(0) }, { type: 'quadratic' }, { type: 'dense', outFeatures: 2, weights: new Array(128).fill(0.01), bias: [0, 0.5] }] });
    const inputs = [new Array(16).fill(1)];
    const p8 = evaluatePrecision(model, 8, inputs, { min: 0, max: 1 });
    const p12 = evaluatePrecision(model, 12, inputs, { min: 0, max: 1 });
    expect(p12.truncationFailure).toBeGreaterThan(8 * p8.truncationFailure);
    expect(p8.worstCaseTruncationFailure).toBeGreaterThanOrEqual(p8.truncationFailure);
  });
});
