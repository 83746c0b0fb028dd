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
import { KAPPA, transpose128 } from './transpose.js';

/** Input of the `ot.receiverBlock` task: chunks of `chunkSize` OTs (the last may be shorter). */
export interface ReceiverBlockInput {
  readonly keys0: readonly Uint8Array[];
  readonly keys1: readonly Uint8Array[];
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
    const r = packBits(choices, from, count, new Uint32Array(W));
    const rows = new Uint32Array(KAPPA * W);
    const u = uOut.subarray(uo, uo + KAPPA * W);
    const g1 = new Uint32Array(W);
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

/** Words of u for `m` OTs in chunks of `chunkSize`. */
export function uWords(m: number, chunkSize: number): number {
  let words = 0;
  for (let from = 0; from < m; from += chunkSize) words += KAPPA * BLOCK_WORDS * Math.ceil(Math.min(chunkSize, m - from) / 128);
  return words;
}

/** The `ot.receiverBlock` task. Spec: §6.7 */
export function receiverBlockTask(input: ReceiverBlockInput): ReceiverBlockOutput {
  const m = input.choices.length;
  const u = new Uint32Array(uWords(m, input.chunkSize));
  const t = new Uint32Array(BLOCK_WORDS * m);
  receiverChunks(input.keys0.map((k) => new AesCtrPrg(k)), input.keys1.map((k) => new AesCtrPrg(k)), input.firstBlock, input.chunkSize, input.choices, u, t);
  return { u, t };
}

/** Input of the `ot.senderBlock` task. */
export interface SenderBlockInput {
  /** The sender's base-OT outputs k^{s_j}. */
  readonly keys: readonly Uint8Array[];
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
  const rows = new Uint32Array(KAPPA * W);
  for (let j = 0; j < KAPPA; j++) {
    const row = rows.subarray(j * W, (j + 1) * W);
    prgs[j].fillBlocks(block, row);
    if (sBits[j] === 1) {
      for (let w = 0, o = j * W; w < W; w++, o++) row[w] ^= u[o];
    }
  }
  transpose128(rows, W, count, q);
}

/** The `ot.senderBlock` task: q of every OT of the chunks, concatenated. Spec: §6.7 */
export function senderBlockTask(input: SenderBlockInput): Uint32Array {
  const prgs = input.keys.map((k) => new AesCtrPrg(k));
  const total = input.counts.reduce((a, b) => a + b, 0);
  const q = new Uint32Array(BLOCK_WORDS * total);
  let block = input.firstBlock;
  let uo = 0;
  let done = 0;
  for (const count of input.counts) {
    const nb = Math.ceil(count / 128);
    const W = BLOCK_WORDS * nb;
    senderChunk(prgs, input.sBits, block, count, input.u.subarray(uo, uo + KAPPA * W), q.subarray(BLOCK_WORDS * done, BLOCK_WORDS * (done + count)));
    block += nb;
    uo += KAPPA * W;
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
