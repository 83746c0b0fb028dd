/**
 * Loading a model to serve or inspect (§8.15): a delphi-ts JSON model or an ONNX file, its
 * precision (chosen for ONNX models unless forced; a JSON model keeps the precision it records)
 * and the compiled fixed-point program, with the notes and warnings the user should read.
 *
 * Spec: §8.15
 * @module
 */
import { MalformedInputError } from '../errors.js';
import { compileFixedPoint } from './compile.js';
import type { FixedPointModel } from './fixed-model.js';
import { parseModel } from './import/json.js';
import type { Model } from './layers.js';
import { importOnnxReport } from './import/onnx.js';
import { checkFixedPointPrecision, chooseFixedPointPrecision, type PrecisionChoice, type PrecisionOptions } from './precision.js';

/** Options of {@link loadModelBytes}. Spec: §8.15 */
export interface LoadModelOptions extends Omit<PrecisionOptions, 'candidates'> {
  /** Force f (`--fractional-bits N`): checked, broken bounds become warnings. */
  fractionalBits?: number;
  /** Choose the precision of a JSON model too (default: only for ONNX models). */
  choosePrecision?: boolean;
}

/** A loaded model. Spec: §8.15 */
export interface LoadedModel {
  readonly format: 'json' | 'onnx';
  readonly model: Model;
  readonly fixedPoint: FixedPointModel;
  /** The evidence for the precision used (null: a JSON model's own precision, not checked). */
  readonly precision: PrecisionChoice | null;
  /** Conversion notes (ONNX import). */
  readonly notes: readonly string[];
  /** Broken bounds of a forced or relaxed precision. */
  readonly warnings: readonly string[];
}

/** Whether the bytes look like a JSON document (first non-blank byte `{`). */
export function isJsonModelBytes(bytes: Uint8Array): boolean {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first === 0x7b;
}

/** The input shape of a JSON or ONNX model file (to read calibration inputs before loading). Spec: §8.15 */
export function modelInputShape(bytes: Uint8Array): readonly number[] {
  return (isJsonModelBytes(bytes) ? parseModel(new TextDecoder().decode(bytes)) : importOnnxReport(bytes).model).inputShape;
}

/**
 * Reads a JSON or ONNX model, settles its precision (§8.15) and compiles it (§8.8). `what` names
 * the source in messages (e.g. the file path). Spec: §8.15
 */
export function loadModelBytes(bytes: Uint8Array, what: string, options: LoadModelOptions = {}): LoadedModel {
  let model: Model;
  let notes: readonly string[] = [];
  const format = isJsonModelBytes(bytes) ? 'json' : 'onnx';
  if (format === 'json') {
    model = parseModel(new TextDecoder().decode(bytes));
  } else {
    try {
      ({ model, notes } = importOnnxReport(bytes));
    } catch (e) {
      if (e instanceof MalformedInputError) throw new MalformedInputError(`${what} is neither a delphi-ts JSON model nor an ONNX model (${e.message})`);
      throw e;
    }
  }
  let precision: PrecisionChoice | null = null;
  if (options.fractionalBits !== undefined) precision = checkFixedPointPrecision(model, options.fractionalBits, options);
  else if (format === 'onnx' || options.choosePrecision) precision = chooseFixedPointPrecision(model, options);
  const f = precision?.fractionalBits ?? model.fractionalBits;
  const fixedPoint = compileFixedPoint(model, { fractionalBits: f });
  return { format, model: { ...model, fractionalBits: f }, fixedPoint, precision, notes, warnings: precision?.warnings ?? [] };
}
