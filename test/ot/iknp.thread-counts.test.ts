/**
 * OT extension (IKNP, and SoftSpokenOT, §6.11) with its matrix work in column blocks on a pool (§6.7): without a pool, on a
 * three-"thread" pool that runs the blocks in this thread (the grouping logic), and on two Node worker
 * threads, every variant gives identical outputs on both sides and byte-identical messages. The Node
 * pool runs the compiled library, so dist/ is rebuilt first when it is older than the sources.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryChannelPair, type Channel } from '../../src/channel/channel.js';
import { columnBlocks, OtExtReceiver, OtExtSender } from '../../src/ot/iknp.js';
import { IKNP_SCHEME, softSpokenScheme, type OtExtScheme } from '../../src/ot/softspoken.js';
import { fromTextSeed } from '../../src/random/index.js';
import { inlinePool, type TaskPool } from '../../src/workers/index.js';
import { ensureDist } from '../helpers/dist.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let nodePool: TaskPool;
beforeAll(async () => {
  ensureDist('workers/node-worker.js');
  const { createNodePool } = (await import(/* @vite-ignore */ `${root}dist/workers/node.js`)) as { createNodePool: (o: { threads: number }) => TaskPool };
  nodePool = createNodePool({ threads: 2 });
}, 300_000);
afterAll(async () => {
  await nodePool?.close();
});

/** Records every message sent on `ch`. */
function record(ch: Channel): Uint8Array[] {
  const log: Uint8Array[] = [];
  const send = ch.send.bind(ch);
  ch.send = (m: Uint8Array) => {
    log.push(m.slice());
    send(m);
  };
  return log;
}

const N = 5000; // 5 chunks of 1024, the last short
const choices = fromTextSeed('ot-threads/choices').bytes(N).map((b) => b & 1);
const m0 = new Uint32Array(fromTextSeed('ot-threads/m0').bytes(16 * N).buffer);
const m1 = new Uint32Array(fromTextSeed('ot-threads/m1').bytes(16 * N).buffer);

async function session(pool: TaskPool | undefined, scheme: OtExtScheme) {
  const [a, b] = memoryChannelPair();
  const p = pool ? { pool, scheme } : { scheme };
  const [s, r] = await Promise.all([
    OtExtSender.setup(a, fromTextSeed('ot-threads/s'), p),
    OtExtReceiver.setup(b, fromTextSeed('ot-threads/r'), { chunkSize: 1024, ...p }),
  ]);
  const logs = [record(a), record(b)];
  const out: Uint32Array[] = [];
  const [, chosen] = await Promise.all([s.send(m0, m1), r.receive(choices)]);
  out.push(chosen);
  out.push(...(await Promise.all([s.sendCorrelated(N, s.delta), r.receiveCorrelated(choices)])));
  const [rand, rr] = await Promise.all([s.sendRandom(N), r.receiveRandom(choices)]);
  out.push(rand.m0, rand.m1, rr);
  out.push(...(await Promise.all([s.sendRandomCorrelated(N), r.receiveRandomCorrelated(choices)])));
  return { out, logs };
}

describe('OT extension on 1, 3 (in-thread) and 2 (worker) threads', () => {
  it('column blocks cover the chunks in order', () => {
    expect(columnBlocks(5, 2)).toEqual([[0, 2], [2, 5]]);
    expect(columnBlocks(2, 8)).toEqual([[0, 1], [1, 2]]);
    expect(columnBlocks(1, 3)).toEqual([[0, 1]]);
  });
  // IKNP, and SoftSpokenOT with k = 4 and k = 3 (a last block of 2 rows), §6.11.
  it.each([['IKNP', IKNP_SCHEME], ['SoftSpokenOT k = 4', softSpokenScheme(4)], ['SoftSpokenOT k = 3', softSpokenScheme(3)]] as const)('%s: same outputs and byte-identical messages', async (_, scheme) => {
    const fake3: TaskPool = { ...inlinePool(), threads: 3 };
    const one = await session(undefined, scheme);
    for (const pool of [fake3, nodePool]) {
      const other = await session(pool, scheme);
      expect(other.out).toEqual(one.out);
      for (const side of [0, 1]) {
        expect(other.logs[side].length).toBe(one.logs[side].length);
        other.logs[side].forEach((m, k) => expect(Buffer.from(m).equals(Buffer.from(one.logs[side][k]))).toBe(true));
      }
    }
    // The chosen messages arrived: m^{r_i}_i.
    for (let i = 0; i < N; i += 97) expect(Array.from(one.out[0].subarray(4 * i, 4 * i + 4))).toEqual(Array.from((choices[i] ? m1 : m0).subarray(4 * i, 4 * i + 4)));
  });
});
