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
import { scratchWords } from './scratch.js';
import { chunkCounts, chunkSpans } from './spans.js';
import { KAPPA, transpose128At } from './transpose.js';

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
 * Chunks are processed in spans (extend-blocks.ts), each leaf's stream in one call per span.
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
  const B = widths.length;
  const rowOffsets = offsets(widths);
  const counts = chunkCounts(choices.length, chunkSize);
  const maxLeaves = 1 << Math.max(...widths);
  let block = firstBlock;
  let uo = 0;
  for (const [c0, c1] of chunkSpans(counts)) {
    // Chunks start at multiples of 128 OTs, so the span's packed r is theirs side by side.
    const from = c0 * chunkSize;
    let spanCount = 0;
    for (let c = c0; c < c1; c++) spanCount += counts[c];
    const TW = BLOCK_WORDS * Math.ceil(spanCount / 128);
    const r = packBits(choices, from, spanCount, scratchWords('soft.r', TW));
    const rows = scratchWords('soft.rows', KAPPA * TW);
    const leaves = scratchWords('soft.leaves', maxLeaves * TW);
    for (let b = 0, leaf = 0; b < B; b++) {
      const n = 1 << widths[b];
      for (let x = 0; x < n; x++) leafPrgs[leaf + x].fillBlocks(block, leaves.subarray(x * TW, (x + 1) * TW));
      foldLeaves(leaves, widths[b], TW, rows, rowOffsets[b]);
      for (let c = c0, off = 0, uc = uo; c < c1; c++) {
        const W = BLOCK_WORDS * Math.ceil(counts[c] / 128);
        for (let w = 0, o = uc + b * W; w < W; w++) uOut[o + w] = leaves[off + w] ^ r[off + w];
        off += W;
        uc += B * W;
      }
      leaf += n;
    }
    for (let c = c0, off = 0, f = from; c < c1; c++) {
      const W = BLOCK_WORDS * Math.ceil(counts[c] / 128);
      transpose128At(rows, TW, off, counts[c], tOut.subarray(BLOCK_WORDS * f, BLOCK_WORDS * (f + counts[c])));
      off += W;
      f += counts[c];
      uo += B * W;
    }
    block += TW / BLOCK_WORDS;
  }
}

/**
 * The sender's work on consecutive chunks from PRG block `firstBlock`: q_i = t_i ⊕ r_i·s for the
 * `counts[c]` OTs of each chunk c from its corrections `us[c]` (one row of 4·⌈counts[c]/128⌉ words
 * per block) and the leaf PRGs (`leafPrgs[x]` null at each block's punctured leaf Δ_b =
 * `deltas[b]`), written to `q` chunk after chunk. Spec: §6.11
 */
export function softSenderChunks(
  leafPrgs: readonly (AesCtrPrg | null)[],
  widths: readonly number[],
  deltas: readonly number[],
  firstBlock: number,
  counts: readonly number[],
  us: readonly Uint32Array[],
  q: Uint32Array,
): void {
  const rowOffsets = offsets(widths);
  const maxLeaves = 1 << Math.max(...widths);
  let block = firstBlock;
  let qo = 0;
  for (const [c0, c1] of chunkSpans(counts)) {
    let TW = 0;
    for (let c = c0; c < c1; c++) TW += BLOCK_WORDS * Math.ceil(counts[c] / 128);
    const rows = scratchWords('soft.rows', KAPPA * TW);
    const leaves = scratchWords('soft.leaves', maxLeaves * TW);
    for (let b = 0, leaf = 0; b < widths.length; b++) {
      const n = 1 << widths[b];
      const delta = deltas[b];
      leaves.fill(0, 0, TW); // y = 0 is the punctured leaf x = Δ_b: coefficient 0
      for (let x = 0; x < n; x++) {
        const prg = leafPrgs[leaf + x];
        if (x !== delta && prg !== null) prg.fillBlocks(block, leaves.subarray((x ^ delta) * TW, ((x ^ delta) + 1) * TW));
      }
      foldLeaves(leaves, widths[b], TW, rows, rowOffsets[b]);
      for (let i = 0; i < widths[b]; i++) {
        if (((delta >>> i) & 1) === 0) continue;
        for (let c = c0, off = (rowOffsets[b] + i) * TW; c < c1; c++) {
          const W = BLOCK_WORDS * Math.ceil(counts[c] / 128);
          const u = us[c];
          for (let w = 0, x = b * W; w < W; w++, x++) rows[off + w] ^= u[x];
          off += W;
        }
      }
      leaf += n;
    }
    for (let c = c0, off = 0; c < c1; c++) {
      transpose128At(rows, TW, off, counts[c], q.subarray(qo, qo + BLOCK_WORDS * counts[c]));
      off += BLOCK_WORDS * Math.ceil(counts[c] / 128);
      qo += BLOCK_WORDS * counts[c];
    }
    block += TW / BLOCK_WORDS;
  }
}

/** {@link softSenderChunks} on one chunk of `count` OTs at PRG block `block`. Spec: §6.11 */
export function softSenderChunk(
  leafPrgs: readonly (AesCtrPrg | null)[],
  widths: readonly number[],
  deltas: readonly number[],
  block: number,
  count: number,
  u: Uint32Array,
  q: Uint32Array,
): void {
  softSenderChunks(leafPrgs, widths, deltas, block, [count], [u], q);
}
