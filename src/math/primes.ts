/**
 * Primality, NTT-friendly prime generation (SEAL's `CoeffModulus::Create` rule) and minimal
 * primitive roots of unity (SEAL's `try_minimal_primitive_root`).
 *
 * Spec: §3.3
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import { mulMod } from './modular.js';
import { MAX_MODULUS_WIDE, mulModWide } from './wide.js';

/**
 * Miller–Rabin bases that make the test deterministic for every n < 3.3·10^24 (the first 13
 * primes: Sorenson & Webster 2015 prove the first 12 suffice below 3.18·10^23).
 */
const MR_BASES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41];
/** Beyond that bound we add more fixed bases; the test is then (only) overwhelmingly likely. */
const MR_EXTRA_BASES = [43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];
const MR_DETERMINISTIC_BOUND = 3317044064679887385961981n;

const SMALL_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];

/**
 * Deterministic primality test for a non-negative safe integer n < 2^53: trial division by small
 * primes, then Miller–Rabin with the first 13 prime bases. Uses number arithmetic
 * ({@link mulModWide}) below 2^50 and BigInt above. Spec: §3.3
 */
export function isPrime(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError(`isPrime: expected a non-negative safe integer, got ${n}`);
  }
  if (n < 2) return false;
  for (const sp of SMALL_PRIMES) {
    if (n === sp) return true;
    if (n % sp === 0) return false;
  }
  if (n >= MAX_MODULUS_WIDE) return isPrimeBig(BigInt(n));
  const mul = n < 2 ** 30 ? mulMod : mulModWide;
  let d = n - 1;
  let s = 0;
  while (d % 2 === 0) {
    d /= 2;
    s++;
  }
  const pow = (b: number, e: number): number => {
    let r = 1;
    while (e > 0) {
      if (e % 2 === 1) r = mul(r, b, n);
      b = mul(b, b, n);
      e = Math.floor(e / 2);
    }
    return r;
  };
  outer: for (const a of MR_BASES) {
    let x = pow(a % n, d);
    if (x === 1 || x === n - 1) continue;
    for (let i = 1; i < s; i++) {
      x = mul(x, x, n);
      if (x === n - 1) continue outer;
    }
    return false;
  }
  return true;
}

/**
 * Miller–Rabin for a bigint. Deterministic below 3.3·10^24 (first 13 prime bases); above that,
 * 25 fixed prime bases, so a composite passing is astronomically unlikely but not excluded.
 * Spec: §3.3
 */
export function isPrimeBig(n: bigint): boolean {
  if (typeof n !== 'bigint') throw new InvalidArgumentError('isPrimeBig: expected a bigint');
  if (n < 2n) return false;
  for (const sp of SMALL_PRIMES) {
    const b = BigInt(sp);
    if (n === b) return true;
    if (n % b === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const bases = n < MR_DETERMINISTIC_BOUND ? MR_BASES : [...MR_BASES, ...MR_EXTRA_BASES];
  outer: for (const base of bases) {
    let x = powBig(BigInt(base), d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

function powBig(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/**
 * The `count` largest primes of exactly `bitSize` bits with q ≡ 1 (mod 2n), in decreasing order:
 * SEAL's rule (`util::get_primes`, used by `CoeffModulus::Create`): start at 2^bitSize − 2n + 1
 * and step down by 2n while above 2^(bitSize−1). Such primes admit a negacyclic NTT of size n.
 * Requires n a power of two, 2 ≤ bitSize ≤ 52. Throws {@link InvalidParametersError} when fewer
 * than `count` such primes exist. Spec: §3.3
 */
export function generateNttPrimes(bitSize: number, n: number, count: number): number[] {
  if (!Number.isInteger(bitSize) || bitSize < 2 || bitSize > 52) {
    throw new InvalidArgumentError(`generateNttPrimes: bitSize must be an integer in [2, 52], got ${bitSize}`);
  }
  if (!isPowerOfTwo(n)) throw new InvalidArgumentError(`generateNttPrimes: n must be a power of two, got ${n}`);
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(`generateNttPrimes: count must be a positive integer, got ${count}`);
  }
  const factor = 2 * n;
  const lowerBound = 2 ** (bitSize - 1);
  const out: number[] = [];
  for (let value = 2 ** bitSize - factor + 1; value > lowerBound && out.length < count; value -= factor) {
    if (isPrime(value)) out.push(value);
  }
  if (out.length < count) {
    throw new InvalidParametersError(
      `generateNttPrimes: only ${out.length} primes of ${bitSize} bits are ≡ 1 mod ${factor}, ${count} requested`,
    );
  }
  return out;
}

/** True iff n is a positive integer power of two (1, 2, 4, …, 2^52). */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Distinct prime factors of a positive safe integer (trial division; fine for orders ≤ 2^40). */
function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let d = 2; d * d <= n; d++) {
    if (n % d === 0) {
      out.push(d);
      while (n % d === 0) n /= d;
    }
  }
  if (n > 1) out.push(n);
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Whether r is a primitive `order`-th root of unity mod the prime q < 2^50:
 * r^order = 1 and r^(order/ℓ) ≠ 1 for every prime ℓ | order. (For order a power of two, as SEAL
 * checks, this is r^(order/2) = q − 1.) Spec: §3.3
 */
export function isPrimitiveRoot(r: number, order: number, q: number): boolean {
  checkRootArgs(order, q);
  if (!Number.isInteger(r) || r <= 0 || r >= q) return false;
  if (powWide(r, order, q) !== 1) return false;
  for (const l of primeFactors(order)) if (powWide(r, order / l, q) === 1) return false;
  return true;
}

/**
 * The smallest (as an integer in [1, q)) primitive `order`-th root of unity modulo the prime
 * q < 2^50. SEAL's rule (`util::try_minimal_primitive_root`): find any primitive root r, then
 * take the minimum over the powers r^k with gcd(k, order) = 1 — for order a power of two, the
 * odd powers — which are exactly all the primitive roots. We find r deterministically as
 * g^((q−1)/order) for g = 2, 3, …, so the result does not depend on randomness.
 * E.g. minimalPrimitiveRoot(512, 8380417) = 1753 (Dilithium), minimalPrimitiveRoot(256, 3329) = 17
 * (Kyber). Throws {@link InvalidParametersError} if q is not prime or order ∤ q − 1. Spec: §3.3
 */
export function minimalPrimitiveRoot(order: number, q: number): number {
  checkRootArgs(order, q);
  if (!isPrime(q)) throw new InvalidParametersError(`minimalPrimitiveRoot: ${q} is not prime`);
  if ((q - 1) % order !== 0) {
    throw new InvalidParametersError(`minimalPrimitiveRoot: order ${order} does not divide q − 1 = ${q - 1}`);
  }
  if (order === 1) return 1;
  const cofactor = (q - 1) / order;
  const factors = primeFactors(order);
  let root = 0;
  for (let g = 2; g < q; g++) {
    const r = powWide(g, cofactor, q);
    if (factors.every((l) => powWide(r, order / l, q) !== 1)) {
      root = r;
      break;
    }
  }
  // q prime ⇒ Z_q^* is cyclic and a generator exists, so the loop always finds a root.
  let best = root;
  let power = root; // r^k
  for (let k = 1; k < order; k++) {
    if (k > 1) power = mulWide(power, root, q);
    if (power < best && gcd(k, order) === 1) best = power;
  }
  return best;
}

function checkRootArgs(order: number, q: number): void {
  if (!Number.isSafeInteger(q) || q < 2 || q >= MAX_MODULUS_WIDE) {
    throw new InvalidParametersError(`modulus must be an integer in [2, 2^50), got ${String(q)}`);
  }
  if (!Number.isSafeInteger(order) || order < 1) {
    throw new InvalidArgumentError(`order must be a positive integer, got ${order}`);
  }
}

function mulWide(a: number, b: number, q: number): number {
  return q < 2 ** 30 ? mulMod(a, b, q) : mulModWide(a, b, q);
}

function powWide(b: number, e: number, q: number): number {
  let r = 1;
  b %= q;
  while (e > 0) {
    if (e % 2 === 1) r = mulWide(r, b, q);
    b = mulWide(b, b, q);
    e = Math.floor(e / 2);
  }
  return r;
}
