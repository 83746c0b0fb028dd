/**
 * Garbled circuits: Boolean circuits and a builder with arithmetic gadgets, Bristol Fashion files,
 * a plaintext evaluator, and (in later sections) half-gates garbling and Delphi's ReLU circuits.
 * Spec: §5
 * @module
 */
export {
  Circuit, type CircuitDescription, type CircuitInput, type CircuitOutput, countGates, type GateCounts,
  type Party,
} from './circuit.js';
export { CircuitBuilder, type Wire } from './builder.js';
export { evaluatePlain } from './plain.js';
export { type BristolCircuit, type BristolOptions, parseBristol, writeBristol } from './bristol.js';
export {
  decodeOutputs, encodeInputs, evaluateGarbled, garble, type GarbledCircuit, type GarbleOptions,
  type GarblerSecrets, type Garbling, type GarblingScheme, inputZeroLabels, sampleDelta,
} from './garble.js';
export { deserializeGarbledCircuit, type GarbledMessage, serializeGarbledCircuit } from './serialize.js';
export { reluCircuit, type ReluKind, reluParams, type ReluParams } from './relu-circuit.js';
export {
  evaluateRelus, garbleRelus, type GarbleRelusOptions, reluClientChoiceBits, reluClientLabels,
  reluClientZeroLabels, reluCost, type ReluGarbling, reluReference, reluServerLabels,
} from './relu.js';
export {
  type BatchedGarbleOptions, evaluateRelusBatched, garbleRelusBatched, type GcTasks,
} from './parallel.js';
export { THREE_HALVES_CIPHERTEXT_BYTES, THREE_HALVES_TABLE_WORDS } from './threehalves.js';
