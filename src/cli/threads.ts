/**
 * `--threads N` of `serve`, `infer` and `preprocess`: a Node worker pool (worker_threads, §5.7) for
 * the backends' heavy loops, created when first used and closed when the command ends. `--threads 1`
 * runs everything in the calling thread. The transcript does not depend on N (§9.2).
 *
 * Spec: §5.7
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './command.js';
import { createNodePool } from '../workers/node.js';
import { defaultThreadCount } from '../pool/pool.js';
import type { TaskPool } from '../workers/tasks.js';
import type { TaskInput, TaskName, TaskOutput } from '../workers/tasks.js';

/** The parseArgs entry of `--threads`. */
export const THREADS_OPTIONS = { threads: { type: 'string' } } as const;

/** Usage lines of `--threads`. */
export const THREADS_USAGE = `  --threads N             threads for garbling, OT and the other heavy loops (default: all cores, ${defaultThreadCount()} here;
                          1 = this thread only); the messages exchanged do not depend on it`;

/**
 * The compiled worker module: next to the compiled workers (dist/), or, when the CLI runs from its
 * TypeScript sources (tests), the package's built copy; undefined when neither exists.
 */
function workerModule(): URL | undefined {
  for (const rel of ['../workers/node-worker.js', '../../dist/workers/node-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** Parses `--threads` (default: all logical processors). */
export function threadCount(value: string | undefined): number {
  if (value === undefined) return defaultThreadCount();
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 256) throw new UsageError(`--threads takes an integer from 1 to 256, got "${value}"`);
  return n;
}

/** Options of {@link cliPool}. */
export interface CliPoolOptions {
  /**
   * Start the worker threads now (they load the library while the caller connects and runs the
   * setup), rather than on the first task. Default false.
   */
  readonly start?: boolean;
}

/**
 * A pool of `threads` Node worker threads, started on its first task (a backend that never uses
 * it costs nothing) or at once with `start`, or undefined for 1 thread (or when no compiled worker
 * module exists: then everything runs in this thread, with the same transcript). Spec: §5.7
 */
export function cliPool(threads: number, options: CliPoolOptions = {}): TaskPool | undefined {
  if (threads <= 1) return undefined;
  const workerUrl = workerModule();
  if (workerUrl === undefined) return undefined;
  let pool: TaskPool | undefined = options.start ? createNodePool({ threads, workerUrl }) : undefined;
  return {
    threads,
    run<K extends TaskName>(task: K, input: TaskInput<K>, transfer?: readonly ArrayBuffer[]): Promise<TaskOutput<K>> {
      pool ??= createNodePool({ threads, workerUrl });
      return pool.run(task, input, transfer);
    },
    close: async () => {
      await pool?.close();
      pool = undefined;
    },
  };
}
