/**
 * Range analysis (§8.11): interval arithmetic over a compiled model, element by element, to show
 * that no intermediate value can leave [−(p−1)/2, (p−1)/2] for inputs in a declared range.
 *
 * Spec: §8.11
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { P_HALF } from '../math/share-field.js';
import type { FixedPointLayer, FixedPointModel, ScaleUnits } from './fixed-model.js';
import { quantize } from '../sharing/fixed-point.js';
import { linearBias, linearFanIn, linearWeights, runLinearKernel } from './linear-layers.js';
import { shapeSize } from './tensor.js';

/** Bounds of one tensor (signed integers at its scale). Spec: §8.11 */
export interface RangeEntry {
  readonly name: string;
  readonly op: FixedPointLayer['op'] | 'input';
  readonly scale: ScaleUnits;
  /** Smallest and largest value any element can take. */
  readonly min: number;
  readonly max: number;
  /** Largest |value| including internal values (x·x and a2·x2 + a1·x of a quadratic layer). */
  readonly maxAbs: number;
  /** log2((p−1)/2 / maxAbs): bits of room left (negative means possible overflow). */
  readonly headroomBits: number;
}

/** Result of {@link analyzeRange}. Spec: §8.11 */
export interface RangeReport {
  /** True when every bound stays within ±(p−1)/2: evaluation cannot overflow for such inputs. */
  readonly fits: boolean;
  /** The input, then one entry per layer. */
  readonly entries: readonly RangeEntry[];
  /** Name of the first layer whose bound exceeds ±(p−1)/2, if any. */
  readonly firstOverflow: string | null;
}

interface Interval {
  lo: Float64Array;
  hi: Float64Array;
  /** Largest |internal value| of the layer (quadratic intermediates), 0 if none. */
  inner: number;
}

/**
 * Bounds every tensor of `model` for all inputs whose elements lie in [inputMin, inputMax]
 * (reals, encoded at scale f). Bounds are sound: computed in float64 and, where a sum could
 * exceed 2^53, widened by its worst-case rounding error. Spec: §8.11
 */
export function analyzeRange(model: FixedPointModel, inputRange: { min: number; max: number }): RangeReport {
  const { min, max } = inputRange;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new InvalidArgumentError(`analyzeRange: need finite min ≤ max, got [${min}, ${max}]`);
  }
  const f = model.fractionalBits;
  const n = shapeSize(model.inputShape);
  const input: Interval = {
    lo: new Float64Array(n).fill(quantize(min, f)),
    hi: new Float64Array(n).fill(quantize(max, f)),
    inner: 0,
  };
  const entries: RangeEntry[] = [entry('input', 'input', 1, input)];
  const tensors: Interval[] = [];
  for (const layer of model.layers) {
    const args = layer.inputs.map((j) => (j < 0 ? input : tensors[j]));
    const t = intervalOf(layer, args, f);
    tensors.push(t);
    entries.push(entry(layer.name, layer.op, layer.scale, t));
  }
  const bad = entries.find((e) => e.maxAbs > P_HALF);
  return { fits: bad === undefined, entries, firstOverflow: bad ? bad.name : null };
}

function entry(name: string, op: RangeEntry['op'], scale: ScaleUnits, t: Interval): RangeEntry {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < t.lo.length; i++) {
    if (t.lo[i] < lo) lo = t.lo[i];
    if (t.hi[i] > hi) hi = t.hi[i];
  }
  const maxAbs = Math.max(Math.abs(lo), Math.abs(hi), t.inner);
  return { name, op, scale, min: lo, max: hi, maxAbs, headroomBits: maxAbs === 0 ? Infinity : Math.log2(P_HALF / maxAbs) };
}

const split = (w: ArrayLike<number>): [Float64Array, Float64Array, Float64Array] => {
  const pos = new Float64Array(w.length);
  const neg = new Float64Array(w.length);
  const abs = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0) pos[i] = w[i];
    else neg[i] = w[i];
    abs[i] = Math.abs(w[i]);
  }
  return [pos, neg, abs];
};

function intervalOf(layer: FixedPointLayer, args: Interval[], f: number): Interval {
  const [x] = args;
  switch (layer.op) {
    case 'conv2d':
    case 'dense':
    case 'scale':
    case 'sumPool2d': {
      const run = (v: Float64Array, w: ArrayLike<number> | null, bias: ArrayLike<number> | null): Float64Array => runLinearKernel(layer, v, w, bias);
      const weights = linearWeights(layer);
      const bias = linearBias(layer);
      let lo: Float64Array;
      let hi: Float64Array;
      let absBound: Float64Array;
      const mag = x.lo.map((v, i) => Math.max(Math.abs(v), Math.abs(x.hi[i])));
      if (weights === null) {
        lo = run(x.lo, null, null);
        hi = run(x.hi, null, null);
        absBound = run(mag, null, null);
      } else {
        const [pos, neg, abs] = split(weights);
        lo = add(run(x.lo, pos, bias), run(x.hi, neg, null));
        hi = add(run(x.hi, pos, bias), run(x.lo, neg, null));
        absBound = run(mag, abs, bias ? Array.from(bias, Math.abs) : null);
      }
      // Float sums are exact below 2^53; above, widen by n·2^−52 of the absolute bound.
      const fanIn = linearFanIn(layer);
      for (let i = 0; i < lo.length; i++) {
        if (absBound[i] >= 2 ** 53) {
          const slack = absBound[i] * (fanIn + 1) * 2 ** -52;
          lo[i] -= slack;
          hi[i] += slack;
        }
      }
      return { lo, hi, inner: 0 };
    }
    case 'flatten':
      return { lo: x.lo, hi: x.hi, inner: 0 };
    case 'add': {
      const [a, b] = args;
      const ka = layer.lift[0] ? 2 ** f : 1;
      const kb = layer.lift[1] ? 2 ** f : 1;
      return {
        lo: a.lo.map((v, i) => v * ka + b.lo[i] * kb),
        hi: a.hi.map((v, i) => v * ka + b.hi[i] * kb),
        inner: 0,
      };
    }
    case 'relu':
    case 'relu6': {
      const cap = layer.op === 'relu6' ? layer.cap : Infinity;
      const r = (y: number): number => Math.min(y > 0 ? Math.floor(y / 2 ** f) : 0, cap);
      return { lo: x.lo.map(r), hi: x.hi.map(r), inner: 0 };
    }
    case 'quadratic': {
      const d = 2 ** f;
      const lo = new Float64Array(x.lo.length);
      const hi = new Float64Array(x.lo.length);
      let inner = 0;
      for (let i = 0; i < lo.length; i++) {
        const xl = Math.floor(x.lo[i] / d);
        const xh = Math.floor(x.hi[i] / d);
        const sqHi = Math.max(xl * xl, xh * xh);
        const sqLo = xl <= 0 && xh >= 0 ? 0 : Math.min(xl * xl, xh * xh);
        const x2l = Math.floor(sqLo / d);
        const x2h = Math.floor(sqHi / d);
        const [p2l, p2h] = layer.a2 >= 0 ? [layer.a2 * x2l, layer.a2 * x2h] : [layer.a2 * x2h, layer.a2 * x2l];
        const [p1l, p1h] = layer.a1 >= 0 ? [layer.a1 * xl, layer.a1 * xh] : [layer.a1 * xh, layer.a1 * xl];
        const tl = p2l + p1l;
        const th = p2h + p1h;
        inner = Math.max(inner, sqHi, Math.abs(tl), Math.abs(th));
        lo[i] = Math.floor(tl / d) + layer.a0;
        hi[i] = Math.floor(th / d) + layer.a0;
      }
      return { lo, hi, inner };
    }
  }
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return a;
}
