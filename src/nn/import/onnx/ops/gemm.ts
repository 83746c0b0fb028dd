/**
 * Gemm and MatMul (§8.12.3): a product of the [N, K] activation with a constant 2-D matrix
 * (transB, alpha, beta, bias C) → dense. MatMul's bias comes from a following Add (see add.ts).
 *
 * Spec: §8.12.3
 * @module
 */
import { MalformedInputError } from '../../../../errors.js';
import { UnsupportedError } from '../../../errors.js';
import { formatShape } from '../../../tensor.js';
import { vector, type OnnxNodeContext, type OnnxOperator } from '../context.js';

function convertProduct(ctx: OnnxNodeContext, gemm: boolean): void {
  const { label, attrs, op } = ctx;
  const a = ctx.act(0);
  const bMat = ctx.constant(1);
  if (a.shape.length !== 1) throw new UnsupportedError(`${label}: ${op} needs a [N, K] input; insert torch.flatten(x, 1) before it (input is ${formatShape(a.shape)} without N)`);
  const k = a.shape[0];
  const transA = gemm ? attrs.int('transA', 0) : 0;
  const transB = gemm ? attrs.int('transB', 0) : 0;
  if (transA !== 0) throw new UnsupportedError(`${label}: transA = 1 is not supported; multiply the activation from the left`);
  if (bMat.dims.length !== 2) throw new UnsupportedError(`${label}: the weight must be a 2-D constant`);
  const [r, cDim] = bMat.dims;
  const out = transB ? r : cDim;
  if ((transB ? cDim : r) !== k) throw new MalformedInputError(`${label}: weight dims [${bMat.dims.join(', ')}] do not fit ${k} inputs`);
  const alpha = gemm ? attrs.float('alpha', 1) : 1;
  const beta = gemm ? attrs.float('beta', 1) : 1;
  const weights = new Float64Array(out * k);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < k; i++) weights[o * k + i] = alpha * (transB ? bMat.data[o * k + i] : bMat.data[i * out + o]);
  }
  const cVal = gemm ? ctx.optional(2) : undefined;
  const bias = cVal === undefined ? new Float64Array(out) : vector(cVal, out, label, 'C').map((v) => v * beta);
  ctx.emit({ type: 'dense', input: a.layer, outFeatures: out, weights, bias }, [out]);
}

/** Gemm → dense. Spec: §8.12.3 */
export const gemmOperator: OnnxOperator = {
  summary: 'Gemm ([N, K] × constant, transB, alpha, beta, bias) → dense',
  convert: (ctx) => convertProduct(ctx, true),
};

/** MatMul → dense (a following Add of a constant becomes its bias). Spec: §8.12.3 */
export const matMulOperator: OnnxOperator = {
  summary: 'MatMul ([N, K] × constant [K, M]) → dense; an Add of a constant after it is its bias',
  convert: (ctx) => convertProduct(ctx, false),
};
