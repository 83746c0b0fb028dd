/**
 * Fixed-point encoding against an exact reference: the double x is split into its integer
 * mantissa and binary exponent (read from its IEEE-754 bits), x·2^f is rounded half away from
 * zero in BigInt arithmetic, and the result reduced mod p — no floating-point rounding involved.
 * Decoding is checked against the signed BigInt representative divided by 2^f.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError } from '../../src/errors.js';
import { P, P_BIG, P_HALF } from '../../src/math/share-field.js';
import { DEFAULT_FRACTIONAL_BITS, decodeFixed, decodeFixedVec, encodeFixed, encodeFixedVec } from '../../src/sharing/index.js';
import { maxFixedMagnitude } from '../../src/sharing/fixed-point.js';
import { randomField, rngFor, signedBig } from './helpers.js';

/** |x| = mantissa·2^exponent exactly, from the IEEE-754 bits. */
function splitDouble(x: number): { negative: boolean; mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { negative, mantissa: frac, exponent: -1074 };
  return { negative, mantissa: frac | (1n << 52n), exponent: biased - 1075 };
}

/** round-half-away-from-zero(x·2^f) mod p, or 'range' when its magnitude exceeds (p − 1)/2. */
function encodeRef(x: number, f: number): number | 'range' {
  const { negative, mantissa, exponent } = splitDouble(x);
  const shift = exponent + f;
  let magnitude: bigint;
  if (shift >= 0) magnitude = mantissa << BigInt(shift);
  else {
    const s = BigInt(-shift);
    const q = mantissa >> s;
    const rem = mantissa - (q << s);
    magnitude = 2n * rem >= 1n << s ? q + 1n : q;
  }
  if (magnitude > (P_BIG - 1n) / 2n) return 'range';
  return Number(negative && magnitude !== 0n ? P_BIG - magnitude : magnitude);
}

function randomDoubles(n: number): number[] {
  const rng = rngFor('fixed/doubles');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // Random mantissa and a magnitude between 2^−20 and 2^36, both signs.
    const m = rng.uint32() / 2 ** 32 + 0.5;
    const e = (rng.uint32() % 57) - 20;
    out.push((rng.uint32() & 1 ? -1 : 1) * m * 2 ** e);
  }
  return out;
}

describe('encodeFixed', () => {
  it("Delphi's coefficients with f = 8: 0.2 → 51, 0.5 → 128, −0.2 → p − 51, 1 → 256", () => {
    expect(DEFAULT_FRACTIONAL_BITS).toBe(8);
    expect(encodeFixed(0.2)).toBe(51);
    expect(encodeFixed(0.5)).toBe(128);
    expect(encodeFixed(-0.2)).toBe(P - 51);
    expect(encodeFixed(1)).toBe(256);
    expect(encodeFixed(-1, 0)).toBe(P - 1);
  });

  it('halves round away from zero (as Rust f64::round)', () => {
    expect(encodeFixed(0.5 / 256)).toBe(1);
    expect(encodeFixed(-0.5 / 256)).toBe(P - 1);
    expect(encodeFixed(2.5, 0)).toBe(3);
    expect(encodeFixed(-2.5, 0)).toBe(P - 3);
    expect(encodeFixed(1.5 / 256 - 2 ** -40)).toBe(1);
    expect(encodeFixed(-0)).toBe(0);
    expect(Object.is(encodeFixed(-1e-9), 0)).toBe(true);
  });

  it('matches the exact reference on random doubles for f ∈ {0, 8, 12, 16, 24}', () => {
    const xs = randomDoubles(4000);
    for (let k = -2000; k <= 2000; k += 7) xs.push((k + 0.5) / 256, k / 256, (k + 0.5) / 4096);
    xs.push(Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1074 * 3, 1e-300);
    const bad: string[] = [];
    let inRange = 0;
    for (const f of [0, 8, 12, 16, 24]) {
      for (const x of xs) {
        const want = encodeRef(x, f);
        let got: number | 'range';
        try {
          got = encodeFixed(x, f);
          inRange++;
        } catch (e) {
          if (!(e instanceof OutOfRangeError)) throw e;
          got = 'range';
        }
        if (got !== want) bad.push(`encodeFixed(${x}, ${f}) = ${got}, want ${want}`);
      }
    }
    expect(bad).toEqual([]);
    expect(inRange).toBeGreaterThan(10000);
  });

  it('range limits: exactly (p − 1)/2 fits, one step more does not', () => {
    for (const f of [0, 8, 20]) {
      const max = maxFixedMagnitude(f);
      expect(max).toBe(P_HALF / 2 ** f);
      expect(encodeFixed(max, f)).toBe(P_HALF);
      expect(encodeFixed(-max, f)).toBe(P - P_HALF);
      expect(() => encodeFixed(max + 1 / 2 ** f, f)).toThrow(OutOfRangeError);
      expect(() => encodeFixed(-max - 1 / 2 ** f, f)).toThrow(OutOfRangeError);
      // (p−1)/2 + 0.5 rounds up, out of range; just below it rounds down, in range.
      expect(() => encodeFixed((P_HALF + 0.5) / 2 ** f, f)).toThrow(OutOfRangeError);
    }
    expect(() => encodeFixed(Infinity)).toThrow(OutOfRangeError);
    expect(() => encodeFixed(-Infinity)).toThrow(OutOfRangeError);
    expect(() => encodeFixed(1e300)).toThrow(OutOfRangeError);
  });

  it('bad arguments', () => {
    expect(() => encodeFixed(NaN)).toThrow(InvalidArgumentError);
    expect(() => encodeFixed('1' as unknown as number)).toThrow(InvalidArgumentError);
    for (const f of [-1, 40, 8.5, NaN]) expect(() => encodeFixed(1, f)).toThrow(InvalidArgumentError);
    expect(() => encodeFixedVec([1, 2, NaN])).toThrow(/encodeFixedVec\[2\]/);
    expect(() => encodeFixedVec([1, 1e20])).toThrow(OutOfRangeError);
  });
});

describe('decodeFixed', () => {
  it('is the signed representative over 2^f, exactly, for random and edge residues', () => {
    const v = randomField(rngFor('fixed/decode'), 3000);
    v.set([0, 1, P - 1, P_HALF, P_HALF + 1]);
    for (const f of [0, 8, 16, 39]) {
      const got = decodeFixedVec(v, f);
      for (let i = 0; i < v.length; i++) {
        // The reference as an exact decimal-free comparison: got·2^f must be the signed bigint.
        expect(BigInt(got[i] * 2 ** f)).toBe(signedBig(v[i]));
        expect(decodeFixed(v[i], f)).toBe(got[i]);
      }
    }
    expect(decodeFixed(P_HALF + 1, 0)).toBe(-P_HALF);
    expect(decodeFixed(P_HALF, 0)).toBe(P_HALF);
  });

  it('round trip: decode(encode(x)) = round(x·2^f)/2^f, and encode(decode(v)) = v', () => {
    const xs = randomDoubles(2000).filter((x) => Math.abs(x) < 1e6);
    const enc = encodeFixedVec(xs, 8);
    const dec = decodeFixedVec(enc, 8);
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(dec[i] - xs[i])).toBeLessThanOrEqual(2 ** -9);
      expect(encodeFixed(dec[i], 8)).toBe(enc[i]);
    }
  });

  it('rejects non-field input', () => {
    expect(() => decodeFixed(P)).toThrow(OutOfRangeError);
    expect(() => decodeFixed(0.5)).toThrow(InvalidArgumentError);
    expect(() => decodeFixedVec(new Float64Array([1, P + 2]))).toThrow(OutOfRangeError);
  });
});
