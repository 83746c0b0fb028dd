/**
 * The client of a Delphi service connection (§9.14): {@link ServiceClient.open} runs the setup once,
 * {@link ServiceClient.preprocess} makes one-time slots ahead of the input, {@link ServiceClient.infer}
 * spends one slot on the online phase; {@link ServiceClient.resume} comes back later, on a new
 * connection, to a session whose slots are in a {@link SlotStore}, with no setup and no
 * preprocessing.
 *
 * Spec: §9.14
 * @module
 */
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import { systemRng } from '../random/rng.js';
import type { PhaseCost, ProtocolProgressCallback } from './accounting.js';
import { architectureFingerprint, decodeArchitecture, encodeArchitecture, type Architecture } from './architecture.js';
import { checkBackendSecurity, type ProtocolBackend, type RestoreContext } from './backend.js';
import { clientHandshake } from './client.js';
import { clientOnline, type ClientInput, type ClientOutput } from './online.js';
import { clientPreprocess, type ClientPreprocessed } from './preprocess.js';
import { CLIENT_SETUP_LIMIT_BYTES, declaresMessageBounds, phaseMessageLimits, SERVICE_MESSAGE_FLOOR_BYTES, stageLimit, type PhaseMessageLimits } from './limits.js';
import { decodeServiceMessage, encodeServiceMessage } from './service-messages.js';
import type { ClientOptions, ClientSession } from './session.js';
import { decodeClientSlot, decodeSessionRecord, encodeClientSlot, encodeSessionRecord, type SessionRecord, type SlotBinding } from './slot.js';
import type { SlotStore } from './slot-store.js';
import type { SpillStore } from './spill.js';
import type { TaskPool } from '../workers/tasks.js';

/** Thrown by {@link ServiceClient.infer} when no preprocessed slot is left. Spec: §9.14.2 */
export class NoSlotLeftError extends ProtocolError {}

/** Options of {@link ServiceClient.open}. Spec: §9.14 */
export interface ServiceClientOptions extends ClientOptions {
  /** Where the client's session and slots persist; without it slots live as long as the object. */
  readonly store?: SlotStore;
  /** Recorded in the session record (informative), e.g. "host:port". */
  readonly server?: string;
}

/** Options of {@link ServiceClient.resume}. Spec: §9.14 */
export interface ServiceResumeOptions {
  readonly backend: ProtocolBackend;
  readonly store: SlotStore;
  /** The stored session to resume. */
  readonly sessionId: string;
  readonly allowInsecure?: boolean;
  readonly onProgress?: ProtocolProgressCallback;
  /** Where a restored slot parks its large material (garbled tables) until the online phase; default memory. */
  readonly spill?: SpillStore;
  /** Threads for the online phase's heavy loops; default this thread. */
  readonly pool?: TaskPool;
}

/** One inference of {@link ServiceClient.infer}: the output and the slot it spent. */
export interface ServiceInference extends ClientOutput {
  readonly slot: number;
}

function restoreContext(options: { readonly spill?: SpillStore; readonly pool?: TaskPool }): RestoreContext {
  return { ...(options.spill !== undefined ? { spill: options.spill } : {}), ...(options.pool !== undefined ? { pool: options.pool } : {}) };
}

/** The client end of a service connection. Spec: §9.14 */
export class ServiceClient {
  readonly #channel: Channel;
  readonly #binding: SlotBinding;
  readonly #store: SlotStore | undefined;
  readonly #memory = new Map<number, ClientPreprocessed>();
  readonly #live: ClientSession | null;
  readonly #onProgress: ProtocolProgressCallback | undefined;
  readonly #sizes: PhaseMessageLimits | null;
  readonly #restore: RestoreContext;
  #closed = false;

  /** The public architecture the server announced. */
  readonly architecture: Architecture;
  /** The session id the server assigned. */
  readonly sessionId: string;
  /** The setup's cost (null for a resumed session: it ran no setup). */
  readonly setup: PhaseCost | null;

  private constructor(
    channel: Channel,
    architecture: Architecture,
    binding: SlotBinding,
    store: SlotStore | undefined,
    live: ClientSession | null,
    onProgress: ProtocolProgressCallback | undefined,
    restore: RestoreContext,
  ) {
    this.#restore = restore;
    this.#channel = channel;
    this.architecture = architecture;
    this.#binding = binding;
    this.sessionId = binding.sessionId;
    this.#store = store;
    this.#live = live;
    this.setup = live?.setup ?? null;
    this.#onProgress = onProgress;
    this.#sizes = phaseMessageLimits(architecture, binding.backend, 'client');
    stageLimit(channel, this.#sizes?.request);
  }

  /** The architecture fingerprint (§9.3). */
  get fingerprint(): string {
    return this.#binding.fingerprint;
  }

  /**
   * Opens a new session: OPEN, ACCEPTED, the §9.5 handshake and setup, SESSION. With a store, the session
   * record (architecture, fingerprint, backends) is saved for {@link resume}. Spec: §9.14.1
   */
  static async open(channel: Channel, options: ServiceClientOptions): Promise<ServiceClient> {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('ServiceClient.open: options with a backend are required');
    checkBackendSecurity(options.backend, options.allowInsecure, 'client');
    const rng = options.rng ?? systemRng();
    // Staged receive limits (§9.14.5): replies, then setup (the architecture is not known yet), then per phase.
    const staged = declaresMessageBounds(options.backend);
    if (staged) stageLimit(channel, SERVICE_MESSAGE_FLOOR_BYTES);
    channel.send(encodeServiceMessage({ type: 'OPEN' }));
    const accepted = decodeServiceMessage(await channel.recv(), ['ACCEPTED', 'REFUSED'], 'service: OPEN');
    if (accepted.type === 'REFUSED') throw new ProtocolError(`the server refused a new session: ${accepted.reason}`);
    if (staged) stageLimit(channel, CLIENT_SETUP_LIMIT_BYTES);
    const live = await clientHandshake(channel, { ...options, rng });
    if (staged) stageLimit(channel, SERVICE_MESSAGE_FLOOR_BYTES);
    const reply = decodeServiceMessage(await channel.recv(), ['SESSION', 'REFUSED'], 'service: OPEN');
    if (reply.type === 'REFUSED') throw new ProtocolError(`the server refused a new session: ${reply.reason}`);
    if (options.store && !reply.persistent) {
      channel.send(encodeServiceMessage({ type: 'BYE' }));
      throw new ProtocolError('the server keeps no slots beyond this connection, so stored slots could never be used: start it with "delphi serve --state-dir DIR"');
    }
    const binding = { sessionId: reply.sessionId, fingerprint: live.fingerprint, backend: options.backend };
    const record: SessionRecord = {
      sessionId: reply.sessionId,
      fingerprint: live.fingerprint,
      architecture: encodeArchitecture(live.architecture),
      createdMs: Date.now(),
      nextSlot: 0,
      server: options.server ?? '',
    };
    await options.store?.putSession(reply.sessionId, encodeSessionRecord('client', record, options.backend));
    return new ServiceClient(channel, live.architecture, binding, options.store, live, options.onProgress, restoreContext(options));
  }

  /**
   * Resumes a stored session on a new connection: RESUME(session id), SESSION; no setup. Only
   * {@link infer} is possible (preprocessing needs the setup's keys). Spec: §9.14.1
   */
  static async resume(channel: Channel, options: ServiceResumeOptions): Promise<ServiceClient> {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('ServiceClient.resume: options are required');
    checkBackendSecurity(options.backend, options.allowInsecure, 'client');
    const { store, sessionId, backend } = options;
    const bytes = await store.getSession(sessionId);
    if (bytes === undefined) throw new NoSlotLeftError(`${store.describe(sessionId)}: no such session; run "delphi preprocess" first`);
    const record = decodeSessionRecord(bytes, 'client', backend, store.describe(sessionId), { sessionId });
    const architecture = decodeArchitecture(record.architecture);
    if (architectureFingerprint(architecture) !== record.fingerprint) throw new ProtocolError(`${store.describe(sessionId)}: the stored architecture does not match its fingerprint`);
    if (declaresMessageBounds(backend)) stageLimit(channel, SERVICE_MESSAGE_FLOOR_BYTES);
    channel.send(encodeServiceMessage({ type: 'RESUME', sessionId }));
    const reply = decodeServiceMessage(await channel.recv(), ['SESSION', 'REFUSED'], 'service: RESUME');
    if (reply.type === 'REFUSED') throw new ProtocolError(`the server refused to resume session ${sessionId}: ${reply.reason}`);
    if (reply.sessionId !== sessionId) throw new ProtocolError(`the server resumed session ${reply.sessionId}, not ${sessionId}`);
    return new ServiceClient(channel, architecture, { sessionId, fingerprint: record.fingerprint, backend }, store, null, options.onProgress, restoreContext(options));
  }

  /** Unused slots of this session (stored or in memory), ascending. Spec: §9.14.2 */
  async slots(): Promise<number[]> {
    return this.#store ? this.#store.slots(this.sessionId) : [...this.#memory.keys()].sort((a, b) => a - b);
  }

  /**
   * Preprocesses `count` slots: PREPROCESS(count), SLOTS(first, count), then one preprocessing
   * phase (§9.7) per slot, each saved to the store as soon as it is made. Spec: §9.14.1
   */
  async preprocess(count: number, options: { onProgress?: ProtocolProgressCallback } = {}): Promise<{ slots: number[]; costs: PhaseCost[] }> {
    this.#checkOpen();
    if (!Number.isSafeInteger(count) || count < 1 || count > 0xffffffff) throw new InvalidArgumentError(`preprocess: count must be a positive integer, got ${count}`);
    const live = this.#live;
    if (live === null) throw new ProtocolError('a resumed session cannot preprocess (its setup ran on another connection): open a new session');
    this.#channel.send(encodeServiceMessage({ type: 'PREPROCESS', count }));
    const reply = decodeServiceMessage(await this.#channel.recv(), ['SLOTS', 'REFUSED'], 'service: PREPROCESS');
    if (reply.type === 'REFUSED') throw new ProtocolError(`the server refused to preprocess: ${reply.reason}`);
    if (reply.count !== count) throw new ProtocolError(`the server announced ${reply.count} slots, ${count} were asked for`);
    const slots: number[] = [];
    const costs: PhaseCost[] = [];
    stageLimit(this.#channel, this.#sizes?.preprocessing);
    for (let slot = reply.first; slot < reply.first + count; slot++) {
      const pre = await clientPreprocess(live, { onProgress: options.onProgress ?? this.#onProgress });
      if (this.#store) {
        await this.#store.putSlot(this.sessionId, slot, encodeClientSlot(pre, this.#binding, slot));
        for (const m of pre.layers) if (m.kind === 'activation') m.backend.dispose?.();
      } else this.#memory.set(slot, pre);
      slots.push(slot);
      costs.push(pre.cost);
    }
    stageLimit(this.#channel, this.#sizes?.request);
    return { slots, costs };
  }

  /**
   * Runs the online phase on `input` with the oldest unused slot: the slot is consumed (durably,
   * in the store) BEFORE ONLINE is sent, so it can never serve twice; then READY and the online
   * phase (§9.8). With no slot left: {@link NoSlotLeftError}. Spec: §9.14.2
   */
  async infer(input: ClientInput, options: { onProgress?: ProtocolProgressCallback } = {}): Promise<ServiceInference> {
    this.#checkOpen();
    const [slot, pre] = await this.#takeSlot();
    this.#channel.send(encodeServiceMessage({ type: 'ONLINE', slot }));
    const reply = decodeServiceMessage(await this.#channel.recv(), ['READY', 'REFUSED'], 'service: ONLINE');
    if (reply.type === 'REFUSED') throw new ProtocolError(`the server refused slot ${slot}: ${reply.reason}`);
    if (reply.slot !== slot) throw new ProtocolError(`the server readied slot ${reply.slot}, not ${slot}`);
    const onProgress = options.onProgress ?? this.#onProgress;
    stageLimit(this.#channel, this.#sizes?.online);
    const out = await clientOnline({ channel: this.#channel, architecture: this.architecture, ...(onProgress ? { onProgress } : {}) }, pre, input);
    stageLimit(this.#channel, this.#sizes?.request);
    return { ...out, slot };
  }

  /** Says BYE (the server ends the connection's loop). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#channel.send(encodeServiceMessage({ type: 'BYE' }));
    } catch {
      // The channel is closed already.
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new InvalidArgumentError('the service client was closed');
  }

  async #takeSlot(): Promise<[number, ClientPreprocessed]> {
    const store = this.#store;
    if (!store) {
      const slot = [...this.#memory.keys()].sort((a, b) => a - b)[0];
      if (slot === undefined) throw new NoSlotLeftError('no preprocessed slot left: run preprocess first ("delphi preprocess")');
      const pre = this.#memory.get(slot)!;
      this.#memory.delete(slot);
      return [slot, pre];
    }
    for (const slot of await store.slots(this.sessionId)) {
      const taken = await store.takeSlot(this.sessionId, slot);
      if (taken.status !== 'ok') continue; // another process took it first
      return [slot, await decodeClientSlot(taken.records, this.architecture, this.#binding, slot, store.describe(this.sessionId, slot), this.#restore)];
    }
    throw new NoSlotLeftError(`no preprocessed slot left in ${store.describe(this.sessionId)}: run "delphi preprocess" first`);
  }
}
