/**
 * The three-halves activation backend (§5.13, §9.9.4) inside the protocol: every tensor
 * reconstructed from both parties' shares equals the layer-by-layer reference, the preprocessing
 * traffic of a ReLU layer is that of 24 bytes + 5 bits per AND gate, half gates and three halves
 * give the same outputs, and parties that disagree on the scheme fail the handshake with a typed
 * error (the backend id is part of the hello).
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { reluCost } from '../../src/gc/index.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { createModel, encodeInput, type FixedPointModel } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { delphiBackend, garbledActivations, insecureDealer, runLocalInference, type ProtocolBackend } from '../../src/protocol/index.js';
import { GC_ACTIVATION_IDS, garbledActivationBackend, garbledActivationsThreeHalves } from '../../src/protocol/backends/garbled-activations.js';
import { clientHandshake } from '../../src/protocol/client.js';
import { serverHandshake } from '../../src/protocol/serve-inference.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, reconstructSigned, referenceWalk, toSigned } from './helpers.js';

const thBackend: ProtocolBackend = { ...insecureDealer, activations: garbledActivationsThreeHalves };
const hgBackend: ProtocolBackend = { ...insecureDealer, activations: garbledActivations };

async function run(fp: FixedPointModel, rng: Rng, backend: ProtocolBackend, label: string) {
  const x = randomInput(rng.fork('x'), fp.inputShape.reduce((a, b) => a * b, 1), -1, 1);
  const r = await runLocalInference(fp, x, { backend, allowInsecure: true, clientRng: rng.fork('c'), serverRng: rng.fork('s'), recordShares: true });
  const shares = r.shares!;
  const walk = referenceWalk(fp, encodeInput(fp, x).map((v) => toSigned(Number(v))), shares);
  fp.layers.forEach((layer, k) => {
    expect(reconstructSigned(shares.server.layers[k], shares.client.layers[k]), `${label}: layer ${k} ${layer.op}`).toEqual(walk.layers[k]);
  });
  return r;
}

describe('three-halves garbled activations in the protocol', () => {
  it('ids and selection', () => {
    expect(garbledActivationsThreeHalves.id).toBe('garbled-circuits-three-halves');
    expect(garbledActivationsThreeHalves.secure).toBe(true);
    expect(GC_ACTIVATION_IDS['half-gates']).toBe(garbledActivations.id);
    expect(garbledActivationBackend('three-halves')).toBe(garbledActivationsThreeHalves);
    expect(garbledActivationBackend()).toBe(garbledActivations);
    expect(delphiBackend({ garbling: 'three-halves' }).activations).toBe(garbledActivationsThreeHalves);
    expect(delphiBackend().activations).toBe(garbledActivations);
  });

  for (const name of ['lenetLike', 'mixedNet']) {
    it(`${name}: every layer matches the reference, and the output equals the half-gates run`, async () => {
      const fp = compile(NETWORKS[name](fromTextSeed(`th/${name}`)));
      const th = await run(fp, fromTextSeed(`th/${name}/run`), thBackend, name);
      const hg = await run(fp, fromTextSeed(`th/${name}/run`), hgBackend, name);
      expect(th.output.logits).toEqual(hg.output.logits);
    });
  }

  it('a ReLU layer sends 24 bytes + 5 bits per AND gate of tables in preprocessing', async () => {
    const rng = fromTextSeed('th/traffic');
    const model = createModel({
      inputShape: [1, 6, 6],
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 4, kernel: 3, padding: 1, weights: kaimingUniform(rng, 36, 9), bias: uniformSymmetric(rng, 4, 0.2) },
        { type: 'relu', name: 'relu' },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc', outFeatures: 2, weights: kaimingUniform(rng, 2 * 144, 144), bias: uniformSymmetric(rng, 2, 0.1) },
      ],
    });
    const fp = compile(model);
    const n = 4 * 6 * 6;
    const th = await run(fp, rng, thBackend, 'traffic');
    const pre = th.report.phases[1].steps.find((s) => s.op === 'relu')!;
    const and = reluCost({ kind: 'relu', shift: 8 }).andGates;
    // frame 16 + header 48 + tables + decoding bits, then the mask labels (frame 16 + header 8 + 41·16 per activation).
    const tables = 24 * and * n + Math.ceil((5 * and * n) / 8);
    expect(tables).toBe(6192 * n + Math.ceil((1290 * n) / 8));
    expect(pre.serverToClient.bytes).toBe(16 + 48 + tables + Math.ceil((41 * n) / 8) + 16 + 8 + 41 * 16 * n);
    const hg = await run(fp, rng, hgBackend, 'traffic');
    const preHg = hg.report.phases[1].steps.find((s) => s.op === 'relu')!;
    expect(preHg.serverToClient.bytes - pre.serverToClient.bytes).toBe(32 * and * n - tables);
  });

  it('parties that disagree on the garbling scheme fail the handshake (typed errors on both sides)', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('th/mismatch')));
    const [a, b] = memoryChannelPair();
    const [c, s] = await Promise.allSettled([
      clientHandshake(a, { backend: thBackend, allowInsecure: true }),
      serverHandshake(b, fp, { backend: hgBackend, allowInsecure: true }),
    ]);
    expect(s.status === 'rejected' && s.reason).toBeInstanceOf(ProtocolError);
    expect(s.status === 'rejected' && (s.reason as Error).message).toMatch(/garbled-circuits-three-halves/);
    expect(c.status === 'rejected' && (c.reason as Error).message).toMatch(/peer aborted/);
  });
});
