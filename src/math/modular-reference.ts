/**
 * Slow, readable BigInt versions of the modular arithmetic, NTT and CRT routines. They exist to
 * check the fast number-based code (tests compare both on the same inputs) and as executable
 * documentation; nothing on a hot path uses them.
 *
 * Spec: §3.1, §3.2, §3.4, §3.5
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';

/** x mod m in [0, m) for any bigint x (JS `%` keeps the sign of x). */
export function modRef(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** (a + b) mod m. */
export function addModRef(a: bigint, b: bigint, m: bigint): bigint {
  return modRef(a + b, m);
}

/** (a − b) mod m. */
export function subModRef(a: bigint, b: bigint, m: bigint): bigint {
  return modRef(a - b, m);
}

/** (a · b) mod m. */
export function mulModRef(a: bigint, b: bigint, m: bigint): bigint {
  return modRef(a * b, m);
}

/** base^e mod m by square-and-multiply (e ≥ 0). */
export function powModRef(base: bigint, e: bigint, m: bigint): bigint {
  if (e < 0n) throw new InvalidArgumentError('powModRef: negative exponent');
  let result = 1n % m;
  let b = modRef(base, m);
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** a^{−1} mod m by the extended Euclidean algorithm; throws if gcd(a, m) ≠ 1. */
export function invModRef(a: bigint, m: bigint): bigint {
  let [r0, r1] = [m, modRef(a, m)];
  let [s0, s1] = [0n, 1n];
  while (r1 !== 0n) {
    const k = r0 / r1;
    [r0, r1] = [r1, r0 - k * r1];
    [s0, s1] = [s1, s0 - k * s1];
  }
  if (r0 !== 1n) throw new InvalidArgumentError(`invModRef: ${a} is not invertible modulo ${m}`);
  return modRef(s0, m);
}

/** Centered representative of x mod m, in (−m/2, m/2]. */
export function centerRef(x: bigint, m: bigint): bigint {
  const r = modRef(x, m);
  return 2n * r > m ? r - m : r;
}

/**
 * Schoolbook product in Z_m[X]/(X^n + 1): c_k = Σ_{i+j=k} a_i·b_j − Σ_{i+j=k+n} a_i·b_j.
 * O(n²); the definition the NTT-based product is checked against. Spec: §3.4
 */
export function negacyclicMultiplyRef(a: readonly bigint[], b: readonly bigint[], m: bigint): bigint[] {
  const n = a.length;
  if (b.length !== n) throw new InvalidArgumentError('negacyclicMultiplyRef: lengths differ');
  const acc: bigint[] = new Array<bigint>(n).fill(0n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i + j;
      if (k < n) acc[k] += a[i] * b[j];
      else acc[k - n] -= a[i] * b[j];
    }
  }
  return acc.map((x) => modRef(x, m));
}

/**
 * The NTT by its definition: â_k = Σ_i a_i·ψ^{(2·brv(k)+1)·i} mod m, output in bit-reversed
 * order, i.e. the evaluation of a(X) at the odd powers of ψ (the roots of X^n + 1). O(n²).
 * Spec: §3.4
 */
export function nttRef(a: readonly bigint[], psi: bigint, m: bigint): bigint[] {
  const n = a.length;
  const logn = Math.log2(n);
  if (!Number.isInteger(logn)) throw new InvalidArgumentError('nttRef: length must be a power of two');
  const out: bigint[] = [];
  for (let k = 0; k < n; k++) {
    let rev = 0;
    for (let b = 0; b < logn; b++) rev |= ((k >> b) & 1) << (logn - 1 - b);
    const x = powModRef(psi, BigInt(2 * rev + 1), m);
    // Horner evaluation of a at x.
    let acc = 0n;
    for (let i = n - 1; i >= 0; i--) acc = (acc * x + a[i]) % m;
    out.push(acc);
  }
  return out;
}

/** Chinese remaindering by the textbook formula x = Σ r_i·(M/m_i)·((M/m_i)^{−1} mod m_i) mod M. Spec: §3.5 */
export function crtComposeRef(residues: readonly bigint[], moduli: readonly bigint[]): bigint {
  if (residues.length !== moduli.length || moduli.length === 0) {
    throw new InvalidParametersError('crtComposeRef: need one residue per modulus');
  }
  const M = moduli.reduce((x, y) => x * y, 1n);
  let x = 0n;
  for (let i = 0; i < moduli.length; i++) {
    const Mi = M / moduli[i];
    x += residues[i] * Mi * invModRef(Mi, moduli[i]);
  }
  return modRef(x, M);
}

/** Deterministic-enough trial-division primality test (for tiny n only, in tests). */
export function isPrimeTrialDivision(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
