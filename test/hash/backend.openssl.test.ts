/**
 * The two AES backends of §5.1 on the same inputs: the TypeScript T-table kernel and OpenSSL's
 * AES-128-ECB reached through node:crypto, each against OpenSSL called directly here, for batch sizes
 * on both sides of the small-batch cut-over; and the backend choice.
 */
import { createCipheriv } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  aesBackendChoice,
  FIXED_AES_KEY,
  FixedKeyAes,
  fixedKeyAes,
  NODE_MIN_BLOCKS,
  nodeAesAvailable,
  setAesBackend,
  tccrHashBlocks,
} from '../../src/hash/index.js';
import { fromTextSeed } from '../../src/random/index.js';

function openssl(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(bytes), c.final()]));
}

afterEach(() => setAesBackend('auto'));

describe('AES backends against OpenSSL', () => {
  it('node:crypto is reachable in Node', () => {
    expect(nodeAesAvailable()).toBe(true);
    expect(new FixedKeyAes(FIXED_AES_KEY).backend).toBe('node-crypto');
    expect(new FixedKeyAes(FIXED_AES_KEY, 'typescript').backend).toBe('typescript');
  });
  for (const key of [FIXED_AES_KEY, fromTextSeed('backend/key').bytes(16)]) {
    for (const count of [1, NODE_MIN_BLOCKS - 1, NODE_MIN_BLOCKS, NODE_MIN_BLOCKS + 1, 1000]) {
      it(`${count} blocks, key ${Buffer.from(key).toString('hex').slice(0, 8)}…: both backends equal OpenSSL`, () => {
        const bytes = fromTextSeed(`backend/${count}`).bytes(16 * count);
        const expected = openssl(key, bytes);
        for (const backend of ['typescript', 'node-crypto'] as const) {
          const aes = new FixedKeyAes(key, backend);
          const input = new Int32Array(bytes.slice().buffer);
          const out = new Int32Array(4 * count);
          aes.encryptWords(input, out, count);
          expect(new Uint8Array(out.buffer)).toEqual(expected);
          aes.encryptWords(input, input, count); // in place
          expect(new Uint8Array(input.buffer)).toEqual(expected);
        }
      });
    }
  }
  it('reads and writes at the views’ offsets (subarrays)', () => {
    const bytes = fromTextSeed('backend/offset').bytes(16 * 40);
    const expected = openssl(FIXED_AES_KEY, bytes.subarray(16 * 3, 16 * 35));
    for (const backend of ['typescript', 'node-crypto'] as const) {
      const words = new Int32Array(bytes.slice().buffer);
      const out = new Int32Array(4 * 40);
      new FixedKeyAes(FIXED_AES_KEY, backend).encryptWords(words.subarray(12), out.subarray(8), 32);
      expect(new Uint8Array(out.buffer, 32, 16 * 32)).toEqual(expected);
      expect(Array.from(out.subarray(0, 8))).toEqual(new Array(8).fill(0));
    }
  });
  it('tccrHashBlocks (fused TypeScript kernel vs two batched OpenSSL passes) agree on 1100 blocks', () => {
    const words = new Uint32Array(fromTextSeed('backend/tccr').bytes(16 * 1100).buffer);
    const ts = tccrHashBlocks(words, 2 ** 35 - 3, undefined, new FixedKeyAes(FIXED_AES_KEY, 'typescript'));
    const ossl = tccrHashBlocks(words, 2 ** 35 - 3, undefined, new FixedKeyAes(FIXED_AES_KEY, 'node-crypto'));
    expect(ossl).toEqual(ts);
  });
  it('setAesBackend rebuilds the shared instance and refuses unknown names', () => {
    setAesBackend('typescript');
    expect(aesBackendChoice()).toBe('typescript');
    expect(fixedKeyAes().backend).toBe('typescript');
    setAesBackend('node-crypto');
    expect(fixedKeyAes().backend).toBe('node-crypto');
    expect(() => setAesBackend('wasm' as never)).toThrow(InvalidArgumentError);
    expect(aesBackendChoice()).toBe('node-crypto');
  });
});
