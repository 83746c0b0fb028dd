/**
 * The linear layers evaluated under BFV in Delphi's preprocessing phase, described by their shape
 * only (the server's weights are separate): 2-D convolution (full or depthwise — sum pooling and
 * per-channel scaling are depthwise convolutions) and fully connected layers. Also the plain
 * reference M·x mod p with BigInt arithmetic, against which the homomorphic evaluation is tested.
 *
 * Weights and inputs are elements of Z_p (p = 2061584302081); signed integers in (−p, p) are
 * accepted and read modulo p, so signed fixed-point weights can be passed as they are.
 *
 * Spec: §4.15
 * @module
 */
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../errors.js';
import { P } from '../math/share-field.js';

/**
 * A 2-D convolution (cross-correlation, as PyTorch/ONNX) over a [C_in, H, W] input in CHW order with
 * zero padding [top, left, bottom, right] and output [C_out, OH, OW] in CHW order.
 * Weights: OIHW, index ((o·C_in + i)·kh + ky)·kw + kx; with `depthwise` (C_out = C_in, each output
 * channel reads only its own input channel) [C, kh, kw], index (c·kh + ky)·kw + kx. Spec: §4.15
 */
export interface ConvShape {
  readonly kind: 'conv';
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  /** [kh, kw]. */
  readonly kernel: readonly [number, number];
  /** [sh, sw] (default [1, 1]). */
  readonly stride?: readonly [number, number];
  /** [top, left, bottom, right] (default no padding). */
  readonly padding?: readonly [number, number, number, number];
  /** Each output channel c reads input channel c only (C_out = C_in); default false. */
  readonly depthwise?: boolean;
}

/** A fully connected layer y = M·x, M of size out × in, row-major (index o·in + i). Spec: §4.15 */
export interface DenseShape {
  readonly kind: 'dense';
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** A linear layer evaluated under BFV. Spec: §4.15 */
export type LinearShape = ConvShape | DenseShape;

/** A convolution shape with every default filled in and its output size. Spec: §4.15 */
export interface ConvGeometry {
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly depthwise: boolean;
}

/** Upper bound on any dimension (keeps every index a safe small integer). */
const MAX_DIM = 2 ** 24;

function dim(v: unknown, what: string, min = 1): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > MAX_DIM) {
    throw new InvalidParametersError(`${what} must be an integer in [${min}, 2^24], got ${String(v)}`);
  }
  return v as number;
}

/** Validates a convolution shape and computes its output size. Spec: §4.15 */
export function convGeometry(shape: ConvShape): ConvGeometry {
  if (typeof shape !== 'object' || shape === null || shape.kind !== 'conv') {
    throw new InvalidArgumentError('expected a ConvShape { kind: "conv", … }');
  }
  const inChannels = dim(shape.inChannels, 'conv inChannels');
  const height = dim(shape.height, 'conv height');
  const width = dim(shape.width, 'conv width');
  const outChannels = dim(shape.outChannels, 'conv outChannels');
  if (!Array.isArray(shape.kernel) || shape.kernel.length !== 2) throw new InvalidParametersError('conv kernel must be [kh, kw]');
  const kh = dim(shape.kernel[0], 'conv kernel height');
  const kw = dim(shape.kernel[1], 'conv kernel width');
  const stride = shape.stride ?? [1, 1];
  if (!Array.isArray(stride) || stride.length !== 2) throw new InvalidParametersError('conv stride must be [sh, sw]');
  const sh = dim(stride[0], 'conv stride height');
  const sw = dim(stride[1], 'conv stride width');
  const padding = shape.padding ?? [0, 0, 0, 0];
  if (!Array.isArray(padding) || padding.length !== 4) throw new InvalidParametersError('conv padding must be [top, left, bottom, right]');
  const [padTop, padLeft, padBottom, padRight] = padding.map((v, i) => dim(v, `conv padding[${i}]`, 0));
  const depthwise = shape.depthwise === true;
  if (depthwise && outChannels !== inChannels) {
    throw new InvalidParametersError(`a depthwise convolution has as many output as input channels (${outChannels} ≠ ${inChannels})`);
  }
  const spanH = height + padTop + padBottom - kh;
  const spanW = width + padLeft + padRight - kw;
  if (spanH < 0 || spanW < 0) {
    throw new InvalidParametersError(`conv kernel ${kh}×${kw} is larger than the padded input ${height + padTop + padBottom}×${width + padLeft + padRight}`);
  }
  const outHeight = Math.floor(spanH / sh) + 1;
  const outWidth = Math.floor(spanW / sw) + 1;
  return {
    inChannels, height, width, outChannels, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, outHeight, outWidth, depthwise,
  };
}

/** Validates a dense shape. */
function denseDims(shape: DenseShape): { inFeatures: number; outFeatures: number } {
  if (typeof shape !== 'object' || shape === null || shape.kind !== 'dense') {
    throw new InvalidArgumentError('expected a DenseShape { kind: "dense", … }');
  }
  return { inFeatures: dim(shape.inFeatures, 'dense inFeatures'), outFeatures: dim(shape.outFeatures, 'dense outFeatures') };
}

/** Validates any linear shape (throws {@link InvalidParametersError} or {@link InvalidArgumentError}). Spec: §4.15 */
export function checkLinearShape(shape: LinearShape): void {
  if (typeof shape !== 'object' || shape === null) throw new InvalidArgumentError('expected a LinearShape');
  if (shape.kind === 'conv') convGeometry(shape);
  else if (shape.kind === 'dense') denseDims(shape);
  else throw new InvalidArgumentError(`unknown linear layer kind ${String((shape as { kind?: unknown }).kind)}`);
}

/** Number of input elements (C_in·H·W, or in). Spec: §4.15 */
export function linearInputSize(shape: LinearShape): number {
  if (shape?.kind === 'conv') {
    const g = convGeometry(shape);
    return g.inChannels * g.height * g.width;
  }
  return denseDims(shape).inFeatures;
}

/** Number of output elements (C_out·OH·OW, or out). Spec: §4.15 */
export function linearOutputSize(shape: LinearShape): number {
  if (shape?.kind === 'conv') {
    const g = convGeometry(shape);
    return g.outChannels * g.outHeight * g.outWidth;
  }
  return denseDims(shape).outFeatures;
}

/** Number of weights the layer takes (OIHW, [C, kh, kw] when depthwise, out·in for dense). Spec: §4.15 */
export function linearWeightCount(shape: LinearShape): number {
  if (shape?.kind === 'conv') {
    const g = convGeometry(shape);
    return (g.depthwise ? g.outChannels : g.outChannels * g.inChannels) * g.kh * g.kw;
  }
  const d = denseDims(shape);
  return d.inFeatures * d.outFeatures;
}

/**
 * Reads a vector of integers in (−p, p) into field elements in [0, p) (negative v ↦ p + v), checking
 * its length. Throws {@link SizeMismatchError} or {@link InvalidArgumentError}. Spec: §4.15
 */
export function toFieldElements(values: ArrayLike<number>, expected: number, what: string): Float64Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError(`${what}: expected an array of field elements`);
  }
  if (values.length !== expected) throw new SizeMismatchError(`${what}: expected ${expected} values, got ${values.length}`);
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v <= -P || v >= P) {
      throw new InvalidArgumentError(`${what}[${i}] = ${String(v)} is not an integer in (−p, p)`);
    }
    out[i] = v < 0 ? v + P : v + 0;
  }
  return out;
}

/**
 * Sum pooling with a k×k window and stride k (Delphi's replacement for average pooling, the division
 * being folded into the next layer) as a depthwise convolution: the shape and its all-ones weights.
 * Spec: §4.15
 */
export function sumPoolLayer(channels: number, height: number, width: number, k: number): { shape: ConvShape; weights: Float64Array } {
  const kk = dim(k, 'sum pool window');
  const shape: ConvShape = {
    kind: 'conv', inChannels: channels, height, width, outChannels: channels, kernel: [kk, kk], stride: [kk, kk], depthwise: true,
  };
  return { shape, weights: new Float64Array(linearWeightCount(shape)).fill(1) };
}

/**
 * The layer's map M·x mod p, computed with BigInt from the definition (cross-correlation with zero
 * padding; row-major dense product). The reference for the homomorphic evaluation. Spec: §4.15
 */
export function linearReference(shape: LinearShape, weights: ArrayLike<number>, input: ArrayLike<number>): Float64Array {
  const w = Array.from(toFieldElements(weights, linearWeightCount(shape), 'weights'), BigInt);
  const x = Array.from(toFieldElements(input, linearInputSize(shape), 'input'), BigInt);
  const p = BigInt(P);
  if (shape.kind === 'dense') {
    const { inFeatures, outFeatures } = denseDims(shape);
    const out = new Float64Array(outFeatures);
    for (let o = 0; o < outFeatures; o++) {
      let acc = 0n;
      for (let i = 0; i < inFeatures; i++) acc += w[o * inFeatures + i] * x[i];
      out[o] = Number(acc % p);
    }
    return out;
  }
  const g = convGeometry(shape);
  const out = new Float64Array(g.outChannels * g.outHeight * g.outWidth);
  for (let o = 0; o < g.outChannels; o++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        let acc = 0n;
        for (let i = 0; i < g.inChannels; i++) {
          if (g.depthwise && i !== o) continue;
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.sh + ky - g.padTop;
            if (iy < 0 || iy >= g.height) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * g.sw + kx - g.padLeft;
              if (ix < 0 || ix >= g.width) continue;
              const wi = g.depthwise ? (o * g.kh + ky) * g.kw + kx : ((o * g.inChannels + i) * g.kh + ky) * g.kw + kx;
              acc += w[wi] * x[(i * g.height + iy) * g.width + ix];
            }
          }
        }
        out[(o * g.outHeight + oy) * g.outWidth + ox] = Number(acc % p);
      }
    }
  }
  return out;
}
