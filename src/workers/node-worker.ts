/**
 * The module each Node worker thread of {@link createNodePool} loads: tinypool calls its default
 * export with `{task, input}`. Spec: §5.7
 * @module
 */
import { runTask, type TaskName } from './tasks.js';

/** Runs one task of the pool. Spec: §5.7 */
export default function run(message: { task: TaskName; input: never }): unknown {
  return runTask(message.task, message.input);
}
