/**
 * Base64 (RFC 4648 §4, standard alphabet, with padding) and little-endian float arrays, for the
 * compact weight encoding of the JSON model format. Browser-safe (no Buffer).
 *
 * Spec: §8.4
 * @module
 */
import { MalformedInputError } from '../../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with `=` padding. Spec: §8.4 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

/**
 * Strict base64 decoding: the length must be a multiple of 4, only the standard alphabet, `=`
 * only as final padding, and unused bits zero. Throws {@link MalformedInputError}. Spec: §8.4
 */
export function decodeBase64(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new MalformedInputError('base64: length must be a multiple of 4');
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text.charCodeAt(i + j);
      const last = i + 4 === text.length;
      let v: number;
      if (ch === 61 /* = */ && last && j >= 4 - pad) v = 0;
      else {
        v = ch < 128 ? LOOKUP[ch] : -1;
        if (v < 0) throw new MalformedInputError(`base64: invalid character at position ${i + j}`);
      }
      n = (n << 6) | v;
    }
    const bytes = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    const keep = i + 4 === text.length ? 3 - pad : 3;
    if (keep < 3 && bytes.slice(keep).some((b) => b !== 0)) {
      throw new MalformedInputError('base64: non-zero bits in the padding');
    }
    for (let j = 0; j < keep; j++) out[o++] = bytes[j];
  }
  return out;
}

/** Values as little-endian IEEE 754 binary32 (float32) or binary64 bytes. Spec: §8.4 */
export function floatsToBytes(values: ArrayLike<number>, dtype: 'float32' | 'float64'): Uint8Array {
  const size = dtype === 'float32' ? 4 : 8;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (size === 4) view.setFloat32(i * 4, values[i], true);
    else view.setFloat64(i * 8, values[i], true);
  }
  return out;
}

/** Inverse of {@link floatsToBytes}; the length must be a multiple of the element size. Spec: §8.4 */
export function bytesToFloats(bytes: Uint8Array, dtype: 'float32' | 'float64'): Float64Array {
  const size = dtype === 'float32' ? 4 : 8;
  if (bytes.length % size !== 0) {
    throw new MalformedInputError(`${dtype} data has ${bytes.length} bytes, not a multiple of ${size}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length / size);
  for (let i = 0; i < out.length; i++) out[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return out;
}
