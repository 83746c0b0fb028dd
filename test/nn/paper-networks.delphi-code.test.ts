/**
 * The paper's CIFAR networks (§8.14) against the layer definitions of Delphi's experiments
 * (rust/experiments/src/minionn.rs, resnet32.rs): layer lists and shapes, the activation counts
 * 173,056 and 303,104, the planner configurations' quadratic layers, and one fixed-point
 * evaluation of each network against the float evaluation.
 */
import { describe, expect, it } from 'vitest';
import {
  compileFixedPoint,
  countActivations,
  evaluateFixedPoint,
  evaluateFloat,
  paperActivations,
  paperNetwork,
  resnet32Network,
  validateModel,
} from '../../src/nn/index.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const shapes = (m: Parameters<typeof validateModel>[0]) => validateModel(m).nodes.map((n) => `${n.layer.type} [${n.shape.join(',')}]`);

function randomImage(seed: string, n: number): Float64Array {
  const rng = fromTextSeed(seed);
  return Float64Array.from({ length: n }, () => uniformBelow(rng, 256) / 255);
}

describe('MiniONN (minionn.rs)', () => {
  const model = paperNetwork('minionn', fromTextSeed('paper/minionn'));

  it('has minionn.rs\'s layers and 173,056 ReLUs in 7 layers', () => {
    expect(shapes(model)).toEqual([
      'conv2d [64,32,32]', 'relu [64,32,32]', 'conv2d [64,32,32]', 'relu [64,32,32]', 'avgPool2d [64,16,16]',
      'conv2d [64,16,16]', 'relu [64,16,16]', 'conv2d [64,16,16]', 'relu [64,16,16]', 'avgPool2d [64,8,8]',
      'conv2d [64,8,8]', 'relu [64,8,8]', 'conv2d [64,8,8]', 'relu [64,8,8]', 'conv2d [16,8,8]', 'relu [16,8,8]',
      'flatten [1024]', 'dense [10]',
    ]);
    expect(countActivations(model)).toEqual({ relu: 173056, relu6: 0, quadratic: 0, total: 173056 });
    expect(model.name).toBe('minionn-cifar10-allrelu-random');
    expect(model.description).toMatch(/RANDOM seeded weights/);
    expect(model.metadata).toMatchObject({ paper: { network: 'minionn', quadraticLayers: 0, weights: 'random (seeded), not trained' } });
  });

  it('places the quadratic layers of each configuration of minionn.rs', () => {
    // minionn.rs lists ReLU positions 1,3,6,8,11,13,15 = activations 1..7.
    expect(paperActivations('minionn', 3)).toEqual(['quadratic', 'relu', 'quadratic', 'quadratic', 'relu', 'relu', 'relu']);
    expect(paperActivations('minionn', 5)).toEqual(['quadratic', 'quadratic', 'relu', 'quadratic', 'relu', 'quadratic', 'quadratic']);
    for (const q of [0, 1, 2, 3, 5, 6, 7]) {
      expect(paperActivations('minionn', q).filter((a) => a === 'quadratic')).toHaveLength(q);
    }
    const q2 = paperNetwork('minionn', fromTextSeed('paper/minionn'), { quadratic: 2 });
    // activations 6 and 7 (64·8·8 and 16·8·8) become quadratic.
    expect(countActivations(q2)).toEqual({ relu: 173056 - 4096 - 1024, relu6: 0, quadratic: 5120, total: 173056 });
    expect(q2.name).toBe('minionn-cifar10-q2-random');
    expect(() => paperActivations('minionn', 4)).toThrow(/no configuration with 4/);
  });

  it('cuts after an activation layer for smoke runs', () => {
    const cut = paperNetwork('minionn', fromTextSeed('paper/minionn'), { activationLayers: 1 });
    expect(shapes(cut)).toEqual(['conv2d [64,32,32]', 'relu [64,32,32]', 'flatten [65536]', 'dense [10]']);
    expect(cut.name).toBe('minionn-cifar10-allrelu-first1-random');
  });

  it('runs through the fixed-point evaluator close to the float evaluation', () => {
    const x = randomImage('paper/minionn/x', 3 * 32 * 32);
    const fixed = evaluateFixedPoint(compileFixedPoint(model), x);
    const float = evaluateFloat(model, x);
    const logits = fixed.decoded;
    expect(logits).toHaveLength(10);
    const fl = Array.from(float);
    for (let i = 0; i < 10; i++) expect(Math.abs(logits[i] - fl[i])).toBeLessThan(0.25 + 0.05 * Math.abs(fl[i]));
  });
});

describe('ResNet-32 (resnet32.rs)', () => {
  const model = paperNetwork('resnet32', fromTextSeed('paper/resnet32'));

  it('has resnet32.rs\'s layers and 303,104 ReLUs in 31 layers', () => {
    const s = shapes(model);
    const convs = s.filter((x) => x.startsWith('conv2d'));
    expect(convs).toEqual([
      ...new Array(11).fill('conv2d [16,32,32]'),
      ...new Array(10).fill('conv2d [32,16,16]'),
      ...new Array(10).fill('conv2d [64,8,8]'),
    ]);
    expect(s.filter((x) => x.startsWith('relu'))).toHaveLength(31);
    expect(s.slice(-3)).toEqual(['avgPool2d [64,4,4]', 'flatten [1024]', 'dense [10]']);
    expect(countActivations(model)).toEqual({ relu: 303104, relu6: 0, quadratic: 0, total: 303104 });
    expect(16384 + 10 * 16384 + 10 * 8192 + 10 * 4096).toBe(303104);
    // Stage 2 and 3 open with a stride-2 convolution; no residual additions (as resnet32.rs).
    const strided = model.layers.flatMap((l, i) => (l.type === 'conv2d' && l.stride[0] === 2 ? [i] : []));
    expect(strided).toEqual([22, 42]);
    expect(model.layers.some((l) => l.type === 'add')).toBe(false);
    expect(model.layers.every((l) => l.type !== 'conv2d' || (l.padding.every((p) => p === 1) && l.kernel[0] === 3))).toBe(true);
  });

  it('places the quadratic layers of resnet32.rs\'s table (0-based activation layers)', () => {
    const q6 = paperActivations('resnet32', 6);
    expect(q6.flatMap((a, i) => (a === 'quadratic' ? [i] : []))).toEqual([3, 5, 18, 19, 26, 27]);
    expect(paperActivations('resnet32', 0)).toEqual(new Array(31).fill('relu'));
    expect(() => paperActivations('resnet32', 2)).toThrow(/no configuration with 2 quadratic layers \(known: 0, 6, 12/);
    for (const q of [12, 14, 16, 18, 20, 22, 24, 26]) {
      expect(paperActivations('resnet32', q).filter((a) => a === 'quadratic')).toHaveLength(q);
    }
    const m = paperNetwork('resnet32', fromTextSeed('paper/resnet32'), { quadratic: 6 });
    // activations 3, 5 (16·32·32 each), 18, 19 (32·16·16), 26, 27 (64·8·8)
    expect(countActivations(m).quadratic).toBe(2 * 16384 + 2 * 8192 + 2 * 4096);
    expect(m.name).toBe('resnet32-cifar100-q6-random');
  });

  it('cuts after an activation layer for smoke runs', () => {
    const cut = paperNetwork('resnet32', fromTextSeed('paper/resnet32'), { activationLayers: 2 });
    expect(shapes(cut)).toEqual(['conv2d [16,32,32]', 'relu [16,32,32]', 'conv2d [16,32,32]', 'relu [16,32,32]', 'flatten [16384]', 'dense [10]']);
    expect(() => paperNetwork('resnet32', fromTextSeed('x'), { activationLayers: 0 })).toThrow(/activationLayers must be an integer in \[1, 31\]/);
    expect(() => resnet32Network(fromTextSeed('x'), { activationLayers: 32 })).toThrow(/\[1, 31\]/);
  });

  it('runs through the fixed-point evaluator close to the float evaluation', () => {
    const x = randomImage('paper/resnet32/x', 3 * 32 * 32);
    const fixed = evaluateFixedPoint(compileFixedPoint(model), x);
    const float = evaluateFloat(model, x);
    const logits = fixed.decoded;
    expect(logits).toHaveLength(10);
    const fl = Array.from(float);
    for (let i = 0; i < 10; i++) expect(Math.abs(logits[i] - fl[i])).toBeLessThan(0.5 + 0.1 * Math.abs(fl[i]));
  });
});
