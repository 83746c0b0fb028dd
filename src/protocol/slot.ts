/**
 * Stored preprocessing slots and session records (§9.14.3): one inference's preprocessed material
 * (ClientPreprocessed or ServerPreprocessed, with the activation backend's per-layer state) as a
 * versioned, integrity-checked byte string bound to (session id, slot id, architecture
 * fingerprint, backend ids). A slot is secret (masks, labels, σ): it MUST be used for at most one
 * online phase (§9.14.2).
 *
 * Spec: §9.14.3
 * @module
 */
import { MalformedInputError, ProtocolError } from '../errors.js';
import { sha256 } from '../hash/sha256.js';
import { shapeSize } from '../nn/tensor.js';
import type { Architecture } from './architecture.js';
import type { ActivationClientLayer, ActivationServerLayer, ProtocolBackend, RestoreContext, StateParts } from './backend.js';
import { backendIds } from './backend.js';
import { activationInfo, type ClientLayerMaterial, type ClientPreprocessed, type ServerLayerMaterial, type ServerPreprocessed } from './preprocess.js';
import type { PhaseCost } from './accounting.js';
import { SlotReader, SlotWriter } from './slot-bytes.js';
import type { SlotRecords } from './slot-store.js';

/**
 * Magic of a stored slot's head record ("DSLT"), of each of its state parts ("DSLP") and of a
 * session record ("DSES"). Spec: §9.14.3
 */
export const SLOT_MAGIC = 'DSLT';
export const SLOT_PART_MAGIC = 'DSLP';
export const SESSION_MAGIC = 'DSES';
/**
 * Format version written; a reader refuses a newer one. Version 2: a slot is a head record then
 * one record per part of each activation layer's state, in layer order. Spec: §9.14.3
 */
export const SLOT_FORMAT_VERSION = 2;
/** Bytes of the SHA-256 checksum that ends every record. Spec: §9.14.3 */
export const SLOT_CHECKSUM_BYTES = 32;

/** What a record is bound to; decoding checks each field against the expected one. Spec: §9.14.3 */
export interface SlotBinding {
  readonly sessionId: string;
  readonly fingerprint: string;
  readonly backend: ProtocolBackend;
}

/** A restored slot's preprocessing cost: it ran in another process, so nothing is counted here. */
const STORED_COST: PhaseCost = Object.freeze({ phase: 'preprocessing', ms: 0, clientToServer: { bytes: 0, messages: 0 }, serverToClient: { bytes: 0, messages: 0 }, steps: [] });

/** magic ‖ u8 version ‖ u8 party ‖ binding; the caller appends the body, then {@link seal}. */
function header(magic: string, party: 'client' | 'server', binding: SlotBinding, capacity?: number): SlotWriter {
  const ids = backendIds(binding.backend);
  const w = new SlotWriter(capacity);
  for (const c of new TextEncoder().encode(magic)) w.u8(c);
  return w.u8(SLOT_FORMAT_VERSION).u8(party === 'server' ? 0 : 1).string(binding.sessionId).string(binding.fingerprint).string(ids.linear).string(ids.activations).string(ids.triples);
}

function seal(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + SLOT_CHECKSUM_BYTES);
  out.set(body);
  out.set(sha256(body), body.length);
  return out;
}

/**
 * Checks magic, checksum, version, party and binding; returns a reader positioned after the
 * binding. `context` names the record (a file name) in every error. Spec: §9.14.3
 */
function openRecord(bytes: Uint8Array, magic: string, party: 'client' | 'server', binding: SlotBinding | undefined, context: string): { r: SlotReader; sessionId: string; fingerprint: string; ids: string[] } {
  if (!(bytes instanceof Uint8Array) || bytes.length < 6 + SLOT_CHECKSUM_BYTES) throw new MalformedInputError(`${context}: truncated (${bytes?.length ?? 0} bytes)`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw new MalformedInputError(`${context}: not a delphi-ts ${magic === SESSION_MAGIC ? 'session file' : magic === SLOT_MAGIC ? 'slot' : 'slot part'}`);
  const body = bytes.subarray(0, bytes.length - SLOT_CHECKSUM_BYTES);
  const sum = sha256(body);
  const stored = bytes.subarray(body.length);
  if (sum.some((b, i) => b !== stored[i])) throw new MalformedInputError(`${context}: checksum mismatch (the file is truncated or was edited)`);
  const r = new SlotReader(body, context);
  for (let i = 0; i < 4; i++) r.u8('magic');
  const version = r.u8('version');
  if (version > SLOT_FORMAT_VERSION) throw new MalformedInputError(`${context}: format version ${version} is newer than this delphi-ts reads (${SLOT_FORMAT_VERSION}); upgrade delphi-ts`);
  if (version !== SLOT_FORMAT_VERSION) throw new MalformedInputError(`${context}: unknown format version ${version}`);
  const p = r.u8('party');
  if (p !== (party === 'server' ? 0 : 1)) throw new MalformedInputError(`${context}: a ${p === 0 ? 'server' : 'client'} record, expected a ${party} one`);
  const sessionId = r.string('session id');
  const fingerprint = r.string('fingerprint');
  const ids = [r.string('linear backend'), r.string('activation backend'), r.string('triple backend')];
  if (binding) {
    if (sessionId !== binding.sessionId) throw new ProtocolError(`${context}: belongs to session ${sessionId}, not ${binding.sessionId}`);
    if (fingerprint !== binding.fingerprint) throw new ProtocolError(`${context}: made for another model (fingerprint ${fingerprint.slice(0, 16)}…, this one is ${binding.fingerprint.slice(0, 16)}…)`);
    checkBackendIds(ids, binding.backend, context);
  }
  return { r, sessionId, fingerprint, ids };
}

function checkBackendIds(ids: readonly string[], backend: ProtocolBackend, context: string): void {
  const want = backendIds(backend);
  if (ids[0] !== want.linear || ids[1] !== want.activations || ids[2] !== want.triples) {
    throw new ProtocolError(`${context}: made with backends ${ids.join('/')}, this party uses ${want.linear}/${want.activations}/${want.triples}`);
  }
}

const KIND = { local: 0, weighted: 1, activation: 2, quadratic: 3 } as const;

/** Activation state in parts: the layer's own parts, or `encode()` as one. */
function stateParts(layer: ActivationClientLayer | ActivationServerLayer): StateParts {
  // Only client layers split their state (ActivationClientLayer.encodeParts).
  return (layer as ActivationClientLayer).encodeParts?.() ?? { count: 1, part: () => layer.encode() };
}

/**
 * The state records of a slot: for each activation layer k (in order) and each part i of its
 * state, header ‖ u64 slot id ‖ u32 k ‖ u32 i ‖ u32 part count ‖ bytes, sealed. Spec: §9.14.3
 */
function* partRecords(party: 'client' | 'server', binding: SlotBinding, slotId: number, layers: readonly (ClientLayerMaterial | ServerLayerMaterial)[]): Generator<Uint8Array> {
  for (let k = 0; k < layers.length; k++) {
    const m = layers[k];
    if (m.kind !== 'activation') continue;
    const parts = stateParts(m.backend);
    for (let i = 0; i < parts.count; i++) {
      const data = parts.part(i);
      yield seal(header(SLOT_PART_MAGIC, party, binding, 1024 + data.length).u64(slotId).u32(k).u32(i).u32(parts.count).bytes(data).finish());
    }
  }
}

/**
 * Reads the state parts of the activation layers from `records` (record 1 on, in order), one
 * record at a time; each is checked (binding, slot id, layer, index, count) before its data is used.
 */
class PartReader {
  next = 1;
  constructor(
    private readonly records: SlotRecords,
    private readonly party: 'client' | 'server',
    private readonly binding: SlotBinding,
    private readonly slotId: number,
    private readonly context: string,
  ) {}

  /** Part `i` of layer `k`: its data and the layer's part count. */
  async read(k: number, i: number): Promise<{ data: Uint8Array; count: number }> {
    if (this.next >= this.records.count) throw new MalformedInputError(`${this.context}: ends before part ${i} of layer ${k}'s state`);
    const where = `${this.context}, record ${this.next}`;
    const { r } = openRecord(await this.records.read(this.next++), SLOT_PART_MAGIC, this.party, this.binding, where);
    const id = r.u64('slot id');
    if (id !== this.slotId) throw new MalformedInputError(`${where}: holds slot ${id}, expected ${this.slotId}`);
    const layer = r.u32('layer');
    const index = r.u32('part index');
    const count = r.u32('part count');
    if (layer !== k || index !== i || index >= count) throw new MalformedInputError(`${where}: part ${index} of ${count} of layer ${layer}, expected part ${i} of layer ${k}`);
    const data = r.bytes('state');
    r.end();
    return { data, count };
  }

  /** Throws unless every record was read. */
  end(): void {
    if (this.next !== this.records.count) throw new MalformedInputError(`${this.context}: ${this.records.count - this.next} records after the last part`);
  }
}

/** Reads part 0 of layer `k` (which gives the part count); `part(i)` reads the others in order. */
async function layerParts(parts: PartReader, k: number): Promise<{ count: number; first: Uint8Array; part: (i: number) => Promise<Uint8Array> }> {
  const first = await parts.read(k, 0);
  return {
    count: first.count,
    first: first.data,
    part: async (i: number) => {
      if (i === 0) return first.data;
      const p = await parts.read(k, i);
      if (p.count !== first.count) throw new MalformedInputError(`layer ${k}: part ${i} says ${p.count} parts, part 0 said ${first.count}`);
      return p.data;
    },
  };
}

/**
 * The client's slot as records, made one at a time (§9.14.3): the head (r_in, per-layer material
 * except the activation backends' state, ⟨last⟩_C), then the activation state parts. Spec: §9.14.3
 */
export function* encodeClientSlot(pre: ClientPreprocessed, binding: SlotBinding, slotId: number): Generator<Uint8Array> {
  const w = header(SLOT_MAGIC, 'client', binding).u64(slotId).field(pre.inputMask).u32(pre.layers.length);
  for (const m of pre.layers) {
    w.u8(KIND[m.kind]);
    if (m.kind === 'activation') w.field(m.mask);
    else if (m.kind === 'quadratic') w.field(m.inputShare).field(m.pairs.a).field(m.pairs.aSquared).field(m.mask);
  }
  yield seal(w.field(pre.outputShare).finish());
  yield* partRecords('client', binding, slotId, pre.layers);
}

/**
 * Reads {@link encodeClientSlot}'s records for `architecture`, one at a time (activation state
 * parked in `restore.spill` where the backend reads parts); typed errors name `context`; the
 * records are closed in the end. Spec: §9.14.3
 */
export async function decodeClientSlot(records: SlotRecords, architecture: Architecture, binding: SlotBinding, slotId: number, context: string, restore: RestoreContext = {}): Promise<ClientPreprocessed> {
  try {
    if (records.count < 1) throw new MalformedInputError(`${context}: truncated (no records)`);
    const { r } = openRecord(await records.read(0), SLOT_MAGIC, 'client', binding, context);
    const id = r.u64('slot id');
    if (id !== slotId) throw new MalformedInputError(`${context}: holds slot ${id}, expected ${slotId}`);
    const inputMask = r.field('input mask', shapeSize(architecture.inputShape));
    const count = r.u32('layer count');
    if (count !== architecture.layers.length) throw new MalformedInputError(`${context}: ${count} layers, the architecture has ${architecture.layers.length}`);
    const masks: (Float64Array | undefined)[] = [];
    const layers: (ClientLayerMaterial | undefined)[] = architecture.layers.map((layer, k) => {
      const kind = r.u8('layer kind');
      const n = shapeSize(layer.shape);
      const isAct = layer.op === 'relu' || layer.op === 'relu6';
      if (kind === KIND.activation && isAct) {
        masks[k] = r.field('activation mask', n);
        return undefined; // its state follows in part records
      }
      if (kind === KIND.quadratic && layer.op === 'quadratic') {
        const m = shapeSize(architecture.layers[layer.inputs[0]]?.shape ?? architecture.inputShape);
        return { kind: 'quadratic', inputShare: r.field('quadratic input share', m), pairs: { a: r.field('a', n), aSquared: r.field('a²', n) }, mask: r.field('mask', n) };
      }
      if (kind === KIND.local && !isAct && layer.op !== 'quadratic') return { kind: 'local' };
      throw new MalformedInputError(`${context}: layer ${k} holds material of kind ${kind}, which does not fit its op ${layer.op}`);
    });
    const last = architecture.layers[architecture.layers.length - 1];
    const outputShare = r.field('output share', shapeSize(last.shape));
    r.end();
    const parts = new PartReader(records, 'client', binding, slotId, context);
    const backend = binding.backend.activations;
    for (let k = 0; k < layers.length; k++) {
      const mask = masks[k];
      if (mask === undefined) continue;
      const info = activationInfo(k, architecture.layers[k], architecture.fractionalBits);
      const p = await layerParts(parts, k);
      let state: ActivationClientLayer;
      if (backend.decodeClientLayerParts) state = await backend.decodeClientLayerParts(info, p.count, p.part, restore);
      else if (p.count === 1) state = backend.decodeClientLayer(info, p.first);
      else throw new MalformedInputError(`${context}: layer ${k}'s state has ${p.count} parts; backend ${backend.id} reads one`);
      layers[k] = { kind: 'activation', mask, backend: state };
    }
    parts.end();
    return { party: 'client', architecture, inputMask, layers: layers as ClientLayerMaterial[], outputShare, cost: STORED_COST };
  } finally {
    records.close();
  }
}

/** The server's slot as records: the head (per-layer σ, masks, square pairs), then the activation state parts. Spec: §9.14.3 */
export function* encodeServerSlot(pre: ServerPreprocessed, binding: SlotBinding, slotId: number): Generator<Uint8Array> {
  const w = header(SLOT_MAGIC, 'server', binding).u64(slotId).u32(pre.layers.length);
  for (const m of pre.layers) {
    w.u8(KIND[m.kind]);
    if (m.kind === 'weighted') w.field(m.sigma);
    else if (m.kind === 'activation') w.field(m.mask);
    else if (m.kind === 'quadratic') w.field(m.pairs.a).field(m.pairs.aSquared);
  }
  yield seal(w.finish());
  yield* partRecords('server', binding, slotId, pre.layers);
}

/** Reads {@link encodeServerSlot}'s records, one at a time; the records are closed in the end. Spec: §9.14.3 */
export async function decodeServerSlot(records: SlotRecords, architecture: Architecture, binding: SlotBinding, slotId: number, context: string): Promise<ServerPreprocessed> {
  try {
    if (records.count < 1) throw new MalformedInputError(`${context}: truncated (no records)`);
    const { r } = openRecord(await records.read(0), SLOT_MAGIC, 'server', binding, context);
    const id = r.u64('slot id');
    if (id !== slotId) throw new MalformedInputError(`${context}: holds slot ${id}, expected ${slotId}`);
    const count = r.u32('layer count');
    if (count !== architecture.layers.length) throw new MalformedInputError(`${context}: ${count} layers, the architecture has ${architecture.layers.length}`);
    const masks: (Float64Array | undefined)[] = [];
    const layers: (ServerLayerMaterial | undefined)[] = architecture.layers.map((layer, k) => {
      const kind = r.u8('layer kind');
      const n = shapeSize(layer.shape);
      const op = layer.op;
      if (kind === KIND.weighted && (op === 'conv2d' || op === 'dense' || op === 'scale')) return { kind: 'weighted', sigma: r.field('σ', n) };
      if (kind === KIND.activation && (op === 'relu' || op === 'relu6')) {
        masks[k] = r.field('activation mask', n);
        return undefined;
      }
      if (kind === KIND.quadratic && op === 'quadratic') return { kind: 'quadratic', pairs: { a: r.field('a', n), aSquared: r.field('a²', n) } };
      if (kind === KIND.local && (op === 'sumPool2d' || op === 'flatten' || op === 'add')) return { kind: 'local' };
      throw new MalformedInputError(`${context}: layer ${k} holds material of kind ${kind}, which does not fit its op ${op}`);
    });
    r.end();
    const parts = new PartReader(records, 'server', binding, slotId, context);
    for (let k = 0; k < layers.length; k++) {
      const mask = masks[k];
      if (mask === undefined) continue;
      const p = await parts.read(k, 0);
      if (p.count !== 1) throw new MalformedInputError(`${context}: layer ${k}'s server state has ${p.count} parts, expected 1`);
      const info = activationInfo(k, architecture.layers[k], architecture.fractionalBits);
      layers[k] = { kind: 'activation', mask, backend: binding.backend.activations.decodeServerLayer(info, p.data, mask) };
    }
    parts.end();
    return { party: 'server', layers: layers as ServerLayerMaterial[], cost: STORED_COST };
  } finally {
    records.close();
  }
}

/** A session record: what a party needs to resume a session without its setup. Spec: §9.14.3 */
export interface SessionRecord {
  readonly sessionId: string;
  readonly fingerprint: string;
  /** The encoded public architecture (§9.3); the client needs it to decode its slots. */
  readonly architecture: Uint8Array;
  /** Creation time, milliseconds since 1970 (expiry). */
  readonly createdMs: number;
  /** The next slot id the server hands out. */
  readonly nextSlot: number;
  /** Address of the server (client records; informative). */
  readonly server: string;
}

/** Encodes a session record of `party`. Spec: §9.14.3 */
export function encodeSessionRecord(party: 'client' | 'server', record: SessionRecord, backend: ProtocolBackend): Uint8Array {
  const w = header(SESSION_MAGIC, party, { sessionId: record.sessionId, fingerprint: record.fingerprint, backend });
  return seal(w.bytes(record.architecture).u64(record.createdMs).u64(record.nextSlot).string(record.server).finish());
}

/** Reads {@link encodeSessionRecord}; with `backend`, checks the backend ids. Spec: §9.14.3 */
export function decodeSessionRecord(bytes: Uint8Array, party: 'client' | 'server', backend: ProtocolBackend, context: string, expected?: { sessionId?: string; fingerprint?: string }): SessionRecord {
  const { r, sessionId, fingerprint, ids } = openRecord(bytes, SESSION_MAGIC, party, undefined, context);
  checkBackendIds(ids, backend, context);
  if (expected?.sessionId !== undefined && expected.sessionId !== sessionId) throw new ProtocolError(`${context}: belongs to session ${sessionId}, not ${expected.sessionId}`);
  if (expected?.fingerprint !== undefined && expected.fingerprint !== fingerprint) {
    throw new ProtocolError(`${context}: made for another model (fingerprint ${fingerprint.slice(0, 16)}…, this one is ${expected.fingerprint.slice(0, 16)}…)`);
  }
  const architecture = r.bytes('architecture');
  const createdMs = r.u64('creation time');
  const nextSlot = r.u64('next slot');
  const server = r.string('server');
  r.end();
  return { sessionId, fingerprint, architecture, createdMs, nextSlot, server };
}
