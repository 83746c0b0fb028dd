/**
 * The OT-extension PRG (AES-128-CTR, §6.4) against Node's OpenSSL-backed `aes-128-ctr`: an
 * independent AES and counter implementation. Includes counter carries across byte and word
 * boundaries of the 128-bit big-endian counter.
 */
import { createCipheriv } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { setAesBackend } from '../../src/hash/index.js';
import { AesCtrPrg } from '../../src/ot/prg.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { rngFor } from './helpers.js';

/** Blocks [first, first + count) of AES-128-CTR(key, IV = 0) by OpenSSL, as little-endian words. */
function opensslStream(key: Uint8Array, first: number, count: number): Uint32Array {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(first), 8);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const bytes = Buffer.concat([cipher.update(Buffer.alloc(16 * count)), cipher.final()]);
  const words = new Uint32Array(4 * count);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(4 * i);
  return words;
}

describe('AesCtrPrg', () => {
  const key = rngFor('prg-key').bytes(16);

  for (const [first, count] of [
    [0, 1],
    [0, 64],
    [5, 3],
    [255, 2],
    [65535, 3],
    [2 ** 32 - 1, 3],
    [2 ** 40 + 17, 5],
    [2 ** 53 - 2, 1],
    [2 ** 32 - 7, 64],
    [2 ** 53 - 70, 64],
  ] as const) {
    for (const backend of ['typescript', 'node-crypto'] as const) {
      it(`matches OpenSSL aes-128-ctr for blocks ${first}..${first + count - 1} (${backend} keystream)`, () => {
        setAesBackend(backend);
        const prg = new AesCtrPrg(key);
        expect(prg.fillBlocks(first, new Uint32Array(4 * count))).toEqual(opensslStream(key, first, count));
      });
    }
  }
  afterEach(() => setAesBackend('auto'));

  it('gives the same blocks whether produced at once or piecewise (random access)', () => {
    const prg = new AesCtrPrg(key);
    const whole = prg.fillBlocks(10, new Uint32Array(4 * 20));
    const parts = new Uint32Array(4 * 20);
    prg.fillBlocks(20, parts.subarray(40));
    prg.fillBlocks(10, parts.subarray(0, 40));
    expect(parts).toEqual(whole);
  });

  it('depends on the seed', () => {
    const other = Uint8Array.from(key);
    other[15] ^= 1;
    expect(new AesCtrPrg(other).fillBlocks(0, new Uint32Array(4))).not.toEqual(new AesCtrPrg(key).fillBlocks(0, new Uint32Array(4)));
  });

  it('rejects bad seeds and indices', () => {
    expect(() => new AesCtrPrg(new Uint8Array(32))).toThrow(InvalidArgumentError);
    const prg = new AesCtrPrg(key);
    expect(() => prg.fillBlocks(-1, new Uint32Array(4))).toThrow(InvalidArgumentError);
    expect(() => prg.fillBlocks(2 ** 53, new Uint32Array(4))).toThrow(InvalidArgumentError);
    expect(() => prg.fillBlocks(0, new Uint32Array(3))).toThrow(InvalidArgumentError);
  });
});
