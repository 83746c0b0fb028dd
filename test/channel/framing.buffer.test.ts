/**
 * FrameDecoder's bookkeeping (Spec: §2.4, §2.6): the payload buffer grows with the bytes that
 * arrived (64 KiB first, then doubling, capped at the announced length) and never to the announced
 * size up front; `partial`, `dataBytes` and `bufferedBytes` at each step; `pushUntilData` stops
 * after the first data frame (not after a control frame); the limit setter.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError } from '../../src/errors.js';
import { encodeDataFrame, encodePingFrame, FrameDecoder } from '../../src/channel/index.js';

const header = (length: number): Uint8Array => Uint8Array.of(length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255);
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe('FrameDecoder buffer growth', () => {
  it('64 KiB first, doubling to the bytes that arrived, capped at the announced length', () => {
    const L = 300_000;
    const payload = bytes(L, 5);
    const d = new FrameDecoder();
    expect(d.bufferedBytes).toBe(0);
    expect(d.partial).toBeNull();
    d.push(header(L).subarray(0, 2));
    expect(d.bufferedBytes).toBe(4);
    expect(d.partial).toEqual({ received: 2, expected: 4 });
    d.push(header(L).subarray(2));
    expect(d.partial).toEqual({ received: 4, expected: 4 + L });
    expect(d.bufferedBytes).toBe(4);
    expect(d.push(payload.subarray(0, 10))).toEqual([]);
    expect(d.bufferedBytes).toBe(4 + 65_536);
    expect(d.push(payload.subarray(10, 20))).toEqual([]); // fits: no growth
    expect(d.bufferedBytes).toBe(4 + 65_536);
    d.push(payload.subarray(20, 65_536));
    expect(d.bufferedBytes).toBe(4 + 65_536);
    d.push(payload.subarray(65_536, 131_072)); // exactly twice: one doubling
    expect(d.bufferedBytes).toBe(4 + 131_072);
    expect(d.partial).toEqual({ received: 4 + 131_072, expected: 4 + L });
    expect(d.dataBytes).toBe(131_072);
    d.push(payload.subarray(131_072, 131_073));
    expect(d.bufferedBytes).toBe(4 + 262_144);
    const frames = d.push(payload.subarray(131_073));
    expect(frames).toEqual([{ kind: 'data', payload }]);
    expect(d.bufferedBytes).toBe(0);
    expect(d.partial).toBeNull();
    expect(d.dataBytes).toBe(L);
  });

  it('a chunk several times the buffer doubles it as often as needed, capped at the length', () => {
    const L = 200_000;
    const payload = bytes(L, 9);
    const d = new FrameDecoder();
    d.push(Uint8Array.from([...header(L), ...payload.subarray(0, 10)]));
    expect(d.bufferedBytes).toBe(4 + 65_536);
    expect(d.push(payload.subarray(10, 150_000))).toEqual([]);
    expect(d.bufferedBytes).toBe(4 + L);
    expect(d.push(payload.subarray(150_000))).toEqual([{ kind: 'data', payload }]);
  });

  it('a frame below 64 KiB gets a buffer of its length', () => {
    const d = new FrameDecoder();
    d.push(Uint8Array.from([...header(100), 1, 2, 3]));
    expect(d.bufferedBytes).toBe(104);
    expect(d.partial).toEqual({ received: 7, expected: 104 });
  });
});

describe('dataBytes and pushUntilData', () => {
  it('dataBytes counts data payloads only', () => {
    const d = new FrameDecoder();
    d.push(encodePingFrame('ping', bytes(5, 1)));
    expect(d.dataBytes).toBe(0);
    const data = encodeDataFrame(bytes(7, 2));
    d.push(data.subarray(0, 8));
    expect(d.dataBytes).toBe(4);
    d.push(data.subarray(8));
    expect(d.dataBytes).toBe(7);
    d.push(encodePingFrame('pong', bytes(3, 3)));
    expect(d.dataBytes).toBe(7);
  });

  it('pushUntilData stops after the first data frame, not after a control frame; push reads all', () => {
    const ping = encodePingFrame('ping', Uint8Array.of(9));
    const a = encodeDataFrame(Uint8Array.of(1, 2));
    const b = encodeDataFrame(Uint8Array.of(3));
    const chunk = Uint8Array.from([...ping, ...a, ...b]);
    const r = new FrameDecoder().pushUntilData(chunk);
    expect(r.frames).toEqual([
      { kind: 'ping', payload: Uint8Array.of(9) },
      { kind: 'data', payload: Uint8Array.of(1, 2) },
    ]);
    expect(r.rest).toEqual(b);
    expect(new FrameDecoder().push(chunk).map((f) => f.kind)).toEqual(['ping', 'data', 'data']);
  });
});

describe('maxMessageBytes setter', () => {
  it('applies from the next header and checks its range', () => {
    const d = new FrameDecoder();
    d.maxMessageBytes = 8;
    expect(d.maxMessageBytes).toBe(8);
    expect(d.push(encodeDataFrame(bytes(8, 4)))).toEqual([{ kind: 'data', payload: bytes(8, 4) }]);
    expect(() => d.push(encodeDataFrame(bytes(9, 4)))).toThrow(new OutOfRangeError('peer announced a message of 9 bytes, above the limit of 8 bytes'));
    const e = new FrameDecoder();
    expect(() => {
      e.maxMessageBytes = -1;
    }).toThrow(InvalidArgumentError);
    expect(e.maxMessageBytes).toBe(256 * 2 ** 20);
  });
});
