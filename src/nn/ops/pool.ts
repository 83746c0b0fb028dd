/**
 * Sum pooling, the integer part of average pooling: the fixed-point evaluator sums each window
 * exactly and folds the 1/(kh·kw) factor into a weighted layer (§8.8.2); the float evaluator
 * divides the sum.
 *
 * Spec: §8.2.3
 * @module
 */
import type { Pair } from '../layers.js';

/** Output height and width of a pooling: ⌊(H − kh)/sh⌋ + 1, ⌊(W − kw)/sw⌋ + 1. Spec: §8.2.3 */
export function poolOutputSize(h: number, w: number, kernel: Pair, stride: Pair): [number, number] {
  return [Math.floor((h - kernel[0]) / stride[0]) + 1, Math.floor((w - kernel[1]) / stride[1]) + 1];
}

/** out[c, y, x] = Σ_{ky < kh, kx < kw} in[c, y·sh + ky, x·sw + kx]. Spec: §8.2.3 */
export function sumPool2dForward(
  input: Float64Array,
  shape: readonly number[],
  kernel: Pair,
  stride: Pair,
): Float64Array {
  const [C, H, W] = shape;
  const [kh, kw] = kernel;
  const [sh, sw] = stride;
  const [OH, OW] = poolOutputSize(H, W, kernel, stride);
  const out = new Float64Array(C * OH * OW);
  let k = 0;
  for (let c = 0; c < C; c++) {
    const base = c * H * W;
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++) {
        let acc = 0;
        for (let ky = 0; ky < kh; ky++) {
          const row = base + (y * sh + ky) * W + x * sw;
          for (let kx = 0; kx < kw; kx++) acc += input[row + kx];
        }
        out[k++] = acc;
      }
    }
  }
  return out;
}
