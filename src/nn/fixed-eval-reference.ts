/**
 * The slow, readable BigInt reference of the fixed-point evaluation (§8.9): every layer computed
 * over Z_p exactly as written in the spec, with no overflow detection (like the secure protocol,
 * which only sees residues). Tests check the fast evaluator against it; the fast evaluator also
 * uses {@link exactLinearBig} when its float64 shortcut would not be exact.
 *
 * Spec: §8.9
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { P_BIG } from '../math/share-field.js';
import type { FixedPointLayer, FixedPointModel } from './fixed-model.js';
import { shapeSize } from './tensor.js';

const HALF = (P_BIG - 1n) / 2n;

const mod = (x: bigint): bigint => {
  const r = x % P_BIG;
  return r < 0n ? r + P_BIG : r;
};
const signed = (x: bigint): bigint => (x > HALF ? x - P_BIG : x);
const floorDiv = (x: bigint, bits: number): bigint => x >> BigInt(bits);

/**
 * The exact integer output (no reduction) of a conv2d, dense, scale or sumPool2d layer on an
 * integer input tensor, straight from the formulas of §8.2 and §8.9.1. Spec: §8.9.1
 */
export function exactLinearBig(layer: FixedPointLayer, x: readonly bigint[]): bigint[] {
  const [C, H, W] = layer.inputShape;
  switch (layer.op) {
    case 'conv2d': {
      const [kh, kw] = layer.kernel;
      const [sh, sw] = layer.stride;
      const [pt, pl] = layer.padding;
      const [O, OH, OW] = layer.shape;
      const out: bigint[] = [];
      for (let o = 0; o < O; o++) {
        for (let y = 0; y < OH; y++) {
          for (let xo = 0; xo < OW; xo++) {
            let acc = BigInt(layer.bias[o]);
            for (let i = 0; i < C; i++) {
              for (let ky = 0; ky < kh; ky++) {
                for (let kx = 0; kx < kw; kx++) {
                  const iy = y * sh + ky - pt;
                  const ix = xo * sw + kx - pl;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // zero padding
                  acc += BigInt(layer.weights[((o * C + i) * kh + ky) * kw + kx]) * x[(i * H + iy) * W + ix];
                }
              }
            }
            out.push(acc);
          }
        }
      }
      return out;
    }
    case 'dense': {
      const n = x.length;
      const m = shapeSize(layer.shape);
      const out: bigint[] = [];
      for (let o = 0; o < m; o++) {
        let acc = BigInt(layer.bias[o]);
        for (let i = 0; i < n; i++) acc += BigInt(layer.weights[o * n + i]) * x[i];
        out.push(acc);
      }
      return out;
    }
    case 'scale': {
      const channels = layer.factors.length;
      const per = x.length / channels;
      return x.map((v, i) => {
        const c = Math.floor(i / per);
        return BigInt(layer.factors[c]) * v + BigInt(layer.bias[c]);
      });
    }
    case 'sumPool2d': {
      const [kh, kw] = layer.kernel;
      const [sh, sw] = layer.stride;
      const [, OH, OW] = layer.shape;
      const out: bigint[] = [];
      for (let c = 0; c < C; c++) {
        for (let y = 0; y < OH; y++) {
          for (let xo = 0; xo < OW; xo++) {
            let acc = 0n;
            for (let ky = 0; ky < kh; ky++) {
              for (let kx = 0; kx < kw; kx++) acc += x[(c * H + y * sh + ky) * W + xo * sw + kx];
            }
            out.push(acc);
          }
        }
      }
      return out;
    }
    default:
      throw new InvalidArgumentError(`exactLinearBig: ${layer.op} is not a linear layer`);
  }
}

/**
 * Evaluates a fixed-point model over Z_p with bigints and returns the output of every layer as
 * field elements (the last entry is the model output). The input is given as field elements.
 * Activations read their input y as the signed integer of §8.7. Spec: §8.9
 */
export function evaluateFixedPointReference(model: FixedPointModel, input: readonly bigint[]): bigint[][] {
  const n = shapeSize(model.inputShape);
  if (input.length !== n) throw new SizeMismatchError(`input has ${input.length} values, expected ${n}`);
  for (const v of input) {
    if (typeof v !== 'bigint' || v < 0n || v >= P_BIG) throw new InvalidArgumentError('input must be field elements (bigints in [0, p))');
  }
  const f = model.fractionalBits;
  const outputs: bigint[][] = [];
  const read = (j: number): readonly bigint[] => (j < 0 ? input : outputs[j]);
  for (const layer of model.layers) {
    const x = read(layer.inputs[0]);
    let out: bigint[];
    switch (layer.op) {
      case 'conv2d':
      case 'dense':
      case 'scale':
      case 'sumPool2d':
        // Inputs are residues; the formulas are linear, so computing with residues and reducing
        // at the end gives the same field elements as reducing after every operation.
        out = exactLinearBig(layer, x).map(mod);
        break;
      case 'flatten':
        out = [...x];
        break;
      case 'add': {
        const b = read(layer.inputs[1]);
        const lift = (v: bigint, k: number): bigint => (layer.lift[k] ? v << BigInt(f) : v);
        out = x.map((v, i) => mod(lift(v, 0) + lift(b[i], 1)));
        break;
      }
      case 'relu':
        out = x.map((v) => {
          const y = signed(v);
          return y > 0n ? mod(floorDiv(y, f)) : 0n;
        });
        break;
      case 'relu6': {
        const cap = BigInt(layer.cap);
        out = x.map((v) => {
          const y = signed(v);
          const r = y > 0n ? floorDiv(y, f) : 0n;
          return mod(r < cap ? r : cap);
        });
        break;
      }
      case 'quadratic': {
        const [a2, a1, a0] = [BigInt(layer.a2), BigInt(layer.a1), BigInt(layer.a0)];
        out = x.map((v) => {
          const xs = floorDiv(signed(v), f);
          const x2 = floorDiv(signed(mod(xs * xs)), f);
          const t = signed(mod(a2 * x2 + a1 * xs));
          return mod(floorDiv(t, f) + a0);
        });
        break;
      }
    }
    outputs.push(out);
  }
  return outputs;
}
