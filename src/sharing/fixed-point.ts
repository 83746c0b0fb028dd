/**
 * Fixed-point numbers in the share field: a real x is represented by the integer round(x·2^f),
 * stored as a field element (negative v as p − |v|). f, the number of fractional bits, is 8 by
 * default — the value Delphi uses (its `EXPONENT_CAPACITY`).
 *
 * A product of two fixed-point values carries 2f fractional bits and must be truncated by f
 * (§7.4) before it is used again.
 *
 * The same encoding on signed integers (the reference evaluator's view, §8.7): `quantize` is the
 * signed representative of `encodeFixed`, `signedToField` / `fieldToSigned` convert between signed
 * integers and bigint field elements, `truncateFloor` is the signed floor ⌊z / 2^s⌋.
 *
 * Spec: §7.3, §8.7
 * @module
 */
import { InvalidArgumentError, OutOfRangeError } from '../errors.js';
import { P, P_BIG, P_HALF, toSigned } from '../math/share-field.js';
import { checkFieldElement, checkFieldVector } from './field-vector.js';

/** Delphi's number of fractional bits. Spec: §7.3 */
export const DEFAULT_FRACTIONAL_BITS = 8;

/** Largest number of fractional bits accepted (p − 1 has 41 bits, one is the sign). Spec: §7.3 */
export const MAX_FRACTIONAL_BITS = 39;

/** Throws unless `f` is an integer in [0, {@link MAX_FRACTIONAL_BITS}]; returns it. Spec: §7.3 */
export function checkFractionalBits(f: unknown, context = 'fractional bits'): number {
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f > MAX_FRACTIONAL_BITS) {
    throw new InvalidArgumentError(`${context}: expected an integer in [0, ${MAX_FRACTIONAL_BITS}], got ${String(f)}`);
  }
  return f;
}

/**
 * The largest magnitude a fixed-point value with `f` fractional bits can hold: ((p − 1)/2)/2^f
 * (≈ 4.03·10^9 for f = 8). Spec: §7.3
 */
export function maxFixedMagnitude(f: number = DEFAULT_FRACTIONAL_BITS): number {
  return P_HALF / 2 ** checkFractionalBits(f);
}

/**
 * Encodes a real number: v = sign(x)·round(|x|·2^f), halves rounded away from zero (as Rust's
 * `f64::round` in Delphi), then v mod p. NaN → {@link InvalidArgumentError}; |v| > (p − 1)/2
 * (including ±∞) → {@link OutOfRangeError}. Spec: §7.3
 */
export function encodeFixed(x: number, f: number = DEFAULT_FRACTIONAL_BITS): number {
  checkFractionalBits(f, 'encodeFixed');
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new InvalidArgumentError(`encodeFixed: expected a number, got ${String(x)}`);
  }
  // |x|·2^f is exact (a power-of-two scaling); Math.round rounds halves up, i.e. away from zero here.
  const magnitude = Math.round(Math.abs(x) * 2 ** f);
  if (!(magnitude <= P_HALF)) {
    throw new OutOfRangeError(
      `encodeFixed: ${x} does not fit with ${f} fractional bits (|x| must be ≤ ${P_HALF / 2 ** f})`,
    );
  }
  return x < 0 && magnitude !== 0 ? P - magnitude : magnitude;
}

/**
 * Decodes a field element: its signed representative (values > (p − 1)/2 are negative) divided
 * by 2^f. Exact: every result is a double. Spec: §7.3
 */
export function decodeFixed(v: number, f: number = DEFAULT_FRACTIONAL_BITS): number {
  checkFractionalBits(f, 'decodeFixed');
  checkFieldElement(v, 'decodeFixed');
  return (v > P_HALF ? v - P : v) / 2 ** f;
}

/** Element-wise {@link encodeFixed}. Spec: §7.3 */
export function encodeFixedVec(xs: ArrayLike<number>, f: number = DEFAULT_FRACTIONAL_BITS): Float64Array {
  checkFractionalBits(f, 'encodeFixedVec');
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    try {
      out[i] = encodeFixed(xs[i], f);
    } catch (e) {
      if (e instanceof OutOfRangeError) throw new OutOfRangeError(`encodeFixedVec[${i}]: ${e.message}`, { cause: e });
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`encodeFixedVec[${i}]: ${e.message}`, { cause: e });
      throw e;
    }
  }
  return out;
}

/** Element-wise {@link decodeFixed}. Spec: §7.3 */
export function decodeFixedVec(v: Float64Array, f: number = DEFAULT_FRACTIONAL_BITS): Float64Array {
  checkFractionalBits(f, 'decodeFixedVec');
  const n = checkFieldVector(v, 'decodeFixedVec');
  const scale = 2 ** -f;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (v[i] > P_HALF ? v[i] - P : v[i]) * scale;
  return out;
}

// Signed integers and bigint field elements (§8.7).

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
