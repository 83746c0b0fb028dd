/**
 * A slow, literal reference of SoftSpokenOT's building blocks (§6.11), for cross-checking the fast
 * code: the GGM tree by recursion with AES-128 from Node's OpenSSL (ECB of the counter blocks ⟨0⟩,
 * ⟨1⟩), and the small-field VOLE of one block one OT at a time, with F_{2^k} elements as integers
 * (addition is XOR; a bit times an element is the element or 0).
 */
import { createCipheriv } from 'node:crypto';
import { prgBits, type Bits } from './reference-iknp.js';

/** AES_key(⟨i⟩) for the 128-bit big-endian counter block ⟨i⟩. */
function aesCounter(key: Uint8Array, i: number): Uint8Array {
  const block = Buffer.alloc(16);
  block[15] = i;
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/** Leaf x of the depth-`depth` tree under the depth-1 nodes `top`, by walking its path. */
export function referenceLeaf(top: readonly [Uint8Array, Uint8Array], depth: number, x: number): Uint8Array {
  let node = top[(x >>> (depth - 1)) & 1];
  for (let d = 2; d <= depth; d++) node = aesCounter(node, (x >>> (depth - d)) & 1);
  return node;
}

/** Node p of depth d (1 ≤ d ≤ depth) of the tree under `top`. */
export function referenceNode(top: readonly [Uint8Array, Uint8Array], d: number, p: number): Uint8Array {
  return referenceLeaf(top, d, p);
}

/**
 * One block of the receiver for one chunk: leaves' PRG rows (bits [128·P, 128·(P + nb))), then per
 * OT n: u'_n = ⊕_x G_x[n] and v_n = ⊕_x x·G_x[n]. Returns c = u' ⊕ r and the k planes of v.
 */
export function referenceReceiverBlock(leaves: readonly Uint8Array[], P: number, nb: number, r: Bits): { c: Bits; planes: Bits[] } {
  const k = Math.log2(leaves.length);
  const rows = leaves.map((leaf) => prgBits(leaf, P, nb));
  const c: Bits = [];
  const planes: Bits[] = Array.from({ length: k }, () => []);
  for (let n = 0; n < 128 * nb; n++) {
    let u = 0;
    let v = 0;
    rows.forEach((row, x) => {
      u ^= row[n];
      if (row[n]) v ^= x;
    });
    c.push(u ^ (r[n] ?? 0));
    for (let i = 0; i < k; i++) planes[i].push((v >>> i) & 1);
  }
  return { c, planes };
}

/**
 * The sender's block: w_n = ⊕_{x ≠ Δ} (x ⊕ Δ)·G_x[n] ⊕ Δ·c_n, from the leaves it knows (null at Δ).
 */
export function referenceSenderBlock(leaves: readonly (Uint8Array | null)[], delta: number, P: number, nb: number, c: Bits): Bits[] {
  const k = Math.log2(leaves.length);
  const rows = leaves.map((leaf) => (leaf === null ? null : prgBits(leaf, P, nb)));
  const planes: Bits[] = Array.from({ length: k }, () => []);
  for (let n = 0; n < 128 * nb; n++) {
    let w = c[n] ? delta : 0;
    rows.forEach((row, x) => {
      if (row !== null && row[n]) w ^= x ^ delta;
    });
    for (let i = 0; i < k; i++) planes[i].push((w >>> i) & 1);
  }
  return planes;
}
