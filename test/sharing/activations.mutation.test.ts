/**
 * The fixed-point activations of §8.9.3 (src/sharing/activations.ts) against a BigInt reference, at
 * the edges the other tests do not reach: ReLU and ReLU6 of negative inputs, the quadratic at
 * exactly ±(p−1)/2 (accepted) and one past it (refused, with the message), and the quadratic's exact
 * branch, taken when a product reaches 2^53: coefficients chosen so that the float sum of the
 * rounded products is off by one while the exact sum is in range.
 */
import { describe, expect, it } from 'vitest';
import { OutOfRangeError } from '../../src/errors.js';
import { P_HALF } from '../../src/math/share-field.js';
import { quadraticFixed, relu6Fixed, reluFixed } from '../../src/sharing/activations.js';

const PH = BigInt(P_HALF);
const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** quadraticFixed in BigInt: x = ⌊y/2^f⌋, x2 = ⌊x²/2^f⌋, t = a2·x2 + a1·x, out = ⌊t/2^f⌋ + a0. */
function quadraticRef(y: number, c: { a2: number; a1: number; a0: number }, f: number): bigint {
  const s = 2n ** BigInt(f);
  const x = floorDiv(BigInt(y), s);
  const x2 = floorDiv(x * x, s);
  const t = BigInt(c.a2) * x2 + BigInt(c.a1) * x;
  if (t > PH || t < -PH) throw new Error('out of range');
  return floorDiv(t, s) + BigInt(c.a0);
}

function expectOutOfRange(f: () => unknown, message: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(OutOfRangeError);
  expect((caught as Error).message).toBe(message);
}

describe('ReLU and ReLU6 at scale f', () => {
  it('negative inputs give 0, positive ones ⌊y/2^f⌋, ReLU6 capped at 6·2^f', () => {
    for (const f of [0, 2, 8]) {
      for (const y of [-1, -5, -(2 ** 20) - 3]) {
        expect(reluFixed(y, f)).toBe(0);
        expect(relu6Fixed(y, f)).toBe(0);
      }
      expect(reluFixed(3 * 2 ** f + 2 ** f - 1, f)).toBe(3);
      expect(relu6Fixed(7 * 4 ** f + 1, f)).toBe(6 * 2 ** f);
      expect(relu6Fixed(6 * 4 ** f - 1, f)).toBe(6 * 2 ** f - 1);
    }
  });
});

describe('quadraticFixed', () => {
  it('t = ±(p−1)/2 is accepted, one more is refused with the message', () => {
    expect(quadraticFixed(1, { a2: P_HALF, a1: 0, a0: 0 }, 0)).toBe(P_HALF);
    expect(quadraticFixed(1, { a2: -P_HALF, a1: 0, a0: 5 }, 0)).toBe(-P_HALF + 5);
    expectOutOfRange(() => quadraticFixed(1, { a2: P_HALF + 1, a1: 0, a0: 0 }, 0), 'quadratic: a2·x2 + a1·x exceeds (p−1)/2 (x = 1)');
    expectOutOfRange(() => quadraticFixed(-16, { a2: 0, a1: P_HALF, a0: 0 }, 3), 'quadratic: a2·x2 + a1·x exceeds (p−1)/2 (x = -2)');
  });

  it('x·x beyond (p−1)/2 is refused with the message ((p−1)/2 = 15·2^36 is no square, so ≥ and > agree)', () => {
    const x = Math.ceil(Math.sqrt(P_HALF));
    expect(x * x > P_HALF && (x - 1) * (x - 1) < P_HALF).toBe(true);
    expectOutOfRange(() => quadraticFixed(x, { a2: 0, a1: 0, a0: 0 }, 0), `quadratic: x·x = ${x}² exceeds (p−1)/2`);
    expect(quadraticFixed(x - 1, { a2: 0, a1: 1, a0: 0 }, 0)).toBe(x - 1);
  });

  it('products of 2^53 and more are summed exactly (BigInt reference)', () => {
    // f = 3, y = 40: x = 5, x2 = ⌊25/8⌋ = 3. a2·x2 = 2^53 + 1 rounds to 2^53 in float.
    const cases = [
      { y: 40, c: { a2: 3002399751580331, a1: -1801439850948197, a0: 0 }, f: 3, want: 1n }, // t = 8 (float: 7)
      { y: 40, c: { a2: -3002399751580331, a1: 1801439850948197, a0: 2 }, f: 3, want: 1n }, // t = −8
      { y: 3, c: { a2: 1000799917193441, a1: -3002399751580331, a0: 0 }, f: 0, want: -24n }, // a1·x rounds to −2^53
      { y: 3, c: { a2: 1000799917193443, a1: -3002399751580331, a0: 1 }, f: 0, want: -5n },
    ];
    for (const { y, c, f, want } of cases) {
      expect(quadraticRef(y, c, f)).toBe(want);
      expect(quadraticFixed(y, c, f)).toBe(Number(want));
    }
    // Exactly ±(p−1)/2 through the exact branch: 3·a2 = 2^53 + 13, 5·a1 = (p−1)/2 − 2^53 − 13.
    const a2 = 3002399751580335;
    const a1 = Number((PH - 2n ** 53n - 13n) / 5n);
    expect(quadraticRef(40, { a2, a1, a0: 0 }, 3)).toBe(PH / 8n);
    expect(quadraticFixed(40, { a2, a1, a0: 0 }, 3)).toBe(Number(PH / 8n));
    expect(quadraticFixed(40, { a2: -a2, a1: -a1, a0: 0 }, 3)).toBe(Number(floorDiv(-PH, 8n)));
    // One past it, and products that do not cancel: refused.
    for (const c of [{ a2, a1: a1 + 1, a0: 0 }, { a2: -a2, a1: -a1 - 1, a0: 0 }, { a2: 3002399751580331, a1: 0, a0: 0 }, { a2: -3002399751580331, a1: 0, a0: 0 }]) {
      expectOutOfRange(() => quadraticFixed(40, c, 3), 'quadratic: a2·x2 + a1·x exceeds (p−1)/2 (x = 5)');
    }
  });
});
