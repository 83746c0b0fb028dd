/**
 * Relu and Clip (§8.12.3): Relu → relu; Clip(0, 6) (nn.ReLU6, bounds as attributes before
 * opset 11 and as inputs from 11 on) → relu6; Clip(0, ∞) → relu. Other bounds are refused.
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import type { OnnxOperator } from '../context.js';

/** Relu → relu. Spec: §8.12.3 */
export const reluOperator: OnnxOperator = {
  summary: 'Relu → relu (one garbled circuit per element)',
  convert(ctx) {
    const x = ctx.act(0);
    ctx.emit({ type: 'relu', input: x.layer }, x.shape);
  },
};

/** Clip(0, 6) → relu6, Clip(0, ∞) → relu. Spec: §8.12.3 */
export const clipOperator: OnnxOperator = {
  summary: 'Clip(0, 6) (ReLU6) → relu6; Clip(0, ∞) → relu; bounds as attributes (opset < 11) or inputs',
  convert(ctx) {
    const { label, attrs } = ctx;
    const x = ctx.act(0);
    const bound = (k: number, attr: string, fallback: number): number => {
      const c = ctx.optional(k);
      if (c !== undefined) {
        if (c.kind !== 'const' || c.data.length !== 1) throw new UnsupportedError(`${label}: Clip bounds must be scalar constants`);
        return c.data[0];
      }
      return attrs.float(attr, fallback);
    };
    const lo = bound(1, 'min', -Infinity);
    const hi = bound(2, 'max', Infinity);
    if (lo === 0 && hi === 6) ctx.emit({ type: 'relu6', input: x.layer }, x.shape);
    else if (lo === 0 && hi === Infinity) ctx.emit({ type: 'relu', input: x.layer }, x.shape);
    else throw new UnsupportedError(`${label}: only Clip(0, 6) (ReLU6) and Clip(0, ∞) (ReLU) are supported, got Clip(${lo}, ${hi}); use nn.ReLU6 or nn.ReLU`);
  },
};
