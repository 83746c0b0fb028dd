/**
 * The linear layers of a fixed-point model — conv2d, dense, scale and sum pooling — as one table:
 * which float kernel of §8.2 each runs, with which weights and bias, and its row norm
 * (max over outputs of Σ|w|). The fixed-point evaluator (§8.9), the range analysis (§8.11) and
 * the protocol's linear layers over Z_p (§9.6) all dispatch through it, so a new linear layer is
 * added here once. The float evaluator shares {@link conv2dGeometry}.
 *
 * Spec: §8.2, §8.9.1
 * @module
 */
import { scaleForward } from './compile.js';
import type { FixedPointConv2d, FixedPointDense, FixedPointScale, FixedPointSumPool2d } from './fixed-model.js';
import { conv2dForward, type Conv2dGeometry } from './ops/conv2d.js';
import { denseForward } from './ops/dense.js';
import { sumPool2dForward } from './ops/pool.js';
import type { Padding, Pair } from './layers.js';
import { shapeSize, type Shape } from './tensor.js';

/** A sum pooling as far as its kernel goes: the client knows these fields, not the weights. */
export type SumPoolLike = Pick<FixedPointSumPool2d, 'op' | 'inputShape' | 'shape' | 'kernel' | 'stride'>;

/** A linear layer of a fixed-point model: a weighted layer or a sum pooling. Spec: §8.9.1 */
export type LinearLayer = FixedPointConv2d | FixedPointDense | FixedPointScale | SumPoolLike;

/** Whether `op` names a linear layer. */
export function isLinearOp(op: string): op is LinearLayer['op'] {
  return op === 'conv2d' || op === 'dense' || op === 'scale' || op === 'sumPool2d';
}

/** The convolution geometry of a conv2d layer (float or fixed point) on an input of shape `s` (CHW). Spec: §8.2.1 */
export function conv2dGeometry(layer: { readonly outChannels: number; readonly kernel: Pair; readonly stride: Pair; readonly padding: Padding }, s: Shape): Conv2dGeometry {
  return { inChannels: s[0], inHeight: s[1], inWidth: s[2], outChannels: layer.outChannels, kernel: layer.kernel, stride: layer.stride, padding: layer.padding };
}

/** The layer's multipliers: conv2d and dense weights, scale factors, none for sum pooling. */
export function linearWeights(layer: LinearLayer): ArrayLike<number> | null {
  return layer.op === 'scale' ? layer.factors : layer.op === 'sumPool2d' ? null : layer.weights;
}

/** The layer's bias (none for sum pooling). */
export function linearBias(layer: LinearLayer): Float64Array | null {
  return layer.op === 'sumPool2d' ? null : layer.bias;
}

/**
 * Runs the layer's float kernel (§8.2) on `x` with the given multipliers and bias (by default the
 * layer's own; the range analysis passes their positive or negative parts, the protocol no bias).
 * Exact when every partial sum stays below 2^53 in magnitude; the callers check that bound.
 */
export function runLinearKernel(
  layer: LinearLayer,
  x: Float64Array,
  weights: ArrayLike<number> | null = linearWeights(layer),
  bias: ArrayLike<number> | null = linearBias(layer),
): Float64Array {
  const s = layer.inputShape;
  switch (layer.op) {
    case 'conv2d':
      return conv2dForward(x, weights!, bias, conv2dGeometry(layer, s));
    case 'dense':
      return denseForward(x, weights!, bias, shapeSize(layer.shape));
    case 'scale':
      return scaleForward(x, weights!, bias);
    case 'sumPool2d':
      return sumPool2dForward(x, s, layer.kernel, layer.stride);
  }
}

/** Inputs summed into one output (the fan-in), for bounding float rounding. */
export function linearFanIn(layer: LinearLayer): number {
  switch (layer.op) {
    case 'dense':
      return shapeSize(layer.inputShape);
    case 'conv2d':
      return layer.weights.length / layer.outChannels;
    case 'sumPool2d':
      return layer.kernel[0] * layer.kernel[1];
    case 'scale':
      return 1;
  }
}

const rowNorms = new WeakMap<object, number>();

/** max over outputs of Σ|w| (the window size for sum pooling), computed once per layer. */
export function linearRowNorm(layer: LinearLayer): number {
  const cached = rowNorms.get(layer);
  if (cached !== undefined) return cached;
  let norm = 0;
  switch (layer.op) {
    case 'conv2d':
    case 'dense': {
      const rows = layer.op === 'conv2d' ? layer.outChannels : shapeSize(layer.shape);
      const per = layer.weights.length / rows;
      for (let o = 0; o < rows; o++) {
        let s = 0;
        for (let i = o * per, end = (o + 1) * per; i < end; i++) s += Math.abs(layer.weights[i]);
        if (s > norm) norm = s;
      }
      break;
    }
    case 'scale':
      for (const v of layer.factors) norm = Math.max(norm, Math.abs(v));
      break;
    case 'sumPool2d':
      norm = layer.kernel[0] * layer.kernel[1];
      break;
  }
  rowNorms.set(layer, norm);
  return norm;
}
