/**
 * Garbling and evaluation split into batches of instances that a {@link TaskPool} runs on any number
 * of threads (§5.7). The partition depends only on `batchInstances`, never on the thread count, and
 * each batch draws its input labels from its own stream forked from the caller's Rng in batch order,
 * so the same seed gives byte-identical results with 1, 2 or N threads.
 *
 * Randomness: Δ (16 bytes, unless given) from the caller's Rng, then one fork per batch, in batch
 * order: batch b garbles with `fromSeed(deriveSeed(rng.bytes(32), GARBLE_BATCH_LABEL))` (exactly
 * `rng.fork(GARBLE_BATCH_LABEL)`), drawing its instances' input zero-labels as {@link garble} does.
 * Batch b covers instances b·B … min((b + 1)·B, n) − 1 and its gate ids start at
 * firstGateId + b·B·(AND gates per instance), so tables and gate ids are those of §5.6.
 *
 * Spec: §5.7
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { deriveSeed, fromSeed, SEED_BYTES, type Rng } from '../random/rng.js';
import { inlineTaskPool, runAll, type TaskPool } from '../pool/pool.js';
import { parseBristol } from './bristol.js';
import type { Circuit, Party } from './circuit.js';
import {
  checkGarbled,
  decodeOutputs,
  evaluateGarbled,
  garble,
  LABEL_WORDS,
  checkGarblingScheme,
  partyWires,
  sampleDelta,
  tableWordsPerAnd,
  type GarbledCircuit,
  type Garbling,
  type GarblingScheme,
} from './garble.js';
import { reluCircuit, reluParams, SHARE_BITS, type ReluParams } from './relu-circuit.js';
import { evaluateRelus, reluGarblerLabels, type ReluGarbling } from './relu.js';

/** Label of the per-batch fork of the garbler's Rng. Spec: §5.7 */
export const GARBLE_BATCH_LABEL = 'delphi-ts/gc/garble-batch';
/** Instances per batch unless told otherwise. Spec: §5.7 */
export const DEFAULT_BATCH_INSTANCES = 512;

/**
 * A circuit that can be sent to another thread: Delphi's ReLU circuit by its parameters (§5.8), or a
 * Bristol Fashion text with the party of each input (§5.5). Spec: §5.7
 */
export type CircuitRef =
  | { readonly kind: 'relu'; readonly params?: ReluParams }
  | { readonly kind: 'bristol'; readonly text: string; readonly parties: readonly Party[] };

const bristolCache = new Map<string, Circuit>();

/** The circuit a {@link CircuitRef} names (Bristol texts are parsed once per thread). Spec: §5.7 */
export function resolveCircuit(ref: CircuitRef): Circuit {
  if (ref.kind === 'relu') return reluCircuit(ref.params ?? {});
  if (ref.kind === 'bristol') {
    const key = `${ref.parties.join(',')}\n${ref.text}`;
    let c = bristolCache.get(key);
    if (c === undefined) {
      c = parseBristol(ref.text, { parties: ref.parties }).circuit;
      if (bristolCache.size > 16) bristolCache.clear();
      bristolCache.set(key, c);
    }
    return c;
  }
  throw new InvalidArgumentError('circuit reference must be {kind: "relu"} or {kind: "bristol"}');
}

/** Input of the `gc.garbleBatch` task. */
export interface GarbleBatchInput {
  readonly circuit: CircuitRef;
  readonly seed: Uint8Array;
  readonly instances: number;
  readonly firstGateId: number;
  readonly delta: Uint32Array;
  readonly evaluatorZeroLabels?: Uint32Array;
  /** Garbling scheme (default half gates; §5.13). */
  readonly scheme?: GarblingScheme;
}

/** Output of the `gc.garbleBatch` task. */
export interface GarbleBatchOutput {
  readonly tables: Uint32Array;
  readonly decoding: Uint8Array;
  readonly inputZeroLabels: Uint32Array;
}

/** Input of the `gc.evaluateBatch` task. */
export interface EvaluateBatchInput {
  readonly circuit: CircuitRef;
  readonly garbled: GarbledCircuit;
  readonly garblerLabels: Uint32Array;
  readonly evaluatorLabels: Uint32Array;
}

/**
 * Input of the `gc.evaluateReluBatch` task: garbled ReLUs (§5.8) with the server's labels of s̃ and
 * m̃ apart (41 per instance each, as they are sent and stored) and the client's.
 */
export interface EvaluateReluBatchInput {
  readonly params: ReluParams;
  readonly garbled: GarbledCircuit;
  readonly shareLabels: Uint32Array;
  readonly maskLabels: Uint32Array;
  readonly clientLabels: Uint32Array;
}

/**
 * The `gc.evaluateReluBatch` task: {@link evaluateRelus} of one batch, decoded in the task's
 * thread, so only the values (8 bytes per ReLU) come back. Spec: §5.7, §5.8
 */
export function evaluateReluBatchTask(input: EvaluateReluBatchInput): Float64Array {
  return evaluateRelus(input.params, input.garbled, reluGarblerLabels(input.shareLabels, input.maskLabels), input.clientLabels);
}

/** The `gc.garbleBatch` task: {@link garble} of one batch from its seed. Spec: §5.7 */
export function garbleBatchTask(input: GarbleBatchInput): GarbleBatchOutput {
  const circuit = resolveCircuit(input.circuit);
  const g = garble(circuit, fromSeed(input.seed), {
    instances: input.instances,
    firstGateId: input.firstGateId,
    delta: input.delta,
    ...(input.evaluatorZeroLabels !== undefined ? { evaluatorZeroLabels: input.evaluatorZeroLabels } : {}),
    ...(input.scheme !== undefined ? { scheme: input.scheme } : {}),
  });
  return { tables: g.garbled.tables, decoding: g.garbled.decoding, inputZeroLabels: g.secrets.inputZeroLabels };
}

/** The `gc.evaluateBatch` task: {@link evaluateGarbled} of one batch. Spec: §5.7 */
export function evaluateBatchTask(input: EvaluateBatchInput): Uint32Array {
  return evaluateGarbled(resolveCircuit(input.circuit), input.garbled, input.garblerLabels, input.evaluatorLabels);
}

/** The tasks of this module a {@link TaskPool} runs (src/workers joins them into its table). Spec: §5.7 */
export interface GcTasks {
  /** Garbles one batch of instances from its forked seed (§5.7). */
  'gc.garbleBatch': { input: GarbleBatchInput; output: GarbleBatchOutput };
  /** Evaluates one batch of instances; returns the active output labels. */
  'gc.evaluateBatch': { input: EvaluateBatchInput; output: Uint32Array };
  /** Evaluates and decodes one batch of garbled ReLUs (§5.8); returns act(y) + m per instance. */
  'gc.evaluateReluBatch': { input: EvaluateReluBatchInput; output: Float64Array };
}

/** A pool of one thread, the caller's, for this module's tasks. Spec: §5.7 */
export function inlineGcPool(): TaskPool<GcTasks> {
  return inlineTaskPool<GcTasks>({ 'gc.garbleBatch': garbleBatchTask, 'gc.evaluateBatch': evaluateBatchTask, 'gc.evaluateReluBatch': evaluateReluBatchTask });
}

/** Options of {@link garbleBatched}. Spec: §5.7 */
export interface BatchedGarbleOptions {
  /** Instances (default 1). */
  readonly instances?: number;
  /** Instances per batch (default {@link DEFAULT_BATCH_INSTANCES}); fixes the output with the seed. */
  readonly batchInstances?: number;
  /** Gate id of AND gate 0 of instance 0 (default 0), as for {@link garble}. */
  readonly firstGateId?: number;
  /** Δ (lsb 1); default drawn from the rng first. */
  readonly delta?: Uint32Array;
  /** Zero-labels of the evaluator's input wires, instance by instance (e.g. from correlated OT). */
  readonly evaluatorZeroLabels?: Uint32Array;
  /** Where batches run (default {@link inlineGcPool}: this thread). */
  readonly pool?: TaskPool<GcTasks>;
  /** Garbling scheme (default half gates, §5.6; three halves, §5.13). */
  readonly scheme?: GarblingScheme;
}

function checkBatch(b: unknown): number {
  if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 1) throw new InvalidArgumentError(`batchInstances must be a positive integer, got ${String(b)}`);
  return b;
}

/**
 * Garbles `instances` copies of the circuit in batches on `pool` (randomness: module doc). Returns
 * what {@link garble} returns; the result depends on the seed and `batchInstances` only. Spec: §5.7
 */
export async function garbleBatched(ref: CircuitRef, rng: Rng, options: BatchedGarbleOptions = {}): Promise<Garbling> {
  const circuit = resolveCircuit(ref);
  const instances = options.instances ?? 1;
  if (!Number.isSafeInteger(instances) || instances < 0) throw new InvalidArgumentError(`instances must be a non-negative integer, got ${instances}`);
  const B = checkBatch(options.batchInstances ?? DEFAULT_BATCH_INSTANCES);
  const firstGateId = options.firstGateId ?? 0;
  const scheme = checkGarblingScheme(options.scheme);
  const A = circuit.counts.and;
  const delta = options.delta !== undefined ? Uint32Array.from(options.delta) : sampleDelta(rng);
  const evWires = partyWires(circuit, 'evaluator').length;
  const ez = options.evaluatorZeroLabels;
  if (ez !== undefined && (!(ez instanceof Uint32Array) || ez.length !== LABEL_WORDS * evWires * instances)) {
    throw new SizeMismatchError(`evaluatorZeroLabels must hold ${evWires * instances} labels`);
  }
  const batches = Math.ceil(instances / B);
  const seeds = Array.from({ length: batches }, () => deriveSeed(rng.bytes(SEED_BYTES), GARBLE_BATCH_LABEL));
  const pool = options.pool ?? inlineGcPool();
  const parts = await runAll(pool, 'gc.garbleBatch', batches, (b) => {
    const first = b * B;
    const n = Math.min(B, instances - first);
    return {
      circuit: ref,
      seed: seeds[b],
      instances: n,
      firstGateId: firstGateId + first * A,
      delta,
      ...(ez !== undefined ? { evaluatorZeroLabels: ez.slice(LABEL_WORDS * evWires * first, LABEL_WORDS * evWires * (first + n)) } : {}),
      ...(scheme !== 'half-gates' ? { scheme } : {}),
    };
  });
  const m = circuit.outputBits;
  const W = circuit.inputWireCount;
  const words = tableWordsPerAnd(scheme);
  const tables = new Uint32Array(words * A * instances);
  const decoding = new Uint8Array(m * instances);
  const inputZeroLabels = new Uint32Array(LABEL_WORDS * W * instances);
  parts.forEach((p, b) => {
    const first = b * B;
    tables.set(p.tables, words * A * first);
    decoding.set(p.decoding, m * first);
    inputZeroLabels.set(p.inputZeroLabels, LABEL_WORDS * W * first);
  });
  return {
    garbled: { instances, firstGateId, andGates: A, outputBits: m, tables, decoding, ...(scheme !== 'half-gates' ? { scheme } : {}) },
    secrets: { delta, inputZeroLabels },
  };
}

/** The instances first … first + n − 1 of a garbled circuit, as a garbled circuit of its own. */
function sliceGarbled(g: GarbledCircuit, first: number, n: number): GarbledCircuit {
  const t = tableWordsPerAnd(g.scheme) * g.andGates;
  return {
    ...(g.scheme !== undefined ? { scheme: g.scheme } : {}),
    instances: n,
    firstGateId: g.firstGateId + first * g.andGates,
    andGates: g.andGates,
    outputBits: g.outputBits,
    tables: g.tables.slice(t * first, t * (first + n)),
    decoding: g.decoding.slice(g.outputBits * first, g.outputBits * (first + n)),
  };
}

/**
 * Evaluates a garbled circuit in batches of `batchInstances` instances on `pool`; returns the active
 * output labels, as {@link evaluateGarbled} does (the result does not depend on the batching).
 * Spec: §5.7
 */
export async function evaluateBatched(
  ref: CircuitRef,
  garbled: GarbledCircuit,
  garblerLabels: Uint32Array,
  evaluatorLabels: Uint32Array,
  options: { readonly batchInstances?: number; readonly pool?: TaskPool<GcTasks> } = {},
): Promise<Uint32Array> {
  const circuit = resolveCircuit(ref);
  const instances = checkGarbled(circuit, garbled);
  const B = checkBatch(options.batchInstances ?? DEFAULT_BATCH_INSTANCES);
  const gw = partyWires(circuit, 'garbler').length;
  const ew = partyWires(circuit, 'evaluator').length;
  if (!(garblerLabels instanceof Uint32Array) || garblerLabels.length !== LABEL_WORDS * gw * instances) throw new SizeMismatchError(`garbler input labels must hold ${gw * instances} labels`);
  if (!(evaluatorLabels instanceof Uint32Array) || evaluatorLabels.length !== LABEL_WORDS * ew * instances) throw new SizeMismatchError(`evaluator input labels must hold ${ew * instances} labels`);
  const batches = Math.ceil(instances / B);
  const parts = await runAll(options.pool ?? inlineGcPool(), 'gc.evaluateBatch', batches, (b) => {
    const first = b * B;
    const n = Math.min(B, instances - first);
    return {
      circuit: ref,
      garbled: sliceGarbled(garbled, first, n),
      garblerLabels: garblerLabels.slice(LABEL_WORDS * gw * first, LABEL_WORDS * gw * (first + n)),
      evaluatorLabels: evaluatorLabels.slice(LABEL_WORDS * ew * first, LABEL_WORDS * ew * (first + n)),
    };
  });
  const m = circuit.outputBits;
  const out = new Uint32Array(LABEL_WORDS * m * instances);
  parts.forEach((p, b) => out.set(p, LABEL_WORDS * m * b * B));
  return out;
}

/**
 * {@link garbleRelus} in batches on a pool (randomness of {@link garbleBatched}: differs from
 * `garbleRelus` for the same seed, and does not depend on the thread count). Spec: §5.7, §5.8
 */
export async function garbleRelusBatched(
  count: number,
  rng: Rng,
  options: ReluParams & Omit<BatchedGarbleOptions, 'instances' | 'evaluatorZeroLabels'> & { readonly clientZeroLabels?: Uint32Array } = {},
): Promise<ReluGarbling> {
  const params = reluParams({ ...(options.kind !== undefined ? { kind: options.kind } : {}), ...(options.shift !== undefined ? { shift: options.shift } : {}) });
  const { clientZeroLabels, kind: _k, shift: _s, ...rest } = options;
  const g = await garbleBatched({ kind: 'relu', params }, rng, {
    ...rest,
    instances: count,
    ...(clientZeroLabels !== undefined ? { evaluatorZeroLabels: clientZeroLabels } : {}),
  });
  return { params, count, circuit: reluCircuit(params), garbled: g.garbled, secrets: g.secrets };
}

/** {@link evaluateRelus} in batches on a pool. Spec: §5.7, §5.8 */
export async function evaluateRelusBatched(
  params: ReluParams,
  garbled: GarbledCircuit,
  serverLabels: Uint32Array,
  clientLabels: Uint32Array,
  options: { readonly batchInstances?: number; readonly pool?: TaskPool<GcTasks> } = {},
): Promise<Float64Array> {
  const p = reluParams(params);
  const labels = await evaluateBatched({ kind: 'relu', params: p }, garbled, serverLabels, clientLabels, options);
  const bits = decodeOutputs(garbled, labels);
  const out = new Float64Array(garbled.instances);
  for (let i = 0; i < garbled.instances; i++) {
    let v = 0;
    for (let k = SHARE_BITS - 1; k >= 0; k--) v = v * 2 + bits[SHARE_BITS * i + k];
    out[i] = v;
  }
  return out;
}
