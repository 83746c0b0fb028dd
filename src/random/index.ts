/**
 * Seedable randomness: the {@link Rng} interface, its ChaCha20 implementation and samplers.
 * Spec: §2
 * @module
 */
export * from './rng.js';
export * from './samplers.js';
