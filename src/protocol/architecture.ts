/**
 * The public architecture of a network: everything the client may know about the server's model
 * (layer types, shapes, geometry, which activations are ReLU or quadratic, the quadratic
 * coefficients), and nothing else. The server sends it in its hello (§9.5); the client decodes it
 * as untrusted input and checks every shape, so that a decoded architecture is safe to allocate
 * and compute on.
 *
 * Spec: §9.3
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../math/bytes.js';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import type { FixedPointLayer, FixedPointModel, ScaleUnits } from '../nn/fixed-model.js';
import type { Padding, Pair } from '../nn/layers.js';
import { conv2dOutputSize } from '../nn/ops/conv2d.js';
import { poolOutputSize } from '../nn/ops/pool.js';
import { MAX_TENSOR_SIZE, sameShape, shapeSize, type Shape } from '../nn/tensor.js';

/** `format` of an encoded architecture. Spec: §9.3 */
export const ARCHITECTURE_FORMAT = 'delphi-ts-architecture';
/** Largest encoded architecture a client accepts (16 MiB). Spec: §9.3 */
export const MAX_ARCHITECTURE_BYTES = 16 * 2 ** 20;
/** Largest number of layers. Spec: §9.3 */
export const MAX_ARCHITECTURE_LAYERS = 4096;
/** Largest total number of tensor elements (input and every layer output together). Spec: §9.3 */
export const MAX_ARCHITECTURE_ELEMENTS = 2 ** 26;
/** Largest magnitude of a quadratic coefficient (an integer at scale f). Spec: §9.3 */
export const MAX_QUADRATIC_COEFFICIENT = 2 ** 20;

interface ArchitectureLayerBase {
  readonly name: string;
  /** Indices of the layers read; −1 is the model input. */
  readonly inputs: readonly number[];
  readonly inputShape: Shape;
  readonly shape: Shape;
  readonly scale: ScaleUnits;
}

/** One layer of an {@link Architecture}: the public fields of a fixed-point layer. Spec: §9.3 */
export type ArchitectureLayer =
  | (ArchitectureLayerBase & { readonly op: 'conv2d'; readonly outChannels: number; readonly kernel: Pair; readonly stride: Pair; readonly padding: Padding })
  | (ArchitectureLayerBase & { readonly op: 'dense' })
  | (ArchitectureLayerBase & { readonly op: 'scale' })
  | (ArchitectureLayerBase & { readonly op: 'sumPool2d'; readonly kernel: Pair; readonly stride: Pair })
  | (ArchitectureLayerBase & { readonly op: 'flatten' })
  | (ArchitectureLayerBase & { readonly op: 'add'; readonly lift: readonly [boolean, boolean] })
  | (ArchitectureLayerBase & { readonly op: 'relu' })
  | (ArchitectureLayerBase & { readonly op: 'relu6'; readonly cap: number })
  | (ArchitectureLayerBase & { readonly op: 'quadratic'; readonly a2: number; readonly a1: number; readonly a0: number });

/** The weighted layers of an architecture (the server holds their weights). */
export type WeightedArchitectureLayer = Extract<ArchitectureLayer, { op: 'conv2d' | 'dense' | 'scale' }>;

/** The public description of a compiled model. Spec: §9.3 */
export interface Architecture {
  readonly format: typeof ARCHITECTURE_FORMAT;
  readonly version: 1;
  readonly name: string;
  readonly fractionalBits: number;
  readonly inputShape: Shape;
  readonly outputScale: ScaleUnits;
  readonly layers: readonly ArchitectureLayer[];
}

const BASE_KEYS = ['op', 'name', 'inputs', 'inputShape', 'shape', 'scale'] as const;
const OP_KEYS: Record<ArchitectureLayer['op'], readonly string[]> = {
  conv2d: ['outChannels', 'kernel', 'stride', 'padding'],
  dense: [],
  scale: [],
  sumPool2d: ['kernel', 'stride'],
  flatten: [],
  add: ['lift'],
  relu: [],
  relu6: ['cap'],
  quadratic: ['a2', 'a1', 'a0'],
};
const TOP_KEYS = ['format', 'version', 'name', 'fractionalBits', 'inputShape', 'outputScale', 'layers'] as const;

/** Whether the layer is weighted (conv2d, dense, scale). */
export function isWeightedLayer(layer: { op: string }): boolean {
  return layer.op === 'conv2d' || layer.op === 'dense' || layer.op === 'scale';
}

function publicLayer(layer: FixedPointLayer): ArchitectureLayer {
  const out: Record<string, unknown> = {};
  for (const k of BASE_KEYS) out[k] = copy((layer as unknown as Record<string, unknown>)[k]);
  for (const k of OP_KEYS[layer.op]) out[k] = copy((layer as unknown as Record<string, unknown>)[k]);
  return out as unknown as ArchitectureLayer;
}

function copy(v: unknown): unknown {
  return Array.isArray(v) ? v.map(copy) : v;
}

/**
 * The architecture of a compiled model: its layers without weights, biases or scale factors. The
 * result is checked as {@link decodeArchitecture} would check it. Spec: §9.3
 */
export function publicArchitecture(model: FixedPointModel): Architecture {
  if (typeof model !== 'object' || model === null || model.format !== 'delphi-ts-fixed-point') {
    throw new InvalidArgumentError('publicArchitecture: expected a compiled FixedPointModel (compileFixedPoint)');
  }
  const arch = {
    format: ARCHITECTURE_FORMAT,
    version: 1,
    name: model.name,
    fractionalBits: model.fractionalBits,
    inputShape: [...model.inputShape],
    outputScale: model.outputScale,
    layers: model.layers.map(publicLayer),
  };
  return checkArchitecture(arch, InvalidArgumentError);
}

/** The canonical encoding: compact UTF-8 JSON with keys in the order of §9.3. Spec: §9.3 */
export function encodeArchitecture(arch: Architecture): Uint8Array {
  const ordered = {
    format: arch.format,
    version: arch.version,
    name: arch.name,
    fractionalBits: arch.fractionalBits,
    inputShape: arch.inputShape,
    outputScale: arch.outputScale,
    layers: arch.layers.map((layer) => {
      const o: Record<string, unknown> = {};
      const src = layer as unknown as Record<string, unknown>;
      for (const k of BASE_KEYS) o[k] = src[k];
      for (const k of OP_KEYS[layer.op]) o[k] = src[k];
      return o;
    }),
  };
  return new TextEncoder().encode(JSON.stringify(ordered));
}

/** Lowercase hex SHA-256 of {@link encodeArchitecture}. Spec: §9.3 */
export function architectureFingerprint(arch: Architecture): string {
  return bytesToHex(sha256(encodeArchitecture(arch)));
}

/**
 * Parses and validates an architecture received from a server (§9.3). Every violation is a
 * {@link MalformedInputError} naming the layer. Spec: §9.3
 */
export function decodeArchitecture(bytes: Uint8Array): Architecture {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('architecture: expected bytes');
  if (bytes.length > MAX_ARCHITECTURE_BYTES) {
    throw new MalformedInputError(`architecture: ${bytes.length} bytes exceed the limit of ${MAX_ARCHITECTURE_BYTES}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedInputError('architecture: not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MalformedInputError(`architecture: not valid JSON (${(e as Error).message})`);
  }
  return checkArchitecture(value, MalformedInputError);
}

type ErrorClass = new (message: string) => Error;

/**
 * Checks every rule of §9.3 and returns a frozen, normalized copy. `Err` is the error class to
 * throw (MalformedInputError when decoding, InvalidArgumentError for a local model).
 */
function checkArchitecture(value: unknown, Err: ErrorClass): Architecture {
  const fail = (msg: string): never => {
    throw new Err(`architecture: ${msg}`);
  };
  const obj = expectObject(value, 'the architecture', TOP_KEYS, fail);
  if (obj.format !== ARCHITECTURE_FORMAT) fail(`format must be ${JSON.stringify(ARCHITECTURE_FORMAT)}`);
  if (obj.version !== 1) fail('version must be 1');
  const name = expectName(obj.name, 'name', fail);
  const f = obj.fractionalBits;
  if (!Number.isInteger(f) || (f as number) < 1 || (f as number) > 19) fail('fractionalBits must be an integer in [1, 19]');
  const fractionalBits = f as number;
  const inputShape = expectShape(obj.inputShape, 'inputShape', fail);
  if (!Array.isArray(obj.layers)) fail('layers must be an array');
  const rawLayers = obj.layers as unknown[];
  if (rawLayers.length === 0) fail('there must be at least one layer');
  if (rawLayers.length > MAX_ARCHITECTURE_LAYERS) fail(`more than ${MAX_ARCHITECTURE_LAYERS} layers`);

  const shapes: Shape[] = [];
  const scales: ScaleUnits[] = [];
  const shapeOf = (j: number): Shape => (j < 0 ? inputShape : shapes[j]);
  const scaleOf = (j: number): ScaleUnits => (j < 0 ? 1 : scales[j]);
  const read = new Array<boolean>(rawLayers.length).fill(false);
  let elements = shapeSize(inputShape);
  const layers: ArchitectureLayer[] = rawLayers.map((raw, k) => {
    const where = `layer ${k}`;
    const rawObj = expectObject(raw, where, null, fail);
    const op = rawObj.op;
    if (typeof op !== 'string' || !Object.hasOwn(OP_KEYS, op)) fail(`${where}: unknown op ${JSON.stringify(op)}`);
    const opKeys = OP_KEYS[op as ArchitectureLayer['op']];
    const layerName = expectName(rawObj.name, `${where} name`, fail);
    const at = `layer ${k} (${JSON.stringify(layerName)}, ${op as string})`;
    expectObject(raw, at, [...BASE_KEYS, ...opKeys], fail);
    const arity = op === 'add' ? 2 : 1;
    const inputs = rawObj.inputs;
    if (!Array.isArray(inputs) || inputs.length !== arity) fail(`${at}: inputs must list ${arity} layer index(es)`);
    for (const j of inputs as unknown[]) {
      if (!Number.isInteger(j) || (j as number) < -1 || (j as number) >= k) fail(`${at}: input ${String(j)} is not −1 or an earlier layer`);
      if ((j as number) >= 0) read[j as number] = true;
    }
    const ins = (inputs as number[]).slice();
    const inputShapeK = expectShape(rawObj.inputShape, `${at} inputShape`, fail);
    if (!sameShape(inputShapeK, shapeOf(ins[0]))) fail(`${at}: inputShape differs from the shape of its input`);
    const shape = expectShape(rawObj.shape, `${at} shape`, fail);
    const scale = rawObj.scale;
    if (scale !== 1 && scale !== 2) fail(`${at}: scale must be 1 or 2`);
    const inScale = scaleOf(ins[0]);
    const base = { op, name: layerName, inputs: Object.freeze(ins), inputShape: inputShapeK, shape, scale } as Record<string, unknown>;
    const wantShape = (want: Shape): void => {
      if (!sameShape(shape, want)) fail(`${at}: shape [${shape.join(', ')}] should be [${want.join(', ')}]`);
    };
    const wantScales = (input: ScaleUnits, output: ScaleUnits): void => {
      if (inScale !== input) fail(`${at}: must read a tensor at scale ${input === 1 ? 'f' : '2f'}`);
      if (scale !== output) fail(`${at}: must produce scale ${output === 1 ? 'f' : '2f'}`);
    };
    switch (op) {
      case 'conv2d': {
        if (inputShapeK.length !== 3) fail(`${at}: needs a [C, H, W] input`);
        const outChannels = expectPositive(rawObj.outChannels, `${at} outChannels`, fail);
        const kernel = expectPair(rawObj.kernel, `${at} kernel`, 1, fail);
        const stride = expectPair(rawObj.stride, `${at} stride`, 1, fail);
        const padding = expectPadding(rawObj.padding, `${at} padding`, fail);
        const [oh, ow] = conv2dOutputSize({
          inChannels: inputShapeK[0],
          inHeight: inputShapeK[1],
          inWidth: inputShapeK[2],
          outChannels,
          kernel,
          stride,
          padding,
        });
        if (!(oh >= 1 && ow >= 1)) fail(`${at}: the kernel does not fit the padded input`);
        wantShape([outChannels, oh, ow]);
        wantScales(1, 2);
        Object.assign(base, { outChannels, kernel, stride, padding });
        break;
      }
      case 'dense':
        wantScales(1, 2);
        break;
      case 'scale':
        wantShape(inputShapeK);
        wantScales(1, 2);
        break;
      case 'sumPool2d': {
        if (inputShapeK.length !== 3) fail(`${at}: needs a [C, H, W] input`);
        const kernel = expectPair(rawObj.kernel, `${at} kernel`, 1, fail);
        const stride = expectPair(rawObj.stride, `${at} stride`, 1, fail);
        if (kernel[0] > inputShapeK[1] || kernel[1] > inputShapeK[2]) fail(`${at}: the window does not fit the input`);
        const [oh, ow] = poolOutputSize(inputShapeK[1], inputShapeK[2], kernel, stride);
        wantShape([inputShapeK[0], oh, ow]);
        if (scale !== inScale) fail(`${at}: must keep the scale of its input`);
        Object.assign(base, { kernel, stride });
        break;
      }
      case 'flatten':
        wantShape([shapeSize(inputShapeK)]);
        if (scale !== inScale) fail(`${at}: must keep the scale of its input`);
        break;
      case 'add': {
        if (!sameShape(shapeOf(ins[1]), inputShapeK)) fail(`${at}: the two inputs have different shapes`);
        wantShape(inputShapeK);
        const [sa, sb] = [scaleOf(ins[0]), scaleOf(ins[1])];
        const lift = rawObj.lift;
        const want = [sa === 1 && sb === 2, sa === 2 && sb === 1];
        if (!Array.isArray(lift) || lift.length !== 2 || lift[0] !== want[0] || lift[1] !== want[1]) {
          fail(`${at}: lift must be [${want.join(', ')}] for inputs at scales ${sa}f and ${sb}f`);
        }
        if (scale !== Math.max(sa, sb)) fail(`${at}: must produce the larger scale of its inputs`);
        Object.assign(base, { lift: Object.freeze([want[0], want[1]]) });
        break;
      }
      case 'relu':
      case 'relu6':
      case 'quadratic':
        wantShape(inputShapeK);
        wantScales(2, 1);
        if (op === 'relu6') {
          if (rawObj.cap !== 6 * 2 ** fractionalBits) fail(`${at}: cap must be 6·2^f = ${6 * 2 ** fractionalBits}`);
          base.cap = rawObj.cap;
        }
        if (op === 'quadratic') {
          for (const c of ['a2', 'a1', 'a0'] as const) {
            const v = rawObj[c];
            if (!Number.isInteger(v) || Math.abs(v as number) > MAX_QUADRATIC_COEFFICIENT) {
              fail(`${at}: ${c} must be an integer of magnitude at most 2^20`);
            }
            base[c] = v;
          }
        }
        break;
    }
    elements += shapeSize(shape);
    if (elements > MAX_ARCHITECTURE_ELEMENTS) fail(`${at}: the tensors exceed ${MAX_ARCHITECTURE_ELEMENTS} elements in total`);
    shapes.push(shape);
    scales.push(scale as ScaleUnits);
    return Object.freeze(base) as unknown as ArchitectureLayer;
  });
  const unread = read.findIndex((r, k) => !r && k < read.length - 1);
  if (unread >= 0) fail(`layer ${unread} (${JSON.stringify(layers[unread].name)}): no layer reads its output (only the last layer is the output)`);
  if (obj.outputScale !== scales[scales.length - 1]) fail('outputScale must be the scale of the last layer');
  return Object.freeze({
    format: ARCHITECTURE_FORMAT,
    version: 1,
    name,
    fractionalBits,
    inputShape,
    outputScale: obj.outputScale as ScaleUnits,
    layers: Object.freeze(layers),
  });
}

function expectObject(
  v: unknown,
  what: string,
  keys: readonly string[] | null,
  fail: (m: string) => never,
): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`);
  const obj = v as Record<string, unknown>;
  if (keys) {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) fail(`${what}: unknown key ${JSON.stringify(k)}`);
    for (const k of keys) if (!Object.hasOwn(obj, k)) fail(`${what}: missing key ${JSON.stringify(k)}`);
  }
  return obj;
}

function expectName(v: unknown, what: string, fail: (m: string) => never): string {
  if (typeof v !== 'string' || v.length > 256) fail(`${what} must be a string of at most 256 characters`);
  return v as string;
}

function expectShape(v: unknown, what: string, fail: (m: string) => never): Shape {
  if (!Array.isArray(v) || (v.length !== 1 && v.length !== 3) || !v.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    fail(`${what} must be [C, H, W] or [N] with positive integer dimensions`);
  }
  const shape = Object.freeze([...(v as number[])]);
  if (shapeSize(shape) > MAX_TENSOR_SIZE) fail(`${what} has more than 2^28 elements`);
  return shape;
}

function expectPositive(v: unknown, what: string, fail: (m: string) => never): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > MAX_TENSOR_SIZE) fail(`${what} must be a positive integer`);
  return v as number;
}

function expectPair(v: unknown, what: string, min: number, fail: (m: string) => never): Pair {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isSafeInteger(d) && d >= min && d <= 2 ** 16)) {
    fail(`${what} must be two integers in [${min}, 65536]`);
  }
  return Object.freeze([(v as number[])[0], (v as number[])[1]]) as Pair;
}

function expectPadding(v: unknown, what: string, fail: (m: string) => never): Padding {
  if (!Array.isArray(v) || v.length !== 4 || !v.every((d) => Number.isSafeInteger(d) && d >= 0 && d <= 2 ** 16)) {
    fail(`${what} must be four integers in [0, 65536]`);
  }
  const [a, b, c, d] = v as number[];
  return Object.freeze([a, b, c, d]) as Padding;
}
