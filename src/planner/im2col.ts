/**
 * Convolution as a matrix product (§10.2.1): {@link im2col} lays the receptive fields of one image
 * out as the columns of a [C·kh·kw × Ho·Wo] matrix, so that a conv2d layer is W[O × C·kh·kw] times
 * that matrix; {@link col2im} is its adjoint (it scatters column gradients back onto the image).
 *
 * Spec: §10.2.1
 * @module
 */
import { conv2dOutputSize, type Conv2dGeometry } from '../nn/ops/conv2d.js';

/**
 * Writes the receptive fields of the image at `x[xOff…]` (CHW) into `cols[colsOff…]`:
 * cols[(c·kh + ky)·kw + kx][oy·Wo + ox] = x[c][oy·sh + ky − top][ox·sw + kx − left], zero outside
 * the image. Rows are `rowStride` apart (default Ho·Wo), so that the columns of a whole batch can
 * sit side by side in one matrix. Spec: §10.2.1
 */
export function im2col(x: Float32Array, xOff: number, g: Conv2dGeometry, cols: Float32Array, colsOff: number, rowStride?: number): void {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [pt, pl] = g.padding;
  const [ho, wo] = conv2dOutputSize(g);
  const h = g.inHeight;
  const w = g.inWidth;
  const p = rowStride ?? ho * wo;
  let row = colsOff;
  for (let c = 0; c < g.inChannels; c++) {
    const plane = xOff + c * h * w;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++, row += p) {
        let o = row;
        for (let oy = 0; oy < ho; oy++) {
          const iy = oy * sh + ky - pt;
          if (iy < 0 || iy >= h) {
            cols.fill(0, o, o + wo);
            o += wo;
            continue;
          }
          const line = plane + iy * w;
          for (let ox = 0; ox < wo; ox++, o++) {
            const ix = ox * sw + kx - pl;
            cols[o] = ix >= 0 && ix < w ? x[line + ix] : 0;
          }
        }
      }
    }
  }
}

/** Adds the columns back onto the image (the transpose of {@link im2col}): dx += im2colᵀ(cols). Spec: §10.2.1 */
export function col2im(cols: Float32Array, colsOff: number, g: Conv2dGeometry, dx: Float32Array, dxOff: number, rowStride?: number): void {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [pt, pl] = g.padding;
  const [ho, wo] = conv2dOutputSize(g);
  const h = g.inHeight;
  const w = g.inWidth;
  const p = rowStride ?? ho * wo;
  let row = colsOff;
  for (let c = 0; c < g.inChannels; c++) {
    const plane = dxOff + c * h * w;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++, row += p) {
        let o = row;
        for (let oy = 0; oy < ho; oy++) {
          const iy = oy * sh + ky - pt;
          if (iy < 0 || iy >= h) {
            o += wo;
            continue;
          }
          const line = plane + iy * w;
          for (let ox = 0; ox < wo; ox++, o++) {
            const ix = ox * sw + kx - pl;
            if (ix >= 0 && ix < w) dx[line + ix] += cols[o];
          }
        }
      }
    }
  }
}
