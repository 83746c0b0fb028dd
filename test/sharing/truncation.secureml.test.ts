/**
 * SecureML local truncation (Mohassel–Zhang 2017, Thm. 1, over Z_p) measured against its
 * statement in §7.4:
 * - the party outputs equal the BigInt transcription of the two formulas;
 * - without a wrap the result is ⌊x/2^f⌋ + c, c ∈ {0, 1}, c = 0 when 2^f | x (stochastic rounding);
 * - a wrap (predicted from the shares: s0 < x for x ≥ 0, s0 ≥ p − |x| for x < 0) happens exactly
 *   when the result fails, and the failure rate matches |x|/p: ≈ 2.5·10^−7 per value for
 *   |x| < 2^20, ≈ 2.6·10^−4 for |x| < 2^30, ≈ 0.4 for 2^39 ≤ |x| < 2^40.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError } from '../../src/errors.js';
import { P, P_BIG, P_HALF } from '../../src/math/share-field.js';
import {
  reconstruct,
  share,
  truncatePlain,
  truncateShare,
  truncationFailureProbability,
} from '../../src/sharing/index.js';
import { floorDivBig, modP, randomSigned, rngFor, signedBig } from './helpers.js';

const F = 8;
const D = 2n ** BigInt(F);

/** The two party formulas, transcribed in BigInt. */
function truncateRef(role: 0 | 1, s: number, k: number): number {
  const S = BigInt(s);
  const d = 1n << BigInt(k);
  if (role === 0) return Number(S / d);
  const u = (P_BIG - S) % P_BIG;
  return Number((P_BIG - u / d) % P_BIG);
}

interface Outcome {
  exact: number;
  plusOne: number;
  failures: number;
  wrapsPredicted: number;
  mismatchedPredictions: number;
  otherErrors: number;
  expectedFailures: number;
  variance: number;
  carrySum: number;
  fracSum: number;
}

/** Shares x, truncates both shares, and classifies every result against ⌊x/2^f⌋. */
function measure(x: Float64Array, label: string, k = F): Outcome {
  const [s0, s1] = share(x, rngFor(label));
  const t = reconstruct(truncateShare(0, s0, k), truncateShare(1, s1, k));
  const d = 1n << BigInt(k);
  const o: Outcome = {
    exact: 0, plusOne: 0, failures: 0, wrapsPredicted: 0, mismatchedPredictions: 0,
    otherErrors: 0, expectedFailures: 0, variance: 0, carrySum: 0, fracSum: 0,
  };
  for (let i = 0; i < x.length; i++) {
    const X = signedBig(x[i]);
    const err = signedBig(modP(BigInt(t[i]) - floorDivBig(X, d)));
    const absX = Number(X < 0n ? -X : X);
    const wrap = X >= 0n ? s0[i] < absX : s0[i] >= P - absX;
    const q = absX / P;
    o.expectedFailures += q;
    o.variance += q * (1 - q);
    if (wrap) o.wrapsPredicted++;
    if (err === 0n || err === 1n) {
      if (err === 0n) o.exact++;
      else o.plusOne++;
      o.carrySum += Number(err);
      o.fracSum += Number(X - floorDivBig(X, d) * d) / Number(d);
      if (wrap) o.mismatchedPredictions++;
    } else {
      // A failure is off by about p/2^k, nowhere near ±1.
      const size = Number(err < 0n ? -err : err);
      if (size < Number(P_BIG / d) - 2 || size > Number(P_BIG / d) + 2) o.otherErrors++;
      o.failures++;
      if (!wrap) o.mismatchedPredictions++;
    }
  }
  return o;
}

describe('truncateShare', () => {
  it('both party formulas agree with their BigInt transcription (edge and random shares)', () => {
    const s = Float64Array.from(randomSigned(rngFor('trunc/formula'), 3000, 2 ** 40));
    s.set([0, 1, 255, 256, 257, P - 1, P - 256, P - 257, P_HALF, P_HALF + 1]);
    for (const k of [0, 1, 8, 13, 40]) {
      for (const role of [0, 1] as const) {
        const got = truncateShare(role, s, k);
        const want = Float64Array.from(s, (v) => truncateRef(role, v, k));
        expect(got).toEqual(want);
      }
    }
  });

  it('10^5 sharings with |x| < 2^20: only 0/+1 errors, failures ≤ 2 (expected Σ|x|/p ≈ 0.025)', () => {
    const x = randomSigned(rngFor('trunc/tiny'), 100_000, 2 ** 20);
    const o = measure(x, 'trunc/tiny/pad');
    expect(o.otherErrors).toBe(0);
    expect(o.mismatchedPredictions).toBe(0);
    expect(o.exact + o.plusOne + o.failures).toBe(100_000);
    expect(o.expectedFailures).toBeGreaterThan(0.02);
    expect(o.expectedFailures).toBeLessThan(0.03);
    // Poisson(0.025): three or more failures would have probability < 3·10^−6.
    expect(o.failures).toBeLessThanOrEqual(2);
    // Both rounding directions occur (stochastic rounding): carries ≈ Σ frac(x/2^f).
    expect(o.plusOne).toBeGreaterThan(40_000);
    expect(o.exact).toBeGreaterThan(40_000);
    expect(Math.abs(o.carrySum - o.fracSum)).toBeLessThan((5 * Math.sqrt(o.exact + o.plusOne)) / 2);
  });

  it('10^5 sharings with |x| < 2^30: failures ≈ Σ|x|/p ≈ 26 (within 5σ), below SecureML’s 10^5·2^31/p ≈ 104', () => {
    const x = randomSigned(rngFor('trunc/small'), 100_000, 2 ** 30);
    const o = measure(x, 'trunc/small/pad');
    expect(o.otherErrors).toBe(0);
    expect(o.mismatchedPredictions).toBe(0);
    expect(o.expectedFailures).toBeGreaterThan(24);
    expect(o.expectedFailures).toBeLessThan(28);
    expect(o.failures).toBeGreaterThan(0);
    expect(Math.abs(o.failures - o.expectedFailures)).toBeLessThan(5 * Math.sqrt(o.variance));
    expect(o.failures).toBeLessThan((100_000 * 2 ** 31) / P);
  });

  it('near p/2 (2^39 ≤ |x| < 2^40) failures are frequent and match Σ|x|/p within 5σ', () => {
    const rng = rngFor('trunc/large');
    const x = new Float64Array(100_000);
    const base = randomSigned(rng, x.length, 2 ** 39);
    for (let i = 0; i < x.length; i++) {
      const v = signedBig(base[i]);
      const mag = (v < 0n ? -v : v) + 2n ** 39n;
      x[i] = modP(i % 2 ? -mag : mag);
    }
    const o = measure(x, 'trunc/large/pad');
    expect(o.otherErrors).toBe(0);
    expect(o.mismatchedPredictions).toBe(0);
    expect(o.failures / x.length).toBeGreaterThan(0.3);
    expect(Math.abs(o.failures - o.expectedFailures)).toBeLessThan(5 * Math.sqrt(o.variance));
  });

  it('a chosen wrapping sharing fails and a non-wrapping one does not (x = ±1000)', () => {
    const k = 8;
    for (const X of [1000, -1000]) {
      const x = X < 0 ? X + P : X;
      // s0 just inside / just outside the wrap interval.
      const wrapS0 = X > 0 ? X - 1 : P + X;
      const safeS0 = X > 0 ? X : P + X - 1;
      for (const [s0, fails] of [[wrapS0, true], [safeS0, false]] as const) {
        const s1 = (x - s0 + P) % P;
        const t = reconstruct(truncateShare(0, new Float64Array([s0]), k), truncateShare(1, new Float64Array([s1]), k));
        const err = signedBig(modP(BigInt(t[0]) - floorDivBig(BigInt(X), 256n)));
        if (fails) expect(err === 0n || err === 1n).toBe(false);
        else expect(err === 0n || err === 1n).toBe(true);
      }
    }
  });

  it('multiples of 2^f truncate exactly when no wrap occurs', () => {
    const x = randomSigned(rngFor('trunc/multiples'), 20000, 2 ** 20).map((v) => Number(BigInt(modP(signedBig(v) * D))));
    const o = measure(x, 'trunc/multiples/pad');
    expect(o.plusOne).toBe(0);
    expect(o.exact + o.failures).toBe(x.length);
  });

  it('k = 0 is the identity', () => {
    const x = randomSigned(rngFor('trunc/k0'), 1000, 2 ** 40);
    const [s0, s1] = share(x, rngFor('trunc/k0/pad'));
    expect(reconstruct(truncateShare(0, s0, 0), truncateShare(1, s1, 0))).toEqual(x);
  });

  it('bad arguments', () => {
    const ok = new Float64Array([1, 2]);
    expect(() => truncateShare(2 as 0, ok, 8)).toThrow(InvalidArgumentError);
    expect(() => truncateShare(0, ok, 41)).toThrow(InvalidArgumentError);
    expect(() => truncateShare(0, ok, -1)).toThrow(InvalidArgumentError);
    expect(() => truncateShare(0, ok, 1.5)).toThrow(InvalidArgumentError);
    expect(() => truncateShare(0, new Float64Array([P]), 8)).toThrow(OutOfRangeError);
    expect(() => truncateShare(1, new Float64Array([0.5]), 8)).toThrow(InvalidArgumentError);
  });
});

describe('truncatePlain and truncationFailureProbability', () => {
  it('truncatePlain is the signed floor, as BigInt computes it', () => {
    const x = randomSigned(rngFor('plain'), 5000, 2 ** 40);
    x.set([0, 1, P - 1, P_HALF, P_HALF + 1, 255, 256, P - 256, P - 257]);
    for (const k of [0, 1, 8, 40]) {
      const got = truncatePlain(x, k);
      const want = Float64Array.from(x, (v) => modP(floorDivBig(signedBig(v), 1n << BigInt(k))));
      expect(got).toEqual(want);
    }
  });

  it('failure probability is |x|/p (0 for k = 0)', () => {
    expect(truncationFailureProbability(2 ** 30, 8)).toBe(2 ** 30 / P);
    expect(truncationFailureProbability(P_HALF, 8)).toBeCloseTo(0.5, 12);
    expect(truncationFailureProbability(2 ** 30, 0)).toBe(0);
    expect(truncationFailureProbability(2 * P, 1)).toBe(1);
    expect(() => truncationFailureProbability(-1, 8)).toThrow(InvalidArgumentError);
  });
});
