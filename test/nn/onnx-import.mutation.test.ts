/**
 * The ONNX importer's driver (src/nn/import/onnx/import.ts, Spec: §8.12) on small graphs written
 * by hand: each refusal of the driver with its exact message and class, layer naming (node name,
 * clashes with the model input and with each other), the operator list of the report, inputs and
 * outputs that are empty names, Dropout's second output, and the pruning of dead layers.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { importOnnx, importOnnxReport, UnsupportedError } from '../../src/nn/index.js';
import { graph, modelProto, node, pb, tensor, valueInfo } from './helpers/onnx-writer.js';

type Node = Parameters<typeof node>[0] & { domain?: string };
interface Init {
  name: string;
  dims: number[];
  floats?: number[];
  int64s?: number[];
}

/** NodeProto bytes; `domain` is field 7. */
const nodeBytes = (n: Node): number[] => [...node(n), ...(n.domain === undefined ? [] : pb.string(7, n.domain))];

/** A graph with the given inputs (default: x of [1, 2, 3, 3]) and outputs (default: y). */
function build(nodes: Node[], o: { inits?: Init[]; inputs?: number[][]; outputs?: string[]; graphName?: string } = {}): Uint8Array {
  const g = graph({
    nodes: nodes.map(nodeBytes),
    name: o.graphName ?? 'g',
    initializers: (o.inits ?? []).map((t) => tensor(t)),
    inputs: o.inputs ?? [valueInfo('x', [1, 2, 3, 3])],
    outputs: (o.outputs ?? ['y']).map((name) => valueInfo(name, [1])),
  });
  return modelProto(g);
}

const relu = (name: string, input: string, output: string): Node => ({ op: 'Relu', name, inputs: [input], outputs: [output] });

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

describe('graph inputs and outputs', () => {
  it('initializers listed among the graph inputs are not inputs', () => {
    const inputs = [valueInfo('x', [1, 2, 3, 3]), valueInfo('z', [1])];
    const m = importOnnx(build([{ op: 'Clip', name: 'c', inputs: ['x', 'z', ''], outputs: ['y'] }], { inputs, inits: [{ name: 'z', dims: [], floats: [0] }] }));
    expect(m.inputShape).toEqual([2, 3, 3]);
    expect(m.layers.map((l) => `${l.type}:${l.name}`)).toEqual(['relu:c']);
  });

  it('exactly one non-constant input', () => {
    expectThrow(() => importOnnx(build([relu('r', 'x', 'y')], { inputs: [] })), UnsupportedError, 'ONNX: the graph must have exactly one non-constant input, found 0');
    const two = [valueInfo('x', [1, 2, 3, 3]), valueInfo('x2', [1, 2, 3, 3])];
    expectThrow(() => importOnnx(build([relu('r', 'x', 'y')], { inputs: two })), UnsupportedError, 'ONNX: the graph must have exactly one non-constant input, found 2');
  });

  it('exactly one output', () => {
    expectThrow(() => importOnnx(build([relu('r', 'x', 'y')], { outputs: [] })), UnsupportedError, 'ONNX: the graph must have exactly one output, found 0');
    const nodes = [relu('r', 'x', 'y'), relu('s', 'x', 'y2')];
    expectThrow(() => importOnnx(build(nodes, { outputs: ['y', 'y2'] })), UnsupportedError, 'ONNX: the graph must have exactly one output, found 2');
  });

  it('the output must be computed by a layer', () => {
    const msg = (name: string) => `ONNX: the graph output ${JSON.stringify(name)} is not computed by a supported layer`;
    expectThrow(() => importOnnx(build([relu('r', 'x', 'a')], { outputs: ['nowhere'] })), UnsupportedError, msg('nowhere'));
    expectThrow(() => importOnnx(build([relu('r', 'x', 'a')], { outputs: ['w'], inits: [{ name: 'w', dims: [1], floats: [1] }] })), UnsupportedError, msg('w'));
    expectThrow(() => importOnnx(build([{ op: 'Identity', name: 'i', inputs: ['x'], outputs: ['y'] }])), UnsupportedError, msg('y'));
  });

  it('a padded output is refused', () => {
    const pad: Node = { op: 'Pad', name: 'p', inputs: ['a', 'pads'], outputs: ['y'] };
    const pads = { name: 'pads', dims: [8], int64s: [0, 0, 1, 1, 0, 0, 1, 1] };
    expectThrow(() => importOnnx(build([relu('r', 'x', 'a'), pad], { inits: [pads] })), UnsupportedError, 'ONNX: the graph output is a padded tensor; a Pad node must be read by a Conv or AveragePool');
  });
});

describe('nodes', () => {
  it('operators of the default domain, by either name; others refused', () => {
    expect(importOnnx(build([{ ...relu('r', 'x', 'y'), domain: 'ai.onnx' }])).layers.map((l) => l.type)).toEqual(['relu']);
    expect(importOnnx(build([{ ...relu('r', 'x', 'y'), domain: '' }])).layers.map((l) => l.type)).toEqual(['relu']);
    expectThrow(
      () => importOnnx(build([{ ...relu('r', 'x', 'y'), domain: 'com.microsoft' }])),
      UnsupportedError,
      'ONNX node 0 (Relu "r"): operator domain "com.microsoft" is not supported; export with the default ONNX domain',
    );
    expectThrow(
      () => importOnnx(build([{ ...relu('', 'x', 'y'), domain: 'x' }])),
      UnsupportedError,
      'ONNX node 0 (Relu): operator domain "x" is not supported; export with the default ONNX domain',
    );
  });

  it('a node without output, or with an empty first output', () => {
    expectThrow(() => importOnnx(build([relu('r', 'x', 'y'), relu('s', 'y', '')])), MalformedInputError, 'ONNX node 1 (Relu "s"): no output');
    expectThrow(() => importOnnx(build([relu('r', 'x', 'y'), { op: 'Relu', name: '', inputs: ['y'], outputs: [] }])), MalformedInputError, 'ONNX node 1 (Relu): no output');
  });

  it('Softmax and LogSoftmax refused when stripSoftmax is false', () => {
    for (const op of ['Softmax', 'LogSoftmax']) {
      const bytes = build([relu('r', 'x', 'a'), { op, name: 's', inputs: ['a'], outputs: ['y'] }]);
      expectThrow(
        () => importOnnx(bytes, { stripSoftmax: false }),
        UnsupportedError,
        `ONNX node 1 (${op} "s"): ${op} is not supported; pass { stripSoftmax: true } to drop a final ${op} (it does not change the arg-max)`,
      );
      expect(importOnnx(bytes).layers.map((l) => l.name)).toEqual(['r']);
    }
  });

  it('an input that is undefined, empty or missing', () => {
    expectThrow(() => importOnnx(build([relu('r', 'nope', 'y')])), MalformedInputError, 'ONNX node 0 (Relu "r"): input 0 ("nope") is not defined before the node');
    // An initializer named "" does not make an empty input name defined.
    const inits = [{ name: '', dims: [1], floats: [1] }];
    expectThrow(() => importOnnx(build([relu('r', '', 'y')], { inits })), MalformedInputError, 'ONNX node 0 (Relu "r"): input 0 ("") is not defined before the node');
    expectThrow(() => importOnnx(build([{ op: 'Relu', name: 'r', inputs: [], outputs: ['y'] }])), MalformedInputError, 'ONNX node 0 (Relu "r"): input 0 (undefined) is not defined before the node');
  });

  it('an empty optional input is absent, even with an initializer named ""', () => {
    const clip: Node = { op: 'Clip', name: 'c', inputs: ['x', 'zero', ''], outputs: ['y'] };
    const zero = { name: 'zero', dims: [], floats: [0] };
    expect(importOnnx(build([clip], { inits: [zero] })).layers.map((l) => l.type)).toEqual(['relu']);
    expect(importOnnx(build([clip], { inits: [zero, { name: '', dims: [], floats: [6] }] })).layers.map((l) => l.type)).toEqual(['relu']);
  });

  it('activations and constants where the other is expected', () => {
    const w = { name: 'w', dims: [2, 2, 1, 1], floats: [1, 0, 0, 1] };
    expectThrow(() => importOnnx(build([relu('r', 'w', 'y')], { inits: [w] })), UnsupportedError, 'ONNX node 0 (Relu "r"): input 0 must be computed from the model input, not a constant');
    expectThrow(
      () => importOnnx(build([{ op: 'Conv', name: 'conv', inputs: ['x', 'x'], outputs: ['y'] }])),
      UnsupportedError,
      'ONNX node 0 (Conv "conv"): input 1 must be a constant (initializer or Constant node)',
    );
  });
});

describe('Dropout outputs', () => {
  const dropout = (outputs: string[]): Node => ({ op: 'Dropout', name: 'd', inputs: ['x'], outputs });
  const only = 'ONNX node 0 (Dropout "d"): only the first output may be used';
  it('an unread or empty mask output is accepted', () => {
    expect(importOnnx(build([dropout(['a', 'mask']), relu('r', 'a', 'y')])).layers.map((l) => l.name)).toEqual(['r']);
    // Clip reads the empty name "" (its absent max): the empty mask name is still not a use.
    const clip: Node = { op: 'Clip', name: 'c', inputs: ['a', 'zero', ''], outputs: ['y'] };
    expect(importOnnx(build([dropout(['a', '']), clip], { inits: [{ name: 'zero', dims: [], floats: [0] }] })).layers.map((l) => l.name)).toEqual(['c']);
  });
  it('a mask read by a node or by the graph output is refused', () => {
    expectThrow(() => importOnnx(build([dropout(['a', 'mask']), relu('r', 'a', 'y'), relu('s', 'mask', 'z')])), UnsupportedError, only);
    expectThrow(() => importOnnx(build([dropout(['a', 'mask']), relu('r', 'a', 'b')], { outputs: ['mask'] })), UnsupportedError, only);
  });
});

describe('layer names, operators, pruning', () => {
  it('node names made unique, also against the model input', () => {
    const m = importOnnx(build([relu('input', 'x', 'a'), relu('r', 'a', 'b'), relu('r', 'b', 'c'), relu('r', 'c', 'y')]));
    expect(m.layers.map((l) => l.name)).toEqual(['input_2', 'r', 'r_2', 'r_3']);
    expect(m.layers.map((l) => (l.type === 'add' ? '' : l.input))).toEqual(['input', 'input_2', 'r', 'r_2']);
  });

  it('the report lists each operator once, in order of first appearance', () => {
    const nodes: Node[] = [relu('a', 'x', 'a'), { op: 'Identity', name: 'i', inputs: ['a'], outputs: ['b'] }, relu('c', 'b', 'c'), { op: 'Identity', name: 'j', inputs: ['c'], outputs: ['y'] }];
    const r = importOnnxReport(build(nodes));
    expect(r.operators).toEqual(['Relu', 'Identity']);
    expect(r.opset).toBe(13);
    expect(r.model.layers.map((l) => l.name)).toEqual(['a', 'c']);
  });

  it('the model name: the option, else the graph name, else "onnx-model"', () => {
    expect(importOnnx(build([relu('r', 'x', 'y')])).name).toBe('g');
    expect(importOnnx(build([relu('r', 'x', 'y')]), { name: 'mine' }).name).toBe('mine');
    expect(importOnnx(build([relu('r', 'x', 'y')], { graphName: '' })).name).toBe('onnx-model');
  });

  it('layers the output does not depend on are dropped', () => {
    const m = importOnnx(build([relu('dead', 'x', 'd'), relu('r', 'x', 'a'), relu('dead2', 'a', 'e'), relu('s', 'a', 'y')]));
    expect(m.layers.map((l) => l.name)).toEqual(['r', 's']);
  });
});
