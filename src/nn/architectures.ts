/**
 * The networks of the Delphi paper's evaluation with random weights: the MNIST network of
 * Delphi's code (rust/experiments/src/mnist.rs) and MiniONN's CIFAR-10 network
 * (rust/experiments/src/minionn.rs; Liu et al., CCS 2017, Figure 13).
 *
 * Spec: §8.14
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../random/index.js';
import { kaimingUniform, uniformSymmetric } from './init.js';
import type { Model } from './layers.js';
import { createModel, type LayerSpec } from './model.js';

/** The activation used at each activation position of a reference network. */
export type ActivationChoice = 'relu' | 'relu6' | 'quadratic';

/** Options of the reference network builders. Spec: §8.14 */
export interface ArchitectureOptions {
  /**
   * The activation of each activation layer, in order (default: all ReLU). Delphi's planner
   * replaces some ReLUs by the quadratic 0.2x² + 0.5x + 0.2; Delphi's garbled circuit computes
   * ReLU6, which the shipped models use.
   */
  activations?: readonly ActivationChoice[];
  /** Fractional bits recorded in the model (default 8). */
  fractionalBits?: number;
}

/** Builds layers, drawing weights as the spec's draw order says. */
class Builder {
  readonly layers: LayerSpec[] = [];
  #act = 0;
  constructor(
    readonly rng: Rng,
    readonly activations: readonly ActivationChoice[],
    readonly shape: number[],
  ) {}

  conv(name: string, out: number, k: number, pad: number, stride = 1): void {
    const [c, h, w] = this.shape;
    const fanIn = c * k * k;
    const weights = kaimingUniform(this.rng, out * fanIn, fanIn);
    const bias = uniformSymmetric(this.rng, out, 1 / Math.sqrt(fanIn));
    this.layers.push({ type: 'conv2d', name, outChannels: out, kernel: k, padding: pad, stride, weights, bias });
    this.shape.splice(0, 3, out, Math.floor((h + 2 * pad - k) / stride) + 1, Math.floor((w + 2 * pad - k) / stride) + 1);
  }

  dense(name: string, out: number): void {
    const fanIn = this.shape.reduce((a, b) => a * b, 1);
    const weights = kaimingUniform(this.rng, out * fanIn, fanIn);
    const bias = uniformSymmetric(this.rng, out, 1 / Math.sqrt(fanIn));
    this.layers.push({ type: 'dense', name, outFeatures: out, weights, bias });
    this.shape.splice(0, this.shape.length, out);
  }

  pool(name: string): void {
    this.layers.push({ type: 'avgPool2d', name, kernel: 2 });
    this.shape.splice(1, 2, Math.floor(this.shape[1] / 2), Math.floor(this.shape[2] / 2));
  }

  flatten(): void {
    this.layers.push({ type: 'flatten', name: 'flatten' });
    this.shape.splice(0, this.shape.length, this.shape.reduce((a, b) => a * b, 1));
  }

  activation(): void {
    const i = ++this.#act;
    const kind = this.activations[i - 1];
    // ReLU and ReLU6 layers are both named relu<i>; the type tells them apart.
    this.layers.push(kind === 'quadratic' ? { type: 'quadratic', name: `quad${i}` } : { type: kind, name: `relu${i}` });
  }
}

function activationList(options: ArchitectureOptions, count: number, network: string): readonly ActivationChoice[] {
  const list = options.activations ?? new Array<ActivationChoice>(count).fill('relu');
  if (list.length !== count || !list.every((a) => a === 'relu' || a === 'relu6' || a === 'quadratic')) {
    throw new InvalidArgumentError(`${network}: activations must list ${count} entries, each "relu", "relu6" or "quadratic"`);
  }
  return list;
}

/**
 * Delphi's MNIST network, input [1, 28, 28]: conv 16×5×5 (stride 1, no padding) → act →
 * avgPool 2 → conv 16×5×5 → act → avgPool 2 → flatten → dense 100 → act → dense 10.
 * 16·24·24 + 16·8·8 + 100 = 10,340 activations. Weights Kaiming-uniform, biases
 * uniform in ±1/√fanIn, drawn layer by layer (weights, then biases). Spec: §8.14
 */
export function delphiMnistNetwork(rng: Rng, options: ArchitectureOptions = {}): Model {
  const b = new Builder(rng, activationList(options, 3, 'delphiMnistNetwork'), [1, 28, 28]);
  b.conv('conv1', 16, 5, 0);
  b.activation();
  b.pool('pool1');
  b.conv('conv2', 16, 5, 0);
  b.activation();
  b.pool('pool2');
  b.flatten();
  b.dense('fc1', 100);
  b.activation();
  b.dense('fc2', 10);
  return createModel({ name: 'delphi-mnist', inputShape: [1, 28, 28], layers: b.layers, fractionalBits: options.fractionalBits });
}

/**
 * The small MNIST network of delphi-ts's default demo (input [1, 28, 28]): conv 8×5×5 stride 2
 * (no padding) → act → avgPool 2 → flatten (288) → dense 64 → act → dense 10; 8·12·12 + 64 =
 * 1,216 activations, about a ninth of Delphi's network, so that secure inference in pure
 * JavaScript stays quick. Weights drawn as in {@link delphiMnistNetwork}. Spec: §8.14
 */
export function smallMnistNetwork(rng: Rng, options: ArchitectureOptions = {}): Model {
  const b = new Builder(rng, activationList(options, 2, 'smallMnistNetwork'), [1, 28, 28]);
  b.conv('conv1', 8, 5, 0, 2);
  b.activation();
  b.pool('pool1');
  b.flatten();
  b.dense('fc1', 64);
  b.activation();
  b.dense('fc2', 10);
  return createModel({ name: 'small-mnist', inputShape: [1, 28, 28], layers: b.layers, fractionalBits: options.fractionalBits });
}

/**
 * MiniONN's CIFAR-10 network, input [3, 32, 32]: conv 64×3×3 (pad 1) → act → conv 64×3×3 →
 * act → avgPool 2 → conv 64×3×3 → act → conv 64×3×3 → act → avgPool 2 → conv 64×3×3 → act →
 * conv 64×1×1 → act → conv 16×1×1 → act → flatten → dense 10; 7 activation layers with
 * 2·65,536 + 2·16,384 + 2·4,096 + 1,024 = 173,056 activations. Spec: §8.14
 */
export function minionnCifar10Network(rng: Rng, options: ArchitectureOptions = {}): Model {
  const b = new Builder(rng, activationList(options, 7, 'minionnCifar10Network'), [3, 32, 32]);
  b.conv('conv1', 64, 3, 1);
  b.activation();
  b.conv('conv2', 64, 3, 1);
  b.activation();
  b.pool('pool1');
  b.conv('conv3', 64, 3, 1);
  b.activation();
  b.conv('conv4', 64, 3, 1);
  b.activation();
  b.pool('pool2');
  b.conv('conv5', 64, 3, 1);
  b.activation();
  b.conv('conv6', 64, 1, 0);
  b.activation();
  b.conv('conv7', 16, 1, 0);
  b.activation();
  b.flatten();
  b.dense('fc', 10);
  return createModel({ name: 'minionn-cifar10', inputShape: [3, 32, 32], layers: b.layers, fractionalBits: options.fractionalBits });
}
