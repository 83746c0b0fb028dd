/**
 * The models shipped in models/ (§10.3), checked against MNIST's test split: each file is a valid
 * delphi-ts model under 1.5 MB, made by the recipe it names; the float accuracy recorded in its
 * metadata is what measureAccuracy computes now on all 10,000 test images (to the last digit); the
 * fixed-point evaluator (§8.9, milliseconds per image) agrees with float on a prefix of the test
 * images; and range analysis (§8.11) proves that no input in [0, 1] can overflow the field.
 */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/cli/mnist.js';
import { analyzeRange, compileFixedPoint, countActivations, parseModel, type Model } from '../../src/nn/index.js';
import { createDataset, getRecipe, measureAccuracy, sliceDataset } from '../../src/planner/index.js';

const test = await loadMnist({ split: 'test' });
const data = createDataset(test.images, test.labels, [1, 28, 28]);

interface Meta {
  training: { recipe: string; seed: string; trainSamples: number; epochs: number; history: { accuracy: number }[] };
  accuracy: { dataset: string; samples: number; float: number; fixedPoint: number; fractionalBits: number };
  /** Written by delphi plan (§10.4.5). */
  plan?: { plan: string; strategy: string; relus: number; quadratics: number; rangeFits: boolean };
}

const SHIPPED: { file: string; relus: number; quadratics: number; fixedPointSamples: number; minAccuracy: number }[] = [
  { file: 'mnist-small.json', relus: 1216, quadratics: 0, fixedPointSamples: 2000, minAccuracy: 0.98 },
  { file: 'mnist-delphi.json', relus: 10340, quadratics: 0, fixedPointSamples: 500, minAccuracy: 0.985 },
  // mnist-small after `delphi plan --budget 100relus`: the first activation layer is quadratic.
  { file: 'mnist-small-qr.json', relus: 64, quadratics: 1152, fixedPointSamples: 2000, minAccuracy: 0.975 },
];

for (const { file, relus, quadratics, fixedPointSamples, minAccuracy } of SHIPPED) {
  describe(`models/${file}`, () => {
    const url = new URL(`../../models/${file}`, import.meta.url);
    let model: Model;
    let meta: Meta;

    it('is a valid model under 1.5 MB made by the recipe it names', () => {
      expect(statSync(url).size).toBeLessThan(1.5 * 2 ** 20);
      model = parseModel(readFileSync(url, 'utf8'));
      meta = model.metadata as unknown as Meta;
      const recipe = getRecipe(meta.training.recipe);
      expect(model.name).toBe(meta.plan ? `${recipe.name}-${meta.plan.plan}` : recipe.name);
      expect(meta.training).toMatchObject({ seed: recipe.seed, trainSamples: 60000, epochs: recipe.hyperparameters.epochs });
      expect(meta.training.history).toHaveLength(recipe.hyperparameters.epochs);
      expect(countActivations(model)).toMatchObject({ relu6: relus, quadratic: quadratics });
      expect(meta.accuracy).toMatchObject({ dataset: 'mnist-t10k', samples: 10000, fractionalBits: 8 });
      expect(meta.accuracy.float).toBeGreaterThanOrEqual(minAccuracy);
      expect(meta.accuracy.fixedPoint).toBeGreaterThanOrEqual(minAccuracy);
      if (meta.plan) expect(meta.plan).toMatchObject({ plan: 'QR', strategy: 'exhaustive', relus, quadratics, rangeFits: true });
    });

    it('the recorded float accuracy is reproduced exactly on the 10,000 test images', () => {
      expect(measureAccuracy(model, data).float).toBe(meta.accuracy.float);
    });

    it(`fixed point (what secure inference answers) on ${fixedPointSamples} test images`, () => {
      const subset = sliceDataset(data, 0, fixedPointSamples);
      const report = measureAccuracy(model, subset, { fixedPoint: true });
      if (fixedPointSamples === 10000) expect(report.fixedPoint).toBe(meta.accuracy.fixedPoint);
      // Truncation to 8 fractional bits changes few predictions.
      expect(Math.abs(report.fixedPoint! - report.float)).toBeLessThanOrEqual(0.005);
    });

    it('cannot overflow the share field for any input in [0, 1]', () => {
      const range = analyzeRange(compileFixedPoint(model), { min: 0, max: 1 });
      expect(range.firstOverflow).toBeNull();
      expect(range.fits).toBe(true);
    });
  });
}
