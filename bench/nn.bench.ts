/**
 * Plaintext neural-network benchmarks on Delphi's MNIST network (10,340 ReLUs): float evaluation,
 * fixed-point reference evaluation (f = 8), the BigInt Z_p reference, and compilation.
 * Run: `npx vitest bench --run bench/nn.bench.ts`.
 */
import { bench, describe } from 'vitest';
import {
  compileFixedPoint,
  delphiMnistNetwork,
  encodeInput,
  evaluateFixedPoint,
  evaluateFixedPointReference,
  evaluateFloat,
  minionnCifar10Network,
} from '../src/nn/index.js';
import { fromTextSeed, uniformBelow } from '../src/random/index.js';

const rng = fromTextSeed('bench/nn');
const mnist = delphiMnistNetwork(rng);
const mnistFixed = compileFixedPoint(mnist);
const image = Float32Array.from({ length: 784 }, () => uniformBelow(rng, 256) / 255);
const encoded = encodeInput(mnistFixed, image);
const minionn = minionnCifar10Network(rng);
const minionnFixed = compileFixedPoint(minionn);
const cifar = Float32Array.from({ length: 3 * 32 * 32 }, () => uniformBelow(rng, 256) / 255);

describe('Delphi MNIST network', () => {
  bench('evaluateFloat', () => {
    evaluateFloat(mnist, image);
  });
  bench('evaluateFixedPoint (f = 8)', () => {
    evaluateFixedPoint(mnistFixed, image);
  });
  bench('evaluateFixedPoint with trace', () => {
    evaluateFixedPoint(mnistFixed, image, { trace: true });
  });
  bench('evaluateFixedPointReference (BigInt)', () => {
    evaluateFixedPointReference(mnistFixed, encoded);
  }, { time: 2000, iterations: 3 });
  bench('compileFixedPoint', () => {
    compileFixedPoint(mnist);
  });
});

describe('MiniONN CIFAR-10 network', () => {
  bench('evaluateFloat', () => {
    evaluateFloat(minionn, cifar);
  }, { iterations: 5 });
  bench('evaluateFixedPoint (f = 8)', () => {
    evaluateFixedPoint(minionnFixed, cifar);
  }, { iterations: 5 });
});
