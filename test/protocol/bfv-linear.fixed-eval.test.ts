/**
 * The BFV linear backend (§9.9.3) inside the whole protocol: on a small insecure ring (n = 1024,
 * seven 30-bit primes, t = p; the parameters make the backend insecure, so both parties opt in),
 * every layer reconstructed from the two parties' shares equals the reference evaluator, as in
 * online.fixed-eval.test.ts — so the client really received M·c − σ and the server σ. Also: the
 * backend's messages, the refusal of other parameters, and malformed key and ciphertext messages.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { encodeInput, evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { BFV_LINEAR_TAG, bfvLinearShape } from '../../src/protocol/backends/bfv-linear.js';
import { bfvLinear, delphiBfvParameters, insecureDealer, publicArchitecture, runLocalInference, type ProtocolBackend } from '../../src/protocol/index.js';
import { clientHandshake } from '../../src/protocol/client.js';
import { serverHandshake } from '../../src/protocol/serve-inference.js';
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
const backend: ProtocolBackend = { ...insecureDealer, linear: bfvLinear({ parameters: small }) };

async function check(fp: FixedPointModel, rng: Rng, label: string): Promise<void> {
  const x = randomInput(rng, fp.inputShape.reduce((a, b) => a * b, 1), -1, 1);
  const r = await runLocalInference(fp, x, { backend, allowInsecure: true, clientRng: rng.fork('c'), serverRng: rng.fork('s'), recordShares: true });
  const shares = r.shares!;
  const walk = referenceWalk(fp, encodeInput(fp, x).map((v) => toSigned(Number(v))), shares);
  fp.layers.forEach((layer, k) => {
    expect(reconstructSigned(shares.server.layers[k], shares.client.layers[k]), `${label}: layer ${k} ${layer.op}`).toEqual(walk.layers[k]);
  });
  if (!fp.layers.some((l) => l.op === 'quadratic')) expect(r.output.logits).toEqual(evaluateFixedPoint(fp, x).logits);
}

describe('BFV linear backend in the protocol', () => {
  it('is secure with Delphi parameters and insecure with the test ring', () => {
    expect(bfvLinear().secure).toBe(true);
    expect(delphiBfvParameters().polyModulusDegree).toBe(8192);
    expect(bfvLinear({ parameters: small }).secure).toBe(false);
  });

  for (const name of ['lenetLike', 'residualNet', 'mixedNet', 'foldingNet']) {
    it(`${name}: every layer matches the reference`, async () => {
      const rng = fromTextSeed(`bfv-linear/${name}`);
      await check(compile(NETWORKS[name](rng)), rng, name);
    });
  }

  it('random networks (conv, strides, batch-norm scale layers, residual blocks, dense)', async () => {
    const rng = fromTextSeed('bfv-linear/random');
    for (let t = 0; t < 4; t++) await check(compile(randomNetwork(rng, ['relu', 'relu6', 'quadratic'])), rng, `random ${t}`);
  });

  it('a scale layer on a vector is a depthwise 1×1 convolution of [N, 1, 1]', () => {
    const fp = compile(NETWORKS.mixedNet(fromTextSeed('bfv-linear/shape')));
    const arch = publicArchitecture(fp);
    const scale = arch.layers.find((l) => l.op === 'scale')!;
    expect(bfvLinearShape(scale)).toMatchObject({ kind: 'conv', kernel: [1, 1], depthwise: true, inChannels: scale.inputShape[0] });
    expect(bfvLinearShape({ ...scale, inputShape: [5], shape: [5] })).toMatchObject({ inChannels: 5, height: 1, width: 1 });
  });

  it('other BFV parameters are refused at setup', async () => {
    const other = bfv.createBfvParameters({ polyModulusDegree: 2048, coeffModulus: bfv.createCoeffModulus(2048, [30, 30, 30, 30, 30, 30, 30]), plainModulus: P, insecure: true });
    const fp = compile(NETWORKS.foldingNet(fromTextSeed('bfv-linear/params')));
    const [a, b] = memoryChannelPair();
    const r = await Promise.allSettled([
      clientHandshake(a, { backend: { ...insecureDealer, linear: bfvLinear({ parameters: other }) }, allowInsecure: true }),
      serverHandshake(b, fp, { backend, allowInsecure: true }),
    ]);
    expect(r[1].status === 'rejected' && r[1].reason).toBeInstanceOf(ProtocolError);
    expect(r[1].status === 'rejected' && (r[1].reason as Error).message).toMatch(/other BFV parameters/);
  });

  it('a corrupted ciphertext is a MalformedInputError, a wrong layer a ProtocolError', async () => {
    const fp = compile(NETWORKS.foldingNet(fromTextSeed('bfv-linear/tamper')));
    const x = randomInput(fromTextSeed('x'), 64, -1, 1);
    for (const [mutate, Err] of [
      [(m: Uint8Array) => { m[16 + 4 + 2] ^= 0xff; }, MalformedInputError], // SEAL header of the first ciphertext
      [(m: Uint8Array) => { m[4] ^= 1; }, ProtocolError],
    ] as const) {
      const [a, b] = memoryChannelPair();
      const client = tamperingChannel(a, (m) => {
        if (m[0] === BFV_LINEAR_TAG.INPUT) mutate(m);
        return m;
      });
      const { requestInference, serveInference } = await import('../../src/protocol/index.js');
      const r = await Promise.allSettled([
        requestInference(client, x, { backend, allowInsecure: true }),
        serveInference(b, fp, { backend, allowInsecure: true }),
      ]);
      expect(r[1].status === 'rejected' && r[1].reason).toBeInstanceOf(Err);
      expect(r[0].status === 'rejected' && (r[0].reason as Error).message).toMatch(/peer aborted/);
    }
  });
});
