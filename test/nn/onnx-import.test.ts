/**
 * importOnnx (§8.12) on two fixtures from independent encoders: tiny-cnn.onnx, written by this
 * repository's test encoder in torch.onnx.export's layout, compared with the same network built
 * directly; and protoc-mlp.onnx, encoded by protoc from a text file whose numbers the test reads
 * itself. Plus variants (float_data, attribute-style Clip) and rejections.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileFixedPoint,
  createModel,
  evaluateFixedPoint,
  evaluateFloat,
  importOnnx,
  importOnnxReport,
  UnsupportedError,
  type Model,
} from '../../src/nn/index.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from './helpers/networks.js';
import { attr, graph, modelProto, node, pb, tensor, valueInfo } from './helpers/onnx-writer.js';
import { tinyCnnModel, tinyCnnOnnx, tinyCnnWeights } from './helpers/tiny-cnn.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/nn/${name}`, import.meta.url)));

function expectSameFunction(a: Model, b: Model, seed: string, tol = 1e-5): void {
  const rng = fromTextSeed(seed);
  const n = a.inputShape.reduce((x, y) => x * y, 1);
  expect(b.inputShape).toEqual(a.inputShape);
  for (let trial = 0; trial < 4; trial++) {
    const x = randomInput(rng, n, -1, 1);
    const ya = evaluateFloat(a, x);
    const yb = evaluateFloat(b, x);
    expect(ya.length).toBe(yb.length);
    ya.forEach((v, i) => expect(Math.abs(v - yb[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(yb[i]))));
  }
}

describe('tiny-cnn.onnx (torch.onnx.export layout)', () => {
  it('the committed fixture is what the test encoder writes', () => {
    expect(fixture('tiny-cnn.onnx')).toEqual(tinyCnnOnnx());
  });

  it('imports to the same network as built directly', () => {
    const imported = importOnnx(fixture('tiny-cnn.onnx'));
    expect(imported.name).toBe('main_graph');
    expect(imported.layers.map((l) => `${l.type}:${l.name}`)).toEqual([
      'conv2d:/conv1/Conv', // BatchNormalization folded in
      'relu:/relu/Relu',
      'avgPool2d:/pool/AveragePool',
      'conv2d:/conv2/Conv',
      'add:/Add',
      'relu6:/act/Clip',
      'flatten:/Flatten',
      'dense:/fc/Gemm',
    ]);
    expectSameFunction(imported, tinyCnnModel(), 'onnx/tiny');
  });

  it('without folding, batch norm is kept and the evaluation is bit-identical', () => {
    const imported = importOnnx(fixture('tiny-cnn.onnx'), { foldBatchNorm: false, name: 'x' });
    expect(imported.layers[1].type).toBe('batchNorm');
    const direct = tinyCnnModel();
    const x = randomInput(fromTextSeed('onnx/bit'), 64, -1, 1);
    expect(evaluateFloat(imported, x)).toEqual(evaluateFloat(direct, x));
  });

  it('compiles to fixed point and agrees with the float model', () => {
    const imported = importOnnx(fixture('tiny-cnn.onnx'), { fractionalBits: 14 });
    const fp = compileFixedPoint(imported);
    expect(fp.fractionalBits).toBe(14);
    const x = randomInput(fromTextSeed('onnx/fixed'), 64, 0, 1);
    const want = evaluateFloat(imported, x);
    evaluateFixedPoint(fp, x).decoded.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(0.01));
  });
});

describe('protoc-mlp.onnx (encoded by protoc)', () => {
  /** Reads the initializers of the text file: name → float_data or int64_data values. */
  function textInitializers(): Map<string, number[]> {
    const text = readFileSync(new URL('../fixtures/nn/protoc-mlp.textproto', import.meta.url), 'utf8');
    const out = new Map<string, number[]>();
    for (const m of text.matchAll(/initializer \{([^}]*)\}/g)) {
      const values = [...m[1].matchAll(/(?:float|int64)_data: (\S+)/g)].map((v) => Number(v[1]));
      out.set(/name: "([^"]+)"/.exec(m[1])![1], values);
    }
    return out;
  }

  it('imports to the network the text describes', () => {
    const t = textInitializers();
    const mm = t.get('mm.wt')!; // [4, 3], transposed by the Transpose node into [3, 4] = [in][out]
    const gemmB = t.get('gemm.B')!; // [4, 2] = [in][out], transB = 0, alpha = 0.5
    const direct = createModel({
      inputShape: [2, 4, 4],
      layers: [
        // auto_pad SAME_UPPER, kernel 3, stride 2 on 4×4: output 2×2, total padding 1, at the end.
        { type: 'conv2d', outChannels: 3, kernel: 3, stride: 2, padding: [0, 0, 1, 1], weights: t.get('conv.w')!, bias: t.get('conv.b')! },
        { type: 'relu' },
        { type: 'avgPool2d', kernel: 2, stride: 2 }, // GlobalAveragePool
        { type: 'flatten' },
        { type: 'dense', outFeatures: 4, weights: mm, bias: t.get('mm.b')! }, // MatMul + Add
        { type: 'relu' }, // Clip(0, ∞)
        { type: 'dense', outFeatures: 2, weights: [0, 1].flatMap((o) => [0, 1, 2, 3].map((i) => 0.5 * gemmB[i * 2 + o])), bias: t.get('gemm.C')!.map((c) => 2 * c) },
      ],
    });
    const imported = importOnnx(fixture('protoc-mlp.onnx'), { stripSoftmax: true });
    expect(imported.layers.map((l) => l.type)).toEqual(['conv2d', 'relu', 'avgPool2d', 'flatten', 'dense', 'relu', 'dense']);
    expectSameFunction(imported, direct, 'onnx/mlp', 1e-6);
  });

  it('drops the final Softmax with a note by default, and refuses it with stripSoftmax: false', () => {
    const report = importOnnxReport(fixture('protoc-mlp.onnx'));
    expect(report.notes).toEqual([expect.stringMatching(/node 11 \(Softmax "softmax"\): the final Softmax is dropped/)]);
    expect(() => importOnnx(fixture('protoc-mlp.onnx'), { stripSoftmax: false })).toThrow(UnsupportedError);
    expect(() => importOnnx(fixture('protoc-mlp.onnx'), { stripSoftmax: false })).toThrow(/node 11 \(Softmax "softmax"\).*stripSoftmax/);
  });
});

describe('variants and rejections', () => {
  const w = tinyCnnWeights();
  /** conv (3×3, pad 1) → <activation nodes> → Flatten → Gemm, on [1, 1, 8, 8]. */
  function smallNet(opts: { raw?: boolean; activation?: number[][]; extraInit?: number[][]; conv?: number[][]; opset?: number }): Uint8Array {
    const nodes = [
      node({
        op: 'Conv',
        name: 'conv',
        inputs: ['x', 'w', 'b'],
        outputs: ['c'],
        attrs: opts.conv ?? [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])],
      }),
      ...(opts.activation ?? [node({ op: 'Relu', name: 'act', inputs: ['c'], outputs: ['a'] })]),
      node({ op: 'Flatten', name: 'flat', inputs: ['a'], outputs: ['f'] }),
      node({ op: 'Gemm', name: 'fc', inputs: ['f', 'fw', 'fb'], outputs: ['y'], attrs: [attr.int('transB', 1)] }),
    ];
    return modelProto(
      graph({
        nodes,
        name: 'small',
        initializers: [
          tensor({ name: 'w', dims: [4, 1, 3, 3], floats: w.conv1w, raw: opts.raw }),
          tensor({ name: 'b', dims: [4], floats: w.conv1b, raw: opts.raw }),
          tensor({ name: 'fw', dims: [10, 256], floats: Array.from({ length: 2560 }, (_, i) => w.fcw[i % 640]), raw: opts.raw }),
          tensor({ name: 'fb', dims: [10], floats: w.fcb, raw: opts.raw }),
          ...(opts.extraInit ?? []),
        ],
        inputs: [valueInfo('x', ['batch', 1, 8, 8])],
        outputs: [valueInfo('y', ['batch', 10])],
      }),
      opts.opset,
    );
  }

  it('float_data and raw_data encode the same model', () => {
    expectSameFunction(importOnnx(smallNet({ raw: false })), importOnnx(smallNet({ raw: true })), 'onnx/raw', 0);
  });

  it('Clip(0, 6) from attributes (opset < 11) and from inputs both become relu6', () => {
    const fromAttrs = importOnnx(
      smallNet({ opset: 6, activation: [node({ op: 'Clip', name: 'act', inputs: ['c'], outputs: ['a'], attrs: [attr.float('max', 6), attr.float('min', 0)] })] }),
    );
    const fromInputs = importOnnx(
      smallNet({
        activation: [node({ op: 'Clip', name: 'act', inputs: ['c', 'lo', 'hi'], outputs: ['a'] })],
        extraInit: [tensor({ name: 'lo', dims: [], floats: [0] }), tensor({ name: 'hi', dims: [], floats: [6] })],
      }),
    );
    expect(fromAttrs.layers[1].type).toBe('relu6');
    expect(fromInputs.layers[1].type).toBe('relu6');
    const other = smallNet({ activation: [node({ op: 'Clip', name: 'act', inputs: ['c'], outputs: ['a'], attrs: [attr.float('min', -1), attr.float('max', 1)] })] });
    expect(() => importOnnx(other)).toThrow(/only Clip\(0, 6\).*got Clip\(-1, 1\)/);
  });

  it('rejects unsupported operators and attributes with UnsupportedError naming the node', () => {
    const maxPool = smallNet({ activation: [node({ op: 'MaxPool', name: 'mp', inputs: ['c'], outputs: ['a'], attrs: [attr.ints('kernel_shape', [1, 1])] })] });
    expect(() => importOnnx(maxPool)).toThrow(UnsupportedError);
    expect(() => importOnnx(maxPool)).toThrow(/^ONNX node 1 \(MaxPool "mp"\): operator MaxPool is not supported; use AvgPool2d/);
    const grouped = smallNet({ conv: [attr.int('group', 2)] });
    expect(() => importOnnx(grouped)).toThrow(/node 0 \(Conv "conv"\): grouped or depthwise/);
    const dilated = smallNet({ conv: [attr.ints('dilations', [2, 2]), attr.ints('pads', [2, 2, 2, 2])] });
    expect(() => importOnnx(dilated)).toThrow(/dilated convolution/);
  });

  it('rejects malformed bytes with MalformedInputError', () => {
    const good = tinyCnnOnnx();
    expect(() => importOnnx(good.subarray(0, good.length - 7))).toThrow(MalformedInputError);
    expect(() => importOnnx(Uint8Array.from([0x0b, 0x01]))).toThrow(/wire type 3/); // a group
    expect(() => importOnnx(Uint8Array.from(pb.varint(1, 8)))).toThrow(/no graph/);
    const badRaw = modelProto(
      graph({
        nodes: [node({ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] })],
        name: 'g',
        initializers: [[...pb.varint(1, 2), ...pb.varint(2, 1), ...pb.string(8, 't'), ...pb.bytes(9, [0, 0, 0])]],
        inputs: [valueInfo('x', [1, 2])],
        outputs: [valueInfo('y', [1, 2])],
      }),
    );
    expect(() => importOnnx(badRaw)).toThrow(/raw_data has 3 bytes, expected 8/);
    expect(() => importOnnx('onnx' as unknown as Uint8Array)).toThrow(/Uint8Array/);
  });
});
