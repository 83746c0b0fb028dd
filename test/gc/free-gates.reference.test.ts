/**
 * freeGate (§5.6) against the free-XOR rules written out word by word: for every free gate, random
 * labels in a chunk of C instances, the garbler's Δ and the evaluator's all-zero Δ. The kernels call
 * xorSlots directly for XOR, so freeGate's own XOR case is checked here.
 */
import { describe, expect, it } from 'vitest';
import { GATE } from '../../src/gc/circuit.js';
import { EVALUATOR_DELTA, freeGate, xorSlots } from '../../src/gc/free-gates.js';
import type { LabelPlan } from '../../src/gc/plan.js';
import { fromTextSeed } from '../../src/random/index.js';

const C = 3; // instances per chunk
const SLOTS = 4;

function randomLabels(seed: string): Int32Array {
  return new Int32Array(fromTextSeed(seed).bytes(4 * 4 * C * SLOTS).buffer);
}

/** Gate 1 of the plan reads slots 2 (a; or the constant) and 1 (b) and writes slot 3. */
function plan(a: number): LabelPlan {
  return { slots: SLOTS, inputSlots: new Int32Array(0), a: Int32Array.of(0, a), b: Int32Array.of(0, 1), c: Int32Array.of(0, 3), outputSlots: new Int32Array(0) };
}

const slot = (L: Int32Array, s: number): number[] => Array.from(L.subarray(s * C * 4, (s + 1) * C * 4));

describe('freeGate: the free-XOR rules, garbler (Δ) and evaluator (Δ = 0)', () => {
  const delta = Int32Array.of(0x12345679, -0x0edcba99, 0x7fffffff, -0x80000000);
  for (const [name, d] of [['garbler', delta], ['evaluator', EVALUATOR_DELTA]] as const) {
    it(`${name}: XOR, INV, COPY, CONST 0/1 write exactly slot 3; AND writes nothing and returns false`, () => {
      const width = 4 * C;
      const cases: [number, number, (a: number[], b: number[], j: number) => number][] = [
        [GATE.XOR, 2, (a, b, j) => a[j] ^ b[j]],
        [GATE.INV, 2, (a, _b, j) => a[j] ^ d[j % 4]],
        [GATE.COPY, 2, (a, _b, j) => a[j]],
        [GATE.CONST, 0, (_a, _b, j) => 0 * d[j % 4]],
        [GATE.CONST, 1, (_a, _b, j) => d[j % 4]],
      ];
      for (const [op, a, rule] of cases) {
        const L = randomLabels(`free gates ${name} ${op} ${a}`);
        const before = Array.from(L);
        expect(freeGate(plan(a), op, 1, L, C, width, d)).toBe(true);
        const A = slot(Int32Array.from(before), 2);
        const B = slot(Int32Array.from(before), 1);
        expect(slot(L, 3)).toEqual(A.map((_, j) => rule(A, B, j) | 0));
        for (const s of [0, 1, 2]) expect(slot(L, s)).toEqual(slot(Int32Array.from(before), s));
      }
      const L = randomLabels(`free gates ${name} and`);
      const before = Array.from(L);
      expect(freeGate(plan(2), GATE.AND, 1, L, C, width, d)).toBe(false);
      expect(Array.from(L)).toEqual(before);
    });
  }
  it('XOR through freeGate equals xorSlots on the same offsets', () => {
    const L1 = randomLabels('xor slots');
    const L2 = Int32Array.from(L1);
    freeGate(plan(2), GATE.XOR, 1, L1, C, 4 * C, EVALUATOR_DELTA);
    xorSlots(L2, 2 * C * 4, 1 * C * 4, 3 * C * 4, 4 * C);
    expect(Array.from(L1)).toEqual(Array.from(L2));
  });
  it('xorSlots writes exactly `width` words: the slot after the output is untouched', () => {
    const L = Int32Array.from({ length: 12 }, (_, i) => (i + 1) * 0x01010101);
    const before = Array.from(L);
    xorSlots(L, 0, 4, 8 - 4, 4); // C ⊕ into words 4..7 from words 0..3 and 4..7, word 8 onwards kept
    expect(Array.from(L.subarray(4, 8))).toEqual(before.slice(0, 4).map((x, j) => x ^ before[4 + j]));
    expect(Array.from(L.subarray(8))).toEqual(before.slice(8));
    expect(Array.from(L.subarray(0, 4))).toEqual(before.slice(0, 4));
  });
});
