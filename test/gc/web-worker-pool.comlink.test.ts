/**
 * The Web Worker pool (§5.7) over comlink, with Node MessageChannels standing in for Web Workers (each
 * "worker" end exposes runTask in this process, as ./web-worker.ts does in a browser): batched
 * garbling on 3 such workers equals garbling in this thread byte for byte, tasks spread over the
 * workers, and unknown tasks are refused.
 */
import { expose } from 'comlink';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { garbleRelusBatched } from '../../src/gc/parallel.js';
import { fromTextSeed } from '../../src/random/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { createWebWorkerPool, inlinePool, runTask, type WorkerLike } from '../../src/workers/index.js';

function fakeWorker(counter: number[], k: number): WorkerLike {
  const { port1, port2 } = new MessageChannel();
  expose(
    {
      runTask: (task: Parameters<typeof runTask>[0], input: never) => {
        counter[k]++;
        return runTask(task, input);
      },
    },
    port2 as unknown as Parameters<typeof expose>[1],
  );
  const p = port1 as MessagePort & WorkerLike;
  return {
    postMessage: (m, t) => p.postMessage(m, t as never),
    addEventListener: (type, l) => p.addEventListener(type, l as never),
    removeEventListener: (type, l) => p.removeEventListener(type, l as never),
    terminate: () => {
      port1.close();
      port2.close();
    },
  };
}

describe('createWebWorkerPool', () => {
  it('3 workers give the garbling of the in-thread pool, byte for byte', async () => {
    const counter = [0, 0, 0];
    let k = 0;
    const pool = createWebWorkerPool(() => fakeWorker(counter, k++), 3);
    try {
      expect(pool.threads).toBe(3);
      const opts = { batchInstances: 40, firstGateId: 7 };
      const a = await garbleRelusBatched(200, fromTextSeed('web-pool'), { ...opts, pool });
      const b = await garbleRelusBatched(200, fromTextSeed('web-pool'), { ...opts, pool: inlinePool() });
      expect(Buffer.from(a.garbled.tables.buffer).equals(Buffer.from(b.garbled.tables.buffer))).toBe(true);
      expect(a.garbled.decoding).toEqual(b.garbled.decoding);
      expect(a.secrets.inputZeroLabels).toEqual(b.secrets.inputZeroLabels);
      expect(counter.reduce((x, y) => x + y, 0)).toBe(5);
      expect(counter.every((c) => c >= 1)).toBe(true);
    } finally {
      await pool.close();
    }
  });
  it('refuses bad thread counts and unknown tasks', () => {
    expect(() => createWebWorkerPool(() => fakeWorker([0], 0), 0)).toThrow(InvalidArgumentError);
    expect(() => runTask('nope' as never, {} as never)).toThrow(InvalidArgumentError);
  });
});
