/**
 * Fast modular arithmetic: mod q < 2^30 (`mulMod`, Shoup), mod wide m < 2^50
 * (`mulModWide`), the share prime p (`mulModP`), primes and primitive roots, the
 * negacyclic NTT (`NttTables`, `WideNttTables`), RNS/CRT (`RnsBase`), and slow
 * BigInt references. Spec: §3
 * @module
 */
export * from './modular.js';
export * from './vector.js';
export * from './wide.js';
export * from './share-field.js';
export * from './primes.js';
export * from './ntt.js';
export * from './ntt-wide.js';
export * from './rns.js';
export * from './modular-reference.js';
export * from './bytes.js';
