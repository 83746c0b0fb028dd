/**
 * ONNX import (§8.12) for the subset delphi-ts evaluates: Conv, Gemm, MatMul (+ Add of a
 * constant bias), Relu, Clip(0, 6) as ReLU6, Clip(0, ∞) as ReLU, AveragePool, GlobalAveragePool,
 * Flatten, Reshape to [1, −1], Add (residual), BatchNormalization (folded), Identity, Dropout,
 * Constant, Transpose of a 2-D constant and initializers. Reads the protobuf bytes with the minimal reader of ./protobuf.ts;
 * field numbers follow onnx/onnx.proto (IR version 7–10).
 *
 * Spec: §8.12
 * @module
 */
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { foldBatchNorm } from './batch-norm.js';
import { UnsupportedError } from './errors.js';
import { MODEL_INPUT, type Model, type Padding } from './layers.js';
import { createModel, type LayerSpec } from './model.js';
import { conv2dOutputSize } from './ops/conv2d.js';
import { poolOutputSize } from './ops/pool.js';
import { ProtoMessage } from './protobuf.js';
import { formatShape, sameShape, shapeSize, type Shape } from './tensor.js';

/** Field numbers of onnx.proto used by the importer. Spec: §8.12.2 */
export const ONNX_FIELDS = Object.freeze({
  ModelProto: { ir_version: 1, producer_name: 2, graph: 7, opset_import: 8 },
  OperatorSetIdProto: { domain: 1, version: 2 },
  GraphProto: { node: 1, name: 2, initializer: 5, input: 11, output: 12 },
  NodeProto: { input: 1, output: 2, name: 3, op_type: 4, attribute: 5, domain: 7 },
  AttributeProto: { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, type: 20 },
  TensorProto: { dims: 1, data_type: 2, float_data: 4, int32_data: 5, int64_data: 7, name: 8, raw_data: 9, double_data: 10, data_location: 14 },
  ValueInfoProto: { name: 1, type: 2 },
  TypeProto: { tensor_type: 1 },
  TypeProtoTensor: { elem_type: 1, shape: 2 },
  TensorShapeProto: { dim: 1 },
  Dimension: { dim_value: 1, dim_param: 2 },
});

/** TensorProto.DataType values the importer reads. Spec: §8.12.2 */
export const ONNX_DATA_TYPES = Object.freeze({ FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 });

/** Options of {@link importOnnx}. Spec: §8.12 */
export interface OnnxImportOptions {
  /** Model name (default: the graph name, else "onnx-model"). */
  name?: string;
  /** Fold BatchNormalization into the preceding Conv/Gemm (default true; §8.6). */
  foldBatchNorm?: boolean;
  /** Drop a final Softmax/LogSoftmax (it does not change the arg-max); default false: reject it. */
  stripSoftmax?: boolean;
  /** fractionalBits recorded in the model (default 8). */
  fractionalBits?: number;
}

const F = ONNX_FIELDS;
const DT = ONNX_DATA_TYPES;

interface Constant {
  readonly kind: 'const';
  readonly dims: number[];
  readonly data: Float64Array;
}
interface Activation {
  readonly kind: 'layer';
  /** Our layer name, or MODEL_INPUT. */
  readonly layer: string;
  /** Our shape (no batch dimension). */
  readonly shape: Shape;
}
type Value = Constant | Activation;

type MutableLayer = LayerSpec & { name: string };

/** Parsed attributes of a node. */
class Attributes {
  readonly #byName = new Map<string, ProtoMessage>();
  constructor(node: ProtoMessage) {
    for (const a of node.messages(F.NodeProto.attribute)) this.#byName.set(a.string(F.AttributeProto.name), a);
  }
  has(name: string): boolean {
    return this.#byName.has(name);
  }
  int(name: string, fallback: number): number {
    const a = this.#byName.get(name);
    return a ? a.int(F.AttributeProto.i) : fallback;
  }
  ints(name: string): number[] | undefined {
    const a = this.#byName.get(name);
    return a ? a.ints(F.AttributeProto.ints) : undefined;
  }
  float(name: string, fallback: number): number {
    const a = this.#byName.get(name);
    return a ? a.float(F.AttributeProto.f) : fallback;
  }
  floats(name: string): number[] | undefined {
    const a = this.#byName.get(name);
    return a ? a.floats(F.AttributeProto.floats) : undefined;
  }
  string(name: string, fallback: string): string {
    const a = this.#byName.get(name);
    return a ? new TextDecoder().decode(a.bytes(F.AttributeProto.s)) : fallback;
  }
  tensor(name: string): ProtoMessage | null {
    const a = this.#byName.get(name);
    return a ? a.message(F.AttributeProto.t) : null;
  }
}

/** Decodes a TensorProto with float, double, int32 or int64 data (typed field or raw_data). Spec: §8.12.2 */
export function decodeOnnxTensor(t: ProtoMessage): { name: string; dims: number[]; data: Float64Array } {
  const T = F.TensorProto;
  const name = t.string(T.name);
  const dims = t.ints(T.dims);
  if (dims.some((d) => d < 0)) throw new MalformedInputError(`ONNX tensor ${JSON.stringify(name)}: negative dimension`);
  if (t.int(T.data_location) === 1) {
    throw new UnsupportedError(`ONNX tensor ${JSON.stringify(name)}: external data is not supported; save the model with weights inside`);
  }
  const type = t.int(T.data_type);
  const n = dims.reduce((a, b) => a * b, 1);
  let data: Float64Array;
  if (t.has(T.raw_data)) {
    const raw = t.bytes(T.raw_data);
    const size = type === DT.FLOAT || type === DT.INT32 ? 4 : type === DT.INT64 || type === DT.DOUBLE ? 8 : 0;
    if (size === 0) throw new UnsupportedError(`ONNX tensor ${JSON.stringify(name)}: data type ${type} is not supported`);
    if (raw.length !== n * size) {
      throw new MalformedInputError(`ONNX tensor ${JSON.stringify(name)}: raw_data has ${raw.length} bytes, expected ${n * size}`);
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (type === DT.FLOAT) data[i] = view.getFloat32(4 * i, true);
      else if (type === DT.DOUBLE) data[i] = view.getFloat64(8 * i, true);
      else if (type === DT.INT32) data[i] = view.getInt32(4 * i, true);
      else data[i] = Number(view.getBigInt64(8 * i, true));
    }
  } else {
    let values: number[];
    if (type === DT.FLOAT) values = t.floats(T.float_data);
    else if (type === DT.DOUBLE) values = t.floats(T.double_data, true);
    else if (type === DT.INT32) values = t.ints(T.int32_data);
    else if (type === DT.INT64) values = t.ints(T.int64_data);
    else throw new UnsupportedError(`ONNX tensor ${JSON.stringify(name)}: data type ${type} is not supported`);
    if (values.length !== n) {
      throw new MalformedInputError(`ONNX tensor ${JSON.stringify(name)}: ${values.length} values for dims [${dims.join(', ')}]`);
    }
    data = Float64Array.from(values);
  }
  return { name, dims, data };
}

const SUPPORTED =
  'Conv, Gemm, MatMul, Add, Relu, Clip, AveragePool, GlobalAveragePool, Flatten, Reshape, BatchNormalization, Identity, Dropout, Constant, Transpose (of a constant)';

/**
 * Imports an ONNX model (ModelProto bytes) with one input of shape [N, C, H, W] or [N, K]
 * (the batch dimension N is dropped) and one output. Throws {@link MalformedInputError} for
 * bytes that are not a well-formed model and {@link UnsupportedError} for operators or
 * attributes outside the subset of §8.12.3, naming the node. Spec: §8.12, §8.12.3
 */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): Model {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('importOnnx: expected a Uint8Array');
  const model = new ProtoMessage(bytes);
  const graph = model.message(F.ModelProto.graph);
  if (!graph) throw new MalformedInputError('ONNX: ModelProto has no graph (field 7)');
  const G = F.GraphProto;

  const values = new Map<string, Value>();
  for (const init of graph.messages(G.initializer)) {
    const t = decodeOnnxTensor(init);
    values.set(t.name, { kind: 'const', dims: t.dims, data: t.data });
  }
  const inputs = graph.messages(G.input).filter((vi) => !values.has(vi.string(F.ValueInfoProto.name)));
  if (inputs.length !== 1) throw new UnsupportedError(`ONNX: the graph must have exactly one non-constant input, found ${inputs.length}`);
  const inputName = inputs[0].string(F.ValueInfoProto.name);
  const inputShape = graphInputShape(inputs[0]);
  values.set(inputName, { kind: 'layer', layer: MODEL_INPUT, shape: inputShape });

  const outputs = graph.messages(G.output).map((vi) => vi.string(F.ValueInfoProto.name));
  if (outputs.length !== 1) throw new UnsupportedError(`ONNX: the graph must have exactly one output, found ${outputs.length}`);
  const nodes = graph.messages(G.node);
  const readers = new Map<string, number>();
  for (const node of nodes) {
    for (const name of node.strings(F.NodeProto.input)) readers.set(name, (readers.get(name) ?? 0) + 1);
  }
  readers.set(outputs[0], (readers.get(outputs[0]) ?? 0) + 1);

  const layers: MutableLayer[] = [];
  const producer = new Map<string, MutableLayer>();
  const used = new Set<string>([MODEL_INPUT]);
  const uniqueName = (wanted: string): string => {
    let name = wanted.length > 0 ? wanted : 'layer';
    for (let k = 2; used.has(name); k++) name = `${wanted}_${k}`;
    used.add(name);
    return name;
  };

  nodes.forEach((node, index) => {
    const op = node.string(F.NodeProto.op_type);
    const domain = node.string(F.NodeProto.domain);
    const ins = node.strings(F.NodeProto.input);
    const outs = node.strings(F.NodeProto.output);
    const label = `ONNX node ${index} (${op}${node.string(F.NodeProto.name) ? ` ${JSON.stringify(node.string(F.NodeProto.name))}` : ''})`;
    const attrs = new Attributes(node);
    if (domain !== '' && domain !== 'ai.onnx') throw new UnsupportedError(`${label}: operator domain ${JSON.stringify(domain)} is not supported`);
    if (outs.length === 0 || outs[0] === '') throw new MalformedInputError(`${label}: no output`);
    const get = (k: number): Value => {
      const name = ins[k];
      const v = name === undefined || name === '' ? undefined : values.get(name);
      if (!v) throw new MalformedInputError(`${label}: input ${k} (${JSON.stringify(name)}) is not defined before the node`);
      return v;
    };
    const optional = (k: number): Value | undefined => (ins[k] === undefined || ins[k] === '' ? undefined : get(k));
    const act = (k: number): Activation => {
      const v = get(k);
      if (v.kind !== 'layer') throw new UnsupportedError(`${label}: input ${k} must be computed from the model input, not a constant`);
      return v;
    };
    const constant = (k: number): Constant => {
      const v = get(k);
      if (v.kind !== 'const') throw new UnsupportedError(`${label}: input ${k} must be a constant (initializer or Constant node)`);
      return v;
    };
    const emit = (layer: LayerSpec, shape: Shape): void => {
      const named = { ...layer, name: uniqueName(node.string(F.NodeProto.name) || outs[0]) } as MutableLayer;
      layers.push(named);
      producer.set(named.name, named);
      values.set(outs[0], { kind: 'layer', layer: named.name, shape });
    };
    const alias = (v: Value): void => {
      values.set(outs[0], v);
    };
    const onlyFirstOutput = (): void => {
      for (const extra of outs.slice(1)) {
        if (extra !== '' && (readers.get(extra) ?? 0) > 0) throw new UnsupportedError(`${label}: only the first output may be used`);
      }
    };

    switch (op) {
      case 'Conv': {
        const x = act(0);
        const w = constant(1);
        const b = optional(2);
        if (x.shape.length !== 3) throw new UnsupportedError(`${label}: Conv needs an [N, C, H, W] input, got ${formatShape(x.shape)} (without N)`);
        if (w.dims.length !== 4) throw new UnsupportedError(`${label}: only 2-D convolutions are supported (weight dims [${w.dims.join(', ')}])`);
        const [m, c, kh, kw] = w.dims;
        if (attrs.int('group', 1) !== 1) throw new UnsupportedError(`${label}: grouped or depthwise convolution (group ≠ 1) is not supported`);
        if (c !== x.shape[0]) throw new MalformedInputError(`${label}: weight has ${c} input channels, the input has ${x.shape[0]}`);
        const dil = attrs.ints('dilations');
        if (dil && dil.some((d) => d !== 1)) throw new UnsupportedError(`${label}: dilated convolution is not supported`);
        const ks = attrs.ints('kernel_shape');
        if (ks && (ks.length !== 2 || ks[0] !== kh || ks[1] !== kw)) throw new MalformedInputError(`${label}: kernel_shape disagrees with the weight`);
        const stride = pairAttr(attrs.ints('strides'), [1, 1], label, 'strides');
        const padding = padsFor(attrs, x.shape, [kh, kw], stride, label);
        const bias = b === undefined ? new Float64Array(m) : vector(b, m, label, 'bias');
        const [oh, ow] = conv2dOutputSize({ inChannels: c, inHeight: x.shape[1], inWidth: x.shape[2], outChannels: m, kernel: [kh, kw], stride, padding });
        if (oh < 1 || ow < 1) throw new MalformedInputError(`${label}: empty output`);
        emit({ type: 'conv2d', name: '', input: x.layer, outChannels: m, kernel: [kh, kw], stride, padding, weights: w.data, bias }, [m, oh, ow]);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const a = act(0);
        const bMat = constant(1);
        if (a.shape.length !== 1) throw new UnsupportedError(`${label}: ${op} needs a [N, K] input; insert Flatten (input is ${formatShape(a.shape)} without N)`);
        const k = a.shape[0];
        const transA = op === 'Gemm' ? attrs.int('transA', 0) : 0;
        const transB = op === 'Gemm' ? attrs.int('transB', 0) : 0;
        if (transA !== 0) throw new UnsupportedError(`${label}: transA = 1 is not supported`);
        if (bMat.dims.length !== 2) throw new UnsupportedError(`${label}: the weight must be a 2-D constant`);
        const [r, cDim] = bMat.dims;
        const out = transB ? r : cDim;
        if ((transB ? cDim : r) !== k) throw new MalformedInputError(`${label}: weight dims [${bMat.dims.join(', ')}] do not fit ${k} inputs`);
        const alpha = op === 'Gemm' ? attrs.float('alpha', 1) : 1;
        const beta = op === 'Gemm' ? attrs.float('beta', 1) : 1;
        const weights = new Float64Array(out * k);
        for (let o = 0; o < out; o++) {
          for (let i = 0; i < k; i++) weights[o * k + i] = alpha * (transB ? bMat.data[o * k + i] : bMat.data[i * out + o]);
        }
        const cVal = op === 'Gemm' ? optional(2) : undefined;
        const bias = cVal === undefined ? new Float64Array(out) : vector(cVal, out, label, 'C').map((v) => v * beta);
        emit({ type: 'dense', name: '', input: a.layer, outFeatures: out, weights, bias }, [out]);
        break;
      }
      case 'Add':
      case 'Sum': {
        if (ins.length !== 2) throw new UnsupportedError(`${label}: ${op} with ${ins.length} inputs is not supported`);
        const [u, v] = [get(0), get(1)];
        if (u.kind === 'layer' && v.kind === 'layer') {
          if (!sameShape(u.shape, v.shape)) throw new UnsupportedError(`${label}: broadcasting Add of ${formatShape(u.shape)} and ${formatShape(v.shape)} is not supported`);
          emit({ type: 'add', name: '', inputs: [u.layer, v.layer] }, u.shape);
          break;
        }
        if (u.kind === 'const' && v.kind === 'const') throw new UnsupportedError(`${label}: Add of two constants is not supported`);
        const [t, c, tName] = u.kind === 'layer' ? [u, v as Constant, ins[0]] : [v as Activation, u, ins[1]];
        const lin = producer.get(t.layer);
        if (!lin || (lin.type !== 'conv2d' && lin.type !== 'dense') || readers.get(tName) !== 1) {
          throw new UnsupportedError(`${label}: adding a constant is supported only as the bias of a Conv/Gemm/MatMul output read by nothing else`);
        }
        // NumPy broadcasting against the ONNX shape [1, ...shape]: the constant must vary along
        // the channel axis (1) only.
        const full = [1, ...t.shape];
        const channels = t.shape[0];
        const padded = [...new Array<number>(Math.max(0, full.length - c.dims.length)).fill(1), ...c.dims];
        const scalar = c.data.length === 1 && padded.every((d) => d === 1);
        const perChannel = padded.length === full.length && padded[1] === channels && padded.every((d, i) => i === 1 || d === 1);
        if (!scalar && !perChannel) {
          throw new UnsupportedError(`${label}: a constant of dims [${c.dims.join(', ')}] is not a per-channel bias of ${formatShape(full)}`);
        }
        const size = c.data.length;
        const bias = lin.bias as Float64Array;
        for (let i = 0; i < channels; i++) bias[i] += size === 1 ? c.data[0] : c.data[i];
        alias(t);
        break;
      }
      case 'Relu':
        emit({ type: 'relu', name: '', input: act(0).layer }, act(0).shape);
        break;
      case 'Clip': {
        const x = act(0);
        const bound = (k: number, attr: string, fallback: number): number => {
          const c = optional(k);
          if (c !== undefined) {
            if (c.kind !== 'const' || c.data.length !== 1) throw new UnsupportedError(`${label}: Clip bounds must be scalar constants`);
            return c.data[0];
          }
          return attrs.float(attr, fallback);
        };
        const lo = bound(1, 'min', -Infinity);
        const hi = bound(2, 'max', Infinity);
        if (lo === 0 && hi === 6) emit({ type: 'relu6', name: '', input: x.layer }, x.shape);
        else if (lo === 0 && hi === Infinity) emit({ type: 'relu', name: '', input: x.layer }, x.shape);
        else throw new UnsupportedError(`${label}: only Clip(0, 6) (ReLU6) and Clip(0, ∞) (ReLU) are supported, got Clip(${lo}, ${hi})`);
        break;
      }
      case 'AveragePool':
      case 'GlobalAveragePool': {
        const x = act(0);
        if (x.shape.length !== 3) throw new UnsupportedError(`${label}: ${op} needs an [N, C, H, W] input`);
        const [c, h, w] = x.shape;
        let kernel: [number, number];
        let stride: [number, number];
        if (op === 'GlobalAveragePool') {
          kernel = [h, w];
          stride = [h, w];
        } else {
          kernel = pairAttr(attrs.ints('kernel_shape'), undefined, label, 'kernel_shape');
          stride = pairAttr(attrs.ints('strides'), [1, 1], label, 'strides');
          const pads = attrs.ints('pads');
          if (pads && pads.some((p) => p !== 0)) throw new UnsupportedError(`${label}: padded average pooling is not supported`);
          const autoPad = attrs.string('auto_pad', 'NOTSET');
          if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new UnsupportedError(`${label}: auto_pad ${autoPad} is not supported`);
          const dil = attrs.ints('dilations');
          if (dil && dil.some((d) => d !== 1)) throw new UnsupportedError(`${label}: dilated pooling is not supported`);
          if (attrs.int('ceil_mode', 0) !== 0 && ((h - kernel[0]) % stride[0] !== 0 || (w - kernel[1]) % stride[1] !== 0)) {
            throw new UnsupportedError(`${label}: ceil_mode = 1 with a partial last window is not supported`);
          }
          if (kernel[0] > h || kernel[1] > w) throw new MalformedInputError(`${label}: window larger than the input`);
        }
        const [oh, ow] = poolOutputSize(h, w, kernel, stride);
        emit({ type: 'avgPool2d', name: '', input: x.layer, kernel, stride }, [c, oh, ow]);
        break;
      }
      case 'Flatten': {
        const x = act(0);
        const axis = attrs.int('axis', 1);
        if (axis !== 1 && !(axis === -1 && x.shape.length === 1)) throw new UnsupportedError(`${label}: Flatten with axis ${axis} is not supported (only 1)`);
        if (x.shape.length === 1) alias(x);
        else emit({ type: 'flatten', name: '', input: x.layer }, [shapeSize(x.shape)]);
        break;
      }
      case 'Reshape': {
        const x = act(0);
        const target = constant(1).data;
        const full = [1, ...x.shape];
        const size = shapeSize(full);
        const dims = Array.from(target, (d, i) => (d === 0 ? full[i] : d));
        const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
        const resolved = dims.map((d) => (d === -1 ? size / known : d));
        if (resolved.length === 2 && resolved[0] === 1 && resolved[1] === size) {
          if (x.shape.length === 1) alias(x);
          else emit({ type: 'flatten', name: '', input: x.layer }, [size]);
        } else if (sameShape(resolved, full)) {
          alias(x);
        } else {
          throw new UnsupportedError(`${label}: Reshape to [${Array.from(target).join(', ')}] is not supported (only flattening to [1, −1])`);
        }
        break;
      }
      case 'BatchNormalization': {
        const x = act(0);
        const ch = x.shape[0];
        if (attrs.int('training_mode', 0) !== 0) throw new UnsupportedError(`${label}: training-mode BatchNormalization is not supported`);
        if (attrs.has('spatial') && attrs.int('spatial', 1) !== 1) throw new UnsupportedError(`${label}: spatial = 0 is not supported`);
        onlyFirstOutput();
        emit(
          {
            type: 'batchNorm',
            name: '',
            input: x.layer,
            scale: vector(constant(1), ch, label, 'scale'),
            bias: vector(constant(2), ch, label, 'B'),
            mean: vector(constant(3), ch, label, 'mean'),
            variance: vector(constant(4), ch, label, 'var'),
            epsilon: attrs.float('epsilon', 1e-5),
          },
          x.shape,
        );
        break;
      }
      case 'Identity':
        alias(get(0));
        break;
      case 'Transpose': {
        // Only of a 2-D constant (older exporters transpose Linear weights this way).
        const c = constant(0);
        const perm = attrs.ints('perm') ?? [1, 0];
        if (c.dims.length !== 2 || perm.length !== 2 || perm[0] !== 1 || perm[1] !== 0) {
          throw new UnsupportedError(`${label}: Transpose is supported only for 2-D constants`);
        }
        const [r, k] = c.dims;
        const data = new Float64Array(r * k);
        for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) data[j * r + i] = c.data[i * k + j];
        alias({ kind: 'const', dims: [k, r], data });
        break;
      }
      case 'Dropout': {
        const training = optional(2);
        if (training !== undefined && (training.kind !== 'const' || training.data[0] !== 0)) {
          throw new UnsupportedError(`${label}: Dropout in training mode is not supported`);
        }
        onlyFirstOutput();
        alias(get(0));
        break;
      }
      case 'Softmax':
      case 'LogSoftmax': {
        if (!options.stripSoftmax) {
          throw new UnsupportedError(`${label}: ${op} is not supported; pass { stripSoftmax: true } to drop a final ${op} (it does not change the arg-max)`);
        }
        if (outs[0] !== outputs[0]) throw new UnsupportedError(`${label}: only a final ${op} can be stripped`);
        alias(act(0));
        break;
      }
      case 'Constant': {
        const t = attrs.tensor('value');
        if (t) {
          const d = decodeOnnxTensor(t);
          alias({ kind: 'const', dims: d.dims, data: d.data });
        } else if (attrs.has('value_float')) alias({ kind: 'const', dims: [], data: Float64Array.of(attrs.float('value_float', 0)) });
        else if (attrs.has('value_floats')) { const v = attrs.floats('value_floats')!; alias({ kind: 'const', dims: [v.length], data: Float64Array.from(v) }); }
        else if (attrs.has('value_int')) alias({ kind: 'const', dims: [], data: Float64Array.of(attrs.int('value_int', 0)) });
        else if (attrs.has('value_ints')) { const v = attrs.ints('value_ints')!; alias({ kind: 'const', dims: [v.length], data: Float64Array.from(v) }); }
        else throw new UnsupportedError(`${label}: Constant without a value, value_float(s) or value_int(s) attribute`);
        break;
      }
      default:
        throw new UnsupportedError(`${label}: operator ${op} is not supported (supported: ${SUPPORTED})`);
    }
  });

  const out = values.get(outputs[0]);
  if (!out || out.kind !== 'layer' || out.layer === MODEL_INPUT) {
    throw new UnsupportedError(`ONNX: the graph output ${JSON.stringify(outputs[0])} is not computed by a supported layer`);
  }
  const live = liveLayers(layers, out.layer);
  const result = createModel({
    name: options.name ?? (graph.string(G.name) || 'onnx-model'),
    inputShape,
    layers: live,
    fractionalBits: options.fractionalBits,
  });
  return options.foldBatchNorm === false ? result : foldBatchNorm(result);
}

/** Layers the output depends on, in order (the output layer last). */
function liveLayers(layers: MutableLayer[], output: string): MutableLayer[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const live = new Set<string>();
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === MODEL_INPUT || live.has(name)) continue;
    live.add(name);
    const l = byName.get(name)!;
    stack.push(...(l.type === 'add' ? l.inputs : [l.input!]));
  }
  const kept = layers.filter((l) => live.has(l.name));
  const i = kept.findIndex((l) => l.name === output);
  return kept.slice(0, i + 1);
}

function graphInputShape(vi: ProtoMessage): Shape {
  const name = vi.string(F.ValueInfoProto.name);
  const tensor = vi.message(F.ValueInfoProto.type)?.message(F.TypeProto.tensor_type);
  if (!tensor) throw new UnsupportedError(`ONNX input ${JSON.stringify(name)}: not a tensor`);
  const elem = tensor.int(F.TypeProtoTensor.elem_type);
  if (elem !== DT.FLOAT && elem !== DT.DOUBLE) throw new UnsupportedError(`ONNX input ${JSON.stringify(name)}: element type ${elem} is not float`);
  const shape = tensor.message(F.TypeProtoTensor.shape);
  if (!shape) throw new UnsupportedError(`ONNX input ${JSON.stringify(name)}: no shape`);
  const dims = shape.messages(F.TensorShapeProto.dim);
  if (dims.length !== 4 && dims.length !== 2) throw new UnsupportedError(`ONNX input ${JSON.stringify(name)}: rank ${dims.length}; expected [N, C, H, W] or [N, K]`);
  return dims.slice(1).map((d, i) => {
    if (!d.has(F.Dimension.dim_value)) throw new UnsupportedError(`ONNX input ${JSON.stringify(name)}: dimension ${i + 1} is symbolic`);
    const v = d.int(F.Dimension.dim_value);
    if (v < 1) throw new MalformedInputError(`ONNX input ${JSON.stringify(name)}: dimension ${i + 1} is ${v}`);
    return v;
  });
}

function pairAttr(v: number[] | undefined, fallback: [number, number] | undefined, label: string, what: string): [number, number] {
  if (v === undefined) {
    if (!fallback) throw new MalformedInputError(`${label}: missing ${what}`);
    return fallback;
  }
  if (v.length !== 2 || v.some((x) => !Number.isSafeInteger(x) || x < 1)) {
    throw new UnsupportedError(`${label}: ${what} [${v.join(', ')}] must be two positive integers (2-D only)`);
  }
  return [v[0], v[1]];
}

/** Conv padding from `pads` ([top, left, bottom, right]) or `auto_pad`. */
function padsFor(attrs: Attributes, shape: Shape, kernel: [number, number], stride: [number, number], label: string): Padding {
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = attrs.ints('pads') ?? [0, 0, 0, 0];
    if (pads.length !== 4 || pads.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new MalformedInputError(`${label}: pads must be 4 non-negative integers`);
    return [pads[0], pads[1], pads[2], pads[3]];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new MalformedInputError(`${label}: unknown auto_pad ${autoPad}`);
  const total = [1, 2].map((d) => {
    const n = shape[d];
    const out = Math.ceil(n / stride[d - 1]);
    return Math.max(0, (out - 1) * stride[d - 1] + kernel[d - 1] - n);
  });
  const small = total.map((t) => Math.floor(t / 2));
  const big = total.map((t, i) => t - small[i]);
  return autoPad === 'SAME_UPPER' ? [small[0], small[1], big[0], big[1]] : [big[0], big[1], small[0], small[1]];
}

function vector(v: Value, n: number, label: string, what: string): Float64Array {
  if (v.kind !== 'const') throw new UnsupportedError(`${label}: ${what} must be a constant`);
  if (v.data.length !== n) throw new MalformedInputError(`${label}: ${what} has ${v.data.length} values, expected ${n}`);
  return Float64Array.from(v.data);
}
