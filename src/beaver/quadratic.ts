/**
 * The quadratic activation a2·x² + a1·x + a0 on fixed-point shares, Delphi's cheap replacement for
 * ReLU, in one online round (the opening of x − a for x²), and its plaintext BigInt reference.
 *
 * With f fractional bits, D = 2^f and A_j = encodeFixed(a_j, f), the protocol computes
 *   S  = x²                              (Beaver square; 2f fractional bits)
 *   S' = truncate(S, f)                  (f bits)
 *   T  = A2·S' + A1·x + A0·D             (2f bits; A0·D added by party 0 only)
 *   y  = truncate(T, f)                  (f bits)
 * and the reference computes the same with exact floors: y_ref = ⌊(A2·⌊X²/D⌋ + A1·X + A0·D)/D⌋.
 * The two differ by the carries of the two truncations only (quadraticErrorRange).
 *
 * Spec: §7.9
 * @module
 */
import { InvalidArgumentError, OutOfRangeError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P, P_BIG, P_HALF } from '../math/share-field.js';
import { checkFieldVector, checkRole, type PartyRole } from '../sharing/field-vector.js';
import { DEFAULT_FRACTIONAL_BITS, checkFractionalBits, encodeFixed } from '../sharing/fixed-point.js';
import { truncateShareUnchecked } from '../sharing/truncation.js';
import { beaverMultiply, beaverSquare, type BeaverOptions } from './multiply.js';
import { checkSquarePairs, checkTriples, type BeaverTriples, type SquarePairs } from './triples.js';

// Module-local aliases: some module loaders (e.g. Vitest's) turn every use of an imported
// binding into a property read, which keeps hot loops from being optimised.
const mulModP = shareFieldMulModP;
const P = SHARE_FIELD_P;

/** Real coefficients of a2·x² + a1·x + a0. Spec: §7.9 */
export interface QuadraticCoefficients {
  readonly a2: number;
  readonly a1: number;
  readonly a0: number;
}

/**
 * Delphi's activation polynomial 0.2·x² + 0.5·x + 0.2 (mc2-project/delphi, experiments: the
 * `Polynomial` [0.2, 0.5, 0.2], constant term first). Spec: §7.9
 */
export const DELPHI_QUADRATIC_COEFFICIENTS: QuadraticCoefficients = Object.freeze({ a2: 0.2, a1: 0.5, a0: 0.2 });

/** Coefficients as field elements with f fractional bits (A_j = encodeFixed(a_j, f)). Spec: §7.9 */
export interface EncodedQuadratic {
  readonly a2: number;
  readonly a1: number;
  readonly a0: number;
  readonly fractionalBits: number;
}

/**
 * Encodes the coefficients with {@link encodeFixed}: for Delphi's polynomial and f = 8,
 * A2 = 51, A1 = 128, A0 = 51 (0.19921875, 0.5, 0.19921875). Spec: §7.9
 */
export function encodeQuadraticCoefficients(
  coeffs: QuadraticCoefficients = DELPHI_QUADRATIC_COEFFICIENTS,
  f: number = DEFAULT_FRACTIONAL_BITS,
): EncodedQuadratic {
  checkFractionalBits(f, 'encodeQuadraticCoefficients');
  if (typeof coeffs !== 'object' || coeffs === null) {
    throw new InvalidArgumentError('encodeQuadraticCoefficients: expected { a2, a1, a0 }');
  }
  return {
    a2: encodeFixed(coeffs.a2, f),
    a1: encodeFixed(coeffs.a1, f),
    a0: encodeFixed(coeffs.a0, f),
    fractionalBits: f,
  };
}

function isSquarePairs(m: BeaverTriples | SquarePairs): m is SquarePairs {
  return typeof m === 'object' && m !== null && 'aSquared' in m;
}

/**
 * Evaluates a2·x² + a1·x + a0 on a shared fixed-point vector; returns this party's share of y
 * (f fractional bits). `material` is either square pairs (one opening of d = x − a) or triples
 * (used as x·x, opening d and e: twice the traffic), with exactly x.length entries, never reused.
 * Spec: §7.9
 */
export async function quadraticActivation(
  channel: Channel,
  role: PartyRole,
  xShare: Float64Array,
  material: BeaverTriples | SquarePairs,
  coeffs: QuadraticCoefficients = DELPHI_QUADRATIC_COEFFICIENTS,
  f: number = DEFAULT_FRACTIONAL_BITS,
  options?: BeaverOptions,
): Promise<Float64Array> {
  checkRole(role, 'quadraticActivation');
  const n = checkFieldVector(xShare, 'quadraticActivation: x');
  const enc = encodeQuadraticCoefficients(coeffs, f);
  if (isSquarePairs(material)) checkSquarePairs(material, n);
  else checkTriples(material, n);
  const s = isSquarePairs(material)
    ? await beaverSquare(channel, role, xShare, material, options)
    : await beaverMultiply(channel, role, xShare, xShare, material, options);
  truncateShareUnchecked(role, s, f, s);
  const constant = role === 0 ? mulModP(enc.a0, 2 ** f) : 0;
  for (let i = 0; i < n; i++) {
    let t = mulModP(enc.a2, s[i]) + mulModP(enc.a1, xShare[i]);
    if (t >= P) t -= P;
    t += constant;
    if (t >= P) t -= P;
    s[i] = t;
  }
  return truncateShareUnchecked(role, s, f, s);
}

function signedBig(v: number): bigint {
  return BigInt(v > P_HALF ? v - P : v);
}

function floorDiv(a: bigint, d: bigint): bigint {
  const q = a / d;
  return a < 0n && q * d !== a ? q - 1n : q;
}

const P_HALF_BIG = BigInt(P_HALF);

/**
 * The plaintext fixed-point computation the protocol approximates, in exact BigInt arithmetic on
 * signed values X: S = ⌊X²/D⌋, T = A2·S + A1·X + A0·D, y = ⌊T/D⌋ (mod p), with D = 2^f. Throws
 * {@link OutOfRangeError} when X² or T exceeds (p − 1)/2 in magnitude — inputs for which the
 * protocol's result is meaningless. Spec: §7.9
 */
export function quadraticReference(
  x: Float64Array,
  coeffs: QuadraticCoefficients = DELPHI_QUADRATIC_COEFFICIENTS,
  f: number = DEFAULT_FRACTIONAL_BITS,
): Float64Array {
  const n = checkFieldVector(x, 'quadraticReference');
  const enc = encodeQuadraticCoefficients(coeffs, f);
  const A2 = signedBig(enc.a2);
  const A1 = signedBig(enc.a1);
  const A0 = signedBig(enc.a0);
  const D = 1n << BigInt(f);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const X = signedBig(x[i]);
    const square = X * X;
    if (square > P_HALF_BIG) {
      throw new OutOfRangeError(`quadraticReference[${i}]: x² = ${square} exceeds (p − 1)/2`);
    }
    const T = A2 * floorDiv(square, D) + A1 * X + A0 * D;
    if (T > P_HALF_BIG || -T > P_HALF_BIG) {
      throw new OutOfRangeError(`quadraticReference[${i}]: a2·x² + a1·x + a0 at scale 2f (${T}) exceeds (p − 1)/2`);
    }
    const y = floorDiv(T, D);
    out[i] = Number(((y % P_BIG) + P_BIG) % P_BIG);
  }
  return out;
}

/**
 * The range [min, max] of y − y_ref (signed) when neither truncation fails: with a = signed A2,
 * min = −⌈|a|/D⌉ if a < 0 else 0, and max = ⌈a/D⌉ + 1 if a > 0 else 1. For Delphi's polynomial
 * and f = 8: [0, 2]. Spec: §7.9
 */
export function quadraticErrorRange(
  coeffs: QuadraticCoefficients = DELPHI_QUADRATIC_COEFFICIENTS,
  f: number = DEFAULT_FRACTIONAL_BITS,
): { min: number; max: number } {
  const enc = encodeQuadraticCoefficients(coeffs, f);
  const a = enc.a2 > P_HALF ? enc.a2 - P : enc.a2;
  const D = 2 ** f;
  return a < 0 ? { min: -Math.ceil(-a / D), max: 1 } : { min: 0, max: Math.ceil(a / D) + 1 };
}

/**
 * Upper bound on the probability that one activation fails (one of its two truncations wraps),
 * for inputs with |X| ≤ maxAbsX in field units (X = encodeFixed(x, f)): (M² + T_max)/p with
 * M = maxAbsX and T_max = |A2|·(⌊M²/D⌋ + 1) + |A1|·M + |A0|·D; 1 when these exceed (p − 1)/2.
 * Valid when a1 ≠ 0 and the input shares are uniform given x (§7.9). Spec: §7.9
 */
export function quadraticFailureBound(
  maxAbsX: number,
  coeffs: QuadraticCoefficients = DELPHI_QUADRATIC_COEFFICIENTS,
  f: number = DEFAULT_FRACTIONAL_BITS,
): number {
  if (typeof maxAbsX !== 'number' || !Number.isSafeInteger(maxAbsX) || maxAbsX < 0) {
    throw new InvalidArgumentError(`quadraticFailureBound: maxAbsX must be a non-negative integer, got ${String(maxAbsX)}`);
  }
  const enc = encodeQuadraticCoefficients(coeffs, f);
  const abs = (v: number): bigint => BigInt(v > P_HALF ? P - v : v);
  const M = BigInt(maxAbsX);
  const D = 1n << BigInt(f);
  const square = M * M;
  const tMax = abs(enc.a2) * (square / D + 1n) + abs(enc.a1) * M + abs(enc.a0) * D;
  if (square > P_HALF_BIG || tMax > P_HALF_BIG) return 1;
  return Math.min(1, Number(square + tMax) / P);
}
