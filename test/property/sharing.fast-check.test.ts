/**
 * Share-field invariants as fast-check properties, against BigInt recomputation: every output of
 * every sharing, fixed-point and truncation function (and of the share-field arithmetic under
 * them) is canonical — an integer in [0, p) — and reconstructs to the value BigInt says it must.
 * Operands are biased to the edges (0, 1, p − 1, equal operands, sums landing exactly on p).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import {
  addModP,
  addVecModP,
  dotModP,
  fromSigned,
  fromSignedVec,
  mulModP,
  mulVecModP,
  negModP,
  negVecModP,
  P,
  P_HALF,
  reduceModP,
  scaleVecModP,
  subModP,
  subVecModP,
  toSigned,
  toSignedVec,
} from '../../src/math/share-field.js';
import { fromTextSeed } from '../../src/random/index.js';
import {
  addPublic,
  addShares,
  decodeFixed,
  decodeFixedVec,
  encodeFixed,
  encodeFixedVec,
  negShare,
  reconstruct,
  scaleShare,
  share,
  subShares,
  truncatePlain,
  truncateShare,
  truncationFailureProbability,
} from '../../src/sharing/index.js';

const PB = BigInt(P);
const RUNS = { seed: 24, numRuns: 300 };

/** A field element, one time in three an edge value. */
const elem = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: P - 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, P - 2, P - 1, P_HALF, P_HALF + 1, 2 ** 32, 2 ** 40) },
);
const vec = fc.array(elem, { minLength: 0, maxLength: 12 }).map((a) => Float64Array.from(a));
/** A pair of equal-length vectors; a third of the time the second is the first (x − x), or p − first (x + y = p). */
const pair = fc
  .tuple(fc.array(fc.tuple(elem, elem), { minLength: 1, maxLength: 12 }), fc.constantFrom('free', 'same', 'sum-p'))
  .map(([xs, how]) => {
    const x = Float64Array.from(xs.map((t) => t[0]));
    const y = Float64Array.from(xs.map((t, i) => (how === 'same' ? x[i] : how === 'sum-p' ? (x[i] === 0 ? 0 : P - x[i]) : t[1])));
    return [x, y] as const;
  });

function canonical(v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++) {
    if (!(Number.isInteger(v[i]) && v[i] >= 0 && v[i] < P) || Object.is(v[i], -0)) {
      throw new Error(`entry ${i} = ${v[i]} is not canonical in [0, p)`);
    }
  }
}
const big = (v: ArrayLike<number>): bigint[] => Array.from(v, (x) => BigInt(x));
const mod = (x: bigint): bigint => ((x % PB) + PB) % PB;
const nums = (v: bigint[]): number[] => v.map(Number);

describe('share-field arithmetic (BigInt oracle)', () => {
  it('addModP, subModP, negModP, mulModP: canonical and equal to BigInt', () => {
    fc.assert(
      fc.property(elem, elem, (a, b) => {
        const A = BigInt(a);
        const B = BigInt(b);
        const got = [addModP(a, b), subModP(a, b), negModP(a), mulModP(a, b), subModP(a, a), addModP(a, negModP(a))];
        canonical(got);
        expect(got).toEqual(nums([mod(A + B), mod(A - B), mod(-A), mod(A * B), 0n, 0n]));
      }),
      RUNS,
    );
  });

  it('reduceModP, toSigned, fromSigned: canonical residues and the centered representative', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), elem, (x, e) => {
        const r = reduceModP(x);
        canonical([r]);
        expect(r).toBe(Number(mod(BigInt(x))));
        const s = toSigned(e);
        expect(Math.abs(s)).toBeLessThanOrEqual(P_HALF);
        expect(Number(mod(BigInt(s)))).toBe(e);
        expect(fromSigned(s)).toBe(e);
      }),
      RUNS,
    );
  });
});

describe('share-field vector operations (BigInt oracle)', () => {
  it('add/sub/neg/mul/scale/dot over vectors: canonical, equal to BigInt, in place when out aliases an input', () => {
    fc.assert(
      fc.property(pair, elem, ([x, y], c) => {
        const X = big(x);
        const Y = big(y);
        const n = x.length;
        const outs = [
          addVecModP(x, y, new Float64Array(n)),
          subVecModP(x, y, new Float64Array(n)),
          negVecModP(x, new Float64Array(n)),
          mulVecModP(x, y, new Float64Array(n)),
          scaleVecModP(x, c, new Float64Array(n)),
        ];
        for (const o of outs) canonical(o);
        expect(Array.from(outs[0])).toEqual(nums(X.map((a, i) => mod(a + Y[i]))));
        expect(Array.from(outs[1])).toEqual(nums(X.map((a, i) => mod(a - Y[i]))));
        expect(Array.from(outs[2])).toEqual(nums(X.map((a) => mod(-a))));
        expect(Array.from(outs[3])).toEqual(nums(X.map((a, i) => mod(a * Y[i]))));
        expect(Array.from(outs[4])).toEqual(nums(X.map((a) => mod(a * BigInt(c)))));
        const dot = dotModP(x, y);
        canonical([dot]);
        expect(dot).toBe(Number(mod(X.reduce((acc, a, i) => acc + a * Y[i], 0n))));
        const signed = toSignedVec(x);
        expect(Array.from(signed)).toEqual(Array.from(x, toSigned));
        expect(Array.from(fromSignedVec(signed))).toEqual(Array.from(x));
        const inPlace = Float64Array.from(x);
        expect(addVecModP(inPlace, y, inPlace)).toBe(inPlace);
        expect(Array.from(inPlace)).toEqual(Array.from(outs[0]));
      }),
      RUNS,
    );
  });

  it('vector operations refuse mismatched lengths and non-Float64Array arguments, naming the function', () => {
    const a = Float64Array.of(1, 2);
    const b = Float64Array.of(1, 2, 3);
    expect(() => addVecModP(a, b, new Float64Array(2))).toThrow(new SizeMismatchError('addVecModP: lengths differ (2 vs 3)'));
    expect(() => subVecModP(a, a, b)).toThrow(new SizeMismatchError('subVecModP: lengths differ (2 vs 3)'));
    expect(() => mulVecModP(a, b, a)).toThrow('mulVecModP: lengths differ');
    expect(() => scaleVecModP(a, 3, b)).toThrow('scaleVecModP: lengths differ');
    expect(() => negVecModP(a, b)).toThrow('negVecModP: lengths differ');
    expect(() => dotModP(a, b)).toThrow('dotModP: lengths differ');
    expect(() => dotModP(a, [1, 2] as unknown as Float64Array)).toThrow(new InvalidArgumentError('dotModP: expected Float64Array arguments'));
    expect(dotModP(new Float64Array(0), new Float64Array(0))).toBe(0);
    expect(dotModP(Float64Array.of(P - 1, P - 1), Float64Array.of(1, 1))).toBe(P - 2);
    expect(dotModP(Float64Array.of(P - 1, 1), Float64Array.of(1, 1))).toBe(0); // the sum is exactly p
  });

  it('fromSigned refuses values outside [−(p−1)/2, (p−1)/2] and non-integers', () => {
    expect(fromSigned(-P_HALF)).toBe(P_HALF + 1);
    expect(fromSigned(P_HALF)).toBe(P_HALF);
    expect(toSigned(P_HALF + 1)).toBe(-P_HALF);
    for (const v of [P_HALF + 1, -P_HALF - 1, 0.5, NaN]) {
      expect(() => fromSigned(v)).toThrow(new OutOfRangeError(`fromSigned: expected an integer in [−(p−1)/2, (p−1)/2], got ${v}`));
    }
    expect(() => fromSignedVec([1, P_HALF + 1])).toThrow(OutOfRangeError);
  });
});

describe('additive sharing (BigInt oracle)', () => {
  it('share: both shares canonical, reconstruct gives the values back, party 0 is independent of them', () => {
    fc.assert(
      fc.property(vec, fc.nat(), (v, seed) => {
        const [s0, s1] = share(v, fromTextSeed(`share/${seed}`));
        canonical(s0);
        canonical(s1);
        expect(nums(big(s0).map((a, i) => mod(a + BigInt(s1[i]))))).toEqual(Array.from(v));
        expect(Array.from(reconstruct(s0, s1))).toEqual(Array.from(v));
        const [t0] = share(new Float64Array(v.length), fromTextSeed(`share/${seed}`));
        expect(Array.from(t0)).toEqual(Array.from(s0));
      }),
      RUNS,
    );
  });

  it('addShares, subShares, reconstruct, negShare: canonical, equal to BigInt (x − x is 0, never p)', () => {
    fc.assert(
      fc.property(pair, ([x, y]) => {
        const outs = [addShares(x, y), subShares(x, y), reconstruct(x, y), negShare(x), subShares(x, x)];
        for (const o of outs) canonical(o);
        const X = big(x);
        const Y = big(y);
        expect(Array.from(outs[0])).toEqual(nums(X.map((a, i) => mod(a + Y[i]))));
        expect(Array.from(outs[1])).toEqual(nums(X.map((a, i) => mod(a - Y[i]))));
        expect(Array.from(outs[2])).toEqual(Array.from(outs[0]));
        expect(Array.from(outs[3])).toEqual(nums(X.map((a) => mod(-a))));
        expect(Array.from(outs[4])).toEqual(new Array(x.length).fill(0));
      }),
      RUNS,
    );
  });

  it('addPublic and scaleShare (a constant or a vector): canonical; shares of x + c and c·x', () => {
    fc.assert(
      fc.property(pair, elem, fc.nat(), ([x, c], k, seed) => {
        const [s0, s1] = share(x, fromTextSeed(`public/${seed}`));
        for (const cc of [c, k] as const) {
          const p0 = addPublic(0, s0, cc);
          const p1 = addPublic(1, s1, cc);
          canonical(p0);
          canonical(p1);
          expect(Array.from(p1)).toEqual(Array.from(s1));
          const C = typeof cc === 'number' ? x.map(() => cc) : cc;
          expect(Array.from(reconstruct(p0, p1))).toEqual(nums(big(x).map((a, i) => mod(a + BigInt(C[i])))));
          const m0 = scaleShare(s0, cc);
          const m1 = scaleShare(s1, cc);
          canonical(m0);
          canonical(m1);
          expect(Array.from(reconstruct(m0, m1))).toEqual(nums(big(x).map((a, i) => mod(a * BigInt(C[i])))));
        }
        // Party 0's public addition on a share that sums to exactly p must wrap to 0.
        expect(Array.from(addPublic(0, x, c))).toEqual(nums(big(x).map((a, i) => mod(a + BigInt(c[i])))));
      }),
      RUNS,
    );
  });
});

describe('fixed point and truncation (BigInt oracle)', () => {
  it('encodeFixed / decodeFixed: canonical; round trip of every representable value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -P_HALF, max: P_HALF }), fc.integer({ min: 0, max: 39 }), (v, f) => {
        const x = v / 2 ** f;
        const e = encodeFixed(x, f);
        canonical([e]);
        expect(e).toBe(Number(mod(BigInt(v))));
        expect(decodeFixed(e, f)).toBe(x);
        const ev = encodeFixedVec([x, -x], f);
        canonical(ev);
        expect(Array.from(decodeFixedVec(ev, f))).toEqual([x, -x].map((y) => y + 0));
      }),
      RUNS,
    );
  });

  it('truncateShare: canonical; reconstructs to ⌊x/2^k⌋ or ⌊x/2^k⌋ + 1 unless the sharing wraps', () => {
    const small = fc.integer({ min: -(2 ** 36), max: 2 ** 36 });
    fc.assert(
      fc.property(small, fc.oneof(elem, fc.constantFrom(0, 1, P - 1)), fc.integer({ min: 0, max: 40 }), (x, s0, k) => {
        const xv = fromSigned(x);
        const s1 = subModP(xv, s0);
        const t0 = truncateShare(0, Float64Array.of(s0), k);
        const t1 = truncateShare(1, Float64Array.of(s1), k);
        canonical(t0);
        canonical(t1);
        const plain = truncatePlain(Float64Array.of(xv), k);
        canonical(plain);
        const floor = BigInt(Math.floor(x / 2 ** k));
        expect(plain[0]).toBe(Number(mod(floor)));
        const wraps = x >= 0 ? s0 < x : s0 >= P + x;
        const got = reconstruct(t0, t1)[0];
        if (k === 0) expect(got).toBe(xv);
        else if (!wraps) expect([Number(mod(floor)), Number(mod(floor + 1n))]).toContain(got);
        expect(truncationFailureProbability(Math.abs(x), k)).toBe(k === 0 ? 0 : Math.abs(x) / P);
      }),
      { ...RUNS, numRuns: 1000 },
    );
  });
});
