/**
 * §9.14 service connections against the fixed-point evaluator (evaluateFixedPoint, §8.9): one setup
 * then several preprocess/online rounds on one channel; slots stored, then spent on later
 * connections without setup (as after a server restart: the server keeps nothing but its store);
 * and the faults of the one-time rule — a reused slot (a copied client store), a state for another
 * model, a damaged or newer-format slot, too many slots, two clients at once.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { decodeClientSlot, SLOT_FORMAT_VERSION } from '../../src/protocol/slot.js';
import { memorySlotRecords } from '../../src/protocol/slot-store.js';
import { garbledActivations, insecureDealer, MemorySlotStore, NoSlotLeftError, serveConnection, ServiceClient, type ProtocolBackend, type ServiceServerOptions, type SlotStore } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { decodeArchitecture, encodeArchitecture } from '../../src/protocol/index.js';
import { decodeServiceMessage, encodeServiceMessage } from '../../src/protocol/service-messages.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, randomNetwork } from './helpers.js';

const dealer = insecureDealer;
const gc: ProtocolBackend = { linear: insecureDealer.linear, activations: garbledActivations, triples: insecureDealer.triples };

/** A store that also writes every record to `copy`: a state directory copied before use. */
function teeStore(main: MemorySlotStore, copy: MemorySlotStore): SlotStore {
  return Object.assign(Object.create(main) as MemorySlotStore, {
    putSession: async (id: string, r: Uint8Array) => (await copy.putSession(id, r), main.putSession(id, r)),
    putSlot: async (id: string, slot: number, b: Uint8Array | Iterable<Uint8Array>) => {
      const records = b instanceof Uint8Array ? [b] : [...b];
      await copy.putSlot(id, slot, records);
      return main.putSlot(id, slot, records);
    },
    getSession: (id: string) => main.getSession(id),
    sessions: () => main.sessions(),
    slots: (id: string) => main.slots(id),
    takeSlot: (id: string, slot: number) => main.takeSlot(id, slot),
    bytes: () => main.bytes(),
    dropSession: (id: string) => main.dropSession(id),
    describe: (id: string, slot?: number) => main.describe(id, slot),
  });
}

function connect(fp: FixedPointModel, options: Omit<ServiceServerOptions, 'allowInsecure'>) {
  const [c, s] = memoryChannelPair();
  const served = serveConnection(s, fp, { allowInsecure: true, ...options });
  return { channel: c, served };
}

const inputs = (fp: FixedPointModel, label: string, k: number) =>
  Array.from({ length: k }, (_, i) => randomInput(fromTextSeed(`${label} ${i}`), fp.inputShape.reduce((a, b) => a * b, 1), -1, 1));

describe('service connections (§9.14)', () => {
  it('one setup, then three preprocess + online rounds on one channel', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('service/three')));
    const { channel, served } = connect(fp, { backend: dealer, rng: fromTextSeed('server') });
    const client = await ServiceClient.open(channel, { backend: dealer, allowInsecure: true, rng: fromTextSeed('client') });
    expect(client.setup?.phase).toBe('setup');
    for (const x of inputs(fp, 'three', 3)) {
      const { slots } = await client.preprocess(1);
      const out = await client.infer(x);
      expect(out.slot).toBe(slots[0]);
      expect(out.logits).toEqual(evaluateFixedPoint(fp, x).logits);
    }
    await expect(client.infer(inputs(fp, 'none', 1)[0])).rejects.toThrow(NoSlotLeftError);
    client.close();
    const report = await served;
    expect(report.phases.map((p) => p.phase)).toEqual(['setup', 'preprocessing', 'online', 'preprocessing', 'online', 'preprocessing', 'online']);
    expect(report.refused).toEqual([]);
  });

  it('stored slots (garbled circuits): preprocess 2, then two later connections run online only, a third is refused', async () => {
    const fp = compile(randomNetwork(fromTextSeed('service/stored'), ['relu', 'relu6']));
    const serverStore = new MemorySlotStore();
    const clientStore = new MemorySlotStore();
    const copied = new MemorySlotStore();
    const first = connect(fp, { backend: gc, store: serverStore, rng: fromTextSeed('server') });
    const c1 = await ServiceClient.open(first.channel, { backend: gc, allowInsecure: true, store: teeStore(clientStore, copied), rng: fromTextSeed('client') });
    expect((await c1.preprocess(2)).slots).toEqual([0, 1]);
    c1.close();
    await first.served;
    const sessionId = c1.sessionId;
    // Each later connection is a fresh server loop with only the store: as after a restart.
    for (const x of inputs(fp, 'stored', 2)) {
      const later = connect(fp, { backend: gc, store: serverStore });
      const c = await ServiceClient.resume(later.channel, { backend: gc, allowInsecure: true, store: clientStore, sessionId });
      expect(c.setup).toBeNull();
      const out = await c.infer(x);
      expect(out.logits).toEqual(evaluateFixedPoint(fp, x).logits);
      expect(out.cost.phase).toBe('online');
      c.close();
      const report = await later.served;
      expect(report.phases.map((p) => p.phase)).toEqual(['online']);
    }
    const third = connect(fp, { backend: gc, store: serverStore });
    const c3 = await ServiceClient.resume(third.channel, { backend: gc, allowInsecure: true, store: clientStore, sessionId });
    await expect(c3.infer(inputs(fp, 'x', 1)[0])).rejects.toThrow(/no preprocessed slot left.*delphi preprocess/);
    c3.close();
    await third.served;
    // The copied store still holds both slots: the server refuses each, and keeps serving.
    const again = connect(fp, { backend: gc, store: serverStore });
    const c4 = await ServiceClient.resume(again.channel, { backend: gc, allowInsecure: true, store: copied, sessionId });
    await expect(c4.infer(inputs(fp, 'x', 1)[0])).rejects.toThrow(/refused slot 0: .*already used/);
    await expect(c4.infer(inputs(fp, 'x', 1)[0])).rejects.toThrow(/refused slot 1: .*already used/);
    await expect(c4.infer(inputs(fp, 'x', 1)[0])).rejects.toThrow(NoSlotLeftError);
    c4.close();
    expect((await again.served).refused).toHaveLength(2);
  });

  it('a stored slot gives the same output as the same slot kept in memory (quadratic layers, dealer; same seeds)', async () => {
    const fp = compile(randomNetwork(fromTextSeed('service/quadratic'), ['relu', 'quadratic']));
    const x = inputs(fp, 'quadratic', 1)[0];
    const run = async (stored: boolean) => {
      const store = stored ? new MemorySlotStore() : undefined;
      const { channel, served } = connect(fp, { backend: dealer, rng: fromTextSeed('server'), ...(store ? { store: new MemorySlotStore() } : {}) });
      const client = await ServiceClient.open(channel, { backend: dealer, allowInsecure: true, rng: fromTextSeed('client'), ...(store ? { store } : {}) });
      await client.preprocess(1);
      const out = await client.infer(x);
      client.close();
      await served;
      return out.logits;
    };
    const memory = await run(false);
    expect(await run(true)).toEqual(memory);
  });

  it('slot records: newer version, another model, session or backend, damaged bytes are typed errors naming the record', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('service/records')));
    const store = new MemorySlotStore();
    const { channel, served } = connect(fp, { backend: dealer, store: new MemorySlotStore() });
    const client = await ServiceClient.open(channel, { backend: dealer, allowInsecure: true, store });
    await client.preprocess(1);
    client.close();
    await served;
    const id = client.sessionId;
    const arch = decodeArchitecture(encodeArchitecture(client.architecture));
    const taken = await store.takeSlot(id, 0);
    if (taken.status !== 'ok') throw new Error('no slot');
    const all = await Promise.all(Array.from({ length: taken.records.count }, (_, i) => taken.records.read(i)));
    // The head, then one part per activation layer (the dealer's state is one part).
    expect(all.length).toBe(1 + client.architecture.layers.filter((l) => l.op === 'relu' || l.op === 'relu6').length);
    const bytes = all[0];
    const decode = (head: Uint8Array, b: typeof binding, slot = 0, rest: Uint8Array[] = all.slice(1)) => decodeClientSlot(memorySlotRecords([head, ...rest]), arch, b, slot, 'f.slot');
    const binding = { sessionId: id, fingerprint: client.fingerprint, backend: dealer };
    expect((await decode(bytes, binding)).inputMask.length).toBe(fp.inputShape.reduce((a, b) => a * b, 1));
    const resealed = (edit: (b: Uint8Array) => void, of: Uint8Array = bytes) => {
      const b = of.slice();
      edit(b);
      b.set(createHash('sha256').update(b.subarray(0, b.length - 32)).digest(), b.length - 32); // §9.14.3: SHA-256
      return b;
    };
    await expect(decode(resealed((b) => (b[4] = SLOT_FORMAT_VERSION + 1)), binding)).rejects.toThrow(new RegExp(`^f\\.slot: format version ${SLOT_FORMAT_VERSION + 1} is newer .*upgrade`));
    await expect(decode(resealed((b) => (b[5] = 0)), binding)).rejects.toThrow(/a server record, expected a client one/);
    await expect(decode(bytes, { ...binding, fingerprint: 'ab'.repeat(32) })).rejects.toThrow(/f\.slot: made for another model/);
    await expect(decode(bytes, { ...binding, sessionId: '0'.repeat(32) })).rejects.toThrow(/belongs to session/);
    await expect(decode(bytes, { ...binding, backend: gc })).rejects.toThrow(/made with backends/);
    await expect(decode(bytes, binding, 1)).rejects.toThrow(/holds slot 0, expected 1/);
    for (const cut of [0, 10, 40, bytes.length - 1]) {
      await expect(decode(bytes.subarray(0, cut), binding)).rejects.toThrow(/^f\.slot: (truncated|checksum mismatch)/);
    }
    // A hostile length inside a correctly sealed record is caught before allocating.
    const hostile = resealed((b) => b.set([0xff, 0xff, 0xff, 0x7f], 6));
    await expect(decode(hostile, binding)).rejects.toThrow(/truncated/);
    const flipped = (b: Uint8Array) => {
      const c = b.slice();
      c[c.length - 1] ^= 1;
      return c;
    };
    // State parts: missing, extra, out of order, or of another slot.
    await expect(decode(bytes, binding, 0, all.slice(1, -1))).rejects.toThrow(/ends before part 0 of layer/);
    await expect(decode(bytes, binding, 0, [...all.slice(1), all[1]])).rejects.toThrow(/1 records after the last part/);
    if (all.length > 2) await expect(decode(bytes, binding, 0, [all[2], all[1], ...all.slice(3)])).rejects.toThrow(/expected part 0 of layer/);
    await expect(decode(bytes, binding, 0, [flipped(all[1]), ...all.slice(2)])).rejects.toThrow(/record 1: checksum mismatch/);
  });

  it('a client killed after READY burns the slot on both sides; the next slot still works; 10^6 slots are refused', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('service/killed')));
    const serverStore = new MemorySlotStore();
    const clientStore = new MemorySlotStore();
    const first = connect(fp, { backend: dealer, store: serverStore });
    const c1 = await ServiceClient.open(first.channel, { backend: dealer, allowInsecure: true, store: clientStore });
    await expect(c1.preprocess(1_000_000)).rejects.toThrow(/refused to preprocess: asked for 1000000 slots; .*at most 16 per session/);
    expect(await c1.preprocess(2)).toMatchObject({ slots: [0, 1] });
    // Consume slot 0 by hand, as infer does, then die after READY.
    expect((await clientStore.takeSlot(c1.sessionId, 0)).status).toBe('ok');
    first.channel.send(encodeServiceMessage({ type: 'ONLINE', slot: 0 }));
    expect(decodeServiceMessage(await first.channel.recv(), ['READY'], 'test')).toEqual({ type: 'READY', slot: 0 });
    first.channel.close('killed');
    await expect(first.served).rejects.toThrow(/closed|killed/);
    expect(await serverStore.takeSlot(c1.sessionId, 0)).toEqual({ status: 'used' });
    const later = connect(fp, { backend: dealer, store: serverStore });
    const c2 = await ServiceClient.resume(later.channel, { backend: dealer, allowInsecure: true, store: clientStore, sessionId: c1.sessionId });
    const x = inputs(fp, 'killed', 1)[0];
    const out = await c2.infer(x);
    expect(out.slot).toBe(1);
    expect(out.logits).toEqual(evaluateFixedPoint(fp, x).logits);
    await expect(c2.preprocess(1)).rejects.toThrow(/resumed session cannot preprocess/);
    c2.close();
    await later.served;
  });

  it('a client that stores slots refuses a server that keeps none; such a server refuses RESUME', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('service/stateless')));
    const clientStore = new MemorySlotStore();
    const a = connect(fp, { backend: dealer });
    await expect(ServiceClient.open(a.channel, { backend: dealer, allowInsecure: true, store: clientStore })).rejects.toThrow(/keeps no slots beyond this connection.*--state-dir/);
    expect((await a.served).phases.map((p) => p.phase)).toEqual(['setup']);
    expect(await clientStore.sessions()).toEqual([]);
    const b = connect(fp, { backend: dealer });
    const c = ServiceClient.resume(b.channel, { backend: dealer, allowInsecure: true, store: await storeWith('cd'.repeat(16), await serverStoreWith(fp)), sessionId: 'cd'.repeat(16) });
    await expect(c).rejects.toThrow(/refused to resume .*keeps no sessions between connections/);
    await b.served;
  });

  it('limits: sessions, bytes in the store, expiry', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('service/limits')));
    // Bytes of one session record and one slot, measured on a throwaway store.
    const probe = new MemorySlotStore();
    const p = connect(fp, { backend: dealer, store: probe });
    const cp = await ServiceClient.open(p.channel, { backend: dealer, allowInsecure: true });
    await cp.preprocess(1);
    cp.close();
    await p.served;
    const store = new MemorySlotStore();
    let now = 1_000_000;
    const limits = { maxSessions: 1, maxStoreBytes: await probe.bytes(), sessionTtlMs: 1000 };
    const a = connect(fp, { backend: dealer, store, limits, now: () => now });
    const ca = await ServiceClient.open(a.channel, { backend: dealer, allowInsecure: true, store: new MemorySlotStore() });
    await ca.preprocess(1);
    // The store is now at its limit: more slots are refused, the connection goes on.
    await expect(ca.preprocess(1)).rejects.toThrow(/slot storage is full/);
    ca.close();
    expect((await a.served).refused).toHaveLength(1);
    // One session is the most: a second OPEN is refused before any setup.
    const b = connect(fp, { backend: dealer, store, limits, now: () => now });
    await expect(ServiceClient.open(b.channel, { backend: dealer, allowInsecure: true })).rejects.toThrow(/refused a new session: .*at most 1 sessions/);
    await b.served;
    // After the TTL the session is dropped: resuming it is refused, and a new one can open.
    now += 1001;
    const c = connect(fp, { backend: dealer, store, limits, now: () => now });
    await expect(ServiceClient.resume(c.channel, { backend: dealer, allowInsecure: true, store: await storeWith(ca.sessionId, store), sessionId: ca.sessionId })).rejects.toThrow(/expired/);
    await c.served;
    expect(await store.sessions()).toEqual([]);
    // A seeded server that restarts on the same store draws the same session id: refused, not reused.
    for (const expected of [/^[0-9a-f]{32}$/, /refused a new session: session id [0-9a-f]{32} is already stored/]) {
      const e = connect(fp, { backend: dealer, store, rng: fromTextSeed('seeded server'), now: () => now });
      const opened = ServiceClient.open(e.channel, { backend: dealer, allowInsecure: true }).then((cl) => (cl.close(), cl.sessionId));
      if (expected.source.startsWith('^')) expect(await opened).toMatch(expected);
      else await expect(opened).rejects.toThrow(expected);
      await e.served;
    }
  });
});

/** A client store holding a copy of the server's session record, re-labelled as a client record. */
async function storeWith(sessionId: string, server: MemorySlotStore): Promise<MemorySlotStore> {
  const { decodeSessionRecord, encodeSessionRecord } = await import('../../src/protocol/index.js');
  const record = decodeSessionRecord((await server.getSession(sessionId))!, 'server', dealer, 'server record');
  const out = new MemorySlotStore();
  await out.putSession(sessionId, encodeSessionRecord('client', record, dealer));
  return out;
}

/** A server store holding one (empty) session 'cd'×16 for `fp`. */
async function serverStoreWith(fp: FixedPointModel): Promise<MemorySlotStore> {
  const { architectureFingerprint, encodeSessionRecord, publicArchitecture } = await import('../../src/protocol/index.js');
  const arch = publicArchitecture(fp);
  const store = new MemorySlotStore();
  const record = { sessionId: 'cd'.repeat(16), fingerprint: architectureFingerprint(arch), architecture: encodeArchitecture(arch), createdMs: 0, nextSlot: 0, server: '' };
  await store.putSession(record.sessionId, encodeSessionRecord('server', record, dealer));
  return store;
}
