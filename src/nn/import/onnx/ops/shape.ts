/**
 * The shape arithmetic that x.view(x.size(0), −1) exports (§8.12.3): Shape, Gather, Unsqueeze,
 * Squeeze, Concat and Cast evaluated at import time on constants (the batch dimension is 1), so
 * that the Reshape reading their result sees a constant target.
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import type { OnnxConstant, OnnxNodeContext, OnnxOperator } from '../context.js';

const constant = (dims: readonly number[], data: ArrayLike<number>): OnnxConstant => ({ kind: 'const', dims, data: Float64Array.from(data) });

function constantInput(ctx: OnnxNodeContext, k: number, what: string): OnnxConstant {
  const v = ctx.get(k);
  if (v.kind !== 'const') throw new UnsupportedError(`${ctx.label}: ${what} of a tensor computed from the model input is not supported; only shape arithmetic is evaluated`);
  return v;
}

/** Shape → the constant [1, ...shape] (start/end of opset 15 honoured). Spec: §8.12.3 */
export const shapeOperator: OnnxOperator = {
  summary: 'Shape → a constant (batch 1), for the x.view(n, −1) chain',
  convert(ctx) {
    const v = ctx.get(0);
    const dims = v.kind === 'const' ? [...v.dims] : [1, ...v.shape];
    const r = dims.length;
    const norm = (a: number): number => Math.min(r, Math.max(0, a < 0 ? a + r : a));
    const start = norm(ctx.attrs.int('start', 0));
    const end = norm(ctx.attrs.int('end', r));
    const out = dims.slice(start, end);
    ctx.alias(constant([out.length], out));
  },
};

/** Gather on a constant vector (axis 0). Spec: §8.12.3 */
export const gatherOperator: OnnxOperator = {
  summary: 'Gather of a constant vector (shape arithmetic) → a constant',
  convert(ctx) {
    const data = constantInput(ctx, 0, 'Gather');
    const idx = constantInput(ctx, 1, 'Gather');
    if (data.dims.length !== 1 || ctx.attrs.int('axis', 0) !== 0) throw new UnsupportedError(`${ctx.label}: Gather is supported only on constant vectors`);
    const n = data.data.length;
    const out = Array.from(idx.data, (i) => {
      const j = i < 0 ? i + n : i;
      if (!Number.isSafeInteger(j) || j < 0 || j >= n) throw new UnsupportedError(`${ctx.label}: Gather index ${i} out of range`);
      return data.data[j];
    });
    ctx.alias(constant(idx.dims, out));
  },
};

/** Unsqueeze / Squeeze of a constant: the same values with other dims. Spec: §8.12.3 */
export const unsqueezeOperator: OnnxOperator = {
  summary: 'Unsqueeze of a constant (shape arithmetic) → a constant',
  convert(ctx) {
    const c = constantInput(ctx, 0, 'Unsqueeze');
    const axes = ctx.optional(1) !== undefined ? Array.from(ctx.constant(1).data) : (ctx.attrs.ints('axes') ?? []);
    const dims = [...c.dims];
    const rank = dims.length + axes.length;
    for (const a of axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q)) dims.splice(a, 0, 1);
    ctx.alias(constant(dims, c.data));
  },
};

/** Squeeze of a constant. Spec: §8.12.3 */
export const squeezeOperator: OnnxOperator = {
  summary: 'Squeeze of a constant (shape arithmetic) → a constant',
  convert(ctx) {
    const c = constantInput(ctx, 0, 'Squeeze');
    const axes = ctx.optional(1) !== undefined ? Array.from(ctx.constant(1).data) : ctx.attrs.ints('axes');
    const r = c.dims.length;
    const drop = new Set((axes ?? c.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => (a < 0 ? a + r : a)));
    ctx.alias(constant(c.dims.filter((_, i) => !drop.has(i)), c.data));
  },
};

/** Concat of constant vectors. Spec: §8.12.3 */
export const concatOperator: OnnxOperator = {
  summary: 'Concat of constant vectors (shape arithmetic) → a constant',
  convert(ctx) {
    const parts = ctx.inputs.map((_, k) => constantInput(ctx, k, 'Concat'));
    if (parts.some((p) => p.dims.length !== 1)) throw new UnsupportedError(`${ctx.label}: Concat is supported only for constant vectors`);
    const out = parts.flatMap((p) => Array.from(p.data));
    ctx.alias(constant([out.length], out));
  },
};

/** Cast: values are kept as float64 (integers stay exact). Spec: §8.12.3 */
export const castOperator: OnnxOperator = {
  summary: 'Cast of a constant, or of an activation to float → the same values',
  convert(ctx) {
    const v = ctx.get(0);
    if (v.kind === 'layer' && ctx.attrs.int('to', 1) !== 1 && ctx.attrs.int('to', 1) !== 11) {
      throw new UnsupportedError(`${ctx.label}: Cast of an activation to a non-float type is not supported`);
    }
    ctx.alias(v);
  },
};
