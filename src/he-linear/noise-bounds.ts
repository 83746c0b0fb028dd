/**
 * Worst-case noise bounds for the homomorphic linear layers (§4.16): every bound holds for every
 * draw of the randomness (it uses ‖e‖_∞ ≤ η = 21 and ‖a·b‖_∞ ≤ n·‖a‖_∞·‖b‖_∞), so the noise-flooding
 * width computed from it hides the evaluation noise with the claimed statistical distance, and the
 * flooded result is guaranteed to decrypt. Bounds are real numbers held in doubles; every step rounds
 * up by a relative 2^−40 so that floating-point error cannot make a bound too small.
 *
 * Spec: §4.16
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { BfvContext } from '../bfv/context.js';
import { bitLengthBig, NOISE_ETA } from '../bfv/params.js';
import { DEFAULT_FLOOD_LAMBDA } from '../bfv/noise.js';

const UP = 1 + 2 ** -40;

/** The constants of the noise analysis of one level. Spec: §4.16 */
export interface LinearNoiseModel {
  /** Number of primes of the level the layer is evaluated at. */
  readonly level: number;
  /** Bound on ‖v‖_∞ of a fresh encryption (public or secret key) at this level. */
  readonly encryption: number;
  /** Noise added by one Galois automorphism with key switching (hoisted or not), rounding included. */
  readonly keySwitch: number;
  /** n·(t − 1)/2: the factor by which a plaintext product can multiply the noise. */
  readonly plainFactor: number;
  /** Statistical security parameter λ of the flooding. */
  readonly lambda: number;
  /**
   * Largest noise bound that can still be flooded (§4.9): 2^maxNoiseBits with
   * maxNoiseBits = bits(⌊Q/t⌋) − 4 − λ − log2 n.
   */
  readonly maxNoiseBits: number;
}

/**
 * The noise constants of level k (Spec: §4.16):
 * encryption = (2ηn + η)/q_k + (n + 1)/2 (the public-key bound of §4.9; it also bounds secret-key
 * encryption), keySwitch = Σ_{i<k} n·q_i·η/p + (n + 1)/2 + 1 (digits below q_i times the key errors,
 * divided by the special prime p; the rounding of that division; the rounding of σ_g(Δm)),
 * plainFactor = n·(t − 1)/2.
 */
export function linearNoiseModel(ctx: BfvContext, level: number = ctx.firstLevel.k, lambda: number = DEFAULT_FLOOD_LAMBDA): LinearNoiseModel {
  const l = ctx.level(level);
  if (!Number.isInteger(lambda) || lambda < 1 || lambda > 256) {
    throw new InvalidArgumentError(`lambda must be an integer in [1, 256], got ${String(lambda)}`);
  }
  const n = ctx.n;
  const eta = NOISE_ETA;
  const above = l.k < ctx.primes.length ? ctx.primes[l.k] : 1;
  const encryption = ((2 * eta * n + eta) / above + (n + 1) / 2) * UP;
  const special = ctx.primes[ctx.primes.length - 1];
  let ks = 0;
  for (let i = 0; i < l.k; i++) ks += (n * ctx.primes[i] * eta) / special;
  const keySwitch = (ks + (n + 1) / 2 + 1) * UP;
  const plainFactor = (n * (ctx.t - 1)) / 2;
  const deltaBits = bitLengthBig(l.Q / BigInt(ctx.t));
  return { level: l.k, encryption, keySwitch, plainFactor, lambda, maxNoiseBits: deltaBits - 4 - lambda - ctx.logn };
}

/** Bound after multiplying a ciphertext of noise ≤ b by any plaintext: n·W·(b + 1/2) + 1/2 with W = (t − 1)/2. Spec: §4.16 */
export function plainProductNoise(model: LinearNoiseModel, b: number): number {
  return (model.plainFactor * (b + 0.5) + 0.5) * UP;
}

/** Bound after a Galois automorphism of a ciphertext of noise ≤ b. Spec: §4.16 */
export function rotationNoise(model: LinearNoiseModel, b: number): number {
  return (b + model.keySwitch) * UP;
}

/** Bound of a sum of ciphertexts with noise ≤ b_i: Σ b_i + (count − 1) (one rounding unit per addition). Spec: §4.16 */
export function sumNoise(bounds: readonly number[]): number {
  let s = 0;
  for (const b of bounds) s += b;
  return (s + Math.max(0, bounds.length - 1)) * UP;
}

/** ⌈log2 b⌉ (0 for b ≤ 1): the noiseBits to declare for a bound b. Spec: §4.16 */
export function noiseBoundBits(b: number): number {
  if (!(b > 1)) return 0;
  let e = Math.ceil(Math.log2(b));
  while (2 ** e < b) e++;
  return e;
}

/**
 * Bound after dividing a ciphertext of noise ≤ b by the last prime q of its level (modulus
 * switching): (b + 1/2)/q + 1/2 + (n + 1)/2. Spec: §4.16
 */
export function modSwitchNoise(ctx: BfvContext, b: number, q: number): number {
  return ((b + 0.5) / q + 0.5 + (ctx.n + 1) / 2) * UP;
}
