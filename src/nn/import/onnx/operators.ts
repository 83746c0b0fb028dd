/**
 * The operator table of the ONNX importer (§8.12.3): one handler per supported operator, and
 * for operators the secure protocol cannot evaluate, what to use instead. Everything else is
 * refused with the list of supported operators.
 *
 * Spec: §8.12.3
 * @module
 */
import type { OnnxOperator } from './context.js';
import { clipOperator, reluOperator } from './ops/activations.js';
import { addOperator } from './ops/add.js';
import { batchNormalizationOperator } from './ops/batch-norm.js';
import { constantOperator, transposeOperator } from './ops/constant.js';
import { convOperator } from './ops/conv.js';
import { gemmOperator, matMulOperator } from './ops/gemm.js';
import { padOperator } from './ops/pad.js';
import { dropoutOperator, identityOperator, softmaxOperator } from './ops/passthrough.js';
import { averagePoolOperator, globalAveragePoolOperator, reduceMeanOperator } from './ops/pool.js';
import { flattenOperator, reshapeOperator } from './ops/reshape.js';
import { castOperator, concatOperator, gatherOperator, shapeOperator, squeezeOperator, unsqueezeOperator } from './ops/shape.js';

/** Supported operators of the default ONNX domain, by op_type. Spec: §8.12.3 */
export const ONNX_OPERATORS: Readonly<Record<string, OnnxOperator>> = Object.freeze({
  Conv: convOperator,
  Gemm: gemmOperator,
  MatMul: matMulOperator,
  Add: addOperator,
  Sum: addOperator,
  BatchNormalization: batchNormalizationOperator,
  Relu: reluOperator,
  Clip: clipOperator,
  Pad: padOperator,
  AveragePool: averagePoolOperator,
  GlobalAveragePool: globalAveragePoolOperator,
  ReduceMean: reduceMeanOperator,
  Flatten: flattenOperator,
  Reshape: reshapeOperator,
  Shape: shapeOperator,
  Gather: gatherOperator,
  Unsqueeze: unsqueezeOperator,
  Squeeze: squeezeOperator,
  Concat: concatOperator,
  Cast: castOperator,
  Identity: identityOperator,
  Dropout: dropoutOperator,
  Softmax: softmaxOperator,
  LogSoftmax: softmaxOperator,
  Constant: constantOperator,
  Transpose: transposeOperator,
});

const USE_RELU = 'use ReLU or ReLU6 (Delphi evaluates only these and quadratics securely)';

/** What to use instead of operators that are refused. Spec: §8.12.3 */
export const ONNX_ALTERNATIVES: Readonly<Record<string, string>> = Object.freeze({
  MaxPool: 'use AvgPool2d (max pooling needs comparisons inside garbled circuits that delphi-ts does not implement)',
  GlobalMaxPool: 'use AdaptiveAvgPool2d(1)',
  Sigmoid: USE_RELU,
  Tanh: USE_RELU,
  LeakyRelu: USE_RELU,
  PRelu: USE_RELU,
  Elu: USE_RELU,
  Selu: USE_RELU,
  Gelu: USE_RELU,
  Softplus: USE_RELU,
  HardSigmoid: USE_RELU,
  HardSwish: USE_RELU,
  Mul: 'fold constant factors into the weights before exporting',
  Div: 'fold constant factors into the weights before exporting',
  Sub: 'fold constant offsets into the biases before exporting',
  ConvTranspose: 'use Conv2d (with padding) and AvgPool2d',
  Resize: 'resize inputs before inference',
  Upsample: 'resize inputs before inference',
  LRN: 'use BatchNorm2d',
  InstanceNormalization: 'use BatchNorm2d',
  LayerNormalization: 'use BatchNorm1d/BatchNorm2d',
});

/** The one-line refusal of an operator that has no handler. Spec: §8.12.3 */
export function refusalOf(op: string): string {
  const instead = ONNX_ALTERNATIVES[op];
  return instead !== undefined
    ? `operator ${op} is not supported; ${instead}`
    : `operator ${op} is not supported (supported: ${Object.keys(ONNX_OPERATORS).join(', ')})`;
}
