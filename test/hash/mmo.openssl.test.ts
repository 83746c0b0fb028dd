/**
 * The garbling hash of §5.2, H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x), against a byte-level transcription on
 * OpenSSL's AES (σ written on bytes here), with both AES backends, and against the bigint reference.
 */
import { createCipheriv } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { bigintToLabel, labelToBigint, mmoReference, sigmaReference } from '../../src/gc/halfgates-reference.js';
import { FIXED_AES_KEY, mmoHashBlocks, setAesBackend } from '../../src/hash/index.js';
import { fromTextSeed } from '../../src/random/index.js';

function pi(block: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', FIXED_AES_KEY, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
/** σ on bytes: x_L = bytes 8–15, x_R = bytes 0–7; σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L. */
function sigma(x: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let k = 0; k < 8; k++) {
    out[k] = x[8 + k];
    out[8 + k] = x[k] ^ x[8 + k];
  }
  return out;
}
function mmoBytes(x: Buffer, tweak: number): Buffer {
  const s = sigma(x);
  const t = Buffer.alloc(16);
  t.writeBigUInt64LE(BigInt(tweak), 0);
  const y = pi(Buffer.from(s.map((v, k) => v ^ t[k])));
  return Buffer.from(y.map((v, k) => v ^ s[k]));
}

afterEach(() => setAesBackend('auto'));

describe('mmoHashBlocks against a byte-level OpenSSL transcription', () => {
  for (const backend of ['typescript', 'node-crypto'] as const) {
    for (const start of [0, 1, 0xfffffff0, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER - 2000]) {
      it(`${backend}, tweaks from ${start}, 1100 blocks (two chunks)`, () => {
        setAesBackend(backend);
        const count = 1100;
        const bytes = fromTextSeed(`mmo/${start}`).bytes(16 * count);
        const got = Buffer.from(mmoHashBlocks(new Uint32Array(bytes.slice().buffer), start).buffer);
        for (let k = 0; k < count; k += 37) {
          const x = Buffer.from(bytes.subarray(16 * k, 16 * k + 16));
          expect(got.subarray(16 * k, 16 * k + 16).toString('hex')).toBe(mmoBytes(x, start + k).toString('hex'));
        }
      });
    }
  }
  it('agrees with the bigint reference of src/gc/halfgates-reference.ts, and σ is an orthomorphism on samples', () => {
    const words = new Uint32Array(fromTextSeed('mmo/bigint').bytes(16 * 8).buffer);
    const out = mmoHashBlocks(words, 2 ** 33 + 5);
    for (let k = 0; k < 8; k++) {
      const x = labelToBigint(words, 4 * k);
      expect(labelToBigint(out, 4 * k)).toBe(mmoReference(x, BigInt(2 ** 33 + 5 + k)));
      // σ(x) ⊕ x = (x_R) ‖ (x_L ⊕ x_R) is a bijection too: recover x from it.
      const d = sigmaReference(x) ^ x;
      const xR = d >> 64n;
      const xL = (d & ((1n << 64n) - 1n)) ^ xR;
      expect((xL << 64n) | xR).toBe(x);
    }
    expect(labelToBigint(bigintToLabel(sigmaReference(1n)))).toBe((1n << 64n) | 0n);
  });
  it('output may alias the input; bad tweaks and sizes are refused', () => {
    const words = new Uint32Array(fromTextSeed('mmo/alias').bytes(64).buffer);
    const expected = mmoHashBlocks(words, 7);
    mmoHashBlocks(words, 7, words);
    expect(words).toEqual(expected);
    expect(() => mmoHashBlocks(new Uint32Array(4), -1)).toThrow(InvalidArgumentError);
    expect(() => mmoHashBlocks(new Uint32Array(8), Number.MAX_SAFE_INTEGER)).toThrow(InvalidArgumentError);
    expect(() => mmoHashBlocks(new Uint32Array(3), 0)).toThrow(InvalidArgumentError);
    expect(() => mmoHashBlocks(new Uint32Array(4), 0, new Uint32Array(8))).toThrow(InvalidArgumentError);
  });
});
