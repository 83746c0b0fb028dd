/**
 * Beaver triples and square pairs: one party's shares of correlated randomness, batched as
 * vectors. Entry i of a triple batch holds this party's shares of (a_i, b_i, c_i) with
 * c_i = a_i·b_i; entry i of a square-pair batch its shares of (a_i, a_i²).
 *
 * Every entry MUST be used for at most one multiplication: opening x − a twice with the same a
 * reveals the difference of two secrets.
 *
 * Spec: §7.5
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { mulModP, P } from '../math/share-field.js';
import { checkFieldVector, checkLength } from '../sharing/field-vector.js';

/** One party's shares of a batch of Beaver triples (a, b, c = a·b). Spec: §7.5 */
export interface BeaverTriples {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
}

/** One party's shares of a batch of square pairs (a, a²). Spec: §7.5 */
export interface SquarePairs {
  readonly a: Float64Array;
  readonly aSquared: Float64Array;
}

/**
 * Throws unless `t` is a {@link BeaverTriples} whose three vectors are field vectors of one length
 * (and of length `count` when given); returns that length. Spec: §7.5
 */
export function checkTriples(t: BeaverTriples, count?: number): number {
  if (typeof t !== 'object' || t === null) throw new InvalidArgumentError('expected BeaverTriples { a, b, c }');
  const n = checkFieldVector(t.a, 'triples.a');
  checkLength(checkFieldVector(t.b, 'triples.b'), n, 'triples.b');
  checkLength(checkFieldVector(t.c, 'triples.c'), n, 'triples.c');
  if (count !== undefined) checkLength(n, count, 'triples');
  return n;
}

/**
 * Throws unless `s` is a {@link SquarePairs} whose two vectors are field vectors of one length
 * (and of length `count` when given); returns that length. Spec: §7.5
 */
export function checkSquarePairs(s: SquarePairs, count?: number): number {
  if (typeof s !== 'object' || s === null) throw new InvalidArgumentError('expected SquarePairs { a, aSquared }');
  const n = checkFieldVector(s.a, 'squarePairs.a');
  checkLength(checkFieldVector(s.aSquared, 'squarePairs.aSquared'), n, 'squarePairs.aSquared');
  if (count !== undefined) checkLength(n, count, 'squarePairs');
  return n;
}

function checkRange(n: number, start: number, end: number, context: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > n) {
    throw new InvalidArgumentError(`${context}: need integers 0 ≤ start ≤ end ≤ ${n}, got [${start}, ${end})`);
  }
}

/** Copies entries [start, end) of a triple batch (e.g. to spend a large batch layer by layer). Spec: §7.5 */
export function sliceTriples(t: BeaverTriples, start: number, end: number): BeaverTriples {
  checkRange(checkTriples(t), start, end, 'sliceTriples');
  return { a: t.a.slice(start, end), b: t.b.slice(start, end), c: t.c.slice(start, end) };
}

/** Copies entries [start, end) of a square-pair batch. Spec: §7.5 */
export function sliceSquarePairs(s: SquarePairs, start: number, end: number): SquarePairs {
  checkRange(checkSquarePairs(s), start, end, 'sliceSquarePairs');
  return { a: s.a.slice(start, end), aSquared: s.aSquared.slice(start, end) };
}

/**
 * Indices i at which both parties' shares do not reconstruct to a valid triple
 * ((a0 + a1)·(b0 + b1) ≠ c0 + c1 mod p). For tests and for debugging a triple generator; it needs
 * both parties' shares, so no party can run it in a real deployment. Spec: §7.5
 */
export function inconsistentTripleIndices(t0: BeaverTriples, t1: BeaverTriples): number[] {
  const n = checkTriples(t0);
  checkTriples(t1, n);
  const bad: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = mulModP(add(t0.a[i], t1.a[i]), add(t0.b[i], t1.b[i]));
    if (c !== add(t0.c[i], t1.c[i])) bad.push(i);
  }
  return bad;
}

/** Indices i at which both parties' shares do not reconstruct to a valid square pair. Spec: §7.5 */
export function inconsistentSquarePairIndices(s0: SquarePairs, s1: SquarePairs): number[] {
  const n = checkSquarePairs(s0);
  checkSquarePairs(s1, n);
  const bad: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = add(s0.a[i], s1.a[i]);
    if (mulModP(a, a) !== add(s0.aSquared[i], s1.aSquared[i])) bad.push(i);
  }
  return bad;
}

function add(x: number, y: number): number {
  const s = x + y;
  return s >= P ? s - P : s;
}
