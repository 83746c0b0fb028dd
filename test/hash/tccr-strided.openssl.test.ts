/**
 * The strided TCCR kernel used by the garbling kernels against a byte-level OpenSSL computation of
 * π(π(x ⊕ d) ⊕ t) ⊕ π(x ⊕ d), with source and destination offsets and tweaks above 2^32.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIXED_AES_KEY, fixedKeyAes, tccrStrided, tccrStridedPair } from '../../src/hash/index.js';
import { fromTextSeed } from '../../src/random/index.js';

const pi = (b: Buffer): Buffer => {
  const c = createCipheriv('aes-128-ecb', FIXED_AES_KEY, null).setAutoPadding(false);
  return Buffer.concat([c.update(b), c.final()]);
};

describe('tccrStrided', () => {
  it('matches OpenSSL with a mask, offsets and a tweak progression crossing 2^32', () => {
    const rng = fromTextSeed('hash/tccr-strided');
    const src = new Int32Array(rng.bytes(4 * 4 * 20).buffer);
    const d = Array.from(new Int32Array(rng.bytes(16).buffer));
    const out = new Int32Array(4 * 30);
    const start = 2 ** 32 - 6;
    const stride = 3;
    tccrStrided(fixedKeyAes().roundKeys, src, 8, d[0], d[1], d[2], d[3], out, 12, 15, start, stride);
    for (let b = 0; b < 15; b++) {
      const x = Buffer.alloc(16);
      for (let w = 0; w < 4; w++) x.writeInt32LE(src[8 + 4 * b + w] ^ d[w], 4 * w);
      const px = pi(x);
      const y = Buffer.from(px);
      const t = start + b * stride;
      y.writeUInt32LE((y.readUInt32LE(0) ^ t % 2 ** 32) >>> 0, 0);
      y.writeUInt32LE((y.readUInt32LE(4) ^ Math.floor(t / 2 ** 32)) >>> 0, 4);
      const h = Buffer.from(pi(y).map((v, j) => v ^ px[j]));
      expect(Buffer.from(out.buffer, 4 * (12 + 4 * b), 16).toString('hex'), `block ${b}`).toBe(h.toString('hex'));
    }
    expect(Array.from(out.subarray(0, 12))).toEqual(new Array(12).fill(0));
  });
});

describe('tccrStridedPair', () => {
  it('equals two tccrStrided streams (the kernel above is checked against OpenSSL)', () => {
    const rng = fromTextSeed('hash/tccr-strided-pair');
    const src = new Int32Array(rng.bytes(16 * 40).buffer);
    const [e, f] = [Array.from(new Int32Array(rng.bytes(16).buffer)), Array.from(new Int32Array(rng.bytes(16).buffer))];
    const rk = fixedKeyAes().roundKeys;
    for (const count of [0, 1, 7]) {
      const pair = new Int32Array(4 * 40);
      const single = new Int32Array(4 * 40);
      tccrStridedPair(rk, src, 4, e[0], e[1], e[2], e[3], 64, f[0], f[1], f[2], f[3], pair, 0, 80, count, 2 ** 32 - 2, 2 ** 40, 5);
      tccrStrided(rk, src, 4, e[0], e[1], e[2], e[3], single, 0, count, 2 ** 32 - 2, 5);
      tccrStrided(rk, src, 64, f[0], f[1], f[2], f[3], single, 80, count, 2 ** 40, 5);
      expect(Array.from(pair)).toEqual(Array.from(single));
    }
  });
});
