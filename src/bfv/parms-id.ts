/**
 * SEAL's `parms_id`: the 32-byte identifier of a parameter level, which every serialized SEAL
 * object carries.
 *
 * Spec: §4.11
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '../math/bytes.js';
import { InvalidArgumentError } from '../errors.js';

/** SEAL's `scheme_type::bfv`. Spec: §4.11 */
export const SEAL_SCHEME_BFV = 1;

/**
 * parms_id of the level (n, q_0 … q_{k−1}, t): BLAKE2b with a 32-byte digest over the little-endian
 * 64-bit words [scheme = 1, n, q_0, …, q_{k−1}, t] (SEAL 4.1 `EncryptionParameters::compute_parms_id`).
 * Spec: §4.11
 */
export function computeParmsId(n: number, primes: readonly number[], t: number): Uint8Array {
  const words = [SEAL_SCHEME_BFV, n, ...primes, t];
  const buf = new Uint8Array(8 * words.length);
  const view = new DataView(buf.buffer);
  words.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new InvalidArgumentError(`computeParmsId: bad word ${String(w)}`);
    view.setUint32(8 * i, w % 2 ** 32, true);
    view.setUint32(8 * i + 4, Math.floor(w / 2 ** 32), true);
  });
  return blake2b(buf, { dkLen: 32 });
}

/** A parms_id as 64 lowercase hexadecimal digits (bytes in stored order). Spec: §4.11 */
export function parmsIdToHex(id: Uint8Array): string {
  return bytesToHex(id);
}
