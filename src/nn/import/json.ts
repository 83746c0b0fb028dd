/**
 * The JSON model format `delphi-ts-model` version 1 (§8.4; JSON Schema in
 * src/nn/model.schema.json): {@link parseModel} and {@link serializeModel}.
 *
 * Spec: §8.4
 * @module
 */
import { MalformedInputError } from '../../errors.js';
import { bytesToFloats, decodeBase64, encodeBase64, floatsToBytes } from './base64.js';
import { describeLayer } from '../errors.js';
import { LAYER_TYPES, MODEL_INPUT, type Layer, type Model } from '../layers.js';
import { copyMetadata, normalizeModel, type LayerSpec } from '../model.js';

/** The `format` string of a JSON model. Spec: §8.4 */
export const MODEL_FORMAT = 'delphi-ts-model';
/** The `version` of the JSON model format this code reads and writes. Spec: §8.4 */
export const MODEL_FORMAT_VERSION = 1;

/** How {@link serializeModel} writes weight arrays. */
export type WeightEncoding = 'array' | 'float32-base64' | 'float64-base64';

/** Options of {@link serializeModel}. */
export interface SerializeOptions {
  /** `array` (default; exact), `float64-base64` (exact, smaller) or `float32-base64` (rounds to float32). */
  weights?: WeightEncoding;
  /** Indentation passed to JSON.stringify (default: none). */
  indent?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const TOP_KEYS = ['format', 'version', 'name', 'description', 'metadata', 'input', 'layers', 'fixedPoint'];
const LAYER_KEYS: Record<string, readonly string[]> = {
  conv2d: ['outChannels', 'kernel', 'stride', 'padding', 'weights', 'bias'],
  dense: ['outFeatures', 'weights', 'bias'],
  avgPool2d: ['kernel', 'stride'],
  flatten: [],
  relu: [],
  relu6: [],
  quadratic: ['a2', 'a1', 'a0'],
  add: ['inputs'],
  batchNorm: ['scale', 'bias', 'mean', 'variance', 'epsilon'],
};
const ARRAY_KEYS = new Set(['weights', 'bias', 'scale', 'mean', 'variance']);

/**
 * Parses and validates a JSON model (text or an already parsed value). Throws
 * {@link MalformedInputError} for invalid JSON, a wrong format/version, unknown layer types or
 * keys and wrong value types, and SizeMismatchError for weight arrays of the wrong size, naming
 * the layer. Spec: §8.4
 */
export function parseModel(json: string | unknown): Model {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new MalformedInputError(`model JSON does not parse: ${(e as Error).message}`, { cause: e });
    }
  }
  const top = object(doc, 'model');
  for (const k of Object.keys(top)) {
    if (!TOP_KEYS.includes(k)) throw new MalformedInputError(`model: unknown key ${JSON.stringify(k)}`);
  }
  if (top.format !== MODEL_FORMAT) {
    throw new MalformedInputError(`model: "format" must be "${MODEL_FORMAT}", got ${JSON.stringify(top.format)}`);
  }
  if (top.version !== MODEL_FORMAT_VERSION) {
    throw new MalformedInputError(`model: unsupported "version" ${JSON.stringify(top.version)} (this code reads version 1)`);
  }
  if (top.name !== undefined && typeof top.name !== 'string') throw new MalformedInputError('model: "name" must be a string');
  if (top.description !== undefined && typeof top.description !== 'string') {
    throw new MalformedInputError('model: "description" must be a string');
  }
  const input = object(top.input, 'model "input"');
  for (const k of Object.keys(input)) {
    if (k !== 'shape') throw new MalformedInputError(`model "input": unknown key ${JSON.stringify(k)}`);
  }
  let fractionalBits: number | undefined;
  if (top.fixedPoint !== undefined) {
    const fp = object(top.fixedPoint, 'model "fixedPoint"');
    for (const k of Object.keys(fp)) {
      if (k !== 'fractionalBits') throw new MalformedInputError(`model "fixedPoint": unknown key ${JSON.stringify(k)}`);
    }
    fractionalBits = fp.fractionalBits as number;
  }
  if (!Array.isArray(top.layers)) throw new MalformedInputError('model: "layers" must be an array');
  const layers = top.layers.map((l, i) => layerSpec(l, i));
  return normalizeModel(
    {
      name: (top.name as string | undefined) ?? 'model',
      description: top.description as string | undefined,
      metadata: top.metadata === undefined ? undefined : copyMetadata(top.metadata, MalformedInputError),
      inputShape: input.shape as unknown as number[],
      layers,
      fractionalBits,
    },
    MalformedInputError,
  );
}

function object(v: unknown, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MalformedInputError(`${what} must be a JSON object`);
  return v as JsonObject;
}

function layerSpec(value: Json, i: number): LayerSpec {
  const l = object(value, `layer ${i}`);
  const type = l.type;
  if (typeof type !== 'string' || !(LAYER_TYPES as readonly string[]).includes(type)) {
    throw new MalformedInputError(`layer ${i}: unknown layer type ${JSON.stringify(type)} (known: ${LAYER_TYPES.join(', ')})`);
  }
  const where = describeLayer(i, typeof l.name === 'string' ? l.name : `${type}${i}`);
  const allowed = ['type', 'name', ...(type === 'add' ? [] : ['input']), ...LAYER_KEYS[type]];
  const spec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(l)) {
    if (!allowed.includes(k)) throw new MalformedInputError(`${where}: unknown key ${JSON.stringify(k)} for a ${type} layer`);
    spec[k] = ARRAY_KEYS.has(k) ? weightArray(v, `${where}: ${k}`) : v;
  }
  return spec as unknown as LayerSpec;
}

function weightArray(v: Json, what: string): Float64Array {
  if (Array.isArray(v)) {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new MalformedInputError(`${what}[${i}] must be a finite number`);
      out[i] = x;
    }
    return out;
  }
  const o = object(v, `${what} (an array or {"dtype", "base64"})`);
  for (const k of Object.keys(o)) {
    if (k !== 'dtype' && k !== 'base64') throw new MalformedInputError(`${what}: unknown key ${JSON.stringify(k)}`);
  }
  if (o.dtype !== 'float32' && o.dtype !== 'float64') {
    throw new MalformedInputError(`${what}: "dtype" must be "float32" or "float64", got ${JSON.stringify(o.dtype)}`);
  }
  if (typeof o.base64 !== 'string') throw new MalformedInputError(`${what}: "base64" must be a string`);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(o.base64);
  } catch (e) {
    throw new MalformedInputError(`${what}: ${(e as Error).message}`, { cause: e });
  }
  const values = bytesToFloats(bytes, o.dtype);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new MalformedInputError(`${what}[${i}] is not finite`);
  }
  return values;
}

/**
 * Writes a model as `delphi-ts-model` v1 JSON text: every layer with its name, explicit kernel,
 * stride and padding, `input` only where it is not the previous layer, and weights as chosen by
 * `options.weights`. parseModel(serializeModel(m)) equals m (exactly with `array` or
 * `float64-base64`). Spec: §8.4
 */
export function serializeModel(model: Model, options: SerializeOptions = {}): string {
  const enc = options.weights ?? 'array';
  const weights = (a: Float64Array): Json => {
    if (enc === 'array') return Array.from(a);
    const dtype = enc === 'float32-base64' ? 'float32' : 'float64';
    return { dtype, base64: encodeBase64(floatsToBytes(a, dtype)) };
  };
  const layers = model.layers.map((layer, i) => {
    const previous = i === 0 ? MODEL_INPUT : model.layers[i - 1].name;
    const head: JsonObject = { type: layer.type, name: layer.name };
    if (layer.type !== 'add' && layer.input !== previous) head.input = layer.input;
    return { ...head, ...layerBody(layer, weights) };
  });
  const doc: JsonObject = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    name: model.name,
    ...(model.description === undefined ? {} : { description: model.description }),
    ...(model.metadata === undefined ? {} : { metadata: model.metadata as JsonObject }),
    input: { shape: [...model.inputShape] },
    fixedPoint: { fractionalBits: model.fractionalBits },
    layers,
  };
  return JSON.stringify(doc, null, options.indent);
}

function layerBody(layer: Layer, weights: (a: Float64Array) => Json): JsonObject {
  switch (layer.type) {
    case 'conv2d':
      return {
        outChannels: layer.outChannels,
        kernel: [...layer.kernel],
        stride: [...layer.stride],
        padding: [...layer.padding],
        weights: weights(layer.weights),
        bias: weights(layer.bias),
      };
    case 'dense':
      return { outFeatures: layer.outFeatures, weights: weights(layer.weights), bias: weights(layer.bias) };
    case 'avgPool2d':
      return { kernel: [...layer.kernel], stride: [...layer.stride] };
    case 'quadratic':
      return { a2: layer.a2, a1: layer.a1, a0: layer.a0 };
    case 'add':
      return { inputs: [...layer.inputs] };
    case 'batchNorm':
      return {
        scale: weights(layer.scale),
        bias: weights(layer.bias),
        mean: weights(layer.mean),
        variance: weights(layer.variance),
        epsilon: layer.epsilon,
      };
    default:
      return {};
  }
}
