/**
 * The planner's cost model (§10.4.1): what one activation element costs the secure protocol, for
 * a ReLU6 (garbled circuit + correlated OT for the client's input labels) and for a quadratic
 * (Beaver square), in preprocessing and online time and bytes; and its calibration by timing the
 * project's own garbling, OT extension and Beaver code over in-memory channels.
 *
 * Spec: §10.4.1
 * @module
 */
import { bfvTripleClientSource, bfvTripleServerSource, dealSquarePairs, quadraticActivation } from '../beaver/index.js';
import { createBfvContext, generatePublicKey, generateSecretKey } from '../bfv/index.js';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { evaluateRelus, garbleRelus, reluClientChoiceBits, reluClientZeroLabels, reluCost, reluServerLabels } from '../gc/relu.js';
import { P } from '../math/share-field.js';
import { memoryChannelPair } from '../net/channel.js';
import { compileFixedPoint, countActivations, validateModel, type Model } from '../nn/index.js';
import { shapeSize } from '../nn/tensor.js';
import { cotReceive, cotSend } from '../ot/index.js';
import { delphiBfvParameters } from '../protocol/bfv-linear.js';
import { fromTextSeed, uniformBelow, type Rng } from '../random/index.js';
import { VERSION } from '../version.js';
import { estimateInferenceCost } from './inference-cost.js';

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
 * Bytes fixed by the circuit and message formats: a ReLU6's garbled tables (32 bytes per AND gate,
 * half gates) and 41 correlated OTs (IKNP: 16 bytes from the receiver and 16 from the sender each)
 * and the labels of the server's 41 mask bits in preprocessing, the labels of its 41 share bits
 * online (§9.9.4); a quadratic opens d = x − a online (one
 * 6-byte field element each way). A quadratic's preprocessing (BFV square pairs) depends on the BFV
 * parameters and is measured by {@link calibrateCostModel}. Spec: §10.4.1
 */
export function activationBytes(): { relu: { preprocessing: number; online: number }; quadratic: { online: number } } {
  const c = reluCost({ kind: 'relu6' });
  return {
    relu: { preprocessing: c.tableBytes + 32 * c.clientOts + c.serverLabelBytes / 2, online: c.serverLabelBytes / 2 },
    quadratic: { online: 2 * 6 },
  };
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

/**
 * The default cost model: bytes from {@link activationBytes}; milliseconds and the BFV square-pair
 * bytes from one `delphi plan --recalibrate` run (2,000 elements; square pairs with Delphi's BFV
 * parameters, n = 8192) on the project's 2-core development machine. Rerun it on yours: absolute
 * times vary, their ratios matter. Spec: §10.4.1
 */
export const DEFAULT_COST_MODEL: CostModel = Object.freeze({
  format: COST_MODEL_FORMAT,
  version: 1,
  relu: Object.freeze({
    preprocessing: Object.freeze({ ms: 0.67, bytes: activationBytes().relu.preprocessing }),
    online: Object.freeze({ ms: 0.42, bytes: activationBytes().relu.online }),
  }),
  quadratic: Object.freeze({
    preprocessing: Object.freeze({ ms: 0.063, bytes: 128 }),
    online: Object.freeze({ ms: 0.023, bytes: activationBytes().quadratic.online }),
  }),
  inference: DEFAULT_INFERENCE_TIME_COSTS,
  calibration: Object.freeze({ elements: 2000, software: `delphi-ts ${VERSION}`, note: 'default: see DEFAULT_COST_MODEL' }),
}) as CostModel;

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

const sum = (a: UnitCost, b: UnitCost): UnitCost => ({ ms: a.ms + b.ms, bytes: a.bytes + b.bytes });
const times = (u: UnitCost, n: number): UnitCost => ({ ms: u.ms * n, bytes: u.bytes * n });

/**
 * Costs every activation layer of a model (ReLU and ReLU6 alike: both are one garbled circuit)
 * with the unit costs of `costs`, and adds the linear layers and fixed messages of the
 * whole-inference model (§10.4.6) of the model compiled at its own precision. Spec: §10.4.1, §10.4.6
 */
export function estimateModelCost(model: Model, costs: CostModel = DEFAULT_COST_MODEL): ModelCost {
  const graph = validateModel(model);
  const layers: LayerCost[] = [];
  for (const node of graph.nodes) {
    const { layer } = node;
    if (layer.type !== 'relu' && layer.type !== 'relu6' && layer.type !== 'quadratic') continue;
    const n = shapeSize(node.shape);
    const unit = layer.type === 'quadratic' ? costs.quadratic : costs.relu;
    layers.push({ name: layer.name, kind: layer.type, elements: n, preprocessing: times(unit.preprocessing, n), online: times(unit.online, n) });
  }
  const zero: UnitCost = { ms: 0, bytes: 0 };
  const whole = estimateInferenceCost(compileFixedPoint(model), costs);
  const activationSteps = whole.steps.filter((st) => st.op === 'relu' || st.op === 'relu6' || st.op === 'quadratic');
  const linear = {
    preprocessing: whole.steps.filter((st) => !activationSteps.includes(st)).reduce((a, st) => sum(a, st.preprocessing), zero),
    online: activationSteps.reduce((a, st) => ({ ms: a.ms - st.online.ms, bytes: a.bytes - st.online.bytes }), whole.online),
  };
  const preprocessing = sum(linear.preprocessing, layers.reduce((a, l) => sum(a, l.preprocessing), zero));
  const online = sum(linear.online, layers.reduce((a, l) => sum(a, l.online), zero));
  const counts = countActivations(model);
  return { layers, relus: counts.relu + counts.relu6, quadratics: counts.quadratic, linear, setup: whole.setup, preprocessing, online, total: sum(preprocessing, online) };
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

/** Options of {@link calibrateCostModel}. */
export interface CalibrateOptions {
  /** Activation elements per measurement (default 2,000). */
  elements?: number;
  /** Randomness of the measured runs (default a fixed text seed: the work, not the timing, is reproducible). */
  rng?: Rng;
  /**
   * Also measure the BFV generation of square pairs (quadratic preprocessing) with Delphi's
   * parameters, one full ciphertext of slots (default true; a few seconds).
   */
  bfv?: boolean;
  onProgress?: (step: string, done: number, total: number) => void;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Measures the per-element costs with the project's implementations over in-memory channels:
 * ReLU6 preprocessing = garbleRelus + correlated OT extension of the client's 41 labels per ReLU
 * (the OT's fixed base-OT cost removed by measuring n and 2n elements and taking the difference),
 * ReLU6 online = the server's labels + evaluateRelus; quadratic online = quadraticActivation
 * (both parties) with dealt square pairs; quadratic preprocessing = BFV square pairs (§4.19) with
 * Delphi's parameters for one ciphertext of slots, after key generation. Bytes are those counted on
 * the channels, plus the garbled tables ({@link activationBytes}). Spec: §10.4.1
 */
export async function calibrateCostModel(options: CalibrateOptions = {}): Promise<CostModel> {
  const n = options.elements ?? 2000;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`elements must be a positive integer, got ${n}`);
  const rng = options.rng ?? fromTextSeed('delphi-ts/planner/calibrate');
  const report = (step: string, done: number) => options.onProgress?.(step, done, 5);
  const shares = (count: number) => Float64Array.from({ length: count }, () => uniformBelow(rng, P));

  // 1. Garbling and evaluation.
  report('garbling', 0);
  let t = now();
  const g = garbleRelus(n, rng, { kind: 'relu6' });
  const garbleMs = now() - t;
  const server = shares(n);
  const client = shares(n);
  const masks = shares(n);
  t = now();
  const serverLabels = reluServerLabels(g, server, masks);
  const zero = reluClientZeroLabels(g);
  const choice = reluClientChoiceBits(client);
  const clientLabels = new Uint32Array(zero.length);
  const delta = g.secrets.delta;
  for (let i = 0; i < choice.length; i++) for (let w = 0; w < 4; w++) clientLabels[4 * i + w] = zero[4 * i + w] ^ (choice[i] ? delta[w] : 0);
  evaluateRelus(g.params, g.garbled, serverLabels, clientLabels);
  const evalMs = now() - t;
  report('oblivious transfer', 1);

  // 2. Correlated OT for the client's labels, at n and 2n ReLUs.
  const ot = async (count: number): Promise<{ ms: number; bytes: number }> => {
    const [a, b] = memoryChannelPair();
    const bits = reluClientChoiceBits(shares(count));
    const start = now();
    await Promise.all([cotSend(a, bits.length, delta, rng.fork('cot-send')), cotReceive(b, bits, rng.fork('cot-recv'))]);
    return { ms: now() - start, bytes: a.stats.bytesSent + b.stats.bytesSent };
  };
  const ot1 = await ot(n);
  const ot2 = await ot(2 * n);
  report('Beaver squares', 2);

  // 3. Quadratic online.
  const [qa, qb] = memoryChannelPair();
  const [p0, p1] = dealSquarePairs(n, rng);
  const x0 = shares(n);
  const x1 = shares(n);
  t = now();
  await Promise.all([quadraticActivation(qa, 0, x0, p0), quadraticActivation(qb, 1, x1, p1)]);
  const quadMs = now() - t;
  const quadBytes = qa.stats.bytesSent + qb.stats.bytesSent;
  report('BFV square pairs', 4);

  // 4. Quadratic preprocessing: BFV square pairs (§4.19) for one ciphertext's worth of slots, after
  // the one-time key generation.
  let squareMs = 0;
  let squareBytes = 0;
  if (options.bfv ?? true) {
    const ctx = createBfvContext(delphiBfvParameters());
    const secretKey = generateSecretKey(ctx, rng);
    const publicKey = generatePublicKey(ctx, secretKey, rng);
    const [ca, sa] = memoryChannelPair();
    const client = bfvTripleClientSource(ctx, ca, 1, { secretKey, rng: rng.fork('bfv client') });
    const server = bfvTripleServerSource(ctx, sa, 0, { publicKey, rng: rng.fork('bfv server') });
    const slots = ctx.params.polyModulusDegree;
    t = now();
    await Promise.all([client.squarePairs(slots), server.squarePairs(slots)]);
    squareMs = (now() - t) / slots;
    squareBytes = (ca.stats.bytesSent + sa.stats.bytesSent) / slots;
  }
  report('done', 5);

  const bytes = activationBytes();
  return {
    format: COST_MODEL_FORMAT,
    version: 1,
    relu: {
      preprocessing: {
        ms: (garbleMs + Math.max(0, ot2.ms - ot1.ms)) / n,
        bytes: bytes.relu.preprocessing - 32 * reluCost({ kind: 'relu6' }).clientOts + Math.max(0, ot2.bytes - ot1.bytes) / n,
      },
      online: { ms: evalMs / n, bytes: bytes.relu.online },
    },
    quadratic: { preprocessing: { ms: squareMs, bytes: squareBytes }, online: { ms: quadMs / n, bytes: quadBytes / n } },
    calibration: {
      elements: n,
      software: `delphi-ts ${VERSION}`,
      note:
        'measured by calibrateCostModel over in-memory channels' +
        ((options.bfv ?? true) ? '; quadratic preprocessing: BFV square pairs, n = 8192, one full ciphertext' : '; quadratic preprocessing not measured'),
    },
  };
}
