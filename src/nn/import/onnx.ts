/**
 * ONNX import (§8.12) of what torch.onnx.export writes (opsets 11–17) for the layers delphi-ts
 * evaluates: the protobuf layer (./onnx/proto.ts), the per-operator handlers (./onnx/ops/, listed
 * in ./onnx/operators.ts) and the driver (./onnx/import.ts).
 *
 * Spec: §8.12
 * @module
 */
export { ONNX_FIELDS, ONNX_DATA_TYPES, decodeOnnxTensor } from './onnx/proto.js';
export { ONNX_OPERATORS, ONNX_ALTERNATIVES, refusalOf } from './onnx/operators.js';
export type { OnnxOperator, OnnxNodeContext, OnnxValue, OnnxConstant, OnnxActivation } from './onnx/context.js';
export { importOnnx, importOnnxReport, type OnnxImport, type OnnxImportOptions } from './onnx/import.js';
