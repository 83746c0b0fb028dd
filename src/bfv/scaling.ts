/**
 * The three rescaling steps of BFV in RNS form, exact and without BigInt:
 * dividing by the last prime with rounding (modulus switching, and the end of key switching),
 * adding Δ·m = round(Q·m/t), and decryption's scale-and-round m = round(t·x/Q) mod t.
 *
 * Spec: §4.4, §4.5
 * @module
 */
import type { BfvContext, BfvLevel, RnsPoly } from './context.js';
import { shoupPrecompute } from '../math/modular.js';
import { floorMulDiv, mulLow52, mulModWideFast } from '../math/wide.js';

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;
const TWO_52 = 2 ** 52;
const INV_TWO_52 = 2 ** -52;

/** x mod q for an integer 0 ≤ x < 2^52 (float quotient, then one correction). */
function reduce(x: number, q: number, qInv: number): number {
  const r = x - Math.floor(x * qInv) * q;
  return r < 0 ? r + q : r >= q ? r - q : r;
}

/**
 * out_i = q_last^{−1}·(x_i − [x_last]_c) mod q_i for i < k, where [x_last]_c is the residue of x
 * modulo q_last in (−q_last/2, q_last/2] computed as ((x_last + ⌊q_last/2⌋) mod q_last) − ⌊q_last/2⌋:
 * this is round(x / q_last) (SEAL's `divide_and_round_q_last_inplace`). `main` holds the residues
 * modulo q_0 … q_{k−1} (coefficient form), `last` the n residues modulo q_last,
 * `invLast[i]` = q_last^{−1} mod q_i. `out` may alias `main`. Spec: §4.4
 */
export function divideAndRoundLast(
  ctx: BfvContext,
  main: RnsPoly,
  last: ArrayLike<number>,
  qLast: number,
  invLast: ArrayLike<number>,
  out: RnsPoly,
  k: number,
): RnsPoly {
  const n = ctx.n;
  const half = Math.floor(qLast / 2);
  // Integers on the narrow path (all below 2^30), doubles on the wide one.
  const shifted = ctx.wide ? new Float64Array(n) : new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const s = last[j] + half;
    shifted[j] = s >= qLast ? s - qLast : s;
  }
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const qInv = 1 / q;
    const halfMod = half % q;
    const w = invLast[i];
    const off = i * n;
    if (ctx.wide) {
      const q1 = Math.floor(q * INV_TWO_26);
      const q0 = q - q1 * TWO_26;
      for (let j = 0; j < n; j++) {
        // x_i − (shifted mod q_i) + (half mod q_i) ∈ (−q, 2q)
        let d = main[off + j] - reduce(shifted[j], q, qInv) + halfMod;
        if (d < 0) d += q;
        else if (d >= q) d -= q;
        out[off + j] = mulModWideFast(d, w, q, qInv, q1, q0);
      }
    } else {
      // d = x_i − sm + (half mod q_i) + q ∈ (0, 3q) ⊂ [0, 2^32): Shoup's product (§3.1) takes it unreduced.
      const ws = shoupPrecompute(w, q);
      const qLastSmall = qLast <= q;
      const qLastNear = qLast <= 2 * q; // one conditional subtraction reduces [0, q_last) into [0, q)
      for (let j = 0; j < n; j++) {
        const sh = shifted[j] | 0;
        let sm = sh;
        if (!qLastSmall) {
          if (qLastNear) {
            sm = (sh - q) | 0;
            sm += (sm >> 31) & q;
          } else sm = reduce(sh, q, qInv);
        }
        const d = (main[off + j] - sm + halfMod + q) >>> 0;
        const r = (Math.imul(d, w) - Math.imul((d * ws) | 0, q) - q) | 0;
        out[off + j] = r + ((r >> 31) & q);
      }
    }
  }
  return out;
}

/**
 * c0 ← c0 ± Δ·m over the level's primes, with Δ·m = round(Q·m/t) computed per coefficient as
 * ⌊Q/t⌋·m + ⌊((Q mod t)·m + ⌊(t+1)/2⌋)/t⌋ (SEAL's `multiply_add_plain_with_scaling_variant`).
 * `plain` holds coefficients in [0, t). Spec: §4.4
 */
export function addScaledPlain(ctx: BfvContext, c0: RnsPoly, plain: Float64Array, level: BfvLevel, subtract = false): void {
  const n = ctx.n;
  const t = ctx.t;
  const halfUp = Math.floor((t + 1) / 2);
  const count = Math.min(plain.length, n);
  const qModT = level.qModT;
  const fix = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    const m = plain[j];
    if (m === 0) continue;
    // ⌊(qModT·m + halfUp)/t⌋ = ⌊qModT·m/t⌋ + [r + halfUp ≥ t] with r the remainder (r + halfUp < 2t).
    // The float quotient is off by at most one; the remainder is exact modulo 2^52 and small.
    let quot = Math.floor((qModT * m) / t);
    let rem = mulLow52(qModT, m) - mulLow52(quot, t);
    rem -= Math.round(rem * INV_TWO_52) * TWO_52;
    while (rem < 0) {
      quot -= 1;
      rem += t;
    }
    while (rem >= t) {
      quot += 1;
      rem -= t;
    }
    fix[j] = quot + (rem + halfUp >= t ? 1 : 0);
  }
  for (let i = 0; i < level.k; i++) {
    const q = ctx.primes[i];
    const qInv = 1 / q;
    const delta = level.deltaMod[i];
    const off = i * n;
    const q1 = Math.floor(q * INV_TWO_26);
    const q0 = q - q1 * TWO_26;
    const dq = delta / q;
    const sign = subtract ? -1 : 1;
    for (let j = 0; j < count; j++) {
      const m = plain[j];
      if (m === 0) continue;
      const mq = m < q ? m : reduce(m, q, qInv);
      const f = fix[j];
      const fq = f < q ? f : reduce(f, q, qInv);
      let v: number;
      if (ctx.wide) v = mulModWideFast(mq, delta, q, qInv, q1, q0);
      else {
        let r = (Math.imul(mq, delta) - Math.imul(Math.floor(mq * dq), q)) | 0;
        r += (r >> 31) & q;
        r -= q;
        v = r + ((r >> 31) & q);
      }
      v += fq;
      if (v >= q) v -= q;
      let x = c0[off + j] + sign * v;
      if (x < 0) x += q;
      else if (x >= q) x -= q;
      c0[off + j] = x;
    }
  }
}

/**
 * Decryption's scale-and-round: for x given by its residues modulo the level's primes (coefficient
 * form), returns m_j = round(t·x_j/Q) mod t for every coefficient. With y_i = x_i·(Q/q_i)^{−1} mod q_i,
 * t·x/Q ≡ Σ_i t·y_i/q_i (mod t); each term splits exactly as a_i + b_i/q_i with a_i = ⌊t·y_i/q_i⌋ < t
 * and b_i = t·y_i mod q_i, so m = (Σ a_i + round(Σ b_i/q_i)) mod t. The integer parts are exact; the
 * fractional sum is a double, whose error (≈ k·2^−52) can only matter when t·x/Q lies within that
 * distance of a half-integer, i.e. when the noise is at the decryption bound. Spec: §4.5
 */
export function scaleAndRound(ctx: BfvContext, x: RnsPoly, level: BfvLevel): Float64Array {
  const n = ctx.n;
  const t = ctx.t;
  const k = level.k;
  const intPart = new Float64Array(n);
  const fracPart = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const inv = level.invPunctured[i];
    const tq = level.tMod[i];
    const qInv = 1 / q;
    const off = i * n;
    if (ctx.wide) {
      const q1 = Math.floor(q * INV_TWO_26);
      const q0 = q - q1 * TWO_26;
      for (let j = 0; j < n; j++) {
        const y = mulModWideFast(x[off + j], inv, q, qInv, q1, q0);
        const b = mulModWideFast(y, tq, q, qInv, q1, q0);
        const a = floorMulDiv(t, y, q);
        const s = intPart[j] + a;
        intPart[j] = s >= t ? s - t : s;
        fracPart[j] += b * qInv;
      }
    } else {
      // t/q = I + tq/q with I = ⌊t/q⌋ < 2^21 (q ≥ 2^29 is not required: y·I < q·t/q ≤ t < 2^50).
      const I = Math.floor(t / q);
      const invq = inv / q;
      for (let j = 0; j < n; j++) {
        const xj = x[off + j];
        let y = (Math.imul(xj, inv) - Math.imul(Math.floor(xj * invq), q)) | 0;
        y += (y >> 31) & q;
        y -= q;
        y += (y >> 31) & q;
        // y·tq = c·q + b exactly: float quotient, remainder in int32, then fix both.
        let c = Math.floor(y * tq * qInv);
        let b = (Math.imul(y, tq) - Math.imul(c, q)) | 0;
        if (b < 0) {
          b += q;
          c -= 1;
        } else if (b >= q) {
          b -= q;
          c += 1;
        }
        const s = intPart[j] + y * I + c;
        intPart[j] = s >= t ? s - t : s;
        fracPart[j] += b * qInv;
      }
    }
  }
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let v = intPart[j] + Math.round(fracPart[j]);
    while (v >= t) v -= t;
    out[j] = v;
  }
  return out;
}
