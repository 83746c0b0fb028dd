/**
 * `delphi train` (§10.3) on a slice of MNIST: the written file parses as a delphi-ts model with
 * the training record and accuracy in its metadata; the accuracy it records is what
 * measureAccuracy computes on the written model; the same seed writes the same bytes and another
 * seed other weights; command-line mistakes are usage errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainCommand } from '../../src/cli/commands/train.js';
import { loadMnist } from '../../src/cli/mnist.js';
import { runCli } from '../../src/cli/run.js';
import { parseModel } from '../../src/nn/index.js';
import { createDataset, measureAccuracy } from '../../src/planner/index.js';
import { captureIo } from '../cli/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'delphi-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick = ['--limit', '512', '--epochs', '1', '--test-limit', '100', '--batch-size', '16', '--warmup', '0'];

describe('delphi train', () => {
  it('trains, reports progress and writes a model with its training record', async () => {
    const io = captureIo();
    const out = join(dir, 'a.json');
    expect(await runCli(['train', ...quick, '--seed', 'cli-test', '--out', out], io, [trainCommand])).toBe(0);
    expect(io.stderr).toMatch(/epoch 1\/1: loss \d\.\d{4}, training accuracy \d+\.\d\d%/);
    expect(io.stderr).toMatch(/test accuracy \(fixed-point\): 100%/);
    expect(io.stdout).toMatch(/^mnist-small: test accuracy \d+\.\d\d% \(float\), \d+\.\d\d% \(fixed point, f = 8\) on 100 images; wrote /);

    const model = parseModel(readFileSync(out, 'utf8'));
    expect(model.name).toBe('mnist-small');
    const meta = model.metadata as Record<string, Record<string, unknown>>;
    expect(meta.training).toMatchObject({ recipe: 'mnist-small', seed: 'cli-test', trainSamples: 512, epochs: 1, batchSize: 16, warmupSteps: 0 });
    const test = await loadMnist({ split: 'test', limit: 100 });
    const again = measureAccuracy(model, createDataset(test.images, test.labels, [1, 28, 28]), { fixedPoint: true });
    expect(meta.accuracy).toEqual({ dataset: 'mnist-t10k', samples: 100, float: again.float, fixedPoint: again.fixedPoint, fractionalBits: 8 });
    expect(again.float).toBeGreaterThan(0.5); // one short epoch already learns something

    const io2 = captureIo();
    const out2 = join(dir, 'b.json');
    expect(await runCli(['train', ...quick, '--seed', 'cli-test', '--out', out2, '--no-fixed-point'], io2, [trainCommand])).toBe(0);
    const b = parseModel(readFileSync(out2, 'utf8'));
    expect(b.layers).toEqual(model.layers);
    expect((b.metadata as Record<string, unknown>).accuracy).toEqual({ dataset: 'mnist-t10k', samples: 100, float: again.float });

    const out3 = join(dir, 'c.json');
    expect(await runCli(['train', ...quick, '--seed', 'other', '--out', out3, '--no-fixed-point'], captureIo(), [trainCommand])).toBe(0);
    expect(parseModel(readFileSync(out3, 'utf8')).layers).not.toEqual(model.layers);
  });

  it('fine-tunes a model given with --model', async () => {
    const first = join(dir, 'first.json');
    const tuned = join(dir, 'tuned.json');
    expect(await runCli(['train', ...quick, '--out', first, '--no-fixed-point'], captureIo(), [trainCommand])).toBe(0);
    const tty = { ...captureIo(), errIsTty: true, stderr: '' };
    tty.err = (s: string) => {
      tty.stderr += s;
    };
    expect(await runCli(['train', ...quick, '--model', first, '--out', tuned, '--no-fixed-point'], tty, [trainCommand])).toBe(0);
    // On a terminal the bar is redrawn in place with the running loss and accuracy.
    expect(tty.stderr).toMatch(/\repoch 1\/1 · loss \d\.\d{4}, accuracy \d+\.\d\d% [█░]+ +\d+%/);
    const meta = parseModel(readFileSync(tuned, 'utf8')).metadata as Record<string, Record<string, unknown>>;
    expect(meta.training.fineTuned).toBe(true);
  });

  it('rejects command-line mistakes with usage errors', async () => {
    for (const argv of [['--recipe', 'nope'], ['--epochs', '0'], ['--warmup', '-1'], ['--lr', '-1'], ['--weights', 'int8'], ['extra']]) {
      const io = captureIo();
      expect(await runCli(['train', ...argv], io, [trainCommand]), argv.join(' ')).toBe(2);
      expect(io.stderr).toMatch(/^delphi train: .* \[USAGE\]; see "delphi train --help"\n$/);
    }
  });
});
