/**
 * The negacyclic NTT for wide primes q < 2^50 (e.g. SEAL's 36–44-bit BFVDefault primes), on
 * `Float64Array` coefficient vectors. Same conventions and table layout as `NttTables`
 * (ψ minimal primitive 2n-th root, bit-reversed twiddles, natural → bit-reversed forward,
 * bit-reversed → natural inverse with n^{−1}); slower, since each twiddle product needs the
 * exact 26-bit-limb remainder of `mulModWideSplit` (src/math/wide.ts; a private copy here, see
 * `mulTwiddle`), with each twiddle's limbs and float quotient split once per layer. Values stay
 * fully reduced in [0, q); all corrections are branchless.
 *
 * Spec: §3.4
 * @module
 */
import { SizeMismatchError } from '../errors.js';
import { negacyclicRoots } from './ntt.js';
import { assertModulusWide, mulModWide, mulModWideFast, type mulModWideSplit } from './wide.js';

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;
const TWO_52 = 2 ** 52;
const INV_TWO_52 = 2 ** -52;

/** Twiddle tables for the wide-modulus NTT (q < 2^50). Spec: §3.4 */
export class WideNttTables {
  /** Transform size (a power of two, 2 ≤ n ≤ 2^17). */
  readonly n: number;
  /** log2(n). */
  readonly logn: number;
  /** The prime modulus, q < 2^50, q ≡ 1 (mod 2n). */
  readonly q: number;
  /** Minimal primitive 2n-th root of unity mod q. */
  readonly psi: number;
  /** ψ^{−1} mod q. */
  readonly psiInv: number;
  /** n^{−1} mod q. */
  readonly nInv: number;
  /** rootPowers[bitReverse(i, logn)] = ψ^i mod q. */
  readonly rootPowers: Float64Array;
  /** rootPowers[k] / q (float quotient companions). */
  readonly rootPowersQuot: Float64Array;
  /** invRootPowers[bitReverse(i, logn)] = ψ^{−i} mod q. */
  readonly invRootPowers: Float64Array;
  /** invRootPowers[k] / q. */
  readonly invRootPowersQuot: Float64Array;

  constructor(n: number, q: number) {
    const roots = negacyclicRoots(n, q, assertModulusWide, mulModWide);
    this.n = n;
    this.logn = roots.logn;
    this.q = q;
    this.psi = roots.psi;
    this.psiInv = roots.psiInv;
    this.nInv = roots.nInv;
    this.rootPowers = roots.powers;
    this.rootPowersQuot = roots.powers.map((w) => w / q);
    this.invRootPowers = roots.invPowers;
    this.invRootPowersQuot = roots.invPowers.map((w) => w / q);
  }
}

/** Same as `new WideNttTables(n, q)`. Spec: §3.4 */
export function createWideNttTables(n: number, q: number): WideNttTables {
  return new WideNttTables(n, q);
}

function checkLength(a: Float64Array, t: WideNttTables, what: string): void {
  if (a.length !== t.n) throw new SizeMismatchError(`${what}: expected ${t.n} coefficients, got ${a.length}`);
}

/**
 * y·w mod q with w's float quotient wq = w/q and the limbs of w and q pre-split: the arithmetic of
 * {@link mulModWideSplit}, step for step (test/math/ntt.schoolbook checks the wide NTT against schoolbook multiplication).
 *
 * Deliberately a private copy rather than a call: V8 keeps one type-feedback vector per function,
 * and the shared kernel's (fed by every scalar caller, e.g. table construction starting from 1)
 * made this loop 1.3–1.6× slower (`npm run bench`, NTT 44-bit, same run) than with its own copy.
 */
function mulTwiddle(y: number, wq: number, w1: number, w0: number, q: number, q1: number, q0: number): number {
  const quot = Math.floor(y * wq);
  const y1 = Math.floor(y * INV_TWO_26);
  const y0 = y - y1 * TWO_26;
  let c = y1 * w0 + y0 * w1;
  c -= Math.floor(c * INV_TWO_26) * TWO_26;
  const u1 = Math.floor(quot * INV_TWO_26);
  const u0 = quot - u1 * TWO_26;
  let e = u1 * q0 + u0 * q1;
  e -= Math.floor(e * INV_TWO_26) * TWO_26;
  let r = y0 * w0 - u0 * q0 + (c - e) * TWO_26;
  r -= Math.round(r * INV_TWO_52) * TWO_52;
  r += q * +(r < 0);
  return r - q * +(r >= q);
}

/** In-place forward NTT for q < 2^50: natural order in [0, q) → bit-reversed. Spec: §3.4 */
export function forwardNttWide(a: Float64Array, t: WideNttTables): void {
  checkLength(a, t, 'forwardNttWide');
  const n = t.n;
  const q = t.q;
  const q1 = Math.floor(q * INV_TWO_26);
  const q0 = q - q1 * TWO_26;
  const w = t.rootPowers;
  const wq = t.rootPowersQuot;
  for (let m = 1, gap = n >>> 1; m < n; m <<= 1, gap >>>= 1) {
    for (let i = 0; i < m; i++) {
      const wi = w[m + i];
      const wqi = wq[m + i];
      const w1 = Math.floor(wi * INV_TWO_26);
      const w0 = wi - w1 * TWO_26;
      const j1 = 2 * i * gap;
      const j2 = j1 + gap;
      for (let j = j1, k = j2; j < j2; j++, k++) {
        const x = a[j];
        const v = mulTwiddle(a[k], wqi, w1, w0, q, q1, q0);
        const s = x + v - q;
        a[j] = s + q * +(s < 0);
        const d = x - v;
        a[k] = d + q * +(d < 0);
      }
    }
  }
}

/** In-place inverse NTT for q < 2^50: bit-reversed → natural order, times n^{−1}. Spec: §3.4 */
export function inverseNttWide(a: Float64Array, t: WideNttTables): void {
  checkLength(a, t, 'inverseNttWide');
  const n = t.n;
  const q = t.q;
  const q1 = Math.floor(q * INV_TWO_26);
  const q0 = q - q1 * TWO_26;
  const w = t.invRootPowers;
  const wq = t.invRootPowersQuot;
  let gap = 1;
  for (let m = n; m > 2; m >>>= 1, gap <<= 1) {
    const h = m >>> 1;
    for (let i = 0; i < h; i++) {
      const wi = w[h + i];
      const wqi = wq[h + i];
      const w1 = Math.floor(wi * INV_TWO_26);
      const w0 = wi - w1 * TWO_26;
      const j1 = 2 * i * gap;
      const j2 = j1 + gap;
      for (let j = j1, k = j2; j < j2; j++, k++) {
        const x = a[j];
        const y = a[k];
        const s = x + y - q;
        a[j] = s + q * +(s < 0);
        const d = x - y;
        a[k] = mulTwiddle(d + q * +(d < 0), wqi, w1, w0, q, q1, q0);
      }
    }
  }
  // Last layer (gap = n/2) with n^{−1} folded into both outputs.
  const nInv = t.nInv;
  const nq = nInv / q;
  const n1 = Math.floor(nInv * INV_TWO_26);
  const n0 = nInv - n1 * TWO_26;
  const wl = mulModWide(w[1], nInv, q);
  const wlq = wl / q;
  const wl1 = Math.floor(wl * INV_TWO_26);
  const wl0 = wl - wl1 * TWO_26;
  for (let j = 0, k = gap; j < gap; j++, k++) {
    const x = a[j];
    const y = a[k];
    const s = x + y - q;
    a[j] = mulTwiddle(s + q * +(s < 0), nq, n1, n0, q, q1, q0);
    const d = x - y;
    a[k] = mulTwiddle(d + q * +(d < 0), wlq, wl1, wl0, q, q1, q0);
  }
}

/** out[i] = a[i]·b[i] mod q for q < 2^50. Spec: §3.4 */
export function pointwiseMultiplyWide(a: Float64Array, b: Float64Array, out: Float64Array, q: number): Float64Array {
  const n = a.length;
  if (b.length !== n || out.length !== n) throw new SizeMismatchError('pointwiseMultiplyWide: lengths differ');
  const q1 = Math.floor(q * INV_TWO_26);
  const q0 = q - q1 * TWO_26;
  const qInv = 1 / q;
  for (let i = 0; i < n; i++) out[i] = mulModWideFast(a[i], b[i], q, qInv, q1, q0);
  return out;
}

/** a·b in Z_q[X]/(X^n + 1) for q < 2^50, via the wide NTT; returns a new array. Spec: §3.4 */
export function negacyclicMultiplyWide(a: Float64Array, b: Float64Array, t: WideNttTables): Float64Array {
  checkLength(a, t, 'negacyclicMultiplyWide');
  checkLength(b, t, 'negacyclicMultiplyWide');
  const fa = Float64Array.from(a);
  const fb = Float64Array.from(b);
  forwardNttWide(fa, t);
  forwardNttWide(fb, t);
  pointwiseMultiplyWide(fa, fb, fa, t.q);
  inverseNttWide(fa, t);
  return fa;
}
