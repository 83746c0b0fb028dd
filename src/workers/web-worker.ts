/**
 * The script each Web Worker of {@link createWebWorkerPool} runs: exposes {@link runTask} through
 * comlink. Spec: §5.7
 * @module
 */
import { expose } from 'comlink';
import { runTask, type TaskName } from './tasks.js';

expose({ runTask: (task: TaskName, input: never) => runTask(task, input) });
