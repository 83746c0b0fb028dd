/**
 * Counting what a model costs the secure protocol.
 *
 * Spec: §8.3
 * @module
 */
import type { Model } from './layers.js';
import { validateModel } from './model.js';
import { shapeSize } from './tensor.js';

/** Number of activation evaluations (elements) per activation kind. Spec: §8.3 */
export interface ActivationCounts {
  readonly relu: number;
  readonly relu6: number;
  readonly quadratic: number;
  readonly total: number;
}

/**
 * Counts the elements of every activation layer: each ReLU/ReLU6 element costs one garbled
 * circuit, each quadratic element one Beaver triple. Spec: §8.3
 */
export function countActivations(model: Model): ActivationCounts {
  const counts = { relu: 0, relu6: 0, quadratic: 0 };
  for (const node of validateModel(model).nodes) {
    const t = node.layer.type;
    if (t === 'relu' || t === 'relu6' || t === 'quadratic') counts[t] += shapeSize(node.shape);
  }
  return { ...counts, total: counts.relu + counts.relu6 + counts.quadratic };
}
