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
import { softReceiverChunks, softSenderChunk } from './softspoken-blocks.js';
import { KAPPA, transpose128 } from './transpose.js';

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
  const m = choices.length;
  let block = firstBlock;
  let uo = 0;
  for (let from = 0; from < m; from += chunkSize) {
    const count = Math.min(chunkSize, m - from);
    const nb = Math.ceil(count / 128);
    const W = BLOCK_WORDS * nb;
    const r = packBits(choices, from, count, scratchWords('iknp.r', W));
    const rows = scratchWords('iknp.rows', KAPPA * W);
    const u = uOut.subarray(uo, uo + KAPPA * W);
    const g1 = scratchWords('iknp.g1', W);
    for (let j = 0; j < KAPPA; j++) {
      const o = j * W;
      prgs0[j].fillBlocks(block, rows.subarray(o, o + W));
      prgs1[j].fillBlocks(block, g1);
      for (let w = 0; w < W; w++) u[o + w] = rows[o + w] ^ g1[w] ^ r[w];
    }
    transpose128(rows, W, count, tOut.subarray(BLOCK_WORDS * from, BLOCK_WORDS * (from + count)));
    block += nb;
    uo += KAPPA * W;
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
 * The sender's work on one chunk: q_i = t_i ⊕ r_i·s for its `count` OTs from u (128 rows of W words)
 * and the PRG rows at `block`. Spec: §6.7
 */
export function senderChunk(prgs: readonly AesCtrPrg[], sBits: Uint8Array, block: number, count: number, u: Uint32Array, q: Uint32Array): void {
  const nb = Math.ceil(count / 128);
  const W = BLOCK_WORDS * nb;
  const rows = scratchWords('iknp.rows', KAPPA * W);
  for (let j = 0; j < KAPPA; j++) {
    const row = rows.subarray(j * W, (j + 1) * W);
    prgs[j].fillBlocks(block, row);
    if (sBits[j] === 1) {
      for (let w = 0, o = j * W; w < W; w++, o++) row[w] ^= u[o];
    }
  }
  transpose128(rows, W, count, q);
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
  let block = input.firstBlock;
  let uo = 0;
  let done = 0;
  for (const count of input.counts) {
    const nb = Math.ceil(count / 128);
    const words = matrix.uRows * BLOCK_WORDS * nb;
    matrix.chunk(block, count, input.u.subarray(uo, uo + words), q.subarray(BLOCK_WORDS * done, BLOCK_WORDS * (done + count)));
    block += nb;
    uo += words;
    done += count;
  }
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
  chunk(block: number, count: number, u: Uint32Array, q: Uint32Array): void;
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
    chunk: (block, count, u, q) => senderChunk(prgs, sBits, block, count, u, q),
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
    chunk: (block, count, u, q) => softSenderChunk(prgs, widths, deltas, block, count, u, q),
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
