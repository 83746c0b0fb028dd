/**
 * Oblivious transfer: Chou–Orlandi base OT over ristretto255 and semi-honest IKNP/ALSZ or
 * SoftSpokenOT extension (chosen-message, correlated, random and random-correlated OT of 128-bit blocks).
 * This is how the Delphi client obtains the garbled-circuit labels of its inputs without revealing
 * them. Spec: §6
 * @module
 */
export * from './blocks.js';
export * from './transpose.js';
export * from './prg.js';
export { OT_TAG } from './wire.js';
export * from './base-ot.js';
export * from './iknp.js';
export * from './one-shot.js';
export * from './softspoken.js';
export { ggmChildren, ggmExpand, ggmPuncture, GGM_MAX_DEPTH, type GgmTree } from './ggm.js';
