/**
 * Fast modular arithmetic: mod q < 2^30 (`mulMod`, Shoup), mod wide m < 2^50
 * (`mulModWide`), the share prime p (`mulModP`), primes and primitive roots, the
 * negacyclic NTT (`NttTables`, `WideNttTables`), RNS/CRT (`RnsBase`), and slow
 * BigInt references. Spec: §3
 * @module
 */
export { addMod, invMod, mulMod, mulModShoup, powMod, shoupPrecompute, subMod } from './modular.js';
export { invModWide, mulModWide, powModWide } from './wide.js';
export {
  addModP, fromSigned, fromSignedVec, mulModP, negModP, P, P_BIG, P_HALF, subModP, toSigned, toSignedVec,
} from './share-field.js';
export { generateNttPrimes, isPrime, minimalPrimitiveRoot } from './primes.js';
export { createNttTables, forwardNtt, inverseNtt, negacyclicMultiply, NttTables } from './ntt.js';
export { createWideNttTables, WideNttTables } from './ntt-wide.js';
export { RnsBase } from './rns.js';
export { negacyclicMultiplyRef } from './modular-reference.js';
export { bitReverse } from './bits.js';
