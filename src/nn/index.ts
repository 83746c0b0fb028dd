/**
 * The plaintext neural-network layer of delphi-ts: layers and models (CHW tensors, batch 1),
 * the JSON model format, the float evaluator, the normative fixed-point reference evaluator over
 * Z_p (p = 2061584302081) that the secure protocol must reproduce, range analysis, ONNX import,
 * IDX/MNIST parsing and the reference networks of the Delphi paper. Everything here runs in
 * browsers; Node-only MNIST file loading (`loadMnist`) lives in src/cli/mnist.ts.
 *
 * Spec: §8
 * @module
 */
export { UnsupportedError } from './errors.js';
export { formatShape, type Shape, shapeSize } from './tensor.js';
export {
  type AddLayer, type AvgPool2dLayer, type BatchNormLayer, type Conv2dLayer, DELPHI_QUADRATIC,
  type DenseLayer, type FlattenLayer, type Layer, type LayerType, type MetadataValue, type Model,
  type ModelMetadata, type Padding, type Pair, type QuadraticLayer, type Relu6Layer, type ReluLayer,
} from './layers.js';
export {
  createModel, type GraphNode, type LayerSpec, type ModelErrorClass, type ModelGraph, type ModelSpec,
  normalizeModel, type NumericArray, validateModel,
} from './model.js';
export {
  MODEL_FORMAT, parseModel, serializeModel, type SerializeOptions, type WeightEncoding,
} from './import/json.js';
export { evaluateFloat, type FloatTrace, traceFloat } from './float-eval.js';
export { foldBatchNorm } from './batch-norm.js';
export {
  type FixedPointAdd, type FixedPointConv2d, type FixedPointDense, type FixedPointFlatten,
  type FixedPointLayer, type FixedPointModel, type FixedPointQuadratic, type FixedPointRelu,
  type FixedPointRelu6, type FixedPointScale, type FixedPointSumPool2d, type ScaleUnits,
} from './fixed-model.js';
export { compileFixedPoint, type CompileOptions } from './compile.js';
export {
  encodeInput, evaluateFixedPoint, type EvaluateFixedPointOptions, type FixedPointResult,
  type FixedPointTraceEntry,
} from './fixed-eval.js';
export { evaluateFixedPointReference } from './fixed-eval-reference.js';
export { analyzeRange, type RangeEntry, type RangeReport } from './range.js';
export {
  checkFixedPointPrecision, chooseFixedPointPrecision, type PrecisionCandidate, type PrecisionChoice,
  type PrecisionOptions,
} from './precision.js';
export {
  isJsonModelBytes, type LoadedModel, loadModelBytes, type LoadModelOptions, modelInputShape,
} from './loader.js';
export {
  type IdxImages, type IdxOptions, normalizeIdxImage, parseIdxImages, parseIdxLabels,
} from './mnist.js';
export {
  type ActivationChoice, type ArchitectureOptions, delphiMnistNetwork, minionnCifar10Network,
  smallMnistNetwork,
} from './architectures.js';
export {
  MINIONN_RELU_LAYERS, paperActivations, paperNetwork, type PaperNetwork, type PaperNetworkOptions,
  RESNET32_QUADRATIC_LAYERS, resnet32Network,
} from './paper-networks.js';
export { type ActivationCounts, countActivations } from './stats.js';
export { ONNX_OPERATORS } from './import/onnx/operators.js';
export { type OnnxNodeContext, type OnnxOperator } from './import/onnx/context.js';
export { importOnnx, importOnnxReport, type OnnxImport, type OnnxImportOptions } from './import/onnx/import.js';
