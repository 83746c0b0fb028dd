/**
 * Garbled circuits: Boolean circuits and a builder with arithmetic gadgets, Bristol Fashion files,
 * a plaintext evaluator, and (in later sections) half-gates garbling and Delphi's ReLU circuits.
 * Spec: §5
 * @module
 */
export * from './circuit.js';
export * from './builder.js';
export * from './gadgets.js';
export * from './values.js';
export * from './plain.js';
export * from './bristol.js';
export * from './garble.js';
export * from './local.js';
export * from './halfgates-reference.js';
export * from './serialize.js';
export * from './relu-circuit.js';
export * from './relu.js';
export { labelPlan, type LabelPlan } from './plan.js';
export * from './parallel.js';
