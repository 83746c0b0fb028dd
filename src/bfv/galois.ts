/**
 * Galois automorphisms σ_g: a(X) ↦ a(X^g) of Z_q[X]/(X^n + 1) for odd g, on coefficients and on
 * NTT evaluations, and SEAL's mapping from slot rotations to Galois elements (generator 3).
 *
 * Spec: §4.8
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { bitReverse } from '../math/index.js';
import type { BfvContext, RnsPoly } from './context.js';

/** SEAL's generator of the row-rotation group: σ_3 rotates each row of the slot matrix left by one. Spec: §4.8 */
export const GALOIS_GENERATOR = 3;

function checkElt(n: number, g: number): void {
  if (!Number.isInteger(g) || g < 1 || g >= 2 * n || g % 2 === 0) {
    throw new InvalidArgumentError(`Galois element must be odd and in [1, 2n) = [1, ${2 * n}), got ${String(g)}`);
  }
}

/**
 * The Galois element for a row rotation by `step` slots (SEAL's `GaloisTool::get_elt_from_step`):
 * 3^step mod 2n for step > 0 (rotate left), 3^(n/2 − |step|) for step < 0 (rotate right), and
 * 2n − 1 (swap the two rows) for step = 0. Requires |step| < n/2. Spec: §4.8
 */
export function galoisEltFromStep(n: number, step: number): number {
  if (!Number.isInteger(step)) throw new InvalidArgumentError(`rotation step must be an integer, got ${String(step)}`);
  const m = 2 * n;
  if (step === 0) return m - 1;
  const abs = Math.abs(step);
  if (abs >= n / 2) throw new InvalidArgumentError(`rotation step ${step} is too large: |step| must be < n/2 = ${n / 2}`);
  let e = step < 0 ? n / 2 - abs : abs;
  let g = 1;
  while (e-- > 0) g = (g * GALOIS_GENERATOR) % m;
  return g;
}

/**
 * SEAL's default Galois element set (`GaloisTool::get_elts_all`): 2n − 1, then for i = 0 … log n − 2
 * the pair 3^(2^i), 3^(−2^i) mod 2n — enough for any rotation by combining powers of two. Spec: §4.8
 */
export function galoisEltsAll(n: number): number[] {
  const m = 2 * n;
  const logn = Math.round(Math.log2(n));
  const out = [m - 1];
  let pos = GALOIS_GENERATOR;
  // 3^{-1} mod 2n
  let neg = 0;
  for (let x = 1; x < m; x += 2) {
    if ((x * GALOIS_GENERATOR) % m === 1) {
      neg = x;
      break;
    }
  }
  for (let i = 0; i < logn - 1; i++) {
    out.push(pos);
    pos = (pos * pos) % m;
    out.push(neg);
    neg = (neg * neg) % m;
  }
  return out;
}

/**
 * The non-adjacent form of an integer, as SEAL's `util::naf` lists it: signed powers of two,
 * lowest first, no two adjacent, summing to `value`. Used to split a rotation into rotations by
 * powers of two. Spec: §4.8
 */
export function naf(value: number): number[] {
  const out: number[] = [];
  const sign = value < 0;
  let v = Math.abs(value);
  for (let i = 0; v !== 0; i++) {
    const z = v & 1 ? 2 - (v & 3) : 0;
    v = (v - z) / 2;
    if (z !== 0) out.push((sign ? -z : z) * 2 ** i);
  }
  return out;
}

/**
 * σ_g on coefficients, for each of the first k primes: coefficient j moves to position j·g mod n,
 * negated when ⌊j·g / n⌋ is odd (since X^n = −1). `out` must not alias `a`. Spec: §4.8
 */
export function applyGaloisCoeffs(ctx: BfvContext, a: RnsPoly, g: number, out: RnsPoly, k: number): RnsPoly {
  const n = ctx.n;
  checkElt(n, g);
  const mask = n - 1;
  const m = 2 * n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const off = i * n;
    let raw = 0; // j·g mod 2n
    for (let j = 0; j < n; j++) {
      const v = a[off + j];
      out[off + (raw & mask)] = raw >= n && v !== 0 ? q - v : v;
      raw += g;
      if (raw >= m) raw -= m;
    }
  }
  return out;
}

const permutationCache = new WeakMap<BfvContext, Map<number, Uint32Array>>();

/**
 * The permutation that σ_g induces on NTT slots: position k of the forward NTT holds a(ζ_k) with
 * ζ_k = ψ^(2·bitrev(k) + 1), and (σ_g a)(ζ_k) = a(ζ_k^g), so result[k] = a[perm[k]] where
 * 2·bitrev(perm[k]) + 1 ≡ g·(2·bitrev(k) + 1) (mod 2n). Spec: §4.8
 */
export function galoisNttPermutation(ctx: BfvContext, g: number): Uint32Array {
  const n = ctx.n;
  checkElt(n, g);
  let cache = permutationCache.get(ctx);
  if (!cache) permutationCache.set(ctx, (cache = new Map()));
  let perm = cache.get(g);
  if (!perm) {
    perm = new Uint32Array(n);
    const logn = ctx.logn;
    const m = 2 * n;
    for (let k = 0; k < n; k++) {
      const e = ((2 * bitReverse(k, logn) + 1) * g) % m;
      perm[k] = bitReverse((e - 1) / 2, logn);
    }
    cache.set(g, perm);
  }
  return perm;
}

/** σ_g on NTT evaluations for each of the first k primes (a permutation). `out` must not alias `a`. Spec: §4.8 */
export function applyGaloisNtt(ctx: BfvContext, a: RnsPoly, g: number, out: RnsPoly, k: number): RnsPoly {
  const perm = galoisNttPermutation(ctx, g);
  const n = ctx.n;
  for (let i = 0; i < k; i++) {
    const off = i * n;
    for (let j = 0; j < n; j++) out[off + j] = a[off + perm[j]];
  }
  return out;
}
