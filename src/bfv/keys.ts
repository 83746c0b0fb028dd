/**
 * Key generation: the secret key, the public key, and key-switching keys (relinearization and
 * Galois keys), following SEAL 4.1's `KeyGenerator` so that the keys have SEAL's layout and meaning.
 *
 * Spec: §4.3
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import type { Rng } from '../random/index.js';
import type { BfvContext, RnsPoly } from './context.js';
import { applyGaloisNtt, galoisEltFromStep, galoisEltsAll } from './galois.js';
import { polyAdd, polyMulNtt, polyNeg, polyNttForward, polyNttInverse, mulModAny } from './poly.js';
import { sampleNoiseRns, sampleTernaryRns, sampleUniformRns } from './sampling.js';
import { SEAL_PRNG_SEED_BYTES, SEAL_PRNG_SHAKE256, SealPrng, sampleSealUniform } from './seal-prng.js';
import type { Ciphertext, GaloisKeys, KSwitchKey, PublicKey, RelinKeys, SealSeed, SecretKey } from './types.js';

/** Throws {@link InvalidArgumentError} unless `rng` is an {@link Rng}. Spec: §4.3 */
export function checkRng(rng: Rng): void {
  if (typeof rng !== 'object' || rng === null || typeof rng.uint32 !== 'function') {
    throw new InvalidArgumentError('expected an Rng (see src/random) as the source of randomness');
  }
}

/** Throws {@link InvalidArgumentError} unless `sk` is a secret key of this context. Spec: §4.3 */
export function checkSecretKey(ctx: BfvContext, sk: SecretKey): void {
  const p = sk?.poly;
  if (!(ctx.wide ? p instanceof Float64Array : p instanceof Uint32Array) || p.length !== ctx.primes.length * ctx.n) {
    throw new InvalidArgumentError('secret key does not belong to this context');
  }
}

/**
 * s ← ternary (`sampleTernary`, n draws), stored in NTT form over all primes. Spec: §4.3
 */
export function generateSecretKey(ctx: BfvContext, rng: Rng): SecretKey {
  checkRng(rng);
  const K = ctx.primes.length;
  const { poly } = sampleTernaryRns(ctx, rng, K);
  return { poly: polyNttForward(ctx, poly, K) };
}

/** Key options: `seeded` draws the uniform polynomials from SEAL PRNG seeds (§4.10) so the keys can be sent seeded. */
export interface SeededOptions {
  /**
   * Draw each uniform polynomial a as SEAL does for a seeded object: 64 seed bytes from the Rng, a =
   * `sampleSealUniform(SHAKE256(seed))` ({@link drawSealSeed}); the ciphertext keeps the seed (`Ciphertext.seed`) and can
   * be written in seeded form, half the size. Default false (a drawn from the Rng directly).
   */
  readonly seeded?: boolean;
}

/**
 * Draws a SEAL seed: 64 bytes from `rng`, PRNG type SHAKE256 (SEAL's `prng_type::shake256`; SEAL
 * reads both types, and SHAKE256 expands several times faster here than BLAKE2Xb, natively under
 * Node). Spec: §4.10.1
 */
export function drawSealSeed(rng: Rng, type: number = SEAL_PRNG_SHAKE256): SealSeed {
  return { type, bytes: rng.bytes(SEAL_PRNG_SEED_BYTES) };
}

/** The uniform polynomial over the first k primes that `seed` stands for (SEAL's expansion). Spec: §4.10.1 */
export function expandSealSeed(ctx: BfvContext, seed: SealSeed, k: number): RnsPoly {
  return sampleSealUniform(ctx, new SealPrng(seed.type, seed.bytes), k);
}

/**
 * A symmetric encryption of zero at level k in NTT form (SEAL's `encrypt_zero_symmetric` with
 * is_ntt_form = true): draws a uniformly over the first k primes (interpreted as NTT values) — from
 * the Rng, or seeded (a seed from the Rng, expanded as SEAL does) — then e ← χ; returns
 * (−(a·s + e), a). Spec: §4.3
 */
export function encryptZeroSymmetricNtt(ctx: BfvContext, sk: SecretKey, k: number, rng: Rng, options: SeededOptions = {}): Ciphertext {
  checkRng(rng);
  checkSecretKey(ctx, sk);
  ctx.level(k);
  const seed = options.seeded ? drawSealSeed(rng) : undefined;
  const a = seed ? expandSealSeed(ctx, seed, k) : sampleUniformRns(ctx, rng, k);
  const e = polyNttForward(ctx, sampleNoiseRns(ctx, rng, k), k);
  const c0 = polyMulNtt(ctx, a, sk.poly, ctx.allocPoly(k), k);
  polyAdd(ctx, c0, e, c0, k);
  polyNeg(ctx, c0, c0, k);
  return seed ? { coeffModulusSize: k, polys: [c0, a], isNttForm: true, seed } : { coeffModulusSize: k, polys: [c0, a], isNttForm: true };
}

/**
 * pk = (−(a·s + e), a) at the key level, NTT form: {@link encryptZeroSymmetricNtt} with k = all primes.
 * Spec: §4.3
 */
export function generatePublicKey(ctx: BfvContext, sk: SecretKey, rng: Rng, options: SeededOptions = {}): PublicKey {
  return { ciphertext: encryptZeroSymmetricNtt(ctx, sk, ctx.primes.length, rng, options) };
}

/**
 * A key-switching key from s' (given in NTT form at the key level) to s (SEAL's
 * `generate_one_kswitch_key`): for each data-level prime index i, an encryption of zero at the key
 * level to whose c_0 the i-th RNS component of p·s' is added (p the special prime). Spec: §4.8
 */
export function generateKSwitchKey(ctx: BfvContext, sk: SecretKey, newKey: RnsPoly, rng: Rng, options: SeededOptions = {}): KSwitchKey {
  if (!ctx.usingKeySwitching) {
    throw new InvalidParametersError('key switching needs at least two coefficient-modulus primes (a special prime)');
  }
  const K = ctx.primes.length;
  const special = ctx.primes[K - 1];
  const n = ctx.n;
  const out: PublicKey[] = [];
  for (let i = 0; i < ctx.firstLevel.k; i++) {
    const ct = encryptZeroSymmetricNtt(ctx, sk, K, rng, options);
    const q = ctx.primes[i];
    const factor = special % q;
    const c0 = ct.polys[0];
    for (let j = i * n; j < (i + 1) * n; j++) {
      const s = c0[j] + mulModAny(newKey[j], factor, q);
      c0[j] = s >= q ? s - q : s;
    }
    out.push({ ciphertext: ct });
  }
  return out;
}

/** Relinearization keys: one key switching s² to s. Spec: §4.8 */
export function generateRelinKeys(ctx: BfvContext, sk: SecretKey, rng: Rng): RelinKeys {
  checkSecretKey(ctx, sk);
  const K = ctx.primes.length;
  const s2 = polyMulNtt(ctx, sk.poly, sk.poly, ctx.allocPoly(K), K);
  return { keys: [generateKSwitchKey(ctx, sk, s2, rng)] };
}

/** Options of {@link generateGaloisKeys}: at most one of the two lists. */
export interface GaloisKeyOptions extends SeededOptions {
  /** Row-rotation steps (0 = swap the rows); SEAL's `create_galois_keys(steps)`. */
  readonly steps?: readonly number[];
  /** Galois elements (odd, < 2n) directly. */
  readonly galoisElements?: readonly number[];
}

/**
 * Galois keys for the requested elements, in the order given (default: SEAL's
 * {@link galoisEltsAll}). The key for g switches s(X^g) to s. Spec: §4.8
 */
export function generateGaloisKeys(ctx: BfvContext, sk: SecretKey, rng: Rng, options: GaloisKeyOptions = {}): GaloisKeys {
  checkSecretKey(ctx, sk);
  if (options.steps && options.galoisElements) {
    throw new InvalidArgumentError('generateGaloisKeys: give either steps or galoisElements, not both');
  }
  const elts = options.galoisElements
    ? [...options.galoisElements]
    : options.steps
      ? options.steps.map((s) => galoisEltFromStep(ctx.n, s))
      : galoisEltsAll(ctx.n);
  const K = ctx.primes.length;
  const keys = new Map<number, KSwitchKey>();
  for (const g of elts) {
    if (keys.has(g)) continue;
    const rotated = applyGaloisNtt(ctx, sk.poly, g, ctx.allocPoly(K), K);
    keys.set(g, generateKSwitchKey(ctx, sk, rotated, rng, { seeded: options.seeded === true }));
  }
  return { keys };
}

/** The secret key's coefficients as integers in {−1, 0, 1} (inverse NTT modulo q_0). Spec: §4.3 */
export function secretKeyCoefficients(ctx: BfvContext, sk: SecretKey): Int8Array {
  checkSecretKey(ctx, sk);
  const a = sk.poly.slice(0, ctx.n);
  polyNttInverse(ctx, a, 1);
  const q = ctx.primes[0];
  const out = new Int8Array(ctx.n);
  for (let j = 0; j < ctx.n; j++) {
    const v = a[j];
    if (v === 0) out[j] = 0;
    else if (v === 1) out[j] = 1;
    else if (v === q - 1) out[j] = -1;
    else throw new InvalidArgumentError('secret key is not ternary (it may not be a SEAL/BFV secret key)');
  }
  return out;
}
