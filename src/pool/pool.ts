/**
 * A pool of threads that run the library's heavy, self-contained tasks (garbling and evaluating a
 * batch of circuit instances, §5.7). One small interface over three implementations: the calling
 * thread itself ({@link inlineTaskPool}), Node `worker_threads` (`createNodePool` in
 * `delphi-ts/workers/node`, on tinypool) and browser Web Workers (`createWebWorkerPool` in
 * ./web.ts, on comlink). Tasks are named, take and return structured-cloneable values, and are pure
 * functions of their input, so results never depend on which thread ran what: determinism comes from
 * how callers split work and fork randomness per batch (§5.7), never per thread.
 *
 * Spec: §5.7
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * A table of named tasks: for each name, the input it takes and the output it returns. The layers
 * that own heavy loops (src/gc, src/ot) declare their own tables; src/workers joins them into the
 * one its worker threads run. Spec: §5.7
 */
export type TaskTable<M> = { [K in keyof M]: { input: unknown; output: unknown } };

/** The functions that run a task table's tasks in this thread. Spec: §5.7 */
export type TaskHandlers<M extends TaskTable<M>> = { readonly [K in keyof M]: (input: M[K]['input']) => M[K]['output'] };

/**
 * Runs named tasks of table `M`, possibly on other threads. A pool of a larger table (the one of
 * src/workers) serves wherever a pool of a smaller one is asked for. Spec: §5.7
 */
export interface TaskPool<M extends TaskTable<M>> {
  /** Threads the pool runs tasks on (1 for an inline pool). */
  readonly threads: number;
  /**
   * Runs one task; resolves with its output (a structured clone when it ran on another thread).
   * `transfer` lists buffers of `input` that the caller hands over: a pool on other threads MAY move
   * them instead of copying (they are then detached here), so the caller must not use them again;
   * an in-thread pool ignores it.
   */
  run<K extends keyof M & string>(task: K, input: M[K]['input'], transfer?: readonly ArrayBuffer[]): Promise<M[K]['output']>;
  /** Stops the pool's threads (pending tasks finish first). */
  close(): Promise<void>;
}

/** A pool of one thread: the caller's. Tasks run synchronously inside `run`. Spec: §5.7 */
export function inlineTaskPool<M extends TaskTable<M>>(handlers: TaskHandlers<M>): TaskPool<M> {
  return {
    threads: 1,
    run(task, input) {
      return new Promise((resolve) => resolve(handlers[task](input)));
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
export function runAll<M extends TaskTable<M>, K extends keyof M & string>(pool: TaskPool<M>, task: K, count: number, make: (i: number) => M[K]['input']): Promise<M[K]['output'][]> {
  const jobs: Promise<M[K]['output']>[] = [];
  for (let i = 0; i < count; i++) jobs.push(pool.run(task, make(i)));
  return Promise.all(jobs);
}
