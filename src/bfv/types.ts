/**
 * The objects of the BFV scheme: plaintexts, ciphertexts and keys, laid out as SEAL lays them out so
 * that they serialize to SEAL's format without conversion.
 *
 * Spec: §4.2
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import type { BfvContext, RnsPoly } from './context.js';

/**
 * A BFV plaintext: a polynomial of Z_t[X]/(X^n + 1), coefficient j at `coeffs[j]` (an integer in
 * [0, t)). Fewer than n coefficients means the missing high ones are zero (as SEAL's coeff_count).
 * Spec: §4.2
 */
export interface Plaintext {
  readonly coeffs: Float64Array;
}

/**
 * A BFV ciphertext (c_0, c_1, …, c_{size−1}) at the level with `coeffModulusSize` primes:
 * it decrypts to m when c_0 + c_1·s + c_2·s² + … = Δ·m + v (mod Q) with ‖v‖ < Δ/2.
 * Each polynomial is in RNS form (prime-major); `isNttForm` tells whether the residue vectors hold
 * NTT evaluations rather than coefficients. Spec: §4.2
 */
export interface Ciphertext {
  readonly coeffModulusSize: number;
  readonly polys: RnsPoly[];
  readonly isNttForm: boolean;
  /**
   * Present on a freshly generated secret-key encryption (or key) whose c_1 is the expansion of this
   * SEAL PRNG seed ({@link SealSeed}, §4.10): such a ciphertext can be written in seeded form (c_1
   * replaced by the seed). Operations never copy it: their results are new ciphertexts.
   */
  readonly seed?: SealSeed;
}

/**
 * A SEAL PRNG seed: `type` 1 = BLAKE2Xb, 2 = SHAKE256 and 64 seed bytes; `sampleSealUniform` of it
 * re-derives the uniform polynomial c_1 exactly as SEAL does. Spec: §4.10
 */
export interface SealSeed {
  readonly type: number;
  readonly bytes: Uint8Array;
}

/** The secret key s (ternary), in NTT form over all primes (key level), as SEAL stores it. Spec: §4.3 */
export interface SecretKey {
  readonly poly: RnsPoly;
}

/**
 * A public key: an encryption of zero (−(a·s + e), a) at the key level, in NTT form, as SEAL stores it.
 * Spec: §4.3
 */
export interface PublicKey {
  readonly ciphertext: Ciphertext;
}

/**
 * A key-switching key from s' to s: one public-key-shaped ciphertext per data-level prime q_i,
 * the i-th encrypting p·s' in its i-th RNS component (p the special prime). Spec: §4.8
 */
export type KSwitchKey = readonly PublicKey[];

/** Relinearization keys: `keys[0]` switches s² to s (SEAL's RelinKeys, index = power − 2). Spec: §4.8 */
export interface RelinKeys {
  readonly keys: readonly KSwitchKey[];
}

/** Galois keys: for each Galois element g, the key switching s(X^g) to s. Spec: §4.8 */
export interface GaloisKeys {
  readonly keys: ReadonlyMap<number, KSwitchKey>;
}

/** A plaintext lifted to the RNS primes and transformed to NTT form, ready for {@link Ciphertext} products. Spec: §4.7 */
export interface PlaintextNtt {
  readonly coeffModulusSize: number;
  readonly poly: RnsPoly;
}

/**
 * Throws unless `ct` is a well-formed ciphertext of this context (level exists, sizes and residue
 * ranges right). Spec: §4.2
 */
export function checkCiphertext(ctx: BfvContext, ct: Ciphertext, what = 'ciphertext'): void {
  if (typeof ct !== 'object' || ct === null || !Array.isArray(ct.polys)) {
    throw new InvalidArgumentError(`${what}: expected a Ciphertext`);
  }
  const k = ct.coeffModulusSize;
  ctx.level(k);
  if (ct.polys.length < 2) throw new InvalidArgumentError(`${what}: a ciphertext has at least 2 polynomials`);
  for (const p of ct.polys) {
    if (!(ctx.wide ? p instanceof Float64Array : p instanceof Uint32Array)) {
      throw new InvalidArgumentError(`${what}: polynomials must be ${ctx.wide ? 'Float64Array' : 'Uint32Array'}s in this context`);
    }
    if (p.length !== k * ctx.n) {
      throw new SizeMismatchError(`${what}: expected ${k * ctx.n} residues per polynomial, got ${p.length}`);
    }
  }
}

/** A deep copy of a ciphertext. Spec: §4.2 */
export function cloneCiphertext(ct: Ciphertext): Ciphertext {
  return { coeffModulusSize: ct.coeffModulusSize, polys: ct.polys.map((p) => p.slice()), isNttForm: ct.isNttForm };
}
