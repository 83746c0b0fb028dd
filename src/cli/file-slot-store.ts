/**
 * A {@link SlotStore} in a directory (§9.14.2), for `delphi serve --state-dir` and the client's
 * `delphi preprocess --state`: one sub-directory per session holding `session.rec` and one file per
 * slot (`slot-N.slot`, renamed to `slot-N.used` when consumed). Every write goes to a temporary
 * file with mode 0600 (slots are secret), is fsynced and renamed into place; consuming a slot is a
 * rename (atomic: of two concurrent takers exactly one succeeds) followed by an fsync of the
 * directory, before the slot's bytes are returned — so a used slot stays used across crashes.
 * @module
 */
import { closeSync, constants, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, existsSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import type { SlotStore, TakenSlot } from '../protocol/slot-store.js';

const SESSION_FILE = 'session.rec';
const SESSION_DIR = /^[0-9a-f]{32}$/;
const SLOT_FILE = /^slot-(\d{1,15})\.slot$/;
/** Largest record read back (a client slot of a large network holds its garbled tables). */
const MAX_RECORD_BYTES = 2 ** 31 - 1;

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `bytes` to `path` atomically: temporary file (0600), fsync, rename, fsync of the directory. */
export function writeFileAtomic(dir: string, name: string, bytes: Uint8Array): void {
  const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}-${name}`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

function readRecord(path: string): Uint8Array {
  const size = statSync(path).size;
  if (size > MAX_RECORD_BYTES) throw new MalformedInputError(`${path}: ${size} bytes, larger than any record`);
  return new Uint8Array(readFileSync(path));
}

/** A {@link SlotStore} in directory `root` (created with mode 0700). Spec: §9.14.2 */
export class FileSlotStore implements SlotStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  #dir(sessionId: string): string {
    if (!SESSION_DIR.test(sessionId)) throw new InvalidArgumentError(`not a session id: ${JSON.stringify(sessionId.slice(0, 64))}`);
    return join(this.root, sessionId);
  }

  describe(sessionId: string, slot?: number): string {
    const dir = join(this.root, sessionId);
    return slot === undefined ? join(dir, SESSION_FILE) : join(dir, `slot-${slot}.slot`);
  }

  async putSession(sessionId: string, record: Uint8Array): Promise<void> {
    const dir = this.#dir(sessionId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(dir, SESSION_FILE, record);
  }

  async getSession(sessionId: string): Promise<Uint8Array | undefined> {
    const path = join(this.#dir(sessionId), SESSION_FILE);
    return existsSync(path) ? readRecord(path) : undefined;
  }

  async sessions(): Promise<string[]> {
    return readdirSync(this.root).filter((n) => SESSION_DIR.test(n) && existsSync(join(this.root, n, SESSION_FILE)));
  }

  async dropSession(sessionId: string): Promise<void> {
    rmSync(this.#dir(sessionId), { recursive: true, force: true });
    fsyncDir(this.root);
  }

  async putSlot(sessionId: string, slot: number, bytes: Uint8Array): Promise<void> {
    const dir = this.#dir(sessionId);
    if (existsSync(join(dir, `slot-${slot}.slot`)) || existsSync(join(dir, `slot-${slot}.used`))) {
      throw new InvalidArgumentError(`${this.describe(sessionId, slot)} exists already`);
    }
    writeFileAtomic(dir, `slot-${slot}.slot`, bytes);
  }

  async takeSlot(sessionId: string, slot: number): Promise<TakenSlot> {
    const dir = this.#dir(sessionId);
    const fresh = join(dir, `slot-${slot}.slot`);
    const used = join(dir, `slot-${slot}.used`);
    try {
      renameSync(fresh, used);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return existsSync(used) ? { status: 'used' } : { status: 'unknown' };
    }
    fsyncDir(dir);
    const bytes = readRecord(used);
    // Wipe the secrets: a used slot is kept only as an empty marker.
    const fd = openSync(used, constants.O_WRONLY);
    try {
      ftruncateSync(fd, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { status: 'ok', bytes };
  }

  async slots(sessionId: string): Promise<number[]> {
    const dir = this.#dir(sessionId);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((n) => SLOT_FILE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async bytes(): Promise<number> {
    let n = 0;
    for (const s of readdirSync(this.root)) {
      const dir = join(this.root, s);
      if (!SESSION_DIR.test(s) || !statSync(dir).isDirectory()) continue;
      for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
    }
    return n;
  }
}
