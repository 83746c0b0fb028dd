/**
 * Primality, NTT-prime generation and minimal primitive roots, checked against published values:
 * SEAL's BFVDefault coefficient moduli (native/src/seal/util/globals.cpp, microsoft/SEAL), the
 * Dilithium and Kyber roots of unity (pq-crystals reference implementations), and brute force.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { generateNttPrimes, isPrime, minimalPrimitiveRoot } from '../../src/math/index.js';
import { isPowerOfTwo, isPrimeBig, isPrimitiveRoot } from '../../src/math/primes.js';
import { isPrimeTrialDivision, powModRef } from '../../src/math/modular-reference.js';

// SEAL BFVDefault(4096) = {0xffffee001, 0xffffc4001, 0x1ffffe0001} (36, 36, 37 bits) and
// BFVDefault(8192) = {0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001}.
const SEAL_4096 = [0xffffee001, 0xffffc4001, 0x1ffffe0001];
const SEAL_8192 = [0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001];

describe('isPrime / isPrimeBig', () => {
  it('agrees with trial division below 20000 and on random 30-bit numbers', () => {
    for (let n = 0; n < 20000; n++) expect(isPrime(n), `${n}`).toBe(isPrimeTrialDivision(n));
    for (let n = 2 ** 30 - 2000; n < 2 ** 30; n++) expect(isPrime(n), `${n}`).toBe(isPrimeTrialDivision(n));
  });

  it('rejects strong pseudoprimes and Carmichael numbers', () => {
    // Carmichael numbers and strong pseudoprimes to the first 4, 5, 6, 7 prime bases (OEIS A014233).
    for (const n of [561, 1105, 1729, 2047, 3215031751, 2152302898747, 3474749660383, 341550071728321]) {
      expect(isPrime(n), `${n}`).toBe(false);
      expect(isPrimeBig(BigInt(n))).toBe(false);
    }
    expect(isPrimeBig(3825123056546413051n)).toBe(false); // spsp to bases 2..23
    expect(isPrimeBig(318665857834031151167461n)).toBe(false); // spsp to bases 2..37
    expect(isPrimeBig(3317044064679887385961981n)).toBe(false); // spsp to bases 2..41
  });

  it('accepts known primes', () => {
    for (const p of [2, 3, 2 ** 31 - 1, 2061584302081, 2 ** 53 - 111, 8380417, 3329, ...SEAL_4096, ...SEAL_8192]) {
      expect(isPrime(p), `${p}`).toBe(true);
    }
    expect(isPrime(2 ** 50 - 35)).toBe(isPrimeTrialDivision(2 ** 50 - 35));
    expect(isPrime(2 ** 50 - 35)).toBe(true);
    expect(isPrimeBig(2n ** 61n - 1n)).toBe(true);
    expect(isPrimeBig(2n ** 89n - 1n)).toBe(true);
    expect(isPrimeBig(2n ** 127n - 1n)).toBe(true);
    expect(isPrimeBig((2n ** 61n - 1n) * (2n ** 31n - 1n))).toBe(false);
    expect(isPrime(2 ** 53 - 113)).toBe(isPrimeBig(2n ** 53n - 113n));
    expect(() => isPrime(-1)).toThrow(InvalidArgumentError);
    expect(() => isPrime(2 ** 53)).toThrow(InvalidArgumentError);
  });
});

describe('generateNttPrimes (SEAL CoeffModulus::Create rule)', () => {
  it('reproduces SEAL BFVDefault moduli for n = 4096 and 8192', () => {
    expect(generateNttPrimes(36, 4096, 2)).toEqual(SEAL_4096.slice(0, 2));
    expect(generateNttPrimes(37, 4096, 1)).toEqual(SEAL_4096.slice(2));
    expect(generateNttPrimes(43, 8192, 2)).toEqual(SEAL_8192.slice(0, 2));
    expect(generateNttPrimes(44, 8192, 3)).toEqual(SEAL_8192.slice(2));
    for (const [n, ps] of [[4096, SEAL_4096], [8192, SEAL_8192]] as const) {
      for (const q of ps) expect((q - 1) % (2 * n)).toBe(0);
    }
  });

  it('returns the largest primes ≡ 1 mod 2n of exactly bitSize bits, in decreasing order', () => {
    for (const [bits, n, count] of [[30, 4096, 6], [30, 8192, 4], [30, 16384, 3], [29, 2048, 4], [20, 1024, 3], [17, 4096, 2]]) {
      const ps = generateNttPrimes(bits, n, count);
      expect(ps.length).toBe(count);
      // Independent check: walk all candidates by trial division.
      const expected: number[] = [];
      for (let v = 2 ** bits - 2 * n + 1; expected.length < count; v -= 2 * n) if (isPrimeTrialDivision(v)) expected.push(v);
      expect(ps).toEqual(expected);
      for (const q of ps) {
        expect(q.toString(2).length).toBe(bits);
        expect(q % (2 * n)).toBe(1);
      }
    }
  });

  it('fails with typed errors', () => {
    expect(() => generateNttPrimes(14, 4096, 1)).toThrow(InvalidParametersError); // 2^14 − 8191: none
    expect(() => generateNttPrimes(30, 1000, 1)).toThrow(InvalidArgumentError);
    expect(() => generateNttPrimes(60, 4096, 1)).toThrow(InvalidArgumentError);
    expect(() => generateNttPrimes(30, 4096, 0)).toThrow(InvalidArgumentError);
    expect(isPowerOfTwo(2 ** 52)).toBe(true);
    expect(isPowerOfTwo(12)).toBe(false);
  });
});

describe('minimalPrimitiveRoot (SEAL try_minimal_primitive_root)', () => {
  it('gives the Dilithium and Kyber roots of unity', () => {
    expect(minimalPrimitiveRoot(512, 8380417)).toBe(1753);
    expect(minimalPrimitiveRoot(256, 3329)).toBe(17);
  });

  it('matches brute force over all residues for small primes', () => {
    for (const [order, q] of [[16, 17], [8, 17], [4, 13], [2, 7], [256, 7681], [64, 193], [3, 7], [6, 13], [12, 37]]) {
      let min = -1;
      for (let x = 1; x < q && min < 0; x++) {
        const X = BigInt(x);
        const Q = BigInt(q);
        if (powModRef(X, BigInt(order), Q) !== 1n) continue;
        let primitive = true;
        for (let k = 1; k < order; k++) if (powModRef(X, BigInt(k), Q) === 1n) primitive = false;
        if (primitive) min = x;
      }
      expect(minimalPrimitiveRoot(order, q), `order ${order} mod ${q}`).toBe(min);
      expect(isPrimitiveRoot(min, order, q)).toBe(true);
    }
  });

  it('finds primitive 2n-th roots for SEAL BFVDefault primes (q up to 2^44)', () => {
    for (const [n, ps] of [[4096, SEAL_4096], [8192, SEAL_8192]] as const) {
      for (const q of ps) {
        const psi = minimalPrimitiveRoot(2 * n, q);
        const Q = BigInt(q);
        expect(powModRef(BigInt(psi), BigInt(n), Q)).toBe(Q - 1n);
        expect(isPrimitiveRoot(psi, 2 * n, q)).toBe(true);
      }
    }
  });

  it('rejects bad parameters', () => {
    expect(() => minimalPrimitiveRoot(512, 8380416)).toThrow(InvalidParametersError);
    expect(() => minimalPrimitiveRoot(1024, 8380417 * 0 + 3329)).toThrow(InvalidParametersError);
    expect(() => minimalPrimitiveRoot(0, 17)).toThrow(InvalidArgumentError);
    expect(() => minimalPrimitiveRoot(2, 2 ** 50)).toThrow(InvalidParametersError);
  });
});
