/**
 * The T-table AES-128 kernel against two independent implementations: the key schedule against
 * @noble/ciphers' expandKeyLE (same word layout), encryption against OpenSSL (node:crypto) under
 * random keys, and the per-block-tweak TCCR kernel against a byte-level OpenSSL TCCR.
 */
import { createCipheriv } from 'node:crypto';
import { unsafe } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { aes128EncryptWords, expandAes128Key, tccrWithTweakWords } from '../../src/hash/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed } from '../../src/random/index.js';

function ecb(key: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

describe('expandAes128Key', () => {
  it('equals @noble/ciphers expandKeyLE on 64 random keys and FIPS-197 A.1', () => {
    const rng = fromTextSeed('hash/aes/schedule');
    const keys = [Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'), new Uint8Array(16), ...Array.from({ length: 64 }, () => rng.bytes(16))];
    for (const key of keys) {
      expect(Array.from(new Uint32Array(expandAes128Key(Uint8Array.from(key)).buffer))).toEqual(Array.from(unsafe.expandKeyLE(Uint8Array.from(key))));
    }
    // FIPS-197 A.1: w[43] = b6630ca6 (big-endian word) for key 2b7e1516…
    const w43 = expandAes128Key(Uint8Array.from(keys[0]))[43] >>> 0;
    const be = ((w43 & 0xff) << 24) | (((w43 >>> 8) & 0xff) << 16) | (((w43 >>> 16) & 0xff) << 8) | (w43 >>> 24);
    expect((be >>> 0).toString(16)).toBe('b6630ca6');
  });
  it('refuses keys that are not 16 bytes', () => {
    expect(() => expandAes128Key(new Uint8Array(24))).toThrow(InvalidArgumentError);
  });
});

describe('aes128EncryptWords', () => {
  it('matches OpenSSL AES-128-ECB under random keys, including offsets and in-place use', () => {
    const rng = fromTextSeed('hash/aes/encrypt');
    for (let trial = 0; trial < 16; trial++) {
      const key = rng.bytes(16);
      const data = rng.bytes(16 * 37);
      const words = new Int32Array(data.slice().buffer);
      const out = new Int32Array(words.length);
      aes128EncryptWords(expandAes128Key(key), words, out, 37);
      expect(Buffer.from(out.buffer).toString('hex')).toBe(ecb(key, data).toString('hex'));
      // blocks 5..9 in place
      aes128EncryptWords(expandAes128Key(key), words, words, 5, 5, 5);
      expect(Buffer.from(words.buffer).subarray(80, 160).toString('hex')).toBe(ecb(key, data.subarray(80, 160)).toString('hex'));
    }
  });
});

describe('tccrWithTweakWords', () => {
  it('equals π(π(x) ⊕ i) ⊕ π(x) computed with OpenSSL, for arbitrary 64-bit tweaks', () => {
    const rng = fromTextSeed('hash/aes/tccr');
    const key = rng.bytes(16);
    const n = 41;
    const x = rng.bytes(16 * n);
    const tweaks = new Int32Array(rng.bytes(8 * n).buffer);
    const out = new Int32Array(4 * n);
    tccrWithTweakWords(expandAes128Key(key), new Int32Array(x.slice().buffer), tweaks, out, n);
    for (let k = 0; k < n; k++) {
      const px = ecb(key, x.subarray(16 * k, 16 * k + 16));
      const y = Buffer.from(px);
      y.writeInt32LE(y.readInt32LE(0) ^ tweaks[2 * k], 0);
      y.writeInt32LE(y.readInt32LE(4) ^ tweaks[2 * k + 1], 4);
      const h = ecb(key, y).map((v, j) => v ^ px[j]);
      expect(Buffer.from(out.buffer, 16 * k, 16).toString('hex')).toBe(Buffer.from(h).toString('hex'));
    }
  });
});
