/**
 * Ciphertext × ciphertext multiplication: d_m = Σ_{i+j=m} a_i·b_j over the integers (from the
 * centered lifts of the inputs), then round(t·d_m/Q) mod Q. Two implementations:
 *
 * - {@link bfvMultiply}, the RNS algorithm of Halevi–Polyakov–Shoup (HPS, CT-RSA 2019): extend the
 *   inputs from base Q to an auxiliary base P by exact float-corrected base conversion, tensor in the
 *   NTT domain over Q ∪ P, scale-and-round from Q ∪ P straight into P, convert back to Q;
 * - {@link bfvMultiplyReference}, the same formula computed with BigInt CRT (slow, readable, exact),
 *   against which the fast path is tested.
 *
 * SEAL uses BEHZ instead of HPS; both compute round(t·d/Q) up to an error of ±1 in rare
 * coefficients, so results decrypt identically but are not byte-identical to SEAL's.
 *
 * Spec: §4.7
 * @module
 */
import { mulModWideFast } from '../math/wide.js';
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { forwardNtt, generateNttPrimes, inverseNtt, invMod, NttTables, WideNttTables } from '../math/index.js';
import { forwardNttWide, inverseNttWide } from '../math/ntt-wide.js';
import type { BfvContext, BfvLevel, RnsPoly } from './context.js';
import { mulModAny, polyMulAccNtt, polyNttForward, polyNttInverse } from './poly.js';
import { checkCiphertext, type Ciphertext } from './types.js';

function checkOperands(ctx: BfvContext, a: Ciphertext, b: Ciphertext): BfvLevel {
  checkCiphertext(ctx, a, 'first operand');
  checkCiphertext(ctx, b, 'second operand');
  if (a.coeffModulusSize !== b.coeffModulusSize) {
    throw new SizeMismatchError(`operands are at different levels (${a.coeffModulusSize} vs ${b.coeffModulusSize} primes)`);
  }
  if (a.isNttForm || b.isNttForm) throw new InvalidArgumentError('ciphertext multiplication needs coefficient-form operands');
  if (a.polys.length + b.polys.length - 1 > 16) throw new InvalidArgumentError('product would exceed SEAL\'s ciphertext size limit 16');
  return ctx.level(a.coeffModulusSize);
}

function bitLength(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/** Auxiliary NTT primes of `bits` bits for degree n, avoiding `exclude`. */
function auxPrimes(n: number, bits: number, count: number, exclude: readonly number[]): number[] {
  const out = generateNttPrimes(bits, n, count + exclude.length).filter((p) => !exclude.includes(p));
  return out.slice(0, count);
}

/** Residue vectors of one base (one n-vector per prime), in the context's number representation. */
type Residues = (Uint32Array | Float64Array)[];

interface HpsTables {
  readonly P: readonly number[];
  readonly pNtt: readonly (NttTables | WideNttTables)[];
  /** Q → P lift: (Q/q_i) mod p_j, Q mod p_j. */
  readonly qPunctModP: readonly Float64Array[];
  readonly qModP: Float64Array;
  /** QP → P scaling: (M/q_i)^{−1} mod q_i, (M/p_j)^{−1} mod p_j, ⌊tP/q_i⌋ mod p_j, frac(tP/q_i), t·(P/p_j)·(M/p_j)^{−1} mod p_j. */
  readonly invMq: Float64Array;
  readonly invMp: Float64Array;
  readonly omegaModP: readonly Float64Array[];
  readonly theta: Float64Array;
  readonly ownTerm: Float64Array;
  /** P → Q lift: (P/p_j)^{−1} mod p_j, (P/p_j) mod q_i, P mod q_i. */
  readonly invPunctP: Float64Array;
  readonly pPunctModQ: readonly Float64Array[];
  readonly pModQ: Float64Array;
}

const hpsCache = new WeakMap<BfvContext, Map<number, HpsTables>>();

/**
 * The auxiliary base P and the constants of the HPS steps for a level. P is the product of
 * m NTT primes (30-bit on the narrow path, 49-bit on the wide path) not in the context, with
 * log2 P ≥ log2 Q + log2 t + log2 n + 4 so that both the tensor (|d| ≤ n·Q²/2 < QP/2) and the
 * scaled result (|t·d/Q| ≤ t·n·Q/2 < P/4) have unique centered representatives. Spec: §4.7
 */
export function hpsTables(ctx: BfvContext, level: BfvLevel): HpsTables {
  let byLevel = hpsCache.get(ctx);
  if (!byLevel) hpsCache.set(ctx, (byLevel = new Map()));
  const cached = byLevel.get(level.k);
  if (cached) return cached;
  const n = ctx.n;
  const t = ctx.t;
  const bits = ctx.wide ? 49 : 30;
  const need = level.bits + Math.ceil(Math.log2(t)) + ctx.logn + 4;
  const m = Math.ceil(need / (bits - 1));
  const P = auxPrimes(n, bits, m, ctx.primes);
  const Pbig = P.map(BigInt);
  const PP = Pbig.reduce((x, y) => x * y, 1n);
  const Q = level.Q;
  const M = Q * PP;
  const qs = level.primes;
  const qBig = qs.map(BigInt);
  const tP = BigInt(t) * PP;
  const mod = (x: bigint, p: bigint): number => Number(((x % p) + p) % p);
  const tables: HpsTables = {
    P,
    pNtt: P.map((p) => (ctx.wide ? new WideNttTables(n, p) : new NttTables(n, p))),
    qPunctModP: qs.map((_, i) => Float64Array.from(Pbig, (p) => mod(Q / qBig[i], p))),
    qModP: Float64Array.from(Pbig, (p) => mod(Q, p)),
    invMq: Float64Array.from(qs, (q, i) => invMod(mod(M / qBig[i], qBig[i]), q)),
    invMp: Float64Array.from(P, (p, j) => invMod(mod(M / Pbig[j], Pbig[j]), p)),
    omegaModP: qs.map((_, i) => Float64Array.from(Pbig, (p) => mod(tP / qBig[i], p))),
    theta: Float64Array.from(qs, (q, i) => Number(tP % qBig[i]) / q),
    ownTerm: Float64Array.from(P, (p, j) => mod(BigInt(t) * (PP / Pbig[j]) * BigInt(invMod(mod(M / Pbig[j], Pbig[j]), p)), Pbig[j])),
    invPunctP: Float64Array.from(P, (p, j) => invMod(mod(PP / Pbig[j], Pbig[j]), p)),
    pPunctModQ: P.map((_, j) => Float64Array.from(qBig, (q) => mod(PP / Pbig[j], q))),
    pModQ: Float64Array.from(qBig, (q) => mod(PP, q)),
  };
  byLevel.set(level.k, tables);
  return tables;
}

function alloc(ctx: BfvContext, n: number): Uint32Array | Float64Array {
  return ctx.wide ? new Float64Array(n) : new Uint32Array(n);
}

function nttFwd(v: Uint32Array | Float64Array, t: NttTables | WideNttTables): void {
  if (t instanceof NttTables) forwardNtt(v as Uint32Array, t);
  else forwardNttWide(v as Float64Array, t);
}

function nttInv(v: Uint32Array | Float64Array, t: NttTables | WideNttTables): void {
  if (t instanceof NttTables) inverseNtt(v as Uint32Array, t);
  else inverseNttWide(v as Float64Array, t);
}

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;

/**
 * acc[c] = (acc[c] + x[c]·w) mod p for c < n, where w ∈ [0, p) and x[c] is any integer below 2^30
 * (narrow) or 2^50 (wide) — x need not be reduced modulo p.
 */
function mulScalarAcc(wide: boolean, acc: Float64Array, x: Float64Array, w: number, p: number): void {
  const n = acc.length;
  const wp = w / p;
  if (wide) {
    const p1 = Math.floor(p * INV_TWO_26);
    const p0 = p - p1 * TWO_26;
    const pInv = 1 / p;
    for (let c = 0; c < n; c++) {
      const s = acc[c] + mulModWideFast(x[c], w, p, pInv, p1, p0);
      acc[c] = s >= p ? s - p : s;
    }
  } else {
    for (let c = 0; c < n; c++) {
      const xc = x[c];
      let r = (Math.imul(xc, w) - Math.imul(Math.floor(xc * wp), p)) | 0;
      r += (r >> 31) & p;
      r -= p;
      r += (r >> 31) & p;
      const s = acc[c] + r;
      acc[c] = s >= p ? s - p : s;
    }
  }
}

/** y[c] = x[off + c]·w mod q for c < n (x[off + c] ∈ [0, q)). */
function mulScalarInto(wide: boolean, y: Float64Array, x: RnsPoly | Float64Array, off: number, w: number, q: number): void {
  const n = y.length;
  if (wide) {
    const q1 = Math.floor(q * INV_TWO_26);
    const q0 = q - q1 * TWO_26;
    const qInv = 1 / q;
    for (let c = 0; c < n; c++) y[c] = mulModWideFast(x[off + c], w, q, qInv, q1, q0);
  } else {
    const wq = w / q;
    for (let c = 0; c < n; c++) {
      const xc = x[off + c];
      let r = (Math.imul(xc, w) - Math.imul(Math.floor(xc * wq), q)) | 0;
      r += (r >> 31) & q;
      r -= q;
      y[c] = r + ((r >> 31) & q);
    }
  }
}

/** acc[c] = (acc[c] + a[c]·b[c]) mod p (a, b reduced). */
function mulAcc(wide: boolean, acc: Float64Array, a: Float64Array, b: Float64Array, p: number): void {
  const n = acc.length;
  const pInv = 1 / p;
  if (wide) {
    const p1 = Math.floor(p * INV_TWO_26);
    const p0 = p - p1 * TWO_26;
    for (let c = 0; c < n; c++) {
      const s = acc[c] + mulModWideFast(a[c], b[c], p, pInv, p1, p0);
      acc[c] = s >= p ? s - p : s;
    }
  } else {
    for (let c = 0; c < n; c++) {
      const x = a[c];
      const y = b[c];
      let r = (Math.imul(x, y) - Math.imul(Math.floor(x * y * pInv), p)) | 0;
      r += (r >> 31) & p;
      r -= p;
      r += (r >> 31) & p;
      const s = acc[c] + r;
      acc[c] = s >= p ? s - p : s;
    }
  }
}

/**
 * Fast base conversion of centered values from a source base {s_0 …} to target primes: with
 * y_i = x_i·(S/s_i)^{−1} mod s_i and v = round(Σ y_i/s_i), the centered x = Σ y_i·(S/s_i) − v·S, so
 * x mod r = Σ y_i·[(S/s_i) mod r] − v·[S mod r]. The float sum is exact enough that v is right
 * unless x lies within ~2^−45·S of ±S/2. `punctMod[i][j]` = (S/s_i) mod r_j, `sMod[j]` = S mod r_j.
 */
function convertBase(
  wide: boolean,
  n: number,
  src: readonly number[],
  srcInvPunct: ArrayLike<number>,
  read: (i: number) => { data: RnsPoly | Float64Array; off: number },
  dst: readonly number[],
  punctMod: readonly Float64Array[],
  sMod: ArrayLike<number>,
): Float64Array[] {
  const y = src.map(() => new Float64Array(n));
  const frac = new Float64Array(n);
  src.forEach((s, i) => {
    const { data, off } = read(i);
    mulScalarInto(wide, y[i], data, off, srcInvPunct[i], s);
    const inv = 1 / s;
    for (let c = 0; c < n; c++) frac[c] += y[i][c] * inv;
  });
  return dst.map((r, j) => {
    const acc = new Float64Array(n);
    for (let i = 0; i < src.length; i++) mulScalarAcc(wide, acc, y[i], punctMod[i][j], r);
    // v ∈ [0, |src|]: look up v·(S mod r) mod r.
    const vMod = Float64Array.from({ length: src.length + 1 }, (_, v) => mulModAny(v, sMod[j], r));
    for (let c = 0; c < n; c++) {
      const d = acc[c] - vMod[Math.round(frac[c])];
      acc[c] = d < 0 ? d + r : d;
    }
    return acc;
  });
}

function toFloat(v: Uint32Array | Float64Array): Float64Array {
  return v instanceof Float64Array ? v : Float64Array.from(v);
}

function fromFloat(ctx: BfvContext, v: Float64Array): Uint32Array | Float64Array {
  return ctx.wide ? v : Uint32Array.from(v);
}

/** Exact base extension Q → P of centered values (see {@link convertBase}). Spec: §4.7 */
function extendQtoP(ctx: BfvContext, level: BfvLevel, h: HpsTables, x: RnsPoly): Residues {
  const n = ctx.n;
  return convertBase(ctx.wide, n, level.primes, level.invPunctured, (i) => ({ data: x, off: i * n }), h.P, h.qPunctModP, h.qModP).map(
    (v) => fromFloat(ctx, v),
  );
}

/**
 * HPS scaling: for x given modulo Q ∪ P (|x| < QP/2), returns round(t·x/Q) modulo each p_j as
 * Σ_i y_i·⌊tP/q_i⌋ + round(Σ_i y_i·frac(tP/q_i)) + y_j·t·(P/p_j), where y_s = x_s·(QP/m_s)^{−1} mod m_s.
 * The double-precision fractional sum may round the wrong way in rare coefficients (an error of ±1,
 * i.e. one unit of noise). Spec: §4.7
 */
function scaleToP(ctx: BfvContext, level: BfvLevel, h: HpsTables, xq: RnsPoly, xp: Residues): Float64Array[] {
  const n = ctx.n;
  const k = level.k;
  const wide = ctx.wide;
  const y = level.primes.map(() => new Float64Array(n));
  const frac = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    mulScalarInto(wide, y[i], xq, i * n, h.invMq[i], level.primes[i]);
    const th = h.theta[i];
    for (let c = 0; c < n; c++) frac[c] += y[i][c] * th;
  }
  return h.P.map((p, j) => {
    const acc = new Float64Array(n);
    for (let c = 0; c < n; c++) acc[c] = Math.round(frac[c]) % p;
    for (let i = 0; i < k; i++) mulScalarAcc(wide, acc, y[i], h.omegaModP[i][j], p);
    mulScalarAcc(wide, acc, toFloat(xp[j]), h.ownTerm[j], p);
    return acc;
  });
}

/** Exact base extension P → Q of centered values (|x| < P/2). */
function extendPtoQ(ctx: BfvContext, level: BfvLevel, h: HpsTables, x: Float64Array[]): RnsPoly {
  const n = ctx.n;
  const res = convertBase(ctx.wide, n, h.P, h.invPunctP, (j) => ({ data: x[j], off: 0 }), level.primes, h.pPunctModQ, h.pModQ);
  const out = ctx.allocPoly(level.k);
  res.forEach((v, i) => out.set(v, i * n));
  return out;
}

/**
 * Ciphertext multiplication (HPS RNS variant): for inputs of sizes s_a, s_b at level k, returns the
 * size-(s_a + s_b − 1) ciphertext round(t/Q · a ⊗ b) mod Q (relinearize to get back to size 2).
 * Decrypts to m_a·m_b (slot-wise with batching). Spec: §4.7
 */
export function bfvMultiply(ctx: BfvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  const level = checkOperands(ctx, a, b);
  const h = hpsTables(ctx, level);
  const k = level.k;
  const n = ctx.n;
  const m = h.P.length;
  // 1. Extend to P and transform to NTT over Q ∪ P.
  const lift = (poly: RnsPoly): { q: RnsPoly; p: Float64Array[] } => {
    const p = extendQtoP(ctx, level, h, poly);
    p.forEach((v, j) => nttFwd(v, h.pNtt[j]));
    return { q: polyNttForward(ctx, poly.slice(0, k * n), k), p: p.map(toFloat) };
  };
  const A = a.polys.map(lift);
  const B = b.polys.map(lift);
  const size = a.polys.length + b.polys.length - 1;
  const out: RnsPoly[] = [];
  for (let d = 0; d < size; d++) {
    // 2. Tensor: Σ_{i+j=d} A_i ∘ B_j over every prime.
    const dq = ctx.allocPoly(k);
    const dp = h.P.map(() => new Float64Array(n));
    for (let i = 0; i < A.length; i++) {
      const j = d - i;
      if (j < 0 || j >= B.length) continue;
      polyMulAccNtt(ctx, dq, A[i].q, B[j].q, k);
      for (let r = 0; r < m; r++) mulAcc(ctx.wide, dp[r], A[i].p[r], B[j].p[r], h.P[r]);
    }
    polyNttInverse(ctx, dq, k);
    const dpn = dp.map((v, r) => {
      const w = fromFloat(ctx, v);
      nttInv(w, h.pNtt[r]);
      return w;
    });
    // 3. Scale and round into P; 4. back to Q.
    out.push(extendPtoQ(ctx, level, h, scaleToP(ctx, level, h, dq, dpn)));
  }
  return { coeffModulusSize: k, polys: out, isNttForm: false };
}

/**
 * Reference ciphertext multiplication with BigInt: centered lifts of all input coefficients, exact
 * integer negacyclic products (computed modulo enough auxiliary NTT primes that the result is
 * determined), then round(t·d/Q) mod Q per coefficient (ties rounded up). Slow; for tests and as
 * executable documentation. Spec: §4.7
 */
export function bfvMultiplyReference(ctx: BfvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  const level = checkOperands(ctx, a, b);
  const n = ctx.n;
  const Q = level.Q;
  const t = BigInt(ctx.t);
  const centered = (poly: RnsPoly): bigint[] => level.rns.composePoly(
    level.primes.map((_, i) => poly.subarray(i * n, (i + 1) * n)),
    true,
  );
  const A = a.polys.map(centered);
  const B = b.polys.map(centered);
  const bound = BigInt(n) * (Q / 2n + 1n) ** 2n * BigInt(Math.min(A.length, B.length));
  const count = Math.ceil((bitLength(bound) + 2) / 29);
  const primes = auxPrimes(n, 30, count, []);
  const tables = primes.map((p) => new NttTables(n, p));
  const bigPrimes = primes.map(BigInt);
  const R = bigPrimes.reduce((x, y) => x * y, 1n);
  const crt = bigPrimes.map((p, r) => (R / p) * BigInt(invMod(Number((R / p) % p), primes[r])));
  const toNtt = (coeffs: bigint[]): Uint32Array[] =>
    bigPrimes.map((p, r) => {
      const v = Uint32Array.from(coeffs, (x) => Number(((x % p) + p) % p));
      forwardNtt(v, tables[r]);
      return v;
    });
  const An = A.map(toNtt);
  const Bn = B.map(toNtt);
  const out: RnsPoly[] = [];
  for (let d = 0; d < A.length + B.length - 1; d++) {
    const acc = primes.map(() => new Uint32Array(n));
    for (let i = 0; i < A.length; i++) {
      const j = d - i;
      if (j < 0 || j >= B.length) continue;
      for (let r = 0; r < primes.length; r++) {
        for (let c = 0; c < n; c++) {
          acc[r][c] = (acc[r][c] + mulModAny(An[i][r][c], Bn[j][r][c], primes[r])) % primes[r];
        }
      }
    }
    acc.forEach((v, r) => inverseNtt(v, tables[r]));
    const poly = ctx.allocPoly(level.k);
    for (let c = 0; c < n; c++) {
      // CRT over R, centered: the exact integer coefficient of the tensor.
      let x = 0n;
      for (let r = 0; r < primes.length; r++) x += BigInt(acc[r][c]) * crt[r];
      x %= R;
      if (2n * x > R) x -= R;
      // round(t·x/Q), ties up, then reduce mod Q.
      const num = t * x;
      let rounded = num >= 0n ? (2n * num + Q) / (2n * Q) : -((-2n * num + Q - 1n) / (2n * Q));
      rounded %= Q;
      if (rounded < 0n) rounded += Q;
      for (let i = 0; i < level.k; i++) poly[i * n + c] = Number(rounded % level.rns.moduliBig[i]);
    }
    out.push(poly);
  }
  return { coeffModulusSize: level.k, polys: out, isNttForm: false };
}
