/**
 * The planner (§10): training in TypeScript on Float32Array kernels — conv2d, dense, average
 * pooling, ReLU, ReLU6, quadratic activations (with a ReLU6 → quadratic blend), residual adds and
 * frozen batch norm; softmax cross-entropy; SGD with momentum, weight decay and gradient
 * clipping; seeded shuffling. Everything here runs in browsers; the `delphi train` command reads
 * MNIST from disk.
 *
 * Spec: §10
 * @module
 */
export { type Parameter, TrainableNetwork } from './network.js';
export { type BatchLoss, softmaxCrossEntropy } from './loss.js';
export { SgdMomentum, type SgdOptions } from './optimizer.js';
export { createDataset, type Dataset, sliceDataset } from './dataset.js';
export {
  type EpochReport, evaluateAccuracy, type LearningRateSchedule, train, TrainingDivergedError, trainModel,
  type TrainModelOptions, type TrainOptions, type TrainProgress,
} from './train.js';
export {
  getRecipe, type Hyperparameters, type RecipeRun, runRecipe, type RunRecipeOptions, TRAINING_RECIPES,
  type TrainingRecipe,
} from './recipes.js';
export { type AccuracyReport, measureAccuracy, type MeasureAccuracyOptions } from './accuracy.js';
export {
  type ActivationUnitCost, COST_MODEL_FORMAT, type CostModel, DEFAULT_INFERENCE_TIME_COSTS,
  type InferenceTimeCosts, type LayerCost, type ModelCost, parseCostModel, type UnitCost,
} from './cost-model.js';
export {
  type ActivationKind, type ActivationSite, activationSites, applyPlan, type Candidate, type FineTuneOptions,
  paretoFrontier, type Plan, planLabel, planReward, type SearchOptions, searchPlans, type SearchStrategy,
} from './search.js';
export {
  type Budget, candidateCost, chooseCandidate, COST_MEASURES, type CostMeasure, formatFrontierTable,
  type FrontierRow, frontierRows, frontierSvg, parseBudget,
} from './report.js';
