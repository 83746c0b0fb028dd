/**
 * applyLinearModP (§9.6) against the BigInt linear algebra of §8.9.1 (exactLinearBig of
 * src/nn/fixed-eval-reference.ts) reduced mod p, on random field vectors and weights of every magnitude:
 * one limb, several limbs, and row norms above 2^52 (the BigInt path).
 */
import { describe, expect, it } from 'vitest';
import { SizeMismatchError } from '../../src/errors.js';
import { exactLinearBig } from '../../src/nn/fixed-eval-reference.js';
import { type FixedPointLayer } from '../../src/nn/index.js';
import { applyLinearModP, linearLimbBits, type LinearModPLayer } from '../../src/protocol/linear.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';
import { sampleFieldVector } from '../../src/sharing/index.js';

const P = 2061584302081n;
const rng = fromTextSeed('protocol/linear');

/** Signed integer weights with |w| < 2^bits (exact in a double up to 2^53). */
function weights(r: Rng, n: number, bits: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const m = bits <= 32 ? uniformBelow(r, 2 ** bits) : uniformBelow(r, 2 ** (bits - 21)) * 2 ** 21 + uniformBelow(r, 2 ** 21);
    return uniformBelow(r, 2) === 1 ? -m : m;
  });
}

function conv(r: Rng, bits: number): FixedPointLayer & LinearModPLayer {
  const [C, H, W, O] = [2, 6, 5, 3];
  const kernel = [3, 2] as const;
  const stride = [2, 1] as const;
  const padding = [1, 0, 1, 1] as const;
  const OH = Math.floor((H + 2 - 3) / 2) + 1;
  const OW = Math.floor((W + 0 + 1 - 2) / 1) + 1;
  return {
    op: 'conv2d',
    name: 'conv',
    inputs: [-1],
    inputShape: [C, H, W],
    shape: [O, OH, OW],
    scale: 2,
    origin: ['conv'],
    outChannels: O,
    kernel,
    stride,
    padding,
    weights: weights(r, O * C * 6, bits),
    bias: weights(r, O, Math.min(bits + 8, 40)),
  };
}

function dense(r: Rng, bits: number): FixedPointLayer & LinearModPLayer {
  const [n, m] = [17, 6];
  return {
    op: 'dense',
    name: 'fc',
    inputs: [-1],
    inputShape: [n],
    shape: [m],
    scale: 2,
    origin: ['fc'],
    weights: weights(r, n * m, bits),
    bias: weights(r, m, Math.min(bits + 8, 40)),
  };
}

function scale(r: Rng, bits: number): FixedPointLayer & LinearModPLayer {
  return {
    op: 'scale',
    name: 'bn',
    inputs: [-1],
    inputShape: [3, 4, 2],
    shape: [3, 4, 2],
    scale: 2,
    origin: ['bn'],
    factors: weights(r, 3, bits),
    bias: weights(r, 3, Math.min(bits + 8, 40)),
  };
}

function sumPool(): FixedPointLayer & LinearModPLayer {
  return { op: 'sumPool2d', name: 'pool', inputs: [-1], inputShape: [2, 7, 6], shape: [2, 3, 2], scale: 1, origin: ['pool'], kernel: [3, 2], stride: [2, 3] };
}

function reference(layer: FixedPointLayer, x: Float64Array, withBias: boolean): number[] {
  const zero = layer.op === 'sumPool2d' || withBias ? layer : { ...layer, bias: new Float64Array((layer as { bias: Float64Array }).bias.length) };
  return exactLinearBig(zero as FixedPointLayer, Array.from(x, BigInt)).map((v) => Number(((v % P) + P) % P));
}

describe('applyLinearModP vs exactLinearBig mod p', () => {
  const makers: [string, (r: Rng, bits: number) => FixedPointLayer & LinearModPLayer][] = [
    ['conv2d', conv],
    ['dense', dense],
    ['scale', scale],
  ];
  for (const [name, make] of makers) {
    for (const bits of [1, 9, 14, 24, 33, 40, 47, 52]) {
      it(`${name}, weights below 2^${bits}`, () => {
        for (let t = 0; t < 3; t++) {
          const layer = make(rng, bits);
          const n = layer.inputShape.reduce((a, b) => a * b, 1);
          const x = sampleFieldVector(rng, n);
          expect(Array.from(applyLinearModP(layer, x))).toEqual(reference(layer, x, false));
          expect(Array.from(applyLinearModP(layer, x, { bias: true }))).toEqual(reference(layer, x, true));
        }
      });
    }
  }

  it('sumPool2d (window sums; bias ignored)', () => {
    const layer = sumPool();
    const x = sampleFieldVector(rng, 84);
    expect(Array.from(applyLinearModP(layer, x, { bias: true }))).toEqual(reference(layer, x, true));
  });

  it('covers one limb, several limbs and the BigInt path', () => {
    const b = (bits: number) => linearLimbBits(dense(fromTextSeed(`limbs ${bits}`), bits));
    expect(b(1)).toBe(40);
    expect(b(14)).toBeGreaterThan(20);
    expect(b(14)).toBeLessThan(40);
    expect(b(33)).toBeLessThanOrEqual(16);
    expect(b(47)).toBeLessThanOrEqual(3);
    expect(b(52)).toBe(0);
  });

  it('linearLimbBits is the largest b with rowNorm·2^b ≤ 2^53', () => {
    const one = (w: number): LinearModPLayer => ({
      op: 'scale',
      name: 's',
      inputs: [-1],
      inputShape: [1],
      shape: [1],
      scale: 2,
      origin: [],
      factors: Float64Array.of(w),
      bias: Float64Array.of(0),
    } as FixedPointLayer & LinearModPLayer);
    expect(linearLimbBits(one(0))).toBe(40);
    expect(linearLimbBits(one(2 ** 13))).toBe(40);
    expect(linearLimbBits(one(2 ** 13 + 1))).toBe(39);
    expect(linearLimbBits(one(-(2 ** 14)))).toBe(39);
    expect(linearLimbBits(one(2 ** 52))).toBe(1);
    expect(linearLimbBits(one(2 ** 52 + 2))).toBe(0);
  });

  it('rejects a share of the wrong length', () => {
    expect(() => applyLinearModP(dense(rng, 8), new Float64Array(3))).toThrow(SizeMismatchError);
  });
});
