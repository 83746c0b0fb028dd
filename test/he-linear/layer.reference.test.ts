/**
 * Homomorphic linear layers (src/he-linear) against the plain computation M·r mod p
 * (linearReference, BigInt) on random layers of many shapes, on a small insecure ring (n = 1024,
 * seven 30-bit primes, t = p) so that every code path is reached quickly: padding (symmetric and
 * not), strides, several channel blocks per row, images larger than a row (tiling), several input
 * and output ciphertexts, depthwise convolutions and sum pooling, dense layers whose input fits a
 * row and longer ones (column blocks in both rows), and the split into several flooded parts.
 * The client decrypts M·r − s; adding the server's share s must give the reference exactly.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';
import { planLinearLayer, generateLinearGaloisKeys, linearWeightCount, encryptLinearInput, prepareLinearLayer, evaluateLinearLayer, decryptLinearOutput, linearReference, linearOutputSize, linearGaloisElements, type LinearPlan, type LinearEvaluation, type PreparedLinearLayer, type LinearShape, type ConvShape, type DenseShape, type PlaintextSource, type DensePlaintextSource } from '../../src/he-linear/index.js';
import { packLinearInput } from '../../src/he-linear/layer.js';
import { evaluateConvParts } from '../../src/he-linear/conv.js';
import { evaluateDenseParts } from '../../src/he-linear/dense.js';
import { noiseBoundBits } from '../../src/he-linear/noise-bounds.js';
import { sumPoolLayer } from '../../src/he-linear/shapes.js';

const P = 2061584302081;
const n = 1024;
const ctx = bfv.createBfvContext(
  bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P, insecure: true }),
);
const keyRng = fromTextSeed('linear layers: client keys');
const sk = bfv.generateSecretKey(ctx, keyRng);
const pk = bfv.generatePublicKey(ctx, sk, keyRng);

function field(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => uniformBelow(rng, P));
}

/** Signed small weights, as a fixed-point model has them (exercises the (−p, p) input path). */
function signedSmall(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => uniformBelow(rng, 511) - 255);
}

function addMod(a: Float64Array, b: Float64Array): number[] {
  return Array.from(a, (x, i) => (x + b[i]) % P);
}

interface Run {
  readonly plan: LinearPlan;
  readonly r: number[];
  readonly weights: number[];
  readonly evaluation: LinearEvaluation;
  readonly decrypted: Float64Array;
  readonly inputs: bfv.Ciphertext[];
  readonly gk: bfv.GaloisKeys;
  readonly layer: PreparedLinearLayer;
}

function run(shape: LinearShape, seed: string, options: { lambda?: number; signed?: boolean; precompute?: boolean; publicKey?: boolean } = {}): Run {
  const rng = fromTextSeed(seed);
  const plan = planLinearLayer(ctx, shape, { lambda: options.lambda });
  const gk = generateLinearGaloisKeys(ctx, sk, [plan], rng);
  const r = field(rng, plan.inputSize);
  const count = linearWeightCount(shape);
  const weights = options.signed ? signedSmall(rng, count) : field(rng, count);
  const inputs = encryptLinearInput(ctx, plan, options.publicKey ? pk : sk, r, rng);
  const layer = prepareLinearLayer(ctx, plan, weights, { precompute: options.precompute });
  const evaluation = evaluateLinearLayer(ctx, layer, inputs, { galoisKeys: gk, publicKey: pk }, fromTextSeed(`${seed}: server`));
  const decrypted = decryptLinearOutput(ctx, plan, sk, evaluation.ciphertexts);
  return { plan, r, weights, evaluation, decrypted, inputs, gk, layer };
}

const CONV_SHAPES: { name: string; shape: ConvShape }[] = [
  { name: '3×8×8 → 5, 3×3, padding 1 (several blocks per row)', shape: { kind: 'conv', inChannels: 3, height: 8, width: 8, outChannels: 5, kernel: [3, 3], padding: [1, 1, 1, 1] } },
  { name: '2×7×9 → 3, 3×2, stride 2, asymmetric padding', shape: { kind: 'conv', inChannels: 2, height: 7, width: 9, outChannels: 3, kernel: [3, 2], stride: [2, 2], padding: [0, 1, 2, 0] } },
  { name: '2×30×30 → 2, 3×3, padding 1 (tiled: image larger than a row)', shape: { kind: 'conv', inChannels: 2, height: 30, width: 30, outChannels: 2, kernel: [3, 3], padding: [1, 1, 1, 1] } },
  { name: '1×40×12 → 2, 5×3, stride [3, 1], padding [2, 1, 2, 1] (tiled, strided)', shape: { kind: 'conv', inChannels: 1, height: 40, width: 12, outChannels: 2, kernel: [5, 3], stride: [3, 1], padding: [2, 1, 2, 1] } },
  { name: '20×4×4 → 18, 3×3, padding 1 (several input and output ciphertexts)', shape: { kind: 'conv', inChannels: 20, height: 4, width: 4, outChannels: 18, kernel: [3, 3], padding: [1, 1, 1, 1] } },
  { name: '6×5×5 → 4, 1×1', shape: { kind: 'conv', inChannels: 6, height: 5, width: 5, outChannels: 4, kernel: [1, 1] } },
  { name: '2×3×3 → 3, kernel as large as the image', shape: { kind: 'conv', inChannels: 2, height: 3, width: 3, outChannels: 3, kernel: [3, 3] } },
  { name: 'padding wider than the kernel (1×4×4 → 1, 1×1, padding 2)', shape: { kind: 'conv', inChannels: 1, height: 4, width: 4, outChannels: 1, kernel: [1, 1], padding: [2, 2, 2, 2] } },
  { name: 'depthwise 5×6×6, 3×3, stride 2, padding 1', shape: { kind: 'conv', inChannels: 5, height: 6, width: 6, outChannels: 5, kernel: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1], depthwise: true } },
];

const DENSE_SHAPES: { name: string; shape: DenseShape }[] = [
  { name: '20 → 7', shape: { kind: 'dense', inFeatures: 20, outFeatures: 7 } },
  { name: '100 → 300 (more outputs than inputs)', shape: { kind: 'dense', inFeatures: 100, outFeatures: 300 } },
  { name: '1 → 1', shape: { kind: 'dense', inFeatures: 1, outFeatures: 1 } },
  { name: '512 → 513 (several output ciphertexts)', shape: { kind: 'dense', inFeatures: 512, outFeatures: 513 } },
  { name: '1200 → 30 (input longer than a row: column blocks)', shape: { kind: 'dense', inFeatures: 1200, outFeatures: 30 } },
  { name: '2100 → 5 (three column blocks, two input ciphertexts)', shape: { kind: 'dense', inFeatures: 2100, outFeatures: 5 } },
];

describe.each([...CONV_SHAPES, ...DENSE_SHAPES])('Enc(M·r − s) decrypts to the reference: $name', ({ name, shape }) => {
  it('client output + server share = M·r mod p; counts and levels as planned', () => {
    const res = run(shape, `linear ${name}`, { signed: name.includes('→ 5') || name.includes('depthwise') });
    const { plan, evaluation } = res;
    expect(addMod(res.decrypted, evaluation.share)).toEqual(Array.from(linearReference(shape, res.weights, res.r)));
    expect(res.inputs.length).toBe(plan.inputCiphertexts);
    expect(evaluation.ciphertexts.length).toBe(plan.returnedCiphertexts);
    expect(evaluation.ciphertexts.every((c) => c.coeffModulusSize === plan.returnLevel && !c.isNttForm && c.polys.length === 2)).toBe(true);
    expect(plan.returnLevel).toBeLessThan(plan.level);
    expect(evaluation.share.length).toBe(linearOutputSize(shape));
    // The share is a uniform mask, not zero.
    expect(evaluation.share.some((v) => v !== 0)).toBe(true);
  });
});

describe('packing', () => {
  it('every input element is in some slot, and only in slots the plan names; every output has its own slot', () => {
    for (const { shape } of [...CONV_SHAPES, ...DENSE_SHAPES]) {
      const plan = planLinearLayer(ctx, shape);
      const seen = new Set<number>();
      for (const src of plan.inputSource) if (src >= 0) seen.add(src);
      expect(seen.size).toBe(plan.inputSize);
      const x = Array.from({ length: plan.inputSize }, (_, i) => i + 1);
      const slots = packLinearInput(plan, x);
      slots.forEach((v, c) => v.forEach((val, j) => expect(val).toBe(plan.inputSource[c * n + j] + 1)));
      expect(new Set(plan.outputSlots).size).toBe(plan.outputSize);
      for (const s of plan.outputSlots) expect(s).toBeLessThan(plan.outputCiphertexts * n);
    }
  });

  it('tiles carry their halo: an input row shared by two tiles appears twice', () => {
    const plan = planLinearLayer(ctx, CONV_SHAPES[2].shape);
    expect(plan.kind).toBe('conv');
    if (plan.kind !== 'conv') return;
    expect(plan.tiles.length).toBeGreaterThan(1);
    const counts = new Map<number, number>();
    for (const src of plan.inputSource) if (src >= 0) counts.set(src, (counts.get(src) ?? 0) + 1);
    const boundaryRow = plan.tiles[1].yLo; // first input row of tile 1, also read by tile 0
    expect(counts.get(boundaryRow * 30)).toBe(2);
    expect(counts.get(0)).toBe(1);
  });
});

describe('noise accounting and flooding', () => {
  it('the unflooded partial results stay within the worst-case bounds of the plan', () => {
    for (const { shape } of [CONV_SHAPES[0], CONV_SHAPES[4], DENSE_SHAPES[1], DENSE_SHAPES[4]]) {
      const rng = fromTextSeed(`noise ${JSON.stringify(shape)}`);
      const plan = planLinearLayer(ctx, shape);
      const gk = generateLinearGaloisKeys(ctx, sk, [plan], rng);
      const inputs = encryptLinearInput(ctx, plan, pk, field(rng, plan.inputSize), rng);
      const layer = prepareLinearLayer(ctx, plan, field(rng, linearWeightCount(shape)));
      const parts =
        plan.kind === 'conv'
          ? evaluateConvParts(ctx, plan, inputs, layer.source as PlaintextSource, gk)
          : evaluateDenseParts(ctx, plan, inputs, layer.source as DensePlaintextSource, gk);
      parts.flat().forEach((ct, i) => {
        expect(bfv.noiseBits(ctx, sk, ct)).toBeLessThanOrEqual(noiseBoundBits(plan.noiseBounds[i]));
      });
      for (const input of inputs) expect(bfv.noiseBits(ctx, sk, input)).toBeLessThanOrEqual(noiseBoundBits(plan.noise.encryption));
    }
  });

  it('splits outputs into several flooded parts when one would not fit, and the parts still add up', () => {
    // A larger λ leaves less room, 2^(bits(Δ) − 4 − λ − log n): take λ two bits short of the room
    // the whole sum needs.
    const tighter = (plan: LinearPlan): number =>
      40 + 2 + plan.noise.maxNoiseBits - noiseBoundBits(Math.max(...plan.noiseBounds));
    const shape = CONV_SHAPES[4].shape;
    const roomy = planLinearLayer(ctx, shape);
    const tight = run(shape, 'linear split', { lambda: tighter(roomy) });
    expect(roomy.returnedCiphertexts).toBe(roomy.outputCiphertexts);
    expect(tight.plan.returnedCiphertexts).toBeGreaterThan(tight.plan.outputCiphertexts);
    expect(tight.plan.noiseBounds.every((b) => noiseBoundBits(b) <= tight.plan.noise.maxNoiseBits)).toBe(true);
    expect(addMod(tight.decrypted, tight.evaluation.share)).toEqual(Array.from(linearReference(shape, tight.weights, tight.r)));
    const denseShape: DenseShape = { kind: 'dense', inFeatures: 1200, outFeatures: 30 };
    const dense = run(denseShape, 'linear split dense', { lambda: tighter(planLinearLayer(ctx, denseShape)) });
    expect(dense.plan.returnedCiphertexts).toBeGreaterThan(dense.plan.outputCiphertexts);
    expect(addMod(dense.decrypted, dense.evaluation.share)).toEqual(Array.from(linearReference(dense.plan.shape, dense.weights, dense.r)));
    expect(() => planLinearLayer(ctx, shape, { lambda: 100 })).toThrow(InvalidParametersError);
  });

  it('the returned ciphertexts carry the flooding noise (and decrypt all the same)', () => {
    const res = run(CONV_SHAPES[0].shape, 'linear flood');
    const { plan } = res;
    // Noise at the return level ≈ 2^floodBits scaled down by the primes that were dropped.
    let droppedBits = 0;
    for (let k = plan.returnLevel; k < plan.level; k++) droppedBits += Math.log2(ctx.primes[k]);
    for (const ct of res.evaluation.ciphertexts) {
      const bits = bfv.noiseBits(ctx, sk, ct);
      expect(bits).toBeGreaterThanOrEqual(plan.floodBits - droppedBits - 3);
      expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBeGreaterThan(0);
    }
    expect(plan.floodBits).toBe(noiseBoundBits(Math.max(...plan.noiseBounds)) + 40 + 10);
  });
});

describe('API', () => {
  it('is deterministic: same seeds, same ciphertexts and share; cached and on-the-fly plaintexts agree', () => {
    const shape = CONV_SHAPES[1].shape;
    const a = run(shape, 'linear determinism');
    const b = run(shape, 'linear determinism', { precompute: true });
    expect(b.layer.cachedPlaintexts).toBeGreaterThan(0);
    expect(a.layer.cachedPlaintexts).toBe(0);
    expect(b.evaluation.share).toEqual(a.evaluation.share);
    a.evaluation.ciphertexts.forEach((ct, i) => {
      expect(bfv.serializeCiphertext(ctx, b.evaluation.ciphertexts[i])).toEqual(bfv.serializeCiphertext(ctx, ct));
    });
  });

  it('maxBlocksPerRow trades ciphertexts for fewer diagonal rotations and Galois keys', () => {
    const shape: ConvShape = { kind: 'conv', inChannels: 12, height: 4, width: 4, outChannels: 12, kernel: [3, 3], padding: [1, 1, 1, 1] };
    const wide = planLinearLayer(ctx, shape);
    const capped = planLinearLayer(ctx, shape, { maxBlocksPerRow: 4 });
    expect(wide.kind === 'conv' && wide.blocksPerRow).toBe(32);
    expect(capped.kind === 'conv' && capped.blocksPerRow).toBe(4);
    expect(capped.galoisElements.length).toBeLessThan(wide.galoisElements.length);
    expect(capped.inputCiphertexts).toBe(2);
    const rng = fromTextSeed('capped');
    const r = field(rng, capped.inputSize);
    const w = field(rng, linearWeightCount(shape));
    const result = evaluateLinearLayer(
      ctx,
      prepareLinearLayer(ctx, capped, w),
      encryptLinearInput(ctx, capped, sk, r, rng),
      { galoisKeys: generateLinearGaloisKeys(ctx, sk, [capped], rng), publicKey: pk },
      rng,
    );
    expect(addMod(decryptLinearOutput(ctx, capped, sk, result.ciphertexts), result.share)).toEqual(Array.from(linearReference(shape, w, r)));
    expect(() => planLinearLayer(ctx, shape, { maxBlocksPerRow: 3 })).toThrow(InvalidParametersError);
  });

  it('public-key input encryption works as well as secret-key encryption', () => {
    const res = run(DENSE_SHAPES[0].shape, 'linear pk', { publicKey: true });
    expect(addMod(res.decrypted, res.evaluation.share)).toEqual(Array.from(linearReference(res.plan.shape, res.weights, res.r)));
  });

  it('sum pooling is a depthwise convolution with all-ones weights', () => {
    const { shape, weights } = sumPoolLayer(3, 8, 8, 2);
    const rng = fromTextSeed('sum pool');
    const plan = planLinearLayer(ctx, shape);
    const gk = generateLinearGaloisKeys(ctx, sk, [plan], rng);
    const r = field(rng, plan.inputSize);
    const evaluation = evaluateLinearLayer(
      ctx,
      prepareLinearLayer(ctx, plan, weights),
      encryptLinearInput(ctx, plan, sk, r, rng),
      { galoisKeys: gk, publicKey: pk },
      rng,
    );
    const out = addMod(decryptLinearOutput(ctx, plan, sk, evaluation.ciphertexts), evaluation.share);
    const expected: number[] = [];
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 4; x++) {
          let s = 0;
          for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) s += r[(c * 8 + 2 * y + dy) * 8 + 2 * x + dx];
          expected.push(s % P);
        }
      }
    }
    expect(out).toEqual(expected);
    // Only the rotations of the 2×2 window (three taps) are needed: no channel diagonals.
    expect(plan.galoisElements.length).toBe(3);
  });

  it('needs only the plan\'s Galois keys, and says which one is missing', () => {
    const shape = CONV_SHAPES[0].shape;
    const rng = fromTextSeed('linear keys');
    const plan = planLinearLayer(ctx, shape);
    const all = generateLinearGaloisKeys(ctx, sk, [plan], rng);
    expect([...all.keys.keys()].sort((x, y) => x - y)).toEqual([...plan.galoisElements]);
    expect(plan.rotationSteps.map((s) => (s === 0 ? 2 * n - 1 : bfv.galoisEltFromStep(n, s)))).toEqual([...plan.galoisElements]);
    const missing = new Map(all.keys);
    missing.delete(plan.galoisElements[0]);
    const inputs = encryptLinearInput(ctx, plan, sk, field(rng, plan.inputSize), rng);
    const layer = prepareLinearLayer(ctx, plan, field(rng, linearWeightCount(shape)));
    expect(() => evaluateLinearLayer(ctx, layer, inputs, { galoisKeys: { keys: missing }, publicKey: pk }, rng)).toThrow(
      new RegExp(`element ${plan.galoisElements[0]} is missing`),
    );
    expect(linearGaloisElements([plan, planLinearLayer(ctx, DENSE_SHAPES[0].shape)]).length).toBeGreaterThan(plan.galoisElements.length);
  });

  it('refuses bad inputs with typed errors', () => {
    const shape = DENSE_SHAPES[0].shape;
    const rng = fromTextSeed('linear errors');
    const plan = planLinearLayer(ctx, shape);
    const gk = generateLinearGaloisKeys(ctx, sk, [plan], rng);
    const inputs = encryptLinearInput(ctx, plan, sk, field(rng, plan.inputSize), rng);
    const layer = prepareLinearLayer(ctx, plan, field(rng, 140));
    const keys = { galoisKeys: gk, publicKey: pk };
    expect(() => encryptLinearInput(ctx, plan, sk, field(rng, 19), rng)).toThrow(SizeMismatchError);
    expect(() => encryptLinearInput(ctx, plan, sk, [P, ...field(rng, 19)], rng)).toThrow(InvalidArgumentError);
    expect(() => prepareLinearLayer(ctx, plan, field(rng, 139))).toThrow(SizeMismatchError);
    expect(() => evaluateLinearLayer(ctx, layer, [...inputs, ...inputs], keys, rng)).toThrow(SizeMismatchError);
    expect(() => evaluateLinearLayer(ctx, layer, [bfv.bfvModSwitchToNext(ctx, inputs[0])], keys, rng)).toThrow(/level/);
    expect(() => decryptLinearOutput(ctx, plan, sk, [])).toThrow(SizeMismatchError);
    expect(() => planLinearLayer(ctx, { kind: 'conv', inChannels: 1, height: 2, width: 2, outChannels: 1, kernel: [3, 3] })).toThrow(InvalidParametersError);
    expect(() => planLinearLayer(ctx, { kind: 'conv', inChannels: 2, height: 4, width: 4, outChannels: 3, kernel: [1, 1], depthwise: true })).toThrow(
      InvalidParametersError,
    );
    expect(() => planLinearLayer(ctx, { kind: 'conv', inChannels: 1, height: 4, width: 600, outChannels: 1, kernel: [3, 3] })).toThrow(
      /one output row needs/,
    );
    expect(() => planLinearLayer(ctx, { kind: 'dense', inFeatures: 0, outFeatures: 3 })).toThrow(InvalidParametersError);
    const other = bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30]), plainModulus: 12289, insecure: true }));
    expect(() => planLinearLayer(other, shape)).toThrow(/t = p/);
    const small = bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: 512, coeffModulus: bfv.createCoeffModulus(512, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P, insecure: true }));
    expect(() => decryptLinearOutput(small, plan, bfv.generateSecretKey(small, rng), [])).toThrow(/n = 1024/);
  });
});
