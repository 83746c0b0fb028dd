/**
 * Worker-pool tasks (§5.7) of the linear layers besides the convolution's own (./conv.ts): the
 * baby-step rotations and giant-step groups of a dense layer (§4.18), and the randomized end of any
 * layer's part (§4.16) from draws made on the calling thread, so that the masks and the flooding come
 * from the layer's stream in the order of {@link finishLinearLayer} whatever thread finishes a part.
 * Inputs and outputs are structured-cloneable; large polynomials travel in shared memory
 * ({@link sharedCiphertext}).
 *
 * Spec: §5.7, §4.16, §4.18
 * @module
 */
import type { BfvParameters } from '../bfv/params.js';
import type { RnsPoly } from '../bfv/context.js';
import type { FloodDraws } from '../bfv/noise.js';
import { polyAdd, polyNttInverse } from '../bfv/poly.js';
import type { Ciphertext, GaloisKeys, PlaintextNtt, PublicKey } from '../bfv/types.js';
import { InvalidArgumentError } from '../errors.js';
import { sharedCiphertext, taskContext } from './conv.js';
import { denseAccumulateGiants, denseBabyRotations, denseFoldPart, densePlaintexts, type DensePlaintextSource, type DensePlan } from './dense.js';
import { finishPartWithDraws } from './layout.js';

/** Input of the `bfv.denseBaby` task: {@link denseBabyRotations} of one input for some baby steps. */
export interface DenseBabyInput {
  readonly params: BfvParameters;
  readonly plan: DensePlan;
  readonly input: Ciphertext;
  readonly steps: readonly number[];
  readonly galoisKeys: GaloisKeys;
}

/** The `bfv.denseBaby` task: the rotated input, one per step, in shared memory when available. Spec: §5.7 */
export function denseBabyTask(x: DenseBabyInput): Ciphertext[] {
  return denseBabyRotations(taskContext(x.params), x.plan, x.input, x.galoisKeys, x.steps).map(sharedCiphertext);
}

/** The key of a baby-step rotation of input ℓ by b in {@link DenseGiantsInput.baby}. */
export function denseBabyKey(input: number, b: number): string {
  return `${input},${b}`;
}

/** Input of the `bfv.denseGiants` task: {@link denseAccumulateGiants} for some giant-step groups of output c. */
export interface DenseGiantsInput {
  readonly params: BfvParameters;
  readonly plan: DensePlan;
  readonly c: number;
  readonly groups: readonly (readonly [number, readonly number[]])[];
  /** The baby-step rotations the groups use, by {@link denseBabyKey}. */
  readonly baby: ReadonlyMap<string, Ciphertext>;
  /** The layer's weights as field elements (the plaintexts are encoded in the task). */
  readonly weights: Float64Array;
  /** Or the groups' plaintexts, precomputed, by {@link densePlaintextKey} (output c). */
  readonly plaintexts?: ReadonlyMap<string, PlaintextNtt | null>;
  readonly galoisKeys: GaloisKeys;
}

/** The key of the plaintext of input ℓ, giant step g, baby step b in {@link DenseGiantsInput.plaintexts}. */
export function densePlaintextKey(input: number, g: number, b: number): string {
  return `${input},${g},${b}`;
}

/** The `bfv.denseGiants` task: the NTT-form total of the groups (two polynomials). Spec: §5.7 */
export function denseGiantsTask(x: DenseGiantsInput): RnsPoly[] {
  const ctx = taskContext(x.params);
  const k = x.plan.level;
  const total = [ctx.allocPoly(k), ctx.allocPoly(k)];
  const baby = (l: number, b: number): Ciphertext => {
    const ct = x.baby.get(denseBabyKey(l, b));
    if (!ct) throw new InvalidArgumentError(`bfv.denseGiants: rotation ${denseBabyKey(l, b)} is missing`);
    return ct;
  };
  const given = x.plaintexts;
  const source: DensePlaintextSource = given ? (_c, l, g, b) => given.get(densePlaintextKey(l, g, b)) ?? null : densePlaintexts(ctx, x.plan, x.weights);
  denseAccumulateGiants(ctx, x.plan, x.c, x.groups, baby, source, x.galoisKeys, total);
  return total;
}

/** Input of the `bfv.finishPart` task: one part of a layer's output and the draws that finish it. */
export interface FinishPartInput {
  readonly params: BfvParameters;
  /** Primes of the returned ciphertext. */
  readonly returnLevel: number;
  /** Primes of the part's polynomials. */
  readonly level: number;
  /** NTT-form polynomial pairs whose sum is the part (e.g. the totals of several tasks). */
  readonly totals: readonly (readonly RnsPoly[])[];
  /** A dense layer's plan and keys: fold the sum ({@link denseFoldPart}) before the inverse NTT. */
  readonly denseFold?: { readonly plan: DensePlan; readonly galoisKeys: GaloisKeys };
  readonly mask: Float64Array;
  /** The flooding draws, or null without flooding. */
  readonly flood: FloodDraws | null;
  readonly publicKey: PublicKey;
}

/**
 * The `bfv.finishPart` task: sums the totals (exact modular sums, in order), folds a dense part,
 * leaves NTT form, then {@link finishPartWithDraws}. Spec: §5.7, §4.16
 */
export function finishPartTask(x: FinishPartInput): Ciphertext {
  const ctx = taskContext(x.params);
  const k = x.level;
  if (x.totals.length === 0) throw new InvalidArgumentError('bfv.finishPart: no totals to finish');
  const sum = [ctx.allocPoly(k), ctx.allocPoly(k)];
  for (const t of x.totals) {
    polyAdd(ctx, sum[0], t[0], sum[0], k);
    polyAdd(ctx, sum[1], t[1], sum[1], k);
  }
  let part: Ciphertext;
  if (x.denseFold) {
    part = denseFoldPart(ctx, x.denseFold.plan, sum, x.denseFold.galoisKeys);
  } else {
    polyNttInverse(ctx, sum[0], k);
    polyNttInverse(ctx, sum[1], k);
    part = { coeffModulusSize: k, polys: sum, isNttForm: false };
  }
  return finishPartWithDraws(ctx, { returnLevel: x.returnLevel }, part, x.mask, x.flood, x.publicKey);
}
