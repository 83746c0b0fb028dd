/** The share field Z_p, p = 2061584302081 = 15·2^37 + 1, checked against BigInt. */
import { modInv } from 'bigint-mod-arith';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { P, P_BIG, P_HALF, addModP, fromSigned, fromSignedVec, isPrime, mulModP, negModP, subModP, toSigned, toSignedVec } from '../../src/math/index.js';
import { addVecModP, dotModP, mulVecModP, negVecModP, reduceModP, scaleVecModP, subVecModP } from '../../src/math/share-field.js';
import { adversarialPairs, randomBelow, rngFor } from './helpers.js';

const big = (x: number): bigint => BigInt(x);
const modP = (x: bigint): number => Number(((x % P_BIG) + P_BIG) % P_BIG);

describe('share field Z_p', () => {
  it('p is the 41-bit prime 15·2^37 + 1', () => {
    expect(P).toBe(15 * 2 ** 37 + 1);
    expect(P_BIG).toBe(15n * 2n ** 37n + 1n);
    expect(BigInt(P)).toBe(P_BIG);
    expect(isPrime(P)).toBe(true);
    expect(P.toString(2).length).toBe(41);
    expect(P_HALF).toBe(1030792151040);
  });

  it('scalar ops match BigInt on random and adversarial operands', () => {
    const rng = rngFor('share-field');
    const rand = randomBelow(rng, P, 20000);
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < rand.length; i += 2) pairs.push([rand[i], rand[i + 1]]);
    pairs.push(...adversarialPairs(rng, P, true, 1000));
    const bad: string[] = [];
    for (const [a, b] of pairs) {
      if (mulModP(a, b) !== modP(big(a) * big(b))) bad.push(`mul(${a}, ${b}) = ${mulModP(a, b)}`);
      if (addModP(a, b) !== modP(big(a) + big(b))) bad.push(`add(${a}, ${b})`);
      if (subModP(a, b) !== modP(big(a) - big(b))) bad.push(`sub(${a}, ${b})`);
      if (negModP(a) !== modP(-big(a))) bad.push(`neg(${a})`);
    }
    expect(bad).toEqual([]);
    // a · a^{−1} = 1, computed independently.
    for (const a of rand.slice(0, 100)) if (a) expect(mulModP(a, Number(modInv(big(a), P_BIG)))).toBe(1);
  });

  it('reduceModP, toSigned, fromSigned', () => {
    expect(reduceModP(-1)).toBe(P - 1);
    expect(Object.is(reduceModP(-P), 0)).toBe(true);
    expect(reduceModP(2 ** 53 - 1)).toBe(modP(2n ** 53n - 1n));
    expect(reduceModP(-(2 ** 53 - 1))).toBe(modP(-(2n ** 53n - 1n)));
    expect(toSigned(0)).toBe(0);
    expect(toSigned(P_HALF)).toBe(P_HALF);
    expect(toSigned(P_HALF + 1)).toBe(-P_HALF);
    expect(toSigned(P - 1)).toBe(-1);
    expect(fromSigned(-1)).toBe(P - 1);
    expect(fromSigned(-P_HALF)).toBe(P_HALF + 1);
    expect(fromSigned(P_HALF)).toBe(P_HALF);
    expect(() => fromSigned(P_HALF + 1)).toThrow(OutOfRangeError);
    expect(() => fromSigned(-P_HALF - 1)).toThrow(OutOfRangeError);
    expect(() => fromSigned(0.5)).toThrow(OutOfRangeError);
    const rng = rngFor('signed');
    for (const x of randomBelow(rng, P, 500)) {
      const s = toSigned(x);
      expect(Math.abs(s) <= P_HALF).toBe(true);
      expect(modP(big(s))).toBe(x);
      expect(fromSigned(s)).toBe(x);
    }
  });

  it('vector ops match the scalar BigInt results', () => {
    const rng = rngFor('share-vec');
    const n = 1000;
    const a = Float64Array.from(randomBelow(rng, P, n));
    const b = Float64Array.from(randomBelow(rng, P, n));
    a[0] = P - 1;
    b[0] = P - 1;
    const c = 123456789012;
    const mul = mulVecModP(a, b, new Float64Array(n));
    const add = addVecModP(a, b, new Float64Array(n));
    const sub = subVecModP(a, b, new Float64Array(n));
    const neg = negVecModP(a, new Float64Array(n));
    const scl = scaleVecModP(a, c, new Float64Array(n));
    let dot = 0n;
    for (let i = 0; i < n; i++) {
      const [x, y] = [big(a[i]), big(b[i])];
      expect(mul[i]).toBe(modP(x * y));
      expect(add[i]).toBe(modP(x + y));
      expect(sub[i]).toBe(modP(x - y));
      expect(neg[i]).toBe(modP(-x));
      expect(scl[i]).toBe(modP(x * big(c)));
      dot += x * y;
    }
    expect(dotModP(a, b)).toBe(modP(dot));
    const signed = toSignedVec(a);
    expect(signed[0]).toBe(-1);
    expect(fromSignedVec(signed)).toEqual(a);
    // Aliasing: out = a.
    const a2 = Float64Array.from(a);
    mulVecModP(a2, b, a2);
    expect(a2).toEqual(mul);
    expect(() => mulVecModP(a, new Float64Array(3), new Float64Array(n))).toThrow(SizeMismatchError);
    expect(() => addVecModP(a, [1, 2] as unknown as Float64Array, a)).toThrow(InvalidArgumentError);
  });
});
