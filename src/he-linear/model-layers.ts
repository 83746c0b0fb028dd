/**
 * The layers of a compiled fixed-point model (§8.8) that Delphi's preprocessing evaluates under BFV,
 * as linear-layer shapes and weights (§4.15): conv2d, dense, per-channel scale and sum pooling. The
 * bias is not part of the homomorphic map (the server adds it to its share).
 *
 * Spec: §4.15
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { LinearShape } from './shapes.js';
import { linearWeightCount } from './shapes.js';

/**
 * The fields of a fixed-point layer with a linear map (bias aside) that this module reads: the
 * compiled layers of src/nn (FixedPointConv2d, FixedPointDense, FixedPointScale,
 * FixedPointSumPool2d) have this shape, so this layer needs nothing from the network layer above it.
 * Spec: §4.15
 */
export type FixedPointLinearLayer =
  | { readonly op: 'conv2d'; readonly inputShape: readonly number[]; readonly outChannels: number; readonly kernel: readonly [number, number]; readonly stride: readonly [number, number]; readonly padding: readonly [number, number, number, number]; readonly weights: Float64Array }
  | { readonly op: 'dense'; readonly inputShape: readonly number[]; readonly shape: readonly number[]; readonly weights: Float64Array }
  | { readonly op: 'scale'; readonly inputShape: readonly number[]; readonly factors: Float64Array }
  | { readonly op: 'sumPool2d'; readonly inputShape: readonly number[]; readonly kernel: readonly [number, number]; readonly stride: readonly [number, number] };

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The shape and weights (signed integers, read mod p by the evaluation) of a fixed-point layer
 * (Spec: §4.15): conv2d as a convolution of its [C, H, W] input (OIHW weights); dense as a dense
 * layer from the flattened input to the flattened output; scale as a depthwise 1×1 convolution over
 * [C, 1, size/C] with the factors as weights; sumPool2d as a depthwise convolution with an all-ones
 * kernel, the layer's stride and no padding.
 */
export function linearLayerOf(layer: FixedPointLinearLayer): { shape: LinearShape; weights: Float64Array } {
  const op = (layer as { op?: unknown })?.op;
  const input = layer?.inputShape;
  if (!Array.isArray(input)) throw new InvalidArgumentError('linearLayerOf: expected a fixed-point layer with an inputShape');
  switch (layer.op) {
    case 'conv2d': {
      if (input.length !== 3) throw new InvalidArgumentError(`linearLayerOf: conv2d input must be [C, H, W], got [${input.join(', ')}]`);
      const shape: LinearShape = {
        kind: 'conv',
        inChannels: input[0],
        height: input[1],
        width: input[2],
        outChannels: layer.outChannels,
        kernel: [layer.kernel[0], layer.kernel[1]],
        stride: [layer.stride[0], layer.stride[1]],
        padding: [layer.padding[0], layer.padding[1], layer.padding[2], layer.padding[3]],
      };
      return { shape, weights: checkWeights(layer.weights, shape) };
    }
    case 'dense': {
      const shape: LinearShape = { kind: 'dense', inFeatures: size(input), outFeatures: size(layer.shape) };
      return { shape, weights: checkWeights(layer.weights, shape) };
    }
    case 'scale': {
      const channels = layer.factors.length;
      const total = size(input);
      if (channels === 0 || total % channels !== 0) {
        throw new InvalidArgumentError(`linearLayerOf: ${total} inputs cannot be split into ${channels} channels`);
      }
      const shape: LinearShape = { kind: 'conv', inChannels: channels, height: 1, width: total / channels, outChannels: channels, kernel: [1, 1], depthwise: true };
      return { shape, weights: checkWeights(layer.factors, shape) };
    }
    case 'sumPool2d': {
      if (input.length !== 3) throw new InvalidArgumentError(`linearLayerOf: sumPool2d input must be [C, H, W], got [${input.join(', ')}]`);
      const shape: LinearShape = {
        kind: 'conv',
        inChannels: input[0],
        height: input[1],
        width: input[2],
        outChannels: input[0],
        kernel: [layer.kernel[0], layer.kernel[1]],
        stride: [layer.stride[0], layer.stride[1]],
        depthwise: true,
      };
      return { shape, weights: new Float64Array(linearWeightCount(shape)).fill(1) };
    }
    default:
      throw new InvalidArgumentError(`linearLayerOf: layer op ${String(op)} is not linear`);
  }
}

function checkWeights(w: Float64Array, shape: LinearShape): Float64Array {
  if (!(w instanceof Float64Array) || w.length !== linearWeightCount(shape)) {
    throw new InvalidArgumentError(`linearLayerOf: expected ${linearWeightCount(shape)} weights, got ${w?.length}`);
  }
  return w;
}
