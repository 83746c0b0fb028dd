/**
 * The trusted dealer: a third party (or, in tests and tutorials, the test itself) that samples
 * Beaver triples and square pairs and hands each party its shares. It sees every secret it deals,
 * so it is for teaching, testing and benchmarking the online phase; Delphi's own preprocessing
 * generates triples between the two parties with BFV (§7.6.1).
 *
 * Spec: §7.5
 * @module
 */
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P } from '../math/share-field.js';
import type { Rng } from '../random/rng.js';
import { checkCount, sampleFieldVector } from '../sharing/field-vector.js';
import type { BeaverTriples, SquarePairs } from './triples.js';

// Module-local aliases: some module loaders (e.g. Vitest's) turn every use of an imported
// binding into a property read, which keeps hot loops from being optimised.
const mulModP = shareFieldMulModP;
const P = SHARE_FIELD_P;

/**
 * Deals `count` Beaver triples: draws the vectors a0, a1, b0, b1, c0 with
 * {@link sampleFieldVector}, in that order, and sets c1 = (a0 + a1)·(b0 + b1) − c0 (mod p).
 * Returns [party 0's shares, party 1's shares]. Spec: §7.5
 */
export function dealTriples(count: number, rng: Rng): [BeaverTriples, BeaverTriples] {
  const n = checkCount(count, 'dealTriples');
  const a0 = sampleFieldVector(rng, n);
  const a1 = sampleFieldVector(rng, n);
  const b0 = sampleFieldVector(rng, n);
  const b1 = sampleFieldVector(rng, n);
  const c0 = sampleFieldVector(rng, n);
  const c1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = a0[i] + a1[i];
    if (a >= P) a -= P;
    let b = b0[i] + b1[i];
    if (b >= P) b -= P;
    const d = mulModP(a, b) - c0[i];
    c1[i] = d < 0 ? d + P : d;
  }
  return [
    { a: a0, b: b0, c: c0 },
    { a: a1, b: b1, c: c1 },
  ];
}

/**
 * Deals `count` square pairs: draws a0, a1, q0 with {@link sampleFieldVector}, in that order, and
 * sets q1 = (a0 + a1)² − q0 (mod p). Returns [party 0's shares, party 1's shares]. Spec: §7.5
 */
export function dealSquarePairs(count: number, rng: Rng): [SquarePairs, SquarePairs] {
  const n = checkCount(count, 'dealSquarePairs');
  const a0 = sampleFieldVector(rng, n);
  const a1 = sampleFieldVector(rng, n);
  const q0 = sampleFieldVector(rng, n);
  const q1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = a0[i] + a1[i];
    if (a >= P) a -= P;
    const d = mulModP(a, a) - q0[i];
    q1[i] = d < 0 ? d + P : d;
  }
  return [
    { a: a0, aSquared: q0 },
    { a: a1, aSquared: q1 },
  ];
}
