/**
 * `delphi inspect` and `delphi serve` / `delphi infer` on PyTorch-exported ONNX files
 * (test/fixtures/nn/pytorch/, oracle: PyTorch's logits), with default flags: the precision is
 * chosen (§8.15), the prediction over loopback TCP is PyTorch's with logits within
 * max(0.02, 5 % of the largest |logit|), and a MaxPool model is refused in one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { inferCommand } from '../../src/cli/commands/infer.js';
import { inspectCommand } from '../../src/cli/commands/inspect.js';
import { captureIo } from './capture-io.js';

const fixtures = new URL('../fixtures/nn/pytorch/', import.meta.url);
const path = (name: string): string => new URL(name, fixtures).pathname;
const torch = JSON.parse(readFileSync(path('padded-avgpool.json'), 'utf8')) as { inputShape: number[]; inputs: number[][]; logits: number[][]; predictions: number[] };

describe('delphi inspect', () => {
  it('--json: layers, activation counts, the chosen precision and the predicted cost', async () => {
    const io = captureIo();
    const code = await runCli(['inspect', '--model', path('residual.onnx'), '--json'], io, [inspectCommand]);
    expect(code, io.stderr).toBe(0);
    const r = JSON.parse(io.stdout);
    expect(r.model).toEqual({ name: 'torch_jit', format: 'onnx', inputShape: [1, 10, 10] });
    expect(r.layers.map((l: { type: string }) => l.type)).toEqual(['conv2d', 'relu', 'conv2d', 'relu', 'conv2d', 'add', 'relu', 'avgPool2d', 'flatten', 'dense']);
    expect(r.relus).toBe(3 * 4 * 10 * 10);
    expect(r.precision).toMatchObject({ fractionalBits: 11, chosen: true, calibration: 'synthetic' });
    expect(r.precision.overflowHeadroomBits).toBeGreaterThan(0);
    for (const phase of ['setup', 'preprocessing', 'online']) expect(r.cost[phase].bytes).toBeGreaterThan(0);
  });

  it('text, and --calibrate with PyTorch\'s inputs', async () => {
    const io = captureIo();
    const code = await runCli(['inspect', '--model', path('rgb-global-pool.onnx'), '--calibrate', path('rgb-global-pool.json')], io, [inspectCommand]);
    expect(code, io.stderr).toBe(0);
    expect(io.stdout).toMatch(/^model "torch_jit" \(onnx\), input \[3, 16, 16\]\n/);
    expect(io.stdout).toMatch(/precision: \d+ fractional bits \(chosen on the given calibration inputs\)/);
    expect(io.stdout).toMatch(/preprocessing +[\d.]+ MB/);
  });

  it('--fractional-bits 8 on the RGB model is kept, with a warning that the logit error exceeds the target', async () => {
    const io = captureIo();
    const code = await runCli(['inspect', '--model', path('rgb-global-pool.onnx'), '--fractional-bits', '8'], io, [inspectCommand]);
    expect(code, io.stderr).toBe(0);
    expect(io.stdout).toMatch(/precision: 8 fractional bits \(given\)/);
    expect(io.stderr).toMatch(/^warning: --fractional-bits 8: the logit error [\d.e+-]+ exceeds the target [\d.e+-]+$/m);
  });

  it('refuses a MaxPool model with one line naming MaxPool and no stack trace', async () => {
    const io = captureIo();
    const code = await runCli(['inspect', '--model', path('maxpool.onnx')], io, [inspectCommand]);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/^delphi inspect: ONNX node 2 \(MaxPool "\/pool\/MaxPool"\): operator MaxPool is not supported; use AvgPool2d/);
    expect(io.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('delphi serve + infer on a PyTorch ONNX model (default flags)', () => {
  let dir: string;
  let port: number;
  let serveIo: ReturnType<typeof captureIo>;
  let served: Promise<number>;
  const stop = new AbortController();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'delphi-onnx-'));
    torch.inputs.forEach((x, k) => writeFileSync(join(dir, `x${k}.json`), JSON.stringify({ shape: torch.inputShape, data: x })));
    serveIo = captureIo();
    let listening!: (p: number) => void;
    const ready = new Promise<number>((r) => (listening = r));
    const serve = createServeCommand({ signal: stop.signal, onListening: (a) => listening(a.port) });
    served = runCli(['serve', '--model', path('padded-avgpool.onnx'), '--port', '0', '--backend', 'insecure-dealer', '--insecure', '--seed', '00'.repeat(32)], serveIo, [serve]);
    port = await Promise.race([ready, served.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${serveIo.stderr}`)))]);
  });

  afterAll(async () => {
    stop.abort();
    await served;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serve prints the chosen precision and the import notes', () => {
    expect(serveIo.stderr).toMatch(/note: 10 fractional bits \(max logit error [\d.e+-]+ on 16 synthetic calibration inputs\)/);
    expect(serveIo.stderr).toMatch(/note: ONNX node 9 \(AveragePool "\/pool2\/AveragePool"\): padded average pooling/);
  });

  it("infer gives PyTorch's prediction with logits within tolerance", async () => {
    const tolerance = Math.max(0.02, 0.05 * Math.max(...torch.logits.flat().map(Math.abs)));
    for (let k = 0; k < 2; k++) {
      const io = captureIo();
      const code = await runCli(['infer', '--server', `127.0.0.1:${port}`, '--backend', 'insecure-dealer', '--insecure', '--input', join(dir, `x${k}.json`), '--json'], io, [inferCommand]);
      expect(code, io.stderr).toBe(0);
      const report = JSON.parse(io.stdout) as { prediction: number; logits: number[] };
      expect(report.prediction).toBe(torch.predictions[k]);
      report.logits.forEach((v, i) => expect(Math.abs(v - torch.logits[k][i])).toBeLessThanOrEqual(tolerance));
    }
  });
});
