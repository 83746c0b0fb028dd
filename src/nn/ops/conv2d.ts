/**
 * The 2-D convolution kernel shared by the float and the fixed-point evaluators. On
 * integer-valued inputs whose sums of |products| stay below 2^53 every partial sum is an exact
 * float64 integer, so the fixed-point evaluator calls it after checking that bound.
 *
 * Spec: §8.2.1
 * @module
 */
import type { Padding, Pair } from '../layers.js';

/** Geometry of a convolution. */
export interface Conv2dGeometry {
  readonly inChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
}

/** Output height and width: ⌊(H + top + bottom − kh)/sh⌋ + 1 and likewise for the width. Spec: §8.2.1 */
export function conv2dOutputSize(g: Conv2dGeometry): [number, number] {
  return [
    Math.floor((g.inHeight + g.padding[0] + g.padding[2] - g.kernel[0]) / g.stride[0]) + 1,
    Math.floor((g.inWidth + g.padding[1] + g.padding[3] - g.kernel[1]) / g.stride[1]) + 1,
  ];
}

/**
 * out[o, y, x] = bias[o] + Σ_{i, ky, kx} w[o, i, ky, kx] · in[i, y·sh + ky − top, x·sw + kx − left],
 * terms outside the input being zero. `weights` are OIHW; `input` and the result are CHW.
 * Spec: §8.2.1
 */
export function conv2dForward(
  input: Float64Array,
  weights: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  g: Conv2dGeometry,
): Float64Array {
  const { inChannels: C, inHeight: H, inWidth: W, outChannels: O } = g;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const pt = g.padding[0];
  const pl = g.padding[1];
  const [OH, OW] = conv2dOutputSize(g);
  const out = new Float64Array(O * OH * OW);
  // For each kernel column kx, the output columns x whose input column x·sw + kx − pl is inside.
  const xLo = new Int32Array(kw);
  const xHi = new Int32Array(kw);
  for (let kx = 0; kx < kw; kx++) {
    xLo[kx] = Math.max(0, Math.ceil((pl - kx) / sw));
    xHi[kx] = Math.min(OW, Math.floor((W - 1 + pl - kx) / sw) + 1);
  }
  for (let o = 0; o < O; o++) {
    const outBase = o * OH * OW;
    if (bias) out.fill(bias[o], outBase, outBase + OH * OW);
    for (let i = 0; i < C; i++) {
      const inBase = i * H * W;
      const wBase = (o * C + i) * kh * kw;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const w = weights[wBase + ky * kw + kx];
          if (w === 0) continue;
          const x0 = xLo[kx];
          const x1 = xHi[kx];
          for (let y = 0; y < OH; y++) {
            const iy = y * sh + ky - pt;
            if (iy < 0 || iy >= H) continue;
            const rowIn = inBase + iy * W + kx - pl;
            const rowOut = outBase + y * OW;
            for (let x = x0; x < x1; x++) out[rowOut + x] += w * input[rowIn + x * sw];
          }
        }
      }
    }
  }
  return out;
}
