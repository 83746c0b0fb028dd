/**
 * Arithmetic modulo wide moduli m < 2^50 checked against BigInt: SEAL BFVDefault primes (36–44
 * bits), the share prime, moduli right below 2^50 (prime and composite) and random moduli.
 */
import { modInv, modPow } from 'bigint-mod-arith';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { addModWide, assertModulusWide, floorMulDiv, invMod2to52, mod52, mulLow52, mulModWideFast, mulModWidePrecomp, negModWide, subModWide } from '../../src/math/wide.js';
import { invModWide, mulModWide, powModWide } from '../../src/math/index.js';
import { adversarialPairs, randomBelow, rngFor } from './helpers.js';

// SEAL BFVDefault primes for n = 4096 and 8192, the share prime p, the largest prime below 2^50
// (2^50 − 35), and 30-bit primes (the wide routines must also work for small moduli).
const PRIMES = [
  0xffffee001, 0xffffc4001, 0x1ffffe0001, 0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001,
  2061584302081, 2 ** 50 - 35, 1073741789, 8380417, 3,
];
const COMPOSITES = [2 ** 50 - 1, 2 ** 50 - 2, 2 ** 40, 10 ** 15];

describe('wide modular arithmetic (m < 2^50) vs BigInt', () => {
  it('mulLow52 is the product mod 2^52 for operands < 2^52', () => {
    const rng = rngFor('low52');
    const xs = [...randomBelow(rng, 2 ** 52, 2000), 0, 1, 2 ** 26 - 1, 2 ** 26, 2 ** 51 - 1, 2 ** 50, 2 ** 52 - 1];
    const bad: string[] = [];
    for (let i = 0; i + 1 < xs.length; i++) {
      const [a, b] = [xs[i], xs[xs.length - 1 - i]];
      const expected = Number((BigInt(a) * BigInt(b)) % 2n ** 52n);
      if (mulLow52(a, b) !== expected) bad.push(`${a}·${b}`);
    }
    expect(bad).toEqual([]);
  });

  const rng = rngFor('wide-moduli');
  const randomModuli = randomBelow(rng, 2 ** 50 - 2, 6).map((x) => x + 2);
  for (const m of [...PRIMES, ...COMPOSITES, ...randomModuli]) {
    const prime = PRIMES.includes(m);
    it(`mulModWide, precomp, add/sub/neg mod ${m}${prime ? ' (prime)' : ''}`, () => {
      const r = rngFor(`wide/${m}`);
      const M = BigInt(m);
      const rand = randomBelow(r, m, 3000);
      const pairs: [number, number][] = [];
      for (let i = 0; i + 1 < rand.length; i += 2) pairs.push([rand[i], rand[i + 1]]);
      if (m > 3) pairs.push(...adversarialPairs(r, m, prime));
      const bad: string[] = [];
      for (const [a, b] of pairs) {
        const A = BigInt(a);
        const B = BigInt(b);
        const expected = Number((A * B) % M);
        const x = mulModWide(a, b, m);
        const y = mulModWidePrecomp(a, b, b / m, m);
        const m1 = Math.floor(m / 2 ** 26);
        const z = mulModWideFast(a, b, m, 1 / m, m1, m - m1 * 2 ** 26);
        if (x !== expected || y !== expected || z !== expected) bad.push(`${a}·${b} mod ${m}: ${x}, ${y}, ${z} ≠ ${expected}`);
        if (addModWide(a, b, m) !== Number((A + B) % M)) bad.push(`add(${a}, ${b})`);
        if (subModWide(a, b, m) !== Number((((A - B) % M) + M) % M)) bad.push(`sub(${a}, ${b})`);
        if (negModWide(a, m) !== Number((M - A) % M)) bad.push(`neg(${a})`);
      }
      expect(bad).toEqual([]);
      expect(pairs.length).toBeGreaterThanOrEqual(1500);
    });
  }

  it('mod52, invMod2to52 and floorMulDiv match BigInt', () => {
    const r = rngFor('wide-52');
    const bad: string[] = [];
    for (const x of [...randomBelow(r, 2 ** 53, 200).map((v) => v - 2 ** 52), 0, 2 ** 52, -(2 ** 52), 2 ** 53 - 1, -(2 ** 53) + 1]) {
      if (mod52(x) !== Number(((BigInt(x) % 2n ** 52n) + 2n ** 52n) % 2n ** 52n)) bad.push(`mod52(${x})`);
    }
    for (const q of [...PRIMES.filter((p) => p % 2 === 1), ...randomBelow(r, 2 ** 51, 50).map((v) => 2 * v + 1)]) {
      const x = invMod2to52(q);
      if (Number((BigInt(q) * BigInt(x)) % 2n ** 52n) !== 1) bad.push(`invMod2to52(${q})`);
    }
    for (const m of [...PRIMES, ...COMPOSITES]) {
      for (let i = 0; i < 200; i++) {
        const [a, b] = randomBelow(r, Math.min(m, 2 ** 50), 2);
        const expected = (BigInt(a) * BigInt(b)) / BigInt(m);
        if (expected >= 2n ** 50n) continue;
        if (floorMulDiv(a, b, m) !== Number(expected)) bad.push(`floorMulDiv(${a}, ${b}, ${m})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('powModWide and invModWide match modPow / modInv', () => {
    const r = rngFor('wide-pow');
    for (const m of PRIMES) {
      const M = BigInt(m);
      for (const b of [...randomBelow(r, m - 1, 15).map((x) => x + 1), 1, m - 1]) {
        for (const e of [0, 1, m - 1, m - 2, ...randomBelow(r, 2 ** 53, 2)]) {
          expect(powModWide(b, e, m)).toBe(Number(modPow(BigInt(b), BigInt(e), M)));
        }
        expect(invModWide(b, m)).toBe(Number(modInv(BigInt(b), M)));
      }
      // Fermat: a^(m−1) = 1 for prime m.
      expect(powModWide(5, BigInt(m) - 1n, m)).toBe(m === 5 ? 0 : 1);
    }
  });

  it('rejects bad moduli with typed errors', () => {
    expect(() => assertModulusWide(2 ** 50)).toThrow(InvalidParametersError);
    expect(() => powModWide(2, 3, 1)).toThrow(InvalidParametersError);
    expect(() => powModWide(2, -3, 17)).toThrow(InvalidArgumentError);
    expect(() => invModWide(2 ** 20, 2 ** 40)).toThrow(InvalidArgumentError);
    expect(() => invModWide(3, 2 ** 51)).toThrow(InvalidParametersError);
  });
});
