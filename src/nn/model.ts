/**
 * Building and validating models: {@link createModel} normalizes a loose description (numbers
 * for square kernels, omitted inputs and names, plain arrays for weights) into a {@link Model};
 * {@link validateModel} checks names, references, shapes and weight sizes and returns the graph
 * with the inferred shape of every layer.
 *
 * Spec: §8.3
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { describeLayer } from './errors.js';
import {
  LAYER_TYPES,
  MODEL_INPUT,
  layerInputs,
  type MetadataValue,
  type Layer,
  type LayerType,
  type Model,
  type ModelMetadata,
  type Padding,
  type Pair,
} from './layers.js';
import { DEFAULT_FRACTIONAL_BITS } from '../sharing/fixed-point.js';
import { MAX_TENSOR_SIZE, checkShape, formatShape, sameShape, shapeSize, type Shape } from './tensor.js';

/**
 * Largest number of fractional bits a model may use: values at scale 2f need 2f bits plus
 * integer bits and a sign within the 41-bit field. Spec: §8.7
 */
export const MAX_MODEL_FRACTIONAL_BITS = 19;

/** Numbers accepted wherever weights are expected. */
export type NumericArray = ArrayLike<number>;

interface SpecBase {
  name?: string;
  input?: string;
}

/** A loose description of one layer, as accepted by {@link createModel}. Spec: §8.3 */
export type LayerSpec =
  | (SpecBase & {
      type: 'conv2d';
      outChannels: number;
      kernel: number | Pair;
      stride?: number | Pair;
      padding?: number | Pair | Padding;
      weights: NumericArray;
      bias?: NumericArray;
    })
  | (SpecBase & { type: 'dense'; outFeatures: number; weights: NumericArray; bias?: NumericArray })
  | (SpecBase & { type: 'avgPool2d'; kernel: number | Pair; stride?: number | Pair })
  | (SpecBase & { type: 'flatten' | 'relu' | 'relu6' })
  | (SpecBase & { type: 'quadratic'; a2?: number; a1?: number; a0?: number })
  | { type: 'add'; name?: string; inputs: readonly [string, string] }
  | (SpecBase & {
      type: 'batchNorm';
      scale: NumericArray;
      bias: NumericArray;
      mean: NumericArray;
      variance: NumericArray;
      epsilon?: number;
    });

/** A loose description of a model, as accepted by {@link createModel}. Spec: §8.3 */
export interface ModelSpec {
  name?: string;
  description?: string;
  metadata?: ModelMetadata;
  inputShape: Shape;
  layers: readonly LayerSpec[];
  fractionalBits?: number;
}

/** One layer of a validated model with its resolved inputs and inferred output shape. Spec: §8.3 */
export interface GraphNode {
  readonly index: number;
  readonly layer: Layer;
  /** Indices of the layers read; −1 is the model input. */
  readonly inputs: readonly number[];
  readonly inputShapes: readonly Shape[];
  readonly shape: Shape;
  /** Indices of the layers that read this layer's output. */
  readonly consumers: readonly number[];
}

/** A validated model: every layer with its shapes and connections. Spec: §8.3 */
export interface ModelGraph {
  readonly model: Model;
  readonly nodes: readonly GraphNode[];
  /** Indices of the layers that read the model input. */
  readonly inputConsumers: readonly number[];
  readonly outputShape: Shape;
}

/** The error class a check throws for a malformed (not mis-sized) model. */
export type ModelErrorClass = new (message: string) => Error;

/**
 * Normalizes and validates a model description: default names are `<type><index>` (e.g.
 * `relu3`), a layer without `input` reads the previous layer (the first reads the model input),
 * a number `k` for a kernel or stride means [k, k], padding `p` means [p, p, p, p] and
 * `[ph, pw]` means [ph, pw, ph, pw], stride defaults to 1 (to the kernel for avgPool2d), biases
 * default to zeros, quadratic coefficients to {@link DELPHI_QUADRATIC}, batchNorm epsilon to
 * 1e-5 and fractionalBits to 8. Throws {@link InvalidArgumentError} for malformed descriptions
 * and {@link SizeMismatchError} for weights of the wrong size. Spec: §8.3
 */
export function createModel(spec: ModelSpec): Model {
  return normalizeModel(spec, InvalidArgumentError);
}

/** {@link createModel} with the error class to throw for malformed input (parseModel uses MalformedInputError). */
export function normalizeModel(spec: ModelSpec, Err: ModelErrorClass): Model {
  if (typeof spec !== 'object' || spec === null) throw new Err('a model description must be an object');
  const name = spec.name ?? 'model';
  if (typeof name !== 'string') throw new Err('model name must be a string');
  let inputShape: Shape;
  try {
    inputShape = checkShape(spec.inputShape, 'model input');
  } catch (e) {
    throw new Err((e as Error).message);
  }
  const fractionalBits = spec.fractionalBits ?? DEFAULT_FRACTIONAL_BITS;
  checkModelFractionalBits(fractionalBits, Err);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw new Err('a model needs at least one layer');
  const layers: Layer[] = [];
  spec.layers.forEach((ls: LayerSpec, i: number) => {
    layers.push(normalizeLayer(ls, i, layers, Err));
  });
  const model: Model = Object.freeze({
    name,
    ...(spec.description === undefined ? {} : { description: checkDescription(spec.description, Err) }),
    ...(spec.metadata === undefined ? {} : { metadata: copyMetadata(spec.metadata, Err) }),
    inputShape,
    layers: Object.freeze(layers),
    fractionalBits,
  });
  validateModelWith(model, Err);
  return model;
}

function checkDescription(d: unknown, Err: ModelErrorClass): string {
  if (typeof d !== 'string') throw new Err('model description must be a string');
  return d;
}

/** Largest nesting depth accepted in metadata (guards against stack exhaustion on hostile input). */
const MAX_METADATA_DEPTH = 32;

/**
 * A deep-frozen copy of model metadata: a plain object whose values are null, booleans, finite
 * numbers, strings, arrays and plain objects, nested at most 32 deep. Spec: §8.4
 */
export function copyMetadata(value: unknown, Err: ModelErrorClass = InvalidArgumentError): ModelMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Err('model metadata must be a JSON object');
  return copyJson(value, 'metadata', 0, Err) as ModelMetadata;
}

function copyJson(v: unknown, path: string, depth: number, Err: ModelErrorClass): MetadataValue {
  if (depth > MAX_METADATA_DEPTH) throw new Err(`${path}: nested more than ${MAX_METADATA_DEPTH} levels`);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Err(`${path} must be a finite number, got ${v}`);
    return v;
  }
  if (Array.isArray(v)) return Object.freeze(v.map((x, i) => copyJson(x, `${path}[${i}]`, depth + 1, Err)));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, MetadataValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copyJson(x, `${path}.${k}`, depth + 1, Err);
    return Object.freeze(out);
  }
  throw new Err(`${path}: ${typeof v} is not a JSON value`);
}

/** Throws unless `f` is an integer in [1, {@link MAX_MODEL_FRACTIONAL_BITS}]. */
export function checkModelFractionalBits(f: unknown, Err: ModelErrorClass = InvalidArgumentError): asserts f is number {
  if (!Number.isInteger(f) || (f as number) < 1 || (f as number) > MAX_MODEL_FRACTIONAL_BITS) {
    throw new Err(`fractionalBits must be an integer in [1, ${MAX_MODEL_FRACTIONAL_BITS}], got ${String(f)}`);
  }
}

function normalizeLayer(ls: LayerSpec, i: number, previous: readonly Layer[], Err: ModelErrorClass): Layer {
  if (typeof ls !== 'object' || ls === null) throw new Err(`layer ${i}: a layer must be an object`);
  const type = (ls as { type: unknown }).type;
  if (typeof type !== 'string' || !(LAYER_TYPES as readonly string[]).includes(type)) {
    throw new Err(`layer ${i}: unknown layer type ${JSON.stringify(type)} (known: ${LAYER_TYPES.join(', ')})`);
  }
  const name = ls.name ?? `${type}${i}`;
  const where = describeLayer(i, String(name));
  if (typeof name !== 'string' || name.length === 0) throw new Err(`layer ${i}: name must be a non-empty string`);
  const defaultInput = i === 0 ? MODEL_INPUT : previous[i - 1].name;
  const input = ls.type === 'add' ? undefined : (ls.input ?? defaultInput);
  if (input !== undefined && typeof input !== 'string') throw new Err(`${where}: input must be a layer name`);
  switch (ls.type) {
    case 'conv2d': {
      const kernel = pair(ls.kernel, `${where}: kernel`, 1, Err);
      return {
        type: 'conv2d',
        name,
        input: input!,
        outChannels: positiveInt(ls.outChannels, `${where}: outChannels`, Err),
        kernel,
        stride: pair(ls.stride ?? 1, `${where}: stride`, 1, Err),
        padding: padding(ls.padding ?? 0, `${where}: padding`, Err),
        weights: floats(ls.weights, `${where}: weights`, Err),
        bias: ls.bias === undefined ? new Float64Array(ls.outChannels) : floats(ls.bias, `${where}: bias`, Err),
      };
    }
    case 'dense':
      return {
        type: 'dense',
        name,
        input: input!,
        outFeatures: positiveInt(ls.outFeatures, `${where}: outFeatures`, Err),
        weights: floats(ls.weights, `${where}: weights`, Err),
        bias: ls.bias === undefined ? new Float64Array(ls.outFeatures) : floats(ls.bias, `${where}: bias`, Err),
      };
    case 'avgPool2d': {
      const kernel = pair(ls.kernel, `${where}: kernel`, 1, Err);
      return {
        type: 'avgPool2d',
        name,
        input: input!,
        kernel,
        stride: ls.stride === undefined ? kernel : pair(ls.stride, `${where}: stride`, 1, Err),
      };
    }
    case 'flatten':
    case 'relu':
    case 'relu6':
      return { type: ls.type, name, input: input! };
    case 'quadratic': {
      const coef = (v: number | undefined, d: number, k: string): number =>
        v === undefined ? d : finite(v, `${where}: ${k}`, Err);
      return {
        type: 'quadratic',
        name,
        input: input!,
        a2: coef(ls.a2, 0.2, 'a2'),
        a1: coef(ls.a1, 0.5, 'a1'),
        a0: coef(ls.a0, 0.2, 'a0'),
      };
    }
    case 'add': {
      const inputs = ls.inputs;
      if (!Array.isArray(inputs) || inputs.length !== 2 || !inputs.every((s) => typeof s === 'string')) {
        throw new Err(`${where}: add needs "inputs": [name, name]`);
      }
      return { type: 'add', name, inputs: Object.freeze([inputs[0], inputs[1]]) as readonly [string, string] };
    }
    case 'batchNorm': {
      const epsilon = ls.epsilon === undefined ? 1e-5 : finite(ls.epsilon, `${where}: epsilon`, Err);
      if (epsilon < 0) throw new Err(`${where}: epsilon must be ≥ 0, got ${epsilon}`);
      return {
        type: 'batchNorm',
        name,
        input: input!,
        scale: floats(ls.scale, `${where}: scale`, Err),
        bias: floats(ls.bias, `${where}: bias`, Err),
        mean: floats(ls.mean, `${where}: mean`, Err),
        variance: floats(ls.variance, `${where}: variance`, Err),
        epsilon,
      };
    }
  }
}

function positiveInt(v: unknown, what: string, Err: ModelErrorClass): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new Err(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function nonNegativeInt(v: unknown, what: string, Err: ModelErrorClass): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Err(`${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function finite(v: unknown, what: string, Err: ModelErrorClass): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Err(`${what} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function pair(v: unknown, what: string, min: number, Err: ModelErrorClass): Pair {
  const check = min === 1 ? positiveInt : nonNegativeInt;
  if (typeof v === 'number') {
    const k = check(v, what, Err);
    return Object.freeze([k, k]) as Pair;
  }
  if (Array.isArray(v) && v.length === 2) {
    return Object.freeze([check(v[0], what, Err), check(v[1], what, Err)]) as Pair;
  }
  throw new Err(`${what} must be a number or [height, width], got ${JSON.stringify(v)}`);
}

function padding(v: unknown, what: string, Err: ModelErrorClass): Padding {
  if (Array.isArray(v) && v.length === 4) {
    return Object.freeze(v.map((x) => nonNegativeInt(x, what, Err))) as unknown as Padding;
  }
  const [ph, pw] = pair(v, what, 0, Err);
  return Object.freeze([ph, pw, ph, pw]) as Padding;
}

function floats(v: unknown, what: string, Err: ModelErrorClass): Float64Array {
  if (v instanceof Float64Array || v instanceof Float32Array || Array.isArray(v)) {
    if (v.length > MAX_TENSOR_SIZE) throw new Err(`${what}: more than 2^28 values`);
    const out = Float64Array.from(v as ArrayLike<number>);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i]) || typeof (v as ArrayLike<unknown>)[i] !== 'number') {
        throw new Err(`${what}[${i}] must be a finite number, got ${String((v as ArrayLike<unknown>)[i])}`);
      }
    }
    return out;
  }
  throw new Err(`${what} must be an array of numbers`);
}

const graphs = new WeakMap<Model, ModelGraph>();

/**
 * Validates a model and returns its graph: names are unique non-empty strings other than
 * `input`; each layer reads the model input or an earlier layer; shapes fit each layer; weight,
 * bias and batch-norm arrays have the sizes of §8.2; every value is finite; every layer but the
 * last is read by some layer. Throws {@link InvalidArgumentError} for structural errors and
 * {@link SizeMismatchError} for sizes, naming the layer by index and name. Results are cached
 * per model object (models are immutable). Spec: §8.3
 */
export function validateModel(model: Model): ModelGraph {
  return validateModelWith(model, InvalidArgumentError);
}

function validateModelWith(model: Model, Err: ModelErrorClass): ModelGraph {
  const cached = graphs.get(model);
  if (cached) return cached;
  if (typeof model !== 'object' || model === null || !Array.isArray(model.layers)) {
    throw new Err('validateModel: expected a model object with a layers array');
  }
  let inputShape: Shape;
  try {
    inputShape = checkShape(model.inputShape, 'model input');
  } catch (e) {
    throw new Err((e as Error).message);
  }
  checkModelFractionalBits(model.fractionalBits, Err);
  if (model.layers.length === 0) throw new Err('a model needs at least one layer');
  const index = new Map<string, number>([[MODEL_INPUT, -1]]);
  const shapes: Shape[] = [];
  const nodes: { index: number; layer: Layer; inputs: number[]; inputShapes: Shape[]; shape: Shape; consumers: number[] }[] = [];
  const inputConsumers: number[] = [];
  model.layers.forEach((layer, i) => {
    if (typeof layer !== 'object' || layer === null) throw new Err(`layer ${i}: not an object`);
    const where = describeLayer(i, String(layer.name));
    if (typeof layer.name !== 'string' || layer.name.length === 0) throw new Err(`layer ${i}: name must be a non-empty string`);
    if (index.has(layer.name)) {
      throw new Err(layer.name === MODEL_INPUT ? `${where}: the name "input" is reserved for the model input` : `${where}: duplicate layer name`);
    }
    if (!(LAYER_TYPES as readonly string[]).includes(layer.type)) {
      throw new Err(`${where}: unknown layer type ${JSON.stringify((layer as { type: unknown }).type)}`);
    }
    const names = layerInputs(layer);
    const inputs = names.map((n) => {
      const j = index.get(n);
      if (j === undefined) throw new Err(`${where}: input ${JSON.stringify(n)} is not the model input or an earlier layer`);
      return j;
    });
    const inputShapes = inputs.map((j) => (j < 0 ? inputShape : shapes[j]));
    const shape = inferShape(layer, inputShapes, where, Err);
    if (shapeSize(shape) > MAX_TENSOR_SIZE) throw new Err(`${where}: output ${formatShape(shape)} has more than 2^28 elements`);
    shapes.push(shape);
    nodes.push({ index: i, layer, inputs, inputShapes, shape, consumers: [] });
    for (const j of inputs) (j < 0 ? inputConsumers : nodes[j].consumers).push(i);
    index.set(layer.name, i);
  });
  if (inputConsumers.length === 0) throw new Err('no layer reads the model input');
  for (const node of nodes.slice(0, -1)) {
    if (node.consumers.length === 0) {
      throw new Err(`${describeLayer(node.index, node.layer.name)}: output is never used (the model output is the last layer)`);
    }
  }
  const graph: ModelGraph = Object.freeze({
    model,
    nodes: Object.freeze(nodes.map((n) => Object.freeze(n))),
    inputConsumers: Object.freeze(inputConsumers),
    outputShape: shapes[shapes.length - 1],
  });
  graphs.set(model, graph);
  return graph;
}

function inferShape(layer: Layer, inputShapes: readonly Shape[], where: string, Err: ModelErrorClass): Shape {
  const [s] = inputShapes;
  const need3 = (what: LayerType): void => {
    if (s.length !== 3) throw new Err(`${where}: ${what} needs a [C, H, W] input, got ${formatShape(s)}`);
  };
  const checkArray = (a: unknown, n: number, what: string): void => {
    if (!(a instanceof Float64Array)) throw new Err(`${where}: ${what} must be a Float64Array`);
    if (a.length !== n) throw new SizeMismatchError(`${where}: ${what} has ${a.length} values, expected ${n}`);
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new Err(`${where}: ${what}[${i}] is not finite`);
    }
  };
  const checkPair = (p: unknown, what: string, min: number): void => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isSafeInteger(x) && x >= min)) {
      throw new Err(`${where}: ${what} must be [h, w] with integers ≥ ${min}`);
    }
  };
  switch (layer.type) {
    case 'conv2d': {
      need3('conv2d');
      const [c, h, w] = s;
      checkPair(layer.kernel, 'kernel', 1);
      checkPair(layer.stride, 'stride', 1);
      if (!Array.isArray(layer.padding) || layer.padding.length !== 4 || !layer.padding.every((x) => Number.isSafeInteger(x) && x >= 0)) {
        throw new Err(`${where}: padding must be [top, left, bottom, right] with integers ≥ 0`);
      }
      if (!Number.isSafeInteger(layer.outChannels) || layer.outChannels < 1) throw new Err(`${where}: outChannels must be a positive integer`);
      const [kh, kw] = layer.kernel;
      const [sh, sw] = layer.stride;
      const [pt, pl, pb, pr] = layer.padding;
      if (h + pt + pb < kh || w + pl + pr < kw) {
        throw new SizeMismatchError(`${where}: kernel ${kh}×${kw} is larger than the padded input ${h + pt + pb}×${w + pl + pr}`);
      }
      checkArray(layer.weights, layer.outChannels * c * kh * kw, `weights (OIHW ${layer.outChannels}×${c}×${kh}×${kw})`);
      checkArray(layer.bias, layer.outChannels, 'bias');
      return Object.freeze([layer.outChannels, Math.floor((h + pt + pb - kh) / sh) + 1, Math.floor((w + pl + pr - kw) / sw) + 1]);
    }
    case 'dense': {
      if (!Number.isSafeInteger(layer.outFeatures) || layer.outFeatures < 1) throw new Err(`${where}: outFeatures must be a positive integer`);
      const n = shapeSize(s);
      if (layer.outFeatures * n > MAX_TENSOR_SIZE) throw new Err(`${where}: more than 2^28 weights`);
      checkArray(layer.weights, layer.outFeatures * n, `weights ([out][in] ${layer.outFeatures}×${n})`);
      checkArray(layer.bias, layer.outFeatures, 'bias');
      return Object.freeze([layer.outFeatures]);
    }
    case 'avgPool2d': {
      need3('avgPool2d');
      checkPair(layer.kernel, 'kernel', 1);
      checkPair(layer.stride, 'stride', 1);
      const [c, h, w] = s;
      const [kh, kw] = layer.kernel;
      const [sh, sw] = layer.stride;
      if (kh > h || kw > w) throw new SizeMismatchError(`${where}: window ${kh}×${kw} is larger than the input ${h}×${w}`);
      return Object.freeze([c, Math.floor((h - kh) / sh) + 1, Math.floor((w - kw) / sw) + 1]);
    }
    case 'flatten':
      return Object.freeze([shapeSize(s)]);
    case 'relu':
    case 'relu6':
      return s;
    case 'quadratic':
      for (const k of ['a2', 'a1', 'a0'] as const) {
        if (typeof layer[k] !== 'number' || !Number.isFinite(layer[k])) throw new Err(`${where}: ${k} must be a finite number`);
      }
      return s;
    case 'add': {
      if (!sameShape(inputShapes[0], inputShapes[1])) {
        throw new SizeMismatchError(`${where}: cannot add ${formatShape(inputShapes[0])} and ${formatShape(inputShapes[1])}`);
      }
      return s;
    }
    case 'batchNorm': {
      const c = s[0];
      checkArray(layer.scale, c, 'scale');
      checkArray(layer.bias, c, 'bias');
      checkArray(layer.mean, c, 'mean');
      checkArray(layer.variance, c, 'variance');
      if (typeof layer.epsilon !== 'number' || !(layer.epsilon >= 0)) throw new Err(`${where}: epsilon must be ≥ 0`);
      for (let i = 0; i < c; i++) {
        if (!(layer.variance[i] + layer.epsilon > 0)) throw new Err(`${where}: variance[${i}] + epsilon must be > 0`);
      }
      return s;
    }
  }
}
