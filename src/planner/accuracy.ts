/**
 * Test accuracy of a model in float (the trainer's float32 forward pass) and in fixed point (the
 * normative evaluator of §8.9, i.e. what secure inference outputs), as recorded in the `accuracy`
 * metadata of shipped models (§10.3).
 *
 * Spec: §10.3
 * @module
 */
import { compileFixedPoint, evaluateFixedPoint, type Model } from '../nn/index.js';
import { shapeSize } from '../nn/tensor.js';
import type { Dataset } from './dataset.js';
import { argmax } from './loss.js';
import { TrainableNetwork } from './network.js';
import { evaluateAccuracy } from './train.js';

/** Top-1 accuracies of a model on a data set. Spec: §10.3 */
export interface AccuracyReport {
  readonly samples: number;
  /** Float evaluation (float32 weights and activations). */
  readonly float: number;
  /** Fixed-point evaluation at the model's fractional bits (omitted when not measured). */
  readonly fixedPoint?: number;
  readonly fractionalBits?: number;
}

/** Options of {@link measureAccuracy}. */
export interface MeasureAccuracyOptions {
  /** Also run the fixed-point evaluator on every sample (slower: milliseconds per sample). */
  fixedPoint?: boolean;
  onProgress?: (phase: 'float' | 'fixed-point', done: number, total: number) => void;
}

/**
 * Measures top-1 accuracy in float and, if asked, in fixed point (compileFixedPoint then
 * evaluateFixedPoint per sample; the prediction is the first largest decoded logit). Spec: §10.3
 */
export function measureAccuracy(model: Model, data: Dataset, options: MeasureAccuracyOptions = {}): AccuracyReport {
  const float = evaluateAccuracy(new TrainableNetwork(model, { maxBatch: 100 }), data, (d, t) => options.onProgress?.('float', d, t));
  if (!options.fixedPoint) return { samples: data.count, float };
  const compiled = compileFixedPoint(model);
  const size = shapeSize(data.inputShape);
  let correct = 0;
  for (let n = 0; n < data.count; n++) {
    const { decoded } = evaluateFixedPoint(compiled, data.inputs.subarray(n * size, (n + 1) * size));
    if (argmax(decoded) === data.labels[n]) correct++;
    if ((n + 1) % 100 === 0 || n + 1 === data.count) options.onProgress?.('fixed-point', n + 1, data.count);
  }
  return { samples: data.count, float, fixedPoint: correct / data.count, fractionalBits: model.fractionalBits };
}
