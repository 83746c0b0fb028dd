/**
 * The ONNX importer's driver (§8.12): reads the ModelProto, then converts the nodes in order
 * through the operator table of ./operators.ts, keeping constants (initializers, Constant nodes,
 * shape arithmetic) apart from activations, and finally keeps the layers the output depends on
 * and folds batch normalization (§8.6).
 *
 * Spec: §8.12, §8.12.3
 * @module
 */
import { InvalidArgumentError, MalformedInputError } from '../../../errors.js';
import { foldBatchNorm } from '../../batch-norm.js';
import { UnsupportedError } from '../../errors.js';
import { MODEL_INPUT, type Model } from '../../layers.js';
import { createModel, type LayerSpec } from '../../model.js';
import { ProtoMessage } from '../protobuf.js';
import type { Shape } from '../../tensor.js';
import type { MutableLayer, OnnxActivation, OnnxConstant, OnnxNodeContext, OnnxValue } from './context.js';
import { ONNX_OPERATORS, refusalOf } from './operators.js';
import { decodeOnnxTensor, graphInputShape, ONNX_FIELDS, OnnxAttributes } from './proto.js';

/** Options of {@link importOnnx}. Spec: §8.12 */
export interface OnnxImportOptions {
  /** Model name (default: the graph name, else "onnx-model"). */
  name?: string;
  /** Fold BatchNormalization into the preceding Conv/Gemm (default true; §8.6). */
  foldBatchNorm?: boolean;
  /** Drop a final Softmax/LogSoftmax with a note (default true); false refuses it. */
  stripSoftmax?: boolean;
  /** fractionalBits recorded in the model (default 8; see chooseFixedPointPrecision, §8.15). */
  fractionalBits?: number;
}

/** The imported model and what the user should know about the conversion. Spec: §8.12 */
export interface OnnxImport {
  readonly model: Model;
  /** One line per change that does not alter the prediction (dropped softmax, rewritten pooling). */
  readonly notes: readonly string[];
  /** Opset version of the default domain. */
  readonly opset: number;
  /** The operators of the graph, in order of first appearance. */
  readonly operators: readonly string[];
}

const F = ONNX_FIELDS;

/**
 * Imports an ONNX model (ModelProto bytes) with one input of shape [N, C, H, W] or [N, K]
 * (the batch dimension N is dropped) and one output. Throws {@link MalformedInputError} for
 * bytes that are not a well-formed model and {@link UnsupportedError} for operators or
 * attributes outside the subset of §8.12.3, with one line naming the node and what to use
 * instead. Spec: §8.12, §8.12.3
 */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): Model {
  return importOnnxReport(bytes, options).model;
}

/** {@link importOnnx}, with the notes, the opset and the operators seen. Spec: §8.12 */
export function importOnnxReport(bytes: Uint8Array, options: OnnxImportOptions = {}): OnnxImport {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('importOnnx: expected a Uint8Array');
  const model = new ProtoMessage(bytes);
  const graph = model.message(F.ModelProto.graph);
  if (!graph) throw new MalformedInputError('ONNX: ModelProto has no graph (field 7)');
  const G = F.GraphProto;
  let opset = 0;
  for (const o of model.messages(F.ModelProto.opset_import)) {
    const domain = o.string(F.OperatorSetIdProto.domain);
    if (domain === '' || domain === 'ai.onnx') opset = o.int(F.OperatorSetIdProto.version);
  }

  const values = new Map<string, OnnxValue>();
  for (const init of graph.messages(G.initializer)) {
    const t = decodeOnnxTensor(init);
    values.set(t.name, { kind: 'const', dims: t.dims, data: t.data });
  }
  const inputs = graph.messages(G.input).filter((vi) => !values.has(vi.string(F.ValueInfoProto.name)));
  if (inputs.length !== 1) throw new UnsupportedError(`ONNX: the graph must have exactly one non-constant input, found ${inputs.length}`);
  const inputShape = graphInputShape(inputs[0]);
  values.set(inputs[0].string(F.ValueInfoProto.name), { kind: 'layer', layer: MODEL_INPUT, shape: inputShape });

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
  const notes: string[] = [];
  const operators: string[] = [];
  const uniqueName = (wanted: string): string => {
    let name = wanted.length > 0 ? wanted : 'layer';
    for (let k = 2; used.has(name); k++) name = `${wanted}_${k}`;
    used.add(name);
    return name;
  };

  nodes.forEach((node, index) => {
    const op = node.string(F.NodeProto.op_type);
    if (!operators.includes(op)) operators.push(op);
    const domain = node.string(F.NodeProto.domain);
    const ins = node.strings(F.NodeProto.input);
    const outs = node.strings(F.NodeProto.output);
    const nodeName = node.string(F.NodeProto.name);
    const label = `ONNX node ${index} (${op}${nodeName ? ` ${JSON.stringify(nodeName)}` : ''})`;
    if (domain !== '' && domain !== 'ai.onnx') throw new UnsupportedError(`${label}: operator domain ${JSON.stringify(domain)} is not supported; export with the default ONNX domain`);
    if (outs.length === 0 || outs[0] === '') throw new MalformedInputError(`${label}: no output`);
    const handler = Object.hasOwn(ONNX_OPERATORS, op) ? ONNX_OPERATORS[op] : undefined;
    if (handler === undefined) throw new UnsupportedError(`${label}: ${refusalOf(op)}`);
    if (op === 'Softmax' || op === 'LogSoftmax') {
      if (options.stripSoftmax === false) throw new UnsupportedError(`${label}: ${op} is not supported; pass { stripSoftmax: true } to drop a final ${op} (it does not change the arg-max)`);
    }
    const get = (k: number): OnnxValue => {
      const name = ins[k];
      const v = name === undefined || name === '' ? undefined : values.get(name);
      if (!v) throw new MalformedInputError(`${label}: input ${k} (${JSON.stringify(name)}) is not defined before the node`);
      return v;
    };
    let emitted = 0;
    const ctx: OnnxNodeContext = {
      op,
      opset,
      label,
      attrs: new OnnxAttributes(node),
      inputs: ins,
      outputs: outs,
      isGraphOutput: outs[0] === outputs[0],
      get,
      optional: (k) => (ins[k] === undefined || ins[k] === '' ? undefined : get(k)),
      act(k, allowPad = false): OnnxActivation {
        const v = get(k);
        if (v.kind !== 'layer') throw new UnsupportedError(`${label}: input ${k} must be computed from the model input, not a constant`);
        if (v.pendingPad && !allowPad) {
          throw new UnsupportedError(`${label}: reads the output of a non-zero Pad node; only Conv and AveragePool can take padding over (use their padding=)`);
        }
        return v;
      },
      constant(k): OnnxConstant {
        const v = get(k);
        if (v.kind !== 'const') throw new UnsupportedError(`${label}: input ${k} must be a constant (initializer or Constant node)`);
        return v;
      },
      emit(layer: LayerSpec, shape: Shape): OnnxActivation {
        const base = nodeName || outs[0];
        const named = { ...layer, name: uniqueName(emitted++ === 0 ? base : `${base}/${layer.type}`) } as MutableLayer;
        layers.push(named);
        producer.set(named.name, named);
        const value: OnnxActivation = { kind: 'layer', layer: named.name, shape };
        values.set(outs[0], value);
        return value;
      },
      alias(value) {
        values.set(outs[0], value);
      },
      producer: (layer) => producer.get(layer),
      readers: (name) => readers.get(name) ?? 0,
      note: (text) => notes.push(text),
      onlyFirstOutput() {
        for (const extra of outs.slice(1)) {
          if (extra !== '' && (readers.get(extra) ?? 0) > 0) throw new UnsupportedError(`${label}: only the first output may be used`);
        }
      },
    };
    handler.convert(ctx);
  });

  const out = values.get(outputs[0]);
  if (!out || out.kind !== 'layer' || out.layer === MODEL_INPUT) {
    throw new UnsupportedError(`ONNX: the graph output ${JSON.stringify(outputs[0])} is not computed by a supported layer`);
  }
  if (out.pendingPad) throw new UnsupportedError(`ONNX: the graph output is a padded tensor; a Pad node must be read by a Conv or AveragePool`);
  const result = createModel({
    name: options.name ?? (graph.string(G.name) || 'onnx-model'),
    inputShape,
    layers: liveLayers(layers, out.layer),
    fractionalBits: options.fractionalBits,
  });
  return { model: options.foldBatchNorm === false ? result : foldBatchNorm(result), notes, opset, operators };
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
