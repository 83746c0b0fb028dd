/**
 * Labelled data for training and evaluation (§10.2.5): samples stored one after another in a
 * single Float32Array, with one class label each.
 *
 * Spec: §10.2.5
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { checkShape, formatShape, shapeSize, type Shape } from '../nn/tensor.js';
import { uniformBelow, type Rng } from '../random/index.js';

/** A classification data set. Spec: §10.2.5 */
export interface Dataset {
  /** Shape of one sample ([1, 28, 28] for MNIST). */
  readonly inputShape: Shape;
  /** count · shapeSize(inputShape) values: sample i at offset i · shapeSize(inputShape). */
  readonly inputs: Float32Array;
  /** Class of each sample. */
  readonly labels: Uint8Array;
  readonly count: number;
}

/**
 * Packs samples (one Float32Array each, or already packed) and labels into a {@link Dataset}.
 * Throws {@link SizeMismatchError} when sizes disagree. Spec: §10.2.5
 */
export function createDataset(samples: readonly ArrayLike<number>[] | Float32Array, labels: ArrayLike<number>, inputShape: Shape): Dataset {
  const shape = checkShape(inputShape, 'dataset input');
  const size = shapeSize(shape);
  let inputs: Float32Array;
  if (samples instanceof Float32Array) {
    if (samples.length !== labels.length * size) {
      throw new SizeMismatchError(`${samples.length} values are not ${labels.length} samples of ${formatShape(shape)}`);
    }
    inputs = samples;
  } else {
    if (samples.length !== labels.length) throw new SizeMismatchError(`${samples.length} samples but ${labels.length} labels`);
    inputs = new Float32Array(samples.length * size);
    samples.forEach((s, i) => {
      if (s.length !== size) throw new SizeMismatchError(`sample ${i} has ${s.length} values, expected ${size} (${formatShape(shape)})`);
      inputs.set(s, i * size);
    });
  }
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l > 255) throw new InvalidArgumentError(`label ${i} must be an integer in [0, 255], got ${l}`);
    out[i] = l;
  }
  return { inputShape: shape, inputs, labels: out, count: labels.length };
}

/** The samples [start, start + count) of a data set (views, no copy). Spec: §10.2.5 */
export function sliceDataset(data: Dataset, start: number, count: number): Dataset {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > data.count) {
    throw new InvalidArgumentError(`slice [${start}, ${start + count}) is outside [0, ${data.count})`);
  }
  const size = shapeSize(data.inputShape);
  return {
    inputShape: data.inputShape,
    inputs: data.inputs.subarray(start * size, (start + count) * size),
    labels: data.labels.subarray(start, start + count),
    count,
  };
}

/** A uniformly random permutation of 0 … n−1 (Fisher–Yates with uniformBelow, from the last index down). Spec: §10.2.5 */
export function shuffledIndices(rng: Rng, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = uniformBelow(rng, i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
