/**
 * Batched garbling on thread pools (§5.7): 1 (in this thread), 2 and 3 Node worker threads give
 * byte-identical garblings for the same seed, each batch is exactly `garbleRelus` on the batch's fork
 * of the Rng, and the decoded ReLUs equal the plaintext reference. The Node pool runs the compiled
 * library, so dist/ is rebuilt first when it is older than the sources.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRelusBatched, evaluateReluBatchTask, GARBLE_BATCH_LABEL, garbleRelusBatched } from '../../src/gc/parallel.js';
import { garbleRelus, reluClientLabels, reluGarblerLabels, reluReference, reluServerLabels } from '../../src/gc/relu.js';
import { SHARE_BITS } from '../../src/gc/relu-circuit.js';
import { P } from '../../src/math/share-field.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import type { TaskPool } from '../../src/workers/index.js';
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

describe('garbleRelusBatched / evaluateRelusBatched on 1, 2 and 3 threads', () => {
  const n = 700;
  const B = 128; // 6 batches, the last one short
  const pick = (seed: string) => {
    const r = fromTextSeed(seed);
    return Float64Array.from({ length: n }, () => uniformBelow(r, P));
  };
  const [c, s, m] = [pick('threads/c'), pick('threads/s'), pick('threads/m')];

  it('same seed ⇒ byte-identical garblings and outputs whatever the thread count', async () => {
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const pool = threads === 1 ? undefined : createNodePool({ threads });
      if (pool) pools.push(pool);
      const g = await garbleRelusBatched(n, fromTextSeed('threads/garble'), { batchInstances: B, firstGateId: 1000, ...(pool ? { pool } : {}) });
      const out = await evaluateRelusBatched({}, g.garbled, reluServerLabels(g, s, m), reluClientLabels(g, c), { batchInstances: 100, ...(pool ? { pool } : {}) });
      runs.push({ g, out });
    }
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const r of runs.slice(1)) {
      expect(bytes(r.g.garbled.tables).equals(bytes(runs[0].g.garbled.tables))).toBe(true);
      expect(bytes(r.g.garbled.decoding).equals(bytes(runs[0].g.garbled.decoding))).toBe(true);
      expect(bytes(r.g.secrets.inputZeroLabels).equals(bytes(runs[0].g.secrets.inputZeroLabels))).toBe(true);
      expect(r.g.secrets.delta).toEqual(runs[0].g.secrets.delta);
      expect(r.out).toEqual(runs[0].out);
    }
    for (let i = 0; i < n; i++) expect(runs[0].out[i]).toBe(reluReference(c[i], s[i], m[i]));
  });

  it('gc.evaluateReluBatch on a worker, with its buffers moved (transfer list), decodes the reference ReLUs', async () => {
    const pool = createNodePool({ threads: 2 });
    pools.push(pool);
    const g = garbleRelus(n, fromTextSeed('threads/relu-task'), { firstGateId: 77 });
    const server = reluServerLabels(g, s, m);
    // The server's labels apart, as the protocol sends (s̃) and stores (m̃) them.
    const L = 4 * SHARE_BITS;
    const share = new Uint32Array(L * n);
    const mask = new Uint32Array(L * n);
    for (let i = 0; i < n; i++) {
      share.set(server.subarray(2 * L * i, 2 * L * i + L), L * i);
      mask.set(server.subarray(2 * L * i + L, 2 * L * (i + 1)), L * i);
    }
    expect(reluGarblerLabels(share, mask)).toEqual(server);
    const input = () => ({
      params: {},
      garbled: { ...g.garbled, tables: g.garbled.tables.slice(), decoding: g.garbled.decoding.slice() },
      shareLabels: share.slice(),
      maskLabels: mask.slice(),
      clientLabels: reluClientLabels(g, c),
    });
    const moved = input();
    const buffers = [moved.garbled.tables, moved.garbled.decoding, moved.shareLabels, moved.maskLabels, moved.clientLabels].map((a) => a.buffer as ArrayBuffer);
    const out = await pool.run('gc.evaluateReluBatch', moved, buffers);
    expect(buffers.map((b) => b.byteLength)).toEqual([0, 0, 0, 0, 0]); // detached here: moved, not copied
    for (let i = 0; i < n; i++) expect(out[i]).toBe(reluReference(c[i], s[i], m[i]));
    expect(evaluateReluBatchTask(input())).toEqual(out);
    expect(() => reluGarblerLabels(share, mask.subarray(4))).toThrow(/41 labels per ReLU/);
  });

  it('batch b is garbleRelus on the b-th fork of the rng, with the batch’s gate ids', async () => {
    const g = await garbleRelusBatched(n, fromTextSeed('threads/garble'), { batchInstances: B, firstGateId: 1000 });
    const rng = fromTextSeed('threads/garble');
    rng.bytes(16); // Δ
    const A = g.garbled.andGates;
    for (let b = 0; b * B < n; b++) {
      const count = Math.min(B, n - b * B);
      const one = garbleRelus(count, rng.fork(GARBLE_BATCH_LABEL), { delta: g.secrets.delta, firstGateId: 1000 + b * B * A });
      expect(one.garbled.tables).toEqual(g.garbled.tables.subarray(8 * A * b * B, 8 * A * (b * B + count)));
      expect(one.garbled.decoding).toEqual(g.garbled.decoding.subarray(41 * b * B, 41 * (b * B + count)));
    }
  });
});
