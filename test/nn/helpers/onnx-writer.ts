/**
 * A tiny protobuf encoder and ONNX message builders for test fixtures, written from the wire
 * format spec (https://protobuf.dev/programming-guides/encoding/) and the field numbers of
 * onnx/onnx.proto. Fields are emitted in the order torch.onnx.export (opset 13+) writes them.
 */

const enc = new TextEncoder();

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);

export const pb = {
  varint: (field: number, value: number | bigint): number[] => [...key(field, 0), ...varint(value)],
  bytes: (field: number, bytes: ArrayLike<number>): number[] => [...key(field, 2), ...varint(bytes.length), ...Array.from(bytes)],
  string: (field: number, s: string): number[] => pb.bytes(field, enc.encode(s)),
  float: (field: number, v: number): number[] => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return [...key(field, 5), ...b];
  },
  packedFloats: (field: number, values: ArrayLike<number>): number[] => pb.bytes(field, f32le(values)),
  packedVarints: (field: number, values: readonly number[]): number[] => pb.bytes(field, values.flatMap((v) => varint(v))),
};

export function f32le(values: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const view = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return b;
}

export function i64le(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return b;
}

/** TensorProto: dims 1, data_type 2, float_data 4, int64_data 7, name 8, raw_data 9. */
export function tensor(t: { name: string; dims: number[]; floats?: ArrayLike<number>; int64s?: number[]; raw?: boolean }): number[] {
  const out = [...t.dims.flatMap((d) => pb.varint(1, d))];
  if (t.int64s) {
    out.push(...pb.varint(2, 7));
    out.push(...pb.string(8, t.name));
    out.push(...(t.raw === false ? pb.packedVarints(7, t.int64s) : pb.bytes(9, i64le(t.int64s))));
  } else {
    out.push(...pb.varint(2, 1));
    if (t.raw === false) out.push(...pb.packedFloats(4, t.floats!), ...pb.string(8, t.name));
    else out.push(...pb.string(8, t.name), ...pb.bytes(9, f32le(t.floats!)));
  }
  return out;
}

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7). */
export const attr = {
  int: (name: string, i: number): number[] => [...pb.string(1, name), ...pb.varint(3, i), ...pb.varint(20, 2)],
  float: (name: string, f: number): number[] => [...pb.string(1, name), ...pb.float(2, f), ...pb.varint(20, 1)],
  ints: (name: string, v: number[]): number[] => [...pb.string(1, name), ...v.flatMap((x) => pb.varint(8, x)), ...pb.varint(20, 7)],
  floats: (name: string, v: number[]): number[] => [...pb.string(1, name), ...v.flatMap((x) => pb.float(7, x)), ...pb.varint(20, 6)],
  string: (name: string, s: string): number[] => [...pb.string(1, name), ...pb.string(4, s), ...pb.varint(20, 3)],
  tensor: (name: string, t: number[]): number[] => [...pb.string(1, name), ...pb.bytes(5, t), ...pb.varint(20, 4)],
};

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
export function node(n: { op: string; name: string; inputs: string[]; outputs: string[]; attrs?: number[][] }): number[] {
  return [
    ...n.inputs.flatMap((s) => pb.string(1, s)),
    ...n.outputs.flatMap((s) => pb.string(2, s)),
    ...pb.string(3, n.name),
    ...pb.string(4, n.op),
    ...(n.attrs ?? []).flatMap((a) => pb.bytes(5, a)),
  ];
}

/** ValueInfoProto { name 1, type 2 { tensor_type 1 { elem_type 1, shape 2 { dim 1 { dim_value 1 | dim_param 2 } } } } }. */
export function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => pb.bytes(1, typeof d === 'number' ? pb.varint(1, d) : pb.string(2, d)));
  const tensorType = [...pb.varint(1, 1), ...pb.bytes(2, shape)];
  return [...pb.string(1, name), ...pb.bytes(2, pb.bytes(1, tensorType))];
}

/** GraphProto: node 1, name 2, initializer 5, input 11, output 12. */
export function graph(g: { nodes: number[][]; name: string; initializers: number[][]; inputs: number[][]; outputs: number[][] }): number[] {
  return [
    ...g.nodes.flatMap((n) => pb.bytes(1, n)),
    ...pb.string(2, g.name),
    ...g.initializers.flatMap((t) => pb.bytes(5, t)),
    ...g.inputs.flatMap((v) => pb.bytes(11, v)),
    ...g.outputs.flatMap((v) => pb.bytes(12, v)),
  ];
}

/** ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8 { domain 1, version 2 }. */
export function modelProto(graphBytes: number[], opset = 13): Uint8Array {
  return Uint8Array.from([
    ...pb.varint(1, 8),
    ...pb.string(2, 'pytorch'),
    ...pb.string(3, '2.1.0'),
    ...pb.bytes(7, graphBytes),
    ...pb.bytes(8, pb.varint(2, opset)),
  ]);
}
