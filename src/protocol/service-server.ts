/**
 * The server of a Delphi service connection (§9.14): one setup per session, then any number of
 * PREPROCESS and ONLINE requests over the same channel. Preprocessed material is kept per session
 * as one-time slots — in memory, or in a {@link SlotStore} that outlives the process, so that a
 * client can come back later (even after a restart) and run the online phase alone.
 *
 * Spec: §9.14
 * @module
 */
import { DelphiError, InvalidArgumentError, TransportError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import type { FixedPointModel } from '../nn/fixed-model.js';
import { bytesToHex } from '../math/bytes.js';
import { systemRng } from '../random/rng.js';
import type { PhaseCost } from './accounting.js';
import { architectureFingerprint, encodeArchitecture, publicArchitecture, type Architecture } from './architecture.js';
import { serverOnline } from './online.js';
import { serverPreprocess, type ServerPreprocessed } from './preprocess.js';
import { serverHandshake } from './serve-inference.js';
import { phaseMessageLimits, stageLimit, type PhaseMessageLimits } from './limits.js';
import { decodeServiceMessage, encodeServiceMessage } from './service-messages.js';
import type { ServerOptions, ServerSession } from './session.js';
import { decodeServerSlot, decodeSessionRecord, encodeServerSlot, encodeSessionRecord, type SessionRecord } from './slot.js';
import type { SlotStore, TakenSlot } from './slot-store.js';

/** Bounds on what clients can make the server keep. Spec: §9.14.4 */
export interface ServiceLimits {
  /** Unused slots per session (default 16). */
  readonly maxSlotsPerSession: number;
  /** Sessions kept in the store (default 64). */
  readonly maxSessions: number;
  /** Bytes the store may hold (default 4 GiB). */
  readonly maxStoreBytes: number;
  /** A session older than this is dropped (default 7 days). */
  readonly sessionTtlMs: number;
}

/** Defaults of {@link ServiceLimits}. Spec: §9.14.4 */
export const DEFAULT_SERVICE_LIMITS: ServiceLimits = Object.freeze({
  maxSlotsPerSession: 16,
  maxSessions: 64,
  maxStoreBytes: 4 * 2 ** 30,
  sessionTtlMs: 7 * 24 * 3600 * 1000,
});

/** Options of {@link serveConnection}. Spec: §9.14 */
export interface ServiceServerOptions extends ServerOptions {
  /** Where sessions and slots persist; without it they live as long as the connection. */
  readonly store?: SlotStore;
  readonly limits?: Partial<ServiceLimits>;
  /** Clock for expiry (default Date.now). */
  readonly now?: () => number;
  /** Told of each phase served (for logs). */
  readonly onPhase?: (event: { sessionId: string; slot: number; cost: PhaseCost }) => void;
  /** Told of each refused request. */
  readonly onRefused?: (reason: string) => void;
  /**
   * Deadline for the first request (OPEN or RESUME) after the connection is handed over (default
   * 10 s; 0: none): a peer that passed the transport handshake and then stays silent is dropped
   * instead of holding a slot. Spec: §9.14.5
   */
  readonly firstRequestTimeoutMs?: number;
  /**
   * Deadline for each later request, between phases (default 300 s; 0: none). Heartbeats keep the
   * transport alive but do not count as requests. Spec: §9.14.5
   */
  readonly requestIdleTimeoutMs?: number;
}

/** Defaults of the request deadlines of {@link ServiceServerOptions}. Spec: §9.14.5 */
export const DEFAULT_REQUEST_DEADLINES = Object.freeze({ firstRequestTimeoutMs: 10_000, requestIdleTimeoutMs: 300_000 });

/**
 * Receives the next request within `ms` (0: no deadline); past it, closes the channel with the
 * reason and throws {@link TransportError}. Spec: §9.14.5
 */
async function recvRequest(channel: Channel, ms: number, what: string): Promise<Uint8Array> {
  if (ms === 0) return channel.recv();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = `no ${what} within ${ms / 1000} s`;
      reject(new TransportError(`service: ${reason}; connection dropped`));
      channel.close(reason);
    }, ms);
  });
  try {
    return await Promise.race([channel.recv(), late]);
  } finally {
    clearTimeout(timer);
  }
}

function checkDeadline(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0 || v > 2 ** 31 - 1) throw new InvalidArgumentError(`serveConnection: ${name} must be an integer number of ms in [0, 2^31 − 1], got ${v}`);
  return v;
}

/** What one connection did. Spec: §9.14 */
export interface ServiceConnectionReport {
  readonly sessionId: string | null;
  /** setup (if the session was opened here), then preprocessing and online phases in order. */
  readonly phases: readonly PhaseCost[];
  readonly refused: readonly string[];
}

/** A refusal: sent as REFUSED, logged (with `detail`, e.g. a file name the client must not see), and the connection goes on. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Session ids are 128 random bits in hex. */
const SESSION_ID = /^[0-9a-f]{32}$/;

/**
 * Drops expired sessions; returns the sessions that remain. A session record that cannot be read
 * is dropped too (it could never be resumed). Spec: §9.14.3
 */
export async function sweepSessions(store: SlotStore, options: Pick<ServiceServerOptions, 'backend' | 'now'> & { ttlMs: number }): Promise<string[]> {
  const now = (options.now ?? Date.now)();
  const kept: string[] = [];
  for (const id of await store.sessions()) {
    const bytes = await store.getSession(id);
    let alive = false;
    try {
      alive = bytes !== undefined && now - decodeSessionRecord(bytes, 'server', options.backend, store.describe(id)).createdMs <= options.ttlMs;
    } catch {
      alive = false;
    }
    if (alive) kept.push(id);
    else await store.dropSession(id);
  }
  return kept;
}

/** Per-connection state of the session being served. */
interface Served {
  record: SessionRecord;
  /** The live setup, when the session was opened on this connection (needed to preprocess). */
  readonly live: ServerSession | null;
  /** Slots kept in memory when there is no store. */
  readonly memory: Map<number, ServerPreprocessed>;
  readonly used: Set<number>;
}

/**
 * Serves one connection: OPEN (handshake and setup, §9.5) or RESUME (a stored session), then
 * PREPROCESS, ONLINE and BYE requests until BYE or the channel closes. A refused request (limits,
 * an unknown or used slot, a damaged record) gets REFUSED and the loop goes on. Spec: §9.14.1
 */
export async function serveConnection(channel: Channel, model: FixedPointModel, options: ServiceServerOptions): Promise<ServiceConnectionReport> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('serveConnection: options with a backend are required');
  const limits = { ...DEFAULT_SERVICE_LIMITS, ...options.limits };
  const firstMs = checkDeadline(options.firstRequestTimeoutMs, DEFAULT_REQUEST_DEADLINES.firstRequestTimeoutMs, 'firstRequestTimeoutMs');
  const idleMs = checkDeadline(options.requestIdleTimeoutMs, DEFAULT_REQUEST_DEADLINES.requestIdleTimeoutMs, 'requestIdleTimeoutMs');
  const architecture = publicArchitecture(model);
  // Per-phase receive limits (§9.14.5): each is set before the reply that lets the client start the phase.
  const sizes = phaseMessageLimits(architecture, options.backend, 'server');
  stageLimit(channel, sizes?.request);
  const fingerprint = architectureFingerprint(architecture);
  const phases: PhaseCost[] = [];
  const refused: string[] = [];
  const refuse = (e: Refusal): void => {
    refused.push(e.message);
    options.onRefused?.(e.detail === undefined ? e.message : `${e.message} [${e.detail}]`);
    channel.send(encodeServiceMessage({ type: 'REFUSED', reason: e.message }));
  };
  let served: Served | null = null;
  try {
    served = await openSession(channel, model, architecture, fingerprint, limits, options, phases, sizes, firstMs);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    refuse(e);
    return { sessionId: null, phases, refused };
  }
  for (;;) {
    stageLimit(channel, sizes?.request);
    const req = decodeServiceMessage(await recvRequest(channel, idleMs, 'request'), ['PREPROCESS', 'ONLINE', 'BYE'], 'service request');
    if (req.type === 'BYE') break;
    try {
      if (req.type === 'PREPROCESS') await servePreprocess(channel, served, req.count, limits, options, phases, sizes);
      else await serveOnlineSlot(channel, served, req.slot, model, architecture, options, phases, sizes);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      stageLimit(channel, sizes?.request);
      refuse(e);
    }
  }
  return { sessionId: served.record.sessionId, phases, refused };
}

async function openSession(
  channel: Channel,
  model: FixedPointModel,
  architecture: Architecture,
  fingerprint: string,
  limits: ServiceLimits,
  options: ServiceServerOptions,
  phases: PhaseCost[],
  sizes: PhaseMessageLimits | null,
  firstMs: number,
): Promise<Served> {
  const first = decodeServiceMessage(await recvRequest(channel, firstMs, 'first request (OPEN or RESUME)'), ['OPEN', 'RESUME'], 'service: first request');
  const { store } = options;
  if (first.type === 'RESUME') {
    if (!store) throw new Refusal('this server keeps no sessions between connections (it runs without a state directory: "delphi serve --state-dir DIR")');
    if (!SESSION_ID.test(first.sessionId)) throw new Refusal(`unknown session ${first.sessionId.slice(0, 64)}: run "delphi preprocess" for a new one`);
    const bytes = await store.getSession(first.sessionId);
    if (bytes === undefined) throw new Refusal(`unknown or expired session ${first.sessionId}: run "delphi preprocess" for a new one`);
    let record: SessionRecord;
    try {
      record = decodeSessionRecord(bytes, 'server', options.backend, `the server's session record`, { sessionId: first.sessionId, fingerprint });
    } catch (e) {
      throw new Refusal(`session ${first.sessionId} cannot be resumed here: ${(e as Error).message}`, store.describe(first.sessionId));
    }
    if ((options.now ?? Date.now)() - record.createdMs > limits.sessionTtlMs) {
      await store.dropSession(first.sessionId);
      throw new Refusal(`session ${first.sessionId} has expired: run "delphi preprocess" for a new one`);
    }
    channel.send(encodeServiceMessage({ type: 'SESSION', sessionId: record.sessionId, persistent: true }));
    return { record, live: null, memory: new Map(), used: new Set() };
  }
  if (store) {
    const sessions = await sweepSessions(store, { backend: options.backend, now: options.now, ttlMs: limits.sessionTtlMs });
    if (sessions.length >= limits.maxSessions) throw new Refusal(`the server keeps at most ${limits.maxSessions} sessions and is full; try again later`);
  }
  stageLimit(channel, sizes?.setup);
  channel.send(encodeServiceMessage({ type: 'ACCEPTED' }));
  const rng = options.rng ?? systemRng();
  const live = await serverHandshake(channel, model, { ...options, rng });
  stageLimit(channel, sizes?.request);
  phases.push(live.setup);
  const record: SessionRecord = {
    sessionId: bytesToHex(rng.fork('delphi-ts/protocol/service/session-id').bytes(16)),
    fingerprint,
    architecture: encodeArchitecture(architecture),
    createdMs: (options.now ?? Date.now)(),
    nextSlot: 0,
    server: '',
  };
  if (store && (await store.getSession(record.sessionId)) !== undefined) {
    // Only a seeded server restarted on the same store can draw an id twice; never reuse its slots.
    throw new Refusal(`session id ${record.sessionId} is already stored (a server seeded with --seed restarted on the same state?)`);
  }
  await store?.putSession(record.sessionId, encodeSessionRecord('server', record, options.backend));
  channel.send(encodeServiceMessage({ type: 'SESSION', sessionId: record.sessionId, persistent: store !== undefined }));
  return { record, live, memory: new Map(), used: new Set() };
}

async function servePreprocess(
  channel: Channel,
  served: Served,
  count: number,
  limits: ServiceLimits,
  options: ServiceServerOptions,
  phases: PhaseCost[],
  sizes: PhaseMessageLimits | null,
): Promise<void> {
  const { store } = options;
  const { live, record } = served;
  if (live === null) throw new Refusal('a resumed session cannot preprocess (its setup ran on another connection): run "delphi preprocess" for a new session');
  const unused = store ? (await store.slots(record.sessionId)).length : served.memory.size;
  if (count === 0 || unused + count > limits.maxSlotsPerSession) {
    throw new Refusal(`asked for ${count} slots; this session holds ${unused} and the server keeps at most ${limits.maxSlotsPerSession} per session`);
  }
  if (store && (await store.bytes()) >= limits.maxStoreBytes) throw new Refusal(`the server's slot storage is full (${limits.maxStoreBytes} bytes); try again later`);
  const first = record.nextSlot;
  // Slot ids are reserved (and persisted) before any is made: an id is never handed out twice.
  served.record = { ...record, nextSlot: first + count };
  await store?.putSession(record.sessionId, encodeSessionRecord('server', served.record, options.backend));
  stageLimit(channel, sizes?.preprocessing);
  channel.send(encodeServiceMessage({ type: 'SLOTS', first, count }));
  const binding = { sessionId: record.sessionId, fingerprint: record.fingerprint, backend: options.backend };
  for (let slot = first; slot < first + count; slot++) {
    const pre = await serverPreprocess(live);
    if (store) {
      await store.putSlot(record.sessionId, slot, encodeServerSlot(pre, binding, slot));
      for (const m of pre.layers) if (m.kind === 'activation') m.backend.dispose?.();
    } else served.memory.set(slot, pre);
    phases.push(pre.cost);
    options.onPhase?.({ sessionId: record.sessionId, slot, cost: pre.cost });
  }
}

/**
 * ONLINE(slot): consumes the slot (durably, in the store) BEFORE sending READY, so a crash after
 * this point burns it; an unknown or used slot is refused. Spec: §9.14.2
 */
async function serveOnlineSlot(
  channel: Channel,
  served: Served,
  slot: number,
  model: FixedPointModel,
  architecture: Architecture,
  options: ServiceServerOptions,
  phases: PhaseCost[],
  sizes: PhaseMessageLimits | null,
): Promise<void> {
  const { store } = options;
  const { sessionId } = served.record;
  let pre: ServerPreprocessed;
  if (store) {
    const damaged = (e: unknown) =>
      e instanceof DelphiError ? new Refusal(`the server's state for slot ${slot} is damaged (${e.message}); the slot is discarded`, store.describe(sessionId, slot)) : e;
    let taken: TakenSlot;
    try {
      taken = await store.takeSlot(sessionId, slot);
    } catch (e) {
      throw damaged(e);
    }
    if (taken.status !== 'ok') throw new Refusal(`slot ${slot} of session ${sessionId} ${taken.status === 'used' ? 'was already used (a slot serves one inference)' : 'is unknown'}`);
    try {
      pre = await decodeServerSlot(taken.records, architecture, { sessionId, fingerprint: served.record.fingerprint, backend: options.backend }, slot, `slot ${slot}`);
    } catch (e) {
      throw damaged(e);
    }
  } else {
    const m = served.memory.get(slot);
    if (m === undefined) throw new Refusal(`slot ${slot} of session ${sessionId} ${served.used.has(slot) ? 'was already used (a slot serves one inference)' : 'is unknown'}`);
    served.memory.delete(slot);
    served.used.add(slot);
    pre = m;
  }
  stageLimit(channel, sizes?.online);
  channel.send(encodeServiceMessage({ type: 'READY', slot }));
  const out = await serverOnline({ channel, architecture, model, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }, pre);
  phases.push(out.cost);
  options.onPhase?.({ sessionId, slot, cost: out.cost });
}

