/**
 * The half-gates kernels (Zahur, Rosulek and Evans, "Two Halves Make a Whole", EUROCRYPT 2015):
 * garbling and evaluation of many instances of one circuit at once, gate by gate. For each gate the
 * labels of all instances of a chunk lie side by side, so XOR gates are one pass over a contiguous
 * range and each AND gate hashes one buffer of 4 (garbler) or 2 (evaluator) blocks per instance.
 *
 * Internal: the checked API is in ./garble.ts.
 *
 * Spec: §5.6, §5.7
 * @module
 */
import { tccrWithTweakWords } from '../hash/aes.js';
import { GATE } from './circuit.js';
import type { LabelPlan } from './plan.js';

const TWO32 = 2 ** 32;

/** What both kernels need to know about the job. */
export interface KernelJob {
  readonly plan: LabelPlan;
  readonly op: Uint8Array;
  /** AND gates per instance. */
  readonly andCount: number;
  /** Gate id of AND gate 0 of instance 0. */
  readonly firstGateId: number;
  /** The hash key schedule (fixed-key AES). */
  readonly roundKeys: Int32Array;
}

/** Scratch buffers for a chunk of `chunk` instances. */
export class KernelScratch {
  readonly chunk: number;
  readonly labels: Int32Array;
  readonly x: Int32Array;
  readonly h: Int32Array;
  readonly tweaks: Int32Array;
  constructor(slots: number, chunk: number) {
    this.chunk = chunk;
    this.labels = new Int32Array(slots * chunk * 4);
    this.x = new Int32Array(16 * chunk);
    this.h = new Int32Array(16 * chunk);
    this.tweaks = new Int32Array(8 * chunk);
  }
}

/**
 * Garbles instances first … first + n − 1 (n ≤ scratch.chunk) whose input zero-labels are already
 * in the input slots of `s.labels`. Writes each AND gate's two ciphertexts to `tables` at
 * ((instance · andCount) + g) · 8 words, and leaves the output zero-labels in their slots.
 */
export function garbleChunk(job: KernelJob, delta: Int32Array, s: KernelScratch, first: number, n: number, tables: Int32Array): void {
  const { plan, op, andCount, firstGateId, roundKeys } = job;
  const { a, b, c } = plan;
  const C = s.chunk;
  const L = s.labels;
  const X = s.x;
  const H = s.h;
  const T = s.tweaks;
  const d0 = delta[0];
  const d1 = delta[1];
  const d2 = delta[2];
  const d3 = delta[3];
  const width = 4 * n;
  let g = 0;
  for (let k = 0; k < op.length; k++) {
    const pc = c[k] * C * 4;
    switch (op[k]) {
      case GATE.XOR: {
        const pa = a[k] * C * 4;
        const pb = b[k] * C * 4;
        for (let j = 0; j < width; j++) L[pc + j] = L[pa + j] ^ L[pb + j];
        break;
      }
      case GATE.INV: {
        const pa = a[k] * C * 4;
        for (let j = 0; j < width; j += 4) {
          L[pc + j] = L[pa + j] ^ d0;
          L[pc + j + 1] = L[pa + j + 1] ^ d1;
          L[pc + j + 2] = L[pa + j + 2] ^ d2;
          L[pc + j + 3] = L[pa + j + 3] ^ d3;
        }
        break;
      }
      case GATE.COPY: {
        const pa = a[k] * C * 4;
        for (let j = 0; j < width; j++) L[pc + j] = L[pa + j];
        break;
      }
      case GATE.CONST: {
        // Zero-label v·Δ, so that the active label is the all-zero block for either constant.
        const m = -a[k];
        for (let j = 0; j < width; j += 4) {
          L[pc + j] = d0 & m;
          L[pc + j + 1] = d1 & m;
          L[pc + j + 2] = d2 & m;
          L[pc + j + 3] = d3 & m;
        }
        break;
      }
      default: {
        // AND: hash A0, A0 ⊕ Δ with tweak 2G and B0, B0 ⊕ Δ with tweak 2G + 1.
        const pa = a[k] * C * 4;
        const pb = b[k] * C * 4;
        for (let i = 0; i < n; i++) {
          const ia = pa + 4 * i;
          const ib = pb + 4 * i;
          const x = 16 * i;
          const a0 = L[ia];
          const a1 = L[ia + 1];
          const a2 = L[ia + 2];
          const a3 = L[ia + 3];
          const b0 = L[ib];
          const b1 = L[ib + 1];
          const b2 = L[ib + 2];
          const b3 = L[ib + 3];
          X[x] = a0;
          X[x + 1] = a1;
          X[x + 2] = a2;
          X[x + 3] = a3;
          X[x + 4] = a0 ^ d0;
          X[x + 5] = a1 ^ d1;
          X[x + 6] = a2 ^ d2;
          X[x + 7] = a3 ^ d3;
          X[x + 8] = b0;
          X[x + 9] = b1;
          X[x + 10] = b2;
          X[x + 11] = b3;
          X[x + 12] = b0 ^ d0;
          X[x + 13] = b1 ^ d1;
          X[x + 14] = b2 ^ d2;
          X[x + 15] = b3 ^ d3;
          const tw = 2 * (firstGateId + (first + i) * andCount + g);
          const lo = tw | 0;
          const hi = Math.floor(tw / TWO32) | 0;
          const t = 8 * i;
          T[t] = lo;
          T[t + 1] = hi;
          T[t + 2] = lo;
          T[t + 3] = hi;
          T[t + 4] = lo | 1; // tw is even, so tw + 1 only sets bit 0
          T[t + 5] = hi;
          T[t + 6] = lo | 1;
          T[t + 7] = hi;
        }
        tccrWithTweakWords(roundKeys, X, T, H, 4 * n);
        for (let i = 0; i < n; i++) {
          const x = 16 * i;
          const ma = -(X[x] & 1); // permute bit of A0
          const mb = -(X[x + 8] & 1); // permute bit of B0
          const tg0 = H[x] ^ H[x + 4] ^ (d0 & mb);
          const tg1 = H[x + 1] ^ H[x + 5] ^ (d1 & mb);
          const tg2 = H[x + 2] ^ H[x + 6] ^ (d2 & mb);
          const tg3 = H[x + 3] ^ H[x + 7] ^ (d3 & mb);
          const te0 = H[x + 8] ^ H[x + 12] ^ X[x];
          const te1 = H[x + 9] ^ H[x + 13] ^ X[x + 1];
          const te2 = H[x + 10] ^ H[x + 14] ^ X[x + 2];
          const te3 = H[x + 11] ^ H[x + 15] ^ X[x + 3];
          const o = pc + 4 * i;
          // W0 = (H(A0) ⊕ pa·TG) ⊕ (H(B0) ⊕ pb·(TE ⊕ A0))
          L[o] = H[x] ^ (tg0 & ma) ^ H[x + 8] ^ ((te0 ^ X[x]) & mb);
          L[o + 1] = H[x + 1] ^ (tg1 & ma) ^ H[x + 9] ^ ((te1 ^ X[x + 1]) & mb);
          L[o + 2] = H[x + 2] ^ (tg2 & ma) ^ H[x + 10] ^ ((te2 ^ X[x + 2]) & mb);
          L[o + 3] = H[x + 3] ^ (tg3 & ma) ^ H[x + 11] ^ ((te3 ^ X[x + 3]) & mb);
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
  }
}

/**
 * Evaluates instances first … first + n − 1 whose active input labels are in the input slots of
 * `s.labels`, reading each AND gate's ciphertexts from `tables` (layout of {@link garbleChunk}).
 * Leaves the active output labels in their slots.
 */
export function evaluateChunk(job: KernelJob, s: KernelScratch, first: number, n: number, tables: Int32Array): void {
  const { plan, op, andCount, firstGateId, roundKeys } = job;
  const { a, b, c } = plan;
  const C = s.chunk;
  const L = s.labels;
  const X = s.x;
  const H = s.h;
  const T = s.tweaks;
  const width = 4 * n;
  let g = 0;
  for (let k = 0; k < op.length; k++) {
    const pc = c[k] * C * 4;
    switch (op[k]) {
      case GATE.XOR: {
        const pa = a[k] * C * 4;
        const pb = b[k] * C * 4;
        for (let j = 0; j < width; j++) L[pc + j] = L[pa + j] ^ L[pb + j];
        break;
      }
      case GATE.INV:
      case GATE.COPY: {
        const pa = a[k] * C * 4;
        for (let j = 0; j < width; j++) L[pc + j] = L[pa + j];
        break;
      }
      case GATE.CONST:
        L.fill(0, pc, pc + width);
        break;
      default: {
        const pa = a[k] * C * 4;
        const pb = b[k] * C * 4;
        for (let i = 0; i < n; i++) {
          const ia = pa + 4 * i;
          const ib = pb + 4 * i;
          const x = 8 * i;
          X[x] = L[ia];
          X[x + 1] = L[ia + 1];
          X[x + 2] = L[ia + 2];
          X[x + 3] = L[ia + 3];
          X[x + 4] = L[ib];
          X[x + 5] = L[ib + 1];
          X[x + 6] = L[ib + 2];
          X[x + 7] = L[ib + 3];
          const tw = 2 * (firstGateId + (first + i) * andCount + g);
          const t = 4 * i;
          const lo = tw | 0;
          const hi = Math.floor(tw / TWO32) | 0;
          T[t] = lo;
          T[t + 1] = hi;
          T[t + 2] = lo | 1;
          T[t + 3] = hi;
        }
        tccrWithTweakWords(roundKeys, X, T, H, 2 * n);
        for (let i = 0; i < n; i++) {
          const x = 8 * i;
          const sa = -(X[x] & 1);
          const sb = -(X[x + 4] & 1);
          const tpos = ((first + i) * andCount + g) * 8;
          const o = pc + 4 * i;
          // W = (H(A) ⊕ sa·TG) ⊕ (H(B) ⊕ sb·(TE ⊕ A))
          L[o] = H[x] ^ (tables[tpos] & sa) ^ H[x + 4] ^ ((tables[tpos + 4] ^ X[x]) & sb);
          L[o + 1] = H[x + 1] ^ (tables[tpos + 1] & sa) ^ H[x + 5] ^ ((tables[tpos + 5] ^ X[x + 1]) & sb);
          L[o + 2] = H[x + 2] ^ (tables[tpos + 2] & sa) ^ H[x + 6] ^ ((tables[tpos + 6] ^ X[x + 2]) & sb);
          L[o + 3] = H[x + 3] ^ (tables[tpos + 3] & sa) ^ H[x + 7] ^ ((tables[tpos + 7] ^ X[x + 3]) & sb);
        }
        g++;
      }
    }
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
