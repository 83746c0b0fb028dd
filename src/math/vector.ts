/**
 * Element-wise arithmetic mod q < 2^30 on `Uint32Array` vectors (polynomial coefficients or NTT
 * evaluations). Entries must be in [0, q); `out` may alias an input. Each returns `out`.
 *
 * Spec: §3.1
 * @module
 */
import { SizeMismatchError } from '../errors.js';
import { shoupPrecompute } from './modular.js';

function sameLength(name: string, ...xs: Uint32Array[]): number {
  const n = xs[0].length;
  for (const x of xs) if (x.length !== n) throw new SizeMismatchError(`${name}: lengths differ (${n} vs ${x.length})`);
  return n;
}

/** out[i] = (a[i] + b[i]) mod q. Spec: §3.1 */
export function addVecMod(a: Uint32Array, b: Uint32Array, out: Uint32Array, q: number): Uint32Array {
  const n = sameLength('addVecMod', a, b, out);
  for (let i = 0; i < n; i++) {
    const s = (a[i] + b[i] - q) | 0;
    out[i] = s + ((s >> 31) & q);
  }
  return out;
}

/** out[i] = (a[i] − b[i]) mod q. Spec: §3.1 */
export function subVecMod(a: Uint32Array, b: Uint32Array, out: Uint32Array, q: number): Uint32Array {
  const n = sameLength('subVecMod', a, b, out);
  for (let i = 0; i < n; i++) {
    const d = (a[i] - b[i]) | 0;
    out[i] = d + ((d >> 31) & q);
  }
  return out;
}

/** out[i] = (−a[i]) mod q. Spec: §3.1 */
export function negVecMod(a: Uint32Array, out: Uint32Array, q: number): Uint32Array {
  const n = sameLength('negVecMod', a, out);
  for (let i = 0; i < n; i++) {
    const r = -a[i] | 0;
    out[i] = r + ((r >> 31) & q);
  }
  return out;
}

/** out[i] = a[i]·b[i] mod q. Spec: §3.1 */
export function mulVecMod(a: Uint32Array, b: Uint32Array, out: Uint32Array, q: number): Uint32Array {
  const n = sameLength('mulVecMod', a, b, out);
  const qInv = 1 / q;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    let r = (Math.imul(x, y) - Math.imul(Math.floor(x * y * qInv), q)) | 0;
    r += (r >> 31) & q;
    r -= q;
    out[i] = r + ((r >> 31) & q);
  }
  return out;
}

/** out[i] = a[i]·c mod q for a scalar c ∈ [0, q) (Shoup multiplication). Spec: §3.1 */
export function scaleVecMod(a: Uint32Array, c: number, out: Uint32Array, q: number): Uint32Array {
  const n = sameLength('scaleVecMod', a, out);
  const cs = shoupPrecompute(c, q);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const r = (Math.imul(x, c) - Math.imul(Math.floor(x * cs), q) - q) | 0;
    out[i] = r + ((r >> 31) & q);
  }
  return out;
}

/** out[i] = (a[i] + b[i]·c) mod q (multiply-accumulate by a scalar c ∈ [0, q)). Spec: §3.1 */
export function mulAddScalarVecMod(
  a: Uint32Array,
  b: Uint32Array,
  c: number,
  out: Uint32Array,
  q: number,
): Uint32Array {
  const n = sameLength('mulAddScalarVecMod', a, b, out);
  const cs = shoupPrecompute(c, q);
  for (let i = 0; i < n; i++) {
    const x = b[i];
    let r = (Math.imul(x, c) - Math.imul(Math.floor(x * cs), q) - q) | 0;
    r += (r >> 31) & q;
    const s = (a[i] + r - q) | 0;
    out[i] = s + ((s >> 31) & q);
  }
  return out;
}
