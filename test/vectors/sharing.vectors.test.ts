/**
 * Consumes vectors/sharing/*: the library reproduces every share, encoding and truncation; each
 * value is also recomputed from the spec text in BigInt — party 0's share from the ChaCha20 stream
 * (OpenSSL) with the §7.2 sampler, the local operations, the rounding of §7.3, the truncation
 * formulas and the wrap condition of §7.4.1.
 */
import { describe, expect, it } from 'vitest';
import {
  addPublic,
  addShares,
  decodeFixed,
  encodeFixed,
  negShare,
  scaleShare,
  share,
  subShares,
  truncatePlain,
  truncateShare,
  type PartyRole,
} from '../../src/sharing/index.js';
import { fromSeed } from '../../src/random/index.js';
import { big, mod, str } from './helpers/bigint.js';
import { codeOf } from './helpers/errors.js';
import { allTests, loadVectors, unhex } from './helpers/files.js';
import { StreamReader, uniformBelowSpec } from './helpers/stream.js';

const f64 = (xs: string[]) => Float64Array.from(xs, Number);
const out = (v: Float64Array) => Array.from(v, String);
const parseReal = (v: number | string) => (typeof v === 'number' ? v : ({ NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 })[v]!);

describe('vectors/sharing/additive.v1.json', () => {
  const file = loadVectors('sharing/additive.v1.json');
  for (const { group, test } of allTests(file)) {
    const p = BigInt(group.params.p);
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const i = test.input;
      if (group.type === 'ShareTest') {
        const run = () => share(f64(i.values), fromSeed(unhex(i.seed)));
        if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
        const [s0, s1] = run();
        expect(out(s0)).toEqual(test.output.share0);
        expect(out(s1)).toEqual(test.output.share1);
        // Independent: share0 is the §7.2 sampler on the stream; share1 = values − share0.
        const values = big(i.values);
        const pad = uniformBelowSpec(new StreamReader(unhex(i.seed)), p, values.length).values;
        expect(str(pad)).toEqual(test.output.share0);
        big(test.output.share0).forEach((s, k) => expect(mod(s + BigInt(test.output.share1[k]), p)).toBe(values[k]));
      } else if (group.type === 'LocalOperationsTest') {
        const x = f64(i.x);
        const y = f64(i.y);
        const role = i.role as PartyRole;
        if (test.result === 'invalid') {
          const all = () => {
            addShares(x, y);
            subShares(x, y);
            scaleShare(x, Number(i.c));
            scaleShare(x, f64(i.cs));
            addPublic(role, x, Number(i.c));
          };
          return void expect(codeOf(all)).toBe(test.error);
        }
        const o = test.output;
        expect(out(addShares(x, y))).toEqual(o.addShares);
        expect(out(subShares(x, y))).toEqual(o.subShares);
        expect(out(negShare(x))).toEqual(o.negShare);
        expect(out(scaleShare(x, Number(i.c)))).toEqual(o.scaleShare);
        expect(out(scaleShare(x, f64(i.cs)))).toEqual(o.scaleShareVector);
        expect(out(addPublic(role, x, Number(i.c)))).toEqual(o.addPublic);
        const X = big(i.x);
        const Y = big(i.y);
        const c = BigInt(i.c);
        expect(str(X.map((v, k) => mod(v + Y[k], p)))).toEqual(o.addShares);
        expect(str(X.map((v, k) => mod(v - Y[k], p)))).toEqual(o.subShares);
        expect(str(X.map((v) => mod(-v, p)))).toEqual(o.negShare);
        expect(str(X.map((v) => mod(v * c, p)))).toEqual(o.scaleShare);
        expect(str(X.map((v, k) => mod(v * BigInt(i.cs[k]), p)))).toEqual(o.scaleShareVector);
        expect(str(X.map((v) => mod(v + (role === 0 ? c : 0n), p)))).toEqual(o.addPublic);
      } else {
        throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

describe('vectors/sharing/fixed-point.v1.json', () => {
  const file = loadVectors('sharing/fixed-point.v1.json');
  for (const { group, test } of allTests(file)) {
    const p = BigInt(group.params.p);
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      if (group.type === 'EncodeFixedTest') {
        const x = parseReal(test.input.x);
        const f = test.input.f as number;
        if (test.result === 'invalid') return void expect(codeOf(() => encodeFixed(x, f))).toBe(test.error);
        expect(String(encodeFixed(x, f))).toBe(test.output.encoded);
        expect(decodeFixed(Number(test.output.encoded), f)).toBe(parseReal(test.output.decoded));
        // Independent: the signed integer v = encoded (lifted) satisfies |v − x·2^f| ≤ 1/2, ties away from zero.
        const e = BigInt(test.output.encoded);
        const v = e > (p - 1n) / 2n ? e - p : e;
        const scaled = x * 2 ** f; // exact: a power-of-two scaling of a double
        const diff = Number(v) - scaled;
        expect(Math.abs(diff)).toBeLessThanOrEqual(0.5);
        if (Math.abs(diff) === 0.5) expect(Math.abs(Number(v))).toBeGreaterThan(Math.abs(scaled));
        if (x <= 0 && v === 0n) expect(test.output.encoded).toBe('0');
      } else if (group.type === 'DecodeFixedTest') {
        const run = () => decodeFixed(Number(test.input.w), test.input.f);
        if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
        expect(run()).toBe(parseReal(test.output.x));
        const w = BigInt(test.input.w);
        const v = w > (p - 1n) / 2n ? w - p : w;
        expect(Number(v) / 2 ** test.input.f).toBe(parseReal(test.output.x));
      } else {
        throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

describe('vectors/sharing/truncation.v1.json', () => {
  const file = loadVectors('sharing/truncation.v1.json');
  const floorDiv = (a: bigint, d: bigint) => (a >= 0n ? a / d : -((-a + d - 1n) / d));
  for (const { group, test } of allTests(file)) {
    const p = BigInt(group.params.p);
    it(`tcId ${test.tcId}: ${test.comment}`, () => {
      const { share0, share1, k } = test.input;
      if (test.result === 'invalid') {
        return void expect(codeOf(() => [truncateShare(0, f64(share0), k), truncateShare(1, f64(share1), k)])).toBe(test.error);
      }
      const o = test.output;
      expect(out(truncateShare(0, f64(share0), k))).toEqual(o.trunc0);
      expect(out(truncateShare(1, f64(share1), k))).toEqual(o.trunc1);
      const D = 1n << BigInt(k);
      const s0 = big(share0);
      const s1 = big(share1);
      const signed = (v: bigint) => (v > (p - 1n) / 2n ? v - p : v);
      const x = s0.map((v, i) => signed(mod(v + s1[i], p)));
      const u = s1.map((v) => mod(p - v, p));
      expect(str(x)).toEqual(test.intermediate.value);
      expect(str(u)).toEqual(test.intermediate.u);
      expect(str(s0.map((v) => v / D))).toEqual(o.trunc0);
      expect(str(u.map((v) => mod(p - v / D, p)))).toEqual(o.trunc1);
      const result = big(o.trunc0).map((v, i) => mod(v + BigInt(o.trunc1[i]), p));
      expect(str(result)).toEqual(o.result);
      expect(str(x.map((v) => mod(floorDiv(v, D), p)))).toEqual(o.plain);
      expect(out(truncatePlain(Float64Array.from(x.map((v) => Number(mod(v, p)))), k))).toEqual(o.plain);
      const wrapped = x.map((v, i) => (s0[i] - u[i] === v ? 0 : 1));
      expect(wrapped).toEqual(test.intermediate.wrapped);
      // §7.4.1: without a wrap the offset is 0 or 1 (exactly 0 for k = 0).
      o.offset.forEach((off: string, i: number) => {
        expect(BigInt(off)).toBe(signed(mod(result[i] - BigInt(o.plain[i]), p)));
        if (wrapped[i] === 0) expect(k === 0 ? ['0'] : ['0', '1']).toContain(off);
      });
      expect(test.flags.includes('Wrap')).toBe(wrapped.includes(1));
    });
  }
});
