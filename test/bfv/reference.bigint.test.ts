/**
 * The fast RNS implementation against the slow BigInt reference (src/bfv/bfv-reference.ts: whole-Q
 * coefficients, schoolbook negacyclic products, textbook rounding) on small insecure rings, for the
 * narrow path (30-bit primes), the wide path (40-bit primes), an even plaintext modulus and the
 * 41-bit share prime. Encryption draws the same randomness in the same order in both, so results
 * must be bit-identical; HPS multiplication may differ from exact rounding by ±1 per coefficient.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { invModRef, modRef } from '../../src/math/modular-reference.js';
import { negacyclicMultiplyRef } from '../../src/math/index.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';
import { refCiphertextFrom, refSecretCoefficients, refModulus, refDotWithSecret, refGalois, refEncrypt, refEncryptSymmetric, refDecrypt, refNoiseBudget, refMultiplyPlain, refDivideRound, refApplyGalois, refRelinearize, refMultiply, refCiphertextTo, type RefCiphertext } from '../../src/bfv/bfv-reference.js';
import { secretKeyCoefficients } from '../../src/bfv/keys.js';
import { ciphertextToNtt, preparePlaintext, ciphertextFromNtt } from '../../src/bfv/evaluator.js';
import { bfvMultiplyReference } from '../../src/bfv/multiply.js';

interface Setup {
  readonly name: string;
  readonly n: number;
  readonly bits: readonly number[];
  readonly t: number;
}

const SETUPS: Setup[] = [
  { name: 'narrow, n=32, t=193 (batching)', n: 32, bits: [30, 30, 30], t: 193 },
  { name: 'wide, n=32, 40-bit primes', n: 32, bits: [40, 40, 41], t: 193 },
  { name: 'narrow, n=64, even t=256', n: 64, bits: [30, 30, 30, 30], t: 256 },
  { name: 'wide+narrow mix, n=64, t=p', n: 64, bits: [30, 45, 45, 46], t: 2061584302081 },
];

function randomPlain(rng: Rng, ctx: bfv.BfvContext): bfv.Plaintext {
  return { coeffs: Float64Array.from({ length: ctx.n }, () => uniformBelow(rng, ctx.t)) };
}

function bigPolysEqual(a: bfv.Ciphertext, b: RefCiphertext, ctx: bfv.BfvContext): void {
  const mine = refCiphertextFrom(ctx, a);
  expect(mine.coeffModulusSize).toBe(b.coeffModulusSize);
  expect(mine.polys).toEqual(b.polys);
}

describe.each(SETUPS)('fast RNS BFV = BigInt reference: $name', (s) => {
  const ctx = bfv.createBfvContext(
    bfv.createBfvParameters({
      polyModulusDegree: s.n,
      coeffModulus: bfv.createCoeffModulus(s.n, s.bits),
      plainModulus: s.t,
      insecure: true,
    }),
  );
  const keyRng = fromTextSeed(`reference keys ${s.name}`);
  const sk = bfv.generateSecretKey(ctx, keyRng);
  const pk = bfv.generatePublicKey(ctx, sk, keyRng);
  const sCoeffs = refSecretCoefficients(ctx, sk);
  const K = ctx.primes.length;
  const QK = refModulus(ctx, K);

  it('keys satisfy their defining equations (pk: b + a·s = −e with |e| ≤ 21; switching keys: b_i + a_i·s = p·s′·1_i − e)', () => {
    expect(sCoeffs.every((v) => v >= -1n && v <= 1n)).toBe(true);
    expect(Array.from(secretKeyCoefficients(ctx, sk), BigInt)).toEqual(sCoeffs);
    const small = (poly: bigint[], M: bigint): boolean => poly.every((x) => { const c = 2n * x > M ? x - M : x; return c >= -21n && c <= 21n; });
    const rel = (c: bfv.Ciphertext): bigint[] => refDotWithSecret(ctx, sCoeffs, refCiphertextFrom(ctx, c));
    expect(small(rel(pk.ciphertext), QK)).toBe(true);
    if (!ctx.usingKeySwitching) return;
    const rk = bfv.generateRelinKeys(ctx, sk, keyRng);
    const g = bfv.galoisEltFromStep(s.n, 1);
    const gk = bfv.generateGaloisKeys(ctx, sk, keyRng, { galoisElements: [g] });
    const p = BigInt(ctx.primes[K - 1]);
    const s2 = negacyclicMultiplyRef(sCoeffs, sCoeffs, QK);
    const sg = refGalois(sCoeffs.map((x) => modRef(x, QK)), g, QK);
    for (const [key, target] of [[rk.keys[0], s2], [gk.keys.get(g)!, sg]] as const) {
      key.forEach((part, i) => {
        const qi = BigInt(ctx.primes[i]);
        // p·s'·1_i: the CRT idempotent of prime i (1 mod q_i, 0 mod the other primes).
        const idem = (QK / qi) * invModRef(QK / qi, qi);
        const expected = target.map((x) => modRef(p * x * idem, QK));
        const got = rel(part.ciphertext);
        const diff = got.map((x, j) => modRef(x - expected[j], QK));
        expect(small(diff, QK)).toBe(true);
      });
    }
  });

  it('public-key and secret-key encryption are bit-identical to the reference from the same seed', () => {
    for (let trial = 0; trial < 3; trial++) {
      const plain = randomPlain(fromTextSeed(`plain ${trial}`), ctx);
      const seed = `enc ${s.name} ${trial}`;
      bigPolysEqual(bfv.bfvEncrypt(ctx, pk, plain, fromTextSeed(seed)), refEncrypt(ctx, pk, plain, fromTextSeed(seed)), ctx);
      bigPolysEqual(
        bfv.bfvEncryptSymmetric(ctx, sk, plain, fromTextSeed(seed)),
        refEncryptSymmetric(ctx, sk, plain, fromTextSeed(seed)),
        ctx,
      );
      if (ctx.lastLevel.k < ctx.firstLevel.k) {
        const level = ctx.lastLevel.k;
        bigPolysEqual(
          bfv.bfvEncrypt(ctx, pk, plain, fromTextSeed(seed), { level }),
          refEncrypt(ctx, pk, plain, fromTextSeed(seed), level),
          ctx,
        );
      }
    }
  });

  it('decrypts, measures the noise budget and multiplies by plaintexts exactly like the reference', () => {
    const rng = fromTextSeed(`ops ${s.name}`);
    const m1 = randomPlain(rng, ctx);
    const m2 = randomPlain(rng, ctx);
    const ct = bfv.bfvEncrypt(ctx, pk, m1, rng);
    const ref = refCiphertextFrom(ctx, ct);
    const dec = Array.from(bfv.bfvDecrypt(ctx, sk, ct).coeffs, BigInt);
    expect(dec).toEqual(refDecrypt(ctx, sCoeffs, ref));
    expect(dec).toEqual(Array.from(m1.coeffs, BigInt));
    expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(refNoiseBudget(ctx, sCoeffs, ref));

    const prod = bfv.bfvMultiplyPlain(ctx, ct, m2);
    const refProd = refMultiplyPlain(ctx, ref, m2);
    bigPolysEqual(prod, refProd, ctx);
    expect(bfv.bfvMultiplyPlain(ctx, ciphertextToNtt(ctx, ct), preparePlaintext(ctx, m2)).isNttForm).toBe(true);
    expect(ciphertextFromNtt(ctx, bfv.bfvMultiplyPlain(ctx, ciphertextToNtt(ctx, ct), m2))).toEqual(prod);
    // Even a noisy ciphertext (whose decryption may be wrong) decrypts like the reference.
    expect(Array.from(bfv.bfvDecrypt(ctx, sk, prod).coeffs, BigInt)).toEqual(refDecrypt(ctx, sCoeffs, refProd));
    expect(bfv.invariantNoiseBudget(ctx, sk, prod)).toBe(refNoiseBudget(ctx, sCoeffs, refProd));

    const sum = bfv.bfvAddPlain(ctx, ct, m2);
    expect(Array.from(bfv.bfvDecrypt(ctx, sk, sum).coeffs, BigInt)).toEqual(
      Array.from(m1.coeffs, (v, j) => (BigInt(v) + BigInt(m2.coeffs[j])) % BigInt(ctx.t)),
    );
    const diff = bfv.bfvSubPlain(ctx, ct, m2);
    expect(Array.from(bfv.bfvDecrypt(ctx, sk, diff).coeffs, BigInt)).toEqual(
      Array.from(m1.coeffs, (v, j) => modRef(BigInt(v) - BigInt(m2.coeffs[j]), BigInt(ctx.t))),
    );
  });

  // Defined only where it applies (a test that returns before asserting would prove nothing).
  if (ctx.lastLevel.k !== ctx.firstLevel.k) it('modulus switching equals division by the last prime with rounding', () => {
    const rng = fromTextSeed(`modswitch ${s.name}`);
    const m = randomPlain(rng, ctx);
    const ct = bfv.bfvEncrypt(ctx, pk, m, rng);
    const k = ct.coeffModulusSize;
    const down = bfv.bfvModSwitchToNext(ctx, ct);
    const ref = refCiphertextFrom(ctx, ct);
    const p = BigInt(ctx.primes[k - 1]);
    const Qk = refModulus(ctx, k - 1);
    bigPolysEqual(down, { coeffModulusSize: k - 1, polys: ref.polys.map((c) => c.map((x) => refDivideRound(x, p, Qk))) }, ctx);
    expect(bfv.bfvDecrypt(ctx, sk, down).coeffs).toEqual(m.coeffs);
  });

  if (ctx.usingKeySwitching) it('relinearization, Galois automorphisms and key switching equal their definitions', () => {
    const rng = fromTextSeed(`keyswitch ${s.name}`);
    const rk = bfv.generateRelinKeys(ctx, sk, rng);
    const elts = [bfv.galoisEltFromStep(s.n, 1), bfv.galoisEltFromStep(s.n, -2), 2 * s.n - 1];
    const gk = bfv.generateGaloisKeys(ctx, sk, rng, { galoisElements: elts });
    const ct = bfv.bfvEncrypt(ctx, pk, randomPlain(rng, ctx), rng);
    const ref = refCiphertextFrom(ctx, ct);
    for (const g of elts) bigPolysEqual(bfv.bfvApplyGalois(ctx, ct, g, gk), refApplyGalois(ctx, ref, g, gk.keys.get(g)!), ctx);
    const ct2 = bfv.bfvEncrypt(ctx, pk, randomPlain(rng, ctx), rng);
    const size3 = bfvMultiplyReference(ctx, ct, ct2);
    bigPolysEqual(bfv.bfvRelinearize(ctx, size3, rk), refRelinearize(ctx, refCiphertextFrom(ctx, size3), rk), ctx);
  });

  it('ciphertext multiplication: BigInt-CRT path = textbook formula; HPS path within ±1 per coefficient', () => {
    const rng = fromTextSeed(`multiply ${s.name}`);
    const m1 = randomPlain(rng, ctx);
    const m2 = randomPlain(rng, ctx);
    const a = bfv.bfvEncrypt(ctx, pk, m1, rng);
    const b = bfv.bfvEncrypt(ctx, pk, m2, rng);
    const textbook = refMultiply(ctx, refCiphertextFrom(ctx, a), refCiphertextFrom(ctx, b));
    bigPolysEqual(bfvMultiplyReference(ctx, a, b), textbook, ctx);
    const hps = refCiphertextFrom(ctx, bfv.bfvMultiply(ctx, a, b));
    const Q = refModulus(ctx, a.coeffModulusSize);
    hps.polys.forEach((poly, j) =>
      poly.forEach((x, c) => {
        const d = modRef(x - textbook.polys[j][c], Q);
        expect(d === 0n || d === 1n || d === Q - 1n).toBe(true);
      }),
    );
    // And it decrypts to the product of the plaintext polynomials in Z_t[X]/(X^n + 1).
    const t = BigInt(ctx.t);
    const expected = new Array<bigint>(s.n).fill(0n);
    for (let i = 0; i < s.n; i++)
      for (let j = 0; j < s.n; j++) {
        const v = BigInt(m1.coeffs[i]) * BigInt(m2.coeffs[j]);
        if (i + j < s.n) expected[i + j] += v;
        else expected[i + j - s.n] -= v;
      }
    expect(bfv.invariantNoiseBudget(ctx, sk, refCiphertextTo(ctx, textbook))).toBeGreaterThan(10);
    expect(refDecrypt(ctx, sCoeffs, hps)).toEqual(expected.map((v) => modRef(v, t)));
  });
});
