/**
 * The batch encoder against its mathematical definition (independent of SEAL's index map and of any
 * NTT): slot i of row 0 is m(ζ^(3^i)) and slot i of row 1 is m(ζ^(−3^i)) mod t, ζ the minimal
 * primitive 2n-th root of unity mod t, evaluated here by BigInt Horner. Rotations are checked
 * against the plaintext shift of the slot matrix. (Byte equality with SEAL's BatchEncoder is in the
 * node-seal interop test.)
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InvalidParametersError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { minimalPrimitiveRoot } from '../../src/math/index.js';
import { powModRef } from '../../src/math/modular-reference.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

function evaluate(coeffs: Float64Array, x: bigint, t: bigint): bigint {
  let acc = 0n;
  for (let i = coeffs.length - 1; i >= 0; i--) acc = (acc * x + BigInt(coeffs[i])) % t;
  return acc;
}

function context(n: number, t: number, bits: number[]): bfv.BfvContext {
  return bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, bits), plainModulus: t, insecure: true }),
  );
}

describe('batchEncode / batchDecode', () => {
  it.each([
    [32, 193],
    [64, 257],
    [32, 2061584302081],
    [8192, 2061584302081],
  ])('n = %i, t = %i: slots are evaluations at ζ^(±3^i)', (n, t) => {
    const ctx = context(n, t, n === 8192 ? [30, 30, 30, 30, 30, 30, 30] : [30, 30, 30]);
    const rng = fromTextSeed(`encoder ${n} ${t}`);
    const values = Array.from({ length: n }, () => uniformBelow(rng, t));
    const plain = bfv.batchEncode(ctx, values);
    expect(Array.from(bfv.batchDecode(ctx, plain))).toEqual(values);
    const T = BigInt(t);
    const zeta = BigInt(minimalPrimitiveRoot(2 * n, t));
    const slots = n <= 64 ? Array.from({ length: n }, (_, i) => i) : [0, 1, 2, 1000, n / 2 - 1, n / 2, n / 2 + 1, n - 1];
    for (const i of slots) {
      const row = i < n / 2 ? 0 : 1;
      const e = Number(powModRef(3n, BigInt(i % (n / 2)), BigInt(2 * n)));
      const exponent = row === 0 ? e : 2 * n - e;
      expect(evaluate(plain.coeffs, powModRef(zeta, BigInt(exponent), T), T)).toBe(BigInt(values[i]));
    }
  });

  it('accepts signed values and short inputs; refuses out-of-range ones', () => {
    const ctx = context(32, 193, [30, 30, 30]);
    expect(Array.from(bfv.batchDecode(ctx, bfv.batchEncode(ctx, [-1, 5, -192])).slice(0, 4))).toEqual([192, 5, 1, 0]);
    expect(Array.from(bfv.batchDecodeSigned(ctx, bfv.batchEncode(ctx, [-1, 96, 97, 10n])).slice(0, 4))).toEqual([-1, 96, -96, 10]);
    expect(() => bfv.batchEncode(ctx, [193])).toThrow(OutOfRangeError);
    expect(() => bfv.batchEncode(ctx, [1.5])).toThrow(OutOfRangeError);
    expect(() => bfv.batchEncode(ctx, new Array(33).fill(0))).toThrow(SizeMismatchError);
    const noBatch = context(32, 256, [30, 30, 30]);
    expect(() => bfv.batchEncode(noBatch, [1])).toThrow(InvalidParametersError);
    expect(() => bfv.bfvDecrypt(ctx, bfv.generateSecretKey(ctx, fromTextSeed('x')), { coeffModulusSize: 9, polys: [], isNttForm: false })).toThrow();
  });
});

describe('rotations act on the 2 × n/2 slot matrix', () => {
  const n = 64;
  const t = 257;
  const ctx = context(n, t, [30, 30, 30]);
  const rng = fromTextSeed('rotations');
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const gk = bfv.generateGaloisKeys(ctx, sk, rng); // SEAL's default set: powers of two both ways + columns
  const values = Array.from({ length: n }, () => uniformBelow(rng, t));
  const ct = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, values), rng);
  const decode = (c: bfv.Ciphertext): number[] => Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, c)));
  const half = n / 2;
  const rotate = (row: number[], k: number): number[] => row.map((_, i) => row[(((i + k) % half) + half) % half]);

  it.each([1, 2, 3, 5, 13, -1, -6, 31, -31])('rotateRows by %i', (k) => {
    const expected = [...rotate(values.slice(0, half), k), ...rotate(values.slice(half), k)];
    expect(decode(bfv.bfvRotateRows(ctx, ct, k, gk))).toEqual(expected);
  });

  it('rotateColumns swaps the rows; missing keys are reported', () => {
    expect(decode(bfv.bfvRotateColumns(ctx, ct, gk))).toEqual([...values.slice(half), ...values.slice(0, half)]);
    const only1 = bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1] });
    expect(() => bfv.bfvRotateRows(ctx, ct, 2, only1)).toThrow(/not present/);
    expect(() => bfv.bfvRotateColumns(ctx, ct, only1)).toThrow(/not present/);
    expect(() => bfv.bfvRotateRows(ctx, ct, half, gk)).toThrow(/too large/);
    expect(decode(bfv.bfvRotateRows(ctx, ct, 0, only1))).toEqual(values);
  });
});
