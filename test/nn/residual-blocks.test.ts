/**
 * Residual connections (§8.2.7, §8.9.2): where adds may appear, how the compiler lifts a scale-f
 * operand, and that the add is exact — checked on traces (add = u + 2^f·v over Z_p, recomputed
 * here) and against the float model. (Delphi's released code has no skip connections.)
 */
import { describe, expect, it } from 'vitest';
import { compileFixedPoint, createModel, evaluateFixedPoint, traceFloat, type LayerSpec, type Model } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { fromTextSeed } from '../../src/random/index.js';
import { randomInput } from './helpers/networks.js';

const p = 2061584302081n;
const rng = fromTextSeed('residual-blocks');
const conv = (name: string, input?: string): LayerSpec => ({
  type: 'conv2d',
  name,
  ...(input ? { input } : {}),
  outChannels: 3,
  kernel: 3,
  padding: 1,
  weights: kaimingUniform(rng, 81, 27),
  bias: uniformSymmetric(rng, 3, 0.2),
});

function checkAgainstFloat(model: Model): void {
  const fp = compileFixedPoint(model, { fractionalBits: 16 });
  for (let trial = 0; trial < 3; trial++) {
    const x = randomInput(rng, 48, -1, 1);
    const want = traceFloat(model, x).output;
    evaluateFixedPoint(fp, x).decoded.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-3));
  }
}

describe('residual blocks', () => {
  it('ResNet basic block: relu(conv(relu(conv(a))) + a), the skip lifted by 2^f', () => {
    const model = createModel({
      inputShape: [3, 4, 4],
      layers: [
        conv('stem'),
        { type: 'relu', name: 'a' },
        conv('c1'),
        { type: 'relu', name: 'r1' },
        conv('c2'),
        { type: 'add', name: 'block', inputs: ['c2', 'a'] },
        { type: 'relu', name: 'out' },
      ],
    });
    const fp = compileFixedPoint(model, { fractionalBits: 9 });
    const add = fp.layers.find((l) => l.name === 'block')!;
    if (add.op !== 'add') throw new Error('expected add');
    expect([add.lift, add.scale, add.inputs]).toEqual([[false, true], 2, [4, 1]]);
    const trace = evaluateFixedPoint(fp, randomInput(rng, 48, -1, 1), { trace: true }).trace!;
    const [u, v, sum] = [trace[5].values, trace[2].values, trace[6].values]; // c2, a, block (trace[0] = input)
    sum.forEach((s, i) => expect(s).toBe((u[i] + (v[i] << 9n)) % p));
    checkAgainstFloat(model);
  });

  it('a skip from the model input, an add of two activations and chained adds', () => {
    const model = createModel({
      inputShape: [3, 4, 4],
      layers: [
        conv('c1'),
        { type: 'add', name: 'withInput', inputs: ['c1', 'input'] }, // 2f + f
        { type: 'relu', name: 'a' },
        conv('c2'),
        { type: 'relu6', name: 'b' },
        { type: 'add', name: 'twoActs', inputs: ['a', 'b'] }, // f + f
        conv('c3'),
        { type: 'add', name: 'chain1', inputs: ['c3', 'twoActs'] }, // 2f + f
        { type: 'add', name: 'chain2', inputs: ['chain1', 'c1'] }, // 2f + 2f
        { type: 'quadratic', name: 'q' },
      ],
    });
    const fp = compileFixedPoint(model, { fractionalBits: 16 });
    const adds = Object.fromEntries(fp.layers.filter((l) => l.op === 'add').map((l) => [l.name, [l.scale, (l as { lift: unknown }).lift]]));
    expect(adds).toEqual({
      withInput: [2, [false, true]],
      twoActs: [1, [false, false]],
      chain1: [2, [false, true]],
      chain2: [2, [false, false]],
    });
    checkAgainstFloat(model);
  });
});
