/**
 * The half-gates kernels (Zahur, Rosulek and Evans, "Two Halves Make a Whole", EUROCRYPT 2015):
 * garbling and evaluation of many instances of one circuit at once, gate by gate. For each gate the
 * labels of all instances of a chunk lie side by side, so XOR gates are one pass over a contiguous
 * range and an AND gate hashes its input labels in place, in 4 (garbler: A⁰, A⁰ ⊕ Δ, B⁰, B⁰ ⊕ Δ) or 2
 * (evaluator: A, B) strided passes over the chunk's instances.
 *
 * Internal: the checked API is in ./garble.ts.
 *
 * Spec: §5.6, §5.7
 * @module
 */
import { tccrStridedPair } from '../hash/aes.js';
import { GATE } from './circuit.js';
import type { LabelPlan } from './plan.js';

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
  /** Hash outputs of one AND gate: 4 blocks per instance (garbler), 2 (evaluator). */
  readonly h: Int32Array;
  constructor(slots: number, chunk: number) {
    this.chunk = chunk;
    this.labels = new Int32Array(slots * chunk * 4);
    this.h = new Int32Array(16 * chunk);
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
  const H = s.h;
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
        // AND: H(A0, 2G), H(A0 ⊕ Δ, 2G), H(B0, 2G + 1), H(B0 ⊕ Δ, 2G + 1) for every instance of the
        // chunk, hashed in place from the label slots; G advances by andCount per instance.
        const pa = a[k] * C * 4;
        const pb = b[k] * C * 4;
        const tw = 2 * (firstGateId + first * andCount + g);
        const stride = 2 * andCount;
        tccrStridedPair(roundKeys, L, pa, 0, 0, 0, 0, pa, d0, d1, d2, d3, H, 0, width, n, tw, tw, stride);
        tccrStridedPair(roundKeys, L, pb, 0, 0, 0, 0, pb, d0, d1, d2, d3, H, 2 * width, 3 * width, n, tw + 1, tw + 1, stride);
        for (let i = 0; i < n; i++) {
          const ia = pa + 4 * i;
          const ha = 4 * i; // H(A0); + width: H(A1); + 2·width: H(B0); + 3·width: H(B1)
          const hb = ha + 2 * width;
          const ma = -(L[ia] & 1); // permute bit of A0
          const mb = -(L[pb + 4 * i] & 1); // permute bit of B0
          const tg0 = H[ha] ^ H[ha + width] ^ (d0 & mb);
          const tg1 = H[ha + 1] ^ H[ha + width + 1] ^ (d1 & mb);
          const tg2 = H[ha + 2] ^ H[ha + width + 2] ^ (d2 & mb);
          const tg3 = H[ha + 3] ^ H[ha + width + 3] ^ (d3 & mb);
          const te0 = H[hb] ^ H[hb + width] ^ L[ia];
          const te1 = H[hb + 1] ^ H[hb + width + 1] ^ L[ia + 1];
          const te2 = H[hb + 2] ^ H[hb + width + 2] ^ L[ia + 2];
          const te3 = H[hb + 3] ^ H[hb + width + 3] ^ L[ia + 3];
          const o = pc + 4 * i;
          // W0 = (H(A0) ⊕ pa·TG) ⊕ (H(B0) ⊕ pb·(TE ⊕ A0))
          L[o] = H[ha] ^ (tg0 & ma) ^ H[hb] ^ ((te0 ^ L[ia]) & mb);
          L[o + 1] = H[ha + 1] ^ (tg1 & ma) ^ H[hb + 1] ^ ((te1 ^ L[ia + 1]) & mb);
          L[o + 2] = H[ha + 2] ^ (tg2 & ma) ^ H[hb + 2] ^ ((te2 ^ L[ia + 2]) & mb);
          L[o + 3] = H[ha + 3] ^ (tg3 & ma) ^ H[hb + 3] ^ ((te3 ^ L[ia + 3]) & mb);
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
  const H = s.h;
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
        // AND: H(A, 2G) and H(B, 2G + 1) for every instance, hashed in place from the label slots.
        const pa = a[k] * C * 4;
        const pb = b[k] * C * 4;
        const tw = 2 * (firstGateId + first * andCount + g);
        const stride = 2 * andCount;
        tccrStridedPair(roundKeys, L, pa, 0, 0, 0, 0, pb, 0, 0, 0, 0, H, 0, width, n, tw, tw + 1, stride);
        for (let i = 0; i < n; i++) {
          const ia = pa + 4 * i;
          const h = 4 * i;
          const sa = -(L[ia] & 1);
          const sb = -(L[pb + 4 * i] & 1);
          const tpos = ((first + i) * andCount + g) * 8;
          const o = pc + 4 * i;
          // W = (H(A) ⊕ sa·TG) ⊕ (H(B) ⊕ sb·(TE ⊕ A))
          L[o] = H[h] ^ (tables[tpos] & sa) ^ H[h + width] ^ ((tables[tpos + 4] ^ L[ia]) & sb);
          L[o + 1] = H[h + 1] ^ (tables[tpos + 1] & sa) ^ H[h + width + 1] ^ ((tables[tpos + 5] ^ L[ia + 1]) & sb);
          L[o + 2] = H[h + 2] ^ (tables[tpos + 2] & sa) ^ H[h + width + 2] ^ ((tables[tpos + 6] ^ L[ia + 2]) & sb);
          L[o + 3] = H[h + 3] ^ (tables[tpos + 3] & sa) ^ H[h + width + 3] ^ ((tables[tpos + 7] ^ L[ia + 3]) & sb);
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
