/**
 * Field vectors: the bulk sampler against n scalar draws of `uniformBelow(rng, p)` (§2.2) on the
 * same seed, including the stream position afterwards; validation errors for every kind of bad input.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P } from '../../src/math/share-field.js';
import { uniformBelow } from '../../src/random/index.js';
import { checkCount, checkFieldElement, checkFieldVector, checkLength, checkRole } from '../../src/sharing/field-vector.js';
import { sampleFieldVector } from '../../src/sharing/index.js';
import { rngFor } from './helpers.js';

describe('sampleFieldVector', () => {
  for (const n of [0, 1, 7, 8192, 8193, 20000]) {
    it(`draws exactly what ${n} calls of uniformBelow(rng, p) draw`, () => {
      const fast = rngFor(`sample-${n}`);
      const slow = rngFor(`sample-${n}`);
      const got = sampleFieldVector(fast, n);
      const want = new Float64Array(n);
      for (let i = 0; i < n; i++) want[i] = uniformBelow(slow, P);
      expect(got).toEqual(want);
      // Same position in the stream afterwards: the next bytes agree.
      expect(fast.bytes(16)).toEqual(slow.bytes(16));
    });
  }

  it('exercises rejection: about 1/16 of the 41-bit candidates are ≥ p', () => {
    // Count attempts by replaying the candidates of the stream.
    const rng = rngFor('rejections');
    const n = 50000;
    const probe = rngFor('rejections');
    sampleFieldVector(rng, n);
    let attempts = 0;
    let accepted = 0;
    while (accepted < n) {
      const lo = probe.uint32();
      const hi = probe.uint32() & 0x1ff;
      attempts++;
      if (hi * 2 ** 32 + lo < P) accepted++;
    }
    const rejected = attempts - n;
    // Expected n·(1/15) ≈ 3333 rejections (accept rate p/2^41 = 15/16).
    expect(rejected).toBeGreaterThan(3000);
    expect(rejected).toBeLessThan(3700);
    expect(rng.bytes(8)).toEqual(probe.bytes(8));
  });

  it('rejects bad counts', () => {
    const rng = rngFor('bad-count');
    for (const n of [-1, 1.5, NaN, 2 ** 32]) expect(() => sampleFieldVector(rng, n)).toThrow(InvalidArgumentError);
  });
});

describe('validation', () => {
  it('checkFieldVector names the first bad index and picks the error class', () => {
    expect(checkFieldVector(new Float64Array([0, 1, P - 1]), 'v')).toBe(3);
    expect(() => checkFieldVector(new Float64Array([0, P]), 'v')).toThrow(OutOfRangeError);
    expect(() => checkFieldVector(new Float64Array([0, P]), 'v')).toThrow(/v\[1\]/);
    expect(() => checkFieldVector(new Float64Array([-1]), 'v')).toThrow(OutOfRangeError);
    expect(() => checkFieldVector(new Float64Array([Infinity]), 'v')).toThrow(OutOfRangeError);
    expect(() => checkFieldVector(new Float64Array([1.5]), 'v')).toThrow(InvalidArgumentError);
    expect(() => checkFieldVector(new Float64Array([2, 3, 0.5]), 'v')).toThrow(/v\[2\].*not an integer/);
    expect(() => checkFieldVector(new Float64Array([NaN]), 'v')).toThrow(InvalidArgumentError);
    expect(() => checkFieldVector([1, 2] as unknown as Float64Array, 'v')).toThrow(InvalidArgumentError);
    expect(() => checkFieldVector(new Uint32Array(2) as unknown as Float64Array, 'v')).toThrow(/Uint32Array/);
  });

  it('checkFieldElement, checkRole, checkCount, checkLength', () => {
    expect(checkFieldElement(P - 1, 'c')).toBe(P - 1);
    expect(() => checkFieldElement(P, 'c')).toThrow(OutOfRangeError);
    expect(() => checkFieldElement(0.25, 'c')).toThrow(InvalidArgumentError);
    expect(() => checkFieldElement(1n as unknown as number, 'c')).toThrow(InvalidArgumentError);
    expect(() => checkRole(0)).not.toThrow();
    expect(() => checkRole(1)).not.toThrow();
    for (const r of [2, -1, '0', null]) expect(() => checkRole(r)).toThrow(InvalidArgumentError);
    expect(checkCount(5, 'n')).toBe(5);
    expect(() => checkCount(-5, 'n')).toThrow(InvalidArgumentError);
    expect(() => checkLength(3, 4, 'x')).toThrow(SizeMismatchError);
  });
});
