/**
 * The limits of §2.6 and §2.7 against scripted hostile peers over loopback: staged frame limits
 * (HELLO-sized before the handshake), buffers that grow with arriving bytes, pongs bounded by a
 * write budget, pings that do not count as progress, the write-stall and receive-progress
 * deadlines, the write-buffer cap, and the pending, session and per-address slots with their
 * "busy … retry in N s" reply. The oracle is the close reason each end reports and the byte
 * counts the channel exposes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { connectTcp, listenTcp, TcpChannel, type ServerEvent, type TcpChannelOptions, type TcpServer, type TcpServerOptions } from '../../src/net/node.js';
import { encodeDataFrame, encodePingFrame, FrameDecoder, memoryChannelPair } from '../../src/channel/index.js';
import { INITIAL_PAYLOAD_BUFFER_BYTES } from '../../src/channel/framing.js';
import { encodeHello, helloFromOptions, MAX_HELLO_BYTES } from '../../src/net/handshake.js';
import { performHandshake } from '../../src/net/index.js';
import { TransportError } from '../../src/errors.js';
import { collectFrames, rawClient, rawServer, waitFor } from './loopback-helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HANDSHAKE = { params: { 'model-hash': 'm' }, mustMatch: ['model-hash'] };
const helloFrame = () => encodeDataFrame(encodeHello(helloFromOptions({ role: 'client', ...HANDSHAKE })));
const header = (length: number) => Uint8Array.of(length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255);

/** A TcpChannel on the server side of a loopback connection whose client is a raw socket. */
async function channelAgainstRaw(options: TcpChannelOptions): Promise<{ channel: TcpChannel; peer: Socket }> {
  let accept!: (s: Socket) => void;
  const accepted = new Promise<Socket>((r) => (accept = r));
  const raw = await rawServer(accept);
  cleanups.push(() => raw.close());
  const channel = await connectTcp(`127.0.0.1:${raw.port}`, options);
  cleanups.push(() => channel.close('test over'));
  return { channel, peer: await accepted };
}

async function echoServer(extra: Partial<TcpServerOptions> = {}): Promise<{ server: TcpServer; events: ServerEvent[] }> {
  const events: ServerEvent[] = [];
  const server = await listenTcp({
    handshake: { ...HANDSHAKE, timeoutMs: 5000 },
    handler: async (channel) => {
      for (;;) {
        const m = await channel.recv().catch(() => null);
        if (m === null) return;
        channel.send(m);
      }
    },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  cleanups.push(() => server.close({ graceMs: 0 }));
  return { server, events };
}

/** The reason of the close frame a raw client receives, once the server ends the connection. */
async function closeReasonOf(socket: Socket): Promise<string> {
  const frames = await collectFrames(socket).closed;
  const close = frames.find((f) => f.kind === 'close');
  return close && close.kind === 'close' ? close.reason : '(no close frame)';
}

describe('FrameDecoder allocates as bytes arrive', () => {
  it('holds at most twice the received bytes of a frame announced at 200 MiB', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 256 * 2 ** 20 });
    decoder.push(header(200 * 2 ** 20));
    decoder.push(new Uint8Array(1000));
    expect(decoder.bufferedBytes).toBeLessThanOrEqual(INITIAL_PAYLOAD_BUFFER_BYTES + 4);
    let received = 1000;
    for (let i = 0; i < 20; i++) {
      decoder.push(new Uint8Array(50_000));
      received += 50_000;
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(2 * received + 4);
    }
    expect(decoder.partial).toEqual({ received: 4 + received, expected: 4 + 200 * 2 ** 20 });
  });

  it('a changed limit applies from the next header, and payloads come out byte for byte', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 10 });
    const payload = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 255);
    expect(() => new FrameDecoder({ maxMessageBytes: 10 }).push(header(11))).toThrow(/above the limit of 10 bytes/);
    decoder.maxMessageBytes = payload.length;
    const frame = encodeDataFrame(payload, payload.length);
    const frames = [];
    for (let at = 0; at < frame.length; at += 7919) frames.push(...decoder.push(frame.subarray(at, at + 7919)));
    expect(frames).toHaveLength(1);
    expect(frames[0].kind).toBe('data');
    expect(sameBytes((frames[0] as { payload: Uint8Array }).payload, payload)).toBe(true);
    expect(decoder.dataBytes).toBe(payload.length);
  });
});

describe('TcpChannel under a hostile peer', () => {
  it('a ping flood is dropped as a control-frame flood, with bounded pongs meanwhile', async () => {
    const { channel, peer } = await channelAgainstRaw({ heartbeatIntervalMs: 0 });
    peer.pause(); // never reads
    const ping = encodePingFrame('ping', new Uint8Array(1024));
    const burst = new Uint8Array(ping.length * 4096);
    for (let i = 0; i < 4096; i++) burst.set(ping, i * ping.length);
    let peak = 0;
    for (let i = 0; i < 12 && !channel.closed; i++) {
      peer.write(burst);
      await new Promise((r) => setTimeout(r, 20));
      peak = Math.max(peak, channel.bufferedBytes);
    }
    await waitFor(() => channel.closed);
    expect(channel.closeReason).toMatch(/control-frame flood: more than 256 pings or pongs at once or 64 per second/);
    expect(peak).toBeLessThanOrEqual(64 * 1024 + 2 * ping.length + FRAME_SLACK);
  });

  it('pings at the allowed rate are answered', async () => {
    const { channel, peer } = await channelAgainstRaw({ heartbeatIntervalMs: 0 });
    const got = collectFrames(peer);
    for (let i = 0; i < 100; i++) peer.write(encodePingFrame('ping', Uint8Array.of(i)));
    await waitFor(() => got.frames.length === 100);
    expect(got.frames.every((f, i) => f.kind === 'pong' && f.payload[0] === i)).toBe(true);
    expect(channel.closed).toBe(false);
  });

  it('a peer that leaves our writes unread is dropped by the write-stall deadline', async () => {
    const { channel, peer } = await channelAgainstRaw({ writeStallTimeoutMs: 300, heartbeatIntervalMs: 0, idleTimeoutMs: 0 });
    peer.pause();
    const message = new Uint8Array(2 ** 20);
    for (let i = 0; i < 64 && channel.bufferedBytes < 8 * 2 ** 20; i++) channel.send(message);
    await waitFor(() => channel.closed);
    expect(channel.closeReason).toMatch(/the peer does not read: \d+ bytes unsent for 300 ms/);
  });

  it("the peer's pings do not reset the idle timer", async () => {
    const { channel, peer } = await channelAgainstRaw({ idleTimeoutMs: 200, heartbeatIntervalMs: 0 });
    const timer = setInterval(() => peer.write(encodePingFrame('ping')), 20);
    cleanups.push(() => clearInterval(timer));
    await expect(channel.recv()).rejects.toThrow(/no data from the peer for 200 ms/);
  });

  it('a frame dripped below the minimum rate is dropped by the receive-progress deadline', async () => {
    const { channel, peer } = await channelAgainstRaw({ minReceiveBytesPerSecond: 1000, receiveGraceMs: 100, idleTimeoutMs: 0 });
    peer.write(header(1000));
    const timer = setInterval(() => peer.write(Uint8Array.of(7)), 25);
    cleanups.push(() => clearInterval(timer));
    const got = closeReasonOf(peer);
    await expect(channel.recv()).rejects.toThrow(/receive too slow: \d+ of 1004 bytes/);
    expect(await got).toMatch(/receive too slow/);
  });

  it('a frame arriving at the minimum rate is accepted', async () => {
    const { channel, peer } = await channelAgainstRaw({ minReceiveBytesPerSecond: 1000, receiveGraceMs: 100 });
    const frame = encodeDataFrame(new Uint8Array(300).fill(5));
    let at = 0;
    const timer = setInterval(() => {
      peer.write(frame.subarray(at, at + 50)); // 50 bytes per 20 ms: 2500 bytes/s
      at += 50;
      if (at >= frame.length) clearInterval(timer);
    }, 20);
    cleanups.push(() => clearInterval(timer));
    expect(await channel.recv()).toEqual(new Uint8Array(300).fill(5));
  });

  it('send fails once the write buffer would exceed its cap', async () => {
    const { channel, peer } = await channelAgainstRaw({ maxWriteBufferBytes: 4 * 2 ** 20 });
    peer.pause();
    const message = new Uint8Array(2 ** 20);
    const sendAll = () => {
      for (let i = 0; i < 64; i++) channel.send(message);
    };
    expect(sendAll).toThrow(TransportError);
    expect(channel.closeReason).toMatch(/write buffer full: more than 4194304 bytes/);
  });

  it('setMaxMessageBytes changes the receive limit and returns the previous one', async () => {
    const { channel, peer } = await channelAgainstRaw({ maxMessageBytes: 1000 });
    expect(channel.setMaxMessageBytes(10)).toBe(1000);
    expect(channel.maxMessageBytes).toBe(10);
    peer.write(encodeDataFrame(new Uint8Array(11)));
    await expect(channel.recv()).rejects.toThrow(/announced a message of 11 bytes, above the limit of 10/);
    expect(memoryChannelPair()[0].setMaxMessageBytes).toBeUndefined();
  });
});

describe('listenTcp slots and staged limits', () => {
  it('before the handshake a frame above the HELLO limit is refused, whatever the session limit', async () => {
    const { server, events } = await echoServer({ maxMessageBytes: 256 * 2 ** 20 });
    const socket = await rawClient(server.address.port);
    socket.write(header(200 * 2 ** 20));
    expect(await closeReasonOf(socket)).toMatch(new RegExp(`above the limit of ${MAX_HELLO_BYTES} bytes`));
    await waitFor(() => events.some((e) => e.type === 'disconnected'));
  });

  it('after the handshake the session limit applies', async () => {
    const { server } = await echoServer({ maxMessageBytes: 2 ** 20 });
    const channel = await connectTcp(`127.0.0.1:${server.address.port}`);
    cleanups.push(() => channel.close());
    await performHandshake(channel, { role: 'client', ...HANDSHAKE });
    const big = Uint8Array.from({ length: 500_000 }, (_, i) => i & 255);
    channel.send(big);
    expect(sameBytes(await channel.recv(), big)).toBe(true);
  });

  it('limits connections per address with a busy reply and a retry hint; other addresses are served', async () => {
    const { server, events } = await echoServer({ maxConnectionsPerAddress: 2, retryAfterSeconds: 7 });
    const port = server.address.port;
    const silent = [await rawClient(port, '127.0.0.2'), await rawClient(port, '127.0.0.2')];
    silent.forEach((s) => s.on('error', () => {}));
    await waitFor(() => server.activeConnections === 2);
    const third = await rawClient(port, '127.0.0.2');
    expect(await closeReasonOf(third)).toBe('server busy (2 connections from 127.0.0.2); retry in 7 s');
    const good = await connectTcp(`127.0.0.1:${port}`);
    cleanups.push(() => good.close());
    await performHandshake(good, { role: 'client', ...HANDSHAKE });
    good.send(Uint8Array.of(1, 2, 3));
    expect(await good.recv()).toEqual(Uint8Array.of(1, 2, 3));
    expect(events.filter((e) => e.type === 'rejected')).toHaveLength(1);
    silent.forEach((s) => s.destroy());
  });

  it('a full handshake queue makes room for another address by closing the oldest of the busiest one', async () => {
    const { server } = await echoServer({ maxPendingHandshakes: 4 });
    const port = server.address.port;
    const silent = [];
    for (let i = 0; i < 4; i++) silent.push(await rawClient(port, '127.0.0.2'));
    silent.forEach((s) => s.on('error', () => {}));
    await waitFor(() => server.activeConnections === 4);
    const reasons = silent.map((s) => closeReasonOf(s));
    const good = await connectTcp(`127.0.0.1:${port}`);
    cleanups.push(() => good.close());
    await performHandshake(good, { role: 'client', ...HANDSHAKE });
    good.send(Uint8Array.of(9));
    expect(await good.recv()).toEqual(Uint8Array.of(9));
    const evicted = await Promise.race(reasons);
    expect(evicted).toBe('server busy (4 connections in the handshake; the oldest from 127.0.0.2 made room); retry in 5 s');
    // The same address cannot evict its own connections: with the queue full again, one more from 127.0.0.2 is turned away.
    silent.push(await rawClient(port, '127.0.0.2'));
    silent.at(-1)!.on('error', () => {});
    await waitFor(() => server.activeConnections === 5);
    expect(await closeReasonOf(await rawClient(port, '127.0.0.2'))).toBe('server busy (4 connections in the handshake); retry in 5 s');
    silent.forEach((s) => s.destroy());
  });

  it('bounds the sessions of one address, so that valid HELLOs followed by silence cannot take every slot', async () => {
    const { server } = await echoServer({ maxConnections: 4 });
    const port = server.address.port;
    const silent = [];
    for (let i = 0; i < 2; i++) {
      const c = await connectTcp(`127.0.0.1:${port}`);
      cleanups.push(() => c.close());
      await performHandshake(c, { role: 'client', ...HANDSHAKE });
      silent.push(c);
    }
    await waitFor(() => server.sessions === 2);
    const third = await connectTcp(`127.0.0.1:${port}`);
    await performHandshake(third, { role: 'client', ...HANDSHAKE });
    await expect(third.recv()).rejects.toThrow('peer closed the connection: server busy (2 sessions from 127.0.0.1); retry in 5 s');
    expect(server.sessions).toBe(2);
    silent.forEach((c) => c.close());
  });

  it('bounds connections in the handshake, and sessions after it', async () => {
    const { server } = await echoServer({ maxPendingHandshakes: 2, maxConnections: 1 });
    const port = server.address.port;
    const silent = [await rawClient(port, '127.0.0.3'), await rawClient(port, '127.0.0.4')];
    silent.forEach((s) => s.on('error', () => {}));
    await waitFor(() => server.activeConnections === 2);
    expect(await closeReasonOf(await rawClient(port, '127.0.0.5'))).toBe('server busy (2 connections in the handshake); retry in 5 s');
    silent.forEach((s) => s.destroy());
    await waitFor(() => server.activeConnections === 0);
    const first = await connectTcp(`127.0.0.1:${port}`);
    cleanups.push(() => first.close());
    await performHandshake(first, { role: 'client', ...HANDSHAKE });
    await waitFor(() => server.sessions === 1);
    const second = await connectTcp(`127.0.0.1:${port}`);
    await performHandshake(second, { role: 'client', ...HANDSHAKE });
    await expect(second.recv()).rejects.toThrow('peer closed the connection: server busy (1 sessions); retry in 5 s');
  });
});

/** Byte equality without the cost of a deep comparison of large arrays. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Header bytes a partially written frame may add to the write buffer. */
const FRAME_SLACK = 16;
