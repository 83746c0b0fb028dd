/**
 * SGD with momentum, weight decay and clipping (§10.2) against the update rules of PyTorch's
 * `torch.nn.utils.clip_grad_norm_` and `torch.optim.SGD` (dampening 0, no Nesterov), written out
 * by hand in float64 for three steps.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { gradientNorm } from '../../src/planner/optimizer.js';
import { SgdMomentum, type Parameter } from '../../src/planner/index.js';

const param = (name: string, value: number[], decay: boolean): Parameter => ({
  name,
  value: Float32Array.from(value),
  grad: new Float32Array(value.length),
  decay,
});

describe('SgdMomentum', () => {
  it('follows v ← μv + clip(g) + λw, w ← w − lr·v', () => {
    const w = param('l.weights', [1, -2], true);
    const b = param('l.bias', [0.5], false);
    const opt = new SgdMomentum([w, b], { momentum: 0.9, weightDecay: 0.1, clipNorm: 1 });
    const grads = [
      [[3, 4], [0]], // norm 5 → scaled by 1/5
      [[0.1, 0.2], [0.2]], // norm 0.3 → unchanged
      [[0, 0], [-2]], // norm 2 → scaled by 1/2
    ];
    const ref = { w: [1, -2], b: [0.5], vw: [0, 0], vb: [0] };
    for (const [gw, gb] of grads) {
      w.grad.set(gw);
      b.grad.set(gb);
      const norm = Math.hypot(...gw, ...gb);
      expect(opt.step(0.1)).toBeCloseTo(norm, 6);
      const s = norm > 1 ? 1 / norm : 1;
      ref.vw = ref.vw.map((v, i) => 0.9 * v + gw[i] * s + 0.1 * ref.w[i]);
      ref.vb = ref.vb.map((v, i) => 0.9 * v + gb[i] * s);
      ref.w = ref.w.map((x, i) => x - 0.1 * ref.vw[i]);
      ref.b = ref.b.map((x, i) => x - 0.1 * ref.vb[i]);
      Array.from(w.value).forEach((x, i) => expect(x).toBeCloseTo(ref.w[i], 6));
      expect(b.value[0]).toBeCloseTo(ref.b[0], 6);
    }
  });

  it('gradientNorm is the global L2 norm', () => {
    const a = param('a', [0, 0], true);
    const b = param('b', [0], false);
    a.grad.set([3, 0]);
    b.grad.set([4]);
    expect(gradientNorm([a, b])).toBe(5);
  });

  it('rejects bad settings', () => {
    expect(() => new SgdMomentum([], { momentum: 1 })).toThrow(InvalidArgumentError);
    expect(() => new SgdMomentum([], { clipNorm: 0 })).toThrow(InvalidArgumentError);
    expect(() => new SgdMomentum([], { weightDecay: -1 })).toThrow(InvalidArgumentError);
    expect(() => new SgdMomentum([]).step(Number.NaN)).toThrow(InvalidArgumentError);
  });
});
