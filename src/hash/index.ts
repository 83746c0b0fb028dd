/**
 * Fixed-key AES and the correlation-robust hashes built on it (garbling and OT extension).
 *
 * Spec: §5.1, §5.2
 * @module
 */
export { FIXED_AES_KEY, FIXED_KEY_LABEL, FixedKeyAes, fixedKeyAes } from './fixed-key-aes.js';
export { AES128_SCHEDULE_WORDS, aes128EncryptWords, expandAes128Key, expandAes128Words, tccrStrided, tccrStridedPair, tccrWithTweakWords } from './aes.js';
export { tccrHashBlocks } from './tccr.js';
export { mmoHashBlocks } from './mmo.js';
export {
  aesBackendChoice,
  makeAesBackend,
  NODE_MIN_BLOCKS,
  nodeAesAvailable,
  nodeAesBackend,
  setAesBackend,
  typescriptAesBackend,
  type AesBackend,
  type AesBackendChoice,
  type AesBackendName,
} from './backend.js';
