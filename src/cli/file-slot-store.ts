/**
 * A {@link SlotStore} in a directory (§9.14.2), for `delphi serve --state-dir` and the client's
 * `delphi preprocess --state`: one sub-directory per session holding `session.rec` and one file per
 * slot (`slot-N.slot`: its records, each u64 LE length ‖ record, §9.14.3; renamed to `slot-N.used`
 * when consumed). Every write goes to a temporary file with mode 0600 (slots are secret), is
 * fsynced and renamed into place; consuming a slot is a rename (atomic: of two concurrent takers
 * exactly one succeeds) followed by an fsync of the directory, before the slot's records are
 * returned — so a used slot stays used across crashes — and the used file is at once replaced by
 * an empty marker, its records being read from the open file.
 * @module
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { MAX_SLOT_RECORD_BYTES, slotRecords, type SlotRecords, type SlotStore, type TakenSlot } from '../protocol/slot-store.js';

const SESSION_FILE = 'session.rec';
const SESSION_DIR = /^[0-9a-f]{32}$/;
const SLOT_FILE = /^slot-(\d{1,15})\.slot$/;
/** Largest session record read back. */
const MAX_RECORD_BYTES = MAX_SLOT_RECORD_BYTES;

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
  writeRecordsAtomic(dir, name, [bytes], false);
}

/**
 * Writes records to `name` in `dir` atomically (temporary file 0600, fsync, rename, fsync of the
 * directory), drawing them one at a time; with `framed`, each is preceded by its length (u64 LE).
 */
function writeRecordsAtomic(dir: string, name: string, records: Iterable<Uint8Array>, framed: boolean): void {
  const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}-${name}`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    let at = 0;
    const write = (bytes: Uint8Array) => {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, at + off);
      at += bytes.length;
    };
    for (const bytes of records) {
      if (framed) {
        const prefix = new Uint8Array(8);
        new DataView(prefix.buffer).setBigUint64(0, BigInt(bytes.length), true);
        write(prefix);
      }
      write(bytes);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

function readRecord(path: string): Uint8Array {
  const size = statSync(path).size;
  if (size > MAX_RECORD_BYTES) throw new MalformedInputError(`${path}: ${size} bytes, larger than any record`);
  return new Uint8Array(readFileSync(path));
}

function readFully(fd: number, length: number, position: number, path: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw new MalformedInputError(`${path}: ends inside a record`);
    done += n;
  }
  return out;
}

/**
 * The records of an open slot file: each u64 length (at most {@link MAX_SLOT_RECORD_BYTES}, checked
 * before anything is allocated for it) ‖ record; read lazily through `fd`, which is closed after the
 * last record or by `close()`. A file that starts with "DSLT" is a version-1 slot: one record.
 */
function fileSlotRecords(fd: number, path: string): SlotRecords {
  let offsets: { at: number; length: number }[];
  try {
    const size = fstatSync(fd).size;
    offsets = [];
    const head = readFully(fd, Math.min(8, size), 0, path);
    if (size >= 4 && new TextDecoder().decode(head.subarray(0, 4)) === 'DSLT') {
      if (size > MAX_SLOT_RECORD_BYTES) throw new MalformedInputError(`${path}: ${size} bytes, larger than any record`);
      offsets.push({ at: 0, length: size });
    } else {
      for (let at = 0; at < size; ) {
        if (size - at < 8) throw new MalformedInputError(`${path}: ends inside a record's length`);
        const length = Number(new DataView(readFully(fd, 8, at, path).buffer).getBigUint64(0, true));
        if (length > MAX_SLOT_RECORD_BYTES) throw new MalformedInputError(`${path}: a record of ${length} bytes, larger than any record`);
        if (length > size - at - 8) throw new MalformedInputError(`${path}: ends inside a record (${length} bytes announced, ${size - at - 8} left)`);
        offsets.push({ at: at + 8, length });
        at += 8 + length;
      }
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    count: offsets.length,
    async read(i) {
      const o = offsets[i];
      if (o === undefined || !open) throw new InvalidArgumentError(`${path}: record ${i} does not exist or the slot was closed`);
      const bytes = readFully(fd, o.length, o.at, path);
      if (i === offsets.length - 1) close();
      return bytes;
    },
    close,
  };
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

  async putSlot(sessionId: string, slot: number, records: Uint8Array | Iterable<Uint8Array>): Promise<void> {
    const dir = this.#dir(sessionId);
    if (existsSync(join(dir, `slot-${slot}.slot`)) || existsSync(join(dir, `slot-${slot}.used`))) {
      throw new InvalidArgumentError(`${this.describe(sessionId, slot)} exists already`);
    }
    writeRecordsAtomic(dir, `slot-${slot}.slot`, slotRecords(records, this.describe(sessionId, slot)), true);
  }

  /**
   * Renames the slot to its "used" name (atomic: of two concurrent takers exactly one succeeds),
   * fsyncs the directory, opens it, and puts an empty "used" marker in its place: from then on its
   * bytes live only in the open file, which the system frees when the records are closed (or the
   * process ends), so a consumed slot's secrets never stay on disk.
   */
  async takeSlot(sessionId: string, slot: number): Promise<TakenSlot> {
    const dir = this.#dir(sessionId);
    const fresh = join(dir, `slot-${slot}.slot`);
    const usedName = `slot-${slot}.used`;
    const used = join(dir, usedName);
    try {
      renameSync(fresh, used);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return existsSync(used) ? { status: 'used' } : { status: 'unknown' };
    }
    fsyncDir(dir);
    const fd = openSync(used, constants.O_RDONLY);
    try {
      writeFileAtomic(dir, usedName, new Uint8Array(0));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    // Errors name the slot as describe() does (its file name before it was taken).
    return { status: 'ok', records: fileSlotRecords(fd, fresh) };
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
