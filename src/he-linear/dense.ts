/**
 * Fully connected layers under BFV with Gazelle's hybrid diagonal method (Juvekar et al., USENIX
 * Security 2018, §5.2) and baby-step/giant-step rotations (Halevi–Shoup): the input vector is
 * replicated across the slots, the out × in matrix is cut into No × Ni tiles whose "hybrid
 * diagonals" are plaintexts, each output row block is computed in its own replica, and a final
 * rotate-and-sum folds the Ni/No partial sums of every output. Inputs longer than a row are split
 * into column blocks, one per row, and the two rows are added with a column swap at the end.
 *
 * The exact slot layout, rotation steps and ciphertext counts are in §4.18.
 *
 * Spec: §4.18
 * @module
 */
import type { BfvContext, RnsPoly } from '../bfv/context.js';
import { galoisEltFromStep } from '../bfv/galois.js';
import { bfvApplyGaloisHoisted, bfvRotateRowsHoisted } from '../bfv/hoisting.js';
import { rotateRouted, rotateRowsRouted, routeDepth, routedDecompositionCount, routedElements, routedRotationCount, type RotationRoutes } from './rotation-keys.js';
import type { LinearNoiseModel } from './noise-bounds.js';
import { plainProductNoise } from './noise-bounds.js';
import {
  encodeSlotsNtt,
  planKeysAndFlooding,
  partitionByNoise,
  partNoise,
  type LinearCost,
  type LinearPlanBase,
  type NoiseItem,
} from './layout.js';
import type { DenseShape } from './shapes.js';
import { checkLinearShape } from './shapes.js';
import { polyAdd, polyMulAccNtt, polyNttInverse } from '../bfv/poly.js';
import type { Ciphertext, GaloisKeys, PlaintextNtt } from '../bfv/types.js';

/** One giant-step group of products: giant step g, input ciphertext ℓ (its baby steps b < babySteps). Spec: §4.18 */
export interface DenseItem {
  readonly giant: number;
  readonly input: number;
}

/** A dense-layer plan (Spec: §4.18). */
export interface DensePlan extends LinearPlanBase {
  readonly kind: 'dense';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Slots per row, R = n/2. */
  readonly rowSize: number;
  /** Ni: the (padded) length of the input segment a replica holds, a power of two ≤ R. */
  readonly laneSize: number;
  /** No: outputs per row block, a power of two ≤ Ni. */
  readonly rowBlockSize: number;
  /** Replicas per ciphertext (2R/Ni), i.e. row blocks per output ciphertext when the input fits a row. */
  readonly replicas: number;
  /** True when the input is longer than a row: rows hold different column blocks and are summed at the end. */
  readonly splitRows: boolean;
  /** Baby steps B (rotations 0 … B − 1 of each input). */
  readonly babySteps: number;
  /** Giant steps G = No/B. */
  readonly giantSteps: number;
  /** Rotate-and-sum steps Ni/2, Ni/4, …, No. */
  readonly sumSteps: readonly number[];
  /** items[c]: the giant-step groups feeding output c. */
  readonly items: readonly (readonly DenseItem[])[];
  /** partItems[c][g]: indices into items[c] summed by part g. */
  readonly partItems: readonly (readonly (readonly number[])[])[];
}

function log2(x: number): number {
  return Math.round(Math.log2(x));
}

function nextPow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

function normalizeStep(step: number, R: number): number {
  let s = ((step % R) + R) % R;
  if (s > R / 2) s -= R;
  return s;
}

interface Candidate {
  readonly No: number;
  readonly B: number;
}

function build(ctx: BfvContext, shape: DenseShape, model: LinearNoiseModel, cand: Candidate, routes: RotationRoutes | null): DensePlan {
  const n = ctx.n;
  const R = n / 2;
  const inF = shape.inFeatures;
  const outF = shape.outFeatures;
  const splitRows = inF > R;
  const Ni = splitRows ? R : nextPow2(inF);
  const No = cand.No;
  const B = cand.B;
  const G = No / B;
  const replicas = (2 * R) / Ni;
  const columnBlocks = splitRows ? Math.ceil(inF / R) : 1;
  const inputCiphertexts = splitRows ? Math.ceil(columnBlocks / 2) : 1;
  const rowBlocks = Math.ceil(outF / No);
  const outputCiphertexts = splitRows ? rowBlocks : Math.ceil(rowBlocks / replicas);
  const sumSteps: number[] = [];
  for (let s = Ni / 2; s >= No; s /= 2) sumSteps.push(s);

  const items: DenseItem[][] = [];
  for (let c = 0; c < outputCiphertexts; c++) {
    const list: DenseItem[] = [];
    for (let g = 0; g < G; g++) for (let l = 0; l < inputCiphertexts; l++) list.push({ giant: g, input: l });
    items.push(list);
  }
  // A rotation composed of d key switches (§4.15.1) adds d times the key-switching noise.
  const hops = (step: number): number => (normalizeStep(step, R) === 0 ? 0 : routes ? routeDepth(routes, step) : 1);
  const inputNoise = (b: number): number => model.encryption + hops(b) * model.keySwitch;
  let perItem = 0;
  for (let b = 0; b < B; b++) perItem += plainProductNoise(model, inputNoise(b));
  perItem += B - 1;
  const finishSteps = [...sumSteps.map((s) => hops(s)), ...(splitRows ? [1] : [])];
  const finish = (x: number): number => {
    let v = x;
    for (const d of finishSteps) v = 2 * v + d * model.keySwitch + 1;
    return v + 1;
  };
  let giantHops = 1;
  for (let g = 1; g < G; g++) giantHops = Math.max(giantHops, hops(g * B));
  const giantNoise = giantHops * model.keySwitch;
  const budget = 2 ** model.maxNoiseBits;
  const partItems: number[][][] = [];
  const noiseBounds: number[] = [];
  for (const list of items) {
    const noiseItems: NoiseItem[] = list.map((it) => ({ group: it.giant, noise: perItem }));
    const parts = partitionByNoise(noiseItems, giantNoise, finish, budget, 'dense');
    partItems.push(parts);
    for (const p of parts) noiseBounds.push(partNoise(noiseItems, p, giantNoise, finish));
  }

  const elements = new Map<number, number>();
  const addStep = (step: number): void => {
    const s = normalizeStep(step, R);
    if (s === 0) return;
    if (routes) for (const [e, g] of routedElements(n, routes, [s])) elements.set(e, g);
    else elements.set(galoisEltFromStep(n, s), s);
  };
  for (let b = 1; b < B; b++) addStep(b);
  let giantRotations = 0;
  let products = 0;
  let finishing = 0;
  partItems.forEach((parts, c) => {
    for (const part of parts) {
      const gs = new Set(part.map((i) => items[c][i].giant));
      for (const g of gs) {
        if (g !== 0) {
          addStep(g * B);
          giantRotations += hops(g * B);
        }
      }
      products += part.length * B;
      finishing += finishSteps.reduce((a, d) => a + d, 0);
    }
  });
  for (const s of sumSteps) addStep(s);
  if (splitRows) elements.set(2 * n - 1, 0);
  const babies = Array.from({ length: B }, (_, b) => b);
  const babySwitches = routes ? routedRotationCount(routes, babies) : B - 1;
  const babyDecompositions = B === 1 ? 0 : routes ? routedDecompositionCount(routes, babies) : 1;
  const cost: LinearCost = {
    decompositions: inputCiphertexts * babyDecompositions + giantRotations + finishing,
    rotations: inputCiphertexts * babySwitches + giantRotations + finishing,
    plainProducts: products,
  };

  // Slot maps.
  const inputSource = new Int32Array(inputCiphertexts * n).fill(-1);
  for (let l = 0; l < inputCiphertexts; l++) {
    for (let j = 0; j < n; j++) {
      let src: number;
      if (splitRows) {
        const cb = 2 * l + Math.floor(j / R);
        src = cb * R + (j % R);
      } else src = j % Ni;
      if (src < inF) inputSource[l * n + j] = src;
    }
  }
  const outputSlots = new Int32Array(outF);
  for (let o = 0; o < outF; o++) {
    const a = Math.floor(o / No);
    const u = o % No;
    outputSlots[o] = splitRows ? a * n + u : Math.floor(a / replicas) * n + (a % replicas) * Ni + u;
  }
  return {
    kind: 'dense',
    shape,
    n,
    level: model.level,
    inputSize: inF,
    outputSize: outF,
    inputCiphertexts,
    inputSource,
    outputCiphertexts,
    outputSlots,
    ...planKeysAndFlooding(ctx, model, partItems, noiseBounds, elements, routes),
    cost,
    inFeatures: inF,
    outFeatures: outF,
    rowSize: R,
    laneSize: Ni,
    rowBlockSize: No,
    replicas,
    splitRows,
    babySteps: B,
    giantSteps: G,
    sumSteps,
    items,
    partItems,
  };
}

/** Relative cost of a plan (rotations dominate; products and returned ciphertexts count less). */
function score(plan: DensePlan): number {
  return plan.cost.decompositions + 0.5 * plan.cost.rotations + 0.2 * plan.cost.plainProducts + 1.5 * plan.returnedCiphertexts;
}

/**
 * Plans a dense layer (Spec: §4.18): tries every power-of-two row-block size No ≤ Ni and baby-step
 * count B | No, keeps the plans whose parts can be flooded, and returns the one of least estimated
 * cost (ties: smaller No, then smaller B).
 */
export function planDense(ctx: BfvContext, shape: DenseShape, model: LinearNoiseModel, routes: RotationRoutes | null = null): DensePlan {
  checkLinearShape(shape);
  const R = ctx.n / 2;
  const Ni = shape.inFeatures > R ? R : nextPow2(shape.inFeatures);
  let best: DensePlan | null = null;
  let bestScore = Infinity;
  let lastError: unknown = null;
  for (let No = 1; No <= Ni; No *= 2) {
    for (let B = 1; B <= No; B *= 2) {
      let plan: DensePlan;
      try {
        plan = build(ctx, shape, model, { No, B }, routes);
      } catch (e) {
        lastError = e;
        continue;
      }
      const s = score(plan);
      if (s < bestScore) {
        best = plan;
        bestScore = s;
      }
    }
  }
  if (best === null) throw lastError;
  return best;
}

/**
 * The slot vector of the plaintext for output c, input ℓ, giant step g, baby step b: the hybrid
 * diagonal j = g·B + b of each replica's tile, rotated right by g·B within each row. Slot i = ρ·Ni + u
 * of D_j holds M[a·No + (u mod No)][cb·Ni + ((u + j) mod Ni)] (0 outside the matrix), with a the row
 * block and cb the column block of replica ρ. Null if all zero. Spec: §4.18
 */
export function denseTermSlots(plan: DensePlan, weights: Float64Array, c: number, input: number, g: number, b: number): Float64Array | null {
  const n = plan.n;
  const R = plan.rowSize;
  const Ni = plan.laneSize;
  const No = plan.rowBlockSize;
  const j = g * plan.babySteps + b;
  const shift = g * plan.babySteps;
  const inF = plan.inFeatures;
  const slots = new Float64Array(n);
  let any = false;
  for (let rho = 0; rho < plan.replicas; rho++) {
    const a = plan.splitRows ? c : c * plan.replicas + rho;
    const cb = plan.splitRows ? 2 * input + rho : 0;
    if (a * No >= plan.outFeatures || cb * Ni >= inF) continue;
    for (let u = 0; u < Ni; u++) {
      const row = a * No + (u % No);
      const col = cb * Ni + ((u + j) % Ni);
      if (row >= plan.outFeatures || col >= inF) continue;
      const w = weights[row * inF + col];
      if (w === 0) continue;
      // D_j[i] goes to slot i + shift (row-cyclic): P = rot(D_j, −shift).
      const i = rho * Ni + u;
      const rowStart = i < R ? 0 : R;
      slots[rowStart + ((i - rowStart + shift) % R)] = w;
      any = true;
    }
  }
  return any ? slots : null;
}

/** Where the prepared plaintext of (output c, input ℓ, giant g, baby b) comes from. */
export type DensePlaintextSource = (c: number, input: number, g: number, b: number) => PlaintextNtt | null;

/** A plaintext source that encodes each plaintext when it is needed. Spec: §4.18 */
export function densePlaintexts(ctx: BfvContext, plan: DensePlan, weights: Float64Array): DensePlaintextSource {
  return (c, input, g, b) => {
    const slots = denseTermSlots(plan, weights, c, input, g, b);
    return slots === null ? null : encodeSlotsNtt(ctx, slots, plan.level);
  };
}

function rotateNtt(ctx: BfvContext, ct: Ciphertext, step: number, R: number, gk: GaloisKeys, routes: RotationRoutes | null): Ciphertext {
  const s = normalizeStep(step, R);
  if (s === 0) return ct;
  return routes ? rotateRouted(ctx, ct, s, routes, gk) : bfvApplyGaloisHoisted(ctx, ct, [galoisEltFromStep(ctx.n, s)], gk)[0];
}

/** The baby-step rotations 0 … B − 1 of one input, or of those of `steps` (NTT form, in the order asked). Spec: §4.18 */
export function denseBabyRotations(ctx: BfvContext, plan: DensePlan, input: Ciphertext, gk: GaloisKeys, steps?: readonly number[]): Ciphertext[] {
  const babies = steps ?? Array.from({ length: plan.babySteps }, (_, b) => b);
  return plan.routes ? rotateRowsRouted(ctx, input, babies, plan.routes, gk) : bfvRotateRowsHoisted(ctx, input, babies, gk);
}

/** The giant-step groups of one part of output c: each giant step g with the inputs ℓ of its items, in the part's order. Spec: §4.18 */
export function denseGiantGroups(plan: DensePlan, c: number, part: readonly number[]): [number, number[]][] {
  const list = plan.items[c];
  const byGiant = new Map<number, number[]>();
  for (const i of part) {
    const it = list[i];
    if (!byGiant.has(it.giant)) byGiant.set(it.giant, []);
    byGiant.get(it.giant)!.push(it.input);
  }
  return [...byGiant];
}

/**
 * total ← total + Σ_groups rot_{g·B}(Σ_{ℓ, b} baby(ℓ, b) ∘ plaintext(c, ℓ, g, b)), in NTT form
 * (`total` is a pair of polynomials at the plan's level). Additions are exact modular sums, so
 * splitting the groups and adding the totals gives the same polynomials. Spec: §4.18
 */
export function denseAccumulateGiants(
  ctx: BfvContext,
  plan: DensePlan,
  c: number,
  groups: readonly (readonly [number, readonly number[]])[],
  baby: (input: number, b: number) => Ciphertext,
  plaintexts: DensePlaintextSource,
  gk: GaloisKeys,
  total: RnsPoly[],
): void {
  const k = plan.level;
  const B = plan.babySteps;
  for (const [g, ins] of groups) {
    let acc: RnsPoly[] | null = null;
    for (const l of ins) {
      for (let b = 0; b < B; b++) {
        const p = plaintexts(c, l, g, b);
        if (p === null) continue;
        if (acc === null) acc = [ctx.allocPoly(k), ctx.allocPoly(k)];
        const x = baby(l, b);
        polyMulAccNtt(ctx, acc[0], x.polys[0], p.poly, k);
        polyMulAccNtt(ctx, acc[1], x.polys[1], p.poly, k);
      }
    }
    if (acc === null) continue;
    const rotated = rotateNtt(ctx, { coeffModulusSize: k, polys: acc, isNttForm: true }, g * B, plan.rowSize, gk, plan.routes);
    polyAdd(ctx, total[0], rotated.polys[0], total[0], k);
    polyAdd(ctx, total[1], rotated.polys[1], total[1], k);
  }
}

/**
 * The end of one part of a dense layer (Spec: §4.18): the rotate-and-sum folds of the NTT-form sum
 * `polys` (and the row fold when the input is split over rows), then the inverse NTT; `polys` is
 * overwritten and returned as a coefficient-form ciphertext.
 */
export function denseFoldPart(ctx: BfvContext, plan: DensePlan, polys: RnsPoly[], gk: GaloisKeys): Ciphertext {
  const k = plan.level;
  const z: Ciphertext = { coeffModulusSize: k, polys, isNttForm: true };
  const fold = (rot: Ciphertext): void => {
    polyAdd(ctx, z.polys[0], rot.polys[0], z.polys[0], k);
    polyAdd(ctx, z.polys[1], rot.polys[1], z.polys[1], k);
  };
  for (const s of plan.sumSteps) fold(rotateNtt(ctx, z, s, plan.rowSize, gk, plan.routes));
  if (plan.splitRows) fold(bfvApplyGaloisHoisted(ctx, z, [2 * ctx.n - 1], gk)[0]);
  polyNttInverse(ctx, z.polys[0], k);
  polyNttInverse(ctx, z.polys[1], k);
  return { coeffModulusSize: k, polys: z.polys, isNttForm: false };
}

/**
 * The server's homomorphic part of a dense layer (Spec: §4.18): per logical output, the
 * coefficient-form partial sums (one per part), before masking and flooding.
 */
export function evaluateDenseParts(
  ctx: BfvContext,
  plan: DensePlan,
  inputs: readonly Ciphertext[],
  plaintexts: DensePlaintextSource,
  gk: GaloisKeys,
): Ciphertext[][] {
  const k = plan.level;
  const baby = inputs.map((ct) => denseBabyRotations(ctx, plan, ct, gk));
  return plan.items.map((_, c) =>
    plan.partItems[c].map((part) => {
      const total = [ctx.allocPoly(k), ctx.allocPoly(k)];
      denseAccumulateGiants(ctx, plan, c, denseGiantGroups(plan, c, part), (l, b) => baby[l][b], plaintexts, gk, total);
      return denseFoldPart(ctx, plan, total, gk);
    }),
  );
}
