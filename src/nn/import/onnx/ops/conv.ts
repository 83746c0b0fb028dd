/**
 * Conv (§8.12.3): a 2-D convolution with a constant OIHW weight, optional bias, strides and
 * zero padding (pads, auto_pad, plus a preceding zero Pad node) → conv2d. Grouped, depthwise
 * and dilated convolutions are refused.
 *
 * Spec: §8.12.3
 * @module
 */
import { MalformedInputError } from '../../../../errors.js';
import { UnsupportedError } from '../../../errors.js';
import { conv2dOutputSize } from '../../../ops/conv2d.js';
import { formatShape } from '../../../tensor.js';
import { addPadding, padsFor, pairAttr, vector, type OnnxOperator } from '../context.js';

/** Conv → conv2d. Spec: §8.12.3 */
export const convOperator: OnnxOperator = {
  summary: 'Conv (2-D, group 1, no dilation; pads, auto_pad, strides, bias; a preceding zero Pad is merged) → conv2d',
  convert(ctx) {
    const { label, attrs } = ctx;
    const x = ctx.act(0, true);
    const w = ctx.constant(1);
    const b = ctx.optional(2);
    if (x.shape.length !== 3) throw new UnsupportedError(`${label}: Conv needs an [N, C, H, W] input, got ${formatShape(x.shape)} (without N)`);
    if (w.dims.length !== 4) throw new UnsupportedError(`${label}: only 2-D convolutions are supported (weight dims [${w.dims.join(', ')}]); use Conv2d`);
    const [m, c, kh, kw] = w.dims;
    if (attrs.int('group', 1) !== 1) throw new UnsupportedError(`${label}: grouped or depthwise convolution (group ≠ 1) is not supported; use groups=1`);
    if (c !== x.shape[0]) throw new MalformedInputError(`${label}: weight has ${c} input channels, the input has ${x.shape[0]}`);
    const dil = attrs.ints('dilations');
    if (dil && dil.some((d) => d !== 1)) throw new UnsupportedError(`${label}: dilated convolution is not supported; use dilation=1`);
    const ks = attrs.ints('kernel_shape');
    if (ks && (ks.length !== 2 || ks[0] !== kh || ks[1] !== kw)) throw new MalformedInputError(`${label}: kernel_shape disagrees with the weight`);
    const stride = pairAttr(attrs.ints('strides'), [1, 1], label, 'strides');
    const padding = addPadding(x.pendingPad, padsFor(attrs, x.shape, [kh, kw], stride, label));
    const bias = b === undefined ? new Float64Array(m) : vector(b, m, label, 'bias');
    const [oh, ow] = conv2dOutputSize({ inChannels: c, inHeight: x.shape[1], inWidth: x.shape[2], outChannels: m, kernel: [kh, kw], stride, padding });
    if (oh < 1 || ow < 1) throw new MalformedInputError(`${label}: empty output`);
    ctx.emit({ type: 'conv2d', input: x.layer, outChannels: m, kernel: [kh, kw], stride, padding, weights: w.data, bias }, [m, oh, ow]);
  },
};
