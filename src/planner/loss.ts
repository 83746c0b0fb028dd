/**
 * Softmax cross-entropy, the classification loss of training (§10.2.3).
 *
 * Spec: §10.2.3
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';

/** Loss and accuracy of one batch. */
export interface BatchLoss {
  /** Mean over the batch of −log softmax(logits)[label]. */
  readonly loss: number;
  /** Samples whose largest logit is at their label (the first largest on ties). */
  readonly correct: number;
}

/**
 * For `batch` rows of `classes` logits and labels `labels[labelOffset + n]`: the mean softmax
 * cross-entropy, and (when `grad` is given) its gradient (softmax − one-hot)/batch written into
 * `grad`. Softmax is computed after subtracting the row maximum, in float64. Spec: §10.2.3
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  labelOffset: number,
  batch: number,
  classes: number,
  grad?: Float32Array,
): BatchLoss {
  if (logits.length < batch * classes) throw new SizeMismatchError(`logits have ${logits.length} values, expected ${batch * classes}`);
  if (grad && grad.length < batch * classes) throw new SizeMismatchError(`grad has ${grad.length} values, expected ${batch * classes}`);
  let loss = 0;
  let correct = 0;
  for (let n = 0; n < batch; n++) {
    const row = n * classes;
    const label = labels[labelOffset + n];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new InvalidArgumentError(`label ${label} of sample ${labelOffset + n} is outside [0, ${classes})`);
    }
    let max = -Infinity;
    let arg = 0;
    for (let j = 0; j < classes; j++) {
      if (logits[row + j] > max) {
        max = logits[row + j];
        arg = j;
      }
    }
    if (arg === label) correct++;
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[row + j] - max);
    loss += Math.log(sum) - (logits[row + label] - max);
    if (grad) {
      for (let j = 0; j < classes; j++) {
        const p = Math.exp(logits[row + j] - max) / sum;
        grad[row + j] = (p - (j === label ? 1 : 0)) / batch;
      }
    }
  }
  return { loss: loss / batch, correct };
}

/** Index of the largest value of `row` (the first on ties), as the predicted class. Spec: §10.2.3 */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
