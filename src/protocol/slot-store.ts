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

/**
 * Largest record of a slot a store writes or reads back, in bytes (1 GiB). A slot is a sequence of
 * records (§9.14.3: a head, then the activation layers' state in parts, e.g. one garbled batch per
 * part), so no record approaches the 2^31-byte limit of typed arrays however large the network;
 * stores check each record's length against this before allocating for it. Spec: §9.14.2
 */
export const MAX_SLOT_RECORD_BYTES = 2 ** 30;

/**
 * The records of a consumed slot, read one at a time in order, so that a party holds one record of
 * a large slot at a time. Spec: §9.14.2
 */
export interface SlotRecords {
  /** Number of records. */
  readonly count: number;
  /** Record `i` (0 ≤ i < count). */
  read(i: number): Promise<Uint8Array>;
  /** Releases what the store still holds of the consumed slot (idempotent). */
  close(): void;
}

/** Result of {@link SlotStore.takeSlot}. Spec: §9.14.2 */
export type TakenSlot = { readonly status: 'ok'; readonly records: SlotRecords } | { readonly status: 'used' } | { readonly status: 'unknown' };

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
  /**
   * Stores a fresh slot (a slot id is written once): its records in order, drawn from `records` one
   * at a time (a generator makes each when it is needed); each at most {@link MAX_SLOT_RECORD_BYTES}.
   * A single array is a slot of one record.
   */
  putSlot(sessionId: string, slot: number, records: Uint8Array | Iterable<Uint8Array>): Promise<void>;
  /** Consumes a slot: durably marks it used, then returns its records (once). */
  takeSlot(sessionId: string, slot: number): Promise<TakenSlot>;
  /** Unused slot ids of a session, ascending. */
  slots(sessionId: string): Promise<number[]>;
  /** Bytes held by all sessions and slots. */
  bytes(): Promise<number>;
  /** How errors name a record: a file name for a file store. */
  describe(sessionId: string, slot?: number): string;
}

/** The records of a slot given as one array or as an iterable, each checked against the limit. */
export function* slotRecords(records: Uint8Array | Iterable<Uint8Array>, context: string): Generator<Uint8Array> {
  for (const r of records instanceof Uint8Array ? [records] : records) {
    if (!(r instanceof Uint8Array)) throw new InvalidArgumentError(`${context}: a slot record must be a Uint8Array`);
    if (r.length > MAX_SLOT_RECORD_BYTES) throw new InvalidArgumentError(`${context}: a record of ${r.length} bytes exceeds the ${MAX_SLOT_RECORD_BYTES}-byte limit`);
    yield r;
  }
}

/** {@link SlotRecords} over arrays in memory (each handed out once). */
export function memorySlotRecords(records: Uint8Array[]): SlotRecords {
  return {
    count: records.length,
    read(i) {
      const r = records[i];
      if (r === undefined) return Promise.reject(new InvalidArgumentError(`slot record ${i} does not exist or was read already`));
      records[i] = undefined as unknown as Uint8Array;
      return Promise.resolve(r);
    },
    close() {
      records.fill(undefined as unknown as Uint8Array);
    },
  };
}

/** A {@link SlotStore} in memory (tests, browser, a server without a state directory). Spec: §9.14.2 */
export class MemorySlotStore implements SlotStore {
  readonly #sessions = new Map<string, Uint8Array>();
  readonly #slots = new Map<string, Map<number, Uint8Array[]>>();
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

  async putSlot(sessionId: string, slot: number, records: Uint8Array | Iterable<Uint8Array>): Promise<void> {
    let m = this.#slots.get(sessionId);
    if (!m) this.#slots.set(sessionId, (m = new Map()));
    if (m.has(slot) || this.#used.get(sessionId)?.has(slot)) throw new InvalidArgumentError(`slot ${slot} of session ${sessionId} exists already`);
    const copies = [...slotRecords(records, this.describe(sessionId, slot))].map((r) => r.slice());
    if (m.has(slot)) throw new InvalidArgumentError(`slot ${slot} of session ${sessionId} exists already`);
    m.set(slot, copies);
  }

  takeSlot(sessionId: string, slot: number): Promise<TakenSlot> {
    // Synchronous up to the return: two concurrent calls cannot both see the slot.
    const m = this.#slots.get(sessionId);
    const records = m?.get(slot);
    if (records === undefined) return Promise.resolve(this.#used.get(sessionId)?.has(slot) ? { status: 'used' } : { status: 'unknown' });
    m!.delete(slot);
    let used = this.#used.get(sessionId);
    if (!used) this.#used.set(sessionId, (used = new Set()));
    used.add(slot);
    return Promise.resolve({ status: 'ok', records: memorySlotRecords(records) });
  }

  async slots(sessionId: string): Promise<number[]> {
    return [...(this.#slots.get(sessionId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  async bytes(): Promise<number> {
    let n = 0;
    for (const r of this.#sessions.values()) n += r.length;
    for (const m of this.#slots.values()) for (const b of m.values()) for (const r of b) n += r.length;
    return n;
  }

  describe(sessionId: string, slot?: number): string {
    return slot === undefined ? `session ${sessionId}` : `slot ${slot} of session ${sessionId}`;
  }
}
