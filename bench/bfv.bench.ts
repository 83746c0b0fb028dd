/**
 * BFV: delphi-ts against Microsoft SEAL 4.1 (node-seal 6.0.3, WebAssembly) on the same parameters,
 * in one run, n = 8192, t = p = 2061584302081:
 * - the fast path: Delphi's seven 30-bit primes (CoeffModulus.Create(8192, [30 × 7]));
 * - the wide path: SEAL's BFVDefault(8192) primes (43–44 bits), exact double arithmetic.
 * Per operation: encrypt, decrypt, multiplyPlain, rotateRows. Then, on the fast path, one 3×3
 * convolution 32×32×16 → 16 (padding 1) evaluated end to end — delphi-ts' evaluateLinearLayer
 * (hoisted rotations, NTT-domain accumulation, masking, flooding, switch-down) against the same
 * plan run through SEAL's own evaluator (test/he-linear/seal-linear.ts: rotateRows/rotateColumns,
 * NTT-form multiplyPlain, an encryption of zero in place of flooding, modulus switching), both with
 * pre-encoded plaintexts; a dense 784 → 100 layer; and BFV Beaver-triple generation (8192 triples
 * per iteration, both parties in one process).
 * Run: `npx vitest bench --run bench/bfv.bench.ts`. Vitest prints, per group, how many times faster
 * the fastest entry is than the others: that is the delphi-ts/SEAL ratio.
 */
import { bench, describe } from 'vitest';
import { bfvTripleClientSource, bfvTripleServerSource } from '../src/beaver/bfv-triples.js';
import * as bfv from '../src/bfv/index.js';
import { memoryChannelPair } from '../src/channel/channel.js';
import { fromTextSeed, uniformBelow } from '../src/random/index.js';
import { makePair, type ModulusChoice } from '../test/bfv/seal.js';
import { sealConv } from '../test/he-linear/seal-linear.js';
import { planLinearLayer, linearWeightCount, prepareLinearLayer, evaluateLinearLayer, generateLinearGaloisKeys, encryptLinearInput, type ConvShape, type DenseShape } from '../src/he-linear/index.js';
import { packLinearInput } from '../src/he-linear/layer.js';
import { preparePlaintext } from '../src/bfv/evaluator.js';

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
  const weightPlain = preparePlaintext(ctx, weightsRaw);
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

// ---- Linear layers and triples at Delphi's parameters (fast path) ----
const LAYER_OPTS = { time: 0, iterations: 5, warmupIterations: 1, warmupTime: 0 };
const layerPair = await makePair(N, { kind: 'create', bitSizes: [30, 30, 30, 30, 30, 30, 30] }, T);
const convShape: ConvShape = { kind: 'conv', inChannels: 16, height: 32, width: 32, outChannels: 16, kernel: [3, 3], padding: [1, 1, 1, 1] };
const conv = await (async () => {
  const { seal, sealContext, ctx } = layerPair;
  const plan = planLinearLayer(ctx, convShape);
  if (plan.kind !== 'conv') throw new Error('expected a conv plan');
  const rng = fromTextSeed('bench/bfv conv');
  const keygen = seal.KeyGenerator(sealContext);
  const sealKeys = { galoisKeys: keygen.createGaloisKeys(Int32Array.from(plan.rotationSteps)), publicKey: keygen.createPublicKey() };
  const none = seal.ComprModeType.none;
  const galoisKeys = bfv.deserializeGaloisKeys(ctx, sealKeys.galoisKeys.saveArray(none));
  const publicKey = bfv.deserializePublicKey(ctx, sealKeys.publicKey.saveArray(none));
  const r = Array.from({ length: plan.inputSize }, () => uniformBelow(rng, T));
  const weights = Float64Array.from({ length: linearWeightCount(convShape) }, () => uniformBelow(rng, T));
  const encoder = seal.BatchEncoder(sealContext);
  const encryptor = seal.Encryptor(sealContext, sealKeys.publicKey);
  const sealInputs = packLinearInput(plan, r).map(
    (slots) => encryptor.encrypt(encoder.encode(BigUint64Array.from(slots, BigInt)) as ReturnType<typeof seal.PlainText>) as ReturnType<typeof seal.CipherText>,
  );
  const inputs = sealInputs.map((c) => bfv.deserializeCiphertext(ctx, c.saveArray(none)));
  const layer = prepareLinearLayer(ctx, plan, weights, { precompute: true });
  const masks = Array.from({ length: plan.returnedCiphertexts }, () => Float64Array.from({ length: N }, () => uniformBelow(rng, T)));
  return { ctx, plan, layer, inputs, keys: { galoisKeys, publicKey }, rng, seal: sealConv(layerPair, plan, weights, sealKeys), sealInputs, masks };
})();

describe('3×3 conv 32×32×16 → 16, padding 1, n=8192, 7×30-bit, t=p (whole layer, plaintexts pre-encoded)', () => {
  bench('delphi-ts evaluateLinearLayer (hoisted, flooded)', () => void evaluateLinearLayer(conv.ctx, conv.layer, conv.inputs, conv.keys, conv.rng), LAYER_OPTS);
  bench('node-seal (SEAL 4.1 WASM), same plan', () => {
    for (const c of conv.seal.run(conv.sealInputs, conv.masks)) c.delete();
  }, LAYER_OPTS);
});

const dense = (() => {
  const { ctx } = layerPair;
  const shape: DenseShape = { kind: 'dense', inFeatures: 784, outFeatures: 100 };
  const rng = fromTextSeed('bench/bfv dense');
  const plan = planLinearLayer(ctx, shape);
  const sk = bfv.generateSecretKey(ctx, rng);
  const keys = { galoisKeys: generateLinearGaloisKeys(ctx, sk, [plan], rng), publicKey: bfv.generatePublicKey(ctx, sk, rng) };
  const inputs = encryptLinearInput(ctx, plan, sk, Array.from({ length: 784 }, () => uniformBelow(rng, T)), rng);
  const layer = prepareLinearLayer(ctx, plan, Array.from({ length: 78400 }, () => uniformBelow(rng, T)), { precompute: true });
  return { ctx, layer, inputs, keys, rng };
})();

describe('dense 784 → 100, n=8192, 7×30-bit, t=p (whole layer, plaintexts pre-encoded)', () => {
  bench('delphi-ts evaluateLinearLayer', () => void evaluateLinearLayer(dense.ctx, dense.layer, dense.inputs, dense.keys, dense.rng), LAYER_OPTS);
});

const triples = (() => {
  const { ctx } = layerPair;
  const rng = fromTextSeed('bench/bfv triples');
  const sk = bfv.generateSecretKey(ctx, rng);
  const pk = bfv.generatePublicKey(ctx, sk, rng);
  const [a, b] = memoryChannelPair();
  return {
    client: bfvTripleClientSource(ctx, a, 0, { secretKey: sk, rng: fromTextSeed('bench client') }),
    server: bfvTripleServerSource(ctx, b, 1, { publicKey: pk, rng: fromTextSeed('bench server') }),
  };
})();

describe('Beaver triples from BFV, 8192 per iteration (both parties), n=8192, 7×30-bit, t=p', () => {
  bench('delphi-ts bfvTriple{Client,Server}Source', async () => {
    await Promise.all([triples.client.triples(8192), triples.server.triples(8192)]);
  }, LAYER_OPTS);
});
