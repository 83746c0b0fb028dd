/**
 * Recovering the encryption parameters of serialized SEAL objects. A SEAL file names its parameters
 * only through the parms_id hash (and n, and the number of primes), so the parameters are found by
 * hashing candidates: SEAL's BFVDefault moduli, CoeffModulus::Create moduli whose bit sizes are read
 * off the secret key's residues, and the usual plaintext moduli (SEAL's batching primes and
 * Delphi's share prime), unless the caller names them.
 *
 * Spec: §4.11
 * @module
 */
import { DelphiError, InsecureParametersError, MalformedInputError } from '../errors.js';
import { P as SHARE_PRIME } from '../math/index.js';
import { bitLength } from '../random/index.js';
import { createBfvParameters, type BfvParameters, bfvDefaultCoeffModulus, batchingPlainModulus, createCoeffModulus } from './params.js';
import { computeParmsId, parmsIdToHex } from './parms-id.js';
import { readSealHeader, SEAL_HEADER_SIZE } from './serialize.js';

/** Metadata of a serialized SEAL ciphertext. Spec: §4.11 */
export interface SealCiphertextInfo {
  readonly parmsId: Uint8Array;
  readonly isNttForm: boolean;
  readonly size: number;
  readonly polyModulusDegree: number;
  readonly coeffModulusSize: number;
}

/** Metadata of a serialized SEAL secret key (a key-level NTT-form plaintext). Spec: §4.11 */
export interface SealSecretKeyInfo {
  readonly parmsId: Uint8Array;
  readonly coeffCount: number;
}

function u64(view: DataView, off: number, what: string): number {
  if (off + 8 > view.byteLength) throw new MalformedInputError(`${what}: truncated`);
  const lo = view.getUint32(off, true);
  const hi = view.getUint32(off + 4, true);
  if (hi >= 2 ** 21) throw new MalformedInputError(`${what}: field out of range`);
  return hi * 2 ** 32 + lo;
}

/** Reads a ciphertext's header fields without knowing its parameters. Spec: §4.11 */
export function inspectSealCiphertext(bytes: Uint8Array): SealCiphertextInfo {
  const what = 'ciphertext';
  readSealHeader(bytes, 0, what);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base = SEAL_HEADER_SIZE;
  if (base + 32 + 1 + 24 > bytes.length) throw new MalformedInputError(`${what}: truncated`);
  const ntt = bytes[base + 32];
  if (ntt > 1) throw new MalformedInputError(`${what}: is_ntt_form byte is ${ntt}`);
  return {
    parmsId: bytes.slice(base, base + 32),
    isNttForm: ntt === 1,
    size: u64(view, base + 33, what),
    polyModulusDegree: u64(view, base + 41, what),
    coeffModulusSize: u64(view, base + 49, what),
  };
}

/** Reads a secret key's parms_id and coefficient count without knowing its parameters. Spec: §4.11 */
export function inspectSealSecretKey(bytes: Uint8Array): SealSecretKeyInfo {
  const what = 'secret key';
  readSealHeader(bytes, 0, what);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (SEAL_HEADER_SIZE + 40 > bytes.length) throw new MalformedInputError(`${what}: truncated`);
  return { parmsId: bytes.slice(SEAL_HEADER_SIZE, SEAL_HEADER_SIZE + 32), coeffCount: u64(view, SEAL_HEADER_SIZE + 32, what) };
}

/**
 * Bit sizes of the primes of a serialized secret key, read off its residues: the largest of the n
 * residues modulo q_i (NTT values, close to uniform) has q_i's bit length with overwhelming
 * probability. Spec: §4.11
 */
export function secretKeyPrimeBits(bytes: Uint8Array, n: number): number[] {
  const info = inspectSealSecretKey(bytes);
  if (n < 1 || info.coeffCount % n !== 0) throw new MalformedInputError('secret key: coefficient count is not a multiple of n');
  const k = info.coeffCount / n;
  const start = SEAL_HEADER_SIZE + 48 + SEAL_HEADER_SIZE + 8;
  if (start + 8 * info.coeffCount > bytes.length) throw new MalformedInputError('secret key: truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    let max = 0;
    for (let j = 0; j < n; j++) max = Math.max(max, u64(view, start + 8 * (i * n + j), 'secret key'));
    out.push(bitLength(max));
  }
  return out;
}

/** What {@link identifyParameters} may be told. */
export interface IdentifyOptions {
  /** Ring degree (read from the ciphertext when absent). */
  readonly polyModulusDegree?: number;
  /** The coefficient modulus, if known. */
  readonly coeffModulus?: readonly number[];
  /** The plaintext modulus, if known. */
  readonly plainModulus?: number;
}

/**
 * Finds the BFV parameters whose key-level parms_id is `keyParmsId` (from a secret key) by hashing
 * candidates: coefficient moduli = the given one, else SEAL's BFVDefault(n, 128/192/256) and
 * CoeffModulus::Create(n, bitSizes); plain moduli = the given one, else SEAL's batching primes of
 * 2 … 49 bits and the share prime p. The parameters are validated; insecure ones are accepted
 * (the objects already exist). Throws {@link MalformedInputError} when nothing matches. Spec: §4.11
 */
export function identifyParameters(
  keyParmsId: Uint8Array,
  n: number,
  primeCount: number,
  bitSizes: readonly number[] | undefined,
  options: IdentifyOptions = {},
): BfvParameters {
  const target = parmsIdToHex(keyParmsId);
  const moduli: number[][] = [];
  if (options.coeffModulus) moduli.push([...options.coeffModulus]);
  else {
    for (const level of [128, 192, 256] as const) {
      try {
        const d = bfvDefaultCoeffModulus(n, level);
        if (d.length === primeCount) moduli.push(d);
      } catch {
        /* no default for this n */
      }
    }
    if (bitSizes && bitSizes.length === primeCount) {
      try {
        moduli.push(createCoeffModulus(n, bitSizes));
      } catch {
        /* bit sizes without enough primes */
      }
    }
  }
  const plains: number[] = [];
  if (options.plainModulus !== undefined) plains.push(options.plainModulus);
  else {
    plains.push(SHARE_PRIME);
    for (let b = 2; b <= 49; b++) {
      try {
        plains.push(batchingPlainModulus(n, b));
      } catch {
        /* no batching prime of b bits */
      }
    }
  }
  for (const qs of moduli) {
    for (const t of plains) {
      if (parmsIdToHex(computeParmsId(n, qs, t)) !== target) continue;
      try {
        return createBfvParameters({ polyModulusDegree: n, coeffModulus: qs, plainModulus: t });
      } catch (e) {
        if (e instanceof InsecureParametersError) {
          return createBfvParameters({ polyModulusDegree: n, coeffModulus: qs, plainModulus: t, insecure: true });
        }
        if (e instanceof DelphiError) throw new MalformedInputError(`the parameters named by the parms_id are invalid: ${e.message}`, { cause: e });
        throw e;
      }
    }
  }
  throw new MalformedInputError(
    `could not identify the encryption parameters behind parms_id ${target.slice(0, 16)}… ` +
      `(n = ${n}, ${primeCount} primes${options.plainModulus === undefined ? '' : `, t = ${options.plainModulus}`}); ` +
      'give the plaintext modulus (and, for custom primes, the coefficient modulus) explicitly',
  );
}
