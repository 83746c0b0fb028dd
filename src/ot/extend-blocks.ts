/**
 * The per-chunk matrix work of OT extension as pure functions of the PRG seeds, so that a
 * {@link TaskPool} can run column blocks (runs of consecutive chunks) on other threads (§6.7): the
 * receiver's u = G(k⁰) ⊕ G(k¹) ⊕ r and t (the rows of G(k⁰) transposed), and the sender's
 * q = transpose(G(k^s) ⊕ s·u). The chunk partition is the receiver's chunk size, fixed by the session,
 * so messages and outputs do not depend on how chunks are grouped or on the thread count.
 *
 * Spec: §6.7
 * @module
 */
import { BLOCK_WORDS, packBits } from './blocks.js';
import { AesCtrPrg } from './prg.js';
import { scratchWords } from './scratch.js';
import { chunkCounts, chunkSpans } from './spans.js';
import { softReceiverChunks, softSenderChunks } from './softspoken-blocks.js';
import { KAPPA, transpose128At } from './transpose.js';

/**
 * Input of the `ot.receiverBlock` task: chunks of `chunkSize` OTs (the last may be shorter). With
 * `widths` (SoftSpokenOT, §6.11) `keys0` holds every block's leaf seeds in order and `keys1` is empty.
 */
export interface ReceiverBlockInput {
  readonly keys0: readonly Uint8Array[];
  readonly keys1: readonly Uint8Array[];
  /** SoftSpokenOT only: the width k_b of each block of rows (§6.11). */
  readonly widths?: readonly number[];
  /** PRG block index of the first chunk. */
  readonly firstBlock: number;
  readonly chunkSize: number;
  /** Choice bits (one byte each) of the block's OTs. */
  readonly choices: Uint8Array;
}

/** Output of the `ot.receiverBlock` task. */
export interface ReceiverBlockOutput {
  /** u of every chunk, concatenated (128 rows of 4·⌈count/128⌉ words per chunk). */
  readonly u: Uint32Array;
  /** t_i of every OT of the block (4 words each). */
  readonly t: Uint32Array;
}

/**
 * The receiver's work on consecutive chunks starting at PRG block `firstBlock`: for each chunk, u
 * (written at `uOut` from word `uOffset`, chunk after chunk) and t (written to `tOut`). Spec: §6.7
 */
export function receiverChunks(
  prgs0: readonly AesCtrPrg[],
  prgs1: readonly AesCtrPrg[],
  firstBlock: number,
  chunkSize: number,
  choices: Uint8Array,
  uOut: Uint32Array,
  tOut: Uint32Array,
): void {
  const counts = chunkCounts(choices.length, chunkSize);
  let block = firstBlock;
  let uo = 0;
  for (const [c0, c1] of chunkSpans(counts)) {
    // Chunks start at multiples of 128 OTs, so the span's packed r is theirs side by side.
    const from = c0 * chunkSize;
    const spanCount = counts.slice(c0, c1).reduce((x, y) => x + y, 0);
    const TW = BLOCK_WORDS * Math.ceil(spanCount / 128);
    const r = packBits(choices, from, spanCount, scratchWords('iknp.r', TW));
    const rows = scratchWords('iknp.rows', KAPPA * TW);
    const g1 = scratchWords('iknp.g1', TW);
    for (let j = 0; j < KAPPA; j++) {
      const o = j * TW;
      prgs0[j].fillBlocks(block, rows.subarray(o, o + TW));
      prgs1[j].fillBlocks(block, g1);
      for (let c = c0, off = 0, uc = uo; c < c1; c++) {
        const W = BLOCK_WORDS * Math.ceil(counts[c] / 128);
        for (let w = 0, d = uc + j * W, x = o + off; w < W; w++) uOut[d + w] = rows[x + w] ^ g1[off + w] ^ r[off + w];
        off += W;
        uc += KAPPA * W;
      }
    }
    for (let c = c0, off = 0, f = from; c < c1; c++) {
      const W = BLOCK_WORDS * Math.ceil(counts[c] / 128);
      transpose128At(rows, TW, off, counts[c], tOut.subarray(BLOCK_WORDS * f, BLOCK_WORDS * (f + counts[c])));
      off += W;
      f += counts[c];
      uo += KAPPA * W;
    }
    block += TW / BLOCK_WORDS;
  }
}

/** Words of u for `m` OTs in chunks of `chunkSize`, `rows` rows of u per chunk (128 for IKNP). */
export function uWords(m: number, chunkSize: number, rows = KAPPA): number {
  let words = 0;
  for (let from = 0; from < m; from += chunkSize) words += rows * BLOCK_WORDS * Math.ceil(Math.min(chunkSize, m - from) / 128);
  return words;
}

/** The `ot.receiverBlock` task (IKNP, or SoftSpokenOT when the input has `widths`). Spec: §6.7, §6.11 */
export function receiverBlockTask(input: ReceiverBlockInput): ReceiverBlockOutput {
  const m = input.choices.length;
  const t = new Uint32Array(BLOCK_WORDS * m);
  if (input.widths !== undefined) {
    const u = new Uint32Array(uWords(m, input.chunkSize, input.widths.length));
    softReceiverChunks(input.keys0.map((k) => new AesCtrPrg(k)), input.widths, input.firstBlock, input.chunkSize, input.choices, u, t);
    return { u, t };
  }
  const u = new Uint32Array(uWords(m, input.chunkSize));
  receiverChunks(input.keys0.map((k) => new AesCtrPrg(k)), input.keys1.map((k) => new AesCtrPrg(k)), input.firstBlock, input.chunkSize, input.choices, u, t);
  return { u, t };
}

/** Input of the `ot.senderBlock` task. */
export interface SenderBlockInput {
  /**
   * The sender's base-OT outputs k^{s_j}; with `widths` (SoftSpokenOT), every block's leaf seeds in
   * order, an empty array at each punctured leaf.
   */
  readonly keys: readonly Uint8Array[];
  /** SoftSpokenOT only: the width k_b of each block of rows (§6.11). */
  readonly widths?: readonly number[];
  /** s, one byte (0 or 1) per row. */
  readonly sBits: Uint8Array;
  readonly firstBlock: number;
  /** OTs of each chunk. */
  readonly counts: readonly number[];
  /** u of each chunk, concatenated. */
  readonly u: Uint32Array;
}

/**
 * The sender's work on consecutive chunks from PRG block `firstBlock`: q_i = t_i ⊕ r_i·s for the
 * `counts[c]` OTs of each chunk c from its u (`us[c]`, 128 rows of 4·⌈counts[c]/128⌉ words), written
 * to `q` chunk after chunk. Spec: §6.7
 */
export function senderChunks(prgs: readonly AesCtrPrg[], sBits: Uint8Array, firstBlock: number, counts: readonly number[], us: readonly Uint32Array[], q: Uint32Array): void {
  let block = firstBlock;
  let qo = 0;
  for (const [c0, c1] of chunkSpans(counts)) {
    let TW = 0;
    for (let c = c0; c < c1; c++) TW += BLOCK_WORDS * Math.ceil(counts[c] / 128);
    const rows = scratchWords('iknp.rows', KAPPA * TW);
    for (let j = 0; j < KAPPA; j++) {
      const o = j * TW;
      prgs[j].fillBlocks(block, rows.subarray(o, o + TW));
      if (sBits[j] !== 1) continue;
      for (let c = c0, off = o; c < c1; c++) {
        const W = BLOCK_WORDS * Math.ceil(counts[c] / 128);
        const u = us[c];
        for (let w = 0, x = j * W; w < W; w++, x++) rows[off + w] ^= u[x];
        off += W;
      }
    }
    for (let c = c0, off = 0; c < c1; c++) {
      transpose128At(rows, TW, off, counts[c], q.subarray(qo, qo + BLOCK_WORDS * counts[c]));
      off += BLOCK_WORDS * Math.ceil(counts[c] / 128);
      qo += BLOCK_WORDS * counts[c];
    }
    block += TW / BLOCK_WORDS;
  }
}

/** {@link senderChunks} on one chunk of `count` OTs at PRG block `block`. Spec: §6.7 */
export function senderChunk(prgs: readonly AesCtrPrg[], sBits: Uint8Array, block: number, count: number, u: Uint32Array, q: Uint32Array): void {
  senderChunks(prgs, sBits, block, [count], [u], q);
}

/** The u of each chunk inside a concatenation of them (`rows` rows per chunk). */
export function splitU(u: Uint32Array, counts: readonly number[], rows: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  let o = 0;
  for (const count of counts) {
    const words = rows * BLOCK_WORDS * Math.ceil(count / 128);
    out.push(u.subarray(o, o + words));
    o += words;
  }
  return out;
}

/**
 * The `ot.senderBlock` task (IKNP, or SoftSpokenOT when the input has `widths`): q of every OT of the
 * chunks, concatenated. Spec: §6.7, §6.11
 */
export function senderBlockTask(input: SenderBlockInput): Uint32Array {
  const matrix =
    input.widths === undefined
      ? iknpSenderMatrix(input.keys, input.sBits)
      : softSenderMatrix(input.keys.map((k) => (k.length === 0 ? null : k)), input.widths, input.sBits);
  const total = input.counts.reduce((a, b) => a + b, 0);
  const q = new Uint32Array(BLOCK_WORDS * total);
  matrix.chunks(input.firstBlock, input.counts, splitU(input.u, input.counts, matrix.uRows), q);
  return q;
}

/** The tasks of this module a {@link TaskPool} runs (src/workers joins them into its table). Spec: §6.7 */
export interface OtTasks {
  /** OT extension, receiver: u and t of a column block of chunks (§6.7). */
  'ot.receiverBlock': { input: ReceiverBlockInput; output: ReceiverBlockOutput };
  /** OT extension, sender: q of a column block of chunks (§6.7). */
  'ot.senderBlock': { input: SenderBlockInput; output: Uint32Array };
}

/**
 * The sender's matrix work of one extension scheme (§6.7 IKNP, §6.11 SoftSpokenOT): `uRows` rows of
 * u per chunk, q of a chunk, and the input of the `ot.senderBlock` task for column blocks.
 */
export interface SenderMatrix {
  readonly uRows: number;
  /** q of consecutive chunks of `counts` OTs from PRG block `firstBlock`, from each chunk's u. */
  chunks(firstBlock: number, counts: readonly number[], us: readonly Uint32Array[], q: Uint32Array): void;
  blockInput(firstBlock: number, counts: number[], u: Uint32Array): SenderBlockInput;
}

/** The receiver's matrix work of one extension scheme (§6.7, §6.11). */
export interface ReceiverMatrix {
  readonly uRows: number;
  chunks(firstBlock: number, chunkSize: number, choices: Uint8Array, uOut: Uint32Array, tOut: Uint32Array): void;
  blockInput(firstBlock: number, chunkSize: number, choices: Uint8Array): ReceiverBlockInput;
}

/** IKNP's sender matrix from the base-OT keys k^{s_j}. Spec: §6.7 */
export function iknpSenderMatrix(keys: readonly Uint8Array[], sBits: Uint8Array): SenderMatrix {
  const prgs = keys.map((k) => new AesCtrPrg(k));
  return {
    uRows: KAPPA,
    chunks: (firstBlock, counts, us, q) => senderChunks(prgs, sBits, firstBlock, counts, us, q),
    blockInput: (firstBlock, counts, u) => ({ keys, sBits, firstBlock, counts, u }),
  };
}

/** IKNP's receiver matrix from the base-OT key pairs. Spec: §6.7 */
export function iknpReceiverMatrix(keys0: readonly Uint8Array[], keys1: readonly Uint8Array[]): ReceiverMatrix {
  const prgs0 = keys0.map((k) => new AesCtrPrg(k));
  const prgs1 = keys1.map((k) => new AesCtrPrg(k));
  return {
    uRows: KAPPA,
    chunks: (firstBlock, chunkSize, choices, uOut, tOut) => receiverChunks(prgs0, prgs1, firstBlock, chunkSize, choices, uOut, tOut),
    blockInput: (firstBlock, chunkSize, choices) => ({ keys0, keys1, firstBlock, chunkSize, choices }),
  };
}

/** Δ_b of each block: bits o_b … o_b + k_b − 1 of s. */
function blockDeltas(widths: readonly number[], sBits: Uint8Array): number[] {
  const out: number[] = [];
  widths.reduce((o, w) => {
    let d = 0;
    for (let i = 0; i < w; i++) d |= sBits[o + i] << i;
    out.push(d);
    return o + w;
  }, 0);
  return out;
}

/**
 * SoftSpokenOT's sender matrix from every block's leaf seeds (null at the punctured leaf Δ_b, the
 * bits of s of the block). Spec: §6.11
 */
export function softSenderMatrix(leaves: readonly (Uint8Array | null)[], widths: readonly number[], sBits: Uint8Array): SenderMatrix {
  const prgs = leaves.map((k) => (k === null ? null : new AesCtrPrg(k)));
  const deltas = blockDeltas(widths, sBits);
  const keys = leaves.map((k) => k ?? new Uint8Array(0));
  return {
    uRows: widths.length,
    chunks: (firstBlock, counts, us, q) => softSenderChunks(prgs, widths, deltas, firstBlock, counts, us, q),
    blockInput: (firstBlock, counts, u) => ({ keys, widths, sBits, firstBlock, counts, u }),
  };
}

/** SoftSpokenOT's receiver matrix from every block's leaf seeds. Spec: §6.11 */
export function softReceiverMatrix(leaves: readonly Uint8Array[], widths: readonly number[]): ReceiverMatrix {
  const prgs = leaves.map((k) => new AesCtrPrg(k));
  return {
    uRows: widths.length,
    chunks: (firstBlock, chunkSize, choices, uOut, tOut) => softReceiverChunks(prgs, widths, firstBlock, chunkSize, choices, uOut, tOut),
    blockInput: (firstBlock, chunkSize, choices) => ({ keys0: leaves, keys1: [], widths, firstBlock, chunkSize, choices }),
  };
}
