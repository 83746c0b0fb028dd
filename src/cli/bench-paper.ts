/**
 * The harness of `delphi bench --paper` (npm run bench:paper): each of the paper's CIFAR networks
 * (§8.14) through the CLI's real TCP path — `delphi serve --once` and `delphi infer --json` as two
 * child processes over loopback — measuring each phase's milliseconds and bytes both ways (from the
 * client's report), each party's peak RSS (`/usr/bin/time -f %M` when present, else the child's
 * /proc VmHWM), and whether the prediction equals the plaintext fixed-point evaluation. Node-only.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { compileFixedPoint, countActivations, evaluateFixedPoint, paperNetwork, parseModel, serializeModel, type PaperNetwork } from '../nn/index.js';
import { fromTextSeed, uniformBelow } from '../random/index.js';
import { defaultThreadCount } from '../pool/pool.js';
import { PUBLISHED_FIGURES, PUBLISHED_NOTE, type PublishedFigure } from './paper-figures.js';

/** Options of {@link runPaperBench}. */
export interface PaperBenchOptions {
  /** The CLI entry point the parties run (dist/cli/main.js). */
  cli: string;
  networks: readonly PaperNetwork[];
  /** Delphi's `num_poly`: quadratic activation layers (0 = all ReLU). */
  quadratic: number;
  backend: string;
  /** Cut each network after this many activation layers. */
  activationLayers?: number;
  /** Where paper.md and paper.json go. */
  outDir: string;
  /** Where the model files are read, or generated when missing. */
  modelDir: string;
  /** Kill a party after this long (0: never). */
  timeoutMs: number;
  smoke: boolean;
  /** Progress and the parties' diagnostics. */
  log(line: string): void;
}

/** One phase as the client reported it. */
export interface PhaseFigures {
  ms: number;
  clientToServerBytes: number;
  serverToClientBytes: number;
  /** Each party's CPU milliseconds in the phase (user + system, worker threads included), when known. */
  cpuMs?: { server?: number; client?: number };
}

/** One network's run. */
export interface PaperRun {
  model: string;
  backend: string;
  error?: string;
  description?: string;
  network?: PaperNetwork;
  quadraticLayers?: number;
  activationLayers?: number;
  relus?: number;
  quadratics?: number;
  setup?: PhaseFigures;
  preprocessing?: PhaseFigures;
  online?: PhaseFigures;
  totalMs?: number;
  peakRssBytes?: { server: number; client: number };
  /** Each party's CPU seconds (user + system, all its threads) and wall seconds, from /usr/bin/time. */
  cpuSeconds?: { server: number; client: number };
  wallSeconds?: { server: number; client: number };
  /** The 1-minute load average when the run started and when it ended (the machine is shared). */
  loadAverage?: { start: number; end: number };
  threads?: { protocol: number; cores: number };
  prediction?: number;
  plaintextPrediction?: number;
  matchesPlaintext?: boolean;
}

/** bench/paper.json. */
export interface PaperBenchReport {
  date: string;
  machine: string;
  smoke: boolean;
  runs: PaperRun[];
  published: readonly PublishedFigure[];
  publishedNote: string;
}

interface PartyResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  peakRssBytes: number;
  cpuSeconds: number;
  wallSeconds: number;
}

const TIME_BIN = '/usr/bin/time';

/** Runs `node <cli> ...args` (under /usr/bin/time when present) and resolves when it exits. */
function party(name: string, args: string[], o: PaperBenchOptions, onStdout?: (all: string) => void): Promise<PartyResult> {
  const timed = existsSync(TIME_BIN);
  const rssFile = join(os.tmpdir(), `delphi-bench-paper-rss-${name}-${process.pid}`);
  const child = timed
    ? spawn(TIME_BIN, ['-f', '%e %U %S %M', '-o', rssFile, process.execPath, o.cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [o.cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let hwmKiB = 0;
  const poll = timed
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwmKiB = Math.max(hwmKiB, Number(m[1]));
        } catch {
          // exited, or no /proc
        }
      }, 100);
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(stdout);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const line of d.toString().split('\n')) if (line.trim()) o.log(`  ${name}: ${line.trim()}`);
  });
  return new Promise((resolve, reject) => {
    const timer = o.timeoutMs > 0 ? setTimeout(() => child.kill('SIGTERM'), o.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      let kib = hwmKiB;
      let [wall, user, sys] = [NaN, NaN, NaN];
      if (timed) {
        try {
          // The last line is "%e %U %S %M" (a line before it may say the command exited non-zero).
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          [wall, user, sys, kib] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
        } catch {
          kib = NaN;
        }
        rmSync(rssFile, { force: true });
      }
      resolve({ code, signal, stdout, stderr, peakRssBytes: kib * 1024, cpuSeconds: user + sys, wallSeconds: wall });
    });
  });
}

/** The model file of a configuration, generated (deterministically) when missing. */
function modelFile(network: PaperNetwork, o: PaperBenchOptions): string {
  const model = paperNetwork(network, fromTextSeed(`delphi-ts/models/paper/${network}`), { quadratic: o.quadratic, activationLayers: o.activationLayers });
  const file = join(o.modelDir, `${model.name}.json`);
  if (!existsSync(file)) {
    mkdirSync(o.modelDir, { recursive: true });
    writeFileSync(file, serializeModel(model, { weights: 'float32-base64' }));
    o.log(`generated ${file}`);
  }
  return file;
}

async function runOne(network: PaperNetwork, input: { file: string; data: number[] }, o: PaperBenchOptions): Promise<PaperRun> {
  const file = modelFile(network, o);
  const model = parseModel(readFileSync(file, 'utf8'));
  const acts = countActivations(model);
  o.log(`${model.name}: ${acts.relu.toLocaleString('en')} ReLUs, ${acts.quadratic.toLocaleString('en')} quadratics, backend ${o.backend}`);
  const plain = evaluateFixedPoint(compileFixedPoint(model), input.data).decoded;
  const expected = plain.indexOf(Math.max(...plain));
  const insecure = o.backend === 'insecure-dealer' ? ['--insecure'] : [];
  const loadStart = os.loadavg()[0];
  let gotPort: (port: number) => void = () => {};
  const port = new Promise<number>((r) => (gotPort = r));
  const server = party('server', ['serve', '--model', file, '--port', '0', '--once', '--backend', o.backend, ...insecure], o, (all) => {
    const m = /listening on \S+:(\d+)/.exec(all);
    if (m) gotPort(Number(m[1]));
  });
  const early = server.then((r) => {
    throw new Error(`the server exited before listening (code ${r.code}): ${r.stderr.trim()}`);
  });
  early.catch(() => {});
  const p = await Promise.race([port, early]);
  const c = await party('client', ['infer', '--server', `127.0.0.1:${p}`, '--input', input.file, '--json', '--backend', o.backend, ...insecure], o);
  const s = await server;
  if (c.code !== 0) throw new Error(`infer failed (code ${c.code}, signal ${c.signal}): ${c.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const report = JSON.parse(c.stdout) as { prediction: number; totalMs: number; phases: ({ phase: string; cpuMs?: number } & Omit<PhaseFigures, 'cpuMs'>)[] };
  // The server logs "slot N: <phase> …, process CPU X s" after each phase.
  const serverCpu = (name: string): number | undefined => {
    const m = new RegExp(`slot \\d+: ${name} .*process CPU ([\\d.]+) s`).exec(s.stderr);
    return m ? Math.round(Number(m[1]) * 1000) : undefined;
  };
  const phase = (name: string): PhaseFigures | undefined => {
    const f = report.phases.find((x) => x.phase === name);
    const server = serverCpu(name);
    const cpuMs = { ...(server !== undefined ? { server } : {}), ...(f?.cpuMs !== undefined ? { client: f.cpuMs } : {}) };
    return f ? { ms: f.ms, clientToServerBytes: f.clientToServerBytes, serverToClientBytes: f.serverToClientBytes, ...(Object.keys(cpuMs).length ? { cpuMs } : {}) } : undefined;
  };
  return {
    model: model.name,
    description: model.description,
    network,
    quadraticLayers: o.quadratic,
    activationLayers: o.activationLayers ?? (network === 'minionn' ? 7 : 31),
    relus: acts.relu,
    quadratics: acts.quadratic,
    backend: o.backend,
    setup: phase('setup'),
    preprocessing: phase('preprocessing'),
    online: phase('online'),
    totalMs: report.totalMs,
    peakRssBytes: { server: s.peakRssBytes, client: c.peakRssBytes },
    cpuSeconds: { server: s.cpuSeconds, client: c.cpuSeconds },
    wallSeconds: { server: s.wallSeconds, client: c.wallSeconds },
    loadAverage: { start: loadStart, end: os.loadavg()[0] },
    // Each party's default --threads: a worker pool of this many threads for garbling, OT and HE.
    threads: { protocol: defaultThreadCount(), cores: os.availableParallelism() },
    prediction: report.prediction,
    plaintextPrediction: expected,
    matchesPlaintext: report.prediction === expected,
  };
}

const mb = (b: number | undefined) => (b !== undefined && Number.isFinite(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const sec = (p: PhaseFigures | undefined) =>
  p ? `${(p.ms / 1000).toFixed(2)} s${p.cpuMs?.server !== undefined && p.cpuMs.client !== undefined ? ` (CPU ${(p.cpuMs.server / 1000).toFixed(1)} / ${(p.cpuMs.client / 1000).toFixed(1)} s)` : ''}` : 'n/a';
const cpu = (c: { server: number; client: number } | undefined) => (c && Number.isFinite(c.server) ? `${c.server.toFixed(0)} s / ${c.client.toFixed(0)} s` : 'n/a');
const load = (l: { start: number; end: number } | undefined) => (l ? `${l.start.toFixed(1)} → ${l.end.toFixed(1)}` : 'n/a');
const both = (p: PhaseFigures | undefined) => (p ? `${mb(p.clientToServerBytes)} ↑ / ${mb(p.serverToClientBytes)} ↓` : 'n/a');

/** bench/paper.md from the report. */
export function paperBenchMarkdown(doc: PaperBenchReport): string {
  const lines = [
    "# The paper's networks: delphi-ts beside Delphi",
    '',
    `Generated by \`npm run bench:paper\` (\`delphi bench --paper\`) on ${doc.date} (${doc.machine}). Both parties are`,
    '`delphi` CLI processes over loopback TCP; the models have random seeded weights (timing and cost only). ↑ is client → server.',
    '',
    'CPU is each party\'s user + system seconds over the whole run (all its threads), from `/usr/bin/time`; in brackets',
    'after a phase, the server\'s / the client\'s CPU seconds in that phase. The load',
    'average (1 minute, at the start and the end of the run) says how busy the shared machine was: wall-clock figures grow with it.',
    '',
    '| model | ReLUs | quadratics | backend | setup | preprocessing | online | preprocessing bytes | online bytes | peak RSS server / client | CPU server / client | threads | load | prediction = plaintext |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of doc.runs) {
    if (r.error !== undefined) {
      lines.push(`| ${r.model} | | | ${r.backend} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.model} | ${r.relus!.toLocaleString('en')} | ${r.quadratics!.toLocaleString('en')} | ${r.backend} | ${sec(r.setup)} | ${sec(r.preprocessing)} | ${sec(r.online)} | ${both(r.preprocessing)} | ${both(r.online)} | ${mb(r.peakRssBytes?.server)} / ${mb(r.peakRssBytes?.client)} | ${cpu(r.cpuSeconds)} | ${r.threads!.protocol} of ${r.threads!.cores} cores | ${load(r.loadAverage)} | ${r.matchesPlaintext ? 'yes' : 'NO'} |`,
    );
  }
  lines.push('', '## Published figures', '', '| network | figure | value | source |', '| --- | --- | --- | --- |');
  for (const f of doc.published) lines.push(`| ${f.network} | ${f.what} | ${f.value} | ${f.source} |`);
  lines.push('', doc.publishedNote, '');
  return lines.join('\n');
}

/** Runs each network, writes paper.json and paper.md to `outDir`, and returns the report. */
export async function runPaperBench(o: PaperBenchOptions): Promise<PaperBenchReport> {
  mkdirSync(o.outDir, { recursive: true });
  // A deterministic CIFAR-shaped input with 8-bit pixel values in [0, 1].
  const rng = fromTextSeed('delphi-ts/bench/paper/input');
  const data = Array.from({ length: 3 * 32 * 32 }, () => uniformBelow(rng, 256) / 255);
  const inputPath = join(o.outDir, 'paper-input.json');
  writeFileSync(inputPath, JSON.stringify({ shape: [3, 32, 32], data }));
  const runs: PaperRun[] = [];
  try {
    for (const network of o.networks) {
      try {
        const r = await runOne(network, { file: inputPath, data }, o);
        runs.push(r);
        o.log(`${r.model}: online ${sec(r.online)}, preprocessing ${sec(r.preprocessing)}, peak RSS ${mb(r.peakRssBytes?.server)} / ${mb(r.peakRssBytes?.client)}, prediction ${r.prediction} (plaintext ${r.plaintextPrediction})`);
      } catch (e) {
        o.log(`${network}: ${(e as Error).message}`);
        runs.push({ model: network, backend: o.backend, error: (e as Error).message });
      }
    }
  } finally {
    rmSync(inputPath, { force: true });
  }
  // Runs of other models from an earlier paper.json in the same place are kept (networks run one at a time).
  const previous = join(o.outDir, 'paper.json');
  if (!o.smoke && existsSync(previous)) {
    try {
      const kept = (JSON.parse(readFileSync(previous, 'utf8')) as PaperBenchReport).runs.filter((r) => !runs.some((x) => x.model === r.model));
      runs.unshift(...kept);
    } catch {
      // Not a report: replaced.
    }
  }
  const doc: PaperBenchReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.type()} ${os.arch()}, Node ${process.versions.node}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    smoke: o.smoke,
    runs,
    published: PUBLISHED_FIGURES,
    publishedNote: PUBLISHED_NOTE,
  };
  writeFileSync(join(o.outDir, 'paper.json'), JSON.stringify(doc, null, 1) + '\n');
  writeFileSync(join(o.outDir, 'paper.md'), paperBenchMarkdown(doc));
  return doc;
}
