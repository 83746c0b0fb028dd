/** Shared helpers for the math tests: seeded random values (no Math.random) and adversarial pairs. */
import { modInv } from 'bigint-mod-arith';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';

export function rngFor(label: string): Rng {
  return fromTextSeed(`test/math/${label}`);
}

/** `count` uniform values in [0, bound), bound ≤ 2^53. */
export function randomBelow(rng: Rng, bound: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(uniformBelow(rng, bound));
  return out;
}

/**
 * Operand pairs that stress the float-quotient estimate of a·b/m: products that land just above
 * or just below a multiple of m (remainder 0, 1, 2, m−1, m−2), operand extremes, and values at the
 * 26-bit limb boundaries. `prime` says whether m is prime (so that inverses exist).
 */
export function adversarialPairs(rng: Rng, m: number, prime: boolean, count = 200): [number, number][] {
  const pairs: [number, number][] = [];
  const edges = [0, 1, 2, m - 1, m - 2, Math.floor(m / 2), Math.floor(m / 2) + 1, Math.floor(Math.sqrt(m))];
  for (const e of [2 ** 26 - 1, 2 ** 26, 2 ** 26 + 1, 2 ** 30 - 1, 2 ** 32 - 1, 2 ** 39, 2 ** 52 - 1]) {
    if (e < m) edges.push(e);
  }
  for (const a of edges) for (const b of edges) if (a >= 0 && b >= 0 && a < m && b < m) pairs.push([a, b]);
  const M = BigInt(m);
  for (let i = 0; i < count; i++) {
    const a = 1 + uniformBelow(rng, m - 1);
    // b with a·b just above / below a multiple of m: b = ⌈k·m/a⌉ and ⌊k·m/a⌋ for a random k < a.
    const k = BigInt(1 + uniformBelow(rng, Math.max(1, a - 1)));
    const A = BigInt(a);
    const lo = (k * M) / A;
    for (const b of [lo, lo + 1n, lo - 1n]) if (b >= 0n && b < M) pairs.push([a, Number(b)]);
    if (prime) {
      const inv = modInv(A, M);
      // a·b ≡ 1, 2, −1, −2 (mod m): quotient estimates sit right next to an integer.
      for (const t of [1n, 2n, M - 1n, M - 2n]) pairs.push([a, Number((inv * t) % M)]);
    }
  }
  return pairs;
}
