/**
 * The arithmetic gadgets against BigInt: exhaustively at 4 bits, on random and edge-case operands
 * at 41 and 64 bits, and on the share-field modulus p = 2061584302081. AND counts are pinned.
 */
import { describe, expect, it } from 'vitest';
import { CircuitBuilder, type Wire } from '../../src/gc/builder.js';
import type { Circuit } from '../../src/gc/circuit.js';
import { addBits, addModPBits, greaterOrEqual, lessThan, mux, subModPBits, subtractBits } from '../../src/gc/gadgets.js';
import { evaluatePlain } from '../../src/gc/plain.js';
import { P_BIG } from '../../src/math/share-field.js';
import { fromTextSeed, uniformBigintBelow } from '../../src/random/index.js';
import { randomBigint } from './helpers.js';

type Gadget = (b: CircuitBuilder, x: Wire[], y: Wire[], s: Wire) => Wire[];

/** A circuit with inputs x, y (n bits, garbler/evaluator) and a 1-bit s, outputting the gadget. */
function circuitOf(n: number, g: Gadget): Circuit {
  const b = new CircuitBuilder();
  const x = b.input('garbler', n);
  const y = b.input('evaluator', n);
  const s = b.input('evaluator', 1)[0];
  b.output(g(b, x, y, s));
  return b.build();
}

function pairs(n: number, count: number, bound: bigint = 1n << BigInt(n), label = `gadgets/${n}`): [bigint, bigint][] {
  const rng = fromTextSeed(label);
  const edge = [0n, 1n, bound - 1n, bound / 2n, bound / 2n - 1n];
  const out: [bigint, bigint][] = [];
  for (const a of edge) for (const c of edge) out.push([a, c]);
  for (let i = 0; i < count; i++) out.push([uniformBigintBelow(rng, bound), uniformBigintBelow(rng, bound)]);
  return out;
}

const all4: [bigint, bigint][] = [];
for (let a = 0n; a < 16n; a++) for (let c = 0n; c < 16n; c++) all4.push([a, c]);

describe('ripple-carry adder, subtractor, comparator, mux', () => {
  for (const n of [4, 41, 64]) {
    const M = (1n << BigInt(n)) - 1n;
    const cases = n === 4 ? all4 : pairs(n, 300);
    it(`${n} bits: addBits = x + y + cin (sum and carry), n AND gates`, () => {
      const c = circuitOf(n, (b, x, y, s) => {
        const { sum, carry } = addBits(b, x, y, s);
        return [...sum, carry];
      });
      expect(c.counts.and).toBe(n);
      for (const [x, y] of cases) for (const s of [0n, 1n]) expect(evaluatePlain(c, [x, y, s])).toEqual([x + y + s]);
    });
    it(`${n} bits: subtractBits = x − y − bin mod 2^n with borrow, n AND gates`, () => {
      const c = circuitOf(n, (b, x, y, s) => {
        const { difference, borrow } = subtractBits(b, x, y, s);
        return [...difference, borrow];
      });
      expect(c.counts.and).toBe(n);
      for (const [x, y] of cases) {
        for (const s of [0n, 1n]) {
          const d = x - y - s;
          expect(evaluatePlain(c, [x, y, s])).toEqual([(d & M) | (d < 0n ? 1n << BigInt(n) : 0n)]);
        }
      }
    });
    it(`${n} bits: lessThan / greaterOrEqual, n AND gates`, () => {
      const c = circuitOf(n, (b, x, y) => [lessThan(b, x, y), greaterOrEqual(b, x, y)]);
      expect(c.counts.and).toBe(n);
      for (const [x, y] of cases) expect(evaluatePlain(c, [x, y, 0n])).toEqual([x < y ? 0b01n : 0b10n]);
    });
    it(`${n} bits: mux, n AND gates`, () => {
      const c = circuitOf(n, (b, x, y, s) => mux(b, s, x, y));
      expect(c.counts.and).toBe(n);
      for (const [x, y] of cases) {
        expect(evaluatePlain(c, [x, y, 0n])).toEqual([x]);
        expect(evaluatePlain(c, [x, y, 1n])).toEqual([y]);
      }
    });
  }
});

describe('modular addition and subtraction', () => {
  const moduli: [string, bigint][] = [
    ['p = 13', 13n],
    ['p = 2^31 − 1', 2n ** 31n - 1n],
    ['share field p = 2061584302081', P_BIG],
  ];
  for (const [name, p] of moduli) {
    const n = p.toString(2).length;
    const cases = pairs(n, 400, p, `gadgets/mod/${p}`);
    it(`${name}: addModPBits = (x + y) mod p in 3n − 1 AND gates (odd p)`, () => {
      const c = circuitOf(n, (b, x, y) => addModPBits(b, x, y, p));
      expect(c.counts.and).toBe(3 * n - 1);
      for (const [x, y] of cases) expect(evaluatePlain(c, [x, y, 0n])).toEqual([(x + y) % p]);
    });
    it(`${name}: subModPBits = (x − y) mod p in 3n − 3 AND gates (odd p)`, () => {
      const c = circuitOf(n, (b, x, y) => subModPBits(b, x, y, p));
      expect(c.counts.and).toBe(3 * n - 3);
      for (const [x, y] of cases) expect(evaluatePlain(c, [x, y, 0n])).toEqual([(((x - y) % p) + p) % p]);
    });
  }
  it('refuses operands of the wrong width', () => {
    const b = new CircuitBuilder();
    const x = b.input('garbler', 5);
    expect(() => addModPBits(b, x, x, 13n)).toThrow(/4 bits/);
  });
});

describe('random 64-bit adder sanity against the Bristol-style reference', () => {
  it('addBits without carry in equals (x + y) mod 2^64 on 500 random pairs', () => {
    const rng = fromTextSeed('gadgets/adder64');
    const c = circuitOf(64, (b, x, y) => addBits(b, x, y).sum);
    for (let i = 0; i < 500; i++) {
      const x = randomBigint(rng, 64);
      const y = randomBigint(rng, 64);
      expect(evaluatePlain(c, [x, y, 0n])).toEqual([(x + y) & ((1n << 64n) - 1n)]);
    }
  });
});
