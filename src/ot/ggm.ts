/**
 * The GGM puncturable PRF of SoftSpokenOT (§6.11): a binary tree of 16-byte seeds whose 2^k leaves
 * are the seeds of a (2^k − 1)-of-2^k OT. A node's children are the first two blocks of the §6.4
 * PRG keyed by the node (AES_node(⟨0⟩), AES_node(⟨1⟩)). The tree has no root: its two depth-1 nodes
 * are the outputs of a random base OT, and every deeper level is delivered to the punctured party as
 * the XOR of the level's nodes on one side (the "sums"), from which, knowing every node of the level
 * above except the one on the path to the punctured leaf, it rebuilds every node of the level except
 * the one on the path.
 *
 * Nodes of depth d are indexed p ∈ [0, 2^d), the children of p being 2p and 2p + 1, so a leaf's
 * index x reads the branches from its most significant bit (depth 1) to its least (depth k).
 *
 * Spec: §6.11
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { writeWordsLE } from './blocks.js';
import { AesCtrPrg, PRG_SEED_BYTES } from './prg.js';

/** Deepest GGM tree SoftSpokenOT uses (k ≤ 8). Spec: §6.11 */
export const GGM_MAX_DEPTH = 8;

/** Both children of a GGM node: AES_seed(⟨0⟩) and AES_seed(⟨1⟩) as 16-byte strings. Spec: §6.11 */
export function ggmChildren(seed: Uint8Array): [Uint8Array, Uint8Array] {
  const words = new AesCtrPrg(seed).fillBlocks(0, new Uint32Array(8));
  const bytes = new Uint8Array(32);
  writeWordsLE(words, bytes, 0);
  return [bytes.subarray(0, 16), bytes.subarray(16, 32)];
}

function xorInto(acc: Uint8Array, x: Uint8Array): void {
  for (let i = 0; i < PRG_SEED_BYTES; i++) acc[i] ^= x[i];
}

function checkDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 1 || depth > GGM_MAX_DEPTH) {
    throw new InvalidArgumentError(`GGM depth must be an integer in [1, ${GGM_MAX_DEPTH}], got ${depth}`);
  }
}

function checkSeed(seed: Uint8Array, what: string): void {
  if (!(seed instanceof Uint8Array) || seed.length !== PRG_SEED_BYTES) throw new SizeMismatchError(`${what} must be ${PRG_SEED_BYTES} bytes`);
}

/** Every node of the next depth from every node of this one. */
function expandLevel(nodes: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = new Array(2 * nodes.length);
  nodes.forEach((n, p) => {
    [out[2 * p], out[2 * p + 1]] = ggmChildren(n);
  });
  return out;
}

/** The full tree of §6.11: its leaves and, per depth, the XOR of its even and of its odd nodes. */
export interface GgmTree {
  /** The 2^depth leaf seeds, by index. */
  readonly leaves: Uint8Array[];
  /** sums[d − 1] = [⊕ of the even nodes of depth d, ⊕ of the odd nodes], for d = 1 … depth. */
  readonly sums: [Uint8Array, Uint8Array][];
}

/**
 * Expands the tree whose depth-1 nodes are `top` (node 0, node 1) down to `depth`. Spec: §6.11
 */
export function ggmExpand(top: readonly [Uint8Array, Uint8Array], depth: number): GgmTree {
  checkDepth(depth);
  checkSeed(top[0], 'GGM node 0');
  checkSeed(top[1], 'GGM node 1');
  let nodes: Uint8Array[] = [Uint8Array.from(top[0]), Uint8Array.from(top[1])];
  const sums: [Uint8Array, Uint8Array][] = [];
  for (let d = 1; ; d++) {
    const even = new Uint8Array(PRG_SEED_BYTES);
    const odd = new Uint8Array(PRG_SEED_BYTES);
    nodes.forEach((n, p) => xorInto(p & 1 ? odd : even, n));
    sums.push([even, odd]);
    if (d === depth) break;
    nodes = expandLevel(nodes);
  }
  return { leaves: nodes, sums };
}

/**
 * The punctured party's view: every leaf except leaf `point` (null there), from `offPath[d − 1]`,
 * the XOR of the depth-d nodes on the side off the path to `point` (the side whose parity is not
 * bit depth − d of `point`); at depth 1 that is the off-path node itself. Spec: §6.11
 */
export function ggmPuncture(point: number, depth: number, offPath: readonly Uint8Array[]): (Uint8Array | null)[] {
  checkDepth(depth);
  if (!Number.isInteger(point) || point < 0 || point >= 1 << depth) throw new InvalidArgumentError(`GGM point ${point} is not a leaf of a depth-${depth} tree`);
  if (offPath.length !== depth) throw new SizeMismatchError(`GGM puncturing needs ${depth} off-path sums, got ${offPath.length}`);
  offPath.forEach((s, i) => checkSeed(s, `GGM off-path sum ${i + 1}`));
  const bit = (d: number): number => (point >>> (depth - d)) & 1;
  let nodes: (Uint8Array | null)[] = [null, null];
  nodes[bit(1) ^ 1] = Uint8Array.from(offPath[0]);
  for (let d = 2; d <= depth; d++) {
    const parent = point >>> (depth - d + 1);
    const next: (Uint8Array | null)[] = new Array(2 * nodes.length).fill(null);
    nodes.forEach((n, p) => {
      if (n !== null) [next[2 * p], next[2 * p + 1]] = ggmChildren(n);
    });
    // The off-path child of the on-path parent: the level's off-side sum minus the other known nodes.
    const side = bit(d) ^ 1;
    const missing = Uint8Array.from(offPath[d - 1]);
    for (let p = side; p < next.length; p += 2) if (next[p] !== null) xorInto(missing, next[p]!);
    next[2 * parent + side] = missing;
    nodes = next;
  }
  return nodes;
}
