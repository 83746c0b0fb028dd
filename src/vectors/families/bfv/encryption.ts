/**
 * vectors/bfv/encryption.v1.json: seeded key generation, public- and secret-key encryption with
 * every sampled polynomial and the ciphertext before and after the division by the extra prime,
 * decryption with its noise, and digests at Delphi's parameters (§4.3–§4.5).
 *
 * Spec: §12.5.6
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { batchDecode, batchEncode, bfvDecrypt, bfvEncrypt, bfvEncryptSymmetric, invariantNoiseBudget, serializeCiphertext, type Plaintext } from '../../../bfv/index.js';
import { ciphertextToNtt } from '../../../bfv/evaluator.js';
import { dotWithSecretKey } from '../../../bfv/encrypt.js';
import { noisePolynomial } from '../../../bfv/noise.js';
import { refDeltaM, refDivideRound, refPolyFromRns } from '../../../bfv/bfv-reference.js';
import { sampleNoiseCoefficients, sampleTernaryCoefficients, sampleUniformRns } from '../../../bfv/sampling.js';
import { secretKeyCoefficients } from '../../../bfv/keys.js';
import { negacyclicMultiplyRef } from '../../../math/index.js';
import { fromSeed } from '../../../random/index.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { decRows, decs, hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { hexToBytes } from '../../../math/bytes.js';
import { contextOf, ctField, ctJson, DELPHI_SET, keysFor, paramsFields, paramsJson, pkField, pkJson, plainJson, randomSlots, rowsOf, SETS } from './shared.js';

const encSpec: AlgorithmSpec = {
  algorithm: 'BfvEncryption',
  description:
    'Seeded key generation, public- and secret-key encryption and decryption (§4.3–§4.5). Keys for a keySeed: ' +
    'rng = fromSeed(keySeed); sk = generateSecretKey(rng); pk = generatePublicKey(sk, rng).',
  groups: [
    {
      type: 'BfvKeyGenerationTest',
      description: 'sk = generateSecretKey(rng), then pk = generatePublicKey(sk, rng), rng = fromSeed(seed).',
      params: paramsFields,
      input: { seed: F.hex(undefined, 32) },
      intermediate: {
        s: F.ints('the ternary secret (n draws of sampleTernary)'),
        a: F.intRows('uniform residues over all primes, taken as NTT values'),
        e: F.ints('the public-key error (centered binomial, η = 21)'),
      },
      output: {
        secretKey: F.intRows('s in NTT form over all primes'),
        publicKey: pkField,
        secretKeySeal: F.hex('SEAL 4.1 SecretKey, uncompressed'),
        publicKeySeal: F.hex('SEAL 4.1 PublicKey'),
      },
    },
    {
      type: 'BfvEncryptTest',
      description:
        'bfvEncrypt(pk, m, fromSeed(seed)): u, e_0, e_1 drawn in that order at level k + 1; c_j = u·pk_j + e_j, divided by q_k with ' +
        "SEAL's rounding, c_0 += Δ·m.",
      params: { ...paramsFields, publicKeySeal: F.hex(), secretKeySeal: F.hex('for the decryption check') },
      input: { seed: F.hex(undefined, 32), plaintext: F.ints() },
      intermediate: {
        u: F.ints(),
        e0: F.ints(),
        e1: F.ints(),
        c0Extended: F.intRows('u·pk_0 + e_0 modulo q_0 … q_k, coefficient form'),
        c1Extended: F.intRows(),
        deltaM: F.ints('round(Q·m_j/t), ties up'),
      },
      output: { ciphertext: ctField, ciphertextSeal: F.hex(), decrypted: F.ints(), noiseBudget: F.size() },
    },
    {
      type: 'BfvEncryptSymmetricTest',
      description: 'bfvEncryptSymmetric(sk, m, fromSeed(seed)): a (uniform, as NTT values) then e at level k + 1.',
      params: { ...paramsFields, secretKeySeal: F.hex() },
      input: { seed: F.hex(undefined, 32), plaintext: F.ints() },
      intermediate: { a: F.intRows('NTT values modulo q_0 … q_k'), e: F.ints() },
      output: { ciphertext: ctField, ciphertextSeal: F.hex(), decrypted: F.ints() },
    },
    {
      type: 'BfvDecryptTest',
      description: 'bfvDecrypt: x = c_0 + c_1·s + … mod Q, m = round(t·x/Q) mod t; the noise v = x − round(Q·m/t) (centered).',
      params: { ...paramsFields, secretKeySeal: F.hex() },
      input: { ciphertext: ctField },
      intermediate: { x: F.ints('in [0, Q)'), noise: F.ints('centered') },
      output: { plaintext: F.ints(), noiseBudget: F.size() },
    },
    {
      type: 'BfvDigestTest',
      description:
        "Delphi's parameters (n = 8192): keys from keySeed, bfvEncrypt of batchEncode(slots) with seed; SHA-256 of the SEAL objects.",
      params: paramsFields,
      input: { keySeed: F.hex(undefined, 32), seed: F.hex(undefined, 32), slots: F.ints('the first slots (the rest are 0)') },
      intermediate: { secretKeyHead: F.ints('the first 16 coefficients of s') },
      output: {
        secretKeySha256: F.hex(undefined, 32),
        publicKeySha256: F.hex(undefined, 32),
        ciphertextSha256: F.hex(undefined, 32),
        decryptedSlots: F.ints('the first slots of the decryption'),
        noiseBudget: F.size(),
      },
    },
  ],
};

const ENC_PATH = 'bfv/encryption.v1.json';

export const encFile: VectorFileGenerator = {
  path: ENC_PATH,
  spec: encSpec,
  async generate(master) {
    const b = new VectorFileBuilder(encSpec, ENC_PATH, master, {
      specSections: ['§2.2', '§4.3', '§4.4', '§4.5', '§4.9', '§4.10'],
      header: [
        'RNS polynomials are listed prime by prime (row i modulo q_i, coefficients 0 … n−1, or NTT values in the',
        'bit-reversed order of §3.4). SEAL objects are uncompressed SEAL 4.1 serializations (§4.10).',
        "Ciphertexts are at the first data level (all primes but the special one) unless a test says otherwise.",
      ],
      notes: {
        Delphi: "Delphi's parameter set (n = 8192, t = p).",
        WidePrimes: 'Primes ≥ 2^30 (the wide code path).',
        ZeroPlaintext: 'An encryption of 0.',
        LowerLevel: 'A ciphertext below the first data level.',
        PlaintextOutOfRange: 'A plaintext coefficient ≥ t.',
        TooManyCoefficients: 'A plaintext with more than n coefficients.',
        NttForm: 'A ciphertext in NTT form, which BFV decryption refuses.',
      },
    });
    for (const set of SETS) {
      const ctx = contextOf(set);
      const flags = set.name === 'wide' ? ['WidePrimes'] : [];
      const K = ctx.primes.length;
      const params = paramsJson(set);
      const kg = b.group('BfvKeyGenerationTest', params);
      const keySeed = b.seed(`${set.name}/keys`);
      const keys = keysFor(ctx, keySeed);
      {
        const rng = fromSeed(keySeed);
        const s = sampleTernaryCoefficients(rng, ctx.n);
        const a = sampleUniformRns(ctx, rng, K);
        const e = sampleNoiseCoefficients(rng, ctx.n);
        if (decs(secretKeyCoefficients(ctx, keys.sk)).join() !== decs(s).join()) throw new Error('secret key replay disagrees');
        kg.valid(`keys of the "${set.name}" set`, { seed: hex(keySeed) }, {
          secretKey: decRows(keys.sk.poly, K),
          publicKey: pkJson(ctx, keys.pk),
          secretKeySeal: keys.skSeal,
          publicKeySeal: keys.pkSeal,
        }, { intermediate: { s: decs(s), a: decRows(a, K), e: decs(e) }, flags });
      }
      const eg = b.group('BfvEncryptTest', { ...params, publicKeySeal: keys.pkSeal, secretKeySeal: keys.skSeal });
      const sg = b.group('BfvEncryptSymmetricTest', { ...params, secretKeySeal: keys.skSeal });
      const dg = b.group('BfvDecryptTest', { ...params, secretKeySeal: keys.skSeal });
      const plainRng = b.rng(`${set.name}/plaintexts`).rng;
      const plaintexts: [Plaintext, string, string[]][] = [
        [batchEncode(ctx, randomSlots(plainRng, ctx.n, ctx.t)), 'a batch-encoded uniform plaintext', []],
        [{ coeffs: new Float64Array(0) }, 'the zero plaintext (no coefficients)', ['ZeroPlaintext']],
      ];
      const k = ctx.firstLevel.k;
      const levelsToTry = ctx.lastLevel.k < k ? [k, k - 1] : [k];
      for (const [pt, what, f] of plaintexts) {
        for (const level of pt.coeffs.length === 0 ? [k] : levelsToTry) {
          const { rng, seed } = b.rng(`${set.name}/encrypt/${what}/${level}`);
          const ct = bfvEncrypt(ctx, keys.pk, pt, rng, { level });
          // Intermediates from the spec (§4.4), in BigInt: the draws, the products one level up, Δm.
          const r2 = fromSeed(b.seed(`${set.name}/encrypt/${what}/${level}`));
          const kk = level + 1;
          const u = sampleTernaryCoefficients(r2, ctx.n);
          const e0 = sampleNoiseCoefficients(r2, ctx.n);
          const e1 = sampleNoiseCoefficients(r2, ctx.n);
          const Qkk = ctx.primes.slice(0, kk).reduce((acc, q) => acc * BigInt(q), 1n);
          const uBig = Array.from(u, BigInt);
          const ext = [0, 1].map((j) => {
            const pkj = refPolyFromRns(ctx, keys.pk.ciphertext.polys[j], kk, true);
            const prod = negacyclicMultiplyRef(pkj, uBig.map((x) => ((x % Qkk) + Qkk) % Qkk), Qkk);
            const e = j === 0 ? e0 : e1;
            return prod.map((c, i) => (((c + BigInt(e[i])) % Qkk) + Qkk) % Qkk);
          });
          const Qk = ctx.level(level).Q;
          const pq = BigInt(ctx.primes[level]);
          const coeff = (j: number) => (j < pt.coeffs.length ? BigInt(pt.coeffs[j]) : 0n);
          const deltaM = Array.from({ length: ctx.n }, (_, j) => refDeltaM(Qk, BigInt(ctx.t), coeff(j)));
          const expected0 = ext[0].map((c, j) => (refDivideRound(c, pq, Qk) + deltaM[j]) % Qk);
          const got0 = refPolyFromRns(ctx, ct.polys[0], level, false);
          if (expected0.join() !== got0.join()) throw new Error('encryption intermediates do not reproduce c_0');
          const decrypted = bfvDecrypt(ctx, keys.sk, ct);
          eg.valid(`${set.name}: ${what}${level < k ? `, level ${level}` : ''}`, {
            seed,
            plaintext: plainJson(ctx, pt),
          }, {
            ciphertext: ctJson(ctx, ct),
            ciphertextSeal: hex(serializeCiphertext(ctx, ct)),
            decrypted: plainJson(ctx, decrypted),
            noiseBudget: invariantNoiseBudget(ctx, keys.sk, ct),
          }, {
            intermediate: {
              u: decs(u), e0: decs(e0), e1: decs(e1), c0Extended: rowsOf(ctx, ext[0], kk), c1Extended: rowsOf(ctx, ext[1], kk), deltaM: decs(deltaM),
            },
            flags: [...flags, ...f, ...(level < k ? ['LowerLevel'] : [])],
          });
          if (level === k && f.length === 0) {
            dg.valid(`${set.name}: the ciphertext of the encryption test above`, { ciphertext: ctJson(ctx, ct) }, {
              plaintext: plainJson(ctx, decrypted),
              noiseBudget: invariantNoiseBudget(ctx, keys.sk, ct),
            }, {
              intermediate: {
                x: decs(refPolyFromRns(ctx, dotWithSecretKey(ctx, keys.sk, ct), level, false)),
                noise: decs(noisePolynomial(ctx, keys.sk, ct)),
              },
              flags,
            });
            const nttCt = ciphertextToNtt(ctx, ct);
            dg.invalid(`${set.name}: the same ciphertext in NTT form`, { ciphertext: ctJson(ctx, nttCt) }, expectErrorCode(
              () => bfvDecrypt(ctx, keys.sk, nttCt),
              'ntt',
            ), [...flags, 'NttForm']);
          }
        }
        {
          const { rng, seed } = b.rng(`${set.name}/symmetric/${what}`);
          const ct = bfvEncryptSymmetric(ctx, keys.sk, pt, rng);
          const r2 = fromSeed(b.seed(`${set.name}/symmetric/${what}`));
          const a = sampleUniformRns(ctx, r2, k + 1);
          const e = sampleNoiseCoefficients(r2, ctx.n);
          sg.valid(`${set.name}: ${what}`, { seed, plaintext: plainJson(ctx, pt) }, {
            ciphertext: ctJson(ctx, ct),
            ciphertextSeal: hex(serializeCiphertext(ctx, ct)),
            decrypted: plainJson(ctx, bfvDecrypt(ctx, keys.sk, ct)),
          }, { intermediate: { a: decRows(a, k + 1), e: decs(e) }, flags: [...flags, ...f] });
        }
      }
      {
        const { rng, seed } = b.rng(`${set.name}/encrypt/bad`);
        const bad = { coeffs: Float64Array.from({ length: ctx.n }, (_, j) => (j === 3 ? ctx.t : 1)) };
        eg.invalid(`${set.name}: coefficient 3 equals t`, { seed, plaintext: plainJson(ctx, bad) },
          expectErrorCode(() => bfvEncrypt(ctx, keys.pk, bad, rng), 'range'), [...flags, 'PlaintextOutOfRange']);
        const long = { coeffs: new Float64Array(ctx.n + 1) };
        eg.invalid(`${set.name}: n + 1 coefficients`, { seed, plaintext: decs(long.coeffs) },
          expectErrorCode(() => bfvEncrypt(ctx, keys.pk, long, rng), 'long'), [...flags, 'TooManyCoefficients']);
      }
    }
    {
      const ctx = contextOf(DELPHI_SET);
      const g = b.group('BfvDigestTest', paramsJson(DELPHI_SET));
      const keySeed = b.seed('delphi/keys');
      const keys = keysFor(ctx, keySeed);
      const { rng, seed } = b.rng('delphi/encrypt');
      const slots = randomSlots(b.rng('delphi/slots').rng, 16, ctx.t);
      const ct = bfvEncrypt(ctx, keys.pk, batchEncode(ctx, slots), rng);
      const digest = (h: string) => hex(sha256(hexToBytes(h)));
      g.valid("keys and one encryption with Delphi's parameters", { keySeed: hex(keySeed), seed, slots: decs(slots) }, {
        secretKeySha256: digest(keys.skSeal),
        publicKeySha256: digest(keys.pkSeal),
        ciphertextSha256: hex(sha256(serializeCiphertext(ctx, ct))),
        decryptedSlots: decs(batchDecode(ctx, bfvDecrypt(ctx, keys.sk, ct)).subarray(0, 16)),
        noiseBudget: invariantNoiseBudget(ctx, keys.sk, ct),
      }, { intermediate: { secretKeyHead: decs(secretKeyCoefficients(ctx, keys.sk).subarray(0, 16)) }, flags: ['Delphi'] });
    }
    return b.build();
  },
};
