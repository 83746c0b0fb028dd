/**
 * The client the website's "Private inference against a server" page runs in its Web Worker
 * (website/src/components/remote/run-remote.ts), here in Node with the `ws` package standing in
 * for the browser's WebSocket, against `listenWebSocket` serving the model as `delphi serve` does.
 * Oracles: the plaintext fixed-point evaluation (the prediction and logits), the server's own
 * byte accounting (what the page lists as the server's view), and the failures the page must
 * explain (no server, another protocol version, other backends, another model). Spec: §2.8
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { listenWebSocket, type DelphiWebSocketServer, type WebSocketLike } from '../../src/net/node.js';
import { compileFixedPoint, evaluateFixedPoint, parseModel } from '../../src/nn/index.js';
import { architectureFingerprint, insecureDealer, publicArchitecture, serveInference, type PartyReport } from '../../src/protocol/index.js';
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
  const reports: PartyReport[] = [];
  const server = await listenWebSocket({
    handshake: { ...helloOptions(insecureDealer, fp), ...hello },
    handler: async (channel, connection) => {
      const r = await serveInference(channel, fixed, { backend: insecureDealer, allowInsecure: true, rng: fromTextSeed(`server ${connection.id}`) });
      reports.push(r.report);
      await channel.flush();
    },
  });
  servers.push(server);
  return { server, reports };
}

async function run(url: string, digit = '3'): Promise<WorkerMessage[]> {
  const messages: WorkerMessage[] = [];
  const request = { type: 'run', url, pixels: rasterize(PRESET_DIGITS[digit]), backend: 'insecure-dealer', expectedFingerprint: fingerprint, expectedModel: 'mnist-small' };
  await runRemoteInference(request, (m) => messages.push(m), { createSocket });
  return messages;
}

/** The page's messages, as far as this test reads them (run-remote.ts defines them). */
type WorkerMessage =
  | { type: 'progress'; progress: { phase: string; fraction: number } }
  | { type: 'result'; prediction: number; decoded: number[]; phases: { phase: string; sent: number; serverReceived: number[] }[]; transportReceived: number[] }
  | { type: 'error'; kind: string; message: string }
  | { type: 'status' | 'connected' | 'phase-done' };
type RunRemote = (request: object, post: (m: WorkerMessage) => void, socketOptions: { createSocket: typeof createSocket }) => Promise<void>;

// Loaded at run time: the module imports the library as 'delphi-ts/…' (resolved by the website's
// bundler and by vitest's aliases), which the repository's own tsc configuration does not map.
const remoteModule = '../../website/src/components/remote/run-remote.ts';
const { runRemoteInference } = (await import(/* @vite-ignore */ remoteModule)) as { runRemoteInference: RunRemote };

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
      const report = reports[reports.length - 1];
      expect(result.phases.map((p) => [p.phase, p.serverReceived.reduce((a, b) => a + b, 0), p.serverReceived.length])).toEqual(
        report.phases.map((p) => [p.phase, p.clientToServer.bytes, p.clientToServer.messages]),
      );
      expect(result.phases.map((p) => p.sent)).toEqual(report.phases.map((p) => p.clientToServer.bytes));
      expect(result.transportReceived).toHaveLength(1); // the HELLO
    }
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
