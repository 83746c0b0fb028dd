/**
 * A worst-case error bound for fixed-point evaluation, derived independently of the evaluator
 * from the rounding rules of §8.7–§8.9: it propagates, layer by layer of the compiled model, a
 * bound E on |decoded fixed-point value − exact real value of the float model|.
 */
import type { FixedPointModel, FixedPointTraceEntry } from '../../../src/nn/index.js';

const P = 2061584302081n;
const decode = (v: bigint, bits: number): number => Number(v > (P - 1n) / 2n ? v - P : v) / 2 ** bits;

/** Bound on the error of every layer's output (index k ↔ layer k), given a trace of the evaluation. */
export function fixedPointErrorBounds(model: FixedPointModel, trace: readonly FixedPointTraceEntry[]): number[] {
  const f = model.fractionalBits;
  const ulp = 2 ** -f; // one unit at scale f
  const half = ulp / 2; // rounding error of a constant at scale f
  const maxAbs = (k: number): number => {
    const t = trace[k + 1]; // trace[0] is the input
    return Math.max(0, ...t.values.map((v) => Math.abs(decode(v, t.scale * f))));
  };
  const inputMax = Math.max(0, ...trace[0].values.map((v) => Math.abs(decode(v, f))));
  const E: number[] = [];
  const err = (j: number): number => (j < 0 ? half : E[j]);
  const mag = (j: number): number => (j < 0 ? inputMax : maxAbs(j));
  model.layers.forEach((layer) => {
    const j = layer.inputs[0];
    let e: number;
    switch (layer.op) {
      case 'conv2d':
      case 'dense':
      case 'scale': {
        const w = layer.op === 'scale' ? layer.factors : layer.weights;
        const rows = layer.bias.length;
        const n = w.length / rows;
        let rowSum = 0;
        for (let o = 0; o < rows; o++) {
          let s = 0;
          for (let i = o * n; i < (o + 1) * n; i++) s += Math.abs(w[i]) * ulp;
          rowSum = Math.max(rowSum, s);
        }
        // Σ|ŵ|·E_in + n·δw·(|x̂| + E_in) + δb
        e = rowSum * err(j) + n * half * (mag(j) + err(j)) + half * ulp;
        break;
      }
      case 'sumPool2d':
        e = layer.kernel[0] * layer.kernel[1] * err(j);
        break;
      case 'flatten':
        e = err(j);
        break;
      case 'add':
        e = err(layer.inputs[0]) + err(layer.inputs[1]);
        break;
      case 'relu':
      case 'relu6':
        e = err(j) + ulp;
        break;
      case 'quadratic': {
        const ex = err(j) + ulp;
        const x = mag(j) + ulp;
        const a2 = Math.abs(layer.a2) * ulp;
        const a1 = Math.abs(layer.a1) * ulp;
        e = a2 * (ex * (2 * x + ex) + ulp) + half * (x + ex) ** 2 + a1 * ex + half * (x + ex) + half + ulp;
        break;
      }
    }
    E.push(e);
  });
  return E;
}
