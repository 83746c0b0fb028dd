/**
 * Pad (§8.12.3): torch.onnx.export writes one before every AveragePool with count_include_pad
 * (pads often all zero). Zero pads → the input itself; constant-zero padding of H and W → kept
 * pending and merged into the Conv or AveragePool that reads it. Other modes, values or axes are
 * refused.
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import { addPadding, type OnnxOperator } from '../context.js';

/** Pad → nothing, or padding taken over by the next Conv / AveragePool. Spec: §8.12.3 */
export const padOperator: OnnxOperator = {
  summary: 'Pad (constant 0, H and W only; pads as attribute or input) → merged into the Conv / AveragePool that reads it',
  convert(ctx) {
    const { label, attrs, opset } = ctx;
    const x = ctx.act(0, true);
    const pads = opset >= 11 && ctx.inputs.length > 1 && ctx.inputs[1] !== '' ? Array.from(ctx.constant(1).data) : (attrs.ints('pads') ?? []);
    const valueInput = ctx.optional(2);
    const value = valueInput !== undefined ? ctx.constant(2).data[0] ?? 0 : attrs.float('value', 0);
    if (ctx.optional(3) !== undefined) throw new UnsupportedError(`${label}: Pad with an axes input is not supported`);
    const rank = x.shape.length + 1;
    if (pads.length !== 2 * rank) throw new UnsupportedError(`${label}: pads has ${pads.length} values for a rank-${rank} tensor`);
    if (pads.every((p) => p === 0)) {
      ctx.alias(x);
      return;
    }
    const mode = attrs.string('mode', 'constant');
    if (mode !== 'constant' || value !== 0) throw new UnsupportedError(`${label}: ${mode} padding with value ${value} is not supported; use zero padding (padding= of Conv2d / AvgPool2d)`);
    if (rank !== 4 || pads[0] !== 0 || pads[1] !== 0 || pads[4] !== 0 || pads[5] !== 0) {
      throw new UnsupportedError(`${label}: only padding of H and W of an [N, C, H, W] tensor is supported`);
    }
    if (pads.some((p) => p < 0 || !Number.isSafeInteger(p))) throw new UnsupportedError(`${label}: negative pads (cropping) are not supported`);
    ctx.alias({ ...x, pendingPad: addPadding(x.pendingPad, [pads[2], pads[3], pads[6], pads[7]]) });
  },
};
