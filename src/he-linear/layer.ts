/**
 * Linear layers under BFV for Delphi's preprocessing phase (Spec: §4.15). The client holds the
 * secret key and a random mask r; the server holds the layer's weights M. The client sends Enc(r)
 * packed for the layer; the server computes Enc(M·r − s) for a share s it draws, floods the noise
 * (circuit privacy, §4.9) and returns it; the client decrypts M·r − s. Bias is not included: the
 * server adds it to its own share.
 *
 * ```ts
 * const plan = planLinearLayer(ctx, { kind: 'conv', inChannels: 16, height: 32, width: 32,
 *   outChannels: 16, kernel: [3, 3], padding: [1, 1, 1, 1] });
 * const gk = generateLinearGaloisKeys(ctx, sk, [plan], clientRng);   // client, once
 * const cts = encryptLinearInput(ctx, plan, sk, r, clientRng);        // client → server
 * const layer = prepareLinearLayer(ctx, plan, weights);               // server, once per model
 * const { ciphertexts, share } = evaluateLinearLayer(ctx, layer, cts, { galoisKeys: gk, publicKey: pk }, serverRng);
 * const masked = decryptLinearOutput(ctx, plan, sk, ciphertexts);     // = M·r − share (mod p)
 * ```
 *
 * @module
 */
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../errors.js';
import { P } from '../math/share-field.js';
import type { Rng } from '../random/index.js';
import { sampleFieldVector } from '../sharing/field-vector.js';
import type { BfvContext } from '../bfv/context.js';
import { bfvDecrypt, bfvEncrypt, bfvEncryptSymmetric } from '../bfv/encrypt.js';
import { batchDecode, batchEncode } from '../bfv/encoder.js';
import { generateGaloisKeys, type SeededOptions } from '../bfv/keys.js';
import { convPlaintexts, evaluateConvParts, planConv, sharedPoly, type ConvPlan, type ConvPlanOptions, type PlaintextSource } from './conv.js';
import { densePlaintexts, evaluateDenseParts, planDense, type DensePlaintextSource, type DensePlan } from './dense.js';
import { checkInputs, finishParts, packInputSlots, unpackOutputSlots, type LinearPlanBase } from './layout.js';
import { linearNoiseModel } from './noise-bounds.js';
import { checkLinearShape, linearWeightCount, toFieldElements, type LinearShape } from './shapes.js';
import { chooseRotationKeys, rotationRoutes, type RotationRoutes } from './rotation-keys.js';
import type { Ciphertext, GaloisKeys, PlaintextNtt, PublicKey, SecretKey } from '../bfv/types.js';

/** A plan for one linear layer: what client and server must agree on. Spec: §4.15 */
export type LinearPlan = ConvPlan | DensePlan;

/** Options of {@link planLinearLayer}. */
export interface LinearPlanOptions {
  /** Number of primes of the level the client encrypts at (default: the first data level). */
  readonly level?: number;
  /** Statistical security parameter of the flooding (default 40). */
  readonly lambda?: number;
  /** Convolutions: at most this many channel blocks per row (a power of two), see {@link ConvPlanOptions}. */
  readonly maxBlocksPerRow?: number;
  /**
   * Compose the row rotations from these routes' generator keys (§4.15.1); default null: one Galois
   * key per rotation step. {@link planLinearLayers} chooses the routes for a whole model.
   */
  readonly routes?: RotationRoutes | null;
}

function checkContext(ctx: BfvContext): void {
  if (!ctx.params.batching || ctx.t !== P) {
    throw new InvalidParametersError(`linear layers need batching with t = p = ${P} (the share field); t = ${ctx.t}`);
  }
  if (!ctx.usingKeySwitching) throw new InvalidParametersError('linear layers need key switching (at least two coefficient-modulus primes)');
}

/**
 * Plans a layer for a context (Spec: §4.15): the packing, the rotations (so the client generates
 * only the Galois keys in `galoisElements`), the number of ciphertexts each way and the noise
 * accounting. Client and server MUST use the same plan (it depends only on the shape, the
 * parameters and the options). Throws {@link InvalidParametersError} when the parameters are not
 * Delphi's field (t = p with batching) or leave too little noise room to flood even one product.
 */
export function planLinearLayer(ctx: BfvContext, shape: LinearShape, options: LinearPlanOptions = {}): LinearPlan {
  checkContext(ctx);
  checkLinearShape(shape);
  const level = options.level ?? ctx.firstLevel.k;
  if (ctx.level(level).k > ctx.firstLevel.k) throw new InvalidArgumentError('linear layers cannot be evaluated at the key level');
  const model = linearNoiseModel(ctx, level, options.lambda);
  const routes = options.routes ?? null;
  return shape.kind === 'conv' ? planConv(ctx, shape, model, { maxBlocksPerRow: options.maxBlocksPerRow, routes }) : planDense(ctx, shape, model, routes);
}

/** Options of {@link planLinearLayers}. */
export interface LinearModelPlanOptions extends Omit<LinearPlanOptions, 'routes'> {
  /**
   * 'minimal' (default): the Galois keys are a few generators ({@link chooseRotationKeys} over the
   * steps every layer needs) and rotations are composed along routes; 'exact': one key per step.
   */
  readonly rotationKeys?: 'minimal' | 'exact';
}

/**
 * Plans all linear layers of a model together (Spec: §4.15.1): first each layer alone with one key
 * per rotation step; with `rotationKeys: 'minimal'`, the generators for the union of those steps
 * ({@link chooseRotationKeys}), then every layer again with the shared routes. Depends only on the
 * shapes, the parameters and the options, so both parties get the same plans and key set.
 */
export function planLinearLayers(ctx: BfvContext, shapes: readonly LinearShape[], options: LinearModelPlanOptions = {}): LinearPlan[] {
  const { rotationKeys = 'minimal', ...rest } = options;
  if (rotationKeys !== 'minimal' && rotationKeys !== 'exact') throw new InvalidArgumentError(`rotationKeys must be 'minimal' or 'exact', got ${String(rotationKeys)}`);
  const exact = shapes.map((shape) => planLinearLayer(ctx, shape, rest));
  if (rotationKeys === 'exact') return exact;
  const steps = new Set<number>();
  for (const p of exact) for (const s of p.rotationSteps) if (s !== 0) steps.add(s);
  const routes = rotationRoutes(ctx.n, chooseRotationKeys(ctx.n, [...steps]));
  return shapes.map((shape) => planLinearLayer(ctx, shape, { ...rest, routes }));
}

function checkPlan(ctx: BfvContext, plan: LinearPlanBase): void {
  if (typeof plan !== 'object' || plan === null || !(plan.inputSource instanceof Int32Array)) {
    throw new InvalidArgumentError('expected a plan from planLinearLayer');
  }
  if (plan.n !== ctx.n) throw new InvalidArgumentError(`the plan was made for n = ${plan.n}, the context has n = ${ctx.n}`);
  ctx.level(plan.level);
}

/** The client's slot vectors for its input r (field elements, or signed integers in (−p, p)). Spec: §4.15 */
export function packLinearInput(plan: LinearPlan, r: ArrayLike<number>): Float64Array[] {
  return packInputSlots(plan, toFieldElements(r, plan.inputSize, 'linear layer input'));
}

/**
 * The client's upload: its input r packed ({@link packLinearInput}), batch-encoded and encrypted at
 * the plan's level, one ciphertext after the other — with the secret key (symmetric encryption, as
 * SEAL's encrypt_symmetric; `seeded` for SEAL's seeded form, half the bytes on the wire, §4.10) or
 * with a public key. Spec: §4.15
 */
export function encryptLinearInput(
  ctx: BfvContext,
  plan: LinearPlan,
  key: SecretKey | PublicKey,
  r: ArrayLike<number>,
  rng: Rng,
  options: SeededOptions = {},
): Ciphertext[] {
  checkPlan(ctx, plan);
  const slots = packLinearInput(plan, r);
  const isPublic = typeof key === 'object' && key !== null && 'ciphertext' in key;
  return slots.map((v) => {
    const pt = batchEncode(ctx, v);
    return isPublic
      ? bfvEncrypt(ctx, key as PublicKey, pt, rng, { level: plan.level })
      : bfvEncryptSymmetric(ctx, key as SecretKey, pt, rng, { level: plan.level, seeded: options.seeded === true });
  });
}

/** The union of the Galois elements several plans need, ascending. Spec: §4.15 */
export function linearGaloisElements(plans: readonly LinearPlan[]): number[] {
  const set = new Set<number>();
  for (const p of plans) for (const g of p.galoisElements) set.add(g);
  return [...set].sort((a, b) => a - b);
}

/** The client's Galois keys for a set of layers: exactly {@link linearGaloisElements}(plans). Spec: §4.15 */
export function generateLinearGaloisKeys(ctx: BfvContext, sk: SecretKey, plans: readonly LinearPlan[], rng: Rng, options: SeededOptions = {}): GaloisKeys {
  for (const p of plans) checkPlan(ctx, p);
  return generateGaloisKeys(ctx, sk, rng, { galoisElements: linearGaloisElements(plans), seeded: options.seeded === true });
}

/** A layer the server is ready to evaluate: its plan and weights (and possibly its encoded plaintexts). Spec: §4.15 */
export interface PreparedLinearLayer {
  readonly plan: LinearPlan;
  /** The weights as field elements. */
  readonly weights: Float64Array;
  /** Number of plaintexts held in memory (0 unless prepared with `precompute`). */
  readonly cachedPlaintexts: number;
  /** @internal */
  readonly source: PlaintextSource | DensePlaintextSource;
}

/** Options of {@link prepareLinearLayer}. */
export interface PrepareOptions {
  /**
   * Encode every plaintext now and keep it (for a model evaluated many times; memory: one plaintext
   * is 4·k·n bytes on the narrow path, 8·k·n on the wide path, plan.cost.plainProducts of them).
   * Default false: plaintexts are encoded during each evaluation.
   */
  readonly precompute?: boolean;
  /**
   * With `precompute`: keep the plaintexts in shared memory (a `SharedArrayBuffer` where the platform
   * has one), so that thread-pool tasks receive them without a copy (§5.7). Default false.
   */
  readonly shared?: boolean;
}

/** A precomputed plaintext, in shared memory when asked for and possible. */
function keep(p: PlaintextNtt | null, shared: boolean): PlaintextNtt | null {
  return p === null || !shared ? p : { coeffModulusSize: p.coeffModulusSize, poly: sharedPoly(p.poly) };
}

/**
 * The server's per-model preparation (Spec: §4.15): checks the weights (OIHW for conv, [C, kh, kw]
 * depthwise, row-major out × in for dense; field elements or signed integers in (−p, p)) and, with
 * `precompute`, encodes all plaintexts.
 */
export function prepareLinearLayer(ctx: BfvContext, plan: LinearPlan, weights: ArrayLike<number>, options: PrepareOptions = {}): PreparedLinearLayer {
  checkContext(ctx);
  checkPlan(ctx, plan);
  const w = toFieldElements(weights, linearWeightCount(plan.shape), 'linear layer weights');
  if (plan.kind === 'conv') {
    const make = convPlaintexts(ctx, plan, w);
    if (!options.precompute) return { plan, weights: w, cachedPlaintexts: 0, source: make };
    const shared = options.shared === true;
    const cache = plan.terms.map((list, c) => list.map((_, i) => keep(make(c, i), shared)));
    const count = cache.reduce((a, l) => a + l.filter((x) => x !== null).length, 0);
    return { plan, weights: w, cachedPlaintexts: count, source: (c: number, i: number) => cache[c][i] };
  }
  const make = densePlaintexts(ctx, plan, w);
  if (!options.precompute) return { plan, weights: w, cachedPlaintexts: 0, source: make };
  const B = plan.babySteps;
  const cache = new Map<string, PlaintextNtt | null>();
  let count = 0;
  plan.items.forEach((list, c) => {
    for (const it of list) {
      for (let b = 0; b < B; b++) {
        const p = keep(make(c, it.input, it.giant, b), options.shared === true);
        if (p) count++;
        cache.set(`${c},${it.input},${it.giant},${b}`, p);
      }
    }
  });
  return {
    plan,
    weights: w,
    cachedPlaintexts: count,
    source: (c: number, l: number, g: number, b: number) => cache.get(`${c},${l},${g},${b}`) ?? null,
  };
}

/** What the server needs from the client's keys. Spec: §4.15 */
export interface LinearServerKeys {
  /** Galois keys for (at least) plan.galoisElements. */
  readonly galoisKeys: GaloisKeys;
  /** The client's public key (for the encryption of zero in the flooding). */
  readonly publicKey: PublicKey;
}

/** Options of {@link evaluateLinearLayer}. */
export interface EvaluateLinearOptions {
  /**
   * Flood the returned ciphertexts (default true). `false` is for noise-analysis tests only: the
   * result then leaks information about the weights through its noise.
   */
  readonly flood?: boolean;
}

/** The server's result: the ciphertexts to return to the client and the server's share s. Spec: §4.15 */
export interface LinearEvaluation {
  /** plan.returnedCiphertexts ciphertexts at plan.returnLevel; together they decrypt to M·r − s. */
  readonly ciphertexts: Ciphertext[];
  /** The server's share s (field elements), drawn from its Rng. */
  readonly share: Float64Array;
}

/**
 * The server's step (Spec: §4.15, §4.16): evaluates M on the client's ciphertexts, draws its share
 * s = sampleFieldVector(rng, outputSize), then for each logical output masks its parts (masks
 * summing to s on the output slots, uniform elsewhere), floods each part and switches it down to
 * plan.returnLevel. Randomness: s, then per logical output its masks, then per part its flooding.
 */
export function evaluateLinearLayer(
  ctx: BfvContext,
  layer: PreparedLinearLayer,
  inputs: readonly Ciphertext[],
  keys: LinearServerKeys,
  rng: Rng,
  options: EvaluateLinearOptions = {},
): LinearEvaluation {
  checkLinearEvaluation(ctx, layer, inputs, keys);
  const plan = layer.plan;
  const parts =
    plan.kind === 'conv'
      ? evaluateConvParts(ctx, plan, inputs, layer.source as PlaintextSource, keys.galoisKeys)
      : evaluateDenseParts(ctx, plan, inputs, layer.source as DensePlaintextSource, keys.galoisKeys);
  return finishLinearLayer(ctx, plan, parts, keys.publicKey, rng, options);
}

/**
 * The checks of {@link evaluateLinearLayer} (a prepared layer, inputs matching its plan, keys holding
 * every Galois key the plan needs), for callers that compute the parts themselves, e.g. on a thread
 * pool. Spec: §4.15
 */
export function checkLinearEvaluation(ctx: BfvContext, layer: PreparedLinearLayer, inputs: readonly Ciphertext[], keys: LinearServerKeys): void {
  const plan = layer?.plan;
  checkPlan(ctx, plan);
  checkInputs(ctx, inputs, plan.inputCiphertexts, plan.level);
  if (typeof keys !== 'object' || keys === null || !keys.galoisKeys || !keys.publicKey) {
    throw new InvalidArgumentError('evaluateLinearLayer: keys must hold the client\'s galoisKeys and publicKey');
  }
  for (const g of plan.galoisElements) {
    if (!keys.galoisKeys.keys?.has(g)) throw new InvalidArgumentError(`evaluateLinearLayer: the Galois key for element ${g} is missing`);
  }
}

/**
 * The randomized end of {@link evaluateLinearLayer} on the parts (per logical output, the
 * coefficient-form partial sums): draws the share, masks, floods and switches down, with exactly the
 * draws of {@link evaluateLinearLayer}. Spec: §4.15, §4.16
 */
export function finishLinearLayer(
  ctx: BfvContext,
  plan: LinearPlan,
  parts: readonly (readonly Ciphertext[])[],
  publicKey: PublicKey,
  rng: Rng,
  options: EvaluateLinearOptions = {},
): LinearEvaluation {
  const share = sampleFieldVector(rng, plan.outputSize);
  const ciphertexts: Ciphertext[] = [];
  parts.forEach((list, c) => ciphertexts.push(...finishParts(ctx, plan, c, list, share, publicKey, rng, options)));
  return { ciphertexts, share };
}

/**
 * The client's last step (Spec: §4.15): decrypts and batch-decodes the returned ciphertexts, adds
 * the parts of each logical output (mod p) and reads the outputs: M·r − s in CHW (conv) or natural
 * (dense) order.
 */
export function decryptLinearOutput(ctx: BfvContext, plan: LinearPlan, sk: SecretKey, ciphertexts: readonly Ciphertext[]): Float64Array {
  checkPlan(ctx, plan);
  if (!Array.isArray(ciphertexts) || ciphertexts.length !== plan.returnedCiphertexts) {
    throw new SizeMismatchError(`expected ${plan.returnedCiphertexts} ciphertexts from the server, got ${Array.isArray(ciphertexts) ? ciphertexts.length : typeof ciphertexts}`);
  }
  return unpackOutputSlots(plan, ciphertexts.map((ct) => batchDecode(ctx, bfvDecrypt(ctx, sk, ct))));
}
