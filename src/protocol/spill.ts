/**
 * Where a party parks preprocessed material it needs only in the online phase (§9.14.6): the
 * client's garbled tables and labels are 8 KiB per ReLU (1.4 GB for MiniONN, 2.5 GB for ResNet-32),
 * so a party with a spill store writes each batch out as soon as preprocessing makes it and reads
 * it back one batch at a time online; its memory then holds one batch, not the network. The
 * interface is synchronous and byte-level, so that a file (the CLI's `FileSpillStore`) or memory
 * ({@link MemorySpillStore}, the default) can stand behind it; the bytes never leave the process
 * and are not a stored format (a slot (§9.14.3) is).
 *
 * Spec: §9.14.6
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** A handle returned by {@link SpillStore.put}. Spec: §9.14.6 */
export type SpillHandle = number;

/** Byte storage for one party's parked material. Spec: §9.14.6 */
export interface SpillStore {
  /** Keeps a copy of the bytes of `words` (the caller may drop or reuse them); returns its handle. */
  put(words: Uint32Array): SpillHandle;
  /** The words stored under `handle` (callers only read them; `get` may be called more than once). */
  get(handle: SpillHandle): Uint32Array;
  /** Forgets `handle` (its space may be reused); a later `get` throws. */
  free(handle: SpillHandle): void;
  /** Bytes currently stored. */
  readonly bytes: number;
}

/**
 * A {@link SpillStore} in memory: keeps the arrays themselves (no copy: callers hand over arrays
 * they no longer write), so a party without a spill store behaves as before. Spec: §9.14.6
 */
export class MemorySpillStore implements SpillStore {
  readonly #items = new Map<SpillHandle, Uint32Array>();
  #next = 0;
  #bytes = 0;

  put(words: Uint32Array): SpillHandle {
    const h = this.#next++;
    this.#items.set(h, words);
    this.#bytes += words.byteLength;
    return h;
  }

  get(handle: SpillHandle): Uint32Array {
    const w = this.#items.get(handle);
    if (w === undefined) throw new InvalidArgumentError(`spill: no data under handle ${handle}`);
    return w;
  }

  free(handle: SpillHandle): void {
    const w = this.#items.get(handle);
    if (w === undefined) return;
    this.#bytes -= w.byteLength;
    this.#items.delete(handle);
  }

  get bytes(): number {
    return this.#bytes;
  }
}
