/**
 * The per-chunk matrix work of SoftSpokenOT (§6.11) as pure functions of the leaf PRGs, the
 * counterpart of extend-blocks.ts for IKNP. The 128 rows of the extension matrix are split into
 * blocks of k rows; block b is a small-field VOLE over F_{2^k} built from the 2^k leaf seeds of its
 * GGM tree:
 *
 *   receiver (all leaves):    u'_b = ⊕_x G(x),   rows of V_b:  plane i = ⊕_{x : bit i of x = 1} G(x)
 *   sender (all but leaf Δ_b): plane i of W_b = ⊕_{y : bit i of y = 1} G(y ⊕ Δ_b)  (= V_b ⊕ Δ_b·u'_b)
 *
 * The receiver sends c_b = u'_b ⊕ r (one row per block, instead of IKNP's one row per base OT) and
 * the sender adds Δ_b·c_b, so that q_i = t_i ⊕ r_i·s with s the concatenation of the Δ_b: IKNP's
 * correlation, at k times less upload. Both sums are taken in one pass per bit over a binary tree
 * of XORs (2^(k+1) row XORs per block).
 *
 * Spec: §6.11
 * @module
 */
import { BLOCK_WORDS, packBits } from './blocks.js';
import type { AesCtrPrg } from './prg.js';
import { KAPPA, transpose128 } from './transpose.js';

/**
 * Folds the 2^width rows of `leaves` (W words each) bit by bit: plane i (written to rows[rowOffset + i])
 * is the XOR of the rows whose index has bit i set; afterwards leaves row 0 holds the XOR of all
 * rows. Spec: §6.11
 */
export function foldLeaves(leaves: Uint32Array, width: number, W: number, rows: Uint32Array, rowOffset: number): void {
  for (let i = 0, n = 1 << width; i < width; i++, n >>>= 1) {
    const plane = rows.subarray((rowOffset + i) * W, (rowOffset + i + 1) * W);
    plane.fill(0);
    for (let y = 0; 2 * y < n; y++) {
      const a = 2 * y * W;
      const b = a + W;
      const o = y * W;
      for (let w = 0; w < W; w++) {
        const odd = leaves[b + w];
        plane[w] ^= odd;
        leaves[o + w] = leaves[a + w] ^ odd;
      }
    }
  }
}

/** Row offset of each block in the 128-row matrix (the first base OT of the block). */
function offsets(widths: readonly number[]): number[] {
  const out: number[] = [];
  widths.reduce((o, w) => (out.push(o), o + w), 0);
  return out;
}

/**
 * The receiver's work on consecutive chunks from PRG block `firstBlock`: for each chunk, one
 * correction row c_b per block (written at `uOut`, chunk after chunk, blocks in order) and t
 * (written to `tOut`). `leafPrgs` holds the leaves of every block in order (2^widths[b] each).
 * Spec: §6.11
 */
export function softReceiverChunks(
  leafPrgs: readonly AesCtrPrg[],
  widths: readonly number[],
  firstBlock: number,
  chunkSize: number,
  choices: Uint8Array,
  uOut: Uint32Array,
  tOut: Uint32Array,
): void {
  const m = choices.length;
  const B = widths.length;
  const rowOffsets = offsets(widths);
  let block = firstBlock;
  let uo = 0;
  for (let from = 0; from < m; from += chunkSize) {
    const count = Math.min(chunkSize, m - from);
    const nb = Math.ceil(count / 128);
    const W = BLOCK_WORDS * nb;
    const r = packBits(choices, from, count, new Uint32Array(W));
    const rows = new Uint32Array(KAPPA * W);
    const leaves = new Uint32Array((1 << Math.max(...widths)) * W);
    for (let b = 0, leaf = 0; b < B; b++) {
      const n = 1 << widths[b];
      for (let x = 0; x < n; x++) leafPrgs[leaf + x].fillBlocks(block, leaves.subarray(x * W, (x + 1) * W));
      foldLeaves(leaves, widths[b], W, rows, rowOffsets[b]);
      for (let w = 0, o = uo + b * W; w < W; w++) uOut[o + w] = leaves[w] ^ r[w];
      leaf += n;
    }
    transpose128(rows, W, count, tOut.subarray(BLOCK_WORDS * from, BLOCK_WORDS * (from + count)));
    block += nb;
    uo += B * W;
  }
}

/**
 * The sender's work on one chunk: q_i = t_i ⊕ r_i·s for its `count` OTs from the corrections u
 * (one row of W words per block) and the leaf PRGs at `block` (`leafPrgs[x]` null at each block's
 * punctured leaf Δ_b = `deltas[b]`). Spec: §6.11
 */
export function softSenderChunk(
  leafPrgs: readonly (AesCtrPrg | null)[],
  widths: readonly number[],
  deltas: readonly number[],
  block: number,
  count: number,
  u: Uint32Array,
  q: Uint32Array,
): void {
  const nb = Math.ceil(count / 128);
  const W = BLOCK_WORDS * nb;
  const rows = new Uint32Array(KAPPA * W);
  const leaves = new Uint32Array((1 << Math.max(...widths)) * W);
  const rowOffsets = offsets(widths);
  for (let b = 0, leaf = 0; b < widths.length; b++) {
    const n = 1 << widths[b];
    const delta = deltas[b];
    leaves.fill(0, 0, W); // y = 0 is the punctured leaf x = Δ_b: coefficient 0
    for (let x = 0; x < n; x++) {
      const prg = leafPrgs[leaf + x];
      if (x !== delta && prg !== null) prg.fillBlocks(block, leaves.subarray((x ^ delta) * W, ((x ^ delta) + 1) * W));
    }
    foldLeaves(leaves, widths[b], W, rows, rowOffsets[b]);
    for (let i = 0; i < widths[b]; i++) {
      if (((delta >>> i) & 1) === 0) continue;
      for (let w = 0, o = (rowOffsets[b] + i) * W, c = b * W; w < W; w++) rows[o + w] ^= u[c + w];
    }
    leaf += n;
  }
  transpose128(rows, W, count, q);
}
