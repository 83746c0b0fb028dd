/**
 * Back-propagation (§10.2) against central finite differences of the loss computed with src/nn's
 * float64 evaluator (traceFloat) and softmax cross-entropy written out here: for every parameter
 * tensor of every test network, a sample of coordinates is perturbed by ±h in float64.
 */
import { describe, expect, it } from 'vitest';
import { createModel, traceFloat, type LayerSpec, type Model } from '../../src/nn/index.js';
import { softmaxCrossEntropy, TrainableNetwork } from '../../src/planner/index.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { NETWORKS } from '../nn/helpers/networks.js';
import { randomFloat32, roundToFloat32 } from './helpers/float32.js';

/** Mean cross-entropy of the batch, all in float64. */
function lossOf(model: Model, inputs: Float32Array, labels: number[]): number {
  const size = inputs.length / labels.length;
  let total = 0;
  labels.forEach((label, n) => {
    const z = traceFloat(model, inputs.subarray(n * size, (n + 1) * size)).output;
    const max = Math.max(...z);
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
    total += lse - z[label];
  });
  return total / labels.length;
}

/** The model with one weight or bias coordinate replaced. */
function perturbed(model: Model, layer: string, key: 'weights' | 'bias', index: number, value: number): Model {
  const layers = model.layers.map((l) => {
    if (l.name !== layer) return l as LayerSpec;
    const copy = Float64Array.from((l as unknown as Record<string, Float64Array>)[key]);
    copy[index] = value;
    return { ...l, [key]: copy } as LayerSpec;
  });
  return createModel({ name: model.name, inputShape: model.inputShape, layers });
}

describe('gradients vs finite differences', () => {
  for (const [name, build] of Object.entries(NETWORKS)) {
    it(`${name}: every parameter tensor`, () => {
      const rng = fromTextSeed(`planner/fd/${name}`);
      const model = roundToFloat32(build(rng));
      const net = new TrainableNetwork(model, { maxBatch: 4 });
      const batch = 3;
      const inputs = randomFloat32(rng, batch * net.inputSize, 0, 1);
      const labels = Array.from({ length: batch }, () => uniformBelow(rng, net.outputSize));
      const grad = new Float32Array(batch * net.outputSize);
      net.zeroGrad();
      const logits = net.forward(inputs, batch);
      softmaxCrossEntropy(logits, labels, 0, batch, net.outputSize, grad);
      net.backward(grad);

      // Small enough that a perturbation rarely moves a ReLU input across 0, large enough for
      // float64 differences (error ≈ 1e-16 / h).
      const h = 1e-6;
      let checked = 0;
      for (const p of net.parameters) {
        const [layer, key] = p.name.split('.') as [string, 'weights' | 'bias'];
        const picks = new Set<number>([0, p.value.length - 1]);
        while (picks.size < Math.min(6, p.value.length)) picks.add(uniformBelow(rng, p.value.length));
        for (const i of picks) {
          const v = p.value[i];
          const numeric = (lossOf(perturbed(model, layer, key, i, v + h), inputs, labels) - lossOf(perturbed(model, layer, key, i, v - h), inputs, labels)) / (2 * h);
          expect(Math.abs(p.grad[i] - numeric), `${p.name}[${i}]: ${p.grad[i]} vs ${numeric}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(10);
    });
  }

  it('a half-way ReLU6/quadratic blend has the blended derivative', () => {
    const rng = fromTextSeed('planner/fd/blend');
    const model = roundToFloat32(NETWORKS.mixedNet(rng));
    const net = new TrainableNetwork(model, { maxBatch: 2 });
    net.setQuadraticMix('q1', 0.5);
    const x = randomFloat32(rng, 2 * net.inputSize, 0, 1);
    const labels = [1, 2];
    const grad = new Float32Array(2 * net.outputSize);
    net.zeroGrad();
    softmaxCrossEntropy(net.forward(x, 2), labels, 0, 2, net.outputSize, grad);
    net.backward(grad);
    // Reference: the blend written in the model format as
    // add(quadratic with halved coefficients, batchNorm(scale 1/2)(relu6)), named q1.
    const q1 = model.layers.find((l) => l.name === 'q1')!;
    if (q1.type !== 'quadratic') throw new Error('q1 must be quadratic');
    const c = traceFloat(model, new Float64Array(net.inputSize)).shapes[model.layers.findIndex((l) => l.name === q1.input)][0];
    const layers: LayerSpec[] = model.layers.flatMap((l): LayerSpec[] =>
      l.name !== 'q1'
        ? [l as LayerSpec]
        : [
            { type: 'quadratic', name: 'qhalf', input: q1.input, a2: q1.a2 / 2, a1: q1.a1 / 2, a0: q1.a0 / 2 },
            { type: 'relu6', name: 'blendRelu6', input: q1.input },
            { type: 'batchNorm', name: 'blendHalf', input: 'blendRelu6', scale: new Float64Array(c).fill(0.5), bias: new Float64Array(c), mean: new Float64Array(c), variance: new Float64Array(c).fill(1), epsilon: 0 },
            { type: 'add', name: 'q1', inputs: ['qhalf', 'blendHalf'] },
          ],
    );
    const reference = createModel({ name: 'blend', inputShape: model.inputShape, layers });
    // conv1 → bn1 → q1: the blend's derivative reaches conv1's bias through the frozen batch norm.
    const p = net.parameters.find((q) => q.name === 'conv1.bias')!;
    for (let i = 0; i < p.value.length; i++) {
      const h = 1e-6;
      const f = (d: number) => lossOf(perturbed(reference, 'conv1', 'bias', i, p.value[i] + d), x, labels);
      const numeric = (f(h) - f(-h)) / (2 * h);
      expect(Math.abs(p.grad[i] - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
    }
  });
});

