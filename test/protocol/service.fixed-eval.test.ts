/**
 * §9.14 service connections against the fixed-point evaluator (evaluateFixedPoint, §8.9): one setup
 * then several preprocess/online rounds on one channel; slots stored, then spent on later
 * connections without setup (as after a server restart: the server keeps nothing but its store);
 * and the faults of the one-time rule — a reused slot (a copied client store), a state for another
 * model, a damaged or newer-format slot, too many slots, two clients at once.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/net/channel.js';
import { evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import {
  decodeClientSlot,
  garbledActivations,
  insecureDealer,
  MemorySlotStore,
  NoSlotLeftError,
  serveConnection,
  ServiceClient,
  SLOT_FORMAT_VERSION,
  type ProtocolBackend,
  type ServiceServerOptions,
  type SlotStore,
} from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, randomNetwork } from './helpers.js';

const dealer = insecureDealer;
const gc: ProtocolBackend = { linear: insecureDealer.linear, activations: garbledActivations, triples: insecureDealer.triples };

/** A store that also writes every record to `copy`: a state directory copied before use. */
function teeStore(main: MemorySlotStore, copy: MemorySlotStore): SlotStore {
  return Object.assign(Object.create(main) as MemorySlotStore, {
    putSession: async (id: string, r: Uint8Array) => (await copy.putSession(id, r), main.putSession(id, r)),
    putSlot: async (id: string, slot: number, b: Uint8Array) => (await copy.putSlot(id, slot, b), main.putSlot(id, slot, b)),
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
});
