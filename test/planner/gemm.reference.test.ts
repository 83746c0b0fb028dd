/**
 * The blocked Float32 matrix products (§10.2) against the textbook triple loop in float64
 * (gemmReference), on shapes that exercise every remainder of the 4-row and 2×2 blocking, with
 * offsets, accumulation and zero rows (the zero-skipping path).
 */
import { describe, expect, it } from 'vitest';
import { gemmNN, gemmNT, gemmReference, gemmTN } from '../../src/planner/gemm.js';
import { fromTextSeed } from '../../src/random/index.js';
import { maxRelativeError, randomFloat32 } from './helpers/float32.js';

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [2, 3, 4],
  [3, 5, 7],
  [5, 2, 9],
  [4, 4, 4],
  [7, 13, 6],
  [16, 64, 25],
];

/** Row-major transpose of an r×c matrix. */
function transpose(x: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
  return out;
}

describe('gemm vs the triple loop', () => {
  const rng = fromTextSeed('planner/gemm');
  for (const [m, n, k] of SHAPES) {
    for (const accumulate of [false, true]) {
      it(`${m}×${k} · ${k}×${n}, accumulate ${accumulate}`, () => {
        const a = randomFloat32(rng, m * k, -1, 1);
        const b = randomFloat32(rng, k * n, -1, 1);
        if (k > 4) a.fill(0, 0, 4); // a block of zeros in the first row of A
        const c0 = randomFloat32(rng, m * n, -1, 1);
        const expected = Float64Array.from(c0);
        gemmReference(m, n, k, a, b, expected, accumulate);

        // Operands placed at offsets inside larger buffers.
        const pad = 3;
        const withOffset = (x: Float32Array): Float32Array => {
          const out = new Float32Array(x.length + 2 * pad).fill(99);
          out.set(x, pad);
          return out;
        };
        const check = (c: Float32Array): void => {
          expect(maxRelativeError(c.subarray(pad, pad + m * n), expected)).toBeLessThan(1e-5);
          expect(c[0]).toBe(99);
          expect(c[c.length - 1]).toBe(99);
        };

        const nn = withOffset(c0);
        gemmNN(m, n, k, withOffset(a), pad, withOffset(b), pad, nn, pad, accumulate);
        check(nn);

        const nt = withOffset(c0);
        gemmNT(m, n, k, withOffset(a), pad, withOffset(transpose(b, k, n)), pad, nt, pad, accumulate);
        check(nt);

        const tn = withOffset(c0);
        gemmTN(m, n, k, withOffset(transpose(a, m, k)), pad, withOffset(b), pad, tn, pad, accumulate);
        check(tn);
      });
    }
  }
});
