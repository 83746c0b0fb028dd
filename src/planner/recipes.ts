/**
 * Training recipes (§10.3): an architecture, hyperparameters and a seed that together reproduce a
 * shipped model bit for bit. `delphi train --recipe NAME` runs one; models/<name>.json records
 * the recipe in its metadata.
 *
 * Spec: §10.3
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { delphiMnistNetwork, smallMnistNetwork, type Model, type ModelMetadata } from '../nn/index.js';
import { fromTextSeed, type Rng } from '../random/index.js';
import { VERSION } from '../version.js';
import type { Dataset } from './dataset.js';
import { TrainableNetwork } from './network.js';
import { train, type EpochReport, type LearningRateSchedule, type TrainProgress } from './train.js';

/** Hyperparameters of a training run. Spec: §10.3 */
export interface Hyperparameters {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly schedule: LearningRateSchedule;
  readonly warmupSteps: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly clipNorm: number;
}

/** A reproducible training run. Spec: §10.3 */
export interface TrainingRecipe {
  /** Also the name of the model it produces (models/<name>.json). */
  readonly name: string;
  readonly description: string;
  /** The data set it trains on (`mnist`). */
  readonly dataset: 'mnist';
  /** Text seed (fromTextSeed) of the shipped model. */
  readonly seed: string;
  /** Draws the initial weights. */
  readonly build: (rng: Rng) => Model;
  readonly hyperparameters: Hyperparameters;
}

const MNIST_HYPERPARAMETERS: Hyperparameters = Object.freeze({
  epochs: 4,
  batchSize: 64,
  learningRate: 0.05,
  schedule: 'cosine',
  warmupSteps: 100,
  momentum: 0.9,
  weightDecay: 5e-4,
  clipNorm: 5,
});

/**
 * The recipes of the shipped models: `mnist-small` (smallMnistNetwork with ReLU6, the default
 * demo) and `mnist-delphi` (Delphi's MNIST network with ReLU6, as Delphi's garbled circuits
 * compute). Spec: §10.3
 */
export const TRAINING_RECIPES: Readonly<Record<string, TrainingRecipe>> = Object.freeze({
  'mnist-small': Object.freeze({
    name: 'mnist-small',
    description:
      "delphi-ts's small MNIST network (conv 8×5×5 stride 2 → ReLU6 → avgPool 2 → dense 64 → ReLU6 → dense 10; 1,216 ReLUs), trained with `delphi train --recipe mnist-small`.",
    dataset: 'mnist',
    seed: 'delphi-ts/models/mnist-small',
    build: (rng: Rng) => smallMnistNetwork(rng, { activations: ['relu6', 'relu6'] }),
    hyperparameters: MNIST_HYPERPARAMETERS,
  }),
  'mnist-delphi': Object.freeze({
    name: 'mnist-delphi',
    description:
      "Delphi's MNIST network (conv 16×5×5 → ReLU6 → avgPool 2 → conv 16×5×5 → ReLU6 → avgPool 2 → dense 100 → ReLU6 → dense 10; 10,340 ReLUs), trained with `delphi train --recipe mnist-delphi`.",
    dataset: 'mnist',
    seed: 'delphi-ts/models/mnist-delphi',
    build: (rng: Rng) => delphiMnistNetwork(rng, { activations: ['relu6', 'relu6', 'relu6'] }),
    hyperparameters: Object.freeze({ ...MNIST_HYPERPARAMETERS, epochs: 3 }),
  }),
});

/** The recipe called `name`; throws {@link InvalidArgumentError} listing the known names. */
export function getRecipe(name: string): TrainingRecipe {
  const recipe = Object.hasOwn(TRAINING_RECIPES, name) ? TRAINING_RECIPES[name] : undefined;
  if (!recipe) throw new InvalidArgumentError(`unknown recipe ${JSON.stringify(name)} (known: ${Object.keys(TRAINING_RECIPES).join(', ')})`);
  return recipe;
}

/** Options of {@link runRecipe}. */
export interface RunRecipeOptions {
  /** Text seed (default: the recipe's). */
  seed?: string;
  /** Overrides of the recipe's hyperparameters (e.g. fewer epochs for a quick run). */
  overrides?: Partial<Hyperparameters>;
  /** Start from these weights instead of drawing new ones (fine-tuning); the architecture is the model's. */
  initial?: Model;
  onProgress?: (progress: TrainProgress) => void;
  progressEvery?: number;
}

/** Result of {@link runRecipe}. */
export interface RecipeRun {
  readonly model: Model;
  readonly network: TrainableNetwork;
  readonly history: readonly EpochReport[];
  readonly hyperparameters: Hyperparameters;
  readonly seed: string;
}

/**
 * Trains a recipe: rng = fromTextSeed(seed); initial weights from recipe.build(rng.fork("init"))
 * (unless `initial` is given); the sample order from rng.fork("order"). The model's metadata
 * gets a `training` record (recipe, seed, samples, hyperparameters, per-epoch loss and accuracy,
 * software version). Spec: §10.3
 */
export function runRecipe(recipe: TrainingRecipe, data: Dataset, options: RunRecipeOptions = {}): RecipeRun {
  const seed = options.seed ?? recipe.seed;
  const hp: Hyperparameters = { ...recipe.hyperparameters, ...options.overrides };
  const rng = fromTextSeed(seed);
  const initRng = rng.fork('init');
  const orderRng = rng.fork('order');
  const initial = options.initial ?? recipe.build(initRng);
  const network = new TrainableNetwork(initial, { maxBatch: hp.batchSize });
  const history = train(network, data, { ...hp, rng: orderRng, onProgress: options.onProgress, progressEvery: options.progressEvery });
  const training: ModelMetadata = {
    recipe: recipe.name,
    seed,
    fineTuned: options.initial !== undefined,
    dataset: recipe.dataset,
    trainSamples: data.count,
    ...hp,
    history: history.map((h) => ({ epoch: h.epoch, loss: round(h.loss, 6), accuracy: round(h.accuracy, 6) })),
    software: `delphi-ts ${VERSION}`,
  };
  const model = network.toModel({
    name: recipe.name,
    description: recipe.description,
    metadata: { ...(initial.metadata ?? {}), training },
  });
  return { model, network, history, hyperparameters: hp, seed };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
