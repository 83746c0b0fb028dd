/** RNS bases and CRT checked against BigInt (`bigint-mod-arith`'s crt and the textbook formula). */
import { crt } from 'bigint-mod-arith';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../../src/errors.js';
import { RnsBase, generateNttPrimes } from '../../src/math/index.js';
import { centeredLift } from '../../src/math/rns.js';
import { crtComposeRef } from '../../src/math/modular-reference.js';
import { uniformBigintBelow } from '../../src/random/index.js';
import { rngFor } from './helpers.js';

const BASES: number[][] = [
  generateNttPrimes(30, 4096, 4),
  [0xffffee001, 0xffffc4001, 0x1ffffe0001],
  [0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001],
  [2061584302081, 1073479681],
  [3, 5, 7, 16], // coprime, not all prime
  [8380417],
];

describe('RnsBase', () => {
  for (const moduli of BASES) {
    it(`compose/decompose round-trip vs BigInt for {${moduli.join(', ')}}`, () => {
      const rng = rngFor(`rns/${moduli.join(',')}`);
      const base = new RnsBase(moduli);
      const big = moduli.map(BigInt);
      const Q = big.reduce((a, b) => a * b, 1n);
      expect(base.Q).toBe(Q);
      expect(base.size).toBe(moduli.length);
      for (let i = 0; i < moduli.length; i++) {
        expect(base.puncturedProducts[i]).toBe(Q / big[i]);
        expect(((Q / big[i]) * BigInt(base.invPuncturedProducts[i])) % big[i]).toBe(1n);
      }
      const xs = [0n, 1n, Q - 1n, Q / 2n, Q / 2n + 1n];
      for (let i = 0; i < 200; i++) xs.push(uniformBigintBelow(rng, Q));
      for (const x of xs) {
        const r = base.decompose(x);
        expect(r).toEqual(big.map((q) => Number(x % q)));
        expect(base.compose(r)).toBe(x);
        expect(base.compose(r)).toBe(crtComposeRef(r.map(BigInt), big));
        if (moduli.length > 1) expect(base.compose(r)).toBe(crt(r.map(BigInt), big));
        const c = base.composeCentered(r);
        expect(c).toBe(2n * x > Q ? x - Q : x);
        // Negative inputs decompose to the residues of x − Q.
        expect(base.decompose(x - Q)).toEqual(r);
      }
    });
  }

  it('polynomial decompose/compose, centered and not', () => {
    const rng = rngFor('rns-poly');
    const moduli = generateNttPrimes(30, 1024, 3);
    const base = new RnsBase(moduli);
    const Q = base.Q;
    const coeffs: bigint[] = [];
    for (let i = 0; i < 256; i++) coeffs.push(uniformBigintBelow(rng, Q) - Q / 2n);
    coeffs.push(-(Q - 1n) / 2n, Q / 2n, 0n, -1n);
    const parts = base.decomposePoly(coeffs);
    expect(parts.length).toBe(3);
    expect(parts[0]).toBeInstanceOf(Uint32Array);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < coeffs.length; j++) {
        const q = BigInt(moduli[i]);
        expect(BigInt(parts[i][j])).toBe(((coeffs[j] % q) + q) % q);
      }
    }
    expect(base.composePoly(parts, true)).toEqual(coeffs.map((c) => centeredLift(c, Q)));
    expect(base.composePoly(parts)).toEqual(coeffs.map((c) => ((c % Q) + Q) % Q));
    const wide = new RnsBase([0xffffee001, 0xffffc4001]);
    const w = wide.decomposePolyWide(coeffs.map((c) => c % wide.Q));
    expect(w[0]).toBeInstanceOf(Float64Array);
    expect(wide.composePoly(w, true)).toEqual(coeffs.map((c) => centeredLift(c % wide.Q, wide.Q)));
    expect(() => wide.decomposePoly(coeffs)).toThrow(InvalidParametersError);
  });

  it('centeredLift', () => {
    expect(centeredLift(0n, 7n)).toBe(0n);
    expect(centeredLift(3n, 7n)).toBe(3n);
    expect(centeredLift(4n, 7n)).toBe(-3n);
    expect(centeredLift(-4n, 7n)).toBe(3n);
    expect(centeredLift(4n, 8n)).toBe(4n); // even modulus: range (−m/2, m/2]
    expect(centeredLift(5n, 8n)).toBe(-3n);
    expect(() => centeredLift(1n, 0n)).toThrow(InvalidArgumentError);
  });

  it('rejects bad bases and inputs', () => {
    expect(() => new RnsBase([])).toThrow(InvalidParametersError);
    expect(() => new RnsBase([6, 9])).toThrow(/not coprime/);
    expect(() => new RnsBase([1])).toThrow(InvalidParametersError);
    expect(() => new RnsBase([2 ** 50])).toThrow(InvalidParametersError);
    const base = new RnsBase([17, 19]);
    expect(() => base.compose([1])).toThrow(SizeMismatchError);
    expect(() => base.compose([17, 0])).toThrow(InvalidArgumentError);
    expect(() => base.composePoly([new Uint32Array(2), new Uint32Array(3)])).toThrow(SizeMismatchError);
  });
});
