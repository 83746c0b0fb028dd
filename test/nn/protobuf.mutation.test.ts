/**
 * The protobuf reader (Spec: §8.12.1) at the edges of the wire format, on bytes written by hand from
 * the encoding guide (https://protobuf.dev/programming-guides/encoding/): varints of 1 and 10
 * bytes, the largest field number 2^29 − 1, fixed-width fields ending exactly at the end,
 * lengths one past it, each accessor on a field of the wrong wire type (exact message), packed and
 * unpacked repeated floats/doubles, and the ±2^53 bounds of integer fields.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import { MalformedInputError } from '../../src/errors.js';
import { ProtoMessage, readVarint } from '../../src/nn/import/protobuf.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));
const bad = (f: () => unknown, message: string) => expect(f).toThrow(new MalformedInputError(`protobuf: ${message}`));
/** Varint bytes of a non-negative bigint (written out here, independently of the reader). */
const vbytes = (v: bigint): number[] => {
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
};

describe('readVarint', () => {
  it('reads at an offset, exactly 10 bytes at most, keeping the low 64 bits', () => {
    expect(readVarint(hex('ff 96 01 07'), 1)).toEqual([150n, 3]);
    expect(readVarint(hex('80 80 80 80 80 80 80 80 80 01'), 0)).toEqual([2n ** 63n, 10]);
    expect(readVarint(hex('ff ff ff ff ff ff ff ff ff 7f'), 0)).toEqual([2n ** 64n - 1n, 10]);
    expect(readVarint(hex('80 80 80 80 80 80 80 80 80 02'), 0)).toEqual([0n, 10]);
    expect(readVarint(hex('00'), 0)).toEqual([0n, 1]);
    bad(() => readVarint(hex('80 80 80 80 80 80 80 80 80 80'), 0), 'varint longer than 10 bytes');
    bad(() => readVarint(hex('80 80 80 80 80 80 80 80 80'), 0), 'truncated varint');
    bad(() => readVarint(hex('01'), 1), 'truncated varint');
  });
});

describe('ProtoMessage decoding', () => {
  it('field numbers 1 to 2^29 − 1', () => {
    const top = [...vbytes((536870911n << 3n) | 0n), 5];
    expect(new ProtoMessage(Uint8Array.from(top)).int(536870911)).toBe(5);
    bad(() => new ProtoMessage(Uint8Array.from([...vbytes((536870912n << 3n) | 0n), 5])), 'invalid field number 536870912');
    bad(() => new ProtoMessage(hex('02 00')), 'invalid field number 0');
    expect(new ProtoMessage(hex('08 07')).int(1)).toBe(7);
  });
  it('fixed-width fields may end exactly at the end', () => {
    expect(new ProtoMessage(hex('0d 00 00 80 3f')).float(1)).toBe(1);
    expect(new ProtoMessage(hex('09 00 00 00 00 00 00 f0 3f')).floats(1, true)).toEqual([1]);
    bad(() => new ProtoMessage(hex('09 00 00 00 00 00 00 f0')), 'truncated fixed-width field 1');
    bad(() => new ProtoMessage(hex('15 00 00 80')), 'truncated fixed-width field 2');
  });
  it('length-delimited fields: up to the end exactly, not one past it', () => {
    const m = new ProtoMessage(hex('0a 02 61 62 12 00'));
    expect([m.string(1), m.bytes(2)]).toEqual(['ab', new Uint8Array(0)]);
    bad(() => new ProtoMessage(hex('0a 03 61 62')), 'field 1 runs past the end');
    bad(() => new ProtoMessage(hex('0a ff ff ff ff ff ff ff ff ff 01')), 'field 1 runs past the end');
    bad(() => new ProtoMessage(hex('0a')), 'truncated varint');
  });
  it('groups and wire types 6, 7 are refused, naming the field', () => {
    bad(() => new ProtoMessage(hex('13')), 'unsupported wire type 3 (field 2)');
    bad(() => new ProtoMessage(hex('1c')), 'unsupported wire type 4 (field 3)');
    bad(() => new ProtoMessage(hex('0e')), 'unsupported wire type 6 (field 1)');
    bad(() => new ProtoMessage(hex('0f')), 'unsupported wire type 7 (field 1)');
  });
  it('keeps every occurrence in wire order', () => {
    const m = new ProtoMessage(hex('08 01 10 05 08 02 08 03'));
    expect(m.fields.get(1)).toEqual([{ wireType: 0, varint: 1n }, { wireType: 0, varint: 2n }, { wireType: 0, varint: 3n }]);
    expect(m.ints(1)).toEqual([1, 2, 3]);
    expect(m.int(1)).toBe(3);
    expect([m.has(1), m.has(2), m.has(3)]).toEqual([true, true, false]);
  });
});

describe('typed accessors', () => {
  const m = new ProtoMessage(hex('08 05 12 01 61 1d 00 00 80 3f 21 00 00 00 00 00 00 f0 3f'));
  // field 1 varint 5, field 2 "a", field 3 fixed32 1.0f, field 4 fixed64 1.0
  it('each refuses a field of the wrong wire type with its message', () => {
    bad(() => m.string(1), 'field 1 is not a string');
    bad(() => m.strings(3), 'field 3 is not a string');
    bad(() => m.bytes(1), 'field 1 is not length-delimited');
    bad(() => m.int(2), 'field 2 is not a varint');
    bad(() => m.int(3), 'field 3 is not a varint');
    bad(() => m.ints(3), 'field 3 is not a varint list');
    bad(() => m.ints(4), 'field 4 is not a varint list');
    bad(() => m.float(1), 'field 1 is not a 32-bit float');
    bad(() => m.float(4), 'field 4 is not a 32-bit float');
    bad(() => m.floats(4), 'field 4 is not a float list');
    bad(() => m.floats(3, true), 'field 3 is not a double list');
    bad(() => m.floats(1), 'field 1 is not a float list');
    bad(() => m.messages(1), 'field 1 is not a message');
    bad(() => m.message(1), 'field 1 is not length-delimited');
    bad(() => new ProtoMessage(hex('0a 02 c3 28')).string(1), 'field 1 is not valid UTF-8');
    bad(() => new ProtoMessage(hex('0a 02 c3 28')).strings(1), 'field 1 is not valid UTF-8');
    const err = thrownBy(() => new ProtoMessage(hex('0a 01 ff')).string(1));
    expect((err as Error).cause).toBeInstanceOf(TypeError); // the TextDecoder's own error
  });
  it('defaults when absent', () => {
    expect([m.string(9), m.strings(9), m.bytes(9), m.int(9), m.ints(9), m.float(9), m.floats(9), m.messages(9)]).toEqual(['', [], new Uint8Array(0), 0, [], 0, [], []]);
    expect([m.float(9, 2.5), m.int(9, -1)]).toEqual([2.5, -1]);
  });
  it('values, including a view inside a larger buffer', () => {
    const outer = hex('99 99 08 05 1d 00 00 c0 bf 22 08 00 00 00 00 00 00 04 40');
    const v = new ProtoMessage(outer.subarray(2));
    expect([v.int(1), v.float(3), v.floats(4, true)]).toEqual([5, -1.5, [2.5]]);
    expect(new ProtoMessage(hex('0a 01 62 0a 01 63')).strings(1)).toEqual(['b', 'c']);
    expect(new ProtoMessage(hex('0a 01 62 0a 01 63')).string(1)).toBe('c');
    expect(new ProtoMessage(hex('0a 01 62 0a 01 63')).bytes(1)).toEqual(hex('63'));
  });
  it('repeated floats and doubles, packed and not, mixed', () => {
    const f = new ProtoMessage(hex('0d 00 00 80 3f 0a 08 00 00 00 40 00 00 40 40 0d 00 00 80 40'));
    expect(f.floats(1)).toEqual([1, 2, 3, 4]);
    const d = new ProtoMessage(hex('09 00 00 00 00 00 00 f0 3f 0a 10 00 00 00 00 00 00 00 40 00 00 00 00 00 00 08 40'));
    expect(d.floats(1, true)).toEqual([1, 2, 3]);
    bad(() => new ProtoMessage(hex('0a 04 00 00 00 00')).floats(1, true), 'packed field 1 has a partial element');
    expect(new ProtoMessage(hex('0a 00')).floats(1, true)).toEqual([]);
  });
  it('integers: two\'s complement 64-bit, within ±(2^53 − 1)', () => {
    const int = (v: bigint) => new ProtoMessage(Uint8Array.from([0x08, ...vbytes(BigInt.asUintN(64, v))])).int(1);
    expect(int(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(int(-(2n ** 53n) + 1n)).toBe(Number.MIN_SAFE_INTEGER);
    bad(() => int(2n ** 53n), 'integer field 1 (9007199254740992) is beyond 2^53');
    bad(() => int(-(2n ** 53n)), 'integer field 1 (-9007199254740992) is beyond 2^53');
    const packed = new ProtoMessage(Uint8Array.from([0x0a, 10, ...vbytes(2n ** 64n - 1n)]));
    expect(packed.ints(1)).toEqual([-1]);
  });
  it('sub-messages: the last occurrence, or every one', () => {
    const s = new ProtoMessage(hex('0a 02 08 01 0a 02 08 02'));
    expect(s.message(1)!.int(1)).toBe(2);
    expect(s.messages(1).map((x) => x.int(1))).toEqual([1, 2]);
    expect(s.message(2)).toBeNull();
  });
});
