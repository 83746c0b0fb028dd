/**
 * BFV: delphi-ts against Microsoft SEAL 4.1 (node-seal 6.0.3, WebAssembly) on the same parameters,
 * in one run, n = 8192, t = p = 2061584302081:
 * - the fast path: Delphi's seven 30-bit primes (CoeffModulus.Create(8192, [30 × 7]));
 * - the wide path: SEAL's BFVDefault(8192) primes (43–44 bits), exact double arithmetic.
 * Run: `npx vitest bench --run bench/bfv.bench.ts`. Vitest prints, per group, how many times faster
 * the fastest entry is than the others: that is the delphi-ts/SEAL ratio.
 */
import { bench, describe } from 'vitest';
import * as bfv from '../src/bfv/index.js';
import { fromTextSeed, uniformBelow } from '../src/random/index.js';
import { makePair, type ModulusChoice } from '../test/bfv/seal.js';

const N = 8192;
const T = 2061584302081;
const OPTS = { warmupTime: 300, warmupIterations: 5, time: 1500 };

async function setup(choice: ModulusChoice) {
  const { seal, sealContext, ctx } = await makePair(N, choice, T);
  const rng = fromTextSeed('bench/bfv');
  const slots = BigUint64Array.from({ length: N }, () => BigInt(uniformBelow(rng, T)));
  const weights = BigUint64Array.from({ length: N }, () => BigInt(uniformBelow(rng, T)));
  // delphi-ts side
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const gk = bfv.generateGaloisKeys(ctx, sk, rng, { steps: [1] });
  const plain = bfv.batchEncode(ctx, Array.from(slots, Number));
  const weightsRaw = bfv.batchEncode(ctx, Array.from(weights, Number));
  const weightPlain = bfv.preparePlaintext(ctx, weightsRaw);
  const ct = bfv.bfvEncrypt(ctx, pk, plain, rng);
  // SEAL side, same parameters
  const keygen = seal.KeyGenerator(sealContext);
  const encoder = seal.BatchEncoder(sealContext);
  const sealPlain = encoder.encode(slots) as ReturnType<typeof seal.PlainText>;
  const encryptor = seal.Encryptor(sealContext, keygen.createPublicKey());
  return {
    ctx,
    rng,
    sk,
    pk,
    gk,
    plain,
    weightsRaw,
    weightPlain,
    ct,
    sealGk: keygen.createGaloisKeys(Int32Array.from([1])),
    encryptor,
    decryptor: seal.Decryptor(sealContext, keygen.secretKey()),
    evaluator: seal.Evaluator(sealContext),
    sealPlain,
    sealWeights: encoder.encode(weights) as ReturnType<typeof seal.PlainText>,
    sealCt: encryptor.encrypt(sealPlain) as ReturnType<typeof seal.CipherText>,
    sealOut: seal.CipherText(),
    sealPt: seal.PlainText(),
  };
}

const paths = [
  { label: '7×30-bit (fast path)', s: await setup({ kind: 'create', bitSizes: [30, 30, 30, 30, 30, 30, 30] }) },
  { label: 'BFVDefault 43/44-bit (wide path)', s: await setup({ kind: 'default' }) },
];

for (const { label, s } of paths) {
  describe(`BFV encrypt (public key), n=8192, ${label}, t=p`, () => {
    bench('delphi-ts', () => void bfv.bfvEncrypt(s.ctx, s.pk, s.plain, s.rng), OPTS);
    bench('node-seal (SEAL 4.1 WASM)', () => void s.encryptor.encrypt(s.sealPlain, s.sealOut), OPTS);
  });

  describe(`BFV decrypt, n=8192, ${label}, t=p`, () => {
    bench('delphi-ts', () => void bfv.bfvDecrypt(s.ctx, s.sk, s.ct), OPTS);
    bench('node-seal (SEAL 4.1 WASM)', () => void s.decryptor.decrypt(s.sealCt, s.sealPt), OPTS);
  });

  describe(`BFV multiplyPlain, n=8192, ${label}, t=p`, () => {
    bench('delphi-ts (plaintext prepared once)', () => void bfv.bfvMultiplyPlain(s.ctx, s.ct, s.weightPlain), OPTS);
    bench('delphi-ts (plaintext lifted each time, as SEAL)', () => void bfv.bfvMultiplyPlain(s.ctx, s.ct, s.weightsRaw), OPTS);
    bench('node-seal (SEAL 4.1 WASM)', () => void s.evaluator.multiplyPlain(s.sealCt, s.sealWeights, s.sealOut), OPTS);
  });

  describe(`BFV rotateRows by 1, n=8192, ${label}, t=p`, () => {
    bench('delphi-ts', () => void bfv.bfvRotateRows(s.ctx, s.ct, 1, s.gk), OPTS);
    bench('node-seal (SEAL 4.1 WASM)', () => void s.evaluator.rotateRows(s.sealCt, 1, s.sealGk, s.sealOut), OPTS);
  });
}
