/**
 * The fixed-point compiler (§8.8): turns a float model into the exact integer program of
 * {@link FixedPointModel}. Passes, in order: batch-norm folding (§8.6), average-pool folding
 * (§8.8.2), scale assignment with merging of consecutive weighted layers and identity lifts
 * (§8.8.3, §8.8.4), and encoding of every constant (§8.8.5).
 *
 * Spec: §8.8, §8.8.1, §8.8.2, §8.8.3, §8.8.4, §8.8.5
 * @module
 */
import { OutOfRangeError } from '../errors.js';
import { foldBatchNormReport } from './batch-norm.js';
import { UnsupportedError, describeLayer } from './errors.js';
import type {
  FixedPointLayer,
  FixedPointModel,
  ScaleUnits,
} from './fixed-model.js';
import { quantize } from '../sharing/fixed-point.js';
import type { Padding, Pair } from './layers.js';
import type { Model } from './layers.js';
import { checkModelFractionalBits, validateModel } from './model.js';
import { conv2dForward } from './ops/conv2d.js';
import { denseForward } from './ops/dense.js';
import { sumPool2dForward } from './ops/pool.js';
import { shapeSize, type Shape } from './tensor.js';

/** Options of {@link compileFixedPoint}. Spec: §8.8 */
export interface CompileOptions {
  /** f; defaults to the model's `fractionalBits` (8 unless the model says otherwise). */
  fractionalBits?: number;
  /**
   * Largest weight matrix (inputs × outputs) that merging two consecutive weighted layers may
   * produce (§8.8.3); default 2^20.
   */
  maxMergedWeights?: number;
}

type IrOp = 'conv2d' | 'dense' | 'scale' | 'sumPool2d' | 'flatten' | 'add' | 'relu' | 'relu6' | 'quadratic';

/** A node of the compiler's float intermediate representation. */
interface IrNode {
  readonly id: number;
  op: IrOp;
  name: string;
  origin: string[];
  inputs: number[];
  inShape: Shape;
  shape: Shape;
  outChannels?: number;
  kernel?: Pair;
  stride?: Pair;
  padding?: Padding;
  weights?: Float64Array;
  bias?: Float64Array;
  /** scale: per-channel factors. */
  factors?: Float64Array;
  coefficients?: { a2: number; a1: number; a0: number };
  /** sumPool2d made from an avgPool2d: 1/(kh·kw), until §8.8.2 places it. */
  poolFactor?: number;
  /** Created by rule (c) of §8.8.2 for this avgPool2d layer name. */
  standInForPool?: string;
}

const WEIGHTED: ReadonlySet<IrOp> = new Set(['conv2d', 'dense', 'scale']);
const PASS_THROUGH: ReadonlySet<IrOp> = new Set(['sumPool2d', 'flatten']);
const ACTIVATIONS: ReadonlySet<IrOp> = new Set(['relu', 'relu6', 'quadratic']);

/**
 * Compiles a float model to the fixed-point program the secure protocol evaluates. Throws
 * {@link UnsupportedError} for structures §8.8 cannot express exactly and
 * {@link OutOfRangeError} when an encoded constant exceeds ±(p−1)/2. Deterministic: the same
 * model and options give the same program. Spec: §8.8
 */
export function compileFixedPoint(model: Model, options: CompileOptions = {}): FixedPointModel {
  const original = validateModel(model);
  const f = options.fractionalBits ?? model.fractionalBits;
  checkModelFractionalBits(f);
  const maxMerged = options.maxMergedWeights ?? 2 ** 20;
  const indexOf = new Map(original.nodes.map((n) => [n.layer.name, n.index]));
  const where = (name: string): string => describeLayer(indexOf.get(name) ?? -1, name);

  const { model: folded, folded: bnPairs } = foldBatchNormReport(model);
  const ir = new Ir(folded);
  for (const [bn, into] of bnPairs) ir.order.find((n) => n.name === into)?.origin.push(`${bn} (batchNorm, folded)`);
  foldAveragePools(ir);
  const scales = assignScales(ir, maxMerged, where);
  return encode(ir, scales, f, model, where);
}

/** The IR: nodes in evaluation order. */
class Ir {
  readonly order: IrNode[] = [];
  readonly byId = new Map<number, IrNode>();
  #nextId = 0;
  readonly inputShape: Shape;
  readonly names = new Set<string>();

  constructor(model: Model) {
    const graph = validateModel(model);
    this.inputShape = model.inputShape;
    const idOf: number[] = [];
    for (const node of graph.nodes) {
      const l = node.layer;
      const base = {
        name: l.name,
        origin: [l.name],
        inputs: node.inputs.map((j) => (j < 0 ? -1 : idOf[j])),
        inShape: node.inputShapes[0],
        shape: node.shape,
      };
      let n: IrNode;
      switch (l.type) {
        case 'conv2d':
          n = this.add({ ...base, op: 'conv2d', outChannels: l.outChannels, kernel: l.kernel, stride: l.stride, padding: l.padding, weights: l.weights.slice(), bias: l.bias.slice() });
          break;
        case 'dense':
          n = this.add({ ...base, op: 'dense', weights: l.weights.slice(), bias: l.bias.slice() });
          break;
        case 'avgPool2d':
          n = this.add({ ...base, op: 'sumPool2d', kernel: l.kernel, stride: l.stride, poolFactor: 1 / (l.kernel[0] * l.kernel[1]) });
          break;
        case 'batchNorm': {
          const c = l.scale.length;
          const factors = new Float64Array(c);
          const bias = new Float64Array(c);
          for (let i = 0; i < c; i++) {
            factors[i] = l.scale[i] / Math.sqrt(l.variance[i] + l.epsilon);
            bias[i] = l.bias[i] - l.mean[i] * factors[i];
          }
          n = this.add({ ...base, op: 'scale', factors, bias });
          break;
        }
        case 'quadratic':
          n = this.add({ ...base, op: 'quadratic', coefficients: { a2: l.a2, a1: l.a1, a0: l.a0 } });
          break;
        default:
          n = this.add({ ...base, op: l.type });
      }
      idOf.push(n.id);
    }
  }

  /** Creates a node (not yet placed if `at` is given later) and appends it to the order. */
  add(fields: Omit<IrNode, 'id'>, at = this.order.length): IrNode {
    const node: IrNode = { id: this.#nextId++, ...fields };
    let name = node.name;
    for (let k = 2; this.names.has(name); k++) name = `${node.name}#${k}`;
    node.name = name;
    this.names.add(name);
    this.byId.set(node.id, node);
    this.order.splice(at, 0, node);
    return node;
  }

  remove(node: IrNode): void {
    this.order.splice(this.order.indexOf(node), 1);
    this.byId.delete(node.id);
  }

  input(node: IrNode, k = 0): IrNode | null {
    const id = node.inputs[k];
    return id < 0 ? null : this.byId.get(id)!;
  }

  consumers(node: IrNode): IrNode[] {
    return this.order.filter((n) => n.inputs.includes(node.id));
  }
}

/** Places the 1/(kh·kw) factor of every average pooling. Spec: §8.8.2 */
function foldAveragePools(ir: Ir): void {
  for (const pool of [...ir.order]) {
    const c = pool.poolFactor;
    if (c === undefined) continue;
    pool.poolFactor = undefined;
    const note = `${pool.name} (×1/${Math.round(1 / c)})`;
    // (a) Backward: the pool reads, through single-reader flatten/sumPool layers, a weighted
    // layer read by nothing else: scale its weights and bias.
    let cur = ir.input(pool);
    while (cur && PASS_THROUGH.has(cur.op) && ir.consumers(cur).length === 1) cur = ir.input(cur);
    if (cur && WEIGHTED.has(cur.op) && ir.consumers(cur).length === 1) {
      scaleNode(cur, c, true);
      cur.origin.push(note);
      continue;
    }
    // (b) Forward, reader by reader: a reader that is, or reaches through single-reader
    // flatten/sumPool layers, a weighted layer gets c folded into that layer's weights.
    const unhandled: IrNode[] = [];
    for (const reader of ir.consumers(pool)) {
      let cur = reader;
      while (PASS_THROUGH.has(cur.op)) {
        const next = ir.consumers(cur);
        if (next.length !== 1) break;
        cur = next[0];
      }
      if (WEIGHTED.has(cur.op)) {
        scaleNode(cur, c, false);
        cur.origin.push(note);
      } else {
        unhandled.push(reader);
      }
    }
    const isOutput = ir.order[ir.order.length - 1] === pool;
    if (unhandled.length === 0 && !isOutput) continue;
    // (c) The remaining readers (and the model output) read a per-channel scale layer of
    // factor c inserted right after the pool.
    const channels = pool.shape[0];
    const node = ir.add(
      {
        op: 'scale',
        name: `${pool.name}/scale`,
        origin: [note],
        inputs: [pool.id],
        inShape: pool.shape,
        shape: pool.shape,
        factors: new Float64Array(channels).fill(c),
        bias: new Float64Array(channels),
        standInForPool: pool.name,
      },
      ir.order.indexOf(pool) + 1,
    );
    for (const reader of unhandled) reader.inputs = reader.inputs.map((id) => (id === pool.id ? node.id : id));
  }
}

function scaleNode(node: IrNode, c: number, withBias: boolean): void {
  const w = node.op === 'scale' ? node.factors! : node.weights!;
  for (let i = 0; i < w.length; i++) w[i] *= c;
  if (withBias) {
    const b = node.bias!;
    for (let i = 0; i < b.length; i++) b[i] *= c;
  }
}

/** Gives every tensor a scale, merging or lifting where needed. Spec: §8.8.1, §8.8.3, §8.8.4 */
function assignScales(ir: Ir, maxMerged: number, where: (name: string) => string): Map<number, ScaleUnits> {
  const scale = new Map<number, ScaleUnits>([[-1, 1]]);
  for (let k = 0; k < ir.order.length; k++) {
    let node = ir.order[k];
    const sIn = scale.get(node.inputs[0])!;
    if (WEIGHTED.has(node.op)) {
      if (sIn === 2) {
        node = mergeWeighted(ir, node, maxMerged, where);
        k = ir.order.indexOf(node);
      }
      scale.set(node.id, 2);
    } else if (ACTIVATIONS.has(node.op)) {
      if (sIn === 1) {
        // §8.8.4: an activation needs a scale-2f input; insert an exact identity layer.
        const channels = node.inShape[0];
        const lift = ir.add(
          {
            op: 'scale',
            name: `${node.name}/lift`,
            origin: [`identity before ${node.name}`],
            inputs: [node.inputs[0]],
            inShape: node.inShape,
            shape: node.inShape,
            factors: new Float64Array(channels).fill(1),
            bias: new Float64Array(channels),
          },
          k,
        );
        node.inputs = [lift.id];
        scale.set(lift.id, 2);
        k++;
      }
      scale.set(node.id, 1);
    } else if (node.op === 'add') {
      scale.set(node.id, Math.max(scale.get(node.inputs[0])!, scale.get(node.inputs[1])!) as ScaleUnits);
    } else {
      scale.set(node.id, sIn);
    }
  }
  return scale;
}

/**
 * §8.8.3: `node` is a weighted layer whose input has scale 2f. If that input comes, through
 * single-reader flatten/sumPool layers, from a weighted layer read by nothing else, the chain is
 * one affine map; replace it by a dense layer computed in float64 (columns are the images of the
 * unit vectors without biases, the bias is the image of zero).
 */
function mergeWeighted(ir: Ir, node: IrNode, maxMerged: number, where: (name: string) => string): IrNode {
  const chain: IrNode[] = [];
  let cur = ir.input(node);
  while (cur && PASS_THROUGH.has(cur.op) && ir.consumers(cur).length === 1) {
    chain.unshift(cur);
    cur = ir.input(cur);
  }
  const fail = (why: string): never => {
    if (node.standInForPool !== undefined) {
      throw new UnsupportedError(
        `${where(node.standInForPool)}: this avgPool2d cannot be folded into a conv2d/dense layer (it neither ` +
          `follows nor precedes one within its linear block) and its input has scale 2f, so its 1/k² factor ` +
          `cannot be a weighted layer of its own (${why}); move it next to a conv2d or dense layer`,
      );
    }
    throw new UnsupportedError(
      `${where(node.origin[0])}: a weighted linear layer whose input has scale 2f (no activation since the ` +
        `previous weighted layer) and the two cannot be merged: ${why}`,
    );
  };
  if (!cur || !WEIGHTED.has(cur.op)) {
    fail(`its input comes from ${cur ? `${cur.op} layer ${JSON.stringify(cur.origin[0])}` : 'the model input'}, not from a weighted layer`);
  }
  const first = cur!;
  if (ir.consumers(first).length !== 1) fail(`${JSON.stringify(first.origin[0])} is also read by another layer`);
  const n = shapeSize(first.inShape);
  const m = shapeSize(node.shape);
  if (n * m > maxMerged) {
    fail(`the merged matrix would have ${n}×${m} weights, more than maxMergedWeights = ${maxMerged}`);
  }
  const seq = [first, ...chain, node];
  const run = (x: Float64Array, withBias: boolean): Float64Array => seq.reduce((v, s) => irForward(s, v, withBias), x);
  const bias = run(new Float64Array(n), true);
  const weights = new Float64Array(m * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    const col = run(e, false);
    e[j] = 0;
    for (let i = 0; i < m; i++) weights[i * n + j] = col[i];
  }
  for (const s of [first, ...chain]) ir.remove(s);
  node.origin = [...node.origin, ...seq.slice(0, -1).flatMap((s) => s.origin)];
  node.op = 'dense';
  node.inputs = [...first.inputs];
  node.inShape = first.inShape;
  node.weights = weights;
  node.bias = bias;
  node.factors = undefined;
  node.outChannels = node.kernel = node.stride = node.padding = undefined;
  node.standInForPool = undefined;
  return node;
}

/** Float64 forward pass of one linear IR node (used for merging). */
function irForward(node: IrNode, x: Float64Array, withBias: boolean): Float64Array {
  switch (node.op) {
    case 'conv2d':
      return conv2dForward(x, node.weights!, withBias ? node.bias! : null, {
        inChannels: node.inShape[0],
        inHeight: node.inShape[1],
        inWidth: node.inShape[2],
        outChannels: node.outChannels!,
        kernel: node.kernel!,
        stride: node.stride!,
        padding: node.padding!,
      });
    case 'dense':
      return denseForward(x, node.weights!, withBias ? node.bias! : null, shapeSize(node.shape));
    case 'scale':
      return scaleForward(x, node.factors!, withBias ? node.bias! : null);
    case 'sumPool2d':
      return sumPool2dForward(x, node.inShape, node.kernel!, node.stride!);
    case 'flatten':
      return x;
    default:
      throw new Error(`irForward: ${node.op} is not linear`);
  }
}

/** out[c, …] = factors[c]·x[c, …] + bias[c] (channel = first dimension). Spec: §8.9.1 */
export function scaleForward(x: Float64Array, factors: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const c = factors.length;
  const per = x.length / c;
  const out = new Float64Array(x.length);
  for (let ch = 0; ch < c; ch++) {
    const k = factors[ch];
    const b = bias ? bias[ch] : 0;
    for (let i = ch * per; i < (ch + 1) * per; i++) out[i] = k * x[i] + b;
  }
  return out;
}

/** Encodes constants and emits the program. Spec: §8.8.5 */
function encode(
  ir: Ir,
  scales: Map<number, ScaleUnits>,
  f: number,
  model: Model,
  where: (name: string) => string,
): FixedPointModel {
  const position = new Map<number, number>([[-1, -1]]);
  const layers: FixedPointLayer[] = ir.order.map((node, k) => {
    position.set(node.id, k);
    const enc = (values: Float64Array, bits: number, what: string): Float64Array => {
      const out = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        try {
          out[i] = quantize(values[i], bits);
        } catch (e) {
          throw new OutOfRangeError(
            `${where(node.origin[0])}: ${what}[${i}] = ${values[i]} does not fit the field at scale 2^${bits}`,
            { cause: e },
          );
        }
      }
      return out;
    };
    const encOne = (v: number, what: string): number => enc(Float64Array.of(v), f, what)[0];
    const base = {
      name: node.name,
      inputs: Object.freeze(node.inputs.map((id) => position.get(id)!)),
      inputShape: node.inShape,
      shape: node.shape,
      scale: scales.get(node.id)!,
      origin: Object.freeze([...node.origin]),
    };
    switch (node.op) {
      case 'conv2d':
        return {
          ...base,
          op: 'conv2d',
          outChannels: node.outChannels!,
          kernel: node.kernel!,
          stride: node.stride!,
          padding: node.padding!,
          weights: enc(node.weights!, f, 'weights'),
          bias: enc(node.bias!, 2 * f, 'bias'),
        };
      case 'dense':
        return { ...base, op: 'dense', weights: enc(node.weights!, f, 'weights'), bias: enc(node.bias!, 2 * f, 'bias') };
      case 'scale':
        return { ...base, op: 'scale', factors: enc(node.factors!, f, 'factors'), bias: enc(node.bias!, 2 * f, 'bias') };
      case 'sumPool2d':
        return { ...base, op: 'sumPool2d', kernel: node.kernel!, stride: node.stride! };
      case 'add': {
        const s = scales.get(node.id)!;
        const lift = node.inputs.map((id) => s === 2 && scales.get(id) === 1) as [boolean, boolean];
        return { ...base, op: 'add', lift: Object.freeze(lift) as readonly [boolean, boolean] };
      }
      case 'relu6':
        return { ...base, op: 'relu6', cap: 6 * 2 ** f };
      case 'quadratic': {
        const q = node.coefficients!;
        return { ...base, op: 'quadratic', a2: encOne(q.a2, 'a2'), a1: encOne(q.a1, 'a1'), a0: encOne(q.a0, 'a0') };
      }
      case 'flatten':
      case 'relu':
        return { ...base, op: node.op };
    }
  });
  return Object.freeze({
    format: 'delphi-ts-fixed-point',
    version: 1,
    name: model.name,
    fractionalBits: f,
    inputShape: ir.inputShape,
    layers: Object.freeze(layers),
    outputScale: layers[layers.length - 1].scale,
  });
}
