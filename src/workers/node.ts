/**
 * Node-only: a {@link TaskPool} on `worker_threads` through tinypool. Each worker loads
 * ./node-worker.js (the compiled library), so the pool needs the built package (`dist/`), which is
 * what `import 'delphi-ts/workers/node'` gives. Spec: §5.7
 * @module
 */
import { Tinypool } from 'tinypool';
import { checkThreadCount, defaultThreadCount } from '../pool/pool.js';
import type { TaskInput, TaskName, TaskOutput, TaskPool } from './tasks.js';

export * from './index.js';

/** Options of {@link createNodePool}. */
export interface NodePoolOptions {
  /** Worker threads (default: all logical processors, {@link defaultThreadCount}). */
  readonly threads?: number;
  /** The worker module (default ./node-worker.js next to this file). */
  readonly workerUrl?: URL;
}

/**
 * A pool of `threads` Node worker threads (tinypool; started lazily, all kept until
 * {@link TaskPool.close}). Spec: §5.7
 */
export function createNodePool(options: NodePoolOptions = {}): TaskPool {
  const threads = checkThreadCount(options.threads ?? defaultThreadCount());
  const pool = new Tinypool({
    filename: (options.workerUrl ?? new URL('./node-worker.js', import.meta.url)).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 0,
  });
  return {
    threads,
    run<K extends TaskName>(task: K, input: TaskInput<K>, transfer?: readonly ArrayBuffer[]): Promise<TaskOutput<K>> {
      // Moved, not copied: the worker gets the caller's buffers (§5.7).
      const options = transfer !== undefined && transfer.length > 0 ? { transferList: [...transfer] } : undefined;
      return pool.run({ task, input }, options) as Promise<TaskOutput<K>>;
    },
    close: () => pool.destroy(),
  };
}
