/**
 * Average pooling as PyTorch exports it (§8.12.3): AveragePool (after the Pad node that
 * torch.onnx.export puts before it for count_include_pad=True, with zero or non-zero pads),
 * GlobalAveragePool (AdaptiveAvgPool2d(1)) and ReduceMean over H and W (torch.mean(x, (2, 3))).
 * Unpadded windows → avgPool2d. Padded windows with count_include_pad semantics (every window
 * divides by kh·kw, the zeros included) → a conv2d with the per-channel weights 1/(kh·kw) and the
 * padding: exactly the same function, evaluated by the linear-layer protocol.
 *
 * Spec: §8.12.3
 * @module
 */
import { MalformedInputError } from '../../../../errors.js';
import { UnsupportedError } from '../../../errors.js';
import type { Padding } from '../../../layers.js';
import { formatShape } from '../../../tensor.js';
import { addPadding, isZeroPadding, pairAttr, type OnnxActivation, type OnnxNodeContext, type OnnxOperator } from '../context.js';

/** Emits an average pooling of [C, H, W] (padded: as a per-channel conv2d). */
function emitAveragePool(ctx: OnnxNodeContext, layer: string, shape: readonly number[], kernel: [number, number], stride: [number, number], padding: Padding): OnnxActivation {
  const [c, h, w] = shape;
  const oh = Math.floor((h + padding[0] + padding[2] - kernel[0]) / stride[0]) + 1;
  const ow = Math.floor((w + padding[1] + padding[3] - kernel[1]) / stride[1]) + 1;
  if (oh < 1 || ow < 1) throw new MalformedInputError(`${ctx.label}: window larger than the (padded) input`);
  if (isZeroPadding(padding)) {
    return ctx.emit({ type: 'avgPool2d', input: layer, kernel, stride }, [c, oh, ow]);
  }
  const [kh, kw] = kernel;
  const weights = new Float64Array(c * c * kh * kw);
  for (let o = 0; o < c; o++) weights.fill(1 / (kh * kw), (o * c + o) * kh * kw, (o * c + o + 1) * kh * kw);
  ctx.note(`${ctx.label}: padded average pooling (count_include_pad) becomes a ${c}-channel convolution with weights 1/${kh * kw} on the diagonal`);
  return ctx.emit({ type: 'conv2d', input: layer, outChannels: c, kernel, stride, padding, weights, bias: new Float64Array(c) }, [c, oh, ow]);
}

/** AveragePool (and a preceding Pad) → avgPool2d, or a conv2d when padded. Spec: §8.12.3 */
export const averagePoolOperator: OnnxOperator = {
  summary: 'AveragePool (with or without the preceding Pad; count_include_pad exact) → avgPool2d, or a per-channel conv2d when padded',
  convert(ctx) {
    const { label, attrs } = ctx;
    const x = ctx.act(0, true);
    if (x.shape.length !== 3) throw new UnsupportedError(`${label}: AveragePool needs an [N, C, H, W] input, got ${formatShape(x.shape)} without N`);
    const kernel = pairAttr(attrs.ints('kernel_shape'), undefined, label, 'kernel_shape');
    const stride = pairAttr(attrs.ints('strides'), [1, 1], label, 'strides');
    const autoPad = attrs.string('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new UnsupportedError(`${label}: auto_pad ${autoPad} is not supported; give explicit padding`);
    const dil = attrs.ints('dilations');
    if (dil && dil.some((d) => d !== 1)) throw new UnsupportedError(`${label}: dilated pooling is not supported`);
    const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (attrs.ints('pads') ?? [0, 0, 0, 0]);
    if (pads.length !== 4 || pads.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new MalformedInputError(`${label}: pads must be 4 non-negative integers`);
    const own: Padding = [pads[0], pads[1], pads[2], pads[3]];
    if (!isZeroPadding(own) && attrs.int('count_include_pad', 0) === 0) {
      throw new UnsupportedError(
        `${label}: AveragePool with pads and count_include_pad = 0 divides edge windows by fewer elements, which is not supported; use AvgPool2d(count_include_pad=True) or padding=0`,
      );
    }
    const padding = addPadding(x.pendingPad, own);
    const [, h, w] = x.shape;
    if (attrs.int('ceil_mode', 0) !== 0 && ((h + padding[0] + padding[2] - kernel[0]) % stride[0] !== 0 || (w + padding[1] + padding[3] - kernel[1]) % stride[1] !== 0)) {
      throw new UnsupportedError(`${label}: ceil_mode = 1 with a partial last window is not supported; use ceil_mode=False`);
    }
    emitAveragePool(ctx, x.layer, x.shape, kernel, stride, padding);
  },
};

/** GlobalAveragePool → avgPool2d over the whole image. Spec: §8.12.3 */
export const globalAveragePoolOperator: OnnxOperator = {
  summary: 'GlobalAveragePool (AdaptiveAvgPool2d(1)) → avgPool2d over H×W',
  convert(ctx) {
    const x = ctx.act(0);
    if (x.shape.length !== 3) throw new UnsupportedError(`${ctx.label}: GlobalAveragePool needs an [N, C, H, W] input`);
    const [, h, w] = x.shape;
    emitAveragePool(ctx, x.layer, x.shape, [h, w], [h, w], [0, 0, 0, 0]);
  },
};

/** ReduceMean over H and W → avgPool2d (and flatten when keepdims = 0). Spec: §8.12.3 */
export const reduceMeanOperator: OnnxOperator = {
  summary: 'ReduceMean over axes (2, 3) of [N, C, H, W] (torch.mean(x, (2, 3))) → avgPool2d (+ flatten when keepdims = 0)',
  convert(ctx) {
    const { label, attrs } = ctx;
    const x = ctx.act(0);
    const axesInput = ctx.optional(1);
    const axes = axesInput !== undefined ? Array.from(ctx.constant(1).data) : attrs.ints('axes');
    const sorted = (axes ?? []).map((a) => (a < 0 ? a + 4 : a)).sort();
    if (x.shape.length !== 3 || sorted.length !== 2 || sorted[0] !== 2 || sorted[1] !== 3) {
      throw new UnsupportedError(`${label}: ReduceMean is supported only over the spatial axes (2, 3) of an [N, C, H, W] tensor; use torch.mean(x, dim=(2, 3)) or AdaptiveAvgPool2d(1)`);
    }
    const [c, h, w] = x.shape;
    const pooled = emitAveragePool(ctx, x.layer, x.shape, [h, w], [h, w], [0, 0, 0, 0]);
    if (attrs.int('keepdims', 1) === 0) {
      ctx.emit({ type: 'flatten', input: pooled.layer }, [c]);
    }
  },
};
