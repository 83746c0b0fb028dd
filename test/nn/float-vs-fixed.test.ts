/**
 * Fixed-point evaluation against the float evaluator on random networks: the difference must stay
 * within a worst-case bound derived from f by propagating the rounding errors of §8.7–§8.9
 * (helpers/error-bound.ts), and must shrink as f grows.
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, evaluateFixedPoint, evaluateFloat, shapeSize, traceFloat } from '../../src/nn/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { fixedPointErrorBounds } from './helpers/error-bound.js';
import { NETWORKS, randomInput } from './helpers/networks.js';

describe('fixed point approximates the float model within the derived bound', () => {
  for (const [name, build] of Object.entries(NETWORKS)) {
    it(name, () => {
      const rng = fromTextSeed(`float-vs-fixed/${name}`);
      const model = build(rng);
      const worst: number[] = [];
      const bounds: number[] = [];
      for (const f of [8, 12, 16]) {
        const fp = compileFixedPoint(model, { fractionalBits: f });
        let worstError = 0;
        for (let trial = 0; trial < 4; trial++) {
          const x = randomInput(rng, shapeSize(model.inputShape), -1, 1);
          const exact = traceFloat(model, x).output;
          const r = evaluateFixedPoint(fp, x, { trace: true });
          const perLayer = fixedPointErrorBounds(fp, r.trace!);
          const bound = perLayer[perLayer.length - 1];
          if (trial === 0) bounds.push(bound);
          r.decoded.forEach((v, i) => {
            expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(bound);
            worstError = Math.max(worstError, Math.abs(v - exact[i]));
          });
        }
        worst.push(worstError);
      }
      // The bound scales like 2^−f (here ×1/256 from f = 8 to 16, up to the growth of the values).
      expect(bounds[2]).toBeLessThan(bounds[0] / 128);
      // 8 → 12 → 16 fractional bits: the observed error shrinks.
      expect(worst[1]).toBeLessThan(worst[0]);
      expect(worst[2]).toBeLessThan(worst[1]);
      expect(worst[2]).toBeLessThan(1e-3);
    });
  }

  it('evaluateFloat returns the float64 trace output rounded to float32', () => {
    const rng = fromTextSeed('float-vs-fixed/f32');
    const model = NETWORKS.lenetLike(rng);
    const x = randomInput(rng, 100);
    expect(evaluateFloat(model, x)).toEqual(Float32Array.from(traceFloat(model, x).output));
  });
});
