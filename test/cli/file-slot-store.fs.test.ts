/**
 * FileSlotStore (§9.14.2) against the file system itself: records are written 0600 inside 0700
 * directories with no temporary files left over; a slot is handed out once even to two concurrent
 * takers; a consumed slot is an empty "used" marker; a copied directory still refuses nothing on
 * its own (the server's store is what refuses a reused slot); hostile session ids are rejected.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSlotStore } from '../../src/cli/file-slot-store.js';

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
    expect(await store.bytes()).toBe(3 + 5000 + 1);
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
    const ok = (x.status === 'ok' ? x : y) as { bytes: Uint8Array };
    expect(ok.bytes).toEqual(new Uint8Array(5000).fill(9));
    expect(statSync(join(root, 'a', id, 'slot-0.used')).size).toBe(0);
    expect(await store.takeSlot(id, 0)).toEqual({ status: 'used' });
    expect(await store.takeSlot(id, 7)).toEqual({ status: 'unknown' });
    expect(await store.slots(id)).toEqual([1]);
    // A copy of the directory is a second, independent store: only the peer's store can refuse it.
    cpSync(join(root, 'a'), join(root, 'b'), { recursive: true });
    const copy = new FileSlotStore(join(root, 'b'));
    expect((await copy.takeSlot(id, 1)).status).toBe('ok');
    expect((await store.takeSlot(id, 1)).status).toBe('ok');
  });

  it('rejects session ids that are not 32 hex digits (no path tricks) and drops sessions', async () => {
    const store = new FileSlotStore(join(root, 'a'));
    for (const bad of ['../x', '', 'AB'.repeat(16), `${id}/..`]) await expect(store.getSession(bad)).rejects.toThrow(/not a session id/);
    await store.dropSession(id);
    expect(await store.sessions()).toEqual([]);
  });
});
