/**
 * The compact wire form (§4.10.3) against the SEAL format and decryption: compact objects read back
 * to exactly the polynomials written (seeded ones re-derived from the seed as SEAL's reader does),
 * decrypt to the plaintext, have the documented sizes, and malformed input is refused before any
 * allocation.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const T = 1032193;

function context(wide: boolean): bfv.BfvContext {
  const coeffModulus = wide ? bfv.bfvDefaultCoeffModulus(4096) : bfv.createCoeffModulus(4096, [30, 30, 30]);
  return bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: 4096, coeffModulus, plainModulus: T }));
}

function samePolys(a: bfv.Ciphertext, b: bfv.Ciphertext): boolean {
  if (a.coeffModulusSize !== b.coeffModulusSize || a.isNttForm !== b.isNttForm || a.polys.length !== b.polys.length) return false;
  return a.polys.every((p, i) => p.length === b.polys[i].length && p.every((v, j) => v === b.polys[i][j]));
}

describe.each([false, true])('compact wire form (wide primes: %s)', (wide) => {
  const ctx = context(wide);
  const rng = fromTextSeed(`compact ${wide}`);
  const sk = bfv.generateSecretKey(ctx, rng);
  const values = Array.from({ length: ctx.n }, () => uniformBelow(rng, T));
  const pt = bfv.batchEncode(ctx, values);

  it('seeded and full ciphertexts round-trip and decrypt; seeded c_1 is what SEAL expands', () => {
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, pt, rng, { seeded: true });
    const seeded = bfv.serializeCompactCiphertext(ctx, ct);
    const full = bfv.serializeCompactCiphertext(ctx, ct, { seeded: false });
    const k = ctx.firstLevel.k;
    const residueBytes = ctx.firstLevel.primes.reduce((a, q) => a + (ctx.n * Math.ceil(Math.log2(q))) / 8, 0);
    expect(seeded.length).toBe(8 + 64 + residueBytes);
    expect(full.length).toBe(8 + 2 * residueBytes);
    for (const bytes of [seeded, full]) {
      const back = bfv.deserializeCompactCiphertext(ctx, bytes, { level: k, ntt: false });
      expect(samePolys(back, ct)).toBe(true);
      expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, back)))).toEqual(values);
    }
    // The same seed written in SEAL's seeded format and read by the SEAL reader gives the same c_1.
    const viaSeal = bfv.deserializeCiphertext(ctx, bfv.serializeCiphertext(ctx, ct, { seeded: true }));
    expect(samePolys(viaSeal, ct)).toBe(true);
    // A public-key encryption carries no seed: written in full.
    const pk = bfv.generatePublicKey(ctx, sk, rng, { seeded: true });
    const pub = bfv.bfvEncrypt(ctx, pk, pt, rng);
    expect(bfv.serializeCompactCiphertext(ctx, pub).length).toBe(full.length);
    expect(samePolys(bfv.deserializeCompactCiphertext(ctx, bfv.serializeCompactCiphertext(ctx, pub)), pub)).toBe(true);
    const pkBack = bfv.deserializeCompactPublicKey(ctx, bfv.serializeCompactPublicKey(ctx, pk));
    expect(samePolys(pkBack.ciphertext, pk.ciphertext)).toBe(true);
  });

  it('seeded Galois keys round-trip and rotate', () => {
    const gk = bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1, -3, 0], seeded: true });
    const bytes = bfv.serializeCompactGaloisKeys(ctx, gk);
    const back = bfv.deserializeCompactGaloisKeys(ctx, bytes);
    expect([...back.keys.keys()].sort((a, b) => a - b)).toEqual([...gk.keys.keys()].sort((a, b) => a - b));
    for (const [g, key] of gk.keys) key.forEach((part, j) => expect(samePolys(back.keys.get(g)![j].ciphertext, part.ciphertext)).toBe(true));
    // About 30/64 of half SEAL's full size for 30-bit primes.
    if (!wide) expect(bytes.length).toBeLessThan(bfv.serializeGaloisKeys(ctx, gk).length * 0.25);
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, pt, rng);
    const rotated = bfv.bfvRotateRows(ctx, ct, -3, back);
    const R = ctx.n / 2;
    const expected = values.map((_, i) => values[Math.floor(i / R) * R + (((i % R) - 3 + R) % R)]);
    expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, rotated)))).toEqual(expected);
  });

  it('refuses malformed compact objects with MalformedInputError', () => {
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, pt, rng, { seeded: true });
    const bytes = bfv.serializeCompactCiphertext(ctx, ct);
    const set = (i: number, v: number): Uint8Array => {
      const b = bytes.slice();
      b[i] = v;
      return b;
    };
    const bad = (b: Uint8Array, re: RegExp, expect2: { level?: number; ntt?: boolean } = {}): void => {
      expect(() => bfv.deserializeCompactCiphertext(ctx, b, expect2)).toThrow(MalformedInputError);
      expect(() => bfv.deserializeCompactCiphertext(ctx, b, expect2)).toThrow(re);
    };
    bad(set(0, 0x5e), /not a compact ciphertext/);
    bad(set(2, 0), /0 primes/);
    bad(set(2, 99), /99 primes/);
    bad(bytes, /expected 1/, { level: 1 });
    bad(bytes, /expected NTT form/, { ntt: true });
    bad(set(3, 0x80), /reserved/);
    bad(set(4, 3), /size 3/);
    bad(set(5, 7), /PRNG type 7/);
    bad(bytes.subarray(0, bytes.length - 1), /needs \d+ bytes/);
    bad(bytes.subarray(0, 5), /truncated header/);
    bad(new Uint8Array([...bytes, 0]), /unexpected bytes/);
    // A residue not below its prime (all ones in the first residue's bits).
    const big = bytes.slice();
    big.fill(0xff, 72, 80);
    bad(big, /not below its prime/);
    // Galois keys announcing more keys than the bytes can hold are refused before allocation.
    const gk = new Uint8Array(8 + 100);
    gk.set([0xdc, 2, 0, 0, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => bfv.deserializeCompactGaloisKeys(ctx, gk)).toThrow(/keys announced/);
    const gk2 = bfv.serializeCompactGaloisKeys(ctx, bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1], seeded: true }));
    const even = gk2.slice();
    new DataView(even.buffer).setUint32(8, 4, true);
    expect(() => bfv.deserializeCompactGaloisKeys(ctx, even)).toThrow(/not odd/);
  });
});
