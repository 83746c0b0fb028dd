import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hexToBytes, bytesToHex } from '@noble/hashes/utils.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { FIXED_AES_KEY, FixedKeyAes } from '../../src/hash/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed } from '../../src/random/index.js';

describe('FixedKeyAes: FIPS-197 vectors', () => {
  it('Appendix C.1 (AES-128)', () => {
    const aes = new FixedKeyAes(hexToBytes('000102030405060708090a0b0c0d0e0f'));
    expect(bytesToHex(aes.encryptBytes(hexToBytes('00112233445566778899aabbccddeeff')))).toBe(
      '69c4e0d86a7b0430d8cdb78070b4c55a',
    );
  });
  it('Appendix B (cipher example)', () => {
    const aes = new FixedKeyAes(hexToBytes('2b7e151628aed2a6abf7158809cf4f3c'));
    expect(bytesToHex(aes.encryptBytes(hexToBytes('3243f6a8885a308d313198a2e0370734')))).toBe(
      '3925841d02dc09fbdc118597196a0b32',
    );
  });
  it('all-zero key and block', () => {
    const aes = new FixedKeyAes(new Uint8Array(16));
    expect(bytesToHex(aes.encryptBytes(new Uint8Array(16)))).toBe('66e94bd4ef8a2c3b884cfa59ca342b2e');
  });
});

describe('FixedKeyAes: against OpenSSL AES-128-ECB on random blocks', () => {
  it('the fixed key is BLAKE2b-128 of the label', () => {
    expect(FIXED_AES_KEY).toEqual(blake2b(new TextEncoder().encode('delphi-ts/hash/fixed-key-aes/v1'), { dkLen: 16 }));
  });
  it('word layout: word k = bytes 4k..4k+3 little-endian', () => {
    const rng = fromTextSeed('hash/aes');
    const bytes = rng.bytes(16 * 257);
    const words = new Uint32Array(bytes.slice().buffer);
    const out = new FixedKeyAes().encryptBlocks(words);
    const c = createCipheriv('aes-128-ecb', FIXED_AES_KEY, null).setAutoPadding(false);
    const expected = Buffer.concat([c.update(bytes), c.final()]);
    expect(bytesToHex(new Uint8Array(out.buffer))).toBe(expected.toString('hex'));
  });
  it('refuses wrong sizes', () => {
    expect(() => new FixedKeyAes(new Uint8Array(15))).toThrow(InvalidArgumentError);
    expect(() => new FixedKeyAes().encryptBlocks(new Uint32Array(5))).toThrow(InvalidArgumentError);
    expect(() => new FixedKeyAes().encryptBlocks(new Uint32Array(4), new Uint32Array(8))).toThrow(InvalidArgumentError);
  });
});
