/**
 * The OT message helpers of §6.2 against BigInt and the spec's tag table: little-endian u32/u64 at
 * their extremes, the 2^53 bound of a counter, and the exact error of each header check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { expectLength, expectTag, OT_TAG, readU32, readU64, tagName, writeU32, writeU64 } from '../../src/ot/wire.js';

const le = (v: bigint, bytes: number): number[] => Array.from({ length: bytes }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));

describe('OT wire helpers', () => {
  it('u32 and u64 are little-endian and round-trip (BigInt oracle)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 3 }), (a, b, off) => {
        const buf = new Uint8Array(off + 12);
        writeU32(buf, off, a);
        writeU64(buf, off + 4, b);
        expect(Array.from(buf.subarray(off, off + 4))).toEqual(le(BigInt(a), 4));
        expect(Array.from(buf.subarray(off + 4, off + 12))).toEqual(le(BigInt(b), 8));
        expect(readU32(buf, off)).toBe(a);
        expect(readU64(buf, off + 4, 'c')).toBe(b);
      }),
      { seed: 24, numRuns: 300 },
    );
    const top = new Uint8Array(8);
    writeU64(top, 0, Number.MAX_SAFE_INTEGER);
    expect(Array.from(top)).toEqual([255, 255, 255, 255, 255, 255, 31, 0]);
    expect(readU32(Uint8Array.of(255, 255, 255, 255), 0)).toBe(2 ** 32 - 1);
  });

  it('a u64 counter of 2^53 or more is refused', () => {
    const buf = new Uint8Array(8);
    buf.set([0, 0, 0, 0, 0, 0, 0x20, 0]); // 2^53
    expect(() => readU64(buf, 0, 'ctx')).toThrow(new MalformedInputError('ctx: 64-bit counter exceeds 2^53'));
    buf[6] = 0x1f;
    expect(readU64(buf, 0, 'ctx')).toBe(0x1f * 2 ** 48);
  });

  it('tags: names from the table, unknown tags in hex; empty message and wrong tag have their own errors', () => {
    expect(tagName(OT_TAG.EXT_U_CORRELATED)).toBe('EXT_U_CORRELATED');
    expect(tagName(0x05)).toBe('unknown tag 0x05');
    expect(tagName(0xab)).toBe('unknown tag 0xab');
    expect(() => expectTag(new Uint8Array(0), OT_TAG.BASE_SENDER_POINT, 'ctx')).toThrow(
      new MalformedInputError('ctx: empty message, expected BASE_SENDER_POINT'),
    );
    expect(() => expectTag(Uint8Array.of(0x22), OT_TAG.EXT_Y_CHOSEN, 'ctx')).toThrow(
      new ProtocolError('ctx: expected a EXT_Y_CHOSEN message, received EXT_Y_CORRELATED'),
    );
    expect(() => expectTag(Uint8Array.of(0x21, 0), OT_TAG.EXT_Y_CHOSEN, 'ctx')).not.toThrow();
    expect(() => expectLength(Uint8Array.of(1, 2), 3, 'ctx')).toThrow(new MalformedInputError('ctx: message is 2 bytes, expected 3'));
    expect(() => expectLength(Uint8Array.of(1, 2), 2, 'ctx')).not.toThrow();
  });
});
