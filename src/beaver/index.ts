/**
 * Beaver triples and square pairs (trusted dealer, pluggable sources), triples from BFV (§4.19), batched Beaver
 * multiplication and squaring over a Channel, and the quadratic activation.
 * Spec: §7.5, §7.6, §7.7, §7.8, §7.9
 * @module
 */
export * from './triples.js';
export * from './dealer.js';
export * from './source.js';
export * from './wire.js';
export * from './multiply.js';
export * from './quadratic.js';
export * from './bfv-triples.js';
export * from './bfv-wire.js';
