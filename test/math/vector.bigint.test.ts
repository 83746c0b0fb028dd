/** Element-wise vector arithmetic mod q < 2^30 checked against BigInt. */
import { describe, expect, it } from 'vitest';
import { SizeMismatchError } from '../../src/errors.js';
import { addVecMod, mulAddScalarVecMod, mulVecMod, negVecMod, scaleVecMod, subVecMod } from '../../src/math/vector.js';
import { pointwiseMultiply } from '../../src/math/ntt.js';
import { randomBelow, rngFor } from './helpers.js';

describe('vector ops mod q', () => {
  for (const q of [1073741789, 1073479681, 12289, 2]) {
    it(`match BigInt mod ${q}`, () => {
      const rng = rngFor(`vec/${q}`);
      const n = 2000;
      const a = Uint32Array.from(randomBelow(rng, q, n));
      const b = Uint32Array.from(randomBelow(rng, q, n));
      a[0] = b[0] = q - 1;
      a[1] = 0;
      const c = q - 1 - (q >> 3);
      const Q = BigInt(q);
      const mod = (x: bigint): number => Number(((x % Q) + Q) % Q);
      const add = addVecMod(a, b, new Uint32Array(n), q);
      const sub = subVecMod(a, b, new Uint32Array(n), q);
      const neg = negVecMod(a, new Uint32Array(n), q);
      const mul = mulVecMod(a, b, new Uint32Array(n), q);
      const pw = pointwiseMultiply(a, b, new Uint32Array(n), q);
      const scl = scaleVecMod(a, c, new Uint32Array(n), q);
      const mac = mulAddScalarVecMod(a, b, c, new Uint32Array(n), q);
      const bad: number[] = [];
      for (let i = 0; i < n; i++) {
        const [x, y, z] = [BigInt(a[i]), BigInt(b[i]), BigInt(c)];
        if (
          add[i] !== mod(x + y) ||
          sub[i] !== mod(x - y) ||
          neg[i] !== mod(-x) ||
          mul[i] !== mod(x * y) ||
          pw[i] !== mod(x * y) ||
          scl[i] !== mod(x * z) ||
          mac[i] !== mod(x + y * z)
        ) {
          bad.push(i);
        }
      }
      expect(bad).toEqual([]);
      // In place (aliasing out = a).
      const a2 = Uint32Array.from(a);
      mulVecMod(a2, b, a2, q);
      expect(a2).toEqual(mul);
    });
  }

  it('rejects mismatched lengths', () => {
    expect(() => addVecMod(new Uint32Array(2), new Uint32Array(3), new Uint32Array(2), 17)).toThrow(SizeMismatchError);
    expect(() => pointwiseMultiply(new Uint32Array(2), new Uint32Array(2), new Uint32Array(3), 17)).toThrow(
      SizeMismatchError,
    );
  });
});
