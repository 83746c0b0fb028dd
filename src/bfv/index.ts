/**
 * BFV homomorphic encryption in RNS form, interoperable with Microsoft SEAL 4.1: parameters and
 * security check, keys, encryption, batching, homomorphic operations, key switching (relinearization,
 * rotations), noise budget and noise flooding, and SEAL's serialization format. The homomorphic
 * linear layers built on it are in src/he-linear (`delphi-ts/he-linear`). Spec: §4
 * @module
 */
export {
  batchingPlainModulus, bfvDefaultCoeffModulus, type BfvParameterOptions, type BfvParameters,
  createBfvParameters, createCoeffModulus, maxCoeffModulusBits, type SecurityLevel,
} from './params.js';
export { computeParmsId, parmsIdToHex } from './parms-id.js';
export { BfvContext, type BfvLevel, createBfvContext, type RnsPoly } from './context.js';
export {
  type Ciphertext, type GaloisKeys, type KSwitchKey, type Plaintext, type PlaintextNtt, type PublicKey,
  type RelinKeys, type SealSeed, type SecretKey,
} from './types.js';
export {
  type GaloisKeyOptions, generateGaloisKeys, generatePublicKey, generateRelinKeys, generateSecretKey,
  type SeededOptions,
} from './keys.js';
export {
  bfvDecrypt, bfvEncrypt, bfvEncryptSymmetric, type EncryptOptions, type SymmetricEncryptOptions,
} from './encrypt.js';
export { batchDecode, batchDecodeSigned, batchEncode } from './encoder.js';
export {
  bfvAdd, bfvAddPlain, bfvModSwitchToNext, bfvMultiplyPlain, bfvNegate, bfvSub, bfvSubPlain,
} from './evaluator.js';
export { galoisEltFromStep } from './galois.js';
export { bfvApplyGalois, bfvRelinearize, bfvRotateColumns, bfvRotateRows } from './keyswitch.js';
export {
  deserializeCiphertext, deserializeGaloisKeys, deserializePlaintext, deserializePublicKey,
  deserializeRelinKeys, deserializeSecretKey, type SealReadOptions, type SealWriteOptions,
  serializeCiphertext, serializeGaloisKeys, serializePlaintext, serializePublicKey, serializeRelinKeys,
  serializeSecretKey,
} from './serialize.js';
export {
  compactCiphertextSize, deserializeCompactCiphertext, deserializeCompactGaloisKeys,
  deserializeCompactPublicKey, serializeCompactCiphertext, serializeCompactGaloisKeys,
  serializeCompactPublicKey,
} from './compact.js';
export { type SealComprMode } from './seal-compression.js';
export {
  DEFAULT_FLOOD_LAMBDA, drawFloodNoise, type FloodDraws, floodingBits, floodNoise, floodNoiseWithDraws, type FloodOptions,
  invariantNoiseBudget, noiseBits,
} from './noise.js';
export { bfvMultiply } from './multiply.js';
export {
  type IdentifyOptions, identifyParameters, inspectSealCiphertext, inspectSealSecretKey,
  type SealCiphertextInfo, type SealSecretKeyInfo, secretKeyPrimeBits,
} from './detect.js';
export { bfvApplyGaloisHoisted, bfvRotateRowsHoisted } from './hoisting.js';
