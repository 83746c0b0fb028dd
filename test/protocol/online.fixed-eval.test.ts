/**
 * §9.12 conformance: the client's output equals the fixed-point reference evaluator
 * (evaluateFixedPoint, §8.9) bit for bit on ReLU networks, and — with quadratic layers — the
 * reference whose quadratic truncations are the protocol's local truncations (§8.10). Every
 * intermediate tensor reconstructed from the two parties' recorded shares is compared with an
 * independent layer-by-layer reference. Backend: the insecure dealer (the protocol logic; the
 * secure backends have their own tests).
 */
import { describe, expect, it } from 'vitest';
import { encodeInput, evaluateFixedPoint, type FixedPointModel, type Model } from '../../src/nn/index.js';
import { insecureDealer, runLocalInference } from '../../src/protocol/index.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, randomNetwork, reconstructSigned, referenceWalk, toSigned, type Activation } from './helpers.js';

async function runAndCheck(fp: FixedPointModel, rng: Rng, label: string): Promise<{ carries: number; truncations: number }> {
  const n = fp.inputShape.reduce((a, b) => a * b, 1);
  const x = randomInput(rng, n, -1, 1);
  const result = await runLocalInference(fp, x, {
    backend: insecureDealer,
    allowInsecure: true,
    clientRng: rng.fork('client'),
    serverRng: rng.fork('server'),
    recordShares: true,
  });
  const shares = result.shares!;
  const encoded = encodeInput(fp, x).map((v) => toSigned(Number(v)));
  // The input shares reconstruct to the encoded input.
  expect(reconstructSigned(shares.server.input, shares.client.input), `${label}: input`).toEqual(encoded);
  const walk = referenceWalk(fp, encoded, shares);
  fp.layers.forEach((layer, k) => {
    const got = reconstructSigned(shares.server.layers[k], shares.client.layers[k]);
    expect(got, `${label}: layer ${k} (${layer.op} ${layer.name})`).toEqual(walk.layers[k]);
  });
  const last = walk.layers[walk.layers.length - 1];
  expect(result.output.logits.map((v) => toSigned(Number(v))), `${label}: logits`).toEqual(last);
  const hasQuadratic = fp.layers.some((l) => l.op === 'quadratic');
  if (!hasQuadratic) {
    // The independent evaluator of src/nn, not only the walker of this test.
    expect(result.output.logits, `${label}: evaluateFixedPoint`).toEqual(evaluateFixedPoint(fp, x).logits);
  }
  expect(result.output.decoded).toEqual(last.map((v) => v / 2 ** (fp.outputScale * fp.fractionalBits)));
  return walk;
}

describe('protocol vs evaluateFixedPoint (insecure dealer backend)', () => {
  const nnNetworks: [string, (rng: Rng) => Model][] = Object.entries(NETWORKS);
  for (const [name, build] of nnNetworks) {
    it(`${name}: every layer and the logits match the reference`, async () => {
      const rng = fromTextSeed(`protocol/${name}`);
      const fp = compile(build(rng));
      for (let trial = 0; trial < 3; trial++) await runAndCheck(fp, rng, `${name} #${trial}`);
    });
  }

  it('the reference walker of this test agrees with evaluateFixedPoint', () => {
    const rng = fromTextSeed('protocol/walker');
    for (let t = 0; t < 10; t++) {
      const fp = compile(randomNetwork(rng, ['relu', 'relu6', 'quadratic']));
      const x = randomInput(rng, fp.inputShape.reduce((a, b) => a * b, 1), -1, 1);
      const walk = referenceWalk(fp, encodeInput(fp, x).map((v) => toSigned(Number(v))));
      expect(walk.layers.at(-1)).toEqual(evaluateFixedPoint(fp, x).logits.map((v) => toSigned(Number(v))));
    }
  });

  const families: [string, Activation[]][] = [
    ['ReLU', ['relu']],
    ['ReLU6', ['relu6']],
    ['quadratic', ['quadratic']],
    ['mixed', ['relu', 'relu6', 'quadratic']],
  ];
  for (const [label, acts] of families) {
    it(`random ${label} networks with residual blocks, pooling, batch norm, strides`, async () => {
      const rng = fromTextSeed(`protocol/random/${label}`);
      let carries = 0;
      let truncations = 0;
      for (let t = 0; t < 8; t++) {
        const model = randomNetwork(rng, acts);
        const f = [6, 8, 10][t % 3];
        const fp = compile(model, f);
        const r = await runAndCheck(fp, rng, `${label} network ${t} (f = ${f})`);
        carries += r.carries;
        truncations += r.truncations;
      }
      if (acts.includes('quadratic')) {
        // Local truncation really differs from the floor sometimes (so the comparison above is
        // not vacuous), and about half the time for uniform low bits.
        expect(truncations).toBeGreaterThan(100);
        expect(carries / truncations).toBeGreaterThan(0.2);
        expect(carries / truncations).toBeLessThan(0.8);
      }
    });
  }
});
