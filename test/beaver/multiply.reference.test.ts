/**
 * Online Beaver multiplication and squaring over the in-memory channel, checked two ways:
 * - output shares are bit-identical to the slow BigInt model of both parties (reference-beaver.ts);
 * - reconstructed products equal x·y mod p (BigInt), and fixed-point products equal ⌊X·Y/2^f⌋ + {0, 1}.
 * Traffic is checked against the wire format: 16-byte header per chunk, 6 bytes per opened element.
 */
import { describe, expect, it } from 'vitest';
import { BEAVER_TAG, OPEN_HEADER_BYTES, decodeOpening } from '../../src/beaver/wire.js';
import { FIELD_ELEMENT_BYTES } from '../../src/sharing/field-vector.js';
import { beaverMultiply, beaverSquare, dealSquarePairs, dealTriples, multiplyFixed, squareFixed } from '../../src/beaver/index.js';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P, P_BIG } from '../../src/math/share-field.js';
import { memoryChannelPair, type Channel } from '../../src/channel/channel.js';
import { encodeFixedVec, reconstruct, share } from '../../src/sharing/index.js';
import { beaverMultiplyReference, beaverSquareReference } from './reference-beaver.js';
import { both, floorDivBig, modP, randomField, randomSigned, rngFor, signedBig } from './helpers.js';

const N = 5000;

function sent(ch: Channel): { bytes: number; messages: number } {
  return { bytes: ch.stats.bytesSent, messages: ch.stats.messagesSent };
}

describe('beaverMultiply', () => {
  const x = randomField(rngFor('mul/x'), N);
  const y = randomField(rngFor('mul/y'), N);
  x.set([0, 1, P - 1, P - 1]);
  y.set([P - 1, 0, 1, P - 1]);
  const xs = share(x, rngFor('mul/x/pad'));
  const ys = share(y, rngFor('mul/y/pad'));
  const t = dealTriples(N, rngFor('mul/triples'));

  for (const chunkSize of [undefined, 1000, 1777, 1]) {
    it(`matches the BigInt model share for share, and x·y mod p (chunkSize ${chunkSize ?? 'default'})`, async () => {
      const n = chunkSize === 1 ? 50 : N;
      const cut = (v: Float64Array): Float64Array => v.subarray(0, n);
      const tt = t.map((u) => ({ a: cut(u.a), b: cut(u.b), c: cut(u.c) })) as typeof t;
      const [c0, c1] = memoryChannelPair();
      const opts = chunkSize === undefined ? undefined : { chunkSize };
      const z = await both(
        beaverMultiply(c0, 0, cut(xs[0]), cut(ys[0]), tt[0], opts),
        beaverMultiply(c1, 1, cut(xs[1]), cut(ys[1]), tt[1], opts),
      );
      expect(z).toEqual(beaverMultiplyReference([cut(xs[0]), cut(xs[1])], [cut(ys[0]), cut(ys[1])], tt));
      const prod = reconstruct(z[0], z[1]);
      for (let i = 0; i < n; i++) expect(BigInt(prod[i])).toBe((BigInt(x[i]) * BigInt(y[i])) % P_BIG);
      const chunks = Math.ceil(n / (chunkSize ?? 65536));
      for (const ch of [c0, c1]) {
        expect(sent(ch)).toEqual({ bytes: chunks * OPEN_HEADER_BYTES + 2 * n * FIELD_ELEMENT_BYTES, messages: chunks });
      }
    });
  }

  it('sends exactly its own masked differences x − a and y − b, before receiving anything', async () => {
    const [c0] = memoryChannelPair();
    const [t0] = dealTriples(3, rngFor('open'));
    const msgs: Uint8Array[] = [];
    const recorder: Channel = {
      send: (m) => msgs.push(m),
      recv: () => new Promise(() => {}),
      close: () => {},
      stats: c0.stats,
    };
    const xv = new Float64Array([5, 0, P - 1]);
    const yv = new Float64Array([1, 2, 3]);
    void beaverMultiply(recorder, 0, xv, yv, t0);
    await Promise.resolve();
    expect(msgs.length).toBe(1);
    const [d, e] = decodeOpening(msgs[0], BEAVER_TAG.OPEN_MULTIPLY, 2, 0, 3, 'test');
    for (let i = 0; i < 3; i++) {
      expect(d[i]).toBe(modP(BigInt(xv[i]) - BigInt(t0.a[i])));
      expect(e[i]).toBe(modP(BigInt(yv[i]) - BigInt(t0.b[i])));
    }
  });

  it('empty vectors: no messages, empty result', async () => {
    const [c0, c1] = memoryChannelPair();
    const [t0, t1] = dealTriples(0, rngFor('empty'));
    const e = new Float64Array(0);
    const z = await both(beaverMultiply(c0, 0, e, e, t0), beaverMultiply(c1, 1, e, e, t1));
    expect(z[0].length + z[1].length).toBe(0);
    expect(c0.stats.messagesSent + c1.stats.messagesSent).toBe(0);
  });

  it('rejects malformed arguments before sending anything', async () => {
    const [c0] = memoryChannelPair();
    const [t0] = dealTriples(4, rngFor('args'));
    const v = new Float64Array(4);
    await expect(beaverMultiply(c0, 0, v, new Float64Array(3), t0)).rejects.toThrow(SizeMismatchError);
    await expect(beaverMultiply(c0, 0, new Float64Array(5), new Float64Array(5), t0)).rejects.toThrow(SizeMismatchError);
    await expect(beaverMultiply(c0, 0, new Float64Array([P, 0, 0, 0]), v, t0)).rejects.toThrow(OutOfRangeError);
    await expect(beaverMultiply(c0, 0, new Float64Array([0.5, 0, 0, 0]), v, t0)).rejects.toThrow(InvalidArgumentError);
    await expect(beaverMultiply(c0, 2 as 0, v, v, t0)).rejects.toThrow(InvalidArgumentError);
    await expect(beaverMultiply(c0, 0, v, v, t0, { chunkSize: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(beaverMultiply({} as Channel, 0, v, v, t0)).rejects.toThrow(InvalidArgumentError);
    await expect(beaverMultiply(c0, 0, v, v, { ...t0, c: new Float64Array(3) })).rejects.toThrow(SizeMismatchError);
    expect(c0.stats.messagesSent).toBe(0);
  });
});

describe('beaverSquare', () => {
  it('matches the BigInt model share for share, x² mod p, and sends half of what a product sends', async () => {
    const x = randomField(rngFor('sq/x'), N);
    x.set([0, 1, P - 1]);
    const xs = share(x, rngFor('sq/pad'));
    const s = dealSquarePairs(N, rngFor('sq/pairs'));
    const [c0, c1] = memoryChannelPair();
    const z = await both(beaverSquare(c0, 0, xs[0], s[0]), beaverSquare(c1, 1, xs[1], s[1]));
    expect(z).toEqual(beaverSquareReference(xs, s));
    const sq = reconstruct(z[0], z[1]);
    for (let i = 0; i < N; i++) expect(BigInt(sq[i])).toBe((BigInt(x[i]) * BigInt(x[i])) % P_BIG);
    for (const ch of [c0, c1]) expect(sent(ch)).toEqual({ bytes: OPEN_HEADER_BYTES + N * FIELD_ELEMENT_BYTES, messages: 1 });
  });

  it('rejects malformed arguments', async () => {
    const [c0] = memoryChannelPair();
    const [s0] = dealSquarePairs(4, rngFor('sq/args'));
    await expect(beaverSquare(c0, 0, new Float64Array(3), s0)).rejects.toThrow(SizeMismatchError);
    await expect(beaverSquare(c0, 0, new Float64Array(4), { a: s0.a, aSquared: new Float64Array(5) })).rejects.toThrow(SizeMismatchError);
    await expect(beaverSquare(c0, 0, new Float64Array([0, 0, 0, -1]), s0)).rejects.toThrow(OutOfRangeError);
  });
});

describe('fixed-point products', () => {
  it('multiplyFixed and squareFixed give ⌊X·Y/2^f⌋ + {0, 1}, or fail at the rate Σ|X·Y|/p (f = 8 and 13)', async () => {
    const rng = rngFor('fixed');
    const n = 4000;
    for (const [f, range] of [[8, 200], [13, 20]]) {
      const reals = Float64Array.from({ length: n }, () => (rng.uint32() / 2 ** 32 - 0.5) * range);
      const reals2 = Float64Array.from({ length: n }, () => (rng.uint32() / 2 ** 32 - 0.5) * range);
      const x = encodeFixedVec(reals, f);
      const y = encodeFixedVec(reals2, f);
      const xs = share(x, rngFor(`fixed/x/${f}`));
      const ys = share(y, rngFor(`fixed/y/${f}`));
      const t = dealTriples(n, rngFor(`fixed/t/${f}`));
      const s = dealSquarePairs(n, rngFor(`fixed/s/${f}`));
      const [c0, c1] = memoryChannelPair();
      const prod = await both(multiplyFixed(c0, 0, xs[0], ys[0], t[0], f), multiplyFixed(c1, 1, xs[1], ys[1], t[1], f));
      const sq = await both(squareFixed(c0, 0, xs[0], s[0], f), squareFixed(c1, 1, xs[1], s[1], f));
      const D = 1n << BigInt(f);
      const histogram = [0, 0];
      let failures = 0;
      let expectedFailures = 0;
      for (const [z, other] of [[prod, y], [sq, x]] as const) {
        const r = reconstruct(z[0], z[1]);
        for (let i = 0; i < n; i++) {
          const exact = signedBig(x[i]) * signedBig(other[i]);
          expectedFailures += Math.abs(Number(exact)) / P;
          const err = signedBig(modP(BigInt(r[i]) - floorDivBig(exact, D)));
          if (err === 0n || err === 1n) histogram[Number(err)]++;
          else {
            failures++;
            // A failure is off by about p/2^f, never a small error.
            expect(Math.abs(Math.abs(Number(err)) - P / 2 ** f)).toBeLessThan(3);
          }
        }
      }
      expect(expectedFailures).toBeGreaterThan(0.5);
      expect(failures).toBeLessThanOrEqual(expectedFailures + 5 * Math.sqrt(expectedFailures) + 2);
      // Stochastic rounding: both outcomes are common.
      expect(Math.min(...histogram)).toBeGreaterThan(2000);
    }
  });

  it('with signed inputs |X| < 2^15 the product is within one unit of the float product', async () => {
    const x = randomSigned(rngFor('fx/x'), 1000, 2 ** 15);
    const y = randomSigned(rngFor('fx/y'), 1000, 2 ** 15);
    const xs = share(x, rngFor('fx/px'));
    const ys = share(y, rngFor('fx/py'));
    const t = dealTriples(1000, rngFor('fx/t'));
    const [c0, c1] = memoryChannelPair();
    const z = await both(multiplyFixed(c0, 0, xs[0], ys[0], t[0]), multiplyFixed(c1, 1, xs[1], ys[1], t[1]));
    const r = reconstruct(z[0], z[1]);
    for (let i = 0; i < 1000; i++) {
      const exact = (Number(signedBig(x[i])) * Number(signedBig(y[i]))) / 256;
      expect(Math.abs(Number(signedBig(r[i])) - exact)).toBeLessThan(1);
    }
  });
});
