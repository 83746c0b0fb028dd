/**
 * fast-check fuzzing of the SEAL 4.1 object readers (src/bfv/serialize.ts, Spec: §4.17): byte-level
 * mutations of every object kind are refused with MalformedInputError, never another exception,
 * or accepted, and then (the format being canonical) re-serializing gives back exactly the
 * mutated bytes. Small insecure parameters (n = 32) keep each run cheap; the readers' code paths
 * are those of n = 8192.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { fuzzParams, mutationsOf, parsesOrThrowsTyped } from './fuzz-helpers.js';
import { readSealHeader } from '../../src/bfv/serialize.js';

const ctx = bfv.createBfvContext(
  bfv.createBfvParameters({ polyModulusDegree: 32, coeffModulus: bfv.createCoeffModulus(32, [30, 30, 30]), plainModulus: 193, insecure: true }),
);
const rng = fromTextSeed('seal fuzz objects');
const sk = bfv.generateSecretKey(ctx, rng);
const pk = bfv.generatePublicKey(ctx, sk, rng);
const plain = { coeffs: Float64Array.from({ length: ctx.n }, () => uniformBelow(rng, ctx.t)) };
const ct = bfv.bfvEncrypt(ctx, pk, plain, rng);

const KINDS = [
  { name: 'ciphertext', valid: bfv.serializeCiphertext(ctx, ct), parse: bfv.deserializeCiphertext, write: (x: unknown) => bfv.serializeCiphertext(ctx, x as bfv.Ciphertext) },
  { name: 'plaintext', valid: bfv.serializePlaintext(ctx, plain), parse: bfv.deserializePlaintext, write: (x: unknown) => bfv.serializePlaintext(ctx, x as bfv.Plaintext) },
  { name: 'secret key', valid: bfv.serializeSecretKey(ctx, sk), parse: bfv.deserializeSecretKey, write: (x: unknown) => bfv.serializeSecretKey(ctx, x as bfv.SecretKey) },
  { name: 'public key', valid: bfv.serializePublicKey(ctx, pk), parse: bfv.deserializePublicKey, write: (x: unknown) => bfv.serializePublicKey(ctx, x as bfv.PublicKey) },
  { name: 'relin keys', valid: bfv.serializeRelinKeys(ctx, bfv.generateRelinKeys(ctx, sk, rng)), parse: bfv.deserializeRelinKeys, write: (x: unknown) => bfv.serializeRelinKeys(ctx, x as bfv.RelinKeys) },
  { name: 'galois keys', valid: bfv.serializeGaloisKeys(ctx, bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1] })), parse: bfv.deserializeGaloisKeys, write: (x: unknown) => bfv.serializeGaloisKeys(ctx, x as bfv.GaloisKeys) },
] as const;

describe('SEAL readers under fast-check mutations', () => {
  it.each(KINDS)('$name: MalformedInputError or a canonical parse', ({ valid, parse, write }) => {
    expect(write(parse(ctx, valid))).toEqual(valid);
    fc.assert(
      fc.property(mutationsOf([valid]), (bytes) => {
        const r = parsesOrThrowsTyped(() => parse(ctx, bytes));
        if (r.ok) expect(write(r.value)).toEqual(bytes);
        else expect(r.error).toBeInstanceOf(MalformedInputError);
      }),
      fuzzParams(150),
    );
  });

  it('readSealHeader: typed errors only', () => {
    fc.assert(
      fc.property(mutationsOf(KINDS.map((k) => k.valid.subarray(0, 16)), 64), (bytes) => {
        parsesOrThrowsTyped(() => readSealHeader(bytes));
      }),
      fuzzParams(500),
    );
  });
});
