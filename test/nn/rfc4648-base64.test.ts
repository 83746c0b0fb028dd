/** Base64 (§8.4) against the test vectors of RFC 4648 §10, plus strictness and float layouts. */
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { decodeBase64, encodeBase64 } from '../../src/nn/import/base64.js';
import { bytesToFloats, floatsToBytes } from '../../src/nn/import/base64.js';

const VECTORS: [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

describe('base64', () => {
  it('RFC 4648 §10 vectors', () => {
    for (const [plain, b64] of VECTORS) {
      const bytes = new TextEncoder().encode(plain);
      expect(encodeBase64(bytes)).toBe(b64);
      expect(decodeBase64(b64)).toEqual(bytes);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeBase64(encodeBase64(all))).toEqual(all);
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
  });

  it('is strict', () => {
    for (const bad of ['Zg', 'Zg=', 'Z===', 'Zh==', 'Zm9v!A==', 'Zg==Zg==', 'Zm9vYmE=\n', 'é===']) {
      expect(() => decodeBase64(bad), bad).toThrow(MalformedInputError);
    }
  });

  it('little-endian IEEE 754 floats', () => {
    expect(Array.from(floatsToBytes([1, -2], 'float32'))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(Array.from(floatsToBytes([0.1], 'float64'))).toEqual([0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f]);
    expect(Array.from(bytesToFloats(Uint8Array.of(0, 0, 0x80, 0x3f), 'float32'))).toEqual([1]);
    expect(() => bytesToFloats(Uint8Array.of(1, 2, 3), 'float32')).toThrow(/not a multiple of 4/);
  });
});
