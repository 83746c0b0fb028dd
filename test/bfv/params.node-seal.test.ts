/**
 * Parameter tables and validation. References: SEAL 4.1 itself (node-seal's CoeffModulus.MaxBitCount,
 * BFVDefault, Create and PlainModulus.Batching, and SEALContext's own acceptance of a parameter
 * set) and the HomomorphicEncryption.org standard's Table 1 (ternary secret, classical).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InsecureParametersError, InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { loadSeal, type SealLib } from './seal.js';

let seal: SealLib;
beforeAll(async () => {
  seal = await loadSeal();
});

const LEVELS = [128, 192, 256] as const;
const DEGREES = [1024, 2048, 4096, 8192, 16384, 32768];

describe('security table', () => {
  it('equals the HE standard (Table 1, uniform ternary secret) and SEAL\'s CoeffModulus.MaxBitCount', () => {
    // HomomorphicEncryption.org, Security of Homomorphic Encryption (2018), Table 1, "uniform" / classical.
    const standard: Record<number, number[]> = {
      1024: [27, 19, 14],
      2048: [54, 37, 29],
      4096: [109, 75, 58],
      8192: [218, 152, 118],
      16384: [438, 305, 237],
      32768: [881, 611, 476],
    };
    const sealLevel = { 128: seal.SecurityLevel.tc128, 192: seal.SecurityLevel.tc192, 256: seal.SecurityLevel.tc256 };
    for (const n of DEGREES) {
      LEVELS.forEach((level, i) => {
        expect(bfv.maxCoeffModulusBits(n, level)).toBe(standard[n][i]);
        expect(seal.CoeffModulus.MaxBitCount(n, sealLevel[level])).toBe(standard[n][i]);
      });
    }
    expect(bfv.maxCoeffModulusBits(512)).toBe(0);
  });
});

describe('SEAL parameter helpers', () => {
  it('bfvDefaultCoeffModulus = CoeffModulus.BFVDefault wherever the primes are below 2^50', () => {
    const sealLevel = { 128: seal.SecurityLevel.tc128, 192: seal.SecurityLevel.tc192, 256: seal.SecurityLevel.tc256 };
    let compared = 0;
    for (const n of DEGREES) {
      for (const level of LEVELS) {
        const theirs = Array.from(seal.CoeffModulus.BFVDefault(n, sealLevel[level]).toArray() as BigUint64Array);
        if (theirs.every((q) => q < 2n ** 50n)) {
          expect(bfv.bfvDefaultCoeffModulus(n, level)).toEqual(theirs.map(Number));
          compared++;
        } else {
          expect(() => bfv.bfvDefaultCoeffModulus(n, level)).toThrow(InvalidParametersError);
        }
      }
    }
    expect(compared).toBe(13);
  });

  it('createCoeffModulus = CoeffModulus.Create and batchingPlainModulus = PlainModulus.Batching', () => {
    const cases: [number, number[]][] = [
      [4096, [30, 30, 30]],
      [4096, [30, 40, 30, 40]],
      [8192, [30, 30, 30, 30, 30, 30, 30]],
      [8192, [49, 20, 49, 36, 20]],
      [2048, [27, 27]],
      [16384, [45, 45, 45, 46, 46]],
    ];
    for (const [n, bits] of cases) {
      const theirs = Array.from(seal.CoeffModulus.Create(n, Int32Array.from(bits)).toArray() as BigUint64Array, Number);
      expect(bfv.createCoeffModulus(n, bits)).toEqual(theirs);
    }
    for (const n of [2048, 4096, 8192, 16384]) {
      for (const b of [17, 20, 30, 41, 49]) {
        expect(bfv.batchingPlainModulus(n, b)).toBe(Number(seal.PlainModulus.Batching(n, b).value));
      }
    }
  });
});

describe('createBfvParameters', () => {
  const n = 8192;
  const q7 = bfv.createCoeffModulus(n, [30, 30, 30, 30, 30, 30, 30]);

  it('accepts what SEAL accepts (Delphi\'s set: n = 8192, seven 30-bit primes, t = p)', () => {
    const params = bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: q7, plainModulus: 2061584302081 });
    expect(params.securityLevel).toBe(128);
    expect(params.coeffModulusBits).toBe(210);
    expect(params.batching).toBe(true);
    expect(Object.isFrozen(params)).toBe(true);
    const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
    parms.setPolyModulusDegree(n);
    parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from([30, 30, 30, 30, 30, 30, 30])));
    parms.setPlainModulus(seal.Modulus(2061584302081n));
    expect(seal.Context(parms, true, seal.SecurityLevel.tc128).parametersSet()).toBe(true);
    const nb = bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: q7, plainModulus: 1 << 16 });
    expect(nb.batching).toBe(false);
  });

  it('refuses insecure sets unless insecure: true, like SEAL at tc128', () => {
    const tooBig = bfv.createCoeffModulus(n, [44, 44, 44, 44, 44]); // 220 > 218 bits
    expect(() => bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: tooBig, plainModulus: 65537 })).toThrow(
      InsecureParametersError,
    );
    expect(() => bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: tooBig, plainModulus: 65537 })).toThrow(/220 bits.*218/);
    const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
    parms.setPolyModulusDegree(n);
    parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from([44, 44, 44, 44, 44])));
    parms.setPlainModulus(seal.Modulus(65537n));
    expect(seal.Context(parms, true, seal.SecurityLevel.tc128).parametersSet()).toBe(false);
    const ok = bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: tooBig, plainModulus: 65537, insecure: true });
    expect(ok.securityLevel).toBeNull();
    expect(() => bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: q7, plainModulus: 65537, securityLevel: 192 })).toThrow(
      InsecureParametersError,
    );
    const small = bfv.createCoeffModulus(1024, [27]);
    expect(() => bfv.createBfvParameters({ polyModulusDegree: 1024, coeffModulus: small, plainModulus: 12289 })).toThrow(/below 2048/);
    expect(bfv.createBfvParameters({ polyModulusDegree: 1024, coeffModulus: small, plainModulus: 12289, insecure: true }).polyModulusDegree).toBe(1024);
  });

  it('refuses inconsistent sets with InvalidParametersError', () => {
    const bad = (o: Partial<bfv.BfvParameterOptions>, msg: RegExp): void => {
      const opts = { polyModulusDegree: n, coeffModulus: q7, plainModulus: 65537, ...o } as bfv.BfvParameterOptions;
      expect(() => bfv.createBfvParameters(opts)).toThrow(InvalidParametersError);
      expect(() => bfv.createBfvParameters(opts)).toThrow(msg);
    };
    bad({ polyModulusDegree: 8000 }, /power of two/);
    bad({ polyModulusDegree: 65536 }, /power of two in \[2, 32768\]/);
    bad({ coeffModulus: [] }, /1 to 64 primes/);
    bad({ coeffModulus: [q7[0], q7[0]] }, /listed twice/);
    bad({ coeffModulus: [q7[0] + 2 * n] }, /not prime/);
    bad({ coeffModulus: [12289] }, /not ≡ 1 mod 2n/);
    bad({ coeffModulus: [2 ** 50 + 1] }, /2\^50/);
    bad({ plainModulus: 1 }, /plainModulus/);
    bad({ plainModulus: q7[2] * 3 }, /not coprime/);
    bad({ coeffModulus: q7.slice(0, 2), plainModulus: 2 ** 31 + 11 }, /smaller than the data-level/);
    expect(() => bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: q7, plainModulus: 65537, securityLevel: 100 as 128 })).toThrow(
      InvalidArgumentError,
    );
  });

  it('builds SEAL\'s modulus chain: key level, data levels while t < Q, parms_ids distinct', () => {
    const ctx = bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: q7, plainModulus: 2061584302081 }));
    expect(ctx.keyLevel.k).toBe(7);
    expect(ctx.firstLevel.k).toBe(6);
    expect(ctx.lastLevel.k).toBe(2); // one 30-bit prime is below t = p (41 bits)
    expect(ctx.usingKeySwitching).toBe(true);
    expect(ctx.levels[0]).toBeUndefined();
    const ids = new Set(ctx.levels.flatMap((l) => (l ? [l.parmsIdHex] : [])));
    expect(ids.size).toBe(6);
    const one = bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: 4096, coeffModulus: [bfv.bfvDefaultCoeffModulus(4096)[2]], plainModulus: 65537 }));
    expect(one.usingKeySwitching).toBe(false);
    expect(one.firstLevel).toBe(one.keyLevel);
  });
});
