/**
 * A slow, readable BigInt model of the online Beaver protocols: both parties' computations written
 * out from the formulas of §7.8, with no channel, no chunking and no floating point. The fast
 * implementation must produce exactly the same output shares from the same inputs and triples.
 */
import { P_BIG } from '../../src/math/share-field.js';
import type { BeaverTriples, SquarePairs } from '../../src/beaver/index.js';

const mod = (v: bigint): bigint => ((v % P_BIG) + P_BIG) % P_BIG;
const B = (v: number): bigint => BigInt(v);

/** Output shares [z0, z1] of x·y given both parties' input shares and triples. */
export function beaverMultiplyReference(
  x: [Float64Array, Float64Array],
  y: [Float64Array, Float64Array],
  t: [BeaverTriples, BeaverTriples],
): [Float64Array, Float64Array] {
  const n = x[0].length;
  const z: [Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n)];
  for (let i = 0; i < n; i++) {
    // Each party's masked differences, then the opened values d and e.
    const d0 = mod(B(x[0][i]) - B(t[0].a[i]));
    const e0 = mod(B(y[0][i]) - B(t[0].b[i]));
    const d1 = mod(B(x[1][i]) - B(t[1].a[i]));
    const e1 = mod(B(y[1][i]) - B(t[1].b[i]));
    const d = mod(d0 + d1);
    const e = mod(e0 + e1);
    for (const role of [0, 1] as const) {
      let zi = B(t[role].c[i]) + d * B(t[role].b[i]) + e * B(t[role].a[i]);
      if (role === 0) zi += d * e;
      z[role][i] = Number(mod(zi));
    }
  }
  return z;
}

/** Output shares [z0, z1] of x² given both parties' input shares and square pairs. */
export function beaverSquareReference(
  x: [Float64Array, Float64Array],
  s: [SquarePairs, SquarePairs],
): [Float64Array, Float64Array] {
  const n = x[0].length;
  const z: [Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n)];
  for (let i = 0; i < n; i++) {
    const d = mod(B(x[0][i]) - B(s[0].a[i]) + B(x[1][i]) - B(s[1].a[i]));
    for (const role of [0, 1] as const) {
      let zi = B(s[role].aSquared[i]) + 2n * d * B(s[role].a[i]);
      if (role === 0) zi += d * d;
      z[role][i] = Number(mod(zi));
    }
  }
  return z;
}
