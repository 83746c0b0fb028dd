/**
 * The protocol on 1, 2 and 3 threads (§9.2, §5.7): with the same seeds, a whole session (setup,
 * preprocessing, online) with garbled-circuit activations sends byte-identical messages in both
 * directions whether the parties run in this thread (no pool) or on Node worker pools of 2 or 3
 * threads, and the client's logits equal the plaintext fixed-point evaluation (evaluateFixedPoint,
 * §8.9). The layer has more ReLUs than one garbling task (GC_SUB_BATCH) and more OTs than one OT
 * extension chunk, so both the garbling and the OT column blocks are split over the pool. The Node
 * pool runs the compiled library, so dist/ is rebuilt first when it is older than the sources.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/index.js';
import { compileFixedPoint, createModel, evaluateFixedPoint } from '../../src/nn/index.js';
import { GC_SUB_BATCH } from '../../src/protocol/backends/garbled-activations.js';
import { bfvLinear, garbledActivations, insecureDealer, requestInference, serveInference, type ProtocolBackend } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import type { TaskPool } from '../../src/workers/index.js';
import { recordingChannel } from './helpers.js';
import { ensureDist } from '../helpers/dist.js';

const root = fileURLToPath(new URL('../../', import.meta.url));


const pools: TaskPool[] = [];
let createNodePool: (o: { threads: number }) => TaskPool;

beforeAll(async () => {
  ensureDist('workers/node-worker.js');
  ({ createNodePool } = (await import(/* @vite-ignore */ `${root}dist/workers/node.js`)) as { createNodePool: typeof createNodePool });
}, 300_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const wrng = fromTextSeed('threads/model');
const weights = (n: number, scale: number) => Float64Array.from({ length: n }, () => (wrng.uint32() / 2 ** 32 - 0.5) * 2 * scale);
// conv 12×10×10 = 1200 ReLUs (3 garbling tasks, the last short; 1200·41 OTs = 7 OT chunks), dense 40 ReLUs, dense 10.
const model = compileFixedPoint(
  createModel({
    name: 'threads-test',
    inputShape: [1, 12, 12],
    layers: [
      { type: 'conv2d', name: 'conv', outChannels: 12, kernel: 3, weights: weights(12 * 9, 0.5), bias: weights(12, 0.1) },
      { type: 'relu', name: 'relu1' },
      { type: 'flatten', name: 'flatten' },
      { type: 'dense', name: 'fc1', outFeatures: 40, weights: weights(40 * 1200, 0.1), bias: weights(40, 0.1) },
      { type: 'relu', name: 'relu2' },
      { type: 'dense', name: 'fc2', outFeatures: 10, weights: weights(10 * 40, 0.3), bias: weights(10, 0.1) },
    ],
  }),
);
const input = Float64Array.from({ length: 144 }, (_, i) => ((i * 37) % 101) / 100);
const backend: ProtocolBackend = { ...insecureDealer, activations: garbledActivations };

async function run(pool: TaskPool | undefined, m = model, x = input, b = backend) {
  const [c, s] = memoryChannelPair();
  const log: { dir: 'sent' | 'received'; bytes: Uint8Array }[] = [];
  const p = pool ? { pool } : {};
  const [client] = await Promise.all([
    requestInference(recordingChannel(c, log), x, { backend: b, allowInsecure: true, rng: fromTextSeed('threads/client'), ...p }),
    serveInference(s, m, { backend: b, allowInsecure: true, rng: fromTextSeed('threads/server'), ...p }),
  ]);
  c.close('done');
  return { log, logits: client.logits };
}

describe('a session on 1, 2 and 3 threads', () => {
  it('is sized to split work over the pool', () => {
    expect(1200).toBeGreaterThan(2 * GC_SUB_BATCH);
  });

  it('same seeds ⇒ byte-identical transcripts in both directions, and the fixed-point reference output', async () => {
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const pool = threads === 1 ? undefined : createNodePool({ threads });
      if (pool) pools.push(pool);
      runs.push(await run(pool));
    }
    const reference = evaluateFixedPoint(model, input).logits;
    expect(runs[0].logits).toEqual(reference);
    const concat = (log: { dir: string; bytes: Uint8Array }[]) => log.map((m) => `${m.dir}:${Buffer.from(m.bytes).toString('base64')}`);
    const first = concat(runs[0].log);
    expect(first.length).toBeGreaterThan(10);
    for (const r of runs.slice(1)) {
      expect(r.logits).toEqual(reference);
      expect(r.log.length).toBe(runs[0].log.length);
      // Compare message by message (a mismatch names its index rather than dumping megabytes).
      const mine = concat(r.log);
      const firstDiff = mine.findIndex((m, i) => m !== first[i]);
      expect(firstDiff).toBe(-1);
    }
  }, 300_000);

  // BFV linear layers (§9.9.3) with the homomorphic work split over the pool (§5.7): a 3×3
  // convolution 2 → 6 channels on 10×10 (two logical outputs, several diagonals, routed rotations) and
  // a dense layer (baby steps and giant-step groups), each part masked and flooded by a pool task from
  // draws made on the calling thread.
  const convModel = compileFixedPoint(
    createModel({
      name: 'threads-bfv-test',
      inputShape: [2, 10, 10],
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 6, kernel: 3, padding: 1, weights: weights(6 * 2 * 9, 0.5), bias: weights(6, 0.1) },
        { type: 'relu', name: 'relu1' },
        { type: 'flatten', name: 'flatten' },
        { type: 'dense', name: 'fc', outFeatures: 10, weights: weights(10 * 600, 0.1), bias: weights(10, 0.1) },
      ],
    }),
  );
  const convInput = Float64Array.from({ length: 200 }, (_, i) => ((i * 53) % 97) / 96);
  const bfvBackend: ProtocolBackend = { ...insecureDealer, linear: bfvLinear(), activations: garbledActivations };

  it('with BFV linear layers: same seeds ⇒ byte-identical transcripts on 1, 2 and 3 threads, and the reference output', async () => {
    const runs = [];
    const tasks = new Map<string, number>();
    for (const threads of [1, 2, 3]) {
      const inner = threads === 1 ? undefined : createNodePool({ threads });
      if (inner) pools.push(inner);
      // Count the tasks, to check that the convolution really went to the pool.
      const pool: TaskPool | undefined = inner && {
        threads: inner.threads,
        run: (task, x) => {
          tasks.set(`${threads}:${task}`, (tasks.get(`${threads}:${task}`) ?? 0) + 1);
          return inner.run(task, x);
        },
        close: () => inner.close(),
      };
      runs.push(await run(pool, convModel, convInput, bfvBackend));
    }
    for (const threads of [2, 3]) {
      expect(tasks.get(`${threads}:bfv.convRotations`) ?? 0).toBeGreaterThanOrEqual(2);
      expect(tasks.get(`${threads}:bfv.convRuns`) ?? 0).toBeGreaterThanOrEqual(2 * threads);
      // The dense layer and every part's masking and flooding went to the pool too.
      expect(tasks.get(`${threads}:bfv.denseBaby`) ?? 0).toBeGreaterThanOrEqual(1);
      expect(tasks.get(`${threads}:bfv.denseGiants`) ?? 0).toBeGreaterThanOrEqual(1);
      expect(tasks.get(`${threads}:bfv.finishPart`) ?? 0).toBeGreaterThanOrEqual(2);
    }
    const reference = evaluateFixedPoint(convModel, convInput).logits;
    const concat = (log: { dir: string; bytes: Uint8Array }[]) => log.map((m) => `${m.dir}:${Buffer.from(m.bytes).toString('base64')}`);
    const first = concat(runs[0].log);
    expect(runs[0].logits).toEqual(reference);
    for (const r of runs.slice(1)) {
      expect(r.logits).toEqual(reference);
      expect(r.log.length).toBe(runs[0].log.length);
      const mine = concat(r.log);
      expect(mine.findIndex((m, i) => m !== first[i])).toBe(-1);
    }
  }, 600_000);
});
