/**
 * Fixed-point encoding of reals as integers and field elements of Z_p, p = 2061584302081:
 * a real v at scale s (s fractional bits) is the integer round(v·2^s), rounding half away from
 * zero; a signed integer z is the field element z mod p; truncation is the signed floor
 * ⌊z / 2^s⌋.
 *
 * Spec: §8.7
 * @module
 */
import { InvalidArgumentError, OutOfRangeError } from '../errors.js';
import { P, P_BIG, P_HALF, toSigned } from '../math/share-field.js';
import { encodeFixed } from './fixed-point.js';

/**
 * round(value · 2^bits) with ties away from zero, as a signed safe integer: the signed
 * representative of the sharing layer's `encodeFixed(value, bits)`. Exact: the product by a
 * power of two is exact in float64 and Math.round rounds the exact value. Throws
 * {@link OutOfRangeError} when the result exceeds (p − 1)/2 in absolute value and
 * {@link InvalidArgumentError} for non-finite values. Spec: §8.7
 */
export function quantize(value: number, bits: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`quantize: expected a finite number, got ${String(value)}`);
  }
  // encodeFixed (§7.3) rounds |value|·2^bits half away from zero and reduces mod p.
  return toSigned(encodeFixed(value, bits));
}

/** The real number z / 2^bits of a signed integer z at scale `bits`. Spec: §8.7 */
export function dequantize(z: number, bits: number): number {
  return z / 2 ** bits;
}

/**
 * The signed floor ⌊z / 2^bits⌋ of a safe integer z (rounds towards −∞: ⌊−3/2⌋ = −2). This is
 * the truncation of the reference evaluator. Spec: §8.7
 */
export function truncateFloor(z: number, bits: number): number {
  return Math.floor(z / 2 ** bits);
}

/** {@link truncateFloor} for bigints. Spec: §8.7 */
export function truncateFloorBig(z: bigint, bits: number): bigint {
  return z >> BigInt(bits); // `>>` on bigints is an arithmetic shift, i.e. the floor
}

/** The field element z mod p of a signed integer |z| ≤ (p−1)/2. Spec: §8.7 */
export function signedToField(z: number): bigint {
  if (!Number.isSafeInteger(z) || Math.abs(z) > P_HALF) {
    throw new OutOfRangeError(`signedToField: expected an integer in [−(p−1)/2, (p−1)/2], got ${z}`);
  }
  return BigInt(z < 0 ? z + P : z);
}

/**
 * The signed integer of a field element: x if x ≤ (p−1)/2, else x − p. Throws
 * {@link OutOfRangeError} unless 0 ≤ x < p. Spec: §8.7
 */
export function fieldToSigned(x: bigint): number {
  if (typeof x !== 'bigint' || x < 0n || x >= P_BIG) {
    throw new OutOfRangeError(`fieldToSigned: expected a bigint in [0, p), got ${String(x)}`);
  }
  return toSigned(Number(x));
}

/** The real number a field element stands for at scale `bits`. Spec: §8.7 */
export function dequantizeField(x: bigint, bits: number): number {
  return fieldToSigned(x) / 2 ** bits;
}
