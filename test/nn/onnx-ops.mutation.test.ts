/**
 * The operator handlers of the ONNX importer (src/nn/import/onnx/ops/, Spec: §8.12.3) on small
 * graphs written by hand: every refusal with its exact class and message, and the layer each
 * accepted form becomes, field by field (padding, stride, weights and bias computed here from the
 * ONNX operator documentation). Constants computed at import time (Shape, Gather, Unsqueeze,
 * Squeeze, Concat, Cast, Constant, Transpose) are read back through the message of a Reshape that
 * refuses them, which prints the target it was given.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { importOnnx, importOnnxReport, UnsupportedError } from '../../src/nn/index.js';
import { isZeroPadding } from '../../src/nn/import/onnx/context.js';
import { ONNX_ALTERNATIVES, ONNX_OPERATORS, refusalOf } from '../../src/nn/import/onnx/operators.js';
import { attr, graph, modelProto, node, tensor, valueInfo } from './helpers/onnx-writer.js';

type Node = Parameters<typeof node>[0];
interface Init {
  name: string;
  dims: number[];
  floats?: number[];
  int64s?: number[];
}

/** A graph reading "x" of [1, ...shape] and writing "y". */
function build(nodes: Node[], o: { inits?: Init[]; shape?: number[]; opset?: number } = {}): Uint8Array {
  return modelProto(
    graph({
      nodes: nodes.map(node),
      name: 'g',
      initializers: (o.inits ?? []).map((t) => tensor(t)),
      inputs: [valueInfo('x', [1, ...(o.shape ?? [2, 3, 3])])],
      outputs: [valueInfo('y', [1])],
    }),
    o.opset ?? 13,
  );
}

/** Asserts the class and the exact message. */
function expectThrow(f: () => unknown, cls: typeof UnsupportedError | typeof MalformedInputError, message: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as Error).message).toBe(message);
}

const n = (op: string, name: string, inputs: string[], outputs: string[] = ['y'], attrs: number[][] = []): Node => ({ op, name, inputs, outputs, attrs });
const layers = (bytes: Uint8Array) => importOnnx(bytes, { foldBatchNorm: false }).layers as unknown as Record<string, unknown>[];
const types = (bytes: Uint8Array): string[] => layers(bytes).map((l) => l.type as string);
const f64 = (v: number[]): Float64Array => Float64Array.from(v);
const w1x1 = (name: string, m: number, c: number): Init => ({ name, dims: [m, c, 1, 1], floats: Array.from({ length: m * c }, (_, i) => i + 1) });

/**
 * The constant named `t` (built by `nodes`), read back from the refusal of Reshape(x, t): a shape
 * target that is neither [1, 18] nor [1, 2, 3, 3] is printed in the message ("accepted" when it is).
 */
function probe(nodes: Node[], o: { inits?: Init[]; opset?: number } = {}): string {
  try {
    importOnnx(build([...nodes, n('Reshape', 'probe', ['x', 't'], ['p']), n('Relu', 'pr', ['p'])], o));
  } catch (e) {
    const m = /Reshape to \[(.*)\] is not supported/.exec((e as Error).message);
    return m ? `[${m[1]}]` : (e as Error).message;
  }
  return 'accepted';
}

describe('Relu and Clip (activations.ts)', () => {
  const clip = (inputs: string[], attrs: number[][] = []) => n('Clip', 'c', inputs, ['y'], attrs);
  const scalar = (name: string, v: number): Init => ({ name, dims: [], floats: [v] });

  it('Clip(0, 6) is relu6 and Clip(0, ∞) is relu, with bounds as inputs or (before opset 11) attributes', () => {
    expect(types(build([clip(['x', 'lo', 'hi'])], { inits: [scalar('lo', 0), scalar('hi', 6)] }))).toEqual(['relu6']);
    expect(types(build([clip(['x', 'lo'])], { inits: [scalar('lo', 0)] }))).toEqual(['relu']);
    expect(types(build([clip(['x'], [attr.float('min', 0), attr.float('max', 6)])], { opset: 6 }))).toEqual(['relu6']);
    expect(types(build([clip(['x'], [attr.float('min', 0)])], { opset: 6 }))).toEqual(['relu']);
    expect(layers(build([n('Relu', 'r', ['x'])]))).toEqual([{ type: 'relu', name: 'r', input: 'input' }]);
  });

  it('other bounds are refused with the bounds read', () => {
    const msg = (lo: string, hi: string) => `ONNX node 0 (Clip "c"): only Clip(0, 6) (ReLU6) and Clip(0, ∞) (ReLU) are supported, got Clip(${lo}, ${hi}); use nn.ReLU6 or nn.ReLU`;
    expectThrow(() => importOnnx(build([clip(['x'])])), UnsupportedError, msg('-Infinity', 'Infinity'));
    expectThrow(() => importOnnx(build([clip(['x', 'lo', 'hi'])], { inits: [scalar('lo', -1), scalar('hi', 6)] })), UnsupportedError, msg('-1', '6'));
    expectThrow(() => importOnnx(build([clip(['x', 'lo', 'hi'])], { inits: [scalar('lo', 0), scalar('hi', 5)] })), UnsupportedError, msg('0', '5'));
    expectThrow(() => importOnnx(build([clip(['x', '', 'hi'])], { inits: [scalar('hi', 6)] })), UnsupportedError, msg('-Infinity', '6'));
    expectThrow(() => importOnnx(build([clip(['x'], [attr.float('min', 1)])], { opset: 6 })), UnsupportedError, msg('1', 'Infinity'));
  });

  it('bounds must be scalar constants', () => {
    const msg = 'ONNX node 0 (Clip "c"): Clip bounds must be scalar constants';
    expectThrow(() => importOnnx(build([clip(['x', 'lo'])], { inits: [{ name: 'lo', dims: [2], floats: [0, 0] }] })), UnsupportedError, msg);
    expectThrow(() => importOnnx(build([clip(['x', 'x'])])), UnsupportedError, msg);
    expectThrow(() => importOnnx(build([clip(['x', 'lo', 'x'])], { inits: [scalar('lo', 0)] })), UnsupportedError, msg);
  });
});

describe('Add and Sum (add.ts)', () => {
  const conv = n('Conv', 'conv', ['x', 'w'], ['a']);
  const w = w1x1('w', 2, 2);

  it('two activations of equal shape → add; other shapes, three inputs and two constants are refused', () => {
    const m = layers(build([n('Relu', 'r', ['x'], ['a']), n('Add', 'add', ['a', 'x'])]));
    expect(m.map((l) => [l.type, l.name])).toEqual([['relu', 'r'], ['add', 'add']]);
    expect(m[1].inputs).toEqual(['r', 'input']);
    expectThrow(
      () => importOnnx(build([n('Flatten', 'f', ['x'], ['a']), n('Add', 'add', ['a', 'x'])])),
      UnsupportedError,
      'ONNX node 1 (Add "add"): broadcasting Add of [18] and [2, 3, 3] is not supported; add tensors of equal shape',
    );
    expectThrow(() => importOnnx(build([n('Sum', 's', ['x', 'x', 'x'])])), UnsupportedError, 'ONNX node 0 (Sum "s"): Sum with 3 inputs is not supported; add two tensors at a time');
    expectThrow(() => importOnnx(build([n('Add', 'a1', ['x'])])), UnsupportedError, 'ONNX node 0 (Add "a1"): Add with 1 inputs is not supported; add two tensors at a time');
    const c = { name: 'c', dims: [1], floats: [1] };
    expectThrow(() => importOnnx(build([n('Add', 'k', ['c', 'c'], ['k']), n('Relu', 'r', ['x'])], { inits: [c] })), UnsupportedError, 'ONNX node 0 (Add "k"): Add of two constants is not supported; export with do_constant_folding=True');
  });

  it('an Add with a padded activation refuses with the Pad message, on either side', () => {
    const pad = n('Pad', 'p', ['x', 'pads'], ['pd']);
    const pads = { name: 'pads', dims: [8], int64s: [0, 0, 1, 1, 0, 0, 1, 1] };
    const msg = 'ONNX node 1 (Add "add"): reads the output of a non-zero Pad node; only Conv and AveragePool can take padding over (use their padding=)';
    expectThrow(() => importOnnx(build([pad, n('Add', 'add', ['pd', 'pd'])], { inits: [pads] })), UnsupportedError, msg);
    expectThrow(() => importOnnx(build([pad, n('Add', 'add', ['x', 'pd'])], { inits: [pads], shape: [2, 3, 3] })), UnsupportedError, msg);
  });

  it('a constant after a Conv read by nothing else becomes its bias: per channel, scalar, on either side', () => {
    const bias = (c: Init, inputs = ['a', 'c']) => layers(build([conv, n('Add', 'add', inputs)], { inits: [w, c] }))[0].bias;
    expect(bias({ name: 'c', dims: [1, 2, 1, 1], floats: [0.5, -2] })).toEqual(f64([0.5, -2]));
    expect(bias({ name: 'c', dims: [2, 1, 1], floats: [0.5, -2] })).toEqual(f64([0.5, -2]));
    expect(bias({ name: 'c', dims: [1], floats: [3] })).toEqual(f64([3, 3]));
    expect(bias({ name: 'c', dims: [], floats: [3] })).toEqual(f64([3, 3]));
    expect(bias({ name: 'c', dims: [1, 1, 1, 1], floats: [3] })).toEqual(f64([3, 3]));
    expect(bias({ name: 'c', dims: [1, 2, 1, 1], floats: [0.5, -2] }, ['c', 'a'])).toEqual(f64([0.5, -2]));
    // Added to an existing bias.
    const withBias = layers(build([n('Conv', 'conv', ['x', 'w', 'b'], ['a']), n('Add', 'add', ['a', 'c'])], { inits: [w, { name: 'b', dims: [2], floats: [1, 1] }, { name: 'c', dims: [2, 1, 1], floats: [0.5, -2] }] }));
    expect(withBias.map((l) => l.name)).toEqual(['conv']);
    expect(withBias[0].bias).toEqual(f64([1.5, -1]));
  });

  it('after a MatMul the constant is its bias', () => {
    const inits = [{ name: 'B', dims: [2, 3], floats: [1, 2, 3, 4, 5, 6] }, { name: 'c', dims: [3], floats: [1, 2, 3] }];
    const m = layers(build([n('MatMul', 'mm', ['x', 'B'], ['a']), n('Add', 'add', ['a', 'c'])], { inits, shape: [2] }));
    expect(m.map((l) => [l.type, l.name])).toEqual([['dense', 'mm']]);
    expect(m[0].bias).toEqual(f64([1, 2, 3]));
    const wrong = { name: 'c', dims: [2], floats: [1, 2] };
    expectThrow(
      () => importOnnx(build([n('MatMul', 'mm', ['x', 'B'], ['a']), n('Add', 'add', ['a', 'c'])], { inits: [inits[0], wrong], shape: [2] })),
      UnsupportedError,
      "ONNX node 1 (Add \"add\"): a constant of dims [2] is not a per-channel bias of [1, 3]; use the layer's bias",
    );
  });

  it('a constant that is not per channel, or not after a Conv/Gemm/MatMul read once, is refused', () => {
    const notBias = (dims: number[]) => `ONNX node 1 (Add "add"): a constant of dims [${dims.join(', ')}] is not a per-channel bias of [1, 2, 3, 3]; use the layer's bias`;
    for (const dims of [[2], [1, 2, 3, 1], [3, 1, 1], [1, 1, 2, 1, 1], [2, 1, 1, 1]]) {
      const c = { name: 'c', dims, floats: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => 1) };
      expectThrow(() => importOnnx(build([conv, n('Add', 'add', ['a', 'c'])], { inits: [w, c] })), UnsupportedError, notBias(dims));
    }
    const only = (k: number) => `ONNX node ${k} (Add "add"): adding a constant is supported only as the bias of a Conv/Gemm/MatMul output read by nothing else; use the layer's bias`;
    const c = { name: 'c', dims: [2, 1, 1], floats: [1, 1] };
    expectThrow(() => importOnnx(build([n('Relu', 'r', ['x'], ['a']), n('Add', 'add', ['a', 'c'])], { inits: [c] })), UnsupportedError, only(1));
    expectThrow(() => importOnnx(build([n('Add', 'add', ['x', 'c'])], { inits: [c] })), UnsupportedError, only(0));
    // The Conv output is also read by a Relu: folding would change what the Relu sees.
    expectThrow(() => importOnnx(build([conv, n('Relu', 'r', ['a'], ['b']), n('Add', 'add', ['a', 'c'], ['d']), n('Add', 's', ['b', 'd'])], { inits: [w, c] })), UnsupportedError, only(2));
  });
});

describe('BatchNormalization (batch-norm.ts)', () => {
  const inits = (k = 2): Init[] => ['s', 'b', 'm', 'v'].map((name, i) => ({ name, dims: [k], floats: Array.from({ length: k }, (_, j) => i + j + 1) }));
  const bn = (attrs: number[][] = [], outputs = ['y']) => n('BatchNormalization', 'bn', ['x', 's', 'b', 'm', 'v'], outputs, attrs);

  it('→ batchNorm with its four vectors and epsilon (default 1e-5)', () => {
    expect(layers(build([bn()], { inits: inits() }))).toEqual([
      { type: 'batchNorm', name: 'bn', input: 'input', scale: f64([1, 2]), bias: f64([2, 3]), mean: f64([3, 4]), variance: f64([4, 5]), epsilon: 1e-5 },
    ]);
    expect(layers(build([bn([attr.float('epsilon', 0.5), attr.int('spatial', 1), attr.int('training_mode', 0)])], { inits: inits() }))[0].epsilon).toBe(0.5);
  });

  it('training mode, spatial = 0, vectors of the wrong length and a used extra output are refused', () => {
    expectThrow(() => importOnnx(build([bn([attr.int('training_mode', 1)])], { inits: inits() })), UnsupportedError, 'ONNX node 0 (BatchNormalization "bn"): training-mode BatchNormalization is not supported; export after model.eval()');
    expectThrow(() => importOnnx(build([bn([attr.int('spatial', 0)])], { inits: inits() })), UnsupportedError, 'ONNX node 0 (BatchNormalization "bn"): spatial = 0 is not supported');
    const bad = inits();
    bad[3] = { name: 'v', dims: [3], floats: [1, 1, 1] };
    expectThrow(() => importOnnx(build([bn()], { inits: bad })), MalformedInputError, 'ONNX node 0 (BatchNormalization "bn"): var has 3 values, expected 2');
    const badScale = inits();
    badScale[0] = { name: 's', dims: [1], floats: [1] };
    expectThrow(() => importOnnx(build([bn()], { inits: badScale })), MalformedInputError, 'ONNX node 0 (BatchNormalization "bn"): scale has 1 values, expected 2');
    expectThrow(
      () => importOnnx(build([bn([], ['y', 'mean']), n('Relu', 'r', ['mean'], ['z'])], { inits: inits() })),
      UnsupportedError,
      'ONNX node 0 (BatchNormalization "bn"): only the first output may be used',
    );
  });
});

describe('Constant and Transpose (constant.ts)', () => {
  it('value tensor, value_float(s), value_int(s)', () => {
    expect(probe([n('Constant', 'k', [], ['t'], [attr.ints('value_ints', [2, 9])])])).toBe('[2, 9]');
    expect(probe([n('Constant', 'k', [], ['t'], [attr.floats('value_floats', [3, 6])])])).toBe('[3, 6]');
    expect(probe([n('Constant', 'k', [], ['u'], [attr.int('value_int', 5)]), n('Unsqueeze', 'us', ['u', 'ax'], ['t'])], { inits: [{ name: 'ax', dims: [1], int64s: [0] }] })).toBe('[5]');
    expect(probe([n('Constant', 'k', [], ['u'], [attr.float('value_float', 7)]), n('Unsqueeze', 'us', ['u', 'ax'], ['t'])], { inits: [{ name: 'ax', dims: [1], int64s: [0] }] })).toBe('[7]');
    expect(probe([n('Constant', 'k', [], ['t'], [attr.tensor('value', tensor({ name: '', dims: [3], int64s: [3, 2, 3] }))])])).toBe('[3, 2, 3]');
    // A tensor attribute wins over the others.
    expect(probe([n('Constant', 'k', [], ['t'], [attr.ints('value_ints', [1, 1]), attr.tensor('value', tensor({ name: '', dims: [2], int64s: [6, 3] }))])])).toBe('[6, 3]');
    expectThrow(() => importOnnx(build([n('Constant', 'k', [], ['t']), n('Relu', 'r', ['x'])])), UnsupportedError, 'ONNX node 0 (Constant "k"): Constant without a value, value_float(s) or value_int(s) attribute');
  });

  it('Transpose of a 2-D constant; of anything else refused', () => {
    // MatMul by the transpose of [[1, 2], [3, 4], [5, 6]] (3×2): B = [[1, 3, 5], [2, 4, 6]], out = 3, W[o][i] = B[i][o].
    const wt = { name: 'wt', dims: [3, 2], floats: [1, 2, 3, 4, 5, 6] };
    const m = layers(build([n('Transpose', 't', ['wt'], ['B']), n('MatMul', 'mm', ['x', 'B'])], { inits: [wt], shape: [2] }));
    expect(m[0].weights).toEqual(f64([1, 2, 3, 4, 5, 6]));
    const m2 = layers(build([n('Transpose', 't', ['wt'], ['B'], [attr.ints('perm', [1, 0])]), n('MatMul', 'mm', ['x', 'B'])], { inits: [wt], shape: [2] }));
    expect(m2[0].weights).toEqual(f64([1, 2, 3, 4, 5, 6]));
    const msg = 'ONNX node 0 (Transpose "t"): Transpose is supported only for 2-D constants; do not permute activations';
    expectThrow(() => importOnnx(build([n('Transpose', 't', ['x'])])), UnsupportedError, msg);
    expectThrow(() => importOnnx(build([n('Transpose', 't', ['k'], ['B']), n('Relu', 'r', ['x'])], { inits: [{ name: 'k', dims: [3], floats: [1, 2, 3] }] })), UnsupportedError, msg);
    for (const perm of [[0, 1], [1, 1], [0, 0], [1, 0, 2]]) {
      expectThrow(() => importOnnx(build([n('Transpose', 't', ['wt'], ['B'], [attr.ints('perm', perm)]), n('Relu', 'r', ['x'])], { inits: [wt] })), UnsupportedError, msg);
    }
  });
});

describe('Conv (conv.ts, context.ts)', () => {
  const w = w1x1('w', 2, 2);
  const conv = (attrs: number[][] = [], inputs = ['x', 'w']) => n('Conv', 'c', inputs, ['y'], attrs);
  const first = (bytes: Uint8Array) => layers(bytes)[0];

  it('→ conv2d with the weight, bias, stride and padding', () => {
    const b = { name: 'b', dims: [2], floats: [0.25, -1] };
    expect(first(build([conv([attr.ints('strides', [2, 1]), attr.ints('pads', [1, 0, 0, 1]), attr.ints('kernel_shape', [1, 1]), attr.int('group', 1), attr.ints('dilations', [1, 1])], ['x', 'w', 'b'])], { inits: [w, b] }))).toEqual({
      type: 'conv2d',
      name: 'c',
      input: 'input',
      outChannels: 2,
      kernel: [1, 1],
      stride: [2, 1],
      padding: [1, 0, 0, 1],
      weights: f64([1, 2, 3, 4]),
      bias: f64([0.25, -1]),
    });
    const plain = first(build([conv()], { inits: [w] }));
    expect([plain.stride, plain.padding, plain.bias]).toEqual([[1, 1], [0, 0, 0, 0], f64([0, 0])]);
  });

  it('auto_pad: SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the start, VALID none', () => {
    const k2 = { name: 'w', dims: [1, 2, 2, 2], floats: [1, 1, 1, 1, 1, 1, 1, 1] };
    const pad = (mode: string, strides: number[], shape = [2, 3, 3]) => first(build([conv([attr.string('auto_pad', mode), attr.ints('strides', strides)])], { inits: [k2], shape })).padding;
    expect(pad('SAME_UPPER', [1, 1])).toEqual([0, 0, 1, 1]);
    expect(pad('SAME_LOWER', [1, 1])).toEqual([1, 1, 0, 0]);
    expect(pad('SAME_UPPER', [2, 2])).toEqual([0, 0, 1, 1]);
    // 4 × 5 input, stride [1, 2]: total padding 1 along H, (3 − 1)·2 + 2 − 5 = 1 along W.
    expect(pad('SAME_UPPER', [1, 2], [2, 4, 5])).toEqual([0, 0, 1, 1]);
    // 4 × 4, stride 2: no padding needed ((2 − 1)·2 + 2 − 4 = 0).
    expect(pad('SAME_LOWER', [2, 2], [2, 4, 4])).toEqual([0, 0, 0, 0]);
    // 3-wide kernel on 5 × 6, stride 1: total 2 along both, split evenly.
    const k3 = { name: 'w', dims: [1, 2, 3, 3], floats: new Array(18).fill(1) };
    expect(first(build([conv([attr.string('auto_pad', 'SAME_LOWER')])], { inits: [k3], shape: [2, 5, 6] })).padding).toEqual([1, 1, 1, 1]);
    // 4-wide kernel on 5 × 6: total 3 along both.
    const k4 = { name: 'w', dims: [1, 2, 4, 4], floats: new Array(32).fill(1) };
    expect(first(build([conv([attr.string('auto_pad', 'SAME_UPPER')])], { inits: [k4], shape: [2, 5, 6] })).padding).toEqual([1, 1, 2, 2]);
    expect(first(build([conv([attr.string('auto_pad', 'SAME_LOWER')])], { inits: [k4], shape: [2, 5, 6] })).padding).toEqual([2, 2, 1, 1]);
    expect(first(build([conv([attr.string('auto_pad', 'VALID'), attr.ints('pads', [1, 1, 1, 1])])], { inits: [k2] })).padding).toEqual([0, 0, 0, 0]);
    expect(first(build([conv([attr.string('auto_pad', 'NOTSET'), attr.ints('pads', [1, 2, 3, 4])])], { inits: [k2] })).padding).toEqual([1, 2, 3, 4]);
    expectThrow(() => importOnnx(build([conv([attr.string('auto_pad', 'SAME')])], { inits: [k2] })), MalformedInputError, 'ONNX node 0 (Conv "c"): unknown auto_pad SAME');
  });

  it('pads and strides of the wrong form', () => {
    const pads = 'ONNX node 0 (Conv "c"): pads must be 4 non-negative integers';
    for (const p of [[1, 1, 1], [1, 1, 1, 1, 1], [0, -1, 0, 0], [0, 0, 0, -1]]) {
      expectThrow(() => importOnnx(build([conv([attr.ints('pads', p)])], { inits: [w] })), MalformedInputError, pads);
    }
    const strides = (s: number[]) => `ONNX node 0 (Conv "c"): strides [${s.join(', ')}] must be two positive integers (2-D only)`;
    for (const s of [[0, 1], [1, 0], [2], [1, 1, 1], [-1, 1]]) {
      expectThrow(() => importOnnx(build([conv([attr.ints('strides', s)])], { inits: [w] })), UnsupportedError, strides(s));
    }
  });

  it('every refusal with its message', () => {
    expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['a']), conv([], ['a', 'w'])], { inits: [w] })), UnsupportedError, 'ONNX node 1 (Conv "c"): Conv needs an [N, C, H, W] input, got [18] (without N)');
    expectThrow(() => importOnnx(build([conv()], { inits: [{ name: 'w', dims: [2, 2, 1], floats: [1, 2, 3, 4] }] })), UnsupportedError, 'ONNX node 0 (Conv "c"): only 2-D convolutions are supported (weight dims [2, 2, 1]); use Conv2d');
    expectThrow(() => importOnnx(build([conv([attr.int('group', 2)])], { inits: [w] })), UnsupportedError, 'ONNX node 0 (Conv "c"): grouped or depthwise convolution (group ≠ 1) is not supported; use groups=1');
    expectThrow(() => importOnnx(build([conv()], { inits: [w1x1('w', 2, 3)] })), MalformedInputError, 'ONNX node 0 (Conv "c"): weight has 3 input channels, the input has 2');
    for (const d of [[2, 1], [1, 2]]) {
      expectThrow(() => importOnnx(build([conv([attr.ints('dilations', d)])], { inits: [w] })), UnsupportedError, 'ONNX node 0 (Conv "c"): dilated convolution is not supported; use dilation=1');
    }
    for (const ks of [[1], [2, 1], [1, 2], [1, 1, 1]]) {
      expectThrow(() => importOnnx(build([conv([attr.ints('kernel_shape', ks)])], { inits: [w] })), MalformedInputError, 'ONNX node 0 (Conv "c"): kernel_shape disagrees with the weight');
    }
    expectThrow(() => importOnnx(build([conv([], ['x', 'w', 'b'])], { inits: [w, { name: 'b', dims: [3], floats: [1, 2, 3] }] })), MalformedInputError, 'ONNX node 0 (Conv "c"): bias has 3 values, expected 2');
    expectThrow(() => importOnnx(build([conv([], ['x', 'w', 'x'])], { inits: [w] })), UnsupportedError, 'ONNX node 0 (Conv "c"): bias must be a constant');
    const k4 = { name: 'w', dims: [1, 2, 4, 1], floats: new Array(8).fill(1) };
    expectThrow(() => importOnnx(build([conv()], { inits: [k4] })), MalformedInputError, 'ONNX node 0 (Conv "c"): empty output');
    const k14 = { name: 'w', dims: [1, 2, 1, 4], floats: new Array(8).fill(1) };
    expectThrow(() => importOnnx(build([conv()], { inits: [k14] })), MalformedInputError, 'ONNX node 0 (Conv "c"): empty output');
    // With padding the same kernel fits.
    expect(first(build([conv([attr.ints('pads', [0, 1, 0, 0])])], { inits: [k14] })).padding).toEqual([0, 1, 0, 0]);
  });

  it('a preceding zero Pad is added to the own padding', () => {
    const pads = { name: 'pads', dims: [8], int64s: [0, 0, 1, 2, 0, 0, 3, 4] };
    const m = layers(build([n('Pad', 'p', ['x', 'pads'], ['a']), n('Conv', 'c', ['a', 'w'], ['y'], [attr.ints('pads', [1, 1, 1, 1])])], { inits: [w, pads] }));
    expect(m.map((l) => [l.name, l.padding])).toEqual([['c', [2, 3, 4, 5]]]);
  });
});

describe('Gemm and MatMul (gemm.ts)', () => {
  const B = { name: 'B', dims: [2, 3], floats: [1, 2, 3, 4, 5, 6] };
  const Bt = { name: 'B', dims: [3, 2], floats: [1, 4, 2, 5, 3, 6] };
  const C = { name: 'C', dims: [3], floats: [1, -1, 2] };

  it('weights[o][i] = alpha·B[i][o] (or B[o][i] with transB), bias beta·C', () => {
    const dense = (nodeAttrs: number[][], inits: Init[], inputs = ['x', 'B', 'C']) => layers(build([n('Gemm', 'g', inputs, ['y'], nodeAttrs)], { inits, shape: [2] }))[0];
    expect(dense([], [B, C])).toEqual({ type: 'dense', name: 'g', input: 'input', outFeatures: 3, weights: f64([1, 4, 2, 5, 3, 6]), bias: f64([1, -1, 2]) });
    expect(dense([attr.int('transB', 1)], [Bt, C]).weights).toEqual(f64([1, 4, 2, 5, 3, 6]));
    const scaled = dense([attr.float('alpha', 2), attr.float('beta', 3), attr.int('transA', 0)], [B, C]);
    expect([scaled.weights, scaled.bias]).toEqual([f64([2, 8, 4, 10, 6, 12]), f64([3, -3, 6])]);
    expect(dense([], [B], ['x', 'B']).bias).toEqual(f64([0, 0, 0]));
  });

  it('MatMul ignores the Gemm attributes', () => {
    const m = layers(build([n('MatMul', 'mm', ['x', 'B'], ['y'], [attr.float('alpha', 2), attr.int('transB', 1), attr.int('transA', 1)])], { inits: [B], shape: [2] }))[0];
    expect([m.outFeatures, m.weights, m.bias]).toEqual([3, f64([1, 4, 2, 5, 3, 6]), f64([0, 0, 0])]);
  });

  it('every refusal with its message', () => {
    expectThrow(() => importOnnx(build([n('Gemm', 'g', ['x', 'B'])], { inits: [B] })), UnsupportedError, 'ONNX node 0 (Gemm "g"): Gemm needs a [N, K] input; insert torch.flatten(x, 1) before it (input is [2, 3, 3] without N)');
    expectThrow(() => importOnnx(build([n('MatMul', 'g', ['x', 'B'])], { inits: [B] })), UnsupportedError, 'ONNX node 0 (MatMul "g"): MatMul needs a [N, K] input; insert torch.flatten(x, 1) before it (input is [2, 3, 3] without N)');
    expectThrow(() => importOnnx(build([n('Gemm', 'g', ['x', 'B'], ['y'], [attr.int('transA', 1)])], { inits: [B], shape: [2] })), UnsupportedError, 'ONNX node 0 (Gemm "g"): transA = 1 is not supported; multiply the activation from the left');
    expectThrow(() => importOnnx(build([n('Gemm', 'g', ['x', 'B'])], { inits: [{ name: 'B', dims: [2, 3, 1], floats: [1, 2, 3, 4, 5, 6] }], shape: [2] })), UnsupportedError, 'ONNX node 0 (Gemm "g"): the weight must be a 2-D constant');
    expectThrow(() => importOnnx(build([n('Gemm', 'g', ['x', 'B'])], { inits: [Bt], shape: [2] })), MalformedInputError, 'ONNX node 0 (Gemm "g"): weight dims [3, 2] do not fit 2 inputs');
    expectThrow(() => importOnnx(build([n('Gemm', 'g', ['x', 'B'], ['y'], [attr.int('transB', 1)])], { inits: [B], shape: [2] })), MalformedInputError, 'ONNX node 0 (Gemm "g"): weight dims [2, 3] do not fit 2 inputs');
    expectThrow(() => importOnnx(build([n('Gemm', 'g', ['x', 'B', 'C'])], { inits: [B, { name: 'C', dims: [2], floats: [1, 2] }], shape: [2] })), MalformedInputError, 'ONNX node 0 (Gemm "g"): C has 2 values, expected 3');
  });
});

describe('Pad (pad.ts)', () => {
  const pads = (v: number[]): Init => ({ name: 'pads', dims: [v.length], int64s: v });
  const padConv = (p: number[], o: { attrs?: number[][]; inputs?: string[]; inits?: Init[]; opset?: number } = {}) =>
    build([n('Pad', 'p', o.inputs ?? ['x', 'pads'], ['a'], o.attrs ?? []), n('Conv', 'c', ['a', 'w'])], { inits: [w1x1('w', 2, 2), pads(p), ...(o.inits ?? [])], opset: o.opset });

  it('zero pads are nothing; H and W pads go to the Conv; pads as attribute before opset 11', () => {
    expect(layers(padConv([0, 0, 0, 0, 0, 0, 0, 0])).map((l) => [l.name, l.padding])).toEqual([['c', [0, 0, 0, 0]]]);
    expect(layers(padConv([0, 0, 1, 2, 0, 0, 3, 4])).map((l) => l.padding)).toEqual([[1, 2, 3, 4]]);
    expect(layers(padConv([], { inputs: ['x'], attrs: [attr.ints('pads', [0, 0, 2, 0, 0, 0, 0, 1])], opset: 10 })).map((l) => l.padding)).toEqual([[2, 0, 0, 1]]);
    // Before opset 11 a pads input is not read: the attribute is.
    expect(layers(padConv([0, 0, 9, 9, 0, 0, 9, 9], { attrs: [attr.ints('pads', [0, 0, 1, 0, 0, 0, 0, 0])], opset: 10 })).map((l) => l.padding)).toEqual([[1, 0, 0, 0]]);
    // An empty pads input name falls back to the attribute.
    expect(layers(padConv([], { inputs: ['x', ''], attrs: [attr.ints('pads', [0, 0, 0, 1, 0, 0, 0, 0])] })).map((l) => l.padding)).toEqual([[0, 1, 0, 0]]);
    // Two Pads add up; an explicit zero value and mode "constant" are fine.
    const two = build(
      [n('Pad', 'p', ['x', 'pads'], ['a'], [attr.string('mode', 'constant')]), n('Pad', 'q', ['a', 'pads', 'zero'], ['b']), n('Conv', 'c', ['b', 'w'])],
      { inits: [w1x1('w', 2, 2), pads([0, 0, 1, 0, 0, 0, 0, 1]), { name: 'zero', dims: [], floats: [0] }] },
    );
    expect(layers(two).map((l) => l.padding)).toEqual([[2, 0, 0, 2]]);
    expect(layers(padConv([0, 0, 1, 1, 0, 0, 1, 1], { attrs: [attr.float('value', 0)] })).map((l) => l.padding)).toEqual([[1, 1, 1, 1]]);
  });

  it('every refusal with its message', () => {
    expectThrow(() => importOnnx(padConv([0, 0, 1, 1, 0, 0, 1, 1], { inputs: ['x', 'pads', '', 'axes'], inits: [{ name: 'axes', dims: [2], int64s: [2, 3] }], opset: 18 })), UnsupportedError, 'ONNX node 0 (Pad "p"): Pad with an axes input is not supported');
    expectThrow(() => importOnnx(padConv([0, 0, 1, 1, 0, 0])), UnsupportedError, 'ONNX node 0 (Pad "p"): pads has 6 values for a rank-4 tensor');
    expectThrow(() => importOnnx(padConv([], { inputs: ['x'] })), UnsupportedError, 'ONNX node 0 (Pad "p"): pads has 0 values for a rank-4 tensor');
    expectThrow(() => importOnnx(padConv([0, 0, 1, 1, 0, 0, 1, 1], { attrs: [attr.string('mode', 'reflect')] })), UnsupportedError, 'ONNX node 0 (Pad "p"): reflect padding with value 0 is not supported; use zero padding (padding= of Conv2d / AvgPool2d)');
    expectThrow(() => importOnnx(padConv([0, 0, 1, 1, 0, 0, 1, 1], { attrs: [attr.float('value', 1.5)] })), UnsupportedError, 'ONNX node 0 (Pad "p"): constant padding with value 1.5 is not supported; use zero padding (padding= of Conv2d / AvgPool2d)');
    expectThrow(
      () => importOnnx(padConv([0, 0, 1, 1, 0, 0, 1, 1], { inputs: ['x', 'pads', 'v'], inits: [{ name: 'v', dims: [], floats: [2] }] })),
      UnsupportedError,
      'ONNX node 0 (Pad "p"): constant padding with value 2 is not supported; use zero padding (padding= of Conv2d / AvgPool2d)',
    );
    const hw = 'ONNX node 0 (Pad "p"): only padding of H and W of an [N, C, H, W] tensor is supported';
    for (const p of [[1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0]]) {
      expectThrow(() => importOnnx(padConv(p)), UnsupportedError, hw);
    }
    const flat = build([n('Flatten', 'f', ['x'], ['a']), n('Pad', 'p', ['a', 'pads'], ['b']), n('Relu', 'r', ['b'])], { inits: [pads([0, 1, 0, 1])] });
    expectThrow(() => importOnnx(flat), UnsupportedError, 'ONNX node 1 (Pad "p"): only padding of H and W of an [N, C, H, W] tensor is supported');
    for (const p of [[0, 0, -1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, -1], [0, 0, 1, -1, 0, 0, 0, 0]]) {
      expectThrow(() => importOnnx(padConv(p)), UnsupportedError, 'ONNX node 0 (Pad "p"): negative pads (cropping) are not supported');
    }
  });
});

describe('Identity, Dropout and Softmax (passthrough.ts)', () => {
  it('Identity and inference-mode Dropout are the input itself', () => {
    expect(types(build([n('Identity', 'i', ['x'], ['a']), n('Relu', 'r', ['a'])]))).toEqual(['relu']);
    const dropout = (inits: Init[], inputs = ['x', 'ratio', 'training']) => build([n('Dropout', 'd', inputs, ['a']), n('Relu', 'r', ['a'])], { inits });
    const ratio = { name: 'ratio', dims: [], floats: [0.5] };
    expect(types(dropout([ratio, { name: 'training', dims: [], floats: [0] }]))).toEqual(['relu']);
    expect(types(dropout([], ['x']))).toEqual(['relu']);
    const msg = 'ONNX node 0 (Dropout "d"): Dropout in training mode is not supported; export after model.eval()';
    expectThrow(() => importOnnx(dropout([ratio, { name: 'training', dims: [], floats: [1] }])), UnsupportedError, msg);
    expectThrow(() => importOnnx(dropout([ratio], ['x', 'ratio', 'x'])), UnsupportedError, msg);
  });

  it('a final Softmax is dropped with a note; one inside the network is refused', () => {
    const r = importOnnxReport(build([n('Relu', 'r', ['x'], ['a']), n('Softmax', 's', ['a'])]));
    expect(r.model.layers.map((l) => l.name)).toEqual(['r']);
    expect(r.notes).toEqual(['ONNX node 1 (Softmax "s"): the final Softmax is dropped: the model outputs logits, and the arg-max (the prediction) is the same']);
    expectThrow(
      () => importOnnx(build([n('LogSoftmax', 's', ['x'], ['a']), n('Relu', 'r', ['a'])])),
      UnsupportedError,
      'ONNX node 0 (LogSoftmax "s"): LogSoftmax inside the network is not supported; only a final LogSoftmax can be dropped',
    );
  });
});

describe('AveragePool, GlobalAveragePool, ReduceMean (pool.ts)', () => {
  const ap = (attrs: number[][], o: { shape?: number[]; inputs?: string[] } = {}) => n('AveragePool', 'ap', o.inputs ?? ['x'], ['y'], attrs);
  const k2 = attr.ints('kernel_shape', [2, 2]);

  it('unpadded → avgPool2d; padded → a per-channel conv2d with 1/(kh·kw) on the diagonal, and a note', () => {
    expect(layers(build([ap([k2, attr.ints('strides', [1, 2])])]))).toEqual([{ type: 'avgPool2d', name: 'ap', input: 'input', kernel: [2, 2], stride: [1, 2] }]);
    expect(layers(build([ap([k2])]))[0].stride).toEqual([1, 1]);
    const r = importOnnxReport(build([ap([attr.ints('kernel_shape', [1, 2]), attr.ints('pads', [0, 1, 0, 1]), attr.int('count_include_pad', 1)])]), { foldBatchNorm: false });
    const l = r.model.layers[0] as unknown as Record<string, unknown>;
    expect(l).toEqual({
      type: 'conv2d',
      name: 'ap',
      input: 'input',
      outChannels: 2,
      kernel: [1, 2],
      stride: [1, 1],
      padding: [0, 1, 0, 1],
      weights: f64([0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5]),
      bias: f64([0, 0]),
    });
    expect(r.notes).toEqual(['ONNX node 0 (AveragePool "ap"): padded average pooling (count_include_pad) becomes a 2-channel convolution with weights 1/2 on the diagonal']);
    // auto_pad VALID ignores pads; NOTSET reads them.
    expect(types(build([ap([k2, attr.string('auto_pad', 'VALID'), attr.ints('pads', [1, 1, 1, 1])])]))).toEqual(['avgPool2d']);
    expect(types(build([ap([k2, attr.string('auto_pad', 'NOTSET'), attr.ints('pads', [1, 1, 1, 1]), attr.int('count_include_pad', 1)])]))).toEqual(['conv2d']);
    // A preceding Pad with a zero AveragePool padding is still a padded pool.
    const pads = { name: 'pads', dims: [8], int64s: [0, 0, 1, 0, 0, 0, 0, 0] };
    expect(layers(build([n('Pad', 'p', ['x', 'pads'], ['a']), ap([k2], { inputs: ['a'] })], { inits: [pads] })).map((x) => [x.type, x.padding])).toEqual([['conv2d', [1, 0, 0, 0]]]);
  });

  it('ceil_mode: accepted when every window is whole', () => {
    expect(types(build([ap([k2, attr.ints('strides', [2, 2]), attr.int('ceil_mode', 1)])], { shape: [2, 4, 4] }))).toEqual(['avgPool2d']);
    expect(types(build([ap([k2, attr.int('ceil_mode', 0), attr.ints('strides', [2, 2])])], { shape: [2, 5, 5] }))).toEqual(['avgPool2d']);
    const msg = 'ONNX node 0 (AveragePool "ap"): ceil_mode = 1 with a partial last window is not supported; use ceil_mode=False';
    expectThrow(() => importOnnx(build([ap([k2, attr.ints('strides', [2, 2]), attr.int('ceil_mode', 1)])], { shape: [2, 5, 4] })), UnsupportedError, msg);
    expectThrow(() => importOnnx(build([ap([k2, attr.ints('strides', [2, 2]), attr.int('ceil_mode', 1)])], { shape: [2, 4, 5] })), UnsupportedError, msg);
    // Padding counts: 5 + 1 − 2 = 4 is a multiple of the stride 2.
    expect(types(build([ap([k2, attr.ints('strides', [2, 2]), attr.int('ceil_mode', 1), attr.ints('pads', [0, 0, 1, 1]), attr.int('count_include_pad', 1)])], { shape: [2, 5, 5] }))).toEqual(['conv2d']);
  });

  it('every AveragePool refusal with its message', () => {
    expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['a']), ap([k2], { inputs: ['a'] })])), UnsupportedError, 'ONNX node 1 (AveragePool "ap"): AveragePool needs an [N, C, H, W] input, got [18] without N');
    expectThrow(() => importOnnx(build([ap([])])), MalformedInputError, 'ONNX node 0 (AveragePool "ap"): missing kernel_shape');
    expectThrow(() => importOnnx(build([ap([k2, attr.string('auto_pad', 'SAME_UPPER')])])), UnsupportedError, 'ONNX node 0 (AveragePool "ap"): auto_pad SAME_UPPER is not supported; give explicit padding');
    for (const d of [[2, 1], [1, 2]]) {
      expectThrow(() => importOnnx(build([ap([k2, attr.ints('dilations', d)])])), UnsupportedError, 'ONNX node 0 (AveragePool "ap"): dilated pooling is not supported');
    }
    expect(types(build([ap([k2, attr.ints('dilations', [1, 1])])]))).toEqual(['avgPool2d']);
    for (const p of [[1, 1, 1], [0, 0, 0, 0, 0], [0, -1, 0, 0], [0, 0, 0, -1]]) {
      expectThrow(() => importOnnx(build([ap([k2, attr.ints('pads', p), attr.int('count_include_pad', 1)])])), MalformedInputError, 'ONNX node 0 (AveragePool "ap"): pads must be 4 non-negative integers');
    }
    expectThrow(
      () => importOnnx(build([ap([k2, attr.ints('pads', [0, 0, 0, 1])])])),
      UnsupportedError,
      'ONNX node 0 (AveragePool "ap"): AveragePool with pads and count_include_pad = 0 divides edge windows by fewer elements, which is not supported; use AvgPool2d(count_include_pad=True) or padding=0',
    );
    const big = (ks: number[]) => importOnnx(build([ap([attr.ints('kernel_shape', ks)])]));
    expectThrow(() => big([4, 1]), MalformedInputError, 'ONNX node 0 (AveragePool "ap"): window larger than the (padded) input');
    expectThrow(() => big([1, 4]), MalformedInputError, 'ONNX node 0 (AveragePool "ap"): window larger than the (padded) input');
    expect(types(build([ap([attr.ints('kernel_shape', [3, 3])])]))).toEqual(['avgPool2d']);
  });

  it('GlobalAveragePool and ReduceMean over (2, 3) → avgPool2d over H × W', () => {
    const whole = { type: 'avgPool2d', input: 'input', kernel: [3, 4], stride: [3, 4] };
    expect(layers(build([n('GlobalAveragePool', 'g', ['x'])], { shape: [2, 3, 4] }))).toEqual([{ ...whole, name: 'g' }]);
    for (const axes of [[2, 3], [3, 2], [-1, -2], [2, -1]]) {
      expect(layers(build([n('ReduceMean', 'rm', ['x'], ['y'], [attr.ints('axes', axes)])], { shape: [2, 3, 4] }))).toEqual([{ ...whole, name: 'rm' }]);
    }
    // keepdims = 0 adds a flatten; axes as an input (opset 18).
    const flat = layers(build([n('ReduceMean', 'rm', ['x', 'axes'], ['y'], [attr.int('keepdims', 0)])], { shape: [2, 3, 4], opset: 18, inits: [{ name: 'axes', dims: [2], int64s: [2, 3] }] }));
    expect(flat.map((l) => [l.type, l.name])).toEqual([['avgPool2d', 'rm'], ['flatten', 'rm/flatten']]);
    expect(flat[1].input).toBe('rm');
    expect(types(build([n('ReduceMean', 'rm', ['x'], ['y'], [attr.ints('axes', [2, 3]), attr.int('keepdims', 1)])]))).toEqual(['avgPool2d']);
  });

  it('GlobalAveragePool and ReduceMean refusals', () => {
    expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['a']), n('GlobalAveragePool', 'g', ['a'])])), UnsupportedError, 'ONNX node 1 (GlobalAveragePool "g"): GlobalAveragePool needs an [N, C, H, W] input');
    const msg = (k: number) => `ONNX node ${k} (ReduceMean "rm"): ReduceMean is supported only over the spatial axes (2, 3) of an [N, C, H, W] tensor; use torch.mean(x, dim=(2, 3)) or AdaptiveAvgPool2d(1)`;
    for (const axes of [[1, 2], [1, 3], [2], [2, 3, 1], [2, 2], [3, 3], []]) {
      expectThrow(() => importOnnx(build([n('ReduceMean', 'rm', ['x'], ['y'], [attr.ints('axes', axes)])])), UnsupportedError, msg(0));
    }
    expectThrow(() => importOnnx(build([n('ReduceMean', 'rm', ['x'])])), UnsupportedError, msg(0));
    expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['a']), n('ReduceMean', 'rm', ['a'], ['y'], [attr.ints('axes', [2, 3])])])), UnsupportedError, msg(1));
  });
});

describe('Flatten and Reshape (reshape.ts)', () => {
  it('Flatten(axis 1) → flatten; of a vector → nothing; other axes refused', () => {
    expect(layers(build([n('Flatten', 'f', ['x'])]))).toEqual([{ type: 'flatten', name: 'f', input: 'input' }]);
    expect(types(build([n('Flatten', 'f', ['x'], ['y'], [attr.int('axis', 1)])]))).toEqual(['flatten']);
    expect(types(build([n('Flatten', 'f', ['x'], ['a']), n('Flatten', 'f2', ['a'], ['b'], [attr.int('axis', -1)]), n('Relu', 'r', ['b'])]))).toEqual(['flatten', 'relu']);
    for (const axis of [0, 2, -1]) {
      expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['y'], [attr.int('axis', axis)])])), UnsupportedError, `ONNX node 0 (Flatten "f"): Flatten with axis ${axis} is not supported; use torch.flatten(x, 1)`);
    }
  });

  it('Reshape to [1, 18], [1, −1], [0, −1] or [−1, 18] → flatten; to the same shape → nothing; else refused', () => {
    const reshape = (target: number[], attrs: number[][] = []) => build([n('Reshape', 'rs', ['x', 't'], ['a'], attrs), n('Relu', 'r', ['a'])], { inits: [{ name: 't', dims: [target.length], int64s: target }] });
    for (const t of [[1, 18], [1, -1], [0, -1], [-1, 18], [0, 18]]) expect(types(reshape(t))).toEqual(['flatten', 'relu']);
    for (const t of [[1, 2, 3, 3], [1, 2, -1, 3], [0, 0, 0, 0], [1, -1, 3, 3]]) expect(types(reshape(t))).toEqual(['relu']);
    const refused = (t: number[], attrs: number[][] = []) =>
      expectThrow(() => importOnnx(reshape(t, attrs)), UnsupportedError, `ONNX node 0 (Reshape "rs"): Reshape to [${t.join(', ')}] is not supported; only flattening with x.view(x.size(0), -1)`);
    refused([2, 9]);
    refused([18]);
    refused([1, 18, 1]);
    refused([-1]);
    refused([0, -1], [attr.int('allowzero', 1)]);
    refused([1, 3, 2, 3]);
    // A flat activation reshaped to [1, −1] stays as it is.
    const flat = build([n('Flatten', 'f', ['x'], ['a']), n('Reshape', 'rs', ['a', 't'], ['b']), n('Relu', 'r', ['b'])], { inits: [{ name: 't', dims: [2], int64s: [1, -1] }] });
    expect(types(flat)).toEqual(['flatten', 'relu']);
  });
});

describe('shape arithmetic (shape.ts)', () => {
  const ax = (v: number[]): Init => ({ name: 'ax', dims: [v.length], int64s: v });

  it('Shape of the input is [1, C, H, W]; start and end (opset 15) clamp and count from the end', () => {
    const shape = (attrs: number[][] = []) => probe([n('Shape', 's', ['x'], ['t'], attrs)], { opset: 15 });
    expect(shape()).toBe('accepted'); // [1, 2, 3, 3] is the same shape
    expect(shape([attr.int('start', 1)])).toBe('[2, 3, 3]');
    expect(shape([attr.int('end', -1)])).toBe('[1, 2, 3]');
    expect(shape([attr.int('start', -2)])).toBe('[3, 3]');
    expect(shape([attr.int('start', -9), attr.int('end', 2)])).toBe('[1, 2]');
    expect(shape([attr.int('start', 1), attr.int('end', 9)])).toBe('[2, 3, 3]');
    expect(shape([attr.int('start', 3), attr.int('end', 1)])).toBe('[]');
    expect(shape([attr.int('start', 4)])).toBe('[]');
    // Shape of a constant: its dims.
    expect(probe([n('Shape', 's', ['k'], ['t'])], { inits: [{ name: 'k', dims: [4, 5], floats: new Array(20).fill(0) }] })).toBe('[4, 5]');
  });

  it('Gather on a constant vector, negative indices from the end, out of range refused', () => {
    const gather = (idx: number[], dims = [idx.length]) => probe([n('Shape', 's', ['x'], ['sh']), n('Gather', 'g', ['sh', 'i'], ['t'])], { inits: [{ name: 'i', dims, int64s: idx }] });
    expect(gather([1, 3])).toBe('[2, 3]');
    expect(gather([-1, -4])).toBe('[3, 1]');
    expect(gather([3, 1, 0])).toBe('[3, 2, 1]');
    expect(gather([4])).toBe('ONNX node 1 (Gather "g"): Gather index 4 out of range');
    expect(gather([-5])).toBe('ONNX node 1 (Gather "g"): Gather index -5 out of range');
    expectThrow(
      () => importOnnx(build([n('Gather', 'g', ['x', 'i'], ['a']), n('Relu', 'r', ['a'])], { inits: [{ name: 'i', dims: [1], int64s: [0] }] })),
      UnsupportedError,
      'ONNX node 0 (Gather "g"): Gather of a tensor computed from the model input is not supported; only shape arithmetic is evaluated',
    );
    expectThrow(() => importOnnx(build([n('Gather', 'g', ['i', 'x'], ['a']), n('Relu', 'r', ['x'])], { inits: [{ name: 'i', dims: [1], int64s: [0] }] })), UnsupportedError, 'ONNX node 0 (Gather "g"): Gather of a tensor computed from the model input is not supported; only shape arithmetic is evaluated');
    const only = 'ONNX node 0 (Gather "g"): Gather is supported only on constant vectors';
    expect(probe([n('Gather', 'g', ['m', 'i'], ['t'])], { inits: [{ name: 'm', dims: [2, 2], floats: [1, 2, 3, 4] }, { name: 'i', dims: [1], int64s: [0] }] })).toBe(only);
    expect(probe([n('Gather', 'g', ['m', 'i'], ['t'], [attr.int('axis', 1)])], { inits: [{ name: 'm', dims: [2], floats: [1, 2] }, { name: 'i', dims: [1], int64s: [0] }] })).toBe(only);
    expect(probe([n('Gather', 'g', ['m', 'i'], ['t'], [attr.int('axis', 0)])], { inits: [{ name: 'm', dims: [2], floats: [7, 8] }, { name: 'i', dims: [1], int64s: [1] }] })).toBe('[8]');
  });

  it('Unsqueeze and Squeeze: axes as input or attribute, negative axes; Squeeze drops every 1 by default', () => {
    // The probe prints values, not dims: the dims are checked through a second Shape.
    const dimsOf = (nodes: Node[], inits: Init[], opset = 13) => probe([...nodes, n('Shape', 'sd', ['u'], ['t'])], { inits, opset });
    const k = { name: 'k', dims: [3], floats: [5, 6, 7] };
    expect(dimsOf([n('Unsqueeze', 'us', ['k', 'ax'], ['u'])], [k, ax([0])])).toBe('[1, 3]');
    expect(dimsOf([n('Unsqueeze', 'us', ['k', 'ax'], ['u'])], [k, ax([-1])])).toBe('[3, 1]');
    expect(dimsOf([n('Unsqueeze', 'us', ['k', 'ax'], ['u'])], [k, ax([2, 0])])).toBe('[1, 3, 1]');
    expect(dimsOf([n('Unsqueeze', 'us', ['k'], ['u'], [attr.ints('axes', [1])])], [k], 11)).toBe('[3, 1]');
    expect(dimsOf([n('Unsqueeze', 'us', ['k'], ['u'])], [k], 11)).toBe('[3]');
    expect(probe([n('Unsqueeze', 'us', ['k', 'ax'], ['t'])], { inits: [k, ax([0])] })).toBe('[5, 6, 7]');
    const k3 = { name: 'k3', dims: [1, 3, 1], floats: [5, 6, 7] };
    expect(dimsOf([n('Squeeze', 'sq', ['k3'], ['u'])], [k3])).toBe('[3]');
    expect(dimsOf([n('Squeeze', 'sq', ['k3', 'ax'], ['u'])], [k3, ax([0])])).toBe('[3, 1]');
    expect(dimsOf([n('Squeeze', 'sq', ['k3', 'ax'], ['u'])], [k3, ax([-1])])).toBe('[1, 3]');
    expect(dimsOf([n('Squeeze', 'sq', ['k3'], ['u'], [attr.ints('axes', [2])])], [k3], 11)).toBe('[1, 3]');
    expect(probe([n('Squeeze', 'sq', ['k3'], ['t'])], { inits: [k3] })).toBe('[5, 6, 7]');
    const what = (op: string) => `ONNX node 0 (${op} "q"): ${op} of a tensor computed from the model input is not supported; only shape arithmetic is evaluated`;
    for (const op of ['Unsqueeze', 'Squeeze']) {
      expectThrow(() => importOnnx(build([n(op, 'q', ['x', 'ax'], ['a']), n('Relu', 'r', ['x'])], { inits: [ax([0])] })), UnsupportedError, what(op));
    }
  });

  it('Concat of constant vectors; of an activation or a matrix refused', () => {
    const inits = [{ name: 'a', dims: [1], int64s: [2] }, { name: 'b', dims: [2], int64s: [3, 3] }];
    expect(probe([n('Concat', 'c', ['a', 'b'], ['t'], [attr.int('axis', 0)])], { inits })).toBe('[2, 3, 3]');
    expect(probe([n('Concat', 'c', ['b', 'a', 'a'], ['t'])], { inits })).toBe('[3, 3, 2, 2]');
    expect(probe([n('Concat', 'c', ['a', 'm'], ['t'])], { inits: [...inits, { name: 'm', dims: [1, 1], floats: [1] }] })).toBe('ONNX node 0 (Concat "c"): Concat is supported only for constant vectors');
    expect(probe([n('Concat', 'c', ['a', 'x'], ['t'])], { inits })).toBe('ONNX node 0 (Concat "c"): Concat of a tensor computed from the model input is not supported; only shape arithmetic is evaluated');
  });

  it('the x.view(x.size(0), −1) chain becomes one flatten', () => {
    const nodes = [
      n('Shape', 's', ['x'], ['sh']),
      n('Gather', 'g', ['sh', 'zero'], ['n0']),
      n('Unsqueeze', 'u', ['n0', 'ax'], ['n1']),
      n('Concat', 'c', ['n1', 'minus'], ['target'], [attr.int('axis', 0)]),
      n('Reshape', 'rs', ['x', 'target'], ['y']),
    ];
    const inits = [{ name: 'zero', dims: [], int64s: [0] }, ax([0]), { name: 'minus', dims: [1], int64s: [-1] }];
    expect(layers(build(nodes, { inits }))).toEqual([{ type: 'flatten', name: 'rs', input: 'input' }]);
  });

  it('Cast: of a constant, or of an activation to float (1) or double (11); to anything else refused', () => {
    expect(probe([n('Cast', 'ct', ['k'], ['t'], [attr.int('to', 7)])], { inits: [{ name: 'k', dims: [2], floats: [2, 9] }] })).toBe('[2, 9]');
    for (const to of [[], [attr.int('to', 1)], [attr.int('to', 11)]]) {
      expect(types(build([n('Cast', 'ct', ['x'], ['a'], to), n('Relu', 'r', ['a'])]))).toEqual(['relu']);
    }
    for (const to of [7, 10, 6]) {
      expectThrow(() => importOnnx(build([n('Cast', 'ct', ['x'], ['a'], [attr.int('to', to)]), n('Relu', 'r', ['a'])])), UnsupportedError, 'ONNX node 0 (Cast "ct"): Cast of an activation to a non-float type is not supported');
    }
  });
});

describe('the operator table (operators.ts) and the padding helper (context.ts)', () => {
  it('each refused operator names what to use instead, word for word', () => {
    const relu = 'use ReLU or ReLU6 (Delphi evaluates only these and quadratics securely)';
    const instead: Record<string, string> = {
      MaxPool: 'use AvgPool2d (max pooling needs comparisons inside garbled circuits that delphi-ts does not implement)',
      GlobalMaxPool: 'use AdaptiveAvgPool2d(1)',
      Sigmoid: relu,
      Tanh: relu,
      LeakyRelu: relu,
      PRelu: relu,
      Elu: relu,
      Selu: relu,
      Gelu: relu,
      Softplus: relu,
      HardSigmoid: relu,
      HardSwish: relu,
      Mul: 'fold constant factors into the weights before exporting',
      Div: 'fold constant factors into the weights before exporting',
      Sub: 'fold constant offsets into the biases before exporting',
      ConvTranspose: 'use Conv2d (with padding) and AvgPool2d',
      Resize: 'resize inputs before inference',
      Upsample: 'resize inputs before inference',
      LRN: 'use BatchNorm2d',
      InstanceNormalization: 'use BatchNorm2d',
      LayerNormalization: 'use BatchNorm1d/BatchNorm2d',
    };
    expect(ONNX_ALTERNATIVES).toEqual(instead);
    for (const [op, text] of Object.entries(instead)) {
      expect(refusalOf(op)).toBe(`operator ${op} is not supported; ${text}`);
      expectThrow(() => importOnnx(build([n(op, 'o', ['x'])])), UnsupportedError, `ONNX node 0 (${op} "o"): operator ${op} is not supported; ${text}`);
    }
    const supported =
      'Conv, Gemm, MatMul, Add, Sum, BatchNormalization, Relu, Clip, Pad, AveragePool, GlobalAveragePool, ReduceMean, Flatten, Reshape, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Identity, Dropout, Softmax, LogSoftmax, Constant, Transpose';
    expect(refusalOf('Foo')).toBe(`operator Foo is not supported (supported: ${supported})`);
    expect(Object.isFrozen(ONNX_ALTERNATIVES) && Object.isFrozen(ONNX_OPERATORS)).toBe(true);
  });

  it('isZeroPadding: absent or all zero', () => {
    expect(isZeroPadding(undefined)).toBe(true);
    expect(isZeroPadding([0, 0, 0, 0])).toBe(true);
    for (const p of [[1, 0, 0, 0], [0, 0, 0, 1]] as const) expect(isZeroPadding([...p])).toBe(false);
  });
});

describe('shapes and names that only show downstream', () => {
  /** The shape [1, ...] of activation `a` (built by `nodes`), read back through Shape and the Reshape probe. */
  const shapeOf = (nodes: Node[], o: { inits?: Init[]; opset?: number } = {}) => probe([...nodes, n('Shape', 'sh', ['a'], ['t'])], o);

  it('padded AveragePool: the output shape counts every pad', () => {
    const ap = (pads: number[]) => n('AveragePool', 'ap', ['x'], ['a'], [attr.ints('kernel_shape', [2, 2]), attr.ints('pads', pads), attr.int('count_include_pad', 1)]);
    expect(shapeOf([ap([1, 1, 2, 2])])).toBe('[1, 2, 5, 5]');
    expect(shapeOf([ap([0, 1, 0, 2])])).toBe('[1, 2, 2, 5]');
    expect(shapeOf([ap([2, 0, 1, 0])])).toBe('[1, 2, 5, 2]');
    // ceil_mode with stride 3, kernel 2 and one pixel of padding on each side: 3 + 1 + 1 − 2 = 3 is whole.
    const ceil = n('AveragePool', 'ap', ['x'], ['a'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [3, 3]), attr.ints('pads', [1, 1, 1, 1]), attr.int('count_include_pad', 1), attr.int('ceil_mode', 1)]);
    expect(shapeOf([ceil])).toBe('[1, 2, 2, 2]');
    expectThrow(() => importOnnx(build([n('AveragePool', 'ap', ['x'], ['y'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [0, 1])])])), UnsupportedError, 'ONNX node 0 (AveragePool "ap"): strides [0, 1] must be two positive integers (2-D only)');
  });

  it('ReduceMean and Concat: output shapes; ReduceMean needs exactly the two spatial axes', () => {
    const rm = (keep: number) => n('ReduceMean', 'rm', ['x'], ['a'], [attr.ints('axes', [2, 3]), attr.int('keepdims', keep)]);
    expect(shapeOf([rm(1)])).toBe('[1, 2, 1, 1]');
    expect(shapeOf([rm(0)])).toBe('[1, 2]');
    expect(shapeOf([n('GlobalAveragePool', 'g', ['x'], ['a'])])).toBe('[1, 2, 1, 1]');
    for (const axes of [[2, 3, 3], [3, 2, 5], [2, 3, -1]]) {
      expectThrow(
        () => importOnnx(build([n('ReduceMean', 'rm', ['x'], ['y'], [attr.ints('axes', axes)])])),
        UnsupportedError,
        'ONNX node 0 (ReduceMean "rm"): ReduceMean is supported only over the spatial axes (2, 3) of an [N, C, H, W] tensor; use torch.mean(x, dim=(2, 3)) or AdaptiveAvgPool2d(1)',
      );
    }
    const inits = [{ name: 'p', dims: [1], int64s: [2] }, { name: 'q', dims: [2], int64s: [3, 3] }];
    expect(shapeOf([n('Concat', 'c', ['p', 'q'], ['a'])], { inits })).toBe('[3]');
  });

  it('Conv with an output of height or width exactly 1 is fine', () => {
    const k31 = { name: 'w', dims: [1, 2, 3, 1], floats: new Array(6).fill(1) };
    expect(shapeOf([n('Conv', 'c', ['x', 'w'], ['a'])], { inits: [k31] })).toBe('[1, 1, 1, 3]');
    const k13 = { name: 'w', dims: [1, 2, 1, 3], floats: new Array(6).fill(1) };
    expect(shapeOf([n('Conv', 'c', ['x', 'w'], ['a'])], { inits: [k13] })).toBe('[1, 1, 3, 1]');
  });

  it('Constant: dims of value_float(s) and value_int(s)', () => {
    const dims = (a: number[]) => shapeOf([n('Constant', 'k', [], ['a'], [a])]);
    expect(dims(attr.float('value_float', 2))).toBe('[]');
    expect(dims(attr.int('value_int', 2))).toBe('[]');
    expect(dims(attr.floats('value_floats', [1, 2, 3]))).toBe('[3]');
    expect(dims(attr.ints('value_ints', [1, 2]))).toBe('[2]');
  });

  it('Unsqueeze inserts the axes in increasing order, whatever order they are given in', () => {
    const k = { name: 'k', dims: [3], floats: [5, 6, 7] };
    const us = (axes: number[]) => shapeOf([n('Unsqueeze', 'us', ['k', 'ax'], ['a'])], { inits: [k, { name: 'ax', dims: [axes.length], int64s: axes }] });
    expect(us([1, 0])).toBe('[1, 1, 3]');
    expect(us([0, 1])).toBe('[1, 1, 3]');
    expect(us([3, 1, 0])).toBe('[1, 1, 3, 1]');
    expect(us([-1, 0])).toBe('[1, 3, 1]');
  });

  it('BatchNormalization names the vector of the wrong length', () => {
    const bn = n('BatchNormalization', 'bn', ['x', 's', 'b', 'm', 'v']);
    const vec = (name: string, k: number): Init => ({ name, dims: [k], floats: new Array(k).fill(1) });
    expectThrow(() => importOnnx(build([bn], { inits: [vec('s', 2), vec('b', 3), vec('m', 2), vec('v', 2)] })), MalformedInputError, 'ONNX node 0 (BatchNormalization "bn"): B has 3 values, expected 2');
    expectThrow(() => importOnnx(build([bn], { inits: [vec('s', 2), vec('b', 2), vec('m', 1), vec('v', 2)] })), MalformedInputError, 'ONNX node 0 (BatchNormalization "bn"): mean has 1 values, expected 2');
  });

  it('zero pads are nothing, whatever the mode, value or rank; all-non-zero pads are not', () => {
    const pads = (v: number[]): Init => ({ name: 'pads', dims: [v.length], int64s: v });
    const zero = (attrs: number[][]) => build([n('Pad', 'p', ['x', 'pads'], ['a'], attrs), n('Relu', 'r', ['a'])], { inits: [pads(new Array(8).fill(0))] });
    expect(types(zero([attr.string('mode', 'reflect')]))).toEqual(['relu']);
    expect(types(zero([attr.float('value', 1)]))).toEqual(['relu']);
    const flat = build([n('Flatten', 'f', ['x'], ['a']), n('Pad', 'p', ['a', 'pads'], ['b']), n('Relu', 'r', ['b'])], { inits: [pads([0, 0, 0, 0])] });
    expect(types(flat)).toEqual(['flatten', 'relu']);
    expectThrow(
      () => importOnnx(build([n('Pad', 'p', ['x', 'pads'], ['a']), n('Conv', 'c', ['a', 'w'])], { inits: [pads(new Array(8).fill(1)), w1x1('w', 2, 2)] })),
      UnsupportedError,
      'ONNX node 0 (Pad "p"): only padding of H and W of an [N, C, H, W] tensor is supported',
    );
  });

  it('Flatten(axis −1) of an image and Reshape targets that only look like [1, 18]', () => {
    expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['y'], [attr.int('axis', -1)])])), UnsupportedError, 'ONNX node 0 (Flatten "f"): Flatten with axis -1 is not supported; use torch.flatten(x, 1)');
    expectThrow(() => importOnnx(build([n('Flatten', 'f', ['x'], ['a']), n('Flatten', 'g', ['a'], ['y'], [attr.int('axis', 0)])])), UnsupportedError, 'ONNX node 1 (Flatten "g"): Flatten with axis 0 is not supported; use torch.flatten(x, 1)');
    for (const t of [[2, 18], [1, 9], [18, 1]]) expect(probe([n('Constant', 'k', [], ['t'], [attr.ints('value_ints', t)])])).toBe(`[${t.join(', ')}]`);
  });

  it('a bias constant of more dims than the output is refused even when its channel axis fits', () => {
    const c = { name: 'c', dims: [1, 2, 1, 1, 1], floats: [1, 1] };
    expectThrow(
      () => importOnnx(build([n('Conv', 'conv', ['x', 'w'], ['a']), n('Add', 'add', ['a', 'c'])], { inits: [w1x1('w', 2, 2), c] })),
      UnsupportedError,
      "ONNX node 1 (Add \"add\"): a constant of dims [1, 2, 1, 1, 1] is not a per-channel bias of [1, 2, 3, 3]; use the layer's bias",
    );
  });

  it('every handler has a one-line summary naming its operator', () => {
    for (const [op, handler] of Object.entries(ONNX_OPERATORS)) {
      expect(handler.summary, op).toContain(op === 'Sum' ? 'Add' : op);
      expect(handler.summary).not.toContain('\n');
      expect(typeof handler.convert).toBe('function');
    }
  });
});
