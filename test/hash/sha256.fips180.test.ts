import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha256Reference } from '../../src/hash/sha256.js';
import { fromSeed } from '../../src/random/index.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('sha256 (slot checksums, §9.14.3)', () => {
  it('FIPS 180-4 examples: "abc" and the empty string, on both paths', () => {
    const abc = new TextEncoder().encode('abc');
    for (const f of [sha256, sha256Reference]) {
      expect(hex(f(abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(hex(f(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    }
  });

  it('the OpenSSL path and the pure-TypeScript path agree with node:crypto on random inputs of many lengths', () => {
    const rng = fromSeed(new Uint8Array(32).fill(7));
    for (const n of [1, 55, 56, 63, 64, 65, 1000, 4096 + 3, 1 << 20]) {
      const data = new Uint8Array(n);
      rng.fill(data);
      const expected = hex(createHash('sha256').update(data).digest());
      expect(hex(sha256(data)), `n = ${n}`).toBe(expected);
      expect(hex(sha256Reference(data)), `n = ${n}`).toBe(expected);
    }
  });
});
