/**
 * Base64 and float layouts of the JSON model format (src/nn/import/base64.ts, §8.4) against Node's
 * Buffer as an independent oracle: every length remainder, every alphabet character at every place of
 * a quartet, the exact MalformedInputError of each strictness rule (length, alphabet incl. characters
 * ≥ 128, padding place, non-zero padding bits, with the character position), and float32/float64
 * little-endian bytes in both directions, also from a view at an offset.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { bytesToFloats, decodeBase64, encodeBase64, floatsToBytes } from '../../src/nn/import/base64.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const oracle = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const refuse = (text: string, message: string): void => {
  expect(() => decodeBase64(text), JSON.stringify(text)).toThrow(new MalformedInputError(message));
};

describe('encodeBase64', () => {
  it('agrees with Buffer for every length remainder and every byte value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (b) => {
        expect(encodeBase64(b)).toBe(oracle(b));
      }),
      { seed: 24, numRuns: 300 },
    );
    for (let len = 0; len <= 7; len++) {
      const b = Uint8Array.from({ length: len }, (_, i) => 0xff - 37 * i);
      expect(encodeBase64(b)).toBe(oracle(b));
    }
    // every character of the alphabet in each of the four places of a quartet
    for (let v = 0; v < 64; v++) {
      for (let place = 0; place < 4; place++) {
        const n = v << (6 * (3 - place));
        const b = Uint8Array.of(n >> 16, (n >> 8) & 255, n & 255);
        const expected = ['A', 'A', 'A', 'A'];
        expected[place] = ALPHABET[v];
        expect(encodeBase64(b)).toBe(expected.join(''));
      }
    }
    expect(encodeBase64(Uint8Array.of(0xff))).toBe('/w==');
    expect(encodeBase64(Uint8Array.of(0xff, 0xff))).toBe('//8=');
    expect(encodeBase64(Uint8Array.of(0, 0))).toBe('AAA=');
    expect(encodeBase64(Uint8Array.of(0))).toBe('AA==');
  });
});

describe('decodeBase64', () => {
  it('inverts Buffer’s encoding for every length remainder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (b) => {
        const out = decodeBase64(oracle(b));
        expect(out).toBeInstanceOf(Uint8Array);
        expect(Array.from(out)).toEqual(Array.from(b));
      }),
      { seed: 24, numRuns: 300 },
    );
    for (let v = 0; v < 64; v++) {
      for (let place = 0; place < 4; place++) {
        const text = ['A', 'A', 'A', 'A'];
        text[place] = ALPHABET[v];
        expect(Array.from(decodeBase64(text.join('')))).toEqual(Array.from(Buffer.from(text.join(''), 'base64')));
      }
    }
    expect(Array.from(decodeBase64('AAAA/w=='))).toEqual([0, 0, 0, 0xff]);
    expect(Array.from(decodeBase64('AAAA//8='))).toEqual([0, 0, 0, 0xff, 0xff]);
    expect(decodeBase64('').length).toBe(0);
  });

  it('the length must be a multiple of 4 (and the input a string)', () => {
    const msg = 'base64: length must be a multiple of 4';
    for (const bad of ['A', 'AA', 'AAA', 'AAAAA', 'Zg=', 'Zg==Z']) refuse(bad, msg);
    // not a string, even one with a length of 4
    for (const bad of [['A', 'A', 'A', 'A'], { length: 4 }, 4, null]) {
      expect(() => decodeBase64(bad as unknown as string)).toThrow(new MalformedInputError(msg));
    }
  });

  it('only the standard alphabet, with the position of the first bad character', () => {
    refuse('!AAA', 'base64: invalid character at position 0');
    refuse('AAAAA!==', 'base64: invalid character at position 5');
    refuse('AAAAAAA-', 'base64: invalid character at position 7');
    refuse('AAAAAA_A', 'base64: invalid character at position 6');
    refuse('AA\nA', 'base64: invalid character at position 2');
    // characters at and above 128, whatever the table beyond 127 would say
    refuse('\u0080AAA', 'base64: invalid character at position 0');
    refuse('AéAA', 'base64: invalid character at position 1');
    refuse('AA\uff21A', 'base64: invalid character at position 2');
    refuse('AAAAAAA\u00ff', 'base64: invalid character at position 7');
    // the characters just outside each range of the alphabet
    for (const c of ['@', '[', '`', '{', '*', ',', '.', ':', '\u007f', '\u0000']) refuse(`AA${c}A`, 'base64: invalid character at position 2');
  });

  it('`=` only as padding at the very end, at most two', () => {
    refuse('=AAA', 'base64: invalid character at position 0');
    refuse('A=AA', 'base64: invalid character at position 1');
    refuse('AA=A', 'base64: invalid character at position 2');
    refuse('Z===', 'base64: invalid character at position 1');
    refuse('====', 'base64: invalid character at position 0');
    // padding inside an earlier quartet
    refuse('Zg==Zg==', 'base64: invalid character at position 2');
    refuse('Zm8=AAAA', 'base64: invalid character at position 3');
    // '=' where pad counts one, before the last place
    refuse('AA=AAAA=', 'base64: invalid character at position 2');
    refuse('AAAAA=A=', 'base64: invalid character at position 5');
  });

  it('unused bits of a padded quartet must be zero', () => {
    const msg = 'base64: non-zero bits in the padding';
    refuse('Zh==', msg); // 0x66 then 0x10 in the dropped byte
    refuse('AB==', msg); // only the dropped byte non-zero, the kept one 0
    refuse('AAB=', msg);
    refuse('Zm9=', msg); // 0x66 0x6f then 0x40 dropped
    refuse('AAAAZh==', msg);
    expect(Array.from(decodeBase64('AA=='))).toEqual([0]);
    expect(Array.from(decodeBase64('AAA='))).toEqual([0, 0]);
    expect(Array.from(decodeBase64('Zg=='))).toEqual([0x66]);
    expect(Array.from(decodeBase64('Zm8='))).toEqual([0x66, 0x6f]);
    // a full quartet keeps all its bits
    expect(Array.from(decodeBase64('AAAB'))).toEqual([0, 0, 1]);
    expect(Array.from(decodeBase64('AABA'))).toEqual([0, 0, 64]);
  });
});

describe('float layouts', () => {
  it('float32 and float64 little-endian, against DataView written by hand', () => {
    expect(Array.from(floatsToBytes([1, -2], 'float32'))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(Array.from(floatsToBytes([0.1, -0], 'float64'))).toEqual([0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(Array.from(floatsToBytes(Float64Array.of(1.5), 'float64'))).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    expect(floatsToBytes([], 'float32').length).toBe(0);
    // float32 rounds
    expect(Array.from(floatsToBytes([0.1], 'float32'))).toEqual([0xcd, 0xcc, 0xcc, 0x3d]);
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 10 }), (xs) => {
        const b64 = floatsToBytes(xs, 'float64');
        expect(Array.from(b64)).toEqual(Array.from(new Uint8Array(Float64Array.from(xs).buffer)));
        expect(Array.from(bytesToFloats(b64, 'float64'))).toEqual(xs);
        const b32 = floatsToBytes(xs, 'float32');
        expect(Array.from(b32)).toEqual(Array.from(new Uint8Array(Float32Array.from(xs).buffer)));
        expect(Array.from(bytesToFloats(b32, 'float32'))).toEqual(Array.from(Float32Array.from(xs)));
      }),
      { seed: 24, numRuns: 200 },
    );
  });

  it('bytesToFloats reads a view at an offset, and refuses a partial element', () => {
    const backing = Uint8Array.of(0xee, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0xee);
    const out = bytesToFloats(backing.subarray(1, 9), 'float32');
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([1, -2]);
    expect(Array.from(bytesToFloats(backing.subarray(1, 9), 'float64'))).toEqual([new DataView(backing.buffer, 1, 8).getFloat64(0, true)]);
    expect(bytesToFloats(new Uint8Array(0), 'float64').length).toBe(0);
    expect(() => bytesToFloats(Uint8Array.of(1, 2, 3), 'float32')).toThrow(new MalformedInputError('float32 data has 3 bytes, not a multiple of 4'));
    expect(() => bytesToFloats(new Uint8Array(12), 'float64')).toThrow(new MalformedInputError('float64 data has 12 bytes, not a multiple of 8'));
    expect(() => bytesToFloats(new Uint8Array(4), 'float64')).toThrow(new MalformedInputError('float64 data has 4 bytes, not a multiple of 8'));
    expect(bytesToFloats(new Uint8Array(12), 'float32').length).toBe(3);
  });
});
