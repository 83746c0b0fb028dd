/**
 * The opening-message format of §7.7, byte for byte (a hand-assembled message), and every way a
 * peer's message can be wrong — each rejected with the documented error class, both by the decoder
 * and inside a running protocol (a scripted peer sends the bad bytes).
 */
import { describe, expect, it } from 'vitest';
import { BEAVER_TAG, OPEN_HEADER_BYTES, decodeOpening, encodeOpening } from '../../src/beaver/wire.js';
import { beaverMultiply, beaverSquare, dealSquarePairs, dealTriples } from '../../src/beaver/index.js';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { P } from '../../src/math/share-field.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { rngFor } from './helpers.js';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('opening messages', () => {
  it('layout: tag ‖ 000000 ‖ u32 count ‖ u64 start ‖ 6-byte little-endian elements, column by column', () => {
    const d = new Float64Array([9, 1, P - 1, 0x0102030405]);
    const e = new Float64Array([0, 0, 2 ** 32, 7]);
    const msg = encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [d, e], 2, 2);
    expect(hex(msg)).toBe(
      '51000000' + '02000000' + '0200000000000000' +
        // d[2] = p − 1 = 0x01e000000000, d[3] = 0x0102030405
        '00000000e001' + '050403020100' +
        // e[2] = 2^32, e[3] = 7
        '000000000100' + '070000000000',
    );
    const [dd, ee] = decodeOpening(msg, BEAVER_TAG.OPEN_MULTIPLY, 2, 2, 2, 't');
    expect(dd).toEqual(d.subarray(2));
    expect(ee).toEqual(e.subarray(2));
  });

  it('the u64 start field is read in full (offsets beyond 2^32)', () => {
    const v = new Float64Array(3).fill(12345);
    const big = 2 ** 40 + 17;
    // No test can hold a 2^40-entry column, so the header's start is patched by hand.
    const msg = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [v], 0, 3);
    msg.set([17, 0, 0, 0, 0, 1, 0, 0], 8);
    expect(() => decodeOpening(msg, BEAVER_TAG.OPEN_SQUARE, 1, 17, 3, 't')).toThrow(ProtocolError);
    expect(decodeOpening(msg, BEAVER_TAG.OPEN_SQUARE, 1, big, 3, 't')[0]).toEqual(v);
  });

  const good = (): Uint8Array => encodeOpening(BEAVER_TAG.OPEN_SQUARE, [new Float64Array([1, 2, 3])], 0, 3);
  const decode = (m: Uint8Array): Float64Array[] => decodeOpening(m, BEAVER_TAG.OPEN_SQUARE, 1, 0, 3, 'peer');

  it('rejects each kind of bad message with its error class', () => {
    expect(decode(good())[0]).toEqual(new Float64Array([1, 2, 3]));
    expect(() => decode(new Uint8Array(0))).toThrow(MalformedInputError);
    expect(() => decode(good().subarray(0, OPEN_HEADER_BYTES - 1))).toThrow(MalformedInputError);
    const wrongTag = good();
    wrongTag[0] = BEAVER_TAG.OPEN_MULTIPLY;
    expect(() => decode(wrongTag)).toThrow(ProtocolError);
    expect(() => decode(wrongTag)).toThrow(/OPEN_SQUARE.*OPEN_MULTIPLY/);
    const reserved = good();
    reserved[2] = 1;
    expect(() => decode(reserved)).toThrow(MalformedInputError);
    const truncated = good().subarray(0, OPEN_HEADER_BYTES + 17);
    expect(() => decode(truncated)).toThrow(MalformedInputError);
    const long = new Uint8Array(good().length + 6);
    long.set(good());
    expect(() => decode(long)).toThrow(MalformedInputError);
    const wrongCount = good();
    wrongCount[4] = 2;
    expect(() => decode(wrongCount)).toThrow(ProtocolError);
    const wrongStart = good();
    wrongStart[8] = 1;
    expect(() => decode(wrongStart)).toThrow(ProtocolError);
    // Element = p exactly, and the largest 48-bit value.
    for (const bytes of [[0x01, 0, 0, 0, 0xe0, 0x01], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]) {
      const bad = good();
      bad.set(bytes, OPEN_HEADER_BYTES + 6);
      expect(() => decode(bad)).toThrow(MalformedInputError);
      expect(() => decode(bad)).toThrow(/element 1/);
    }
  });
});

describe('a scripted peer sending bad bytes makes the protocol fail with a typed error', () => {
  const cases: [string, (m: Uint8Array) => Uint8Array, new (...a: never[]) => Error][] = [
    ['wrong tag', (m) => { m[0] = 0x99; return m; }, ProtocolError],
    ['element ≥ p', (m) => { m.fill(0xff, OPEN_HEADER_BYTES, OPEN_HEADER_BYTES + 6); return m; }, MalformedInputError],
    ['truncated', (m) => m.subarray(0, m.length - 1), MalformedInputError],
    ['wrong count', (m) => { m[4]--; return m.subarray(0, m.length - 12); }, ProtocolError],
  ];
  for (const [name, corrupt, errorClass] of cases) {
    it(`beaverMultiply: ${name}`, async () => {
      const [c0, c1] = memoryChannelPair();
      const [t0] = dealTriples(4, rngFor('peer'));
      const honest = encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [new Float64Array(4), new Float64Array(4)], 0, 4);
      c1.send(corrupt(honest));
      await expect(beaverMultiply(c0, 0, new Float64Array(4), new Float64Array(4), t0)).rejects.toThrow(errorClass);
    });
  }

  it('beaverSquare: peer answers with a product opening', async () => {
    const [c0, c1] = memoryChannelPair();
    const [s0] = dealSquarePairs(2, rngFor('peer/sq'));
    c1.send(encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [new Float64Array(2), new Float64Array(2)], 0, 2));
    await expect(beaverSquare(c0, 0, new Float64Array(2), s0)).rejects.toThrow(ProtocolError);
  });

  it('parties with different chunk sizes disagree with a ProtocolError', async () => {
    const [c0, c1] = memoryChannelPair();
    const [t0, t1] = dealTriples(10, rngFor('peer/chunk'));
    const v = new Float64Array(10);
    const r = await Promise.allSettled([
      beaverMultiply(c0, 0, v, v, t0, { chunkSize: 4 }),
      beaverMultiply(c1, 1, v, v, t1, { chunkSize: 5 }),
    ]);
    for (const x of r) {
      expect(x.status).toBe('rejected');
      if (x.status === 'rejected') expect(x.reason).toBeInstanceOf(ProtocolError);
    }
  });
});
