/**
 * The trusted dealer: triples and square pairs reconstruct to c = a·b and a² (checked in BigInt),
 * the documented draw order is reproduced with the scalar sampler `uniformBelow(rng, p)`, and the
 * dealer sources pair both parties' requests consistently whatever their interleaving.
 */
import { describe, expect, it } from 'vitest';
import { checkSquarePairs, checkTriples, inconsistentSquarePairIndices, inconsistentTripleIndices, sliceSquarePairs, sliceTriples } from '../../src/beaver/triples.js';
import { dealSquarePairs, dealTriples, trustedDealerSources } from '../../src/beaver/index.js';
import { sharedSeedDealerSource } from '../../src/beaver/source.js';
import { InvalidArgumentError, OutOfRangeError, ProtocolError, SizeMismatchError } from '../../src/errors.js';
import { P, P_BIG } from '../../src/math/share-field.js';
import { uniformBelow } from '../../src/random/index.js';
import { rngFor } from './helpers.js';

const N = 4000;
const sum = (u: Float64Array, v: Float64Array, i: number): bigint => (BigInt(u[i]) + BigInt(v[i])) % P_BIG;

describe('dealTriples', () => {
  it('every triple reconstructs to (a, b, a·b mod p)', () => {
    const [t0, t1] = dealTriples(N, rngFor('deal'));
    expect(checkTriples(t0, N)).toBe(N);
    expect(checkTriples(t1, N)).toBe(N);
    for (let i = 0; i < N; i++) {
      const a = sum(t0.a, t1.a, i);
      const b = sum(t0.b, t1.b, i);
      expect(sum(t0.c, t1.c, i)).toBe((a * b) % P_BIG);
    }
    expect(inconsistentTripleIndices(t0, t1)).toEqual([]);
  });

  it('draws a0, a1, b0, b1, c0 in that order, each as n scalar uniformBelow(rng, p) draws', () => {
    const n = 50;
    const [t0, t1] = dealTriples(n, rngFor('order'));
    const rng = rngFor('order');
    const draw = (): Float64Array => Float64Array.from({ length: n }, () => uniformBelow(rng, P));
    const [a0, a1, b0, b1, c0] = [draw(), draw(), draw(), draw(), draw()];
    expect([t0.a, t1.a, t0.b, t1.b, t0.c]).toEqual([a0, a1, b0, b1, c0]);
    for (let i = 0; i < n; i++) {
      const want = (((sum(a0, a1, i) * sum(b0, b1, i) - BigInt(c0[i])) % P_BIG) + P_BIG) % P_BIG;
      expect(BigInt(t1.c[i])).toBe(want);
    }
  });

  it('is reproducible and seed-dependent', () => {
    expect(dealTriples(100, rngFor('r'))).toEqual(dealTriples(100, rngFor('r')));
    expect(dealTriples(100, rngFor('r'))[0].a).not.toEqual(dealTriples(100, rngFor('s'))[0].a);
    expect(dealTriples(0, rngFor('r'))[0].a.length).toBe(0);
  });

  it('inconsistentTripleIndices finds corrupted entries', () => {
    const [t0, t1] = dealTriples(100, rngFor('corrupt'));
    const bad = { ...t1, c: Float64Array.from(t1.c) };
    bad.c[17] = (bad.c[17] + 1) % P;
    bad.c[90] = (bad.c[90] + P - 1) % P;
    expect(inconsistentTripleIndices(t0, bad)).toEqual([17, 90]);
  });
});

describe('dealSquarePairs', () => {
  it('every pair reconstructs to (a, a² mod p), draws a0, a1, q0 in order', () => {
    const [s0, s1] = dealSquarePairs(N, rngFor('square'));
    expect(checkSquarePairs(s0, N)).toBe(N);
    for (let i = 0; i < N; i++) {
      const a = sum(s0.a, s1.a, i);
      expect(sum(s0.aSquared, s1.aSquared, i)).toBe((a * a) % P_BIG);
    }
    expect(inconsistentSquarePairIndices(s0, s1)).toEqual([]);
    const rng = rngFor('square');
    const draw = (): Float64Array => Float64Array.from({ length: N }, () => uniformBelow(rng, P));
    expect([s0.a, s1.a, s0.aSquared]).toEqual([draw(), draw(), draw()]);
    const bad = { ...s0, aSquared: Float64Array.from(s0.aSquared) };
    bad.aSquared[3] = (bad.aSquared[3] + 5) % P;
    expect(inconsistentSquarePairIndices(bad, s1)).toEqual([3]);
  });
});

describe('batches: validation and slicing', () => {
  it('sliceTriples / sliceSquarePairs copy a sub-range that stays consistent', () => {
    const [t0, t1] = dealTriples(100, rngFor('slice'));
    const u0 = sliceTriples(t0, 10, 60);
    const u1 = sliceTriples(t1, 10, 60);
    expect(u0.a).toEqual(t0.a.subarray(10, 60));
    expect(inconsistentTripleIndices(u0, u1)).toEqual([]);
    u0.a[0] = 0;
    expect(t0.a[10]).not.toBe(0);
    const [s0] = dealSquarePairs(10, rngFor('slice'));
    expect(sliceSquarePairs(s0, 3, 3).a.length).toBe(0);
    expect(() => sliceTriples(t0, 50, 40)).toThrow(InvalidArgumentError);
    expect(() => sliceTriples(t0, 0, 101)).toThrow(InvalidArgumentError);
  });

  it('malformed batches are rejected with typed errors', () => {
    const [t0] = dealTriples(5, rngFor('bad'));
    expect(() => checkTriples({ ...t0, c: new Float64Array(4) })).toThrow(SizeMismatchError);
    expect(() => checkTriples(t0, 6)).toThrow(SizeMismatchError);
    expect(() => checkTriples({ ...t0, b: Float64Array.from(t0.b).fill(P, 2, 3) })).toThrow(OutOfRangeError);
    expect(() => checkTriples({ ...t0, a: Float64Array.from(t0.a).fill(0.5, 1, 2) })).toThrow(InvalidArgumentError);
    expect(() => checkTriples(null as never)).toThrow(InvalidArgumentError);
    expect(() => checkSquarePairs({ a: new Float64Array(2), aSquared: new Float64Array(3) })).toThrow(SizeMismatchError);
    expect(() => dealTriples(-1, rngFor('bad'))).toThrow(InvalidArgumentError);
    expect(() => dealSquarePairs(0.5, rngFor('bad'))).toThrow(InvalidArgumentError);
  });
});

describe('dealer sources', () => {
  it('both parties get matching halves, independent of how requests interleave', async () => {
    const [p0, p1] = trustedDealerSources(rngFor('src'));
    expect([p0.role, p1.role]).toEqual([0, 1]);
    // Party 0 asks for everything first.
    const a0 = await p0.triples(100);
    const a1 = await p0.squarePairs(30);
    const a2 = await p0.triples(7);
    // Party 1 asks in another order of kinds (the per-kind order is what matters).
    const b1 = await p1.squarePairs(30);
    const b0 = await p1.triples(100);
    const b2 = await p1.triples(7);
    expect(inconsistentTripleIndices(a0, b0)).toEqual([]);
    expect(inconsistentTripleIndices(a2, b2)).toEqual([]);
    expect(inconsistentSquarePairIndices(a1, b1)).toEqual([]);

    // Another interleaving from the same seed deals exactly the same batches.
    const [q0, q1] = trustedDealerSources(rngFor('src'));
    const c0 = await q1.triples(100);
    const c1 = await q1.squarePairs(30);
    expect(await q0.triples(100)).toEqual(a0);
    expect(c0).toEqual(b0);
    expect(c1).toEqual(b1);
  });

  it('sharedSeedDealerSource deals exactly what trustedDealerSources deals from the same seed', async () => {
    const [p0, p1] = trustedDealerSources(rngFor('shared'));
    const s0 = sharedSeedDealerSource(rngFor('shared'), 0);
    const s1 = sharedSeedDealerSource(rngFor('shared'), 1);
    expect(await s0.triples(50)).toEqual(await p0.triples(50));
    expect(await s1.triples(50)).toEqual(await p1.triples(50));
    expect(await s1.squarePairs(20)).toEqual(await p1.squarePairs(20));
    expect(await s0.squarePairs(20)).toEqual(await p0.squarePairs(20));
    expect(() => sharedSeedDealerSource(rngFor('shared'), 3 as 0)).toThrow(InvalidArgumentError);
  });

  it('mismatched request sizes are a ProtocolError; bad counts are rejected', async () => {
    const [p0, p1] = trustedDealerSources(rngFor('mismatch'));
    await p0.triples(10);
    await expect(p1.triples(11)).rejects.toThrow(ProtocolError);
    await expect(p0.squarePairs(-1)).rejects.toThrow(InvalidArgumentError);
  });
});
