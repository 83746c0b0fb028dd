/**
 * Additive secret sharing over the share field Z_p (p = 2061584302081), fixed-point encoding and
 * local truncation of shares. Spec: §7.1, §7.2, §7.3, §7.4
 * @module
 */
export * from './field-vector.js';
export * from './additive.js';
export * from './fixed-point.js';
export * from './truncation.js';
