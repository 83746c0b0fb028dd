/**
 * Vectors of §4: BFV parameters and levels, seeded key generation and encryption with every sampled
 * polynomial (s, a, e, u, e_0, e_1) and the ciphertext before and after the division by the extra
 * prime, decryption with its noise, batch encoding, homomorphic operations (plaintext products,
 * ciphertext products with relinearization, rotations, flooding), and SEAL 4.1 serialization with
 * malformed inputs. Small insecure rings (n = 16, 32) keep the files readable; Delphi's real
 * parameter set (n = 8192) appears with digests. One module per file of vectors/bfv/.
 *
 * Spec: §12.5.6
 * @module
 */
import type { VectorFamily } from '../../family.js';
import { batchFile } from './batching.js';
import { encFile } from './encryption.js';
import { evalFile } from './evaluation.js';
import { paramsFile } from './parameters.js';
import { serialFile } from './serialization.js';

/** The `bfv` family: vectors/bfv/*. Spec: §12.5.6 */
export const bfvFamily: VectorFamily = {
  name: 'bfv',
  description: 'BFV parameters, seeded keygen/encryption with all draws, decryption, batching, operations, rotations, SEAL serialization (§4)',
  files: [paramsFile, encFile, batchFile, evalFile, serialFile],
};
