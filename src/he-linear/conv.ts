/**
 * Convolutions under BFV with Gazelle-style packing (Juvekar, Vaikuntanathan, Chandrakasan, USENIX
 * Security 2018, §5.3): channels side by side in the slots, one row rotation of the input per kernel
 * tap (hoisted: one digit decomposition per input ciphertext), plaintext kernels that also zero the
 * padding, and Gazelle's diagonal trick across the channel blocks of a row (one output rotation per
 * block offset). Larger images are tiled by output rows, each tile carrying its input halo. Depthwise
 * convolutions (sum pooling, per-channel scaling) use the same code with a diagonal channel map.
 *
 * The exact slot layout, rotation steps and ciphertext counts are in §4.17.
 *
 * Spec: §4.17
 * @module
 */
import { InvalidParametersError } from '../errors.js';
import { createBfvContext, type BfvContext, type RnsPoly } from '../bfv/context.js';
import type { BfvParameters } from '../bfv/params.js';
import { galoisEltFromStep } from '../bfv/galois.js';
import { bfvApplyGaloisHoisted, bfvRotateRowsHoisted } from '../bfv/hoisting.js';
import { rotateRouted, rotateRowsRouted, routeDepth, routedDecompositionCount, routedElements, routedRotationCount, type RotationRoutes } from './rotation-keys.js';
import { bfvRotateColumns } from '../bfv/keyswitch.js';
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
import { convGeometry, type ConvGeometry, type ConvShape } from './shapes.js';
import { polyAdd, polyMulAccNtt, polyNttInverse } from '../bfv/poly.js';
import type { Ciphertext, GaloisKeys, KSwitchKey, PlaintextNtt } from '../bfv/types.js';

/** Output rows [oy0, oy1) of a tile and the input rows [yLo, yHi) it carries. Spec: §4.17 */
export interface ConvTile {
  readonly oy0: number;
  readonly oy1: number;
  readonly yLo: number;
  readonly yHi: number;
}

/** Kernel tap (ky, kx): the input is rotated left by `step` (in (−R/2, R/2]; 0 = no rotation). Spec: §4.17 */
export interface ConvTap {
  readonly ky: number;
  readonly kx: number;
  readonly step: number;
}

/** A structurally non-zero product: diagonal j, input ciphertext c, rows swapped (s = 1) or not, tap. Spec: §4.17 */
export interface ConvTerm {
  readonly j: number;
  readonly input: number;
  readonly swap: 0 | 1;
  readonly tap: number;
}

/** Options of {@link planConv}. */
export interface ConvPlanOptions {
  /**
   * Upper bound on the channel blocks per row cn (a power of two; default R). Fewer blocks mean
   * fewer diagonal rotations and Galois keys (cn − 1 of them) for more ciphertexts. Spec: §4.17
   */
  readonly maxBlocksPerRow?: number;
  /** Compose rotations from these routes' generator keys (§4.15.1) instead of one key per step. */
  readonly routes?: RotationRoutes | null;
}

/** A convolution plan (Spec: §4.17). */
export interface ConvPlan extends LinearPlanBase {
  readonly kind: 'conv';
  readonly geometry: ConvGeometry;
  /** Slots per row, R = n/2. */
  readonly rowSize: number;
  /** Slots per channel block B (a power of two). */
  readonly blockSize: number;
  /** Channel blocks per row, R/B. */
  readonly blocksPerRow: number;
  /** Row pitch of an image inside a block. */
  readonly pitch: number;
  readonly tiles: readonly ConvTile[];
  readonly taps: readonly ConvTap[];
  /** terms[c]: the products that feed logical output c, sorted by (j, input, swap, tap). */
  readonly terms: readonly (readonly ConvTerm[])[];
  /** partTerms[c][g]: indices into terms[c] summed by part g of output c. */
  readonly partTerms: readonly (readonly (readonly number[])[])[];
}

/** step modulo R, as the representative in (−R/2, R/2]. */
function normalizeStep(step: number, R: number): number {
  let s = ((step % R) + R) % R;
  if (s > R / 2) s -= R;
  return s;
}

function nextPow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** Slots a tile occupies in its block: rows × pitch. */
function tileExtent(g: ConvGeometry, oy0: number, oy1: number, pitch: number): { yLo: number; yHi: number; size: number } {
  const yLo = Math.max(0, oy0 * g.sh - g.padTop);
  const yHi = Math.min(g.height, (oy1 - 1) * g.sh - g.padTop + g.kh);
  const rows = Math.max(yHi - yLo, (oy1 - 1) * g.sh - yLo + 1);
  return { yLo, yHi: Math.max(yHi, yLo), size: rows * pitch };
}

function makeTiles(g: ConvGeometry, pitch: number, R: number): ConvTile[] {
  const whole = tileExtent(g, 0, g.outHeight, pitch);
  if (whole.size <= R) return [{ oy0: 0, oy1: g.outHeight, yLo: whole.yLo, yHi: whole.yHi }];
  let rows = g.outHeight - 1;
  const fits = (tr: number): boolean => {
    for (let oy0 = 0; oy0 < g.outHeight; oy0 += tr) {
      if (tileExtent(g, oy0, Math.min(g.outHeight, oy0 + tr), pitch).size > R) return false;
    }
    return true;
  };
  while (rows > 0 && !fits(rows)) rows--;
  if (rows === 0) {
    throw new InvalidParametersError(
      `conv: one output row needs ${tileExtent(g, 0, 1, pitch).size} slots, more than a ciphertext row (${R}); use a larger ring degree`,
    );
  }
  const tiles: ConvTile[] = [];
  for (let oy0 = 0; oy0 < g.outHeight; oy0 += rows) {
    const oy1 = Math.min(g.outHeight, oy0 + rows);
    const e = tileExtent(g, oy0, oy1, pitch);
    tiles.push({ oy0, oy1, yLo: e.yLo, yHi: e.yHi });
  }
  return tiles;
}

/** Whether tap (ky, kx) reads at least one in-image pixel for some output of the tile. */
function tapTouchesTile(g: ConvGeometry, tile: ConvTile, ky: number, kx: number): boolean {
  let rowOk = false;
  for (let oy = tile.oy0; oy < tile.oy1 && !rowOk; oy++) {
    const iy = oy * g.sh + ky - g.padTop;
    rowOk = iy >= 0 && iy < g.height;
  }
  if (!rowOk) return false;
  for (let ox = 0; ox < g.outWidth; ox++) {
    const ix = ox * g.sw + kx - g.padLeft;
    if (ix >= 0 && ix < g.width) return true;
  }
  return false;
}

/**
 * The structural terms of each output ciphertext of {@link planConv}: for every connected pair of
 * (output, input) virtual channels and every tap that touches the tile, the block offset j, the
 * input ciphertext and whether its rows are swapped; sorted, without repeats. Spec: §4.17
 */
function convTerms(
  g: ConvGeometry,
  tapOk: readonly (readonly boolean[])[],
  p: { T: number; tapCount: number; cn: number; perCt: number; inputCiphertexts: number; outputCiphertexts: number },
): ConvTerm[][] {
  const { T, tapCount, cn, perCt, inputCiphertexts, outputCiphertexts } = p;
  const nVout = T * g.outChannels;
  const termKeys: Set<number>[] = Array.from({ length: outputCiphertexts }, () => new Set<number>());
  const key = (j: number, c: number, s: number, tap: number): number => ((j * inputCiphertexts + c) * 2 + s) * tapCount + tap;
  for (let vo = 0; vo < nVout; vo++) {
    const tau = Math.floor(vo / g.outChannels);
    const o = vo % g.outChannels;
    const co = Math.floor(vo / perCt);
    const ro = Math.floor((vo % perCt) / cn);
    const bo = vo % cn;
    const first = g.depthwise ? o : 0;
    const last = g.depthwise ? o : g.inChannels - 1;
    for (let i = first; i <= last; i++) {
      const vi = tau * g.inChannels + i;
      const ci = Math.floor(vi / perCt);
      const ri = Math.floor((vi % perCt) / cn);
      const bi = vi % cn;
      const j = (((bo - bi) % cn) + cn) % cn;
      const s = ro ^ ri;
      for (let tp = 0; tp < tapCount; tp++) if (tapOk[tau][tp]) termKeys[co].add(key(j, ci, s, tp));
    }
  }
  return termKeys.map((set) =>
    [...set]
      .sort((a, b) => a - b)
      .map((kv) => {
        const tap = kv % tapCount;
        const rest = (kv - tap) / tapCount;
        const s = (rest % 2) as 0 | 1;
        const rest2 = (rest - s) / 2;
        return { j: Math.floor(rest2 / inputCiphertexts), input: rest2 % inputCiphertexts, swap: s, tap };
      }),
  );
}

/**
 * Where each input value goes in the input ciphertexts (slot → CHW index, −1 for padding) and
 * where each output value is read from in the result (CHW index → slot), for the packing of
 * {@link planConv}: virtual channels (tile, channel) laid out perCt to a ciphertext, cn blocks of
 * blockSize slots per row, rows of `pitch` slots. Spec: §4.17
 */
function convSlotMaps(
  g: ConvGeometry,
  tiles: readonly ConvTile[],
  p: { n: number; R: number; cn: number; perCt: number; blockSize: number; pitch: number; inputCiphertexts: number },
): { inputSource: Int32Array; outputSlots: Int32Array } {
  const { n, R, cn, perCt, blockSize, pitch, inputCiphertexts } = p;
  const nVin = tiles.length * g.inChannels;
  const nVout = tiles.length * g.outChannels;
  const inputSource = new Int32Array(inputCiphertexts * n).fill(-1);
  for (let vi = 0; vi < nVin; vi++) {
    const tile = tiles[Math.floor(vi / g.inChannels)];
    const i = vi % g.inChannels;
    const base = Math.floor(vi / perCt) * n + Math.floor((vi % perCt) / cn) * R + (vi % cn) * blockSize;
    for (let iy = tile.yLo; iy < tile.yHi; iy++) {
      for (let ix = 0; ix < g.width; ix++) inputSource[base + (iy - tile.yLo) * pitch + ix] = (i * g.height + iy) * g.width + ix;
    }
  }
  const outputSlots = new Int32Array(g.outChannels * g.outHeight * g.outWidth);
  for (let vo = 0; vo < nVout; vo++) {
    const tile = tiles[Math.floor(vo / g.outChannels)];
    const o = vo % g.outChannels;
    const base = Math.floor(vo / perCt) * n + Math.floor((vo % perCt) / cn) * R + (vo % cn) * blockSize;
    for (let oy = tile.oy0; oy < tile.oy1; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        outputSlots[(o * g.outHeight + oy) * g.outWidth + ox] = base + (oy * g.sh - tile.yLo) * pitch + ox * g.sw;
      }
    }
  }
  return { inputSource, outputSlots };
}

/**
 * Plans a convolution for a context (Spec: §4.17): layout, tiles, taps, the structurally non-zero
 * products of each output ciphertext, their split into flooded parts (§4.16), the Galois elements
 * and the cost.
 */
export function planConv(ctx: BfvContext, shape: ConvShape, model: LinearNoiseModel, options: ConvPlanOptions = {}): ConvPlan {
  const g = convGeometry(shape);
  const n = ctx.n;
  const R = n / 2;
  const maxBlocks = options.maxBlocksPerRow ?? R;
  if (!Number.isInteger(maxBlocks) || maxBlocks < 1 || (maxBlocks & (maxBlocks - 1)) !== 0) {
    throw new InvalidParametersError(`maxBlocksPerRow must be a power of two ≥ 1, got ${String(maxBlocks)}`);
  }
  const pitch = Math.max(g.width, (g.outWidth - 1) * g.sw + 1);
  const tiles = makeTiles(g, pitch, R);
  const T = tiles.length;
  const blockSize = T === 1 ? Math.min(R, Math.max(nextPow2(tileExtent(g, 0, g.outHeight, pitch).size), R / Math.min(maxBlocks, R))) : R;
  const cn = R / blockSize;
  const perCt = 2 * cn;
  const nVin = T * g.inChannels;
  const nVout = T * g.outChannels;
  const inputCiphertexts = Math.ceil(nVin / perCt);
  const outputCiphertexts = Math.ceil(nVout / perCt);

  const taps: ConvTap[] = [];
  for (let ky = 0; ky < g.kh; ky++) {
    for (let kx = 0; kx < g.kw; kx++) {
      taps.push({ ky, kx, step: normalizeStep((ky - g.padTop) * pitch + (kx - g.padLeft), R) });
    }
  }
  const tapOk = tiles.map((tile) => taps.map((tp) => tapTouchesTile(g, tile, tp.ky, tp.kx)));

  const terms = convTerms(g, tapOk, { T, tapCount: taps.length, cn, perCt, inputCiphertexts, outputCiphertexts });

  // Noise and parts: a rotation composed of d key switches adds d times the key-switching noise.
  const routes = options.routes ?? null;
  const hops = (step: number): number => (step === 0 ? 0 : routes ? routeDepth(routes, step) : 1);
  const inputNoise = (t: ConvTerm): number =>
    model.encryption + (t.swap ? model.keySwitch : 0) + hops(taps[t.tap].step) * model.keySwitch;
  let outHops = 1;
  for (let j = 1; j < cn; j++) outHops = Math.max(outHops, hops(normalizeStep(-j * blockSize, R)));
  const outRotationNoise = outHops * model.keySwitch;
  const finish = (b: number): number => b + 1;
  const budget = 2 ** model.maxNoiseBits;
  const partTerms: number[][][] = [];
  const noiseBounds: number[] = [];
  for (const list of terms) {
    const items: NoiseItem[] = list.map((t) => ({ group: t.j, noise: plainProductNoise(model, inputNoise(t)) }));
    const parts = items.length === 0 ? [[]] : partitionByNoise(items, outRotationNoise, finish, budget, 'conv');
    partTerms.push(parts);
    for (const p of parts) noiseBounds.push(partNoise(items, p, outRotationNoise, finish));
  }

  // Galois elements and cost.
  const elements = new Map<number, number>();
  const rotatedInputs = new Set<string>();
  const swapped = new Set<number>();
  let outRotations = 0;
  let outSwitches = 0;
  let products = 0;
  const addStep = (step: number): void => {
    if (routes) for (const [e, g] of routedElements(n, routes, [step])) elements.set(e, g);
    else elements.set(galoisEltFromStep(n, step), step);
  };
  terms.forEach((list, c) => {
    for (const t of list) {
      if (t.swap) {
        swapped.add(t.input);
        elements.set(2 * n - 1, 0);
      }
      const step = taps[t.tap].step;
      if (step !== 0) {
        addStep(step);
        rotatedInputs.add(`${t.input},${t.swap},${step}`);
      }
    }
    for (const part of partTerms[c]) {
      products += part.length;
      const js = new Set(part.map((i) => list[i].j));
      for (const j of js) {
        if (j === 0) continue;
        const step = normalizeStep(-j * blockSize, R);
        addStep(step);
        outRotations++;
        outSwitches += hops(step);
      }
    }
  });
  const bySource = new Map<string, number[]>();
  for (const key of rotatedInputs) {
    const [c, s, step] = key.split(',');
    const id = `${c},${s}`;
    if (!bySource.has(id)) bySource.set(id, []);
    bySource.get(id)!.push(Number(step));
  }
  let inputSwitches = 0;
  let inputDecompositions = 0;
  for (const list of bySource.values()) {
    if (routes) {
      inputSwitches += routedRotationCount(routes, list);
      inputDecompositions += routedDecompositionCount(routes, list);
    } else {
      inputSwitches += list.length;
      inputDecompositions += 1;
    }
  }
  const cost: LinearCost = {
    decompositions: inputDecompositions + swapped.size + outSwitches,
    rotations: inputSwitches + swapped.size + outSwitches,
    plainProducts: products,
  };

  const { inputSource, outputSlots } = convSlotMaps(g, tiles, { n, R, cn, perCt, blockSize, pitch, inputCiphertexts });
  return {
    kind: 'conv',
    shape,
    n,
    level: model.level,
    inputSize: g.inChannels * g.height * g.width,
    outputSize: outputSlots.length,
    inputCiphertexts,
    inputSource,
    outputCiphertexts,
    outputSlots,
    ...planKeysAndFlooding(ctx, model, partTerms, noiseBounds, elements, routes),
    cost,
    geometry: g,
    rowSize: R,
    blockSize,
    blocksPerRow: cn,
    pitch,
    tiles,
    taps,
    terms,
    partTerms,
  };
}

/**
 * The slot vector of the plaintext of product (output c, term t): in row r and block b, the weight
 * w[o][i][ky][kx] at every output anchor whose tap reads an in-image pixel, where o is the output
 * channel of block b + j of row r and i the input channel of block b of row r ⊕ s. Null if all zero.
 * Spec: §4.17
 */
export function convTermSlots(plan: ConvPlan, weights: Float64Array, c: number, t: ConvTerm): Float64Array | null {
  const g = plan.geometry;
  const n = plan.n;
  const R = plan.rowSize;
  const cn = plan.blocksPerRow;
  const perCt = 2 * cn;
  const nVin = plan.tiles.length * g.inChannels;
  const nVout = plan.tiles.length * g.outChannels;
  const tap = plan.taps[t.tap];
  const slots = new Float64Array(n);
  let any = false;
  for (let r = 0; r < 2; r++) {
    for (let b = 0; b < cn; b++) {
      const vo = c * perCt + r * cn + ((b + t.j) % cn);
      const vi = t.input * perCt + (r ^ t.swap) * cn + b;
      if (vo >= nVout || vi >= nVin) continue;
      const tau = Math.floor(vo / g.outChannels);
      if (Math.floor(vi / g.inChannels) !== tau) continue;
      const o = vo % g.outChannels;
      const i = vi % g.inChannels;
      if (g.depthwise && o !== i) continue;
      const w = weights[g.depthwise ? (o * g.kh + tap.ky) * g.kw + tap.kx : ((o * g.inChannels + i) * g.kh + tap.ky) * g.kw + tap.kx];
      if (w === 0) continue;
      const tile = plan.tiles[tau];
      const base = r * R + b * plan.blockSize;
      for (let oy = tile.oy0; oy < tile.oy1; oy++) {
        const iy = oy * g.sh + tap.ky - g.padTop;
        if (iy < 0 || iy >= g.height) continue;
        const rowBase = base + (oy * g.sh - tile.yLo) * plan.pitch;
        for (let ox = 0; ox < g.outWidth; ox++) {
          const ix = ox * g.sw + tap.kx - g.padLeft;
          if (ix < 0 || ix >= g.width) continue;
          slots[rowBase + ox * g.sw] = w;
          any = true;
        }
      }
    }
  }
  return any ? slots : null;
}

/** Where the prepared plaintext of a product comes from: built on demand, or from a cache. */
export type PlaintextSource = (c: number, termIndex: number) => PlaintextNtt | null;

/** A plaintext source that encodes each product's plaintext when it is needed. Spec: §4.17 */
export function convPlaintexts(ctx: BfvContext, plan: ConvPlan, weights: Float64Array): PlaintextSource {
  return (c, i) => {
    const slots = convTermSlots(plan, weights, c, plan.terms[c][i]);
    return slots === null ? null : encodeSlotsNtt(ctx, slots, plan.level);
  };
}

/** acc += x ∘ p for both polynomials (NTT domain). */
function mulAccCiphertext(ctx: BfvContext, acc: RnsPoly[], x: Ciphertext, p: PlaintextNtt, k: number): void {
  polyMulAccNtt(ctx, acc[0], x.polys[0], p.poly, k);
  polyMulAccNtt(ctx, acc[1], x.polys[1], p.poly, k);
}

/** The rotations of one input ciphertext (rows swapped first when `swap` is 1) a convolution needs. Spec: §4.17 */
export interface ConvRotationJob {
  readonly input: number;
  readonly swap: 0 | 1;
  /** The distinct tap steps, ascending. */
  readonly steps: readonly number[];
}

/** The rotated inputs of a convolution, by (input, swap, step) in first-use order. Spec: §4.17 */
export function convRotationJobs(plan: ConvPlan): ConvRotationJob[] {
  const needed = new Map<string, { input: number; swap: 0 | 1; steps: Set<number> }>();
  for (const list of plan.terms) {
    for (const t of list) {
      const id = `${t.input},${t.swap}`;
      if (!needed.has(id)) needed.set(id, { input: t.input, swap: t.swap, steps: new Set() });
      needed.get(id)!.steps.add(plan.taps[t.tap].step);
    }
  }
  return [...needed.values()].map(({ input, swap, steps }) => ({ input, swap, steps: [...steps].sort((a, b) => a - b) }));
}

/** The key of a rotated input in the maps of {@link evaluateConvParts}. */
export function rotatedInputKey(input: number, swap: number, step: number): string {
  return `${input},${swap},${step}`;
}

/**
 * Rotations of one input ciphertext by each of `steps` (after swapping its rows when `swap` is 1),
 * hoisted or along the plan's routes; NTT form, in the order of `steps`. Each output depends only on
 * (input, swap, step), not on the other steps asked for. Spec: §4.17
 */
export function convRotateInput(ctx: BfvContext, plan: ConvPlan, input: Ciphertext, swap: 0 | 1, steps: readonly number[], gk: GaloisKeys): Ciphertext[] {
  const source = swap === 1 ? bfvRotateColumns(ctx, input, gk) : input;
  return plan.routes ? rotateRowsRouted(ctx, source, steps, plan.routes, gk) : bfvRotateRowsHoisted(ctx, source, steps, gk);
}

/** The runs of a part of output c: maximal sequences of its term indices with the same diagonal j. Spec: §4.17 */
export function convPartRuns(plan: ConvPlan, c: number, part: readonly number[]): number[][] {
  const runs: number[][] = [];
  let j = Number.NaN;
  for (const index of part) {
    const tj = plan.terms[c][index].j;
    if (tj !== j) {
      runs.push([]);
      j = tj;
    }
    runs[runs.length - 1].push(index);
  }
  return runs;
}

/**
 * total ← total + Σ_runs rot_{−j·B}(Σ_{terms of the run} rotated input ∘ plaintext) for runs of output
 * c ({@link convPartRuns}), all in NTT form (`total` is a pair of polynomials at the plan's level).
 * Additions are exact modular sums, so splitting the runs of a part over several calls and adding
 * the totals gives the same polynomials. Spec: §4.17
 */
export function convAccumulateRuns(
  ctx: BfvContext,
  plan: ConvPlan,
  c: number,
  runs: readonly (readonly number[])[],
  rotated: (key: string) => Ciphertext,
  plaintexts: PlaintextSource,
  gk: GaloisKeys,
  total: RnsPoly[],
): void {
  const k = plan.level;
  const list = plan.terms[c];
  for (const run of runs) {
    let acc: RnsPoly[] | null = null;
    for (const index of run) {
      const p = plaintexts(c, index);
      if (p === null) continue;
      const t = list[index];
      if (acc === null) acc = [ctx.allocPoly(k), ctx.allocPoly(k)];
      mulAccCiphertext(ctx, acc, rotated(rotatedInputKey(t.input, t.swap, plan.taps[t.tap].step)), p, k);
    }
    if (acc === null) continue;
    let ct: Ciphertext = { coeffModulusSize: k, polys: acc, isNttForm: true };
    const j = list[run[0]].j;
    if (j !== 0) {
      const step = normalizeStep(-j * plan.blockSize, plan.rowSize);
      ct = plan.routes ? rotateRouted(ctx, ct, step, plan.routes, gk) : bfvApplyGaloisHoisted(ctx, ct, [galoisEltFromStep(ctx.n, step)], gk)[0];
    }
    polyAdd(ctx, total[0], ct.polys[0], total[0], k);
    polyAdd(ctx, total[1], ct.polys[1], total[1], k);
  }
}

/**
 * The server's homomorphic part of a convolution (Spec: §4.17): returns, per logical output, the
 * coefficient-form partial sums (one per part), before masking and flooding. The same as rotating
 * every input ({@link convRotationJobs}, {@link convRotateInput}), accumulating the runs of every
 * part ({@link convAccumulateRuns}) and transforming the totals back to coefficients; a thread pool
 * may split both steps (the result does not depend on how).
 */
export function evaluateConvParts(
  ctx: BfvContext,
  plan: ConvPlan,
  inputs: readonly Ciphertext[],
  plaintexts: PlaintextSource,
  gk: GaloisKeys,
): Ciphertext[][] {
  const k = plan.level;
  const rotated = new Map<string, Ciphertext>();
  for (const job of convRotationJobs(plan)) {
    const outs = convRotateInput(ctx, plan, inputs[job.input], job.swap, job.steps, gk);
    job.steps.forEach((step, e) => rotated.set(rotatedInputKey(job.input, job.swap, step), outs[e]));
  }
  return plan.terms.map((_, c) =>
    plan.partTerms[c].map((part) => {
      const total = [ctx.allocPoly(k), ctx.allocPoly(k)];
      convAccumulateRuns(ctx, plan, c, convPartRuns(plan, c, part), (key) => rotated.get(key)!, plaintexts, gk, total);
      polyNttInverse(ctx, total[0], k);
      polyNttInverse(ctx, total[1], k);
      return { coeffModulusSize: k, polys: total, isNttForm: false };
    }),
  );
}

/**
 * `steps` split into at most `chunks` groups for separate {@link convRotateInput} calls (Spec: §4.17,
 * §5.7). Along routes, steps sharing the first rotation of their route stay together (a split there
 * would repeat the shared rotations); groups are dealt largest first to the lightest chunk. Without
 * routes every step costs one rotation and the steps are cut into contiguous runs. Empty groups are
 * dropped. The rotations do not depend on the split.
 */
export function splitConvRotationSteps(plan: Pick<ConvPlan, 'routes'>, steps: readonly number[], chunks: number): number[][] {
  const count = Math.max(1, Math.min(chunks, steps.length));
  if (!plan.routes) {
    const out: number[][] = [];
    for (let i = 0; i < count; i++) out.push(steps.slice(Math.floor((i * steps.length) / count), Math.floor(((i + 1) * steps.length) / count)));
    return out.filter((g) => g.length > 0);
  }
  const R = plan.routes.rowSize;
  const byFirst = new Map<number, number[]>();
  for (const s of steps) {
    let u = ((s % R) + R) % R;
    while (u !== 0 && plan.routes.parent[u] !== 0) u = plan.routes.parent[u];
    if (!byFirst.has(u)) byFirst.set(u, []);
    byFirst.get(u)!.push(s);
  }
  const groups = [...byFirst.values()].sort((a, b) => b.length - a.length || a[0] - b[0]);
  const bins: number[][] = Array.from({ length: count }, () => []);
  for (const g of groups) {
    let best = 0;
    for (let i = 1; i < count; i++) if (bins[i].length < bins[best].length) best = i;
    bins[best].push(...g);
  }
  return bins.filter((b) => b.length > 0).map((b) => b.sort((x, y) => x - y));
}

/**
 * The runs of a part cut into at most `chunks` contiguous groups of about equal numbers of terms
 * (each run costs its plaintext products and one rotation), for separate {@link convAccumulateRuns}
 * calls whose totals are then added. Spec: §4.17, §5.7
 */
export function splitConvRuns(runs: readonly (readonly number[])[], chunks: number): number[][][] {
  const weight = (r: readonly number[]) => r.length + 4;
  const total = runs.reduce((a, r) => a + weight(r), 0);
  const count = Math.max(1, Math.min(chunks, runs.length));
  const out: number[][][] = [[]];
  let acc = 0;
  for (const r of runs) {
    if (acc >= (out.length * total) / count && out.length < count) out.push([]);
    out[out.length - 1].push([...r]);
    acc += weight(r);
  }
  return out.filter((g) => g.length > 0);
}

// ---- Worker-pool tasks (§5.7): the steps above on another thread, from structured-cloneable inputs.

const taskContexts = new Map<string, BfvContext>();

/** The BFV context of `params`, created once per thread (tasks receive only the parameters). Spec: §5.7 */
export function taskContext(params: BfvParameters): BfvContext {
  const key = `${params.polyModulusDegree}|${params.coeffModulus.join(',')}|${params.plainModulus}|${String(params.securityLevel)}`;
  let ctx = taskContexts.get(key);
  if (!ctx) {
    ctx = createBfvContext(params);
    taskContexts.set(key, ctx);
  }
  return ctx;
}

/**
 * A copy of a polynomial in shared memory (a `SharedArrayBuffer`) when the platform has one, so that
 * passing it to another thread does not copy it; otherwise the polynomial itself. Spec: §5.7
 */
export function sharedPoly<T extends RnsPoly>(p: T): T {
  if (typeof SharedArrayBuffer === 'undefined' || p.buffer instanceof SharedArrayBuffer) return p;
  const out = (p instanceof Float64Array ? new Float64Array(new SharedArrayBuffer(p.byteLength)) : new Uint32Array(new SharedArrayBuffer(p.byteLength))) as T;
  out.set(p as never);
  return out;
}

/** A ciphertext with its polynomials in shared memory ({@link sharedPoly}). Spec: §5.7 */
export function sharedCiphertext(ct: Ciphertext): Ciphertext {
  return { coeffModulusSize: ct.coeffModulusSize, polys: ct.polys.map(sharedPoly), isNttForm: ct.isNttForm };
}

/** Galois keys with their polynomials in shared memory ({@link sharedPoly}): copied once, then passed to every task. Spec: §5.7 */
export function sharedGaloisKeys(gk: GaloisKeys): GaloisKeys {
  const keys = new Map<number, KSwitchKey>();
  for (const [g, key] of gk.keys) keys.set(g, key.map((pk) => ({ ciphertext: sharedCiphertext(pk.ciphertext) })));
  return { keys };
}

/** Input of the `bfv.convRotations` task: {@link convRotateInput} of one input. */
export interface ConvRotationsInput {
  readonly params: BfvParameters;
  readonly plan: ConvPlan;
  readonly input: Ciphertext;
  readonly swap: 0 | 1;
  readonly steps: readonly number[];
  readonly galoisKeys: GaloisKeys;
}

/** The `bfv.convRotations` task: the rotated inputs, in shared memory when available. Spec: §5.7 */
export function convRotationsTask(x: ConvRotationsInput): Ciphertext[] {
  const ctx = taskContext(x.params);
  return convRotateInput(ctx, x.plan, x.input, x.swap, x.steps, x.galoisKeys).map(sharedCiphertext);
}

/** Input of the `bfv.convRuns` task: {@link convAccumulateRuns} of some runs of output c. */
export interface ConvRunsInput {
  readonly params: BfvParameters;
  readonly plan: ConvPlan;
  readonly c: number;
  readonly runs: readonly (readonly number[])[];
  /** The rotated inputs these runs use, by {@link rotatedInputKey}. */
  readonly rotated: ReadonlyMap<string, Ciphertext>;
  /** The layer's weights as field elements (the plaintexts are encoded in the task). */
  readonly weights: Float64Array;
  /** Or the runs' plaintexts, precomputed ({@link prepareLinearLayer} with `precompute`), by term index of output c. */
  readonly plaintexts?: ReadonlyMap<number, PlaintextNtt | null>;
  readonly galoisKeys: GaloisKeys;
}

/** The `bfv.convRuns` task: the NTT-form total of the runs (two polynomials). Spec: §5.7 */
export function convRunsTask(x: ConvRunsInput): RnsPoly[] {
  const ctx = taskContext(x.params);
  const k = x.plan.level;
  const total = [ctx.allocPoly(k), ctx.allocPoly(k)];
  const given = x.plaintexts;
  const source: PlaintextSource = given ? (_c, i) => given.get(i) ?? null : convPlaintexts(ctx, x.plan, x.weights);
  convAccumulateRuns(ctx, x.plan, x.c, x.runs, (key) => x.rotated.get(key)!, source, x.galoisKeys, total);
  return total;
}
