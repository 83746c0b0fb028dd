/**
 * The planner's cost model (§10.4.1) as a value: what one activation element costs the secure
 * protocol, for a ReLU6 (garbled circuit + correlated OT for the client's input labels) and for a
 * quadratic (Beaver square), in preprocessing and online time and bytes, plus the per-operation
 * times of the whole-inference model (§10.4.6); the cost of a model under it; and reading one from
 * JSON. The planner knows no cryptography: the default model, the estimate of a model's cost and
 * the calibration that measures the project's own protocols live in src/protocol/backends.
 *
 * Spec: §10.4.1
 * @module
 */
import { MalformedInputError } from '../errors.js';

/** Time and traffic of one activation element in one phase. Spec: §10.4.1 */
export interface UnitCost {
  /** Milliseconds of computation, both parties together. */
  readonly ms: number;
  /** Bytes sent, both directions together. */
  readonly bytes: number;
}

/** Cost of one activation element. Spec: §10.4.1 */
export interface ActivationUnitCost {
  readonly preprocessing: UnitCost;
  readonly online: UnitCost;
}

/** The `format` of a cost-model file. */
export const COST_MODEL_FORMAT = 'delphi-ts-cost-model';

/**
 * Milliseconds of a whole inference with Delphi's backend (§10.4.6), wall-clock with both parties
 * on one machine: per operation of a weighted layer's packing plan (§4.15), per activation element
 * and layer as measured inside the full protocol (which costs more than the isolated kernels that
 * {@link CostModel.relu} times), and per Galois key of the setup. Spec: §10.4.6
 */
export interface InferenceTimeCosts {
  /** Preprocessing, per weighted layer: fixed part. */
  readonly linearLayerMs: number;
  /** Per Galois automorphism with key switching. */
  readonly rotationMs: number;
  /** Per digit decomposition of a rotated ciphertext. */
  readonly decompositionMs: number;
  /** Per ciphertext × plaintext product (weights encoded on the fly). */
  readonly plainProductMs: number;
  /** Online: the server's M·(x − r), per multiply-accumulate. */
  readonly onlineMsPerMac: number;
  /** ReLU preprocessing (garbling, OT extension): per element and per layer. */
  readonly reluPreprocessingMs: number;
  readonly reluPreprocessingLayerMs: number;
  /** ReLU online (labels, evaluation, reshare): per element and per layer. */
  readonly reluOnlineMs: number;
  readonly reluOnlineLayerMs: number;
  /** Quadratic preprocessing: per ciphertext batch of BFV square pairs. */
  readonly squareBatchMs: number;
  /** Quadratic online, per element. */
  readonly quadraticOnlineMs: number;
  /** Setup: per Galois key (generation, transfer, the server's parsing), and the fixed part. */
  readonly galoisKeyMs: number;
  readonly setupMs: number;
}

/** Per-element costs of ReLU6 and quadratic activations, and whole-inference timing. Spec: §10.4.1, §10.4.6 */
export interface CostModel {
  readonly format: typeof COST_MODEL_FORMAT;
  readonly version: 1;
  readonly relu: ActivationUnitCost;
  readonly quadratic: ActivationUnitCost;
  /** Whole-inference timing (§10.4.6); absent in files written before it existed (the default is used). */
  readonly inference?: InferenceTimeCosts;
  /** How the numbers were obtained (free text and settings). */
  readonly calibration: { readonly elements: number; readonly software: string; readonly note: string };
}

/**
 * Whole-inference timing fitted to in-process runs (memory channel, both parties in one Node 20
 * process) of models/mnist-small.json, mnist-small-qr.json and mnist-delphi.json with Delphi's
 * backend (generator Galois keys, compact seeded BFV objects, online at the label floor) on the
 * project's development machine (Linux x86-64, 2 cores shared with other jobs, load average ≈ 13;
 * test/fixtures/planner/real-runs.json has the runs, per layer). Fitted per layer (linear layers
 * within 1.25×, activation layers within 2×: their times vary most from run to run there); the
 * phases come within 1.5×. Rerun on yours. Spec: §10.4.6
 */
export const DEFAULT_INFERENCE_TIME_COSTS: InferenceTimeCosts = Object.freeze({
  linearLayerMs: 20,
  rotationMs: 75,
  decompositionMs: 10,
  plainProductMs: 3,
  onlineMsPerMac: 0.0003,
  reluPreprocessingMs: 0.32,
  reluPreprocessingLayerMs: 65,
  reluOnlineMs: 0.16,
  reluOnlineLayerMs: 10,
  squareBatchMs: 130,
  quadraticOnlineMs: 0.047,
  galoisKeyMs: 460,
  setupMs: 0,
});

/** Cost of one activation layer under a cost model. Spec: §10.4.1 */
export interface LayerCost {
  readonly name: string;
  readonly kind: 'relu' | 'relu6' | 'quadratic';
  readonly elements: number;
  readonly preprocessing: UnitCost;
  readonly online: UnitCost;
}

/**
 * Cost of a model: its activations (per-element unit costs, what plans change) plus its linear
 * layers and the protocol's fixed messages (§10.4.6; the same for every plan). Spec: §10.4.1, §10.4.6
 */
export interface ModelCost {
  /** The activation layers. */
  readonly layers: readonly LayerCost[];
  readonly relus: number;
  readonly quadratics: number;
  /** The linear layers, the masked input and the output share (§10.4.6), included in the phases below. */
  readonly linear: { readonly preprocessing: UnitCost; readonly online: UnitCost };
  /** Setup (keys; once per client, not in `total`). */
  readonly setup: UnitCost;
  readonly preprocessing: UnitCost;
  readonly online: UnitCost;
  /** preprocessing + online. */
  readonly total: UnitCost;
}

/** Reads and checks a cost-model JSON document. Spec: §10.4.1 */
export function parseCostModel(json: string | unknown): CostModel {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new MalformedInputError(`cost model JSON does not parse: ${(e as Error).message}`, { cause: e });
    }
  }
  const o = doc as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.format !== COST_MODEL_FORMAT || o.version !== 1) {
    throw new MalformedInputError(`a cost model needs "format": "${COST_MODEL_FORMAT}" and "version": 1`);
  }
  const unit = (v: unknown, what: string): UnitCost => {
    const u = v as Record<string, unknown>;
    if (typeof u !== 'object' || u === null || !(Number(u.ms) >= 0) || !(Number(u.bytes) >= 0) || typeof u.ms !== 'number' || typeof u.bytes !== 'number' || !Number.isFinite(u.ms) || !Number.isFinite(u.bytes)) {
      throw new MalformedInputError(`cost model ${what}: needs finite "ms" ≥ 0 and "bytes" ≥ 0`);
    }
    return { ms: u.ms, bytes: u.bytes };
  };
  const entry = (v: unknown, what: string): ActivationUnitCost => {
    const e = v as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) throw new MalformedInputError(`cost model: "${what}" must be an object`);
    return { preprocessing: unit(e.preprocessing, `${what}.preprocessing`), online: unit(e.online, `${what}.online`) };
  };
  const cal = (o.calibration ?? {}) as Record<string, unknown>;
  let inference: InferenceTimeCosts | undefined;
  if (o.inference !== undefined) {
    const t = o.inference as Record<string, unknown>;
    if (typeof t !== 'object' || t === null) throw new MalformedInputError('cost model: "inference" must be an object');
    for (const key of Object.keys(DEFAULT_INFERENCE_TIME_COSTS)) {
      const v = t[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new MalformedInputError(`cost model inference.${key}: needs a finite number ≥ 0`);
    }
    inference = Object.fromEntries(Object.keys(DEFAULT_INFERENCE_TIME_COSTS).map((k) => [k, t[k]])) as unknown as InferenceTimeCosts;
  }
  return {
    format: COST_MODEL_FORMAT,
    version: 1,
    relu: entry(o.relu, 'relu'),
    quadratic: entry(o.quadratic, 'quadratic'),
    ...(inference ? { inference } : {}),
    calibration: {
      elements: typeof cal.elements === 'number' ? cal.elements : 0,
      software: typeof cal.software === 'string' ? cal.software : 'unknown',
      note: typeof cal.note === 'string' ? cal.note : '',
    },
  };
}
