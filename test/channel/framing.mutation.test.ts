/**
 * Frame codec of §2.4 at its boundaries, the cases a mutation run looks for: control frames of 1 and
 * 1025 bytes (accepted) and 0 and 1026 (refused), data frames of exactly the limit and one byte more,
 * the limit option's own range, close reasons cut inside 2- and 3-byte characters, the header's top
 * bit, and a decoder that stays failed with the same error.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../../src/errors.js';
import { encodeCloseFrame, encodeDataFrame, encodePingFrame, FrameDecoder } from '../../src/channel/index.js';
import { MAX_FRAME_PAYLOAD } from '../../src/channel/framing.js';

const header = (word: number): Uint8Array => Uint8Array.of(word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255);
const control = (length: number, type: number): Uint8Array => {
  const out = new Uint8Array(4 + length);
  out.set(header(0x8000_0000 + length));
  out[4] = type;
  return out;
};

describe('control frames', () => {
  it('1 byte (a bare ping or pong) and 1025 bytes (a close with a 1024-byte reason) are accepted', () => {
    expect(new FrameDecoder().push(control(1, 1))).toEqual([{ kind: 'ping', payload: new Uint8Array(0) }]);
    expect(new FrameDecoder().push(control(1, 2))).toEqual([{ kind: 'pong', payload: new Uint8Array(0) }]);
    const close = control(1025, 3);
    close.fill(0x61, 5);
    expect(new FrameDecoder().push(close)).toEqual([{ kind: 'close', reason: 'a'.repeat(1024) }]);
  });

  it('0 and 1026 bytes are refused before the payload arrives, with the length', () => {
    expect(() => new FrameDecoder().push(header(0x8000_0000))).toThrow(MalformedInputError);
    expect(() => new FrameDecoder().push(header(0x8000_0000))).toThrow(/control frame of 0 bytes/);
    expect(() => new FrameDecoder().push(header(0x8000_0000 + 1026))).toThrow(/control frame of 1026 bytes/);
    expect(() => new FrameDecoder().push(header(0xffff_ffff))).toThrow(MalformedInputError);
  });

  it('ping and pong payloads: 1024 bytes encode, 1025 do not; the type byte says which', () => {
    const p = encodePingFrame('ping', new Uint8Array(1024).fill(7));
    expect(p.length).toBe(4 + 1025);
    expect(Array.from(p.subarray(0, 5))).toEqual([0x80, 0, 0x04, 0x01, 1]);
    expect(new FrameDecoder().push(p)).toEqual([{ kind: 'ping', payload: new Uint8Array(1024).fill(7) }]);
    expect(Array.from(encodePingFrame('pong', Uint8Array.of(9)))).toEqual([0x80, 0, 0, 2, 2, 9]);
    expect(Array.from(encodePingFrame('ping'))).toEqual([0x80, 0, 0, 1, 1]);
    expect(() => encodePingFrame('pong', new Uint8Array(1025))).toThrow(OutOfRangeError);
    expect(() => encodePingFrame('pong', new Uint8Array(1025))).toThrow(/pong payload of 1025 bytes/);
  });

  it('close reasons: 1024 bytes kept whole, longer ones cut before a split character', () => {
    const decode = (r: string): string => {
      const [f] = new FrameDecoder().push(encodeCloseFrame(r));
      return f.kind === 'close' ? f.reason : '';
    };
    expect(Array.from(encodeCloseFrame())).toEqual([0x80, 0, 0, 1, 3]);
    expect(decode('x'.repeat(1024))).toBe('x'.repeat(1024));
    expect(decode('x'.repeat(1025))).toBe('x'.repeat(1024));
    expect(decode('a' + 'é'.repeat(600))).toBe('a' + 'é'.repeat(511));
    expect(decode('ab' + '€'.repeat(400))).toBe('ab' + '€'.repeat(340));
    expect(encodeCloseFrame('ab' + '€'.repeat(400)).length).toBe(4 + 1 + 1022);
  });

  it('an unknown control type fails the decoder, which then stays failed with the same error', () => {
    const d = new FrameDecoder();
    let first: unknown;
    try {
      d.push(control(1, 4));
    } catch (e) {
      first = e;
    }
    expect(first).toBeInstanceOf(MalformedInputError);
    expect((first as Error).message).toMatch(/unknown control frame type 4/);
    expect(() => d.push(encodeDataFrame(Uint8Array.of(1)))).toThrow(first as Error);
  });
});

describe('data frames and the limit', () => {
  it('exactly the limit is accepted, one byte more is refused on the header alone', () => {
    const d = new FrameDecoder({ maxMessageBytes: 8 });
    expect(d.push(encodeDataFrame(new Uint8Array(8).fill(1)))).toEqual([{ kind: 'data', payload: new Uint8Array(8).fill(1) }]);
    expect(d.partial).toBeNull();
    expect(() => d.push(header(9))).toThrow(OutOfRangeError);
    expect(() => new FrameDecoder({ maxMessageBytes: 8 }).push(header(9))).toThrow(/message of 9 bytes, above the limit of 8 bytes/);
    expect(new FrameDecoder({ maxMessageBytes: 0 }).push(header(0))).toEqual([{ kind: 'data', payload: new Uint8Array(0) }]);
  });

  it('a header word below 2^31 is a data length, big-endian, every byte counted', () => {
    const d = new FrameDecoder();
    expect(d.push(header(0x0000_0102))).toEqual([]);
    expect(d.partial).toEqual({ received: 4, expected: 4 + 258 });
    expect(d.push(new Uint8Array(258))).toHaveLength(1);
    const big = new FrameDecoder();
    expect(big.push(header(0x0001_0203))).toEqual([]);
    expect(big.partial).toEqual({ received: 4, expected: 4 + 0x0001_0203 });
  });

  it('a header split across chunks after a complete frame is completed by the next chunk', () => {
    const first = encodeDataFrame(Uint8Array.of(1, 2));
    const second = encodeDataFrame(Uint8Array.of(3, 4, 5));
    const d = new FrameDecoder();
    const frames = d.push(Uint8Array.from([...first, ...second.subarray(0, 2)]));
    expect(frames).toEqual([{ kind: 'data', payload: Uint8Array.of(1, 2) }]);
    expect(d.partial).toEqual({ received: 2, expected: 4 });
    expect(d.push(second.subarray(2))).toEqual([{ kind: 'data', payload: Uint8Array.of(3, 4, 5) }]);
    expect(d.partial).toBeNull();
  });

  it('a close reason that is not valid UTF-8 is decoded with replacement characters, not refused', () => {
    const frame = control(3, 3);
    frame.set([0xff, 0x41], 5);
    expect(new FrameDecoder().push(frame)).toEqual([{ kind: 'close', reason: '\ufffdA' }]);
  });

  it('the limit option must be an integer in [0, 2^31 − 1]', () => {
    expect(new FrameDecoder({ maxMessageBytes: MAX_FRAME_PAYLOAD }).maxMessageBytes).toBe(MAX_FRAME_PAYLOAD);
    expect(new FrameDecoder().maxMessageBytes).toBe(256 * 2 ** 20);
    for (const bad of [-1, MAX_FRAME_PAYLOAD + 1, 1.5, NaN]) {
      expect(() => new FrameDecoder({ maxMessageBytes: bad })).toThrow(InvalidArgumentError);
      expect(() => new FrameDecoder({ maxMessageBytes: bad })).toThrow(/maxMessageBytes/);
    }
  });

  it('encodeDataFrame: limit min(maxMessageBytes, 2^31 − 1), a copy of the payload, Uint8Array only', () => {
    expect(encodeDataFrame(new Uint8Array(10), 10).length).toBe(14);
    expect(() => encodeDataFrame(new Uint8Array(11), 10)).toThrow(/11 bytes exceeds the limit of 10 bytes/);
    expect(() => encodeDataFrame(new Uint8Array(1), 0)).toThrow(OutOfRangeError);
    expect(() => encodeDataFrame([1] as unknown as Uint8Array)).toThrow(InvalidArgumentError);
    expect(() => encodeDataFrame([1] as unknown as Uint8Array)).toThrow(/Uint8Array/);
    const payload = Uint8Array.of(1, 2);
    const frame = encodeDataFrame(payload);
    payload[0] = 9;
    expect(Array.from(frame)).toEqual([0, 0, 0, 2, 1, 2]);
  });
});
