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
import type { ProtocolBackend } from './backend.js';
import { backendIds } from './backend.js';
import { activationInfo, type ClientLayerMaterial, type ClientPreprocessed, type ServerLayerMaterial, type ServerPreprocessed } from './preprocess.js';
import type { PhaseCost } from './accounting.js';
import { SlotReader, SlotWriter } from './slot-bytes.js';

/** Magic of a stored slot ("DSLT") and of a session record ("DSES"). Spec: §9.14.3 */
export const SLOT_MAGIC = 'DSLT';
export const SESSION_MAGIC = 'DSES';
/** Format version written; a reader refuses a newer one. Spec: §9.14.3 */
export const SLOT_FORMAT_VERSION = 1;
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
function header(magic: string, party: 'client' | 'server', binding: SlotBinding): SlotWriter {
  const ids = backendIds(binding.backend);
  const w = new SlotWriter();
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
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw new MalformedInputError(`${context}: not a delphi-ts ${magic === SLOT_MAGIC ? 'slot' : 'session'} file`);
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

/** The client's slot: r_in, per-layer material, ⟨last⟩_C. Spec: §9.14.3 */
export function encodeClientSlot(pre: ClientPreprocessed, binding: SlotBinding, slotId: number): Uint8Array {
  const w = header(SLOT_MAGIC, 'client', binding).u64(slotId).field(pre.inputMask).u32(pre.layers.length);
  for (const m of pre.layers) {
    w.u8(KIND[m.kind]);
    if (m.kind === 'activation') w.field(m.mask).bytes(m.backend.encode());
    else if (m.kind === 'quadratic') w.field(m.inputShare).field(m.pairs.a).field(m.pairs.aSquared).field(m.mask);
  }
  return seal(w.field(pre.outputShare).finish());
}

/** Reads {@link encodeClientSlot} for `architecture`; typed errors name `context`. Spec: §9.14.3 */
export function decodeClientSlot(bytes: Uint8Array, architecture: Architecture, binding: SlotBinding, slotId: number, context: string): ClientPreprocessed {
  const { r } = openRecord(bytes, SLOT_MAGIC, 'client', binding, context);
  const id = r.u64('slot id');
  if (id !== slotId) throw new MalformedInputError(`${context}: holds slot ${id}, expected ${slotId}`);
  const inputMask = r.field('input mask', shapeSize(architecture.inputShape));
  const count = r.u32('layer count');
  if (count !== architecture.layers.length) throw new MalformedInputError(`${context}: ${count} layers, the architecture has ${architecture.layers.length}`);
  const layers: ClientLayerMaterial[] = architecture.layers.map((layer, k) => {
    const kind = r.u8('layer kind');
    const n = shapeSize(layer.shape);
    const isAct = layer.op === 'relu' || layer.op === 'relu6';
    if (kind === KIND.activation && isAct) {
      const mask = r.field('activation mask', n);
      const info = activationInfo(k, layer, architecture.fractionalBits);
      return { kind: 'activation', mask, backend: binding.backend.activations.decodeClientLayer(info, r.bytes('activation state')) };
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
  return { party: 'client', architecture, inputMask, layers, outputShare, cost: STORED_COST };
}

/** The server's slot: per-layer σ, masks, activation state, square pairs. Spec: §9.14.3 */
export function encodeServerSlot(pre: ServerPreprocessed, binding: SlotBinding, slotId: number): Uint8Array {
  const w = header(SLOT_MAGIC, 'server', binding).u64(slotId).u32(pre.layers.length);
  for (const m of pre.layers) {
    w.u8(KIND[m.kind]);
    if (m.kind === 'weighted') w.field(m.sigma);
    else if (m.kind === 'activation') w.field(m.mask).bytes(m.backend.encode());
    else if (m.kind === 'quadratic') w.field(m.pairs.a).field(m.pairs.aSquared);
  }
  return seal(w.finish());
}

/** Reads {@link encodeServerSlot}. Spec: §9.14.3 */
export function decodeServerSlot(bytes: Uint8Array, architecture: Architecture, binding: SlotBinding, slotId: number, context: string): ServerPreprocessed {
  const { r } = openRecord(bytes, SLOT_MAGIC, 'server', binding, context);
  const id = r.u64('slot id');
  if (id !== slotId) throw new MalformedInputError(`${context}: holds slot ${id}, expected ${slotId}`);
  const count = r.u32('layer count');
  if (count !== architecture.layers.length) throw new MalformedInputError(`${context}: ${count} layers, the architecture has ${architecture.layers.length}`);
  const layers: ServerLayerMaterial[] = architecture.layers.map((layer, k) => {
    const kind = r.u8('layer kind');
    const n = shapeSize(layer.shape);
    const op = layer.op;
    if (kind === KIND.weighted && (op === 'conv2d' || op === 'dense' || op === 'scale')) return { kind: 'weighted', sigma: r.field('σ', n) };
    if (kind === KIND.activation && (op === 'relu' || op === 'relu6')) {
      const mask = r.field('activation mask', n);
      const info = activationInfo(k, layer, architecture.fractionalBits);
      return { kind: 'activation', mask, backend: binding.backend.activations.decodeServerLayer(info, r.bytes('activation state'), mask) };
    }
    if (kind === KIND.quadratic && op === 'quadratic') return { kind: 'quadratic', pairs: { a: r.field('a', n), aSquared: r.field('a²', n) } };
    if (kind === KIND.local && (op === 'sumPool2d' || op === 'flatten' || op === 'add')) return { kind: 'local' };
    throw new MalformedInputError(`${context}: layer ${k} holds material of kind ${kind}, which does not fit its op ${op}`);
  });
  r.end();
  return { party: 'server', layers, cost: STORED_COST };
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
