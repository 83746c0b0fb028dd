/**
 * Linear layers at Delphi's parameters (n = 8192, CoeffModulus.Create(8192, [30 × 7]), t = p), with
 * the client played by Microsoft SEAL 4.1 (node-seal): SEAL generates the keys — Galois keys for
 * exactly the plan's rotation steps, step 0 being SEAL's column swap — and encrypts the packed input;
 * delphi-ts evaluates the layer with SEAL's keys; SEAL decrypts the returned (flooded, switched-down)
 * ciphertexts, and output + server share must equal M·r mod p (BigInt reference).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { makePair, type Pair } from '../bfv/seal.js';
import { sumPoolLayer } from '../../src/he-linear/shapes.js';
import { planLinearLayer, linearWeightCount, prepareLinearLayer, evaluateLinearLayer, linearReference, type LinearShape, type ConvShape } from '../../src/he-linear/index.js';
import { packLinearInput } from '../../src/he-linear/layer.js';
import { unpackOutputSlots } from '../../src/he-linear/layout.js';

const P = 2061584302081;
const N = 8192;

let pair: Pair;
beforeAll(async () => {
  pair = await makePair(N, { kind: 'create', bitSizes: [30, 30, 30, 30, 30, 30, 30] }, P);
});

const SHAPES: { name: string; shape: LinearShape; weights?: 'ones' }[] = [
  { name: 'conv 8×16×16 → 8, 3×3, padding 1', shape: { kind: 'conv', inChannels: 8, height: 16, width: 16, outChannels: 8, kernel: [3, 3], padding: [1, 1, 1, 1] } },
  { name: 'dense 784 → 100 (MNIST)', shape: { kind: 'dense', inFeatures: 784, outFeatures: 100 } },
  { name: 'sum pool 2×2 on 16×16×16', shape: sumPoolLayer(16, 16, 16, 2).shape, weights: 'ones' },
];

describe.each(SHAPES)('SEAL client, delphi-ts server: $name', ({ name, shape, weights: kind }) => {
  it('SEAL decrypts the returned ciphertexts to M·r − s', () => {
    const { seal, sealContext, ctx } = pair;
    const none = seal.ComprModeType.none;
    const plan = planLinearLayer(ctx, shape);
    expect(plan.returnedCiphertexts).toBe(plan.outputCiphertexts);
    // Client (SEAL): keys, Galois keys for the plan's steps, encrypted input.
    const keygen = seal.KeyGenerator(sealContext);
    const sealSk = keygen.secretKey();
    const sealPk = keygen.createPublicKey();
    const sealGk = keygen.createGaloisKeys(Int32Array.from(plan.rotationSteps));
    const encoder = seal.BatchEncoder(sealContext);
    const encryptor = seal.Encryptor(sealContext, sealPk);
    const rng = fromTextSeed(`seal client ${name}`);
    const r = Array.from({ length: plan.inputSize }, () => uniformBelow(rng, P));
    const inputs = packLinearInput(plan, r).map((slots) => {
      const ct = encryptor.encrypt(encoder.encode(BigUint64Array.from(slots, BigInt)) as ReturnType<typeof seal.PlainText>) as ReturnType<
        typeof seal.CipherText
      >;
      return bfv.deserializeCiphertext(ctx, ct.saveArray(none));
    });
    const galoisKeys = bfv.deserializeGaloisKeys(ctx, sealGk.saveArray(none));
    expect([...galoisKeys.keys.keys()].sort((a, b) => a - b)).toEqual([...plan.galoisElements]);
    // Server (delphi-ts).
    const w =
      kind === 'ones'
        ? new Array<number>(linearWeightCount(shape)).fill(1)
        : Array.from({ length: linearWeightCount(shape) }, () => uniformBelow(rng, 4001) - 2000);
    const layer = prepareLinearLayer(ctx, plan, w);
    const result = evaluateLinearLayer(ctx, layer, inputs, { galoisKeys, publicKey: bfv.deserializePublicKey(ctx, sealPk.saveArray(none)) }, fromTextSeed(`server ${name}`));
    expect(result.ciphertexts.every((ct) => ct.coeffModulusSize === plan.returnLevel)).toBe(true);
    // Client (SEAL) decrypts.
    const decryptor = seal.Decryptor(sealContext, sealSk);
    const slots = result.ciphertexts.map((ct) => {
      const loaded = seal.CipherText();
      loaded.loadArray(sealContext, bfv.serializeCiphertext(ctx, ct));
      expect(decryptor.invariantNoiseBudget(loaded)).toBeGreaterThan(0);
      return Float64Array.from(encoder.decodeBigInt(decryptor.decrypt(loaded) as ReturnType<typeof seal.PlainText>, false), Number);
    });
    const out = unpackOutputSlots(plan, slots);
    const expected = linearReference(shape, w, r);
    expect(Array.from(out, (v, i) => (v + result.share[i]) % P)).toEqual(Array.from(expected));
  });
});

describe('the same convolution with SEAL\'s own evaluator (the benchmark\'s reference pipeline)', () => {
  it('gives the same outputs as delphi-ts for the same plan', async () => {
    const { sealConv } = await import('./seal-linear.js');
    const { seal, sealContext, ctx } = pair;
    const shape: ConvShape = { kind: 'conv', inChannels: 8, height: 32, width: 32, outChannels: 8, kernel: [3, 3], padding: [1, 1, 1, 1] };
    const plan = planLinearLayer(ctx, shape);
    if (plan.kind !== 'conv') throw new Error('expected a conv plan');
    const keygen = seal.KeyGenerator(sealContext);
    const keys = { galoisKeys: keygen.createGaloisKeys(Int32Array.from(plan.rotationSteps)), publicKey: keygen.createPublicKey() };
    const encoder = seal.BatchEncoder(sealContext);
    const rng = fromTextSeed('seal conv');
    const r = Array.from({ length: plan.inputSize }, () => uniformBelow(rng, P));
    const w = Float64Array.from({ length: linearWeightCount(shape) }, () => uniformBelow(rng, P));
    const encryptor = seal.Encryptor(sealContext, keys.publicKey);
    const inputs = packLinearInput(plan, r).map(
      (slots) => encryptor.encrypt(encoder.encode(BigUint64Array.from(slots, BigInt)) as ReturnType<typeof seal.PlainText>) as ReturnType<typeof seal.CipherText>,
    );
    const conv = sealConv(pair, plan, w, keys);
    const outs = conv.run(inputs, Array.from({ length: plan.returnedCiphertexts }, () => new Float64Array(N)));
    const decryptor = seal.Decryptor(sealContext, keygen.secretKey());
    const slots = outs.map((ct) => Float64Array.from(encoder.decodeBigInt(decryptor.decrypt(ct) as ReturnType<typeof seal.PlainText>, false), Number));
    expect(Array.from(unpackOutputSlots(plan, slots))).toEqual(Array.from(linearReference(shape, w, r)));
    conv.dispose();
    for (const c of [...outs, ...inputs]) c.delete();
  });
});
