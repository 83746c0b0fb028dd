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
export * from './errors.js';
export * from './tensor.js';
export * from './layers.js';
export * from './model.js';
export * from './json.js';
export * from './float-eval.js';
export * from './batch-norm.js';
export * from '../sharing/signed-fixed-point.js';
export * from '../sharing/activations.js';
export * from './fixed-model.js';
export * from './compile.js';
export * from './fixed-eval.js';
export * from './fixed-eval-reference.js';
export * from './range.js';
export * from './precision.js';
export * from './loader.js';
export * from './protobuf.js';
export * from './onnx.js';
export * from './mnist.js';
export * from './init.js';
export * from './architectures.js';
export * from './paper-networks.js';
export * from './stats.js';
export { encodeBase64, decodeBase64 } from './base64.js';
export { conv2dForward, conv2dOutputSize, type Conv2dGeometry } from './ops/conv2d.js';
export { denseForward } from './ops/dense.js';
export { sumPool2dForward, poolOutputSize } from './ops/pool.js';
