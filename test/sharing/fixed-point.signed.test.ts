/**
 * The signed-integer and bigint helpers of §8.7 in sharing/fixed-point.ts (quantize, dequantize,
 * truncateFloor, signedToField, fieldToSigned, dequantizeField) against values computed by hand
 * and by BigInt arithmetic mod p = 2061584302081, at and beside every bound they check.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError } from '../../src/errors.js';
import {
  dequantize,
  dequantizeField,
  fieldToSigned,
  quantize,
  signedToField,
  truncateFloor,
  truncateFloorBig,
} from '../../src/sharing/fixed-point.js';

const P = 2061584302081n;
const HALF = Number((P - 1n) / 2n); // 1030792151040

describe('quantize: round(value · 2^bits), ties away from zero, as a signed integer', () => {
  it('rounds exactly, ties away from zero on both signs', () => {
    expect(quantize(1.5, 8)).toBe(384);
    expect(quantize(-1.5, 8)).toBe(-384);
    expect(quantize(0.5 / 256, 8)).toBe(1); // 0.5 ulp → away from zero
    expect(quantize(-0.5 / 256, 8)).toBe(-1);
    expect(quantize(0.49 / 256, 8)).toBe(0);
    expect(quantize(-0.49 / 256, 8)).toBe(0);
    expect(Object.is(quantize(-0.49 / 256, 8), 0)).toBe(true);
    expect(quantize(3.14159, 0)).toBe(3);
    expect(quantize(-2.5, 0)).toBe(-3);
    expect(quantize(1, 12)).toBe(4096);
  });
  it('reaches ±(p−1)/2 and refuses one more, with the typed errors', () => {
    expect(quantize(HALF, 0)).toBe(HALF);
    expect(quantize(-HALF, 0)).toBe(-HALF);
    expect(() => quantize(HALF + 1, 0)).toThrow(OutOfRangeError);
    expect(() => quantize(-(HALF + 1), 0)).toThrow(OutOfRangeError);
  });
  it('refuses non-finite and non-number values with one-line messages', () => {
    for (const v of [Number.NaN, Infinity, -Infinity]) {
      expect(() => quantize(v, 8)).toThrow(new InvalidArgumentError(`quantize: expected a finite number, got ${String(v)}`));
    }
    expect(() => quantize('1' as unknown as number, 8)).toThrow(new InvalidArgumentError('quantize: expected a finite number, got 1'));
  });
});

describe('dequantize and truncateFloor', () => {
  it('divide by 2^bits exactly; the floor rounds towards −∞', () => {
    expect(dequantize(384, 8)).toBe(1.5);
    expect(dequantize(-1, 8)).toBe(-1 / 256);
    expect(dequantize(7, 0)).toBe(7);
    expect(truncateFloor(-3, 1)).toBe(-2);
    expect(truncateFloor(3, 1)).toBe(1);
    expect(truncateFloor(-256, 8)).toBe(-1);
    expect(truncateFloor(-257, 8)).toBe(-2);
    expect(truncateFloor(255, 8)).toBe(0);
    expect(truncateFloor(5, 0)).toBe(5);
  });
  it('truncateFloorBig agrees with truncateFloor and with BigInt floor division', () => {
    for (const z of [-1000003, -257, -256, -3, -1, 0, 1, 3, 255, 256, 1000003]) {
      for (const bits of [0, 1, 3, 8]) {
        const big = truncateFloorBig(BigInt(z), bits);
        const d = 2n ** BigInt(bits);
        const floor = BigInt(z) >= 0n ? BigInt(z) / d : -((-BigInt(z) + d - 1n) / d);
        expect(big).toBe(floor);
        expect(Number(big)).toBe(truncateFloor(z, bits));
      }
    }
  });
});

describe('signedToField and fieldToSigned: z ↔ z mod p on |z| ≤ (p−1)/2', () => {
  it('maps negatives to p + z and back, at the bounds', () => {
    expect(signedToField(0)).toBe(0n);
    expect(signedToField(1)).toBe(1n);
    expect(signedToField(-1)).toBe(P - 1n);
    expect(signedToField(HALF)).toBe(BigInt(HALF));
    expect(signedToField(-HALF)).toBe(P - BigInt(HALF));
    expect(fieldToSigned(0n)).toBe(0);
    expect(fieldToSigned(P - 1n)).toBe(-1);
    expect(fieldToSigned(BigInt(HALF))).toBe(HALF);
    expect(fieldToSigned(BigInt(HALF) + 1n)).toBe(-HALF);
    for (const z of [-123456789, -2, 2, 987654321, HALF - 1, -HALF + 1]) expect(fieldToSigned(signedToField(z))).toBe(z);
  });
  it('refuses out-of-range and non-integer inputs with their messages', () => {
    expect(() => signedToField(HALF + 1)).toThrow(new OutOfRangeError(`signedToField: expected an integer in [−(p−1)/2, (p−1)/2], got ${HALF + 1}`));
    expect(() => signedToField(-HALF - 1)).toThrow(OutOfRangeError);
    expect(() => signedToField(0.5)).toThrow(OutOfRangeError);
    expect(() => signedToField(2 ** 53)).toThrow(OutOfRangeError);
    expect(() => fieldToSigned(P)).toThrow(new OutOfRangeError(`fieldToSigned: expected a bigint in [0, p), got ${P}`));
    expect(() => fieldToSigned(-1n)).toThrow(new OutOfRangeError('fieldToSigned: expected a bigint in [0, p), got -1'));
    expect(() => fieldToSigned(5 as unknown as bigint)).toThrow(new OutOfRangeError('fieldToSigned: expected a bigint in [0, p), got 5'));
    expect(fieldToSigned(P - 1n)).toBe(-1);
  });
  it('dequantizeField reads a field element as a real at the scale', () => {
    expect(dequantizeField(384n, 8)).toBe(1.5);
    expect(dequantizeField(P - 384n, 8)).toBe(-1.5);
    expect(dequantizeField(P - 1n, 0)).toBe(-1);
    expect(() => dequantizeField(P, 8)).toThrow(OutOfRangeError);
  });
});
