/**
 * Beaver triples, square pairs and the online multiplication and squaring as fast-check
 * properties against BigInt: every share the dealer and the protocol produce is canonical in
 * [0, p), triples satisfy c = a·b, and the two parties' outputs reconstruct to x·y and x² mod p,
 * for any chunk size (including sizes that divide the batch exactly).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beaverMultiply, beaverSquare, dealSquarePairs, dealTriples } from '../../src/beaver/index.js';
import { P } from '../../src/math/share-field.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { share } from '../../src/sharing/index.js';

const PB = BigInt(P);
const RUNS = { seed: 24, numRuns: 60 };
const mod = (x: bigint): bigint => ((x % PB) + PB) % PB;
const elem = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: P - 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, P - 1, 2 ** 40) },
);
const vec = fc.array(elem, { minLength: 1, maxLength: 10 }).map((a) => Float64Array.from(a));

function canonical(...vs: Float64Array[]): void {
  for (const v of vs) {
    for (const x of v) {
      if (!(Number.isInteger(x) && x >= 0 && x < P) || Object.is(x, -0)) throw new Error(`${x} is not canonical in [0, p)`);
    }
  }
}
const open = (a: Float64Array, b: Float64Array): bigint[] => Array.from(a, (x, i) => mod(BigInt(x) + BigInt(b[i])));

describe('dealer (BigInt oracle)', () => {
  it('dealTriples: canonical shares with (a0 + a1)·(b0 + b1) = c0 + c1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.nat(), (n, seed) => {
        const [t0, t1] = dealTriples(n, fromTextSeed(`triples/${seed}`));
        canonical(t0.a, t0.b, t0.c, t1.a, t1.b, t1.c);
        expect(t0.a.length).toBe(n);
        const a = open(t0.a, t1.a);
        const b = open(t0.b, t1.b);
        expect(open(t0.c, t1.c)).toEqual(a.map((x, i) => mod(x * b[i])));
      }),
      RUNS,
    );
  });

  it('dealSquarePairs: canonical shares with (a0 + a1)² = q0 + q1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.nat(), (n, seed) => {
        const [s0, s1] = dealSquarePairs(n, fromTextSeed(`squares/${seed}`));
        canonical(s0.a, s0.aSquared, s1.a, s1.aSquared);
        const a = open(s0.a, s1.a);
        expect(open(s0.aSquared, s1.aSquared)).toEqual(a.map((x) => mod(x * x)));
      }),
      RUNS,
    );
  });
});

describe('online multiplication (BigInt oracle)', () => {
  it('beaverMultiply and beaverSquare: canonical output shares of x·y and x²', async () => {
    await fc.assert(
      fc.asyncProperty(vec, fc.nat(), fc.integer({ min: 1, max: 4 }), async (x, seed, chunkSize) => {
        const rng = fromTextSeed(`beaver/${seed}`);
        const y = x.map((v, i) => (i % 2 === 0 ? v : P - 1 - v));
        const [x0, x1] = share(x, rng);
        const [y0, y1] = share(y, rng);
        const [t0, t1] = dealTriples(x.length, rng);
        const [q0, q1] = dealSquarePairs(x.length, rng);
        const [c0, c1] = memoryChannelPair();
        const options = { chunkSize };
        const [z0, z1] = await Promise.all([
          beaverMultiply(c0, 0, x0, y0, t0, options),
          beaverMultiply(c1, 1, x1, y1, t1, options),
        ]);
        const [w0, w1] = await Promise.all([beaverSquare(c0, 0, x0, q0, options), beaverSquare(c1, 1, x1, q1, options)]);
        canonical(z0, z1, w0, w1);
        const X = Array.from(x, BigInt);
        expect(open(z0, z1)).toEqual(X.map((v, i) => mod(v * BigInt(y[i]))));
        expect(open(w0, w1)).toEqual(X.map((v) => mod(v * v)));
        expect(c0.stats.messagesSent).toBe(2 * Math.ceil(x.length / chunkSize));
      }),
      RUNS,
    );
  });
});
