/**
 * Softmax cross-entropy (§10.2) against the textbook formula −log(e^{z_y} / Σ e^{z_j}) computed
 * directly (no max shift) on small logits, its gradient against finite differences, and its
 * behaviour on logits that would overflow exp without the shift.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { argmax } from '../../src/planner/loss.js';
import { softmaxCrossEntropy } from '../../src/planner/index.js';

describe('softmaxCrossEntropy', () => {
  const logits = Float32Array.from([1, 2, 0.5, -1, 0, 3]);
  const labels = [1, 2];

  const direct = (z: number[], y: number): number => -Math.log(Math.exp(z[y]) / z.reduce((s, v) => s + Math.exp(v), 0));

  it('is the mean of −log softmax at the label', () => {
    const r = softmaxCrossEntropy(logits, labels, 0, 2, 3);
    const expected = (direct([1, 2, 0.5], 1) + direct([-1, 0, 3], 2)) / 2;
    expect(r.loss).toBeCloseTo(expected, 12);
    expect(r.correct).toBe(2);
  });

  it('gradient = (softmax − one-hot)/batch, checked by finite differences', () => {
    const grad = new Float32Array(6);
    softmaxCrossEntropy(logits, labels, 0, 2, 3, grad);
    const h = 1e-3;
    for (let i = 0; i < 6; i++) {
      const up = Float32Array.from(logits);
      const down = Float32Array.from(logits);
      up[i] += h;
      down[i] -= h;
      const numeric = (softmaxCrossEntropy(up, labels, 0, 2, 3).loss - softmaxCrossEntropy(down, labels, 0, 2, 3).loss) / (2 * h);
      expect(grad[i]).toBeCloseTo(numeric, 4);
    }
  });

  it('large logits do not overflow', () => {
    const r = softmaxCrossEntropy(Float32Array.from([1000, 0, -1000]), [1], 0, 1, 3);
    expect(r.loss).toBeCloseTo(1000, 6);
  });

  it('reads labels at an offset and rejects labels out of range', () => {
    expect(softmaxCrossEntropy(logits, [9, 9, 1, 2], 2, 2, 3).loss).toBeCloseTo(softmaxCrossEntropy(logits, labels, 0, 2, 3).loss, 12);
    expect(() => softmaxCrossEntropy(logits, [3, 0], 0, 2, 3)).toThrow(InvalidArgumentError);
  });

  it('argmax takes the first largest value', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(argmax([0, 0, 5, 1, 9], 2, 2)).toBe(0);
  });
});
