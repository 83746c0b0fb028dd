/**
 * listenTcp over real loopback sockets (Spec: §2.7): many concurrent clients, and clients that
 * misbehave in every way a test can script, none of which may disturb the others or the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectTcp, listenTcp, type ServerEvent, type TcpServer, type TcpServerOptions } from '../../src/net/node.js';
import { encodeDataFrame, type Frame } from '../../src/channel/index.js';
import { encodeHello, helloFromOptions } from '../../src/net/handshake.js';
import { performHandshake } from '../../src/net/index.js';
import { ProtocolError, TransportError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { collectFrames, rawClient, waitFor } from './loopback-helpers.js';

const servers: TcpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close({ graceMs: 0 });
});

const HANDSHAKE = { params: { 'model-hash': 'mnist-v1' }, mustMatch: ['model-hash'] };

/** An echo server: answers each message with its bytes reversed, until the client closes. */
async function echoServer(extra: Partial<TcpServerOptions> = {}): Promise<{ server: TcpServer; events: ServerEvent[]; address: string }> {
  const events: ServerEvent[] = [];
  const server = await listenTcp({
    handshake: HANDSHAKE,
    handler: async (channel) => {
      for (;;) {
        let m: Uint8Array;
        try {
          m = await channel.recv();
        } catch {
          return; // the client left
        }
        channel.send(m.slice().reverse());
      }
    },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  servers.push(server);
  return { server, events, address: `127.0.0.1:${server.address.port}` };
}

/** A well-behaved client: handshake, `rounds` echoes checked, close. */
async function goodClient(address: string, seed: string, rounds = 5): Promise<void> {
  const rng = fromTextSeed(seed);
  const channel = await connectTcp(address);
  try {
    const result = await performHandshake(channel, { role: 'client', ...HANDSHAKE });
    expect(result.peer.role).toBe('server');
    for (let i = 0; i < rounds; i++) {
      const m = rng.bytes(uniformBelow(rng, 3000));
      channel.send(m);
      expect(await channel.recv()).toEqual(m.slice().reverse());
    }
  } finally {
    channel.close('client done');
  }
}

const helloFrame = (params = HANDSHAKE.params) => encodeDataFrame(encodeHello(helloFromOptions({ role: 'client', params })));

function eventsOf(events: ServerEvent[], type: ServerEvent['type']) {
  return events.filter((e) => e.type === type);
}

describe('listenTcp', () => {
  it('serves many clients concurrently, each with its own channel', async () => {
    const { server, events, address } = await echoServer({ maxConnectionsPerAddress: 24, maxSessionsPerAddress: 24 });
    await Promise.all(Array.from({ length: 24 }, (_, i) => goodClient(address, `client ${i}`)));
    await waitFor(() => server.activeConnections === 0);
    expect(eventsOf(events, 'connected')).toHaveLength(24);
    expect(eventsOf(events, 'disconnected')).toHaveLength(24);
    expect(eventsOf(events, 'error')).toHaveLength(0);
    const ids = eventsOf(events, 'connected').map((e) => (e as { connection: { id: number } }).connection.id);
    expect(new Set(ids).size).toBe(24);
  });

  it('a handshake mismatch fails both ends with the reason and the server goes on', async () => {
    const { events, address } = await echoServer();
    const channel = await connectTcp(address);
    const attempt = performHandshake(channel, { role: 'client', params: { 'model-hash': 'cifar-v1' }, mustMatch: ['model-hash'] });
    await expect(attempt).rejects.toThrow(ProtocolError);
    await expect(attempt).rejects.toThrow(/"model-hash" differs: this end has "cifar-v1", the peer "mnist-v1"/);
    await waitFor(() => eventsOf(events, 'handshake-failed').length === 1);
    const failure = eventsOf(events, 'handshake-failed')[0] as { error: Error };
    expect(failure.error.message).toMatch(/this end has "mnist-v1", the peer "cifar-v1"/);
    await goodClient(address, 'after mismatch');
  });

  it('an HTTP client is told it did not speak delphi-ts', async () => {
    const { events, address, server } = await echoServer();
    const socket = await rawClient(server.address.port);
    const got = collectFrames(socket);
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const frames = await got.closed;
    // "GET " read as a header announces 1195725856 bytes, above the 256 MiB limit.
    expect(frames.at(-1)).toMatchObject({
      kind: 'close',
      reason: expect.stringMatching(/1195725856 bytes, above the limit .* starts with the text "GET \/ HTTP\/1.1\\r\\nHost: lo": the peer does not speak delphi-ts framing/),
    });
    await waitFor(() => eventsOf(events, 'handshake-failed').length === 1);
    await goodClient(address, 'after http');
  });

  it('a frame that is not a HELLO is refused as a foreign protocol', async () => {
    const { events, server } = await echoServer();
    const socket = await rawClient(server.address.port);
    const got = collectFrames(socket);
    socket.write(encodeDataFrame(new TextEncoder().encode('hello there')));
    const frames = await got.closed;
    expect(frames.find((f): f is Extract<Frame, { kind: 'close' }> => f.kind === 'close')?.reason).toMatch(
      /handshake failed: peer did not open with a delphi-ts HELLO/,
    );
    await waitFor(() => eventsOf(events, 'handshake-failed').length === 1);
  });

  it('a client that never says hello is dropped after the handshake timeout', async () => {
    const { events, server } = await echoServer({ handshake: { ...HANDSHAKE, timeoutMs: 100 } });
    const socket = await rawClient(server.address.port);
    const got = collectFrames(socket);
    await got.closed;
    const failure = eventsOf(events, 'handshake-failed')[0] as { error: Error };
    expect(failure.error).toBeInstanceOf(TransportError);
    expect(failure.error.message).toMatch(/no HELLO from the peer within 100 ms/);
  });

  it('a drop in the middle of a message ends that session only', async () => {
    let handlerError: unknown;
    const server = await listenTcp({
      handshake: HANDSHAKE,
      handler: async (channel) => {
        try {
          await channel.recv();
        } catch (e) {
          handlerError = e;
          throw e;
        }
      },
    });
    servers.push(server);
    const socket = await rawClient(server.address.port);
    socket.write(helloFrame());
    socket.write(encodeDataFrame(new Uint8Array(1000)).subarray(0, 500));
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await waitFor(() => handlerError !== undefined);
    expect(handlerError).toBeInstanceOf(TransportError);
    expect((handlerError as Error).message).toMatch(/dropped in the middle of a frame \(500 of 1004 bytes received\)/);
    await waitFor(() => server.activeConnections === 0);
  });

  it('an exception in the handler is logged, and the client only learns that the session was aborted', async () => {
    const events: ServerEvent[] = [];
    const server = await listenTcp({
      handler: async () => {
        throw new Error('secret internal detail');
      },
      onEvent: (e) => events.push(e),
    });
    servers.push(server);
    const channel = await connectTcp(`127.0.0.1:${server.address.port}`);
    const failure = channel.recv();
    await expect(failure).rejects.toThrow(/peer closed the connection: session aborted by the server$/);
    await waitFor(() => eventsOf(events, 'error').length === 1);
    expect((eventsOf(events, 'error')[0] as { error: Error }).error.message).toBe('secret internal detail');
  });

  it('a throwing logger and a synchronous handler do not disturb the server', async () => {
    const server = await listenTcp({
      handler: (channel) => {
        channel.send(Uint8Array.of(1));
      },
      onEvent: () => {
        throw new Error('logger is broken');
      },
    });
    servers.push(server);
    for (let i = 0; i < 3; i++) {
      const channel = await connectTcp(`127.0.0.1:${server.address.port}`);
      expect(await channel.recv()).toEqual(Uint8Array.of(1));
      await expect(channel.recv()).rejects.toThrow(/session over/);
    }
  });

  it('turns away clients beyond maxConnections with "server busy"', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const events: ServerEvent[] = [];
    const server = await listenTcp({ maxConnections: 2, handler: () => gate, onEvent: (e) => events.push(e) });
    servers.push(server);
    const address = `127.0.0.1:${server.address.port}`;
    const a = await connectTcp(address);
    const b = await connectTcp(address);
    await waitFor(() => server.activeConnections === 2);
    const c = await connectTcp(address);
    await expect(c.recv()).rejects.toThrow(/peer closed the connection: server busy \(2 connections\)/);
    expect(eventsOf(events, 'rejected')).toHaveLength(1);
    release();
    await waitFor(() => server.activeConnections === 0);
    const d = await connectTcp(address);
    await expect(d.recv()).rejects.toThrow(/session over/);
    for (const ch of [a, b, c, d]) ch.close();
  });

  it('close lets sessions finish within the grace period, then closes the rest', async () => {
    const finished: number[] = [];
    const server = await listenTcp({
      handler: async (channel, info) => {
        const m = await channel.recv();
        if (m[0] === 1) {
          await new Promise((r) => setTimeout(r, 50)); // a short job that completes in the grace period
          channel.send(Uint8Array.of(2));
          finished.push(info.id);
          return;
        }
        await channel.recv(); // waits forever: closed by the shutdown
      },
    });
    const address = `127.0.0.1:${server.address.port}`;
    const quick = await connectTcp(address);
    const stuck = await connectTcp(address);
    quick.send(Uint8Array.of(1));
    stuck.send(Uint8Array.of(0));
    await waitFor(() => server.activeConnections === 2);
    const closing = server.close({ graceMs: 1500 });
    expect(await quick.recv()).toEqual(Uint8Array.of(2));
    await expect(stuck.recv()).rejects.toThrow(/peer closed the connection: server shutting down/);
    await closing;
    expect(finished).toHaveLength(1);
    expect(server.activeConnections).toBe(0);
    await expect(connectTcp(address)).rejects.toThrow(/connection refused/);
  });

  it('sessionTimeoutMs bounds how long a live but idle client holds a slot', async () => {
    const server = await listenTcp({ sessionTimeoutMs: 100, heartbeatIntervalMs: 20, handler: (channel) => channel.recv().then(() => {}) });
    servers.push(server);
    const channel = await connectTcp(`127.0.0.1:${server.address.port}`, { heartbeatIntervalMs: 20 });
    await expect(channel.recv()).rejects.toThrow(/peer closed the connection: session time limit of 0.1 s reached/);
    await waitFor(() => server.activeConnections === 0);
  });

  it('reports an address in use', async () => {
    const { server } = await echoServer();
    await expect(listenTcp({ port: server.address.port, handler: () => {} })).rejects.toThrow(/address already in use/);
  });

  it('survives a crowd of hostile clients while serving good ones (fuzz)', async () => {
    const { server, events, address } = await echoServer({ maxMessageBytes: 1 << 16, maxSessionsPerAddress: 64, handshake: { ...HANDSHAKE, timeoutMs: 3000 } });
    const rng = fromTextSeed('server fuzz');
    const hostile = async (i: number) => {
      const socket = await rawClient(server.address.port);
      socket.on('error', () => {});
      const kind = i % 6;
      if (kind === 0) socket.write(rng.bytes(1 + uniformBelow(rng, 200))); // noise
      if (kind === 1) socket.write(helloFrame().subarray(0, uniformBelow(rng, 30))); // truncated hello
      if (kind === 2) socket.write(Uint8Array.of(0x00, 0x10, 0x00, 0x00)); // 1 MiB frame, over the 64 KiB limit
      if (kind === 3) {
        socket.write(helloFrame()); // a good hello, then garbage frames
        socket.write(Uint8Array.of(0x80, 0, 0, 1, 0x42));
      }
      if (kind === 4) {
        socket.write(helloFrame({ 'model-hash': 'wrong' }));
      }
      if (kind === 5) {
        socket.write(helloFrame());
        socket.write(encodeDataFrame(new Uint8Array(100)).subarray(0, 1 + uniformBelow(rng, 100)));
      }
      await new Promise((r) => setTimeout(r, uniformBelow(rng, 40)));
      if (uniformBelow(rng, 2) === 0) socket.destroy();
      else socket.end();
    };
    const work: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      work.push(hostile(i));
      if (i % 6 === 0) work.push(goodClient(address, `good ${i}`, 3));
    }
    await Promise.all(work);
    await waitFor(() => server.activeConnections === 0);
    expect(eventsOf(events, 'connected')).toHaveLength(70);
    expect(eventsOf(events, 'disconnected')).toHaveLength(70);
    for (const e of [...eventsOf(events, 'handshake-failed'), ...eventsOf(events, 'error')]) {
      const error = (e as { error: Error }).error;
      expect(error instanceof TransportError || error instanceof ProtocolError || error.name === 'MalformedInputError', String(error)).toBe(true);
    }
    await goodClient(address, 'after the crowd');
  });
});
