/**
 * The WebSocket transport over real loopback connections (Spec: §2.8): the same frames, HELLO and
 * limits as TCP (the TCP transport and the framing reference are the oracles: a message must
 * arrive byte for byte, each WebSocket message must hold exactly the frame encodeDataFrame builds),
 * and hostile or unwelcome clients (oversized or malformed messages, foreign origins, silent peers,
 * one too many) end their own connection only.
 */
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import {
  connectWebSocketNode,
  isOriginAllowed,
  listenWebSocket,
  type DelphiWebSocketServer,
  type ServerEvent,
  type WebSocketServerOptions,
} from '../../src/net/node.js';
import { encodeCloseFrame, encodeDataFrame, FrameDecoder, type Frame } from '../../src/channel/index.js';
import { encodeHello, helloFromOptions } from '../../src/net/handshake.js';
import { performHandshake } from '../../src/net/index.js';
import { ProtocolError, TransportError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { closedPort, waitFor } from './loopback-helpers.js';

const servers: DelphiWebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close({ graceMs: 0 });
});

const HANDSHAKE = { params: { 'model-hash': 'mnist-v1' }, mustMatch: ['model-hash'] };

/** An echo server: answers each message with its bytes reversed, until the client leaves. */
async function echoServer(extra: Partial<WebSocketServerOptions> = {}): Promise<{ server: DelphiWebSocketServer; events: ServerEvent[] }> {
  const events: ServerEvent[] = [];
  const server = await listenWebSocket({
    handshake: HANDSHAKE,
    handler: async (channel) => {
      for (;;) {
        let m: Uint8Array;
        try {
          m = await channel.recv();
        } catch {
          return;
        }
        channel.send(m.slice().reverse());
      }
    },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  servers.push(server);
  return { server, events };
}

/** A raw `ws` client that records the frames of §2.4 it receives and how the socket closed. */
async function rawWs(url: string, options: { origin?: string } = {}) {
  const ws = new WsWebSocket(url, { perMessageDeflate: false, ...options });
  const frames: Frame[] = [];
  const decoder = new FrameDecoder();
  ws.on('message', (data: Buffer) => frames.push(...decoder.push(new Uint8Array(data))));
  const closed = new Promise<{ code: number; frames: Frame[] }>((resolve) => ws.on('close', (code: number) => resolve({ code, frames })));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req: unknown, res: { statusCode: number }) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

const helloFrame = () => encodeDataFrame(encodeHello(helloFromOptions({ role: 'client', ...HANDSHAKE })));
const closeReasons = (frames: Frame[]) => frames.filter((f) => f.kind === 'close').map((f) => (f as { reason: string }).reason);

describe('listenWebSocket + connectWebSocketNode', () => {
  it('carries messages of every size byte for byte, for several clients at once, one frame per WebSocket message', async () => {
    const { server, events } = await echoServer();
    await Promise.all(
      ['a', 'b', 'c'].map(async (seed) => {
        const rng = fromTextSeed(`ws echo ${seed}`);
        const channel = await connectWebSocketNode(server.url);
        const hello = await performHandshake(channel, { role: 'client', ...HANDSHAKE });
        expect(hello.peer.role).toBe('server');
        for (const size of [0, 1, 3, 65535, 65536, 70000 + uniformBelow(rng, 1000)]) {
          const m = rng.bytes(size);
          channel.send(m);
          expect(await channel.recv()).toEqual(m.slice().reverse());
        }
        await channel.flush();
        // Payload counters as every Channel; the wire adds 4 header bytes per frame.
        expect(channel.wire.bytesSent).toBe(channel.stats.bytesSent + 4 * channel.stats.messagesSent);
        channel.close('client done');
      }),
    );
    await waitFor(() => events.filter((e) => e.type === 'disconnected').length === 3);
    expect(events.filter((e) => e.type === 'error' || e.type === 'handshake-failed')).toEqual([]);
  });

  it('each WebSocket message is exactly the frame of §2.4', async () => {
    const { server } = await echoServer();
    const raw = await rawWs(server.url);
    raw.ws.send(helloFrame());
    raw.ws.send(encodeDataFrame(Uint8Array.of(1, 2, 3)));
    await waitFor(() => raw.frames.length >= 2);
    expect(raw.frames[1]).toEqual({ kind: 'data', payload: Uint8Array.of(3, 2, 1) });
    raw.ws.send(encodeCloseFrame('bye'));
    const { frames } = await raw.closed;
    expect(frames.length).toBe(2); // no answer after our CLOSE
  });

  it('a handshake mismatch fails both ends with the reason', async () => {
    const { server, events } = await echoServer();
    const channel = await connectWebSocketNode(server.url);
    await expect(performHandshake(channel, { role: 'client', params: { 'model-hash': 'other' }, mustMatch: ['model-hash'] })).rejects.toThrow(ProtocolError);
    await waitFor(() => events.some((e) => e.type === 'handshake-failed'));
    const failed = events.find((e) => e.type === 'handshake-failed') as { error: Error };
    expect(failed.error.message).toMatch(/"model-hash" differs/);
  });

  it('refuses a message above the limit before buffering it (ws maxPayload), and a header announcing one', async () => {
    const { server, events } = await echoServer({ maxMessageBytes: 1000 });
    // A whole WebSocket message above limit + header: ws closes with 1009 (message too big).
    const big = await rawWs(server.url);
    big.ws.send(helloFrame());
    big.ws.send(new Uint8Array(1005));
    expect((await big.closed).code).toBe(1009);
    // A small WebSocket message whose frame header announces 2 MB: CLOSE with the reason.
    const liar = await rawWs(server.url);
    liar.ws.send(helloFrame());
    liar.ws.send(Uint8Array.of(0x00, 0x20, 0x00, 0x00, 1, 2, 3));
    const { frames } = await liar.closed;
    expect(closeReasons(frames)).toEqual(['peer announced a message of 2097152 bytes, above the limit of 1000 bytes']);
    await waitFor(() => events.filter((e) => e.type === 'disconnected').length === 2);
    // The server still serves.
    const ok = await connectWebSocketNode(server.url, { maxMessageBytes: 1000 });
    await performHandshake(ok, { role: 'client', ...HANDSHAKE });
    ok.send(Uint8Array.of(9, 8));
    expect(await ok.recv()).toEqual(Uint8Array.of(8, 9));
    expect(() => ok.send(new Uint8Array(1001))).toThrow(TransportError);
    ok.close();
  });

  it('refuses text messages and messages holding more or less than one frame', async () => {
    const { server } = await echoServer();
    const cases: [string, (ws: WsWebSocket) => void, RegExp][] = [
      ['text', (ws) => ws.send('hello'), /a text message received/],
      ['two frames', (ws) => ws.send(new Uint8Array([...encodeDataFrame(Uint8Array.of(1)), ...encodeDataFrame(Uint8Array.of(2))])), /exactly one frame/],
      ['half a frame', (ws) => ws.send(Uint8Array.of(0, 0, 0, 9, 1)), /exactly one frame/],
    ];
    for (const [what, send, reason] of cases) {
      const raw = await rawWs(server.url);
      raw.ws.send(helloFrame());
      send(raw.ws);
      const { frames } = await raw.closed;
      expect(closeReasons(frames).join(), what).toMatch(reason);
    }
  });

  it('allows browser pages only from allowed origins; clients without an Origin always', async () => {
    const { server, events } = await echoServer({ allowedOrigins: ['https://docs.example.org', 'http://localhost:*'] });
    await expect(connectWebSocketNode(server.url, { origin: 'https://evil.example' })).rejects.toThrow(/refused this origin \(HTTP 403/);
    expect(events.some((e) => e.type === 'rejected' && /origin https:\/\/evil.example is not allowed/.test(e.reason))).toBe(true);
    for (const origin of ['https://docs.example.org', 'http://localhost:3000', undefined]) {
      const channel = await connectWebSocketNode(server.url, origin === undefined ? {} : { origin });
      await performHandshake(channel, { role: 'client', ...HANDSHAKE });
      channel.close();
    }
  });

  it('isOriginAllowed: loopback pages by default, exact origins, port wildcards', () => {
    for (const o of ['http://localhost:3000', 'http://127.0.0.1:8080', 'https://[::1]:1', 'http://localhost']) expect(isOriginAllowed(o), o).toBe(true);
    for (const o of ['https://example.org', 'http://localhost.evil.org', 'http://127.0.0.1.nip.io:80', 'null', 'file://', 'garbage']) {
      expect(isOriginAllowed(o), o).toBe(false);
    }
    expect(isOriginAllowed(undefined)).toBe(true);
    expect(isOriginAllowed('https://a.org', ['https://a.org'])).toBe(true);
    expect(isOriginAllowed('https://a.org:444', ['https://a.org'])).toBe(false);
    expect(isOriginAllowed('https://anything.org', ['*'])).toBe(true);
    expect(() => listenWebSocket({ handler: () => {}, allowedOrigins: ['example.org'] })).toThrow(/not an http\(s\) origin/);
  });

  it('turns away clients beyond maxConnections with "server busy"', async () => {
    const { server, events } = await echoServer({ maxConnections: 1 });
    const first = await connectWebSocketNode(server.url);
    await performHandshake(first, { role: 'client', ...HANDSHAKE });
    const second = await connectWebSocketNode(server.url);
    await expect(second.recv()).rejects.toThrow('peer closed the connection: server busy (1 connections)');
    expect(events.filter((e) => e.type === 'rejected')).toHaveLength(1);
    first.close();
  });

  it('drops a client that never says hello after the handshake timeout, and one that never finishes its upgrade', async () => {
    const { server, events } = await echoServer({ handshake: { ...HANDSHAKE, timeoutMs: 200 }, upgradeTimeoutMs: 300 });
    const silent = await rawWs(server.url);
    const { frames } = await silent.closed;
    expect(closeReasons(frames)).toEqual(['handshake timed out: no HELLO from the peer within 200 ms']);
    expect(events.some((e) => e.type === 'handshake-failed')).toBe(true);
    // Half an HTTP request, then nothing: Node's header timeout closes the connection.
    const socket = createConnection({ host: '127.0.0.1', port: server.address.port });
    socket.on('error', () => {});
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1.1 (400|408) /);
  });

  it('idle timeout drops a silent peer; heartbeats keep a quiet one', async () => {
    const { server } = await echoServer({ idleTimeoutMs: 300 });
    const mute = await connectWebSocketNode(server.url, { heartbeatIntervalMs: 0 });
    await performHandshake(mute, { role: 'client', ...HANDSHAKE });
    await expect(mute.recv()).rejects.toThrow(/peer closed the connection: no data from the peer for 300 ms/);
    const alive = await connectWebSocketNode(server.url, { heartbeatIntervalMs: 50 });
    await performHandshake(alive, { role: 'client', ...HANDSHAKE });
    await new Promise((r) => setTimeout(r, 900));
    alive.send(Uint8Array.of(1, 2));
    expect(await alive.recv()).toEqual(Uint8Array.of(2, 1));
    alive.close();
  });

  it('a handler that throws aborts its session only; the client learns no more than that', async () => {
    const events: ServerEvent[] = [];
    const server = await listenWebSocket({
      handshake: HANDSHAKE,
      onEvent: (e) => events.push(e),
      handler: async (channel) => {
        const m = await channel.recv();
        if (m[0] === 0) throw new Error('secret server state');
        channel.send(m);
      },
    });
    servers.push(server);
    const bad = await connectWebSocketNode(server.url);
    await performHandshake(bad, { role: 'client', ...HANDSHAKE });
    bad.send(Uint8Array.of(0));
    await expect(bad.recv()).rejects.toThrow('peer closed the connection: session aborted by the server');
    const good = await connectWebSocketNode(server.url);
    await performHandshake(good, { role: 'client', ...HANDSHAKE });
    good.send(Uint8Array.of(5));
    expect(await good.recv()).toEqual(Uint8Array.of(5));
    expect(events.some((e) => e.type === 'error' && e.error.message === 'secret server state')).toBe(true);
  });

  it('answers a plain HTTP request with 426 and says what it is', async () => {
    const { server } = await echoServer();
    const res = await fetch(`http://127.0.0.1:${server.address.port}/`);
    expect(res.status).toBe(426);
    expect(await res.text()).toMatch(/delphi-ts WebSocket endpoint/);
  });

  it('close() ends running sessions with "server shutting down"', async () => {
    const { server } = await echoServer();
    const channel = await connectWebSocketNode(server.url);
    await performHandshake(channel, { role: 'client', ...HANDSHAKE });
    await server.close({ graceMs: 0 });
    await expect(channel.recv()).rejects.toThrow('peer closed the connection: server shutting down');
  });

  it('connection failures say why', async () => {
    const port = await closedPort();
    await expect(connectWebSocketNode(`ws://127.0.0.1:${port}`)).rejects.toThrow(`could not connect to ws://127.0.0.1:${port}/: connection refused (is the server running?)`);
    await expect(connectWebSocketNode('http://127.0.0.1:1')).rejects.toThrow(/expected a ws:\/\/ or wss:\/\/ URL/);
    const server = await listenWebSocket({ handler: () => {}, port: 0 });
    servers.push(server);
    await expect(listenWebSocket({ handler: () => {}, port: server.address.port })).rejects.toThrow(/address already in use/);
  });
});
