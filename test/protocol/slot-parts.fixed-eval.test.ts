/**
 * Stored slots in parts (§9.14.3, format version 2): a garbled-circuit layer larger than one batch
 * (4,608 ReLUs: two batches of GC_BATCH) is written as one record per batch into a FileSlotStore,
 * read back one record at a time into a spill store (§9.14.6) on a later connection, and gives the
 * fixed-point evaluator's logits; the client's slot file holds the head and one record per part;
 * a slot cannot be used twice — not from the same store (it is marked used), and not from a copy of
 * the client's directory made before it was used (the server refuses it).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { FileSlotStore } from '../../src/cli/file-slot-store.js';
import { FileSpillStore } from '../../src/cli/file-spill-store.js';
import { createModel, evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { GC_BATCH } from '../../src/protocol/backends/garbled-activations.js';
import { garbledActivations, insecureDealer, MemorySlotStore, NoSlotLeftError, serveConnection, ServiceClient, type ProtocolBackend } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from '../nn/helpers/networks.js';
import { compile } from './helpers.js';

const gc: ProtocolBackend = { linear: insecureDealer.linear, activations: garbledActivations, triples: insecureDealer.triples };
const root = mkdtempSync(join(tmpdir(), 'delphi-slot-parts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function model(): FixedPointModel {
  const rng = fromTextSeed('slot-parts/model');
  return compile(
    createModel({
      inputShape: [1, 24, 24],
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 8, kernel: 3, padding: 1, weights: kaimingUniform(rng, 8 * 9, 9), bias: uniformSymmetric(rng, 8, 0.2) },
        { type: 'relu', name: 'relu' },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc', outFeatures: 3, weights: kaimingUniform(rng, 3 * 4608, 4608), bias: uniformSymmetric(rng, 3, 0.1) },
        { type: 'relu', name: 'relu2' },
      ],
    }),
  );
}

/** The records of a slot file (u64 LE length ‖ record, …). */
function recordLengths(path: string): number[] {
  const b = readFileSync(path);
  const out: number[] = [];
  for (let at = 0; at < b.length; ) {
    const n = Number(b.readBigUInt64LE(at));
    out.push(n);
    at += 8 + n;
  }
  return out;
}

describe('stored slots in parts (§9.14.3)', () => {
  it('a layer of two garbled batches is stored as two records, restored through a spill file, and gives the reference logits once', async () => {
    const fp = model();
    expect(4608).toBeGreaterThan(GC_BATCH);
    const x = randomInput(fromTextSeed('slot-parts/x'), 24 * 24, -1, 1);
    const serverStore = new MemorySlotStore();
    const clientDir = join(root, 'client');
    const clientStore = new FileSlotStore(clientDir);
    const connect = () => {
      const [c, s] = memoryChannelPair();
      return { channel: c, served: serveConnection(s, fp, { backend: gc, allowInsecure: true, store: serverStore, rng: fromTextSeed('slot-parts/server') }) };
    };
    const first = connect();
    const opened = await ServiceClient.open(first.channel, { backend: gc, allowInsecure: true, store: clientStore, rng: fromTextSeed('slot-parts/client') });
    expect((await opened.preprocess(1)).slots).toEqual([0]);
    opened.close();
    await first.served;
    const sessionId = opened.sessionId;

    // Head, then layer 1's two batches, then layer 4's one: each record well under the layer's size.
    const slotFile = join(clientDir, sessionId, 'slot-0.slot');
    expect(statSync(slotFile).mode & 0o777).toBe(0o600);
    const lengths = recordLengths(slotFile);
    expect(lengths).toHaveLength(4);
    const perRelu = 8256 + 2 * 656; // tables and the client's and the mask's labels
    expect(lengths[1]).toBeGreaterThan(GC_BATCH * perRelu);
    expect(lengths[1]).toBeLessThan(GC_BATCH * (perRelu + 48) + 4096); // + decoding bits, headers
    expect(lengths[2]).toBeGreaterThan((4608 - GC_BATCH) * perRelu);
    expect(lengths[2]).toBeLessThan((4608 - GC_BATCH) * (perRelu + 48) + 4096);
    const copyDir = join(root, 'copy');
    cpSync(clientDir, copyDir, { recursive: true });

    const spill = new FileSpillStore(root);
    try {
      const later = connect();
      const c = await ServiceClient.resume(later.channel, { backend: gc, allowInsecure: true, store: clientStore, sessionId, spill });
      const out = await c.infer(x);
      expect(out.logits).toEqual(evaluateFixedPoint(fp, x).logits);
      expect(spill.bytes).toBe(0); // the online phase read back and freed every part
      // The same store: the slot is used, no other is left.
      await expect(c.infer(x)).rejects.toThrow(NoSlotLeftError);
      c.close();
      await later.served;
      expect(statSync(join(clientDir, sessionId, 'slot-0.used')).size).toBe(0);
      expect(readdirSync(join(clientDir, sessionId)).sort()).toEqual(['session.rec', 'slot-0.used']);
    } finally {
      spill.close();
    }

    // A copy of the directory made before the slot was used: the server refuses the slot.
    const again = connect();
    const copy = await ServiceClient.resume(again.channel, { backend: gc, allowInsecure: true, store: new FileSlotStore(copyDir), sessionId });
    await expect(copy.infer(x)).rejects.toThrow(/refused slot 0: .*already used/);
    copy.close();
    expect((await again.served).refused).toHaveLength(1);
  });
});
