/**
 * Noise measurement and noise flooding (circuit privacy), at Delphi's parameters (n = 8192, seven
 * 30-bit primes, t = p). The reference for the noise is its definition: v = c_0 + c_1·s − Δm
 * computed with BigInt CRT (noisePolynomial), checked here against SEAL's budget formula; a flooded
 * ciphertext must decrypt correctly and carry noise of the flooding width, whatever the noise of its
 * input.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { freshNoiseBits, noisePolynomial } from '../../src/bfv/noise.js';
import { ciphertextToNtt } from '../../src/bfv/evaluator.js';

const P = 2061584302081;
const n = 8192;
const ctx = bfv.createBfvContext(
  bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P }),
);
const rng = fromTextSeed('noise flooding keys');
const sk = bfv.generateSecretKey(ctx, rng);
const pk = bfv.generatePublicKey(ctx, sk, rng);
const slotsA = Array.from({ length: n }, () => uniformBelow(rng, P));
const slotsB = Array.from({ length: n }, () => uniformBelow(rng, P));
const fresh = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, slotsA), rng);
const product = bfv.bfvMultiplyPlain(ctx, fresh, bfv.batchEncode(ctx, slotsB));
const productSlots = slotsA.map((a, i) => Number((BigInt(a) * BigInt(slotsB[i])) % BigInt(P)));

function decode(ct: bfv.Ciphertext): number[] {
  return Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, ct)));
}

function meanAbs(v: bigint[]): number {
  return v.reduce((s, x) => s + Math.abs(Number(x)), 0) / v.length;
}

describe('noise measurement', () => {
  it('the fresh-encryption bound holds and the budget agrees with the measured noise', () => {
    const bound = freshNoiseBits(ctx);
    for (let i = 0; i < 3; i++) {
      const ct = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, slotsA), fromTextSeed(`fresh ${i}`));
      const bits = bfv.noiseBits(ctx, sk, ct);
      expect(bits).toBeLessThanOrEqual(bound);
      expect(bits).toBeGreaterThan(bound - 8);
      // budget = bits(Q) − bits(‖t·v − (Q mod t)·m‖) − 1 ≈ bits(Q) − bits(t) − bits(v) − 1, give or take 2.
      const budget = bfv.invariantNoiseBudget(ctx, sk, ct);
      const predicted = ctx.firstLevel.bits - Math.ceil(Math.log2(P)) - bits - 1;
      expect(Math.abs(budget - predicted)).toBeLessThanOrEqual(2);
    }
    const pb = bfv.noiseBits(ctx, sk, product);
    expect(pb).toBeGreaterThan(bfv.noiseBits(ctx, sk, fresh) + 30);
    expect(decode(product)).toEqual(productSlots);
  });
});

describe('floodNoise', () => {
  it('floods a plaintext-product ciphertext to the flooding width and still decrypts correctly', () => {
    const noise = bfv.noiseBits(ctx, sk, product);
    const b = bfv.floodingBits(ctx, { noiseBits: noise });
    expect(b).toBe(noise + 40 + 13);
    const flooded = bfv.floodNoise(ctx, pk, product, fromTextSeed('flood 1'), { noiseBits: noise });
    expect(decode(flooded)).toEqual(productSlots);
    const bits = bfv.noiseBits(ctx, sk, flooded);
    // Uniform on [−2^b, 2^b): over 8192 coefficients the maximum has b bits (b+1 only for −2^b).
    expect(bits === b || bits === b + 1).toBe(true);
    expect(bfv.invariantNoiseBudget(ctx, sk, flooded)).toBeGreaterThan(0);
  });

  it('makes the noise of a fresh and of a multiplied ciphertext look alike', () => {
    const noise = bfv.noiseBits(ctx, sk, product);
    const f1 = bfv.floodNoise(ctx, pk, product, fromTextSeed('flood a'), { noiseBits: noise });
    const f2 = bfv.floodNoise(ctx, pk, fresh, fromTextSeed('flood b'), { noiseBits: noise });
    const v1 = noisePolynomial(ctx, sk, f1);
    const v2 = noisePolynomial(ctx, sk, f2);
    const b = bfv.floodingBits(ctx, { noiseBits: noise });
    // Mean |v| of a uniform on [−2^b, 2^b) is 2^(b−1); both within 5 % of it.
    for (const v of [v1, v2]) expect(Math.abs(meanAbs(v) / 2 ** (b - 1) - 1)).toBeLessThan(0.05);
    expect(decode(f2)).toEqual(slotsA);
  });

  it('is deterministic for a seed, and refuses what it cannot do', () => {
    const opts = { noiseBits: 20, lambda: 30 };
    expect(bfv.floodNoise(ctx, pk, fresh, fromTextSeed('same'), opts)).toEqual(bfv.floodNoise(ctx, pk, fresh, fromTextSeed('same'), opts));
    expect(() => bfv.floodNoise(ctx, pk, product, fromTextSeed('x'), { noiseBits: 100 })).toThrow(InvalidParametersError);
    expect(() => bfv.floodNoise(ctx, pk, product, fromTextSeed('x'), { noiseBits: -1 })).toThrow(InvalidArgumentError);
    expect(() => bfv.floodNoise(ctx, pk, product, fromTextSeed('x'), { noiseBits: 10, lambda: 0 })).toThrow(InvalidArgumentError);
    expect(() => bfv.floodNoise(ctx, pk, ciphertextToNtt(ctx, fresh), fromTextSeed('x'), { noiseBits: 10 })).toThrow(
      InvalidArgumentError,
    );
  });
});
