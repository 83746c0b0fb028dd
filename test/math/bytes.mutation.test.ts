/**
 * The shared byte codec (src/math/bytes.ts, §2.3, §6.2, §12.2) against hand-built bytes and a BigInt
 * oracle: u32 little- and big-endian at every byte position and at an offset (neighbouring bytes left
 * alone), u64 little-endian up to 2^53 − 1 and the exact error at 2^53, hex both ways with the exact
 * MalformedInputError, and concatenation in order into a new array.
 */
import fc from 'fast-check';
import { hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { bytesToHex, concatBytes, hexToBytes, readU32BE, readU32LE, readU64LE, u32BE, u32LE, writeU32LE, writeU64LE } from '../../src/math/bytes.js';

/** `v` as `n` bytes little-endian, computed with BigInt. */
const le = (v: number, n: number): number[] => Array.from({ length: n }, (_, i) => Number((BigInt(v) >> BigInt(8 * i)) & 0xffn));

describe('u32 little-endian', () => {
  it('writes each byte in its place, at an offset, leaving the neighbours alone', () => {
    const out = new Uint8Array(7).fill(0xee);
    writeU32LE(out, 2, 0x12345678);
    expect(Array.from(out)).toEqual([0xee, 0xee, 0x78, 0x56, 0x34, 0x12, 0xee]);
    writeU32LE(out, 0, 0xfedcba98);
    expect(Array.from(out)).toEqual([0x98, 0xba, 0xdc, 0xfe, 0x34, 0x12, 0xee]);
    expect(Array.from(u32LE(0x01020304))).toEqual([4, 3, 2, 1]);
    expect(Array.from(u32LE(2 ** 32 - 1))).toEqual([255, 255, 255, 255]);
    expect(Array.from(u32LE(0))).toEqual([0, 0, 0, 0]);
    expect(u32LE(7)).toBeInstanceOf(Uint8Array);
    expect(u32LE(7).length).toBe(4);
  });

  it('reads each byte from its place, unsigned, at an offset', () => {
    const b = Uint8Array.of(0xaa, 0x78, 0x56, 0x34, 0x12, 0xbb);
    expect(readU32LE(b, 1)).toBe(0x12345678);
    expect(readU32LE(b, 2)).toBe(0xbb123456);
    expect(readU32LE(Uint8Array.of(0, 0, 0, 0x80), 0)).toBe(2 ** 31);
    expect(readU32LE(Uint8Array.of(255, 255, 255, 255), 0)).toBe(2 ** 32 - 1);
    expect(readU32LE(Uint8Array.of(1, 0, 0, 0), 0)).toBe(1);
    expect(readU32LE(Uint8Array.of(0, 1, 0, 0), 0)).toBe(256);
    expect(readU32LE(Uint8Array.of(0, 0, 1, 0), 0)).toBe(65536);
    expect(readU32LE(Uint8Array.of(0, 0, 0, 1), 0)).toBe(2 ** 24);
  });

  it('round-trips every value against the BigInt oracle', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.nat({ max: 3 }), (v, off) => {
        const out = new Uint8Array(off + 4);
        writeU32LE(out, off, v);
        expect(Array.from(out.subarray(off))).toEqual(le(v, 4));
        expect(Array.from(u32LE(v))).toEqual(le(v, 4));
        expect(readU32LE(out, off)).toBe(v);
      }),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe('u32 big-endian', () => {
  it('writes network order', () => {
    expect(Array.from(u32BE(0x12345678))).toEqual([0x12, 0x34, 0x56, 0x78]);
    expect(Array.from(u32BE(0xfedcba98))).toEqual([0xfe, 0xdc, 0xba, 0x98]);
    expect(Array.from(u32BE(2 ** 32 - 1))).toEqual([255, 255, 255, 255]);
    expect(Array.from(u32BE(0))).toEqual([0, 0, 0, 0]);
    expect(u32BE(1)).toBeInstanceOf(Uint8Array);
  });

  it('reads network order, unsigned, at an offset and at offset 0 by default', () => {
    const b = Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x9a);
    expect(readU32BE(b)).toBe(0x12345678);
    expect(readU32BE(b, 0)).toBe(0x12345678);
    expect(readU32BE(b, 1)).toBe(0x3456789a);
    expect(readU32BE(Uint8Array.of(0x80, 0, 0, 0))).toBe(2 ** 31);
    expect(readU32BE(Uint8Array.of(255, 255, 255, 255))).toBe(2 ** 32 - 1);
    expect(readU32BE(Uint8Array.of(0, 0, 0, 1))).toBe(1);
  });

  it('round-trips every value against the BigInt oracle', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), (v) => {
        expect(Array.from(u32BE(v))).toEqual(le(v, 4).reverse());
        expect(readU32BE(Uint8Array.of(0xcc, ...u32BE(v)), 1)).toBe(v);
      }),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe('u64 little-endian', () => {
  it('writes both halves in place, at an offset', () => {
    const out = new Uint8Array(10).fill(0xee);
    writeU64LE(out, 1, 0x1f_2345_6789_abcd);
    expect(Array.from(out)).toEqual([0xee, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x1f, 0x00, 0xee]);
    const top = new Uint8Array(8);
    writeU64LE(top, 0, Number.MAX_SAFE_INTEGER);
    expect(Array.from(top)).toEqual([255, 255, 255, 255, 255, 255, 31, 0]);
    const low = new Uint8Array(8);
    writeU64LE(low, 0, 2 ** 32 + 5);
    expect(Array.from(low)).toEqual([5, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('reads both halves, at an offset', () => {
    const b = Uint8Array.of(0xee, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x1f, 0x00, 0xee);
    expect(readU64LE(b, 1, 'ctx')).toBe(0x1f_2345_6789_abcd);
    expect(readU64LE(Uint8Array.of(255, 255, 255, 255, 255, 255, 31, 0), 0, 'ctx')).toBe(Number.MAX_SAFE_INTEGER);
    expect(readU64LE(Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0), 0, 'ctx')).toBe(2 ** 32);
  });

  it('a value of 2^53 or more is a MalformedInputError naming the context', () => {
    const at53 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0x20, 0);
    expect(() => readU64LE(at53, 0, 'the counter')).toThrow(new MalformedInputError('the counter: 64-bit counter exceeds 2^53'));
    expect(() => readU64LE(at53, 0, 'x')).toThrow(MalformedInputError);
    expect(() => readU64LE(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0x80), 0, 'c')).toThrow(new MalformedInputError('c: 64-bit counter exceeds 2^53'));
    // just below: the high word 2^21 − 1 is accepted
    expect(readU64LE(Uint8Array.of(0, 0, 0, 0, 255, 255, 0x1f, 0), 0, 'c')).toBe((2 ** 21 - 1) * 2 ** 32);
  });

  it('round-trips every safe integer against the BigInt oracle', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 3 }), (v, off) => {
        const out = new Uint8Array(off + 8);
        writeU64LE(out, off, v);
        expect(Array.from(out.subarray(off))).toEqual(le(v, 8));
        expect(readU64LE(out, off, 'c')).toBe(v);
      }),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe('hex', () => {
  it('bytesToHex is lowercase, two digits a byte', () => {
    expect(bytesToHex(Uint8Array.of(0, 1, 0xab, 0xff, 0x10))).toBe('0001abff10');
    expect(bytesToHex(new Uint8Array(0))).toBe('');
  });

  it('hexToBytes reads either case and round-trips', () => {
    expect(Array.from(hexToBytes('0001abFF10'))).toEqual([0, 1, 0xab, 0xff, 0x10]);
    expect(hexToBytes('').length).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        expect(hexToBytes(bytesToHex(b))).toEqual(b);
      }),
      { seed: 24, numRuns: 100 },
    );
  });

  it('anything else is a MalformedInputError carrying the parser message', () => {
    for (const bad of ['abc', 'zz', '0g', ' 00', '0x00']) {
      let inner = '';
      try {
        nobleHexToBytes(bad);
      } catch (e) {
        inner = (e as Error).message;
      }
      expect(inner).not.toBe('');
      expect(() => hexToBytes(bad)).toThrow(new MalformedInputError(`not hexadecimal bytes: ${inner}`));
      try {
        hexToBytes(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedInputError);
        expect((e as MalformedInputError).code).toBe('MALFORMED_INPUT');
        expect((e as Error).message).toBe(`not hexadecimal bytes: ${inner}`);
      }
    }
  });
});

describe('concatBytes', () => {
  it('joins the parts in order into a new array', () => {
    const a = Uint8Array.of(1, 2);
    const b = new Uint8Array(0);
    const c = Uint8Array.of(3);
    const out = concatBytes([a, b, c, a]);
    expect(Array.from(out)).toEqual([1, 2, 3, 1, 2]);
    out[0] = 9;
    expect(a[0]).toBe(1);
    expect(concatBytes([]).length).toBe(0);
    const single = concatBytes([c]);
    expect(Array.from(single)).toEqual([3]);
    expect(single).not.toBe(c);
  });
});
