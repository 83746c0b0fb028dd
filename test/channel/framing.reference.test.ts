/**
 * Stream framing (Spec: §2.4) against the byte examples written out in the spec and against a
 * straightforward whole-buffer parser, over streams split at random points.
 */
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '@noble/hashes/utils.js';
import { encodeCloseFrame, encodeDataFrame, encodePingFrame, FrameDecoder, type Frame } from '../../src/channel/index.js';
import { MalformedInputError, OutOfRangeError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

/** Reference: parse a complete byte string in one go, reading the header word with DataView. */
function parseAll(bytes: Uint8Array): Frame[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Frame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const word = view.getUint32(at, false);
    const control = word >= 2 ** 31;
    const length = control ? word - 2 ** 31 : word;
    const payload = bytes.slice(at + 4, at + 4 + length);
    if (payload.length !== length) throw new Error('truncated');
    at += 4 + length;
    if (!control) frames.push({ kind: 'data', payload });
    else if (payload[0] === 1) frames.push({ kind: 'ping', payload: payload.slice(1) });
    else if (payload[0] === 2) frames.push({ kind: 'pong', payload: payload.slice(1) });
    else if (payload[0] === 3) frames.push({ kind: 'close', reason: new TextDecoder().decode(payload.slice(1)) });
    else throw new Error('bad type');
  }
  return frames;
}

function normalize(frames: Frame[]) {
  return frames.map((f) => (f.kind === 'close' ? f : { kind: f.kind, payload: [...f.payload] }));
}

describe('framing: examples of §2.4', () => {
  it('data frame of 01 02 03', () => {
    expect(encodeDataFrame(Uint8Array.of(1, 2, 3))).toEqual(hexToBytes('00000003010203'));
  });
  it('empty data frame', () => {
    expect(encodeDataFrame(new Uint8Array(0))).toEqual(hexToBytes('00000000'));
  });
  it('ping without data, pong with data', () => {
    expect(encodePingFrame('ping')).toEqual(hexToBytes('8000000101'));
    expect(encodePingFrame('pong', Uint8Array.of(0xab))).toEqual(hexToBytes('8000000202ab'));
  });
  it('close with reason "bye"', () => {
    expect(encodeCloseFrame('bye')).toEqual(hexToBytes('8000000403627965'));
  });
  it('a long close reason is cut to 1024 bytes on a UTF-8 boundary', () => {
    const frame = encodeCloseFrame('a' + 'é'.repeat(600)); // 1 + 1200 bytes of UTF-8
    expect(frame.length).toBe(4 + 1 + 1023); // 'a' + 511 two-byte characters
    const [decoded] = new FrameDecoder().push(frame);
    expect(decoded).toEqual({ kind: 'close', reason: 'a' + 'é'.repeat(511) });
  });
  it('the decoder reads header words above 2^24 as lengths (big-endian)', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 2 ** 24 });
    expect(() => decoder.push(hexToBytes('01000001'))).toThrow(/16777217 bytes/);
  });
});

describe('FrameDecoder against the whole-buffer reference', () => {
  const rng = fromTextSeed('framing fuzz');
  const randomFrames = (count: number): Uint8Array[] =>
    Array.from({ length: count }, () => {
      const kind = uniformBelow(rng, 5);
      if (kind === 0) return encodePingFrame('ping', rng.bytes(uniformBelow(rng, 20)));
      if (kind === 1) return encodePingFrame('pong', rng.bytes(uniformBelow(rng, 3)));
      if (kind === 2) return encodeCloseFrame('reason ' + uniformBelow(rng, 1000));
      const size = uniformBelow(rng, 8) === 0 ? uniformBelow(rng, 70_000) : uniformBelow(rng, 40);
      return encodeDataFrame(rng.bytes(size));
    });

  it('gives the same frames however the stream is split', () => {
    for (let trial = 0; trial < 40; trial++) {
      const stream = concat(randomFrames(1 + uniformBelow(rng, 30)));
      const expected = normalize(parseAll(stream));
      const decoder = new FrameDecoder();
      const got: Frame[] = [];
      for (let at = 0; at < stream.length; ) {
        const step = uniformBelow(rng, 4) === 0 ? 1 + uniformBelow(rng, 3) : 1 + uniformBelow(rng, 5000);
        got.push(...decoder.push(stream.subarray(at, at + step)));
        at += step;
      }
      expect(normalize(got)).toEqual(expected);
      expect(decoder.partial).toBeNull();
    }
  });

  it('byte-by-byte delivery', () => {
    const stream = concat([encodeDataFrame(Uint8Array.of(9, 8)), encodeDataFrame(new Uint8Array(0)), encodeCloseFrame('x')]);
    const decoder = new FrameDecoder();
    const got: Frame[] = [];
    for (const b of stream) got.push(...decoder.push(Uint8Array.of(b)));
    expect(normalize(got)).toEqual(normalize(parseAll(stream)));
  });

  it('reports a partial frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(hexToBytes('000000'));
    expect(decoder.partial).toEqual({ received: 3, expected: 4 });
    decoder.push(hexToBytes('0a0102'));
    expect(decoder.partial).toEqual({ received: 6, expected: 14 });
  });

  it('copies payloads out of the input chunk', () => {
    const chunk = encodeDataFrame(Uint8Array.of(1, 2, 3));
    const [frame] = new FrameDecoder().push(chunk);
    chunk.fill(0);
    expect(frame).toEqual({ kind: 'data', payload: Uint8Array.of(1, 2, 3) });
  });
});

describe('FrameDecoder rejects hostile input', () => {
  it('oversized data frame before allocating, then stays failed', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 100 });
    expect(decoder.push(encodeDataFrame(new Uint8Array(100)))).toHaveLength(1);
    expect(() => decoder.push(hexToBytes('7fffffff'))).toThrow(OutOfRangeError);
    expect(() => decoder.push(encodeDataFrame(new Uint8Array(1)))).toThrow(OutOfRangeError);
  });
  it('control frames of length 0 or above 1025, and unknown types', () => {
    expect(() => new FrameDecoder().push(hexToBytes('80000000'))).toThrow(MalformedInputError);
    expect(() => new FrameDecoder().push(hexToBytes('80000402'))).toThrow(MalformedInputError);
    expect(() => new FrameDecoder().push(hexToBytes('8000000107'))).toThrow(/unknown control frame type 7/);
  });
  it('random garbage only ever throws typed errors', () => {
    const rng = fromTextSeed('framing garbage');
    for (let i = 0; i < 500; i++) {
      const decoder = new FrameDecoder({ maxMessageBytes: 1 << 16 });
      try {
        decoder.push(rng.bytes(uniformBelow(rng, 64)));
      } catch (e) {
        expect(e instanceof MalformedInputError || e instanceof OutOfRangeError).toBe(true);
      }
    }
  });
  it('encoders refuse what a decoder would refuse', () => {
    expect(() => encodeDataFrame(new Uint8Array(11), 10)).toThrow(OutOfRangeError);
    expect(() => encodePingFrame('ping', new Uint8Array(1025))).toThrow(OutOfRangeError);
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
