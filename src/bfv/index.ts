/**
 * BFV homomorphic encryption in RNS form, interoperable with Microsoft SEAL 4.1: parameters and
 * security check, keys, encryption, batching, homomorphic operations, key switching (relinearization,
 * rotations), noise budget and noise flooding, and SEAL's serialization format. Spec: §4
 * @module
 */
export * from './params.js';
export * from './parms-id.js';
export * from './context.js';
export * from './types.js';
export * from './poly.js';
export * from './sampling.js';
export * from './scaling.js';
export * from './keys.js';
export * from './encrypt.js';
export * from './encoder.js';
export * from './evaluator.js';
export * from './galois.js';
export * from './keyswitch.js';
export * from './serialize.js';
export * from './compact.js';
export * from './seal-compression.js';
export * from './noise.js';
export * from './multiply.js';
export * from './reference.js';
export * from './detect.js';
export * from './blake2xb.js';
export * from './seal-prng.js';
export * from './hoisting.js';
export * from './rotation-keys.js';
export * from './linear-shapes.js';
export * from './linear-noise.js';
export * from './linear-layout.js';
export * from './linear-conv.js';
export * from './linear-dense.js';
export * from './linear.js';
export * from './linear-nn.js';
