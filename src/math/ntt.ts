/**
 * Negacyclic number-theoretic transform over Z_q[X]/(X^n + 1) for primes q < 2^30 with
 * q ≡ 1 (mod 2n), on `Uint32Array` coefficient vectors — SEAL's conventions:
 *
 * - ψ is the minimal primitive 2n-th root of unity mod q ({@link minimalPrimitiveRoot});
 * - `rootPowers[bitReverse(i, log n)] = ψ^i` and `invRootPowers[bitReverse(i, log n)] = ψ^{−i}`;
 * - {@link forwardNtt} takes natural-order coefficients and returns the evaluations
 *   â_k = a(ψ^{2·brv(k)+1}) in bit-reversed order (Cooley–Tukey butterflies);
 * - {@link inverseNtt} takes bit-reversed evaluations and returns natural-order coefficients,
 *   including the n^{−1} scaling (Gentleman–Sande butterflies).
 *
 * Multiplication by twiddles uses the Shoup-style companion of {@link shoupPrecompute}; butterflies
 * are Harvey's lazy ones (values kept in [0, 2q) between layers, so that 2q < 2^31 keeps every
 * intermediate in int32: this is why q < 2^30). Inputs must be in [0, q) (the transforms also
 * accept [0, 2q)); outputs are in [0, q).
 *
 * Spec: §3.4
 * @module
 */
import { InvalidParametersError, SizeMismatchError } from '../errors.js';
import { bitReverse, log2Exact } from './bits.js';
import { assertModulus30, invMod, mulMod, shoupPrecompute } from './modular.js';
import { isPrime, minimalPrimitiveRoot } from './primes.js';

export { bitReverse, log2Exact } from './bits.js';

/** Largest supported transform size. */
export const MAX_NTT_SIZE = 2 ** 17;

/**
 * Precomputed twiddle tables for the negacyclic NTT of size n modulo q. Spec: §3.4
 */
export class NttTables {
  /** Transform size (a power of two, 2 ≤ n ≤ 2^17). */
  readonly n: number;
  /** log2(n). */
  readonly logn: number;
  /** The prime modulus, q < 2^30, q ≡ 1 (mod 2n). */
  readonly q: number;
  /** Minimal primitive 2n-th root of unity mod q. */
  readonly psi: number;
  /** ψ^{−1} mod q. */
  readonly psiInv: number;
  /** n^{−1} mod q. */
  readonly nInv: number;
  /** rootPowers[bitReverse(i, logn)] = ψ^i mod q. */
  readonly rootPowers: Uint32Array;
  /** Shoup companions of {@link rootPowers} ({@link shoupPrecompute}). */
  readonly rootPowersShoup: Float64Array;
  /** invRootPowers[bitReverse(i, logn)] = ψ^{−i} mod q. */
  readonly invRootPowers: Uint32Array;
  /** Shoup companions of {@link invRootPowers}. */
  readonly invRootPowersShoup: Float64Array;

  /**
   * @param n transform size, a power of two in [2, 2^17]
   * @param q a prime < 2^30 with q ≡ 1 (mod 2n); otherwise {@link InvalidParametersError}
   */
  constructor(n: number, q: number) {
    const roots = negacyclicRoots(n, q, assertModulus30, mulMod);
    this.n = n;
    this.logn = roots.logn;
    this.q = q;
    this.psi = roots.psi;
    this.psiInv = roots.psiInv;
    this.nInv = roots.nInv;
    this.rootPowers = Uint32Array.from(roots.powers);
    this.rootPowersShoup = roots.powers.map((w) => shoupPrecompute(w, q));
    this.invRootPowers = Uint32Array.from(roots.invPowers);
    this.invRootPowersShoup = roots.invPowers.map((w) => shoupPrecompute(w, q));
  }
}

/** What both NTT table classes ({@link NttTables}, `WideNttTables`) derive from n and q. Spec: §3.4 */
export interface NegacyclicRoots {
  readonly logn: number;
  /** The minimal primitive 2n-th root of unity ψ, ψ^{−1} and n^{−1} mod q. */
  readonly psi: number;
  readonly psiInv: number;
  readonly nInv: number;
  /** powers[bitReverse(i, logn)] = ψ^i mod q. */
  readonly powers: Float64Array;
  /** invPowers[bitReverse(i, logn)] = ψ^{−i} mod q. */
  readonly invPowers: Float64Array;
}

/**
 * Checks n (a power of two in [2, 2^17]) and q (`checkModulus`'s range, prime, q ≡ 1 mod 2n) —
 * {@link InvalidParametersError} otherwise — and returns ψ, its inverse, n^{−1} and the twiddle
 * powers in bit-reversed order, multiplying with `mul` (exact for q's range). Spec: §3.4
 */
export function negacyclicRoots(n: number, q: number, checkModulus: (q: number, what: string) => void, mul: (a: number, b: number, q: number) => number): NegacyclicRoots {
  const logn = log2Exact(n, 'NTT size n');
  if (n < 2 || n > MAX_NTT_SIZE) throw new InvalidParametersError(`NTT size n must be in [2, 2^17], got ${n}`);
  checkModulus(q, 'NTT modulus q');
  if (!isPrime(q)) throw new InvalidParametersError(`NTT modulus q = ${q} is not prime`);
  if ((q - 1) % (2 * n) !== 0) {
    throw new InvalidParametersError(`NTT modulus q = ${q} is not ≡ 1 mod 2n = ${2 * n}`);
  }
  const psi = minimalPrimitiveRoot(2 * n, q);
  const psiInv = invMod(psi, q);
  const powers = new Float64Array(n);
  const invPowers = new Float64Array(n);
  let pw = 1;
  let ipw = 1;
  for (let i = 0; i < n; i++) {
    const r = bitReverse(i, logn);
    powers[r] = pw;
    invPowers[r] = ipw;
    pw = mul(pw, psi, q);
    ipw = mul(ipw, psiInv, q);
  }
  return { logn, psi, psiInv, nInv: invMod(n, q), powers, invPowers };
}

/** Same as `new NttTables(n, q)`. Spec: §3.4 */
export function createNttTables(n: number, q: number): NttTables {
  return new NttTables(n, q);
}

function checkLength(a: Uint32Array, t: NttTables, what: string): void {
  if (a.length !== t.n) throw new SizeMismatchError(`${what}: expected ${t.n} coefficients, got ${a.length}`);
}

/**
 * In-place forward negacyclic NTT: natural-order coefficients in [0, q) → bit-reversed
 * evaluations in [0, q). Cooley–Tukey butterflies with Harvey's lazy reduction. Spec: §3.4
 *
 * Implementation notes (measured on V8): three layers per pass (radix 8) while a layer would remain
 * after them, then two (radix 4), which cuts the loads and stores: n = 8192 takes five passes
 * (3 + 3 + 3 + 3 + 1 layers). Values are kept in [0, 4q) between layers (4q < 2^32; held as int32
 * modulo 2^32, read back with `>>> 0` where the real value matters), so a butterfly needs one
 * correction, of its x input to [0, 2q): s = x + y·w and d = x − y·w + 2q then stay in [0, 4q) (y·w lazily in [0, 2q) by
 * Shoup's method, which accepts any input below 2^32). Every correction is branchless
 * (`x = (x + ((x >> 31) & 2q)) | 0`): the branches are unpredictable and cost more than the
 * arithmetic. The `| 0` matters: without it V8 compiles the addition from the type feedback of the
 * first calls, and inputs with small coefficients (as in the benchmark) left code 5–8 % slower. The
 * last layer is fused with the final reduction to [0, q).
 *
 * One function of about 180 lines on purpose (the layout's 150-line rule has this exception), for
 * the reasons given at {@link inverseNtt}: each pass stays inline.
 */
export function forwardNtt(a: Uint32Array, t: NttTables): void {
  checkLength(a, t, 'forwardNtt');
  const n = t.n;
  const q = t.q;
  const twoQ = 2 * q;
  const w = t.rootPowers;
  const ws = t.rootPowersShoup;
  let m = 1;
  let gap = n >>> 1;
  // Three layers per pass: (m, gap), (2m, gap/2) and (4m, gap/4) on eight values at a time, while
  // a layer would remain after them. Inputs that are x of their next butterfly are corrected to
  // [0, 2q), the others go to the Shoup product as they are.
  for (; gap >= 8; m <<= 3, gap >>>= 3) {
    const h = gap >>> 2;
    for (let i = 0; i < m; i++) {
      const k2 = 2 * m + 2 * i;
      const k3 = 4 * m + 4 * i;
      const w1 = w[m + i] | 0;
      const w1s = ws[m + i];
      const w2 = w[k2] | 0;
      const w2s = ws[k2];
      const w3 = w[k2 + 1] | 0;
      const w3s = ws[k2 + 1];
      const w4 = w[k3] | 0;
      const w4s = ws[k3];
      const w5 = w[k3 + 1] | 0;
      const w5s = ws[k3 + 1];
      const w6 = w[k3 + 2] | 0;
      const w6s = ws[k3 + 2];
      const w7 = w[k3 + 3] | 0;
      const w7s = ws[k3 + 3];
      const base = 2 * i * gap;
      for (let j0 = base, end = base + h; j0 < end; j0++) {
        const j1 = j0 + h;
        const j2 = j1 + h;
        const j3 = j2 + h;
        const j4 = j3 + h;
        const j5 = j4 + h;
        const j6 = j5 + h;
        const j7 = j6 + h;
        let x0 = (a[j0] - twoQ) | 0;
        x0 = (x0 + ((x0 >> 31) & twoQ)) | 0;
        let x1 = (a[j1] - twoQ) | 0;
        x1 = (x1 + ((x1 >> 31) & twoQ)) | 0;
        let x2 = (a[j2] - twoQ) | 0;
        x2 = (x2 + ((x2 >> 31) & twoQ)) | 0;
        let x3 = (a[j3] - twoQ) | 0;
        x3 = (x3 + ((x3 >> 31) & twoQ)) | 0;
        const y4 = a[j4];
        const y5 = a[j5];
        const y6 = a[j6];
        const y7 = a[j7];
        // Layer 1: (x_k, y_{k+4}) with w1; outputs 0, 1, 4, 5 are x inputs of layer 2.
        const t4 = (Math.imul(y4, w1) - Math.imul((y4 * w1s) | 0, q)) | 0;
        const t5 = (Math.imul(y5, w1) - Math.imul((y5 * w1s) | 0, q)) | 0;
        const t6 = (Math.imul(y6, w1) - Math.imul((y6 * w1s) | 0, q)) | 0;
        const t7 = (Math.imul(y7, w1) - Math.imul((y7 * w1s) | 0, q)) | 0;
        let u0 = (x0 + t4 - twoQ) | 0;
        u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
        let u1 = (x1 + t5 - twoQ) | 0;
        u1 = (u1 + ((u1 >> 31) & twoQ)) | 0;
        const u2 = (x2 + t6) >>> 0;
        const u3 = (x3 + t7) >>> 0;
        let u4 = (x0 - t4) | 0;
        u4 = (u4 + ((u4 >> 31) & twoQ)) | 0;
        let u5 = (x1 - t5) | 0;
        u5 = (u5 + ((u5 >> 31) & twoQ)) | 0;
        const u6 = (x2 - t6 + twoQ) >>> 0;
        const u7 = (x3 - t7 + twoQ) >>> 0;
        // Layer 2: (u0, u2), (u1, u3) with w2; (u4, u6), (u5, u7) with w3; outputs 0, 2, 4, 6 are
        // x inputs of layer 3.
        const s2 = (Math.imul(u2, w2) - Math.imul((u2 * w2s) | 0, q)) | 0;
        const s3 = (Math.imul(u3, w2) - Math.imul((u3 * w2s) | 0, q)) | 0;
        const s6 = (Math.imul(u6, w3) - Math.imul((u6 * w3s) | 0, q)) | 0;
        const s7 = (Math.imul(u7, w3) - Math.imul((u7 * w3s) | 0, q)) | 0;
        let v0 = (u0 + s2 - twoQ) | 0;
        v0 = (v0 + ((v0 >> 31) & twoQ)) | 0;
        const v1 = (u1 + s3) >>> 0;
        let v2 = (u0 - s2) | 0;
        v2 = (v2 + ((v2 >> 31) & twoQ)) | 0;
        const v3 = (u1 - s3 + twoQ) >>> 0;
        let v4 = (u4 + s6 - twoQ) | 0;
        v4 = (v4 + ((v4 >> 31) & twoQ)) | 0;
        const v5 = (u5 + s7) >>> 0;
        let v6 = (u4 - s6) | 0;
        v6 = (v6 + ((v6 >> 31) & twoQ)) | 0;
        const v7 = (u5 - s7 + twoQ) >>> 0;
        // Layer 3: (v0, v1) with w4, (v2, v3) with w5, (v4, v5) with w6, (v6, v7) with w7.
        const r1 = (Math.imul(v1, w4) - Math.imul((v1 * w4s) | 0, q)) | 0;
        const r3 = (Math.imul(v3, w5) - Math.imul((v3 * w5s) | 0, q)) | 0;
        const r5 = (Math.imul(v5, w6) - Math.imul((v5 * w6s) | 0, q)) | 0;
        const r7 = (Math.imul(v7, w7) - Math.imul((v7 * w7s) | 0, q)) | 0;
        a[j0] = v0 + r1;
        a[j1] = v0 - r1 + twoQ;
        a[j2] = v2 + r3;
        a[j3] = v2 - r3 + twoQ;
        a[j4] = v4 + r5;
        a[j5] = v4 - r5 + twoQ;
        a[j6] = v6 + r7;
        a[j7] = v6 - r7 + twoQ;
      }
    }
  }
  // Two layers per pass: (m, gap) and (2m, gap/2) on four values at a time.
  for (; gap > 2; m <<= 2, gap >>>= 2) {
    const h = gap >>> 1;
    for (let i = 0; i < m; i++) {
      const w1 = w[m + i] | 0;
      const w1s = ws[m + i];
      const w2 = w[2 * m + 2 * i] | 0;
      const w2s = ws[2 * m + 2 * i];
      const w3 = w[2 * m + 2 * i + 1] | 0;
      const w3s = ws[2 * m + 2 * i + 1];
      const base = 2 * i * gap;
      for (let j0 = base, end = base + h; j0 < end; j0++) {
        const j1 = j0 + h;
        const j2 = j0 + gap;
        const j3 = j2 + h;
        let x0 = (a[j0] - twoQ) | 0;
        x0 = (x0 + ((x0 >> 31) & twoQ)) | 0;
        let x1 = (a[j1] - twoQ) | 0;
        x1 = (x1 + ((x1 >> 31) & twoQ)) | 0;
        const y0 = a[j2];
        const y1 = a[j3];
        // Layer 1: (x0, y0) and (x1, y1) with w1.
        const t0 = (Math.imul(y0, w1) - Math.imul((y0 * w1s) | 0, q)) | 0;
        const t1 = (Math.imul(y1, w1) - Math.imul((y1 * w1s) | 0, q)) | 0;
        let u0 = (x0 + t0 - twoQ) | 0; // u0 = x0 + t0 ∈ [0, 4q), corrected to [0, 2q)
        u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
        const u1 = (x1 + t1) >>> 0;
        let v0 = (x0 - t0) | 0; // v0 = x0 − t0 + 2q ∈ (0, 4q), corrected to [0, 2q)
        v0 = (v0 + ((v0 >> 31) & twoQ)) | 0;
        const v1 = (x1 - t1 + twoQ) >>> 0;
        // Layer 2: (u0, u1) with w2, (v0, v1) with w3.
        const s0 = (Math.imul(u1, w2) - Math.imul((u1 * w2s) | 0, q)) | 0;
        const s1 = (Math.imul(v1, w3) - Math.imul((v1 * w3s) | 0, q)) | 0;
        a[j0] = u0 + s0;
        a[j1] = u0 - s0 + twoQ;
        a[j2] = v0 + s1;
        a[j3] = v0 - s1 + twoQ;
      }
    }
  }
  if (gap === 2) {
    for (let i = 0, j = 0; i < m; i++, j += 4) {
      const wi = w[m + i] | 0;
      const wsi = ws[m + i];
      let x0 = (a[j] - twoQ) | 0;
      x0 = (x0 + ((x0 >> 31) & twoQ)) | 0;
      let x1 = (a[j + 1] - twoQ) | 0;
      x1 = (x1 + ((x1 >> 31) & twoQ)) | 0;
      const y0 = a[j + 2];
      const y1 = a[j + 3];
      const t0 = (Math.imul(y0, wi) - Math.imul((y0 * wsi) | 0, q)) | 0;
      const t1 = (Math.imul(y1, wi) - Math.imul((y1 * wsi) | 0, q)) | 0;
      a[j] = x0 + t0;
      a[j + 1] = x1 + t1;
      a[j + 2] = x0 - t0 + twoQ;
      a[j + 3] = x1 - t1 + twoQ;
    }
    m <<= 1;
  }
  // Last layer (gap = 1), fused with the final reduction [0, 4q) → [0, q).
  for (let i = 0, j = 0; i < m; i++, j += 2) {
    const wi = w[m + i] | 0;
    const wsi = ws[m + i];
    let x = (a[j] - twoQ) | 0;
    x = (x + ((x >> 31) & twoQ)) | 0;
    const y = a[j + 1];
    const tt = (Math.imul(y, wi) - Math.imul((y * wsi) | 0, q)) | 0;
    let s = (x + tt - twoQ) | 0;
    s = (s + ((s >> 31) & twoQ)) | 0;
    s -= q;
    s = (s + ((s >> 31) & q)) | 0;
    let d = (x - tt) | 0;
    d = (d + ((d >> 31) & twoQ)) | 0;
    d -= q;
    d = (d + ((d >> 31) & q)) | 0;
    a[j] = s;
    a[j + 1] = d;
  }
}

/**
 * In-place inverse negacyclic NTT: bit-reversed evaluations in [0, q) → natural-order
 * coefficients in [0, q), scaled by n^{−1}. Gentleman–Sande butterflies with lazy reduction: values
 * stay in [0, 2q), the sum x + y is corrected once and the difference x − y + 2q ∈ (0, 4q) goes to
 * the Shoup product unreduced (it accepts inputs below 2^32); every correction is truncated with
 * `| 0`, as in {@link forwardNtt}. Passes, in order: the first two or
 * three layers (three when log n is odd, so that the rest pair up) on four or eight contiguous
 * values without an inner loop; three layers per pass on eight values while at least six layers
 * remain; two layers per pass while at least four remain; one radix-2 layer if one is left over
 * (only for small n or an odd count after the radix-8 passes); the last two layers as one pass with
 * the n^{−1} factor folded in, whose sums go to the Shoup product unreduced. n = 8192 takes five
 * passes (3 + 3 + 3 + 2 + 2 layers). Spec: §3.4
 *
 * One function of about 350 lines on purpose (the layout's 150-line rule has this exception): its
 * passes are the hot loop of every BFV operation, and moving butterflies into helpers shared with
 * other transforms has been measured to cost 1.3–1.6× (V8 merges the type feedback of the callers),
 * so each pass stays inline, in the order §3.4 lists them.
 */
export function inverseNtt(a: Uint32Array, t: NttTables): void {
  checkLength(a, t, 'inverseNtt');
  const n = t.n;
  const q = t.q;
  const twoQ = 2 * q;
  const w = t.invRootPowers;
  const ws = t.invRootPowersShoup;
  let m = n;
  let gap = 1;
  if (m >= 32 && (t.logn & 1) === 1) {
    // An odd number of layers: the first three (gaps 1, 2 and 4) on eight contiguous values, so
    // that the remaining layers pair up without a radix-2 pass.
    const h = m >>> 1;
    const h2 = h >>> 1;
    const h4 = h2 >>> 1;
    for (let i = 0, j0 = 0; i < h4; i++, j0 += 8) {
      const k1 = h + 4 * i;
      const k2 = h2 + 2 * i;
      const x0 = a[j0] | 0;
      const x1 = a[j0 + 1] | 0;
      const x2 = a[j0 + 2] | 0;
      const x3 = a[j0 + 3] | 0;
      const x4 = a[j0 + 4] | 0;
      const x5 = a[j0 + 5] | 0;
      const x6 = a[j0 + 6] | 0;
      const x7 = a[j0 + 7] | 0;
      // Layer 1 (gap 1): four pairs with w[h + 4i … h + 4i + 3].
      let u0 = (x0 + x1 - twoQ) | 0;
      u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
      const d0 = (x0 - x1 + twoQ) >>> 0;
      const u1 = (Math.imul(d0, w[k1]) - Math.imul((d0 * ws[k1]) | 0, q)) | 0;
      let u2 = (x2 + x3 - twoQ) | 0;
      u2 = (u2 + ((u2 >> 31) & twoQ)) | 0;
      const d2 = (x2 - x3 + twoQ) >>> 0;
      const u3 = (Math.imul(d2, w[k1 + 1]) - Math.imul((d2 * ws[k1 + 1]) | 0, q)) | 0;
      let u4 = (x4 + x5 - twoQ) | 0;
      u4 = (u4 + ((u4 >> 31) & twoQ)) | 0;
      const d4 = (x4 - x5 + twoQ) >>> 0;
      const u5 = (Math.imul(d4, w[k1 + 2]) - Math.imul((d4 * ws[k1 + 2]) | 0, q)) | 0;
      let u6 = (x6 + x7 - twoQ) | 0;
      u6 = (u6 + ((u6 >> 31) & twoQ)) | 0;
      const d6 = (x6 - x7 + twoQ) >>> 0;
      const u7 = (Math.imul(d6, w[k1 + 3]) - Math.imul((d6 * ws[k1 + 3]) | 0, q)) | 0;
      // Layer 2 (gap 2): (u0, u2), (u1, u3) with w[h2 + 2i]; (u4, u6), (u5, u7) with w[h2 + 2i + 1].
      const wa = w[k2] | 0;
      const was = ws[k2];
      const wb = w[k2 + 1] | 0;
      const wbs = ws[k2 + 1];
      let v0 = (u0 + u2 - twoQ) | 0;
      v0 = (v0 + ((v0 >> 31) & twoQ)) | 0;
      let v1 = (u1 + u3 - twoQ) | 0;
      v1 = (v1 + ((v1 >> 31) & twoQ)) | 0;
      const e0 = (u0 - u2 + twoQ) >>> 0;
      const e1 = (u1 - u3 + twoQ) >>> 0;
      const v2 = (Math.imul(e0, wa) - Math.imul((e0 * was) | 0, q)) | 0;
      const v3 = (Math.imul(e1, wa) - Math.imul((e1 * was) | 0, q)) | 0;
      let v4 = (u4 + u6 - twoQ) | 0;
      v4 = (v4 + ((v4 >> 31) & twoQ)) | 0;
      let v5 = (u5 + u7 - twoQ) | 0;
      v5 = (v5 + ((v5 >> 31) & twoQ)) | 0;
      const e4 = (u4 - u6 + twoQ) >>> 0;
      const e5 = (u5 - u7 + twoQ) >>> 0;
      const v6 = (Math.imul(e4, wb) - Math.imul((e4 * wbs) | 0, q)) | 0;
      const v7 = (Math.imul(e5, wb) - Math.imul((e5 * wbs) | 0, q)) | 0;
      // Layer 3 (gap 4): (v_k, v_{k+4}) with w[h4 + i].
      const wc = w[h4 + i] | 0;
      const wcs = ws[h4 + i];
      let r0 = (v0 + v4 - twoQ) | 0;
      r0 = (r0 + ((r0 >> 31) & twoQ)) | 0;
      let r1 = (v1 + v5 - twoQ) | 0;
      r1 = (r1 + ((r1 >> 31) & twoQ)) | 0;
      let r2 = (v2 + v6 - twoQ) | 0;
      r2 = (r2 + ((r2 >> 31) & twoQ)) | 0;
      let r3 = (v3 + v7 - twoQ) | 0;
      r3 = (r3 + ((r3 >> 31) & twoQ)) | 0;
      const f0 = (v0 - v4 + twoQ) >>> 0;
      const f1 = (v1 - v5 + twoQ) >>> 0;
      const f2 = (v2 - v6 + twoQ) >>> 0;
      const f3 = (v3 - v7 + twoQ) >>> 0;
      a[j0] = r0;
      a[j0 + 1] = r1;
      a[j0 + 2] = r2;
      a[j0 + 3] = r3;
      a[j0 + 4] = (Math.imul(f0, wc) - Math.imul((f0 * wcs) | 0, q)) | 0;
      a[j0 + 5] = (Math.imul(f1, wc) - Math.imul((f1 * wcs) | 0, q)) | 0;
      a[j0 + 6] = (Math.imul(f2, wc) - Math.imul((f2 * wcs) | 0, q)) | 0;
      a[j0 + 7] = (Math.imul(f3, wc) - Math.imul((f3 * wcs) | 0, q)) | 0;
    }
    m >>>= 3;
    gap = 8;
  } else if (m >= 16) {
    // The first two layers (gaps 1 and 2) on four contiguous values, without an inner loop.
    const h = m >>> 1;
    const h2 = h >>> 1;
    for (let i = 0, j0 = 0; i < h2; i++, j0 += 4) {
      const wa = w[h + 2 * i] | 0;
      const was = ws[h + 2 * i];
      const wb = w[h + 2 * i + 1] | 0;
      const wbs = ws[h + 2 * i + 1];
      const wc = w[h2 + i] | 0;
      const wcs = ws[h2 + i];
      const x0 = a[j0] | 0;
      const x1 = a[j0 + 1] | 0;
      const x2 = a[j0 + 2] | 0;
      const x3 = a[j0 + 3] | 0;
      let u0 = (x0 + x1 - twoQ) | 0;
      u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
      const d0 = (x0 - x1 + twoQ) >>> 0;
      const u1 = (Math.imul(d0, wa) - Math.imul((d0 * was) | 0, q)) | 0;
      let u2 = (x2 + x3 - twoQ) | 0;
      u2 = (u2 + ((u2 >> 31) & twoQ)) | 0;
      const d2 = (x2 - x3 + twoQ) >>> 0;
      const u3 = (Math.imul(d2, wb) - Math.imul((d2 * wbs) | 0, q)) | 0;
      let r0 = (u0 + u2 - twoQ) | 0;
      r0 = (r0 + ((r0 >> 31) & twoQ)) | 0;
      let r1 = (u1 + u3 - twoQ) | 0;
      r1 = (r1 + ((r1 >> 31) & twoQ)) | 0;
      const e0 = (u0 - u2 + twoQ) >>> 0;
      const e1 = (u1 - u3 + twoQ) >>> 0;
      a[j0] = r0;
      a[j0 + 1] = r1;
      a[j0 + 2] = (Math.imul(e0, wc) - Math.imul((e0 * wcs) | 0, q)) | 0;
      a[j0 + 3] = (Math.imul(e1, wc) - Math.imul((e1 * wcs) | 0, q)) | 0;
    }
    m >>>= 2;
    gap = 4;
  }
  // Three layers per pass: (m, gap), (m/2, 2·gap) and (m/4, 4·gap) on eight values at a time,
  // while at least six layers remain.
  for (; m >= 64; m >>>= 3, gap <<= 3) {
    const h = m >>> 1;
    const h2 = h >>> 1;
    const h4 = h2 >>> 1;
    for (let i = 0; i < h4; i++) {
      const k1 = h + 4 * i;
      const k2 = h2 + 2 * i;
      const w0 = w[k1] | 0;
      const w0s = ws[k1];
      const w1 = w[k1 + 1] | 0;
      const w1s = ws[k1 + 1];
      const w2 = w[k1 + 2] | 0;
      const w2s = ws[k1 + 2];
      const w3 = w[k1 + 3] | 0;
      const w3s = ws[k1 + 3];
      const wa = w[k2] | 0;
      const was = ws[k2];
      const wb = w[k2 + 1] | 0;
      const wbs = ws[k2 + 1];
      const wc = w[h4 + i] | 0;
      const wcs = ws[h4 + i];
      const base = 8 * i * gap;
      for (let j0 = base, end = base + gap; j0 < end; j0++) {
        const j1 = j0 + gap;
        const j2 = j1 + gap;
        const j3 = j2 + gap;
        const j4 = j3 + gap;
        const j5 = j4 + gap;
        const j6 = j5 + gap;
        const j7 = j6 + gap;
        const x0 = a[j0] | 0;
        const x1 = a[j1] | 0;
        const x2 = a[j2] | 0;
        const x3 = a[j3] | 0;
        const x4 = a[j4] | 0;
        const x5 = a[j5] | 0;
        const x6 = a[j6] | 0;
        const x7 = a[j7] | 0;
        let u0 = (x0 + x1 - twoQ) | 0;
        u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
        const d0 = (x0 - x1 + twoQ) >>> 0;
        const u1 = (Math.imul(d0, w0) - Math.imul((d0 * w0s) | 0, q)) | 0;
        let u2 = (x2 + x3 - twoQ) | 0;
        u2 = (u2 + ((u2 >> 31) & twoQ)) | 0;
        const d2 = (x2 - x3 + twoQ) >>> 0;
        const u3 = (Math.imul(d2, w1) - Math.imul((d2 * w1s) | 0, q)) | 0;
        let u4 = (x4 + x5 - twoQ) | 0;
        u4 = (u4 + ((u4 >> 31) & twoQ)) | 0;
        const d4 = (x4 - x5 + twoQ) >>> 0;
        const u5 = (Math.imul(d4, w2) - Math.imul((d4 * w2s) | 0, q)) | 0;
        let u6 = (x6 + x7 - twoQ) | 0;
        u6 = (u6 + ((u6 >> 31) & twoQ)) | 0;
        const d6 = (x6 - x7 + twoQ) >>> 0;
        const u7 = (Math.imul(d6, w3) - Math.imul((d6 * w3s) | 0, q)) | 0;
        let v0 = (u0 + u2 - twoQ) | 0;
        v0 = (v0 + ((v0 >> 31) & twoQ)) | 0;
        let v1 = (u1 + u3 - twoQ) | 0;
        v1 = (v1 + ((v1 >> 31) & twoQ)) | 0;
        const e0 = (u0 - u2 + twoQ) >>> 0;
        const e1 = (u1 - u3 + twoQ) >>> 0;
        const v2 = (Math.imul(e0, wa) - Math.imul((e0 * was) | 0, q)) | 0;
        const v3 = (Math.imul(e1, wa) - Math.imul((e1 * was) | 0, q)) | 0;
        let v4 = (u4 + u6 - twoQ) | 0;
        v4 = (v4 + ((v4 >> 31) & twoQ)) | 0;
        let v5 = (u5 + u7 - twoQ) | 0;
        v5 = (v5 + ((v5 >> 31) & twoQ)) | 0;
        const e4 = (u4 - u6 + twoQ) >>> 0;
        const e5 = (u5 - u7 + twoQ) >>> 0;
        const v6 = (Math.imul(e4, wb) - Math.imul((e4 * wbs) | 0, q)) | 0;
        const v7 = (Math.imul(e5, wb) - Math.imul((e5 * wbs) | 0, q)) | 0;
        let r0 = (v0 + v4 - twoQ) | 0;
        r0 = (r0 + ((r0 >> 31) & twoQ)) | 0;
        let r1 = (v1 + v5 - twoQ) | 0;
        r1 = (r1 + ((r1 >> 31) & twoQ)) | 0;
        let r2 = (v2 + v6 - twoQ) | 0;
        r2 = (r2 + ((r2 >> 31) & twoQ)) | 0;
        let r3 = (v3 + v7 - twoQ) | 0;
        r3 = (r3 + ((r3 >> 31) & twoQ)) | 0;
        const f0 = (v0 - v4 + twoQ) >>> 0;
        const f1 = (v1 - v5 + twoQ) >>> 0;
        const f2 = (v2 - v6 + twoQ) >>> 0;
        const f3 = (v3 - v7 + twoQ) >>> 0;
        a[j0] = r0;
        a[j1] = r1;
        a[j2] = r2;
        a[j3] = r3;
        a[j4] = (Math.imul(f0, wc) - Math.imul((f0 * wcs) | 0, q)) | 0;
        a[j5] = (Math.imul(f1, wc) - Math.imul((f1 * wcs) | 0, q)) | 0;
        a[j6] = (Math.imul(f2, wc) - Math.imul((f2 * wcs) | 0, q)) | 0;
        a[j7] = (Math.imul(f3, wc) - Math.imul((f3 * wcs) | 0, q)) | 0;
      }
    }
  }
  // Two layers per pass: (m, gap) and (m/2, 2·gap) on four values at a time, while at least four
  // layers remain (the last two are fused with n^{−1} below).
  for (; m >= 16; m >>>= 2, gap <<= 2) {
    const h = m >>> 1;
    const h2 = h >>> 1;
    for (let i = 0; i < h2; i++) {
      const wa = w[h + 2 * i] | 0;
      const was = ws[h + 2 * i];
      const wb = w[h + 2 * i + 1] | 0;
      const wbs = ws[h + 2 * i + 1];
      const wc = w[h2 + i] | 0;
      const wcs = ws[h2 + i];
      const base = 4 * i * gap;
      for (let j0 = base, end = base + gap; j0 < end; j0++) {
        const j1 = j0 + gap;
        const j2 = j1 + gap;
        const j3 = j2 + gap;
        const x0 = a[j0] | 0;
        const x1 = a[j1] | 0;
        const x2 = a[j2] | 0;
        const x3 = a[j3] | 0;
        // Layer 1: (x0, x1) with wa, (x2, x3) with wb.
        let u0 = (x0 + x1 - twoQ) | 0;
        u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
        const d0 = (x0 - x1 + twoQ) >>> 0;
        const u1 = (Math.imul(d0, wa) - Math.imul((d0 * was) | 0, q)) | 0;
        let u2 = (x2 + x3 - twoQ) | 0;
        u2 = (u2 + ((u2 >> 31) & twoQ)) | 0;
        const d2 = (x2 - x3 + twoQ) >>> 0;
        const u3 = (Math.imul(d2, wb) - Math.imul((d2 * wbs) | 0, q)) | 0;
        // Layer 2: (u0, u2) and (u1, u3) with wc.
        let r0 = (u0 + u2 - twoQ) | 0;
        r0 = (r0 + ((r0 >> 31) & twoQ)) | 0;
        let r1 = (u1 + u3 - twoQ) | 0;
        r1 = (r1 + ((r1 >> 31) & twoQ)) | 0;
        const e0 = (u0 - u2 + twoQ) >>> 0;
        const e1 = (u1 - u3 + twoQ) >>> 0;
        a[j0] = r0;
        a[j1] = r1;
        a[j2] = (Math.imul(e0, wc) - Math.imul((e0 * wcs) | 0, q)) | 0;
        a[j3] = (Math.imul(e1, wc) - Math.imul((e1 * wcs) | 0, q)) | 0;
      }
    }
  }
  if (m === 8) {
    // An odd number of layers: one radix-2 layer (long inner loops) before the fused last two.
    const h = m >>> 1;
    for (let i = 0; i < h; i++) {
      const wi = w[h + i] | 0;
      const wsi = ws[h + i];
      const j1 = 2 * i * gap;
      const j2 = j1 + gap;
      for (let j = j1, k = j2; j < j2; j++, k++) {
        const x = a[j] | 0;
        const y = a[k] | 0;
        let s = (x + y - twoQ) | 0;
        s = (s + ((s >> 31) & twoQ)) | 0;
        const d = (x - y + twoQ) >>> 0;
        a[j] = s;
        a[k] = (Math.imul(d, wi) - Math.imul((d * wsi) | 0, q)) | 0;
      }
    }
    m = 4;
    gap <<= 1;
  }
  // Last layer (m = 2, gap = n/2) with n^{−1} folded into both outputs, fully reduced.
  const nInv = t.nInv;
  const nInvS = shoupPrecompute(nInv, q);
  const wLast = mulMod(w[1], nInv, q);
  const wLastS = shoupPrecompute(wLast, q);
  if (m === 4) {
    // The last two layers in one pass: (m = 4, gap) then (m = 2, 2·gap) with n^{−1}.
    const wa = w[2] | 0;
    const was = ws[2];
    const wb = w[3] | 0;
    const wbs = ws[3];
    for (let j0 = 0; j0 < gap; j0++) {
      const j1 = j0 + gap;
      const j2 = j1 + gap;
      const j3 = j2 + gap;
      const x0 = a[j0] | 0;
      const x1 = a[j1] | 0;
      const x2 = a[j2] | 0;
      const x3 = a[j3] | 0;
      let u0 = (x0 + x1 - twoQ) | 0;
      u0 = (u0 + ((u0 >> 31) & twoQ)) | 0;
      const d0 = (x0 - x1 + twoQ) >>> 0;
      const u1 = (Math.imul(d0, wa) - Math.imul((d0 * was) | 0, q)) | 0;
      let u2 = (x2 + x3 - twoQ) | 0;
      u2 = (u2 + ((u2 >> 31) & twoQ)) | 0;
      const d2 = (x2 - x3 + twoQ) >>> 0;
      const u3 = (Math.imul(d2, wb) - Math.imul((d2 * wbs) | 0, q)) | 0;
      // The sums go to the Shoup product unreduced: it accepts [0, 4q).
      const s0 = (u0 + u2) >>> 0;
      const s1 = (u1 + u3) >>> 0;
      const e0 = (u0 - u2 + twoQ) >>> 0;
      const e1 = (u1 - u3 + twoQ) >>> 0;
      let r0 = (Math.imul(s0, nInv) - Math.imul((s0 * nInvS) | 0, q) - q) | 0;
      r0 = (r0 + ((r0 >> 31) & q)) | 0;
      let r1 = (Math.imul(s1, nInv) - Math.imul((s1 * nInvS) | 0, q) - q) | 0;
      r1 = (r1 + ((r1 >> 31) & q)) | 0;
      let r2 = (Math.imul(e0, wLast) - Math.imul((e0 * wLastS) | 0, q) - q) | 0;
      r2 = (r2 + ((r2 >> 31) & q)) | 0;
      let r3 = (Math.imul(e1, wLast) - Math.imul((e1 * wLastS) | 0, q) - q) | 0;
      r3 = (r3 + ((r3 >> 31) & q)) | 0;
      a[j0] = r0;
      a[j1] = r1;
      a[j2] = r2;
      a[j3] = r3;
    }
    return;
  }
  for (let j = 0, k = gap; j < gap; j++, k++) {
    const x = a[j] | 0;
    const y = a[k] | 0;
    const s = (x + y) >>> 0;
    const d = (x - y + twoQ) >>> 0;
    let r0 = (Math.imul(s, nInv) - Math.imul((s * nInvS) | 0, q) - q) | 0;
    r0 = (r0 + ((r0 >> 31) & q)) | 0;
    let r1 = (Math.imul(d, wLast) - Math.imul((d * wLastS) | 0, q) - q) | 0;
    r1 = (r1 + ((r1 >> 31) & q)) | 0;
    a[j] = r0;
    a[k] = r1;
  }
}

/** out[i] = a[i]·b[i] mod q (the product in the NTT domain); `out` may alias. Spec: §3.4 */
export function pointwiseMultiply(a: Uint32Array, b: Uint32Array, out: Uint32Array, q: number): Uint32Array {
  const n = a.length;
  if (b.length !== n || out.length !== n) throw new SizeMismatchError('pointwiseMultiply: lengths differ');
  const qInv = 1 / q;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    let r = (Math.imul(x, y) - Math.imul(Math.floor(x * y * qInv), q)) | 0;
    r = (r + ((r >> 31) & q)) | 0;
    r -= q;
    out[i] = r + ((r >> 31) & q);
  }
  return out;
}

/**
 * The product a·b in Z_q[X]/(X^n + 1) via forward NTTs, a pointwise product and an inverse NTT.
 * Inputs (natural order, in [0, q)) are not modified; returns a new array. Spec: §3.4
 */
export function negacyclicMultiply(a: Uint32Array, b: Uint32Array, t: NttTables): Uint32Array {
  checkLength(a, t, 'negacyclicMultiply');
  checkLength(b, t, 'negacyclicMultiply');
  const fa = Uint32Array.from(a);
  const fb = Uint32Array.from(b);
  forwardNtt(fa, t);
  forwardNtt(fb, t);
  pointwiseMultiply(fa, fb, fa, t.q);
  inverseNtt(fa, t);
  return fa;
}
