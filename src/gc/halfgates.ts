/**
 * The half-gates kernels (Zahur, Rosulek and Evans, "Two Halves Make a Whole", EUROCRYPT 2015):
 * garbling and evaluation of many instances of one circuit at once, gate by gate. For each gate the
 * labels of all instances of a chunk lie side by side, so XOR gates are one pass over a contiguous
 * range, and an AND gate builds the permutation inputs σ(x) ⊕ i of all its hashes (§5.2: 4 per
 * instance for the garbler, A⁰, A⁰ ⊕ Δ, B⁰, B⁰ ⊕ Δ; 2 for the evaluator, A and B) in one buffer and
 * encrypts it with one call of the AES backend (§5.1).
 *
 * Internal: the checked API is in ./garble.ts.
 *
 * Spec: §5.6, §5.7
 * @module
 */
import type { FixedKeyAes } from '../hash/fixed-key-aes.js';
import { GATE } from './circuit.js';
import { EVALUATOR_DELTA, freeGate } from './free-gates.js';
import type { LabelPlan } from './plan.js';

/** What both kernels need to know about the job. */
export interface KernelJob {
  readonly plan: LabelPlan;
  readonly op: Uint8Array;
  /** AND gates per instance. */
  readonly andCount: number;
  /** Gate id of AND gate 0 of instance 0. */
  readonly firstGateId: number;
  /** π, the fixed-key AES (§5.1). */
  readonly aes: FixedKeyAes;
}

/** Scratch buffers for a chunk of `chunk` instances. */
export class KernelScratch {
  readonly chunk: number;
  readonly labels: Int32Array;
  /** Permutation inputs σ(x) ⊕ i of one AND gate: 4 blocks per instance (garbler), 2 (evaluator); 6 and 3 for three halves. */
  readonly x: Int32Array;
  /** Their images under π. */
  readonly y: Int32Array;
  /** `blocks`: AES inputs per instance and AND gate (4 for half gates, 6 for three halves, §5.13). */
  constructor(slots: number, chunk: number, blocks = 4) {
    this.chunk = chunk;
    this.labels = new Int32Array(slots * chunk * 4);
    this.x = new Int32Array(4 * blocks * chunk);
    this.y = new Int32Array(4 * blocks * chunk);
  }
}

const TWO32 = 4294967296;

/**
 * Garbles instances first … first + n − 1 (n ≤ scratch.chunk) whose input zero-labels are already
 * in the input slots of `s.labels`. Writes each AND gate's two ciphertexts to `tables` at
 * ((instance · andCount) + g) · 8 words, and leaves the output zero-labels in their slots.
 */
export function garbleChunk(job: KernelJob, delta: Int32Array, s: KernelScratch, first: number, n: number, tables: Int32Array): void {
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
  // σ(Δ) = (d2, d3, d0 ⊕ d2, d1 ⊕ d3)
  const e2 = d0 ^ d2;
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
    // AND: the inputs of H(A⁰, j), H(A⁰ ⊕ Δ, j), H(B⁰, j′), H(B⁰ ⊕ Δ, j′) for every instance
    // (16 words per instance), one backend call, then the half gates.
    const pa = a[k] * C * 4;
    const pb = b[k] * C * 4;
    let tw = 2 * (firstGateId + first * andCount + g);
    const stride = 2 * andCount;
    for (let i = 0; i < n; i++, tw += stride) {
      const lo = tw | 0; // j mod 2^32; j′ = j + 1 only sets bit 0 (j is even)
      const hi = Math.floor(tw / TWO32);
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
      const x = 16 * i;
      const xa0 = a2 ^ lo;
      const xa1 = a3 ^ hi;
      const xa2 = a0 ^ a2;
      const xa3 = a1 ^ a3;
      const xb0 = b2 ^ lo ^ 1;
      const xb1 = b3 ^ hi;
      const xb2 = b0 ^ b2;
      const xb3 = b1 ^ b3;
      X[x] = xa0;
      X[x + 1] = xa1;
      X[x + 2] = xa2;
      X[x + 3] = xa3;
      X[x + 4] = xa0 ^ d2;
      X[x + 5] = xa1 ^ d3;
      X[x + 6] = xa2 ^ e2;
      X[x + 7] = xa3 ^ e3;
      X[x + 8] = xb0;
      X[x + 9] = xb1;
      X[x + 10] = xb2;
      X[x + 11] = xb3;
      X[x + 12] = xb0 ^ d2;
      X[x + 13] = xb1 ^ d3;
      X[x + 14] = xb2 ^ e2;
      X[x + 15] = xb3 ^ e3;
    }
    aes.encryptWords(X, Y, 4 * n);
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
      const ma = -(a0 & 1); // permute bit of A⁰
      const mb = -(b0 & 1); // permute bit of B⁰
      const y = 16 * i;
      // H(A⁰, j) = π(X) ⊕ σ(A⁰); T_G = π(X_A0) ⊕ π(X_A1) ⊕ σ(Δ) ⊕ p_b·Δ (σ(A⁰) and j cancel).
      const ha0 = Y[y] ^ a2;
      const ha1 = Y[y + 1] ^ a3;
      const ha2 = Y[y + 2] ^ a0 ^ a2;
      const ha3 = Y[y + 3] ^ a1 ^ a3;
      const hb0 = Y[y + 8] ^ b2;
      const hb1 = Y[y + 9] ^ b3;
      const hb2 = Y[y + 10] ^ b0 ^ b2;
      const hb3 = Y[y + 11] ^ b1 ^ b3;
      const tg0 = Y[y] ^ Y[y + 4] ^ d2 ^ (d0 & mb);
      const tg1 = Y[y + 1] ^ Y[y + 5] ^ d3 ^ (d1 & mb);
      const tg2 = Y[y + 2] ^ Y[y + 6] ^ e2 ^ (d2 & mb);
      const tg3 = Y[y + 3] ^ Y[y + 7] ^ e3 ^ (d3 & mb);
      const te0 = Y[y + 8] ^ Y[y + 12] ^ d2 ^ a0;
      const te1 = Y[y + 9] ^ Y[y + 13] ^ d3 ^ a1;
      const te2 = Y[y + 10] ^ Y[y + 14] ^ e2 ^ a2;
      const te3 = Y[y + 11] ^ Y[y + 15] ^ e3 ^ a3;
      const o = pc + 4 * i;
      // W⁰ = (H(A⁰) ⊕ p_a·T_G) ⊕ (H(B⁰) ⊕ p_b·(T_E ⊕ A⁰))
      L[o] = ha0 ^ (tg0 & ma) ^ hb0 ^ ((te0 ^ a0) & mb);
      L[o + 1] = ha1 ^ (tg1 & ma) ^ hb1 ^ ((te1 ^ a1) & mb);
      L[o + 2] = ha2 ^ (tg2 & ma) ^ hb2 ^ ((te2 ^ a2) & mb);
      L[o + 3] = ha3 ^ (tg3 & ma) ^ hb3 ^ ((te3 ^ a3) & mb);
      const tpos = ((first + i) * andCount + g) * 8;
      tables[tpos] = tg0;
      tables[tpos + 1] = tg1;
      tables[tpos + 2] = tg2;
      tables[tpos + 3] = tg3;
      tables[tpos + 4] = te0;
      tables[tpos + 5] = te1;
      tables[tpos + 6] = te2;
      tables[tpos + 7] = te3;
    }
    g++;
  }
}

/**
 * Evaluates instances first … first + n − 1 whose active input labels are in the input slots of
 * `s.labels`, reading each AND gate's ciphertexts from `tables` (layout of {@link garbleChunk}).
 * Leaves the active output labels in their slots.
 */
export function evaluateChunk(job: KernelJob, s: KernelScratch, first: number, n: number, tables: Int32Array): void {
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
    // AND: the inputs of H(A, j) and H(B, j′) for every instance (8 words per instance).
    const pa = a[k] * C * 4;
    const pb = b[k] * C * 4;
    let tw = 2 * (firstGateId + first * andCount + g);
    const stride = 2 * andCount;
    for (let i = 0; i < n; i++, tw += stride) {
      const lo = tw | 0;
      const hi = Math.floor(tw / TWO32);
      const ia = pa + 4 * i;
      const ib = pb + 4 * i;
      const x = 8 * i;
      X[x] = L[ia + 2] ^ lo;
      X[x + 1] = L[ia + 3] ^ hi;
      X[x + 2] = L[ia] ^ L[ia + 2];
      X[x + 3] = L[ia + 1] ^ L[ia + 3];
      X[x + 4] = L[ib + 2] ^ lo ^ 1;
      X[x + 5] = L[ib + 3] ^ hi;
      X[x + 6] = L[ib] ^ L[ib + 2];
      X[x + 7] = L[ib + 1] ^ L[ib + 3];
    }
    aes.encryptWords(X, Y, 2 * n);
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
      const sa = -(a0 & 1);
      const sb = -(b0 & 1);
      const y = 8 * i;
      const tpos = ((first + i) * andCount + g) * 8;
      const o = pc + 4 * i;
      // W = (H(A) ⊕ s_a·T_G) ⊕ (H(B) ⊕ s_b·(T_E ⊕ A)), H(x) = π(X) ⊕ σ(x)
      L[o] = Y[y] ^ a2 ^ (tables[tpos] & sa) ^ Y[y + 4] ^ b2 ^ ((tables[tpos + 4] ^ a0) & sb);
      L[o + 1] = Y[y + 1] ^ a3 ^ (tables[tpos + 1] & sa) ^ Y[y + 5] ^ b3 ^ ((tables[tpos + 5] ^ a1) & sb);
      L[o + 2] = Y[y + 2] ^ a0 ^ a2 ^ (tables[tpos + 2] & sa) ^ Y[y + 6] ^ b0 ^ b2 ^ ((tables[tpos + 6] ^ a2) & sb);
      L[o + 3] = Y[y + 3] ^ a1 ^ a3 ^ (tables[tpos + 3] & sa) ^ Y[y + 7] ^ b1 ^ b3 ^ ((tables[tpos + 7] ^ a3) & sb);
    }
    g++;
  }
}

/** Copies labels [instance][wire][4] (instances first … first + n − 1) into the input slots. */
export function loadInputLabels(s: KernelScratch, labels: Int32Array, wiresPerInstance: number, first: number, n: number): void {
  const C = s.chunk;
  const L = s.labels;
  for (let i = 0; i < n; i++) {
    const src = (first + i) * wiresPerInstance * 4;
    for (let w = 0; w < wiresPerInstance; w++) {
      const from = src + 4 * w;
      const to = (w * C + i) * 4;
      L[to] = labels[from];
      L[to + 1] = labels[from + 1];
      L[to + 2] = labels[from + 2];
      L[to + 3] = labels[from + 3];
    }
  }
}

/** Copies the labels of the output slots into out[instance][outputBit][4]. */
export function storeOutputLabels(s: KernelScratch, outputSlots: Int32Array, out: Int32Array, first: number, n: number): void {
  const C = s.chunk;
  const L = s.labels;
  const m = outputSlots.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const from = (outputSlots[j] * C + i) * 4;
      const to = ((first + i) * m + j) * 4;
      out[to] = L[from];
      out[to + 1] = L[from + 1];
      out[to + 2] = L[from + 2];
      out[to + 3] = L[from + 3];
    }
  }
}
