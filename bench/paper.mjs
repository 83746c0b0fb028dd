#!/usr/bin/env node
// `npm run bench:paper`: the Delphi paper's CIFAR networks (MiniONN 173,056 ReLUs, ResNet-32
// 303,104; spec §8.14) through the CLI's real TCP path — `delphi serve` and `delphi infer` as two
// child processes over loopback — with progress on stderr. Writes bench/paper.md and
// bench/paper.json: ReLUs, setup / preprocessing / online ms and bytes both ways (from
// `infer --json`), peak RSS per party (`/usr/bin/time -f %M`, else /proc VmHWM), threads, and
// whether the prediction equals the plaintext fixed-point evaluation — beside the published
// figures, each with its source (bench/paper-published.json).
//
//   npm run build && node bench/paper.mjs [--network minionn|resnet32|all] [--quadratic N]
//       [--backend delphi|insecure-dealer] [--first K] [--smoke] [--out DIR] [--timeout SEC]
//
// The models are random-weight networks generated on demand into models/ (scripts/paper-models.mjs);
// --first K cuts each network after K activation layers; --smoke is --first 1 with the insecure
// dealer (unless --backend says otherwise) and writes to a temporary directory unless --out is
// given: it checks the harness in seconds (test/cli/bench-paper.plaintext.test.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileFixedPoint, countActivations, evaluateFixedPoint, paperNetwork, parseModel, serializeModel } from '../dist/nn/index.js';
import { fromTextSeed, uniformBelow } from '../dist/random/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli', 'main.js');
const { values } = parseArgs({
  options: {
    network: { type: 'string', default: 'all' },
    quadratic: { type: 'string', default: '0' },
    backend: { type: 'string' },
    first: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    models: { type: 'string' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: node bench/paper.mjs [--network minionn|resnet32|all] [--quadratic N] [--backend delphi|insecure-dealer] [--first K] [--smoke] [--out DIR] [--models DIR] [--timeout SEC]\n',
  );
  process.exit(0);
}
const smoke = values.smoke;
const backend = values.backend ?? (smoke ? 'insecure-dealer' : 'delphi');
const first = values.first !== undefined ? Number(values.first) : smoke ? 1 : undefined;
const outDir = values.out ?? (smoke ? mkdtempSync(join(os.tmpdir(), 'bench-paper-')) : join(root, 'bench'));
const modelDir = values.models ?? (smoke ? outDir : join(root, 'models'));
const quadratic = Number(values.quadratic);
const timeoutMs = values.timeout === undefined ? 0 : Number(values.timeout) * 1000;
const networks = values.network === 'all' ? ['minionn', 'resnet32'] : [values.network];
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const log = (s) => process.stderr.write(`[bench:paper] ${s}\n`);

/** The model file of a configuration, generated (deterministically) when missing. */
function modelFile(network) {
  const model = paperNetwork(network, fromTextSeed(`delphi-ts/models/paper/${network}`), { quadratic, activationLayers: first });
  const file = join(modelDir, `${model.name}.json`);
  if (!existsSync(file)) {
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(file, serializeModel(model, { weights: 'float32-base64' }));
    log(`generated ${file}`);
  }
  return file;
}

/** A deterministic CIFAR-shaped input in [0, 1] (8-bit pixel values). */
function inputFile(dir) {
  const rng = fromTextSeed('delphi-ts/bench/paper/input');
  const data = Array.from({ length: 3 * 32 * 32 }, () => uniformBelow(rng, 256) / 255);
  const file = join(dir, 'paper-input.json');
  writeFileSync(file, JSON.stringify({ shape: [3, 32, 32], data }));
  return { file, data };
}

/** Spawns `node dist/cli/main.js ...args` under /usr/bin/time when present; resolves on exit. */
function party(name, args, { onStdout } = {}) {
  const rssFile = join(os.tmpdir(), `bench-paper-rss-${name}-${process.pid}`);
  const cmd = timeBin ?? process.execPath;
  const argv = timeBin ? ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args] : [cli, ...args];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let vmHwmKiB = 0;
  // Without /usr/bin/time: poll the child's high-water mark (it is the node process itself).
  const poll = timeBin
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) vmHwmKiB = Math.max(vmHwmKiB, Number(m[1]));
        } catch {
          // exited, or no /proc
        }
      }, 100);
  child.stdout.on('data', (d) => {
    stdout += d;
    onStdout?.(stdout);
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const line of String(d).split('\n')) if (line.trim()) process.stderr.write(`  ${name}: ${line.trim()}\n`);
  });
  const done = new Promise((resolve, reject) => {
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGTERM'), timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKiB = vmHwmKiB;
      if (timeBin) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          rssKiB = Number(lines[lines.length - 1]);
        } catch {
          rssKiB = NaN;
        }
        rmSync(rssFile, { force: true });
      }
      resolve({ code, signal, stdout, stderr, peakRssBytes: rssKiB * 1024 });
    });
  });
  return { child, done };
}

async function runOne(network, input) {
  const file = modelFile(network);
  const model = parseModel(readFileSync(file, 'utf8'));
  const acts = countActivations(model);
  log(`${model.name}: ${acts.relu.toLocaleString('en')} ReLUs, ${acts.quadratic.toLocaleString('en')} quadratics, backend ${backend}`);
  const plain = evaluateFixedPoint(compileFixedPoint(model), input.data).decoded;
  const expected = plain.indexOf(Math.max(...plain));
  const insecure = backend === 'insecure-dealer' ? ['--insecure'] : [];
  let resolvePort;
  const portP = new Promise((r) => (resolvePort = r));
  const server = party('server', ['serve', '--model', file, '--port', '0', '--once', '--backend', backend, ...insecure], {
    onStdout: (s) => {
      const m = /listening on (\S+):(\d+)/.exec(s);
      if (m) resolvePort(Number(m[2]));
    },
  });
  const early = server.done.then((r) => {
    throw new Error(`the server exited before listening (code ${r.code}): ${r.stderr.trim()}`);
  });
  const port = await Promise.race([portP, early]);
  early.catch(() => {});
  const client = party('client', ['infer', '--server', `127.0.0.1:${port}`, '--input', input.file, '--json', '--backend', backend, ...insecure]);
  const c = await client.done;
  const s = await server.done;
  if (c.code !== 0) throw new Error(`infer failed (code ${c.code}, signal ${c.signal}): ${c.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const report = JSON.parse(c.stdout);
  const phase = (name) => {
    const p = report.phases.find((x) => x.phase === name);
    return p ? { ms: p.ms, clientToServerBytes: p.clientToServerBytes, serverToClientBytes: p.serverToClientBytes } : undefined;
  };
  return {
    model: model.name,
    description: model.description,
    network,
    quadraticLayers: quadratic,
    activationLayers: first ?? (network === 'minionn' ? 7 : 31),
    relus: acts.relu,
    quadratics: acts.quadratic,
    backend,
    setup: phase('setup'),
    preprocessing: phase('preprocessing'),
    online: phase('online'),
    totalMs: report.totalMs,
    wire: report.wire,
    peakRssBytes: { server: s.peakRssBytes, client: c.peakRssBytes },
    threads: { protocol: 1, cores: os.availableParallelism() },
    prediction: report.prediction,
    plaintextPrediction: expected,
    matchesPlaintext: report.prediction === expected,
  };
}

const mb = (b) => (Number.isFinite(b) ? `${(b / 1e6).toFixed(1)} MB` : 'n/a');
const ms = (p) => (p ? `${(p.ms / 1000).toFixed(2)} s` : 'n/a');
const bytes = (p) => (p ? `${mb(p.clientToServerBytes)} ↑ / ${mb(p.serverToClientBytes)} ↓` : 'n/a');

function markdown(doc) {
  const lines = [
    '# The paper\'s networks: delphi-ts beside Delphi',
    '',
    `Generated by \`npm run bench:paper\` on ${doc.date} (${doc.machine}). Both parties are \`delphi\` CLI`,
    'processes over loopback TCP; the models have random seeded weights (timing and cost only). ↑ is client → server.',
    '',
    '| model | ReLUs | quadratics | backend | setup | preprocessing | online | preprocessing bytes | online bytes | peak RSS server / client | threads | prediction = plaintext |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- | --- |',
  ];
  for (const r of doc.runs) {
    if (r.error) {
      lines.push(`| ${r.model} | | | ${r.backend} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.model} | ${r.relus.toLocaleString('en')} | ${r.quadratics.toLocaleString('en')} | ${r.backend} | ${ms(r.setup)} | ${ms(r.preprocessing)} | ${ms(r.online)} | ${bytes(r.preprocessing)} | ${bytes(r.online)} | ${mb(r.peakRssBytes.server)} / ${mb(r.peakRssBytes.client)} | ${r.threads.protocol} of ${r.threads.cores} cores | ${r.matchesPlaintext ? 'yes' : 'NO'} |`,
    );
  }
  lines.push('', '## Published figures', '', '| network | figure | value | source |', '| --- | --- | --- | --- |');
  for (const f of doc.published) lines.push(`| ${f.network} | ${f.what} | ${f.value} | ${f.source} |`);
  lines.push('', doc.publishedNote, '');
  return lines.join('\n');
}

const published = JSON.parse(readFileSync(join(root, 'bench', 'paper-published.json'), 'utf8'));
mkdirSync(outDir, { recursive: true });
const input = inputFile(outDir);
const runs = [];
for (const network of networks) {
  try {
    runs.push(await runOne(network, input));
    const r = runs[runs.length - 1];
    log(`${r.model}: online ${ms(r.online)}, preprocessing ${ms(r.preprocessing)}, peak RSS ${mb(r.peakRssBytes.server)} / ${mb(r.peakRssBytes.client)}, prediction ${r.prediction} (plaintext ${r.plaintextPrediction})`);
  } catch (e) {
    log(`${network}: ${e.message}`);
    runs.push({ model: network, backend, error: e.message });
  }
}
const doc = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${os.type()} ${os.arch()}, Node ${process.versions.node}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
  smoke,
  runs,
  published: published.figures,
  publishedNote: published.note,
};
writeFileSync(join(outDir, 'paper.json'), JSON.stringify(doc, null, 1) + '\n');
writeFileSync(join(outDir, 'paper.md'), markdown(doc));
log(`wrote ${join(outDir, 'paper.md')} and paper.json`);
process.stdout.write(JSON.stringify({ out: outDir, runs: runs.length, failed: runs.filter((r) => r.error).length }) + '\n');
process.exit(runs.some((r) => r.error) ? 1 : 0);
