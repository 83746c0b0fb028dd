/**
 * The fast fixed-point evaluator (float64 kernels on exact integers, §8.9) against the slow
 * BigInt reference that computes every layer over Z_p as the spec writes it
 * (evaluateFixedPointReference), and against the evaluator's own bigint fallback path.
 */
import { describe, expect, it } from 'vitest';
import {
  compileFixedPoint,
  encodeInput,
  evaluateFixedPoint,
  evaluateFixedPointReference,
  shapeSize,
} from '../../src/nn/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS, randomInput } from './helpers/networks.js';

describe('evaluateFixedPoint matches the BigInt Z_p reference', () => {
  for (const [name, build] of Object.entries(NETWORKS)) {
    for (const f of [6, 8, 12]) {
      it(`${name}, f = ${f}`, () => {
        const rng = fromTextSeed(`bigint-reference/${name}/${f}`);
        const model = build(rng);
        const fp = compileFixedPoint(model, { fractionalBits: f });
        for (let trial = 0; trial < 3; trial++) {
          const x = randomInput(rng, shapeSize(model.inputShape), -1.5, 1.5);
          const fast = evaluateFixedPoint(fp, x, { trace: true });
          const field = encodeInput(fp, x);
          const ref = evaluateFixedPointReference(fp, field);
          expect(fast.logits).toEqual(ref[ref.length - 1]);
          // Every intermediate tensor, not just the output.
          expect(fast.trace!.slice(1).map((t) => t.values)).toEqual(ref);
          expect(fast.trace![0].values).toEqual(field);
          // Field-element input gives the same result as real input.
          expect(evaluateFixedPoint(fp, field).logits).toEqual(fast.logits);
        }
      });
    }
  }

  it('the bigint fallback path agrees with the float64 path', () => {
    const rng = fromTextSeed('bigint-reference/fallback');
    for (const build of Object.values(NETWORKS)) {
      const model = build(rng);
      const fp = compileFixedPoint(model);
      const x = randomInput(rng, shapeSize(model.inputShape));
      expect(evaluateFixedPoint(fp, x, { forceBigint: true }).logits).toEqual(evaluateFixedPoint(fp, x).logits);
    }
  });

  it('decoded outputs are the signed logits divided by 2^(2f)', () => {
    const rng = fromTextSeed('bigint-reference/decode');
    const model = NETWORKS.lenetLike(rng);
    const fp = compileFixedPoint(model, { fractionalBits: 9 });
    const r = evaluateFixedPoint(fp, randomInput(rng, 100));
    expect(r.outputScale).toBe(2);
    const p = 2061584302081n;
    r.logits.forEach((z, i) => {
      const signed = z > (p - 1n) / 2n ? z - p : z;
      expect(r.decoded[i]).toBe(Number(signed) / 2 ** 18);
    });
  });
});
