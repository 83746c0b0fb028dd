/**
 * What every homomorphic linear-layer plan has in common (§4.15–§4.18): where the client puts its
 * input in the slots, where the outputs come out, how many ciphertexts go each way, which Galois
 * keys are needed, and the noise accounting that decides how many partial results the server
 * returns (each flooded and switched down to a smaller modulus before it leaves the server).
 *
 * Spec: §4.15, §4.16
 * @module
 */
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../errors.js';
import { P } from '../math/share-field.js';
import type { Rng } from '../random/index.js';
import { sampleFieldVector } from '../sharing/field-vector.js';
import type { BfvContext } from '../bfv/context.js';
import { batchEncode } from '../bfv/encoder.js';
import { bfvModSwitchToNext, bfvSubPlain, preparePlaintext } from '../bfv/evaluator.js';
import type { LinearNoiseModel } from './noise-bounds.js';
import { modSwitchNoise, noiseBoundBits } from './noise-bounds.js';
import type { LinearShape } from './shapes.js';
import type { RotationRoutes } from './rotation-keys.js';
import { drawFloodNoise, floodingBits, floodNoiseWithDraws, type FloodDraws } from '../bfv/noise.js';
import { checkCiphertext, type Ciphertext, type PlaintextNtt, type PublicKey } from '../bfv/types.js';

/** The part of a plan that client and server both use. Spec: §4.15 */
export interface LinearPlanBase {
  readonly shape: LinearShape;
  /** Ring degree n of the context the plan was made for. */
  readonly n: number;
  /** Number of primes of the level the inputs are encrypted at. */
  readonly level: number;
  /** Number of input elements. */
  readonly inputSize: number;
  /** Number of output elements. */
  readonly outputSize: number;
  /** Ciphertexts the client sends. */
  readonly inputCiphertexts: number;
  /**
   * Slot contents of the client's plaintexts: inputSource[c·n + j] is the index of the input element
   * in slot j of input ciphertext c, or −1 for zero. An element may appear in several slots.
   */
  readonly inputSource: Int32Array;
  /** Logical output ciphertexts (before splitting into partial sums). */
  readonly outputCiphertexts: number;
  /** outputSlots[e] = c·n + j: output element e is slot j of logical output ciphertext c. */
  readonly outputSlots: Int32Array;
  /** parts[c]: how many ciphertexts the server returns for logical output c (their sum is the output). */
  readonly parts: readonly number[];
  /** Total ciphertexts the server returns (Σ parts), in order: output 0's parts, output 1's, … */
  readonly returnedCiphertexts: number;
  /** Galois elements whose keys the server needs, ascending. */
  readonly galoisElements: readonly number[];
  /** The same as row-rotation steps in (−n/4, n/4] (0 stands for the column swap 2n − 1), in the order of galoisElements. */
  readonly rotationSteps: readonly number[];
  /**
   * Routes composing every row rotation from a few generator keys (§4.15.1), or null: one key per
   * rotation step. With routes, galoisElements are the generators the layer's routes use.
   */
  readonly routes: RotationRoutes | null;
  /** The noise constants the plan was checked against. */
  readonly noise: LinearNoiseModel;
  /** Worst-case noise bound of each returned ciphertext before flooding. */
  readonly noiseBounds: readonly number[];
  /** Flooding width b (§4.9) used for every returned ciphertext. */
  readonly floodBits: number;
  /** Number of primes of the level the returned ciphertexts are switched down to. */
  readonly returnLevel: number;
  /** Operation counts of one evaluation (structural upper bounds: all-zero plaintexts are skipped). */
  readonly cost: LinearCost;
}

/** Operation counts of one evaluation. Spec: §4.15 */
export interface LinearCost {
  /** Digit decompositions of ciphertexts being rotated (one per hoisted batch or single rotation). */
  readonly decompositions: number;
  /** Galois automorphisms with key switching. */
  readonly rotations: number;
  /** Ciphertext × plaintext products (in the NTT domain). */
  readonly plainProducts: number;
}

/** An item of a partition: its group (0 = not rotated afterwards) and its noise bound. */
export interface NoiseItem {
  readonly group: number;
  readonly noise: number;
}

/**
 * Splits items (in order) into consecutive parts so that, for each part, finish(Σ item noise +
 * one rotation noise per distinct non-zero group) ≤ budget. Returns the parts as index lists. Throws
 * {@link InvalidParametersError} when a single item does not fit. Spec: §4.16
 */
export function partitionByNoise(
  items: readonly NoiseItem[],
  rotation: number,
  finish: (b: number) => number,
  budget: number,
  what: string,
): number[][] {
  const parts: number[][] = [];
  let current: number[] = [];
  let sum = 0;
  let groups = new Set<number>();
  const bound = (s: number, g: Set<number>, count: number): number => finish(s + count + (g.has(0) ? g.size - 1 : g.size) * rotation);
  items.forEach((item, index) => {
    const g2 = new Set(groups).add(item.group);
    if (current.length > 0 && bound(sum + item.noise, g2, current.length + 1) > budget) {
      parts.push(current);
      current = [];
      sum = 0;
      groups = new Set();
    }
    const g3 = new Set(groups).add(item.group);
    if (bound(sum + item.noise, g3, current.length + 1) > budget) {
      throw new InvalidParametersError(
        `${what}: a single product already exceeds the noise that can be flooded (2^${Math.log2(budget).toFixed(1)}); ` +
          'use a larger coefficient modulus or ring degree, or a smaller lambda',
      );
    }
    current.push(index);
    sum += item.noise;
    groups = g3;
  });
  if (current.length > 0) parts.push(current);
  return parts;
}

/** Bound of a part: finish(Σ noise + count + rotations). Spec: §4.16 */
export function partNoise(items: readonly NoiseItem[], indices: readonly number[], rotation: number, finish: (b: number) => number): number {
  let s = 0;
  const groups = new Set<number>();
  for (const i of indices) {
    s += items[i].noise;
    groups.add(items[i].group);
  }
  return finish(s + indices.length + (groups.has(0) ? groups.size - 1 : groups.size) * rotation);
}

/**
 * The flooding width and return level for the largest part bound (Spec: §4.16): b = floodingBits
 * (§4.9) of noiseBoundBits(max bound); then, starting from the evaluation level, the ciphertext is
 * switched down while the bound after switching, starting from 2^noiseBits + encryption + 2^b,
 * stays below Q_k/(4t).
 */
export function floodAndReturnLevel(ctx: BfvContext, model: LinearNoiseModel, bounds: readonly number[]): { floodBits: number; returnLevel: number } {
  const noiseBits = noiseBoundBits(Math.max(1, ...bounds));
  if (noiseBits > model.maxNoiseBits) {
    throw new InvalidParametersError(`noise bound 2^${noiseBits} exceeds the floodable 2^${model.maxNoiseBits}`);
  }
  const floodBits = floodingBits(ctx, { noiseBits, lambda: model.lambda });
  let b = 2 ** noiseBits + model.encryption + 2 ** floodBits;
  let k = model.level;
  while (k > ctx.lastLevel.k && ctx.levels[k - 2]) {
    const next = modSwitchNoise(ctx, b, ctx.primes[k - 1]);
    const Q = ctx.level(k - 1).Q;
    if (next >= Number(Q / BigInt(4 * ctx.t))) break;
    b = next;
    k--;
  }
  return { floodBits, returnLevel: k };
}

/**
 * The fields of {@link LinearPlanBase} from `parts` to `returnLevel`, derived the same way for
 * every layer kind (Spec: §4.15, §4.16): part counts and their sum, the Galois elements ascending
 * with the rotation step each stands for (`elements`: element → step), and the flooding width and
 * return level of the largest part bound ({@link floodAndReturnLevel}).
 */
export function planKeysAndFlooding(
  ctx: BfvContext,
  model: LinearNoiseModel,
  partLists: readonly { readonly length: number }[],
  noiseBounds: readonly number[],
  elements: ReadonlyMap<number, number>,
  routes: RotationRoutes | null,
): Pick<LinearPlanBase, 'parts' | 'returnedCiphertexts' | 'galoisElements' | 'rotationSteps' | 'routes' | 'noise' | 'noiseBounds' | 'floodBits' | 'returnLevel'> {
  const parts = partLists.map((p) => p.length);
  const galoisElements = [...elements.keys()].sort((a, b) => a - b);
  const { floodBits, returnLevel } = floodAndReturnLevel(ctx, model, noiseBounds);
  return {
    parts,
    returnedCiphertexts: parts.reduce((a, b) => a + b, 0),
    galoisElements,
    rotationSteps: galoisElements.map((e) => elements.get(e)!),
    routes,
    noise: model,
    noiseBounds,
    floodBits,
    returnLevel,
  };
}

/**
 * The client's plaintext slot vectors for input x (field elements): slot j of ciphertext c holds
 * x[inputSource[c·n + j]] (0 where the source is −1). Spec: §4.15
 */
export function packInputSlots(plan: LinearPlanBase, x: Float64Array): Float64Array[] {
  if (x.length !== plan.inputSize) throw new SizeMismatchError(`linear layer input: expected ${plan.inputSize} elements, got ${x.length}`);
  const n = plan.n;
  const out: Float64Array[] = [];
  for (let c = 0; c < plan.inputCiphertexts; c++) {
    const v = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const src = plan.inputSource[c * n + j];
      if (src >= 0) v[j] = x[src];
    }
    out.push(v);
  }
  return out;
}

/**
 * Sums the decoded slot vectors of each logical output's parts (mod p) and reads the outputs at
 * outputSlots. `slots` lists the returned ciphertexts' slot vectors in order. Spec: §4.15
 */
export function unpackOutputSlots(plan: LinearPlanBase, slots: readonly Float64Array[]): Float64Array {
  if (!Array.isArray(slots) || slots.length !== plan.returnedCiphertexts) {
    throw new SizeMismatchError(`linear layer output: expected ${plan.returnedCiphertexts} slot vectors, got ${slots?.length}`);
  }
  const n = plan.n;
  const sums: Float64Array[] = [];
  let r = 0;
  for (let c = 0; c < plan.outputCiphertexts; c++) {
    const acc = new Float64Array(n);
    for (let g = 0; g < plan.parts[c]; g++, r++) {
      const v = slots[r];
      if (!(v instanceof Float64Array) || v.length !== n) throw new SizeMismatchError(`linear layer output: slot vector ${r} must be a Float64Array of ${n}`);
      for (let j = 0; j < n; j++) {
        const s = acc[j] + v[j];
        acc[j] = s >= P ? s - P : s;
      }
    }
    sums.push(acc);
  }
  const out = new Float64Array(plan.outputSize);
  for (let e = 0; e < out.length; e++) {
    const g = plan.outputSlots[e];
    out[e] = sums[Math.floor(g / n)][g % n];
  }
  return out;
}

/** A slot vector of field elements, batch-encoded, lifted and transformed (ready for NTT-domain products). Spec: §4.15 */
export function encodeSlotsNtt(ctx: BfvContext, slots: Float64Array, level: number): PlaintextNtt {
  return preparePlaintext(ctx, batchEncode(ctx, slots), level);
}

/** Options of the server's finishing step. */
export interface FinishOptions {
  /** Flood (default true). Only noise-analysis tests turn it off: without flooding the result leaks the weights. */
  readonly flood?: boolean;
}

/**
 * The server's last steps on logical output c (Spec: §4.16): draws the masks of its parts (see
 * {@link maskVectors}), subtracts them, floods each part with noiseBits = floodBits − λ − log2 n,
 * and switches it down to the return level.
 */
export function finishParts(
  ctx: BfvContext,
  plan: LinearPlanBase,
  outputIndex: number,
  parts: readonly Ciphertext[],
  share: Float64Array,
  pk: PublicKey,
  rng: Rng,
  options: FinishOptions,
): Ciphertext[] {
  const draws = drawFinishParts(ctx, plan, outputIndex, parts.length, share, rng, options);
  return parts.map((ct, g) => finishPartWithDraws(ctx, plan, ct, draws.masks[g], draws.floods[g], pk));
}

/** The randomness of {@link finishParts} for one logical output: the masks of its parts, then each part's flooding. Spec: §4.16 */
export interface FinishDraws {
  /** One mask per part ({@link maskVectors}). */
  readonly masks: readonly Float64Array[];
  /** One flooding per part ({@link drawFloodNoise}), or null without flooding. */
  readonly floods: readonly (FloodDraws | null)[];
}

/**
 * Draws what {@link finishParts} draws for logical output c, in its order (masks, then per part its
 * flooding), so that the parts can be finished elsewhere ({@link finishPartWithDraws}, e.g. on a
 * thread pool) with exactly the same result. Spec: §4.16
 */
export function drawFinishParts(ctx: BfvContext, plan: LinearPlanBase, outputIndex: number, count: number, share: Float64Array, rng: Rng, options: FinishOptions = {}): FinishDraws {
  const masks = maskVectors(plan, outputIndex, share, rng, count);
  const noiseBits = plan.floodBits - plan.noise.lambda - ctx.logn;
  const floods = masks.map(() => (options.flood !== false ? drawFloodNoise(ctx, rng, { noiseBits, lambda: plan.noise.lambda }) : null));
  return { masks, floods };
}

/**
 * One part of {@link finishParts} with its draws ({@link drawFinishParts}): subtracts the mask, floods
 * (unless `flood` is null) and switches down to the plan's return level. Spec: §4.16
 */
export function finishPartWithDraws(ctx: BfvContext, plan: Pick<LinearPlanBase, 'returnLevel'>, ct: Ciphertext, mask: Float64Array, flood: FloodDraws | null, pk: PublicKey): Ciphertext {
  let out = bfvSubPlain(ctx, ct, batchEncode(ctx, mask));
  if (flood !== null) out = floodNoiseWithDraws(ctx, pk, out, flood);
  while (out.coeffModulusSize > plan.returnLevel) out = bfvModSwitchToNext(ctx, out);
  return out;
}

/**
 * The masks subtracted from the parts of logical output c (Spec: §4.16): for each part in order, n
 * field elements from `sampleFieldVector`; then the output slots of the last part are overwritten so
 * that, on every output slot, the masks of all parts sum to the server's share s of that output.
 * Every slot of every returned ciphertext is thus masked by a fresh uniform value.
 */
export function maskVectors(plan: LinearPlanBase, outputIndex: number, share: Float64Array, rng: Rng, count: number): Float64Array[] {
  const n = plan.n;
  const masks: Float64Array[] = [];
  for (let g = 0; g < count; g++) masks.push(sampleFieldVector(rng, n));
  const last = masks[count - 1];
  for (let e = 0; e < plan.outputSize; e++) {
    const slot = plan.outputSlots[e];
    if (Math.floor(slot / n) !== outputIndex) continue;
    const j = slot % n;
    let v = share[e];
    for (let g = 0; g < count - 1; g++) {
      v -= masks[g][j];
      if (v < 0) v += P;
    }
    last[j] = v;
  }
  return masks;
}

/** Throws unless `inputs` are `count` ciphertexts at `level`, size 2. */
export function checkInputs(ctx: BfvContext, inputs: readonly Ciphertext[], count: number, level: number): void {
  if (!Array.isArray(inputs) || inputs.length !== count) {
    throw new SizeMismatchError(`linear layer: expected ${count} input ciphertexts, got ${Array.isArray(inputs) ? inputs.length : typeof inputs}`);
  }
  for (const ct of inputs) {
    if (ct?.coeffModulusSize !== level) throw new InvalidArgumentError(`linear layer: input ciphertexts must be at level ${level} (${level} primes)`);
    if (ct.polys?.length !== 2) throw new InvalidArgumentError('linear layer: input ciphertexts must have size 2');
    if (ct.isNttForm) throw new InvalidArgumentError('linear layer: input ciphertexts must be in coefficient form');
    checkCiphertext(ctx, ct, 'linear layer input');
  }
}

