/**
 * The reference networks (§8.14) against the architectures in Delphi's code
 * (rust/experiments/src/mnist.rs, minionn.rs): layer shapes, the 10,340 activations of the MNIST
 * network, MiniONN's 173,056, delphi-ts's small demo network (1,216), and reproducible
 * Kaiming-uniform weights.
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, countActivations, delphiMnistNetwork, evaluateFixedPoint, evaluateFloat, minionnCifar10Network, smallMnistNetwork, validateModel } from '../../src/nn/index.js';
import { kaimingUniform, uniformUnit } from '../../src/nn/init.js';
import { loadMnist } from '../../src/cli/mnist.js';
import { fromTextSeed } from '../../src/random/index.js';

describe('smallMnistNetwork', () => {
  it('conv 8×5×5 stride 2 → act → avgPool 2 → dense 64 → act → dense 10: 1,216 activations', () => {
    const model = smallMnistNetwork(fromTextSeed('arch/small'), { activations: ['relu6', 'quadratic'] });
    const shapes = validateModel(model).nodes.map((n) => `${n.layer.type} ${n.layer.name} [${n.shape.join(',')}]`);
    expect(shapes).toEqual([
      'conv2d conv1 [8,12,12]',
      'relu6 relu1 [8,12,12]',
      'avgPool2d pool1 [8,6,6]',
      'flatten flatten [288]',
      'dense fc1 [64]',
      'quadratic quad2 [64]',
      'dense fc2 [10]',
    ]);
    expect(model.layers[0]).toMatchObject({ stride: [2, 2], padding: [0, 0, 0, 0] });
    expect(countActivations(model)).toEqual({ relu: 0, relu6: 1152, quadratic: 64, total: 1216 });
    expect(smallMnistNetwork(fromTextSeed('arch/small'), { activations: ['relu6', 'quadratic'] }).layers).toEqual(model.layers);
    expect(() => smallMnistNetwork(fromTextSeed('x'), { activations: ['relu', 'tanh' as never] })).toThrow(/"relu", "relu6" or "quadratic"/);
  });
});

describe('delphiMnistNetwork', () => {
  const model = delphiMnistNetwork(fromTextSeed('arch/mnist'));

  it('has the layer shapes of Delphi\'s mnist.rs and 10,340 ReLUs', () => {
    const shapes = validateModel(model).nodes.map((n) => `${n.layer.type} [${n.shape.join(',')}]`);
    expect(shapes).toEqual([
      'conv2d [16,24,24]',
      'relu [16,24,24]',
      'avgPool2d [16,12,12]',
      'conv2d [16,8,8]',
      'relu [16,8,8]',
      'avgPool2d [16,4,4]',
      'flatten [256]',
      'dense [100]',
      'relu [100]',
      'dense [10]',
    ]);
    expect(countActivations(model)).toEqual({ relu: 10340, relu6: 0, quadratic: 0, total: 10340 });
    expect(16 * 24 * 24 + 16 * 8 * 8 + 100).toBe(10340);
  });

  it('replaces activations by the quadratic on request', () => {
    const m = delphiMnistNetwork(fromTextSeed('arch/mnist'), { activations: ['relu', 'quadratic', 'quadratic'] });
    expect(countActivations(m)).toEqual({ relu: 9216, relu6: 0, quadratic: 1124, total: 10340 });
    expect(m.layers.find((l) => l.type === 'quadratic')).toMatchObject({ name: 'quad2', a2: 0.2, a1: 0.5, a0: 0.2 });
    expect(() => delphiMnistNetwork(fromTextSeed('x'), { activations: ['relu'] })).toThrow(/3 entries/);
  });

  it('is reproducible from the seed and Kaiming-uniform', () => {
    const again = delphiMnistNetwork(fromTextSeed('arch/mnist'));
    expect(again.layers).toEqual(model.layers);
    const other = delphiMnistNetwork(fromTextSeed('arch/other'));
    expect(other.layers[0]).not.toEqual(model.layers[0]);
    // conv1 weights: fan-in 25, bound √(6/25); drawn first from the generator.
    const conv1 = model.layers[0] as { weights: Float64Array; bias: Float64Array };
    expect(conv1.weights).toEqual(kaimingUniform(fromTextSeed('arch/mnist'), 400, 25));
    const bound = Math.sqrt(6 / 25);
    expect(Math.max(...conv1.weights.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...conv1.weights.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Math.max(...conv1.bias.map(Math.abs))).toBeLessThanOrEqual(1 / 5);
    const u = uniformUnit(fromTextSeed('u'));
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
  });

  it('fixed point at f = 8 and f = 12 classifies MNIST test images like the float model', async () => {
    const { images } = await loadMnist({ split: 'test', limit: 4 });
    const fp8 = compileFixedPoint(model);
    const fp12 = compileFixedPoint(model, { fractionalBits: 12 });
    const argmax = (v: ArrayLike<number>): number => Array.from(v).indexOf(Math.max(...Array.from(v)));
    let agree8 = 0;
    for (const img of images) {
      const want = evaluateFloat(model, img);
      const got12 = evaluateFixedPoint(fp12, img).decoded;
      got12.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(0.02));
      expect(argmax(got12)).toBe(argmax(want));
      if (argmax(evaluateFixedPoint(fp8, img).decoded) === argmax(want)) agree8++;
    }
    expect(agree8).toBeGreaterThanOrEqual(3);
  });
});

describe('minionnCifar10Network', () => {
  it('has 7 convolutions, 7 activation layers and 173,056 ReLUs', () => {
    const model = minionnCifar10Network(fromTextSeed('arch/minionn'));
    const nodes = validateModel(model).nodes;
    expect(nodes.filter((n) => n.layer.type === 'conv2d').map((n) => n.shape.join('x'))).toEqual([
      '64x32x32',
      '64x32x32',
      '64x16x16',
      '64x16x16',
      '64x8x8',
      '64x8x8',
      '16x8x8',
    ]);
    expect(nodes.filter((n) => n.layer.type === 'relu').length).toBe(7);
    expect(validateModel(model).outputShape).toEqual([10]);
    expect(countActivations(model).relu).toBe(2 * 65536 + 2 * 16384 + 2 * 4096 + 1024);
    expect(countActivations(model).relu).toBe(173056);
  });
});
