/**
 * The linear layers of Delphi's preprocessing under BFV (§9.9.3): the client encrypts its share c of
 * each weighted layer's input, the server evaluates M·c homomorphically, masks it with its share σ,
 * floods the noise and returns it; the client decrypts M·c − σ. A channel adapter around the
 * layer-level functions of src/bfv (§4.15–§4.18).
 *
 * Spec: §9.9.3
 * @module
 */
import { compactCiphertextSize } from '../../bfv/compact.js';
import { createBfvParameters, createCoeffModulus, deserializeCompactCiphertext, deserializeCompactGaloisKeys, deserializeCompactPublicKey, generateGaloisKeys, generatePublicKey, generateSecretKey, serializeCompactCiphertext, serializeCompactGaloisKeys, serializeCompactPublicKey, type BfvContext, type BfvParameters, type Ciphertext, type GaloisKeys, type KSwitchKey } from '../../bfv/index.js';
import { decryptLinearOutput, encryptLinearInput, evaluateLinearLayer, linearGaloisElements, planLinearLayers, prepareLinearLayer, type LinearPlan, type LinearShape, type PreparedLinearLayer } from '../../he-linear/index.js';
import { linearShapeOf, type LinearLayerGeometry } from '../../he-linear/model-layers.js';
import { checkLinearEvaluation, type LinearEvaluation, type LinearServerKeys } from '../../he-linear/layer.js';
import { drawFinishParts } from '../../he-linear/layout.js';
import { denseGiantGroups } from '../../he-linear/dense.js';
import { denseBabyKey, densePlaintextKey } from '../../he-linear/pool-tasks.js';
import type { PlaintextSource } from '../../he-linear/conv.js';
import type { DensePlaintextSource } from '../../he-linear/dense.js';
import type { PlaintextNtt } from '../../bfv/types.js';
import type { FixedPointModel } from '../../nn/index.js';
import { publicArchitecture } from '../architecture.js';
import { sampleFieldVector } from '../../sharing/field-vector.js';
import type { RnsPoly } from '../../bfv/context.js';
import { convPartRuns, convRotationJobs, rotatedInputKey, sharedCiphertext, sharedGaloisKeys, splitConvRotationSteps, splitConvRuns } from '../../he-linear/conv.js';
import { createBfvContext } from '../../bfv/context.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../../errors.js';
import { P } from '../../math/share-field.js';
import type { Channel } from '../../channel/channel.js';
import { shapeSize } from '../../nn/tensor.js';
import type { Architecture, ArchitectureLayer } from '../architecture.js';
import { isWeightedLayer } from '../architecture.js';
import type { ComponentMessageBounds, LinearBackend, LinearClientSession, LinearServerSession, WeightedModelLayer } from '../backend.js';
import { decodeBlobs, encodeBlobs } from '../blobs.js';
import { bfvContextFor } from './bfv-context.js';
import type { Rng } from '../../random/rng.js';
import type { TaskPool } from '../../workers/tasks.js';

/** Message tags of the BFV linear backend. Spec: §9.9.3 */
export const BFV_LINEAR_TAG = {
  /** C → S: parms_id of the key level, the public key, the number of Galois keys. */
  KEYS: 0xe0,
  /** C → S: a batch of Galois keys. */
  GALOIS_KEYS: 0xe1,
  /** C → S: Enc(c) for a layer. */
  INPUT: 0xe2,
  /** S → C: the flooded Enc(M·c − σ) of a layer. */
  OUTPUT: 0xe3,
} as const;

/** Ciphertexts per INPUT/OUTPUT message (a message at n = 8192 and 6 primes is then ≤ 25 MB). Spec: §9.9.3 */
export const BFV_CIPHERTEXTS_PER_MESSAGE = 32;
/**
 * Galois keys per GALOIS_KEYS message: one, so that the client sends each key as soon as it is
 * generated and the server expands it while the client generates the next. Spec: §9.9.3
 */
export const BFV_GALOIS_KEYS_PER_MESSAGE = 1;

/**
 * Delphi's parameters: n = 8192, seven 30-bit primes from `createCoeffModulus` (the last one
 * special), t = p. 128-bit secure by the HE standard table (210 ≤ 218 bits). Spec: §9.9.3
 */
export function delphiBfvParameters(): BfvParameters {
  return createBfvParameters({ polyModulusDegree: 8192, coeffModulus: createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P });
}

/** Options of {@link bfvLinear}. */
export interface BfvLinearOptions {
  /** BFV parameters with t = p and batching (default {@link delphiBfvParameters}). */
  readonly parameters?: BfvParameters;
  /** Statistical security of the noise flooding (default 40, §4.16). */
  readonly lambda?: number;
  /**
   * Encode the weight plaintexts once per model rather than in every preprocessing (faster layers,
   * more server memory: 4·k·n bytes per plaintext, plan.cost.plainProducts of them per layer): `true`
   * for every layer, `{maxBytes}` for the layers, in order, whose plaintexts fit in that many bytes
   * together. The server keeps them with the model (shared by its sessions, in shared memory for its
   * thread pool); {@link LinearBackend.prepareModel} encodes them before the first session.
   */
  readonly precompute?: boolean | { readonly maxBytes: number };
  /**
   * Galois keys (§4.15.1): 'minimal' (default) a few generator keys, rotations composed along shared
   * routes; 'exact' one key per rotation step (more setup bytes, fewer key switches). Both parties
   * MUST use the same.
   */
  readonly rotationKeys?: 'minimal' | 'exact';
}

/**
 * Lets the event loop run once (a macrotask), so that a transport can write what was just sent while
 * the caller goes on computing; unlike `flush` it does not wait for the peer to read.
 */
function yieldToTransport(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The BFV shape of a weighted layer and its weights in that layout (§9.9.3): conv2d as is; dense
 * with in = |input|, out = |output|; scale as a depthwise 1×1 convolution over [C, H, W] (a vector
 * [N] as N channels of 1×1). Spec: §9.9.3
 */
export function bfvLinearShape(layer: ArchitectureLayer): LinearShape {
  if (!isWeightedLayer(layer)) throw new InvalidArgumentError(`bfvLinearShape: ${layer.op} is not a weighted layer`);
  return linearShapeOf(layer as LinearLayerGeometry);
}

function weightsOf(layer: WeightedModelLayer): Float64Array {
  return layer.op === 'scale' ? layer.factors : layer.weights;
}

function plansFor(ctx: BfvContext, arch: Architecture, lambda: number | undefined, rotationKeys: 'minimal' | 'exact'): Map<number, LinearPlan> {
  const indices: number[] = [];
  const shapes: LinearShape[] = [];
  arch.layers.forEach((layer, k) => {
    if (isWeightedLayer(layer)) {
      indices.push(k);
      shapes.push(bfvLinearShape(layer));
    }
  });
  const planned = planLinearLayers(ctx, shapes, { rotationKeys, ...(lambda === undefined ? {} : { lambda }) });
  return new Map(indices.map((k, i) => [k, planned[i]]));
}

/** Bytes of a {@link encodeBlobs} message holding blobs of these lengths. */
export function blobsMessageBytes(blobLengths: readonly number[]): number {
  return 16 + blobLengths.reduce((a, b) => a + 4 + b, 0);
}

/**
 * Bytes of the largest message of this backend each party receives (§9.14.5): the server the KEYS and
 * GALOIS_KEYS of setup (one generator key per message) and the INPUT batches of preprocessing (at most
 * {@link BFV_CIPHERTEXTS_PER_MESSAGE} seeded ciphertexts at the plan's level), the client the OUTPUT
 * batches (full ciphertexts at the return level). Spec: §9.14.5
 */
export function bfvLinearMessageBounds(ctx: BfvContext, plans: readonly LinearPlan[], role: 'client' | 'server'): ComponentMessageBounds {
  const keyK = ctx.keyLevel.primes.length;
  const parts = ctx.firstLevel.primes.length;
  const batch = (count: number, k: number, seeded: boolean) =>
    count === 0 ? 0 : blobsMessageBytes(new Array<number>(Math.min(count, BFV_CIPHERTEXTS_PER_MESSAGE)).fill(compactCiphertextSize(ctx, k, seeded)));
  if (role === 'client') return { setup: 0, preprocessing: Math.max(0, ...plans.map((p) => batch(p.returnedCiphertexts, p.returnLevel, false))), online: 0 };
  const keys = blobsMessageBytes([ctx.keyLevel.parmsId.length, compactCiphertextSize(ctx, keyK, true)]);
  const galois = linearGaloisElements(plans).length === 0 ? 0 : blobsMessageBytes([8 + BFV_GALOIS_KEYS_PER_MESSAGE * (4 + parts * compactCiphertextSize(ctx, keyK, true))]);
  return { setup: Math.max(keys, galois), preprocessing: Math.max(0, ...plans.map((p) => batch(p.inputCiphertexts, p.level, true))), online: 0 };
}

function sendCiphertexts(channel: Channel, ctx: BfvContext, tag: number, layer: number, cts: readonly Ciphertext[]): void {
  for (let start = 0; start < cts.length; start += BFV_CIPHERTEXTS_PER_MESSAGE) {
    const part = cts.slice(start, start + BFV_CIPHERTEXTS_PER_MESSAGE);
    channel.send(encodeBlobs(tag, [layer, start, part.length], part.map((ct) => serializeCompactCiphertext(ctx, ct))));
  }
}

async function receiveCiphertexts(
  channel: Channel,
  ctx: BfvContext,
  tag: number,
  layer: number,
  count: number,
  level: number,
  context: string,
): Promise<Ciphertext[]> {
  const out: Ciphertext[] = [];
  for (let start = 0; start < count; start += BFV_CIPHERTEXTS_PER_MESSAGE) {
    const want = Math.min(BFV_CIPHERTEXTS_PER_MESSAGE, count - start);
    const { header, blobs } = decodeBlobs(await channel.recv(), tag, context);
    if (header[0] !== layer || header[1] !== start || header[2] !== want) {
      throw new ProtocolError(`${context}: message for layer ${header[0]}, ciphertexts [${header[1]}, ${header[1] + header[2]}); expected layer ${layer}, [${start}, ${start + want})`);
    }
    if (blobs.length !== want) throw new MalformedInputError(`${context}: ${blobs.length} ciphertexts in a message announcing ${want}`);
    for (const b of blobs) {
      try {
        out.push(deserializeCompactCiphertext(ctx, b, { level, ntt: false }));
      } catch (e) {
        if (e instanceof MalformedInputError) throw new MalformedInputError(`${context}: ${e.message}`, { cause: e });
        throw e;
      }
    }
  }
  return out;
}

/**
 * {@link evaluateLinearLayer} on a thread pool (§5.7). This thread draws the share, then each part's
 * masks and flooding in the order of {@link finishLinearLayer} ({@link drawFinishParts}); the pool
 * does the homomorphic work: for a convolution the rotations of the inputs split by steps
 * ({@link splitConvRotationSteps}) then the runs of every part split into about two chunks per
 * thread ({@link splitConvRuns}); for a dense layer the baby-step rotations split by steps then the
 * giant-step groups of every part split the same way; then per part one task sums the chunks' NTT
 * totals in chunk order, folds a dense part, masks, floods and switches down
 * ({@link finishPartWithDraws}). Rotations, modular sums and the draws do not depend on the split, so
 * the ciphertexts and share are those of {@link evaluateLinearLayer} (same rng, same bytes) whatever
 * the thread count. Pools of one thread use {@link evaluateLinearLayer} itself. `keys` should be in
 * shared memory ({@link sharedLinearServerKeys}), or every task copies them. Spec: §9.9.3
 */
export async function evaluateLinearLayerOnPool(
  ctx: BfvContext,
  params: BfvParameters,
  layer: PreparedLinearLayer,
  inputs: readonly Ciphertext[],
  keys: LinearServerKeys,
  rng: Rng,
  pool: TaskPool,
): Promise<LinearEvaluation> {
  const plan = layer.plan;
  if (pool.threads <= 1) return evaluateLinearLayer(ctx, layer, inputs, keys, rng);
  checkLinearEvaluation(ctx, layer, inputs, keys);
  const T = pool.threads;
  const galoisKeys = keys.galoisKeys;
  const shared = inputs.map(sharedCiphertext);
  // The draws depend only on the plan (how many parts each output has), so they come first.
  const share = sampleFieldVector(rng, plan.outputSize);
  const partCounts = plan.kind === 'conv' ? plan.partTerms.map((l) => l.length) : plan.partItems.map((l) => l.length);
  const draws = partCounts.map((count, c) => drawFinishParts(ctx, plan, c, count, share, rng));
  const finish = (c: number, g: number, totals: readonly RnsPoly[][]): Promise<Ciphertext> =>
    pool.run('bfv.finishPart', {
      params,
      returnLevel: plan.returnLevel,
      level: plan.level,
      totals,
      ...(plan.kind === 'dense' ? { denseFold: { plan, galoisKeys } } : {}),
      mask: draws[c].masks[g],
      flood: draws[c].floods[g],
      publicKey: keys.publicKey,
    });
  let parts: Promise<Ciphertext>[][];
  if (plan.kind === 'conv') {
    const jobs = convRotationJobs(plan).flatMap((job) => splitConvRotationSteps(plan, job.steps, T).map((steps) => ({ ...job, steps })));
    const outs = await Promise.all(jobs.map((j) => pool.run('bfv.convRotations', { params, plan, input: shared[j.input], swap: j.swap, steps: j.steps, galoisKeys })));
    const rotated = new Map<string, Ciphertext>();
    jobs.forEach((j, i) => j.steps.forEach((step, e) => rotated.set(rotatedInputKey(j.input, j.swap, step), outs[i][e])));
    parts = plan.partTerms.map((partList, c) =>
      partList.map(async (part, g) => {
        const chunks = splitConvRuns(convPartRuns(plan, c, part), 2 * T);
        const totals = await Promise.all(
          chunks.map((runs) => {
            const used = new Map<string, Ciphertext>();
            for (const run of runs) {
              for (const index of run) {
                const t = plan.terms[c][index];
                const key = rotatedInputKey(t.input, t.swap, plan.taps[t.tap].step);
                used.set(key, rotated.get(key)!);
              }
            }
            let plaintexts: Map<number, PlaintextNtt | null> | undefined;
            if (layer.cachedPlaintexts > 0) {
              const source = layer.source as PlaintextSource;
              plaintexts = new Map();
              for (const run of runs) for (const index of run) plaintexts.set(index, source(c, index));
            }
            return pool.run('bfv.convRuns', { params, plan, c, runs, rotated: used, weights: layer.weights, ...(plaintexts ? { plaintexts } : {}), galoisKeys });
          }),
        );
        return finish(c, g, totals);
      }),
    );
  } else {
    const babies = Array.from({ length: plan.babySteps }, (_, b) => b);
    const jobs = shared.flatMap((input, l) => splitConvRotationSteps(plan, babies, T).map((steps) => ({ l, input, steps })));
    const outs = await Promise.all(jobs.map((j) => pool.run('bfv.denseBaby', { params, plan, input: j.input, steps: j.steps, galoisKeys })));
    const baby = new Map<string, Ciphertext>();
    jobs.forEach((j, i) => j.steps.forEach((b, e) => baby.set(denseBabyKey(j.l, b), outs[i][e])));
    parts = plan.partItems.map((partList, c) =>
      partList.map(async (part, g) => {
        const groups = denseGiantGroups(plan, c, part);
        const chunks = splitDenseGroups(groups, 2 * T);
        const totals = await Promise.all(
          chunks.map((chunk) => {
            const used = new Map<string, Ciphertext>();
            for (const [, ins] of chunk) for (const l of ins) for (const b of babies) used.set(denseBabyKey(l, b), baby.get(denseBabyKey(l, b))!);
            let plaintexts: Map<string, PlaintextNtt | null> | undefined;
            if (layer.cachedPlaintexts > 0) {
              const source = layer.source as DensePlaintextSource;
              plaintexts = new Map();
              for (const [g, ins] of chunk) for (const l of ins) for (const b of babies) plaintexts.set(densePlaintextKey(l, g, b), source(c, l, g, b));
            }
            return pool.run('bfv.denseGiants', { params, plan, c, groups: chunk, baby: used, weights: layer.weights, ...(plaintexts ? { plaintexts } : {}), galoisKeys });
          }),
        );
        return finish(c, g, totals);
      }),
    );
  }
  const ciphertexts: Ciphertext[] = [];
  for (const list of parts) ciphertexts.push(...(await Promise.all(list)));
  return { ciphertexts, share };
}

/** Giant-step groups cut into at most `chunks` contiguous runs of about equal weight (inputs per group). */
function splitDenseGroups<G extends readonly [number, readonly number[]]>(groups: readonly G[], chunks: number): G[][] {
  const total = groups.reduce((a, g) => a + g[1].length, 0);
  const count = Math.max(1, Math.min(chunks, groups.length));
  const out: G[][] = [[]];
  let acc = 0;
  for (const g of groups) {
    if (acc >= (out.length * total) / count && out.length < count) out.push([]);
    out[out.length - 1].push(g);
    acc += g[1].length;
  }
  return out.filter((c) => c.length > 0);
}

/** The server's keys with their polynomials in shared memory, copied once for every pool task (§5.7). Spec: §9.9.3 */
export function sharedLinearServerKeys(keys: LinearServerKeys): LinearServerKeys {
  return { galoisKeys: sharedGaloisKeys(keys.galoisKeys), publicKey: { ...keys.publicKey, ciphertext: sharedCiphertext(keys.publicKey.ciphertext) } };
}

/**
 * Delphi's homomorphic linear layers as a {@link LinearBackend} (id `bfv`). Setup: the client
 * generates a key pair and the Galois keys of every weighted layer of the architecture and sends
 * the public and Galois keys (KEYS, GALOIS_KEYS). Per layer: INPUT (Enc(c), at the plan's level)
 * and OUTPUT (flooded, at its return level). `secure` is false for parameters created with
 * `insecure: true` (then both parties need `allowInsecure`). Spec: §9.9.3
 */
export function bfvLinear(options: BfvLinearOptions = {}): LinearBackend {
  const params = options.parameters ?? delphiBfvParameters();
  if (params.plainModulus !== P || !params.batching) {
    throw new InvalidArgumentError(`bfvLinear: the parameters must have t = p = ${P} with batching`);
  }
  const lambda = options.lambda;
  const rotationKeys = options.rotationKeys ?? 'minimal';
  const precompute = options.precompute ?? false;
  const maxBytes = precompute === true ? Infinity : precompute === false ? 0 : precompute.maxBytes;
  if (!(maxBytes >= 0)) throw new InvalidArgumentError(`bfvLinear: precompute.maxBytes must be a non-negative number, got ${String(maxBytes)}`);
  // The prepared layers of each model served (plaintexts encoded once, shared by its sessions).
  const models = new WeakMap<FixedPointModel, Map<number, PreparedLinearLayer>>();
  const preparedFor = (model: FixedPointModel, architecture: Architecture): Map<number, PreparedLinearLayer> => {
    let prepared = models.get(model);
    if (prepared) return prepared;
    const ctx = bfvContextFor(params);
    const perPlaintext = (ctx.wide ? 8 : 4) * ctx.n;
    let budget = maxBytes;
    prepared = new Map();
    for (const [k, plan] of plansFor(ctx, architecture, lambda, rotationKeys)) {
      const bytes = plan.cost.plainProducts * plan.level * perPlaintext;
      const cache = bytes <= budget;
      if (cache) budget -= bytes;
      prepared.set(k, prepareLinearLayer(ctx, plan, weightsOf(model.layers[k] as WeightedModelLayer), { precompute: cache, shared: cache }));
    }
    models.set(model, prepared);
    return prepared;
  };
  return Object.freeze<LinearBackend>({
    id: 'bfv',
    secure: params.securityLevel !== null,
    prepareModel(model) {
      preparedFor(model, publicArchitecture(model));
    },
    maxMessageBytes(architecture, role) {
      const ctx = bfvContextFor(params);
      return bfvLinearMessageBounds(ctx, [...plansFor(ctx, architecture, lambda, rotationKeys).values()], role);
    },
    async client(channel, rng, { architecture }): Promise<LinearClientSession> {
      const ctx = bfvContextFor(params);
      const plans = plansFor(ctx, architecture, lambda, rotationKeys);
      const sk = generateSecretKey(ctx, rng);
      const pk = generatePublicKey(ctx, sk, rng, { seeded: true });
      const elements = linearGaloisElements([...plans.values()]);
      channel.send(encodeBlobs(BFV_LINEAR_TAG.KEYS, [elements.length, 0, 0], [ctx.keyLevel.parmsId, serializeCompactPublicKey(ctx, pk)]));
      // Generate and send batch by batch (same draws as generating all at once, in ascending order),
      // so that the server expands one batch while the client generates the next.
      for (let i = 0; i < elements.length; i += BFV_GALOIS_KEYS_PER_MESSAGE) {
        const part = elements.slice(i, i + BFV_GALOIS_KEYS_PER_MESSAGE);
        const keys: ReadonlyMap<number, KSwitchKey> = generateGaloisKeys(ctx, sk, rng, { galoisElements: part, seeded: true }).keys;
        channel.send(encodeBlobs(BFV_LINEAR_TAG.GALOIS_KEYS, [i, part.length, 0], [serializeCompactGaloisKeys(ctx, { keys })]));
        await yieldToTransport();
      }
      return {
        async preprocess(layer, index, clientShare, layerRng) {
          const plan = plans.get(index);
          if (!plan) throw new InvalidArgumentError(`bfvLinear: layer ${index} is not a weighted layer`);
          sendCiphertexts(channel, ctx, BFV_LINEAR_TAG.INPUT, index, encryptLinearInput(ctx, plan, sk, clientShare, layerRng, { seeded: true }));
          const context = `BFV linear layer ${index}`;
          const cts = await receiveCiphertexts(channel, ctx, BFV_LINEAR_TAG.OUTPUT, index, plan.returnedCiphertexts, plan.returnLevel, context);
          return decryptLinearOutput(ctx, plan, sk, cts);
        },
      };
    },
    async server(channel, _rng, { architecture, model, pool }): Promise<LinearServerSession> {
      const ctx = bfvContextFor(params);
      const plans = plansFor(ctx, architecture, lambda, rotationKeys);
      const prepared = preparedFor(model, architecture);
      const context = 'BFV linear keys';
      const first = decodeBlobs(await channel.recv(), BFV_LINEAR_TAG.KEYS, context);
      if (first.blobs.length !== 2) throw new MalformedInputError(`${context}: expected parms_id and public key`);
      const [parmsId, pkBytes] = first.blobs;
      if (parmsId.length !== ctx.keyLevel.parmsId.length || parmsId.some((b, i) => b !== ctx.keyLevel.parmsId[i])) {
        throw new ProtocolError(`${context}: the client uses other BFV parameters (parms_id ${Array.from(parmsId, (b) => b.toString(16).padStart(2, '0')).join('')})`);
      }
      const publicKey = deserializeCompactPublicKey(ctx, pkBytes);
      const count = first.header[0];
      const needed = linearGaloisElements([...plans.values()]);
      if (count !== needed.length) throw new ProtocolError(`${context}: the client announces ${count} Galois keys, the layers need ${needed.length}`);
      const keys = new Map<number, KSwitchKey>();
      for (let i = 0; i < count; i += BFV_GALOIS_KEYS_PER_MESSAGE) {
        const want = Math.min(BFV_GALOIS_KEYS_PER_MESSAGE, count - i);
        const { header, blobs } = decodeBlobs(await channel.recv(), BFV_LINEAR_TAG.GALOIS_KEYS, context);
        if (header[0] !== i || header[1] !== want || blobs.length !== 1) throw new ProtocolError(`${context}: unexpected Galois key batch`);
        const part: GaloisKeys = deserializeCompactGaloisKeys(ctx, blobs[0]);
        if (part.keys.size !== want) throw new MalformedInputError(`${context}: batch holds ${part.keys.size} keys, announced ${want}`);
        for (const [g, key] of part.keys) keys.set(g, key);
      }
      for (const g of needed) if (!keys.has(g)) throw new ProtocolError(`${context}: the Galois key of element ${g} is missing`);
      // With worker threads, the Galois keys go to shared memory once rather than to every task.
      const parallel = pool !== undefined && pool.threads > 1;
      const serverKeys = parallel ? sharedLinearServerKeys({ galoisKeys: { keys }, publicKey }) : { galoisKeys: { keys }, publicKey };
      return {
        async preprocess(_layer, index, layerRng) {
          const layer = prepared.get(index);
          if (!layer) throw new InvalidArgumentError(`bfvLinear: layer ${index} is not a weighted layer`);
          const plan = layer.plan;
          const inputs = await receiveCiphertexts(channel, ctx, BFV_LINEAR_TAG.INPUT, index, plan.inputCiphertexts, plan.level, `BFV linear layer ${index}`);
          const { ciphertexts, share } = parallel
            ? await evaluateLinearLayerOnPool(ctx, params, layer, inputs, serverKeys, layerRng, pool)
            : evaluateLinearLayer(ctx, layer, inputs, serverKeys, layerRng);
          sendCiphertexts(channel, ctx, BFV_LINEAR_TAG.OUTPUT, index, ciphertexts);
          return share;
        },
      };
    },
  });
}
