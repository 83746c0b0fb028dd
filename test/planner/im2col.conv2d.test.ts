/**
 * Convolution as a matrix product (§10.2): W · im2col(x) equals src/nn's direct convolution
 * (conv2dForward, float64) for strides, asymmetric padding and rectangular kernels, and col2im is
 * the adjoint of im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩.
 */
import { describe, expect, it } from 'vitest';
import { conv2dForward, conv2dOutputSize, type Conv2dGeometry } from '../../src/nn/ops/conv2d.js';
import { col2im, im2col } from '../../src/planner/im2col.js';
import { gemmNN } from '../../src/planner/gemm.js';
import { fromTextSeed } from '../../src/random/index.js';
import { maxRelativeError, randomFloat32 } from './helpers/float32.js';

const GEOMETRIES: Conv2dGeometry[] = [
  { inChannels: 1, inHeight: 6, inWidth: 6, outChannels: 2, kernel: [3, 3], stride: [1, 1], padding: [0, 0, 0, 0] },
  { inChannels: 2, inHeight: 7, inWidth: 5, outChannels: 3, kernel: [3, 2], stride: [2, 1], padding: [1, 0, 1, 1] },
  { inChannels: 3, inHeight: 8, inWidth: 8, outChannels: 4, kernel: [5, 5], stride: [2, 2], padding: [2, 2, 2, 2] },
  { inChannels: 2, inHeight: 5, inWidth: 9, outChannels: 1, kernel: [1, 1], stride: [1, 3], padding: [0, 1, 2, 0] },
];

describe('im2col / col2im', () => {
  const rng = fromTextSeed('planner/im2col');
  GEOMETRIES.forEach((g, index) => {
    const [ho, wo] = conv2dOutputSize(g);
    const rows = g.inChannels * g.kernel[0] * g.kernel[1];
    const plane = ho * wo;

    it(`geometry ${index}: W · im2col(x) is the direct convolution`, () => {
      const x = randomFloat32(rng, g.inChannels * g.inHeight * g.inWidth, -1, 1);
      const w = randomFloat32(rng, g.outChannels * rows, -1, 1);
      const cols = new Float32Array(rows * plane);
      im2col(x, 0, g, cols, 0);
      const y = new Float32Array(g.outChannels * plane);
      gemmNN(g.outChannels, plane, rows, w, 0, cols, 0, y, 0, false);
      const direct = conv2dForward(Float64Array.from(x), Float64Array.from(w), new Float64Array(g.outChannels), g);
      expect(maxRelativeError(y, direct)).toBeLessThan(1e-5);
    });

    it(`geometry ${index}: col2im is the adjoint of im2col (also with a row stride)`, () => {
      const x = randomFloat32(rng, g.inChannels * g.inHeight * g.inWidth, -1, 1);
      const stride = plane + 3;
      const y = randomFloat32(rng, rows * stride, -1, 1);
      const cols = new Float32Array(rows * stride);
      im2col(x, 0, g, cols, 0, stride);
      const back = new Float32Array(x.length);
      col2im(y, 0, g, back, 0, stride);
      let left = 0;
      for (let r = 0; r < rows; r++) for (let p = 0; p < plane; p++) left += cols[r * stride + p] * y[r * stride + p];
      let right = 0;
      for (let i = 0; i < x.length; i++) right += x[i] * back[i];
      expect(Math.abs(left - right)).toBeLessThan(1e-4 * Math.max(1, Math.abs(left)));
    });
  });
});
