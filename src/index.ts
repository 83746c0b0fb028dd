/**
 * delphi-ts: private neural-network inference (Delphi, USENIX Security 2020) in pure TypeScript.
 *
 * Randomness, channels and errors are exported flat; every other primitive is exported as a
 * namespace (`import { math, bfv } from 'delphi-ts'`) and as its own entry point
 * (`import { forwardNtt } from 'delphi-ts/math'`).
 * @module delphi-ts
 */
export * from './errors.js';
export * from './random/index.js';
export * from './channel/index.js';
export * from './net/index.js';
export * as math from './math/index.js';
export * as hash from './hash/index.js';
export * as sharing from './sharing/index.js';
export * as beaver from './beaver/index.js';
export * as bfv from './bfv/index.js';
export * as heLinear from './he-linear/index.js';
export * as gc from './gc/index.js';
export * as ot from './ot/index.js';
export * as nn from './nn/index.js';
export * as protocol from './protocol/index.js';
export * as planner from './planner/index.js';
export * as workers from './workers/index.js';
export { VERSION } from './version.js';
