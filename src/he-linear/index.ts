/**
 * Homomorphic linear layers for Delphi's preprocessing (§4.15–§4.18), over the BFV scheme of
 * src/bfv: the shapes (convolution, dense), their slot layouts and packing plans, the rotation keys
 * and hoisted rotation routes they need, and the worst-case noise analysis that sizes the flooding.
 * Spec: §4.15, §4.16
 * @module
 */
export * from './shapes.js';
export * from './noise-bounds.js';
export * from './layout.js';
export * from './conv.js';
export * from './dense.js';
export * from './layer.js';
export * from './model-layers.js';
export * from './rotation-keys.js';
