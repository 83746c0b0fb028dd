#!/usr/bin/env node
/**
 * Where the CPU of a preprocessing goes (issue 20): runs `delphi serve --once` and `delphi infer
 * --json` on this machine (loopback TCP) with the same `--threads`, samples every thread of both
 * processes from /proc/PID/task/TID/stat every few milliseconds (Linux only), and prints, over the
 * client's preprocessing window: its wall time, each party's CPU split into the main thread and the
 * other threads (worker pool, V8 GC helpers, libuv), the time both parties ran at once, the time
 * only one ran, and a timeline of CPU per 100 ms slice. Needs a build (npm run build).
 *
 * Usage: node scripts/prep-cpu.mjs [--threads N] [--model models/mnist-delphi.json] [--runs 1]
 *   [--timeline] [--json] [--root DIR (another built checkout, e.g. to measure a baseline)]
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    root: { type: 'string', default: here },
    threads: { type: 'string' },
    model: { type: 'string', default: join(here, 'models/mnist-delphi.json') },
    input: { type: 'string', default: join(here, 'examples/digit-7.png') },
    runs: { type: 'string', default: '1' },
    timeline: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'sample-ms': { type: 'string', default: '5' },
  },
});
const TICK_MS = 10; // USER_HZ = 100 on Linux
const threadArgs = values.threads === undefined ? [] : ['--threads', values.threads];
const main = join(resolve(values.root), 'dist/cli/main.js');

/** utime + stime (ms) of every thread of `pid`: Map tid → {name, ms}. */
function threadCpu(pid) {
  const out = new Map();
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      out.set(Number(tid), { name, ms: (Number(f[11]) + Number(f[12])) * TICK_MS });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** One sample: time and {main, other} CPU ms of a process (threads that ended keep their last value). */
function sampler(pid) {
  const last = new Map();
  return () => {
    for (const [tid, t] of threadCpu(pid)) last.set(tid, t);
    let mainMs = 0;
    let other = 0;
    for (const [tid, t] of last) {
      if (tid === pid) mainMs = t.ms;
      else other += t.ms;
    }
    return { main: mainMs, other, names: [...new Set([...last.values()].map((t) => t.name))] };
  };
}

async function run() {
  const port = 7900 + Math.floor(Math.random() * 90);
  const server = spawn(process.execPath, [main, 'serve', '--model', values.model, '--port', String(port), '--once', ...threadArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  for (let i = 0; i < 1200 && !/listening/i.test(serverLog); i++) await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  const client = spawn(process.execPath, [main, 'infer', '--server', `127.0.0.1:${port}`, '--input', values.input, '--json', ...threadArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  client.stdout.on('data', (d) => (out += d));
  client.stderr.on('data', (d) => (err += d));
  const s = sampler(server.pid);
  const c = sampler(client.pid);
  const samples = [];
  let done = false;
  const exited = new Promise((r) => client.on('exit', (code) => { done = true; r(code); }));
  while (!done) {
    samples.push({ t: Date.now() - t0, s: s(), c: c() });
    await new Promise((r) => setTimeout(r, Number(values['sample-ms'])));
  }
  const code = await exited;
  await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
  if (code !== 0) throw new Error(`infer exited with ${code}: ${err}`);
  const report = JSON.parse(out);
  const phases = report.phases;
  const setupMs = phases.find((p) => p.phase === 'setup')?.ms ?? 0;
  const prepMs = phases.find((p) => p.phase === 'preprocessing').ms;
  // The preprocessing window: the server logs its end time; the client's phase ends at about the same time.
  const m = /(\S+) #\d+ session \S+ slot \d+: preprocessing/.exec(serverLog);
  const end = m ? Date.parse(m[1]) - t0 : NaN;
  const start = end - prepMs;
  const at = (t) => {
    let k = samples.findIndex((x) => x.t >= t);
    if (k < 0) k = samples.length - 1;
    return samples[k];
  };
  const a = at(start);
  const b = at(end);
  const cpu = {
    serverMain: b.s.main - a.s.main,
    serverOther: b.s.other - a.s.other,
    clientMain: b.c.main - a.c.main,
    clientOther: b.c.other - a.c.other,
  };
  // Busy time per 100 ms slice, and how often both parties were busy at once.
  const slices = [];
  for (let t = start; t < end; t += 100) {
    const x = at(t);
    const y = at(Math.min(t + 100, end));
    const dt = Math.max(1, y.t - x.t);
    slices.push({
      t: Math.round(t - start),
      sMain: (y.s.main - x.s.main) / dt,
      sOther: (y.s.other - x.s.other) / dt,
      cMain: (y.c.main - x.c.main) / dt,
      cOther: (y.c.other - x.c.other) / dt,
    });
  }
  let both = 0;
  let one = 0;
  let none = 0;
  for (const x of slices) {
    const sb = x.sMain + x.sOther > 0.3;
    const cb = x.cMain + x.cOther > 0.3;
    if (sb && cb) both++;
    else if (sb || cb) one++;
    else none++;
  }
  return { threads: values.threads ?? 'default', setupMs, prepMs, cpu, total: cpu.serverMain + cpu.serverOther + cpu.clientMain + cpu.clientOther, slices, overlap: { both, one, none }, prediction: report.prediction, steps: phases.find((p) => p.phase === 'preprocessing').steps ?? [], names: { server: b.s.names, client: b.c.names } };
}

const results = [];
for (let i = 0; i < Number(values.runs); i++) results.push(await run());
if (values.json) {
  process.stdout.write(JSON.stringify(results, null, 1) + '\n');
} else {
  for (const r of results) {
    const f = (x) => String(Math.round(x)).padStart(6);
    console.log(`threads ${r.threads}: setup ${Math.round(r.setupMs)} ms, preprocessing ${Math.round(r.prepMs)} ms, prediction ${r.prediction}`);
    console.log(`  CPU ms  server main ${f(r.cpu.serverMain)} other ${f(r.cpu.serverOther)} | client main ${f(r.cpu.clientMain)} other ${f(r.cpu.clientOther)} | total ${f(r.total)} (= ${(r.total / r.prepMs).toFixed(2)} cores)`);
    console.log(`  100 ms slices with both parties busy ${r.overlap.both}, one ${r.overlap.one}, neither ${r.overlap.none}`);
    console.log(`  client steps: ${r.steps.map((x) => `${x.label.replace(/^layer (\d+) \S+ "(.*)"$/, '$2')} ${Math.round(x.ms)}`).join(', ')}`);
    if (values.timeline) {
      for (const x of r.slices) {
        const bar = (v, ch) => ch.repeat(Math.round(v * 10));
        console.log(`  ${String(x.t).padStart(5)}  S ${bar(x.sMain, '#')}${bar(x.sOther, '+').padEnd(22 - Math.round(x.sMain * 10))} C ${bar(x.cMain, '#')}${bar(x.cOther, '+')}`);
      }
    }
  }
}
