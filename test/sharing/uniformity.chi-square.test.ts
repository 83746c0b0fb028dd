/**
 * A share alone reveals nothing: for fixed and for structured secrets, each party's share is
 * uniform on Z_p — Pearson's chi-square test on the top bits (bucket ⌊s/2^35⌋, 60 buckets) and on
 * the low byte (256 buckets) stays below the 0.01% critical value. Negative controls (the secrets
 * themselves, and a pad that misses part of the field) must fail the same test, so the test can fail.
 */
import { describe, expect, it } from 'vitest';
import { P } from '../../src/math/share-field.js';
import { share } from '../../src/sharing/index.js';
import { randomSigned, rngFor } from './helpers.js';

const N = 60000;

/** Probability of each top-bits bucket ⌊s/2^35⌋ (bucket 60 = {p − 1} merged into 59). */
function topBucketProbabilities(): number[] {
  const w = 2 ** 35;
  const probs = new Array<number>(60).fill(w / P);
  probs[59] = (w + 1) / P;
  return probs;
}
function topBucket(s: number): number {
  return Math.min(59, Math.floor(s / 2 ** 35));
}

/** Probability of each low-byte value: p ≡ 1 (mod 256), so 0 occurs once more than the others. */
function lowByteProbabilities(): number[] {
  const base = Math.floor(P / 256);
  return Array.from({ length: 256 }, (_, v) => (base + (v < P % 256 ? 1 : 0)) / P);
}

function chiSquare(samples: Float64Array, bucket: (s: number) => number, probs: number[]): number {
  const counts = new Array<number>(probs.length).fill(0);
  for (const s of samples) counts[bucket(s)]++;
  let stat = 0;
  for (let b = 0; b < probs.length; b++) {
    const expected = probs[b] * samples.length;
    stat += (counts[b] - expected) ** 2 / expected;
  }
  return stat;
}

/**
 * Upper 0.01% point of chi-square with df degrees of freedom (Wilson–Hilferty, z = 3.719): with the
 * 16 checks below, a correct sharer fails one of them with probability ≈ 0.16%.
 */
function critical(df: number): number {
  const h = 2 / (9 * df);
  return df * (1 - h + 3.719 * Math.sqrt(h)) ** 3;
}

const tests = [
  { name: 'top bits', bucket: topBucket, probs: topBucketProbabilities() },
  { name: 'low byte', bucket: (s: number) => s % 256, probs: lowByteProbabilities() },
];

const secrets: Record<string, Float64Array> = {
  'all zero': new Float64Array(N),
  'all p − 1 (i.e. −1)': new Float64Array(N).fill(P - 1),
  'small signed values |x| < 2^20': randomSigned(rngFor('chi/small'), N, 2 ** 20),
  'x_i = i·2^24': Float64Array.from({ length: N }, (_, i) => (i * 2 ** 24) % P),
};

describe('a single share is uniform on Z_p (chi-square)', () => {
  for (const [label, x] of Object.entries(secrets)) {
    for (const t of tests) {
      it(`${label}: both shares pass on ${t.name}`, () => {
        const [s0, s1] = share(x, rngFor(`chi/${label}`));
        const crit = critical(t.probs.length - 1);
        expect(chiSquare(s0, t.bucket, t.probs)).toBeLessThan(crit);
        expect(chiSquare(s1, t.bucket, t.probs)).toBeLessThan(crit);
      });
    }
  }

  it('negative controls fail: the secrets themselves, and a pad drawn from [0, 2^40) only', () => {
    const top = tests[0];
    const crit = critical(59);
    expect(chiSquare(secrets['small signed values |x| < 2^20'], top.bucket, top.probs)).toBeGreaterThan(10 * crit);
    expect(chiSquare(secrets['x_i = i·2^24'], top.bucket, top.probs)).toBeGreaterThan(crit);
    // A broken sharer whose pad r misses the top 1/16 of the field: s1 = x − r leaks.
    const [r] = share(new Float64Array(N), rngFor('chi/broken'));
    const badPad = r.map((v) => v % 2 ** 40);
    expect(chiSquare(badPad, top.bucket, top.probs)).toBeGreaterThan(crit);
  });
});
