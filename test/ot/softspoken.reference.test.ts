/**
 * SoftSpokenOT's pieces (§6.11) against the slow reference of reference-softspoken.ts: the GGM tree
 * (leaves and level sums), puncturing at every point, the GGM-sums message, and the per-chunk
 * receiver and sender matrices (corrections c_b, t and q) for k = 3 (a short last block) and k = 4.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { softReceiverChunks, softSenderChunk } from '../../src/ot/softspoken-blocks.js';
import { ggmExpand, ggmPuncture } from '../../src/ot/ggm.js';
import { AesCtrPrg } from '../../src/ot/prg.js';
import { softSpokenReceiverSetup, softSpokenSenderSetup, softSpokenWidths, GGM_SUMS_HEADER_BYTES } from '../../src/ot/softspoken.js';
import { OT_TAG } from '../../src/ot/wire.js';
import { blockToBits, type Bits } from './reference-iknp.js';
import { referenceLeaf, referenceNode, referenceReceiverBlock, referenceSenderBlock } from './reference-softspoken.js';
import { rngFor } from './helpers.js';

function seeds(label: string, n: number): Uint8Array[] {
  const rng = rngFor(`ss-ref/${label}`);
  return Array.from({ length: n }, () => rng.bytes(16));
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, i) => x ^ b[i]);
}

describe('GGM tree (§6.11) against a recursive reference', () => {
  for (const depth of [1, 2, 3, 5, 8]) {
    it(`depth ${depth}: leaves and per-depth sums`, () => {
      const [n0, n1] = seeds(`tree${depth}`, 2);
      const tree = ggmExpand([n0, n1], depth);
      expect(tree.leaves.length).toBe(1 << depth);
      const xs = depth <= 5 ? [...Array(1 << depth).keys()] : [0, 1, 77, 128, 200, 255];
      for (const x of xs) expect(tree.leaves[x], `leaf ${x}`).toEqual(referenceLeaf([n0, n1], depth, x));
      if (depth <= 5) {
        for (let d = 1; d <= depth; d++) {
          for (const parity of [0, 1]) {
            let sum: Uint8Array = new Uint8Array(16);
            for (let p = parity; p < 1 << d; p += 2) sum = xor(sum, referenceNode([n0, n1], d, p));
            expect(tree.sums[d - 1][parity], `depth ${d} parity ${parity}`).toEqual(sum);
          }
        }
      }
    });
  }

  for (const depth of [1, 2, 3, 4]) {
    it(`depth ${depth}: puncturing at every point rebuilds every other leaf and not the point`, () => {
      const [n0, n1] = seeds(`punct${depth}`, 2);
      const tree = ggmExpand([n0, n1], depth);
      for (let point = 0; point < 1 << depth; point++) {
        const offPath = tree.sums.map((s, d) => s[((point >>> (depth - d - 1)) & 1) ^ 1]);
        const leaves = ggmPuncture(point, depth, offPath);
        leaves.forEach((leaf, x) => expect(leaf, `point ${point}, leaf ${x}`).toEqual(x === point ? null : tree.leaves[x]));
      }
    });
  }

  it('rejects bad depths, points and sums', () => {
    const [n0, n1] = seeds('bad', 2);
    expect(() => ggmExpand([n0, n1], 0)).toThrow(/depth/);
    expect(() => ggmExpand([n0, n1], 9)).toThrow(/depth/);
    expect(() => ggmPuncture(4, 2, [n0, n1])).toThrow(/not a leaf/);
    expect(() => ggmPuncture(1, 2, [n0])).toThrow(/off-path/);
    expect(() => ggmPuncture(1, 2, [n0, n1.subarray(1)])).toThrow(/16 bytes/);
  });
});

describe('SoftSpokenOT setup and matrices against the reference', () => {
  for (const k of [3, 4]) {
    it(`k = ${k}: GGM-sums message, corrections, t and q`, async () => {
      const widths = softSpokenWidths(k);
      const keys0 = seeds(`k${k}/keys0`, 128);
      const keys1 = seeds(`k${k}/keys1`, 128);
      const sBits = rngFor(`ss-ref/k${k}/s`).bytes(128).map((x) => x & 1);
      const keys = keys0.map((k0, j) => (sBits[j] ? keys1[j] : k0));
      // The message: per block, the trees under (k¹_top, k⁰_top); for each deeper base OT j of depth d,
      // e_{j,c} = S_d^{1−c} ⊕ k^c_j.
      const [a, b] = memoryChannelPair();
      const receiver = softSpokenReceiverSetup(a, keys0, keys1, k);
      const msg = await b.recv();
      expect(msg[0]).toBe(OT_TAG.EXT_GGM_SUMS);
      const expected: number[] = [OT_TAG.EXT_GGM_SUMS, k, 0, 0, 128 - widths.length, 0, 0, 0];
      const trees: Uint8Array[][] = [];
      let o = 0;
      for (const w of widths) {
        const top: [Uint8Array, Uint8Array] = [keys1[o + w - 1], keys0[o + w - 1]];
        trees.push([...Array(1 << w).keys()].map((x) => referenceLeaf(top, w, x)));
        for (let i = 0; i < w - 1; i++) {
          const d = w - i;
          const sums = [0, 1].map((parity) => {
            let s: Uint8Array = new Uint8Array(16);
            for (let p = parity; p < 1 << d; p += 2) s = xor(s, referenceNode(top, d, p));
            return s;
          });
          expected.push(...xor(sums[1], keys0[o + i]), ...xor(sums[0], keys1[o + i]));
        }
        o += w;
      }
      expect(Array.from(msg)).toEqual(expected);
      expect(msg.length).toBe(GGM_SUMS_HEADER_BYTES + 32 * (128 - widths.length));
      // The sender's setup from that message.
      const [c, d] = memoryChannelPair();
      c.send(msg);
      const sender = await softSpokenSenderSetup(d, keys, sBits, k);

      // One chunk of 300 OTs at PRG block 5 (3 blocks of 128 bits, the last partly used).
      const count = 300;
      const nb = 3;
      const W = 4 * nb;
      const choices = rngFor(`ss-ref/k${k}/r`).bytes(count).map((x) => x & 1);
      const r: Bits = Array.from(choices);
      const u = new Uint32Array(widths.length * W);
      const t = new Uint32Array(4 * count);
      receiver.chunks(5, 8192, choices, u, t);
      const q = new Uint32Array(4 * count);
      sender.chunks(5, [count], [u], q);
      // The same through the kernels with PRGs built here (what a pool task does).
      const u2 = new Uint32Array(u.length);
      const t2 = new Uint32Array(t.length);
      softReceiverChunks(trees.flat().map((x) => new AesCtrPrg(x)), widths, 5, 8192, choices, u2, t2);
      expect(u2).toEqual(u);
      expect(t2).toEqual(t);

      const tBits = Array.from({ length: count }, (_, n) => blockToBits(t.subarray(4 * n, 4 * n + 4)));
      const qBits = Array.from({ length: count }, (_, n) => blockToBits(q.subarray(4 * n, 4 * n + 4)));
      o = 0;
      widths.forEach((w, blk) => {
        const ref = referenceReceiverBlock(trees[blk], 5, nb, r);
        const cRow = Array.from({ length: 128 * nb }, (_, n) => (u[blk * W + (n >>> 5)] >>> (n & 31)) & 1);
        expect(cRow, `block ${blk}: c`).toEqual(ref.c);
        let delta = 0;
        for (let i = 0; i < w; i++) delta |= sBits[o + i] << i;
        const punctured = trees[blk].map((leaf, x) => (x === delta ? null : leaf));
        const refQ = referenceSenderBlock(punctured, delta, 5, nb, ref.c);
        for (let i = 0; i < w; i++) {
          for (let n = 0; n < count; n++) {
            expect(tBits[n][o + i]).toBe(ref.planes[i][n]);
            expect(qBits[n][o + i]).toBe(refQ[i][n]);
          }
        }
        o += w;
      });
      // The IKNP correlation: q_n = t_n ⊕ r_n·s.
      for (let n = 0; n < count; n++) expect(qBits[n].map((x, j) => x ^ (r[n] & sBits[j]))).toEqual(tBits[n]);
      // And the sender kernel with its own PRGs.
      const q2 = new Uint32Array(q.length);
      let off = 0;
      const deltas = widths.map((w) => {
        let dlt = 0;
        for (let i = 0; i < w; i++) dlt |= sBits[off + i] << i;
        off += w;
        return dlt;
      });
      softSenderChunk(trees.flatMap((leaves, blk) => leaves.map((x, i) => (i === deltas[blk] ? null : new AesCtrPrg(x)))), widths, deltas, 5, count, u, q2);
      expect(q2).toEqual(q);
    });
  }
});
