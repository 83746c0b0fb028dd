/**
 * Where a party keeps its sessions and preprocessing slots between connections (§9.14.2): an
 * interface, so that the same service code runs in Node (a file store in the CLI) and in the
 * browser (memory, or IndexedDB behind the same interface), and {@link MemorySlotStore}.
 *
 * The one rule every store MUST keep: {@link SlotStore.takeSlot} marks the slot used durably (for a
 * file store: written and fsynced) before it returns its bytes, and never returns a slot twice —
 * also when two connections ask at once.
 *
 * Spec: §9.14.2
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** Result of {@link SlotStore.takeSlot}. Spec: §9.14.2 */
export type TakenSlot = { readonly status: 'ok'; readonly bytes: Uint8Array } | { readonly status: 'used' } | { readonly status: 'unknown' };

/** Storage of session records and slots, by session id and slot id. Spec: §9.14.2 */
export interface SlotStore {
  /** Writes (replaces) the session record. */
  putSession(sessionId: string, record: Uint8Array): Promise<void>;
  /** The session record, or undefined. */
  getSession(sessionId: string): Promise<Uint8Array | undefined>;
  /** Ids of the stored sessions. */
  sessions(): Promise<string[]>;
  /** Removes a session with its slots. */
  dropSession(sessionId: string): Promise<void>;
  /** Stores a fresh slot (a slot id is written once). */
  putSlot(sessionId: string, slot: number, bytes: Uint8Array): Promise<void>;
  /** Consumes a slot: durably marks it used, then returns its bytes (once). */
  takeSlot(sessionId: string, slot: number): Promise<TakenSlot>;
  /** Unused slot ids of a session, ascending. */
  slots(sessionId: string): Promise<number[]>;
  /** Bytes held by all sessions and slots. */
  bytes(): Promise<number>;
  /** How errors name a record: a file name for a file store. */
  describe(sessionId: string, slot?: number): string;
}

/** A {@link SlotStore} in memory (tests, browser, a server without a state directory). Spec: §9.14.2 */
export class MemorySlotStore implements SlotStore {
  readonly #sessions = new Map<string, Uint8Array>();
  readonly #slots = new Map<string, Map<number, Uint8Array>>();
  readonly #used = new Map<string, Set<number>>();

  async putSession(sessionId: string, record: Uint8Array): Promise<void> {
    this.#sessions.set(sessionId, record.slice());
  }

  async getSession(sessionId: string): Promise<Uint8Array | undefined> {
    return this.#sessions.get(sessionId)?.slice();
  }

  async sessions(): Promise<string[]> {
    return [...this.#sessions.keys()];
  }

  async dropSession(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
    this.#slots.delete(sessionId);
  }

  async putSlot(sessionId: string, slot: number, bytes: Uint8Array): Promise<void> {
    let m = this.#slots.get(sessionId);
    if (!m) this.#slots.set(sessionId, (m = new Map()));
    if (m.has(slot) || this.#used.get(sessionId)?.has(slot)) throw new InvalidArgumentError(`slot ${slot} of session ${sessionId} exists already`);
    m.set(slot, bytes.slice());
  }

  takeSlot(sessionId: string, slot: number): Promise<TakenSlot> {
    // Synchronous up to the return: two concurrent calls cannot both see the slot.
    const m = this.#slots.get(sessionId);
    const bytes = m?.get(slot);
    if (bytes === undefined) return Promise.resolve(this.#used.get(sessionId)?.has(slot) ? { status: 'used' } : { status: 'unknown' });
    m!.delete(slot);
    let used = this.#used.get(sessionId);
    if (!used) this.#used.set(sessionId, (used = new Set()));
    used.add(slot);
    return Promise.resolve({ status: 'ok', bytes });
  }

  async slots(sessionId: string): Promise<number[]> {
    return [...(this.#slots.get(sessionId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  async bytes(): Promise<number> {
    let n = 0;
    for (const r of this.#sessions.values()) n += r.length;
    for (const m of this.#slots.values()) for (const b of m.values()) n += b.length;
    return n;
  }

  describe(sessionId: string, slot?: number): string {
    return slot === undefined ? `session ${sessionId}` : `slot ${slot} of session ${sessionId}`;
  }
}
