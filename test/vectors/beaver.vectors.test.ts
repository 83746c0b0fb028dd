/**
 * Consumes vectors/beaver/*: each party of every Beaver run is replayed alone against the recorded
 * transcript (it must send exactly the recorded messages and output its recorded share), tampered
 * peer messages must be refused with the listed error, and every value is recomputed in BigInt —
 * dealer draws from the OpenSSL ChaCha20 stream with the §7.2 sampler, the forked dealer streams of
 * §7.6, the byte layout of §7.7, the product formulas of §7.8 and the quadratic reference of §7.9.
 */
import { describe, expect, it } from 'vitest';
import { beaverMultiply, beaverSquare, dealSquarePairs, dealTriples, multiplyFixed, quadraticActivation, squareFixed, trustedDealerSources, type BeaverTriples, type SquarePairs } from '../../src/beaver/index.js';
import { decodeOpening, encodeOpening } from '../../src/beaver/wire.js';
import { encodeQuadraticCoefficients } from '../../src/beaver/quadratic.js';
import { fromSeed } from '../../src/random/index.js';
import type { PartyRole } from '../../src/sharing/index.js';
import { big, mod, str } from './helpers/bigint.js';
import { codeOf, codeOfAsync } from './helpers/errors.js';
import { allTests, loadVectors, tohex, unhex } from './helpers/files.js';
import { replayChannel, scriptedChannel } from './helpers/replay.js';
import { deriveSeedSpec, StreamReader, uniformBelowSpec } from './helpers/stream.js';

const f64 = (xs: string[]) => Float64Array.from(xs, Number);
const out = (v: Float64Array) => Array.from(v, String);
const triplesOf = (t: { a: string[]; b: string[]; c: string[] }): BeaverTriples => ({ a: f64(t.a), b: f64(t.b), c: f64(t.c) });
const pairsOf = (s: { a: string[]; aSquared: string[] }): SquarePairs => ({ a: f64(s.a), aSquared: f64(s.aSquared) });
const floorDiv = (a: bigint, d: bigint) => (a >= 0n ? a / d : -((-a + d - 1n) / d));

/** The dealer of §7.5 from the spec text: draws in order, then the dependent share. */
function dealSpec(r: StreamReader, p: bigint, count: number, kind: 'triples' | 'pairs') {
  const draw = () => uniformBelowSpec(r, p, count).values;
  if (kind === 'triples') {
    const [a0, a1, b0, b1, c0] = [draw(), draw(), draw(), draw(), draw()];
    const c1 = a0.map((_, i) => mod((a0[i] + a1[i]) * (b0[i] + b1[i]) - c0[i], p));
    return { party0: { a: str(a0), b: str(b0), c: str(c0) }, party1: { a: str(a1), b: str(b1), c: str(c1) } };
  }
  const [a0, a1, q0] = [draw(), draw(), draw()];
  const q1 = a0.map((_, i) => mod((a0[i] + a1[i]) ** 2n - q0[i], p));
  return { party0: { a: str(a0), aSquared: str(q0) }, party1: { a: str(a1), aSquared: str(q1) } };
}

/** An opening message by the byte layout of §7.7. */
function openingSpec(tag: number, columns: bigint[][], start: number): string {
  const count = columns[0]?.length ?? 0;
  const bytes: number[] = [tag, 0, 0, 0];
  const le = (v: bigint, n: number) => {
    for (let i = 0; i < n; i++) bytes.push(Number((v >> BigInt(8 * i)) & 0xffn));
  };
  le(BigInt(count), 4);
  le(BigInt(start), 8);
  for (const c of columns) for (const v of c) le(v, 6);
  return tohex(Uint8Array.from(bytes));
}

describe('vectors/beaver/dealer.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('beaver/dealer.v1.json'))) {
    const p = BigInt(group.params.p);
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const seed = unhex(test.input.seed);
      if (group.type === 'TripleDealerTest' || group.type === 'SquarePairDealerTest') {
        const triples = group.type === 'TripleDealerTest';
        const run = () => (triples ? dealTriples : dealSquarePairs)(test.input.count, fromSeed(seed));
        if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
        const [h0, h1] = run();
        const json = (h: BeaverTriples | SquarePairs) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, out(v)]));
        expect({ party0: json(h0), party1: json(h1) }).toEqual(test.output);
        expect(dealSpec(new StreamReader(seed), p, test.input.count, triples ? 'triples' : 'pairs')).toEqual(test.output);
      } else if (group.type === 'DealerSourceTest') {
        const [s0, s1] = trustedDealerSources(fromSeed(seed));
        // Independent: the two forks of §7.6 from the parent stream, each dealing its batches in order.
        const parent = new StreamReader(seed);
        const tripleStream = new StreamReader(deriveSeedSpec(parent.bytes(32), 'delphi-ts/beaver/triples'));
        const pairStream = new StreamReader(deriveSeedSpec(parent.bytes(32), 'delphi-ts/beaver/square-pairs'));
        for (const [j, r] of test.input.requests.entries()) {
          const expected = test.output.batches[j];
          const lib =
            r.kind === 'triples'
              ? await Promise.all([s1.triples(r.count), s0.triples(r.count)]) // party 1 asks first: the result must not change
              : await Promise.all([s0.squarePairs(r.count), s1.squarePairs(r.count)]);
          const [h0, h1] = r.kind === 'triples' ? [lib[1], lib[0]] : lib;
          const json = (h: BeaverTriples | SquarePairs) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, out(v)]));
          expect({ party0: json(h0), party1: json(h1) }).toEqual(expected);
          const spec = r.kind === 'triples' ? dealSpec(tripleStream, p, r.count, 'triples') : dealSpec(pairStream, p, r.count, 'pairs');
          expect(spec).toEqual(expected);
        }
      } else {
        throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

describe('vectors/beaver/opening.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('beaver/opening.v1.json'))) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const i = test.input;
      if (group.type === 'EncodeOpeningTest') {
        const columns = i.columns.map((c: string[]) => Object.fromEntries(c.map((v, k) => [i.start + k, Number(v)])) as unknown as Float64Array);
        expect(tohex(encodeOpening(i.tag, columns, i.start, i.count))).toBe(test.output.message);
        expect(openingSpec(i.tag, i.columns.map(big), i.start)).toBe(test.output.message);
      } else if (group.type === 'DecodeOpeningTest') {
        const run = () => decodeOpening(unhex(i.message), i.tag, i.columnCount, i.start, i.count, 'consumer');
        if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
        expect(run().map(out)).toEqual(test.output.columns);
        expect(openingSpec(i.tag, test.output.columns.map(big), i.start)).toBe(i.message);
      } else {
        throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

describe('vectors/beaver/multiply.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('beaver/multiply.v1.json'))) {
    const p = BigInt(group.params.p);
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const i = test.input;
      if (group.type === 'BeaverRejectTest') {
        const run = () => beaverMultiply(scriptedChannel(i.peerMessages), i.role, f64(i.x), f64(i.y), triplesOf(i.triples), { chunkSize: i.chunkSize });
        return void expect(await codeOfAsync(run)).toBe(test.error);
      }
      const square = group.type === 'BeaverSquareTest';
      const f = i.fractionalBits as number | undefined;
      const o = test.output;
      // Each party alone against the transcript.
      for (const role of [0, 1] as PartyRole[]) {
        const ch = replayChannel(o.transcript, `party${role}`);
        const x = f64(i[`x${role}`]);
        const opts = { chunkSize: i.chunkSize };
        const z = square
          ? f === undefined
            ? await beaverSquare(ch, role, x, pairsOf(i[`pairs${role}`]), opts)
            : await squareFixed(ch, role, x, pairsOf(i[`pairs${role}`]), f, opts)
          : f === undefined
            ? await beaverMultiply(ch, role, x, f64(i[`y${role}`]), triplesOf(i[`triples${role}`]), opts)
            : await multiplyFixed(ch, role, x, f64(i[`y${role}`]), triplesOf(i[`triples${role}`]), f, opts);
        expect(ch.mismatches).toEqual([]);
        expect(ch.complete()).toBe(true);
        expect(out(z)).toEqual(o[`z${role}`]);
      }
      // Independent: §7.7 messages and §7.8 formulas in BigInt.
      const x = big(i.x0).map((v, k) => mod(v + BigInt(i.x1[k]), p));
      const y = square ? x : big(i.y0).map((v, k) => mod(v + BigInt(i.y1[k]), p));
      const mat0 = square ? i.pairs0 : i.triples0;
      const mat1 = square ? i.pairs1 : i.triples1;
      const a = big(mat0.a).map((v, k) => mod(v + BigInt(mat1.a[k]), p));
      const d = x.map((v, k) => mod(v - a[k], p));
      expect(str(d)).toEqual(test.intermediate.d);
      let e: bigint[] = [];
      if (!square) {
        const b = big(mat0.b).map((v, k) => mod(v + BigInt(mat1.b[k]), p));
        e = y.map((v, k) => mod(v - b[k], p));
        expect(str(e)).toEqual(test.intermediate.e);
      }
      const product = x.map((v, k) => mod(v * y[k], p));
      expect(str(product)).toEqual(test.intermediate.product);
      // Party r's messages carry its own d_r (and e_r), chunk by chunk.
      for (const role of [0, 1]) {
        const dr = big(i[`x${role}`]).map((v, k) => mod(v - BigInt((role === 0 ? mat0 : mat1).a[k]), p));
        const er = square ? [] : big(i[`y${role}`]).map((v, k) => mod(v - BigInt((role === 0 ? mat0 : mat1).b[k]), p));
        const msgs = o.transcript.filter((m: { from: string }) => m.from === `party${role}`).map((m: { bytes: string }) => m.bytes);
        const expected: string[] = [];
        for (let start = 0; start < dr.length; start += i.chunkSize) {
          const end = Math.min(dr.length, start + i.chunkSize);
          expected.push(openingSpec(square ? 0x52 : 0x51, square ? [dr.slice(start, end)] : [dr.slice(start, end), er.slice(start, end)], start));
        }
        expect(msgs).toEqual(expected);
      }
      const z = big(o.z0).map((v, k) => mod(v + BigInt(o.z1[k]), p));
      expect(str(z)).toEqual(o.z);
      if (f === undefined) {
        expect(o.z).toEqual(str(product));
        // z_r = c_r + d·b_r + e·a_r (+ d·e at party 0); squares: z_r = q_r + 2·d·a_r (+ d² at party 0)
        for (const role of [0, 1]) {
          const m = role === 0 ? mat0 : mat1;
          const zr = square
            ? big(m.aSquared).map((q, k) => mod(q + 2n * d[k] * BigInt(m.a[k]) + (role === 0 ? d[k] * d[k] : 0n), p))
            : big(m.c).map((c, k) => mod(c + d[k] * BigInt(m.b[k]) + e[k] * BigInt(m.a[k]) + (role === 0 ? d[k] * e[k] : 0n), p));
          expect(str(zr)).toEqual(o[`z${role}`]);
        }
      } else {
        const signed = (v: bigint) => (v > (p - 1n) / 2n ? v - p : v);
        product.forEach((v, k) => {
          const off = signed(mod(z[k] - mod(floorDiv(signed(v), 1n << BigInt(f)), p), p));
          expect([0n, 1n]).toContain(off);
        });
      }
    });
  }
});

describe('vectors/beaver/quadratic.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('beaver/quadratic.v1.json'))) {
    const params = group.params;
    const p = BigInt(params.p);
    const f = params.fractionalBits as number;
    const D = 1n << BigInt(f);
    const signed = (v: bigint) => (v > (p - 1n) / 2n ? v - p : v);
    it(`tcId ${test.tcId}: ${test.comment}`, async () => {
      const coeffs = { a2: params.a2, a1: params.a1, a0: params.a0 };
      const enc = encodeQuadraticCoefficients(coeffs, f);
      expect([enc.a2, enc.a1, enc.a0].map(String)).toEqual([params.A2, params.A1, params.A0]);
      const i = test.input;
      const o = test.output;
      for (const role of [0, 1] as PartyRole[]) {
        const ch = replayChannel(o.transcript, `party${role}`);
        const material = i.material === 'squarePairs' ? pairsOf(i[`pairs${role}`]) : triplesOf(i[`triples${role}`]);
        const y = await quadraticActivation(ch, role, f64(i[`x${role}`]), material, coeffs, f);
        expect(ch.mismatches).toEqual([]);
        expect(ch.complete()).toBe(true);
        expect(out(y)).toEqual(o[`y${role}`]);
      }
      // Independent: §7.9 step by step in BigInt.
      const [A2, A1, A0] = [params.A2, params.A1, params.A0].map((v: string) => BigInt(v));
      const X = big(i.x0).map((v, k) => mod(v + BigInt(i.x1[k]), p));
      const im = test.intermediate;
      big(im.square0).forEach((s, k) => expect(mod(s + BigInt(im.square1[k]), p)).toBe(mod(X[k] * X[k], p)));
      expect(str(big(im.square0).map((s) => s / D))).toEqual(im.truncatedSquare0);
      expect(str(big(im.square1).map((s) => mod(p - mod(p - s, p) / D, p)))).toEqual(im.truncatedSquare1);
      for (const role of [0, 1]) {
        const t = big(im[`truncatedSquare${role}`]).map((s, k) => mod(A2 * s + A1 * BigInt(i[`x${role}`][k]) + (role === 0 ? A0 * D : 0n), p));
        expect(str(t)).toEqual(im[`t${role}`]);
      }
      expect(str(big(im.t0).map((t) => t / D))).toEqual(o.y0);
      expect(str(big(im.t1).map((t) => mod(p - mod(p - t, p) / D, p)))).toEqual(o.y1);
      const y = big(o.y0).map((v, k) => mod(v + BigInt(o.y1[k]), p));
      expect(str(y)).toEqual(o.y);
      const reference = X.map((x) => {
        const sx = signed(x);
        const T = signed(A2) * floorDiv(sx * sx, D) + signed(A1) * sx + signed(A0) * D;
        return mod(floorDiv(T, D), p);
      });
      expect(str(reference)).toEqual(o.reference);
      const [lo, hi] = big(params.errorRange);
      o.error.forEach((err: string, k: number) => {
        expect(BigInt(err)).toBe(signed(mod(y[k] - reference[k], p)));
        expect(BigInt(err) >= lo && BigInt(err) <= hi).toBe(true);
      });
      // The real inputs are what the shares encode.
      i.x.forEach((xr: number, k: number) => expect(Number(signed(X[k])) / 2 ** f).toBe(xr));
    });
  }
});
