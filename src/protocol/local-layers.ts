/**
 * The layers both parties compute on their own shares without talking (§9.6): flatten, sum
 * pooling (see linear.ts) and residual adds with lifts.
 *
 * Spec: §9.6
 * @module
 */
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P } from '../math/share-field.js';

const P = SHARE_FIELD_P;
const mulModP = shareFieldMulModP;

/**
 * Share of 2^(f·lift₀)·a + 2^(f·lift₁)·b (mod p): a residual add on shares, the lifted operand
 * multiplied by 2^f (§8.9.2). Spec: §9.6
 */
export function addLifted(a: Float64Array, b: Float64Array, lift: readonly [boolean, boolean], f: number): Float64Array {
  const out = new Float64Array(a.length);
  const ka = 2 ** f;
  for (let i = 0; i < a.length; i++) {
    const u = lift[0] ? mulModP(a[i], ka) : a[i];
    const v = lift[1] ? mulModP(b[i], ka) : b[i];
    const s = u + v;
    out[i] = s >= P ? s - P : s;
  }
  return out;
}
