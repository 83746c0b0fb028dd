/**
 * The SEAL 4.1 readers and writers (Spec: §4.10) at each field's bounds, on small insecure
 * parameters (n = 32, primes of 30 bits): every refusal with its exact message, built by editing a
 * valid object at the offsets of the documented layout (header 0–15, parms_id 16–47, is_ntt 48,
 * size 49, n 57, k 65, scale 73, correction 81, DynArray 89: header, count at 105, values from 113),
 * residues checked against the prime of their own RNS row, the seeded form, key-switching key lists,
 * plaintexts and secret keys, objects at an offset, and peekCiphertextLevel.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import * as bfvIndex from '../../src/bfv/index.js';
import * as bfv_evaluator from '../../src/bfv/evaluator.js';
import * as bfv_seal_compression from '../../src/bfv/seal-compression.js';
import * as bfv_serialize from '../../src/bfv/serialize.js';
/** The scheme's public names and the module functions these tests reach into. */
const bfv = { ...bfvIndex, ...bfv_evaluator, ...bfv_seal_compression, ...bfv_serialize };
import { InvalidArgumentError, MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const n = 32;
const make = (bits: number[], t = 193) =>
  bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, bits), plainModulus: t, insecure: true }));
const ctx = make([30, 30, 30]);
const rng = fromTextSeed('serialize mutation');
const sk = bfv.generateSecretKey(ctx, rng);
const pk = bfv.generatePublicKey(ctx, sk, rng);
const plain = { coeffs: Float64Array.from({ length: n }, () => uniformBelow(rng, ctx.t)) };
const ct = bfv.bfvEncrypt(ctx, pk, plain, rng);
// Objects are written inside the tests (beforeEach), not at module load, so Stryker attributes the writers' code to the tests.
let ctBytes: Uint8Array;
beforeEach(() => {
  ctBytes = bfv.serializeCiphertext(ctx, ct);
});
const k = ct.coeffModulusSize; // 2
const polyLen = k * n;

const u64 = (b: Uint8Array, off: number, v: number | bigint): Uint8Array => {
  const out = b.slice();
  new DataView(out.buffer).setBigUint64(off, BigInt(v), true);
  return out;
};
const byte = (b: Uint8Array, off: number, v: number): Uint8Array => {
  const out = b.slice();
  out[off] = v;
  return out;
};
const malformed = (f: () => unknown, message: string) => expect(f).toThrow(new MalformedInputError(message));
const parse = (b: Uint8Array) => bfv.deserializeCiphertext(ctx, b);

describe('readSealHeader', () => {
  it('each field with its message', () => {
    malformed(() => bfv.readSealHeader([1, 2] as never), 'SEAL object: expected a Uint8Array');
    malformed(() => bfv.readSealHeader(new Uint8Array(1)), 'SEAL object: truncated while reading header magic (needs 2 bytes at offset 0, 1 available)');
    malformed(() => bfv.readSealHeader(byte(byte(ctBytes, 0, 1), 1, 0)), 'SEAL object: not a SEAL object (magic 0x0001, expected 0xa15e)');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 2, 17), 0, 'x'), 'x: header size 17, expected 16');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 3, 5)), 'SEAL object: SEAL format version 5.1 is not supported (need 4.1)');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 4, 2)), 'SEAL object: SEAL format version 4.2 is not supported (need 4.1)');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 5, 1)), 'SEAL object: zlib-compressed SEAL data where only uncompressed data may occur');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 5, 2)), 'SEAL object: zstd-compressed SEAL data where only uncompressed data may occur');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 5, 3)), 'SEAL object: unknown compression mode 3');
    malformed(() => bfv.readSealHeader(byte(ctBytes, 7, 1)), 'SEAL object: reserved header field is 256, expected 0');
    malformed(() => bfv.readSealHeader(ctBytes.subarray(0, 15)), 'SEAL object: truncated while reading object size (needs 8 bytes at offset 8, 15 available)');
  });
  it('object size: from 16 up to the available bytes, below 2^53', () => {
    expect(bfv.readSealHeader(ctBytes)).toEqual({ versionMajor: 4, versionMinor: 1, comprMode: 0, size: ctBytes.length });
    malformed(() => bfv.readSealHeader(u64(ctBytes, 8, 15)), `SEAL object: header announces 15 bytes but ${ctBytes.length} are available`);
    expect(bfv.readSealHeader(u64(ctBytes, 8, 16)).size).toBe(16);
    malformed(() => bfv.readSealHeader(u64(ctBytes, 8, ctBytes.length + 1)), `SEAL object: header announces ${ctBytes.length + 1} bytes but ${ctBytes.length} are available`);
    malformed(() => bfv.readSealHeader(u64(ctBytes, 8, 2n ** 53n)), 'SEAL object: object size = 9007199254740992 is out of range');
    malformed(() => bfv.readSealHeader(u64(ctBytes, 8, 2n ** 53n - 1n)), `SEAL object: header announces 9007199254740991 bytes but ${ctBytes.length} are available`);
  });
  it('at an offset: the size counts from there', () => {
    const padded = new Uint8Array(ctBytes.length + 5);
    padded.set(ctBytes, 5);
    expect(bfv.readSealHeader(padded, 5).size).toBe(ctBytes.length);
    malformed(() => bfv.readSealHeader(padded.subarray(0, padded.length - 1), 5), `SEAL object: header announces ${ctBytes.length} bytes but ${ctBytes.length - 1} are available`);
  });
});

describe('ciphertext', () => {
  it('layout: header, metadata, one DynArray of size·k·n values', () => {
    const v = new DataView(ctBytes.buffer);
    expect(ctBytes.length).toBe(113 + 8 * 2 * polyLen);
    expect([v.getUint16(0, true), ctBytes[2], ctBytes[3], ctBytes[4], ctBytes[5], v.getUint16(6, true)]).toEqual([0xa15e, 16, 4, 1, 0, 0]);
    expect(Number(v.getBigUint64(8, true))).toBe(ctBytes.length);
    expect(ctBytes.subarray(16, 48)).toEqual(ctx.level(k).parmsId);
    expect([ctBytes[48], v.getBigUint64(49, true), v.getBigUint64(57, true), v.getBigUint64(65, true), v.getFloat64(73, true), v.getBigUint64(81, true)]).toEqual([0, 2n, 32n, 2n, 1, 1n]);
    expect([Number(v.getBigUint64(97, true)), Number(v.getBigUint64(105, true))]).toEqual([16 + 8 + 8 * 2 * polyLen, 2 * polyLen]);
    for (const [i, j] of [[0, 0], [0, polyLen - 1], [1, 0], [1, n + 3]]) {
      expect(Number(v.getBigUint64(113 + 8 * (i * polyLen + j), true))).toBe(ct.polys[i][j]);
    }
    expect(parse(ctBytes)).toEqual({ coeffModulusSize: k, polys: ct.polys, isNttForm: false });
    const ntt = bfv.ciphertextToNtt(ctx, ct);
    const nb = bfv.serializeCiphertext(ctx, ntt);
    expect(nb[48]).toBe(1);
    expect(parse(nb).isNttForm).toBe(true);
  });
  it('metadata checks with their messages', () => {
    malformed(() => parse(byte(ctBytes, 47, ctBytes[47] ^ 1)), 'ciphertext: parms_id does not match any level of these encryption parameters');
    malformed(() => parse(bfv.serializePublicKey(ctx, pk)), 'ciphertext: ciphertext is at the key level, which holds no data');
    malformed(() => parse(byte(ctBytes, 48, 2)), 'ciphertext: is_ntt_form byte is 2, expected 0 or 1');
    malformed(() => parse(u64(ctBytes, 57, 64)), 'ciphertext: poly_modulus_degree 64 does not match n = 32');
    malformed(() => parse(u64(ctBytes, 65, 3)), 'ciphertext: coeff_modulus_size 3 does not match its parms_id (2 primes)');
    malformed(() => parse(u64(ctBytes, 49, 1)), 'ciphertext: ciphertext size 1 is not in [2, 16]');
    malformed(() => parse(u64(ctBytes, 49, 17)), 'ciphertext: ciphertext size 17 is not in [2, 16]');
    malformed(() => parse(u64(ctBytes, 49, 0)), 'ciphertext: ciphertext size 0 is not in [2, 16]');
    const scale = ctBytes.slice();
    new DataView(scale.buffer).setFloat64(73, 2, true);
    malformed(() => parse(scale), 'ciphertext: scale 2 is not 1.0 (not a BFV ciphertext)');
    malformed(() => parse(u64(ctBytes, 81, 0)), 'ciphertext: correction factor 0 is not 1 (not a BFV ciphertext)');
    malformed(() => parse(u64(ctBytes, 49, 3)), `ciphertext: coefficient array holds ${2 * polyLen} values, expected ${3 * polyLen}`);
    malformed(() => parse(u64(ctBytes, 57, 2n ** 53n)), 'ciphertext: poly_modulus_degree = 9007199254740992 is out of range');
  });
  it('the coefficient array: header size, count, and a truncated body', () => {
    malformed(() => parse(u64(ctBytes, 97, 16 + 8 + 8 * 2 * polyLen - 8)), `ciphertext: coefficient array header size ${16 + 8 + 8 * 2 * polyLen - 8} does not match its ${2 * polyLen} values`);
    const short = u64(u64(ctBytes.subarray(0, ctBytes.length - 8), 8, ctBytes.length - 8), 97, 16 + 8 + 8 * 2 * polyLen - 8);
    malformed(() => parse(short), `ciphertext: coefficient array header size ${16 + 8 + 8 * 2 * polyLen - 8} does not match its ${2 * polyLen} values`);
    malformed(() => parse(byte(ctBytes, 89, 0)), 'ciphertext (coefficient array): not a SEAL object (magic 0xa100, expected 0xa15e)');
  });
  it('each residue below the prime of its own row, in both polynomials', () => {
    const [q0, q1] = ctx.primes;
    const at = (index: number, v: number) => u64(ctBytes, 113 + 8 * index, v);
    for (const [index, q] of [[0, q0], [n - 1, q0], [n, q1], [polyLen - 1, q1], [polyLen, q0], [polyLen + n, q1]] as const) {
      malformed(() => parse(at(index, q)), `ciphertext: value ${q} at index ${index} is not below its modulus ${q}`);
      expect(parse(at(index, q - 1)).polys[Math.floor(index / polyLen)][index % polyLen]).toBe(q - 1);
    }
    malformed(() => parse(at(0, 2 ** 53)), `ciphertext: value ${2n ** 53n} at index 0 is not below its modulus ${q0}`);
  });
  it('body and trailing bytes against the header', () => {
    malformed(() => parse(Uint8Array.from([...ctBytes, 0])), 'ciphertext: 1 unexpected bytes after the object');
    malformed(() => parse(u64(Uint8Array.from([...ctBytes, 0]), 8, ctBytes.length + 1)), `ciphertext: object body ends at byte ${ctBytes.length} but its header says ${ctBytes.length + 1}`);
    malformed(() => parse(u64(ctBytes, 8, ctBytes.length - 1)), `ciphertext: object body ends at byte ${ctBytes.length} but its header says ${ctBytes.length - 1}`);
  });
  it('sizes up to 16 polynomials', () => {
    const polys = Array.from({ length: 16 }, (_, i) => ct.polys[i % 2]);
    const big = { coeffModulusSize: k, polys, isNttForm: false };
    expect(parse(bfv.serializeCiphertext(ctx, big))).toEqual(big);
  });
  it('compressed objects: zlib written on request, and maxBytes honoured', () => {
    const z = bfv.serializeCiphertext(ctx, ct, { compression: 'zlib' });
    expect(z[5]).toBe(1);
    expect(parse(z)).toEqual(parse(ctBytes));
    expect(() => bfv.deserializeCiphertext(ctx, z, { maxBytes: ctBytes.length - 1 })).toThrow(MalformedInputError);
    expect(bfv.deserializeCiphertext(ctx, z, { maxBytes: ctBytes.length })).toEqual(parse(ctBytes));
  });
  it('errors of the decompressor are MalformedInputError naming the object', () => {
    const z = bfv.serializeCiphertext(ctx, ct, { compression: 'zlib' });
    const broken = z.slice();
    broken[20] ^= 0xff;
    broken[21] ^= 0xff;
    const err = thrownBy(() => parse(broken));
    expect(err).toBeInstanceOf(MalformedInputError);
    expect((err as Error).message).toMatch(/^ciphertext: /);
  });
});

describe('seeded ciphertexts', () => {
  const seededCt = bfv.bfvEncryptSymmetric(ctx, sk, plain, fromTextSeed('seeded'), { seeded: true });
  let sb: Uint8Array;
  beforeEach(() => {
    sb = bfv.serializeCiphertext(ctx, seededCt, { seeded: true });
  });
  const info = 113 + 8 * polyLen; // after c_0: the PRNG info object
  it('layout: c_0 only, then header, type, 64 seed bytes; c_1 re-derived', () => {
    expect(sb.length).toBe(info + 16 + 1 + 64);
    expect(Number(new DataView(sb.buffer).getBigUint64(105, true))).toBe(polyLen);
    expect(Number(new DataView(sb.buffer).getBigUint64(info + 8, true))).toBe(81);
    expect(sb[info + 16]).toBe(seededCt.seed!.type);
    expect(sb.subarray(info + 17)).toEqual(seededCt.seed!.bytes);
    const back = parse(sb);
    expect(back.polys).toEqual(seededCt.polys);
    expect(back.isNttForm).toBe(seededCt.isNttForm);
    // Without the option, or without a seed, the full form.
    expect(bfv.serializeCiphertext(ctx, seededCt)).toEqual(bfv.serializeCiphertext(ctx, { ...seededCt, seed: undefined }, { seeded: true }));
    expect(bfv.serializeCiphertext(ctx, seededCt).length).toBe(ctBytes.length);
  });
  it('refusals with their messages', () => {
    malformed(() => parse(u64(sb, info + 8, 82)), `ciphertext (PRNG seed): header announces 82 bytes but 81 are available`);
    const longer = u64(Uint8Array.from([...sb, 0]), info + 8, 82);
    malformed(() => parse(u64(longer, 8, longer.length)), 'ciphertext: PRNG seed object has 82 bytes, expected 81');
    malformed(() => parse(byte(sb, info + 16, 3)), 'ciphertext: unknown PRNG type 3 in a seeded object');
    malformed(() => parse(byte(sb, info + 16, 0)), 'ciphertext: unknown PRNG type 0 in a seeded object');
    for (const type of [1, 2]) expect(() => parse(byte(sb, info + 16, type))).not.toThrow();
    malformed(() => parse(byte(sb, info, 0)), 'ciphertext (PRNG seed): not a SEAL object (magic 0xa100, expected 0xa15e)');
    malformed(() => parse(sb.subarray(0, sb.length - 1)), `ciphertext: header announces ${sb.length} bytes but ${sb.length - 1} are available`);
  });
});

describe('plaintext', () => {
  let pb: Uint8Array;
  beforeEach(() => {
    pb = bfv.serializePlaintext(ctx, plain);
  });
  const pp = (b: Uint8Array) => bfv.deserializePlaintext(ctx, b);
  it('layout and round trip, fewer than n coefficients allowed', () => {
    const v = new DataView(pb.buffer);
    expect(pb.length).toBe(16 + 32 + 8 + 8 + 16 + 8 + 8 * n);
    expect(pb.subarray(16, 48)).toEqual(new Uint8Array(32));
    expect([Number(v.getBigUint64(48, true)), v.getFloat64(56, true), Number(v.getBigUint64(80, true))]).toEqual([n, 1, n]);
    expect(pp(pb)).toEqual(plain);
    const short = { coeffs: Float64Array.of(5, 0, 192) };
    expect(pp(bfv.serializePlaintext(ctx, short))).toEqual(short);
  });
  it('refusals with their messages', () => {
    malformed(() => pp(byte(pb, 47, 1)), 'plaintext: NTT-form plaintexts (non-zero parms_id) are not supported');
    malformed(() => pp(byte(pb, 16, 1)), 'plaintext: NTT-form plaintexts (non-zero parms_id) are not supported');
    const over = { coeffs: new Float64Array(n + 1) };
    malformed(() => pp(bfv.serializePlaintext(ctx, over)), 'plaintext: 33 coefficients exceed n = 32');
    const scale = pb.slice();
    new DataView(scale.buffer).setFloat64(56, 0.5, true);
    malformed(() => pp(scale), 'plaintext: scale 0.5 is not 1.0');
    malformed(() => pp(u64(pb, 88, 193)), 'plaintext: value 193 at index 0 is not below its modulus 193');
    expect(pp(u64(pb, 88, 192)).coeffs[0]).toBe(192);
    malformed(() => pp(Uint8Array.from([...pb, 0])), 'plaintext: 1 unexpected bytes after the object');
  });
});

describe('secret key', () => {
  let skb: Uint8Array;
  beforeEach(() => {
    skb = bfv.serializeSecretKey(ctx, sk);
  });
  const ps = (b: Uint8Array) => bfv.deserializeSecretKey(ctx, b);
  const count = ctx.primes.length * n;
  it('layout and round trip', () => {
    expect(skb.length).toBe(16 + 48 + 16 + 8 + 8 * count);
    expect(skb.subarray(16, 48)).toEqual(ctx.keyLevel.parmsId);
    expect(ps(skb)).toEqual(sk);
  });
  it('refusals with their messages, residues per row', () => {
    malformed(() => ps(byte(skb, 20, skb[20] ^ 1)), 'secret key: parms_id is not the key level of these encryption parameters');
    const first = bfv.serializeCiphertext(ctx, ct).subarray(16, 48);
    const other = skb.slice();
    other.set(first, 16);
    malformed(() => ps(other), 'secret key: parms_id is not the key level of these encryption parameters');
    malformed(() => ps(u64(skb, 48, count - 1)), `secret key: ${count - 1} coefficients, expected ${count}`);
    const scale = skb.slice();
    new DataView(scale.buffer).setFloat64(56, -1, true);
    malformed(() => ps(scale), 'secret key: scale -1 is not 1.0');
    for (const row of [0, 1, 2]) {
      const q = ctx.primes[row];
      malformed(() => ps(u64(skb, 88 + 8 * row * n, q)), `secret key: value ${q} at index ${row * n} is not below its modulus ${q}`);
      expect(ps(u64(skb, 88 + 8 * (row * n + n - 1), q - 1)).poly[row * n + n - 1]).toBe(q - 1);
    }
  });
});

describe('public key', () => {
  let pkb: Uint8Array;
  beforeEach(() => {
    pkb = bfv.serializePublicKey(ctx, pk);
  });
  it('round trip, and a non-key ciphertext refused', () => {
    expect(bfv.deserializePublicKey(ctx, pkb)).toEqual({ ciphertext: { coeffModulusSize: 3, polys: pk.ciphertext.polys, isNttForm: true } });
    malformed(() => bfv.deserializePublicKey(ctx, ctBytes), 'public key: expected a size-2 NTT-form ciphertext at the key level');
    malformed(() => bfv.deserializePublicKey(ctx, byte(pkb, 48, 0)), 'public key: expected a size-2 NTT-form ciphertext at the key level');
  });
});

describe('key-switching key lists', () => {
  const rk = bfv.generateRelinKeys(ctx, sk, fromTextSeed('rk'));
  let rkb: Uint8Array;
  beforeEach(() => {
    rkb = bfv.serializeRelinKeys(ctx, rk);
  });
  const gk = bfv.generateGaloisKeys(ctx, sk, fromTextSeed('gk'), { steps: [1] });
  let gkb: Uint8Array;
  beforeEach(() => {
    gkb = bfv.serializeGaloisKeys(ctx, gk);
  });
  const decomp = ctx.firstLevel.k; // 2 parts per key
  const pkSize = 16 + 33 + 40 + 24 + 8 * 2 * ctx.primes.length * n;
  it('layout: header, parms_id, dim1, then per slot dim2 and dim2 public keys', () => {
    const v = new DataView(rkb.buffer);
    expect(rkb.subarray(16, 48)).toEqual(ctx.keyLevel.parmsId);
    expect([Number(v.getBigUint64(48, true)), Number(v.getBigUint64(56, true))]).toEqual([1, decomp]);
    expect(rkb.length).toBe(64 + decomp * pkSize);
    expect(Number(v.getBigUint64(64 + 8, true))).toBe(pkSize);
    expect(bfv.deserializeRelinKeys(ctx, rkb)).toEqual({ keys: rk.keys.map((key) => key.map((p) => ({ ciphertext: { coeffModulusSize: 3, polys: p.ciphertext.polys, isNttForm: true } }))) });
    const gv = new DataView(gkb.buffer);
    expect(Number(gv.getBigUint64(48, true))).toBe(n);
    const back = bfv.deserializeGaloisKeys(ctx, gkb);
    expect([...back.keys.keys()]).toEqual([...gk.keys.keys()]);
    for (const [g, key] of gk.keys) expect(back.keys.get(g)!.map((p) => p.ciphertext.polys)).toEqual(key.map((p) => p.ciphertext.polys));
  });
  it('refusals with their messages', () => {
    malformed(() => bfv.deserializeRelinKeys(ctx, byte(rkb, 30, rkb[30] ^ 1)), 'relinearization keys: parms_id is not the key level of these encryption parameters');
    malformed(() => bfv.deserializeRelinKeys(ctx, u64(rkb, 48, 17)), 'relinearization keys: 17 key slots, at most 16 allowed');
    malformed(() => bfv.deserializeGaloisKeys(ctx, u64(gkb, 48, n + 1)), `Galois keys: ${n + 1} key slots, at most ${n} allowed`);
    malformed(() => bfv.deserializeRelinKeys(ctx, u64(rkb, 56, 1)), `relinearization keys: key 0 has 1 parts, expected ${decomp}`);
    malformed(() => bfv.deserializeRelinKeys(ctx, u64(rkb, 56, 3)), `relinearization keys: key 0 has 3 parts, expected ${decomp}`);
    malformed(() => bfv.deserializeRelinKeys(ctx, u64(rkb, 48, 0).subarray(0, 56)), 'relinearization keys: header announces ' + rkb.length + ' bytes but 56 are available');
    const empty = u64(u64(rkb.subarray(0, 64), 8, 64), 56, 0);
    malformed(() => bfv.deserializeRelinKeys(ctx, empty), 'relinearization keys: empty key slot');
    const none = u64(u64(rkb.subarray(0, 56), 8, 56), 48, 0);
    malformed(() => bfv.deserializeRelinKeys(ctx, none), 'relinearization keys: empty key slot');
    expect(bfv.deserializeGaloisKeys(ctx, none)).toEqual({ keys: new Map() });
    // A nested key whose header size is off by 8, with the object grown to match.
    const grown = new Uint8Array(rkb.length + 8);
    grown.set(rkb.subarray(0, 64 + pkSize));
    grown.set(rkb.subarray(64 + pkSize), 64 + pkSize + 8);
    const g2 = u64(u64(grown, 8, grown.length), 64 + 8, pkSize + 8);
    malformed(() => bfv.deserializeRelinKeys(ctx, g2), 'relinearization keys: nested key size mismatch');
    malformed(() => bfv.deserializeRelinKeys(ctx, byte(rkb, 64 + 16 + 32, 0)), 'relinearization keys: expected a size-2 NTT-form ciphertext at the key level');
    malformed(() => bfv.deserializeRelinKeys(ctx, Uint8Array.from([...rkb, 1, 2])), 'relinearization keys: 2 unexpected bytes after the object');
  });
  it('seeded and compressed key lists round trip', () => {
    const sgk = bfv.generateGaloisKeys(ctx, sk, fromTextSeed('sgk'), { steps: [1, 2], seeded: true });
    const full = bfv.serializeGaloisKeys(ctx, sgk);
    const seeded = bfv.serializeGaloisKeys(ctx, sgk, { seeded: true });
    expect(seeded.length).toBeLessThan(full.length);
    expect(bfv.serializeGaloisKeys(ctx, bfv.deserializeGaloisKeys(ctx, seeded))).toEqual(full);
    const z = bfv.serializeGaloisKeys(ctx, sgk, { compression: 'zlib' });
    expect(bfv.serializeGaloisKeys(ctx, bfv.deserializeGaloisKeys(ctx, z))).toEqual(full);
    expect(() => bfv.deserializeGaloisKeys(ctx, z, { maxBytes: full.length - 1 })).toThrow(MalformedInputError);
  });
});

describe('peekCiphertextLevel', () => {
  it('reads the level from the parms_id, or undefined when the object is too short', () => {
    expect(bfv.peekCiphertextLevel(ctx, ctBytes)).toBe(ctx.level(k));
    expect(bfv.peekCiphertextLevel(ctx, bfv.serializePublicKey(ctx, pk))).toBe(ctx.keyLevel);
    expect(bfv.peekCiphertextLevel(ctx, byte(ctBytes, 16, ctBytes[16] ^ 1))).toBeUndefined();
    const tiny = u64(ctBytes.subarray(0, 47), 8, 47);
    expect(bfv.peekCiphertextLevel(ctx, tiny)).toBeUndefined();
    const just = u64(ctBytes.subarray(0, 48), 8, 48);
    expect(bfv.peekCiphertextLevel(ctx, just)).toBe(ctx.level(k));
    malformed(() => bfv.peekCiphertextLevel(ctx, byte(ctBytes, 0, 0)), 'ciphertext: not a SEAL object (magic 0xa100, expected 0xa15e)');
  });
});

describe('truncation inside each field names the field', () => {
  /** The first `end` bytes of `b`, with the object size in the header set to `end`. */
  const cut = (b: Uint8Array, end: number) => u64(b.slice(0, Math.max(end, 16)), 8, end).subarray(0, end);
  it('header fields (readSealHeader)', () => {
    for (const [end, field] of [[2, 'header size'], [3, 'version'], [4, 'version'], [5, 'compression mode'], [6, 'reserved']] as const) {
      const b = ctBytes.slice(0, end);
      malformed(() => bfv.readSealHeader(b), `SEAL object: truncated while reading ${field} (needs ${field === 'reserved' ? 2 : 1} bytes at offset ${end}, ${end} available)`);
    }
  });
  it('ciphertext members', () => {
    const fields: [number, number, string, number][] = [
      [20, 16, 'parms_id', 32],
      [48, 48, 'is_ntt_form', 1],
      [50, 49, 'size', 8],
      [60, 57, 'poly_modulus_degree', 8],
      [66, 65, 'coeff_modulus_size', 8],
      [74, 73, 'scale', 8],
      [82, 81, 'correction_factor', 8],
    ];
    for (const [end, at, field, size] of fields) {
      malformed(() => parse(cut(ctBytes, end)), `ciphertext: truncated while reading ${field} (needs ${size} bytes at offset ${at}, ${end} available)`);
    }
    // The coefficient count: the nested array's header made to fit the cut object.
    const b = u64(cut(ctBytes, 106), 97, 17);
    malformed(() => parse(b), 'ciphertext: truncated while reading coefficient count (needs 8 bytes at offset 105, 106 available)');
  });
  it('plaintext, secret key and key-list fields', () => {
    const pt = bfv.serializePlaintext(ctx, plain);
    malformed(() => bfv.deserializePlaintext(ctx, cut(pt, 30)), 'plaintext: truncated while reading parms_id (needs 32 bytes at offset 16, 30 available)');
    malformed(() => bfv.deserializePlaintext(ctx, cut(pt, 50)), 'plaintext: truncated while reading coeff_count (needs 8 bytes at offset 48, 50 available)');
    malformed(() => bfv.deserializePlaintext(ctx, cut(pt, 60)), 'plaintext: truncated while reading scale (needs 8 bytes at offset 56, 60 available)');
    malformed(() => bfv.deserializePlaintext(ctx, byte(pt, 64, 0)), 'plaintext (coefficient array): not a SEAL object (magic 0xa100, expected 0xa15e)');
    const s = bfv.serializeSecretKey(ctx, sk);
    malformed(() => bfv.deserializeSecretKey(ctx, cut(s, 47)), 'secret key: truncated while reading parms_id (needs 32 bytes at offset 16, 47 available)');
    malformed(() => bfv.deserializeSecretKey(ctx, cut(s, 55)), 'secret key: truncated while reading coeff_count (needs 8 bytes at offset 48, 55 available)');
    malformed(() => bfv.deserializeSecretKey(ctx, cut(s, 63)), 'secret key: truncated while reading scale (needs 8 bytes at offset 56, 63 available)');
    const r = bfv.serializeRelinKeys(ctx, bfv.generateRelinKeys(ctx, sk, fromTextSeed('rk2')));
    malformed(() => bfv.deserializeRelinKeys(ctx, cut(r, 40)), 'relinearization keys: truncated while reading parms_id (needs 32 bytes at offset 16, 40 available)');
    malformed(() => bfv.deserializeRelinKeys(ctx, cut(r, 50)), 'relinearization keys: truncated while reading number of keys (needs 8 bytes at offset 48, 50 available)');
    malformed(() => bfv.deserializeRelinKeys(ctx, cut(r, 60)), 'relinearization keys: truncated while reading key length (needs 8 bytes at offset 56, 60 available)');
  });
});

describe('further edges', () => {
  it('a size-3 ciphertext whose array holds one polynomial is not read as a seeded one', () => {
    const seededCt = bfv.bfvEncryptSymmetric(ctx, sk, plain, fromTextSeed('seeded 3'), { seeded: true });
    const sb3 = u64(bfv.serializeCiphertext(ctx, seededCt, { seeded: true }), 49, 3);
    malformed(() => parse(sb3), `ciphertext: coefficient array holds ${polyLen} values, expected ${3 * polyLen}`);
  });
  it('the seeded form only for size-2 ciphertexts', () => {
    const seededCt = bfv.bfvEncryptSymmetric(ctx, sk, plain, fromTextSeed('seeded s'), { seeded: true });
    const three = { ...seededCt, polys: [seededCt.polys[0], seededCt.polys[1], seededCt.polys[1]] };
    expect(bfv.serializeCiphertext(ctx, three, { seeded: true })).toEqual(bfv.serializeCiphertext(ctx, three));
    expect(parse(bfv.serializeCiphertext(ctx, three, { seeded: true })).polys).toHaveLength(3);
  });
  it('relinearization keys with an empty second slot', () => {
    const r = bfv.serializeRelinKeys(ctx, bfv.generateRelinKeys(ctx, sk, fromTextSeed('rk3')));
    const two = u64(u64(Uint8Array.from([...r, 0, 0, 0, 0, 0, 0, 0, 0]), 8, r.length + 8), 48, 2);
    malformed(() => bfv.deserializeRelinKeys(ctx, two), 'relinearization keys: empty key slot');
  });
  it('a public key must be at the key level, in NTT form, of size 2', () => {
    const msg = 'public key: expected a size-2 NTT-form ciphertext at the key level';
    malformed(() => bfv.deserializePublicKey(ctx, bfv.serializeCiphertext(ctx, bfv.ciphertextToNtt(ctx, ct))), msg);
    const c = pk.ciphertext;
    malformed(() => bfv.deserializePublicKey(ctx, bfv.serializeCiphertext(ctx, { ...c, polys: [c.polys[0], c.polys[1], c.polys[1]] })), msg);
  });
  it('errors other than MalformedInputError are wrapped, naming the object and keeping the cause', () => {
    const boom = new Error('boom');
    const throwing = (e: unknown) => Object.create(ctx, { levelByParmsId: { value: () => { throw e; } } }) as bfvIndex.BfvContext;
    const err = thrownBy(() => bfv.deserializeCiphertext(throwing(boom), bfv.serializeCiphertext(ctx, ct)));
    expect(err).toBeInstanceOf(MalformedInputError);
    expect([(err as Error).message, (err as Error).cause]).toEqual(['ciphertext: boom', boom]);
    const delphi = new MalformedInputError('inner');
    expect(() => bfv.deserializeCiphertext(throwing(delphi), bfv.serializeCiphertext(ctx, ct))).toThrow(delphi);
    const fromString = thrownBy(() => bfv.deserializeCiphertext(throwing('plain string'), bfv.serializeCiphertext(ctx, ct)));
    expect([(fromString as Error).message, (fromString as Error).cause]).toEqual(['ciphertext: plain string', 'plain string']);
    const invalid = new InvalidArgumentError('typed');
    const fromTyped = thrownBy(() => bfv.deserializeCiphertext(throwing(invalid), bfv.serializeCiphertext(ctx, ct)));
    expect([(fromTyped as Error).message, (fromTyped as Error).cause]).toEqual(['ciphertext: typed', invalid]);
  });
  it('default limits for compressed objects: the largest valid object of the kind', () => {
    const z = (b: Uint8Array) => bfv.compressSealObject(b, 'zlib');
    const limit = (what: string, max: number) => new MalformedInputError(`${what}: decompresses to more than ${max - 16} bytes (the limit for this object)`);
    // Plaintext: n coefficients fit, n + 1 do not.
    const full = bfv.serializePlaintext(ctx, plain);
    expect(bfv.deserializePlaintext(ctx, z(full))).toEqual(plain);
    const over = bfv.serializePlaintext(ctx, { coeffs: new Float64Array(n + 1) });
    expect(() => bfv.deserializePlaintext(ctx, z(over))).toThrow(limit('plaintext', full.length));
    // Secret key: exactly its size; 8 bytes more are refused before parsing.
    const s = bfv.serializeSecretKey(ctx, sk);
    expect(bfv.deserializeSecretKey(ctx, z(s))).toEqual(sk);
    const s8 = u64(Uint8Array.from([...s, 0, 0, 0, 0, 0, 0, 0, 0]), 8, s.length + 8);
    expect(() => bfv.deserializeSecretKey(ctx, z(s8))).toThrow(limit('secret key', s.length));
    // Public key: a size-2 key-level ciphertext; a size-3 one is refused by the limit.
    const p = bfv.serializePublicKey(ctx, pk);
    expect(bfv.deserializePublicKey(ctx, z(p)).ciphertext.polys).toEqual(pk.ciphertext.polys);
    const c = pk.ciphertext;
    const p3 = bfv.serializeCiphertext(ctx, { ...c, polys: [c.polys[0], c.polys[1], c.polys[1]] });
    expect(() => bfv.deserializePublicKey(ctx, z(p3))).toThrow(limit('public key', p.length));
    // Ciphertext: up to 16 polynomials at the key level's size.
    const c17 = bfv.serializeCiphertext(ctx, { ...c, polys: Array.from({ length: 17 }, (_, i) => c.polys[i % 2]) });
    expect(() => bfv.deserializeCiphertext(ctx, z(c17))).toThrow(limit('ciphertext', 16 + 32 + 1 + 40 + 24 + 8 * 16 * 3 * n));
    const c16 = bfv.serializeCiphertext(ctx, { ...c, polys: Array.from({ length: 16 }, (_, i) => c.polys[i % 2]) });
    expect(() => bfv.deserializeCiphertext(ctx, z(c16))).toThrow(new MalformedInputError('ciphertext: ciphertext is at the key level, which holds no data'));
  });
});
