/** Helpers of the sharing tests: seeded generators and BigInt views of field vectors. */
import { P, P_BIG } from '../../src/math/share-field.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';

export function rngFor(label: string): Rng {
  return fromTextSeed(`test/sharing/${label}`);
}

/** Residue of a bigint in [0, p) as a number. */
export function modP(x: bigint): number {
  return Number(((x % P_BIG) + P_BIG) % P_BIG);
}

/** Signed representative of a residue, as a bigint. */
export function signedBig(v: number): bigint {
  const b = BigInt(v);
  return 2n * b > P_BIG ? b - P_BIG : b;
}

/** ⌊a/d⌋ for bigints, d > 0 (BigInt division truncates toward zero). */
export function floorDivBig(a: bigint, d: bigint): bigint {
  const q = a / d;
  return a < 0n && q * d !== a ? q - 1n : q;
}

/** `n` uniform residues in [0, p), drawn one at a time with the scalar sampler. */
export function randomField(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = uniformBelow(rng, P);
  return out;
}

/** `n` residues whose signed values are uniform in (−bound, bound). */
export function randomSigned(rng: Rng, n: number, bound: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = uniformBelow(rng, 2 * bound - 1) - (bound - 1);
    out[i] = v < 0 ? v + P : v;
  }
  return out;
}
