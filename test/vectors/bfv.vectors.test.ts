/**
 * Consumes vectors/bfv/*. The library must reproduce every key, ciphertext, plaintext and SEAL
 * byte string from the listed seeds; every value is also checked against two independent
 * references:
 * - Microsoft SEAL 4.1 (node-seal): the parms_id of every level, the modulus helpers, loading and
 *   re-saving every SEAL object byte for byte, decryption and noise budgets, and the deterministic
 *   operations (plaintext and ciphertext additions, multiplyPlain, NTT transforms, modulus switching,
 *   relinearization, rotations) computed by SEAL on the vector's inputs, byte for byte;
 * - BigInt arithmetic from the spec text: the sampled polynomials re-drawn from OpenSSL's ChaCha20
 *   with the §2.2 samplers, NTTs by their definition, c = u·pk + e and SEAL's division by the last
 *   prime, Δ·m, decryption as round(t·x/Q), key-switching keys as encryptions of p·s′, slot
 *   evaluation at ζ^(±3^i).
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { minimalPrimitiveRoot } from '../../src/math/index.js';
import { fromSeed } from '../../src/random/index.js';
import { bitrev, mod, nttAt, negacyclic, powMod } from './helpers/bigint.js';
import { codeOf } from './helpers/errors.js';
import { allTests, loadVectors, tohex, unhex, type Group } from './helpers/files.js';
import { sealEnv, type SealEnv } from './helpers/seal.js';
import { StreamReader, uniformBelowSpec } from './helpers/stream.js';
import { secretKeyCoefficients } from '../../src/bfv/keys.js';
import { ciphertextFromNtt, ciphertextToNtt } from '../../src/bfv/evaluator.js';
import { bfvMultiplyReference } from '../../src/bfv/multiply.js';
import { noisePolynomial } from '../../src/bfv/noise.js';

type Ctx = bfv.BfvContext;
interface CtJson {
  level: number;
  ntt: boolean;
  polys: string[][][];
}

const ctxCache = new Map<string, Ctx>();
function ctxOf(p: Group['params']): Ctx {
  const key = `${p.n}/${p.coeffModulus.join(',')}/${p.plainModulus}`;
  let ctx = ctxCache.get(key);
  if (!ctx) {
    ctx = bfv.createBfvContext(
      bfv.createBfvParameters({ polyModulusDegree: p.n, coeffModulus: p.coeffModulus.map(Number), plainModulus: Number(p.plainModulus), insecure: p.insecure }),
    );
    ctxCache.set(key, ctx);
  }
  return ctx;
}
const envOf = (p: Group['params']): Promise<SealEnv> => sealEnv(p.n, p.coeffModulus, p.plainModulus, p.insecure);

const rowsToPoly = (ctx: Ctx, rows: string[][]) => (ctx.wide ? Float64Array.from(rows.flat(), Number) : Uint32Array.from(rows.flat(), Number));
const ctFrom = (ctx: Ctx, j: CtJson): bfv.Ciphertext => ({ coeffModulusSize: j.level, isNttForm: j.ntt, polys: j.polys.map((r) => rowsToPoly(ctx, r)) });
const rowsOf = (p: ArrayLike<number>, k: number): string[][] => {
  const n = p.length / k;
  return Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => String(p[i * n + j])));
};
const ctJson = (ct: bfv.Ciphertext): CtJson => ({ level: ct.coeffModulusSize, ntt: ct.isNttForm, polys: ct.polys.map((p) => rowsOf(p, ct.coeffModulusSize)) });
const plainOf = (n: number, pt: bfv.Plaintext) => Array.from({ length: n }, (_, j) => String(j < pt.coeffs.length ? pt.coeffs[j] : 0));
const ptFrom = (xs: string[]): bfv.Plaintext => ({ coeffs: Float64Array.from(xs, Number) });

// ---- BigInt helpers from the spec text ----

const ntt = (a: bigint[], psi: bigint, q: bigint) => a.map((_, k) => nttAt(a.map((x) => mod(x, q)), k, psi, q));
function intt(v: bigint[], psi: bigint, q: bigint): bigint[] {
  const n = v.length;
  const logn = Math.log2(n);
  const psiInv = powMod(psi, q - 2n, q);
  const nInv = powMod(BigInt(n), q - 2n, q);
  return Array.from({ length: n }, (_, i) => {
    let acc = 0n;
    for (let j = 0; j < n; j++) acc += v[j] * powMod(psiInv, BigInt((2 * bitrev(j, logn) + 1) * i), q);
    return mod(acc * nInv, q);
  });
}
function crt(residues: bigint[], moduli: bigint[]): bigint {
  const M = moduli.reduce((a, b) => a * b, 1n);
  let x = 0n;
  moduli.forEach((q, i) => {
    const Mi = M / q;
    x += residues[i] * Mi * powMod(Mi % q, q - 2n, q);
  });
  return mod(x, M);
}
const compose = (rows: string[][], moduli: bigint[]): bigint[] =>
  rows[0].map((_, j) => crt(rows.map((r) => BigInt(r[j])), moduli.slice(0, rows.length)));
/** SEAL's divide_and_round_q_last: (x − r)/q with r the centered residue of x mod q (h = ⌊q/2⌋, r = ((x + h) mod q) − h). */
const divRound = (x: bigint, q: bigint, Q: bigint) => mod((x - (mod(x + q / 2n, q) - q / 2n)) / q, Q);
const deltaM = (Q: bigint, t: bigint, m: bigint) => (Q * m + (t + 1n) / 2n) / t;
const centered = (x: bigint, m: bigint) => (mod(x, m) * 2n > m ? mod(x, m) - m : mod(x, m));
const ternarySpec = (r: StreamReader, n: number) => uniformBelowSpec(r, 3n, n).values.map((v) => v - 1n);
function cbdSpec(r: StreamReader, n: number): bigint[] {
  const pop = (x: bigint) => [...x.toString(2)].filter((c) => c === '1').length;
  return Array.from({ length: n }, () => {
    const a = r.le(3) & ((1n << 21n) - 1n);
    const b = r.le(3) & ((1n << 21n) - 1n);
    return BigInt(pop(a) - pop(b));
  });
}
/** Coefficients of s from a secret key (first prime's NTT row, inverted by definition, centered). */
function secretOf(ctx: Ctx, skHex: string): bigint[] {
  const sk = bfv.deserializeSecretKey(ctx, unhex(skHex));
  const q = BigInt(ctx.primes[0]);
  const row = Array.from(sk.poly.subarray(0, ctx.n), (v) => BigInt(v));
  return intt(row, BigInt(ctx.nttTables[0].psi), q).map((v) => centered(v, q));
}
/** parms_id by §4.11: BLAKE2b-256 over u64 little-endian words [1, n, q_0 …, t]. */
function parmsIdSpec(n: number, primes: string[], t: string): string {
  const words = [1n, BigInt(n), ...primes.map(BigInt), BigInt(t)];
  const bytes = new Uint8Array(8 * words.length);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setBigUint64(8 * i, w, true));
  return tohex(blake2b(bytes, { dkLen: 32 }));
}

describe('vectors/bfv/parameters.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('bfv/parameters.v1.json'))) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const i = test.input;
      if (group.type === 'CoeffModulusTest') {
        const lib =
          i.function === 'createCoeffModulus'
            ? bfv.createCoeffModulus(i.n, i.bitSizes)
            : i.function === 'bfvDefaultCoeffModulus'
              ? bfv.bfvDefaultCoeffModulus(i.n, i.bitSizes[0])
              : [bfv.batchingPlainModulus(i.n, i.bitSizes[0])];
        expect(lib.map(String)).toEqual(test.output.primes);
        const env = await sealEnv(16, ['1073479681', '1073184769'], '97', true);
        const { seal } = env;
        const sealPrimes =
          i.function === 'createCoeffModulus'
            ? Array.from(seal.CoeffModulus.Create(i.n, Int32Array.from(i.bitSizes)).toArray() as BigUint64Array, String)
            : i.function === 'bfvDefaultCoeffModulus'
              ? Array.from(
                  seal.CoeffModulus.BFVDefault(i.n, i.bitSizes[0] === 128 ? seal.SecurityLevel.tc128 : i.bitSizes[0] === 192 ? seal.SecurityLevel.tc192 : seal.SecurityLevel.tc256).toArray() as BigUint64Array,
                  String,
                )
              : [String(seal.PlainModulus.Batching(i.n, i.bitSizes[0]).value)];
        expect(sealPrimes).toEqual(test.output.primes);
        return;
      }
      const opts = {
        polyModulusDegree: i.n,
        coeffModulus: i.coeffModulus.map(Number),
        plainModulus: Number(i.plainModulus),
        insecure: i.insecure,
        ...(i.securityLevel ? { securityLevel: i.securityLevel } : {}),
      };
      if (test.result === 'invalid') return void expect(codeOf(() => bfv.createBfvContext(bfv.createBfvParameters(opts)))).toBe(test.error);
      const ctx = bfv.createBfvContext(bfv.createBfvParameters(opts));
      const o = test.output;
      expect(ctx.params.coeffModulusBits).toBe(o.coeffModulusBits);
      expect(ctx.params.batching).toBe(o.batching);
      const levels = ctx.levels.filter((l) => l !== undefined).reverse();
      expect(levels.map((l) => ({ k: l!.k, Q: String(l!.Q), delta: String(l!.Q / BigInt(ctx.t)), parmsId: l!.parmsIdHex }))).toEqual(o.levels);
      expect(ctx.nttTables.map((t) => String(t.psi))).toEqual(o.psi);
      // Independent: Q, Δ, parms_id by definition, ψ primitive; and SEAL's own chain.
      const t = BigInt(i.plainModulus);
      for (const l of o.levels) {
        const Q = i.coeffModulus.slice(0, l.k).reduce((a: bigint, q: string) => a * BigInt(q), 1n);
        expect(l.Q).toBe(String(Q));
        expect(l.delta).toBe(String(Q / t));
        expect(l.parmsId).toBe(parmsIdSpec(i.n, i.coeffModulus.slice(0, l.k), i.plainModulus));
      }
      o.psi.forEach((psi: string, k: number) => expect(powMod(BigInt(psi), BigInt(i.n), BigInt(i.coeffModulus[k]))).toBe(BigInt(i.coeffModulus[k]) - 1n));
      const env = await sealEnv(i.n, i.coeffModulus, i.plainModulus, i.insecure || i.securityLevel !== undefined);
      expect(env.parmsIds()).toEqual(o.levels.map((l: { parmsId: string }) => l.parmsId));
    });
  }
});

describe('vectors/bfv/encryption.v1.json', () => {
  const file = loadVectors('bfv/encryption.v1.json');
  for (const { group, test } of allTests(file)) {
    const p = group.params;
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const ctx = ctxOf(p);
      const n = ctx.n;
      const K = ctx.primes.length;
      const moduli = ctx.primes.map(BigInt);
      const psis = ctx.nttTables.map((t) => BigInt(t.psi));
      const t = BigInt(ctx.t);
      const i = test.input;
      const o = test.output;
      switch (group.type) {
        case 'BfvKeyGenerationTest': {
          const rng = fromSeed(unhex(i.seed));
          const sk = bfv.generateSecretKey(ctx, rng);
          const pk = bfv.generatePublicKey(ctx, sk, rng);
          expect(rowsOf(sk.poly, K)).toEqual(o.secretKey);
          expect({ c0: rowsOf(pk.ciphertext.polys[0], K), c1: rowsOf(pk.ciphertext.polys[1], K) }).toEqual(o.publicKey);
          expect(tohex(bfv.serializeSecretKey(ctx, sk))).toBe(o.secretKeySeal);
          expect(tohex(bfv.serializePublicKey(ctx, pk))).toBe(o.publicKeySeal);
          // Independent: the draws, ŝ = NTT(s), pk = (−(a∘ŝ + NTT(e)), a).
          const r = new StreamReader(unhex(i.seed));
          const s = ternarySpec(r, n);
          const a = moduli.map((q) => uniformBelowSpec(r, q, n).values);
          const e = cbdSpec(r, n);
          expect(s.map(String)).toEqual(test.intermediate.s);
          expect(a.map((row) => row.map(String))).toEqual(test.intermediate.a);
          expect(e.map(String)).toEqual(test.intermediate.e);
          moduli.forEach((q, k) => {
            const sHat = ntt(s, psis[k], q);
            const eHat = ntt(e, psis[k], q);
            expect(sHat.map(String)).toEqual(o.secretKey[k]);
            expect(o.publicKey.c1[k]).toEqual(a[k].map(String));
            expect(o.publicKey.c0[k]).toEqual(a[k].map((x, j) => String(mod(-(x * sHat[j] + eHat[j]), q))));
          });
          const env = await envOf(p);
          expect(env.save(env.sk(o.secretKeySeal))).toBe(o.secretKeySeal);
          expect(env.save(env.pk(o.publicKeySeal))).toBe(o.publicKeySeal);
          return;
        }
        case 'BfvEncryptTest':
        case 'BfvEncryptSymmetricTest': {
          const sk = bfv.deserializeSecretKey(ctx, unhex(p.secretKeySeal));
          const run = () =>
            group.type === 'BfvEncryptTest'
              ? bfv.bfvEncrypt(ctx, bfv.deserializePublicKey(ctx, unhex(p.publicKeySeal)), ptFrom(i.plaintext), fromSeed(unhex(i.seed)))
              : bfv.bfvEncryptSymmetric(ctx, sk, ptFrom(i.plaintext), fromSeed(unhex(i.seed)));
          if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
          const level = o.ciphertext.level as number;
          const ct =
            group.type === 'BfvEncryptTest'
              ? bfv.bfvEncrypt(ctx, bfv.deserializePublicKey(ctx, unhex(p.publicKeySeal)), ptFrom(i.plaintext), fromSeed(unhex(i.seed)), { level })
              : run();
          expect(ctJson(ct)).toEqual(o.ciphertext);
          expect(tohex(bfv.serializeCiphertext(ctx, ct))).toBe(o.ciphertextSeal);
          expect(plainOf(n, bfv.bfvDecrypt(ctx, sk, ct))).toEqual(o.decrypted);
          expect(o.decrypted).toEqual(i.plaintext);
          // Independent: the draws, the products one level up, SEAL's rounding and Δm.
          const r = new StreamReader(unhex(i.seed));
          const kk = level + 1;
          const Qk = moduli.slice(0, level).reduce((x, y) => x * y, 1n);
          const m = i.plaintext.map((v: string) => BigInt(v));
          const dm = m.map((v: bigint) => deltaM(Qk, t, v));
          const s = secretOf(ctx, p.secretKeySeal);
          let ext: string[][][];
          if (group.type === 'BfvEncryptTest') {
            const u = ternarySpec(r, n);
            const e0 = cbdSpec(r, n);
            const e1 = cbdSpec(r, n);
            const im = test.intermediate;
            expect([u, e0, e1].map((x) => x.map(String))).toEqual([im.u, im.e0, im.e1]);
            expect(dm.map(String)).toEqual(im.deltaM);
            const pk = bfv.deserializePublicKey(ctx, unhex(p.publicKeySeal)).ciphertext.polys.map((poly) => rowsOf(poly, K));
            ext = [im.c0Extended, im.c1Extended];
            [e0, e1].forEach((e, j) => {
              for (let k = 0; k < kk; k++) {
                const lhs = ntt(ext[j][k].map(BigInt), psis[k], moduli[k]);
                const uHat = ntt(u, psis[k], moduli[k]);
                const eHat = ntt(e, psis[k], moduli[k]);
                expect(lhs.map(String)).toEqual(uHat.map((x, c) => String(mod(x * BigInt(pk[j][k][c]) + eHat[c], moduli[k]))));
              }
            });
          } else {
            const a = moduli.slice(0, kk).map((q) => uniformBelowSpec(r, q, n).values);
            const e = cbdSpec(r, n);
            expect(a.map((row) => row.map(String))).toEqual(test.intermediate.a);
            expect(e.map(String)).toEqual(test.intermediate.e);
            // c1 = INTT(a), c0 = −(INTT(a∘ŝ) + e), both over q_0 … q_k
            const c1 = a.map((row, k) => intt(row, psis[k], moduli[k]).map(String));
            const c0 = a.map((row, k) => {
              const sHat = ntt(s, psis[k], moduli[k]);
              return intt(row.map((x, c) => mod(x * sHat[c], moduli[k])), psis[k], moduli[k]).map((x, c) => String(mod(-(x + e[c]), moduli[k])));
            });
            ext = [c0, c1];
          }
          const pLast = moduli[level];
          [0, 1].forEach((j) => {
            const x = compose(ext[j], moduli);
            const divided = x.map((v) => divRound(v, pLast, Qk));
            const expected = j === 0 ? divided.map((v, c) => mod(v + dm[c], Qk)) : divided;
            expect(compose(o.ciphertext.polys[j], moduli)).toEqual(expected);
          });
          const env = await envOf(p);
          const sealPt = env.seal.Decryptor(env.context, env.sk(p.secretKeySeal)).decrypt(env.ct(o.ciphertextSeal)) as ReturnType<typeof env.seal.PlainText>;
          expect(plainOf(n, bfv.deserializePlaintext(ctx, unhex(env.save(sealPt))))).toEqual(o.decrypted);
          if (o.noiseBudget !== undefined) {
            expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(o.noiseBudget);
            expect(env.seal.Decryptor(env.context, env.sk(p.secretKeySeal)).invariantNoiseBudget(env.ct(o.ciphertextSeal))).toBe(o.noiseBudget);
          }
          return;
        }
        case 'BfvDecryptTest': {
          const sk = bfv.deserializeSecretKey(ctx, unhex(p.secretKeySeal));
          const ct = ctFrom(ctx, i.ciphertext);
          if (test.result === 'invalid') return void expect(codeOf(() => bfv.bfvDecrypt(ctx, sk, ct))).toBe(test.error);
          expect(plainOf(n, bfv.bfvDecrypt(ctx, sk, ct))).toEqual(o.plaintext);
          expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(o.noiseBudget);
          // Independent: x = c0 + c1·s mod Q, m = round(t·x/Q), v = x − round(Q·m/t).
          const k = ct.coeffModulusSize;
          const Q = moduli.slice(0, k).reduce((x, y) => x * y, 1n);
          const s = secretOf(ctx, p.secretKeySeal);
          const c0 = compose(i.ciphertext.polys[0], moduli);
          const c1 = compose(i.ciphertext.polys[1], moduli);
          const x = negacyclic(c1, s.map((v) => mod(v, Q)), Q).map((v, j) => mod(v + c0[j], Q));
          expect(x.map(String)).toEqual(test.intermediate.x);
          const m = x.map((v) => mod((2n * t * v + Q) / (2n * Q), t));
          expect(m.map(String)).toEqual(o.plaintext);
          expect(x.map((v, j) => String(centered(v - deltaM(Q, t, m[j]), Q)))).toEqual(test.intermediate.noise);
          const env = await envOf(p);
          const sealCt = env.ct(tohex(bfv.serializeCiphertext(ctx, ct)));
          expect(env.seal.Decryptor(env.context, env.sk(p.secretKeySeal)).invariantNoiseBudget(sealCt)).toBe(o.noiseBudget);
          return;
        }
        case 'BfvDigestTest': {
          const rng = fromSeed(unhex(i.keySeed));
          const sk = bfv.generateSecretKey(ctx, rng);
          const pk = bfv.generatePublicKey(ctx, sk, rng);
          const ct = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, i.slots.map(Number)), fromSeed(unhex(i.seed)));
          const skBytes = bfv.serializeSecretKey(ctx, sk);
          const ctBytes = bfv.serializeCiphertext(ctx, ct);
          expect(tohex(sha256(skBytes))).toBe(o.secretKeySha256);
          expect(tohex(sha256(bfv.serializePublicKey(ctx, pk)))).toBe(o.publicKeySha256);
          expect(tohex(sha256(ctBytes))).toBe(o.ciphertextSha256);
          expect(Array.from(secretKeyCoefficients(ctx, sk).subarray(0, 16), String)).toEqual(test.intermediate.secretKeyHead);
          // Independent: s from the stream; SEAL decrypts the regenerated objects.
          expect(ternarySpec(new StreamReader(unhex(i.keySeed)), 16).map(String)).toEqual(test.intermediate.secretKeyHead);
          const env = await envOf(p);
          const dec = env.seal.Decryptor(env.context, env.sk(tohex(skBytes)));
          const sealCt = env.ct(tohex(ctBytes));
          const slots = env.seal.BatchEncoder(env.context).decodeBigInt(dec.decrypt(sealCt) as ReturnType<typeof env.seal.PlainText>, false);
          expect(Array.from(slots.subarray(0, 16), String)).toEqual(o.decryptedSlots);
          expect(o.decryptedSlots).toEqual(i.slots);
          expect(dec.invariantNoiseBudget(sealCt)).toBe(o.noiseBudget);
          return;
        }
        default:
          throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

describe('vectors/bfv/batching.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('bfv/batching.v1.json'))) {
    const p = group.params;
    it(`tcId ${test.tcId}: ${test.comment}`, async () => {
      const ctx = ctxOf(p);
      const values = test.input.values.map(Number);
      if (test.result === 'invalid') return void expect(codeOf(() => bfv.batchEncode(ctx, values))).toBe(test.error);
      const pt = bfv.batchEncode(ctx, values);
      expect(plainOf(ctx.n, pt)).toEqual(test.output.plaintext);
      expect(Array.from(bfv.batchDecode(ctx, pt), String)).toEqual(test.output.decoded);
      // Independent: the index map and the slots as evaluations at ζ^(±3^i).
      const n = p.n as number;
      const t = BigInt(p.plainModulus);
      const logn = Math.log2(n);
      const map: number[] = [];
      for (let i = 0, g = 1; i < n / 2; i++, g = (g * 3) % (2 * n)) {
        map[i] = bitrev((g - 1) / 2, logn);
        map[n / 2 + i] = bitrev((2 * n - g - 1) / 2, logn);
      }
      expect(map).toEqual(p.slotIndexMap);
      const zeta = BigInt(minimalPrimitiveRoot(2 * n, Number(t)));
      expect(powMod(zeta, BigInt(n), t)).toBe(t - 1n);
      const m = test.output.plaintext.map((v: string) => BigInt(v));
      const evalAt = (e: number) => {
        const x = powMod(zeta, BigInt(e), t);
        let acc = 0n;
        for (let j = n - 1; j >= 0; j--) acc = (acc * x + m[j]) % t;
        return acc;
      };
      for (let i = 0, g = 1; i < n / 2; i++, g = (g * 3) % (2 * n)) {
        expect(String(evalAt(g))).toBe(test.output.decoded[i]);
        expect(String(evalAt(2 * n - g))).toBe(test.output.decoded[n / 2 + i]);
      }
      const padded = Array.from({ length: n }, (_, i) => (i < values.length ? mod(BigInt(values[i]), t) : 0n));
      expect(test.output.decoded).toEqual(padded.map(String));
      // SEAL's BatchEncoder gives the same plaintext.
      const env = await envOf(p);
      const sealPt = env.seal.BatchEncoder(env.context).encode(BigUint64Array.from(padded)) as ReturnType<typeof env.seal.PlainText>;
      expect(plainOf(n, bfv.deserializePlaintext(ctx, unhex(env.save(sealPt))))).toEqual(test.output.plaintext);
    });
  }
});

describe('vectors/bfv/evaluation.v1.json', () => {
  const file = loadVectors('bfv/evaluation.v1.json');
  beforeAll(async () => {
    for (const g of file.testGroups) await envOf(g.params);
  });
  for (const { group, test } of allTests(file)) {
    const p = group.params;
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const ctx = ctxOf(p);
      const n = ctx.n;
      const t = BigInt(ctx.t);
      const env = await envOf(p);
      const ev = env.seal.Evaluator(env.context);
      const i = test.input;
      const o = test.output;
      const sk = p.secretKeySeal ? bfv.deserializeSecretKey(ctx, unhex(p.secretKeySeal)) : undefined;
      const decrypt = (ct: bfv.Ciphertext) => bfv.bfvDecrypt(ctx, sk!, ct.isNttForm ? ciphertextFromNtt(ctx, ct) : ct);
      const decBig = (ct: bfv.Ciphertext) => plainOf(n, decrypt(ct)).map(BigInt);
      const sealCt = (ct: bfv.Ciphertext) => env.ct(tohex(bfv.serializeCiphertext(ctx, ct)));
      const sameAsSeal = (sealResult: unknown, expected: CtJson) => expect(env.save(sealResult)).toBe(tohex(bfv.serializeCiphertext(ctx, ctFrom(ctx, expected))));
      switch (group.type) {
        case 'BfvOperationTest': {
          const a = ctFrom(ctx, i.a);
          const b = i.b ? ctFrom(ctx, i.b) : undefined;
          const pt = i.plaintext ? ptFrom(i.plaintext) : undefined;
          const run = (): bfv.Ciphertext => {
            switch (i.operation) {
              case 'add':
                return bfv.bfvAdd(ctx, a, b!);
              case 'sub':
                return bfv.bfvSub(ctx, a, b!);
              case 'negate':
                return bfv.bfvNegate(ctx, a);
              case 'addPlain':
                return bfv.bfvAddPlain(ctx, a, pt!);
              case 'subPlain':
                return bfv.bfvSubPlain(ctx, a, pt!);
              case 'multiplyPlain':
                return bfv.bfvMultiplyPlain(ctx, a, pt!);
              case 'modSwitchToNext':
                return bfv.bfvModSwitchToNext(ctx, a);
              case 'toNtt':
                return ciphertextToNtt(ctx, a);
              case 'fromNtt':
                return ciphertextFromNtt(ctx, a);
              default:
                throw new Error(`unknown operation ${i.operation}`);
            }
          };
          if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
          const result = run();
          expect(ctJson(result)).toEqual(o.result);
          expect(plainOf(n, decrypt(result))).toEqual(o.decrypted);
          // SEAL computes the same bytes.
          const A = sealCt(a);
          const sealPt = pt ? env.pt(tohex(bfv.serializePlaintext(ctx, pt))) : undefined;
          const sealResult =
            i.operation === 'add' ? ev.add(A, sealCt(b!))
            : i.operation === 'sub' ? ev.sub(A, sealCt(b!))
            : i.operation === 'negate' ? ev.negate(A)
            : i.operation === 'addPlain' ? ev.addPlain(A, sealPt!)
            : i.operation === 'subPlain' ? ev.subPlain(A, sealPt!)
            : i.operation === 'multiplyPlain' ? ev.multiplyPlain(A, sealPt!)
            : i.operation === 'modSwitchToNext' ? ev.cipherModSwitchToNext(A)
            : i.operation === 'toNtt' ? ev.cipherTransformToNtt(A)
            : ev.cipherTransformFromNtt(A);
          sameAsSeal(sealResult, o.result);
          // Independent: what the result decrypts to, from the operands' decryptions (BigInt, mod t).
          const da = decBig(a);
          const db = b ? decBig(b) : undefined;
          const m = pt ? i.plaintext.map(BigInt) : undefined;
          const expected =
            i.operation === 'add' ? da.map((x, j) => mod(x + db![j], t))
            : i.operation === 'sub' ? da.map((x, j) => mod(x - db![j], t))
            : i.operation === 'negate' ? da.map((x) => mod(-x, t))
            : i.operation === 'addPlain' ? da.map((x, j) => mod(x + m![j], t))
            : i.operation === 'subPlain' ? da.map((x, j) => mod(x - m![j], t))
            : i.operation === 'multiplyPlain' ? negacyclic(da, m!, t)
            : da;
          expect(o.decrypted).toEqual(expected.map(String));
          return;
        }
        case 'BfvMultiplyTest': {
          const a = ctFrom(ctx, i.a);
          const b = ctFrom(ctx, i.b);
          const rk = bfv.deserializeRelinKeys(ctx, unhex(p.relinKeysSeal));
          const product = bfv.bfvMultiply(ctx, a, b);
          expect(ctJson(product)).toEqual(o.product);
          expect(ctJson(bfvMultiplyReference(ctx, a, b))).toEqual(o.product);
          const relin = bfv.bfvRelinearize(ctx, product, rk);
          expect(ctJson(relin)).toEqual(o.relinearized);
          expect(plainOf(n, decrypt(relin))).toEqual(o.decrypted);
          expect(o.decrypted).toEqual(negacyclic(decBig(a), decBig(b), t).map(String));
          // SEAL: relinearizing this product with these keys gives these bytes; SEAL's own product decrypts the same.
          sameAsSeal(ev.relinearize(sealCt(product), env.rk(p.relinKeysSeal)), o.relinearized);
          const dec = env.seal.Decryptor(env.context, env.sk(p.secretKeySeal));
          const sealProduct = ev.multiply(sealCt(a), sealCt(b)) as ReturnType<typeof env.seal.CipherText>;
          expect(plainOf(n, bfv.deserializePlaintext(ctx, unhex(env.save(dec.decrypt(sealProduct)))))).toEqual(o.decrypted);
          return;
        }
        case 'BfvRotateTest': {
          const a = ctFrom(ctx, i.a);
          const gk = bfv.deserializeGaloisKeys(ctx, unhex(p.galoisKeysSeal));
          const run = () => (i.operation === 'rotateRows' ? bfv.bfvRotateRows(ctx, a, i.steps, gk) : bfv.bfvRotateColumns(ctx, a, gk));
          if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
          const result = run();
          expect(ctJson(result)).toEqual(o.result);
          expect(Array.from(bfv.batchDecode(ctx, decrypt(result)), String)).toEqual(o.decryptedSlots);
          const G = env.gk(p.galoisKeysSeal);
          sameAsSeal(i.operation === 'rotateRows' ? ev.rotateRows(sealCt(a), i.steps, G) : ev.rotateColumns(sealCt(a), G), o.result);
          // Independent: the slots of a, rotated (rows left by steps; columns: the rows swapped).
          const slots = Array.from(bfv.batchDecode(ctx, decrypt(a)), String);
          const h = n / 2;
          const rotated = slots.map((_, j) => {
            const row = j < h ? 0 : 1;
            const col = j % h;
            return i.operation === 'rotateRows' ? slots[row * h + ((((col + i.steps) % h) + h) % h)] : slots[(1 - row) * h + col];
          });
          expect(o.decryptedSlots).toEqual(rotated);
          return;
        }
        case 'BfvKeySwitchKeysTest': {
          const rng = fromSeed(unhex(i.keySeed));
          const sk = bfv.generateSecretKey(ctx, rng);
          const keysRng = fromSeed(unhex(i.seed));
          const K = ctx.primes.length;
          const keyJson = (key: readonly bfv.PublicKey[]) => key.map((pk) => ({ c0: rowsOf(pk.ciphertext.polys[0], K), c1: rowsOf(pk.ciphertext.polys[1], K) }));
          let keys: (readonly bfv.PublicKey[])[];
          let seal: string;
          if (i.kind === 'relin') {
            const rk = bfv.generateRelinKeys(ctx, sk, keysRng);
            keys = [...rk.keys];
            seal = tohex(bfv.serializeRelinKeys(ctx, rk));
            expect(env.save(env.rk(seal))).toBe(o.seal);
          } else {
            const gk = bfv.generateGaloisKeys(ctx, sk, keysRng, { steps: i.steps });
            expect([...gk.keys.keys()]).toEqual(o.galoisElements);
            expect(o.galoisElements).toEqual(i.steps.map((s: number) => bfv.galoisEltFromStep(n, s)));
            keys = [...gk.keys.values()];
            seal = tohex(bfv.serializeGaloisKeys(ctx, gk));
            expect(env.save(env.gk(seal))).toBe(o.seal);
          }
          expect(keys.map(keyJson)).toEqual(o.keys);
          expect(seal).toBe(o.seal);
          // Independent: part j of the key for s′ satisfies c0 + c1·ŝ = [p·ŝ′ on prime j] − NTT(e), e small and the same on every prime.
          const moduli = ctx.primes.map(BigInt);
          const psis = ctx.nttTables.map((x) => BigInt(x.psi));
          const s = Array.from(secretKeyCoefficients(ctx, sk), BigInt);
          const special = moduli[K - 1];
          o.keys.forEach((key: { c0: string[][]; c1: string[][] }[], idx: number) => {
            const g = i.kind === 'relin' ? 0 : o.galoisElements[idx];
            const sPrime =
              i.kind === 'relin'
                ? negacyclic(s, s, 1n << 64n).map((v) => centered(v, 1n << 64n))
                : s.reduce((acc, v, j) => {
                    const e = (j * g) % (2 * n);
                    if (e < n) acc[e] += v;
                    else acc[e - n] -= v;
                    return acc;
                  }, new Array<bigint>(n).fill(0n));
            key.forEach((part, j) => {
              let err: string[] | undefined;
              moduli.forEach((q, r) => {
                const sHat = ntt(s, psis[r], q);
                const spHat = ntt(sPrime, psis[r], q);
                const sum = part.c0[r].map((c0, c) => mod(BigInt(c0) + BigInt(part.c1[r][c]) * sHat[c] - (r === j ? special * spHat[c] : 0n), q));
                const e = intt(sum, psis[r], q).map((v) => centered(-v, q));
                for (const v of e) expect(v >= -21n && v <= 21n).toBe(true);
                if (err) expect(e.map(String)).toEqual(err);
                err = e.map(String);
              });
            });
          });
          return;
        }
        case 'BfvFloodTest': {
          const a = ctFrom(ctx, i.a);
          const pk = bfv.deserializePublicKey(ctx, unhex(p.publicKeySeal));
          const result = bfv.floodNoise(ctx, pk, a, fromSeed(unhex(i.seed)), { noiseBits: i.noiseBits, lambda: i.lambda });
          expect(ctJson(result)).toEqual(o.result);
          expect(plainOf(n, decrypt(result))).toEqual(o.decrypted);
          expect(o.decrypted).toEqual(plainOf(n, decrypt(a)));
          const dec = env.seal.Decryptor(env.context, env.sk(p.secretKeySeal));
          expect(plainOf(n, bfv.deserializePlaintext(ctx, unhex(env.save(dec.decrypt(sealCt(result))))))).toEqual(o.decrypted);
          // The flooded noise is large: a fresh encryption's is below 2^10 here.
          const noise = noisePolynomial(ctx, sk!, result);
          expect(noise.some((v) => (v < 0n ? -v : v) > 1n << BigInt(i.noiseBits + i.lambda))).toBe(true);
          return;
        }
        default:
          throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

describe('vectors/bfv/serialization.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('bfv/serialization.v1.json'))) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const i = test.input;
      if (group.type === 'ParmsIdTest') {
        expect(tohex(bfv.computeParmsId(i.n, i.primes.map(Number), Number(i.plainModulus)))).toBe(test.output.parmsId);
        expect(parmsIdSpec(i.n, i.primes, i.plainModulus)).toBe(test.output.parmsId);
        return;
      }
      const p = group.params;
      const ctx = ctxOf(p);
      const bytes = unhex(i.bytes);
      const round: Record<string, () => Uint8Array> = {
        ciphertext: () => bfv.serializeCiphertext(ctx, bfv.deserializeCiphertext(ctx, bytes)),
        plaintext: () => bfv.serializePlaintext(ctx, bfv.deserializePlaintext(ctx, bytes)),
        secretKey: () => bfv.serializeSecretKey(ctx, bfv.deserializeSecretKey(ctx, bytes)),
        publicKey: () => bfv.serializePublicKey(ctx, bfv.deserializePublicKey(ctx, bytes)),
        relinKeys: () => bfv.serializeRelinKeys(ctx, bfv.deserializeRelinKeys(ctx, bytes)),
        galoisKeys: () => bfv.serializeGaloisKeys(ctx, bfv.deserializeGaloisKeys(ctx, bytes)),
      };
      if (test.result === 'invalid') return void expect(codeOf(round[i.kind])).toBe(test.error);
      expect(tohex(round[i.kind]())).toBe(test.output.reserialized);
      expect(test.output.reserialized).toBe(i.bytes);
      const env = await envOf(p);
      const load = { ciphertext: env.ct, plaintext: env.pt, secretKey: env.sk, publicKey: env.pk, relinKeys: env.rk, galoisKeys: env.gk }[i.kind as string]!;
      expect(env.save(load(i.bytes))).toBe(i.bytes);
    });
  }
});
