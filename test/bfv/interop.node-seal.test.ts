/**
 * Interoperability with Microsoft SEAL 4.1 (node-seal 6.0.3, the C++ library compiled to WASM), the
 * reference implementation delphi-ts' BFV follows. For four parameter sets — n = 4096 and 8192,
 * with SEAL's BFVDefault primes (36–44 bits: the wide path) and with 30-bit primes from
 * CoeffModulus.Create (the fast path), t a batching prime (t = 2061584302081 for n = 8192) — checks:
 * parms_id of every level; SEAL objects decrypt in delphi-ts and re-serialize byte-identically;
 * delphi-ts objects load into SEAL and decrypt there (also after SEAL's multiplyPlain); the noise
 * budget equals SEAL's; and the deterministic operations (multiplyPlain, rotations, relinearization)
 * give byte-identical results from the same inputs and keys.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { makePair, parmsIdBytes, sameBytes, type ModulusChoice, type Pair } from './seal.js';
import { secretKeyCoefficients } from '../../src/bfv/keys.js';
import { preparePlaintext } from '../../src/bfv/evaluator.js';

const P = 2061584302081;

interface Case {
  readonly name: string;
  readonly n: number;
  readonly choice: ModulusChoice;
  readonly t: number;
  readonly wide: boolean;
}

const CASES: Case[] = [
  { name: 'n=4096 BFVDefault, t=1032193', n: 4096, choice: { kind: 'default' }, t: 1032193, wide: true },
  { name: 'n=4096 Create([30,30,30]), t=1032193', n: 4096, choice: { kind: 'create', bitSizes: [30, 30, 30] }, t: 1032193, wide: false },
  { name: 'n=8192 BFVDefault, t=p', n: 8192, choice: { kind: 'default' }, t: P, wide: true },
  {
    name: 'n=8192 Create([30 x 7]), t=p',
    n: 8192,
    choice: { kind: 'create', bitSizes: [30, 30, 30, 30, 30, 30, 30] },
    t: P,
    wide: false,
  },
];

function randomSlots(seed: string, n: number, t: number): number[] {
  const rng = fromTextSeed(seed);
  return Array.from({ length: n }, () => uniformBelow(rng, t));
}

function mulSlots(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((x, i) => Number((BigInt(x) * BigInt(b[i])) % BigInt(t)));
}

describe.each(CASES)('interop with SEAL 4.1: $name', (c) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await makePair(c.n, c.choice, c.t);
  });

  it('uses the same coefficient modulus and arithmetic path as expected', () => {
    const { ctx, sealCoeffModulus } = pair;
    expect(ctx.wide).toBe(c.wide);
    if (c.choice.kind === 'default') expect(sealCoeffModulus).toEqual(bfv.bfvDefaultCoeffModulus(c.n));
    else expect(sealCoeffModulus).toEqual(bfv.createCoeffModulus(c.n, c.choice.bitSizes));
  });

  it('computes the parms_id of every level of the modulus chain as SEAL does', () => {
    const { ctx, sealContext } = pair;
    let data = sealContext.keyContextData;
    const seen: number[] = [];
    for (;;) {
      const k = data.parms.coeffModulus.length;
      seen.push(k);
      expect(bfv.parmsIdToHex(ctx.level(k).parmsId)).toBe(bfv.parmsIdToHex(parmsIdBytes(data.parmsId.values)));
      expect(data.totalCoeffModulusBitCount).toBe(ctx.level(k).bits);
      if (data.chainIndex === 0) break;
      data = data.nextContextData;
    }
    expect(seen).toEqual(ctx.levels.flatMap((l, i) => (l ? [i + 1] : [])).reverse());
    expect(parmsIdBytes(sealContext.firstParmsId.values)).toEqual(ctx.firstLevel.parmsId);
    expect(parmsIdBytes(sealContext.lastParmsId.values)).toEqual(ctx.lastLevel.parmsId);
  });

  it('decrypts SEAL ciphertexts with SEAL keys, re-serializes SEAL objects byte for byte, and matches the noise budget', () => {
    const { seal, sealContext, ctx } = pair;
    const none = seal.ComprModeType.none;
    const keygen = seal.KeyGenerator(sealContext);
    const sealSk = keygen.secretKey();
    const sealPk = keygen.createPublicKey();
    const encoder = seal.BatchEncoder(sealContext);
    const values = randomSlots(`seal->delphi ${c.name}`, c.n, c.t);
    const sealPt = encoder.encode(BigUint64Array.from(values, BigInt)) as ReturnType<typeof seal.PlainText>;
    const sealCt = seal.Encryptor(sealContext, sealPk).encrypt(sealPt) as ReturnType<typeof seal.CipherText>;
    const skBytes = sealSk.saveArray(none);
    const pkBytes = sealPk.saveArray(none);
    const ctBytes = sealCt.saveArray(none);
    const ptBytes = sealPt.saveArray(none);

    const sk = bfv.deserializeSecretKey(ctx, skBytes);
    const ct = bfv.deserializeCiphertext(ctx, ctBytes);
    expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, ct)))).toEqual(values);
    expect(sameBytes(bfv.serializeSecretKey(ctx, sk), skBytes)).toBe('equal');
    expect(sameBytes(bfv.serializeCiphertext(ctx, ct), ctBytes)).toBe('equal');
    expect(sameBytes(bfv.serializePublicKey(ctx, bfv.deserializePublicKey(ctx, pkBytes)), pkBytes)).toBe('equal');
    const pt = bfv.deserializePlaintext(ctx, ptBytes);
    expect(sameBytes(bfv.serializePlaintext(ctx, pt), ptBytes)).toBe('equal');
    expect(sameBytes(bfv.serializePlaintext(ctx, bfv.batchEncode(ctx, values)), ptBytes)).toBe('equal');
    expect(secretKeyCoefficients(ctx, sk).every((v) => v >= -1 && v <= 1)).toBe(true);

    const decryptor = seal.Decryptor(sealContext, sealSk);
    expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(decryptor.invariantNoiseBudget(sealCt));

    // A SEAL public key encrypts in delphi-ts to something SEAL decrypts.
    const pk = bfv.deserializePublicKey(ctx, pkBytes);
    const mine = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, values), fromTextSeed('enc with SEAL pk'));
    const loaded = seal.CipherText();
    loaded.loadArray(sealContext, bfv.serializeCiphertext(ctx, mine));
    const back = decryptor.decrypt(loaded) as ReturnType<typeof seal.PlainText>;
    expect(Array.from(encoder.decodeBigInt(back, false), Number)).toEqual(values);
  });

  it('produces keys and ciphertexts that SEAL loads, decrypts and multiplies', () => {
    const { seal, sealContext, ctx } = pair;
    const rng = fromTextSeed(`delphi->seal ${c.name}`);
    const sk = bfv.generateSecretKey(ctx, rng);
    const pk = bfv.generatePublicKey(ctx, sk, rng);
    const a = randomSlots(`a ${c.name}`, c.n, c.t);
    const b = randomSlots(`b ${c.name}`, c.n, c.t);
    const ct = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, a), rng);
    const ctSym = bfv.bfvEncryptSymmetric(ctx, sk, bfv.batchEncode(ctx, b), rng);

    const sealSk = seal.SecretKey();
    sealSk.loadArray(sealContext, bfv.serializeSecretKey(ctx, sk));
    const sealPk = seal.PublicKey();
    sealPk.loadArray(sealContext, bfv.serializePublicKey(ctx, pk));
    const decryptor = seal.Decryptor(sealContext, sealSk);
    const encoder = seal.BatchEncoder(sealContext);
    const decode = (x: ReturnType<typeof seal.CipherText>): number[] =>
      Array.from(encoder.decodeBigInt(decryptor.decrypt(x) as ReturnType<typeof seal.PlainText>, false), Number);

    const sealCt = seal.CipherText();
    sealCt.loadArray(sealContext, bfv.serializeCiphertext(ctx, ct));
    expect(decode(sealCt)).toEqual(a);
    expect(decryptor.invariantNoiseBudget(sealCt)).toBe(bfv.invariantNoiseBudget(ctx, sk, ct));
    const sealCtSym = seal.CipherText();
    sealCtSym.loadArray(sealContext, bfv.serializeCiphertext(ctx, ctSym));
    expect(decode(sealCtSym)).toEqual(b);

    // SEAL's multiplyPlain on our ciphertext.
    const evaluator = seal.Evaluator(sealContext);
    const sealB = encoder.encode(BigUint64Array.from(b, BigInt)) as ReturnType<typeof seal.PlainText>;
    const prod = evaluator.multiplyPlain(sealCt, sealB) as ReturnType<typeof seal.CipherText>;
    expect(decode(prod)).toEqual(mulSlots(a, b, c.t));

    // SEAL encrypts with our public key; we decrypt.
    const sealEnc = seal.Encryptor(sealContext, sealPk).encrypt(sealB) as ReturnType<typeof seal.CipherText>;
    const fromSeal = bfv.deserializeCiphertext(ctx, sealEnc.saveArray(seal.ComprModeType.none));
    expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, fromSeal)))).toEqual(b);
  });

  it('gives byte-identical results to SEAL for multiplyPlain, rotateRows (direct and NAF-split), rotateColumns and relinearize', () => {
    const { seal, sealContext, ctx } = pair;
    const none = seal.ComprModeType.none;
    const keygen = seal.KeyGenerator(sealContext);
    const sealPk = keygen.createPublicKey();
    const sealGk = keygen.createGaloisKeys(Int32Array.from([1, -3, 0, 4]));
    const sealRk = keygen.createRelinKeys();
    const encoder = seal.BatchEncoder(sealContext);
    const encryptor = seal.Encryptor(sealContext, sealPk);
    const evaluator = seal.Evaluator(sealContext);
    const a = randomSlots(`exact a ${c.name}`, c.n, c.t);
    const b = randomSlots(`exact b ${c.name}`, c.n, c.t);
    const ptA = encoder.encode(BigUint64Array.from(a, BigInt)) as ReturnType<typeof seal.PlainText>;
    const ptB = encoder.encode(BigUint64Array.from(b, BigInt)) as ReturnType<typeof seal.PlainText>;
    const ctA = encryptor.encrypt(ptA) as ReturnType<typeof seal.CipherText>;
    const ctB = encryptor.encrypt(ptB) as ReturnType<typeof seal.CipherText>;
    const mineA = bfv.deserializeCiphertext(ctx, ctA.saveArray(none));
    const mineB = bfv.deserializeCiphertext(ctx, ctB.saveArray(none));
    const mineGk = bfv.deserializeGaloisKeys(ctx, sealGk.saveArray(none));
    const mineRk = bfv.deserializeRelinKeys(ctx, sealRk.saveArray(none));
    expect([...mineGk.keys.keys()].sort((x, y) => x - y)).toEqual(
      [bfv.galoisEltFromStep(c.n, 1), bfv.galoisEltFromStep(c.n, -3), 2 * c.n - 1, bfv.galoisEltFromStep(c.n, 4)].sort((x, y) => x - y),
    );
    expect(sameBytes(bfv.serializeGaloisKeys(ctx, mineGk), sealGk.saveArray(none))).toBe('equal');
    expect(sameBytes(bfv.serializeRelinKeys(ctx, mineRk), sealRk.saveArray(none))).toBe('equal');

    const same = (sealCt: unknown, mine: bfv.Ciphertext): void => {
      const bytes = (sealCt as ReturnType<typeof seal.CipherText>).saveArray(none);
      expect(sameBytes(bfv.serializeCiphertext(ctx, mine), bytes)).toBe('equal');
    };
    const ptBmine = bfv.deserializePlaintext(ctx, ptB.saveArray(none));
    same(evaluator.multiplyPlain(ctA, ptB), bfv.bfvMultiplyPlain(ctx, mineA, preparePlaintext(ctx, ptBmine)));
    same(evaluator.rotateRows(ctA, 1, sealGk), bfv.bfvRotateRows(ctx, mineA, 1, mineGk));
    same(evaluator.rotateRows(ctA, -3, sealGk), bfv.bfvRotateRows(ctx, mineA, -3, mineGk));
    // No key for 5: both split it as naf(5) = 1 + 4.
    same(evaluator.rotateRows(ctA, 5, sealGk), bfv.bfvRotateRows(ctx, mineA, 5, mineGk));
    same(evaluator.rotateColumns(ctA, sealGk), bfv.bfvRotateColumns(ctx, mineA, mineGk));
    same(evaluator.add(ctA, ctB), bfv.bfvAdd(ctx, mineA, mineB));
    same(evaluator.sub(ctA, ctB), bfv.bfvSub(ctx, mineA, mineB));
    same(evaluator.addPlain(ctA, ptB), bfv.bfvAddPlain(ctx, mineA, ptBmine));
    const sealProd = evaluator.multiply(ctA, ctB) as ReturnType<typeof seal.CipherText>;
    const mineProd = bfv.deserializeCiphertext(ctx, sealProd.saveArray(none));
    expect(mineProd.polys.length).toBe(3);
    same(evaluator.relinearize(sealProd, sealRk), bfv.bfvRelinearize(ctx, mineProd, mineRk));
  });

  it('expands SEAL\'s seeded objects (from the *Serializable APIs) exactly as SEAL does, and reads compressed ones', () => {
    const { seal, sealContext, ctx } = pair;
    const none = seal.ComprModeType.none;
    const keygen = seal.KeyGenerator(sealContext);
    const sealSk = keygen.secretKey();
    const sk = bfv.deserializeSecretKey(ctx, sealSk.saveArray(none));
    // SEAL itself loads the seeded bytes, expands the seed, and saves the full object.
    const full = <T extends { loadArray(c: typeof sealContext, b: Uint8Array): void; saveArray(m: typeof none): Uint8Array }>(
      make: () => T,
      seeded: Uint8Array,
    ): Uint8Array => {
      const obj = make();
      obj.loadArray(sealContext, seeded);
      return obj.saveArray(none);
    };
    const pkSeeded = keygen.createPublicKeySerializable().saveArray(none);
    const pk = bfv.deserializePublicKey(ctx, pkSeeded);
    expect(sameBytes(bfv.serializePublicKey(ctx, pk), full(() => seal.PublicKey(), pkSeeded))).toBe('equal');
    const rkSeeded = keygen.createRelinKeysSerializable().saveArray(none);
    expect(sameBytes(bfv.serializeRelinKeys(ctx, bfv.deserializeRelinKeys(ctx, rkSeeded)), full(() => seal.RelinKeys(), rkSeeded))).toBe(
      'equal',
    );
    const gkSeeded = keygen.createGaloisKeysSerializable(Int32Array.from([1])).saveArray(none);
    expect(sameBytes(bfv.serializeGaloisKeys(ctx, bfv.deserializeGaloisKeys(ctx, gkSeeded)), full(() => seal.GaloisKeys(), gkSeeded))).toBe(
      'equal',
    );
    const values = randomSlots(`seeded ${c.name}`, c.n, c.t);
    const encoder = seal.BatchEncoder(sealContext);
    const pt = encoder.encode(BigUint64Array.from(values, BigInt)) as ReturnType<typeof seal.PlainText>;
    const ctSeeded = seal.Encryptor(sealContext, keygen.createPublicKey(), sealSk).encryptSymmetricSerializable(pt).saveArray(none);
    const ct = bfv.deserializeCiphertext(ctx, ctSeeded);
    expect(ctSeeded.length).toBeLessThan(bfv.serializeCiphertext(ctx, ct).length * 0.6);
    expect(sameBytes(bfv.serializeCiphertext(ctx, ct), full(() => seal.CipherText(), ctSeeded))).toBe('equal');
    expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, ct)))).toEqual(values);
    // A seed of an unknown PRNG type is refused.
    const badType = pkSeeded.slice();
    badType[badType.length - 65] = 7;
    expect(() => bfv.deserializePublicKey(ctx, badType)).toThrow(/unknown PRNG type 7/);

    for (const mode of [seal.ComprModeType.zstd, seal.ComprModeType.zlib]) {
      const compressed = sealSk.saveArray(mode);
      expect(sameBytes(bfv.serializeSecretKey(ctx, bfv.deserializeSecretKey(ctx, compressed)), sealSk.saveArray(none))).toBe('equal');
      // A limit below the object's size is refused before the output is built.
      expect(() => bfv.deserializeSecretKey(ctx, compressed, { maxBytes: 1000 })).toThrow(MalformedInputError);
    }
  });
});
