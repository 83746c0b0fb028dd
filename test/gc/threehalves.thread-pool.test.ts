/**
 * Three-halves garbling on a real Node worker pool (§5.7, §5.13): 2 worker threads give the
 * byte-identical garbling of the same seed in this thread, and the pool's evaluation decodes the
 * plaintext ReLUs. The pool runs the compiled library, so dist/ is rebuilt first when stale.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRelusBatched, garbleRelusBatched } from '../../src/gc/parallel.js';
import { reluClientLabels, reluReference, reluServerLabels } from '../../src/gc/relu.js';
import { P } from '../../src/math/share-field.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import type { TaskPool } from '../../src/workers/tasks.js';
import { ensureDist } from '../helpers/dist.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let pool: TaskPool | undefined;

beforeAll(async () => {
  ensureDist('workers/node-worker.js');
  const { createNodePool } = (await import(/* @vite-ignore */ `${root}dist/workers/node.js`)) as { createNodePool: (o: { threads: number }) => TaskPool };
  pool = createNodePool({ threads: 2 });
}, 300_000);

afterAll(async () => {
  await pool?.close();
});

describe('three halves on 2 worker threads', () => {
  it('same seed ⇒ the same bytes as in this thread; outputs = plaintext ReLU', async () => {
    const n = 300;
    const rng = fromTextSeed('th/pool');
    const pick = () => Float64Array.from({ length: n }, () => uniformBelow(rng, P));
    const [c, s, m] = [pick(), pick(), pick()];
    const opts = { batchInstances: 64, firstGateId: 99, scheme: 'three-halves' } as const;
    const here = await garbleRelusBatched(n, fromTextSeed('th/pool/g'), opts);
    const there = await garbleRelusBatched(n, fromTextSeed('th/pool/g'), { ...opts, pool: pool! });
    expect(there.garbled.scheme).toBe('three-halves');
    expect(Buffer.from(there.garbled.tables.buffer).equals(Buffer.from(here.garbled.tables.buffer))).toBe(true);
    expect(there.garbled.decoding).toEqual(here.garbled.decoding);
    const out = await evaluateRelusBatched({}, there.garbled, reluServerLabels(there, s, m), reluClientLabels(there, c), { batchInstances: 50, pool: pool! });
    expect(Array.from(out)).toEqual(Array.from(c, (ci, i) => reluReference(ci, s[i], m[i])));
  });
});
