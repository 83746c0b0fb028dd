/**
 * The ONNX protobuf layer (Spec: §8.12.2) on TensorProto, ValueInfoProto and AttributeProto bytes
 * written by hand from onnx.proto's field numbers: every data type in typed fields and in raw_data
 * (little-endian, values chosen so a wrong width or type reads differently), each refusal with its
 * exact message, the graph input's shape rules, and attribute defaults.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { UnsupportedError } from '../../src/nn/errors.js';
import { decodeOnnxTensor, graphInputShape, OnnxAttributes } from '../../src/nn/import/onnx/proto.js';
import { ProtoMessage } from '../../src/nn/import/protobuf.js';
import { attr, pb } from './helpers/onnx-writer.js';

const msg = (bytes: number[]) => new ProtoMessage(Uint8Array.from(bytes));
const le = (n: number, write: (v: DataView, i: number) => void, count: number): number[] => {
  const b = new Uint8Array(n * count);
  const v = new DataView(b.buffer);
  for (let i = 0; i < count; i++) write(v, i);
  return [...b];
};
/** TensorProto fields: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10, data_location 14. */
const tensorBytes = (t: { dims: number[]; type?: number; name?: string; fields?: number[]; location?: number }) => [
  ...t.dims.flatMap((d) => pb.varint(1, d)),
  ...(t.type === undefined ? [] : pb.varint(2, t.type)),
  ...pb.string(8, t.name ?? 'w'),
  ...(t.fields ?? []),
  ...(t.location === undefined ? [] : pb.varint(14, t.location)),
];

describe('decodeOnnxTensor', () => {
  const floats = [1.5, -2.25, 3];
  const ints = [7, -8, 2 ** 31 - 1];
  it('raw_data of each type, little-endian', () => {
    const f32 = le(4, (v, i) => v.setFloat32(4 * i, floats[i], true), 3);
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [3], type: 1, fields: pb.bytes(9, f32) })))).toEqual({ name: 'w', dims: [3], data: Float64Array.from(floats) });
    const f64 = le(8, (v, i) => v.setFloat64(8 * i, [0.1, -1e300, 5][i], true), 3);
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [1, 3], type: 11, fields: pb.bytes(9, f64) }))).data).toEqual(Float64Array.of(0.1, -1e300, 5));
    const i32 = le(4, (v, i) => v.setInt32(4 * i, ints[i], true), 3);
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [3], type: 6, fields: pb.bytes(9, i32) }))).data).toEqual(Float64Array.from(ints));
    const i64 = le(8, (v, i) => v.setBigInt64(8 * i, [-(2n ** 40n), 9n, 2n ** 50n][i], true), 3);
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [3, 1], type: 7, fields: pb.bytes(9, i64) }))).data).toEqual(Float64Array.of(-(2 ** 40), 9, 2 ** 50));
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [], type: 1, fields: pb.bytes(9, le(4, (v) => v.setFloat32(0, 4, true), 1)) })))).toEqual({ name: 'w', dims: [], data: Float64Array.of(4) });
  });
  it('typed fields of each type', () => {
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [3], type: 1, fields: pb.packedFloats(4, floats) }))).data).toEqual(Float64Array.from(floats));
    const doubles = pb.bytes(10, le(8, (v, i) => v.setFloat64(8 * i, [0.1, 0.2][i], true), 2));
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [2], type: 11, fields: doubles }))).data).toEqual(Float64Array.of(0.1, 0.2));
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [3], type: 6, fields: pb.packedVarints(5, ints) }))).data).toEqual(Float64Array.from(ints));
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [2], type: 7, fields: pb.packedVarints(7, [-3, 2 ** 40]) }))).data).toEqual(Float64Array.of(-3, 2 ** 40));
  });
  it('refusals with their messages', () => {
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [2, -1], type: 1 })))).toThrow(new MalformedInputError('ONNX tensor "w": negative dimension'));
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [3, 0], type: 1 })))).toEqual({ name: 'w', dims: [3, 0], data: new Float64Array(0) });
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [1], type: 1, location: 1 })))).toThrow(
      new UnsupportedError('ONNX tensor "w": external data is not supported; save the model with weights inside'),
    );
    expect(decodeOnnxTensor(msg(tensorBytes({ dims: [1], type: 1, location: 0, fields: pb.packedFloats(4, [2]) }))).data).toEqual(Float64Array.of(2));
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [1], type: 10, fields: pb.bytes(9, [0, 0]) })))).toThrow(new UnsupportedError('ONNX tensor "w": data type 10 is not supported'));
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [1], type: 2, fields: pb.bytes(9, [0]) })))).toThrow(new UnsupportedError('ONNX tensor "w": data type 2 is not supported'));
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [1], type: 10 })))).toThrow(new UnsupportedError('ONNX tensor "w": data type 10 is not supported'));
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [2], type: 1, fields: pb.bytes(9, [0, 0, 0, 0, 0, 0, 0]) })))).toThrow(
      new MalformedInputError('ONNX tensor "w": raw_data has 7 bytes, expected 8'),
    );
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [2], type: 7, fields: pb.bytes(9, new Array(12).fill(0)) })))).toThrow(
      new MalformedInputError('ONNX tensor "w": raw_data has 12 bytes, expected 16'),
    );
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [2, 2], type: 1, fields: pb.packedFloats(4, [1, 2, 3]) })))).toThrow(
      new MalformedInputError('ONNX tensor "w": 3 values for dims [2, 2]'),
    );
    expect(() => decodeOnnxTensor(msg(tensorBytes({ dims: [2], name: 'b"q' })))).toThrow(new UnsupportedError('ONNX tensor "b\\"q": data type 0 is not supported'));
  });
});

describe('graphInputShape', () => {
  /** ValueInfoProto name 1, type 2 { tensor_type 1 { elem_type 1, shape 2 { dim 1 { dim_value 1 | dim_param 2 } } } }. */
  const vi = (dims: (number | string)[] | null, elem = 1, name = 'x') => {
    const shape = dims === null ? [] : pb.bytes(2, dims.flatMap((d) => pb.bytes(1, typeof d === 'number' ? pb.varint(1, d) : pb.string(2, d))));
    return msg([...pb.string(1, name), ...pb.bytes(2, pb.bytes(1, [...pb.varint(1, elem), ...shape]))]);
  };
  it('drops the batch dimension of [N, C, H, W] or [N, K]', () => {
    expect(graphInputShape(vi(['N', 3, 8, 9]))).toEqual([3, 8, 9]);
    expect(graphInputShape(vi([1, 10]))).toEqual([10]);
    expect(graphInputShape(vi([1, 10], 11))).toEqual([10]);
  });
  it('refusals with their messages', () => {
    expect(() => graphInputShape(msg(pb.string(1, 'x')))).toThrow(new UnsupportedError('ONNX input "x": not a tensor'));
    expect(() => graphInputShape(msg([...pb.string(1, 'x'), ...pb.bytes(2, [])]))).toThrow(new UnsupportedError('ONNX input "x": not a tensor'));
    expect(() => graphInputShape(vi([1, 2], 7))).toThrow(new UnsupportedError('ONNX input "x": element type 7 is not float'));
    expect(() => graphInputShape(vi(null))).toThrow(new UnsupportedError('ONNX input "x": no shape'));
    for (const dims of [[1], [1, 2, 3], [1, 2, 3, 4, 5]]) {
      expect(() => graphInputShape(vi(dims))).toThrow(new UnsupportedError(`ONNX input "x": rank ${dims.length}; expected [N, C, H, W] or [N, K]`));
    }
    expect(() => graphInputShape(vi([1, 3, 'H', 4]))).toThrow(new UnsupportedError('ONNX input "x": dimension 2 is symbolic'));
    expect(() => graphInputShape(vi([1, 3, 4, 0]))).toThrow(new MalformedInputError('ONNX input "x": dimension 3 is 0'));
    expect(graphInputShape(vi([1, 1, 1, 1]))).toEqual([1, 1, 1]);
  });
});

describe('OnnxAttributes', () => {
  const node = () => msg([
    ...pb.bytes(5, attr.int('axis', -2)),
    ...pb.bytes(5, attr.float('alpha', 0.5)),
    ...pb.bytes(5, attr.ints('pads', [1, 2, 3, 4])),
    ...pb.bytes(5, attr.string('mode', 'constant')),
    ...pb.bytes(5, [...pb.string(1, 'scales'), ...pb.packedFloats(7, [0.5, 2]), ...pb.varint(20, 6)]),
    ...pb.bytes(5, attr.tensor('value', [...pb.varint(1, 1), ...pb.varint(2, 1), ...pb.packedFloats(4, [9])])),
  ]);
  it('reads each kind, or the caller\'s default when absent', () => {
    const a = new OnnxAttributes(node());
    expect([a.has('axis'), a.has('beta')]).toEqual([true, false]);
    expect([a.int('axis', 0), a.int('beta', 4)]).toEqual([-2, 4]);
    expect([a.float('alpha', 1), a.float('beta', 0.25)]).toEqual([0.5, 0.25]);
    expect([a.ints('pads'), a.ints('beta')]).toEqual([[1, 2, 3, 4], undefined]);
    expect([a.floats('scales'), a.floats('beta')]).toEqual([[0.5, 2], undefined]);
    expect([a.string('mode', 'x'), a.string('beta', 'reflect')]).toEqual(['constant', 'reflect']);
    expect(decodeOnnxTensor(a.tensor('value')!).data).toEqual(Float64Array.of(9));
    expect(a.tensor('beta')).toBeNull();
  });
});

describe('the opset of the default domain', () => {
  it('is read from opset_import (domain "" or "ai.onnx")', async () => {
    const { graph, modelProto, node, valueInfo } = await import('./helpers/onnx-writer.js');
    const { importOnnxReport } = await import('../../src/nn/import/onnx/import.js');
    const g = graph({
      nodes: [node({ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] })],
      name: 'g',
      initializers: [],
      inputs: [valueInfo('x', [1, 4])],
      outputs: [valueInfo('y', [1, 4])],
    });
    expect(importOnnxReport(modelProto(g, 11)).opset).toBe(11);
    const withDomain = Uint8Array.from([...modelProto(g, 11), ...pb.bytes(8, [...pb.string(1, 'ai.onnx'), ...pb.varint(2, 17)]), ...pb.bytes(8, [...pb.string(1, 'com.example'), ...pb.varint(2, 3)])]);
    expect(importOnnxReport(withDomain).opset).toBe(17);
  });
});
