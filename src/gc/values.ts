/**
 * Conversions between the values a caller thinks in (bigints, big-endian hex, byte strings) and the
 * bit order of circuit wires: within a value, wire k carries bit k, least significant first (the
 * Bristol Fashion convention; a byte string is read as one big-endian integer, so wire 0 is the
 * lowest bit of its last byte).
 *
 * Spec: §5.3
 * @module
 */
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../errors.js';

/** The `width` low bits of `value`, least significant first (one bit per byte). Spec: §5.3 */
export function bigintToBits(value: bigint, width: number, out: Uint8Array = new Uint8Array(width), offset = 0): Uint8Array {
  if (typeof value !== 'bigint' || value < 0n) throw new InvalidArgumentError(`expected a non-negative bigint, got ${String(value)}`);
  if (value >> BigInt(width) !== 0n) throw new OutOfRangeError(`value ${value} does not fit in ${width} bits`);
  let v = value;
  for (let k = 0; k < width; k++) {
    out[offset + k] = Number(v & 1n);
    v >>= 1n;
  }
  return out;
}

/** The value whose bit k is `bits[offset + k]` for k < width. Spec: §5.3 */
export function bitsToBigint(bits: ArrayLike<number>, offset = 0, width = bits.length - offset): bigint {
  let v = 0n;
  for (let k = width - 1; k >= 0; k--) v = (v << 1n) | BigInt(bits[offset + k] & 1);
  return v;
}

/** The low `width` bits of a safe non-negative integer, least significant first. Spec: §5.3 */
export function numberToBits(value: number, width: number, out: Uint8Array = new Uint8Array(width), offset = 0): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(`expected a non-negative safe integer, got ${value}`);
  if (width < 53 && value >= 2 ** width) throw new OutOfRangeError(`value ${value} does not fit in ${width} bits`);
  let v = value;
  for (let k = 0; k < width; k++) {
    out[offset + k] = v % 2;
    v = Math.floor(v / 2);
  }
  return out;
}

/** The integer (< 2^53) whose bit k is `bits[offset + k]`. Spec: §5.3 */
export function bitsToNumber(bits: ArrayLike<number>, offset = 0, width = bits.length - offset): number {
  if (width > 53) throw new InvalidArgumentError(`bitsToNumber: ${width} bits do not fit a safe integer`);
  let v = 0;
  for (let k = width - 1; k >= 0; k--) v = v * 2 + (bits[offset + k] & 1);
  return v;
}

/**
 * A big-endian hex string (optional 0x, at most `width` bits) as a bigint. Throws
 * {@link MalformedInputError} on non-hex characters and {@link OutOfRangeError} if it is too wide.
 * Spec: §5.3
 */
export function hexToBigint(hex: string, width?: number): bigint {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length === 0 || !/^[0-9a-fA-F]+$/.test(h)) throw new MalformedInputError(`"${hex}" is not a hex number`);
  const v = BigInt('0x' + h);
  if (width !== undefined && v >> BigInt(width) !== 0n) throw new OutOfRangeError(`0x${h} does not fit in ${width} bits`);
  return v;
}

/** `value` as big-endian hex with ⌈width/4⌉ digits (zero padded). Spec: §5.3 */
export function bigintToHex(value: bigint, width: number): string {
  return value.toString(16).padStart(Math.ceil(width / 4), '0');
}
