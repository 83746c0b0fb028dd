#!/usr/bin/env node
// Records test/fixtures/planner/real-runs.json: one in-process inference (memory channel, both
// parties in this process, Delphi's backend, input all 0.5) of each shipped model, with the bytes
// (both directions) and wall-clock milliseconds of every phase. The cost-model test compares
// estimateInferenceCost with these figures (bytes ±10 %, time within 1.5×). Rerun after a change
// of the protocol's messages, and on the machine whose timing constants you calibrate:
//
//   npm run build && node scripts/record-real-runs.mjs [test/fixtures/planner/real-runs.json]
//
// Takes a few minutes (mnist-delphi alone about two on two cores).
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { compileFixedPoint, parseModel } from '../dist/nn/index.js';
import { delphiBackend, runLocalInference } from '../dist/protocol/index.js';
import { fromTextSeed } from '../dist/random/index.js';

const out = process.argv[2] ?? 'test/fixtures/planner/real-runs.json';
const machine = `${os.type()} ${os.arch()}, Node ${process.versions.node}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`;
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(', ');
const loadBefore = load();
const doc = {
  note: '',
  runs: {},
};
for (const name of ['mnist-small', 'mnist-small-qr', 'mnist-delphi']) {
  const fp = compileFixedPoint(parseModel(readFileSync(new URL(`../models/${name}.json`, import.meta.url), 'utf8')));
  const rng = fromTextSeed('x');
  const run = await runLocalInference(fp, new Float64Array(784).fill(0.5), { backend: delphiBackend(), clientRng: rng.fork('c'), serverRng: rng.fork('s') });
  // Per phase: its bytes and ms, and per layer step (the data the time constants are fitted to)
  // its op, elements, bytes and ms (the slower party's).
  doc.runs[name] = Object.fromEntries(
    run.report.phases.map((p) => [
      p.phase,
      {
        bytes: p.clientToServer.bytes + p.serverToClient.bytes,
        ms: Math.round(Math.max(p.clientMs, p.serverMs)),
        layers: p.steps
          .filter((s) => s.layer !== null && s.clientToServer.bytes + s.serverToClient.bytes + Math.max(s.clientMs, s.serverMs) >= 1)
          .map((s) => ({ layer: s.layer, op: s.op, elements: s.elements, bytes: s.clientToServer.bytes + s.serverToClient.bytes, ms: Math.round(Math.max(s.clientMs, s.serverMs)) })),
      },
    ]),
  );
  console.log(name, JSON.stringify(Object.fromEntries(Object.entries(doc.runs[name]).map(([k, v]) => [k, { bytes: v.bytes, ms: v.ms }]))));
}
doc.note = `Per-phase bytes (both directions) and wall-clock ms of one in-process inference (runLocalInference, memory channel, Delphi backend, input all 0.5). Machine: ${machine}, ${new Date().toISOString().slice(0, 10)}; load average (1, 5, 15 min) ${loadBefore} before the runs and ${load()} after. Written by scripts/record-real-runs.mjs.`;
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
