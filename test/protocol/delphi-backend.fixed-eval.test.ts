/**
 * Delphi's full backend (§9.9.5): BFV linear layers, garbled ReLUs and BFV square pairs. With a small
 * insecure ring every tensor reconstructed from the two parties' shares matches the layer-by-layer
 * reference — quadratic layers with the protocol's local truncations (§8.10) — and with Delphi's
 * parameters the backend is secure and needs no opt-in.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InsecureParametersError, ProtocolError } from '../../src/errors.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { encodeInput, evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { BFV_TRIPLE_KEYS_TAG } from '../../src/protocol/backends/bfv-triples.js';
import { checkBackendSecurity } from '../../src/protocol/backend.js';
import { delphiBackend, insecureDealer, requestInference, runLocalInference, serveInference, type ProtocolBackend } from '../../src/protocol/index.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, randomNetwork, reconstructSigned, referenceWalk, tamperingChannel, toSigned } from './helpers.js';

const P = 2061584302081;
const small = bfv.createBfvParameters({
  polyModulusDegree: 1024,
  coeffModulus: bfv.createCoeffModulus(1024, [30, 30, 30, 30, 30, 30, 30]),
  plainModulus: P,
  insecure: true,
});
const backend: ProtocolBackend = delphiBackend({ parameters: small });

async function check(fp: FixedPointModel, rng: Rng, label: string): Promise<{ carries: number; truncations: number }> {
  const x = randomInput(rng, fp.inputShape.reduce((a, b) => a * b, 1), -1, 1);
  const r = await runLocalInference(fp, x, { backend, allowInsecure: true, clientRng: rng.fork('c'), serverRng: rng.fork('s'), recordShares: true });
  const shares = r.shares!;
  const walk = referenceWalk(fp, encodeInput(fp, x).map((v) => toSigned(Number(v))), shares);
  fp.layers.forEach((layer, k) => {
    expect(reconstructSigned(shares.server.layers[k], shares.client.layers[k]), `${label}: layer ${k} ${layer.op}`).toEqual(walk.layers[k]);
  });
  expect(r.output.logits.map((v) => toSigned(Number(v)))).toEqual(walk.layers.at(-1));
  if (!fp.layers.some((l) => l.op === 'quadratic')) expect(r.output.logits).toEqual(evaluateFixedPoint(fp, x).logits);
  return walk;
}

describe("Delphi's backend (BFV + garbled circuits + BFV square pairs)", () => {
  it('is secure with Delphi parameters (no opt-in needed), insecure with a toy ring', () => {
    const delphi = delphiBackend();
    expect(() => checkBackendSecurity(delphi, false, 'client')).not.toThrow();
    expect([delphi.linear.id, delphi.activations.id, delphi.triples.id]).toEqual(['bfv', 'garbled-circuits', 'bfv']);
    expect(() => checkBackendSecurity(backend, false, 'client')).toThrow(InsecureParametersError);
    expect(() => checkBackendSecurity(insecureDealer, false, 'server')).toThrow(InsecureParametersError);
  });

  it('mixedNet (quadratic, ReLU6, ReLU, batch norm, stand-alone pool): every layer matches', async () => {
    const rng = fromTextSeed('delphi/mixed');
    const walk = await check(compile(NETWORKS.mixedNet(rng)), rng, 'mixedNet');
    expect(walk.truncations).toBeGreaterThan(0);
  });

  it('random networks with every activation and residual blocks', async () => {
    const rng = fromTextSeed('delphi/random');
    for (let t = 0; t < 3; t++) await check(compile(randomNetwork(rng, ['relu', 'relu6', 'quadratic'])), rng, `random ${t}`);
  });

  it('a key message with other parameters is refused', async () => {
    const fp = compile(NETWORKS.mixedNet(fromTextSeed('delphi/keys')));
    const [a, b] = memoryChannelPair();
    const client = tamperingChannel(a, (m) => {
      if (m[0] === BFV_TRIPLE_KEYS_TAG) m[16 + 4] ^= 1; // first byte of the parms_id
      return m;
    });
    const r = await Promise.allSettled([
      requestInference(client, randomInput(fromTextSeed('k'), 98, -1, 1), { backend, allowInsecure: true }),
      serveInference(b, fp, { backend, allowInsecure: true }),
    ]);
    expect(r[1].status === 'rejected' && r[1].reason).toBeInstanceOf(ProtocolError);
    expect(r[1].status === 'rejected' && (r[1].reason as Error).message).toMatch(/other BFV parameters/);
  });
});
