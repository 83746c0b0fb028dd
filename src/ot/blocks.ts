/**
 * 128-bit blocks and bit vectors as the OT code stores them.
 *
 * A block is four consecutive 32-bit words of a `Uint32Array` (word 0 holds bits 0–31); an array of
 * n blocks has 4n words. On the wire every word is written little-endian, so a block's bytes are its
 * 16-byte little-endian encoding. Choice bits are given one per byte (values 0 or 1) and packed into
 * words with bit i at bit position (i mod 32) of word ⌊i/32⌋.
 *
 * Spec: §6.1
 * @module
 */
import { InvalidArgumentError, MalformedInputError, OutOfRangeError, SizeMismatchError } from '../errors.js';

/** Words per 128-bit block. */
export const BLOCK_WORDS = 4;
/** Bytes per 128-bit block. */
export const BLOCK_BYTES = 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Number of 128-bit blocks held by `blocks` (its length must be a multiple of 4). Spec: §6.1 */
export function blockCount(blocks: Uint32Array, what = 'blocks'): number {
  if (!(blocks instanceof Uint32Array)) {
    throw new InvalidArgumentError(`${what} must be a Uint32Array of 128-bit blocks (4 words each)`);
  }
  if (blocks.length % BLOCK_WORDS !== 0) {
    throw new SizeMismatchError(`${what} has ${blocks.length} words, not a whole number of 4-word blocks`);
  }
  return blocks.length / BLOCK_WORDS;
}

/** Writes `words` into `out` at `offset` as little-endian bytes (4 bytes per word). Spec: §6.1 */
export function writeWordsLE(words: Uint32Array, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN && offset % 4 === 0 && (out.byteOffset + offset) % 4 === 0) {
    new Uint32Array(out.buffer, out.byteOffset + offset, words.length).set(words);
    return;
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const o = offset + 4 * i;
    out[o] = w;
    out[o + 1] = w >>> 8;
    out[o + 2] = w >>> 16;
    out[o + 3] = w >>> 24;
  }
}

/** Reads `count` little-endian words from `bytes` at `offset`. Spec: §6.1 */
export function readWordsLE(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  if (offset + 4 * count > bytes.length) {
    throw new MalformedInputError(`need ${4 * count} bytes at offset ${offset}, message has ${bytes.length}`);
  }
  if (LITTLE_ENDIAN) {
    // Copy into a fresh, aligned buffer (the message may sit at any byte offset).
    return new Uint32Array(bytes.slice(offset, offset + 4 * count).buffer);
  }
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const o = offset + 4 * i;
    out[i] = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
  }
  return out;
}

/**
 * Like {@link readWordsLE} but, on little-endian hosts with aligned input, returns a view of
 * `bytes` instead of a copy (for read-only use of a received message). Spec: §6.1
 */
export function viewWordsLE(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  if (offset + 4 * count > bytes.length) {
    throw new MalformedInputError(`need ${4 * count} bytes at offset ${offset}, message has ${bytes.length}`);
  }
  if (LITTLE_ENDIAN && (bytes.byteOffset + offset) % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset + offset, count);
  return readWordsLE(bytes, offset, count);
}

/** Block i of `blocks` as 16 little-endian bytes. Spec: §6.1 */
export function blockToBytes(blocks: Uint32Array, i = 0): Uint8Array {
  const out = new Uint8Array(BLOCK_BYTES);
  writeWordsLE(blocks.subarray(BLOCK_WORDS * i, BLOCK_WORDS * i + BLOCK_WORDS), out, 0);
  return out;
}

/** Parses 16·n little-endian bytes into n blocks. Spec: §6.1 */
export function bytesToBlocks(bytes: Uint8Array): Uint32Array {
  if (!(bytes instanceof Uint8Array) || bytes.length % BLOCK_BYTES !== 0) {
    throw new InvalidArgumentError('bytesToBlocks expects a Uint8Array whose length is a multiple of 16');
  }
  return readWordsLE(bytes, 0, bytes.length / 4);
}

/** out[i] = a[i] ⊕ b[i] for every word; returns `out` (which may alias `a` or `b`). Spec: §6.1 */
export function xorWords(a: Uint32Array, b: Uint32Array, out: Uint32Array = new Uint32Array(a.length)): Uint32Array {
  if (a.length !== b.length || out.length !== a.length) {
    throw new SizeMismatchError(`xorWords: lengths ${a.length}, ${b.length} and ${out.length} differ`);
  }
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/**
 * Checks that `choices` holds one choice bit per byte (each 0 or 1) and returns how many.
 * Spec: §6.1
 */
export function checkChoiceBits(choices: Uint8Array): number {
  if (!(choices instanceof Uint8Array)) {
    throw new InvalidArgumentError('choices must be a Uint8Array holding one bit (0 or 1) per byte');
  }
  for (let i = 0; i < choices.length; i++) {
    if ((choices[i] & 0xfe) !== 0) {
      throw new OutOfRangeError(`choice bit ${i} is ${choices[i]}; choice bits must be 0 or 1`);
    }
  }
  return choices.length;
}

/**
 * Packs choices[from .. from+count) into `out` (bit i at bit i mod 32 of word ⌊i/32⌋); words past
 * the last bit are zeroed. Spec: §6.1
 */
export function packBits(choices: Uint8Array, from: number, count: number, out: Uint32Array): Uint32Array {
  out.fill(0);
  for (let i = 0; i < count; i++) out[i >>> 5] |= choices[from + i] << (i & 31);
  return out;
}
