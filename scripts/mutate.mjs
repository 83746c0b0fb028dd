#!/usr/bin/env node
// `npm run mutate [-- [--jobs N] [--full] [--report] [src/x.ts ...]]`: runs Stryker once per configured
// source file (stryker.config.mjs maps each file to the tests that kill its mutants), N files side by
// side (default 2, the machine's two cores; MUTATE_JOBS or --jobs), longest first (expected seconds in
// stryker.config.mjs SECONDS), then prints one table: mutants, killed, survived, equivalent (listed with
// a reason in mutation-equivalents.md, excluded from the score), score, wall and CPU time per file.
// Exits non-zero when a file scores below 95 %.
//
// Runs are incremental (reports/mutation/incremental/): unchanged mutants are not re-run. `--full`
// re-runs every mutant (Stryker's --force); a clean clone has no reports/ and runs everything anyway.
// Each Stryker run writes its log to reports/mutation/logs/<name>.log (printed when the run fails).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';

process.env.MUTATE ??= 'src/math/modular.ts'; // the config module insists on one target when imported
const { FILES, SECONDS } = await import('../stryker.config.mjs');
const THRESHOLD = 95;

const argv = process.argv.slice(2);
/** Value of `--name N` / `--name=N` (removed from argv), or undefined. */
function option(name) {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const [a] = argv.splice(i, 1);
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv.splice(i, 1)[0];
}
function flag(name) {
  const i = argv.indexOf(name);
  if (i >= 0) argv.splice(i, 1);
  return i >= 0;
}
// `--report`: no Stryker run, only the table from the last reports (reports/mutation/*.json).
const reportOnly = flag('--report');
const full = flag('--full');
const jobs = Number(option('--jobs') ?? process.env.MUTATE_JOBS ?? Math.min(2, cpus().length));
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error('mutate: --jobs takes a positive integer');
  process.exit(2);
}
const args = argv.map((a) => a.replace(/^\.\//, ''));
for (const f of args) {
  if (!(f in FILES)) {
    console.error(`mutate: ${f} is not configured in stryker.config.mjs`);
    process.exit(2);
  }
}
// Longest first, so that the last files to finish are short ones (a file not in SECONDS counts as long);
// files named on the command line run in the order given.
const files = args.length > 0 ? args : Object.keys(FILES).sort((a, b) => (SECONDS[b] ?? 1e9) - (SECONDS[a] ?? 1e9));
const nameOf = (file) => file.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\/$/, '').replace(/\//g, '-');

/**
 * Rows of mutation-equivalents.md, `| file | line | mutator | replacement | reason |` (matched to a
 * survivor by file, mutator, replacement and the nearest line within ±40): under the
 * heading "Equivalent mutants" they are excluded from the score; under "Static mutants" they are
 * counted as killed (Stryker's vitest runner does not activate mutants of module-level constants, so
 * the config ignores them — `ignoreStatic` — and each must have a row naming the test that fails when
 * the mutant is applied by hand; a static mutant without a row counts as a survivor).
 */
function equivalents() {
  if (!existsSync('mutation-equivalents.md')) return [];
  const rows = [];
  let kind;
  for (const line of readFileSync('mutation-equivalents.md', 'utf8').split('\n')) {
    if (line.startsWith('## ')) kind = /static/i.test(line) ? 'static' : /equivalent/i.test(line) ? 'equivalent' : undefined;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (kind === undefined || cells.length !== 5 || !cells[0].startsWith('`src/')) continue;
    const unquote = (s) => s.replace(/^`|`$/g, '').replace(/\\([|`])/g, '$1');
    rows.push({ kind, file: unquote(cells[0]), line: Number(cells[1]), mutator: cells[2], replacement: unquote(cells[3]) });
  }
  return rows;
}

const STRYKER = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js');

/**
 * One Stryker run for `file`, its output in the log file. Resolves to { status, seconds, cpu }, where cpu
 * is the user + system time of the whole process tree (Stryker, its test-runner child, vitest's
 * workers), read from the POSIX `times` builtin of the shell that waited for it.
 */
function runStryker(file) {
  mkdirSync('reports/mutation/logs', { recursive: true });
  const log = `reports/mutation/logs/${nameOf(file)}.log`;
  const fd = openSync(log, 'w');
  const t0 = Date.now();
  const script = '"$@" >&3 2>&3; rc=$?; times; exit $rc';
  const cmd = [process.execPath, STRYKER, 'run', 'stryker.config.mjs', ...(full ? ['--force'] : [])];
  const child = spawn('sh', ['-c', script, 'sh', ...cmd], {
    stdio: ['ignore', 'pipe', 'inherit', fd],
    env: { ...process.env, MUTATE: file, FORCE_COLOR: '0' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve) => {
    child.on('close', (status) => {
      closeSync(fd);
      // `times` prints the shell's own user/system time, then its children's: "1m2.345s 0m6.789s".
      const lines = out.trim().split('\n');
      const secs = (s) => { const m = /^(\d+)m([\d.]+)s$/.exec(s); return m ? 60 * Number(m[1]) + Number(m[2]) : NaN; };
      const [u, s] = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(secs);
      resolve({ status, log, seconds: (Date.now() - t0) / 1000, cpu: u + s });
    });
  });
}

/**
 * The table rows of a configured entry from its JSON report: one row, or one per source file of a
 * group (a key ending in `/`).
 */
function score(entry, equiv, run) {
  const report = `reports/mutation/${nameOf(entry)}.json`;
  if ((run && run.status !== 0) || !existsSync(report)) {
    return [{ file: entry, error: run ? `stryker exited with ${run.status} (log: ${run.log})` : 'not run' }];
  }
  const reported = JSON.parse(readFileSync(report, 'utf8')).files;
  const sources = entry.endsWith('/') ? Object.keys(reported).filter((f) => f.startsWith(entry) && !f.slice(entry.length).includes('/')).sort() : [entry];
  const rows = sources.map((file) => scoreFile(file, reported[file]?.mutants ?? [], equiv));
  // A group's wall and CPU time belong to its one run: shown on its first row.
  if (rows.length > 0) Object.assign(rows[0], { seconds: run?.seconds, cpu: run?.cpu });
  return rows;
}

/** One file's row: mutants, killed (with static mutants listed as killed by hand), survived, equivalent, score. */
function scoreFile(file, mutants, equiv) {
  const listed = equiv.filter((e) => e.file === file);
  const isStatic = (m) => m.status === 'Ignored' && /static/i.test(m.statusReason ?? '');
  const undetected = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage' || isStatic(m));
  let equivalent = 0;
  let byHand = 0;
  for (const m of undetected) {
    // The nearest listed row with the same mutator and replacement, within ±40 lines (lines drift as the file changes).
    let i = -1;
    listed.forEach((e, k) => {
      const d = Math.abs(e.line - m.location.start.line);
      if (e.mutator === m.mutatorName && e.replacement === (m.replacement ?? '') && d <= 40 && (i < 0 || d < Math.abs(listed[i].line - m.location.start.line))) i = k;
    });
    if (i >= 0) {
      if (listed[i].kind === 'static') byHand++;
      else equivalent++;
      listed.splice(i, 1);
    }
  }
  const detected = mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length + byHand;
  const survived = undetected.length - equivalent - byHand;
  const valid = detected + survived;
  const value = valid === 0 ? 100 : (100 * detected) / valid;
  return { file, mutants: mutants.length, killed: detected, survived, equivalent, score: value };
}

const equiv = equivalents();
const rows = new Map();
const load0 = loadavg();
const t0 = Date.now();
if (reportOnly) {
  for (const f of files) rows.set(f, score(f, equiv));
} else {
  console.log(`mutate: ${files.length} file(s), ${jobs} side by side${full ? ', every mutant re-run (--full)' : ''}; logs in reports/mutation/logs/`);
  const queue = [...files];
  let done = 0;
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      console.log(`  start ${file}`);
      const run = await runStryker(file);
      const scored = score(file, equiv, run);
      rows.set(file, scored);
      done++;
      const row = scored[0];
      const what = row.error ?? scored.map((r) => `${r.score.toFixed(1)} % of ${r.mutants}`).join(', ');
      console.log(`  [${done}/${files.length}] ${file}: ${what}, ${Math.round(run.seconds)} s wall, ${Math.round(run.cpu)} s CPU, load ${loadavg()[0].toFixed(1)}`);
      if (row.error) console.log(readFileSync(run.log, 'utf8').split('\n').slice(-40).join('\n'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
}

let failed = false;
console.log('\n| file | mutants | killed | survived | equivalent | score | wall | CPU |\n|---|---|---|---|---|---|---|---|');
for (const r of files.flatMap((f) => rows.get(f))) {
  if (r.error) {
    failed = true;
    console.log(`| \`${r.file}\` | ${r.error} | | | | | | |`);
    continue;
  }
  if (r.score < THRESHOLD) failed = true;
  const t = (x) => (x === undefined ? '' : `${Math.round(x)} s`);
  console.log(`| \`${r.file}\` | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.equivalent} | ${r.score.toFixed(1)} % | ${t(r.seconds)} | ${t(r.cpu)} |`);
}
if (!reportOnly) {
  const cpu = [...rows.values()].flat().reduce((a, r) => a + (r.cpu ?? 0), 0);
  const wall = (Date.now() - t0) / 1000;
  console.log(`\nmutate: ${Math.round(wall)} s wall (${(wall / 60).toFixed(1)} min), ${Math.round(cpu)} s CPU, ${jobs} job(s); load average ${load0[0].toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
}
process.exit(failed ? 1 : 0);
