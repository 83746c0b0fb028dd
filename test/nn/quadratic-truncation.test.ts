/**
 * §8.10: a protocol that truncates additive shares locally (SecureML-style: party 0 shifts its
 * share, party 1 shifts the negation of its share) differs from the reference quadratic by at most
 * quadraticDeviationBound. The share truncation is simulated here from its definition, with
 * BigInt arithmetic mod p, and fed to quadraticFixed as its truncation function.
 */
import { describe, expect, it } from 'vitest';
import { quadraticDeviationBound } from '../../src/sharing/activations.js';
import { quadraticFixed } from '../../src/sharing/index.js';
import { truncateFloor } from '../../src/sharing/fixed-point.js';
import { fromTextSeed, uniformBigintBelow, uniformBelow, type Rng } from '../../src/random/index.js';

const p = 2061584302081n;

/** Shares z at random, truncates each share locally by `bits`, and reconstructs. */
function shareTruncation(rng: Rng): (z: number, bits: number) => number {
  return (z, bits) => {
    const x = ((BigInt(z) % p) + p) % p;
    const s0 = uniformBigintBelow(rng, p);
    const s1 = (x - s0 + p) % p;
    const t0 = s0 >> BigInt(bits);
    const t1 = (p - ((p - s1) % p >> BigInt(bits))) % p;
    const y = (t0 + t1) % p;
    return Number(y > (p - 1n) / 2n ? y - p : y);
  };
}

describe('quadratic activation under local share truncation', () => {
  const delphi = { a2: 51, a1: 128, a0: 51 }; // 0.2, 0.5, 0.2 at f = 8

  it('local truncation is the floor or one more (for values far below p)', () => {
    const rng = fromTextSeed('quad/trunc');
    const trunc = shareTruncation(rng);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const z = uniformBelow(rng, 2 ** 30) - 2 ** 29;
      const d = trunc(z, 8) - truncateFloor(z, 8);
      seen.add(d);
      expect(d === 0 || d === 1).toBe(true);
    }
    expect([...seen].sort()).toEqual([0, 1]);
  });

  for (const f of [8, 12]) {
    it(`|out′ − out| ≤ quadraticDeviationBound, f = ${f}`, () => {
      const rng = fromTextSeed(`quad/${f}`);
      const trunc = shareTruncation(rng);
      const c = f === 8 ? delphi : { a2: 819, a1: 2049, a0: 819 }; // ≈ 0.2, 0.5, 0.2 at f = 12
      let maxDeviation = 0;
      for (let i = 0; i < 1500; i++) {
        // y at scale 2f with |y|/2^2f < 8 (f = 8) or < 1 (f = 12), so that |x·x| ≪ p and local
        // truncation wraps with negligible probability (|z|/p per truncation, §8.10).
        const range = f === 8 ? 2 ** (2 * f + 3) : 2 ** (2 * f);
        const y = uniformBelow(rng, 2 * range) - range;
        const exact = quadraticFixed(y, c, f);
        const local = quadraticFixed(y, c, f, trunc);
        const bound = quadraticDeviationBound(y, c, f);
        const dev = Math.abs(local - exact);
        expect(dev).toBeLessThanOrEqual(bound);
        maxDeviation = Math.max(maxDeviation, dev);
      }
      // The comparison is not vacuous: local truncation does change results.
      expect(maxDeviation).toBeGreaterThanOrEqual(2);
    });
  }

  it('the bound by hand: at most 3 units for inputs in [−1, 1) with Delphi\'s coefficients at f = 8', () => {
    // x = −1: E2 = ⌈3/256⌉ + 1 = 2, Et = 51·2 + 128 = 230, bound ⌈230/256⌉ + 1 = 2.
    expect(quadraticDeviationBound(-1, delphi, 8)).toBe(2);
    // x = −256: E2 = ⌈513/256⌉ + 1 = 4, Et = 332, bound 3. x = 255: E2 = 3, Et = 281, bound 3.
    expect(quadraticDeviationBound(-65536, delphi, 8)).toBe(3);
    expect(quadraticDeviationBound(65535, delphi, 8)).toBe(3);
    // x = 2048 (y = 8): E2 = ⌈4097/256⌉ + 1 = 18, Et = 51·18 + 128 = 1046, bound ⌈1046/256⌉ + 1 = 6.
    expect(quadraticDeviationBound(8 * 65536, delphi, 8)).toBe(6);
  });
});
