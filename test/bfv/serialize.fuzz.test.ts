/**
 * Robustness of the SEAL 4.1 readers: hand-made defects (each field of the header and of the object
 * metadata) are refused with MalformedInputError and a message naming the defect; several hundred
 * random mutations, truncations and extensions of valid objects are either refused with
 * MalformedInputError (never another exception) or accepted — and then the format being canonical,
 * re-serializing the parsed object gives back exactly the mutated bytes.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';

function makeContext(n: number, bits: number[], t: number): bfv.BfvContext {
  return bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, bits), plainModulus: t, insecure: true }),
  );
}

const narrow = makeContext(32, [30, 30, 30], 193);
const wide = makeContext(32, [40, 40, 41], 193);

interface Kind {
  readonly name: string;
  bytes(ctx: bfv.BfvContext): Uint8Array;
  parse(ctx: bfv.BfvContext, b: Uint8Array): unknown;
  write(ctx: bfv.BfvContext, x: unknown): Uint8Array;
}

function objects(ctx: bfv.BfvContext): Record<string, Uint8Array> {
  const rng = fromTextSeed('fuzz objects');
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const plain = { coeffs: Float64Array.from({ length: ctx.n }, () => uniformBelow(rng, ctx.t)) };
  const ct = bfv.bfvEncrypt(ctx, pk, plain, rng);
  return {
    ciphertext: bfv.serializeCiphertext(ctx, ct),
    ciphertext3: bfv.serializeCiphertext(ctx, bfv.bfvMultiply(ctx, ct, ct)),
    plaintext: bfv.serializePlaintext(ctx, plain),
    secretKey: bfv.serializeSecretKey(ctx, sk),
    publicKey: bfv.serializePublicKey(ctx, pk),
    relinKeys: bfv.serializeRelinKeys(ctx, bfv.generateRelinKeys(ctx, sk, rng)),
    galoisKeys: bfv.serializeGaloisKeys(ctx, bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1] })),
  };
}

const KINDS: Kind[] = [
  { name: 'ciphertext', bytes: (c) => objects(c).ciphertext, parse: bfv.deserializeCiphertext, write: (c, x) => bfv.serializeCiphertext(c, x as bfv.Ciphertext) },
  { name: 'ciphertext3', bytes: (c) => objects(c).ciphertext3, parse: bfv.deserializeCiphertext, write: (c, x) => bfv.serializeCiphertext(c, x as bfv.Ciphertext) },
  { name: 'plaintext', bytes: (c) => objects(c).plaintext, parse: bfv.deserializePlaintext, write: (c, x) => bfv.serializePlaintext(c, x as bfv.Plaintext) },
  { name: 'secretKey', bytes: (c) => objects(c).secretKey, parse: bfv.deserializeSecretKey, write: (c, x) => bfv.serializeSecretKey(c, x as bfv.SecretKey) },
  { name: 'publicKey', bytes: (c) => objects(c).publicKey, parse: bfv.deserializePublicKey, write: (c, x) => bfv.serializePublicKey(c, x as bfv.PublicKey) },
  { name: 'relinKeys', bytes: (c) => objects(c).relinKeys, parse: bfv.deserializeRelinKeys, write: (c, x) => bfv.serializeRelinKeys(c, x as bfv.RelinKeys) },
  { name: 'galoisKeys', bytes: (c) => objects(c).galoisKeys, parse: bfv.deserializeGaloisKeys, write: (c, x) => bfv.serializeGaloisKeys(c, x as bfv.GaloisKeys) },
];

function setU64(b: Uint8Array, off: number, v: number): Uint8Array {
  const out = b.slice();
  const view = new DataView(out.buffer);
  view.setUint32(off, v % 2 ** 32, true);
  view.setUint32(off + 4, Math.floor(v / 2 ** 32), true);
  return out;
}

function setByte(b: Uint8Array, off: number, v: number): Uint8Array {
  const out = b.slice();
  out[off] = v;
  return out;
}

function expectMalformed(f: () => unknown, message: RegExp): void {
  const err = thrownBy(f);
  expect(err).toBeInstanceOf(MalformedInputError);
  expect((err as Error).message).toMatch(message);
}

describe('SEAL readers refuse hand-made defects', () => {
  const ctx = narrow;
  const ct = objects(ctx).ciphertext;
  const parse = (b: Uint8Array) => bfv.deserializeCiphertext(ctx, b);
  // Offsets: header 0–15; parms_id 16–47; is_ntt 48; size 49; n 57; k 65; scale 73; correction 81; DynArray 89.
  it('header fields', () => {
    expectMalformed(() => parse(setByte(ct, 0, 0x5f)), /not a SEAL object/);
    expectMalformed(() => parse(setByte(ct, 2, 0x11)), /header size/);
    expectMalformed(() => parse(setByte(ct, 3, 3)), /version 3\.1/);
    expectMalformed(() => parse(setByte(ct, 4, 0)), /version 4\.0/);
    expectMalformed(() => parse(setByte(ct, 5, 1)), /zlib/);
    expectMalformed(() => parse(setByte(ct, 5, 2)), /zstd/);
    expectMalformed(() => parse(setByte(ct, 5, 9)), /unknown compression/);
    expectMalformed(() => parse(setByte(ct, 6, 1)), /reserved/);
    expectMalformed(() => parse(setU64(ct, 8, ct.length + 1)), /announces/);
    expectMalformed(() => parse(setU64(ct, 8, 2 ** 60)), /out of range/);
    expectMalformed(() => parse(ct.subarray(0, 10)), /truncated/);
    expectMalformed(() => parse(new Uint8Array([...ct, 0])), /unexpected bytes/);
    expectMalformed(() => parse(new Uint8Array(0)), /truncated/);
  });

  it('ciphertext metadata and data', () => {
    expectMalformed(() => parse(setByte(ct, 20, ct[20] ^ 1)), /parms_id does not match/);
    expectMalformed(() => parse(setByte(ct, 48, 2)), /is_ntt_form/);
    expectMalformed(() => parse(setU64(ct, 49, 1)), /size 1/);
    expectMalformed(() => parse(setU64(ct, 49, 17)), /size 17/);
    expectMalformed(() => parse(setU64(ct, 49, 3)), /holds|announces|truncated/);
    expectMalformed(() => parse(setU64(ct, 57, 64)), /poly_modulus_degree 64/);
    expectMalformed(() => parse(setU64(ct, 65, 3)), /coeff_modulus_size 3/);
    expectMalformed(() => parse(setU64(ct, 73, 0)), /scale/);
    expectMalformed(() => parse(setU64(ct, 81, 2)), /correction factor/);
    // First coefficient set to q_0: not a residue.
    expectMalformed(() => parse(setU64(ct, 89 + 24, ctx.primes[0])), /not below its modulus/);
    // A key-level object where a ciphertext is expected.
    expectMalformed(() => parse(objects(ctx).publicKey), /key level/);
    // Objects of other parameters.
    expectMalformed(() => bfv.deserializeCiphertext(wide, ct), /parms_id/);
    expectMalformed(() => bfv.deserializeSecretKey(wide, objects(ctx).secretKey), /parms_id/);
  });
});

describe.each([
  ['narrow', narrow],
  ['wide', wide],
] as const)('random mutations of every object kind (%s path)', (_name, ctx) => {
  it.each(KINDS)('$name: refused with MalformedInputError or parsed canonically', (kind) => {
    const valid = kind.bytes(ctx);
    const rng: Rng = fromTextSeed(`fuzz ${_name} ${kind.name}`);
    // The valid object round-trips.
    expect(kind.write(ctx, kind.parse(ctx, valid))).toEqual(valid);
    let refused = 0;
    let accepted = 0;
    const TRIALS = 40;
    for (let trial = 0; trial < TRIALS; trial++) {
      let b: Uint8Array;
      const mode = trial % 4;
      if (mode === 0) {
        b = valid.subarray(0, uniformBelow(rng, valid.length));
      } else if (mode === 1) {
        b = new Uint8Array([...valid, ...Array.from({ length: 1 + uniformBelow(rng, 16) }, () => uniformBelow(rng, 256))]);
      } else {
        b = valid.slice();
        // Most flips land in the metadata (first 120 bytes) where the interesting checks are.
        const flips = 1 + uniformBelow(rng, 3);
        for (let f = 0; f < flips; f++) {
          const pos = mode === 2 ? uniformBelow(rng, Math.min(120, b.length)) : uniformBelow(rng, b.length);
          b[pos] ^= 1 << uniformBelow(rng, 8);
        }
      }
      let parsed: unknown;
      try {
        parsed = kind.parse(ctx, b);
      } catch (e) {
        expect(e, `${kind.name} trial ${trial}`).toBeInstanceOf(MalformedInputError);
        refused++;
        continue;
      }
      accepted++;
      expect(kind.write(ctx, parsed)).toEqual(b);
    }
    expect(refused + accepted).toBe(TRIALS);
    expect(refused).toBeGreaterThan(TRIALS / 2);
  });
});
