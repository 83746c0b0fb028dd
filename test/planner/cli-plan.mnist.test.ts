/**
 * `delphi plan` (§10.4) on the shipped small MNIST model with a few hundred images: the exhaustive
 * search visits the four plans, frontier.json's frontier is the Pareto frontier of its own
 * candidates, the SVG is well-formed, the chosen model parses and respects the budget, and the
 * same seed gives the same result; `--recalibrate` writes a cost model that parses.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/commands/plan.js';
import { runCli } from '../../src/cli/run.js';
import { countActivations, parseModel } from '../../src/nn/index.js';
import { parseCostModel } from '../../src/planner/index.js';
import { captureIo } from '../cli/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'delphi-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = new URL('../../models/mnist-small.json', import.meta.url).pathname;
const quick = ['--model', model, '--train-samples', '256', '--validation-samples', '200', '--test-limit', '200'];

interface Row {
  plan: string;
  validationAccuracy: number;
  relus: number;
  onlineMs: number;
  preprocessingMs: number;
  onFrontier: boolean;
}

describe('delphi plan', () => {
  it('exhaustive search with a ReLU budget', async () => {
    const out = join(dir, 'a');
    const io = captureIo();
    expect(await runCli(['plan', ...quick, '--budget', '100relus', '--out', out], io, [planCommand])).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'frontier.json'), 'utf8')) as { candidates: Row[]; frontier: string[]; chosen: string; costMeasure: string };
    expect(doc.candidates.map((r) => r.plan)).toEqual(['RR', 'QR', 'RQ', 'QQ']);
    expect(doc.candidates.map((r) => r.relus)).toEqual([1216, 64, 1152, 0]);
    expect(doc.costMeasure).toBe('relus');
    // The frontier, recomputed from the rows by definition.
    const dominated = (r: Row) =>
      doc.candidates.some((q) => q.relus <= r.relus && q.validationAccuracy >= r.validationAccuracy && (q.relus < r.relus || q.validationAccuracy > r.validationAccuracy));
    expect(doc.candidates.filter((r) => r.onFrontier).map((r) => r.plan)).toEqual(doc.candidates.filter((r) => !dominated(r)).map((r) => r.plan));
    expect(['QR', 'QQ']).toContain(doc.chosen); // the only plans with ≤ 100 ReLUs
    const chosen = parseModel(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(countActivations(chosen).relu6).toBeLessThanOrEqual(100);
    expect((chosen.metadata as { plan: { plan: string } }).plan.plan).toBe(doc.chosen);
    expect((chosen.metadata as { plan: { rangeFits: boolean } }).plan.rangeFits).toBe(true);
    const svg = readFileSync(join(out, 'frontier.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(io.stdout).toMatch(/plan\s+val acc\s+test acc/);
    expect(io.stdout).toMatch(/chosen: (QR|QQ) — test accuracy/);

    // Same seed, same search.
    const out2 = join(dir, 'b');
    expect(await runCli(['plan', ...quick, '--budget', '100relus', '--out', out2], captureIo(), [planCommand])).toBe(0);
    expect(readFileSync(join(out2, 'frontier.json'), 'utf8')).toBe(readFileSync(join(out, 'frontier.json'), 'utf8'));
  });

  it('--recalibrate writes a cost model', async () => {
    const file = join(dir, 'costs.json');
    const io = captureIo();
    expect(await runCli(['plan', '--recalibrate', '--elements', '64', '--out', file], io, [planCommand])).toBe(0);
    const costs = parseCostModel(readFileSync(file, 'utf8'));
    expect(costs.relu.online.bytes).toBe(656);
    expect(io.stdout).toMatch(/per ReLU6: preprocessing/);
  });

  it('rejects command-line mistakes with usage errors', async () => {
    for (const argv of [[], ['--model', model, '--budget', '3 parsecs'], ['--model', model, '--strategy', 'anneal'], ['--model', model, '--data', 'cifar']]) {
      const io = captureIo();
      expect(await runCli(['plan', ...argv], io, [planCommand]), argv.join(' ')).toBe(2);
    }
  });
});
