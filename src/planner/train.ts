/**
 * The training loop (§10.2.5): mini-batch SGD with momentum on softmax cross-entropy, shuffling
 * from a seeded {@link Rng} so that a seed fixes the trained weights bit for bit.
 *
 * Spec: §10.2.5
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import type { Model } from '../nn/index.js';
import { sameShape, shapeSize } from '../nn/tensor.js';
import type { Rng } from '../random/index.js';
import { shuffledIndices, type Dataset } from './dataset.js';
import { argmax, softmaxCrossEntropy } from './loss.js';
import { TrainableNetwork } from './network.js';
import { SgdMomentum } from './optimizer.js';

/**
 * Training produced a non-finite loss (the learning rate is too high for the network, or a
 * quadratic activation blew up). Spec: §10.2.5
 */
export class TrainingDivergedError extends InvalidArgumentError {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

/** How the learning rate changes over the run. Spec: §10.2.5 */
export type LearningRateSchedule = 'constant' | 'cosine';

/** Settings of {@link train}. Spec: §10.2.5 */
export interface TrainOptions {
  /** Passes over the data (a positive integer). */
  epochs: number;
  /** Draws the order of the samples in each epoch. */
  rng: Rng;
  /** Samples per step (default 64). */
  batchSize?: number;
  /** Peak learning rate (default 0.05). */
  learningRate?: number;
  /** `cosine` (default): lr·(1 + cos(π·t/T))/2 after warm-up; `constant`: lr. */
  schedule?: LearningRateSchedule;
  /** Steps of linear warm-up from lr/steps to lr (default 0). */
  warmupSteps?: number;
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Weight decay on weights, not biases (default 5e-4). */
  weightDecay?: number;
  /** Gradient-norm clipping threshold (default 5). */
  clipNorm?: number;
  /** Called every `progressEvery` steps and after the last step of each epoch. */
  onProgress?: (progress: TrainProgress) => void;
  /** Steps between progress reports (default 10). */
  progressEvery?: number;
  /** Called before every step, e.g. to move quadratic blends (§10.4.2). */
  beforeStep?: (network: TrainableNetwork, step: number, totalSteps: number) => void;
}

/** A progress report. Spec: §10.2.5 */
export interface TrainProgress {
  /** 1-based epoch. */
  readonly epoch: number;
  readonly epochs: number;
  /** Steps done in this epoch and in the run. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly totalStep: number;
  readonly totalSteps: number;
  /** Mean loss and accuracy of this epoch's steps so far. */
  readonly loss: number;
  readonly accuracy: number;
  readonly learningRate: number;
}

/** What one epoch did. Spec: §10.2.5 */
export interface EpochReport {
  readonly epoch: number;
  /** Mean training loss and accuracy over the epoch (measured while training). */
  readonly loss: number;
  readonly accuracy: number;
  /** Largest gradient norm seen (before clipping). */
  readonly maxGradientNorm: number;
}

/** The learning rate at step t (0-based) of T. Spec: §10.2.5 */
export function learningRateAt(t: number, total: number, options: Pick<TrainOptions, 'learningRate' | 'schedule' | 'warmupSteps'>): number {
  const lr = options.learningRate ?? 0.05;
  const warm = options.warmupSteps ?? 0;
  if (t < warm) return (lr * (t + 1)) / warm;
  if ((options.schedule ?? 'cosine') === 'constant') return lr;
  const span = Math.max(1, total - warm);
  return (lr * (1 + Math.cos((Math.PI * (t - warm)) / span))) / 2;
}

function checkData(network: TrainableNetwork, data: Dataset): void {
  if (!sameShape(data.inputShape, network.model.inputShape)) {
    throw new SizeMismatchError(`data samples are [${data.inputShape.join(', ')}], the model takes [${network.model.inputShape.join(', ')}]`);
  }
}

/**
 * Trains `network` in place for `options.epochs` epochs over `data` and returns one report per
 * epoch. Each epoch visits the samples in the order shuffledIndices(rng, count); the last batch of
 * an epoch may be smaller. Deterministic for a given rng state. Spec: §10.2.5
 */
export function train(network: TrainableNetwork, data: Dataset, options: TrainOptions): EpochReport[] {
  checkData(network, data);
  const { epochs, rng } = options;
  const batchSize = options.batchSize ?? 64;
  if (!Number.isSafeInteger(epochs) || epochs < 1) throw new InvalidArgumentError(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > network.maxBatch) {
    throw new InvalidArgumentError(`batchSize must be an integer in [1, ${network.maxBatch}], got ${batchSize}`);
  }
  if (data.count === 0) throw new InvalidArgumentError('cannot train on an empty data set');
  const optimizer = new SgdMomentum(network.parameters, {
    momentum: options.momentum ?? 0.9,
    weightDecay: options.weightDecay ?? 5e-4,
    clipNorm: options.clipNorm ?? 5,
  });
  const size = shapeSize(data.inputShape);
  const classes = network.outputSize;
  const batchInput = new Float32Array(batchSize * size);
  const batchLabels = new Uint8Array(batchSize);
  const grad = new Float32Array(batchSize * classes);
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const every = options.progressEvery ?? 10;
  const reports: EpochReport[] = [];
  let totalStep = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffledIndices(rng, data.count);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let maxNorm = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const start = step * batchSize;
      const batch = Math.min(batchSize, data.count - start);
      for (let n = 0; n < batch; n++) {
        const idx = order[start + n];
        batchInput.set(data.inputs.subarray(idx * size, (idx + 1) * size), n * size);
        batchLabels[n] = data.labels[idx];
      }
      options.beforeStep?.(network, totalStep, totalSteps);
      const lr = learningRateAt(totalStep, totalSteps, options);
      network.zeroGrad();
      const logits = network.forward(batchInput, batch);
      const result = softmaxCrossEntropy(logits, batchLabels, 0, batch, classes, grad);
      if (!Number.isFinite(result.loss)) {
        throw new TrainingDivergedError(`training diverged at epoch ${epoch}, step ${step + 1}: loss is ${result.loss} (lower the learning rate)`);
      }
      network.backward(grad);
      maxNorm = Math.max(maxNorm, optimizer.step(lr));
      lossSum += result.loss * batch;
      correct += result.correct;
      seen += batch;
      totalStep++;
      if (options.onProgress && ((step + 1) % every === 0 || step + 1 === stepsPerEpoch)) {
        options.onProgress({
          epoch,
          epochs,
          step: step + 1,
          stepsPerEpoch,
          totalStep,
          totalSteps,
          loss: lossSum / seen,
          accuracy: correct / seen,
          learningRate: lr,
        });
      }
    }
    reports.push({ epoch, loss: lossSum / seen, accuracy: correct / seen, maxGradientNorm: maxNorm });
  }
  return reports;
}

/** Options of {@link trainModel}: those of {@link train} plus the name of the trained model. */
export interface TrainModelOptions extends TrainOptions {
  /** Name of the trained model (default: the input model's). */
  name?: string;
}

/** Trains a copy of `model` and returns it with the epoch reports; `model` is unchanged. Spec: §10.2.5 */
export function trainModel(model: Model, data: Dataset, options: TrainModelOptions): { model: Model; history: EpochReport[] } {
  const network = new TrainableNetwork(model, { maxBatch: options.batchSize ?? 64 });
  const history = train(network, data, options);
  return { model: network.toModel({ name: options.name }), history };
}

/**
 * Top-1 accuracy of `network` on `data` (the first largest output counts), evaluated in batches
 * of network.maxBatch. Spec: §10.2.5
 */
export function evaluateAccuracy(network: TrainableNetwork, data: Dataset, onProgress?: (done: number, total: number) => void): number {
  checkData(network, data);
  const size = shapeSize(data.inputShape);
  const classes = network.outputSize;
  let correct = 0;
  for (let start = 0; start < data.count; start += network.maxBatch) {
    const batch = Math.min(network.maxBatch, data.count - start);
    const out = network.forward(data.inputs.subarray(start * size, (start + batch) * size), batch);
    for (let n = 0; n < batch; n++) if (argmax(out, n * classes, classes) === data.labels[start + n]) correct++;
    onProgress?.(start + batch, data.count);
  }
  return data.count === 0 ? 0 : correct / data.count;
}
