/**
 * Reproducibility: every random BFV object is a function of the Rng stream (same seed ⇒ same bytes,
 * different seed ⇒ different bytes), so test vectors can be regenerated; and the objects do not
 * depend on anything else (e.g. a second context built from the same parameters).
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed, sampleCenteredBinomial, sampleTernary, uniformBelow } from '../../src/random/index.js';
import { sampleTernaryCoefficients, sampleNoiseCoefficients, sampleUniformRns } from '../../src/bfv/sampling.js';

const params = bfv.createBfvParameters({
  polyModulusDegree: 4096,
  coeffModulus: bfv.createCoeffModulus(4096, [30, 30, 30]),
  plainModulus: bfv.batchingPlainModulus(4096, 17),
});

function transcript(seed: string): Uint8Array[] {
  const ctx = bfv.createBfvContext(params);
  const rng = fromTextSeed(seed);
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const rk = bfv.generateRelinKeys(ctx, sk, rng);
  const gk = bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1, -1] });
  const pt = bfv.batchEncode(ctx, [1, 2, 3]);
  const ct = bfv.bfvEncrypt(ctx, pk, pt, rng);
  const ctSym = bfv.bfvEncryptSymmetric(ctx, sk, pt, rng);
  const flooded = bfv.floodNoise(ctx, pk, ct, rng, { noiseBits: 0, lambda: 1 });
  return [
    bfv.serializeSecretKey(ctx, sk),
    bfv.serializePublicKey(ctx, pk),
    bfv.serializeRelinKeys(ctx, rk),
    bfv.serializeGaloisKeys(ctx, gk),
    bfv.serializeCiphertext(ctx, ct),
    bfv.serializeCiphertext(ctx, ctSym),
    bfv.serializeCiphertext(ctx, flooded),
  ];
}

describe('seeded BFV', () => {
  it('same seed gives the same keys and ciphertexts, byte for byte', () => {
    const a = transcript('seed A');
    const b = transcript('seed A');
    a.forEach((x, i) => expect(Buffer.compare(x, b[i]), `object ${i}`).toBe(0));
  });

  it('a different seed changes every object', () => {
    const a = transcript('seed A');
    const c = transcript('seed C');
    a.forEach((x, i) => expect(Buffer.compare(x, c[i]), `object ${i}`).not.toBe(0));
  });

  it('the BFV samplers draw exactly as the src/random samplers they restate (§2.2)', () => {
    expect(sampleTernaryCoefficients(fromTextSeed('t'), 5000)).toEqual(sampleTernary(fromTextSeed('t'), 5000));
    expect(sampleNoiseCoefficients(fromTextSeed('e'), 5000)).toEqual(sampleCenteredBinomial(fromTextSeed('e'), 5000, 21));
    const ctx = bfv.createBfvContext(params);
    const mine = sampleUniformRns(ctx, fromTextSeed('u'), 3);
    const rng = fromTextSeed('u');
    const theirs = ctx.primes.flatMap((q) => Array.from({ length: ctx.n }, () => uniformBelow(rng, q)));
    expect(Array.from(mine)).toEqual(theirs);
    const wideCtx = bfv.createBfvContext(
      bfv.createBfvParameters({ polyModulusDegree: 64, coeffModulus: bfv.createCoeffModulus(64, [36, 44]), plainModulus: 257, insecure: true }),
    );
    const wideMine = sampleUniformRns(wideCtx, fromTextSeed('w'), 2);
    const rng2 = fromTextSeed('w');
    expect(Array.from(wideMine)).toEqual(wideCtx.primes.flatMap((q) => Array.from({ length: 64 }, () => uniformBelow(rng2, q))));
  });

  it('refuses a missing or foreign source of randomness', () => {
    const ctx = bfv.createBfvContext(params);
    expect(() => bfv.generateSecretKey(ctx, undefined as never)).toThrow(InvalidArgumentError);
    expect(() => bfv.generateSecretKey(ctx, { uint32: 5 } as never)).toThrow(InvalidArgumentError);
  });
});
