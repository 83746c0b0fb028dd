/**
 * The ONNX protobuf layer of the importer (§8.12.2): field numbers of onnx/onnx.proto that the
 * importer reads, tensor decoding, node attributes and the graph input's shape.
 *
 * Spec: §8.12.2
 * @module
 */
import { MalformedInputError } from '../../../errors.js';
import { UnsupportedError } from '../../errors.js';
import type { ProtoMessage } from '../protobuf.js';
import type { Shape } from '../../tensor.js';

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

const F = ONNX_FIELDS;
const DT = ONNX_DATA_TYPES;

/** The attributes of one node, by name, with ONNX's defaults supplied by the caller. */
export class OnnxAttributes {
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

/** The shape without the batch dimension of the graph input (rank 4 [N, C, H, W] or rank 2 [N, K]). Spec: §8.12.3 */
export function graphInputShape(vi: ProtoMessage): Shape {
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
