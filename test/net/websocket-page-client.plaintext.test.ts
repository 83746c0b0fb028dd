/**
 * The client the website's "Private inference against a server" page runs in its Web Worker
 * (website/src/components/remote/run-remote.ts), here in Node with the `ws` package standing in
 * for the browser's WebSocket, against `listenWebSocket` serving the model with the service protocol
 * (`serveConnection`) as `delphi serve` does. Oracles: the plaintext fixed-point evaluation (the
 * prediction and logits), the server's own byte accounting (what the page lists as the server's
 * view), the server's report of a kept session (one setup for several inferences), and the
 * failures the page must explain (no server, another protocol version, other backends, another
 * model). Spec: §2.8, §9.14
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { listenWebSocket, type DelphiWebSocketServer, type WebSocketLike } from '../../src/net/node.js';
import { compileFixedPoint, evaluateFixedPoint, parseModel } from '../../src/nn/index.js';
import { architectureFingerprint, insecureDealer, publicArchitecture, serveConnection, type ServiceConnectionReport } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { helloOptions } from '../../src/cli/remote.js';
import { PRESET_DIGITS, rasterize } from '../../website/src/components/viz/digits.js';
import { closedPort } from './loopback-helpers.js';

const fixed = compileFixedPoint(parseModel(readFileSync(fileURLToPath(new URL('../../models/mnist-small.json', import.meta.url)), 'utf8')));
const fingerprint = architectureFingerprint(publicArchitecture(fixed));
const createSocket = (url: string) => new WsWebSocket(url, { perMessageDeflate: false, origin: 'http://127.0.0.1:3000' }) as unknown as WebSocketLike;

const servers: DelphiWebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close({ graceMs: 0 });
});

/** A server as `delphi serve --backend insecure-dealer --insecure --ws-port 0` runs it; `hello` overrides its HELLO. */
async function dealerServer(hello: Partial<ReturnType<typeof helloOptions>> = {}, fp = fingerprint) {
  const reports: ServiceConnectionReport[] = [];
  const server = await listenWebSocket({
    handshake: { ...helloOptions(insecureDealer, fp), ...hello },
    handler: async (channel, connection) => {
      const r = await serveConnection(channel, fixed, { backend: insecureDealer, allowInsecure: true, rng: fromTextSeed(`server ${connection.id}`) });
      reports.push(r);
      await channel.flush().catch(() => undefined);
    },
  });
  servers.push(server);
  return { server, reports };
}

const request = (url: string, digit: string) => ({ type: 'run', url, pixels: rasterize(PRESET_DIGITS[digit]), backend: 'insecure-dealer', expectedFingerprint: fingerprint, expectedModel: 'mnist-small' });

async function run(url: string, digit = '3'): Promise<WorkerMessage[]> {
  const messages: WorkerMessage[] = [];
  await runRemoteInference(request(url, digit), (m) => messages.push(m), { createSocket });
  return messages;
}

/** Waits until the server has finished `count` connections. */
async function connectionsDone(reports: unknown[], count: number): Promise<void> {
  for (let i = 0; i < 500 && reports.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  expect(reports).toHaveLength(count);
}

/** The page's messages, as far as this test reads them (run-remote.ts defines them). */
interface Summary {
  phase: string;
  sent: number;
  received: number;
  serverReceived: number[];
  request: number;
  reused?: boolean;
}
type WorkerMessage =
  | { type: 'progress'; progress: { phase: string; fraction: number } }
  | { type: 'result'; prediction: number; decoded: number[]; phases: Summary[]; session: { id: string; inferences: number }; transportReceived: number[] }
  | { type: 'error'; kind: string; message: string }
  | { type: 'status' | 'connected' | 'phase-done' };
type Post = (m: WorkerMessage) => void;
type RunRemote = (request: object, post: Post, socketOptions: { createSocket: typeof createSocket }) => Promise<void>;
interface RemoteClientLike {
  readonly hasSession: boolean;
  run(request: object, post: Post): Promise<void>;
  close(): void;
}

// Loaded at run time: the module imports the library as 'delphi-ts/…' (resolved by the website's
// bundler and by vitest's aliases), which the repository's own tsc configuration does not map.
const remoteModule = '../../website/src/components/remote/run-remote.ts';
const { runRemoteInference, RemoteClient } = (await import(/* @vite-ignore */ remoteModule)) as {
  runRemoteInference: RunRemote;
  RemoteClient: new (options: { createSocket: typeof createSocket }) => RemoteClientLike;
};

const last = (messages: WorkerMessage[]) => messages[messages.length - 1];

describe("the website's remote client (run-remote.ts)", () => {
  it('predicts what the plaintext model predicts, with progress per phase, and lists what the server received', async () => {
    const { server, reports } = await dealerServer();
    for (const digit of ['3', '7']) {
      const messages = await run(server.url, digit);
      const result = last(messages);
      if (result.type !== 'result') throw new Error(JSON.stringify(result));
      const expected = evaluateFixedPoint(fixed, rasterize(PRESET_DIGITS[digit])).decoded;
      expect(result.decoded).toEqual(expected);
      expect(result.prediction).toBe(expected.indexOf(Math.max(...expected)));
      // Progress for each phase, in order, ending at 100 %.
      const progress = messages.flatMap((m) => (m.type === 'progress' ? [m.progress] : []));
      for (const phase of ['setup', 'preprocessing', 'online'] as const) {
        const mine = progress.filter((p) => p.phase === phase);
        expect(mine.length, phase).toBeGreaterThan(1);
        expect(mine[mine.length - 1].fraction).toBe(1);
      }
      // The server's view equals the server's own accounting of what it received, phase by phase.
      await connectionsDone(reports, digit === '3' ? 1 : 2);
      const report = reports[reports.length - 1];
      expect(report.phases.map((p) => p.phase)).toEqual(['setup', 'preprocessing', 'online']);
      expect(result.phases.map((p) => [p.phase, p.serverReceived.reduce((a, b) => a + b, 0), p.serverReceived.length])).toEqual(
        report.phases.map((p) => [p.phase, p.clientToServer.bytes, p.clientToServer.messages]),
      );
      expect(result.phases.map((p) => [p.sent, p.received])).toEqual(report.phases.map((p) => [p.clientToServer.bytes, p.serverToClient.bytes]));
      // Each phase began with its service request (OPEN, PREPROCESS, ONLINE: a few bytes each).
      for (const p of result.phases) expect(p.request, p.phase).toBeGreaterThan(0);
      for (const p of result.phases) expect(p.request, p.phase).toBeLessThan(16);
      expect(result.transportReceived).toHaveLength(1); // the HELLO
      expect(result.session).toMatchObject({ inferences: 1 });
    }
  });

  it('keeps the session between runs: the second inference runs no setup, and the server saw one session', async () => {
    const { server, reports } = await dealerServer();
    const client = new RemoteClient({ createSocket });
    const results: Extract<WorkerMessage, { type: 'result' }>[] = [];
    const progressPhases: string[][] = [];
    for (const digit of ['3', '7', '1']) {
      const messages: WorkerMessage[] = [];
      await client.run(request(server.url, digit), (m) => messages.push(m));
      const result = last(messages);
      if (result.type !== 'result') throw new Error(JSON.stringify(result));
      expect(result.decoded).toEqual(evaluateFixedPoint(fixed, rasterize(PRESET_DIGITS[digit])).decoded);
      results.push(result);
      progressPhases.push([...new Set(messages.flatMap((m) => (m.type === 'progress' ? [m.progress.phase] : [])))]);
      expect(client.hasSession).toBe(true);
    }
    // Only the first run made progress in the setup; later ones show it as reused.
    expect(progressPhases).toEqual([['setup', 'preprocessing', 'online'], ['preprocessing', 'online'], ['preprocessing', 'online']]);
    expect(results.map((r) => r.phases.map((p) => `${p.phase}${p.reused ? ' (reused)' : ''}`))).toEqual([
      ['setup', 'preprocessing', 'online'],
      ['setup (reused)', 'preprocessing', 'online'],
      ['setup (reused)', 'preprocessing', 'online'],
    ]);
    expect(new Set(results.map((r) => r.session.id)).size).toBe(1);
    expect(results.map((r) => r.session.inferences)).toEqual([1, 2, 3]);
    expect(reports).toHaveLength(0); // the connection is still open
    client.close();
    await connectionsDone(reports, 1);
    // The server served one connection: one setup, then a preprocessing and an online phase per run,
    // with the bytes the page showed.
    const report = reports[0];
    expect(report.refused).toEqual([]);
    expect(report.phases.map((p) => p.phase)).toEqual(['setup', 'preprocessing', 'online', 'preprocessing', 'online', 'preprocessing', 'online']);
    const shown = [results[0].phases[0], ...results.flatMap((r) => r.phases.slice(1))];
    expect(shown.map((p) => [p.phase, p.sent, p.received, p.serverReceived.reduce((a, b) => a + b, 0)])).toEqual(
      report.phases.map((p) => [p.phase, p.clientToServer.bytes, p.serverToClient.bytes, p.clientToServer.bytes]),
    );
  });

  it('a session the server closed meanwhile is replaced by a new one (with a setup)', async () => {
    const first = await dealerServer();
    const client = new RemoteClient({ createSocket });
    const messages: WorkerMessage[] = [];
    await client.run(request(first.server.url, '3'), (m) => messages.push(m));
    expect(last(messages).type).toBe('result');
    await first.server.close({ graceMs: 0 });
    for (let i = 0; i < 500 && client.hasSession; i++) await new Promise((r) => setTimeout(r, 10));
    expect(client.hasSession).toBe(false);
    const second = await dealerServer();
    const again: WorkerMessage[] = [];
    await client.run(request(second.server.url, '7'), (m) => again.push(m));
    const result = last(again);
    if (result.type !== 'result') throw new Error(JSON.stringify(result));
    expect(result.phases.map((p) => [p.phase, p.reused ?? false])).toEqual([['setup', false], ['preprocessing', false], ['online', false]]);
    expect(result.prediction).toBe(7);
    client.close();
  });

  it('no server: says so, as an "unreachable" failure', async () => {
    const port = await closedPort();
    const messages = await run(`ws://127.0.0.1:${port}`);
    expect(last(messages)).toMatchObject({ type: 'error', kind: 'unreachable' });
    expect((last(messages) as { message: string }).message).toMatch(/No delphi server answers at ws:\/\/127\.0\.0\.1:\d+/);
  });

  it('another protocol version, other backends, another model: each named', async () => {
    const version = await dealerServer({ version: { major: 2, minor: 0 } });
    expect(last(await run(version.server.url))).toMatchObject({ type: 'error', kind: 'version' });
    const backend = await dealerServer({ params: { backend: 'linear=bfv;activations=gc;triples=bfv' } });
    expect(last(await run(backend.server.url))).toMatchObject({ type: 'error', kind: 'backend' });
    const model = await dealerServer({}, 'ab'.repeat(32));
    const failure = last(await run(model.server.url));
    expect(failure).toMatchObject({ type: 'error', kind: 'model' });
    expect((failure as { message: string }).message).toMatch(/serves another model \(architecture fingerprint abababab/);
  });
});
