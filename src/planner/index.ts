/**
 * The planner (§10): training in TypeScript on Float32Array kernels — conv2d, dense, average
 * pooling, ReLU, ReLU6, quadratic activations (with a ReLU6 → quadratic blend), residual adds and
 * frozen batch norm; softmax cross-entropy; SGD with momentum, weight decay and gradient
 * clipping; seeded shuffling. Everything here runs in browsers; the `delphi train` command reads
 * MNIST from disk.
 *
 * Spec: §10
 * @module
 */
export * from './gemm.js';
export * from './im2col.js';
export * from './network.js';
export * from './loss.js';
export * from './optimizer.js';
export * from './dataset.js';
export * from './train.js';
export * from './recipes.js';
export * from './accuracy.js';
export * from './cost-model.js';
export * from './search.js';
export * from './report.js';
