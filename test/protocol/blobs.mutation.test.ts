/**
 * The BFV backends' blob framing of §9.9.3 checked byte by byte: tag ‖ 3 zero bytes ‖ three u32
 * little-endian header fields ‖ (u32 length ‖ bytes)*, encoded against hand-built bytes and decoded
 * back (no blobs, empty blobs, several); the decoder's refusals with their exact class and message:
 * ABORT from the peer, an empty message, another tag, a header of 1–15 bytes, each reserved byte
 * non-zero on its own, a length field cut at 1–3 bytes, and a blob one byte longer than what remains
 * (while a blob that ends exactly at the end is accepted).
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { decodeBlobs, encodeBlobs } from '../../src/protocol/blobs.js';
import { encodeAbort, isPeerAbort, PROTOCOL_TAG } from '../../src/protocol/messages.js';

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const msg = (...parts: (number | number[])[]): Uint8Array => Uint8Array.from(parts.flat());
const TAG = 0xe3;

describe('blob framing', () => {
  it('encodes to the hand-built bytes and decodes back', () => {
    const cases: [[number, number, number], number[][], Uint8Array][] = [
      [[0, 0, 0], [], msg(TAG, 0, 0, 0, u32(0), u32(0), u32(0))],
      [[1, 0x01020304, 0xffffffff], [[]], msg(TAG, 0, 0, 0, u32(1), u32(0x01020304), u32(0xffffffff), u32(0))],
      [[7, 8, 9], [[1, 2, 3], [], [0xff]], msg(TAG, 0, 0, 0, u32(7), u32(8), u32(9), u32(3), 1, 2, 3, u32(0), u32(1), 0xff)],
      [[0x80000000, 2, 3], [Array.from({ length: 300 }, (_, i) => i & 0xff)], msg(TAG, 0, 0, 0, u32(0x80000000), u32(2), u32(3), u32(300), Array.from({ length: 300 }, (_, i) => i & 0xff))],
    ];
    for (const [header, blobs, wire] of cases) {
      const enc = encodeBlobs(TAG, header, blobs.map((b) => Uint8Array.from(b)));
      expect(Array.from(enc)).toEqual(Array.from(wire));
      const dec = decodeBlobs(wire, TAG, 'ctx');
      expect(dec.header).toEqual(header);
      expect(dec.blobs.map((b) => Array.from(b))).toEqual(blobs);
    }
  });

  it('the decoded blobs are views of the message', () => {
    const wire = msg(TAG, 0, 0, 0, u32(1), u32(2), u32(3), u32(2), 5, 6);
    const { blobs } = decodeBlobs(wire, TAG, 'ctx');
    expect(blobs[0].buffer).toBe(wire.buffer);
    expect(blobs[0].byteOffset).toBe(20);
  });

  it('ABORT, an empty message and another tag are refused', () => {
    let caught: unknown;
    try {
      decodeBlobs(encodeAbort('bye'), TAG, 'ctx');
    } catch (e) {
      caught = e;
    }
    expect(isPeerAbort(caught)).toBe(true);
    expect((caught as Error).message).toBe('ctx: the peer aborted: bye');
    expect(() => decodeBlobs(new Uint8Array(0), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: empty message'));
    const other = msg(0xe4, 0, 0, 0, u32(0), u32(0), u32(0));
    expect(() => decodeBlobs(other, TAG, 'ctx')).toThrow(ProtocolError);
    expect(() => decodeBlobs(other, TAG, 'ctx')).toThrow(new ProtocolError('ctx: expected tag 0xe3, received unknown tag 0xe4'));
    expect(() => decodeBlobs(msg(PROTOCOL_TAG.RESHARE), 0x0a, 'ctx')).toThrow(new ProtocolError('ctx: expected tag 0xa, received RESHARE'));
  });

  it('a header shorter than 16 bytes is refused at every length; 16 bytes is a message without blobs', () => {
    const full = msg(TAG, 0, 0, 0, u32(1), u32(2), u32(3));
    for (let n = 1; n < 16; n++) {
      expect(() => decodeBlobs(full.subarray(0, n), TAG, 'ctx')).toThrow(MalformedInputError);
      expect(() => decodeBlobs(full.subarray(0, n), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: message shorter than its 16-byte header'));
    }
    expect(decodeBlobs(full, TAG, 'ctx')).toEqual({ header: [1, 2, 3], blobs: [] });
  });

  it('each reserved byte must be zero on its own', () => {
    for (const byte of [1, 2, 3]) {
      for (const v of [1, 0x80, 0xff]) {
        const m = msg(TAG, 0, 0, 0, u32(1), u32(2), u32(3));
        m[byte] = v;
        expect(() => decodeBlobs(m, TAG, 'ctx')).toThrow(MalformedInputError);
        expect(() => decodeBlobs(m, TAG, 'ctx')).toThrow(new MalformedInputError('ctx: reserved bytes must be zero'));
      }
    }
  });

  it('a cut length field and a blob running past the end are refused', () => {
    const base = [TAG, 0, 0, 0, ...u32(1), ...u32(2), ...u32(3)];
    for (let k = 1; k < 4; k++) {
      expect(() => decodeBlobs(msg(base, u32(0).slice(0, k)), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: truncated length field'));
      expect(() => decodeBlobs(msg(base, u32(1), 9, u32(0).slice(0, k)), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: truncated length field'));
    }
    expect(() => decodeBlobs(msg(base, u32(3), 1, 2), TAG, 'ctx')).toThrow(MalformedInputError);
    expect(() => decodeBlobs(msg(base, u32(3), 1, 2), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: object of 3 bytes runs past the message'));
    expect(() => decodeBlobs(msg(base, u32(1)), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: object of 1 bytes runs past the message'));
    expect(() => decodeBlobs(msg(base, u32(0), u32(0xffffffff), 1), TAG, 'ctx')).toThrow(new MalformedInputError('ctx: object of 4294967295 bytes runs past the message'));
    // exactly to the end is fine
    expect(decodeBlobs(msg(base, u32(2), 1, 2), TAG, 'ctx').blobs.map((b) => Array.from(b))).toEqual([[1, 2]]);
    expect(decodeBlobs(msg(base, u32(0)), TAG, 'ctx').blobs.map((b) => Array.from(b))).toEqual([[]]);
  });
});
