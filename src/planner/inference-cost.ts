/**
 * The whole-inference cost model (§10.4.6): predicted bytes and milliseconds of setup,
 * preprocessing and online for a compiled model under Delphi's backend, linear layers included.
 * Bytes come from the code's own formulas: the BFV packing plan of every weighted layer
 * (planLinearLayer: how many ciphertexts go each way, at which level), the SEAL serialization of
 * ciphertexts and keys (sizes measured by serializing objects of this context once), the message
 * framing (encodeBlobs, encodeFieldMessage) and the garbled circuit's sizes (reluCost).
 * Milliseconds come from the per-operation costs of {@link InferenceTimeCosts} (calibrated on one machine).
 *
 * Spec: §10.4.6
 * @module
 */
import { bfvTripleSetup } from '../beaver/index.js';
import {
  createBfvContext,
  generateGaloisKeys,
  generatePublicKey,
  generateSecretKey,
  planLinearLayer,
  serializeCiphertext,
  serializeGaloisKeys,
  serializePublicKey,
  type BfvContext,
  type BfvParameters,
} from '../bfv/index.js';
import { reluCost } from '../gc/relu.js';
import type { FixedPointModel } from '../nn/index.js';
import { shapeSize } from '../nn/tensor.js';
import { isWeightedLayer, publicArchitecture } from '../protocol/architecture.js';
import { BFV_CIPHERTEXTS_PER_MESSAGE, BFV_GALOIS_KEYS_PER_MESSAGE, bfvLinearShape, delphiBfvParameters } from '../protocol/bfv-linear.js';
import { encodeBlobs } from '../protocol/blobs.js';
import { encodeFieldMessage, FIELD_CHUNK } from '../protocol/messages.js';
import { fromTextSeed } from '../random/index.js';
import type { InferenceTimeCosts } from './cost-model.js';
import { DEFAULT_COST_MODEL, DEFAULT_INFERENCE_TIME_COSTS, type CostModel, type UnitCost } from './cost-model.js';

/** Serialized sizes of one BFV context's objects. Spec: §10.4.6 */
export interface BfvSizes {
  readonly n: number;
  /** Bytes of a size-2 ciphertext with k primes. */
  ciphertextBytes(k: number): number;
  readonly publicKeyBytes: number;
  readonly parmsIdBytes: number;
  /** Bytes of serializeGaloisKeys with m keys: base + m·perKey. */
  readonly galoisBase: number;
  readonly galoisPerKey: number;
}

const sizeCache = new WeakMap<BfvParameters, BfvSizes>();
const contexts = new WeakMap<BfvSizes, BfvContext>();

/**
 * Measures the serialized sizes of a context's objects by serializing them (one public key, one
 * and two Galois keys, zero ciphertexts): sizes follow the code, not a copied formula. Takes a
 * fraction of a second (the keys are generated); cached per parameter object. Spec: §10.4.6
 */
export function measureBfvSizes(params: BfvParameters = delphiBfvParameters()): BfvSizes {
  const cached = sizeCache.get(params);
  if (cached) return cached;
  const ctx = createBfvContext(params);
  const rng = fromTextSeed('delphi-ts/planner/bfv-sizes');
  const sk = generateSecretKey(ctx, rng);
  const pk = serializePublicKey(ctx, generatePublicKey(ctx, sk, rng));
  const two = generateGaloisKeys(ctx, sk, rng, { steps: [1, 2] });
  const one = { keys: new Map([...two.keys].slice(0, 1)) };
  const g1 = serializeGaloisKeys(ctx, one).length;
  const g2 = serializeGaloisKeys(ctx, two).length;
  const ct = new Map<number, number>();
  const sizes: BfvSizes = {
    n: ctx.n,
    ciphertextBytes(k: number): number {
      let b = ct.get(k);
      if (b === undefined) {
        b = serializeCiphertext(ctx, { coeffModulusSize: k, polys: [ctx.allocPoly(k), ctx.allocPoly(k)], isNttForm: false }).length;
        ct.set(k, b);
      }
      return b;
    },
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
 * (BFV linear layers, garbled ReLUs, BFV square pairs): setup (the client's public and Galois
 * keys), preprocessing (per weighted layer the plan's ciphertexts each way; per activation the
 * garbled circuits and OTs or the square pairs) and online (masked input, reshares, the server's
 * labels, the output share). Spec: §10.4.6
 */
export function estimateInferenceCost(model: FixedPointModel, costs: CostModel = DEFAULT_COST_MODEL, sizes: BfvSizes = measureBfvSizes()): InferenceCostEstimate {
  const arch = publicArchitecture(model);
  const t = costs.inference ?? DEFAULT_INFERENCE_TIME_COSTS;
  const ctx = contextFor(sizes);
  const steps: StepEstimate[] = [];
  const galois = new Set<number>();
  let relus = 0;
  let quadratics = 0;
  const triples = bfvTripleSetup(ctx);
  let online: UnitCost = { ms: 0, bytes: fieldVectorBytes(shapeSize(arch.inputShape)) };
  arch.layers.forEach((layer, k) => {
    const elements = shapeSize(layer.shape);
    let pre = ZERO;
    let on = ZERO;
    if (isWeightedLayer(layer)) {
      const plan = planLinearLayer(ctx, bfvLinearShape(layer));
      plan.galoisElements.forEach((g) => galois.add(g));
      const bytes =
        blobMessagesBytes(plan.inputCiphertexts, sizes.ciphertextBytes(plan.level), BFV_CIPHERTEXTS_PER_MESSAGE) +
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
      // Garbled tables (S → C) and one correlated OT per client input bit (16 bytes from the receiver, §6).
      pre = { ms: t.reluPreprocessingLayerMs + t.reluPreprocessingMs * elements, bytes: elements * (relu.tableBytes + 16 * relu.clientOts) };
      on = { ms: t.reluOnlineLayerMs + t.reluOnlineMs * elements, bytes: elements * relu.serverLabelBytes + fieldVectorBytes(elements) };
    } else if (layer.op === 'quadratic') {
      quadratics += elements;
      const batches = Math.ceil(elements / sizes.n);
      pre = {
        ms: t.squareBatchMs * batches,
        bytes: blobMessagesBytes(batches, sizes.ciphertextBytes(triples.level), BFV_CIPHERTEXTS_PER_MESSAGE) + blobMessagesBytes(batches, sizes.ciphertextBytes(triples.returnLevel), BFV_CIPHERTEXTS_PER_MESSAGE),
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
  for (let i = 0; i < galois.size; i += BFV_GALOIS_KEYS_PER_MESSAGE) {
    const m = Math.min(BFV_GALOIS_KEYS_PER_MESSAGE, galois.size - i);
    galoisBytes += blobMessagesBytes(1, sizes.galoisBase + m * sizes.galoisPerKey, 1);
  }
  const setup: UnitCost = {
    ms: t.setupMs + t.galoisKeyMs * galois.size,
    // The linear backend's KEYS and GALOIS_KEYS; the triple backend's KEYS (always sent).
    bytes: keyMessage + galoisBytes + keyMessage,
  };
  return { setup, preprocessing, online, total: add(setup, add(preprocessing, online)), steps, relus, quadratics, galoisKeys: galois.size };
}

function contextFor(sizes: BfvSizes): BfvContext {
  let ctx = contexts.get(sizes);
  if (!ctx) {
    ctx = createBfvContext(delphiBfvParameters());
    contexts.set(sizes, ctx);
  }
  return ctx;
}
