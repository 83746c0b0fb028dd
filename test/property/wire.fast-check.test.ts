/**
 * Wire codecs of field elements as fast-check properties: protocol field-vector messages (§9.4),
 * Beaver openings (§7.7) and the shared element codec (§7.7) round-trip every canonical vector
 * bit for bit, encode each element as its 48-bit little-endian value (BigInt oracle), and reject
 * any element ≥ p written into the bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BEAVER_TAG, decodeOpening, encodeOpening } from '../../src/beaver/wire.js';
import { MalformedInputError } from '../../src/errors.js';
import { P } from '../../src/math/share-field.js';
import { decodeFieldMessage, encodeFieldMessage, PROTOCOL_TAG } from '../../src/protocol/messages.js';
import { readFieldElements, writeFieldElements } from '../../src/sharing/field-vector.js';

const RUNS = { seed: 24, numRuns: 200 };
const elem = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: P - 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, P - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40) },
);
const vec = fc.array(elem, { minLength: 0, maxLength: 16 }).map((a) => Float64Array.from(a));
/** Any 48-bit value that is not a field element. */
const bad = fc.oneof(fc.integer({ min: P, max: 2 ** 48 - 1 }), fc.constantFrom(P, 2 ** 41, 2 ** 48 - 1));

function le48(v: number): number[] {
  const b = BigInt(v);
  return Array.from({ length: 6 }, (_, i) => Number((b >> BigInt(8 * i)) & 0xffn));
}

describe('field element codec (BigInt oracle)', () => {
  it('writes 48-bit little-endian values and reads them back', () => {
    fc.assert(
      fc.property(vec, fc.nat({ max: 5 }), (v, offset) => {
        const buf = new Uint8Array(offset + 6 * v.length);
        expect(writeFieldElements(buf, offset, v, 0, v.length)).toBe(buf.length);
        expect(Array.from(buf.subarray(offset))).toEqual(Array.from(v).flatMap(le48));
        const out = new Float64Array(v.length + 1);
        expect(readFieldElements(buf, offset, v.length, out, 1, (i) => `e${i}`)).toBe(buf.length);
        expect(Array.from(out.subarray(1))).toEqual(Array.from(v));
      }),
      RUNS,
    );
  });

  it('reads reject any value ≥ p, naming the element', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), bad, (n, at, b) => {
        const i = at % n;
        const buf = new Uint8Array(6 * n);
        buf.set(le48(b), 6 * i);
        expect(() => readFieldElements(buf, 0, n, new Float64Array(n), 0, (j) => `element ${j}`)).toThrow(
          new MalformedInputError(`element ${i} is ${b}, not below p`),
        );
      }),
      RUNS,
    );
  });
});

describe('messages carrying field elements', () => {
  it('protocol field-vector messages round-trip any sub-range', () => {
    fc.assert(
      fc.property(vec, fc.nat(), fc.nat(), fc.nat({ max: 2 ** 32 - 1 }), (v, a, b, layer) => {
        const start = v.length === 0 ? 0 : a % v.length;
        const count = v.length - start === 0 ? 0 : b % (v.length - start + 1);
        const msg = encodeFieldMessage(PROTOCOL_TAG.RESHARE, layer, v, start, count);
        expect(Array.from(msg.subarray(16))).toEqual(Array.from(v.subarray(start, start + count)).flatMap(le48));
        const out = new Float64Array(v.length);
        decodeFieldMessage(msg, PROTOCOL_TAG.RESHARE, layer, start, count, out, 'p');
        expect(Array.from(out.subarray(start, start + count))).toEqual(Array.from(v.subarray(start, start + count)));
        expect(Array.from(out.subarray(0, start)).every((x) => x === 0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('Beaver openings round-trip one or two columns at any start (beyond 2^32 too)', () => {
    fc.assert(
      fc.property(vec, vec, fc.constantFrom(0, 5, 2 ** 32 - 1, 2 ** 32, 3 * 2 ** 32 + 17), (d, e0, start) => {
        const n = d.length;
        const e = Float64Array.from({ length: n }, (_, i) => e0[i % Math.max(1, e0.length)] ?? 0);
        // The batch entries [start, start + n) live at offset `start` of a column: use a view.
        const pad = (c: Float64Array): Float64Array => {
          const big = new Float64Array(n + 8);
          big.set(c, 8);
          return big;
        };
        const s = 8; // the columns hold the batch from index 8; the header is re-labelled below
        const msg2 = encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [pad(d), pad(e)], s, n);
        const msg1 = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [pad(d)], s, n);
        expect(msg2.length).toBe(16 + 12 * n);
        // Re-label the start in the header (u32 low ‖ u32 high) to test large starts on decode.
        for (const m of [msg1, msg2]) {
          const lo = start >>> 0;
          const hi = Math.floor(start / 2 ** 32);
          m.set([lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24, hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, hi >>> 24], 8);
        }
        const [dd, ee] = decodeOpening(msg2, BEAVER_TAG.OPEN_MULTIPLY, 2, start, n, 'b');
        expect(Array.from(dd)).toEqual(Array.from(d));
        expect(Array.from(ee)).toEqual(Array.from(e));
        const [d1] = decodeOpening(msg1, BEAVER_TAG.OPEN_SQUARE, 1, start, n, 'b');
        expect(Array.from(d1)).toEqual(Array.from(d));
        expect(() => decodeOpening(msg2, BEAVER_TAG.OPEN_MULTIPLY, 2, start + 1, n, 'b')).toThrow(/peer sent entries/);
      }),
      RUNS,
    );
  });

  it('encodeOpening writes the start as two little-endian u32 words', () => {
    const msg = encodeOpening(BEAVER_TAG.OPEN_SQUARE, [new Float64Array(2 ** 5)], 2 ** 4, 3);
    expect(Array.from(msg.subarray(0, 16))).toEqual([BEAVER_TAG.OPEN_SQUARE, 0, 0, 0, 3, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0]);
  });
});
