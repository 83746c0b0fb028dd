/**
 * The byte codec every wire format and vector file uses: unsigned 32- and 64-bit integers
 * little-endian (the protocol's messages, §6.2, §7.7, §9.9) and big-endian (the transport's
 * frames, §2.3), hexadecimal and concatenation. Hex and concatenation are `@noble/hashes`'
 * (audited, also used for hashing); the integer codecs are written here once.
 *
 * Spec: §2.3, §6.2, §12.2
 * @module
 */
import { bytesToHex as nobleBytesToHex, concatBytes as nobleConcatBytes, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';
import { MalformedInputError } from '../errors.js';

/** Writes `value` (0 ≤ value < 2^32) as 4 bytes little-endian at `offset`. Spec: §6.2 */
export function writeU32LE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value;
  out[offset + 1] = value >>> 8;
  out[offset + 2] = value >>> 16;
  out[offset + 3] = value >>> 24;
}

/** Reads 4 bytes little-endian at `offset` as an unsigned integer. Spec: §6.2 */
export function readU32LE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/** `value` as 4 bytes little-endian. */
export function u32LE(value: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32LE(out, 0, value);
  return out;
}

/** `value` as 4 bytes big-endian (network order, the transport's frame lengths). Spec: §2.3 */
export function u32BE(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** Reads 4 bytes big-endian at `offset` as an unsigned integer. Spec: §2.3 */
export function readU32BE(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** Writes a safe integer as 8 bytes little-endian. Spec: §6.2 */
export function writeU64LE(out: Uint8Array, offset: number, value: number): void {
  writeU32LE(out, offset, value >>> 0);
  writeU32LE(out, offset + 4, Math.floor(value / 2 ** 32));
}

/** Reads 8 bytes little-endian; a value ≥ 2^53 is a {@link MalformedInputError} naming `context`. Spec: §6.2 */
export function readU64LE(bytes: Uint8Array, offset: number, context: string): number {
  const lo = readU32LE(bytes, offset);
  const hi = readU32LE(bytes, offset + 4);
  if (hi >= 2 ** 21) throw new MalformedInputError(`${context}: 64-bit counter exceeds 2^53`);
  return hi * 2 ** 32 + lo;
}

/** Lowercase hexadecimal of `bytes`. Spec: §12.2 */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes);
}

/** The bytes of an even-length hexadecimal string; anything else is a {@link MalformedInputError}. */
export function hexToBytes(hex: string): Uint8Array {
  try {
    return nobleHexToBytes(hex);
  } catch (e) {
    throw new MalformedInputError(`not hexadecimal bytes: ${(e as Error).message}`);
  }
}

/** The concatenation of `parts`, in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return nobleConcatBytes(...parts);
}
