/**
 * fast-check fuzzing of the transport parsers (src/net, Spec: §2.4, §2.5): the frame decoder fed
 * mutated frame streams split at arbitrary points, and the HELLO decoder. Oracles: only typed
 * errors; the frames decoded from a stream do not depend on how it is split (whole-buffer decode
 * as reference); a decoder never holds more than twice a frame's received bytes; a HELLO that
 * decodes re-encodes to the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHello, encodeHello, helloFromOptions } from '../../src/net/handshake.js';
import { encodeCloseFrame, encodeDataFrame, encodePingFrame, FrameDecoder, type Frame } from '../../src/channel/index.js';
import { INITIAL_PAYLOAD_BUFFER_BYTES } from '../../src/channel/framing.js';
import { fuzzParams, mutationsOf, parsesOrThrowsTyped } from './fuzz-helpers.js';

const stream = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const hello = encodeHello(helloFromOptions({ role: 'client', params: { 'model-hash': 'abc', backend: 'linear=bfv' } }));
const seeds = [
  stream(encodeDataFrame(hello), encodePingFrame('ping', Uint8Array.of(1, 2)), encodeDataFrame(new Uint8Array(300).fill(9)), encodeCloseFrame('bye')),
  stream(encodePingFrame('pong'), encodeDataFrame(new Uint8Array(0)), encodeDataFrame(Uint8Array.of(1))),
];

/** Decodes `bytes` in pieces cut at `cuts`; returns the frames, or the error's message. */
function decodeInPieces(bytes: Uint8Array, cuts: number[], limit: number): { frames: Frame[]; error?: string; maxBuffered: number } {
  const decoder = new FrameDecoder({ maxMessageBytes: limit });
  const frames: Frame[] = [];
  let maxBuffered = 0;
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const r = parsesOrThrowsTyped(() => decoder.push(bytes.subarray(from, to)));
    if (!r.ok) return { frames, error: r.error.message, maxBuffered };
    frames.push(...r.value);
    const partial = decoder.partial;
    if (partial) expect(decoder.bufferedBytes).toBeLessThanOrEqual(Math.max(2 * partial.received, INITIAL_PAYLOAD_BUFFER_BYTES) + 4);
    maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
    from = to;
  }
  return { frames, maxBuffered };
}

describe('FrameDecoder under fast-check', () => {
  it('mutated streams: typed errors only, and the same frames however the stream is split', () => {
    fc.assert(
      fc.property(mutationsOf(seeds), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom(64, 1024, 1 << 20), (bytes, cuts, limit) => {
        const whole = decodeInPieces(bytes, [], limit);
        const split = decodeInPieces(bytes, cuts, limit);
        expect(split.error).toBe(whole.error);
        // A push that throws returns none of its frames, so only an error-free stream is compared frame by frame.
        if (whole.error === undefined) expect(split.frames).toEqual(whole.frames);
      }),
      fuzzParams(800),
    );
  });

  it('pushUntilData returns the rest that push would have parsed', () => {
    fc.assert(
      fc.property(mutationsOf(seeds), (bytes) => {
        const all = parsesOrThrowsTyped(() => new FrameDecoder().push(bytes));
        const staged = new FrameDecoder();
        const frames: Frame[] = [];
        let rest = bytes;
        for (let i = 0; i < 1000; i++) {
          const r = parsesOrThrowsTyped(() => staged.pushUntilData(rest));
          if (!r.ok) {
            expect(all.ok).toBe(false);
            return;
          }
          frames.push(...r.value.frames);
          if (r.value.rest.length === 0) break;
          rest = r.value.rest;
        }
        if (all.ok) expect(frames).toEqual(all.value);
      }),
      fuzzParams(600),
    );
  });
});

describe('decodeHello under fast-check', () => {
  it('typed errors only; what decodes re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(mutationsOf([hello]), (bytes) => {
        const r = parsesOrThrowsTyped(() => decodeHello(bytes));
        if (r.ok) expect(encodeHello(r.value)).toEqual(bytes);
      }),
      fuzzParams(2000),
    );
  });
});
