/**
 * The compiled fixed-point model (§8.8): the exact integer program that the reference evaluator
 * runs and that the secure protocol must reproduce. Every constant is a signed integer (a
 * float64 holding an exact integer of at most 41 bits); its field element is that integer mod p.
 *
 * Spec: §8.8
 * @module
 */
import type { Padding, Pair } from './layers.js';
import type { Shape } from './tensor.js';

/** The scale of a tensor in units of f: 1 means value·2^f, 2 means value·2^(2f). Spec: §8.8.1 */
export type ScaleUnits = 1 | 2;

interface FixedPointLayerBase {
  /** Unique name (the float layer's name, or `<name>/lift`, `<name>/scale` for inserted layers). */
  readonly name: string;
  /** Indices of the fixed-point layers read; −1 is the model input. */
  readonly inputs: readonly number[];
  /** Shape of the first input. */
  readonly inputShape: Shape;
  /** Output shape. */
  readonly shape: Shape;
  /** Scale of the output, in units of f. */
  readonly scale: ScaleUnits;
  /** Names of the float layers (and folded factors) this layer was compiled from, for messages. */
  readonly origin: readonly string[];
}

/** Convolution: weights (OIHW) at scale f, bias at scale 2f; input scale f, output scale 2f. Spec: §8.9.1 */
export interface FixedPointConv2d extends FixedPointLayerBase {
  readonly op: 'conv2d';
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Fully connected: weights [out][in] at scale f, bias at scale 2f; the output has `shape`
 * (a merged layer may produce a [C, H, W] tensor). Spec: §8.9.1
 */
export interface FixedPointDense extends FixedPointLayerBase {
  readonly op: 'dense';
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Per-channel scale: out[c, …] = factors[c]·in[c, …] + bias[c], factors at scale f, bias at
 * scale 2f. It implements an unfolded batchNorm, a stand-alone average pooling factor and the
 * identity lift of §8.8.4. Spec: §8.9.1
 */
export interface FixedPointScale extends FixedPointLayerBase {
  readonly op: 'scale';
  readonly factors: Float64Array;
  readonly bias: Float64Array;
}

/** Sum pooling (the integer part of average pooling); keeps the scale. Spec: §8.9.2 */
export interface FixedPointSumPool2d extends FixedPointLayerBase {
  readonly op: 'sumPool2d';
  readonly kernel: Pair;
  readonly stride: Pair;
}

/** Flatten; keeps the values and the scale. Spec: §8.9.2 */
export interface FixedPointFlatten extends FixedPointLayerBase {
  readonly op: 'flatten';
}

/** Residual add; an operand with lift[k] is multiplied by 2^f first (scale f → 2f). Spec: §8.9.2 */
export interface FixedPointAdd extends FixedPointLayerBase {
  readonly op: 'add';
  readonly lift: readonly [boolean, boolean];
}

/** ReLU, scale 2f → f. Spec: §8.9.3 */
export interface FixedPointRelu extends FixedPointLayerBase {
  readonly op: 'relu';
}

/** ReLU6, scale 2f → f; `cap` = 6·2^f. Spec: §8.9.3 */
export interface FixedPointRelu6 extends FixedPointLayerBase {
  readonly op: 'relu6';
  readonly cap: number;
}

/** Quadratic activation, scale 2f → f; coefficients are integers at scale f. Spec: §8.9.3 */
export interface FixedPointQuadratic extends FixedPointLayerBase {
  readonly op: 'quadratic';
  readonly a2: number;
  readonly a1: number;
  readonly a0: number;
}

/** A layer of a fixed-point model. Spec: §8.8 */
export type FixedPointLayer =
  | FixedPointConv2d
  | FixedPointDense
  | FixedPointScale
  | FixedPointSumPool2d
  | FixedPointFlatten
  | FixedPointAdd
  | FixedPointRelu
  | FixedPointRelu6
  | FixedPointQuadratic;

/** The weighted linear layers (input scale f, output scale 2f). */
export type WeightedFixedPointLayer = FixedPointConv2d | FixedPointDense | FixedPointScale;

/** A compiled fixed-point model. Spec: §8.8 */
export interface FixedPointModel {
  readonly format: 'delphi-ts-fixed-point';
  readonly version: 1;
  readonly name: string;
  /** f: inputs and activation outputs have scale f, linear outputs scale 2f. */
  readonly fractionalBits: number;
  readonly inputShape: Shape;
  /** Layers in evaluation order; the model output is the last layer's. */
  readonly layers: readonly FixedPointLayer[];
  /** Scale of the output (2 when the model ends with a linear layer). */
  readonly outputScale: ScaleUnits;
}
