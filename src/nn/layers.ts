/**
 * The layer types of a delphi-ts model and the model itself. A model is a small graph: an
 * ordered list of layers, each naming the layer whose output it reads (`input`, or `inputs` for
 * `add`), so that residual blocks can be written down. The output of the model is the output of
 * its last layer. Weights are float64 and laid out as documented on each layer.
 *
 * Spec: §8.2
 * @module
 */
import type { Shape } from './tensor.js';

/** The name by which layers refer to the model input. Spec: §8.3 */
export const MODEL_INPUT = 'input';

/** `[height, width]` of a kernel, window or stride. */
export type Pair = readonly [number, number];

/** Zero padding `[top, left, bottom, right]` in pixels. */
export type Padding = readonly [number, number, number, number];

interface SingleInput {
  /** Unique name of this layer. */
  readonly name: string;
  /** Name of the layer whose output this layer reads, or {@link MODEL_INPUT}. */
  readonly input: string;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch and ONNX) with zero padding.
 * `weights` are OIHW: index ((o·C_in + i)·kh + ky)·kw + kx. Spec: §8.2.1
 */
export interface Conv2dLayer extends SingleInput {
  readonly type: 'conv2d';
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Fully connected layer y = W·x + b over the input read as a vector in CHW order.
 * `weights` are [out][in] row-major: index o·N_in + i. Spec: §8.2.2
 */
export interface DenseLayer extends SingleInput {
  readonly type: 'dense';
  readonly outFeatures: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** Average pooling over kh×kw windows, no padding, floor mode. Spec: §8.2.3 */
export interface AvgPool2dLayer extends SingleInput {
  readonly type: 'avgPool2d';
  readonly kernel: Pair;
  readonly stride: Pair;
}

/** Reshape [C, H, W] to [C·H·W] (CHW order); the values do not change. Spec: §8.2.4 */
export interface FlattenLayer extends SingleInput {
  readonly type: 'flatten';
}

/** max(x, 0), element-wise. Spec: §8.2.5 */
export interface ReluLayer extends SingleInput {
  readonly type: 'relu';
}

/** min(max(x, 0), 6), element-wise. Spec: §8.2.5 */
export interface Relu6Layer extends SingleInput {
  readonly type: 'relu6';
}

/** a2·x² + a1·x + a0, element-wise (Delphi's polynomial approximation of ReLU). Spec: §8.2.6 */
export interface QuadraticLayer extends SingleInput {
  readonly type: 'quadratic';
  readonly a2: number;
  readonly a1: number;
  readonly a0: number;
}

/** Element-wise sum of two earlier outputs of equal shape (residual connection). Spec: §8.2.7 */
export interface AddLayer {
  readonly type: 'add';
  readonly name: string;
  readonly inputs: readonly [string, string];
}

/**
 * Inference-mode batch normalization per channel c (dimension 0 of the input shape):
 * y = scale[c]·(x − mean[c]) / √(variance[c] + epsilon) + bias[c]. Spec: §8.2.8
 */
export interface BatchNormLayer extends SingleInput {
  readonly type: 'batchNorm';
  readonly scale: Float64Array;
  readonly bias: Float64Array;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly epsilon: number;
}

/** Any layer. Spec: §8.2 */
export type Layer =
  | Conv2dLayer
  | DenseLayer
  | AvgPool2dLayer
  | FlattenLayer
  | ReluLayer
  | Relu6Layer
  | QuadraticLayer
  | AddLayer
  | BatchNormLayer;

/** The `type` tag of a layer. */
export type LayerType = Layer['type'];

/** Every layer type, in the order the spec lists them. Spec: §8.2 */
export const LAYER_TYPES: readonly LayerType[] = Object.freeze([
  'conv2d',
  'dense',
  'avgPool2d',
  'flatten',
  'relu',
  'relu6',
  'quadratic',
  'add',
  'batchNorm',
]);

/** Activation layers: the non-linear layers the secure protocol evaluates. */
export type ActivationLayer = ReluLayer | Relu6Layer | QuadraticLayer;

/** Whether a layer is an activation (relu, relu6, quadratic). */
export function isActivation(layer: Layer): layer is ActivationLayer {
  return layer.type === 'relu' || layer.type === 'relu6' || layer.type === 'quadratic';
}

/** The names of the layers a layer reads. */
export function layerInputs(layer: Layer): readonly string[] {
  return layer.type === 'add' ? layer.inputs : [layer.input];
}

/**
 * The coefficients of the quadratic activation used by Delphi's released code
 * (mc2-project/delphi, rust/experiments/src/lib.rs): 0.2·x² + 0.5·x + 0.2. Its training script
 * fitted 0.1997·x² + 0.5002·x + 0.1992; both round to the same values at 8 fractional bits.
 * Spec: §8.2.6
 */
export const DELPHI_QUADRATIC = Object.freeze({ a2: 0.2, a1: 0.5, a0: 0.2 });

/** A JSON value (finite numbers only), as stored in model metadata. Spec: §8.4 */
export type MetadataValue = null | boolean | number | string | readonly MetadataValue[] | { readonly [key: string]: MetadataValue };

/**
 * Free-form, JSON-serializable facts about a model that do not change what it computes: where it
 * came from, how it was trained and how accurate it is. Keys written by delphi-ts are listed in
 * §8.4 (e.g. `training`, `accuracy`). Spec: §8.4
 */
export type ModelMetadata = { readonly [key: string]: MetadataValue };

/** A validated model: input shape, layers in evaluation order, default fixed-point precision. Spec: §8.3 */
export interface Model {
  readonly name: string;
  /** One or two sentences for people (optional). */
  readonly description?: string;
  /** Provenance and measurements (optional, deep-frozen); never affects evaluation. Spec: §8.4 */
  readonly metadata?: ModelMetadata;
  readonly inputShape: Shape;
  readonly layers: readonly Layer[];
  /** Fractional bits f that compileFixedPoint uses when the caller gives none (default 8). */
  readonly fractionalBits: number;
}
