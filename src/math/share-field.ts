/**
 * The field of additive secret shares: integers modulo the 41-bit prime
 * p = 2061584302081 = 15·2^37 + 1 (Delphi's share/plaintext prime). Residues are JS numbers in
 * [0, p); vectors are `Float64Array`s. A residue x > (p−1)/2 stands for the negative x − p.
 *
 * The hot functions are p-specialised copies of `mulModWide` (1/p and the limbs of p folded
 * in as constants); they do not validate (inputs must be integers in [0, p)).
 *
 * Spec: §3.2
 * @module
 */
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../errors.js';

/** The share prime p = 15·2^37 + 1 = 2061584302081 (41 bits). Spec: §3.2 */
export const P = 2061584302081;
/** {@link P} as a bigint. Spec: §3.2 */
export const P_BIG = 2061584302081n;
/** (p − 1)/2: the largest residue read as non-negative by {@link toSigned}. */
export const P_HALF = (P - 1) / 2;

const INV_P = 1 / P;
const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;
const TWO_52 = 2 ** 52;
const INV_TWO_52 = 2 ** -52;
/** p = P1·2^26 + P0. */
const P1 = Math.floor(P * INV_TWO_26);
const P0 = P - P1 * TWO_26;

/** (a + b) mod p for a, b ∈ [0, p). Spec: §3.2 */
export function addModP(a: number, b: number): number {
  const s = a + b;
  return s >= P ? s - P : s;
}

/** (a − b) mod p for a, b ∈ [0, p). Spec: §3.2 */
export function subModP(a: number, b: number): number {
  const d = a - b;
  return d < 0 ? d + P : d;
}

/** (−a) mod p for a ∈ [0, p). Spec: §3.2 */
export function negModP(a: number): number {
  return a === 0 ? 0 : P - a;
}

/**
 * a·b mod p for a, b ∈ [0, p), exact: float quotient ⌊a·b·(1/p)⌋ (error < 2^−10, so off by at
 * most one), remainder recovered modulo 2^52 from 26-bit limbs, then ±p. Spec: §3.2
 */
export function mulModP(a: number, b: number): number {
  // Written out rather than calling the wide.ts helpers: a cross-module call is not always
  // inlined (e.g. under Vitest's module runner), and this is the hottest function of the
  // secret-sharing layer.
  const quot = Math.floor(a * b * INV_P);
  const a1 = Math.floor(a * INV_TWO_26);
  const a0 = a - a1 * TWO_26;
  const b1 = Math.floor(b * INV_TWO_26);
  const b0 = b - b1 * TWO_26;
  let c = a1 * b0 + a0 * b1;
  c -= Math.floor(c * INV_TWO_26) * TWO_26;
  const u1 = Math.floor(quot * INV_TWO_26);
  const u0 = quot - u1 * TWO_26;
  let e = u1 * P0 + u0 * P1;
  e -= Math.floor(e * INV_TWO_26) * TWO_26;
  // ≡ a·b − quot·p (mod 2^52), in (−2^53, 2^53); the true value is in [−p, 2p).
  let r = a0 * b0 - u0 * P0 + (c - e) * TWO_26;
  r -= Math.round(r * INV_TWO_52) * TWO_52;
  r += P * +(r < 0);
  return r - P * +(r >= P);
}

/** Reduces any safe integer (possibly negative) into [0, p). Spec: §3.2 */
export function reduceModP(x: number): number {
  const r = x % P;
  // `+ 0` turns the −0 of e.g. (−17) % 17 into +0.
  return r < 0 ? r + P : r + 0;
}

/**
 * The centered representative of a residue: x if x ≤ (p−1)/2, else x − p, in
 * [−(p−1)/2, (p−1)/2]. Spec: §3.2
 */
export function toSigned(x: number): number {
  return x > P_HALF ? x - P : x;
}

/**
 * The residue of a signed integer |x| ≤ (p−1)/2 (inverse of {@link toSigned}); throws
 * {@link OutOfRangeError} outside that range. Spec: §3.2
 */
export function fromSigned(x: number): number {
  if (!Number.isInteger(x) || x > P_HALF || x < -P_HALF) {
    throw new OutOfRangeError(`fromSigned: expected an integer in [−(p−1)/2, (p−1)/2], got ${x}`);
  }
  return x < 0 ? x + P : x;
}

function checkLengths(name: string, ...arrays: Float64Array[]): number {
  const n = arrays[0].length;
  for (const x of arrays) {
    if (!(x instanceof Float64Array)) throw new InvalidArgumentError(`${name}: expected Float64Array arguments`);
    if (x.length !== n) throw new SizeMismatchError(`${name}: lengths differ (${n} vs ${x.length})`);
  }
  return n;
}

/** out[i] = a[i]·b[i] mod p; `out` may alias a or b. Returns out. Spec: §3.2 */
export function mulVecModP(a: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  const n = checkLengths('mulVecModP', a, b, out);
  for (let i = 0; i < n; i++) out[i] = mulModP(a[i], b[i]);
  return out;
}

/** out[i] = a[i]·c mod p for a scalar c ∈ [0, p). Returns out. Spec: §3.2 */
export function scaleVecModP(a: Float64Array, c: number, out: Float64Array): Float64Array {
  const n = checkLengths('scaleVecModP', a, out);
  for (let i = 0; i < n; i++) out[i] = mulModP(a[i], c);
  return out;
}

/** out[i] = (a[i] + b[i]) mod p. Returns out. Spec: §3.2 */
export function addVecModP(a: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  const n = checkLengths('addVecModP', a, b, out);
  for (let i = 0; i < n; i++) {
    const s = a[i] + b[i];
    out[i] = s >= P ? s - P : s;
  }
  return out;
}

/** out[i] = (a[i] − b[i]) mod p. Returns out. Spec: §3.2 */
export function subVecModP(a: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  const n = checkLengths('subVecModP', a, b, out);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    out[i] = d < 0 ? d + P : d;
  }
  return out;
}

/** out[i] = (−a[i]) mod p. Returns out. Spec: §3.2 */
export function negVecModP(a: Float64Array, out: Float64Array): Float64Array {
  const n = checkLengths('negVecModP', a, out);
  for (let i = 0; i < n; i++) out[i] = a[i] === 0 ? 0 : P - a[i];
  return out;
}

/** Σ a[i]·b[i] mod p (inner product). Spec: §3.2 */
export function dotModP(a: Float64Array, b: Float64Array): number {
  const n = checkLengths('dotModP', a, b);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += mulModP(a[i], b[i]);
    if (acc >= P) acc -= P;
  }
  return acc;
}

/** Element-wise {@link toSigned}: a new Float64Array of centered representatives. Spec: §3.2 */
export function toSignedVec(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] > P_HALF ? a[i] - P : a[i];
  return out;
}

/** Element-wise {@link fromSigned} (range-checked): a new Float64Array of residues. Spec: §3.2 */
export function fromSignedVec(a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = fromSigned(a[i]);
  return out;
}
