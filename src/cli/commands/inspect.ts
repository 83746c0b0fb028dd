/**
 * `delphi inspect --model M`: what a model is and what it will cost before serving it — its
 * layers with shapes, ReLU and quadratic counts, the fixed-point precision (chosen as `serve`
 * chooses it, §8.15) with its overflow margin and truncation risk, and the predicted bytes and
 * time of every phase from the cost model (§10.4.6), linear layers included.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkFixedPointPrecision, loadModelBytes, modelInputShape, validateModel, type LoadedModel } from '../../nn/index.js';
import { formatShape } from '../../nn/tensor.js';
import { DEFAULT_COST_MODEL, estimateInferenceCost, type InferenceCostEstimate } from '../../protocol/backends/inference-cost.js';
import { parseCostModel } from '../../planner/index.js';
import { formatBytes } from '../../protocol/index.js';
import { loadCalibrationInputs } from '../calibration.js';
import { EXIT, positiveInteger, UsageError, type CliCommand, type CliIo } from '../command.js';
import { formatMs } from '../remote.js';

const usage = `Usage: delphi inspect --model FILE [options]

Shows a model (delphi-ts JSON or ONNX) before serving it: its layers and shapes, ReLU and
quadratic counts, the fixed-point precision that "delphi serve" uses (chosen for ONNX models, the
recorded one for JSON models) with its overflow headroom and truncation-failure probability, and
the predicted bytes and time of setup, preprocessing and online with Delphi's backend.

  --model FILE            the model (JSON or ONNX)
  --fractional-bits N     force the precision (as "delphi serve --fractional-bits")
  --choose-precision      choose the precision of a JSON model too
  --calibrate DIR|FILE    calibration inputs (PNG / JSON tensors, or {"inputs": [...]}) instead of
                          synthetic ones
  --input-range LO,HI     range of every input value (default 0,1)
  --cost-model FILE       per-operation costs (from "delphi plan --recalibrate"; default: built in)
  --json                  print JSON instead of text`;

/** `delphi inspect`. */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'show a model: layers, ReLU count, chosen precision, predicted bytes and time',
  usage,
  run: runInspect,
};

/** What `delphi inspect --json` prints. */
export interface InspectReport {
  readonly model: { readonly name: string; readonly format: 'json' | 'onnx'; readonly inputShape: readonly number[] };
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  readonly layers: readonly { readonly name: string; readonly type: string; readonly shape: readonly number[] }[];
  readonly fixedPointLayers: readonly { readonly name: string; readonly op: string; readonly shape: readonly number[]; readonly scale: number }[];
  readonly relus: number;
  readonly quadratics: number;
  readonly precision: {
    readonly fractionalBits: number;
    readonly chosen: boolean;
    readonly calibration: string | null;
    readonly maxLogitError: number | null;
    readonly overflowHeadroomBits: number | null;
    readonly truncationFailure: number | null;
    readonly worstCaseTruncationFailure: number | null;
  };
  readonly cost: {
    readonly setup: { readonly bytes: number; readonly ms: number };
    readonly preprocessing: { readonly bytes: number; readonly ms: number };
    readonly online: { readonly bytes: number; readonly ms: number };
    readonly galoisKeys: number;
    readonly layers: readonly { readonly name: string; readonly op: string; readonly preprocessingBytes: number; readonly preprocessingMs: number; readonly onlineBytes: number; readonly onlineMs: number }[];
  };
}

async function runInspect(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      'fractional-bits': { type: 'string' },
      'choose-precision': { type: 'boolean' },
      calibrate: { type: 'string' },
      'input-range': { type: 'string' },
      'cost-model': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.model === undefined) throw new UsageError('--model FILE is required');
  const bytes = new Uint8Array(await readFile(values.model));
  const inputRange = values['input-range'] === undefined ? undefined : parseRange(values['input-range']);
  const shape = modelInputShape(bytes);
  const calibration = values.calibrate === undefined ? undefined : await loadCalibrationInputs(values.calibrate, shape);
  const loaded = loadModelBytes(bytes, values.model, {
    ...(values['fractional-bits'] === undefined ? {} : { fractionalBits: positiveInteger(values['fractional-bits'], '--fractional-bits') }),
    ...(calibration ? { calibration } : {}),
    ...(inputRange ? { inputRange } : {}),
    choosePrecision: values['choose-precision'] === true,
  });
  const costs = values['cost-model'] === undefined ? DEFAULT_COST_MODEL : parseCostModel(await readFile(values['cost-model'], 'utf8'));
  // A JSON model keeps its own precision; show the same evidence for it.
  const evidence = loaded.precision ?? checkFixedPointPrecision(loaded.model, loaded.model.fractionalBits, { ...(calibration ? { calibration } : {}), ...(inputRange ? { inputRange } : {}) });
  const report = inspectReport({ ...loaded, precision: evidence, warnings: loaded.precision ? loaded.warnings : evidence.problems.map((w) => `the model's ${evidence.fractionalBits} fractional bits: ${w}`) }, estimateInferenceCost(loaded.fixedPoint, costs), values['choose-precision'] === true || (loaded.format === 'onnx' && values['fractional-bits'] === undefined));
  if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(formatInspectReport(report));
  for (const w of report.warnings) io.err(`warning: ${w}\n`);
  return EXIT.OK;
}

function parseRange(text: string): { min: number; max: number } {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v)) || parts[0] > parts[1]) throw new UsageError(`--input-range takes LO,HI with LO ≤ HI, got "${text}"`);
  return { min: parts[0], max: parts[1] };
}

/** Builds the report of a loaded model and its cost estimate. */
export function inspectReport(loaded: LoadedModel, cost: InferenceCostEstimate, chosen: boolean): InspectReport {
  const graph = validateModel(loaded.model);
  const p = loaded.precision;
  const round = (u: { bytes: number; ms: number }): { bytes: number; ms: number } => ({ bytes: Math.round(u.bytes), ms: Math.round(u.ms) });
  return {
    model: { name: loaded.model.name, format: loaded.format, inputShape: [...loaded.model.inputShape] },
    notes: loaded.notes,
    warnings: loaded.warnings,
    layers: graph.nodes.map((n) => ({ name: n.layer.name, type: n.layer.type, shape: [...n.shape] })),
    fixedPointLayers: loaded.fixedPoint.layers.map((l) => ({ name: l.name, op: l.op, shape: [...l.shape], scale: l.scale })),
    relus: cost.relus,
    quadratics: cost.quadratics,
    precision: {
      fractionalBits: loaded.fixedPoint.fractionalBits,
      chosen,
      calibration: p?.calibration ?? null,
      maxLogitError: p ? p.maxLogitError : null,
      overflowHeadroomBits: p ? p.overflowHeadroomBits : null,
      truncationFailure: p ? p.truncationFailure : null,
      worstCaseTruncationFailure: p ? p.worstCaseTruncationFailure : null,
    },
    cost: {
      setup: round(cost.setup),
      preprocessing: round(cost.preprocessing),
      online: round(cost.online),
      galoisKeys: cost.galoisKeys,
      layers: cost.steps
        .filter((s) => s.preprocessing.bytes > 0 || s.online.bytes > 0)
        .map((s) => ({ name: s.name, op: s.op, preprocessingBytes: Math.round(s.preprocessing.bytes), preprocessingMs: Math.round(s.preprocessing.ms), onlineBytes: Math.round(s.online.bytes), onlineMs: Math.round(s.online.ms) })),
    },
  };
}

const exp = (v: number | null): string => (v === null ? 'n/a' : v === 0 ? '0' : v.toExponential(1));

/** The text form of {@link InspectReport}. */
export function formatInspectReport(r: InspectReport): string {
  const lines = [`model "${r.model.name}" (${r.model.format}), input ${formatShape(r.model.inputShape)}`];
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push('layers:');
  for (const l of r.layers) lines.push(`  ${l.name.padEnd(28)} ${l.type.padEnd(10)} ${formatShape(l.shape)}`);
  lines.push(`activations: ${r.relus} ReLU, ${r.quadratics} quadratic`);
  const p = r.precision;
  const how = p.chosen ? `chosen on ${p.calibration === 'inputs' ? 'the given' : 'synthetic'} calibration inputs` : 'given';
  lines.push(`precision: ${p.fractionalBits} fractional bits (${how})`);
  if (p.maxLogitError !== null) {
    lines.push(`  max logit error ${exp(p.maxLogitError)}, overflow headroom ${p.overflowHeadroomBits!.toFixed(1)} bits, truncation failure ${exp(p.truncationFailure)} per inference (worst case ${exp(p.worstCaseTruncationFailure)})`);
  }
  lines.push('predicted cost (Delphi backend):');
  for (const [phase, u] of [['setup', r.cost.setup], ['preprocessing', r.cost.preprocessing], ['online', r.cost.online]] as const) {
    lines.push(`  ${phase.padEnd(14)} ${formatBytes(u.bytes).padStart(9)}  ${formatMs(u.ms).padStart(9)}`);
  }
  lines.push(`  (${r.cost.galoisKeys} Galois keys in setup)`);
  return `${lines.join('\n')}\n`;
}
