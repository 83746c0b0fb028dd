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
const doc = {
  note: `Per-phase bytes (both directions) and wall-clock ms of one in-process inference (runLocalInference, memory channel, Delphi backend, input all 0.5). Machine: ${machine}, ${new Date().toISOString().slice(0, 10)}.`,
  runs: {},
};
for (const name of ['mnist-small', 'mnist-small-qr', 'mnist-delphi']) {
  const fp = compileFixedPoint(parseModel(readFileSync(new URL(`../models/${name}.json`, import.meta.url), 'utf8')));
  const rng = fromTextSeed('x');
  const run = await runLocalInference(fp, new Float64Array(784).fill(0.5), { backend: delphiBackend(), clientRng: rng.fork('c'), serverRng: rng.fork('s') });
  doc.runs[name] = Object.fromEntries(
    run.report.phases.map((p) => [p.phase, { bytes: p.clientToServer.bytes + p.serverToClient.bytes, ms: Math.round(Math.max(p.clientMs, p.serverMs)) }]),
  );
  console.log(name, JSON.stringify(doc.runs[name]));
}
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
