/**
 * A {@link TaskPool} on browser Web Workers through comlink. The application creates the workers
 * (bundlers differ in how a worker script is referenced), each running ./web-worker.js, e.g.
 *
 *     createWebWorkerPool(() => new Worker(new URL('delphi-ts/workers/web-worker', import.meta.url), { type: 'module' }))
 *
 * Tasks go to the worker with the fewest tasks in flight. Spec: §5.7
 * @module
 */
import { wrap, type Remote } from 'comlink';
import { checkThreadCount, defaultThreadCount } from '../pool/pool.js';
import type { TaskInput, TaskName, TaskOutput, TaskPool } from './tasks.js';

/** What ./web-worker.js exposes. */
export interface WebWorkerApi {
  runTask(task: TaskName, input: unknown): unknown;
}

/** The part of a Web Worker the pool uses (so that tests can pass a stand-in). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  removeEventListener(type: string, listener: (event: MessageEvent) => void): void;
  terminate(): void;
}

/**
 * A pool of `threads` workers made by `makeWorker` (default: all logical processors). Spec: §5.7
 */
export function createWebWorkerPool(makeWorker: () => WorkerLike, threads: number = defaultThreadCount()): TaskPool {
  checkThreadCount(threads);
  const workers = Array.from({ length: threads }, () => makeWorker());
  const remotes = workers.map((w) => wrap<WebWorkerApi>(w as unknown as Worker) as Remote<WebWorkerApi>);
  const busy = new Array<number>(threads).fill(0);
  return {
    threads,
    async run<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
      let k = 0;
      for (let i = 1; i < threads; i++) if (busy[i] < busy[k]) k = i;
      busy[k]++;
      try {
        return (await remotes[k].runTask(task, input)) as TaskOutput<K>;
      } finally {
        busy[k]--;
      }
    },
    async close() {
      for (const w of workers) w.terminate();
    },
  };
}
