/**
 * Add (§8.12.3): of two activations of equal shape → add (residual connection); of an
 * activation and a per-channel (or scalar) constant, right after a Conv/Gemm/MatMul read by
 * nothing else → folded into that layer's bias.
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import { formatShape, sameShape } from '../../../tensor.js';
import type { OnnxActivation, OnnxConstant, OnnxOperator } from '../context.js';

/** Add → add, or a bias folded into the preceding weighted layer. Spec: §8.12.3 */
export const addOperator: OnnxOperator = {
  summary: 'Add of two activations of equal shape → add (residual); Add of a per-channel constant after Conv/Gemm/MatMul → its bias',
  convert(ctx) {
    const { label, op } = ctx;
    if (ctx.inputs.length !== 2) throw new UnsupportedError(`${label}: ${op} with ${ctx.inputs.length} inputs is not supported; add two tensors at a time`);
    const [u, v] = [ctx.get(0), ctx.get(1)];
    if (u.kind === 'layer' && v.kind === 'layer') {
      if (u.pendingPad || v.pendingPad) ctx.act(u.pendingPad ? 0 : 1); // refuses with the Pad message
      if (!sameShape(u.shape, v.shape)) throw new UnsupportedError(`${label}: broadcasting Add of ${formatShape(u.shape)} and ${formatShape(v.shape)} is not supported; add tensors of equal shape`);
      ctx.emit({ type: 'add', inputs: [u.layer, v.layer] }, u.shape);
      return;
    }
    if (u.kind === 'const' && v.kind === 'const') throw new UnsupportedError(`${label}: Add of two constants is not supported; export with do_constant_folding=True`);
    const [t, c, tName] = u.kind === 'layer' ? [u, v as OnnxConstant, ctx.inputs[0]] : [v as OnnxActivation, u, ctx.inputs[1]];
    const lin = ctx.producer(t.layer);
    if (!lin || (lin.type !== 'conv2d' && lin.type !== 'dense') || ctx.readers(tName) !== 1) {
      throw new UnsupportedError(`${label}: adding a constant is supported only as the bias of a Conv/Gemm/MatMul output read by nothing else; use the layer's bias`);
    }
    // NumPy broadcasting against the ONNX shape [1, ...shape]: the constant may vary along the
    // channel axis (1) only.
    const full = [1, ...t.shape];
    const channels = t.shape[0];
    const padded = [...new Array<number>(Math.max(0, full.length - c.dims.length)).fill(1), ...c.dims];
    const scalar = c.data.length === 1 && padded.every((d) => d === 1);
    const perChannel = padded.length === full.length && padded[1] === channels && padded.every((d, i) => i === 1 || d === 1);
    if (!scalar && !perChannel) {
      throw new UnsupportedError(`${label}: a constant of dims [${c.dims.join(', ')}] is not a per-channel bias of ${formatShape(full)}; use the layer's bias`);
    }
    const bias = lin.bias as Float64Array;
    for (let i = 0; i < channels; i++) bias[i] += c.data.length === 1 ? c.data[0] : c.data[i];
    ctx.alias(t);
  },
};
