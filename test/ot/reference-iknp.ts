/**
 * A slow, literal reference implementation of the OT-extension messages and outputs of §6.7, for
 * cross-checking the fast implementation. Everything is done one bit at a time on plain arrays of
 * 0/1 numbers; the PRG is Node's OpenSSL `aes-128-ctr`; only the tweakable hash (a separate module
 * with its own tests) is shared with the implementation, called one block at a time.
 */
import { createCipheriv } from 'node:crypto';
import { tccrHashBlocks } from '../../src/hash/index.js';

export type Bits = number[];

/** Bits [128·firstBlock, 128·(firstBlock + nBlocks)) of G(key): AES-128-CTR with a zero IV. */
export function prgBits(key: Uint8Array, firstBlock: number, nBlocks: number): Bits {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(firstBlock), 8);
  const c = createCipheriv('aes-128-ctr', key, iv);
  const bytes = Buffer.concat([c.update(Buffer.alloc(16 * nBlocks)), c.final()]);
  const bits: Bits = [];
  for (let k = 0; k < 128 * nBlocks; k++) bits.push((bytes[k >> 3] >> (k & 7)) & 1);
  return bits;
}

/** A 128-bit block (4 little-endian words) from 128 bits, bit j at bit j mod 32 of word ⌊j/32⌋. */
export function bitsToBlock(bits: Bits): Uint32Array {
  const w = new Uint32Array(4);
  bits.forEach((b, j) => (w[j >> 5] |= b << (j & 31)));
  return w;
}

export function blockToBits(block: Uint32Array): Bits {
  return Array.from({ length: 128 }, (_, j) => (block[j >> 5] >>> (j & 31)) & 1);
}

/** Bits of a byte string, least significant bit of byte 0 first. */
export function bytesToBits(bytes: Uint8Array): Bits {
  return Array.from({ length: 8 * bytes.length }, (_, k) => (bytes[k >> 3] >> (k & 7)) & 1);
}

export function bitsToBytes(bits: Bits): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, k) => (out[k >> 3] |= b << (k & 7)));
  return out;
}

/** H(i, x) for one block. */
export function hashBlock(block: Uint32Array, tweak: number): Uint32Array {
  const out = new Uint32Array(4);
  tccrHashBlocks(block, tweak, out);
  return out;
}

export function xorBlock(a: Uint32Array, b: Uint32Array): Uint32Array {
  return a.map((w, k) => w ^ b[k]);
}

function header(tag: number, count: number, start: number): number[] {
  const h = [tag, 0, 0, 0];
  for (let k = 0; k < 4; k++) h.push((count >>> (8 * k)) & 0xff);
  for (let k = 0; k < 8; k++) h.push(Math.floor(start / 2 ** (8 * k)) % 256);
  return h;
}

function blocksToBytes(blocks: Uint32Array[]): number[] {
  const out: number[] = [];
  for (const b of blocks) for (const w of b) out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24);
  return out;
}

/** State both reference parties carry between batches. */
export interface ReferenceCounters {
  ot: number;
  block: number;
}

/** One chunk as the receiver computes it. */
export interface ReferenceChunk {
  start: number;
  count: number;
  /** The u message, header included. */
  message: Uint8Array;
  /** t_i for the chunk's OTs, as blocks. */
  t: Uint32Array[];
}

/**
 * Receiver: splits the batch into chunks, and for each builds u_j = G(k⁰_j) ⊕ G(k¹_j) ⊕ r (bits) and
 * t_i = column i of the matrix G(k⁰_j). Advances the counters.
 */
export function referenceReceiverChunks(
  keys0: Uint8Array[],
  keys1: Uint8Array[],
  choices: Uint8Array,
  chunkSize: number,
  tag: number,
  counters: ReferenceCounters,
): ReferenceChunk[] {
  const chunks: ReferenceChunk[] = [];
  for (let from = 0; from < choices.length; from += chunkSize) {
    const count = Math.min(chunkSize, choices.length - from);
    const nBlocks = Math.ceil(count / 128);
    const width = 128 * nBlocks;
    const r: Bits = Array.from({ length: width }, (_, i) => (i < count ? choices[from + i] : 0));
    const tRows: Bits[] = [];
    const payload: number[] = [];
    for (let j = 0; j < 128; j++) {
      const g0 = prgBits(keys0[j], counters.block, nBlocks);
      const g1 = prgBits(keys1[j], counters.block, nBlocks);
      tRows.push(g0);
      payload.push(...bitsToBytes(g0.map((b, i) => b ^ g1[i] ^ r[i])));
    }
    const t = Array.from({ length: count }, (_, i) => bitsToBlock(tRows.map((row) => row[i])));
    chunks.push({ start: counters.ot, count, message: Uint8Array.from([...header(tag, count, counters.ot), ...payload]), t });
    counters.ot += count;
    counters.block += nBlocks;
  }
  return chunks;
}

/**
 * Sender: parses a u message and returns q_i = column i of (G(k^{s_j}_j) ⊕ s_j·u_j). Advances the
 * counters.
 */
export function referenceSenderQ(keys: Uint8Array[], s: Bits, message: Uint8Array, counters: ReferenceCounters): Uint32Array[] {
  const count = message[4] | (message[5] << 8) | (message[6] << 16) | (message[7] << 24);
  const nBlocks = Math.ceil(count / 128);
  const rowBytes = 16 * nBlocks;
  const qRows: Bits[] = [];
  for (let j = 0; j < 128; j++) {
    const g = prgBits(keys[j], counters.block, nBlocks);
    const u = bytesToBits(message.subarray(16 + j * rowBytes, 16 + (j + 1) * rowBytes));
    qRows.push(g.map((b, i) => b ^ (s[j] & u[i])));
  }
  counters.ot += count;
  counters.block += nBlocks;
  return Array.from({ length: count }, (_, i) => bitsToBlock(qRows.map((row) => row[i])));
}

/** A reply message (header + blocks). */
export function referenceReply(tag: number, start: number, blocks: Uint32Array[], count: number): Uint8Array {
  return Uint8Array.from([...header(tag, count, start), ...blocksToBytes(blocks)]);
}
