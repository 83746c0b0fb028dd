/**
 * Arithmetic mod q < 2^30 checked against BigInt (`bigint-mod-arith` and plain BigInt `%`) on
 * random and adversarial operands, for primes near 2^30 and 2^29, NTT primes and small moduli.
 */
import { modInv, modPow } from 'bigint-mod-arith';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { Modulus, assertModulus30, mulModPrecomp, mulModShoupLazy, negMod, reduceMod } from '../../src/math/modular.js';
import { addMod, invMod, mulMod, mulModShoup, powMod, shoupPrecompute, subMod } from '../../src/math/index.js';
import { adversarialPairs, randomBelow, rngFor } from './helpers.js';

// 2^30 − 35 and 2^29 − 3 are the largest primes below 2^30 and 2^29; 1073479681 and 1071513601 are
// 30-bit NTT primes (≡ 1 mod 8192); 8380417 Dilithium, 3329 Kyber, 12289 Falcon/NewHope; small ones.
const PRIMES = [1073741789, 536870909, 1073479681, 1071513601, 8380417, 12289, 3329, 17, 3, 2];
// mulMod does not need primality: also an even and a composite modulus just below 2^30.
const COMPOSITES = [2 ** 30 - 1, 2 ** 30 - 2, 1000000];

describe('modular arithmetic mod q < 2^30 vs BigInt', () => {
  for (const q of [...PRIMES, ...COMPOSITES]) {
    const Q = BigInt(q);
    const prime = PRIMES.includes(q);
    it(`mulMod, mulModPrecomp, Shoup, add/sub/neg mod ${q}`, () => {
      const rng = rngFor(`modular/${q}`);
      const rand = randomBelow(rng, q, 4000);
      const pairs: [number, number][] = [];
      for (let i = 0; i + 1 < rand.length; i += 2) pairs.push([rand[i], rand[i + 1]]);
      if (q > 3) pairs.push(...adversarialPairs(rng, q, prime));
      const m = new Modulus(q);
      const bad: string[] = [];
      for (const [a, b] of pairs) {
        const A = BigInt(a);
        const B = BigInt(b);
        const expected = Number((A * B) % Q);
        const bs = shoupPrecompute(b, q);
        const lazy = mulModShoupLazy(a, b, bs, q);
        const got = {
          mulMod: mulMod(a, b, q),
          mulModPrecomp: mulModPrecomp(a, b, b / q, q),
          mulModShoup: mulModShoup(a, b, bs, q),
          ModulusMul: m.mul(a, b),
        };
        for (const [name, v] of Object.entries(got)) if (v !== expected) bad.push(`${name}(${a}, ${b}) = ${v} ≠ ${expected}`);
        if (lazy !== expected && lazy !== expected + q) bad.push(`lazy(${a}, ${b}) = ${lazy}`);
        if (addMod(a, b, q) !== Number((A + B) % Q)) bad.push(`addMod(${a}, ${b})`);
        if (subMod(a, b, q) !== Number((((A - B) % Q) + Q) % Q)) bad.push(`subMod(${a}, ${b})`);
        if (negMod(a, q) !== Number((Q - A) % Q)) bad.push(`negMod(${a})`);
      }
      expect(bad).toEqual([]);
      expect(pairs.length).toBeGreaterThanOrEqual(2000);
    });
  }

  it('exhaustive over all operand pairs for small moduli', () => {
    const bad: string[] = [];
    for (const q of [2, 3, 5, 17, 97, 256, 257, 769]) {
      for (let a = 0; a < q; a++) {
        for (let b = 0; b < q; b++) {
          const expected = (a * b) % q; // exact: a·b < 2^20
          const bs = shoupPrecompute(b, q);
          if (
            mulMod(a, b, q) !== expected ||
            mulModPrecomp(a, b, b / q, q) !== expected ||
            mulModShoup(a, b, bs, q) !== expected ||
            addMod(a, b, q) !== (a + b) % q ||
            subMod(a, b, q) !== (a - b + q) % q
          ) {
            bad.push(`${a}, ${b} mod ${q}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('mulModShoup accepts unreduced a < 2^32 (lazy NTT inputs)', () => {
    const rng = rngFor('shoup-unreduced');
    const bad: string[] = [];
    for (const q of [1073741789, 1073479681, 536870909, 12289]) {
      const Q = BigInt(q);
      const as = [...randomBelow(rng, 2 ** 32, 2000), 2 ** 32 - 1, 4 * q - 1, 2 * q, 0];
      const ws = [...randomBelow(rng, q, 50), q - 1, 1, 0];
      for (const w of ws) {
        const s = shoupPrecompute(w, q);
        for (const a of as) {
          const expected = Number((BigInt(a) * BigInt(w)) % Q);
          const lazy = mulModShoupLazy(a, w, s, q);
          if (mulModShoup(a, w, s, q) !== expected || (lazy !== expected && lazy !== expected + q)) {
            bad.push(`${a}·${w} mod ${q}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('powMod and invMod match modPow / modInv', () => {
    const rng = rngFor('pow-inv');
    for (const q of PRIMES) {
      const Q = BigInt(q);
      const bases = [...randomBelow(rng, q, 40), 0, 1, q - 1];
      for (const b of bases) {
        for (const e of [0, 1, 2, q - 2, q - 1, q, 2 ** 40 + 7, ...randomBelow(rng, 2 ** 53, 3)]) {
          expect(powMod(b, e, q)).toBe(Number(modPow(BigInt(b), BigInt(e), Q)));
        }
        expect(powMod(b, 12345678901234567890n, q)).toBe(Number(modPow(BigInt(b), 12345678901234567890n, Q)));
        if (b !== 0) expect(invMod(b, q)).toBe(Number(modInv(BigInt(b), Q)));
      }
      expect(powMod(-5, 3, q)).toBe(Number(modPow(-5n, 3n, Q)));
    }
    // invMod works for any modulus < 2^53, including wide ones.
    for (const m of [2 ** 53 - 111, 2061584302081, 2 ** 52 + 1, 1000000]) {
      for (const a of [...randomBelow(rng, m, 30), 1, m - 1]) {
        let expected: bigint;
        try {
          expected = modInv(BigInt(a), BigInt(m));
        } catch {
          expect(() => invMod(a, m)).toThrow(InvalidArgumentError);
          continue;
        }
        expect(invMod(a, m)).toBe(Number(expected));
      }
    }
  });

  it('reduceMod handles negatives', () => {
    expect(reduceMod(-1, 17)).toBe(16);
    expect(reduceMod(-17, 17)).toBe(0);
    expect(reduceMod(35, 17)).toBe(1);
    expect(reduceMod(-(2 ** 53 - 1), 1073741789)).toBe(Number(((-(2n ** 53n - 1n) % 1073741789n) + 1073741789n) % 1073741789n));
  });

  it('rejects bad moduli and non-invertible values with typed errors', () => {
    expect(() => assertModulus30(2 ** 30)).toThrow(InvalidParametersError);
    expect(() => assertModulus30(1)).toThrow(InvalidParametersError);
    expect(() => assertModulus30(12.5)).toThrow(InvalidParametersError);
    expect(() => new Modulus(0)).toThrow(InvalidParametersError);
    expect(() => powMod(2, -1, 17)).toThrow(InvalidArgumentError);
    expect(() => powMod(2, 1.5, 17)).toThrow(InvalidArgumentError);
    expect(() => powMod(2, 3, 2 ** 31)).toThrow(InvalidParametersError);
    expect(() => invMod(0, 17)).toThrow(InvalidArgumentError);
    expect(() => invMod(6, 9)).toThrow(/not invertible/);
    expect(() => invMod(3, 1)).toThrow(InvalidParametersError);
  });

  it('Modulus caches constants and mirrors the free functions', () => {
    const m = new Modulus(1073479681);
    expect(m.bits).toBe(30);
    expect(m.inverse).toBe(1 / 1073479681);
    expect(m.add(1073479680, 5)).toBe(4);
    expect(m.sub(3, 5)).toBe(1073479679);
    expect(m.neg(0)).toBe(0);
    expect(m.reduce(-1)).toBe(1073479680);
    expect(m.pow(3, 1073479680)).toBe(1);
    expect(m.mul(m.inv(12345), 12345)).toBe(1);
    expect(mulModShoup(777, 999, m.shoup(999), 1073479681)).toBe(777 * 999);
  });
});
