/**
 * One test group per handler of the ONNX operator table (§8.12.3): a small graph around the
 * operator, imported, evaluated in float and compared with a reference written here from the
 * ONNX operator documentation (naive loops), plus the operator's refusals.
 */
import { describe, expect, it } from 'vitest';
import { evaluateFloat, importOnnx, importOnnxReport, ONNX_OPERATORS, UnsupportedError, type Model } from '../../src/nn/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from './helpers/networks.js';
import { attr, graph, modelProto, node, tensor } from './helpers/onnx-writer.js';
import { valueInfo } from './helpers/onnx-writer.js';

type Node = Parameters<typeof node>[0];
interface Init {
  name: string;
  dims: number[];
  floats?: number[];
  int64s?: number[];
}

/** A graph reading input "x" of `shape` (with N = 1), writing output "y". */
function build(shape: number[], nodes: Node[], inits: Init[] = [], opset = 13): Uint8Array {
  return modelProto(
    graph({
      nodes: nodes.map(node),
      name: 'g',
      initializers: inits.map((t) => tensor(t)),
      inputs: [valueInfo('x', [1, ...shape])],
      outputs: [valueInfo('y', [1])],
    }),
    opset,
  );
}

const rng = fromTextSeed('onnx-operators');
const rand = (n: number, lo = -1, hi = 1): number[] => Array.from(randomInput(rng, n, lo, hi));

/** Naive NCHW convolution with zero padding [top, left, bottom, right] (ONNX Conv, group 1). */
function convRef(x: number[], [c, h, w]: number[], wt: number[], b: number[], m: number, k: [number, number], s: [number, number], p: number[]): number[] {
  const oh = Math.floor((h + p[0] + p[2] - k[0]) / s[0]) + 1;
  const ow = Math.floor((w + p[1] + p[3] - k[1]) / s[1]) + 1;
  const out: number[] = [];
  for (let o = 0; o < m; o++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        let acc = b[o];
        for (let i = 0; i < c; i++)
          for (let ky = 0; ky < k[0]; ky++)
            for (let kx = 0; kx < k[1]; kx++) {
              const yy = y * s[0] + ky - p[0];
              const xx = z * s[1] + kx - p[1];
              if (yy >= 0 && yy < h && xx >= 0 && xx < w) acc += wt[((o * c + i) * k[0] + ky) * k[1] + kx] * x[(i * h + yy) * w + xx];
            }
        out.push(acc);
      }
  return out;
}

/** ONNX AveragePool with count_include_pad = 1 over zero padding p. */
function avgPoolRef(x: number[], [c, h, w]: number[], k: [number, number], s: [number, number], p: number[]): number[] {
  const ones = Array.from({ length: c * c * k[0] * k[1] }, (_, i) => (Math.floor(i / (k[0] * k[1])) % (c + 1) === 0 ? 1 / (k[0] * k[1]) : 0));
  return convRef(x, [c, h, w], ones, new Array<number>(c).fill(0), c, k, s, p);
}

function expectClose(model: Model, x: number[], want: number[], tol = 1e-5): void {
  const got = Array.from(evaluateFloat(model, x));
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}`).toBeLessThan(tol));
}

describe('ONNX operator handlers', () => {
  it('the table has a handler and a one-line summary for every operator the issue lists', () => {
    for (const op of ['Conv', 'Gemm', 'MatMul', 'Add', 'BatchNormalization', 'Relu', 'Clip', 'Pad', 'AveragePool', 'GlobalAveragePool', 'ReduceMean', 'Flatten', 'Reshape', 'Shape', 'Gather', 'Unsqueeze', 'Concat', 'Identity', 'Dropout', 'Softmax', 'LogSoftmax']) {
      expect(ONNX_OPERATORS[op], op).toBeDefined();
      expect(ONNX_OPERATORS[op].summary).not.toContain('\n');
    }
  });

  it('Conv: pads, strides and bias', () => {
    const w = rand(3 * 2 * 3 * 2);
    const b = rand(3);
    const m = importOnnx(build([2, 5, 6], [{ op: 'Conv', name: 'c', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: [attr.ints('pads', [1, 0, 2, 1]), attr.ints('strides', [2, 1])] }], [{ name: 'w', dims: [3, 2, 3, 2], floats: w }, { name: 'b', dims: [3], floats: b }]));
    const x = rand(60);
    expectClose(m, x, convRef(x, [2, 5, 6], w, b, 3, [3, 2], [2, 1], [1, 0, 2, 1]));
  });

  it('Gemm: transB, alpha, beta and bias; MatMul + Add: weight [K, M] and a bias Add', () => {
    const bT = rand(4 * 6);
    const c = rand(4);
    const x = rand(6);
    const gemm = importOnnx(build([6], [{ op: 'Gemm', name: 'g', inputs: ['x', 'B', 'C'], outputs: ['y'], attrs: [attr.int('transB', 1), attr.float('alpha', 0.5), attr.float('beta', 2)] }], [{ name: 'B', dims: [4, 6], floats: bT }, { name: 'C', dims: [4], floats: c }]));
    expectClose(gemm, x, [0, 1, 2, 3].map((o) => 0.5 * x.reduce((a, v, i) => a + v * bT[o * 6 + i], 0) + 2 * c[o]));
    const mm = importOnnx(build([6], [{ op: 'MatMul', name: 'm', inputs: ['x', 'W'], outputs: ['t'] }, { op: 'Add', name: 'a', inputs: ['t', 'b'], outputs: ['y'] }], [{ name: 'W', dims: [6, 4], floats: bT }, { name: 'b', dims: [4], floats: c }]));
    expect(mm.layers.map((l) => l.type)).toEqual(['dense']);
    expectClose(mm, x, [0, 1, 2, 3].map((o) => x.reduce((a, v, i) => a + v * bT[i * 4 + o], 0) + c[o]));
    expect(() => importOnnx(build([2, 2, 2], [{ op: 'Gemm', name: 'g', inputs: ['x', 'B'], outputs: ['y'] }], [{ name: 'B', dims: [8, 2], floats: rand(16) }]))).toThrow(/insert torch.flatten\(x, 1\)/);
  });

  it('Add: a residual sum of two activations; broadcasting refused', () => {
    const m = importOnnx(build([3], [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['h'] }, { op: 'Add', name: 'a', inputs: ['h', 'x'], outputs: ['y'] }]));
    const x = rand(3);
    expectClose(m, x, x.map((v) => Math.max(v, 0) + v));
    expect(() => importOnnx(build([3], [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['h'] }, { op: 'Add', name: 'a', inputs: ['h', 'c'], outputs: ['y'] }], [{ name: 'c', dims: [3], floats: [1, 2, 3] }]))).toThrow(/only as the bias of a Conv\/Gemm\/MatMul/);
  });

  it('BatchNormalization: folded into the preceding Conv; on the input a scale layer', () => {
    const [scale, bias, mean, variance] = [rand(2, 0.5, 1.5), rand(2), rand(2), rand(2, 0.5, 1.5)];
    const bn = (input: string, output: string): Node => ({ op: 'BatchNormalization', name: `bn-${output}`, inputs: [input, 's', 'bb', 'm', 'v'], outputs: [output], attrs: [attr.float('epsilon', 1e-3)] });
    const inits = [{ name: 's', dims: [2], floats: scale }, { name: 'bb', dims: [2], floats: bias }, { name: 'm', dims: [2], floats: mean }, { name: 'v', dims: [2], floats: variance }];
    const w = rand(2 * 2 * 1 * 1);
    const bnRef = (v: number, c: number): number => (scale[c] * (v - mean[c])) / Math.sqrt(variance[c] + 1e-3) + bias[c];
    const x = rand(8);
    const alone = importOnnx(build([2, 2, 2], [bn('x', 'y')], inits));
    expect(alone.layers.map((l) => l.type)).toEqual(['batchNorm']);
    expectClose(alone, x, x.map((v, i) => bnRef(v, Math.floor(i / 4))));
    const folded = importOnnx(build([2, 2, 2], [{ op: 'Conv', name: 'c', inputs: ['x', 'w'], outputs: ['h'], attrs: [attr.ints('kernel_shape', [1, 1])] }, bn('h', 'y')], [...inits, { name: 'w', dims: [2, 2, 1, 1], floats: w }]));
    expect(folded.layers.map((l) => l.type)).toEqual(['conv2d']);
    const conv = convRef(x, [2, 2, 2], w, [0, 0], 2, [1, 1], [1, 1], [0, 0, 0, 0]);
    expectClose(folded, x, conv.map((v, i) => bnRef(v, Math.floor(i / 4))));
  });

  it('Relu and Clip(0, 6): relu and relu6', () => {
    const x = rand(5, -8, 8);
    expectClose(importOnnx(build([5], [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }])), x, x.map((v) => Math.max(v, 0)));
    const clip = importOnnx(build([5], [{ op: 'Clip', name: 'c', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }], [{ name: 'lo', dims: [], floats: [0] }, { name: 'hi', dims: [], floats: [6] }]));
    expectClose(clip, x, x.map((v) => Math.min(Math.max(v, 0), 6)));
  });

  it('Pad + AveragePool: zero pads are nothing; real pads count the zeros (count_include_pad) exactly', () => {
    const pad = (pads: number[]): Node[] => [
      { op: 'Pad', name: 'p', inputs: ['x', 'pads'], outputs: ['h'], attrs: [attr.string('mode', 'constant')] },
      { op: 'AveragePool', name: 'ap', inputs: ['h'], outputs: ['y'], attrs: [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [0, 0, 0, 0])] },
    ].map((n, i) => (i === 0 ? { ...n, inputs: ['x', `pads${pads.join('')}`] } : n));
    const init = (pads: number[]): Init => ({ name: `pads${pads.join('')}`, dims: [8], int64s: pads });
    const x = rand(2 * 7 * 7, 0, 1);
    const zero = importOnnx(build([2, 7, 7], pad([0, 0, 0, 0, 0, 0, 0, 0]), [init([0, 0, 0, 0, 0, 0, 0, 0])], 11));
    expect(zero.layers.map((l) => l.type)).toEqual(['avgPool2d']);
    expectClose(zero, x, avgPoolRef(x, [2, 7, 7], [3, 3], [2, 2], [0, 0, 0, 0]));
    const p = [0, 0, 1, 2, 0, 0, 1, 0];
    const report = importOnnxReport(build([2, 7, 7], pad(p), [init(p)], 11));
    expect(report.model.layers.map((l) => l.type)).toEqual(['conv2d']);
    expect(report.notes[0]).toMatch(/padded average pooling \(count_include_pad\)/);
    expectClose(report.model, x, avgPoolRef(x, [2, 7, 7], [3, 3], [2, 2], [1, 2, 1, 0]));
    // AveragePool's own pads: count_include_pad = 1 is exact, 0 is refused.
    const own = (cip: number): Uint8Array => build([2, 7, 7], [{ op: 'AveragePool', name: 'ap', inputs: ['x'], outputs: ['y'], attrs: [attr.ints('kernel_shape', [2, 2]), attr.ints('pads', [1, 1, 1, 1]), attr.int('count_include_pad', cip)] }]);
    expectClose(importOnnx(own(1)), x, avgPoolRef(x, [2, 7, 7], [2, 2], [1, 1], [1, 1, 1, 1]));
    expect(() => importOnnx(own(0))).toThrow(/count_include_pad = 0 .*use AvgPool2d\(count_include_pad=True\)/);
    // Reflect padding, and a Pad read by something else than Conv/AveragePool, are refused.
    const reflect = build([2, 7, 7], [{ op: 'Pad', name: 'p', inputs: ['x', 'pp'], outputs: ['y'], attrs: [attr.string('mode', 'reflect')] }], [{ name: 'pp', dims: [8], int64s: [0, 0, 1, 1, 0, 0, 1, 1] }], 11);
    expect(() => importOnnx(reflect)).toThrow(/reflect padding .* use zero padding/);
    const relu = build([2, 7, 7], [{ op: 'Pad', name: 'p', inputs: ['x', 'pp'], outputs: ['h'] }, { op: 'Relu', name: 'r', inputs: ['h'], outputs: ['y'] }], [{ name: 'pp', dims: [8], int64s: [0, 0, 1, 1, 0, 0, 1, 1] }], 11);
    expect(() => importOnnx(relu)).toThrow(/node 1 \(Relu "r"\): reads the output of a non-zero Pad node/);
  });

  it('Pad + Conv: the padding is added to the convolution', () => {
    const w = rand(2 * 2 * 3 * 3);
    const m = importOnnx(build([2, 4, 4], [{ op: 'Pad', name: 'p', inputs: ['x', 'pp'], outputs: ['h'] }, { op: 'Conv', name: 'c', inputs: ['h', 'w'], outputs: ['y'], attrs: [attr.ints('pads', [1, 0, 0, 1])] }], [{ name: 'pp', dims: [8], int64s: [0, 0, 1, 1, 0, 0, 0, 1] }, { name: 'w', dims: [2, 2, 3, 3], floats: w }], 11));
    const x = rand(32);
    expectClose(m, x, convRef(x, [2, 4, 4], w, [0, 0], 2, [3, 3], [1, 1], [2, 1, 0, 2]));
  });

  it('GlobalAveragePool and ReduceMean over (2, 3): per-channel means', () => {
    const x = rand(3 * 4 * 5);
    const means = [0, 1, 2].map((c) => x.slice(c * 20, c * 20 + 20).reduce((a, b) => a + b, 0) / 20);
    expectClose(importOnnx(build([3, 4, 5], [{ op: 'GlobalAveragePool', name: 'g', inputs: ['x'], outputs: ['y'] }])), x, means);
    const rm = importOnnx(build([3, 4, 5], [{ op: 'ReduceMean', name: 'r', inputs: ['x'], outputs: ['y'], attrs: [attr.ints('axes', [-1, -2]), attr.int('keepdims', 0)] }]));
    expect(rm.layers.map((l) => l.type)).toEqual(['avgPool2d', 'flatten']);
    expectClose(rm, x, means);
    expect(() => importOnnx(build([3, 4, 5], [{ op: 'ReduceMean', name: 'r', inputs: ['x'], outputs: ['y'], attrs: [attr.ints('axes', [1])] }]))).toThrow(/only over the spatial axes/);
  });

  it("Flatten, and Reshape with x.view(n, -1)'s Shape/Gather/Unsqueeze/Concat chain", () => {
    const x = rand(2 * 3 * 3);
    expectClose(importOnnx(build([2, 3, 3], [{ op: 'Flatten', name: 'f', inputs: ['x'], outputs: ['y'], attrs: [attr.int('axis', 1)] }])), x, x);
    const chain: Node[] = [
      { op: 'Shape', name: 's', inputs: ['x'], outputs: ['sh'] },
      { op: 'Gather', name: 'g', inputs: ['sh', 'zero'], outputs: ['n'], attrs: [attr.int('axis', 0)] },
      { op: 'Unsqueeze', name: 'u', inputs: ['n', 'axes'], outputs: ['n1'] },
      { op: 'Concat', name: 'c', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: [attr.int('axis', 0)] },
      { op: 'Reshape', name: 'r', inputs: ['x', 'target'], outputs: ['y'] },
    ];
    const view = importOnnx(build([2, 3, 3], chain, [{ name: 'zero', dims: [], int64s: [0] }, { name: 'axes', dims: [1], int64s: [0] }, { name: 'minus1', dims: [1], int64s: [-1] }]));
    expect(view.layers.map((l) => l.type)).toEqual(['flatten']);
    expectClose(view, x, x);
    expect(() => importOnnx(build([2, 3, 3], [{ op: 'Reshape', name: 'r', inputs: ['x', 't'], outputs: ['y'] }], [{ name: 't', dims: [2], int64s: [3, 6] }]))).toThrow(/only flattening/);
  });

  it('Identity and Dropout are nothing; a final Softmax / LogSoftmax is dropped with a note, an inner one refused', () => {
    const x = rand(4);
    const m = importOnnxReport(build([4], [
      { op: 'Relu', name: 'r', inputs: ['x'], outputs: ['a'] },
      { op: 'Identity', name: 'i', inputs: ['a'], outputs: ['b'] },
      { op: 'Dropout', name: 'd', inputs: ['b'], outputs: ['c'] },
      { op: 'LogSoftmax', name: 'ls', inputs: ['c'], outputs: ['y'] },
    ]));
    expect(m.model.layers.map((l) => l.type)).toEqual(['relu']);
    expect(m.notes).toEqual([expect.stringMatching(/LogSoftmax "ls".*dropped.*arg-max/)]);
    expectClose(m.model, x, x.map((v) => Math.max(v, 0)));
    expect(() => importOnnx(build([4], [{ op: 'Softmax', name: 's', inputs: ['x'], outputs: ['h'] }, { op: 'Relu', name: 'r', inputs: ['h'], outputs: ['y'] }]))).toThrow(/Softmax inside the network is not supported/);
  });

  it('refuses other operators with one line naming the operator, the node and what to use instead', () => {
    for (const [op, instead] of [['MaxPool', /use AvgPool2d/], ['Sigmoid', /use ReLU or ReLU6/], ['Tanh', /use ReLU or ReLU6/], ['Mul', /fold constant factors/], ['Foo', /supported: Conv, Gemm/]] as const) {
      const bytes = build([4], [{ op, name: 'n', inputs: ['x'], outputs: ['y'] }]);
      let message = '';
      try {
        importOnnx(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(UnsupportedError);
        message = (e as Error).message;
      }
      expect(message).toMatch(new RegExp(`^ONNX node 0 \\(${op} "n"\\): operator ${op} is not supported`));
      expect(message).toMatch(instead);
      expect(message).not.toContain('\n');
    }
  });
});
