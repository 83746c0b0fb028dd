/**
 * What an operator handler of the ONNX importer sees (§8.12.3): the node's inputs as values
 * (constants, or activations computed from the model input, with their shapes), its attributes,
 * and the means to emit a layer, alias an output to an existing value, or record a note.
 *
 * Spec: §8.12.3
 * @module
 */
import { MalformedInputError } from '../../../errors.js';
import { UnsupportedError } from '../../errors.js';
import type { Padding } from '../../layers.js';
import type { LayerSpec } from '../../model.js';
import type { Shape } from '../../tensor.js';
import type { OnnxAttributes } from './proto.js';

/** A tensor known at import time (initializer, Constant node, or computed from shapes). */
export interface OnnxConstant {
  readonly kind: 'const';
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

/** A tensor computed from the model input: the layer producing it and its shape (no batch dimension). */
export interface OnnxActivation {
  readonly kind: 'layer';
  /** Our layer name, or MODEL_INPUT. */
  readonly layer: string;
  /** Our shape (no batch dimension). */
  readonly shape: Shape;
  /**
   * Zero padding [top, left, bottom, right] of a Pad node not applied yet: only a Conv or an
   * AveragePool may read such a value (they take the padding over).
   */
  readonly pendingPad?: Padding;
}

/** A value of the ONNX graph. */
export type OnnxValue = OnnxConstant | OnnxActivation;

/** A layer being built (named once emitted). */
export type MutableLayer = LayerSpec & { name: string };

/** The node a handler converts, and the importer state it may use. Spec: §8.12.3 */
export interface OnnxNodeContext {
  /** The operator type, e.g. "Conv". */
  readonly op: string;
  /** The opset version of the default domain. */
  readonly opset: number;
  /** "ONNX node 3 (Conv "/conv1/Conv")": how every message names the node. */
  readonly label: string;
  readonly attrs: OnnxAttributes;
  /** Input names (may contain "" for omitted optional inputs). */
  readonly inputs: readonly string[];
  /** Output names. */
  readonly outputs: readonly string[];
  /** Whether output 0 is the graph output. */
  readonly isGraphOutput: boolean;
  /** Input k, which must be defined. */
  get(k: number): OnnxValue;
  /** Input k, or undefined when omitted. */
  optional(k: number): OnnxValue | undefined;
  /** Input k, which must be computed from the model input (and carry no pending Pad unless `allowPad`). */
  act(k: number, allowPad?: boolean): OnnxActivation;
  /** Input k, which must be a constant. */
  constant(k: number): OnnxConstant;
  /** Appends a layer computing output 0 with the given shape. */
  emit(layer: LayerSpec, shape: Shape): OnnxActivation;
  /** Makes output 0 stand for an existing value. */
  alias(value: OnnxValue): void;
  /** The emitted layer producing `layer`, if any (for folding a bias into it). */
  producer(layer: string): MutableLayer | undefined;
  /** How many nodes (and the graph output) read the value named `name`. */
  readers(name: string): number;
  /** Records a note for the user (something changed that does not change the prediction). */
  note(text: string): void;
  /** Refuses extra outputs that something reads. */
  onlyFirstOutput(): void;
}

/** One entry of the operator table: how to convert a node, and what the user reads about it. Spec: §8.12.3 */
export interface OnnxOperator {
  /** What the handler accepts and how it maps to layers (one line, for docs and `delphi inspect`). */
  readonly summary: string;
  convert(ctx: OnnxNodeContext): void;
}

/** A pair attribute ([h, w]) or the default. */
export function pairAttr(v: number[] | undefined, fallback: [number, number] | undefined, label: string, what: string): [number, number] {
  if (v === undefined) {
    if (!fallback) throw new MalformedInputError(`${label}: missing ${what}`);
    return fallback;
  }
  if (v.length !== 2 || v.some((x) => !Number.isSafeInteger(x) || x < 1)) {
    throw new UnsupportedError(`${label}: ${what} [${v.join(', ')}] must be two positive integers (2-D only)`);
  }
  return [v[0], v[1]];
}

/** Padding from `pads` ([top, left, bottom, right]) or `auto_pad`, for a window over [C, H, W]. */
export function padsFor(attrs: OnnxAttributes, shape: Shape, kernel: [number, number], stride: [number, number], label: string): Padding {
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

/** A constant of exactly n values, copied. */
export function vector(v: OnnxValue, n: number, label: string, what: string): Float64Array {
  if (v.kind !== 'const') throw new UnsupportedError(`${label}: ${what} must be a constant`);
  if (v.data.length !== n) throw new MalformedInputError(`${label}: ${what} has ${v.data.length} values, expected ${n}`);
  return Float64Array.from(v.data);
}

/** The sum of two paddings. */
export function addPadding(a: Padding | undefined, b: Padding): Padding {
  return a === undefined ? b : [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
}

/** Whether a padding is all zero. */
export function isZeroPadding(p: Padding | undefined): boolean {
  return p === undefined || p.every((v) => v === 0);
}
