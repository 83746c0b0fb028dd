/**
 * Additive sharing and the local linear operations, each checked against the same operation
 * written in BigInt on the reconstructed values (x + y, x − y, −x, c·x, x + c mod p).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P, P_BIG } from '../../src/math/share-field.js';
import {
  addPublic,
  addShares,
  negShare,
  reconstruct,
  scaleShare,
  share,
  subShares,
} from '../../src/sharing/index.js';
import { modP, randomField, rngFor } from './helpers.js';

const N = 5000;
const big = (v: Float64Array): bigint[] => Array.from(v, (x) => BigInt(x));
const fromBig = (v: bigint[]): Float64Array => Float64Array.from(v, modP);

/** Values with the edge cases first: 0, 1, p − 1, (p ± 1)/2, then random. */
function values(label: string): Float64Array {
  const v = randomField(rngFor(label), N);
  v.set([0, 1, P - 1, (P - 1) / 2, (P + 1) / 2, 2 ** 40, 2 ** 32 - 1]);
  return v;
}

describe('share / reconstruct', () => {
  it('shares reconstruct to the values; s0 is the uniform pad, s1 = x − s0', () => {
    const x = values('share');
    const [s0, s1] = share(x, rngFor('share/pad'));
    expect(reconstruct(s0, s1)).toEqual(x);
    const X = big(x);
    const S0 = big(s0);
    expect(big(s1)).toEqual(X.map((xi, i) => (((xi - S0[i]) % P_BIG) + P_BIG) % P_BIG));
    for (const v of [s0, s1]) for (const e of v) expect(Number.isInteger(e) && e >= 0 && e < P).toBe(true);
  });

  it('is reproducible from the seed, and party 0’s share does not depend on the secret', () => {
    const x = values('repro');
    const [a0, a1] = share(x, rngFor('repro/pad'));
    const [b0, b1] = share(x, rngFor('repro/pad'));
    expect(a0).toEqual(b0);
    expect(a1).toEqual(b1);
    const [c0, c1] = share(new Float64Array(N), rngFor('repro/pad'));
    expect(c0).toEqual(a0);
    expect(c1).not.toEqual(a1);
    const [d0] = share(x, rngFor('repro/other-pad'));
    expect(d0).not.toEqual(a0);
  });

  it('handles the empty vector', () => {
    const [s0, s1] = share(new Float64Array(0), rngFor('empty'));
    expect(s0.length + s1.length).toBe(0);
    expect(reconstruct(s0, s1).length).toBe(0);
  });
});

describe('linear operations on shares match BigInt on the secrets', () => {
  const x = values('lin/x');
  const y = values('lin/y');
  const [x0, x1] = share(x, rngFor('lin/px'));
  const [y0, y1] = share(y, rngFor('lin/py'));
  const X = big(x);
  const Y = big(y);

  it('addShares, subShares, negShare', () => {
    expect(reconstruct(addShares(x0, y0), addShares(x1, y1))).toEqual(fromBig(X.map((v, i) => v + Y[i])));
    expect(reconstruct(subShares(x0, y0), subShares(x1, y1))).toEqual(fromBig(X.map((v, i) => v - Y[i])));
    expect(reconstruct(negShare(x0), negShare(x1))).toEqual(fromBig(X.map((v) => -v)));
  });

  it('scaleShare by a public scalar and by a public vector', () => {
    for (const c of [0, 1, 2, P - 1, 123456789012, (P - 1) / 2]) {
      const C = BigInt(c);
      expect(reconstruct(scaleShare(x0, c), scaleShare(x1, c))).toEqual(fromBig(X.map((v) => v * C)));
    }
    expect(reconstruct(scaleShare(x0, y), scaleShare(x1, y))).toEqual(fromBig(X.map((v, i) => v * Y[i])));
  });

  it('addPublic: only party 0 adds the constant', () => {
    const c = 987654321;
    expect(addPublic(1, x1, c)).toEqual(x1);
    expect(reconstruct(addPublic(0, x0, c), addPublic(1, x1, c))).toEqual(fromBig(X.map((v) => v + BigInt(c))));
    expect(reconstruct(addPublic(0, x0, y), addPublic(1, x1, y))).toEqual(fromBig(X.map((v, i) => v + Y[i])));
    // Both adding it would double it: the rule is what makes the sum right.
    expect(reconstruct(addPublic(0, x0, c), addPublic(0, x1, c))).toEqual(fromBig(X.map((v) => v + 2n * BigInt(c))));
  });

  it('does not modify its inputs', () => {
    const copy = Float64Array.from(x0);
    addShares(x0, y0);
    scaleShare(x0, 7);
    addPublic(0, x0, 5);
    negShare(x0);
    expect(x0).toEqual(copy);
  });
});

describe('malformed input', () => {
  const ok = new Float64Array([1, 2, 3]);
  it('length mismatches', () => {
    expect(() => reconstruct(ok, new Float64Array(2))).toThrow(SizeMismatchError);
    expect(() => addShares(ok, new Float64Array(4))).toThrow(SizeMismatchError);
    expect(() => subShares(ok, new Float64Array(4))).toThrow(SizeMismatchError);
    expect(() => scaleShare(ok, new Float64Array(2))).toThrow(SizeMismatchError);
    expect(() => addPublic(0, ok, new Float64Array(2))).toThrow(SizeMismatchError);
  });
  it('values ≥ p or negative', () => {
    expect(() => share(new Float64Array([P]), rngFor('bad'))).toThrow(OutOfRangeError);
    expect(() => reconstruct(ok, new Float64Array([1, 2, -3]))).toThrow(OutOfRangeError);
    expect(() => scaleShare(ok, P)).toThrow(OutOfRangeError);
    expect(() => addPublic(0, ok, -1)).toThrow(OutOfRangeError);
  });
  it('non-integers and wrong types', () => {
    expect(() => share(new Float64Array([0.5]), rngFor('bad'))).toThrow(InvalidArgumentError);
    expect(() => negShare(new Float64Array([NaN]))).toThrow(InvalidArgumentError);
    expect(() => scaleShare(ok, 1.5)).toThrow(InvalidArgumentError);
    expect(() => share([1, 2] as unknown as Float64Array, rngFor('bad'))).toThrow(InvalidArgumentError);
    expect(() => addPublic(2 as 0, ok, 1)).toThrow(InvalidArgumentError);
  });
});
