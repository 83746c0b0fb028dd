/**
 * The whole-inference cost model (§10.4.6): predicted bytes and milliseconds of setup,
 * preprocessing and online for a compiled model under Delphi's backend, linear layers included.
 * Bytes come from the code's own formulas: the BFV packing plans of the weighted layers as both
 * parties make them (planLinearLayers with the generator rotation keys of §4.15.1: how many
 * ciphertexts go each way, at which level, and which Galois keys the client sends), the compact
 * wire form of ciphertexts and keys (§4.10.3; the client's ciphertexts and keys seeded, sizes
 * measured by serializing objects of this context once), the message framing (encodeBlobs,
 * encodeFieldMessage, the §4.19 square-pair messages) and the garbled circuit's sizes (reluCost;
 * the server's mask labels in preprocessing, only its share's labels online, §9.9.4).
 * Milliseconds come from the per-operation costs of {@link InferenceTimeCosts} (calibrated on one machine).
 *
 * Spec: §10.4.6
 * @module
 */
import { BFV_TRIPLE_HEADER_BYTES } from '../../beaver/bfv-wire.js';
import { bfvTripleSetup } from '../../beaver/bfv-triples.js';
import { compactCiphertextSize, createBfvContext, generateGaloisKeys, generatePublicKey, generateSecretKey, serializeCompactGaloisKeys, serializeCompactPublicKey, type BfvContext, type BfvParameters } from '../../bfv/index.js';
import { linearGaloisElements, planLinearLayers, type LinearShape } from '../../he-linear/index.js';
import { reluCost } from '../../gc/relu.js';
import { compileFixedPoint, countActivations, validateModel, type FixedPointModel, type Model } from '../../nn/index.js';
import { shapeSize } from '../../nn/tensor.js';
import { isWeightedLayer, publicArchitecture } from '../architecture.js';
import { BFV_CIPHERTEXTS_PER_MESSAGE, BFV_GALOIS_KEYS_PER_MESSAGE, bfvLinearShape, delphiBfvParameters } from './bfv-linear.js';
import { encodeBlobs } from '../blobs.js';
import { encodeFieldMessage, FIELD_CHUNK } from '../messages.js';
import { GC_OT_SCHEME } from './garbled-activations.js';
import { otUploadBytesPerOt } from '../../ot/softspoken.js';
import { fromTextSeed } from '../../random/index.js';
import { COST_MODEL_FORMAT, DEFAULT_INFERENCE_TIME_COSTS, type CostModel, type InferenceTimeCosts, type LayerCost, type ModelCost, type UnitCost } from '../../planner/cost-model.js';
import { VERSION } from '../../version.js';

/** Sizes of one BFV context's objects in the compact wire form (§4.10.3). Spec: §10.4.6 */
export interface BfvSizes {
  readonly n: number;
  /** Bytes of a compact size-2 ciphertext with k primes (seeded: c_1 replaced by its seed). */
  ciphertextBytes(k: number, seeded?: boolean): number;
  /** Bytes of a compact seeded public key. */
  readonly publicKeyBytes: number;
  readonly parmsIdBytes: number;
  /** Bytes of serializeCompactGaloisKeys with m seeded keys: base + m·perKey. */
  readonly galoisBase: number;
  readonly galoisPerKey: number;
}

const sizeCache = new WeakMap<BfvParameters, BfvSizes>();
const contexts = new WeakMap<BfvSizes, BfvContext>();

/**
 * Measures the compact serialized sizes of a context's objects as the protocol sends them, by
 * serializing them (one seeded public key, one and two seeded Galois keys) or by the compact
 * codec's own size function (ciphertexts): sizes follow the code, not a copied formula. Takes
 * about a second (the keys are generated); cached per parameter object. Spec: §10.4.6
 */
export function measureBfvSizes(params: BfvParameters = delphiBfvParameters()): BfvSizes {
  const cached = sizeCache.get(params);
  if (cached) return cached;
  const ctx = createBfvContext(params);
  const rng = fromTextSeed('delphi-ts/planner/bfv-sizes');
  const sk = generateSecretKey(ctx, rng);
  const pk = serializeCompactPublicKey(ctx, generatePublicKey(ctx, sk, rng, { seeded: true }));
  const two = generateGaloisKeys(ctx, sk, rng, { steps: [1, 2], seeded: true });
  const one = { keys: new Map([...two.keys].slice(0, 1)) };
  const g1 = serializeCompactGaloisKeys(ctx, one).length;
  const g2 = serializeCompactGaloisKeys(ctx, two).length;
  const sizes: BfvSizes = {
    n: ctx.n,
    ciphertextBytes: (k: number, seeded = false): number => compactCiphertextSize(ctx, k, seeded),
    publicKeyBytes: pk.length,
    parmsIdBytes: ctx.keyLevel.parmsId.length,
    galoisBase: 2 * g1 - g2,
    galoisPerKey: g2 - g1,
  };
  sizeCache.set(params, sizes);
  contexts.set(sizes, ctx);
  return sizes;
}

/** One step of the estimate. Spec: §10.4.6 */
export interface StepEstimate {
  readonly name: string;
  readonly op: string;
  readonly elements: number;
  readonly preprocessing: UnitCost;
  readonly online: UnitCost;
}

/** The predicted cost of one inference. Spec: §10.4.6 */
export interface InferenceCostEstimate {
  readonly setup: UnitCost;
  readonly preprocessing: UnitCost;
  readonly online: UnitCost;
  readonly total: UnitCost;
  readonly steps: readonly StepEstimate[];
  readonly relus: number;
  readonly quadratics: number;
  readonly galoisKeys: number;
}

const add = (a: UnitCost, b: UnitCost): UnitCost => ({ ms: a.ms + b.ms, bytes: a.bytes + b.bytes });
const ZERO: UnitCost = { ms: 0, bytes: 0 };

/** Bytes of `count` blobs of `size` bytes sent in messages of at most `perMessage` (encodeBlobs framing). */
function blobMessagesBytes(count: number, size: number, perMessage: number): number {
  let total = 0;
  for (let start = 0; start < count; start += perMessage) {
    const m = Math.min(perMessage, count - start);
    total += encodeBlobs(0, [0, 0, 0], new Array<Uint8Array>(m).fill(new Uint8Array(0))).length + m * size;
  }
  return total;
}

/** Bytes of `count` ciphertexts of `size` bytes in §4.19 square-pair messages (one message per call). */
function tripleMessageBytes(count: number, size: number): number {
  return BFV_TRIPLE_HEADER_BYTES + count * (4 + size);
}

/** Bytes of a field vector of n elements as sendFieldVector sends it (§7.7 codec, chunks of FIELD_CHUNK). */
export function fieldVectorBytes(n: number): number {
  if (n === 0) return encodeFieldMessage(0, 0, new Float64Array(0), 0, 0).length;
  let total = 0;
  for (let start = 0; start < n; start += FIELD_CHUNK) {
    const m = Math.min(FIELD_CHUNK, n - start);
    total += encodeFieldMessage(0, 0, new Float64Array(m), 0, m).length;
  }
  return total;
}

/**
 * Predicts the bytes and milliseconds of one inference of `model` with Delphi's backend
 * (BFV linear layers, garbled ReLUs, BFV square pairs): setup (the client's public keys and the
 * generator Galois keys chosen for the architecture, compact and seeded), preprocessing (per
 * weighted layer the plan's ciphertexts each way, the client's seeded; per activation the garbled
 * circuits, OTs and the server's mask labels, or the square pairs) and online (masked input,
 * reshares, the labels of the server's share, the output share). Spec: §10.4.6
 */
export function estimateInferenceCost(model: FixedPointModel, costs: CostModel = DEFAULT_COST_MODEL, sizes: BfvSizes = measureBfvSizes()): InferenceCostEstimate {
  const arch = publicArchitecture(model);
  const t = costs.inference ?? DEFAULT_INFERENCE_TIME_COSTS;
  const ctx = contextFor(sizes);
  const steps: StepEstimate[] = [];
  // The plans both parties make (bfvLinear's plansFor): the whole model's layers at once, with the
  // generator rotation keys chosen for all their steps (§4.15.1).
  const weighted: number[] = [];
  const shapes: LinearShape[] = [];
  arch.layers.forEach((layer, k) => {
    if (isWeightedLayer(layer)) {
      weighted.push(k);
      shapes.push(bfvLinearShape(layer));
    }
  });
  const planned = planLinearLayers(ctx, shapes, { rotationKeys: 'minimal' });
  const plans = new Map(weighted.map((k, i) => [k, planned[i]]));
  const galois = linearGaloisElements(planned);
  let relus = 0;
  let quadratics = 0;
  const triples = bfvTripleSetup(ctx);
  let online: UnitCost = { ms: 0, bytes: fieldVectorBytes(shapeSize(arch.inputShape)) };
  arch.layers.forEach((layer, k) => {
    const elements = shapeSize(layer.shape);
    let pre = ZERO;
    let on = ZERO;
    if (isWeightedLayer(layer)) {
      const plan = plans.get(k)!;
      const bytes =
        blobMessagesBytes(plan.inputCiphertexts, sizes.ciphertextBytes(plan.level, true), BFV_CIPHERTEXTS_PER_MESSAGE) +
        blobMessagesBytes(plan.returnedCiphertexts, sizes.ciphertextBytes(plan.returnLevel), BFV_CIPHERTEXTS_PER_MESSAGE);
      const ms = t.linearLayerMs + t.rotationMs * plan.cost.rotations + t.decompositionMs * plan.cost.decompositions + t.plainProductMs * plan.cost.plainProducts;
      pre = { ms, bytes };
      const weighted = model.layers[k];
      const weights = weighted.op === 'scale' ? weighted.factors.length : weighted.op === 'conv2d' || weighted.op === 'dense' ? weighted.weights.length : 0;
      const macs = weighted.op === 'conv2d' ? (weights / weighted.outChannels) * elements : weighted.op === 'scale' ? elements : weights;
      on = { ms: t.onlineMsPerMac * macs, bytes: 0 };
    } else if (layer.op === 'relu' || layer.op === 'relu6') {
      relus += elements;
      const relu = reluCost({ kind: layer.op });
      // The garbler's inputs are the server's share s̃ and its mask m̃, 41 bits each (§9.9.4).
      const shareLabelBytes = relu.serverLabelBytes / 2;
      // Preprocessing: garbled tables and the mask's labels (S → C), one random correlated OT per
      // client input bit (SoftSpokenOT k = 4: 4 bytes from the receiver, §6.11). Online: the share's
      // labels, the client's reshare.
      pre = { ms: t.reluPreprocessingLayerMs + t.reluPreprocessingMs * elements, bytes: elements * (relu.tableBytes + shareLabelBytes + otUploadBytesPerOt(GC_OT_SCHEME) * relu.clientOts) };
      on = { ms: t.reluOnlineLayerMs + t.reluOnlineMs * elements, bytes: elements * shareLabelBytes + fieldVectorBytes(elements) };
    } else if (layer.op === 'quadratic') {
      quadratics += elements;
      const batches = Math.ceil(elements / sizes.n);
      pre = {
        ms: t.squareBatchMs * batches,
        bytes: tripleMessageBytes(batches, sizes.ciphertextBytes(triples.level, true)) + tripleMessageBytes(batches, sizes.ciphertextBytes(triples.returnLevel)),
      };
      on = { ms: t.quadraticOnlineMs * elements, bytes: 3 * fieldVectorBytes(elements) };
    }
    steps.push({ name: layer.name, op: layer.op, elements, preprocessing: pre, online: on });
  });
  const preprocessing = steps.reduce((a, s) => add(a, s.preprocessing), ZERO);
  online = add(online, steps.reduce((a, s) => add(a, s.online), ZERO));
  online = add(online, { ms: 0, bytes: fieldVectorBytes(shapeSize(arch.layers[arch.layers.length - 1].shape)) });
  const keyMessage = encodeBlobs(0, [0, 0, 0], [new Uint8Array(sizes.parmsIdBytes), new Uint8Array(sizes.publicKeyBytes)]).length;
  let galoisBytes = 0;
  for (let i = 0; i < galois.length; i += BFV_GALOIS_KEYS_PER_MESSAGE) {
    const m = Math.min(BFV_GALOIS_KEYS_PER_MESSAGE, galois.length - i);
    galoisBytes += blobMessagesBytes(1, sizes.galoisBase + m * sizes.galoisPerKey, 1);
  }
  const setup: UnitCost = {
    ms: t.setupMs + t.galoisKeyMs * galois.length,
    // The linear backend's KEYS and GALOIS_KEYS; the triple backend's KEYS (always sent).
    bytes: keyMessage + galoisBytes + keyMessage,
  };
  return { setup, preprocessing, online, total: add(setup, add(preprocessing, online)), steps, relus, quadratics, galoisKeys: galois.length };
}

function contextFor(sizes: BfvSizes): BfvContext {
  let ctx = contexts.get(sizes);
  if (!ctx) {
    ctx = createBfvContext(delphiBfvParameters());
    contexts.set(sizes, ctx);
  }
  return ctx;
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
