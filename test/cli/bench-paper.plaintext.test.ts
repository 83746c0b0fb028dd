/**
 * The smoke run of `delphi bench --paper` (npm run bench:paper; `--smoke`): MiniONN and ResNet-32 cut
 * after their first activation layer, `delphi serve` and `delphi infer` as two child processes
 * over loopback TCP (insecure dealer, so that it takes seconds), and the report files. Oracle:
 * the client's prediction equals the plaintext fixed-point evaluation of the same model, and the
 * report's ReLU counts are the layer's (64·32·32 and 16·32·32). Needs dist/: builds it when it
 * is missing or older than src/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchCommand } from '../../src/cli/commands/bench.js';
import { ensureDist } from '../helpers/dist.js';


describe('bench:paper --smoke (two CLI processes over loopback TCP)', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-paper-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs each network prefix to the plaintext prediction and writes paper.md and paper.json', () => {
    ensureDist();
    const stdout = execFileSync(process.execPath, ['dist/cli/main.js', 'bench', '--paper', '--smoke', '--out', out], { encoding: 'utf8', timeout: 110_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(JSON.parse(stdout)).toEqual({ out, runs: 2, failed: 0 });
    const doc = JSON.parse(readFileSync(join(out, 'paper.json'), 'utf8'));
    expect(doc.smoke).toBe(true);
    expect(doc.runs.map((r: { model: string }) => r.model)).toEqual(['minionn-cifar10-allrelu-first1-random', 'resnet32-cifar100-allrelu-first1-random']);
    expect(doc.runs.map((r: { relus: number }) => r.relus)).toEqual([64 * 32 * 32, 16 * 32 * 32]);
    for (const r of doc.runs) {
      expect(r.backend).toBe('insecure-dealer');
      expect(r.matchesPlaintext).toBe(true);
      expect(r.prediction).toBe(r.plaintextPrediction);
      for (const phase of ['setup', 'preprocessing', 'online']) {
        expect(r[phase].ms).toBeGreaterThan(0);
        expect(r[phase].clientToServerBytes + r[phase].serverToClientBytes).toBeGreaterThan(0);
      }
      // The online phase sends at least the client's masked input share (3·32·32 field elements).
      expect(r.online.clientToServerBytes).toBeGreaterThanOrEqual(3 * 32 * 32 * 5);
      expect(r.peakRssBytes.server).toBeGreaterThan(10 * 2 ** 20);
      expect(r.peakRssBytes.client).toBeGreaterThan(10 * 2 ** 20);
    }
    const md = readFileSync(join(out, 'paper.md'), 'utf8');
    expect(md).toContain('| minionn-cifar10-allrelu-first1-random | 65,536 | 0 | insecure-dealer |');
    expect(md).toContain('## Published figures');
    expect(md).toContain('173,056 in 7 layers');
  }, 120_000);
});

describe('delphi bench (command line)', () => {
  const io = { out: () => {}, err: () => {}, errIsTty: false };
  it('requires --paper, a known network and --insecure for the dealer, before running anything', async () => {
    await expect(benchCommand.run([], io)).rejects.toThrow(/--paper is required/);
    await expect(benchCommand.run(['--paper', '--network', 'vgg16'], io)).rejects.toThrow(/--network must be minionn, resnet32 or all/);
    await expect(benchCommand.run(['--paper', '--backend', 'insecure-dealer'], io)).rejects.toThrow(/pass --insecure/);
    await expect(benchCommand.run(['--paper', '--backend', 'nope'], io)).rejects.toThrow(/unknown backend "nope"/);
    await expect(benchCommand.run(['--paper', '--quadratic=-1'], io)).rejects.toThrow(/--quadratic must be a non-negative integer/);
  });
  it('a smoke run refuses to overwrite a directory that holds full runs (the committed bench/), not a smoke report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-paper-guard-'));
    try {
      writeFileSync(join(dir, 'paper.json'), JSON.stringify({ smoke: false, runs: [] }));
      await expect(benchCommand.run(['--paper', '--smoke', '--out', dir], io)).rejects.toThrow(`--smoke would replace the full table in ${join(dir, 'paper.md')}`);
      writeFileSync(join(dir, 'paper.json'), '{ not json');
      await expect(benchCommand.run(['--paper', '--smoke', '--out', dir], io)).rejects.toThrow(/--smoke would replace the full table/);
      expect(readFileSync(join(dir, 'paper.json'), 'utf8')).toBe('{ not json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
