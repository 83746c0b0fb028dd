/**
 * The tasks a {@link TaskPool} runs, by name: each a pure function from a structured-cloneable input
 * to a structured-cloneable output, the same on every thread. Worker entry points call
 * {@link runTask}.
 *
 * Spec: §5.7
 * @module
 */
import { convRotationsTask, convRunsTask, type ConvRotationsInput, type ConvRunsInput } from '../he-linear/conv.js';
import { denseBabyTask, denseGiantsTask, finishPartTask, type DenseBabyInput, type DenseGiantsInput, type FinishPartInput } from '../he-linear/pool-tasks.js';
import type { RnsPoly } from '../bfv/context.js';
import type { Ciphertext } from '../bfv/types.js';
import { InvalidArgumentError } from '../errors.js';
import type { TaskPool as GenericTaskPool } from '../pool/pool.js';
import { garbleBatchTask, evaluateBatchTask, evaluateReluBatchTask, type EvaluateBatchInput, type EvaluateReluBatchInput, type GarbleBatchInput, type GcTasks } from '../gc/parallel.js';
import { receiverBlockTask, senderBlockTask, type OtTasks, type ReceiverBlockInput, type SenderBlockInput } from '../ot/extend-blocks.js';

/** Inputs and outputs of every task: the tables of src/gc and src/ot, and the BFV convolution's. Spec: §5.7 */
export interface TaskMap extends GcTasks, OtTasks {
  /** BFV convolution: rotations of one input ciphertext (§4.17). */
  'bfv.convRotations': { input: ConvRotationsInput; output: Ciphertext[] };
  /** BFV convolution: the NTT-form total of some runs of one output (§4.17). */
  'bfv.convRuns': { input: ConvRunsInput; output: RnsPoly[] };
  /** BFV dense layer: baby-step rotations of one input ciphertext (§4.18). */
  'bfv.denseBaby': { input: DenseBabyInput; output: Ciphertext[] };
  /** BFV dense layer: the NTT-form total of some giant-step groups of one output (§4.18). */
  'bfv.denseGiants': { input: DenseGiantsInput; output: RnsPoly[] };
  /** Any BFV linear layer: one part summed, masked, flooded and switched down, from draws made by the caller (§4.16). */
  'bfv.finishPart': { input: FinishPartInput; output: Ciphertext };
}

/** Task names. */
export type TaskName = keyof TaskMap;
/** Input of a task. */
export type TaskInput<K extends TaskName> = TaskMap[K]['input'];
/** Output of a task. */
export type TaskOutput<K extends TaskName> = TaskMap[K]['output'];
/** A pool that runs every task of the library. Spec: §5.7 */
export type TaskPool = GenericTaskPool<TaskMap>;

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

/** Runs task `task` on `input` in this thread. Spec: §5.7 */
export function runTask<K extends TaskName>(task: K, input: TaskInput<K>): TaskOutput<K> {
  switch (task) {
    case 'gc.garbleBatch':
      return garbleBatchTask(input as GarbleBatchInput) as TaskOutput<K>;
    case 'gc.evaluateBatch':
      return evaluateBatchTask(input as EvaluateBatchInput) as TaskOutput<K>;
    case 'gc.evaluateReluBatch':
      return evaluateReluBatchTask(input as EvaluateReluBatchInput) as TaskOutput<K>;
    case 'ot.receiverBlock':
      return receiverBlockTask(input as ReceiverBlockInput) as TaskOutput<K>;
    case 'ot.senderBlock':
      return senderBlockTask(input as SenderBlockInput) as TaskOutput<K>;
    case 'bfv.convRotations':
      return convRotationsTask(input as ConvRotationsInput) as TaskOutput<K>;
    case 'bfv.convRuns':
      return convRunsTask(input as ConvRunsInput) as TaskOutput<K>;
    case 'bfv.denseBaby':
      return denseBabyTask(input as DenseBabyInput) as TaskOutput<K>;
    case 'bfv.denseGiants':
      return denseGiantsTask(input as DenseGiantsInput) as TaskOutput<K>;
    case 'bfv.finishPart':
      return finishPartTask(input as FinishPartInput) as TaskOutput<K>;
    default:
      throw new InvalidArgumentError(`unknown pool task ${String(task)}`);
  }
}
