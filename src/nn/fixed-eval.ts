/**
 * The fixed-point reference evaluator (§8.9): the normative definition of what the secure
 * protocol outputs. Tensors are signed integers held exactly in float64; a linear layer runs the
 * float kernels only when the sum of |products| provably stays below 2^53 (so every partial sum
 * is exact) and otherwise falls back to bigints. Every value of every tensor MUST lie in
 * [−(p−1)/2, (p−1)/2]; otherwise evaluation throws {@link OutOfRangeError} naming the layer.
 *
 * Spec: §8.9
 * @module
 */
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../errors.js';
import { P_HALF } from '../math/share-field.js';
import { quadraticFixed, relu6Fixed, reluFixed } from '../sharing/activations.js';
import type { FixedPointLayer, FixedPointModel, ScaleUnits } from './fixed-model.js';
import { fieldToSigned, quantize, signedToField } from '../sharing/fixed-point.js';
import { linearBias, linearRowNorm, runLinearKernel, type LinearLayer } from './linear-layers.js';
import { exactLinearBig } from './fixed-eval-reference.js';
import { formatShape, shapeSize, unflattenIndex, type Shape } from './tensor.js';

/** One intermediate tensor of a fixed-point evaluation. Spec: §8.9 */
export interface FixedPointTraceEntry {
  readonly name: string;
  readonly op: FixedPointLayer['op'];
  readonly shape: Shape;
  /** Scale in units of f. */
  readonly scale: ScaleUnits;
  /** Field elements (CHW order). */
  readonly values: bigint[];
}

/** Result of {@link evaluateFixedPoint}. Spec: §8.9 */
export interface FixedPointResult {
  /** The output tensor as field elements in [0, p). */
  readonly logits: bigint[];
  /** The output as reals: signed(logit) / 2^(outputScale·f). */
  readonly decoded: number[];
  /** Scale of the output in units of f. */
  readonly outputScale: ScaleUnits;
  /** The encoded input followed by every layer's output, when `trace` was requested. */
  readonly trace?: FixedPointTraceEntry[];
}

/** Options of {@link evaluateFixedPoint}. */
export interface EvaluateFixedPointOptions {
  /** Record every intermediate tensor (memory: one bigint per value). */
  trace?: boolean;
  /** Force the bigint path for every linear layer (for cross-checking; slow). */
  forceBigint?: boolean;
}

const EXACT = 2 ** 53;

/**
 * Encodes a real input at scale f: each value becomes quantize(v, f) mod p. Spec: §8.9
 */
export function encodeInput(model: FixedPointModel, input: ArrayLike<number>): bigint[] {
  return Array.from(readInput(model, input), signedToField);
}

/**
 * Evaluates a compiled model on one input: reals (encoded at scale f, §8.7) or field elements
 * (bigints in [0, p)). Returns the output as field elements and decoded reals. Spec: §8.9
 */
export function evaluateFixedPoint(
  model: FixedPointModel,
  input: ArrayLike<number> | readonly bigint[],
  options: EvaluateFixedPointOptions = {},
): FixedPointResult {
  const f = model.fractionalBits;
  const x0 = readInput(model, input);
  const outputs: Float64Array[] = [];
  const trace: FixedPointTraceEntry[] | undefined = options.trace ? [] : undefined;
  trace?.push({ name: 'input', op: 'flatten', shape: model.inputShape, scale: 1, values: Array.from(x0, signedToField) });
  model.layers.forEach((layer, k) => {
    const args = layer.inputs.map((j) => (j < 0 ? x0 : outputs[j]));
    const where = `fixed-point layer ${k} (${JSON.stringify(layer.name)}, from ${layer.origin.map((o) => JSON.stringify(o)).join(' + ')})`;
    let out: Float64Array;
    try {
      out = runLayer(layer, args, f, options.forceBigint === true);
    } catch (e) {
      if (e instanceof OutOfRangeError) throw new OutOfRangeError(`${where}: ${e.message}`, { cause: e });
      throw e;
    }
    checkRange(out, layer.shape, where);
    outputs.push(out);
    trace?.push({ name: layer.name, op: layer.op, shape: layer.shape, scale: layer.scale, values: Array.from(out, signedToField) });
  });
  const y = outputs[outputs.length - 1];
  const div = 2 ** (model.outputScale * f);
  return {
    logits: Array.from(y, signedToField),
    decoded: Array.from(y, (v) => v / div),
    outputScale: model.outputScale,
    ...(trace ? { trace } : {}),
  };
}

function readInput(model: FixedPointModel, input: ArrayLike<number> | readonly bigint[]): Float64Array {
  const n = shapeSize(model.inputShape);
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw new InvalidArgumentError('input must be an array of numbers or of field elements');
  }
  if (input.length !== n) {
    throw new SizeMismatchError(`input has ${input.length} values, the model expects ${n} (shape ${formatShape(model.inputShape)})`);
  }
  const out = new Float64Array(n);
  const isField = n > 0 && typeof input[0] === 'bigint';
  for (let i = 0; i < n; i++) {
    const v: unknown = input[i];
    if (isField) {
      if (typeof v !== 'bigint') throw new InvalidArgumentError(`input[${i}]: mixed bigints and numbers`);
      out[i] = fieldToSigned(v);
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`input[${i}] is not a finite number`);
      out[i] = quantize(v, model.fractionalBits);
    }
  }
  return out;
}

function checkRange(out: Float64Array, shape: Shape, where: string): void {
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (!(v <= P_HALF && v >= -P_HALF)) {
      throw new OutOfRangeError(
        `${where}: value ${v} at [${unflattenIndex(shape, i).join(', ')}] is outside ±(p−1)/2; ` +
          'use fewer fractional bits or smaller weights/inputs (see analyzeRange)',
      );
    }
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Per layer: the row norm and max |bias|, computed once. */
const norms = new WeakMap<LinearLayer, { row: number; bias: number }>();

function linearNorms(layer: LinearLayer): { row: number; bias: number } {
  let r = norms.get(layer);
  if (!r) {
    const bias = linearBias(layer);
    norms.set(layer, (r = { row: linearRowNorm(layer), bias: bias ? maxAbs(bias) : 0 }));
  }
  return r;
}

function runLayer(layer: FixedPointLayer, args: Float64Array[], f: number, forceBigint: boolean): Float64Array {
  const [x] = args;
  switch (layer.op) {
    case 'conv2d':
    case 'dense':
    case 'scale':
    case 'sumPool2d': {
      const { row, bias } = linearNorms(layer);
      // Every partial sum is bounded by Σ|w|·max|x| + |b|; below 2^53 float64 is exact.
      if (!forceBigint && row * maxAbs(x) + bias < EXACT) return runLinearKernel(layer, x);
      const exact = exactLinearBig(layer, Array.from(x, (v) => BigInt(v)));
      const limit = BigInt(P_HALF);
      return Float64Array.from(exact, (v) => (v > limit || v < -limit ? Infinity * (v > 0n ? 1 : -1) : Number(v)));
    }
    case 'flatten':
      return x;
    case 'add': {
      const [a, b] = args;
      const ka = layer.lift[0] ? 2 ** f : 1;
      const kb = layer.lift[1] ? 2 ** f : 1;
      const out = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) {
        // Products by powers of two are exact; a lifted operand beyond 2·(p−1)/2 cannot be
        // brought back into range by the other, so the sum is exact whenever it matters.
        const u = a[i] * ka;
        const v = b[i] * kb;
        out[i] = Math.abs(u) > 2 * P_HALF || Math.abs(v) > 2 * P_HALF ? Infinity : u + v;
      }
      return out;
    }
    case 'relu':
      return x.map((y) => reluFixed(y, f));
    case 'relu6':
      return x.map((y) => relu6Fixed(y, f));
    case 'quadratic':
      return x.map((y) => quadraticFixed(y, layer, f));
  }
}
