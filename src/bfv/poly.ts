/**
 * Element-wise kernels on RNS polynomials (see {@link RnsPoly}): addition, negation, products in the
 * NTT domain, per-prime scalars, NTTs, and loading small signed polynomials. Every kernel acts on the
 * first k primes (k·n residues) of its operands, so a key-level polynomial can be used at a data
 * level directly. Narrow contexts run 32-bit integer loops; wide contexts run exact double
 * arithmetic (26-bit limbs: `mulModWideFast` of src/math/wide.ts, the one wide kernel).
 *
 * The arithmetic is written out in each loop rather than calling `src/math`'s scalar helpers: a
 * call across modules is not always inlined, and these loops are the hot path of every BFV
 * operation.
 *
 * Spec: §4.2
 * @module
 */
import { forwardNtt, inverseNtt, type NttTables, type WideNttTables } from '../math/index.js';
import { forwardNttWide, inverseNttWide } from '../math/ntt-wide.js';
import { mulModWideFast } from '../math/wide.js';
import type { BfvContext, RnsPoly } from './context.js';

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;

/** a·b mod q for a, b ∈ [0, q), any q < 2^50 (narrow or wide). Spec: §4.2 */
export function mulModAny(a: number, b: number, q: number): number {
  if (q < 2 ** 30) {
    const quot = Math.floor((a * b) / q);
    let r = (Math.imul(a, b) - Math.imul(quot, q)) | 0;
    r += (r >> 31) & q;
    r -= q;
    return r + ((r >> 31) & q);
  }
  const q1 = Math.floor(q * INV_TWO_26);
  return mulModWideFast(a, b, q, 1 / q, q1, q - q1 * TWO_26);
}

/** out = a + b (first k primes). `out` may alias. Spec: §4.2 */
export function polyAdd(ctx: BfvContext, a: RnsPoly, b: RnsPoly, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const end = (i + 1) * n;
    if (ctx.wide) {
      for (let j = i * n; j < end; j++) {
        const s = a[j] + b[j];
        out[j] = s >= q ? s - q : s;
      }
    } else {
      for (let j = i * n; j < end; j++) {
        const s = (a[j] + b[j] - q) | 0;
        out[j] = s + ((s >> 31) & q);
      }
    }
  }
  return out;
}

/** out = a − b (first k primes). `out` may alias. Spec: §4.2 */
export function polySub(ctx: BfvContext, a: RnsPoly, b: RnsPoly, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const end = (i + 1) * n;
    if (ctx.wide) {
      for (let j = i * n; j < end; j++) {
        const d = a[j] - b[j];
        out[j] = d < 0 ? d + q : d;
      }
    } else {
      for (let j = i * n; j < end; j++) {
        const d = (a[j] - b[j]) | 0;
        out[j] = d + ((d >> 31) & q);
      }
    }
  }
  return out;
}

/** out = −a (first k primes). `out` may alias. Spec: §4.2 */
export function polyNeg(ctx: BfvContext, a: RnsPoly, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    for (let j = i * n, end = (i + 1) * n; j < end; j++) out[j] = a[j] === 0 ? 0 : q - a[j];
  }
  return out;
}

/** out = a ∘ b, the coefficient-wise (NTT-domain) product (first k primes). `out` may alias. Spec: §4.2 */
export function polyMulNtt(ctx: BfvContext, a: RnsPoly, b: RnsPoly, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const qInv = 1 / q;
    const end = (i + 1) * n;
    if (ctx.wide) {
      const q1 = Math.floor(q * INV_TWO_26);
      const q0 = q - q1 * TWO_26;
      for (let j = i * n; j < end; j++) out[j] = mulModWideFast(a[j], b[j], q, qInv, q1, q0);
    } else {
      for (let j = i * n; j < end; j++) {
        const x = a[j];
        const y = b[j];
        let r = (Math.imul(x, y) - Math.imul(Math.floor(x * y * qInv), q)) | 0;
        r += (r >> 31) & q;
        r -= q;
        out[j] = r + ((r >> 31) & q);
      }
    }
  }
  return out;
}

/** acc = acc + a ∘ b (first k primes). Spec: §4.2 */
export function polyMulAccNtt(ctx: BfvContext, acc: RnsPoly, a: RnsPoly, b: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const qInv = 1 / q;
    const end = (i + 1) * n;
    if (ctx.wide) {
      const q1 = Math.floor(q * INV_TWO_26);
      const q0 = q - q1 * TWO_26;
      for (let j = i * n; j < end; j++) {
        const s = acc[j] + mulModWideFast(a[j], b[j], q, qInv, q1, q0);
        acc[j] = s >= q ? s - q : s;
      }
    } else {
      for (let j = i * n; j < end; j++) {
        const x = a[j];
        const y = b[j];
        let r = (Math.imul(x, y) - Math.imul(Math.floor(x * y * qInv), q)) | 0;
        r += (r >> 31) & q;
        r -= q;
        r += (r >> 31) & q;
        const s = (acc[j] + r - q) | 0;
        acc[j] = s + ((s >> 31) & q);
      }
    }
  }
  return acc;
}

/** out = a · c_i modulo each q_i, for per-prime scalars c_i ∈ [0, q_i) (first k primes). Spec: §4.2 */
export function polyMulScalar(ctx: BfvContext, a: RnsPoly, c: ArrayLike<number>, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const w = c[i];
    const end = (i + 1) * n;
    if (ctx.wide) {
      const q1 = Math.floor(q * INV_TWO_26);
      const q0 = q - q1 * TWO_26;
      const qInv = 1 / q;
      for (let j = i * n; j < end; j++) out[j] = mulModWideFast(a[j], w, q, qInv, q1, q0);
    } else {
      // Shoup-style: w/q precomputed; the float quotient is exact or one too small/large.
      const wq = w / q;
      for (let j = i * n; j < end; j++) {
        const x = a[j];
        let r = (Math.imul(x, w) - Math.imul(Math.floor(x * wq), q)) | 0;
        r += (r >> 31) & q;
        r -= q;
        out[j] = r + ((r >> 31) & q);
      }
    }
  }
  return out;
}

/** In-place forward NTT of each of the first k residue vectors. Spec: §4.2 */
export function polyNttForward(ctx: BfvContext, a: RnsPoly, k: number): RnsPoly {
  for (let i = 0; i < k; i++) nttForwardAt(ctx, a.subarray(i * ctx.n, (i + 1) * ctx.n), i);
  return a;
}

/** In-place inverse NTT of each of the first k residue vectors. Spec: §4.2 */
export function polyNttInverse(ctx: BfvContext, a: RnsPoly, k: number): RnsPoly {
  for (let i = 0; i < k; i++) nttInverseAt(ctx, a.subarray(i * ctx.n, (i + 1) * ctx.n), i);
  return a;
}

/** In-place forward NTT of one residue vector (n values in [0, q_i)) modulo prime number i. Spec: §4.2 */
export function nttForwardAt(ctx: BfvContext, v: RnsPoly, i: number): void {
  if (ctx.wide) forwardNttWide(v as Float64Array, ctx.nttTables[i] as WideNttTables);
  else forwardNtt(v as Uint32Array, ctx.nttTables[i] as NttTables);
}

/** In-place inverse NTT of one residue vector modulo prime number i. Spec: §4.2 */
export function nttInverseAt(ctx: BfvContext, v: RnsPoly, i: number): void {
  if (ctx.wide) inverseNttWide(v as Float64Array, ctx.nttTables[i] as WideNttTables);
  else inverseNtt(v as Uint32Array, ctx.nttTables[i] as NttTables);
}

/**
 * Writes a polynomial with small signed integer coefficients (|v| < 2^52) into the first k primes of
 * `out`: out[i·n + j] = v_j mod q_i. Spec: §4.2
 */
export function polySetSigned(
  ctx: BfvContext,
  values: Int8Array | Int32Array | Float64Array,
  out: RnsPoly,
  k: number,
): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const off = i * n;
    if (values instanceof Int8Array && q > 128) {
      // Ternary and error coefficients: |v| ≤ 127 < q. Branchless: the signs are random, so a
      // branch would be mispredicted half of the time.
      if (ctx.wide) for (let j = 0; j < n; j++) out[off + j] = values[j] + q * +(values[j] < 0);
      else for (let j = 0; j < n; j++) out[off + j] = values[j] + (q & (values[j] >> 31));
      continue;
    }
    for (let j = 0; j < n; j++) {
      const v = values[j];
      // Small values (the usual case: errors, ternary) need no division.
      if (v >= 0 && v < q) out[off + j] = v;
      else if (v < 0 && v >= -q) out[off + j] = v + q;
      else {
        const r = v % q;
        out[off + j] = r < 0 ? r + q : r + 0;
      }
    }
  }
  return out;
}

/**
 * out ← out + v (mod q_i) over the first k primes for small signed coefficients (|v| ≤ 127): the
 * same as adding {@link polySetSigned}(v), without the intermediate polynomial. Spec: §4.2
 */
export function polyAddSigned(ctx: BfvContext, values: Int8Array, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const off = i * n;
    if (ctx.wide) {
      for (let j = 0; j < n; j++) {
        const s = out[off + j] + values[j];
        out[off + j] = s + q * (+(s < 0) - +(s >= q));
      }
    } else {
      for (let j = 0; j < n; j++) {
        let s = (out[off + j] + values[j]) | 0;
        s += q & (s >> 31);
        s -= q;
        out[off + j] = s + (q & (s >> 31));
      }
    }
  }
  return out;
}

/** A copy of the first k primes of a polynomial. Spec: §4.2 */
export function polyCopy(ctx: BfvContext, a: RnsPoly, k: number): RnsPoly {
  return a.slice(0, k * ctx.n);
}
