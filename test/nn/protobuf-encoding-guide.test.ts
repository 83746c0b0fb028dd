/**
 * The protobuf reader (§8.12.1) on the worked examples of the protobuf encoding guide
 * (https://protobuf.dev/programming-guides/encoding/): `08 96 01` (field 1 = 150),
 * `12 07 74 65 73 74 69 6e 67` (field 2 = "testing"), the packed repeated field
 * `22 06 03 8e 02 9e a7 05` (field 4 = [3, 270, 86942]), and −2 as a 10-byte int32 varint.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { ProtoMessage, readVarint } from '../../src/nn/import/protobuf.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

describe('protobuf wire format', () => {
  it('varints', () => {
    expect(readVarint(hex('96 01'), 0)).toEqual([150n, 2]);
    expect(readVarint(hex('01'), 0)).toEqual([1n, 1]);
    expect(readVarint(hex('fe ff ff ff ff ff ff ff ff 01'), 0)).toEqual([2n ** 64n - 2n, 10]);
    expect(() => readVarint(hex('96'), 0)).toThrow(/truncated varint/);
    expect(() => readVarint(hex('ff ff ff ff ff ff ff ff ff ff 01'), 0)).toThrow(/longer than 10 bytes/);
  });

  it('the guide\'s messages', () => {
    expect(new ProtoMessage(hex('08 96 01')).int(1)).toBe(150);
    expect(new ProtoMessage(hex('12 07 74 65 73 74 69 6e 67')).string(2)).toBe('testing');
    expect(new ProtoMessage(hex('22 06 03 8e 02 9e a7 05')).ints(4)).toEqual([3, 270, 86942]);
    // The same repeated field unpacked, and a negative int32 (sign-extended to 10 bytes).
    expect(new ProtoMessage(hex('20 03 20 8e 02 20 9e a7 05')).ints(4)).toEqual([3, 270, 86942]);
    expect(new ProtoMessage(hex('08 fe ff ff ff ff ff ff ff ff 01')).int(1)).toBe(-2);
  });

  it('nested messages, floats, doubles, last-one-wins and defaults', () => {
    // field 3 = message { field 1 = 150 }; field 5 = float 1.5 (fixed32 LE 0x3fc00000);
    // field 6 = packed doubles [0.5]; field 1 twice.
    const m = new ProtoMessage(hex('1a 03 08 96 01 2d 00 00 c0 3f 32 08 00 00 00 00 00 00 e0 3f 08 01 08 02'));
    expect(m.message(3)!.int(1)).toBe(150);
    expect(m.float(5)).toBe(1.5);
    expect(m.floats(6, true)).toEqual([0.5]);
    expect(m.int(1)).toBe(2);
    expect(m.int(9, 7)).toBe(7);
    expect(m.string(9, 'none')).toBe('none');
    expect(m.message(9)).toBeNull();
  });

  it('rejects groups, field 0, truncation, overlong lengths and bad UTF-8', () => {
    expect(() => new ProtoMessage(hex('0b'))).toThrow(/wire type 3/);
    expect(() => new ProtoMessage(hex('0c'))).toThrow(/wire type 4/);
    expect(() => new ProtoMessage(hex('00 01'))).toThrow(/field number 0/);
    expect(() => new ProtoMessage(hex('12 07 74 65'))).toThrow(/runs past the end/);
    expect(() => new ProtoMessage(hex('2d 00 00'))).toThrow(/truncated fixed-width/);
    expect(() => new ProtoMessage(hex('12 01 ff')).string(2)).toThrow(MalformedInputError);
    expect(() => new ProtoMessage(hex('08 01')).string(1)).toThrow(/not a string/);
    expect(() => new ProtoMessage(hex('22 01 80')).ints(4)).toThrow(/truncated varint/);
    expect(() => new ProtoMessage(hex('32 03 00 00 00')).floats(6)).toThrow(/partial element/);
  });
});
