/**
 * The word-level 128 × m bit-matrix transpose against a bit-by-bit reference that reads the
 * layout definition of §6.5 literally.
 */
import { describe, expect, it } from 'vitest';
import { transpose128, transpose32 } from '../../src/ot/transpose.js';
import { InvalidArgumentError, SizeMismatchError } from '../../src/errors.js';
import { rngFor } from './helpers.js';

/** Bit `i` of a word array (bit i mod 32 of word ⌊i/32⌋). */
function bit(words: Uint32Array, i: number): number {
  return (words[Math.floor(i / 32)] >>> i % 32) & 1;
}

/** Reference: out block i bit j = row j bit i, one bit at a time. */
function referenceTranspose(rows: Uint32Array, wordsPerRow: number, count: number): Uint32Array {
  const out = new Uint32Array(4 * count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 128; j++) {
      const b = bit(rows.subarray(j * wordsPerRow, (j + 1) * wordsPerRow), i);
      out[4 * i + Math.floor(j / 32)] |= b << j % 32;
    }
  }
  return out;
}

function randomWords(label: string, n: number): Uint32Array {
  return new Uint32Array(rngFor(label).bytes(4 * n).buffer);
}

describe('transpose32', () => {
  it('matches the bit-by-bit definition on random tiles', () => {
    for (let trial = 0; trial < 20; trial++) {
      const a = randomWords(`tile-${trial}`, 32);
      const t = Uint32Array.from(a);
      transpose32(t);
      for (let k = 0; k < 32; k++) for (let b = 0; b < 32; b++) expect((t[b] >>> k) & 1).toBe((a[k] >>> b) & 1);
    }
  });

  it('maps the identity matrix to itself and a single bit to its mirror', () => {
    const id = new Uint32Array(32).map((_, k) => (1 << k) >>> 0);
    const t = Uint32Array.from(id);
    transpose32(t);
    expect(t).toEqual(id);
    const one = new Uint32Array(32);
    one[3] = 1 << 29;
    transpose32(one);
    expect(Array.from(one).findIndex((w) => w !== 0)).toBe(29);
    expect(one[29]).toBe(1 << 3);
  });
});

describe('transpose128', () => {
  for (const [count, wordsPerRow] of [
    [0, 0],
    [1, 4],
    [31, 4],
    [32, 4],
    [33, 4],
    [127, 4],
    [128, 4],
    [129, 8],
    [1000, 32],
    [1024, 32],
  ] as const) {
    it(`matches the reference for ${count} columns in rows of ${wordsPerRow} words`, () => {
      const rows = randomWords(`matrix-${count}-${wordsPerRow}`, 128 * wordsPerRow);
      const fast = transpose128(rows, wordsPerRow, count, new Uint32Array(4 * count));
      expect(fast).toEqual(referenceTranspose(rows, wordsPerRow, count));
    });
  }

  it('leaves words past 4·count untouched', () => {
    const rows = randomWords('tail', 128 * 4);
    const out = new Uint32Array(4 * 128).fill(0xdeadbeef);
    transpose128(rows, 4, 100, out);
    expect(Array.from(out.subarray(400)).every((w) => w === 0xdeadbeef)).toBe(true);
  });

  it('rejects inconsistent shapes with typed errors', () => {
    expect(() => transpose128(new Uint32Array(100), 1, 10, new Uint32Array(40))).toThrow(SizeMismatchError);
    expect(() => transpose128(new Uint32Array(128), 1, 33, new Uint32Array(200))).toThrow(InvalidArgumentError);
    expect(() => transpose128(new Uint32Array(128), 1, 32, new Uint32Array(100))).toThrow(SizeMismatchError);
  });
});
