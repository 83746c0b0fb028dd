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
 * The geometry of a layer with a linear map, without its weights: what both the compiled model
 * (src/nn) and the public architecture the client sees (src/protocol) carry. Spec: §4.15
 */
export type LinearLayerGeometry =
  | { readonly op: 'conv2d'; readonly inputShape: readonly number[]; readonly outChannels: number; readonly kernel: readonly [number, number]; readonly stride: readonly [number, number]; readonly padding: readonly [number, number, number, number] }
  | { readonly op: 'dense'; readonly inputShape: readonly number[]; readonly shape: readonly number[] }
  | { readonly op: 'scale'; readonly inputShape: readonly number[] }
  | { readonly op: 'sumPool2d'; readonly inputShape: readonly number[]; readonly kernel: readonly [number, number]; readonly stride: readonly [number, number] };

/**
 * The BFV linear-layer shape of a layer (Spec: §4.15): conv2d as a convolution of its [C, H, W]
 * input; dense from the flattened input to the flattened output; scale as a depthwise 1×1
 * convolution over [C, H, W] (a 3-D input) or [C, 1, size/C] (C = the first dimension); sumPool2d as
 * a depthwise convolution with the layer's kernel and stride and no padding. The one place both
 * parties derive a layer's homomorphic shape from.
 */
export function linearShapeOf(layer: LinearLayerGeometry): LinearShape {
  const op = (layer as { op?: unknown })?.op;
  const input = layer?.inputShape;
  if (!Array.isArray(input)) throw new InvalidArgumentError('linearShapeOf: expected a layer with an inputShape');
  const threeD = (what: string): [number, number, number] => {
    if (input.length !== 3) throw new InvalidArgumentError(`linearShapeOf: ${what} input must be [C, H, W], got [${input.join(', ')}]`);
    return [input[0], input[1], input[2]];
  };
  switch (layer.op) {
    case 'conv2d': {
      const [c, h, w] = threeD('conv2d');
      return {
        kind: 'conv',
        inChannels: c,
        height: h,
        width: w,
        outChannels: layer.outChannels,
        kernel: [layer.kernel[0], layer.kernel[1]],
        stride: [layer.stride[0], layer.stride[1]],
        padding: [layer.padding[0], layer.padding[1], layer.padding[2], layer.padding[3]],
      };
    }
    case 'dense':
      return { kind: 'dense', inFeatures: size(input), outFeatures: size(layer.shape) };
    case 'scale': {
      const [c, h, w] = input.length === 3 ? [input[0], input[1], input[2]] : [input[0], 1, size(input) / input[0]];
      return { kind: 'conv', inChannels: c, height: h, width: w, outChannels: c, kernel: [1, 1], depthwise: true };
    }
    case 'sumPool2d': {
      const [c, h, w] = threeD('sumPool2d');
      return { kind: 'conv', inChannels: c, height: h, width: w, outChannels: c, kernel: [layer.kernel[0], layer.kernel[1]], stride: [layer.stride[0], layer.stride[1]], depthwise: true };
    }
    default:
      throw new InvalidArgumentError(`linearShapeOf: layer op ${String(op)} is not linear`);
  }
}

/**
 * The shape ({@link linearShapeOf}) and weights (signed integers, read mod p by the evaluation) of a
 * fixed-point layer (Spec: §4.15): the OIHW weights of conv2d and dense, the per-channel factors of
 * scale, an all-ones kernel for sumPool2d.
 */
export function linearLayerOf(layer: FixedPointLinearLayer): { shape: LinearShape; weights: Float64Array } {
  const shape = linearShapeOf(layer);
  switch (layer.op) {
    case 'conv2d':
    case 'dense':
      return { shape, weights: checkWeights(layer.weights, shape) };
    case 'scale': {
      if (shape.kind !== 'conv' || layer.factors.length !== shape.inChannels) {
        throw new InvalidArgumentError(`linearLayerOf: ${size(layer.inputShape)} inputs cannot be split into ${layer.factors.length} channels`);
      }
      return { shape, weights: checkWeights(layer.factors, shape) };
    }
    case 'sumPool2d':
      return { shape, weights: new Float64Array(linearWeightCount(shape)).fill(1) };
  }
}

function checkWeights(w: Float64Array, shape: LinearShape): Float64Array {
  if (!(w instanceof Float64Array) || w.length !== linearWeightCount(shape)) {
    throw new InvalidArgumentError(`linearLayerOf: expected ${linearWeightCount(shape)} weights, got ${w?.length}`);
  }
  return w;
}
