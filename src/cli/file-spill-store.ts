/**
 * A {@link SpillStore} in one temporary file (§9.14.6), for `delphi serve` and `delphi infer`: the
 * file is created with mode 0600 in the given directory and unlinked at once (where the platform
 * allows), so its bytes — secret preprocessed material — vanish with the process; space freed by
 * {@link FileSpillStore.free} is reused by a later put of the same size (batches are alike).
 * The bytes are this process's own scratch (native byte order), never read by another.
 * @module
 */
import { closeSync, constants, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { SpillHandle, SpillStore } from '../protocol/spill.js';

/** A {@link SpillStore} in an unlinked temporary file of `dir` (default: the system's). Spec: §9.14.6 */
export class FileSpillStore implements SpillStore {
  readonly #fd: number;
  readonly #path: string;
  #unlinked = false;
  #end = 0;
  #next = 0;
  #bytes = 0;
  readonly #extents = new Map<SpillHandle, { offset: number; length: number }>();
  /** Freed extents by length. */
  readonly #free = new Map<number, number[]>();

  constructor(dir: string = os.tmpdir()) {
    this.#path = join(dir, `delphi-spill-${process.pid}-${randomBytes(6).toString('hex')}`);
    this.#fd = openSync(this.#path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      rmSync(this.#path);
      this.#unlinked = true;
    } catch {
      // Windows cannot remove an open file: removed by close().
    }
  }

  put(words: Uint32Array): SpillHandle {
    const length = words.byteLength;
    const offset = this.#free.get(length)?.pop() ?? this.#grow(length);
    const bytes = new Uint8Array(words.buffer, words.byteOffset, length);
    let done = 0;
    while (done < length) done += writeSync(this.#fd, bytes, done, length - done, offset + done);
    const h = this.#next++;
    this.#extents.set(h, { offset, length });
    this.#bytes += length;
    return h;
  }

  get(handle: SpillHandle): Uint32Array {
    const e = this.#extents.get(handle);
    if (e === undefined) throw new InvalidArgumentError(`spill: no data under handle ${handle}`);
    // Not zero-filled (every byte is read over), and a buffer of its own, so that the caller may
    // move it to a worker thread.
    const bytes = new Uint8Array(Buffer.allocUnsafeSlow(e.length).buffer, 0, e.length);
    const out = new Uint32Array(bytes.buffer, 0, e.length / 4);
    let done = 0;
    while (done < e.length) {
      const n = readSync(this.#fd, bytes, done, e.length - done, e.offset + done);
      if (n === 0) throw new InvalidArgumentError(`spill: the spill file ended early (handle ${handle})`);
      done += n;
    }
    return out;
  }

  free(handle: SpillHandle): void {
    const e = this.#extents.get(handle);
    if (e === undefined) return;
    this.#extents.delete(handle);
    this.#bytes -= e.length;
    let list = this.#free.get(e.length);
    if (!list) this.#free.set(e.length, (list = []));
    list.push(e.offset);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Closes (and, if still there, removes) the file. */
  close(): void {
    closeSync(this.#fd);
    if (!this.#unlinked) rmSync(this.#path, { force: true });
  }

  #grow(length: number): number {
    const at = this.#end;
    this.#end += length;
    return at;
  }
}
