/**
 * Hash benchmarks: fixed-key AES (the T-table kernel, OpenSSL through the node-crypto backend and
 * @noble/ciphers for comparison), the one-call garbling hash and TCCR with each backend.
 * Run: `npx vitest bench --run bench/hash.bench.ts`. "[ops=N]" counts blocks.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { bench, describe } from 'vitest';
import { aes128EncryptWords, FIXED_AES_KEY, FixedKeyAes, fixedKeyAes, mmoHashBlocks, nodeAesAvailable, tccrHashBlocks, tccrWithTweakWords } from '../src/hash/index.js';
import { fromTextSeed } from '../src/random/index.js';

const N = 1 << 16;
const blocks = new Uint32Array(fromTextSeed('bench/hash').bytes(16 * N).buffer);
const out = new Uint32Array(4 * N);
const blocks32 = new Int32Array(blocks.buffer);
const out32 = new Int32Array(out.buffer);
const tweaks = new Int32Array(2 * N).map((_, i) => i >> 1);
const rk = fixedKeyAes().roundKeys;
const xk = unsafe.expandKeyLE(Uint8Array.from(FIXED_AES_KEY));

describe(`fixed-key AES-128, ${N} blocks`, () => {
  bench(`T-table kernel (src/hash/aes.ts) [ops=${N}]`, () => {
    aes128EncryptWords(rk, blocks32, out32, N);
  });
  bench(`@noble/ciphers unsafe.encrypt [ops=${N}]`, () => {
    const enc = unsafe.encrypt;
    for (let i = 0; i < blocks.length; i += 4) {
      const r = enc(xk, blocks[i], blocks[i + 1], blocks[i + 2], blocks[i + 3]);
      out[i] = r.s0;
      out[i + 1] = r.s1;
      out[i + 2] = r.s2;
      out[i + 3] = r.s3;
    }
  });
});

const backends = nodeAesAvailable() ? (['typescript', 'node-crypto'] as const) : (['typescript'] as const);
describe(`π through the AES backends (§5.1), ${N} blocks`, () => {
  for (const backend of backends) {
    const aes = new FixedKeyAes(FIXED_AES_KEY, backend);
    bench(`${backend} encryptWords [ops=${N}]`, () => {
      aes.encryptWords(blocks32, out32, N);
    });
  }
});

describe(`garbling hash H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x) vs TCCR, ${N} blocks`, () => {
  for (const backend of backends) {
    const aes = new FixedKeyAes(FIXED_AES_KEY, backend);
    bench(`${backend}: mmoHashBlocks (1 AES/hash) [ops=${N}]`, () => {
      mmoHashBlocks(blocks, 0, out, aes);
    });
    bench(`${backend}: tccrHashBlocks (2 AES/hash) [ops=${N}]`, () => {
      tccrHashBlocks(blocks, 0, out, aes);
    });
  }
});

describe(`TCCR, ${N} blocks`, () => {
  bench(`tccrHashBlocks (consecutive tweaks) [ops=${N}]`, () => {
    tccrHashBlocks(blocks, 0, out);
  });
  bench(`tccrWithTweakWords (per-block tweaks) [ops=${N}]`, () => {
    tccrWithTweakWords(rk, blocks32, tweaks, out32, N);
  });
});
