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
export * from './reference.js';
export * from './serialize.js';
export * from './relu-circuit.js';
export * from './relu.js';
export { labelPlan, type LabelPlan } from './plan.js';
export * from './parallel.js';
export {
  THREE_HALVES_CIPHERTEXT_BYTES,
  THREE_HALVES_CONTROL_BITS,
  THREE_HALVES_DOMAIN,
  THREE_HALVES_FORMS,
  THREE_HALVES_RP,
  THREE_HALVES_S1,
  THREE_HALVES_S2,
  THREE_HALVES_TABLE_WORDS,
} from './threehalves.js';
export * from './threehalves-reference.js';
