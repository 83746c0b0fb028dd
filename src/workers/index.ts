/**
 * Thread pools for the heavy loops (garbling and evaluation per batch of instances, §5.7): the
 * interface, the in-thread pool, the task registry and the Web Worker pool. The Node pool is in
 * `delphi-ts/workers/node`.
 *
 * Spec: §5.7
 * @module
 */
export { checkThreadCount, defaultThreadCount, runAll } from '../pool/pool.js';
export { inlinePool, runTask, type TaskInput, type TaskMap, type TaskName, type TaskOutput, type TaskPool } from './tasks.js';
export { createWebWorkerPool, type WebWorkerApi, type WorkerLike } from './web.js';
