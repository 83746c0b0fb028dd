/**
 * The free gates (XOR, INV, COPY, CONST) of the garbling kernels, written once for both schemes: half
 * gates (./halfgates.ts) and three halves (./threehalves.ts) differ only in their AND gates. Each
 * function handles one gate for all instances of a chunk (one pass over the contiguous label range
 * of its output slot), so it is called once per gate, not once per label word.
 *
 * Free-XOR (§5.6): the garbler's zero-labels satisfy C⁰ = A⁰ ⊕ B⁰ for XOR, C⁰ = A⁰ ⊕ Δ for INV and
 * v·Δ for a constant v (so that the active label is the all-zero block either way); the evaluator's
 * active labels follow the same rules with Δ = 0: C = A ⊕ B, C = A and 0.
 *
 * Internal: the checked API is in ./garble.ts.
 *
 * Spec: §5.6, §5.7, §5.13
 * @module
 */
import { GATE } from './circuit.js';
import type { LabelPlan } from './plan.js';

/**
 * The evaluator's Δ: with Δ = 0 the garbler's rules are the evaluator's (INV passes the label on,
 * a constant's label is zero), so one function serves both sides.
 */
export const EVALUATOR_DELTA: Int32Array = new Int32Array(4);

/**
 * The XOR gate: C = A ⊕ B over `width` words of the slots at word offsets pa, pb, pc. (The kernels'
 * gate loops write this one line out themselves, for speed: see halfgates.ts.)
 */
export function xorSlots(L: Int32Array, pa: number, pb: number, pc: number, width: number): void {
  for (let j = 0; j < width; j++) L[pc + j] = L[pa + j] ^ L[pb + j];
}

/**
 * Computes the labels of gate k's output slot for `width` words (4 per instance) when the gate is
 * free, and returns false (writing nothing) for an AND gate (the kernels do not call it for AND
 * gates). The garbler passes its Δ and gets zero-labels; the evaluator passes
 * {@link EVALUATOR_DELTA} and gets active labels. `C` is the chunk size of the label buffer `L`.
 */
export function freeGate(plan: LabelPlan, op: number, k: number, L: Int32Array, C: number, width: number, delta: Int32Array): boolean {
  const pc = plan.c[k] * C * 4;
  switch (op) {
    case GATE.XOR:
      xorSlots(L, plan.a[k] * C * 4, plan.b[k] * C * 4, pc, width);
      return true;
    case GATE.INV: {
      const pa = plan.a[k] * C * 4;
      const d0 = delta[0];
      const d1 = delta[1];
      const d2 = delta[2];
      const d3 = delta[3];
      for (let j = 0; j < width; j += 4) {
        L[pc + j] = L[pa + j] ^ d0;
        L[pc + j + 1] = L[pa + j + 1] ^ d1;
        L[pc + j + 2] = L[pa + j + 2] ^ d2;
        L[pc + j + 3] = L[pa + j + 3] ^ d3;
      }
      return true;
    }
    case GATE.COPY: {
      const pa = plan.a[k] * C * 4;
      for (let j = 0; j < width; j++) L[pc + j] = L[pa + j];
      return true;
    }
    case GATE.CONST: {
      // Zero-label v·Δ, so that the active label is the all-zero block for either constant.
      const m = -plan.a[k];
      const d0 = delta[0] & m;
      const d1 = delta[1] & m;
      const d2 = delta[2] & m;
      const d3 = delta[3] & m;
      for (let j = 0; j < width; j += 4) {
        L[pc + j] = d0;
        L[pc + j + 1] = d1;
        L[pc + j + 2] = d2;
        L[pc + j + 3] = d3;
      }
      return true;
    }
    default:
      return false;
  }
}
