/**
 * A pool of threads that run the library's heavy, self-contained tasks (garbling and evaluating a
 * batch of circuit instances, §5.7). One small interface over three implementations: the calling
 * thread itself ({@link inlinePool}), Node `worker_threads` (`createNodePool` in
 * `delphi-ts/workers/node`, on tinypool) and browser Web Workers (`createWebWorkerPool` in
 * ./web.ts, on comlink). Tasks are named, take and return structured-cloneable values, and are pure
 * functions of their input, so results never depend on which thread ran what: determinism comes from
 * how callers split work and fork randomness per batch (§5.7), never per thread.
 *
 * Spec: §5.7
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { runTask, type TaskInput, type TaskName, type TaskOutput } from './tasks.js';

/** Runs named tasks, possibly on other threads. Spec: §5.7 */
export interface TaskPool {
  /** Threads the pool runs tasks on (1 for {@link inlinePool}). */
  readonly threads: number;
  /** Runs one task; resolves with its output (a structured clone when it ran on another thread). */
  run<K extends TaskName>(task: K, input: TaskInput<K>): Promise<TaskOutput<K>>;
  /** Stops the pool's threads (pending tasks finish first). */
  close(): Promise<void>;
}

/** A pool of one thread: the caller's. Tasks run synchronously inside `run`. Spec: §5.7 */
export function inlinePool(): TaskPool {
  return {
    threads: 1,
    run(task, input) {
      return new Promise((resolve) => resolve(runTask(task, input)));
    },
    close: async () => undefined,
  };
}

/**
 * Logical processors of this machine: `navigator.hardwareConcurrency` in browsers,
 * `os.availableParallelism()` in Node, else 1. Spec: §5.7
 */
export function defaultThreadCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (typeof nav?.hardwareConcurrency === 'number' && nav.hardwareConcurrency >= 1) return Math.floor(nav.hardwareConcurrency);
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:os') as { availableParallelism?: () => number } | undefined) : undefined;
  const n = os?.availableParallelism?.();
  return typeof n === 'number' && n >= 1 ? n : 1;
}

/** Checks a thread count option: a positive integer (at most 256). Spec: §5.7 */
export function checkThreadCount(threads: unknown): number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new InvalidArgumentError(`threads must be an integer in [1, 256], got ${String(threads)}`);
  }
  return threads;
}

/**
 * Runs `count` tasks built by `make(i)` on `pool` (all submitted at once; the pool queues them) and
 * returns their outputs in index order. Spec: §5.7
 */
export function runAll<K extends TaskName>(pool: TaskPool, task: K, count: number, make: (i: number) => TaskInput<K>): Promise<TaskOutput<K>[]> {
  const jobs: Promise<TaskOutput<K>>[] = [];
  for (let i = 0; i < count; i++) jobs.push(pool.run(task, make(i)));
  return Promise.all(jobs);
}
