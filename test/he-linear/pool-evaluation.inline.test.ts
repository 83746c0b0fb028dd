/**
 * The linear layers on a thread pool (§5.7, evaluateLinearLayerOnPool) against evaluateLinearLayer on
 * the calling thread: for convolutions and dense layers (input in one row, split over rows, several
 * output ciphertexts, several flooded parts), with one Galois key per step and with routed rotations,
 * a pool that reports 2 or 3 threads and runs every task in this thread on a structured clone of its
 * input (as a worker would receive it) returns the same ciphertexts, coefficient by coefficient, and
 * the same share, and leaves the layer's stream at the same position, also with the plaintexts
 * precomputed in shared memory (handed to the tasks). The pool really splits the
 * work: the tasks it ran are counted. Small insecure ring (n = 1024, seven 30-bit primes, t = p).
 * Also the draw/apply split of the flooding (§4.9) and of the encryption of zero (§4.4) that this
 * relies on: drawing first and applying later gives floodNoise's and bfvEncryptZero's ciphertexts.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { bfvEncryptZero, drawEncryptZero, encryptZeroWithDraws } from '../../src/bfv/encrypt.js';
import { drawFloodNoise, floodNoiseWithDraws } from '../../src/bfv/noise.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';
import { encryptLinearInput, evaluateLinearLayer, generateLinearGaloisKeys, linearWeightCount, planLinearLayers, prepareLinearLayer, type LinearShape } from '../../src/he-linear/index.js';
import { evaluateLinearLayerOnPool, sharedLinearServerKeys } from '../../src/protocol/backends/bfv-linear.js';
import { runTask, type TaskPool } from '../../src/workers/tasks.js';

const P = 2061584302081;
const n = 1024;
const params = bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P, insecure: true });
const ctx = bfv.createBfvContext(params);
const keyRng = fromTextSeed('pool evaluation: client keys');
const sk = bfv.generateSecretKey(ctx, keyRng);
const pk = bfv.generatePublicKey(ctx, sk, keyRng);

function field(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => uniformBelow(rng, P));
}

/** A pool of `threads` "threads" that runs each task here, on a structured clone of its input; counts tasks by name. */
function clonePool(threads: number): TaskPool & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    threads,
    counts,
    run(task, input) {
      counts.set(task, (counts.get(task) ?? 0) + 1);
      return new Promise((resolve) => resolve(structuredClone(runTask(task, structuredClone(input)))));
    },
    close: async () => undefined,
  };
}

const SHAPES: { name: string; shape: LinearShape; lambda?: number }[] = [
  { name: 'conv 3×8×8 → 5, 3×3, padding 1', shape: { kind: 'conv', inChannels: 3, height: 8, width: 8, outChannels: 5, kernel: [3, 3], padding: [1, 1, 1, 1] } },
  { name: 'conv 20×4×4 → 18 (several input and output ciphertexts)', shape: { kind: 'conv', inChannels: 20, height: 4, width: 4, outChannels: 18, kernel: [3, 3], padding: [1, 1, 1, 1] } },
  { name: 'dense 100 → 40', shape: { kind: 'dense', inFeatures: 100, outFeatures: 40 } },
  { name: 'dense 512 → 513 (several output ciphertexts)', shape: { kind: 'dense', inFeatures: 512, outFeatures: 513 } },
  { name: 'dense 1200 → 30 (column blocks in both rows)', shape: { kind: 'dense', inFeatures: 1200, outFeatures: 30 } },
  { name: 'dense 1200 → 30, several flooded parts', shape: { kind: 'dense', inFeatures: 1200, outFeatures: 30 }, lambda: 60 },
];

describe.each(SHAPES)('on a pool = on this thread: $name', ({ name, shape, lambda }) => {
  it.each(['minimal', 'exact'] as const)('Galois keys %s: same ciphertexts, share and stream position on 2 and 3 threads, and precomputed', async (rotationKeys) => {
    const rng = fromTextSeed(`pool ${name} ${rotationKeys}`);
    const [plan] = planLinearLayers(ctx, [shape], { rotationKeys, ...(lambda === undefined ? {} : { lambda }) });
    const gk = generateLinearGaloisKeys(ctx, sk, [plan], rng);
    const inputs = encryptLinearInput(ctx, plan, sk, field(rng, plan.inputSize), rng, { seeded: true });
    const weights = field(rng, linearWeightCount(shape));
    const layer = prepareLinearLayer(ctx, plan, weights);
    // Plaintexts encoded once, in shared memory, and handed to the tasks rather than encoded there.
    const precomputed = prepareLinearLayer(ctx, plan, weights, { precompute: true, shared: true });
    expect(precomputed.cachedPlaintexts).toBeGreaterThan(0);
    const keys = { galoisKeys: gk, publicKey: pk };
    const serverRng = () => fromTextSeed(`pool ${name} ${rotationKeys}: server`);
    const r0 = serverRng();
    const reference = evaluateLinearLayer(ctx, layer, inputs, keys, r0);
    const after = r0.uint32();
    if (lambda !== undefined) expect(plan.returnedCiphertexts).toBeGreaterThan(plan.outputCiphertexts);
    for (const [threads, prepared] of [[2, layer], [3, layer], [2, precomputed]] as const) {
      const pool = clonePool(threads);
      const r = serverRng();
      const got = await evaluateLinearLayerOnPool(ctx, params, prepared, inputs, sharedLinearServerKeys(keys), r, pool);
      expect(r.uint32()).toBe(after);
      expect(Array.from(got.share)).toEqual(Array.from(reference.share));
      expect(got.ciphertexts.length).toBe(reference.ciphertexts.length);
      got.ciphertexts.forEach((ct, i) => {
        const want = reference.ciphertexts[i];
        expect(ct.coeffModulusSize).toBe(want.coeffModulusSize);
        expect(ct.isNttForm).toBe(false);
        expect(ct.polys.map((p) => Array.from(p))).toEqual(want.polys.map((p) => Array.from(p)));
      });
      expect(pool.counts.get('bfv.finishPart')).toBe(plan.returnedCiphertexts);
      const split = plan.kind === 'conv' ? ['bfv.convRotations', 'bfv.convRuns'] : ['bfv.denseBaby', 'bfv.denseGiants'];
      for (const task of split) expect(pool.counts.get(task) ?? 0).toBeGreaterThanOrEqual(1);
      expect([...pool.counts.keys()].every((t) => split.includes(t) || t === 'bfv.finishPart')).toBe(true);
    }
  }, 120_000);
});

describe('draws first, apply later (§4.4, §4.9)', () => {
  const level = ctx.firstLevel.k;
  const message = bfv.batchEncode(ctx, Float64Array.from({ length: n }, (_, i) => (i * 7919) % P));
  const ct = bfv.bfvEncryptSymmetric(ctx, sk, message, fromTextSeed('draws: message'), { level });

  it('floodNoiseWithDraws(drawFloodNoise(rng)) = floodNoise(rng), consuming the same bytes', () => {
    for (const noiseBits of [20, 45]) {
      const a = fromTextSeed(`flood ${noiseBits}`);
      const b = fromTextSeed(`flood ${noiseBits}`);
      const direct = bfv.floodNoise(ctx, pk, ct, a, { noiseBits });
      const draws = drawFloodNoise(ctx, b, { noiseBits });
      expect(b.uint32()).toBe(a.uint32());
      const split = floodNoiseWithDraws(ctx, pk, ct, draws);
      expect(split.polys.map((p) => Array.from(p))).toEqual(direct.polys.map((p) => Array.from(p)));
      expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, split)))).toEqual(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, ct))));
      // Other draws give another ciphertext (the draws are really used).
      const other = floodNoiseWithDraws(ctx, pk, ct, drawFloodNoise(ctx, fromTextSeed('flood other'), { noiseBits }));
      expect(Array.from(other.polys[1])).not.toEqual(Array.from(direct.polys[1]));
    }
  });

  it('encryptZeroWithDraws(drawEncryptZero(rng)) = bfvEncryptZero(rng) at every level from 2 primes up', () => {
    for (let k = 2; k <= ctx.firstLevel.k; k++) {
      const a = fromTextSeed(`zero ${k}`);
      const b = fromTextSeed(`zero ${k}`);
      const direct = bfvEncryptZero(ctx, pk, a, { level: k });
      const split = encryptZeroWithDraws(ctx, pk, drawEncryptZero(ctx, b), { level: k });
      expect(b.uint32()).toBe(a.uint32());
      expect(split.coeffModulusSize).toBe(k);
      expect(split.polys.map((p) => Array.from(p))).toEqual(direct.polys.map((p) => Array.from(p)));
    }
  });

  it('refuses draws of the wrong size', () => {
    const draws = drawFloodNoise(ctx, fromTextSeed('short'), { noiseBits: 20 });
    expect(() => floodNoiseWithDraws(ctx, pk, ct, { ...draws, words: draws.words.subarray(1) })).toThrow(/drawFloodNoise/);
    expect(() => encryptZeroWithDraws(ctx, pk, { ...draws.zero, e1: new Int8Array(n - 1) })).toThrow(/u, e0, e1/);
  });
});
