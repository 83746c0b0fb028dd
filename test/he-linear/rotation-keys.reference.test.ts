/**
 * Generator keys and routed rotations (§4.15.1) against plaintext slot rotation and against the
 * one-key-per-step plans: routes compose to their step, routed rotations decrypt to the rotated
 * slots, and layers planned with the shared routes give the same result as the exact plans with
 * far fewer keys.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { compileFixedPoint } from '../../src/nn/compile.js';
import { parseModel } from '../../src/nn/import/json.js';
import { isWeightedLayer, publicArchitecture } from '../../src/protocol/architecture.js';
import { bfvLinearShape } from '../../src/protocol/backends/bfv-linear.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { chooseRotationKeys, rotationRoutes, planLinearLayers, linearGaloisElements, generateLinearGaloisKeys, linearWeightCount, prepareLinearLayer, encryptLinearInput, evaluateLinearLayer, decryptLinearOutput, linearReference, type LinearShape, type ConvPlan, type PlaintextSource } from '../../src/he-linear/index.js';
import { routeOf, routeDepth, rotateRowsRouted, routedRotationCount } from '../../src/he-linear/rotation-keys.js';
import { noiseBoundBits } from '../../src/he-linear/noise-bounds.js';
import { evaluateConvParts } from '../../src/he-linear/conv.js';
import { polyNttInverse } from '../../src/bfv/poly.js';

const T = 1032193;
const ctx = bfv.createBfvContext(
  bfv.createBfvParameters({ polyModulusDegree: 4096, coeffModulus: bfv.createCoeffModulus(4096, [30, 30, 30]), plainModulus: T }),
);

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v > 0; v = Math.floor(v / 2)) c += v % 2;
  return c;
}

describe('rotation generators and routes', () => {
  it('routes reach every needed step, sum to it, and are no longer than its binary expansion', () => {
    const n = 8192;
    const R = n / 2;
    // The steps of mnist-small's layers under exact keys (kernel taps, channel blocks, BSGS, folds).
    const steps = [1, 2, 3, 4, 87, 114, 116, 1024, 88, 113, 115, 2048, 58, 59, 56, 84, 31, 86, -1024, 112, 60, 57, 30, 85, 29, 32, 28, 16, 8, 256, 128, 64];
    const gens = chooseRotationKeys(n, steps);
    expect(gens.length).toBeLessThan(12);
    const routes = rotationRoutes(n, gens);
    const maxBinary = Math.max(...steps.map((s) => popcount(((s % R) + R) % R)));
    for (const s of steps) {
      const route = routeOf(routes, s);
      expect(route.every((g) => gens.includes(g))).toBe(true);
      expect(route.reduce((a, b) => a + b, 0) % R).toBe(((s % R) + R) % R);
      expect(route.length).toBeLessThanOrEqual(maxBinary);
      expect(routeDepth(routes, s)).toBe(route.length);
    }
    expect(() => routeOf(rotationRoutes(n, [4]), 1)).toThrow(/no route/);
  });

  it('routed rotations decrypt to the rotated slots', () => {
    const rng = fromTextSeed('routes');
    const sk = bfv.generateSecretKey(ctx, rng);
    const R = ctx.n / 2;
    const steps = [0, 1, 5, 7, 12, -3, 100];
    const gens = chooseRotationKeys(ctx.n, steps);
    const routes = rotationRoutes(ctx.n, gens);
    const gk = bfv.generateGaloisKeys(ctx, sk, rng, { steps: gens });
    const values = Array.from({ length: ctx.n }, () => uniformBelow(rng, T));
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, bfv.batchEncode(ctx, values), rng);
    const outs = rotateRowsRouted(ctx, ct, steps, routes, gk);
    steps.forEach((s, i) => {
      const c = outs[i];
      const plain = { coeffModulusSize: c.coeffModulusSize, isNttForm: false, polys: c.polys.map((p) => polyNttInverse(ctx, p.slice(), c.coeffModulusSize)) };
      const expected = values.map((_, j) => values[Math.floor(j / R) * R + ((((j % R) + s) % R) + R) % R]);
      expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, plain)))).toEqual(expected);
    });
    expect(routedRotationCount(routes, steps)).toBeGreaterThanOrEqual(steps.length - 1);
  });
});

describe('layers planned with shared routes', () => {
  const P = 2061584302081;
  const pctx = bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: 8192, coeffModulus: bfv.createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P }),
  );
  const shapes: LinearShape[] = [
    { kind: 'conv', inChannels: 1, height: 28, width: 28, outChannels: 8, kernel: [5, 5], stride: [2, 2], padding: [0, 0, 0, 0] },
    { kind: 'dense', inFeatures: 288, outFeatures: 64 },
  ];

  it('need fewer keys and give the same M·r − s as the exact plans (plaintext reference)', () => {
    const exact = planLinearLayers(pctx, shapes, { rotationKeys: 'exact' });
    const minimal = planLinearLayers(pctx, shapes, { rotationKeys: 'minimal' });
    const exactKeys = linearGaloisElements(exact).length;
    const minimalKeys = linearGaloisElements(minimal).length;
    expect(minimalKeys).toBeLessThan(exactKeys / 2);
    for (const p of minimal) expect(p.noiseBounds.every((b) => Math.log2(b) <= p.noise.maxNoiseBits)).toBe(true);
    const rng = fromTextSeed('routed layers');
    const sk = bfv.generateSecretKey(pctx, rng);
    const pk = bfv.generatePublicKey(pctx, sk, rng, { seeded: true });
    const gk = generateLinearGaloisKeys(pctx, sk, minimal, rng, { seeded: true });
    expect(gk.keys.size).toBe(minimalKeys);
    minimal.forEach((plan, i) => {
      const shape = shapes[i];
      const weights = Array.from({ length: linearWeightCount(shape) }, () => uniformBelow(rng, 512) - 256);
      const r = Array.from({ length: plan.inputSize }, () => uniformBelow(rng, P));
      const layer = prepareLinearLayer(pctx, plan, weights);
      const cts = encryptLinearInput(pctx, plan, sk, r, rng, { seeded: true });
      const { ciphertexts, share } = evaluateLinearLayer(pctx, layer, cts, { galoisKeys: gk, publicKey: pk }, rng);
      const out = decryptLinearOutput(pctx, plan, sk, ciphertexts);
      const want = Array.from(linearReference(shape, weights, r));
      expect(Array.from(out, (v, j) => (v + share[j]) % P)).toEqual(want);
    });
  });
});

describe('security kept for the shipped models under generator keys (§4.16)', () => {
  const P = 2061584302081;
  const pctx = bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: 8192, coeffModulus: bfv.createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P }),
  );
  const shapesOf = (name: string): LinearShape[] => {
    const model = compileFixedPoint(parseModel(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), 'utf8')));
    return publicArchitecture(model).layers.filter(isWeightedLayer).map(bfvLinearShape);
  };

  it.each(['mnist-small', 'mnist-delphi', 'mnist-small-qr'])('%s: every layer floods at λ = 40 within the budget, with as many returned ciphertexts as one key per step', (name) => {
    const shapes = shapesOf(name);
    const exact = planLinearLayers(pctx, shapes, { rotationKeys: 'exact' });
    const minimal = planLinearLayers(pctx, shapes);
    expect(linearGaloisElements(minimal).length).toBeLessThanOrEqual(11);
    minimal.forEach((p, i) => {
      expect(p.noise.lambda).toBe(40);
      expect(p.level).toBe(pctx.firstLevel.k);
      for (const b of p.noiseBounds) expect(Math.log2(b)).toBeLessThanOrEqual(p.noise.maxNoiseBits);
      // The flooding width covers the (slightly larger) bound: b = noiseBits + λ + log2 n.
      const noiseBits = noiseBoundBits(Math.max(...p.noiseBounds));
      expect(p.floodBits).toBe(noiseBits + 40 + 13);
      expect(p.floodBits - exact[i].floodBits).toBeLessThanOrEqual(2);
      expect(p.returnedCiphertexts).toBe(exact[i].returnedCiphertexts);
      expect(p.returnLevel).toBe(exact[i].returnLevel);
    });
  });

  it('mnist-small conv1 (the longest routes): the measured noise before flooding stays below the plan bound', () => {
    const plan = planLinearLayers(pctx, shapesOf('mnist-small'))[0];
    const rng = fromTextSeed('routed noise');
    const sk = bfv.generateSecretKey(pctx, rng);
    const gk = generateLinearGaloisKeys(pctx, sk, [plan], rng, { seeded: true });
    // Weights uniform over the field: the worst case of the bound's plaintext factor.
    const weights = Array.from({ length: linearWeightCount(plan.shape) }, () => uniformBelow(rng, P));
    const layer = prepareLinearLayer(pctx, plan, weights);
    const r = Array.from({ length: plan.inputSize }, () => uniformBelow(rng, P));
    const inputs = encryptLinearInput(pctx, plan, sk, r, rng, { seeded: true });
    const parts = evaluateConvParts(pctx, plan as ConvPlan, inputs, layer.source as PlaintextSource, gk).flat();
    parts.forEach((ct, i) => expect(bfv.noiseBits(pctx, sk, ct)).toBeLessThanOrEqual(Math.ceil(Math.log2(plan.noiseBounds[i]))));
  });
});
