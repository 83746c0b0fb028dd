/**
 * The NTT checked against independent BigInt references: the O(n²) schoolbook negacyclic product
 * and the definition of the transform (evaluation at odd powers of ψ, bit-reversed order).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../../src/errors.js';
import { NttTables, WideNttTables, bitReverse, createNttTables, forwardNtt, generateNttPrimes, inverseNtt, negacyclicMultiply, negacyclicMultiplyRef } from '../../src/math/index.js';
import { forwardNttWide, inverseNttWide, negacyclicMultiplyWide } from '../../src/math/ntt-wide.js';
import { nttRef, powModRef } from '../../src/math/modular-reference.js';
import { randomBelow, rngFor } from './helpers.js';

const SEAL_4096 = [0xffffee001, 0xffffc4001, 0x1ffffe0001];
const SEAL_8192 = [0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001];

const toBig = (a: ArrayLike<number>): bigint[] => Array.from(a, (x) => BigInt(x));

describe('bitReverse', () => {
  it('reverses the low logn bits', () => {
    expect(bitReverse(1, 3)).toBe(4);
    expect(bitReverse(6, 3)).toBe(3);
    expect(bitReverse(1, 8)).toBe(128);
    expect(bitReverse(0, 0)).toBe(0);
    expect(bitReverse(1, 32)).toBe(2 ** 31);
    expect(bitReverse(0xffffffff, 32)).toBe(0xffffffff);
    for (let logn = 1; logn <= 12; logn++) {
      for (let i = 0; i < 2 ** logn; i += 1 + (i >> 3)) {
        const s = i.toString(2).padStart(logn, '0');
        expect(bitReverse(i, logn)).toBe(parseInt([...s].reverse().join(''), 2));
      }
    }
  });
});

describe('NttTables (q < 2^30)', () => {
  it('rootPowers[brv(i)] = ψ^i, invRootPowers[brv(i)] = ψ^{−i}, ψ^n = −1', () => {
    const q = 1073479681;
    const t = createNttTables(64, q);
    const Q = BigInt(q);
    expect(powModRef(BigInt(t.psi), 64n, Q)).toBe(Q - 1n);
    for (let i = 0; i < 64; i++) {
      expect(BigInt(t.rootPowers[bitReverse(i, 6)])).toBe(powModRef(BigInt(t.psi), BigInt(i), Q));
      expect((BigInt(t.invRootPowers[bitReverse(i, 6)]) * powModRef(BigInt(t.psi), BigInt(i), Q)) % Q).toBe(1n);
    }
    expect((BigInt(t.nInv) * 64n) % Q).toBe(1n);
  });

  it('forwardNtt equals the definition (evaluations at ψ^{2·brv(k)+1}), inverseNtt inverts it', () => {
    const rng = rngFor('ntt-def');
    for (const [n, q] of [[2, 5], [4, 17], [8, 17], [16, 97], [64, 7681], [256, 7681], [128, 1073479681], [512, 12289]]) {
      const t = new NttTables(n, q);
      const a = Uint32Array.from(randomBelow(rng, q, n));
      const f = Uint32Array.from(a);
      forwardNtt(f, t);
      expect(toBig(f)).toEqual(nttRef(toBig(a), BigInt(t.psi), BigInt(q)));
      inverseNtt(f, t);
      expect(f).toEqual(a);
    }
  });

  it('negacyclicMultiply equals the BigInt schoolbook product, n = 8 … 1024', () => {
    const rng = rngFor('ntt-schoolbook');
    for (let n = 8; n <= 1024; n *= 2) {
      const primes = [generateNttPrimes(30, n, 1)[0], 1073479681, generateNttPrimes(20, n, 1)[0]];
      if (n <= 512) primes.push(12289);
      for (const q of primes) {
        const t = new NttTables(n, q);
        const cases: [Uint32Array, Uint32Array][] = [
          [Uint32Array.from(randomBelow(rng, q, n)), Uint32Array.from(randomBelow(rng, q, n))],
          [new Uint32Array(n).fill(q - 1), new Uint32Array(n).fill(q - 1)],
        ];
        if (n > 256) cases.pop();
        for (const [a, b] of cases) {
          const c = negacyclicMultiply(a, b, t);
          expect(toBig(c), `n=${n} q=${q}`).toEqual(negacyclicMultiplyRef(toBig(a), toBig(b), BigInt(q)));
        }
      }
    }
  });

  it('accepts unreduced inputs in [0, 2q) (lazy-reduction contract)', () => {
    const rng = rngFor('ntt-unreduced');
    for (const n of [2, 4, 8, 1024]) {
      const q = generateNttPrimes(30, n, 1)[0];
      const t = new NttTables(n, q);
      const a = Uint32Array.from(randomBelow(rng, q, n));
      const lifted = a.map((x, i) => (i % 2 === 0 ? x + q : x));
      const f1 = Uint32Array.from(a);
      const f2 = Uint32Array.from(lifted);
      forwardNtt(f1, t);
      forwardNtt(f2, t);
      expect(f2).toEqual(f1);
      const g = f1.map((x, i) => (i % 3 === 0 ? x + q : x));
      inverseNtt(f1, t);
      inverseNtt(g, t);
      expect(g).toEqual(a);
      expect(f1).toEqual(a);
    }
  });

  it('X · X^{n−1} = −1 (negacyclic wrap)', () => {
    const n = 16;
    const q = 7681;
    const t = new NttTables(n, q);
    const x = new Uint32Array(n);
    x[1] = 1;
    const y = new Uint32Array(n);
    y[n - 1] = 1;
    const expected = new Uint32Array(n);
    expected[0] = q - 1;
    expect(negacyclicMultiply(x, y, t)).toEqual(expected);
  });

  it('inverseNtt ∘ forwardNtt = identity for n = 4096, 8192, 16384', () => {
    const rng = rngFor('ntt-roundtrip');
    for (const n of [4096, 8192, 16384]) {
      for (const q of [generateNttPrimes(30, n, 1)[0], 1073479681]) {
        const t = new NttTables(n, q);
        for (const a of [Uint32Array.from(randomBelow(rng, q, n)), new Uint32Array(n).fill(q - 1)]) {
          const f = Uint32Array.from(a);
          forwardNtt(f, t);
          expect(f.every((x) => x < q)).toBe(true);
          expect(f).not.toEqual(a);
          inverseNtt(f, t);
          expect(f).toEqual(a);
        }
      }
    }
  });

  it('rejects bad parameters and sizes', () => {
    expect(() => new NttTables(1000, 12289)).toThrow(InvalidArgumentError);
    expect(() => new NttTables(1, 17)).toThrow(InvalidParametersError);
    expect(() => new NttTables(8, 7681 * 3)).toThrow(InvalidParametersError);
    expect(() => new NttTables(8, 19)).toThrow(/≡ 1 mod 2n/);
    expect(() => new NttTables(8, 2 ** 30 + 1)).toThrow(InvalidParametersError);
    const t = new NttTables(8, 17);
    expect(() => forwardNtt(new Uint32Array(4), t)).toThrow(SizeMismatchError);
    expect(() => inverseNtt(new Uint32Array(16), t)).toThrow(SizeMismatchError);
  });
});

describe('WideNttTables (q < 2^50)', () => {
  it('negacyclicMultiplyWide equals the BigInt schoolbook product for SEAL primes', () => {
    const rng = rngFor('ntt-wide-schoolbook');
    for (const n of [8, 64, 256]) {
      for (const q of [...SEAL_4096, ...SEAL_8192, generateNttPrimes(50, n, 1)[0], generateNttPrimes(49, n, 1)[0]]) {
        if ((q - 1) % (2 * n) !== 0) continue;
        const t = new WideNttTables(n, q);
        const a = Float64Array.from(randomBelow(rng, q, n));
        const b = Float64Array.from(randomBelow(rng, q, n));
        b[0] = q - 1;
        const c = negacyclicMultiplyWide(a, b, t);
        expect(toBig(c), `n=${n} q=${q}`).toEqual(negacyclicMultiplyRef(toBig(a), toBig(b), BigInt(q)));
      }
    }
  });

  it('forwardNttWide equals the definition and matches the 30-bit path on the same prime', () => {
    const rng = rngFor('ntt-wide-def');
    const n = 64;
    const q = SEAL_8192[2];
    const t = new WideNttTables(n, q);
    const a = Float64Array.from(randomBelow(rng, q, n));
    const f = Float64Array.from(a);
    forwardNttWide(f, t);
    expect(toBig(f)).toEqual(nttRef(toBig(a), BigInt(t.psi), BigInt(q)));
    // Same 30-bit prime through both paths.
    const q30 = 1073479681;
    const narrow = new NttTables(1024, q30);
    const wide = new WideNttTables(1024, q30);
    expect(Array.from(wide.rootPowers)).toEqual(Array.from(narrow.rootPowers));
    const x = Uint32Array.from(randomBelow(rng, q30, 1024));
    const xw = Float64Array.from(x);
    forwardNtt(x, narrow);
    forwardNttWide(xw, wide);
    expect(Array.from(xw)).toEqual(Array.from(x));
  });

  it('inverseNttWide ∘ forwardNttWide = identity for n = 4096, 8192 on 36–44-bit primes', () => {
    const rng = rngFor('ntt-wide-roundtrip');
    for (const [n, q] of [[4096, SEAL_4096[0]], [4096, SEAL_4096[2]], [8192, SEAL_8192[0]], [8192, SEAL_8192[4]]]) {
      const t = new WideNttTables(n, q);
      for (const a of [Float64Array.from(randomBelow(rng, q, n)), new Float64Array(n).fill(q - 1)]) {
        const f = Float64Array.from(a);
        forwardNttWide(f, t);
        expect(f.every((x) => x < q && x >= 0 && Number.isInteger(x))).toBe(true);
        inverseNttWide(f, t);
        expect(f).toEqual(a);
      }
    }
  });

  it('rejects bad parameters', () => {
    expect(() => new WideNttTables(8, 2 ** 50 + 1)).toThrow(InvalidParametersError);
    expect(() => new WideNttTables(4096, SEAL_8192[0] + 2)).toThrow(InvalidParametersError);
    const t = new WideNttTables(8, 17);
    expect(() => forwardNttWide(new Float64Array(3), t)).toThrow(SizeMismatchError);
  });
});
