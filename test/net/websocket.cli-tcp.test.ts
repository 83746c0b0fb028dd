/**
 * `delphi serve --port 0 --ws-port 0` and `delphi infer --server ws://…` in this process: the same
 * session over WebSocket and over TCP (the oracle) gives identical reports — prediction, logits,
 * and per-phase payload bytes (same seeds ⇒ same transcript) — and the logits equal the plaintext
 * fixed-point evaluation of the model (evaluateFixedPoint, Spec §8.9). Spec: §2.8
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { compileFixedPoint, evaluateFixedPoint, parseModel } from '../../src/nn/index.js';
import { PRESET_DIGITS, rasterize } from '../../website/src/components/viz/digits.js';
import { captureIo } from '../cli/capture-io.js';
import { closedPort } from './loopback-helpers.js';

const modelPath = fileURLToPath(new URL('../../models/mnist-small.json', import.meta.url));
const fixed = compileFixedPoint(parseModel(readFileSync(modelPath, 'utf8')));
const SEED = '00'.repeat(31) + '21';
const CLIENT_SEED = '00'.repeat(31) + '12';
const DEALER = ['--backend', 'insecure-dealer', '--insecure'];

let dir: string;
let serveIo: ReturnType<typeof captureIo>;
let served: Promise<number>;
let tcp = '';
let ws = '';
const stop = new AbortController();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'delphi-ws-'));
  for (const d of ['3', '7']) writeFileSync(join(dir, `digit${d}.json`), JSON.stringify({ shape: [1, 28, 28], data: rasterize(PRESET_DIGITS[d]) }));
  serveIo = captureIo();
  let listening!: () => void;
  const ready = new Promise<void>((r) => (listening = r));
  const serve = createServeCommand({ signal: stop.signal, onListening: () => listening() });
  served = runCli(['serve', '--model', modelPath, '--port', '0', '--ws-port', '0', ...DEALER, '--seed', SEED], serveIo, [serve]);
  await Promise.race([ready, served.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${serveIo.stderr}`)))]);
  tcp = /listening on (127\.0\.0\.1:\d+)\n/.exec(serveIo.stdout)![1];
  ws = /listening on (ws:\/\/127\.0\.0\.1:\d+)\n/.exec(serveIo.stdout)![1];
});

afterAll(async () => {
  stop.abort();
  await served;
  rmSync(dir, { recursive: true, force: true });
});

const infer = (server: string, args: string[]) => {
  const io = captureIo();
  return runCli(['infer', '--server', server, ...DEALER, ...args], io, [inferCommand]).then((code) => ({ code, io }));
};

describe('delphi infer over WebSocket', () => {
  it('serve listens on both transports and says where', () => {
    expect(serveIo.stdout).toMatch(/^listening on 127\.0\.0\.1:\d+\nlistening on ws:\/\/127\.0\.0\.1:\d+\n$/);
  });

  for (const digit of ['3', '7']) {
    it(`digit ${digit}: the WebSocket report equals the TCP one, and the logits the plaintext evaluation`, async () => {
      const input = ['--input', join(dir, `digit${digit}.json`), '--json', '--seed', CLIENT_SEED];
      const [overWs, overTcp] = [await infer(ws, input), await infer(tcp, input)];
      expect(overWs.code, overWs.io.stderr).toBe(0);
      expect(overTcp.code, overTcp.io.stderr).toBe(0);
      const a = JSON.parse(overWs.io.stdout);
      const b = JSON.parse(overTcp.io.stdout);
      const expected = evaluateFixedPoint(fixed, rasterize(PRESET_DIGITS[digit]));
      expect(a.logits).toEqual(expected.decoded);
      expect(a.prediction).toBe(expected.decoded.indexOf(Math.max(...expected.decoded)));
      expect(a.prediction).toBe(b.prediction);
      expect(a.logits).toEqual(b.logits);
      const bytes = (r: { phases: { phase: string; clientToServerBytes: number; serverToClientBytes: number }[] }) =>
        r.phases.map((p) => [p.phase, p.clientToServerBytes, p.serverToClientBytes]);
      expect(bytes(a)).toEqual(bytes(b));
      // Frames are the same on both transports: 4 header bytes per message, HELLO and close frame included.
      expect(a.wire.sentBytes).toBe(b.wire.sentBytes);
    });
  }

  it('a human report names the WebSocket server', async () => {
    const { code, io } = await infer(ws, ['--input', join(dir, 'digit3.json')]);
    expect(code, io.stderr).toBe(0);
    expect(io.stderr).toContain(`server ${ws}/: model "mnist-small"`);
    expect(io.stdout).toMatch(/^prediction: 3\n/);
  });

  it('serve refuses a bad --ws-port or --ws-origin before listening', async () => {
    for (const [flags, message] of [
      [['--ws-port', '70000'], '--ws-port takes 0 to 65535, got "70000"'],
      [['--ws-port', '0', '--ws-origin', 'example.org'], 'allowed origin "example.org" is not an http(s) origin'],
    ] as const) {
      const io = captureIo();
      const code = await runCli(['serve', '--model', modelPath, ...flags, ...DEALER], io, [createServeCommand({ signal: AbortSignal.abort() })]);
      expect(code, flags.join(' ')).not.toBe(0);
      expect(io.stderr).toContain(message);
      expect(io.stdout).toBe('');
    }
  });

  it('no server, or a TCP port given as ws://, fails with a clear message', async () => {
    const port = await closedPort();
    const down = await infer(`ws://127.0.0.1:${port}`, ['--input', join(dir, 'digit3.json')]);
    expect(down.code).not.toBe(0);
    expect(down.io.stderr).toContain(`could not connect to ws://127.0.0.1:${port}/: connection refused (is the server running?)`);
    const wrong = await infer(`ws://${tcp}`, ['--input', join(dir, 'digit3.json'), '--connect-timeout', '3']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.io.stderr).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:\d+\/: /);
  });
});
