import { describe, expect, it } from 'vitest';
import {
  bitLength,
  fromSeed,
  fromTextSeed,
  sampleCenteredBinomial,
  sampleTernary,
  sampleUniformPoly,
  uniformBelow,
  uniformBigintBelow,
} from '../../src/random/index.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** Pearson chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}

describe('uniformBelow', () => {
  it('follows the normative masked-rejection stream layout (≤ 32 bits)', () => {
    // Recompute from the raw uint32 stream: k = bitLength(bound-1), mask, reject.
    const bound = 1000;
    const a = fromTextSeed('layout');
    const raw = fromTextSeed('layout');
    for (let i = 0; i < 200; i++) {
      let v: number;
      do v = raw.uint32() & 1023;
      while (v >= bound);
      expect(uniformBelow(a, bound)).toBe(v);
    }
  });

  it('follows the normative layout above 32 bits (lo word first, then masked hi word)', () => {
    const bound = 2061584302081; // the share prime, 41 bits
    const a = fromTextSeed('wide');
    const raw = fromTextSeed('wide');
    for (let i = 0; i < 200; i++) {
      let v: number;
      do {
        const lo = raw.uint32();
        const hi = raw.uint32() & 0x1ff;
        v = hi * 2 ** 32 + lo;
      } while (v >= bound);
      expect(uniformBelow(a, bound)).toBe(v);
    }
  });

  it('is unbiased: chi-square over 7 buckets stays below the 99.9% quantile', () => {
    const rng = fromTextSeed('chi');
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[uniformBelow(rng, 7)]++;
    expect(chiSquare(counts)).toBeLessThan(22.46); // χ²(6) at 0.999
  });

  it('covers edge bounds: 1, 2^32, 2^32+1, 2^53', () => {
    const rng = fromTextSeed('edges');
    expect(uniformBelow(rng, 1)).toBe(0);
    for (const b of [2 ** 32, 2 ** 32 + 1, 2 ** 53]) {
      for (let i = 0; i < 100; i++) {
        const v = uniformBelow(rng, b);
        expect(Number.isSafeInteger(v) && v >= 0 && v < b).toBe(true);
      }
    }
    expect(() => uniformBelow(rng, 0)).toThrow(InvalidArgumentError);
    expect(() => uniformBelow(rng, 2 ** 53 + 2)).toThrow(InvalidArgumentError);
    expect(() => uniformBelow(rng, 1.5)).toThrow(InvalidArgumentError);
  });
});

describe('uniformBigintBelow', () => {
  it('stays in range and reaches both halves of a 200-bit range', () => {
    const rng = fromTextSeed('big');
    const bound = (1n << 200n) - 12345n;
    let high = 0;
    for (let i = 0; i < 200; i++) {
      const v = uniformBigintBelow(rng, bound);
      expect(v >= 0n && v < bound).toBe(true);
      if (v >= bound / 2n) high++;
    }
    expect(high).toBeGreaterThan(70);
    expect(high).toBeLessThan(130);
    expect(uniformBigintBelow(rng, 1n)).toBe(0n);
    expect(() => uniformBigintBelow(rng, 0n)).toThrow(InvalidArgumentError);
  });

  it('reads little-endian bytes with the top byte masked', () => {
    const a = fromTextSeed('le');
    const raw = fromTextSeed('le').bytes(2);
    // bound 300 → k = 9 bits → 2 bytes, top byte masked to 1 bit.
    const expected = raw[0] | ((raw[1] & 1) << 8);
    const v = uniformBigintBelow(a, 512n);
    expect(v).toBe(BigInt(expected));
  });
});

describe('polynomial samplers', () => {
  it('sampleUniformPoly is uniformBelow in index order', () => {
    const q = 1073479681;
    const p = sampleUniformPoly(fromTextSeed('poly'), 64, q);
    const r = fromTextSeed('poly');
    for (let i = 0; i < 64; i++) expect(p[i]).toBe(uniformBelow(r, q));
    expect(() => sampleUniformPoly(r, 4, 2 ** 33)).toThrow(InvalidArgumentError);
  });

  it('sampleTernary is uniform on {-1, 0, 1}', () => {
    const t = sampleTernary(fromTextSeed('tern'), 30_000);
    const counts = [0, 0, 0];
    for (const v of t) counts[v + 1]++;
    expect(counts.reduce((a, b) => a + b)).toBe(30_000);
    expect(chiSquare(counts)).toBeLessThan(13.82); // χ²(2) at 0.999
  });

  it('sampleCenteredBinomial(η=21) matches SEAL: mean 0, variance 10.5, |e| ≤ 21', () => {
    const e = sampleCenteredBinomial(fromTextSeed('cbd'), 50_000);
    let sum = 0;
    let sq = 0;
    for (const v of e) {
      expect(Math.abs(v)).toBeLessThanOrEqual(21);
      sum += v;
      sq += v * v;
    }
    const mean = sum / e.length;
    const variance = sq / e.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 10.5)).toBeLessThan(0.3);
  });

  it('sampleCenteredBinomial uses the documented byte layout', () => {
    const raw = fromSeed(new Uint8Array(32)).bytes(6);
    const pc = (b: number) => b.toString(2).split('').filter((c) => c === '1').length;
    const expected = pc(raw[0]) + pc(raw[1]) + pc(raw[2] & 0x1f) - pc(raw[3]) - pc(raw[4]) - pc(raw[5] & 0x1f);
    expect(sampleCenteredBinomial(fromSeed(new Uint8Array(32)), 1)[0]).toBe(expected);
    expect(() => sampleCenteredBinomial(fromSeed(new Uint8Array(32)), 1, 0)).toThrow(InvalidArgumentError);
  });

  it('bitLength', () => {
    expect([0, 1, 2, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1].map(bitLength)).toEqual([0, 1, 2, 8, 9, 32, 33, 53]);
  });
});
