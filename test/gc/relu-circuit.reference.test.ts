/**
 * The ReLU circuits against src/sharing/activations.ts (reluFixed, relu6Fixed) in plaintext: every edge
 * case (y = 0, ±1, (p−1)/2, (p+1)/2, p−1, the truncation and ReLU6 boundaries, shares that wrap or
 * not, masks 0 and p−1) and 10^4 random inputs per configuration, for both constructions, via the
 * 32-lane evaluator. AND counts are pinned.
 */
import { describe, expect, it } from 'vitest';
import { reluCircuit, reluCircuitStraightforward, reluGarblerValues, SHARE_BITS, type ReluKind } from '../../src/gc/relu-circuit.js';
import { evaluateWords } from '../../src/gc/plain.js';
import type { Circuit } from '../../src/gc/circuit.js';
import { P, P_HALF, toSigned } from '../../src/math/share-field.js';
import { relu6Fixed, reluFixed } from '../../src/sharing/activations.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

/** (act(y) + m) mod p with y = (c + s) mod p signed: the specification, from src/nn. */
function expected(kind: ReluKind, f: number, c: number, s: number, m: number): number {
  const y = toSigned((c + s) % P);
  const r = kind === 'relu' ? reluFixed(y, f) : relu6Fixed(y, f);
  return (r + m) % P;
}

/** Evaluates a ReLU circuit on triples (c, s, m), 32 at a time. */
function run(circuit: Circuit, triples: [number, number, number][], shifted: boolean, f: number): number[] {
  const out: number[] = [];
  for (let k0 = 0; k0 < triples.length; k0 += 32) {
    const batch = triples.slice(k0, k0 + 32);
    const words = new Int32Array(3 * SHARE_BITS);
    batch.forEach(([c, s, m], lane) => {
      const [gs, gm] = shifted ? reluGarblerValues(s, m, f) : [s, m];
      for (let i = 0; i < SHARE_BITS; i++) {
        const bit = (v: number): number => Math.floor(v / 2 ** i) % 2;
        words[i] |= bit(c) << lane;
        words[SHARE_BITS + i] |= bit(gs) << lane;
        words[2 * SHARE_BITS + i] |= bit(gm) << lane;
      }
    });
    const res = evaluateWords(circuit, words);
    batch.forEach((_, lane) => {
      let v = 0;
      for (let i = SHARE_BITS - 1; i >= 0; i--) v = v * 2 + ((res[i] >>> lane) & 1);
      out.push(v);
    });
  }
  return out;
}

/** Shares (c, s) of y: s uniform, and also the two "no wrap" and "wrap" extremes. */
function sharesOf(y: number, rngPick: () => number): [number, number][] {
  const yf = ((y % P) + P) % P;
  const s = rngPick();
  return [
    [(yf - s + P) % P, s],
    [yf, 0],
    [0, yf],
    [(yf + 1) % P, P - 1], // c + s = yf + p: wraps
    [P - 1, (yf + 1) % P],
  ];
}

function edgeValues(f: number): number[] {
  const two = (k: number): number => 2 ** k;
  const vs = [0, 1, -1, 2, -2, P_HALF, -P_HALF, P_HALF - 1, -(P_HALF - 1), two(f) - 1, two(f), two(f) + 1, -two(f), -two(f) + 1];
  for (const cap of [6 * two(2 * f)]) vs.push(cap - 1, cap, cap + 1, cap - two(f), cap + two(f) - 1, cap + two(f));
  for (const k of [36, 37, 40]) vs.push(two(k) - 1, two(k), two(k) + 1, -two(k));
  return vs.filter((v) => Math.abs(v) <= P_HALF);
}

const CONFIGS: [ReluKind, number][] = [
  ['relu', 8],
  ['relu6', 8],
  ['relu', 0],
  ['relu6', 0],
  ['relu', 12],
  ['relu6', 12],
  ['relu6', 18],
  ['relu6', 19],
  ['relu', 36],
];

describe('ReLU circuits = reluFixed / relu6Fixed (src/nn)', () => {
  for (const [kind, f] of CONFIGS) {
    describe(`${kind}, f = ${f}`, () => {
      const rng = fromTextSeed(`gc/relu/${kind}/${f}`);
      const pick = (): number => uniformBelow(rng, P);
      const triples: [number, number, number][] = [];
      for (const y of edgeValues(f)) for (const [c, s] of sharesOf(y, pick)) for (const m of [0, 1, P - 1, pick()]) triples.push([c, s, m]);
      for (let i = 0; i < 10_000; i++) triples.push([pick(), pick(), pick()]);
      // random small |y| too, where the activation is most often non-trivial
      for (let i = 0; i < 2000; i++) {
        const k = Math.min(2 * f + 3, 40);
        const y = uniformBelow(rng, 2 ** (k + 1)) - 2 ** k;
        const [c, s] = sharesOf(y, pick)[0];
        triples.push([c, s, pick()]);
      }
      const want = triples.map(([c, s, m]) => expected(kind, f, c, s, m));
      it(`optimised circuit on ${triples.length} inputs`, () => {
        const got = run(reluCircuit({ kind, shift: f }), triples, true, f);
        const bad = got.findIndex((v, i) => v !== want[i]);
        expect(bad, bad >= 0 ? `(c, s, m) = ${triples[bad]}: got ${got[bad]}, want ${want[bad]}` : '').toBe(-1);
      });
      it(`straightforward circuit on ${triples.length} inputs`, () => {
        const got = run(reluCircuitStraightforward({ kind, shift: f }), triples, false, f);
        const bad = got.findIndex((v, i) => v !== want[i]);
        expect(bad, bad >= 0 ? `(c, s, m) = ${triples[bad]}: got ${got[bad]}, want ${want[bad]}` : '').toBe(-1);
      });
    });
  }
});

describe('AND gates per ReLU', () => {
  it('optimised: 258 for ReLU, 292 for ReLU6 (f = 8)', () => {
    expect(reluCircuit({ kind: 'relu' }).counts.and).toBe(258);
    expect(reluCircuit({ kind: 'relu6' }).counts.and).toBe(292);
  });
  it('straightforward: 317 for ReLU, 373 for ReLU6 (f = 8)', () => {
    expect(reluCircuitStraightforward({ kind: 'relu' }).counts.and).toBe(317);
    expect(reluCircuitStraightforward({ kind: 'relu6' }).counts.and).toBe(373);
  });
  it('the optimised ReLU needs 258 AND gates for every shift; ReLU6 beyond f = 18 is ReLU', () => {
    for (const shift of [0, 1, 8, 20, 36]) expect(reluCircuit({ shift }).counts.and).toBe(258);
    expect(reluCircuit({ kind: 'relu6', shift: 19 }).counts.and).toBe(258);
  });
});
