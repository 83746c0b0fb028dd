/**
 * Choosing the fixed-point precision for the user (§8.15): for every candidate number of
 * fractional bits f, three checks — a worst-case overflow bound per layer (range analysis,
 * §8.11), a bound on the probability that a local truncation of the protocol fails somewhere in
 * one inference (§7.4.1), and agreement with the float model on calibration inputs (given by the
 * user, or synthetic ones drawn from the declared input range) — then the smallest f that passes
 * them all with a logit error within the target.
 *
 * Spec: §8.15
 * @module
 */
import { InvalidArgumentError, OutOfRangeError } from '../errors.js';
import { P } from '../math/share-field.js';
import { compileFixedPoint } from './compile.js';
import { UnsupportedError } from './errors.js';
import { evaluateFixedPoint } from './fixed-eval.js';
import type { FixedPointModel } from './fixed-model.js';
import { evaluateFloat } from './float-eval.js';
import { uniformSymmetric } from './init.js';
import type { Model } from './layers.js';
import { MAX_MODEL_FRACTIONAL_BITS } from './model.js';
import { analyzeRange } from './range.js';
import { fieldToSigned } from '../sharing/fixed-point.js';
import { shapeSize } from './tensor.js';
import { fromTextSeed } from '../random/index.js';

/** The truncation-failure bound a chosen precision should keep (§7.4.1): 2^−20 per inference. Spec: §8.15 */
export const MAX_TRUNCATION_FAILURE = 2 ** -20;

/** Options of {@link chooseFixedPointPrecision}. Spec: §8.15 */
export interface PrecisionOptions {
  /** Calibration inputs (reals, one array per input); default: synthetic inputs from `inputRange`. */
  calibration?: readonly ArrayLike<number>[];
  /** Range of every input element for the worst-case bound and synthetic inputs (default [0, 1]). */
  inputRange?: { min: number; max: number };
  /** Number of synthetic calibration inputs (default 16). */
  syntheticInputs?: number;
  /** Candidates for f, tried in order (default 6 … 19). */
  candidates?: readonly number[];
  /** Largest acceptable truncation-failure probability per inference (default 2^−20). */
  maxTruncationFailure?: number;
}

/** How one precision fares. Spec: §8.15 */
export interface PrecisionCandidate {
  readonly fractionalBits: number;
  /** Fewest bits of room left below (p−1)/2 over every layer's worst-case bound (negative: may overflow). */
  readonly overflowHeadroomBits: number;
  /** First layer whose worst-case bound exceeds (p−1)/2, or null. */
  readonly firstOverflow: string | null;
  /** P[some local truncation fails in one inference] (§7.4.1) for inputs like the calibration ones. */
  readonly truncationFailure: number;
  /** The same with the worst-case magnitudes of the range analysis (any input in the range). */
  readonly worstCaseTruncationFailure: number;
  /** Calibration inputs whose fixed-point prediction equals the float prediction. */
  readonly agreeing: number;
  readonly calibrationInputs: number;
  /** Largest |fixed − float| over all logits of the calibration inputs (Infinity if evaluation failed). */
  readonly maxLogitError: number;
  /** Largest |float logit| over the calibration inputs. */
  readonly maxLogit: number;
  /** Why the candidate is not acceptable (empty when it is). */
  readonly problems: readonly string[];
}

/** The chosen precision and the evidence. Spec: §8.15 */
export interface PrecisionChoice extends PrecisionCandidate {
  readonly calibration: 'inputs' | 'synthetic';
  readonly inputRange: { readonly min: number; readonly max: number };
  readonly candidates: readonly PrecisionCandidate[];
  /** Warnings for the user (a bound broken by the chosen precision). */
  readonly warnings: readonly string[];
}

/**
 * Bound on the probability that one of the protocol's local truncations fails in one inference
 * (§7.4.1): a quadratic layer truncates its input (scale 2f → f), the square x_f² (scale 2f) and
 * a2·x_f² + a1·x_f (scale 2f), each failing with probability |x̃|/p; ReLUs truncate inside the
 * garbled circuit and never fail. `inputMagnitude(k)` bounds |x̃| of quadratic layer k's input
 * (scale 2f): the worst case of the range analysis, or the largest value seen on calibration
 * inputs. Spec: §8.15
 */
export function truncationFailureBound(model: FixedPointModel, inputMagnitude: (layer: number) => number): number {
  const f = model.fractionalBits;
  let total = 0;
  model.layers.forEach((layer, k) => {
    if (layer.op !== 'quadratic') return;
    const x2 = inputMagnitude(k);
    const xf = x2 / 2 ** f;
    const square = xf * xf;
    const poly = (Math.abs(layer.a2) * square) / 2 ** f + Math.abs(layer.a1) * xf + Math.abs(layer.a0) * 2 ** f;
    total += (shapeSize(layer.shape) * (x2 + square + poly)) / P;
  });
  return Math.min(1, total);
}

/** Checks one precision f (§8.15). Spec: §8.15 */
export function evaluatePrecision(
  model: Model,
  fractionalBits: number,
  inputs: readonly ArrayLike<number>[],
  inputRange: { min: number; max: number },
  maxTruncationFailure = MAX_TRUNCATION_FAILURE,
): PrecisionCandidate {
  const f = fractionalBits;
  const problems: string[] = [];
  const failed = (why: string, headroom: number, firstOverflow: string | null): PrecisionCandidate => ({
    fractionalBits: f, overflowHeadroomBits: headroom, firstOverflow, truncationFailure: 1, worstCaseTruncationFailure: 1,
    agreeing: 0, calibrationInputs: inputs.length, maxLogitError: Infinity, maxLogit: 0, problems: [why],
  });
  let fp: FixedPointModel;
  try {
    fp = compileFixedPoint(model, { fractionalBits: f });
  } catch (e) {
    if (!(e instanceof OutOfRangeError)) throw e;
    return failed(`a weight does not fit the field: ${e.message}`, -Infinity, null);
  }
  const range = analyzeRange(fp, inputRange);
  const headroom = Math.min(...range.entries.map((e) => e.headroomBits));
  if (!range.fits) return failed(`the worst-case bound of layer ${JSON.stringify(range.firstOverflow)} exceeds the 41-bit field`, headroom, range.firstOverflow);
  const worstCaseTruncationFailure = truncationFailureBound(fp, (k) => range.entries[fp.layers[k].inputs[0] + 1].maxAbs);
  const seen = new Float64Array(fp.layers.length + 1);
  let agreeing = 0;
  let maxErr = 0;
  let maxLogit = 0;
  for (const x of inputs) {
    const want = evaluateFloat(model, x);
    let got: number[];
    try {
      const r = evaluateFixedPoint(fp, x, { trace: fp.layers.some((l) => l.op === 'quadratic') });
      got = r.decoded;
      r.trace?.forEach((t, k) => {
        for (const v of t.values) seen[k] = Math.max(seen[k], Math.abs(fieldToSigned(v)));
      });
    } catch (e) {
      if (!(e instanceof OutOfRangeError)) throw e;
      maxErr = Infinity;
      continue;
    }
    if (argmax(got) === argmax(want)) agreeing++;
    want.forEach((v, i) => {
      maxErr = Math.max(maxErr, Math.abs(got[i] - v));
      maxLogit = Math.max(maxLogit, Math.abs(v));
    });
  }
  if (agreeing < inputs.length) problems.push(`${inputs.length - agreeing} of ${inputs.length} calibration inputs get another prediction than the float model`);
  const truncationFailure = truncationFailureBound(fp, (k) => seen[fp.layers[k].inputs[0] + 1]);
  if (truncationFailure > maxTruncationFailure) problems.push(`local truncation fails with probability up to ${truncationFailure.toExponential(1)} per inference (> 2^${Math.log2(maxTruncationFailure)})`);
  return { fractionalBits: f, overflowHeadroomBits: headroom, firstOverflow: null, truncationFailure, worstCaseTruncationFailure, agreeing, calibrationInputs: inputs.length, maxLogitError: maxErr, maxLogit, problems };
}

/**
 * The logit error a chosen precision aims at: 1 % of the largest |float logit| on the
 * calibration inputs, at least 2^−12 (five times tighter than the acceptance tolerance
 * max(0.02, 5 %) of the PyTorch fixtures). Spec: §8.15
 */
export function targetLogitError(maxLogit: number): number {
  return Math.max(2 ** -12, 0.01 * maxLogit);
}

/**
 * Chooses f for a model (§8.15). Candidates are tried from the smallest f up (the smaller f, the
 * more headroom and the smaller the truncation risk); the first one is chosen whose worst-case
 * bounds fit the field, whose predictions equal the float model's on every calibration input,
 * whose logit error is within {@link targetLogitError} and whose truncation-failure probability
 * is ≤ 2^−20. If none is, the truncation bound, then the error target, are relaxed (with a
 * warning): the smallest f that still fits and agrees, else the most accurate one. Throws
 * {@link UnsupportedError} when no candidate fits the field and agrees on every input. Spec: §8.15
 */
export function chooseFixedPointPrecision(model: Model, options: PrecisionOptions = {}): PrecisionChoice {
  const inputRange = options.inputRange ?? { min: 0, max: 1 };
  const limit = options.maxTruncationFailure ?? MAX_TRUNCATION_FAILURE;
  const inputs = calibrationInputs(model, options);
  const base = { calibration: options.calibration ? ('inputs' as const) : ('synthetic' as const), inputRange };
  const candidates: PrecisionCandidate[] = [];
  const accurate = (c: PrecisionCandidate): boolean => c.maxLogitError <= targetLogitError(c.maxLogit);
  const sound = (c: PrecisionCandidate): boolean => c.firstOverflow === null && Number.isFinite(c.maxLogitError) && c.agreeing === c.calibrationInputs;
  for (const f of options.candidates ?? range(6, MAX_MODEL_FRACTIONAL_BITS)) {
    const c = evaluatePrecision(model, f, inputs, inputRange, limit);
    candidates.push(c);
    if (c.problems.length === 0 && accurate(c)) return { ...c, ...base, candidates, warnings: [] };
  }
  const relaxed = candidates.find((c) => sound(c) && accurate(c));
  if (relaxed) {
    return { ...relaxed, ...base, candidates, warnings: [`no precision keeps local truncation failures ≤ 2^${Math.log2(limit)} per inference; f = ${relaxed.fractionalBits}: ${relaxed.problems.join('; ')}`] };
  }
  const fallback = candidates.filter(sound).reduce<PrecisionCandidate | undefined>((b, c) => (b === undefined || c.maxLogitError < b.maxLogitError ? c : b), undefined);
  if (fallback) {
    const warnings = [`no precision reaches the logit-error target ${targetLogitError(fallback.maxLogit).toExponential(1)}; f = ${fallback.fractionalBits} is the most accurate (max error ${fallback.maxLogitError.toExponential(1)})`, ...fallback.problems];
    return { ...fallback, ...base, candidates, warnings };
  }
  const summary = candidates.map((c) => `f = ${c.fractionalBits}: ${c.problems[0]}`).join('; ');
  throw new UnsupportedError(`no fixed-point precision fits model ${JSON.stringify(model.name)} (inputs in [${inputRange.min}, ${inputRange.max}]): ${summary}`);
}

/**
 * Checks a precision the user forces (`--fractional-bits N`): the same evidence as
 * {@link chooseFixedPointPrecision}, with every broken bound (and a logit error above
 * {@link targetLogitError}) as a warning. Spec: §8.15
 */
export function checkFixedPointPrecision(model: Model, fractionalBits: number, options: PrecisionOptions = {}): PrecisionChoice {
  const inputRange = options.inputRange ?? { min: 0, max: 1 };
  const c = evaluatePrecision(model, fractionalBits, calibrationInputs(model, options), inputRange, options.maxTruncationFailure);
  return {
    ...c,
    calibration: options.calibration ? 'inputs' : 'synthetic',
    inputRange,
    candidates: [c],
    warnings: [
      ...c.problems,
      ...(Number.isFinite(c.maxLogitError) && c.maxLogitError > targetLogitError(c.maxLogit)
        ? [`the logit error ${c.maxLogitError.toExponential(1)} exceeds the target ${targetLogitError(c.maxLogit).toExponential(1)}`]
        : []),
    ].map((p) => `--fractional-bits ${fractionalBits}: ${p}`),
  };
}

/** The calibration inputs: the user's, or `syntheticInputs` uniform draws from the input range (seeded). */
function calibrationInputs(model: Model, options: PrecisionOptions): ArrayLike<number>[] {
  const n = shapeSize(model.inputShape);
  if (options.calibration) {
    if (options.calibration.length === 0) throw new InvalidArgumentError('calibration: need at least one input');
    for (const x of options.calibration) {
      if (x.length !== n) throw new InvalidArgumentError(`calibration input has ${x.length} values, the model takes ${n}`);
    }
    return [...options.calibration];
  }
  const { min, max } = options.inputRange ?? { min: 0, max: 1 };
  const rng = fromTextSeed(`delphi-ts/nn/precision/${model.name}`);
  const count = options.syntheticInputs ?? 16;
  return Array.from({ length: count }, () => uniformSymmetric(rng, n, (max - min) / 2).map((v) => v + (max + min) / 2));
}

function argmax(v: ArrayLike<number>): number {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[k]) k = i;
  return k;
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}
