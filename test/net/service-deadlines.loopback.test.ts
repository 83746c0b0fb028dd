/**
 * The request deadlines of a service connection (§9.14.5) over loopback TCP: peers from eight other
 * addresses (127.0.0.2–127.0.0.9) pass the transport HELLO and then stay silent, filling every
 * session slot; a legitimate client is turned away busy while they hold the slots, they are dropped
 * at the first-request deadline with a reason that says so, and the legitimate client is then served
 * (its logits equal the fixed-point evaluator's) while a new wave of silent peers is connected. A
 * client idle between requests is dropped at the request deadline. The oracle is each end's close
 * reason and the prediction.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { TransportError } from '../../src/errors.js';
import { encodeDataFrame } from '../../src/channel/index.js';
import { encodeHello, helloFromOptions } from '../../src/net/handshake.js';
import { performHandshake } from '../../src/net/index.js';
import { connectTcp, listenTcp, type TcpServer } from '../../src/net/node.js';
import { evaluateFixedPoint } from '../../src/nn/index.js';
import { insecureDealer, serveConnection, ServiceClient } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile } from '../protocol/helpers.js';
import { collectFrames, rawClient, waitFor } from './loopback-helpers.js';

const HANDSHAKE = { params: { 'model-hash': 'm' }, mustMatch: ['model-hash'] };
const fp = compile(NETWORKS.lenetLike(fromTextSeed('deadlines/lenet')));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function service(options: { firstRequestTimeoutMs: number; requestIdleTimeoutMs?: number }): Promise<{ server: TcpServer; errors: string[] }> {
  const errors: string[] = [];
  const server = await listenTcp({
    handshake: { ...HANDSHAKE, timeoutMs: 5000 },
    maxConnections: 8,
    handler: async (channel) => {
      await serveConnection(channel, fp, { backend: insecureDealer, allowInsecure: true, ...options }).catch((e: Error) => errors.push(e.message));
    },
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { server, errors };
}

/** A raw peer from `address` that completes the HELLO, then says nothing; resolves with the reason of the close frame it gets. */
async function silentPeer(port: number, address: string): Promise<{ socket: Socket; reason: Promise<string> }> {
  const socket = await rawClient(port, address);
  socket.on('error', () => {});
  cleanups.push(() => socket.destroy());
  const frames = collectFrames(socket);
  socket.write(encodeDataFrame(encodeHello(helloFromOptions({ role: 'client', ...HANDSHAKE }))));
  const reason = frames.closed.then((all) => {
    const close = all.find((f) => f.kind === 'close');
    return close && close.kind === 'close' ? close.reason : '(no close frame)';
  });
  return { socket, reason };
}

const addresses = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

async function legitimateInference(port: number): Promise<void> {
  const channel = await connectTcp(`127.0.0.1:${port}`);
  cleanups.push(() => channel.close('test over'));
  await performHandshake(channel, { role: 'client', ...HANDSHAKE });
  const client = await ServiceClient.open(channel, { backend: insecureDealer, allowInsecure: true, rng: fromTextSeed('deadlines client') });
  await client.preprocess(1);
  const x = randomInput(fromTextSeed('deadlines x'), fp.inputShape.reduce((a, b) => a * b, 1), -1, 1);
  expect((await client.infer(x)).logits).toEqual(evaluateFixedPoint(fp, x).logits);
  client.close();
}

describe('service request deadlines against silent peers (§9.14.5)', () => {
  it('silent post-HELLO peers from 8 addresses are dropped at the first-request deadline; the legitimate client is then served', async () => {
    const { server, errors } = await service({ firstRequestTimeoutMs: 1500 });
    const port = server.address.port;
    const first = await Promise.all(addresses.map((a) => silentPeer(port, a)));
    await waitFor(() => server.sessions === 8);
    // While they hold every slot, a legitimate client is turned away.
    const turnedAway = await connectTcp(`127.0.0.1:${port}`);
    cleanups.push(() => turnedAway.close());
    await expect(performHandshake(turnedAway, { role: 'client', ...HANDSHAKE }).then(() => turnedAway.recv())).rejects.toThrow(/server busy \(8 sessions\)/);
    for (const peer of first) expect(await peer.reason).toBe('no first request (OPEN or RESUME) within 1.5 s');
    await waitFor(() => server.sessions === 0);
    // A new wave of silent peers takes 7 slots; the legitimate client takes the last and is served.
    const second = await Promise.all(addresses.slice(0, 7).map((a) => silentPeer(port, a)));
    await waitFor(() => server.sessions === 7);
    await legitimateInference(port);
    for (const peer of second) expect(await peer.reason).toBe('no first request (OPEN or RESUME) within 1.5 s');
    expect(errors.filter((e) => e.includes('no first request'))).toHaveLength(15);
  });

  it('a client idle between requests is dropped at the request deadline (heartbeats do not count)', async () => {
    const { server, errors } = await service({ firstRequestTimeoutMs: 5000, requestIdleTimeoutMs: 300 });
    const channel = await connectTcp(`127.0.0.1:${server.address.port}`, { heartbeatIntervalMs: 50 });
    cleanups.push(() => channel.close('test over'));
    await performHandshake(channel, { role: 'client', ...HANDSHAKE });
    const client = await ServiceClient.open(channel, { backend: insecureDealer, allowInsecure: true, rng: fromTextSeed('idle client') });
    // Say nothing: the next receive ends with the server's reason.
    const err = await channel.recv().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('no request within 0.3 s');
    expect(errors).toEqual(['service: no request within 0.3 s; connection dropped']);
    await expect(client.preprocess(1)).rejects.toThrow(TransportError);
  });
});
