/**
 * The three-halves kernels (Rosulek and Roy, "Three Halves Make a Whole? Beating the Half-Gates
 * Lower Bound for Garbled Circuits", CRYPTO 2021): garbling and evaluation of many instances of one
 * circuit at once, gate by gate, with the same label slots and chunks as the half-gates kernels of
 * ./halfgates.ts. An AND gate costs three half-ciphertexts G₀, G₁, G₂ (64 bits each) and five
 * control bits z₀ … z₄ instead of two 128-bit ciphertexts. The garbler hashes 6 points per gate
 * (P, P ⊕ Δ, Q, Q ⊕ Δ, P ⊕ Q, P ⊕ Q ⊕ Δ), the evaluator 3 (A, B, A ⊕ B), each batch in one call of the
 * AES backend.
 *
 * A label X is split into halves X_L = words 0, 1 (the low 64 bits, holding the colour bit) and
 * X_R = words 2, 3. In memory a gate's table is 7 words: G₀, G₁, G₂ (two words each, low word first)
 * and a word whose bits 0 … 4 are z₀ … z₄ (§5.13; the byte encoding packs the bits, §5.9).
 *
 * Internal: the checked API is in ./garble.ts.
 *
 * Spec: §5.13
 * @module
 */
import { GATE } from './circuit.js';
import { EVALUATOR_DELTA, freeGate } from './free-gates.js';
import type { KernelJob, KernelScratch } from './halfgates.js';

/** Words of one AND gate's table in memory: G₀, G₁, G₂ (2 words each) and the control bits. Spec: §5.13 */
export const THREE_HALVES_TABLE_WORDS = 7;
/** Bytes of one AND gate's half-ciphertexts on the wire (the 5 control bits are packed apart). Spec: §5.13 */
export const THREE_HALVES_CIPHERTEXT_BYTES = 24;
/** Control bits per AND gate. Spec: §5.13 */
export const THREE_HALVES_CONTROL_BITS = 5;
/**
 * Word 3 of every three-halves tweak block: bit 127 set, so that no AES input of a three-halves
 * hash equals one of a half-gates hash (whose tweak blocks have words 2 and 3 zero). Spec: §5.13
 */
export const THREE_HALVES_DOMAIN = 0x80000000 | 0;

/**
 * The evaluator's matrices R (§5.13), 8 bits each: bit k < 4 is the coefficient of the k-th of
 * (A_L, A_R, B_L, B_R) in the left output half, bit 4 + k the same for the right half.
 * R_{ab} = RP[2a + b] ⊕ q₁·S₁ ⊕ q₂·S₂ for colour bits a, b and decrypted control bits q₁, q₂.
 */
export const THREE_HALVES_RP: readonly number[] = [0x24, 0x04, 0x20, 0x00];
/** S₁ = [[1 1 1 0], [1 0 0 1]]. Spec: §5.13 */
export const THREE_HALVES_S1 = 0x97;
/** S₂ = [[1 0 0 1], [0 1 1 1]]. Spec: §5.13 */
export const THREE_HALVES_S2 = 0xe9;

/**
 * The garbler's linear forms (§5.13), indexed by 8α + 4β + 2r₁ + r₀ (α, β the permute bits of the
 * input wires, r₀, r₁ the gate's two random bits): five 6-bit forms at bits 6k … 6k + 5, for
 * k = 0 … 4 the masks g₀, g₁, g₂ of the half-ciphertexts and the offsets c_L, c_R of the output
 * zero-label. Bit m of a form is the coefficient of the m-th of (P_L, P_R, Q_L, Q_R, Δ_L, Δ_R),
 * P and Q the colour-0 labels of the input wires. Derived from RP, S₁ and S₂ as in §5.13 (the test
 * `threehalves.derivation.test.ts` repeats the derivation).
 */
export const THREE_HALVES_FORMS: readonly number[] = [
  0x0213914a, 0x0b0e9d6a, 0x0c35957a, 0x0528995a, 0x0212eee3, 0x0b0fe2c3, 0x0c34ead3, 0x0529e6f3, 0x0211773d, 0x0b0c7b1d, 0x0c37730d, 0x052a7f2d, 0x22500894,
  0x2b4d04b4, 0x2c760ca4, 0x256b0084,
];

const TWO32 = 4294967296;

/** Scratch words per instance for the AES inputs of one AND gate (6 blocks for the garbler). */
export const THREE_HALVES_SCRATCH_BLOCKS = 6;

/**
 * Garbles instances first … first + n − 1 (n ≤ scratch.chunk) whose input zero-labels are in the
 * input slots of `s.labels` (scratch built with 6 blocks per instance). Gate g of instance i reads
 * its random bits r₀, r₁ from bits 2(k mod 4), 2(k mod 4) + 1 of dice[k >> 2], k = i·andCount + g,
 * and writes its 7-word table at k · 7. Leaves the output zero-labels in their slots.
 */
export function garbleChunk3(job: KernelJob, delta: Int32Array, s: KernelScratch, first: number, n: number, tables: Int32Array, dice: Uint8Array): void {
  const { plan, op, andCount, firstGateId, aes } = job;
  const { a, b, c } = plan;
  const C = s.chunk;
  const L = s.labels;
  const X = s.x;
  const Y = s.y;
  const d0 = delta[0];
  const d1 = delta[1];
  const d2 = delta[2];
  const d3 = delta[3];
  const e2 = d0 ^ d2; // σ(Δ) = (d2, d3, d0 ⊕ d2, d1 ⊕ d3)
  const e3 = d1 ^ d3;
  const width = 4 * n;
  let g = 0;
  for (let k = 0; k < op.length; k++) {
    // XOR first, written out here (a call to the shared xorSlots, whose type feedback all four kernels
    // share, cost 1.2× on one AES instance): it is most gates of circuits such as AES. Other free gates
    // go to freeGate; AND gates never make that call.
    if (op[k] === GATE.XOR) {
      const pa = a[k] * C * 4;
      const pb = b[k] * C * 4;
      const pc = c[k] * C * 4;
      for (let j = 0; j < width; j++) L[pc + j] = L[pa + j] ^ L[pb + j];
      continue;
    }
    if (op[k] !== GATE.AND) {
      freeGate(plan, op[k], k, L, C, width, delta);
      continue;
    }
    const pc = c[k] * C * 4;
    // AND: the AES inputs σ(x) ⊕ T of x = P, P ⊕ Δ, Q, Q ⊕ Δ, P ⊕ Q, P ⊕ Q ⊕ Δ (24 words per
    // instance), P and Q the colour-0 labels, T the tweak blocks of 3G, 3G + 1, 3G + 2.
    const pa = a[k] * C * 4;
    const pb = b[k] * C * 4;
    let tw = 3 * (firstGateId + first * andCount + g);
    const stride = 3 * andCount;
    for (let i = 0; i < n; i++, tw += stride) {
      const ia = pa + 4 * i;
      const ib = pb + 4 * i;
      const ma = -(L[ia] & 1);
      const mb = -(L[ib] & 1);
      const p0 = L[ia] ^ (d0 & ma);
      const p1 = L[ia + 1] ^ (d1 & ma);
      const p2 = L[ia + 2] ^ (d2 & ma);
      const p3 = L[ia + 3] ^ (d3 & ma);
      const q0 = L[ib] ^ (d0 & mb);
      const q1 = L[ib + 1] ^ (d1 & mb);
      const q2 = L[ib + 2] ^ (d2 & mb);
      const q3 = L[ib + 3] ^ (d3 & mb);
      const x = 24 * i;
      writeInputPair(X, x, p0, p1, p2, p3, tw, d2, d3, e2, e3);
      writeInputPair(X, x + 8, q0, q1, q2, q3, tw + 1, d2, d3, e2, e3);
      writeInputPair(X, x + 16, p0 ^ q0, p1 ^ q1, p2 ^ q2, p3 ^ q3, tw + 2, d2, d3, e2, e3);
    }
    aes.encryptWords(X, Y, 6 * n);
    for (let i = 0; i < n; i++) {
      const ia = pa + 4 * i;
      const ib = pb + 4 * i;
      const alpha = L[ia] & 1;
      const beta = L[ib] & 1;
      const ma = -alpha;
      const mb = -beta;
      const p0 = L[ia] ^ (d0 & ma);
      const p1 = L[ia + 1] ^ (d1 & ma);
      const p2 = L[ia + 2] ^ (d2 & ma);
      const p3 = L[ia + 3] ^ (d3 & ma);
      const q0 = L[ib] ^ (d0 & mb);
      const q1 = L[ib + 1] ^ (d1 & mb);
      const q2 = L[ib + 2] ^ (d2 & mb);
      const q3 = L[ib + 3] ^ (d3 & mb);
      const s0 = p0 ^ q0;
      const s2 = p2 ^ q2;
      const s3 = p3 ^ q3;
      const y = 24 * i;
      const gi = (first + i) * andCount + g;
      const r = (dice[gi >> 2] >> (2 * (gi & 3))) & 3;
      const K = THREE_HALVES_FORMS[(alpha << 3) | (beta << 2) | r];
      // Half hashes (words 0, 1 of H(x, t) = π(X) ⊕ σ(x)) and their control bits (bit 0 of word 2).
      const h10a = Y[y] ^ p2;
      const h10b = Y[y + 1] ^ p3;
      const h20a = Y[y + 8] ^ q2;
      const h20b = Y[y + 9] ^ q3;
      const h30a = Y[y + 16] ^ s2;
      const h30b = Y[y + 17] ^ s3;
      const hb10 = Y[y + 2] ^ p0 ^ p2;
      const hb20 = Y[y + 10] ^ q0 ^ q2;
      const hb30 = Y[y + 18] ^ s0 ^ s2;
      const tp = gi * 7;
      // G_k = H(x) ⊕ H(x ⊕ Δ) ⊕ g_k(P, Q, Δ); the σ(x) terms cancel up to σ(Δ).
      tables[tp] = Y[y] ^ Y[y + 4] ^ d2 ^ form(K, p0, p2, q0, q2, d0, d2);
      tables[tp + 1] = Y[y + 1] ^ Y[y + 5] ^ d3 ^ form(K, p1, p3, q1, q3, d1, d3);
      tables[tp + 2] = Y[y + 8] ^ Y[y + 12] ^ d2 ^ form(K >> 6, p0, p2, q0, q2, d0, d2);
      tables[tp + 3] = Y[y + 9] ^ Y[y + 13] ^ d3 ^ form(K >> 6, p1, p3, q1, q3, d1, d3);
      tables[tp + 4] = Y[y + 16] ^ Y[y + 20] ^ d2 ^ form(K >> 12, p0, p2, q0, q2, d0, d2);
      tables[tp + 5] = Y[y + 17] ^ Y[y + 21] ^ d3 ^ form(K >> 12, p1, p3, q1, q3, d1, d3);
      tables[tp + 6] =
        ((hb10 ^ hb30 ^ r) & 1) |
        (((hb20 ^ hb30 ^ (r >> 1)) & 1) << 1) |
        (((1 ^ alpha ^ Y[y + 2] ^ Y[y + 6] ^ e2) & 1) << 2) |
        (((1 ^ beta ^ Y[y + 10] ^ Y[y + 14] ^ e2) & 1) << 3) |
        (((alpha ^ beta ^ Y[y + 18] ^ Y[y + 22] ^ e2) & 1) << 4);
      // Output zero-label C = [H(P) ⊕ H(P ⊕ Q) ⊕ c_L ; H(Q) ⊕ H(P ⊕ Q) ⊕ c_R].
      const o = pc + 4 * i;
      L[o] = h10a ^ h30a ^ form(K >> 18, p0, p2, q0, q2, d0, d2);
      L[o + 1] = h10b ^ h30b ^ form(K >> 18, p1, p3, q1, q3, d1, d3);
      L[o + 2] = h20a ^ h30a ^ form(K >> 24, p0, p2, q0, q2, d0, d2);
      L[o + 3] = h20b ^ h30b ^ form(K >> 24, p1, p3, q1, q3, d1, d3);
    }
    g++;
  }
}

/** One word of a linear form m (low 6 bits) over (P_L, P_R, Q_L, Q_R, Δ_L, Δ_R), given that word of each half. */
function form(m: number, pl: number, pr: number, ql: number, qr: number, dl: number, dr: number): number {
  return (pl & -(m & 1)) ^ (pr & -((m >> 1) & 1)) ^ (ql & -((m >> 2) & 1)) ^ (qr & -((m >> 3) & 1)) ^ (dl & -((m >> 4) & 1)) ^ (dr & -((m >> 5) & 1));
}

/** Writes σ(x) ⊕ T(t) at X[o …] and σ(x ⊕ Δ) ⊕ T(t) at X[o + 4 …]. */
function writeInputPair(X: Int32Array, o: number, x0: number, x1: number, x2: number, x3: number, t: number, d2: number, d3: number, e2: number, e3: number): void {
  const w0 = x2 ^ t;
  const w1 = x3 ^ Math.floor(t / TWO32);
  const w2 = x0 ^ x2;
  const w3 = x1 ^ x3 ^ THREE_HALVES_DOMAIN;
  X[o] = w0;
  X[o + 1] = w1;
  X[o + 2] = w2;
  X[o + 3] = w3;
  X[o + 4] = w0 ^ d2;
  X[o + 5] = w1 ^ d3;
  X[o + 6] = w2 ^ e2;
  X[o + 7] = w3 ^ e3;
}

/** Writes σ(x) ⊕ T(t) at X[o …]. */
function writeInput(X: Int32Array, o: number, x0: number, x1: number, x2: number, x3: number, t: number): void {
  X[o] = x2 ^ t;
  X[o + 1] = x3 ^ Math.floor(t / TWO32);
  X[o + 2] = x0 ^ x2;
  X[o + 3] = x1 ^ x3 ^ THREE_HALVES_DOMAIN;
}

/**
 * Evaluates instances first … first + n − 1 from the active labels in the input slots, reading each
 * AND gate's 7-word table at (i·andCount + g) · 7. Leaves the active output labels in their slots.
 */
export function evaluateChunk3(job: KernelJob, s: KernelScratch, first: number, n: number, tables: Int32Array): void {
  const { plan, op, andCount, firstGateId, aes } = job;
  const { a, b, c } = plan;
  const C = s.chunk;
  const L = s.labels;
  const X = s.x;
  const Y = s.y;
  const width = 4 * n;
  let g = 0;
  for (let k = 0; k < op.length; k++) {
    // XOR first, written out here (a call to the shared xorSlots, whose type feedback all four kernels
    // share, cost 1.2× on one AES instance): it is most gates of circuits such as AES. Other free gates
    // go to freeGate; AND gates never make that call.
    if (op[k] === GATE.XOR) {
      const pa = a[k] * C * 4;
      const pb = b[k] * C * 4;
      const pc = c[k] * C * 4;
      for (let j = 0; j < width; j++) L[pc + j] = L[pa + j] ^ L[pb + j];
      continue;
    }
    if (op[k] !== GATE.AND) {
      freeGate(plan, op[k], k, L, C, width, EVALUATOR_DELTA);
      continue;
    }
    const pc = c[k] * C * 4;
    const pa = a[k] * C * 4;
    const pb = b[k] * C * 4;
    let tw = 3 * (firstGateId + first * andCount + g);
    const stride = 3 * andCount;
    for (let i = 0; i < n; i++, tw += stride) {
      const ia = pa + 4 * i;
      const ib = pb + 4 * i;
      const x = 12 * i;
      writeInput(X, x, L[ia], L[ia + 1], L[ia + 2], L[ia + 3], tw);
      writeInput(X, x + 4, L[ib], L[ib + 1], L[ib + 2], L[ib + 3], tw + 1);
      writeInput(X, x + 8, L[ia] ^ L[ib], L[ia + 1] ^ L[ib + 1], L[ia + 2] ^ L[ib + 2], L[ia + 3] ^ L[ib + 3], tw + 2);
    }
    aes.encryptWords(X, Y, 3 * n);
    for (let i = 0; i < n; i++) {
      const ia = pa + 4 * i;
      const ib = pb + 4 * i;
      const a0 = L[ia];
      const a1 = L[ia + 1];
      const a2 = L[ia + 2];
      const a3 = L[ia + 3];
      const b0 = L[ib];
      const b1 = L[ib + 1];
      const b2 = L[ib + 2];
      const b3 = L[ib + 3];
      const ca = a0 & 1;
      const cb = b0 & 1;
      const cc = ca ^ cb;
      const y = 12 * i;
      const s0 = a0 ^ b0;
      const s2 = a2 ^ b2;
      const s3 = a3 ^ b3;
      const tp = ((first + i) * andCount + g) * 7;
      const z = tables[tp + 6];
      const hb1 = Y[y + 2] ^ a0 ^ a2;
      const hb2 = Y[y + 6] ^ b0 ^ b2;
      const hb3 = Y[y + 10] ^ s0 ^ s2;
      const q1 = (z ^ ((z >> 2) & -ca) ^ ((z >> 4) & -cc) ^ hb1 ^ hb3) & 1;
      const q2 = ((z >> 1) ^ ((z >> 3) & -cb) ^ ((z >> 4) & -cc) ^ hb2 ^ hb3) & 1;
      const R = THREE_HALVES_RP[(ca << 1) | cb] ^ (THREE_HALVES_S1 & -q1) ^ (THREE_HALVES_S2 & -q2);
      const h3a = Y[y + 8] ^ s2;
      const h3b = Y[y + 9] ^ s3;
      const g2a = tables[tp + 4] & -cc;
      const g2b = tables[tp + 5] & -cc;
      const o = pc + 4 * i;
      // C_L = H(A) ⊕ H(A ⊕ B) ⊕ a·G₀ ⊕ (a ⊕ b)·G₂ ⊕ R_top·[A; B], C_R likewise with H(B), b·G₁.
      L[o] = Y[y] ^ a2 ^ h3a ^ (tables[tp] & -ca) ^ g2a ^ rowOf(R, a0, a2, b0, b2);
      L[o + 1] = Y[y + 1] ^ a3 ^ h3b ^ (tables[tp + 1] & -ca) ^ g2b ^ rowOf(R, a1, a3, b1, b3);
      L[o + 2] = Y[y + 4] ^ b2 ^ h3a ^ (tables[tp + 2] & -cb) ^ g2a ^ rowOf(R >> 4, a0, a2, b0, b2);
      L[o + 3] = Y[y + 5] ^ b3 ^ h3b ^ (tables[tp + 3] & -cb) ^ g2b ^ rowOf(R >> 4, a1, a3, b1, b3);
    }
    g++;
  }
}

/** One word of a row r (low 4 bits) of R applied to (A_L, A_R, B_L, B_R). */
function rowOf(r: number, al: number, ar: number, bl: number, br: number): number {
  return (al & -(r & 1)) ^ (ar & -((r >> 1) & 1)) ^ (bl & -((r >> 2) & 1)) ^ (br & -((r >> 3) & 1));
}
