/**
 * The linear algebra of three-halves garbling (§5.13), redone symbolically: every label half is a
 * GF(2)-linear form over (P_L, P_R, Q_L, Q_R, Δ_L, Δ_R). From the paper's RP, S₁, S₂ and the
 * control-bit rule, the four row equations of an AND gate must be consistent for every pair of
 * permute bits and random bits, their solution must be the kernels' table THREE_HALVES_FORMS, and
 * the matrix R_{ab} the evaluator decrypts must be uniform on a set that does not depend on the
 * permute bits (the "dicing" that hides them).
 */
import { describe, expect, it } from 'vitest';
import { THREE_HALVES_FORMS, THREE_HALVES_RP, THREE_HALVES_S1, THREE_HALVES_S2 } from '../../src/gc/threehalves.js';

const DL = 16;
const DR = 32;

/** Row r (4 bits over A_L, A_R, B_L, B_R) applied to A = P ⊕ aΔ, B = Q ⊕ bΔ, as a 6-bit form. */
function rowForm(r: number, a: number, b: number): number {
  let f = 0;
  if (r & 1) f ^= 1 | (a ? DL : 0);
  if (r & 2) f ^= 2 | (a ? DR : 0);
  if (r & 4) f ^= 4 | (b ? DL : 0);
  if (r & 8) f ^= 8 | (b ? DR : 0);
  return f;
}

/** The control bits (q₁, q₂) the evaluator decrypts at colours (a, b). */
function controls(alpha: number, beta: number, r0: number, r1: number, a: number, b: number): [number, number] {
  const c = a ^ b;
  return [r0 ^ (a & (1 ^ alpha)) ^ (c & (alpha ^ beta)), r1 ^ (b & (1 ^ beta)) ^ (c & (alpha ^ beta))];
}

function rMatrix(alpha: number, beta: number, r0: number, r1: number, a: number, b: number): number {
  const [q1, q2] = controls(alpha, beta, r0, r1, a, b);
  return THREE_HALVES_RP[2 * a + b] ^ (q1 ? THREE_HALVES_S1 : 0) ^ (q2 ? THREE_HALVES_S2 : 0);
}

describe('three-halves linear algebra', () => {
  it('the row equations are consistent and their solution is THREE_HALVES_FORMS', () => {
    let checked = 0;
    for (let index = 0; index < 16; index++) {
      const [alpha, beta, r1, r0] = [(index >> 3) & 1, (index >> 2) & 1, (index >> 1) & 1, index & 1];
      const f = (a: number, b: number): number => (a ^ alpha) & (b ^ beta);
      // Right-hand sides of row (a, b): R_{ab}·[A; B] ⊕ f(a, b)·Δ, left and right halves.
      const rhs = (a: number, b: number): [number, number] => {
        const R = rMatrix(alpha, beta, r0, r1, a, b);
        return [rowForm(R & 15, a, b) ^ (f(a, b) ? DL : 0), rowForm(R >> 4, a, b) ^ (f(a, b) ? DR : 0)];
      };
      const [cL, cR] = rhs(0, 0);
      const g2 = rhs(0, 1)[0] ^ cL;
      const g0 = rhs(1, 1)[0] ^ cL;
      const g1 = rhs(1, 1)[1] ^ cR;
      // Rows (0,1) right and (1,0) both halves follow from the five unknowns.
      expect(rhs(0, 1)[1] ^ cR).toBe(g1 ^ g2);
      expect(rhs(1, 0)[0] ^ cL).toBe(g0 ^ g2);
      expect(rhs(1, 0)[1] ^ cR).toBe(g2);
      expect(THREE_HALVES_FORMS[index]).toBe(g0 | (g1 << 6) | (g2 << 12) | (cL << 18) | (cR << 24));
      checked++;
    }
    expect(checked).toBe(16);
  });

  it('R_{ab} is uniform on RP[ab] ⊕ span(S₁, S₂) whatever the permute bits', () => {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        const views = new Set<string>();
        for (let alpha = 0; alpha < 2; alpha++) {
          for (let beta = 0; beta < 2; beta++) {
            const seen = [];
            for (let r = 0; r < 4; r++) seen.push(rMatrix(alpha, beta, r & 1, r >> 1, a, b));
            views.add(JSON.stringify(seen.sort((x, y) => x - y)));
          }
        }
        expect(views.size).toBe(1);
        const rp = THREE_HALVES_RP[2 * a + b];
        expect(JSON.parse([...views][0])).toEqual([rp, rp ^ THREE_HALVES_S1, rp ^ THREE_HALVES_S2, rp ^ THREE_HALVES_S1 ^ THREE_HALVES_S2].sort((x, y) => x - y));
      }
    }
  });

  it('S₁, S₂ and the paper-sized table: 5 control bits, 3 half-ciphertexts', () => {
    expect(THREE_HALVES_S1).toBe(0b1001_0111); // [[1 1 1 0], [1 0 0 1]], left row in the low nibble
    expect(THREE_HALVES_S2).toBe(0b1110_1001); // [[1 0 0 1], [0 1 1 1]]
    expect(THREE_HALVES_FORMS.every((k) => k >>> 30 === 0)).toBe(true);
  });
});
