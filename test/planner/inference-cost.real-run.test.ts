/**
 * The whole-inference cost model (§10.4.6) against real runs: one live in-process inference with
 * Delphi's backend on a small PyTorch-exported model (so the comparison follows the protocol code
 * as it changes), and the recorded runs of the three shipped models
 * (test/fixtures/planner/real-runs.json, with the machine they ran on). Bytes must be within
 * ±10 % per phase and per layer; predicted times within a factor 1.5 of the recorded ones (the default timing
 * constants were calibrated on that machine; nothing is timed here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, loadModelBytes, parseModel } from '../../src/nn/index.js';
import { estimateInferenceCost, fieldVectorBytes } from '../../src/protocol/backends/inference-cost.js';
import { delphiBackend, runLocalInference } from '../../src/protocol/index.js';
import { fromTextSeed } from '../../src/random/index.js';

const PHASES = ['setup', 'preprocessing', 'online'] as const;
interface RecordedLayer {
  layer: number;
  op: string;
  bytes: number;
  ms: number;
}
type Phases = Record<(typeof PHASES)[number], { bytes: number; ms: number; layers: RecordedLayer[] }>;
const recorded = JSON.parse(readFileSync(new URL('../fixtures/planner/real-runs.json', import.meta.url), 'utf8')) as { runs: Record<string, Phases> };

describe('estimateInferenceCost vs real runs (Delphi backend)', () => {
  for (const name of ['mnist-small', 'mnist-small-qr', 'mnist-delphi']) {
    it(`${name}: per-phase bytes within ±10 % and time within 1.5× of the recorded run`, () => {
      const fp = compileFixedPoint(parseModel(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), 'utf8')));
      const e = estimateInferenceCost(fp);
      for (const phase of PHASES) {
        const real = recorded.runs[name][phase].bytes;
        expect(Math.abs(e[phase].bytes - real) / real, `${name} ${phase}: predicted ${e[phase].bytes}, measured ${real}`).toBeLessThanOrEqual(0.1);
        const ratio = e[phase].ms / recorded.runs[name][phase].ms;
        expect(Math.max(ratio, 1 / ratio), `${name} ${phase}: predicted ${e[phase].ms} ms, recorded ${recorded.runs[name][phase].ms} ms`).toBeLessThanOrEqual(1.5);
      }
    });

    it(`${name}: the bytes of every layer in preprocessing and online within ±10 % of the recorded run`, () => {
      const fp = compileFixedPoint(parseModel(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), 'utf8')));
      const e = estimateInferenceCost(fp);
      for (const phase of ['preprocessing', 'online'] as const) {
        const layers = recorded.runs[name][phase].layers;
        expect(layers.length, `${name} ${phase}: recorded layers`).toBeGreaterThan(0);
        for (const l of layers) {
          const step = e.steps[l.layer];
          expect(step.op, `${name} layer ${l.layer}`).toBe(l.op);
          const predicted = step[phase].bytes;
          if (l.bytes === 0) expect(predicted, `${name} ${phase} layer ${l.layer}`).toBe(0);
          else expect(Math.abs(predicted - l.bytes) / l.bytes, `${name} ${phase} layer ${l.layer} (${l.op}): predicted ${predicted}, measured ${l.bytes}`).toBeLessThanOrEqual(0.1);
        }
      }
    });
  }

  it('a live in-process inference of a PyTorch model: every phase and every layer within ±10 %', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/nn/pytorch/relu6-mean.onnx', import.meta.url)));
    const { fixedPoint } = loadModelBytes(bytes, 'relu6-mean.onnx');
    const fx = JSON.parse(readFileSync(new URL('../fixtures/nn/pytorch/relu6-mean.json', import.meta.url), 'utf8')) as { inputs: number[][]; predictions: number[] };
    const rng = fromTextSeed('inference-cost/live');
    const run = await runLocalInference(fixedPoint, fx.inputs[0], { backend: delphiBackend(), clientRng: rng.fork('c'), serverRng: rng.fork('s') });
    // The secure protocol gives PyTorch's prediction.
    expect(run.output.decoded.indexOf(Math.max(...run.output.decoded))).toBe(fx.predictions[0]);
    const e = estimateInferenceCost(fixedPoint);
    for (const p of run.report.phases) {
      const real = p.clientToServer.bytes + p.serverToClient.bytes;
      const predicted = e[p.phase].bytes;
      expect(Math.abs(predicted - real) / real, `${p.phase}: predicted ${predicted}, measured ${real}`).toBeLessThanOrEqual(0.1);
    }
    for (const phase of ['preprocessing', 'online'] as const) {
      const p = run.report.phases.find((q) => q.phase === phase)!;
      for (const step of p.steps.filter((s) => s.layer !== null)) {
        const real = step.clientToServer.bytes + step.serverToClient.bytes;
        const predicted = e.steps[step.layer!][phase].bytes;
        if (real === 0) expect(predicted, `${phase} ${step.label}`).toBe(0);
        else expect(Math.abs(predicted - real) / real, `${phase} ${step.label}: predicted ${predicted}, measured ${real}`).toBeLessThanOrEqual(0.1);
      }
    }
  }, 300_000);

  it('fieldVectorBytes is the size of the messages sendFieldVector writes (6 bytes per element plus a header)', () => {
    expect(fieldVectorBytes(784) - fieldVectorBytes(0)).toBe(6 * 784);
  });
});
