/**
 * BFV encryption parameters: the ring degree n, the coefficient modulus (a list of NTT primes, the
 * last of which is SEAL's "special prime"), the plaintext modulus t, and the security check against
 * the HomomorphicEncryption.org standard. Also SEAL's parameter helpers (`CoeffModulus::BFVDefault`,
 * `CoeffModulus::Create`, `PlainModulus::Batching`) so that parameter sets can be named the way
 * SEAL users name them.
 *
 * Spec: §4.1
 * @module
 */
import { InsecureParametersError, InvalidArgumentError, InvalidParametersError } from '../errors.js';
import { generateNttPrimes, isPrime } from '../math/index.js';
import { isPowerOfTwo } from '../math/primes.js';
import { MAX_MODULUS_WIDE } from '../math/wide.js';

/** Security levels of the HomomorphicEncryption.org standard (classical, ternary secret). Spec: §4.1 */
export type SecurityLevel = 128 | 192 | 256;

/**
 * Largest total coefficient-modulus bit count log2(Q·p_special) for which the standard
 * (HomomorphicEncryption.org, Nov 2018, Table 1, uniform ternary secret, classical attacks) claims
 * the given security level. Keys are n; values are [128, 192, 256]-bit bounds. These are the
 * numbers of SEAL's `CoeffModulus::MaxBitCount`. Spec: §4.1
 */
export const HE_STANDARD_MAX_BITS: Readonly<Record<number, readonly [number, number, number]>> = Object.freeze({
  1024: [27, 19, 14],
  2048: [54, 37, 29],
  4096: [109, 75, 58],
  8192: [218, 152, 118],
  16384: [438, 305, 237],
  32768: [881, 611, 476],
});

/** Smallest ring degree accepted without `insecure: true`. Spec: §4.1 */
export const MIN_SECURE_DEGREE = 2048;
/** Largest ring degree supported. Spec: §4.1 */
export const MAX_DEGREE = 32768;
/** Centered-binomial parameter of the error distribution (SEAL's `sample_poly_cbd`: σ ≈ 3.24). Spec: §4.1 */
export const NOISE_ETA = 21;
/** Largest number of coefficient-modulus primes (SEAL's `SEAL_COEFF_MOD_COUNT_MAX`). Spec: §4.1 */
export const MAX_COEFF_MODULUS_COUNT = 64;

/**
 * log2 bound on the total coefficient modulus for n and a security level, or 0 when the standard
 * gives no bound for n (then no modulus is secure). Same as SEAL's `CoeffModulus::MaxBitCount`.
 * Spec: §4.1
 */
export function maxCoeffModulusBits(n: number, level: SecurityLevel = 128): number {
  const row = HE_STANDARD_MAX_BITS[n];
  if (!row) return 0;
  return row[level === 128 ? 0 : level === 192 ? 1 : 2];
}

/**
 * SEAL 4.1's `CoeffModulus::BFVDefault` tables (native/src/seal/util/globals.cpp), restricted to the
 * degrees whose primes fit delphi-ts' wide arithmetic (< 2^50): n = 1024 … 16384. Spec: §4.1
 */
const BFV_DEFAULT: Readonly<Record<SecurityLevel, Readonly<Record<number, readonly number[]>>>> = {
  128: {
    1024: [0x7e00001],
    4096: [0xffffee001, 0xffffc4001, 0x1ffffe0001],
    8192: [0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001],
    16384: [
      0xfffffffd8001, 0xfffffffa0001, 0xfffffff00001, 0x1fffffff68001, 0x1fffffff50001, 0x1ffffffee8001,
      0x1ffffffea0001, 0x1ffffffe88001, 0x1ffffffe48001,
    ],
  },
  192: {
    1024: [0x7f001],
    2048: [0x1ffffc0001],
    4096: [0x1ffc001, 0x1fce001, 0x1fc0001],
    8192: [0x3ffffac001, 0x3ffff54001, 0x3ffff48001, 0x3ffff28001],
    16384: [0x3ffffffdf0001, 0x3ffffffd48001, 0x3ffffffd20001, 0x3ffffffd18001, 0x3ffffffcd0001, 0x3ffffffc70001],
  },
  256: {
    1024: [0x3001],
    2048: [0x1ffc0001],
    8192: [0x7ffffec001, 0x7ffffb0001, 0xfffffdc001],
    16384: [0x7ffffffc8001, 0x7ffffff00001, 0x7fffffe70001, 0xfffffffd8001, 0xfffffffa0001],
  },
};

/**
 * SEAL's default BFV coefficient modulus for degree n at a security level
 * (`CoeffModulus::BFVDefault`). Throws {@link InvalidParametersError} for the defaults that use
 * primes ≥ 2^50 (n = 2048 at 128 bits, n = 4096 at 256 bits, n = 32768), which delphi-ts does not
 * support. Spec: §4.1
 */
export function bfvDefaultCoeffModulus(n: number, level: SecurityLevel = 128): number[] {
  checkLevel(level);
  const table = BFV_DEFAULT[level][n];
  if (!table) {
    throw new InvalidParametersError(
      HE_STANDARD_MAX_BITS[n]
        ? `SEAL's BFVDefault(${n}, ${level}-bit) uses primes ≥ 2^50, which delphi-ts does not support`
        : `SEAL has no BFVDefault coefficient modulus for n = ${n}`,
    );
  }
  return [...table];
}

/**
 * SEAL's `CoeffModulus::Create(n, bitSizes)`: for each distinct bit size b, the largest primes of
 * exactly b bits with q ≡ 1 (mod 2n); position j of the result receives, among the primes of its
 * size not yet used, the *smallest* (SEAL pops from the back of a decreasing list). Spec: §4.1
 */
export function createCoeffModulus(n: number, bitSizes: readonly number[]): number[] {
  if (!isPowerOfTwo(n) || n < 2 || n > MAX_DEGREE) {
    throw new InvalidParametersError(`createCoeffModulus: n must be a power of two in [2, ${MAX_DEGREE}], got ${n}`);
  }
  if (!Array.isArray(bitSizes) || bitSizes.length === 0 || bitSizes.length > MAX_COEFF_MODULUS_COUNT) {
    throw new InvalidParametersError(`createCoeffModulus: need 1 to ${MAX_COEFF_MODULUS_COUNT} bit sizes`);
  }
  for (const b of bitSizes) {
    if (!Number.isInteger(b) || b < 2 || b > 49) {
      throw new InvalidParametersError(`createCoeffModulus: bit sizes must be integers in [2, 49], got ${String(b)}`);
    }
  }
  const counts = new Map<number, number>();
  for (const b of bitSizes) counts.set(b, (counts.get(b) ?? 0) + 1);
  const pools = new Map<number, number[]>();
  for (const [b, c] of counts) pools.set(b, generateNttPrimes(b, n, c));
  return bitSizes.map((b) => pools.get(b)!.pop()!);
}

/**
 * SEAL's `PlainModulus::Batching(n, bitSize)`: the largest prime of exactly `bitSize` bits with
 * t ≡ 1 (mod 2n), which makes batching (SIMD slots) possible. Spec: §4.1
 */
export function batchingPlainModulus(n: number, bitSize: number): number {
  return createCoeffModulus(n, [bitSize])[0];
}

/** Options of {@link createBfvParameters}. */
export interface BfvParameterOptions {
  /** Ring degree n: a power of two in [2048, 32768] (smaller only with `insecure`). */
  readonly polyModulusDegree: number;
  /**
   * Coefficient modulus: distinct primes q_i < 2^50 with q_i ≡ 1 (mod 2n). With two or more primes
   * the last one is the special prime used only by key switching (SEAL's convention).
   */
  readonly coeffModulus: readonly number[];
  /** Plaintext modulus t, 2 ≤ t < 2^50, coprime to every q_i and smaller than the data-level modulus. */
  readonly plainModulus: number;
  /** Security level checked against {@link HE_STANDARD_MAX_BITS} (default 128). */
  readonly securityLevel?: SecurityLevel;
  /** Accept parameters below the security level (tests, tutorials). Default false. */
  readonly insecure?: boolean;
}

/** A validated BFV parameter set. Spec: §4.1 */
export interface BfvParameters {
  /** Ring degree n (power of two). */
  readonly polyModulusDegree: number;
  /** All coefficient-modulus primes (key level); the last is the special prime when there are ≥ 2. */
  readonly coeffModulus: readonly number[];
  /** Plaintext modulus t. */
  readonly plainModulus: number;
  /** The level the parameters were checked against, or null when created with `insecure: true`. */
  readonly securityLevel: SecurityLevel | null;
  /** Bit length of the product of all coefficient-modulus primes (SEAL's total_coeff_modulus_bit_count). */
  readonly coeffModulusBits: number;
  /** Whether the batch encoder is available: t prime and t ≡ 1 (mod 2n). */
  readonly batching: boolean;
  /** Secret-key distribution: uniform ternary {−1, 0, 1}. */
  readonly secretDistribution: 'ternary';
  /** Error distribution: centered binomial with parameter {@link NOISE_ETA}. */
  readonly noiseEta: number;
}

function checkLevel(level: unknown): asserts level is SecurityLevel {
  if (level !== 128 && level !== 192 && level !== 256) {
    throw new InvalidArgumentError(`security level must be 128, 192 or 256, got ${String(level)}`);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Bit length of a non-negative bigint (0 for 0). Spec: §4.1 */
export function bitLengthBig(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/**
 * Validates and freezes a BFV parameter set (Spec: §4.1):
 * n a power of two in [2048, 32768] (or [2, 32768] with `insecure`); 1 to 64 distinct primes
 * q_i < 2^50 with q_i ≡ 1 (mod 2n); 2 ≤ t < 2^50 coprime to every q_i and below the product of the
 * data-level primes; and log2 of the product of all primes at most {@link maxCoeffModulusBits}.
 * Inconsistent sets throw {@link InvalidParametersError}; consistent but insecure sets throw
 * {@link InsecureParametersError} unless `insecure: true`.
 */
export function createBfvParameters(options: BfvParameterOptions): BfvParameters {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('createBfvParameters: expected an options object');
  }
  const { polyModulusDegree: n, coeffModulus, plainModulus: t } = options;
  const insecure = options.insecure === true;
  const level = options.securityLevel ?? 128;
  checkLevel(level);
  if (!isPowerOfTwo(n) || n < 2 || n > MAX_DEGREE) {
    throw new InvalidParametersError(`polyModulusDegree must be a power of two in [2, ${MAX_DEGREE}], got ${String(n)}`);
  }
  if (!Array.isArray(coeffModulus) || coeffModulus.length === 0 || coeffModulus.length > MAX_COEFF_MODULUS_COUNT) {
    throw new InvalidParametersError(`coeffModulus must list 1 to ${MAX_COEFF_MODULUS_COUNT} primes`);
  }
  const seen = new Set<number>();
  for (const q of coeffModulus) {
    if (!Number.isSafeInteger(q) || q < 2 || q >= MAX_MODULUS_WIDE) {
      throw new InvalidParametersError(`coefficient modulus primes must be integers in [2, 2^50), got ${String(q)}`);
    }
    if (seen.has(q)) throw new InvalidParametersError(`coefficient modulus prime ${q} is listed twice`);
    seen.add(q);
    if (!isPrime(q)) throw new InvalidParametersError(`coefficient modulus ${q} is not prime`);
    if ((q - 1) % (2 * n) !== 0) {
      throw new InvalidParametersError(`coefficient modulus ${q} is not ≡ 1 mod 2n = ${2 * n}, so it has no negacyclic NTT`);
    }
  }
  if (!Number.isSafeInteger(t) || t < 2 || t >= MAX_MODULUS_WIDE) {
    throw new InvalidParametersError(`plainModulus must be an integer in [2, 2^50), got ${String(t)}`);
  }
  for (const q of coeffModulus) {
    if (gcd(q, t) !== 1) throw new InvalidParametersError(`plainModulus ${t} is not coprime to coefficient modulus ${q}`);
  }
  const dataCount = coeffModulus.length > 1 ? coeffModulus.length - 1 : 1;
  const dataQ = coeffModulus.slice(0, dataCount).reduce((a, q) => a * BigInt(q), 1n);
  if (BigInt(t) >= dataQ) {
    throw new InvalidParametersError(`plainModulus ${t} must be smaller than the data-level coefficient modulus`);
  }
  const totalQ = coeffModulus.reduce((a, q) => a * BigInt(q), 1n);
  const bits = bitLengthBig(totalQ);
  if (!insecure) {
    if (n < MIN_SECURE_DEGREE) {
      throw new InsecureParametersError(
        `polyModulusDegree ${n} is below ${MIN_SECURE_DEGREE}; pass { insecure: true } to use it for tests only`,
      );
    }
    const max = maxCoeffModulusBits(n, level);
    if (bits > max) {
      throw new InsecureParametersError(
        `coefficient modulus has ${bits} bits but n = ${n} allows at most ${max} for ${level}-bit security ` +
          `(HomomorphicEncryption.org standard, ternary secret); pass { insecure: true } to override`,
      );
    }
  }
  const batching = isPrime(t) && (t - 1) % (2 * n) === 0;
  return Object.freeze({
    polyModulusDegree: n,
    coeffModulus: Object.freeze([...coeffModulus]),
    plainModulus: t,
    securityLevel: insecure ? null : level,
    coeffModulusBits: bits,
    batching,
    secretDistribution: 'ternary' as const,
    noiseEta: NOISE_ETA,
  });
}
