/**
 * Training benchmarks (§10.2): one SGD step (forward, loss, backward, update) on a batch of 64
 * random MNIST-sized images for Delphi's MNIST network and the small demo network, a forward pass
 * alone, and the blocked matrix product against the plain triple loop.
 * Run: `npx vitest bench --run bench/planner.bench.ts`. Images per second = 64 / (mean step time).
 */
import { bench, describe } from 'vitest';
import { delphiMnistNetwork, smallMnistNetwork, type Model } from '../src/nn/index.js';
import { gemmNN } from '../src/planner/gemm.js';
import { SgdMomentum, softmaxCrossEntropy, TrainableNetwork } from '../src/planner/index.js';
import { fromTextSeed, uniformBelow } from '../src/random/index.js';

const rng = fromTextSeed('bench/planner');
const BATCH = 64;
const images = Float32Array.from({ length: BATCH * 784 }, () => uniformBelow(rng, 256) / 255);
const labels = Uint8Array.from({ length: BATCH }, () => uniformBelow(rng, 10));

function stepper(model: Model): { step: () => void; forward: () => void } {
  const net = new TrainableNetwork(model, { maxBatch: BATCH });
  const opt = new SgdMomentum(net.parameters, { momentum: 0.9, weightDecay: 5e-4, clipNorm: 5 });
  const grad = new Float32Array(BATCH * 10);
  return {
    step() {
      net.zeroGrad();
      softmaxCrossEntropy(net.forward(images, BATCH), labels, 0, BATCH, 10, grad);
      net.backward(grad);
      opt.step(0.01);
    },
    forward() {
      net.forward(images, BATCH);
    },
  };
}

const delphi = stepper(delphiMnistNetwork(rng, { activations: ['relu6', 'relu6', 'relu6'] }));
const small = stepper(smallMnistNetwork(rng, { activations: ['relu6', 'relu6'] }));

describe('training step, batch of 64 MNIST images', () => {
  bench('Delphi MNIST network: SGD step', delphi.step);
  bench('Delphi MNIST network: forward only', delphi.forward);
  bench('small MNIST network: SGD step', small.step);
});

// The conv2 product of Delphi's network on a batch of 64: [16 × 400] · [400 × 4096].
const a = Float32Array.from({ length: 16 * 400 }, () => uniformBelow(rng, 1000) / 1000 - 0.5);
const b = Float32Array.from({ length: 400 * 4096 }, () => uniformBelow(rng, 1000) / 1000);
const c = new Float32Array(16 * 4096);
function naive(m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}

describe('matrix product 16×400 · 400×4096 (26 M multiply-adds)', () => {
  bench('gemmNN (blocked)', () => gemmNN(16, 4096, 400, a, 0, b, 0, c, 0, false));
  bench('triple loop', () => naive(16, 4096, 400));
});
