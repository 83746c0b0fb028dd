/**
 * delphi-ts: private neural-network inference (Delphi, USENIX Security 2020) in pure TypeScript.
 * Each primitive is also available as its own entry point (`delphi-ts/math`, `delphi-ts/random`, …).
 * @module
 */
export * from './errors.js';
export * from './random/index.js';
export * from './net/index.js';
export { VERSION } from './version.js';
