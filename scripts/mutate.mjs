#!/usr/bin/env node
// `npm run mutate [-- src/x.ts ...]`: runs Stryker once per configured source file (stryker.config.mjs
// maps each file to the tests that cover it), then prints one table: mutants, killed, survived,
// equivalent (listed with a reason in mutation-equivalents.md, excluded from the score), score, time.
// Exits non-zero when a file scores below 95 %. Runs are incremental: unchanged mutants are not re-run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

process.env.MUTATE ??= 'src/math/modular.ts'; // the config module insists on one target when imported
const { FILES } = await import('../stryker.config.mjs');
const THRESHOLD = 95;
// `--report`: no Stryker run, only the table from the last reports (reports/mutation/*.json).
const reportOnly = process.argv.includes('--report');
const args = process.argv.slice(2).filter((a) => a !== '--report').map((a) => a.replace(/^\.\//, ''));
const files = args.length > 0 ? args : Object.keys(FILES);
for (const f of files) {
  if (!(f in FILES)) {
    console.error(`mutate: ${f} is not configured in stryker.config.mjs`);
    process.exit(2);
  }
}

/**
 * Rows of mutation-equivalents.md, `| file | line | mutator | replacement | reason |` (matched to a
 * survivor by file, mutator, replacement and the nearest line within ±40): under the
 * heading "Equivalent mutants" they are excluded from the score; under "Static mutants" they are
 * counted as killed (Stryker's vitest runner does not activate mutants of module-level constants;
 * each row names the test that fails when the mutant is applied by hand).
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

const equiv = equivalents();
const table = [];
let failed = false;
for (const file of files) {
  const name = file.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\//g, '-');
  const t0 = Date.now();
  const run = reportOnly
    ? { status: 0 }
    : spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, MUTATE: file } });
  const seconds = Math.round((Date.now() - t0) / 1000);
  const report = `reports/mutation/${name}.json`;
  if (run.status !== 0 || !existsSync(report)) {
    table.push({ file, error: reportOnly ? 'not run' : `stryker exited with ${run.status}` });
    failed = true;
    continue;
  }
  const mutants = JSON.parse(readFileSync(report, 'utf8')).files[file]?.mutants ?? [];
  const count = (s) => mutants.filter((m) => s.includes(m.status)).length;
  const listed = equiv.filter((e) => e.file === file);
  const undetected = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
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
  const detected = count(['Killed', 'Timeout']) + byHand;
  const valid = detected + undetected.length - equivalent - byHand;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  if (score < THRESHOLD) failed = true;
  table.push({ file, mutants: mutants.length, killed: detected, survived: undetected.length - equivalent - byHand, equivalent, score, seconds });
}

console.log('\n| file | mutants | killed | survived | equivalent | score | time |\n|---|---|---|---|---|---|---|');
for (const r of table) {
  if (r.error) console.log(`| \`${r.file}\` | ${r.error} | | | | | |`);
  else console.log(`| \`${r.file}\` | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.equivalent} | ${r.score.toFixed(1)} % | ${reportOnly ? '' : `${r.seconds} s`} |`);
}
process.exit(failed ? 1 : 0);
