/**
 * Flatten and Reshape (§8.12.3): torch.flatten(x, 1) exports Flatten(axis = 1); x.view(n, −1)
 * and x.reshape(n, −1) export Reshape with a shape computed by Shape → Gather → Unsqueeze →
 * Concat (shape.ts evaluates that chain to a constant). Both → flatten; a Reshape that keeps
 * the shape → the input itself.
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import { sameShape, shapeSize } from '../../../tensor.js';
import type { OnnxActivation, OnnxNodeContext, OnnxOperator } from '../context.js';

function flattenTo(ctx: OnnxNodeContext, x: OnnxActivation): void {
  if (x.shape.length === 1) ctx.alias(x);
  else ctx.emit({ type: 'flatten', input: x.layer }, [shapeSize(x.shape)]);
}

/** Flatten(axis = 1) → flatten. Spec: §8.12.3 */
export const flattenOperator: OnnxOperator = {
  summary: 'Flatten (axis 1: torch.flatten(x, 1), nn.Flatten()) → flatten',
  convert(ctx) {
    const x = ctx.act(0);
    const axis = ctx.attrs.int('axis', 1);
    if (axis !== 1 && !(axis === -1 && x.shape.length === 1)) throw new UnsupportedError(`${ctx.label}: Flatten with axis ${axis} is not supported; use torch.flatten(x, 1)`);
    flattenTo(ctx, x);
  },
};

/** Reshape to [1, −1] (or [N, K] resolved) → flatten; to the same shape → nothing. Spec: §8.12.3 */
export const reshapeOperator: OnnxOperator = {
  summary: 'Reshape to [N, −1] (x.view(n, −1), with its Shape/Gather/Unsqueeze/Concat chain) → flatten',
  convert(ctx) {
    const x = ctx.act(0);
    const target = ctx.constant(1).data;
    const full = [1, ...x.shape];
    const size = shapeSize(full);
    const dims = Array.from(target, (d, i) => (d === 0 && ctx.attrs.int('allowzero', 0) === 0 ? full[i] : d));
    const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const resolved = dims.map((d) => (d === -1 ? size / known : d));
    if (resolved.length === 2 && resolved[0] === 1 && resolved[1] === size) flattenTo(ctx, x);
    else if (sameShape(resolved, full)) ctx.alias(x);
    else throw new UnsupportedError(`${ctx.label}: Reshape to [${Array.from(target).join(', ')}] is not supported; only flattening with x.view(x.size(0), -1)`);
  },
};
