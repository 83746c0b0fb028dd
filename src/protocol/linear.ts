/**
 * Linear layers on one party's share, over Z_p: the server applies its weighted layers to its
 * share online, the client its sum-pooling layers during preprocessing, and the insecure dealer
 * computes M·c. Weights are signed integers (§8.8.5) and a share entry, read as its signed
 * representative, has up to 40 bits, so a product may not fit a double; the share is split into
 * limbs small enough that every partial sum of the float kernels of §8.2 is an exact integer, and
 * the limbs are recombined mod p. With the small weights of real networks (row norms up to 2^13)
 * one pass suffices.
 *
 * Spec: §9.6
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P, reduceModP as shareFieldReduceModP } from '../math/share-field.js';
import { linearBias, linearRowNorm, linearWeights, runLinearKernel, type LinearLayer } from '../nn/linear-layers.js';
import { exactLinearBig } from '../nn/fixed-eval-reference.js';
import { shapeSize } from '../nn/tensor.js';

// Module-local aliases (see src/sharing/additive.ts): keeps hot loops optimisable under Vitest.
const P = SHARE_FIELD_P;
const mulModP = shareFieldMulModP;
const reduceModP = shareFieldReduceModP;

/** Bits of a signed share entry: (p − 1)/2 < 2^40. */
const SIGNED_BITS = 40;
const P_HALF = (P - 1) / 2;
const EXACT = 2 ** 53;

export type { SumPoolLike } from '../nn/linear-layers.js';

/** A layer {@link applyLinearModP} accepts: a weighted layer (with weights) or a sum pooling. Spec: §9.6 */
export type LinearModPLayer = LinearLayer;

/** Options of {@link applyLinearModP}. */
export interface LinearModPOptions {
  /** Add the layer's bias (the server does, once; default false). */
  readonly bias?: boolean;
}

/**
 * The limb width b of {@link applyLinearModP}: the largest b ≤ 40 with (max_o Σ_i |w_o,i|)·2^b ≤
 * 2^53, or 0 when even one-bit limbs could overflow (the BigInt path is then used). Spec: §9.6
 */
export function linearLimbBits(layer: LinearModPLayer): number {
  const norm = linearRowNorm(layer);
  if (norm === 0) return SIGNED_BITS;
  let b = 0;
  while (b < SIGNED_BITS && norm * 2 ** (b + 1) <= EXACT) b++;
  return b;
}

function expectedInputLength(layer: LinearModPLayer): number {
  return shapeSize(layer.inputShape);
}

/** Runs the layer's float kernel on integer-valued input, without bias. */
function kernel(layer: LinearModPLayer, x: Float64Array): Float64Array {
  return runLinearKernel(layer, x, linearWeights(layer), null);
}


/**
 * The layer's linear map (§8.9.1 for conv2d, dense and scale; the window sums of §8.2.3 for
 * sumPool2d) applied to a field vector, every weight read as its signed integer, the result
 * reduced mod p; with `bias: true` the bias is added too. Exact for any weights: limbs of
 * {@link linearLimbBits} bits through the float kernels, or BigInts when that is 0. Spec: §9.6
 */
export function applyLinearModP(layer: LinearModPLayer, x: Float64Array, options: LinearModPOptions = {}): Float64Array {
  if (!(x instanceof Float64Array)) throw new InvalidArgumentError('applyLinearModP: expected a Float64Array share');
  const n = expectedInputLength(layer);
  if (x.length !== n) {
    throw new SizeMismatchError(`applyLinearModP: layer expects ${n} input elements, the share has ${x.length}`);
  }
  const b = linearLimbBits(layer);
  const out = b === 0 ? bigintPath(layer, x) : limbPath(layer, x, b);
  const bias = options.bias ? linearBias(layer) : null;
  if (bias) addBias(layer, out, bias);
  return out;
}

function limbPath(layer: LinearModPLayer, x: Float64Array, b: number): Float64Array {
  // Signed representatives: |x| ≤ (p − 1)/2 < 2^40.
  const signed = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) signed[i] = x[i] > P_HALF ? x[i] - P : x[i];
  if (b >= SIGNED_BITS) {
    const y = kernel(layer, signed);
    for (let i = 0; i < y.length; i++) y[i] = reduceModP(y[i]);
    return y;
  }
  // Limbs 0 … L−2 are the low b bits (in [0, 2^b)); the top limb is the signed rest, of magnitude
  // at most 2^(40 − b·(L−1)) ≤ 2^b.
  const limbs = Math.ceil(SIGNED_BITS / b);
  const base = 2 ** b;
  const inv = 2 ** -b;
  const rest = signed;
  const limb = new Float64Array(x.length);
  let acc: Float64Array | null = null;
  for (let j = 0; j < limbs; j++) {
    if (j < limbs - 1) {
      for (let i = 0; i < rest.length; i++) {
        const hi = Math.floor(rest[i] * inv);
        limb[i] = rest[i] - hi * base;
        rest[i] = hi;
      }
    } else {
      limb.set(rest);
    }
    const y = kernel(layer, limb);
    // 2^(b·j) < 2^40 < p, so the factor is already a field element.
    const factor = 2 ** (b * j);
    if (acc === null) {
      acc = y;
      for (let i = 0; i < y.length; i++) acc[i] = reduceModP(y[i]);
    } else {
      for (let i = 0; i < y.length; i++) {
        const s = acc[i] + mulModP(reduceModP(y[i]), factor);
        acc[i] = s >= P ? s - P : s;
      }
    }
  }
  return acc!;
}

function bigintPath(layer: LinearModPLayer, x: Float64Array): Float64Array {
  if (layer.op === 'sumPool2d') {
    // Unreachable for real layers (kernel area ≤ 2^28 < 2^53); kept for completeness.
    throw new InvalidArgumentError('applyLinearModP: pooling window too large');
  }
  const zeroBias = { ...layer, bias: new Float64Array(layer.bias.length) };
  const big = exactLinearBig(zeroBias, Array.from(x, (v) => BigInt(v)));
  const p = BigInt(P);
  return Float64Array.from(big, (v) => Number(((v % p) + p) % p));
}

function addBias(layer: LinearModPLayer, out: Float64Array, bias: Float64Array): void {
  const channels = bias.length;
  // conv2d and scale: one bias per channel (dimension 0); dense: one per output element.
  const per = layer.op === 'dense' ? 1 : out.length / channels;
  for (let c = 0; c < channels; c++) {
    const v = reduceModP(bias[c]);
    if (v === 0) continue;
    for (let i = c * per, end = (c + 1) * per; i < end; i++) {
      const s = out[i] + v;
      out[i] = s >= P ? s - P : s;
    }
  }
}
