/**
 * Beaver opening messages (§7.7) checked field by field with the exact error of each check, for the
 * checks a mutation run found unguarded: each reserved byte alone, the tag names in a wrong-tag
 * error, the high word of the start, a message of the right size for another column count, and
 * which element and column an element ≥ p is reported at.
 */
import { describe, expect, it } from 'vitest';
import { BEAVER_TAG, decodeOpening, encodeOpening, OPEN_HEADER_BYTES } from '../../src/beaver/wire.js';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';

const P = 2061584302081;
const d = Float64Array.of(1, 2, 3, 4);
const e = Float64Array.of(5, 6, 7, P - 1);
const good = (): Uint8Array => encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [d, e], 1, 3);
const decode = (m: Uint8Array): Float64Array[] => decodeOpening(m, BEAVER_TAG.OPEN_MULTIPLY, 2, 1, 3, 'ctx');

describe('Beaver opening messages', () => {
  it('round trip of entries [1, 4) of two columns', () => {
    expect(decode(good())).toHaveLength(2);
    expect(decodeOpening(encodeOpening(BEAVER_TAG.OPEN_SQUARE, [d], 0, 4), BEAVER_TAG.OPEN_SQUARE, 1, 0, 4, 'c')).toHaveLength(1);
    const [dd, ee] = decode(good());
    expect(Array.from(dd)).toEqual([2, 3, 4]);
    expect(Array.from(ee)).toEqual([6, 7, P - 1]);
    expect(good().length).toBe(OPEN_HEADER_BYTES + 2 * 3 * 6);
  });

  for (const byte of [1, 2, 3]) {
    it(`rejects reserved byte ${byte}`, () => {
      const m = good();
      m[byte] = 0x80;
      expect(() => decode(m)).toThrow(new MalformedInputError('ctx: reserved header bytes must be zero'));
    });
  }

  it('short header, wrong tag and unknown tag have their own messages', () => {
    for (let n = 0; n < OPEN_HEADER_BYTES; n++) {
      expect(() => decode(good().subarray(0, n))).toThrow(new MalformedInputError('ctx: message shorter than the 16-byte header'));
    }
    expect(() => decode(undefined as unknown as Uint8Array)).toThrow('ctx: message shorter than the 16-byte header');
    const sq = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [d], 1, 3);
    expect(() => decode(sq)).toThrow(new ProtocolError('ctx: expected a OPEN_MULTIPLY message, received OPEN_SQUARE'));
    const unknown = good();
    unknown[0] = 0x07;
    expect(() => decode(unknown)).toThrow('ctx: expected a OPEN_MULTIPLY message, received unknown tag 0x07');
  });

  it('start and count, including the high word of the start, are compared exactly', () => {
    const high = good();
    high[12] = 1; // start = 1 + 2^32
    expect(() => decode(high)).toThrow(new ProtocolError(`ctx: peer sent entries [${1 + 2 ** 32}, ${4 + 2 ** 32}), expected [1, 4)`));
    expect(() => decodeOpening(good(), BEAVER_TAG.OPEN_MULTIPLY, 2, 1, 2, 'ctx')).toThrow('ctx: peer sent entries [1, 4), expected [1, 3)');
    const far = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [new Float64Array(3)], 0, 3);
    far.set([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0], 8); // start = 2^36 + 2^32 − 1
    const start = 2 ** 36 + 2 ** 32 - 1;
    expect(decodeOpening(far, BEAVER_TAG.OPEN_SQUARE, 1, start, 3, 'ctx')[0].length).toBe(3);
  });

  it('every byte of the u32 count and of both u32 words of the start is written little-endian', () => {
    const col = new Float64Array(70001);
    col[70000] = 42;
    const m = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [col], 70000, 1); // 70000 = 0x011170
    expect(Array.from(m.subarray(0, 16))).toEqual([BEAVER_TAG.OPEN_SQUARE, 0, 0, 0, 1, 0, 0, 0, 0x70, 0x11, 0x01, 0, 0, 0, 0, 0]);
    expect(Array.from(decodeOpening(m, BEAVER_TAG.OPEN_SQUARE, 1, 70000, 1, 'c')[0])).toEqual([42]);
    const many = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [new Float64Array(0x010203)], 0, 0x010203);
    expect(Array.from(many.subarray(4, 8))).toEqual([3, 2, 1, 0]);
    // A start beyond 2^32 (no entries, so no column is read): the high word carries ⌊start / 2^32⌋.
    const far = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [], 5 * 2 ** 32 + 7, 0);
    expect(Array.from(far.subarray(8, 16))).toEqual([7, 0, 0, 0, 5, 0, 0, 0]);
    expect(decodeOpening(far, BEAVER_TAG.OPEN_SQUARE, 0, 5 * 2 ** 32 + 7, 0, 'c')).toEqual([]);
  });

  it('a message sized for another column count is refused with both sizes', () => {
    expect(() => decodeOpening(good(), BEAVER_TAG.OPEN_MULTIPLY, 1, 1, 3, 'ctx')).toThrow(
      new MalformedInputError('ctx: message is 52 bytes, expected 34'),
    );
    expect(() => decodeOpening(good(), BEAVER_TAG.OPEN_MULTIPLY, 3, 1, 3, 'ctx')).toThrow('ctx: message is 52 bytes, expected 70');
  });

  it('an element ≥ p is reported by its batch index and column', () => {
    const m = good();
    m.set([1, 0, 0, 0, 0xe0, 0x01], OPEN_HEADER_BYTES + 3 * 6 + 6); // column 1, entry 1 of the message = p
    expect(() => decode(m)).toThrow(new MalformedInputError(`ctx: element 2 of column 1 is ${P}, not below p`));
  });

  it('zero entries: a header-only message', () => {
    const m = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [d], 4, 0);
    expect(Array.from(m)).toEqual([BEAVER_TAG.OPEN_SQUARE, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeOpening(m, BEAVER_TAG.OPEN_SQUARE, 1, 4, 0, 'ctx')[0].length).toBe(0);
  });
});
