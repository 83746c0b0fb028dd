/**
 * Test vectors: the Wycheproof-style file format of vectors/, its JSON Schema, the deterministic
 * generators of every family and the transcript recorder used for protocol vectors. Browser-safe:
 * generation returns texts; writing (and gzip) is the CLI's job. Spec: §12
 * @module
 */
export * from './format.js';
export * from './encoding.js';
export * from './fields.js';
export * from './schema.js';
export * from './builder.js';
export * from './transcript.js';
export * from './family.js';
export * from './generate.js';
