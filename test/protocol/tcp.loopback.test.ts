/**
 * The protocol over the TCP transport of §2.4–§2.7 (loopback): Delphi's backend on a small ring with
 * a quadratic network, and the insecure dealer on a ReLU network. The client's logits must equal the
 * reference, and the transport's per-channel counters must equal the protocol's accounting.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { connectTcp, listenTcp, type TcpServer } from '../../src/net/node.js';
import { encodeInput, evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { delphiBackend, insecureDealer, requestInference, serveInference, type ProtocolBackend, type ServeResult } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, reconstructSigned, referenceWalk, toSigned } from './helpers.js';

const P = 2061584302081;
const small = bfv.createBfvParameters({
  polyModulusDegree: 1024,
  coeffModulus: bfv.createCoeffModulus(1024, [30, 30, 30, 30, 30, 30, 30]),
  plainModulus: P,
  insecure: true,
});

const servers: TcpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close({ graceMs: 0 })));
});

async function overTcp(model: FixedPointModel, backend: ProtocolBackend, seed: string) {
  let resolveServed!: (r: Promise<ServeResult>) => void;
  const ready = new Promise<Promise<ServeResult>>((r) => (resolveServed = r));
  const server = await listenTcp({
    handler: async (channel) => {
      const served = serveInference(channel, model, { backend, allowInsecure: true, rng: fromTextSeed(`${seed} server`), recordShares: true });
      resolveServed(served);
      await served.catch(() => undefined);
    },
  });
  servers.push(server);
  const channel = await connectTcp(server.address);
  const x = randomInput(fromTextSeed(`${seed} x`), model.inputShape.reduce((a, b) => a * b, 1), -1, 1);
  const client = await requestInference(channel, x, { backend, allowInsecure: true, rng: fromTextSeed(`${seed} client`), recordShares: true });
  const server_ = await (await ready);
  channel.close('done');
  return { x, client, server: server_, channel };
}

describe('the protocol over TCP (loopback)', () => {
  it("Delphi's backend (small ring), a network with quadratic, ReLU and ReLU6 layers", async () => {
    const fp = compile(NETWORKS.mixedNet(fromTextSeed('tcp/mixed')));
    const { x, client, server, channel } = await overTcp(fp, delphiBackend({ parameters: small }), 'tcp/delphi');
    const walk = referenceWalk(fp, encodeInput(fp, x).map((v) => toSigned(Number(v))), { client: client.shares!, server: server.shares! });
    fp.layers.forEach((layer, k) => {
      expect(reconstructSigned(server.shares!.layers[k], client.shares!.layers[k]), `layer ${k} ${layer.op}`).toEqual(walk.layers[k]);
    });
    const sent = client.report.phases.reduce((s, p) => s + p.clientToServer.bytes, 0);
    const received = client.report.phases.reduce((s, p) => s + p.serverToClient.bytes, 0);
    expect(channel.stats.bytesSent).toBe(sent);
    expect(channel.stats.bytesReceived).toBe(received);
  });

  it('insecure dealer, a ReLU network: the logits equal evaluateFixedPoint', async () => {
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('tcp/lenet')));
    const { x, client } = await overTcp(fp, insecureDealer, 'tcp/dealer');
    expect(client.logits).toEqual(evaluateFixedPoint(fp, x).logits);
  });
});
