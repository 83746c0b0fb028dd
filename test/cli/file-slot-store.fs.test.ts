/**
 * FileSlotStore (§9.14.2) against the file system itself: records are written 0600 inside 0700
 * directories with no temporary files left over; a slot is handed out once even to two concurrent
 * takers; a consumed slot is an empty "used" marker; a copied directory still refuses nothing on
 * its own (the server's store is what refuses a reused slot); hostile session ids are rejected.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSlotStore } from '../../src/cli/file-slot-store.js';
import { MAX_SLOT_RECORD_BYTES, type SlotRecords } from '../../src/protocol/slot-store.js';

const root = mkdtempSync(join(tmpdir(), 'delphi-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const id = 'ab'.repeat(16);

describe('FileSlotStore', () => {
  it('writes owner-only files atomically and lists what it holds', async () => {
    const store = new FileSlotStore(join(root, 'a'));
    await store.putSession(id, Uint8Array.of(1, 2, 3));
    await store.putSlot(id, 0, new Uint8Array(5000).fill(9));
    await store.putSlot(id, 1, Uint8Array.of(4));
    expect(await store.sessions()).toEqual([id]);
    expect(await store.slots(id)).toEqual([0, 1]);
    expect(await store.getSession(id)).toEqual(Uint8Array.of(1, 2, 3));
    // Each slot record is preceded by its u64 length.
    expect(await store.bytes()).toBe(3 + (8 + 5000) + (8 + 1));
    const dir = join(root, 'a', id);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['session.rec', 'slot-0.slot', 'slot-1.slot']);
    await expect(store.putSlot(id, 1, Uint8Array.of(5))).rejects.toThrow(/exists already/);
  });

  it('hands a slot out once, also to two takers at once; a used slot is an empty marker', async () => {
    const store = new FileSlotStore(join(root, 'a'));
    const [x, y] = await Promise.all([store.takeSlot(id, 0), store.takeSlot(id, 0)]);
    expect([x.status, y.status].sort()).toEqual(['ok', 'used']);
    const ok = (x.status === 'ok' ? x : y) as { records: SlotRecords };
    // The used marker is empty as soon as the slot is taken: the records are read from the open file.
    expect(statSync(join(root, 'a', id, 'slot-0.used')).size).toBe(0);
    expect(ok.records.count).toBe(1);
    expect(await ok.records.read(0)).toEqual(new Uint8Array(5000).fill(9));
    expect(await store.takeSlot(id, 0)).toEqual({ status: 'used' });
    expect(await store.takeSlot(id, 7)).toEqual({ status: 'unknown' });
    expect(await store.slots(id)).toEqual([1]);
    // A copy of the directory is a second, independent store: only the peer's store can refuse it.
    cpSync(join(root, 'a'), join(root, 'b'), { recursive: true });
    const copy = new FileSlotStore(join(root, 'b'));
    expect((await copy.takeSlot(id, 1)).status).toBe('ok');
    expect((await store.takeSlot(id, 1)).status).toBe('ok');
  });

  it('stores a slot as records drawn one at a time and hands them back in order, once', async () => {
    const store = new FileSlotStore(join(root, 'm'));
    await store.putSession(id, Uint8Array.of(1));
    let made = 0;
    function* records() {
      for (let i = 0; i < 4; i++) {
        made++;
        yield new Uint8Array(1000 * i + 3).fill(i + 1);
      }
    }
    await store.putSlot(id, 5, records());
    expect(made).toBe(4);
    expect(await store.bytes()).toBe(1 + 4 * 8 + 3 + 1003 + 2003 + 3003);
    const taken = await store.takeSlot(id, 5);
    if (taken.status !== 'ok') throw new Error(taken.status);
    expect(taken.records.count).toBe(4);
    for (let i = 0; i < 4; i++) expect(await taken.records.read(i)).toEqual(new Uint8Array(1000 * i + 3).fill(i + 1));
    await expect(taken.records.read(0)).rejects.toThrow(/closed/); // closed after the last record
    expect(await store.takeSlot(id, 5)).toEqual({ status: 'used' });
    // An oversized record is refused before anything is written.
    // (A stand-in that claims the length: allocating 1 GiB in a test is not needed to check the check.)
    const claims = Object.defineProperty(Object.create(Uint8Array.prototype), 'length', { value: MAX_SLOT_RECORD_BYTES + 1 }) as Uint8Array;
    const big = { *[Symbol.iterator]() { yield new Uint8Array(1); yield claims; } };
    await expect(store.putSlot(id, 6, big)).rejects.toThrow(`exceeds the ${MAX_SLOT_RECORD_BYTES}-byte limit`);
    expect(await store.slots(id)).toEqual([]);
    expect(readdirSync(join(root, 'm', id)).filter((f) => f.startsWith('.tmp'))).toEqual([]);
  });

  it('refuses a slot file whose record lengths are hostile, before allocating', async () => {
    const store = new FileSlotStore(join(root, 'h'));
    await store.putSession(id, Uint8Array.of(1));
    const file = join(root, 'h', id, 'slot-1.slot');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
    writeFileSync(file, huge, { mode: 0o600 });
    await expect(store.takeSlot(id, 1)).rejects.toThrow(/larger than any record/);
    const short = new Uint8Array(12);
    new DataView(short.buffer).setBigUint64(0, 100n, true);
    writeFileSync(join(root, 'h', id, 'slot-2.slot'), short, { mode: 0o600 });
    await expect(store.takeSlot(id, 2)).rejects.toThrow(/ends inside a record/);
    // Either way the slot is burnt.
    expect(await store.takeSlot(id, 1)).toEqual({ status: 'used' });
  });

  it('rejects session ids that are not 32 hex digits (no path tricks) and drops sessions', async () => {
    const store = new FileSlotStore(join(root, 'a'));
    for (const bad of ['../x', '', 'AB'.repeat(16), `${id}/..`]) await expect(store.getSession(bad)).rejects.toThrow(/not a session id/);
    await store.dropSession(id);
    expect(await store.sessions()).toEqual([]);
  });
});
