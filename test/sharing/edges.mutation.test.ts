/**
 * Edge cases of additive sharing and truncation that a mutation run found unguarded, against exact
 * expected values: a pad equal to the value (s1 = 0, never p), sums landing exactly on p, inputs left
 * untouched, which operand an error names, and the failure probability at its ends (|x| = 0, k = 0,
 * |x| ≥ p).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P } from '../../src/math/share-field.js';
import { fromTextSeed } from '../../src/random/index.js';
import { addPublic, addShares, negShare, reconstruct, scaleShare, share, subShares, truncatePlain, truncateShare, truncationFailureProbability } from '../../src/sharing/index.js';
import { MAX_TRUNCATION_BITS, truncateShareUnchecked } from '../../src/sharing/truncation.js';

const ok = Float64Array.of(1, 2, 3);
const f = (...v: number[]): Float64Array => Float64Array.from(v);

describe('additive sharing at the edges', () => {
  it('a value equal to its pad gets the share 0, not p', () => {
    const [pad] = share(new Float64Array(4), fromTextSeed('edges/pad'));
    const [s0, s1] = share(pad, fromTextSeed('edges/pad'));
    expect(Array.from(s0)).toEqual(Array.from(pad));
    expect(Array.from(s1)).toEqual([0, 0, 0, 0]);
  });

  it('sums that land exactly on p wrap to 0; differences of equal shares are 0', () => {
    expect(Array.from(addShares(f(P - 1, 1, 0), f(1, P - 1, 0)))).toEqual([0, 0, 0]);
    expect(Array.from(reconstruct(f(P - 1, 5), f(1, P - 5)))).toEqual([0, 0]);
    expect(Array.from(subShares(f(0, 7, P - 1), f(0, 7, P - 1)))).toEqual([0, 0, 0]);
    expect(Array.from(subShares(f(0, 1), f(1, 2)))).toEqual([P - 1, P - 1]);
    expect(Array.from(negShare(f(0, 1, P - 1)))).toEqual([0, P - 1, 1]);
    expect(Array.from(addPublic(0, f(P - 1, P - 2), 1))).toEqual([0, P - 1]);
    expect(Array.from(addPublic(0, f(P - 1, 3), f(1, P - 3)))).toEqual([0, 0]);
    expect(Array.from(scaleShare(f(P - 1, 2), P - 1))).toEqual([1, P - 2]);
    expect(Array.from(scaleShare(f(P - 1, 2), f(P - 1, 0)))).toEqual([1, 0]);
  });

  it('party 1 returns a copy of its share for addPublic; inputs are never modified', () => {
    const x = f(4, 5);
    const y = addPublic(1, x, 9);
    expect(Array.from(y)).toEqual([4, 5]);
    expect(y).not.toBe(x);
    expect(Array.from(addPublic(0, x, 9))).toEqual([13, 14]);
    expect(Array.from(x)).toEqual([4, 5]);
  });

  it('errors name the function and the operand', () => {
    expect(() => share([1] as unknown as Float64Array, fromTextSeed('e'))).toThrow('share: values: expected a Float64Array');
    expect(() => reconstruct(f(P), ok)).toThrow('reconstruct: first operand[0]: 2061584302081 is not in [0, p)');
    expect(() => reconstruct(ok, f(1, 2))).toThrow(new SizeMismatchError('reconstruct: expected 3 elements, got 2'));
    expect(() => addShares(ok, f(1, 2, -1))).toThrow('addShares: second operand[2]: -1 is not in [0, p)');
    expect(() => subShares(f(0.5), f(1))).toThrow('subShares: first operand[0]: 0.5 is not an integer');
    expect(() => subShares(ok, f(1))).toThrow('subShares: expected 3 elements, got 1');
    expect(() => negShare(f(NaN))).toThrow('negShare[0]: NaN is not a field element');
    expect(() => scaleShare(f(P), 1)).toThrow('scaleShare: share[0]');
    expect(() => scaleShare(ok, 1.5)).toThrow('scaleShare: constant: expected an integer field element, got 1.5');
    expect(() => scaleShare(ok, f(1, 2))).toThrow(new SizeMismatchError('scaleShare: constants: expected 3 elements, got 2'));
    expect(() => scaleShare(ok, f(1, 2, P))).toThrow('scaleShare: constants[2]');
    expect(() => addPublic(2 as 0, ok, 1)).toThrow('addPublic: a party role is 0 or 1, got 2');
    expect(() => addPublic(0, f(-1), 1)).toThrow('addPublic: share[0]');
    expect(() => addPublic(1, ok, P)).toThrow(new OutOfRangeError(`addPublic: constant: ${P} is not in [0, p) (p = ${P})`));
    expect(() => addPublic(1, ok, f(1))).toThrow(new SizeMismatchError('addPublic: constants: expected 3 elements, got 1'));
    expect(() => addPublic(1, ok, f(1, 2, P))).toThrow('addPublic: constants[2]');
  });
});

describe('truncation at the edges', () => {
  it('truncationFailureProbability: 0 for |x| = 0 at every k, 0 for k = 0, |x|/p otherwise, capped at 1', () => {
    for (let k = 0; k <= MAX_TRUNCATION_BITS; k++) expect(truncationFailureProbability(0, k)).toBe(0);
    expect(truncationFailureProbability(1000, 0)).toBe(0);
    expect(truncationFailureProbability(P, 0)).toBe(0);
    expect(truncationFailureProbability(1000, 1)).toBe(1000 / P);
    expect(truncationFailureProbability(P, 8)).toBe(1);
    expect(truncationFailureProbability(2 * P, 8)).toBe(1);
    expect(truncationFailureProbability(P - 1, 40)).toBe((P - 1) / P);
  });

  it('truncationFailureProbability refuses bad magnitudes and shifts with their own message', () => {
    for (const v of [-1, NaN, '5' as unknown as number]) {
      expect(() => truncationFailureProbability(v, 8)).toThrow(
        new InvalidArgumentError(`truncationFailureProbability: expected a magnitude ≥ 0, got ${String(v)}`),
      );
    }
    for (const k of [-1, 41, 1.5, '8' as unknown as number]) {
      expect(() => truncationFailureProbability(1, k)).toThrow(
        `truncationFailureProbability: shift must be an integer in [0, 40], got ${String(k)}`,
      );
      expect(() => truncateShare(0, ok, k)).toThrow(`truncateShare: shift must be an integer in [0, 40], got ${String(k)}`);
      expect(() => truncatePlain(ok, k)).toThrow(`truncatePlain: shift must be an integer in [0, 40], got ${String(k)}`);
    }
    expect(truncateShare(0, f(P - 1), 40)[0]).toBe(Math.floor((P - 1) / 2 ** 40));
  });

  it('truncateShare checks role and vector, and writes a new vector', () => {
    expect(() => truncateShare(3 as 0, ok, 1)).toThrow('truncateShare: a party role is 0 or 1, got 3');
    expect(() => truncateShare(0, f(P), 1)).toThrow('truncateShare[0]');
    const s = f(10, 11);
    const t = truncateShare(0, s, 1);
    expect(t).not.toBe(s);
    expect(Array.from(s)).toEqual([10, 11]);
    expect(Array.from(t)).toEqual([5, 5]);
  });

  it('party 1: shares 0 and 1 and p − 1 (u = p − s), in place', () => {
    // s = 0 → u = 0 → 0; s = 1 → u = p − 1 → p − ⌊(p − 1)/2^k⌋; s = p − 1 → u = 1 → ⌊1/2^k⌋ = 0 → 0.
    const s = f(0, 1, P - 1, P - 256);
    const out = truncateShareUnchecked(1, s, 8, s);
    expect(out).toBe(s);
    expect(Array.from(out)).toEqual([0, P - Math.floor((P - 1) / 256), 0, P - 1]);
    expect(Array.from(truncateShare(1, f(0, 5), 0))).toEqual([0, 5]);
  });

  it('truncatePlain: the signed floor at the boundary (p − 1)/2 and for negative values', () => {
    const half = (P - 1) / 2;
    expect(Array.from(truncatePlain(f(half, half + 1, P - 1, P - 256, P - 257, 255, 256), 8))).toEqual([
      Math.floor(half / 256),
      P + Math.floor(-half / 256),
      P - 1,
      P - 1,
      P - 2,
      0,
      1,
    ]);
    expect(() => truncatePlain(f(P), 1)).toThrow('truncatePlain[0]');
  });
});
