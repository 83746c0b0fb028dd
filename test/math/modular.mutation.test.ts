/**
 * Argument checks and cached constants of src/math/modular.ts that a mutation run found unguarded,
 * checked against BigInt and against the free functions: powMod's integer-base and non-negative
 * exponent checks (number and bigint), invMod's safe-integer checks, and Modulus.shoup with
 * operands whose quotient is large (the Shoup companion really is used).
 */
import { modPow } from 'bigint-mod-arith';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { Modulus, mulModShoupLazy } from '../../src/math/modular.js';
import { invMod, mulModShoup, powMod, shoupPrecompute } from '../../src/math/index.js';

const Q = 1073479681;

describe('powMod argument checks', () => {
  it('a non-integer base is refused, with a message naming it', () => {
    for (const base of [2.5, Number.NaN, Infinity, -0.5]) {
      expect(() => powMod(base, 3, 17)).toThrow(InvalidArgumentError);
      expect(() => powMod(base, 3, 17)).toThrow(`powMod: base must be an integer, got ${base}`);
    }
    // Integers of any sign and size (up to 2^53) are reduced first.
    expect(powMod(-2, 3, 17)).toBe(9);
    expect(powMod(2 ** 53 - 1, 2, 17)).toBe(Number(modPow(2n ** 53n - 1n, 2n, 17n)));
  });

  it('a negative exponent is refused, as a number and as a bigint', () => {
    for (const e of [-1, -2, -(2 ** 40)]) {
      expect(() => powMod(3, e, 17)).toThrow(`exponent must be a non-negative safe integer, got ${e}`);
    }
    for (const e of [-1n, -2n, -(2n ** 70n)]) {
      expect(() => powMod(3, e, 17)).toThrow(InvalidArgumentError);
      expect(() => powMod(3, e, 17)).toThrow(`exponent must be non-negative, got ${e}`);
    }
  });

  it('a fractional or unsafe number exponent is refused; a bigint of any size is fine', () => {
    for (const e of [0.5, 2 ** 53, Number.NaN]) expect(() => powMod(3, e, 17)).toThrow(InvalidArgumentError);
    expect(powMod(3, 2n ** 80n + 1n, Q)).toBe(Number(modPow(3n, 2n ** 80n + 1n, BigInt(Q))));
    expect(powMod(3, 0n, Q)).toBe(1);
    expect(powMod(3, 0, 2)).toBe(1);
    expect(powMod(3, 0n, 2)).toBe(1);
    expect(powMod(0, 0, 5)).toBe(1);
    expect(powMod(5, 1n, Q)).toBe(5);
    expect(powMod(Q - 1, 2 ** 53 - 1, Q)).toBe(Q - 1);
  });

  it('an invalid modulus is refused before the base', () => {
    expect(() => powMod(2.5, 3, 1)).toThrow(InvalidParametersError);
    expect(() => powMod(2, 3, 2 ** 30)).toThrow(/modulus must be an integer in \[2, 2\^30\), got 1073741824/);
  });
});

describe('invMod argument checks', () => {
  it('a value that is not a safe integer is refused with its own message', () => {
    for (const a of [2.5, 2 ** 53, -(2 ** 53), Number.NaN, Infinity]) {
      expect(() => invMod(a, 17)).toThrow(InvalidArgumentError);
      expect(() => invMod(a, 17)).toThrow(`invMod: value must be a safe integer, got ${a}`);
    }
  });

  it('a modulus that is not a safe integer ≥ 2 is refused', () => {
    for (const m of [1, 0, -7, 2.5, 2 ** 53, Number.NaN]) {
      expect(() => invMod(3, m)).toThrow(InvalidParametersError);
      expect(() => invMod(3, m)).toThrow(`invMod: modulus must be a safe integer ≥ 2, got ${m}`);
    }
  });

  it('negative and unreduced values are reduced first; the result is canonical', () => {
    expect(invMod(-1, 17)).toBe(16);
    expect(invMod(18, 17)).toBe(1);
    expect(invMod(1, 2)).toBe(1);
    expect(invMod(3, 2 ** 53 - 1)).toBe(Number(((2n ** 53n - 1n) * 2n + 1n) / 3n));
    expect(() => invMod(34, 17)).toThrow('invMod: 34 is not invertible modulo 17 (gcd = 17)');
  });
});

describe('Modulus', () => {
  it('shoup(w) is the Shoup companion of w: equal to shoupPrecompute and exact for large quotients', () => {
    const m = new Modulus(Q);
    for (const w of [1, 2, 999, Q >>> 1, Q - 1]) {
      const s = m.shoup(w);
      expect(s).toBe(shoupPrecompute(w, Q));
      expect(s).toBeGreaterThan(0);
      for (const a of [Q - 1, Q - 2, 2 ** 32 - 1, 123456789]) {
        const want = Number((BigInt(a) * BigInt(w)) % BigInt(Q));
        expect(mulModShoup(a, w, s, Q)).toBe(want);
        const lazy = mulModShoupLazy(a, w, s, Q);
        expect([want, want + Q]).toContain(lazy);
      }
    }
    expect(m.shoup(0)).toBe(0);
  });

  it('Shoup never overshoots the quotient: a·w ≡ −1 (mod q) with a·w/q just below an integer', () => {
    // a·w/q = k − 1/q: an estimate rounded up by even 2^−50 relative would floor to k, not k − 1.
    for (const q of [Q, 2 ** 30 - 35, 536870909]) {
      for (const w of [3, 65537, q - 2, q - 1]) {
        const a0 = Number((BigInt(q) - BigInt(invMod(w, q))) % BigInt(q));
        const a = a0 + Math.floor((2 ** 32 - 1 - a0) / q) * q; // the largest a < 2^32 with a ≡ a0
        expect(a).toBeLessThan(2 ** 32);
        expect(a + q).toBeGreaterThanOrEqual(2 ** 32);
        const s = shoupPrecompute(w, q);
        expect(mulModShoup(a, w, s, q)).toBe(q - 1);
        expect(mulModShoupLazy(a, w, s, q)).toBe(q - 1);
      }
    }
  });

  it('bits, inverse and mul for a small and a full-width modulus', () => {
    const small = new Modulus(17);
    expect(small.bits).toBe(5);
    expect(small.value).toBe(17);
    expect(small.mul(16, 16)).toBe(1);
    expect(small.pow(3, 16)).toBe(1);
    expect(small.inv(3)).toBe(6);
    const full = new Modulus(2 ** 30 - 35);
    expect(full.bits).toBe(30);
    expect(full.mul(2 ** 30 - 36, 2 ** 30 - 36)).toBe(1);
    expect(() => new Modulus(2 ** 30)).toThrow(InvalidParametersError);
  });
});
