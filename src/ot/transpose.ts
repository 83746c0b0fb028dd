/**
 * Transposition of the 128 × m bit matrix of OT extension: the hot spot of IKNP.
 *
 * Input: 128 rows, row j stored in words [j·W, (j+1)·W) with column i at bit (i mod 32) of word
 * ⌊i/32⌋. Output: m blocks of 128 bits, block i holding row bit j at bit (j mod 32) of word
 * 4i + ⌊j/32⌋. The work is split into 32 × 32 tiles, each transposed in registers with the
 * five-step swap network (Hacker's Delight §7-3, written for least-significant-bit-first columns).
 *
 * Spec: §6.5
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';

/** Rows of the OT-extension matrix (the computational security parameter κ). */
export const KAPPA = 128;

/**
 * Transposes 32 words in place: afterwards bit b of a[k] is the former bit k of a[b].
 * Spec: §6.5
 */
export function transpose32(a: Int32Array | Uint32Array): void {
  // Tile halves are swapped off the diagonal at distances 16, 8, 4, 2, 1.
  let m = 0x0000ffff;
  for (let j = 16; j !== 0; j >>>= 1, m ^= m << j) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const t = ((a[k] >>> j) ^ a[k + j]) & m;
      a[k] ^= t << j;
      a[k + j] ^= t;
    }
  }
}

const tile = new Int32Array(32);

/**
 * Transposes the 128 × (32·W) bit matrix `rows` (128 rows of W words) into `count` ≤ 32·W blocks
 * written to `out` (4·count words). Spec: §6.5
 */
export function transpose128(rows: Uint32Array, wordsPerRow: number, count: number, out: Uint32Array): Uint32Array {
  if (!Number.isInteger(wordsPerRow) || wordsPerRow < 0 || rows.length !== KAPPA * wordsPerRow) {
    throw new SizeMismatchError(`transpose128: ${rows.length} words are not 128 rows of ${wordsPerRow} words`);
  }
  return transpose128At(rows, wordsPerRow, 0, count, out);
}

/**
 * Like {@link transpose128} on the columns of a wider matrix: 128 rows of `rowStride` words, columns
 * from word `firstWord` of each row on (several chunks' rows side by side). Spec: §6.5
 */
export function transpose128At(rows: Uint32Array, rowStride: number, firstWord: number, count: number, out: Uint32Array): Uint32Array {
  if (!Number.isInteger(rowStride) || rowStride < 0 || rows.length < KAPPA * rowStride) {
    throw new SizeMismatchError(`transpose128: ${rows.length} words are not 128 rows of ${rowStride} words`);
  }
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(firstWord) || firstWord < 0 || 32 * firstWord + count > 32 * rowStride) {
    throw new InvalidArgumentError(`transpose128: count ${count} from word ${firstWord} exceeds the ${32 * rowStride} columns`);
  }
  if (out.length < 4 * count) throw new SizeMismatchError(`transpose128: output holds ${out.length} words, need ${4 * count}`);
  const a = tile;
  const W = rowStride;
  for (let w = 0; w * 32 < count; w++) {
    const cols = Math.min(32, count - 32 * w);
    for (let r = 0; r < 4; r++) {
      let src = 32 * r * W + firstWord + w;
      for (let k = 0; k < 32; k++, src += W) a[k] = rows[src];
      transpose32(a);
      let dst = 4 * 32 * w + r;
      for (let b = 0; b < cols; b++, dst += 4) out[dst] = a[b];
    }
  }
  return out;
}
