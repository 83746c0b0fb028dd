import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIXED_AES_KEY, tccrHashBlocks } from '../../src/hash/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed } from '../../src/random/index.js';

/** π on 16 bytes with OpenSSL. */
function pi(block: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', FIXED_AES_KEY, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((v, k) => v ^ b[k]));
}
/** TCCR(x, i) = π(π(x) ⊕ i) ⊕ π(x), tweak little-endian in bytes 0..7. */
function tccrReference(x: Buffer, tweak: number): Buffer {
  const t = Buffer.alloc(16);
  t.writeBigUInt64LE(BigInt(tweak), 0);
  const px = pi(x);
  return xor(pi(xor(px, t)), px);
}

describe('tccrHashBlocks against a byte-level OpenSSL reference', () => {
  for (const start of [0, 1, 0xfffffff0, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER - 64]) {
    it(`tweaks from ${start}`, () => {
      const bytes = fromTextSeed(`tccr/${start}`).bytes(16 * 33);
      const out = tccrHashBlocks(new Uint32Array(bytes.slice().buffer), start);
      const got = Buffer.from(out.buffer);
      for (let k = 0; k < 33; k++) {
        const x = Buffer.from(bytes.subarray(16 * k, 16 * k + 16));
        expect(got.subarray(16 * k, 16 * k + 16).toString('hex')).toBe(tccrReference(x, start + k).toString('hex'));
      }
    });
  }
  it('output may alias the input', () => {
    const words = new Uint32Array(fromTextSeed('tccr/alias').bytes(64).buffer);
    const expected = tccrHashBlocks(words, 7);
    tccrHashBlocks(words, 7, words);
    expect(words).toEqual(expected);
  });
  it('refuses bad tweaks and sizes', () => {
    expect(() => tccrHashBlocks(new Uint32Array(4), -1)).toThrow(InvalidArgumentError);
    expect(() => tccrHashBlocks(new Uint32Array(8), Number.MAX_SAFE_INTEGER)).toThrow(InvalidArgumentError);
    expect(() => tccrHashBlocks(new Uint32Array(3), 0)).toThrow(InvalidArgumentError);
  });
});
