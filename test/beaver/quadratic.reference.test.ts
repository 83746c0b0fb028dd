/**
 * The quadratic activation against `quadraticReference` (exact BigInt fixed-point arithmetic) and
 * the reference against hand-computed values and the real polynomial: the protocol output differs
 * from the reference only by the documented carry range (quadraticErrorRange; [0, 2] for Delphi's
 * polynomial), distributed as the carry model of §7.4 predicts, or fails at the rate predicted by §7.9.
 */
import { describe, expect, it } from 'vitest';
import { DELPHI_QUADRATIC_COEFFICIENTS, dealSquarePairs, dealTriples, quadraticActivation, quadraticReference, type QuadraticCoefficients } from '../../src/beaver/index.js';
import { encodeQuadraticCoefficients, quadraticErrorRange, quadraticFailureBound } from '../../src/beaver/quadratic.js';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P, P_HALF } from '../../src/math/share-field.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { decodeFixedVec, encodeFixed, encodeFixedVec, reconstruct, share } from '../../src/sharing/index.js';
import { both, floorDivBig, modP, randomSigned, rngFor, signedBig } from './helpers.js';

interface Run {
  histogram: Map<number, number>;
  /** Expected histogram if each truncation carry is Bernoulli(fractional part), per §7.4. */
  expectedHistogram: Map<number, number>;
  failures: number;
  expectedFailures: number;
  variance: number;
  bytesSent: number;
}

/** Runs the protocol on shares of x and classifies y − y_ref for every entry. */
async function run(
  x: Float64Array,
  label: string,
  material: 'pairs' | 'triples',
  coeffs: QuadraticCoefficients = DELPHI_QUADRATIC_COEFFICIENTS,
  f = 8,
): Promise<Run> {
  const n = x.length;
  const xs = share(x, rngFor(`${label}/pad`));
  const m = material === 'pairs' ? dealSquarePairs(n, rngFor(`${label}/pairs`)) : dealTriples(n, rngFor(`${label}/triples`));
  const [c0, c1] = memoryChannelPair();
  const y = await both(
    quadraticActivation(c0, 0, xs[0], m[0], coeffs, f),
    quadraticActivation(c1, 1, xs[1], m[1], coeffs, f),
  );
  const got = reconstruct(y[0], y[1]);
  const want = quadraticReference(x, coeffs, f);
  const range = quadraticErrorRange(coeffs, f);
  const enc = encodeQuadraticCoefficients(coeffs, f);
  const D = 1n << BigInt(f);
  const r: Run = { histogram: new Map(), expectedHistogram: new Map(), failures: 0, expectedFailures: 0, variance: 0, bytesSent: c0.stats.bytesSent };
  for (let i = 0; i < n; i++) {
    const err = Number(signedBig(modP(BigInt(got[i]) - BigInt(want[i]))));
    if (err >= range.min && err <= range.max) r.histogram.set(err, (r.histogram.get(err) ?? 0) + 1);
    else r.failures++;
    // Exact failure probability of the two truncations: q1 = X²/p, q2 = |T|/p (T from the reference).
    const X = signedBig(x[i]);
    const T = signedBig(enc.a2) * floorDivBig(X * X, D) + signedBig(enc.a1) * X + signedBig(enc.a0) * D;
    const q1 = Number(X * X) / P;
    const q2 = Math.abs(Number(T)) / P;
    const q = 1 - (1 - q1) * (1 - q2);
    r.expectedFailures += q;
    r.variance += q * (1 - q);
    // Carry model: c1 = 1 with probability frac(X²/D), c2 = 1 with probability frac(T'/D).
    const p1 = Number(X * X - floorDivBig(X * X, D) * D) / Number(D);
    for (const [c1, w1] of [[0n, 1 - p1], [1n, p1]] as const) {
      const T1 = T + signedBig(enc.a2) * c1;
      const base = Number(floorDivBig(T1, D) - floorDivBig(T, D));
      const p2 = Number(T1 - floorDivBig(T1, D) * D) / Number(D);
      for (const [c2, w2] of [[0, 1 - p2], [1, p2]] as const) {
        const e = base + c2;
        r.expectedHistogram.set(e, (r.expectedHistogram.get(e) ?? 0) + w1 * w2);
      }
    }
  }
  return r;
}

describe('coefficients and reference', () => {
  it("Delphi's polynomial 0.2x² + 0.5x + 0.2 encodes to A2 = 51, A1 = 128, A0 = 51 at f = 8", () => {
    expect(DELPHI_QUADRATIC_COEFFICIENTS).toEqual({ a2: 0.2, a1: 0.5, a0: 0.2 });
    expect(encodeQuadraticCoefficients()).toEqual({ a2: 51, a1: 128, a0: 51, fractionalBits: 8 });
    expect(encodeQuadraticCoefficients({ a2: -0.3, a1: 1, a0: -0.1 }, 12)).toEqual({
      a2: P - 1229, a1: 4096, a0: P - 410, fractionalBits: 12,
    });
    expect(quadraticErrorRange()).toEqual({ min: 0, max: 2 });
    expect(quadraticErrorRange({ a2: -0.3, a1: 1, a0: 0 }, 8)).toEqual({ min: -1, max: 1 });
    expect(quadraticErrorRange({ a2: 3, a1: 1, a0: 0 }, 8)).toEqual({ min: 0, max: 4 });
  });

  it('hand-computed values: x = 1 → 230/256, x = −1 → −26/256, x = 0.5 → 127/256, x = 0 → 51/256', () => {
    // x = 1: X = 256, S = 256, T = (51 + 128 + 51)·256 → y = 230.
    // x = −1: T = (51 − 128 + 51)·256 = −26·256 → y = −26.
    // x = 0.5: S = 64, T = 51·64 + 128·128 + 51·256 = 32704 → y = ⌊127.75⌋ = 127.
    const x = encodeFixedVec([1, -1, 0.5, 0]);
    expect(Array.from(quadraticReference(x), (v) => Number(signedBig(v)))).toEqual([230, -26, 127, 51]);
  });

  it('is within 2^−f·(|x|·A2-rounding) of the real polynomial with the encoded coefficients', () => {
    const reals = Array.from({ length: 2001 }, (_, i) => (i - 1000) / 50);
    const y = decodeFixedVec(quadraticReference(encodeFixedVec(reals)));
    const a2 = 51 / 256;
    const a1 = 0.5;
    const a0 = 51 / 256;
    for (let i = 0; i < reals.length; i++) {
      const x = Math.round(reals[i] * 256) / 256;
      const exact = a2 * x * x + a1 * x + a0;
      // Two floors: ⌊X²/D⌋ loses < 1 unit (scaled by A2/D < 1), the final floor < 1 unit.
      expect(exact - y[i]).toBeGreaterThanOrEqual(0);
      expect(exact - y[i]).toBeLessThan(2 / 256);
    }
  });

  it('throws OutOfRangeError when x² or T leaves the field, and for bad arguments', () => {
    expect(() => quadraticReference(new Float64Array([2 ** 20 + 1]))).toThrow(OutOfRangeError);
    expect(() => quadraticReference(new Float64Array([2 ** 20 - 1]))).toThrow(OutOfRangeError); // T = 51·2^32 > p/2
    expect(() => quadraticReference(new Float64Array([2 ** 17]))).not.toThrow();
    expect(() => quadraticReference(new Float64Array([P]))).toThrow(OutOfRangeError);
    expect(() => quadraticReference(new Float64Array([1]), { a2: NaN, a1: 0, a0: 0 })).toThrow(InvalidArgumentError);
    expect(() => quadraticReference(new Float64Array([1]), DELPHI_QUADRATIC_COEFFICIENTS, 40)).toThrow(InvalidArgumentError);
  });
});

describe('quadraticActivation vs quadraticReference', () => {
  it('Delphi polynomial, square pairs, |x| < 8: y − y_ref ∈ {0, 1, 2}, all three observed, no failure', async () => {
    const x = randomSigned(rngFor('q/x'), 10_000, 8 * 256);
    const r = await run(x, 'q/pairs', 'pairs');
    expect(r.failures).toBe(0);
    expect(r.expectedFailures).toBeLessThan(0.05);
    expect([...r.histogram.keys()].sort()).toEqual([0, 1, 2]);
    // The measured distribution matches the carry model bin by bin (Pearson chi-square, df = 2,
    // below the 0.1% point 13.8); with this seed 4348 / 5555 / 97 of 10^4 for errors 0 / 1 / 2.
    let chi = 0;
    for (const e of [0, 1, 2]) {
      const want = r.expectedHistogram.get(e)!;
      chi += (r.histogram.get(e)! - want) ** 2 / want;
    }
    expect(chi).toBeLessThan(13.8);
    // One opening of 6-byte elements plus a 16-byte header.
    expect(r.bytesSent).toBe(16 + 6 * 10_000);
  });

  it('with triples instead of square pairs: same error range, twice the traffic', async () => {
    const x = randomSigned(rngFor('q/x3'), 5000, 8 * 256);
    const r = await run(x, 'q/triples', 'triples');
    expect(r.failures).toBe(0);
    for (const k of r.histogram.keys()) expect(k >= 0 && k <= 2).toBe(true);
    expect(r.bytesSent).toBe(16 + 12 * 5000);
  });

  it('negative a2 at f = 12: y − y_ref ∈ [−1, 1]', async () => {
    const coeffs = { a2: -0.3, a1: 1, a0: -0.1 };
    const x = randomSigned(rngFor('q/neg'), 5000, 4 * 4096);
    const r = await run(x, 'q/neg', 'pairs', coeffs, 12);
    expect(r.failures).toBe(0);
    expect([...r.histogram.keys()].sort()).toEqual([-1, 0, 1]);
  });

  it('large inputs (|X| near 2^19): failure rate matches 1 − (1 − X²/p)(1 − |T|/p) within 5σ and the bound', async () => {
    const rng = rngFor('q/large');
    const base = randomSigned(rng, 20_000, 2 ** 18);
    const x = base.map((v) => {
      const s = Number(signedBig(v));
      return modP(BigInt(s < 0 ? s - 2 ** 18 : s + 2 ** 18));
    });
    const r = await run(x, 'q/large', 'pairs');
    expect(r.failures).toBeGreaterThan(500);
    expect(Math.abs(r.failures - r.expectedFailures)).toBeLessThan(5 * Math.sqrt(r.variance));
    expect(r.failures / x.length).toBeLessThanOrEqual(quadraticFailureBound(2 ** 19));
  });

  it('rejects malformed inputs', async () => {
    const [c0] = memoryChannelPair();
    const [s0] = dealSquarePairs(3, rngFor('q/bad'));
    const [t0] = dealTriples(3, rngFor('q/bad'));
    await expect(quadraticActivation(c0, 0, new Float64Array(4), s0)).rejects.toThrow(SizeMismatchError);
    await expect(quadraticActivation(c0, 0, new Float64Array(4), t0)).rejects.toThrow(SizeMismatchError);
    await expect(quadraticActivation(c0, 0, new Float64Array([0, 0, P]), s0)).rejects.toThrow(OutOfRangeError);
    await expect(quadraticActivation(c0, 0, new Float64Array(3), s0, { a2: 1e30, a1: 0, a0: 0 })).rejects.toThrow(OutOfRangeError);
    await expect(quadraticActivation(c0, 3 as 0, new Float64Array(3), s0)).rejects.toThrow(InvalidArgumentError);
    expect(c0.stats.messagesSent).toBe(0);
  });
});

describe('quadraticFailureBound', () => {
  it('is (M² + |A2|(⌊M²/D⌋+1) + |A1|M + |A0|D)/p, monotone, and 1 outside the field', () => {
    const M = 8 * 256;
    const expected = (M * M + 51 * (M * M / 256 + 1) + 128 * M + 51 * 256) / P;
    expect(quadraticFailureBound(M)).toBeCloseTo(expected, 15);
    expect(quadraticFailureBound(0)).toBeCloseTo((51 + 51 * 256) / P, 15);
    expect(quadraticFailureBound(2 ** 12)).toBeGreaterThan(quadraticFailureBound(2 ** 11));
    expect(quadraticFailureBound(2 ** 21)).toBe(1);
    expect(quadraticFailureBound(Math.floor(Math.sqrt(P_HALF)) + 1)).toBe(1);
    expect(() => quadraticFailureBound(-1)).toThrow(InvalidArgumentError);
    expect(() => quadraticFailureBound(1.5)).toThrow(InvalidArgumentError);
    expect(encodeFixed(8) - 1).toBe(M - 1);
  });
});
