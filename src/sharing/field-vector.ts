/**
 * Vectors of share-field elements: validation, party roles, and uniform sampling.
 *
 * A *field vector* is a `Float64Array` whose entries are integers in [0, p), p = 2061584302081
 * (§3.2). Every public function of the sharing and Beaver layers validates its vectors here so
 * that a wrong input fails with a typed error naming the argument and the index, never with a
 * silently wrong result.
 *
 * Spec: §7.1
 * @module
 */
import { InvalidArgumentError, MalformedInputError, OutOfRangeError, SizeMismatchError } from '../errors.js';
import { P as SHARE_FIELD_P } from '../math/share-field.js';
import type { Rng } from '../random/rng.js';

// Module-local aliases: some module loaders (e.g. Vitest's) turn every use of an imported
// binding into a property read, which keeps hot loops from being optimised.
const P = SHARE_FIELD_P;

/**
 * The index of a party in a two-party computation on additive shares. Party 0 is the one that
 * adds public constants (and the d·e term of a Beaver product); the protocol layer decides which
 * of server and client plays which role. Spec: §7.1
 */
export type PartyRole = 0 | 1;

/** Largest vector length the wire format can describe (a u32 count). Spec: §7.1 */
export const MAX_VECTOR_LENGTH = 2 ** 32 - 1;

/** Throws {@link InvalidArgumentError} unless `role` is 0 or 1. Spec: §7.1 */
export function checkRole(role: unknown, context = 'role'): asserts role is PartyRole {
  if (role !== 0 && role !== 1) {
    throw new InvalidArgumentError(`${context}: a party role is 0 or 1, got ${String(role)}`);
  }
}

/** Throws unless `n` is an integer in [0, {@link MAX_VECTOR_LENGTH}]; returns it. Spec: §7.1 */
export function checkCount(n: unknown, context: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_VECTOR_LENGTH) {
    throw new InvalidArgumentError(`${context}: a count is an integer in [0, 2^32 − 1], got ${String(n)}`);
  }
  return n;
}

/**
 * Throws unless `x` is a single field element: an integer in [0, p). Non-numbers and
 * non-integers give {@link InvalidArgumentError}; integers outside [0, p) give
 * {@link OutOfRangeError}. Spec: §7.1
 */
export function checkFieldElement(x: unknown, context: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) {
    throw new InvalidArgumentError(`${context}: expected an integer field element, got ${String(x)}`);
  }
  if (x < 0 || x >= P) throw new OutOfRangeError(`${context}: ${x} is not in [0, p) (p = ${P})`);
  return x;
}

/**
 * Throws unless `v` is a `Float64Array` of integers in [0, p) (errors as in
 * {@link checkFieldElement}, naming the first bad index); returns its length. Spec: §7.1
 */
export function checkFieldVector(v: unknown, context: string): number {
  if (!(v instanceof Float64Array)) {
    throw new InvalidArgumentError(`${context}: expected a Float64Array of field elements, got ${describe(v)}`);
  }
  const n = v.length;
  if (n > MAX_VECTOR_LENGTH) throw new InvalidArgumentError(`${context}: more than 2^32 − 1 elements`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    // NaN fails both comparisons; the floor test catches fractions and ±Infinity is out of range.
    if (!(x >= 0 && x < P)) {
      if (Number.isNaN(x)) throw new InvalidArgumentError(`${context}[${i}]: NaN is not a field element`);
      if (Number.isInteger(x) || !Number.isFinite(x)) {
        throw new OutOfRangeError(`${context}[${i}]: ${x} is not in [0, p) (p = ${P})`);
      }
      throw new InvalidArgumentError(`${context}[${i}]: ${x} is not an integer`);
    }
    if (Math.floor(x) !== x) throw new InvalidArgumentError(`${context}[${i}]: ${x} is not an integer`);
  }
  return n;
}

/** Throws {@link SizeMismatchError} unless `actual === expected`. Spec: §7.1 */
export function checkLength(actual: number, expected: number, context: string): void {
  if (actual !== expected) {
    throw new SizeMismatchError(`${context}: expected ${expected} elements, got ${actual}`);
  }
}

/** Bytes drawn per sampling attempt (two little-endian uint32 words, as `uniformBelow`). */
const ATTEMPT_BYTES = 8;
/** Attempts drawn per `rng.fill` call, to bound the scratch buffer. */
const ATTEMPTS_PER_FILL = 8192;
/** Mask of the high word: p has 41 bits, so 9 bits above the low 32. */
const HIGH_MASK = 2 ** 9 - 1;
const TWO_32 = 2 ** 32;

/**
 * `n` independent uniform field elements, drawing from `rng` exactly as `n` successive calls of
 * `uniformBelow(rng, p)` (§2.2) would: each attempt reads two little-endian words lo, hi and
 * yields (hi mod 2^9)·2^32 + lo, rejected when ≥ p. Attempts are fetched in bulk, but never more
 * than are still needed, so the stream position afterwards is the same as the scalar sampler's.
 * Spec: §7.2
 */
export function sampleFieldVector(rng: Rng, n: number): Float64Array {
  checkCount(n, 'sampleFieldVector');
  const out = new Float64Array(n);
  const buf = new Uint8Array(ATTEMPT_BYTES * Math.min(n, ATTEMPTS_PER_FILL));
  let filled = 0;
  while (filled < n) {
    const attempts = Math.min(n - filled, ATTEMPTS_PER_FILL);
    const bytes = rng.fill(buf.subarray(0, ATTEMPT_BYTES * attempts));
    for (let j = 0; j < bytes.length; j += ATTEMPT_BYTES) {
      const lo = (bytes[j] | (bytes[j + 1] << 8) | (bytes[j + 2] << 16) | (bytes[j + 3] << 24)) >>> 0;
      const hi = (bytes[j + 4] | (bytes[j + 5] << 8)) & HIGH_MASK;
      const v = hi * TWO_32 + lo;
      if (v < P) out[filled++] = v;
    }
  }
  return out;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** Bytes of one field element on the wire: 48-bit little-endian (p < 2^41). Spec: §7.7 */
export const FIELD_ELEMENT_BYTES = 6;


/**
 * Writes values[start .. start + count) into `msg` from byte `offset`, {@link FIELD_ELEMENT_BYTES}
 * little-endian bytes each; returns the offset after the last one. Spec: §7.7
 */
export function writeFieldElements(msg: Uint8Array, offset: number, values: Float64Array, start: number, count: number): number {
  let o = offset;
  for (let i = start, end = start + count; i < end; i++, o += FIELD_ELEMENT_BYTES) {
    const v = values[i];
    const lo = v >>> 0;
    const hi = (v - lo) / TWO_32;
    msg[o] = lo;
    msg[o + 1] = lo >>> 8;
    msg[o + 2] = lo >>> 16;
    msg[o + 3] = lo >>> 24;
    msg[o + 4] = hi;
    msg[o + 5] = hi >>> 8;
  }
  return o;
}

/**
 * Reads `count` field elements from `msg` at byte `offset` into out[outStart ..]; returns the
 * offset after the last one. An element ≥ p is a {@link MalformedInputError} whose message starts
 * with `name(i)` for the i-th element read. Spec: §7.7
 */
export function readFieldElements(
  msg: Uint8Array,
  offset: number,
  count: number,
  out: Float64Array,
  outStart: number,
  name: (i: number) => string,
): number {
  let o = offset;
  for (let i = 0; i < count; i++, o += FIELD_ELEMENT_BYTES) {
    const lo = (msg[o] | (msg[o + 1] << 8) | (msg[o + 2] << 16) | (msg[o + 3] << 24)) >>> 0;
    const v = (msg[o + 4] | (msg[o + 5] << 8)) * TWO_32 + lo;
    if (v >= P) throw new MalformedInputError(`${name(i)} is ${v}, not below p`);
    out[outStart + i] = v;
  }
  return o;
}
