/**
 * `delphi bench --paper`: the Delphi paper's CIFAR networks (MiniONN, ResNet-32; §8.14) through
 * `delphi serve` and `delphi infer` as two processes over loopback TCP, beside the published
 * figures (src/cli/bench-paper.ts). `npm run bench:paper` runs it into bench/.
 * @module
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PaperNetwork } from '../../nn/index.js';
import { runPaperBench } from '../bench-paper.js';
import { EXIT, positiveInteger, positiveNumber, UsageError, type CliCommand, type CliIo } from '../command.js';
import { CLI_BACKENDS } from '../remote.js';

const usage = `Usage: delphi bench --paper [options]

Runs the Delphi paper's CIFAR networks — MiniONN (173,056 ReLUs) and ResNet-32 (303,104), with random
seeded weights — through "delphi serve" and "delphi infer" as two processes over loopback TCP, with
progress on stderr, and writes paper.md and paper.json: ReLUs, setup / preprocessing / online time and
bytes both ways, peak RSS per party, threads, whether the prediction equals the plaintext evaluation,
and the published figures beside them. (Micro-benchmarks: "npm run bench".)

  --paper                 run the paper's networks (required)
  --network NAME          minionn, resnet32 or all (default all)
  --quadratic N           Delphi's configuration: N quadratic activation layers (default 0, all ReLU;
                          minionn 1,2,3,5,6,7; resnet32 6,12,14,…,26)
  --backend NAME          delphi (default) or insecure-dealer (needs --insecure; NOT private)
  --insecure              allow the insecure dealer
  --first K               cut each network after K activation layers
  --smoke                 --first 1 with the insecure dealer: checks the harness in seconds
  --out DIR               where paper.md and paper.json go (default: the current directory;
                          with --smoke, a new temporary directory, and never one that
                          holds full runs, such as the committed bench/)
  --models DIR            where the model files are, generated when missing (default: --out)
  --timeout SEC           stop a party that runs longer (default: no limit)`;

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: "run the paper's networks (MiniONN, ResNet-32) over loopback TCP beside Delphi's figures",
  usage,
  run: runBench,
};

async function runBench(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      paper: { type: 'boolean' },
      network: { type: 'string' },
      quadratic: { type: 'string' },
      backend: { type: 'string' },
      insecure: { type: 'boolean' },
      first: { type: 'string' },
      smoke: { type: 'boolean' },
      out: { type: 'string' },
      models: { type: 'string' },
      timeout: { type: 'string' },
    },
    strict: true,
  });
  if (!values.paper) throw new UsageError('--paper is required (micro-benchmarks: npm run bench)');
  const network = values.network ?? 'all';
  if (network !== 'all' && network !== 'minionn' && network !== 'resnet32') throw new UsageError(`--network must be minionn, resnet32 or all, got "${network}"`);
  const smoke = values.smoke === true;
  const backend = values.backend ?? (smoke ? 'insecure-dealer' : 'delphi');
  if (!(backend in CLI_BACKENDS)) throw new UsageError(`unknown backend "${backend}" (available: ${Object.keys(CLI_BACKENDS).join(', ')})`);
  if (backend === 'insecure-dealer' && !values.insecure && !smoke) throw new UsageError('the insecure dealer is not private: pass --insecure to run it anyway');
  const quadratic = values.quadratic === undefined ? 0 : Number(values.quadratic);
  if (!Number.isSafeInteger(quadratic) || quadratic < 0) throw new UsageError(`--quadratic must be a non-negative integer, got "${values.quadratic}"`);
  const first = values.first !== undefined ? positiveInteger(values.first, '--first') : smoke ? 1 : undefined;
  if (smoke && values.out !== undefined && holdsFullTable(values.out)) {
    throw new UsageError(`--smoke would replace the full table in ${join(values.out, 'paper.md')}: leave out --out (a temporary directory is used) or name another directory`);
  }
  const outDir = values.out ?? (smoke ? mkdtempSync(join(os.tmpdir(), 'delphi-bench-paper-')) : process.cwd());
  const doc = await runPaperBench({
    cli: fileURLToPath(new URL('../main.js', import.meta.url)),
    networks: network === 'all' ? ['minionn', 'resnet32'] : [network as PaperNetwork],
    quadratic,
    backend,
    activationLayers: first,
    outDir,
    modelDir: values.models ?? outDir,
    timeoutMs: values.timeout === undefined ? 0 : positiveNumber(values.timeout, '--timeout') * 1000,
    smoke,
    log: (line) => io.err(`[bench --paper] ${line}\n`),
  });
  io.out(`${JSON.stringify({ out: outDir, runs: doc.runs.length, failed: doc.runs.filter((r) => r.error !== undefined).length })}\n`);
  return doc.runs.some((r) => r.error !== undefined) ? EXIT.FAILURE : EXIT.OK;
}

/** Whether `dir` holds a paper.json of full (not smoke) runs, which a smoke run would overwrite. */
function holdsFullTable(dir: string): boolean {
  const file = join(dir, 'paper.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { smoke?: unknown }).smoke !== true;
  } catch {
    return true; // unreadable: keep it rather than guess
  }
}
