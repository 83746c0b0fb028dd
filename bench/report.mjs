// Prints the medians of a `vitest bench --outputJson` report as a plain table.
// A benchmark whose name contains "[ops=N]" also gets a per-operation median (ns/op).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'bench/results.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const rows = [];
for (const f of report.files ?? []) {
  for (const g of f.groups ?? []) {
    for (const b of g.benchmarks ?? []) {
      const ops = Number(/\[ops=(\d+)\]/.exec(b.name)?.[1] ?? 1);
      rows.push({
        group: g.fullName.replace(/^bench\//, ''),
        name: b.name,
        median: b.median,
        perOp: ops > 1 ? (b.median * 1e6) / ops : undefined,
        samples: b.sampleCount,
      });
    }
  }
}
const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3)) + ' ms';
const w = Math.max(10, ...rows.map((r) => (r.group + ' › ' + r.name).length));
console.log(`${'benchmark'.padEnd(w)}  ${'median'.padStart(12)}  ${'per op'.padStart(12)}  samples`);
for (const r of rows) {
  const per = r.perOp === undefined ? '' : r.perOp.toFixed(1) + ' ns';
  console.log(`${(r.group + ' › ' + r.name).padEnd(w)}  ${fmtMs(r.median).padStart(12)}  ${per.padStart(12)}  ${r.samples}`);
}
