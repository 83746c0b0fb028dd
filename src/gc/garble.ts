/**
 * Half-gates garbling of a {@link Circuit} (Zahur–Rosulek–Evans 2015) with free XOR (Kolesnikov–
 * Schneider 2008) and point-and-permute: 128-bit labels, one global Δ with lsb(Δ) = 1, two
 * ciphertexts per AND gate, XOR/INV/CONST/COPY free, the hash TCCR of §5.2. Any number of instances
 * of the same circuit are garbled together (§5.7), e.g. all ReLUs of a layer.
 *
 * Labels are 128-bit blocks, four 32-bit words each (§5.1); arrays of labels are `Uint32Array`s of
 * 4 words per label. Every label array is laid out instance by instance.
 *
 * Spec: §5.6, §5.7
 * @module
 */
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../errors.js';
import { fixedKeyAes } from '../hash/fixed-key-aes.js';
import type { Rng } from '../random/rng.js';
import type { Circuit, Party } from './circuit.js';
import { evaluateChunk, garbleChunk, KernelScratch, loadInputLabels, storeOutputLabels, type KernelJob } from './halfgates.js';
import { labelPlan } from './plan.js';
import { evaluateChunk3, garbleChunk3, THREE_HALVES_SCRATCH_BLOCKS, THREE_HALVES_TABLE_WORDS } from './threehalves.js';

/** Words per label. */
export const LABEL_WORDS = 4;
/** Bytes per label. */
export const LABEL_BYTES = 16;
/** Words of the two ciphertexts of one AND gate. */
export const TABLE_WORDS_PER_AND = 8;
/** Gate ids (tweaks are 2·id and 2·id + 1) must stay below 2^52 so that tweaks are safe integers. */
export const MAX_GATE_ID = 2 ** 52;
/** Gate ids under three-halves garbling (tweaks 3·id … 3·id + 2) stay below 2^51. Spec: §5.13 */
export const THREE_HALVES_MAX_GATE_ID = 2 ** 51;

/**
 * The garbling schemes: half gates (§5.6, the default: two 128-bit ciphertexts per AND gate) and
 * three halves (§5.13: three 64-bit half-ciphertexts and 5 control bits). Spec: §5.6, §5.13
 */
export type GarblingScheme = 'half-gates' | 'three-halves';
/** All {@link GarblingScheme}s. Spec: §5.13 */
export const GARBLING_SCHEMES: readonly GarblingScheme[] = ['half-gates', 'three-halves'];

/** Checks a scheme name (default half gates). Spec: §5.13 */
export function checkGarblingScheme(scheme: unknown): GarblingScheme {
  if (scheme === undefined) return 'half-gates';
  if (scheme !== 'half-gates' && scheme !== 'three-halves') throw new InvalidArgumentError(`garbling scheme must be half-gates or three-halves, got ${String(scheme)}`);
  return scheme;
}

/** Words per AND gate of `GarbledCircuit.tables` under a scheme: 8 (half gates) or 7 (three halves). Spec: §5.13 */
export function tableWordsPerAnd(scheme: GarblingScheme = 'half-gates'): number {
  return scheme === 'three-halves' ? THREE_HALVES_TABLE_WORDS : TABLE_WORDS_PER_AND;
}
/**
 * Label slots × instances held at once by a kernel: 32 KiB of labels with the TypeScript AES (its
 * tables compete for the caches), 512 KiB with OpenSSL's (one backend call per AND gate and chunk
 * then covers hundreds of blocks). Spec: §5.7
 */
const CHUNK_LABELS_TYPESCRIPT = 1 << 11;
const CHUNK_LABELS_NATIVE = 1 << 15;

/** Options of {@link garble}. Spec: §5.6 */
export interface GarbleOptions {
  /** Number of instances of the circuit (default 1). */
  readonly instances?: number;
  /**
   * Gate id of AND gate 0 of instance 0 (default 0). AND gate g of instance i gets id
   * firstGateId + i·(AND gates per instance) + g. Ids MUST NOT repeat under one Δ.
   */
  readonly firstGateId?: number;
  /** The global offset Δ (4 words, lsb 1), e.g. the Δ of a correlated OT; default: drawn from the rng. */
  readonly delta?: Uint32Array;
  /**
   * Zero-labels of the evaluator's input wires (instance by instance, evaluator wires in wire
   * order), e.g. the sender's outputs of a correlated OT; default: drawn from the rng.
   */
  readonly evaluatorZeroLabels?: Uint32Array;
  /** The garbling scheme (default half gates, §5.6; three halves, §5.13). */
  readonly scheme?: GarblingScheme;
}

/** What the garbler sends: the ciphertexts and the decoding bits. Spec: §5.6 */
export interface GarbledCircuit {
  /** Instances garbled. */
  readonly instances: number;
  /** Gate id of AND gate 0 of instance 0. */
  readonly firstGateId: number;
  /** AND gates per instance. */
  readonly andGates: number;
  /** Output bits per instance. */
  readonly outputBits: number;
  /**
   * Per AND gate, gates in circuit order, instance by instance: TG ‖ TE (8 words) under half gates;
   * G₀ ‖ G₁ ‖ G₂ and a word holding the 5 control bits (7 words) under three halves (§5.13).
   */
  readonly tables: Uint32Array;
  /** lsb of each output wire's zero-label (one byte, 0 or 1, per output bit), instance by instance. */
  readonly decoding: Uint8Array;
  /** The scheme; absent means half gates (§5.6). */
  readonly scheme?: GarblingScheme;
}

/** What the garbler keeps: Δ and the zero-label of every input wire of every instance. Spec: §5.6 */
export interface GarblerSecrets {
  readonly delta: Uint32Array;
  /** Zero-labels of all input wires (both parties), instance by instance, in wire order. */
  readonly inputZeroLabels: Uint32Array;
}

/** Result of {@link garble}. */
export interface Garbling {
  readonly garbled: GarbledCircuit;
  readonly secrets: GarblerSecrets;
}

function checkCount(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${String(n)}`);
  return n;
}

function checkLabels(labels: unknown, count: number, what: string): Uint32Array {
  if (!(labels instanceof Uint32Array)) throw new InvalidArgumentError(`${what} must be a Uint32Array of 4-word labels`);
  if (labels.length !== LABEL_WORDS * count) throw new SizeMismatchError(`${what} must hold ${count} labels (${LABEL_WORDS * count} words), got ${labels.length} words`);
  return labels;
}

function int32(words: Uint32Array): Int32Array {
  return new Int32Array(words.buffer, words.byteOffset, words.length);
}

/**
 * Copies labels between an all-wires layout ([instance][W wires]) and a one-party layout
 * ([instance][party wires]): `toParty` gathers, otherwise scatters.
 */
function moveLabels(all: Uint32Array | Int32Array, W: number, party: Uint32Array | Int32Array, wires: readonly number[], instances: number, toParty: boolean): void {
  const k = wires.length;
  for (let i = 0; i < instances; i++) {
    for (let j = 0; j < k; j++) {
      const a = 4 * (i * W + wires[j]);
      const p = 4 * (i * k + j);
      if (toParty) {
        party[p] = all[a];
        party[p + 1] = all[a + 1];
        party[p + 2] = all[a + 2];
        party[p + 3] = all[a + 3];
      } else {
        all[a] = party[p];
        all[a + 1] = party[p + 1];
        all[a + 2] = party[p + 2];
        all[a + 3] = party[p + 3];
      }
    }
  }
}

/** Draws Δ: 16 bytes from `rng` with the least significant bit set. Spec: §5.6 */
export function sampleDelta(rng: Rng): Uint32Array {
  const d = new Uint32Array(rng.bytes(16).buffer);
  d[0] |= 1;
  return d;
}

function checkGateIds(circuit: Circuit, instances: number, firstGateId: number, scheme: GarblingScheme = 'half-gates'): void {
  checkCount(firstGateId, 'firstGateId');
  const max = scheme === 'three-halves' ? THREE_HALVES_MAX_GATE_ID : MAX_GATE_ID;
  if (firstGateId + instances * circuit.counts.and > max) {
    throw new OutOfRangeError(`gate ids ${firstGateId} + ${instances}·${circuit.counts.and} exceed 2^${scheme === 'three-halves' ? 51 : 52}`);
  }
}

function kernelJob(circuit: Circuit, firstGateId: number): KernelJob {
  return { plan: labelPlan(circuit), op: circuit.op, andCount: circuit.counts.and, firstGateId, aes: fixedKeyAes() };
}

function chunkSize(job: KernelJob, instances: number): number {
  const budget = job.aes.backend === 'typescript' ? CHUNK_LABELS_TYPESCRIPT : CHUNK_LABELS_NATIVE;
  return Math.max(1, Math.min(instances, Math.floor(budget / Math.max(1, job.plan.slots))));
}

/** Indices (wire numbers) of the input wires of `party`, in wire order. */
export function partyWires(circuit: Circuit, party: Party): number[] {
  const out: number[] = [];
  for (const i of circuit.inputsOf(party)) for (let k = 0; k < i.width; k++) out.push(i.firstWire + k);
  return out;
}

/**
 * Garbles `instances` copies of `circuit`. Randomness, in this order: Δ (16 bytes, lsb forced to 1;
 * skipped when `options.delta` is given), then the zero-labels of every input wire of every instance
 * (16 bytes each, instance by instance, wire order); when `evaluatorZeroLabels` is given it replaces
 * the evaluator's. Under three halves (`scheme`, §5.13) ⌈AND gates · instances / 4⌉ bytes follow:
 * the two random bits of AND gate k (instance by instance, gates in order) are bits 2(k mod 4) and
 * 2(k mod 4) + 1 of byte ⌊k/4⌋. Spec: §5.6, §5.13
 */
export function garble(circuit: Circuit, rng: Rng, options: GarbleOptions = {}): Garbling {
  const instances = checkCount(options.instances ?? 1, 'instances');
  const firstGateId = options.firstGateId ?? 0;
  const scheme = checkGarblingScheme(options.scheme);
  const three = scheme === 'three-halves';
  checkGateIds(circuit, instances, firstGateId, scheme);
  const delta = options.delta !== undefined ? checkDelta(options.delta) : sampleDelta(rng);
  const W = circuit.inputWireCount;
  const inputZeroLabels = new Uint32Array(rng.bytes(LABEL_BYTES * W * instances).buffer);
  if (options.evaluatorZeroLabels !== undefined) {
    const ev = partyWires(circuit, 'evaluator');
    const given = checkLabels(options.evaluatorZeroLabels, ev.length * instances, 'evaluatorZeroLabels');
    moveLabels(inputZeroLabels, W, given, ev, instances, false);
  }
  // Three halves: two random bits per AND gate (§5.13), four gates per byte, after the labels.
  const gates = circuit.counts.and * instances;
  const dice = three && gates > 0 ? rng.bytes(Math.ceil(gates / 4)) : new Uint8Array(0);
  const job = kernelJob(circuit, firstGateId);
  const { plan } = job;
  const tables = new Uint32Array(tableWordsPerAnd(scheme) * gates);
  const m = circuit.outputBits;
  const decoding = new Uint8Array(m * instances);
  const C = chunkSize(job, instances);
  const scratch = new KernelScratch(plan.slots, C, three ? THREE_HALVES_SCRATCH_BLOCKS : 4);
  const d = int32(delta);
  const zero = int32(inputZeroLabels);
  const t = int32(tables);
  for (let first = 0; first < instances; first += C) {
    const n = Math.min(C, instances - first);
    loadInputLabels(scratch, zero, W, first, n);
    if (three) garbleChunk3(job, d, scratch, first, n, t, dice);
    else garbleChunk(job, d, scratch, first, n, t);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) decoding[(first + i) * m + j] = scratch.labels[(plan.outputSlots[j] * C + i) * 4] & 1;
    }
  }
  return {
    garbled: { instances, firstGateId, andGates: circuit.counts.and, outputBits: m, tables, decoding, ...(three ? { scheme } : {}) },
    secrets: { delta, inputZeroLabels },
  };
}

/**
 * A garbler's session: one Δ for many garblings (e.g. every ReLU layer of an inference, with the Δ of
 * the correlated-OT session that delivers the client's labels) and a gate-id counter, so that no two
 * garblings under that Δ share a tweak (§5.6). Randomness: Δ is drawn from `rng` at construction
 * unless given; each {@link GarblerSession.garble} draws its input labels from `rng`. Spec: §5.6
 */
export class GarblerSession {
  readonly delta: Uint32Array;
  /** The scheme of every garbling of this session (§5.13). */
  readonly scheme: GarblingScheme;
  readonly #rng: Rng;
  #nextGateId: number;

  constructor(rng: Rng, options: { readonly delta?: Uint32Array; readonly firstGateId?: number; readonly scheme?: GarblingScheme } = {}) {
    this.#rng = rng;
    this.scheme = checkGarblingScheme(options.scheme);
    this.delta = options.delta !== undefined ? checkDelta(options.delta) : sampleDelta(rng);
    this.#nextGateId = checkCount(options.firstGateId ?? 0, 'firstGateId');
  }

  /** Gate id the next garbling starts at. */
  get nextGateId(): number {
    return this.#nextGateId;
  }

  /** Garbles with this session's Δ and the next free gate ids (see {@link garble}). Spec: §5.6 */
  garble(circuit: Circuit, options: { readonly instances?: number; readonly evaluatorZeroLabels?: Uint32Array } = {}): Garbling {
    const result = garble(circuit, this.#rng, { ...options, delta: this.delta, firstGateId: this.#nextGateId, scheme: this.scheme });
    this.#nextGateId += result.garbled.instances * result.garbled.andGates;
    return result;
  }
}

function checkDelta(delta: Uint32Array): Uint32Array {
  const d = Uint32Array.from(checkLabels(delta, 1, 'delta'));
  if ((d[0] & 1) !== 1) throw new InvalidArgumentError('delta must have its least significant bit set (point-and-permute)');
  return d;
}

/**
 * The garbler's zero-labels of `party`'s input wires, instance by instance (party wires in wire
 * order). For the evaluator's wires these are the pairs (L, L ⊕ Δ) to offer by OT. Spec: §5.6
 */
export function inputZeroLabels(circuit: Circuit, secrets: GarblerSecrets, party: Party, instances = secretsInstances(circuit, secrets)): Uint32Array {
  const wires = partyWires(circuit, party);
  const W = circuit.inputWireCount;
  const out = new Uint32Array(LABEL_WORDS * wires.length * instances);
  moveLabels(secrets.inputZeroLabels, W, out, wires, instances, true);
  return out;
}

function secretsInstances(circuit: Circuit, secrets: GarblerSecrets): number {
  return circuit.inputWireCount === 0 ? 0 : secrets.inputZeroLabels.length / (LABEL_WORDS * circuit.inputWireCount);
}

/**
 * Active labels L ⊕ b·Δ for `party`'s input bits: `bits` holds one byte (0 or 1) per input wire of
 * `party`, instance by instance, party wires in wire order. The garbler sends these for its own
 * inputs; for the evaluator's inputs this is what OT delivers (useful for local runs). Spec: §5.6
 */
export function encodeInputs(circuit: Circuit, secrets: GarblerSecrets, party: Party, bits: Uint8Array): Uint32Array {
  const zero = inputZeroLabels(circuit, secrets, party);
  const count = zero.length / LABEL_WORDS;
  if (!(bits instanceof Uint8Array) || bits.length !== count) throw new SizeMismatchError(`encodeInputs: expected ${count} input bits for ${party}, got ${bits?.length}`);
  const [d0, d1, d2, d3] = secrets.delta;
  for (let k = 0; k < count; k++) {
    const b = bits[k];
    if (b > 1) throw new InvalidArgumentError(`encodeInputs: bit ${k} is ${b}, expected 0 or 1`);
    const m = -b;
    zero[4 * k] ^= d0 & m;
    zero[4 * k + 1] ^= d1 & m;
    zero[4 * k + 2] ^= d2 & m;
    zero[4 * k + 3] ^= d3 & m;
  }
  return zero;
}

/**
 * Evaluates a garbled circuit on the active labels of the garbler's and the evaluator's inputs
 * (each instance by instance, party wires in wire order). Returns the active output labels,
 * instance by instance, output bits in order. Spec: §5.6
 */
export function evaluateGarbled(circuit: Circuit, garbled: GarbledCircuit, garblerLabels: Uint32Array, evaluatorLabels: Uint32Array): Uint32Array {
  const instances = checkGarbled(circuit, garbled);
  const gw = partyWires(circuit, 'garbler');
  const ew = partyWires(circuit, 'evaluator');
  checkLabels(garblerLabels, gw.length * instances, 'garbler input labels');
  checkLabels(evaluatorLabels, ew.length * instances, 'evaluator input labels');
  const W = circuit.inputWireCount;
  // Merge both parties' labels into wire order.
  const all = new Int32Array(LABEL_WORDS * W * instances);
  moveLabels(all, W, int32(garblerLabels), gw, instances, false);
  moveLabels(all, W, int32(evaluatorLabels), ew, instances, false);
  const job = kernelJob(circuit, garbled.firstGateId);
  const { plan } = job;
  const m = circuit.outputBits;
  const out = new Uint32Array(LABEL_WORDS * m * instances);
  const C = chunkSize(job, instances);
  const three = garbled.scheme === 'three-halves';
  const scratch = new KernelScratch(plan.slots, C, three ? THREE_HALVES_SCRATCH_BLOCKS : 4);
  const t = int32(garbled.tables);
  const o32 = int32(out);
  for (let first = 0; first < instances; first += C) {
    const n = Math.min(C, instances - first);
    loadInputLabels(scratch, all, W, first, n);
    if (three) evaluateChunk3(job, scratch, first, n, t);
    else evaluateChunk(job, scratch, first, n, t);
    storeOutputLabels(scratch, plan.outputSlots, o32, first, n);
  }
  return out;
}

/** Output bits from active output labels: lsb(label) ⊕ decoding bit. Spec: §5.6 */
export function decodeOutputs(garbled: GarbledCircuit, outputLabels: Uint32Array): Uint8Array {
  const count = garbled.instances * garbled.outputBits;
  checkLabels(outputLabels, count, 'output labels');
  const out = new Uint8Array(count);
  for (let k = 0; k < count; k++) out[k] = (outputLabels[4 * k] & 1) ^ garbled.decoding[k];
  return out;
}

/** Checks that `garbled` fits `circuit`; returns its instance count. */
export function checkGarbled(circuit: Circuit, garbled: GarbledCircuit): number {
  const instances = checkCount(garbled.instances, 'garbled.instances');
  const scheme = checkGarblingScheme(garbled.scheme);
  const words = tableWordsPerAnd(scheme);
  if (garbled.andGates !== circuit.counts.and) throw new SizeMismatchError(`garbled circuit has ${garbled.andGates} AND gates per instance, the circuit ${circuit.counts.and}`);
  if (garbled.outputBits !== circuit.outputBits) throw new SizeMismatchError(`garbled circuit has ${garbled.outputBits} output bits per instance, the circuit ${circuit.outputBits}`);
  if (!(garbled.tables instanceof Uint32Array) || garbled.tables.length !== words * circuit.counts.and * instances) {
    throw new SizeMismatchError(`garbled tables must hold ${words * circuit.counts.and * instances} words`);
  }
  if (!(garbled.decoding instanceof Uint8Array) || garbled.decoding.length !== circuit.outputBits * instances) {
    throw new SizeMismatchError(`decoding must hold ${circuit.outputBits * instances} bits`);
  }
  checkGateIds(circuit, instances, garbled.firstGateId, scheme);
  return instances;
}
