/**
 * Hoisted Galois automorphisms (src/bfv/hoisting.ts) against their BigInt definition
 * (refApplyGaloisHoisted: digits σ_g([c_1]_{q_i}) over Z, key switching by definition), bit for bit,
 * on small insecure rings for the narrow path, the wide path and a mixed chain; and, at n = 4096,
 * against the slot rotation they implement (decryption equals SEAL-compatible bfvRotateRows) with
 * the same noise bound.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { refCiphertextFrom, refApplyGaloisHoisted } from '../../src/bfv/bfv-reference.js';
import { ciphertextToNtt, ciphertextFromNtt } from '../../src/bfv/evaluator.js';
import { bfvMultiplyReference } from '../../src/bfv/multiply.js';

const SETUPS = [
  { name: 'narrow, n=32', n: 32, bits: [30, 30, 30], t: 193 },
  { name: 'wide, n=32, 40-bit primes', n: 32, bits: [40, 40, 41], t: 193 },
  { name: 'mixed, n=64, t=p', n: 64, bits: [30, 45, 45, 46], t: 2061584302081 },
  { name: 'narrow, special prime smaller than the data primes', n: 32, bits: [30, 30, 25], t: 193 },
] as const;

describe.each(SETUPS)('hoisted automorphisms = definition: $name', (s) => {
  const ctx = bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: s.n, coeffModulus: bfv.createCoeffModulus(s.n, s.bits), plainModulus: s.t, insecure: true }),
  );
  const rng = fromTextSeed(`hoisting ${s.name}`);
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const elts = [bfv.galoisEltFromStep(s.n, 1), bfv.galoisEltFromStep(s.n, -3), 2 * s.n - 1, 5];
  const gk = bfv.generateGaloisKeys(ctx, sk, rng, { galoisElements: elts });
  const plain = { coeffs: Float64Array.from({ length: s.n }, () => uniformBelow(rng, s.t)) };

  it('every output equals refApplyGaloisHoisted, from coefficient and from NTT form, at every level', () => {
    for (let k = ctx.firstLevel.k; k >= ctx.lastLevel.k; k--) {
      const ct = bfv.bfvEncrypt(ctx, pk, plain, rng, { level: k });
      const ref = refCiphertextFrom(ctx, ct);
      const outs = bfv.bfvApplyGaloisHoisted(ctx, ct, [1, ...elts], gk);
      const outsFromNtt = bfv.bfvApplyGaloisHoisted(ctx, ciphertextToNtt(ctx, ct), [1, ...elts], gk);
      expect(outs.every((o) => o.isNttForm && o.coeffModulusSize === k)).toBe(true);
      expect(refCiphertextFrom(ctx, ciphertextFromNtt(ctx, outs[0]))).toEqual(ref);
      elts.forEach((g, e) => {
        const expected = refApplyGaloisHoisted(ctx, ref, g, gk.keys.get(g)!);
        expect(refCiphertextFrom(ctx, ciphertextFromNtt(ctx, outs[e + 1]))).toEqual(expected);
        expect(refCiphertextFrom(ctx, ciphertextFromNtt(ctx, outsFromNtt[e + 1]))).toEqual(expected);
        // Same plaintext as the non-hoisted automorphism.
        expect(bfv.bfvDecrypt(ctx, sk, ciphertextFromNtt(ctx, outs[e + 1])).coeffs).toEqual(
          bfv.bfvDecrypt(ctx, sk, bfv.bfvApplyGalois(ctx, ct, g, gk)).coeffs,
        );
      });
    }
  });

  it('refuses missing keys, bad elements and size-3 ciphertexts', () => {
    const ct = bfv.bfvEncrypt(ctx, pk, plain, rng);
    expect(() => bfv.bfvApplyGaloisHoisted(ctx, ct, [7], gk)).toThrow(/Galois key for element 7/);
    expect(() => bfv.bfvApplyGaloisHoisted(ctx, ct, [4], gk)).toThrow(InvalidArgumentError);
    const size3 = bfvMultiplyReference(ctx, ct, ct);
    expect(() => bfv.bfvApplyGaloisHoisted(ctx, size3, [elts[0]], gk)).toThrow(/size-2/);
  });
});

describe('hoisted row rotations at n = 4096 (Create([30, 30, 30]), t = p)', () => {
  const n = 4096;
  const ctx = bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30]), plainModulus: 2061584302081 }),
  );
  const rng = fromTextSeed('hoisting 4096');
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const steps = [0, 1, -1, 7, -300, 1000, 2047];
  const gk = bfv.generateGaloisKeys(ctx, sk, rng, { steps: steps.filter((x) => x !== 0) });

  it('decrypt to the rotated slot matrix, like bfvRotateRows, with noise within the same bound', () => {
    const slots = Array.from({ length: n }, () => uniformBelow(rng, ctx.t));
    const ct = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, slots), rng);
    const outs = bfv.bfvRotateRowsHoisted(ctx, ct, steps, gk);
    const half = n / 2;
    steps.forEach((step, e) => {
      const got = Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, ciphertextFromNtt(ctx, outs[e]))));
      const want = slots.map((_, i) => {
        const row = i < half ? 0 : half;
        return slots[row + ((((i - row + step) % half) + half) % half)];
      });
      expect(got).toEqual(want);
      if (step !== 0) {
        const plainRot = bfv.bfvRotateRows(ctx, ct, step, gk);
        const hoistedNoise = bfv.noiseBits(ctx, sk, ciphertextFromNtt(ctx, outs[e]));
        expect(Math.abs(hoistedNoise - bfv.noiseBits(ctx, sk, plainRot))).toBeLessThanOrEqual(2);
      }
    });
  });
});
