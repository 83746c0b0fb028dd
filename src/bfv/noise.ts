/**
 * Noise: measuring it (SEAL's invariant noise budget, and the exact noise polynomial), and hiding
 * it (noise flooding for circuit privacy: after a server evaluates a function on a client's
 * ciphertext, the noise must not reveal anything about the function).
 *
 * Spec: §4.9
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import type { Rng } from '../random/index.js';
import type { BfvContext, BfvLevel, RnsPoly } from './context.js';
import { bfvDecrypt, drawEncryptZero, dotWithSecretKey, encryptZeroWithDraws, type EncryptZeroDraws } from './encrypt.js';
import { bfvAdd } from './evaluator.js';
import { checkRng } from './keys.js';
import { mulModAny } from './poly.js';
import { checkCiphertext, type Ciphertext, type PublicKey, type SecretKey } from './types.js';

/** Default statistical security parameter λ of {@link floodNoise}. Spec: §4.9 */
export const DEFAULT_FLOOD_LAMBDA = 40;

function bitLength(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/** Coefficients of x (RNS, level `level`) as integers in [0, Q). */
function composeAll(ctx: BfvContext, x: RnsPoly, level: BfvLevel): bigint[] {
  const n = ctx.n;
  const out = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < level.k; i++) {
    const q = ctx.primes[i];
    const inv = level.invPunctured[i];
    const punct = level.rns.puncturedProducts[i];
    for (let j = 0; j < n; j++) out[j] += BigInt(mulModAny(x[i * n + j], inv, q)) * punct;
  }
  for (let j = 0; j < n; j++) out[j] %= level.Q;
  return out;
}

/**
 * SEAL's `Decryptor::invariant_noise_budget`: with x = c_0 + c_1·s + … and Q the level's modulus,
 * budget = bits(Q) − bits(‖t·x mod Q‖_∞) − 1 (0 if negative), where ‖·‖_∞ takes each coefficient's
 * representative in (−Q/2, Q/2]. Decryption is correct while the budget is positive. Spec: §4.9
 */
export function invariantNoiseBudget(ctx: BfvContext, sk: SecretKey, ct: Ciphertext): number {
  const level = ctx.level(ct.coeffModulusSize);
  const x = dotWithSecretKey(ctx, sk, ct);
  const n = ctx.n;
  for (let i = 0; i < level.k; i++) {
    const q = ctx.primes[i];
    const tq = ctx.t % q;
    for (let j = i * n; j < (i + 1) * n; j++) x[j] = mulModAny(x[j], tq, q);
  }
  const Q = level.Q;
  const threshold = (Q + 1n) / 2n;
  let norm = 0n;
  for (const v of composeAll(ctx, x, level)) {
    const a = v >= threshold ? Q - v : v;
    if (a > norm) norm = a;
  }
  return Math.max(0, level.bits - bitLength(norm) - 1);
}

/**
 * The noise polynomial v of a ciphertext: with m its decryption, v = (c_0 + c_1·s + …) − round(Q·m/t)
 * (mod Q), each coefficient in (−Q/2, Q/2]. Decryption is correct iff ‖v‖_∞ < Q/(2t) roughly. Spec: §4.9
 */
export function noisePolynomial(ctx: BfvContext, sk: SecretKey, ct: Ciphertext): bigint[] {
  const level = ctx.level(ct.coeffModulusSize);
  const m = bfvDecrypt(ctx, sk, ct).coeffs;
  const x = composeAll(ctx, dotWithSecretKey(ctx, sk, ct), level);
  const Q = level.Q;
  const t = BigInt(ctx.t);
  return x.map((xj, j) => {
    const mj = BigInt(m[j]);
    const delta = (Q * mj + (t + 1n) / 2n) / t; // round(Q·m/t), ties up (SEAL)
    let v = (xj - delta) % Q;
    if (v < 0n) v += Q;
    return 2n * v > Q ? v - Q : v;
  });
}

/** log2 of the noise: the bit length of ‖v‖_∞ for v = {@link noisePolynomial}. Spec: §4.9 */
export function noiseBits(ctx: BfvContext, sk: SecretKey, ct: Ciphertext): number {
  let max = 0n;
  for (const v of noisePolynomial(ctx, sk, ct)) {
    const a = v < 0n ? -v : v;
    if (a > max) max = a;
  }
  return bitLength(max);
}

/**
 * A bound, in bits, on ‖v‖_∞ of a fresh public-key encryption (Spec: §4.9): before the division by
 * the extra prime p the noise is u·e_pk + e_0 + e_1·s with u, s ternary and |e| ≤ η = 21, so at most
 * 42n + 21; after it, ≤ (42n + 21)/p + (n + 1)/2. Deterministic (holds for every draw).
 */
export function freshNoiseBits(ctx: BfvContext, level: number = ctx.firstLevel.k): number {
  const n = ctx.n;
  const l = ctx.level(level);
  const p = l.k < ctx.primes.length ? ctx.primes[l.k] : 1;
  return Math.ceil(Math.log2((42 * n + 21) / p + (n + 1) / 2)) + 1;
}

/** Options of {@link floodNoise}. */
export interface FloodOptions {
  /** An upper bound, in bits, on ‖v‖_∞ of the ciphertext to flood (e.g. from the circuit's noise analysis). */
  readonly noiseBits: number;
  /** Statistical security parameter λ (default {@link DEFAULT_FLOOD_LAMBDA} = 40). */
  readonly lambda?: number;
}

/**
 * The flooding width b for a ciphertext whose noise is below 2^noiseBits: b = noiseBits + λ + log2 n,
 * so that adding uniform noise from [−2^b, 2^b) to each of the n coefficients hides the original
 * noise up to statistical distance n·2^noiseBits/2^b = 2^−λ. Spec: §4.9
 */
export function floodingBits(ctx: BfvContext, options: FloodOptions): number {
  const lambda = options.lambda ?? DEFAULT_FLOOD_LAMBDA;
  if (!Number.isInteger(options.noiseBits) || options.noiseBits < 0) {
    throw new InvalidArgumentError(`floodNoise: noiseBits must be a non-negative integer, got ${String(options.noiseBits)}`);
  }
  if (!Number.isInteger(lambda) || lambda < 1 || lambda > 256) {
    throw new InvalidArgumentError(`floodNoise: lambda must be an integer in [1, 256], got ${String(lambda)}`);
  }
  return options.noiseBits + lambda + ctx.logn;
}

/**
 * Circuit privacy by noise flooding (Spec: §4.9): returns ct + Enc_pk(0) + (E, 0) where
 * E has n coefficients uniform in [−2^b, 2^b), b = {@link floodingBits}. Each coefficient of E is
 * drawn as ⌈(b + 1)/32⌉ `uint32()` words, least significant first, the top word masked to b + 1
 * total bits, minus 2^b; then Enc_pk(0) is drawn as in {@link drawEncryptZero}. The fresh
 * encryption of zero re-randomizes c_1; E drowns the evaluation's noise. Throws
 * {@link InvalidParametersError} when 2^(b+1) plus the original noise would not stay below Δ/2,
 * i.e. when the parameters leave too little noise budget to flood.
 */
export function floodNoise(ctx: BfvContext, pk: PublicKey, ct: Ciphertext, rng: Rng, options: FloodOptions): Ciphertext {
  checkCiphertext(ctx, ct);
  checkRng(rng);
  checkFloodable(ctx, ct, floodingBits(ctx, options));
  return floodNoiseWithDraws(ctx, pk, ct, drawFloodNoise(ctx, rng, options));
}

/**
 * The random draws of one {@link floodNoise}, in its order: E's words, then those of Enc_pk(0)
 * ({@link drawEncryptZero}). They do not depend on the ciphertext, so a caller can draw them on one
 * thread and flood on another ({@link floodNoiseWithDraws}). Spec: §4.9
 */
export interface FloodDraws {
  /** The flooding width b ({@link floodingBits}). */
  readonly bits: number;
  /** n·⌈(b + 1)/32⌉ words, least significant first per coefficient, the top word masked. */
  readonly words: Uint32Array;
  readonly zero: EncryptZeroDraws;
}

/** Draws the randomness of one {@link floodNoise} from `rng` (the same bytes it would consume). Spec: §4.9 */
export function drawFloodNoise(ctx: BfvContext, rng: Rng, options: FloodOptions): FloodDraws {
  checkRng(rng);
  const b = floodingBits(ctx, options);
  const n = ctx.n;
  const words = Math.ceil((b + 1) / 32);
  const topBits = b + 1 - 32 * (words - 1);
  const topMask = topBits === 32 ? 0xffffffff : 2 ** topBits - 1;
  const drawn = new Uint32Array(words * n);
  for (let j = 0; j < n; j++) {
    for (let w = 0; w < words; w++) drawn[j * words + w] = rng.uint32();
    drawn[j * words + words - 1] = (drawn[j * words + words - 1] & topMask) >>> 0;
  }
  return { bits: b, words: drawn, zero: drawEncryptZero(ctx, rng) };
}

function checkFloodable(ctx: BfvContext, ct: Ciphertext, b: number): void {
  if (ct.isNttForm) throw new InvalidArgumentError('floodNoise needs a ciphertext in coefficient form');
  if (ct.polys.length !== 2) throw new InvalidArgumentError('floodNoise needs a size-2 ciphertext (relinearize first)');
  const level = ctx.level(ct.coeffModulusSize);
  const deltaBits = bitLength(level.Q / BigInt(ctx.t)); // Δ ≥ 2^(deltaBits − 1)
  if (b + 3 > deltaBits - 1) {
    throw new InvalidParametersError(
      `not enough noise budget to flood: need 2^${b + 1} of noise room but Δ/2 ≈ 2^${deltaBits - 2} ` +
        `(lower lambda, reduce the noise, or use a larger coefficient modulus)`,
    );
  }
}

/**
 * {@link floodNoise} with draws made beforehand ({@link drawFloodNoise}): the same ciphertext as
 * drawing them from the same stream inside it. Spec: §4.9
 */
export function floodNoiseWithDraws(ctx: BfvContext, pk: PublicKey, ct: Ciphertext, draws: FloodDraws): Ciphertext {
  checkCiphertext(ctx, ct);
  const b = draws?.bits;
  const n = ctx.n;
  const words = Math.ceil((b + 1) / 32);
  if (!Number.isInteger(b) || b < 0 || !(draws.words instanceof Uint32Array) || draws.words.length !== words * n) {
    throw new InvalidArgumentError(`floodNoiseWithDraws: expected the draws of drawFloodNoise for n = ${n}`);
  }
  checkFloodable(ctx, ct, b);
  const k = ct.coeffModulusSize;
  const drawn = draws.words;
  const e = ctx.allocPoly(k);
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const two32 = 2 ** 32 % q;
    const offset = pow2Mod(b, q);
    for (let j = 0; j < n; j++) {
      let r = 0;
      for (let w = words - 1; w >= 0; w--) r = (mulModAny(r, two32, q) + (drawn[j * words + w] % q)) % q;
      r -= offset;
      e[i * n + j] = r < 0 ? r + q : r;
    }
  }
  const zero = encryptZeroWithDraws(ctx, pk, draws.zero, { level: k });
  const sum = bfvAdd(ctx, ct, zero);
  const flood: Ciphertext = { coeffModulusSize: k, polys: [e, ctx.allocPoly(k)], isNttForm: false };
  return bfvAdd(ctx, sum, flood);
}

function pow2Mod(e: number, q: number): number {
  let r = 1 % q;
  for (let i = 0; i < e; i++) {
    r *= 2;
    if (r >= q) r -= q;
  }
  return r;
}
