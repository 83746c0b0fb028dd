/**
 * The batched float32 forward pass of TrainableNetwork (§10.2) against src/nn's float64 evaluator
 * (evaluateFloat/traceFloat, §8.5), sample by sample, on the networks of test/nn (every layer type:
 * strided and padded convolutions, residual adds, batch norm, ReLU6, quadratics, avg pooling).
 */
import { describe, expect, it } from 'vitest';
import { traceFloat } from '../../src/nn/index.js';
import { TrainableNetwork } from '../../src/planner/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS } from '../nn/helpers/networks.js';
import { maxRelativeError, randomFloat32, roundToFloat32 } from './helpers/float32.js';
import { delphiMnistNetwork } from '../../src/nn/index.js';

const CASES = { ...NETWORKS, delphiMnist: delphiMnistNetwork };

describe('TrainableNetwork.forward vs evaluateFloat', () => {
  for (const [name, build] of Object.entries(CASES)) {
    it(`${name}: a batch of 5 matches five float64 evaluations`, () => {
      const model = roundToFloat32(build(fromTextSeed(`planner/forward/${name}`)));
      const net = new TrainableNetwork(model, { maxBatch: 8 });
      const batch = 5;
      const inputs = randomFloat32(fromTextSeed(`planner/forward/${name}/x`), batch * net.inputSize, 0, 1);
      const out = Float32Array.from(net.forward(inputs, batch));
      expect(out.length).toBe(batch * net.outputSize);
      for (let n = 0; n < batch; n++) {
        const expected = traceFloat(model, inputs.subarray(n * net.inputSize, (n + 1) * net.inputSize)).output;
        expect(maxRelativeError(out.subarray(n * net.outputSize, (n + 1) * net.outputSize), expected)).toBeLessThan(1e-4);
      }
    });
  }

  it('toModel gives back the same weights (float32 widened exactly)', () => {
    const model = roundToFloat32(NETWORKS.lenetLike(fromTextSeed('planner/toModel')));
    const back = new TrainableNetwork(model).toModel();
    expect(back.layers).toEqual(model.layers);
  });

  it('a quadratic blend of 0 is ReLU6, of 1 the quadratic', () => {
    const model = roundToFloat32(NETWORKS.mixedNet(fromTextSeed('planner/mix')));
    const relu6 = roundToFloat32({
      ...model,
      layers: model.layers.map((l) => (l.type === 'quadratic' ? { type: 'relu6', name: l.name, input: l.input } : l)),
    } as typeof model);
    const x = randomFloat32(fromTextSeed('planner/mix/x'), new TrainableNetwork(model).inputSize);
    const net = new TrainableNetwork(model, { maxBatch: 1 });
    const asQuadratic = Float32Array.from(net.forward(x, 1));
    net.setQuadraticMix('q1', 0);
    net.setQuadraticMix('q2', 0);
    const asRelu6 = Float32Array.from(net.forward(x, 1));
    expect(maxRelativeError(asQuadratic, traceFloat(model, x).output)).toBeLessThan(1e-4);
    expect(maxRelativeError(asRelu6, traceFloat(relu6, x).output)).toBeLessThan(1e-4);
    expect(() => net.setQuadraticMix('r6', 0.5)).toThrow(/no quadratic layer/);
    expect(() => net.setQuadraticMix('q1', 1.5)).toThrow(/mix must be in \[0, 1\]/);
  });
});
