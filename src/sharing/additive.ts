/**
 * Additive 2-out-of-2 secret sharing over Z_p: x = s0 + s1 (mod p), each share alone uniformly
 * distributed. Linear operations on shares are local: both parties apply them to their own share,
 * except that a public constant is added by party 0 only.
 *
 * Spec: §7.2
 * @module
 */
import { P as SHARE_FIELD_P, mulModP as shareFieldMulModP } from '../math/share-field.js';
import type { Rng } from '../random/rng.js';
import {
  checkFieldElement,
  checkFieldVector,
  checkLength,
  checkRole,
  sampleFieldVector,
  type PartyRole,
} from './field-vector.js';

// Module-local aliases: some module loaders (e.g. Vitest's) turn every use of an imported
// binding into a property read, which keeps hot loops from being optimised.
const P = SHARE_FIELD_P;
const mulModP = shareFieldMulModP;

/**
 * Splits each value into two additive shares: s0 = {@link sampleFieldVector}(rng, n) and
 * s1[i] = (values[i] − s0[i]) mod p. Party 0's share does not depend on the values at all; party
 * 1's is the values masked by a uniform pad. Spec: §7.2
 */
export function share(values: Float64Array, rng: Rng): [Float64Array, Float64Array] {
  const n = checkFieldVector(values, 'share: values');
  const s0 = sampleFieldVector(rng, n);
  const s1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i] - s0[i];
    s1[i] = d < 0 ? d + P : d;
  }
  return [s0, s1];
}

/** The shared values: (s0[i] + s1[i]) mod p. Spec: §7.2 */
export function reconstruct(s0: Float64Array, s1: Float64Array): Float64Array {
  return addVectors(s0, s1, 'reconstruct');
}

/** Share of x + y from shares of x and y (each party locally). Spec: §7.2 */
export function addShares(x: Float64Array, y: Float64Array): Float64Array {
  return addVectors(x, y, 'addShares');
}

function addVectors(x: Float64Array, y: Float64Array, context: string): Float64Array {
  const n = checkPair(x, y, context);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = x[i] + y[i];
    out[i] = s >= P ? s - P : s;
  }
  return out;
}

/** Share of x − y from shares of x and y (each party locally). Spec: §7.2 */
export function subShares(x: Float64Array, y: Float64Array): Float64Array {
  const n = checkPair(x, y, 'subShares');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    out[i] = d < 0 ? d + P : d;
  }
  return out;
}

/** Share of −x from a share of x (each party locally). Spec: §7.2 */
export function negShare(x: Float64Array): Float64Array {
  const n = checkFieldVector(x, 'negShare');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i] === 0 ? 0 : P - x[i];
  return out;
}

/**
 * Share of c·x for a public c: a field element applied to every entry, or a vector of them
 * (element-wise). Both parties multiply their own share. Spec: §7.2
 */
export function scaleShare(x: Float64Array, c: number | Float64Array): Float64Array {
  const n = checkFieldVector(x, 'scaleShare: share');
  const out = new Float64Array(n);
  if (typeof c === 'number') {
    checkFieldElement(c, 'scaleShare: constant');
    for (let i = 0; i < n; i++) out[i] = mulModP(x[i], c);
  } else {
    checkLength(checkFieldVector(c, 'scaleShare: constants'), n, 'scaleShare: constants');
    for (let i = 0; i < n; i++) out[i] = mulModP(x[i], c[i]);
  }
  return out;
}

/**
 * Share of x + c for a public c (a field element for every entry, or a vector): party 0 adds c,
 * party 1 returns a copy of its share unchanged — if both added it, the sum would hold 2c.
 * Spec: §7.2
 */
export function addPublic(role: PartyRole, x: Float64Array, c: number | Float64Array): Float64Array {
  checkRole(role, 'addPublic');
  const n = checkFieldVector(x, 'addPublic: share');
  if (typeof c === 'number') checkFieldElement(c, 'addPublic: constant');
  else checkLength(checkFieldVector(c, 'addPublic: constants'), n, 'addPublic: constants');
  const out = Float64Array.from(x);
  if (role === 1) return out;
  for (let i = 0; i < n; i++) {
    const s = out[i] + (typeof c === 'number' ? c : c[i]);
    out[i] = s >= P ? s - P : s;
  }
  return out;
}

function checkPair(x: Float64Array, y: Float64Array, context: string): number {
  const n = checkFieldVector(x, `${context}: first operand`);
  checkLength(checkFieldVector(y, `${context}: second operand`), n, context);
  return n;
}
