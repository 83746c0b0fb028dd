/**
 * The argument checks of the sharing layer (field vectors, counts, roles, fixed-point bits) with the
 * exact message of each, at both ends of every range — the checks a mutation run found covered only
 * by their error class.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P, P_HALF } from '../../src/math/share-field.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { checkCount, checkFieldElement, checkFieldVector, checkLength, checkRole, MAX_VECTOR_LENGTH } from '../../src/sharing/field-vector.js';
import { checkFractionalBits, MAX_FRACTIONAL_BITS, maxFixedMagnitude } from '../../src/sharing/fixed-point.js';
import { decodeFixed, decodeFixedVec, encodeFixed, encodeFixedVec, sampleFieldVector } from '../../src/sharing/index.js';

describe('field-vector checks', () => {
  it('checkRole: 0 and 1 only; the default context is "role"', () => {
    expect(() => checkRole(0, 'c')).not.toThrow();
    expect(() => checkRole(1, 'c')).not.toThrow();
    for (const r of [2, -1, '0', null, 0.5]) {
      expect(() => checkRole(r, 'c')).toThrow(new InvalidArgumentError(`c: a party role is 0 or 1, got ${String(r)}`));
    }
    expect(() => checkRole(2)).toThrow('role: a party role is 0 or 1, got 2');
  });

  it('checkCount: integers in [0, 2^32 − 1]', () => {
    expect(checkCount(0, 'c')).toBe(0);
    expect(checkCount(MAX_VECTOR_LENGTH, 'c')).toBe(2 ** 32 - 1);
    expect(MAX_VECTOR_LENGTH).toBe(2 ** 32 - 1);
    for (const n of [-1, 2 ** 32, 1.5, NaN, '3']) {
      expect(() => checkCount(n, 'c')).toThrow(new InvalidArgumentError(`c: a count is an integer in [0, 2^32 − 1], got ${String(n)}`));
    }
    expect(() => sampleFieldVector(fromTextSeed('x'), -1)).toThrow('sampleFieldVector: a count is an integer');
  });

  it('checkFieldElement: integers in [0, p)', () => {
    expect(checkFieldElement(0, 'c')).toBe(0);
    expect(checkFieldElement(P - 1, 'c')).toBe(P - 1);
    expect(() => checkFieldElement(-1, 'c')).toThrow(new OutOfRangeError(`c: -1 is not in [0, p) (p = ${P})`));
    expect(() => checkFieldElement(P, 'c')).toThrow(new OutOfRangeError(`c: ${P} is not in [0, p) (p = ${P})`));
    for (const x of [0.5, NaN, '1', undefined]) {
      expect(() => checkFieldElement(x, 'c')).toThrow(new InvalidArgumentError(`c: expected an integer field element, got ${String(x)}`));
    }
  });

  it('checkFieldVector: each kind of bad entry at its index, with its message', () => {
    const v = (x: number): Float64Array => Float64Array.of(0, 1, x);
    expect(checkFieldVector(new Float64Array(0), 'c')).toBe(0);
    expect(checkFieldVector(v(P - 1), 'c')).toBe(3);
    expect(() => checkFieldVector(v(P), 'c')).toThrow(new OutOfRangeError(`c[2]: ${P} is not in [0, p) (p = ${P})`));
    expect(() => checkFieldVector(v(-1), 'c')).toThrow(new OutOfRangeError(`c[2]: -1 is not in [0, p) (p = ${P})`));
    expect(() => checkFieldVector(v(-Infinity), 'c')).toThrow(new OutOfRangeError(`c[2]: -Infinity is not in [0, p) (p = ${P})`));
    expect(() => checkFieldVector(v(NaN), 'c')).toThrow(new InvalidArgumentError('c[2]: NaN is not a field element'));
    expect(() => checkFieldVector(v(2.5), 'c')).toThrow(new InvalidArgumentError('c[2]: 2.5 is not an integer'));
    expect(() => checkFieldVector(v(-0.5), 'c')).toThrow(new InvalidArgumentError('c[2]: -0.5 is not an integer'));
    expect(() => checkFieldVector(v(P - 0.5), 'c')).toThrow(new InvalidArgumentError(`c[2]: ${P - 0.5} is not an integer`));
  });

  it('checkFieldVector names what it got instead of a Float64Array', () => {
    const got = (x: unknown): string => `c: expected a Float64Array of field elements, got ${x}`;
    expect(() => checkFieldVector(null, 'c')).toThrow(got('null'));
    expect(() => checkFieldVector(undefined, 'c')).toThrow(got('undefined'));
    expect(() => checkFieldVector(5, 'c')).toThrow(got('number'));
    expect(() => checkFieldVector([1], 'c')).toThrow(got('Array'));
    expect(() => checkFieldVector(new Uint32Array(1), 'c')).toThrow(got('Uint32Array'));
    expect(() => checkFieldVector(Object.create(null), 'c')).toThrow(got('object'));
  });

  it('sampleFieldVector rejects a candidate equal to p and one above, and keeps p − 1 (a scripted stream)', () => {
    // Each attempt reads lo (u32) and hi (u16 of which 9 bits are kept), little-endian, as uniformBelow does.
    const attempt = (v: number, junkHigh = 0): number[] => {
      const lo = v % 2 ** 32;
      const hi = Math.floor(v / 2 ** 32) | (junkHigh << 9);
      return [lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24, hi & 255, hi >>> 8, 0xaa, 0xbb];
    };
    const script = [...attempt(P), ...attempt(P + 1), ...attempt(2 ** 41 - 1), ...attempt(P - 1, 0x7f), ...attempt(5)];
    let at = 0;
    const scripted = {
      fill(out: Uint8Array): Uint8Array {
        for (let i = 0; i < out.length; i++) out[i] = script[at++];
        return out;
      },
    } as unknown as Rng;
    expect(Array.from(sampleFieldVector(scripted, 2))).toEqual([P - 1, 5]);
    expect(at).toBe(script.length);
  });

  it('checkLength', () => {
    expect(() => checkLength(3, 3, 'c')).not.toThrow();
    expect(() => checkLength(2, 3, 'c')).toThrow(new SizeMismatchError('c: expected 3 elements, got 2'));
  });
});

describe('fixed-point checks', () => {
  it('checkFractionalBits: integers in [0, 39]; the default context', () => {
    expect(checkFractionalBits(0)).toBe(0);
    expect(checkFractionalBits(MAX_FRACTIONAL_BITS)).toBe(39);
    for (const f of [-1, 40, 8.5, '8']) {
      expect(() => checkFractionalBits(f)).toThrow(new InvalidArgumentError(`fractional bits: expected an integer in [0, 39], got ${String(f)}`));
      expect(() => checkFractionalBits(f, 'ctx')).toThrow(`ctx: expected an integer in [0, 39], got ${String(f)}`);
    }
    expect(() => encodeFixed(1, 40)).toThrow('encodeFixed: expected an integer in [0, 39]');
    expect(() => decodeFixed(1, 40)).toThrow('decodeFixed: expected an integer in [0, 39]');
    expect(() => encodeFixedVec([1], 40)).toThrow('encodeFixedVec: expected an integer in [0, 39]');
    expect(() => decodeFixedVec(new Float64Array(1), 40)).toThrow('decodeFixedVec: expected an integer in [0, 39]');
    expect(() => maxFixedMagnitude(40)).toThrow(InvalidArgumentError);
  });

  it('maxFixedMagnitude and the encoding range at both ends, for f = 0 and the default 8', () => {
    expect(maxFixedMagnitude()).toBe(P_HALF / 256);
    expect(maxFixedMagnitude(0)).toBe(P_HALF);
    expect(encodeFixed(P_HALF, 0)).toBe(P_HALF);
    expect(encodeFixed(-P_HALF, 0)).toBe(P_HALF + 1);
    expect(encodeFixed(-0)).toBe(0);
    expect(encodeFixed(-0.001)).toBe(0); // rounds to magnitude 0: no p − 0
    expect(() => encodeFixed(P_HALF + 1, 0)).toThrow(
      new OutOfRangeError(`encodeFixed: ${P_HALF + 1} does not fit with 0 fractional bits (|x| must be ≤ ${P_HALF})`),
    );
    expect(() => encodeFixed(1e10)).toThrow(
      new OutOfRangeError(`encodeFixed: 10000000000 does not fit with 8 fractional bits (|x| must be ≤ ${P_HALF / 256})`),
    );
    expect(P_HALF / 256).toBe(4026531840);
    expect(() => encodeFixed(-Infinity)).toThrow(OutOfRangeError);
    expect(() => encodeFixed(NaN)).toThrow(new InvalidArgumentError('encodeFixed: expected a number, got NaN'));
    expect(() => encodeFixed('1' as unknown as number)).toThrow('encodeFixed: expected a number, got 1');
  });

  it('vector errors carry the index and keep their class and cause', () => {
    let e: unknown;
    try {
      encodeFixedVec([1, 2, Infinity]);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(OutOfRangeError);
    expect((e as Error).message).toMatch(/^encodeFixedVec\[2\]: encodeFixed: Infinity does not fit/);
    expect((e as Error).cause).toBeInstanceOf(OutOfRangeError);
    expect(() => encodeFixedVec([0, NaN])).toThrow(new InvalidArgumentError('encodeFixedVec[1]: encodeFixed: expected a number, got NaN'));
    try {
      encodeFixedVec([NaN]);
    } catch (err) {
      expect((err as Error).cause).toBeInstanceOf(InvalidArgumentError);
    }
    // Any other error (here from reading the input) passes through unchanged.
    const throwing = { length: 1, get 0(): number { throw new RangeError('unreadable input'); } };
    expect(() => encodeFixedVec(throwing)).toThrow(RangeError);
    expect(() => encodeFixedVec(throwing)).toThrow('unreadable input');
    expect(() => decodeFixedVec(Float64Array.of(0, P))).toThrow('decodeFixedVec[1]');
    expect(() => decodeFixed(P)).toThrow('decodeFixed: ');
  });

  it('decodeFixed: the boundary (p − 1)/2 is positive, (p + 1)/2 negative', () => {
    expect(decodeFixed(P_HALF, 0)).toBe(P_HALF);
    expect(decodeFixed(P_HALF + 1, 0)).toBe(-P_HALF);
    expect(Array.from(decodeFixedVec(Float64Array.of(P_HALF, P_HALF + 1, P - 1), 1))).toEqual([P_HALF / 2, -P_HALF / 2, -0.5]);
  });
});
