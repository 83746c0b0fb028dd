/**
 * Spilling the garbled-circuit backend's preprocessed material (§9.14.6): with a spill store on each
 * party (one that copies, as a file does, and scribbles over what it was handed), an inference gives
 * the fixed-point reference's logits; after preprocessing the client's store holds every table and label (8,256 bytes
 * of tables and 2·656 of labels per ReLU), the server's the zero-labels of its share wires (656 bytes
 * per ReLU), and the online phase frees them all.
 */
import { describe, expect, it } from 'vitest';
import { reluCost } from '../../src/gc/index.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { createModel, evaluateFixedPoint } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { garbledActivations, insecureDealer, MemorySpillStore, type ProtocolBackend, type SpillHandle, type SpillStore } from '../../src/protocol/index.js';
import { clientHandshake } from '../../src/protocol/client.js';
import { serverHandshake } from '../../src/protocol/serve-inference.js';
import { clientOnline, serverOnline } from '../../src/protocol/online.js';
import { clientPreprocess, serverPreprocess } from '../../src/protocol/preprocess.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from '../nn/helpers/networks.js';
import { compile } from './helpers.js';

const backend: ProtocolBackend = { ...insecureDealer, activations: garbledActivations };

/** A store that copies on put and on get (as a file does), and scribbles over what it was given. */
class CopyingSpill implements SpillStore {
  readonly inner = new MemorySpillStore();
  puts = 0;
  put(words: Uint32Array): SpillHandle {
    this.puts++;
    const h = this.inner.put(words.slice());
    words.fill(0xdeadbeef);
    return h;
  }
  get(handle: SpillHandle): Uint32Array {
    return this.inner.get(handle).slice();
  }
  free(handle: SpillHandle): void {
    this.inner.free(handle);
  }
  get bytes(): number {
    return this.inner.bytes;
  }
}

async function run(spill: { client?: SpillStore; server?: SpillStore }, afterPreprocessing: () => void) {
  const rng = fromTextSeed('spill/model');
  const model = createModel({
    inputShape: [1, 10, 10],
    layers: [
      { type: 'conv2d', name: 'conv', outChannels: 3, kernel: 3, padding: 1, weights: kaimingUniform(rng, 27, 9), bias: uniformSymmetric(rng, 3, 0.2) },
      { type: 'relu', name: 'relu' },
      { type: 'flatten', name: 'flat' },
      { type: 'dense', name: 'fc', outFeatures: 4, weights: kaimingUniform(rng, 4 * 300, 300), bias: uniformSymmetric(rng, 4, 0.1) },
      { type: 'relu6', name: 'relu6' },
    ],
  });
  const fp = compile(model);
  const x = randomInput(fromTextSeed('spill/x'), 100, -1, 1);
  const [c, b] = memoryChannelPair();
  const [cs, ss] = await Promise.all([
    clientHandshake(c, { backend, allowInsecure: true, rng: fromTextSeed('spill/c'), ...(spill.client ? { spill: spill.client } : {}) }),
    serverHandshake(b, fp, { backend, allowInsecure: true, rng: fromTextSeed('spill/s'), ...(spill.server ? { spill: spill.server } : {}) }),
  ]);
  const [cp, sp] = await Promise.all([clientPreprocess(cs), serverPreprocess(ss)]);
  afterPreprocessing();
  const [out] = await Promise.all([clientOnline(cs, cp, x), serverOnline(ss, sp)]);
  expect(out.logits).toEqual(evaluateFixedPoint(fp, x).logits);
}

describe('spilled garbled-circuit material', () => {
  it('same logits; the stores hold the tables and labels until the online phase frees them', async () => {
    const client = new CopyingSpill();
    const server = new CopyingSpill();
    const n = 3 * 100;
    const relu = reluCost({ kind: 'relu', shift: 8 });
    const relu6 = reluCost({ kind: 'relu6', shift: 8 });
    await run({ client, server }, () => {
      // Tables (32 bytes per AND gate) and the client's and the mask's 41 labels per activation.
      expect(client.bytes).toBe(relu.tableBytes * n + relu6.tableBytes * 4 + 2 * 41 * 16 * (n + 4));
      expect(server.bytes).toBe(41 * 16 * (n + 4));
      // One batch per layer: three arrays each on the client, one on the server.
      expect(client.puts).toBe(6);
      expect(server.puts).toBe(2);
    });
    expect(client.bytes).toBe(0);
    expect(server.bytes).toBe(0);
  });
});
