/**
 * Seeded and compressed SEAL objects both ways with SEAL 4.1 (node-seal 6.0.3), at Delphi's
 * parameters (n = 8192, seven 30-bit primes, t = p): SEAL's seeded and zlib/zstd-compressed
 * ciphertext, public key and Galois keys load here and decrypt or rotate correctly; the seeded and
 * zlib-compressed objects delphi-ts writes load in SEAL and work there; and malformed, truncated,
 * wrong-seed and decompression-bomb inputs are MalformedInputErrors.
 */
import { zlibSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { makePair, sameBytes, type Pair } from './seal.js';
import { SEAL_PRNG_SHAKE256 } from '../../src/bfv/seal-prng.js';

const P = 2061584302081;
const N = 8192;

function randomSlots(seed: string): number[] {
  const rng = fromTextSeed(seed);
  return Array.from({ length: N }, () => uniformBelow(rng, P));
}

/** Left rotation of both rows of the 2 × n/2 slot matrix by `steps`. */
function rotateSlots(v: readonly number[], steps: number): number[] {
  const R = N / 2;
  return v.map((_, i) => {
    const row = Math.floor(i / R);
    return v[row * R + ((i % R) + steps) % R];
  });
}

describe('seeded and compressed SEAL objects with SEAL 4.1 at Delphi parameters', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await makePair(N, { kind: 'create', bitSizes: [30, 30, 30, 30, 30, 30, 30] }, P);
  });

  it('SEAL -> delphi-ts: seeded and compressed (zlib, zstd) ciphertext, public key and Galois keys', () => {
    const { seal, sealContext, ctx } = pair;
    const none = seal.ComprModeType.none;
    const keygen = seal.KeyGenerator(sealContext);
    const sealSk = keygen.secretKey();
    const sk = bfv.deserializeSecretKey(ctx, sealSk.saveArray(none));
    const encoder = seal.BatchEncoder(sealContext);
    const values = randomSlots('seal seeded');
    const pt = encoder.encode(BigUint64Array.from(values, BigInt)) as ReturnType<typeof seal.PlainText>;
    const encryptor = seal.Encryptor(sealContext, keygen.createPublicKey(), sealSk);
    const gkSer = keygen.createGaloisKeysSerializable(Int32Array.from([3]));
    const pkSer = keygen.createPublicKeySerializable();
    for (const mode of [none, seal.ComprModeType.zlib, seal.ComprModeType.zstd]) {
      const ctBytes = encryptor.encryptSymmetricSerializable(pt).saveArray(mode);
      const ct = bfv.deserializeCiphertext(ctx, ctBytes);
      expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, ct)))).toEqual(values);
      // The Galois key for step 3 rotates here as SEAL's own rotation does.
      const gk = bfv.deserializeGaloisKeys(ctx, gkSer.saveArray(mode));
      expect([...gk.keys.keys()]).toEqual([bfv.galoisEltFromStep(N, 3)]);
      const rotated = bfv.bfvRotateRows(ctx, ct, 3, gk);
      expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, rotated)))).toEqual(rotateSlots(values, 3));
      // The public key encrypts here to something SEAL decrypts.
      const pk = bfv.deserializePublicKey(ctx, pkSer.saveArray(mode));
      const mine = bfv.bfvEncrypt(ctx, pk, bfv.batchEncode(ctx, values), fromTextSeed('with SEAL pk'));
      const loaded = seal.CipherText();
      loaded.loadArray(sealContext, bfv.serializeCiphertext(ctx, mine));
      const back = seal.Decryptor(sealContext, sealSk).decrypt(loaded) as ReturnType<typeof seal.PlainText>;
      expect(Array.from(encoder.decodeBigInt(back, false), Number)).toEqual(values);
    }
  });

  it('delphi-ts -> SEAL: seeded (and zlib-compressed) ciphertext, public key and Galois keys load and work in SEAL', () => {
    const { seal, sealContext, ctx } = pair;
    const none = seal.ComprModeType.none;
    const rng = fromTextSeed('delphi seeded');
    const sk = bfv.generateSecretKey(ctx, rng);
    const pk = bfv.generatePublicKey(ctx, sk, rng, { seeded: true });
    const gk = bfv.generateGaloisKeys(ctx, sk, rng, { steps: [5], seeded: true });
    const values = randomSlots('delphi seeded values');
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, bfv.batchEncode(ctx, values), rng, { seeded: true });
    expect(ct.seed?.type).toBe(SEAL_PRNG_SHAKE256);

    const sealSk = seal.SecretKey();
    sealSk.loadArray(sealContext, bfv.serializeSecretKey(ctx, sk));
    const decryptor = seal.Decryptor(sealContext, sealSk);
    const encoder = seal.BatchEncoder(sealContext);
    const evaluator = seal.Evaluator(sealContext);
    const decode = (x: ReturnType<typeof seal.CipherText>): number[] =>
      Array.from(encoder.decodeBigInt(decryptor.decrypt(x) as ReturnType<typeof seal.PlainText>, false), Number);

    for (const compression of ['none', 'zlib'] as const) {
      const ctBytes = bfv.serializeCiphertext(ctx, ct, { seeded: true, compression });
      const pkBytes = bfv.serializePublicKey(ctx, pk, { seeded: true, compression });
      const gkBytes = bfv.serializeGaloisKeys(ctx, gk, { seeded: true, compression });
      // Seeded: about half the full size; compressed: smaller still.
      expect(ctBytes.length).toBeLessThan(bfv.serializeCiphertext(ctx, ct).length * 0.55);
      expect(gkBytes.length).toBeLessThan(bfv.serializeGaloisKeys(ctx, gk).length * 0.55);

      const sealCt = seal.CipherText();
      sealCt.loadArray(sealContext, ctBytes);
      expect(decode(sealCt)).toEqual(values);
      // SEAL re-saves the expanded object exactly as delphi-ts writes it in full.
      expect(sameBytes(sealCt.saveArray(none), bfv.serializeCiphertext(ctx, ct))).toBe('equal');

      const sealGk = seal.GaloisKeys();
      sealGk.loadArray(sealContext, gkBytes);
      const rotated = evaluator.rotateRows(sealCt, 5, sealGk) as ReturnType<typeof seal.CipherText>;
      expect(decode(rotated)).toEqual(rotateSlots(values, 5));

      const sealPk = seal.PublicKey();
      sealPk.loadArray(sealContext, pkBytes);
      const encrypted = seal.Encryptor(sealContext, sealPk).encrypt(encoder.encode(BigUint64Array.from(values, BigInt)) as ReturnType<typeof seal.PlainText>) as ReturnType<typeof seal.CipherText>;
      expect(decode(encrypted)).toEqual(values);
      // And the bytes read back here to the same objects.
      expect(sameBytes(bfv.serializeCiphertext(ctx, bfv.deserializeCiphertext(ctx, ctBytes)), bfv.serializeCiphertext(ctx, ct))).toBe('equal');
    }
  });

  it('malformed, truncated, wrong-seed and decompression-bomb inputs are MalformedInputErrors', () => {
    const { ctx } = pair;
    const rng = fromTextSeed('delphi malformed');
    const sk = bfv.generateSecretKey(ctx, rng);
    const values = randomSlots('malformed values');
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, bfv.batchEncode(ctx, values), rng, { seeded: true });
    const seeded = bfv.serializeCiphertext(ctx, ct, { seeded: true });
    const zlib = bfv.serializeCiphertext(ctx, ct, { seeded: true, compression: 'zlib' });
    // A wrong seed still parses (any seed is valid) but expands to another c_1: decryption is garbage.
    const wrongSeed = seeded.slice();
    wrongSeed[wrongSeed.length - 1] ^= 1;
    const other = bfv.deserializeCiphertext(ctx, wrongSeed);
    expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, other)))).not.toEqual(values);
    // A wrong PRNG type, a truncated seed, truncated or corrupt compressed data.
    const badType = seeded.slice();
    badType[seeded.length - 65] = 9;
    expect(() => bfv.deserializeCiphertext(ctx, badType)).toThrow(MalformedInputError);
    expect(() => bfv.deserializeCiphertext(ctx, seeded.subarray(0, seeded.length - 10))).toThrow(MalformedInputError);
    const truncated = zlib.slice(0, zlib.length - 100);
    new DataView(truncated.buffer).setUint32(8, truncated.length, true);
    expect(() => bfv.deserializeCiphertext(ctx, truncated)).toThrow(/truncated|corrupt/);
    const corrupt = zlib.slice();
    corrupt[40] ^= 0xff;
    corrupt[41] ^= 0xff;
    expect(() => bfv.deserializeCiphertext(ctx, corrupt)).toThrow(MalformedInputError);
    // A bomb: 64 MiB of zeros deflate to about 64 KB; the reader stops at the ciphertext limit.
    const body = zlibSync(new Uint8Array(64 * 2 ** 20), { level: 9 });
    const bomb = new Uint8Array(16 + body.length);
    bomb.set(seeded.subarray(0, 16));
    bomb[5] = 1;
    new DataView(bomb.buffer).setUint32(8, bomb.length, true);
    bomb.set(body, 16);
    expect(() => bfv.deserializeCiphertext(ctx, bomb)).toThrow(/decompresses to more than/);
    expect(() => bfv.deserializeGaloisKeys(ctx, bomb, { maxBytes: 2 ** 20 })).toThrow(/decompresses to more than/);
    // A zstd frame declaring a huge content size is refused from its header.
    const zstd = new Uint8Array(16 + 14);
    zstd.set(seeded.subarray(0, 16));
    zstd[5] = 2;
    new DataView(zstd.buffer).setUint32(8, zstd.length, true);
    zstd.set([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 0, 0, 1, 0], 16); // FCS 8 bytes, single segment, 2^56 bytes
    expect(() => bfv.deserializeCiphertext(ctx, zstd)).toThrow(/zstd frame declares/);
  });
});
