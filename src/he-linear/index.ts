/**
 * Homomorphic linear layers for Delphi's preprocessing (§4.15–§4.18), over the BFV scheme of
 * src/bfv: the shapes (convolution, dense), their slot layouts and packing plans, the rotation keys
 * and hoisted rotation routes they need, and the worst-case noise analysis that sizes the flooding.
 * Spec: §4.15, §4.16
 * @module
 */
export {
  type ConvGeometry, type ConvShape, type DenseShape, linearInputSize, linearOutputSize, linearReference,
  type LinearShape, linearWeightCount,
} from './shapes.js';
export { linearNoiseModel, type LinearNoiseModel } from './noise-bounds.js';
export { type LinearPlanBase } from './layout.js';
export {
  type ConvPlan, type ConvPlanOptions, type ConvTap, type ConvTerm, type ConvTile, type PlaintextSource,
} from './conv.js';
export { type DenseItem, type DensePlaintextSource, type DensePlan } from './dense.js';
export {
  decryptLinearOutput, encryptLinearInput, evaluateLinearLayer, type EvaluateLinearOptions,
  generateLinearGaloisKeys, type LinearEvaluation, linearGaloisElements, type LinearModelPlanOptions,
  type LinearPlan, type LinearPlanOptions, type LinearServerKeys, planLinearLayer, planLinearLayers,
  type PreparedLinearLayer, prepareLinearLayer, type PrepareOptions,
} from './layer.js';
export { type FixedPointLinearLayer, type LinearLayerGeometry, linearLayerOf, linearShapeOf } from './model-layers.js';
export { chooseRotationKeys, rotationRoutes, type RotationRoutes } from './rotation-keys.js';
