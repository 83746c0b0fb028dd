/**
 * The two CIFAR networks of the Delphi paper's evaluation at full scale, with random seeded
 * weights (for timing, never for accuracy), and the planner configurations of Delphi's
 * experiments: MiniONN's CIFAR-10 network (rust/experiments/src/minionn.rs; 7 activation layers,
 * 173,056 activations) and ResNet-32 (rust/experiments/src/resnet32.rs; 31 activation layers,
 * 303,104 activations).
 *
 * A configuration is named by its number of quadratic activation layers, as Delphi's
 * experiments name it (`num_poly`); the layers it makes quadratic are those of Delphi's tables.
 *
 * Spec: §8.14
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../random/index.js';
import { minionnCifar10Network, type ActivationChoice } from './architectures.js';
import { kaimingUniform, uniformSymmetric } from './init.js';
import type { Model } from './layers.js';
import { createModel, validateModel, type LayerSpec } from './model.js';

/** A network of the paper's CIFAR evaluation. */
export type PaperNetwork = 'minionn' | 'resnet32';

/**
 * MiniONN configurations: quadratic-layer count → the 1-based activation layers that stay ReLU.
 * Delphi's minionn.rs lists the ReLU positions in its layer list (1, 3, 6, 8, 11, 13, 15 are
 * activations 1…7). Spec: §8.14
 */
export const MINIONN_RELU_LAYERS: Readonly<Record<number, readonly number[]>> = Object.freeze({
  0: [1, 2, 3, 4, 5, 6, 7],
  1: [1, 2, 3, 4, 5, 6],
  2: [1, 2, 3, 4, 5],
  3: [2, 5, 6, 7],
  5: [3, 5],
  6: [5],
  7: [],
});

/**
 * ResNet-32 configurations: quadratic-layer count → the 0-based activation layers made
 * quadratic (Delphi's resnet32.rs table; activation 0 follows the first convolution). Delphi's
 * code makes the last ones quadratic for other counts, over 32 slots of which the last does not
 * exist; those are not paper configurations and are refused here. Spec: §8.14
 */
export const RESNET32_QUADRATIC_LAYERS: Readonly<Record<number, readonly number[]>> = Object.freeze({
  6: [3, 5, 18, 19, 26, 27],
  12: [1, 2, 7, 10, 11, 12, 14, 16, 20, 21, 24, 28],
  14: [1, 2, 4, 5, 8, 9, 14, 16, 19, 20, 21, 24, 26, 29],
  16: [1, 3, 5, 6, 7, 8, 11, 15, 16, 17, 18, 19, 23, 24, 26, 29],
  18: [1, 2, 4, 5, 8, 9, 10, 11, 14, 15, 17, 18, 20, 23, 24, 26, 27, 29],
  20: [1, 2, 3, 5, 6, 8, 9, 10, 11, 13, 14, 16, 17, 18, 19, 21, 23, 25, 27, 28],
  22: [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 23, 25, 27, 29],
  24: [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 19, 21, 23, 24, 25, 26, 27, 28, 29],
  26: [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
});

/** Activation layers of each network. */
export const PAPER_ACTIVATION_LAYERS: Readonly<Record<PaperNetwork, number>> = Object.freeze({ minionn: 7, resnet32: 31 });

/**
 * The activation list of a Delphi configuration with `quadratic` quadratic layers (0 = all
 * ReLU). `relu` is the non-quadratic activation (default `relu`). Spec: §8.14
 */
export function paperActivations(network: PaperNetwork, quadratic: number, relu: 'relu' | 'relu6' = 'relu'): ActivationChoice[] {
  if (network === 'minionn') {
    const keep = MINIONN_RELU_LAYERS[quadratic];
    if (keep === undefined) {
      throw new InvalidArgumentError(`minionn: Delphi's experiments have no configuration with ${quadratic} quadratic layers (known: ${Object.keys(MINIONN_RELU_LAYERS).join(', ')})`);
    }
    return Array.from({ length: 7 }, (_, i) => (keep.includes(i + 1) ? relu : 'quadratic'));
  }
  const listed = quadratic === 0 ? [] : RESNET32_QUADRATIC_LAYERS[quadratic];
  if (listed === undefined) {
    throw new InvalidArgumentError(`resnet32: Delphi's experiments have no configuration with ${quadratic} quadratic layers (known: 0, ${Object.keys(RESNET32_QUADRATIC_LAYERS).join(', ')})`);
  }
  const quad = new Set(listed);
  return Array.from({ length: 31 }, (_, i) => (quad.has(i) ? 'quadratic' : relu));
}

/** Options of {@link paperNetwork}. */
export interface PaperNetworkOptions {
  /** Quadratic activation layers, a configuration of Delphi's experiments (default 0: all ReLU). */
  quadratic?: number;
  /** The non-quadratic activation (default `relu`). */
  relu?: 'relu' | 'relu6';
  /** Keep only the first `activationLayers` activation layers, then a dense layer to 10 classes (smoke runs). */
  activationLayers?: number;
  /** Fractional bits recorded in the model (default 8). */
  fractionalBits?: number;
}

/**
 * ResNet-32 as Delphi's resnet32.rs builds it, input [3, 32, 32]: conv 16×3×3 (pad 1) → act,
 * then three stages of 5 blocks of two conv 3×3 (pad 1) → act; the first conv of stages 2 and 3
 * has stride 2 and doubles the channels (16 → 32 → 64); then avgPool 2 and dense 10. Delphi's
 * code has no residual additions and a 10-way output layer although the paper evaluates on
 * CIFAR-100; this follows the code. Activations: 16,384 + 10·16,384 + 10·8,192 + 10·4,096 =
 * 303,104 in 31 layers. Weights Kaiming-uniform, biases uniform in ±1/√fanIn, layer by layer.
 * `activationLayers` = k stops after the k-th activation (then flatten → dense 10, no pool).
 * Spec: §8.14
 */
export function resnet32Network(rng: Rng, options: { activations?: readonly ActivationChoice[]; fractionalBits?: number; activationLayers?: number } = {}): Model {
  const acts = options.activations ?? new Array<ActivationChoice>(31).fill('relu');
  if (acts.length !== 31) throw new InvalidArgumentError('resnet32Network: activations must list 31 entries');
  const limit = options.activationLayers ?? 31;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 31) {
    throw new InvalidArgumentError(`resnet32Network: activationLayers must be an integer in [1, 31], got ${limit}`);
  }
  const layers: LayerSpec[] = [];
  let shape = [3, 32, 32];
  let act = 0;
  const conv = (out: number, stride: number): void => {
    const [c, h, w] = shape;
    const fanIn = c * 9;
    const weights = kaimingUniform(rng, out * fanIn, fanIn);
    const bias = uniformSymmetric(rng, out, 1 / Math.sqrt(fanIn));
    layers.push({ type: 'conv2d', name: `conv${act + 1}`, outChannels: out, kernel: 3, padding: 1, stride, weights, bias });
    shape = [out, Math.floor((h + 2 - 3) / stride) + 1, Math.floor((w + 2 - 3) / stride) + 1];
  };
  const activation = (): void => {
    const kind = acts[act++];
    layers.push(kind === 'quadratic' ? { type: 'quadratic', name: `quad${act}` } : { type: kind, name: `relu${act}` });
  };
  conv(16, 1);
  activation();
  for (const [channels, stride] of [
    [16, 1],
    [32, 2],
    [64, 2],
  ]) {
    for (let block = 0; block < 5; block++) {
      for (let j = 0; j < 2 && act < limit; j++) {
        conv(channels, block === 0 && j === 0 ? stride : 1);
        activation();
      }
    }
  }
  if (act === 31) {
    layers.push({ type: 'avgPool2d', name: 'pool', kernel: 2 });
    shape = [shape[0], shape[1] / 2, shape[2] / 2];
  }
  layers.push({ type: 'flatten', name: 'flatten' });
  const fanIn = shape.reduce((a, b) => a * b, 1);
  layers.push({ type: 'dense', name: 'fc', outFeatures: 10, weights: kaimingUniform(rng, 10 * fanIn, fanIn), bias: uniformSymmetric(rng, 10, 1 / Math.sqrt(fanIn)) });
  return createModel({ name: 'resnet32', inputShape: [3, 32, 32], layers, fractionalBits: options.fractionalBits });
}

/** The layer-list name of a paper network's configuration, e.g. `minionn-cifar10-q3-random`. */
export function paperModelName(network: PaperNetwork, quadratic = 0, activationLayers?: number): string {
  const base = network === 'minionn' ? 'minionn-cifar10' : 'resnet32-cifar100';
  const smoke = activationLayers === undefined ? '' : `-first${activationLayers}`;
  return `${base}${quadratic === 0 ? '-allrelu' : `-q${quadratic}`}${smoke}-random`;
}

/**
 * A paper network in a Delphi configuration with random weights from `rng`, named and described
 * honestly (random weights: for timing and cost, not accuracy). With `activationLayers`, the
 * network is cut after that many activation layers (a smoke-test prefix; a dense layer to 10
 * follows). Spec: §8.14
 */
export function paperNetwork(network: PaperNetwork, rng: Rng, options: PaperNetworkOptions = {}): Model {
  const quadratic = options.quadratic ?? 0;
  const activations = paperActivations(network, quadratic, options.relu ?? 'relu');
  const total = PAPER_ACTIVATION_LAYERS[network];
  const cut = options.activationLayers;
  if (cut !== undefined && (!Number.isSafeInteger(cut) || cut < 1 || cut > total)) {
    throw new InvalidArgumentError(`${network}: activationLayers must be an integer in [1, ${total}], got ${cut}`);
  }
  let model: Model;
  if (network === 'resnet32') {
    model = resnet32Network(rng, { activations, fractionalBits: options.fractionalBits, activationLayers: cut });
  } else {
    model = minionnCifar10Network(rng, { activations, fractionalBits: options.fractionalBits });
    if (cut !== undefined && cut < total) model = truncateAfterActivation(model, cut, rng);
  }
  const config =
    quadratic === 0
      ? 'all activations ReLU'
      : `${quadratic} of ${total} activation layers quadratic (Delphi's experiments, ${network === 'minionn' ? 'minionn.rs' : 'resnet32.rs'} num_poly = ${quadratic})`;
  return createModel({
    name: paperModelName(network, quadratic, cut === total ? undefined : cut),
    description:
      `${network === 'minionn' ? "MiniONN's CIFAR-10 network" : "ResNet-32 (Delphi's CIFAR-100 network)"} as Delphi's experiments define it; ${config}` +
      `${cut !== undefined && cut < total ? `; cut after activation layer ${cut} (smoke run)` : ''}. RANDOM seeded weights: for timing and cost only, predictions are meaningless.`,
    metadata: { paper: { network, quadraticLayers: quadratic, activationLayers: cut ?? total, weights: 'random (seeded), not trained' } },
    inputShape: [...model.inputShape],
    layers: model.layers as unknown as LayerSpec[],
    fractionalBits: model.fractionalBits,
  });
}

/** MiniONN cut after activation `cut`: the layers up to it, flatten, and a fresh dense 10. */
function truncateAfterActivation(model: Model, cut: number, rng: Rng): Model {
  const layers: LayerSpec[] = [];
  let seen = 0;
  for (const l of model.layers) {
    layers.push(l as unknown as LayerSpec);
    if (l.type === 'relu' || l.type === 'relu6' || l.type === 'quadratic') {
      if (++seen === cut) break;
    }
  }
  const probe = createModel({ name: 'probe', inputShape: [...model.inputShape], layers: [...layers, { type: 'flatten', name: 'flatten' }] });
  const nodes = validateModel(probe).nodes;
  const fanIn = nodes[nodes.length - 1].shape[0];
  layers.push({ type: 'flatten', name: 'flatten' });
  layers.push({ type: 'dense', name: 'fc', outFeatures: 10, weights: kaimingUniform(rng, 10 * fanIn, fanIn), bias: uniformSymmetric(rng, 10, 1 / Math.sqrt(fanIn)) });
  return createModel({ name: model.name, inputShape: [...model.inputShape], layers, fractionalBits: model.fractionalBits });
}
