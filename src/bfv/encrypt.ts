/**
 * Encryption (public-key and secret-key) and decryption, following SEAL 4.1: fresh encryptions of
 * zero are made one level up (with the next prime) and divided by that prime with rounding, which
 * shrinks their noise, then Δ·m is added.
 *
 * Spec: §4.4, §4.5
 * @module
 */
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../errors.js';
import type { Rng } from '../random/index.js';
import type { BfvContext, BfvLevel, RnsPoly } from './context.js';
import { checkRng, checkSecretKey, drawSealSeed, expandSealSeed } from './keys.js';
import {
  polyAdd,
  polyAddSigned,
  polyMulAccNtt,
  polyMulNtt,
  polyNeg,
  polyNttForward,
  polyNttInverse,
  polySetSigned,
} from './poly.js';
import { sampleNoiseCoefficients, sampleTernaryCoefficients, sampleUniformRns } from './sampling.js';
import { addScaledPlain, divideAndRoundLast, scaleAndRound } from './scaling.js';
import { checkCiphertext, type Ciphertext, type Plaintext, type PublicKey, type SecretKey } from './types.js';

/** Options of the encryption functions. */
export interface EncryptOptions {
  /** Number of primes of the ciphertext's level (default: the first data level). */
  readonly level?: number;
}

/** Options of {@link bfvEncryptSymmetric}. */
export interface SymmetricEncryptOptions extends EncryptOptions {
  /**
   * SEAL's seeded symmetric encryption (`encrypt_symmetric` saved with its seed, §4.10): 64 seed
   * bytes from the Rng, c_1 = `sampleSealUniform(SHAKE256(seed))` in coefficient form directly at the
   * level (no extra prime), then e ← χ and c_0 = −(c_1·s + e) + Δ·m. The result keeps the seed and
   * can be written in seeded form, half the size. Default false.
   */
  readonly seeded?: boolean;
}

/** Throws unless `pt` is a plaintext of this context (≤ n coefficients, each an integer in [0, t)). Spec: §4.4 */
export function checkPlaintext(ctx: BfvContext, pt: Plaintext): void {
  const c = pt?.coeffs;
  if (!(c instanceof Float64Array)) throw new InvalidArgumentError('expected a Plaintext { coeffs: Float64Array }');
  if (c.length > ctx.n) throw new SizeMismatchError(`plaintext has ${c.length} coefficients, more than n = ${ctx.n}`);
  for (let j = 0; j < c.length; j++) {
    const v = c[j];
    if (!(Number.isInteger(v) && v >= 0 && v < ctx.t)) {
      throw new OutOfRangeError(`plaintext coefficient ${j} = ${v} is not an integer in [0, t = ${ctx.t})`);
    }
  }
}

function targetLevel(ctx: BfvContext, options?: EncryptOptions): BfvLevel {
  const k = options?.level ?? ctx.firstLevel.k;
  const level = ctx.level(k);
  if (level.k > ctx.firstLevel.k) throw new InvalidArgumentError('ciphertexts cannot be at the key level');
  return level;
}

/** Divides both polynomials of a level-(k+1) encryption by q_k with rounding (level k+1 → k). */
function dropLastPrime(ctx: BfvContext, polys: RnsPoly[], k: number): RnsPoly[] {
  const n = ctx.n;
  const upper = ctx.level(k + 1);
  return polys.map((p) =>
    divideAndRoundLast(ctx, p, p.subarray(k * n, (k + 1) * n), ctx.primes[k], upper.invLastMod, ctx.allocPoly(k), k),
  );
}

/**
 * Public-key encryption of zero at level k (coefficient form), SEAL's `encrypt_zero_asymmetric`
 * one level up followed by division by the extra prime: with k' = k + 1 primes (k' = k at the
 * top level), u ← ternary, then e_0, e_1 ← χ; c_j = u·pk_j + e_j (mod q_0…q_{k'−1}); then
 * c_j ← round(c_j / q_k) when k' = k + 1. Spec: §4.4
 */
export function bfvEncryptZero(ctx: BfvContext, pk: PublicKey, rng: Rng, options?: EncryptOptions): Ciphertext {
  checkRng(rng);
  targetLevel(ctx, options);
  checkEncryptionKey(ctx, pk);
  return encryptZeroWithDraws(ctx, pk, drawEncryptZero(ctx, rng), options);
}

/**
 * The random draws of {@link bfvEncryptZero}, in its order: u (n ternary draws), then e_0 and e_1
 * (n centered-binomial draws each). They do not depend on the level or the key, so a caller can draw
 * them on one thread and encrypt on another ({@link encryptZeroWithDraws}). Spec: §4.4
 */
export interface EncryptZeroDraws {
  readonly u: Int8Array;
  readonly e0: Int8Array;
  readonly e1: Int8Array;
}

/** Draws the randomness of one {@link bfvEncryptZero} from `rng` (the same bytes it would consume). Spec: §4.4 */
export function drawEncryptZero(ctx: BfvContext, rng: Rng): EncryptZeroDraws {
  checkRng(rng);
  const u = sampleTernaryCoefficients(rng, ctx.n);
  const e0 = sampleNoiseCoefficients(rng, ctx.n);
  const e1 = sampleNoiseCoefficients(rng, ctx.n);
  return { u, e0, e1 };
}

function checkEncryptionKey(ctx: BfvContext, pk: PublicKey): void {
  const pkc = pk?.ciphertext;
  if (!pkc || pkc.coeffModulusSize !== ctx.primes.length || !pkc.isNttForm || pkc.polys.length !== 2) {
    throw new InvalidArgumentError('public key does not belong to this context');
  }
  checkCiphertext(ctx, pkc, 'public key');
}

/**
 * {@link bfvEncryptZero} from draws made beforehand ({@link drawEncryptZero}): the same ciphertext
 * as drawing them from the same stream inside it. Spec: §4.4
 */
export function encryptZeroWithDraws(ctx: BfvContext, pk: PublicKey, draws: EncryptZeroDraws, options?: EncryptOptions): Ciphertext {
  const level = targetLevel(ctx, options);
  const k = level.k;
  const kk = k < ctx.primes.length ? k + 1 : k;
  checkEncryptionKey(ctx, pk);
  const pkc = pk.ciphertext;
  const n = ctx.n;
  if (!(draws?.u instanceof Int8Array) || draws.u.length !== n || !(draws.e0 instanceof Int8Array) || draws.e0.length !== n || !(draws.e1 instanceof Int8Array) || draws.e1.length !== n) {
    throw new InvalidArgumentError(`encryptZeroWithDraws: expected u, e0, e1 of ${n} coefficients each`);
  }
  const u = polySetSigned(ctx, draws.u, ctx.allocPoly(kk), kk);
  polyNttForward(ctx, u, kk);
  const polys: RnsPoly[] = [];
  for (let j = 0; j < 2; j++) {
    const c = polyMulNtt(ctx, u, pkc.polys[j], ctx.allocPoly(kk), kk);
    polyNttInverse(ctx, c, kk);
    polys.push(c);
  }
  polyAddSigned(ctx, draws.e0, polys[0], kk);
  polyAddSigned(ctx, draws.e1, polys[1], kk);
  return { coeffModulusSize: k, polys: kk > k ? dropLastPrime(ctx, polys, k) : polys, isNttForm: false };
}

/**
 * Public-key encryption: {@link bfvEncryptZero}, then c_0 ← c_0 + Δ·m. Draw order: u (n ternary
 * draws), e_0, e_1 (n centered-binomial draws each). Spec: §4.4
 */
export function bfvEncrypt(ctx: BfvContext, pk: PublicKey, plain: Plaintext, rng: Rng, options?: EncryptOptions): Ciphertext {
  checkPlaintext(ctx, plain);
  const ct = bfvEncryptZero(ctx, pk, rng, options);
  addScaledPlain(ctx, ct.polys[0], plain.coeffs, ctx.level(ct.coeffModulusSize));
  return ct;
}

/**
 * Secret-key encryption (SEAL's `encrypt_symmetric`): with k' as in {@link bfvEncryptZero}, a ←
 * uniform over k' primes (as NTT values), e ← χ; c_1 = NTT^{−1}(a), c_0 = −(NTT^{−1}(a·s) + e);
 * divide both by q_k with rounding when k' = k + 1; then c_0 ← c_0 + Δ·m. Spec: §4.4
 */
export function bfvEncryptSymmetric(
  ctx: BfvContext,
  sk: SecretKey,
  plain: Plaintext,
  rng: Rng,
  options?: SymmetricEncryptOptions,
): Ciphertext {
  checkPlaintext(ctx, plain);
  checkSecretKey(ctx, sk);
  checkRng(rng);
  const level = targetLevel(ctx, options);
  const k = level.k;
  if (options?.seeded) {
    const seed = drawSealSeed(rng);
    const c1 = expandSealSeed(ctx, seed, k);
    const c0 = polyNttForward(ctx, c1.slice(), k);
    polyMulNtt(ctx, c0, sk.poly, c0, k);
    polyNttInverse(ctx, c0, k);
    polyAddSigned(ctx, sampleNoiseCoefficients(rng, ctx.n), c0, k);
    polyNeg(ctx, c0, c0, k);
    addScaledPlain(ctx, c0, plain.coeffs, level);
    return { coeffModulusSize: k, polys: [c0, c1], isNttForm: false, seed };
  }
  const kk = k < ctx.primes.length ? k + 1 : k;
  const a = sampleUniformRns(ctx, rng, kk);
  const c0 = polyMulNtt(ctx, a, sk.poly, ctx.allocPoly(kk), kk);
  polyNttInverse(ctx, c0, kk);
  polyAddSigned(ctx, sampleNoiseCoefficients(rng, ctx.n), c0, kk);
  polyNeg(ctx, c0, c0, kk);
  polyNttInverse(ctx, a, kk);
  const polys = kk > k ? dropLastPrime(ctx, [c0, a], k) : [c0, a];
  addScaledPlain(ctx, polys[0], plain.coeffs, level);
  return { coeffModulusSize: k, polys, isNttForm: false };
}

/**
 * x = c_0 + c_1·s + c_2·s² + … (mod Q) in coefficient form, computed in the NTT domain
 * (SEAL's `dot_product_ct_sk_array`). Spec: §4.5
 */
export function dotWithSecretKey(ctx: BfvContext, sk: SecretKey, ct: Ciphertext): RnsPoly {
  checkSecretKey(ctx, sk);
  checkCiphertext(ctx, ct);
  if (ct.isNttForm) throw new InvalidArgumentError('BFV decryption needs a ciphertext in coefficient (non-NTT) form');
  const k = ct.coeffModulusSize;
  const acc = ctx.allocPoly(k);
  let power: RnsPoly = sk.poly;
  for (let j = 1; j < ct.polys.length; j++) {
    if (j > 1) power = polyMulNtt(ctx, power, sk.poly, ctx.allocPoly(k), k);
    const c = polyNttForward(ctx, ct.polys[j].slice(), k);
    polyMulAccNtt(ctx, acc, c, power, k);
  }
  polyNttInverse(ctx, acc, k);
  return polyAdd(ctx, acc, ct.polys[0], acc, k);
}

/**
 * Decryption: m = round(t/Q · (c_0 + c_1·s + …)) mod t, by the exact RNS scale-and-round of §4.5.
 * Spec: §4.5
 */
export function bfvDecrypt(ctx: BfvContext, sk: SecretKey, ct: Ciphertext): Plaintext {
  const x = dotWithSecretKey(ctx, sk, ct);
  return { coeffs: scaleAndRound(ctx, x, ctx.level(ct.coeffModulusSize)) };
}
