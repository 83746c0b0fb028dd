/**
 * Local truncation of additive shares (Mohassel–Zhang, SecureML, IEEE S&P 2017, Theorem 1,
 * transposed from Z_{2^ℓ} to Z_p): each party shifts its own share, with no communication.
 *
 * Party 0 outputs ⌊s0 / 2^k⌋; party 1 outputs p − ⌊((p − s1) mod p) / 2^k⌋ (mod p). Whenever
 * the shares do not wrap around p, the outputs reconstruct to ⌊x/2^k⌋ or ⌊x/2^k⌋ + 1 for the
 * signed value x (a stochastic rounding of x/2^k); they wrap — and the result is off by about
 * p/2^k — with probability exactly |x|/p over the sharing. See §7.4 for the statement.
 *
 * Spec: §7.4
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { P as SHARE_FIELD_P, P_HALF as SHARE_FIELD_P_HALF } from '../math/share-field.js';
import { checkFieldVector, checkRole, type PartyRole } from './field-vector.js';

// Module-local aliases: some module loaders (e.g. Vitest's) turn every use of an imported
// binding into a property read, which keeps hot loops from being optimised.
const P = SHARE_FIELD_P;
const P_HALF = SHARE_FIELD_P_HALF;

/** Largest shift accepted by the truncation functions (p < 2^41). Spec: §7.4 */
export const MAX_TRUNCATION_BITS = 40;

function checkShift(k: unknown, context: string): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > MAX_TRUNCATION_BITS) {
    throw new InvalidArgumentError(`${context}: shift must be an integer in [0, ${MAX_TRUNCATION_BITS}], got ${String(k)}`);
  }
  return k;
}

/**
 * One party's local truncation of its share by k bits (a new vector). Party 0: ⌊s/2^k⌋.
 * Party 1: u = (p − s) mod p, t = ⌊u/2^k⌋, output (p − t) mod p. Spec: §7.4
 */
export function truncateShare(role: PartyRole, share: Float64Array, k: number): Float64Array {
  checkRole(role, 'truncateShare');
  checkShift(k, 'truncateShare');
  const n = checkFieldVector(share, 'truncateShare');
  return truncateShareUnchecked(role, share, k, new Float64Array(n));
}

/**
 * {@link truncateShare} without validation, writing into `out` (which may alias `share`); for
 * protocol code whose inputs are already known to be field vectors. Spec: §7.4
 */
export function truncateShareUnchecked(role: PartyRole, share: Float64Array, k: number, out: Float64Array): Float64Array {
  const n = share.length;
  // s·2^−k is exact in binary floating point, so Math.floor gives the integer quotient.
  const scale = 2 ** -k;
  if (role === 0) {
    for (let i = 0; i < n; i++) out[i] = Math.floor(share[i] * scale);
  } else {
    for (let i = 0; i < n; i++) {
      const s = share[i];
      const t = Math.floor((s === 0 ? 0 : P - s) * scale);
      out[i] = t === 0 ? 0 : P - t;
    }
  }
  return out;
}

/**
 * The plaintext operation that truncation approximates: for each value, its signed representative
 * x, then ⌊x/2^k⌋ (rounded toward −∞) as a field element. Spec: §7.4
 */
export function truncatePlain(values: Float64Array, k: number): Float64Array {
  checkShift(k, 'truncatePlain');
  const n = checkFieldVector(values, 'truncatePlain');
  const scale = 2 ** -k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i] > P_HALF ? values[i] - P : values[i];
    const q = Math.floor(x * scale);
    out[i] = q < 0 ? q + P : q;
  }
  return out;
}

/**
 * Probability that the local truncation of a fresh uniform sharing of a value with signed
 * magnitude |x| fails (is off by ≈ p/2^k rather than by 0 or 1): exactly |x|/p for k ≥ 1, and 0
 * for k = 0. Pass a bound B ≥ |x| to get the bound B/p. Spec: §7.4
 */
export function truncationFailureProbability(absValue: number, k: number): number {
  checkShift(k, 'truncationFailureProbability');
  if (typeof absValue !== 'number' || !(absValue >= 0)) {
    throw new InvalidArgumentError(`truncationFailureProbability: expected a magnitude ≥ 0, got ${String(absValue)}`);
  }
  if (k === 0) return 0;
  return Math.min(1, absValue / P);
}
