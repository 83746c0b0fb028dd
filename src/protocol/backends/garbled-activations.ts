/**
 * Delphi's ReLU layers by garbled circuits (§9.9.4): in preprocessing the server garbles one circuit
 * per activation (§5.8) with the free-XOR offset Δ of a correlated-OT session, the client obtains
 * the labels of its share's bits by random correlated OT (its share is known in preprocessing, §9.6)
 * and receives the garbled tables and the labels of the server's mask bits (the mask m is drawn in
 * preprocessing); online the server sends only the 41 labels of its share per activation (656
 * bytes, the floor), and the client evaluates, learning act(y) + m and nothing else.
 *
 * Spec: §9.9.4
 * @module
 */
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../../errors.js';
import { deserializeGarbledCircuit, garbleRelusBatched, inputZeroLabels, reluCircuit, reluClientChoiceBits, sampleDelta, serializeGarbledCircuit, type GarbledCircuit, type GarblingScheme, type ReluParams } from '../../gc/index.js';
import { deserializeLabels, serializeLabels } from '../../gc/serialize.js';
import { LABEL_WORDS, tableWordsPerAnd } from '../../gc/garble.js';
import { evaluateReluBatchTask, type EvaluateReluBatchInput } from '../../gc/parallel.js';
import { reluGarblerValues, SHARE_BITS } from '../../gc/relu-circuit.js';
import type { Channel } from '../../channel/channel.js';
import { OtExtReceiver, OtExtSender } from '../../ot/iknp.js';
import { checkScheme, DEFAULT_SOFTSPOKEN_K, softSpokenScheme, type OtExtScheme } from '../../ot/softspoken.js';
import type { Rng } from '../../random/rng.js';
import { inlinePool, type TaskPool } from '../../workers/tasks.js';
import type {
  ActivationBackend,
  ActivationClientLayer,
  ActivationClientSession,
  ActivationLayerInfo,
  ActivationServerLayer,
  ActivationServerSession,
} from '../backend.js';
import { protocolTagName, rejectAbort } from '../messages.js';
import { SlotReader, SlotWriter } from '../slot-bytes.js';
import { MemorySpillStore, type SpillHandle, type SpillStore } from '../spill.js';
import { readU32LE, writeU32LE } from '../../math/bytes.js';

/** Message tags of the garbled-circuit backend. Spec: §9.9.4 */
export const GC_ACTIVATION_TAG = {
  /** S → C, preprocessing: the garbled circuits of a batch (a §5.9 garbled-circuit message). */
  TABLES: 0xe8,
  /** S → C, online: the active labels of the server's share s̃ of a batch (a §5.9 label message, 41 per activation). */
  LABELS: 0xe9,
  /** S → C, preprocessing: the active labels of the server's mask m̃ of a batch (41 per activation). */
  MASK_LABELS: 0xea,
} as const;

/** Activations per garbled batch (≈ 34 MB of tables for ReLU, 38 MB for ReLU6). Spec: §9.9.4 */
export const GC_BATCH = 4096;

/**
 * Activations per garbling task inside a batch: each is garbled from its own stream forked from the
 * layer's in order (§5.7), on the session's pool if it has one. Fixed, so the tables do not depend
 * on the thread count. Spec: §9.9.4
 */
export const GC_SUB_BATCH = 512;

const HEADER = 16;

/** tag ‖ 3 zero bytes ‖ u32 layer ‖ u32 start ‖ u32 count ‖ body. */
function frame(tag: number, layer: number, start: number, count: number, body: Uint8Array): Uint8Array {
  const msg = new Uint8Array(HEADER + body.length);
  msg[0] = tag;
  writeU32LE(msg, 4, layer);
  writeU32LE(msg, 8, start);
  writeU32LE(msg, 12, count);
  msg.set(body, HEADER);
  return msg;
}

function unframe(msg: Uint8Array, tag: number, layer: number, start: number, count: number, context: string): Uint8Array {
  rejectAbort(msg, context);
  if (msg[0] !== tag) throw new ProtocolError(`${context}: expected tag 0x${tag.toString(16)}, received ${protocolTagName(msg[0])}`);
  if (msg.length < HEADER) throw new MalformedInputError(`${context}: message shorter than its ${HEADER}-byte header`);
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0) throw new MalformedInputError(`${context}: reserved bytes must be zero`);
  const [l, s, c] = [readU32LE(msg, 4), readU32LE(msg, 8), readU32LE(msg, 12)];
  if (l !== layer || s !== start || c !== count) {
    throw new ProtocolError(`${context}: message for layer ${l}, activations [${s}, ${s + c}); expected layer ${layer}, [${start}, ${start + count})`);
  }
  return msg.subarray(HEADER);
}

function paramsOf(info: ActivationLayerInfo): Required<ReluParams> {
  return { kind: info.kind, shift: info.fractionalBits };
}

function batches(count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += GC_BATCH) out.push([start, Math.min(GC_BATCH, count - start)]);
  return out;
}

const W = LABEL_WORDS;
const L = SHARE_BITS * LABEL_WORDS;

/**
 * The garbler's zero-labels of a batch split by input: s̃ (first 41 garbler wires of each instance)
 * and m̃ (the next 41), each instance by instance.
 */
function splitGarblerLabels(all: Uint32Array, count: number): { share: Uint32Array; mask: Uint32Array } {
  const share = new Uint32Array(L * count);
  const mask = new Uint32Array(L * count);
  for (let i = 0; i < count; i++) {
    share.set(all.subarray(2 * L * i, 2 * L * i + L), L * i);
    mask.set(all.subarray(2 * L * i + L, 2 * L * (i + 1)), L * i);
  }
  return { share, mask };
}

/** Active labels zero ⊕ bit·Δ of the 41 bits (lsb first) of each value. Spec: §5.6 */
function activeLabels(zero: Uint32Array, delta: Uint32Array, values: ArrayLike<number>): Uint32Array {
  const out = zero.slice();
  for (let i = 0; i < values.length; i++) {
    let x = values[i];
    for (let k = 0; k < SHARE_BITS; k++) {
      if (x % 2 === 1) {
        const o = L * i + W * k;
        for (let w = 0; w < W; w++) out[o + w] ^= delta[w];
      }
      x = Math.floor(x / 2);
    }
  }
  return out;
}

/** What the server keeps of one batch: the zero-labels of its share wires (Δ is the layer's), parked in the spill store. */
interface ServerBatch {
  readonly start: number;
  readonly count: number;
  /** Spill handle of the share wires' zero-labels (41 labels per activation). */
  readonly shareZero: SpillHandle;
}

/** One sub-batch ({@link GC_SUB_BATCH} activations) of a client batch: its tables and labels, parked apart. */
interface ClientPart {
  /** First activation (index in the layer). */
  readonly start: number;
  readonly count: number;
  readonly tables: SpillHandle;
  readonly clientLabels: SpillHandle;
  readonly maskLabels: SpillHandle;
}

/**
 * What the client keeps of one batch: the small parts (first gate id, decoding bits) in memory,
 * tables and labels parked in the spill store (§9.14.6) per sub-batch of {@link GC_SUB_BATCH}
 * activations — one evaluation task each — until the online phase reads them back.
 */
interface ClientBatch {
  readonly start: number;
  readonly count: number;
  readonly firstGateId: number;
  readonly decoding: Uint8Array;
  /** The garbling scheme of the tables (absent: half gates, §5.6). */
  readonly scheme?: GarblingScheme;
  readonly parts: readonly ClientPart[];
}

/** The garbled sub-batch `part` of batch `b` (instances part.start − b.start …), with `tables`. */
function partGarbled(info: ActivationLayerInfo, b: ClientBatch, part: ClientPart, tables: Uint32Array): GarbledCircuit {
  const circuit = reluCircuit(paramsOf(info));
  const o = part.start - b.start;
  return {
    instances: part.count,
    firstGateId: b.firstGateId + o * circuit.counts.and,
    andGates: circuit.counts.and,
    outputBits: circuit.outputBits,
    tables,
    decoding: b.decoding.slice(circuit.outputBits * o, circuit.outputBits * (o + part.count)),
    ...(b.scheme !== undefined ? { scheme: b.scheme } : {}),
  };
}

/** The words under each handle of `parts`, end to end (a batch's tables or labels, for a stored slot). */
function joined(spill: SpillStore, parts: readonly ClientPart[], which: 'tables' | 'clientLabels' | 'maskLabels'): Uint32Array {
  const words = parts.map((p) => spill.get(p[which]));
  const out = new Uint32Array(words.reduce((n, w) => n + w.length, 0));
  let at = 0;
  for (const w of words) {
    out.set(w, at);
    at += w.length;
  }
  return out;
}

function clientBatchGarbled(info: ActivationLayerInfo, b: ClientBatch, spill: SpillStore): GarbledCircuit {
  const circuit = reluCircuit(paramsOf(info));
  return {
    instances: b.count,
    firstGateId: b.firstGateId,
    andGates: circuit.counts.and,
    outputBits: circuit.outputBits,
    tables: joined(spill, b.parts, 'tables'),
    decoding: b.decoding,
    ...(b.scheme !== undefined ? { scheme: b.scheme } : {}),
  };
}

/** True when `a` spans its whole buffer, so that moving the buffer moves exactly `a`. */
function spansBuffer(a: Uint32Array | Uint8Array): boolean {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !(typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer);
}

/** The words under `handle`, which is freed: the caller owns what it gets. */
function take(spill: SpillStore, handle: SpillHandle): Uint32Array {
  const w = spill.get(handle);
  spill.free(handle);
  return w;
}

/**
 * Runs one sub-batch's evaluation on `pool` (moving its buffers to the worker rather than copying
 * them: each is read from the spill store or sliced for this task alone; an array that shares its
 * buffer is copied first), or in this thread without a pool.
 */
function evaluatePart(pool: TaskPool | undefined, input: EvaluateReluBatchInput): Promise<Float64Array> {
  if (!pool) return new Promise((resolve) => resolve(evaluateReluBatchTask(input)));
  const own = <T extends Uint32Array | Uint8Array>(a: T): T => (spansBuffer(a) ? a : (a.slice() as T));
  const garbled = { ...input.garbled, tables: own(input.garbled.tables), decoding: own(input.garbled.decoding) };
  const moved: EvaluateReluBatchInput = { ...input, garbled, shareLabels: own(input.shareLabels), maskLabels: own(input.maskLabels), clientLabels: own(input.clientLabels) };
  const buffers = [garbled.tables, garbled.decoding, moved.shareLabels, moved.maskLabels, moved.clientLabels].map((a) => a.buffer as ArrayBuffer);
  return pool.run('gc.evaluateReluBatch', moved, [...new Set(buffers)]);
}

function serverLayer(info: ActivationLayerInfo, delta: Uint32Array, prepared: readonly ServerBatch[], spill: SpillStore): ActivationServerLayer {
  const shift = info.fractionalBits;
  return {
    async online(channel, serverShare, onProgress) {
      if (serverShare.length !== info.count) throw new InvalidArgumentError(`garbled activations: layer ${info.index} expects ${info.count} shares`);
      prepared.forEach(({ start, count, shareZero }, i) => {
        const shifted = new Float64Array(count);
        for (let j = 0; j < count; j++) shifted[j] = reluGarblerValues(serverShare[start + j], 0, shift)[0];
        channel.send(frame(GC_ACTIVATION_TAG.LABELS, info.index, start, count, serializeLabels(activeLabels(spill.get(shareZero), delta, shifted))));
        spill.free(shareZero);
        onProgress?.((i + 1) / prepared.length);
      });
    },
    encode() {
      const w = new SlotWriter().words(delta).u32(prepared.length);
      for (const b of prepared) w.u32(b.start).u32(b.count).words(spill.get(b.shareZero));
      return w.finish();
    },
    dispose() {
      for (const b of prepared) spill.free(b.shareZero);
    },
  };
}

function clientLayer(info: ActivationLayerInfo, prepared: readonly ClientBatch[], spill: SpillStore, pool: TaskPool | undefined): ActivationClientLayer {
  const params = paramsOf(info);
  const context = `garbled activations, layer ${info.index}`;
  return {
    async online(channel, onProgress) {
      const out = new Float64Array(info.count);
      const total = prepared.reduce((n, b) => n + b.parts.length, 0);
      let done = 0;
      // Sub-batches in flight: enough to keep every thread of the pool busy while this thread reads
      // the next ones back from the spill store; each holds ≈ 4.2 MB (ReLU tables and labels).
      const limit = pool ? 2 * pool.threads + 2 : 1;
      const inFlight = new Set<Promise<void>>();
      for (const b of prepared) {
        const { start, count } = b;
        const body = unframe(await channel.recv(), GC_ACTIVATION_TAG.LABELS, info.index, start, count, context);
        const shareLabels = deserializeLabels(body, SHARE_BITS * count);
        for (const part of b.parts) {
          // A rejected job stays in the set, so that the next race (or the final all) throws.
          while (inFlight.size >= limit) await Promise.race(inFlight);
          const o = part.start - start;
          const job = evaluatePart(pool, {
            params,
            garbled: partGarbled(info, b, part, take(spill, part.tables)),
            shareLabels: shareLabels.subarray(L * o, L * (o + part.count)),
            maskLabels: take(spill, part.maskLabels),
            clientLabels: take(spill, part.clientLabels),
          }).then((values) => {
            out.set(values, part.start);
            inFlight.delete(job);
            onProgress?.(++done / total);
          });
          job.catch(() => {}); // observed by the race or the all
          inFlight.add(job);
        }
      }
      await Promise.all(inFlight);
      return out;
    },
    encode() {
      const w = new SlotWriter().u32(prepared.length);
      for (const b of prepared) encodeClientBatch(w, info, b, spill);
      return w.finish();
    },
    dispose() {
      for (const b of prepared) for (const p of b.parts) for (const h of [p.tables, p.clientLabels, p.maskLabels]) spill.free(h);
    },
    encodeParts() {
      // One part per batch (≈ 40 MB for ReLU), made when asked for (§9.14.3).
      return {
        count: prepared.length,
        part: (i: number) => {
          const b = prepared[i];
          if (b === undefined) throw new InvalidArgumentError(`${context}: no part ${i}`);
          // Reserved at once: 4 bytes per table and label word, 64 per activation for its decoding bits.
          const perActivation = (tableWordsPerAnd(b.scheme) * reluCircuit(params).counts.and + 2 * L) * 4 + 64;
          return encodeClientBatch(new SlotWriter(1024 + perActivation * b.count), info, b, spill).finish();
        },
      };
    },
  };
}

/** A stored client batch: u32 start ‖ u32 count ‖ garbled circuits (§5.9) ‖ client labels ‖ mask labels. */
function encodeClientBatch(w: SlotWriter, info: ActivationLayerInfo, b: ClientBatch, spill: SpillStore): SlotWriter {
  const circuit = reluCircuit(paramsOf(info));
  return w.u32(b.start).u32(b.count).bytes(serializeGarbledCircuit(circuit, clientBatchGarbled(info, b, spill))).words(joined(spill, b.parts, 'clientLabels')).words(joined(spill, b.parts, 'maskLabels'));
}

/** Reads batch `i` of {@link encodeClientBatch} and parks it in `spill`. */
function decodeClientBatch(r: SlotReader, info: ActivationLayerInfo, i: number, garbling: GarblingScheme, spill: SpillStore, context: string): ClientBatch {
  const circuit = reluCircuit(paramsOf(info));
  const start = r.u32('batch start');
  const count = r.u32('batch size');
  checkBatch(info, i, start, count, context);
  const { garbled } = deserializeGarbledCircuit(r.bytes('garbled circuits'), circuit);
  checkGarblingScheme(garbled, garbling, context);
  if (garbled.instances !== count) throw new MalformedInputError(`${context}: ${garbled.instances} garbled circuits, expected ${count}`);
  const clientLabels = r.words('client labels', L * count);
  const maskLabels = r.words('mask labels', L * count);
  return parkClientBatch(spill, start, count, garbled, clientLabels, maskLabels);
}

/**
 * Parks a client batch's tables and labels in `spill`, per sub-batch of {@link GC_SUB_BATCH}
 * activations (views of the batch's arrays: a file store copies them, the memory store keeps them).
 */
function parkClientBatch(spill: SpillStore, start: number, count: number, garbled: GarbledCircuit, clientLabels: Uint32Array, maskLabels: Uint32Array): ClientBatch {
  const t = tableWordsPerAnd(garbled.scheme) * garbled.andGates;
  const parts: ClientPart[] = [];
  for (let o = 0; o < count; o += GC_SUB_BATCH) {
    const n = Math.min(GC_SUB_BATCH, count - o);
    parts.push({
      start: start + o,
      count: n,
      tables: spill.put(garbled.tables.subarray(t * o, t * (o + n))),
      clientLabels: spill.put(clientLabels.subarray(L * o, L * (o + n))),
      maskLabels: spill.put(maskLabels.subarray(L * o, L * (o + n))),
    });
  }
  return {
    start,
    count,
    firstGateId: garbled.firstGateId,
    decoding: garbled.decoding,
    ...(garbled.scheme !== undefined ? { scheme: garbled.scheme } : {}),
    parts,
  };
}

/** Checks that stored batches tile [0, info.count) like {@link batches}. */
function checkBatch(info: ActivationLayerInfo, i: number, start: number, count: number, context: string): void {
  const expected = batches(info.count)[i];
  if (!expected || expected[0] !== start || expected[1] !== count) throw new MalformedInputError(`${context}: batch ${i} covers [${start}, ${start + count}), not the layer's`);
}

async function serverPreprocessLayer(
  channel: Channel,
  ot: OtExtSender,
  delta: Uint32Array,
  gateIds: { next: number },
  info: ActivationLayerInfo,
  masks: Float64Array,
  layerRng: Rng,
  pool: TaskPool,
  scheme: GarblingScheme,
  spill: SpillStore,
): Promise<ActivationServerLayer> {
  const params = paramsOf(info);
  const and = reluCircuit(params).counts.and;
  const prepared: ServerBatch[] = [];
  const all = batches(info.count);
  // Batch i + 1 is garbled on the pool while this thread serializes and sends batch i. Batches start
  // in order (OT, then the garbling's seeds from layerRng, then the gate ids), so nothing drawn
  // depends on the pool's timing.
  const start = (i: number) => {
    const [first, count] = all[i];
    const firstGateId = gateIds.next;
    gateIds.next += count * and;
    return ot.sendRandomCorrelated(SHARE_BITS * count).then((zero) =>
      // Sub-batches of GC_SUB_BATCH instances, one forked stream each (§5.7): the same tables whatever the pool's thread count.
      garbleRelusBatched(count, layerRng, {
        ...params,
        delta,
        clientZeroLabels: zero,
        firstGateId,
        batchInstances: GC_SUB_BATCH,
        pool,
        ...(scheme !== 'half-gates' ? { scheme } : {}),
      }).then((g) => ({ first, count, g })),
    );
  };
  let next = all.length > 0 ? start(0) : undefined;
  for (let i = 0; i < all.length; i++) {
    const { first, count, g } = await next!;
    next = i + 1 < all.length ? start(i + 1) : undefined;
    next?.catch(() => {}); // handled by the next round's await
    channel.send(frame(GC_ACTIVATION_TAG.TABLES, info.index, first, count, serializeGarbledCircuit(g.circuit, g.garbled)));
    const { share, mask } = splitGarblerLabels(inputZeroLabels(g.circuit, g.secrets, 'garbler'), count);
    const maskValues = new Float64Array(count);
    for (let j = 0; j < count; j++) maskValues[j] = reluGarblerValues(0, masks[first + j], params.shift)[1];
    channel.send(frame(GC_ACTIVATION_TAG.MASK_LABELS, info.index, first, count, serializeLabels(activeLabels(mask, delta, maskValues))));
    prepared.push({ start: first, count, shareZero: spill.put(share) });
    info.onProgress?.(prepared.length / all.length);
  }
  return serverLayer(info, delta, prepared, spill);
}

/** Refuses a garbled batch of the other scheme (§5.13): the backend ids agreed in the hello fix the scheme. */
function checkGarblingScheme(garbled: GarbledCircuit, scheme: GarblingScheme, context: string): void {
  const got = garbled.scheme ?? 'half-gates';
  if (got !== scheme) throw new ProtocolError(`${context}: garbled with ${got}, the session agreed on ${scheme}`);
}

async function clientPreprocessLayer(
  channel: Channel,
  ot: OtExtReceiver,
  info: ActivationLayerInfo,
  clientShare: Float64Array,
  scheme: GarblingScheme,
  spill: SpillStore,
  pool: TaskPool | undefined,
): Promise<ActivationClientLayer> {
  const circuit = reluCircuit(paramsOf(info));
  const context = `garbled activations, layer ${info.index}`;
  const prepared: ClientBatch[] = [];
  const all = batches(info.count);
  // The random OTs of every batch first: they depend only on this share, and the server reads them in
  // the same order, so it never waits for this thread to take in a batch's tables before the next OT.
  const labels: Uint32Array[] = [];
  for (const [start, count] of all) labels.push(await ot.receiveRandomCorrelated(reluClientChoiceBits(clientShare.subarray(start, start + count))));
  for (const [i, [start, count]] of all.entries()) {
    const clientLabels = labels[i];
    const body = unframe(await channel.recv(), GC_ACTIVATION_TAG.TABLES, info.index, start, count, context);
    const { garbled } = deserializeGarbledCircuit(body, circuit);
    checkGarblingScheme(garbled, scheme, context);
    if (garbled.instances !== count) throw new ProtocolError(`${context}: ${garbled.instances} garbled circuits, expected ${count}`);
    const maskBody = unframe(await channel.recv(), GC_ACTIVATION_TAG.MASK_LABELS, info.index, start, count, context);
    const maskLabels = deserializeLabels(maskBody, SHARE_BITS * count);
    prepared.push(parkClientBatch(spill, start, count, garbled, clientLabels, maskLabels));
    info.onProgress?.(prepared.length / all.length);
  }
  return clientLayer(info, prepared, spill, pool);
}

/** Options of {@link garbledActivationsWith}. */
export interface GarbledActivationsOptions {
  /**
   * The OT extension that gives the client its input labels: SoftSpokenOT with k =
   * {@link DEFAULT_SOFTSPOKEN_K} by default (§6.11), or IKNP (§6.7). Part of the backend identifier, so
   * both parties agree on it at the handshake (§9.4).
   */
  readonly ot?: OtExtScheme;
  /** The garbling scheme: half gates by default (§5.6), or three halves (§5.13). Part of the identifier too. */
  readonly garbling?: GarblingScheme;
}

/** The OT extension of the default garbled-circuit backend: SoftSpokenOT, k = 4. Spec: §9.9.4, §6.11 */
export const GC_OT_SCHEME: OtExtScheme = softSpokenScheme(DEFAULT_SOFTSPOKEN_K);

/**
 * The backend identifier for a garbling scheme and an OT scheme: `garbled-circuits` for the default
 * (half gates, SoftSpokenOT k = 4), with `-three-halves` for three-halves garbling (§5.13), then
 * `-iknp` for IKNP or `-ss<k>` for SoftSpokenOT with another k. Spec: §9.9.4
 */
export function garbledActivationsId(ot: OtExtScheme, garbling: GarblingScheme = 'half-gates'): string {
  checkScheme(ot);
  const base = garbling === 'three-halves' ? 'garbled-circuits-three-halves' : 'garbled-circuits';
  if (ot.kind === 'iknp') return `${base}-iknp`;
  return ot.k === DEFAULT_SOFTSPOKEN_K ? base : `${base}-ss${ot.k}`;
}

/** Backend id of the garbled-circuit activations under each garbling scheme (§5.13), default OT. Spec: §9.9.4 */
export const GC_ACTIVATION_IDS: Readonly<Record<GarblingScheme, string>> = Object.freeze({
  'half-gates': garbledActivationsId(GC_OT_SCHEME, 'half-gates'),
  'three-halves': garbledActivationsId(GC_OT_SCHEME, 'three-halves'),
});

const schemes = new WeakMap<ActivationBackend, { readonly ot: OtExtScheme; readonly garbling: GarblingScheme }>();

/** The OT scheme of a garbled-circuit activation backend, or undefined for any other backend. */
export function garbledActivationsOtScheme(backend: ActivationBackend): OtExtScheme | undefined {
  return schemes.get(backend)?.ot;
}

/** The garbling scheme of a garbled-circuit activation backend, or undefined for any other backend. */
export function garbledActivationsGarbling(backend: ActivationBackend): GarblingScheme | undefined {
  return schemes.get(backend)?.garbling;
}

/**
 * The garbled-circuit activation backend (secure), with the OT extension `options.ot` and the garbling
 * scheme `options.garbling` (both in the id, which is part of the hello: parties that disagree fail the
 * handshake). Setup: an OT extension session whose secret s is the garbling offset Δ (server = OT
 * sender and garbler). Per layer, per batch of {@link GC_BATCH}: random correlated OT of the client's
 * 41 share bits per activation, whose sender outputs are the zero-labels of the client's input wires;
 * TABLES; MASK_LABELS. Online: LABELS (the server share's 41 labels per activation). Spec: §9.9.4
 */
export function garbledActivationsWith(options: GarbledActivationsOptions = {}): ActivationBackend {
  const ot = options.ot ?? GC_OT_SCHEME;
  const garbling = options.garbling ?? 'half-gates';
  if (garbling !== 'half-gates' && garbling !== 'three-halves') {
    throw new InvalidArgumentError(`garbling scheme must be half-gates or three-halves, got ${String(garbling)}`);
  }
  const id = garbledActivationsId(ot, garbling);
  const known = byId.get(id);
  if (known !== undefined) return known;
  const backend = Object.freeze<ActivationBackend>({ ...decoders(garbling), id, ...sessions(ot, garbling) });
  schemes.set(backend, { ot, garbling });
  byId.set(id, backend);
  return backend;
}

/** One backend object per id, so that equal options give the identical backend. */
const byId = new Map<string, ActivationBackend>();

function sessions(ot: OtExtScheme, garbling: GarblingScheme): Pick<ActivationBackend, 'server' | 'client'> {
  return {
    async server(channel: Channel, rng, setup): Promise<ActivationServerSession> {
      const delta = sampleDelta(rng);
      const session = await OtExtSender.setup(channel, rng, { delta, scheme: ot, ...(setup.pool !== undefined ? { pool: setup.pool } : {}) });
      const gateIds = { next: 0 };
      const pool = setup.pool ?? inlinePool();
      const spill = setup.spill ?? new MemorySpillStore();
      return { preprocess: (info, masks, layerRng) => serverPreprocessLayer(channel, session, delta, gateIds, info, masks, layerRng, pool, garbling, spill) };
    },
    async client(channel: Channel, rng, setup): Promise<ActivationClientSession> {
      const session = await OtExtReceiver.setup(channel, rng, { scheme: ot, ...(setup.pool !== undefined ? { pool: setup.pool } : {}) });
      const spill = setup.spill ?? new MemorySpillStore();
      return { preprocess: (info, clientShare) => clientPreprocessLayer(channel, session, info, clientShare, garbling, spill, setup.pool) };
    },
  };
}

/** What every garbled-circuit activation backend of one garbling scheme shares: the stored layers' decoding. */
function decoders(garbling: GarblingScheme): Omit<ActivationBackend, 'id' | 'server' | 'client'> {
  return {
    secure: true,
    decodeServerLayer(info, bytes) {
      const context = `garbled activations, stored layer ${info.index}`;
      const r = new SlotReader(bytes, context);
      const delta = r.words('Δ', W);
      const n = r.u32('batch count');
      if (n !== batches(info.count).length) throw new MalformedInputError(`${context}: ${n} batches, expected ${batches(info.count).length}`);
      const prepared: ServerBatch[] = [];
      const spill = new MemorySpillStore();
      for (let i = 0; i < n; i++) {
        const start = r.u32('batch start');
        const count = r.u32('batch size');
        checkBatch(info, i, start, count, context);
        prepared.push({ start, count, shareZero: spill.put(r.words('share zero-labels', L * count)) });
      }
      r.end();
      return serverLayer(info, delta, prepared, spill);
    },
    decodeClientLayer(info, bytes) {
      const context = `garbled activations, stored layer ${info.index}`;
      const r = new SlotReader(bytes, context);
      const n = r.u32('batch count');
      if (n !== batches(info.count).length) throw new MalformedInputError(`${context}: ${n} batches, expected ${batches(info.count).length}`);
      const prepared: ClientBatch[] = [];
      const spill = new MemorySpillStore();
      for (let i = 0; i < n; i++) prepared.push(decodeClientBatch(r, info, i, garbling, spill, context));
      r.end();
      return clientLayer(info, prepared, spill, undefined);
    },
    async decodeClientLayerParts(info, count, part, restore = {}) {
      const context = `garbled activations, stored layer ${info.index}`;
      const expected = batches(info.count).length;
      if (count !== expected) throw new MalformedInputError(`${context}: ${count} parts, expected one per batch (${expected})`);
      const spill = restore.spill ?? new MemorySpillStore();
      const prepared: ClientBatch[] = [];
      for (let i = 0; i < count; i++) {
        const r = new SlotReader(await part(i), `${context}, part ${i}`);
        prepared.push(decodeClientBatch(r, info, i, garbling, spill, context));
        r.end();
      }
      return clientLayer(info, prepared, spill, restore.pool);
    },
  };
}

/** The default garbled-circuit activation backend (id `garbled-circuits`: half gates, SoftSpokenOT k = 4). Spec: §9.9.4 */
export const garbledActivations: ActivationBackend = garbledActivationsWith();

/** The garbled-circuit activation backend with IKNP OT extension (id `garbled-circuits-iknp`). Spec: §9.9.4 */
export const garbledActivationsIknp: ActivationBackend = garbledActivationsWith({ ot: { kind: 'iknp' } });

/** The three-halves garbled-circuit activation backend (id `garbled-circuits-three-halves`, §5.13). Spec: §9.9.4 */
export const garbledActivationsThreeHalves: ActivationBackend = garbledActivationsWith({ garbling: 'three-halves' });

/** The garbled-circuit activation backend of a garbling scheme, with the default OT. Spec: §9.9.4 */
export function garbledActivationBackend(scheme: GarblingScheme = 'half-gates'): ActivationBackend {
  if (scheme === 'half-gates') return garbledActivations;
  if (scheme === 'three-halves') return garbledActivationsThreeHalves;
  throw new InvalidArgumentError(`garbling scheme must be half-gates or three-halves, got ${String(scheme)}`);
}
