/**
 * The Delphi protocol: a client learns the output of the server's network on its input, with
 * input-independent preprocessing (homomorphic encryption for linear layers, garbled circuits
 * for ReLUs, Beaver square pairs for quadratic activations) and a fast online phase on additive
 * shares over Z_p. Backends are pluggable; {@link insecureDealer} is a fast insecure stand-in for
 * tests and teaching.
 *
 * Spec: §9
 * @module
 */
export * from './architecture.js';
export * from './messages.js';
export * from './linear.js';
export * from './local-layers.js';
export * from './backend.js';
export * from './insecure-dealer.js';
export * from './bfv-linear.js';
export * from './garbled-activations.js';
export * from './accounting.js';
export * from './session.js';
export * from './preprocess.js';
export * from './online.js';
export * from './client.js';
export * from './server.js';
export * from './local.js';
