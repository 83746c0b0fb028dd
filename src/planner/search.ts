/**
 * The planner's search (§10.4.2–§10.4.4): which activation layers to make quadratic. A **plan**
 * assigns each activation layer of a model ReLU6 or quadratic; each plan is fine-tuned from the
 * model's weights with the quadratic layers blended in gradually, scored on held-out data, and
 * costed with a {@link CostModel}. Three strategies: exhaustive (every plan, at most four
 * activation layers), greedy (replace one more layer per round, keeping the best), and Delphi's
 * population-based training. Everything is deterministic from a seed.
 *
 * Spec: §10.4.2, §10.4.3, §10.4.4, §10.4.5
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { createModel, DELPHI_QUADRATIC, validateModel, type LayerSpec, type Model } from '../nn/index.js';
import { shapeSize } from '../nn/tensor.js';
import { fromTextSeed, uniformBelow, type Rng } from '../random/index.js';
import type { ModelCost } from './cost-model.js';
import type { Dataset } from './dataset.js';
import { TrainableNetwork } from './network.js';
import { evaluateAccuracy, train, TrainingDivergedError } from './train.js';

/** The choice for one activation layer. Spec: §10.4.2 */
export type ActivationKind = 'relu6' | 'quadratic';

/** A plan: one choice per activation layer, in model order. Spec: §10.4.2 */
export type Plan = readonly ActivationKind[];

/** An activation layer of a model: its name and number of elements. */
export interface ActivationSite {
  readonly name: string;
  readonly elements: number;
}

/** The activation layers of a model, in order. Spec: §10.4.2 */
export function activationSites(model: Model): ActivationSite[] {
  return validateModel(model)
    .nodes.filter((n) => n.layer.type === 'relu' || n.layer.type === 'relu6' || n.layer.type === 'quadratic')
    .map((n) => ({ name: n.layer.name, elements: shapeSize(n.shape) }));
}

/** `RRQ`-style label of a plan (R = ReLU6, Q = quadratic). */
export function planLabel(plan: Plan): string {
  return plan.map((k) => (k === 'quadratic' ? 'Q' : 'R')).join('');
}

/**
 * The model with each activation layer set as the plan says: quadratic layers get
 * {@link DELPHI_QUADRATIC} (or keep their own coefficients if already quadratic); ReLU and ReLU6
 * layers chosen as `relu6` become ReLU6 (Delphi's circuit). Names and weights are kept. Spec: §10.4.2
 */
export function applyPlan(model: Model, plan: Plan): Model {
  const sites = activationSites(model);
  if (plan.length !== sites.length) throw new InvalidArgumentError(`plan has ${plan.length} entries, the model ${sites.length} activation layers`);
  const choice = new Map(sites.map((s, i) => [s.name, plan[i]]));
  const layers = model.layers.map((l): LayerSpec => {
    const c = choice.get(l.name);
    if (c === undefined || l.type === 'add') return l as LayerSpec;
    if (c === 'relu6') return { type: 'relu6', name: l.name, input: l.input };
    return l.type === 'quadratic' ? (l as LayerSpec) : { type: 'quadratic', name: l.name, input: l.input, ...DELPHI_QUADRATIC };
  });
  return createModel({ name: model.name, description: model.description, metadata: model.metadata, inputShape: model.inputShape, layers, fractionalBits: model.fractionalBits });
}

/**
 * reward(plan) = accuracy × (1 + quadratic elements / all activation elements): Delphi's planner
 * reward, which trades accuracy for replaced activations. Spec: §10.4.2
 */
export function planReward(accuracy: number, plan: Plan, sites: readonly ActivationSite[]): number {
  let total = 0;
  let approx = 0;
  sites.forEach((s, i) => {
    total += s.elements;
    if (plan[i] === 'quadratic') approx += s.elements;
  });
  return accuracy * (1 + (total === 0 ? 0 : approx / total));
}

/** Fine-tuning settings of the search. Spec: §10.4.2 */
export interface FineTuneOptions {
  /** Epochs over the fine-tuning data per plan (default 1). */
  epochs?: number;
  batchSize?: number;
  /** Peak learning rate (default 0.01), cosine decay. */
  learningRate?: number;
  /** Fraction of the steps over which a new quadratic layer's blend rises from 0 to 1 (default 0.5). */
  blendFraction?: number;
}

/** A scored plan. Spec: §10.4.2 */
export interface Candidate {
  readonly plan: Plan;
  readonly label: string;
  /** Whether fine-tuning diverged (the candidate then scores accuracy 0 and keeps its starting weights). */
  readonly diverged: boolean;
  /** Accuracy on the validation data after fine-tuning. */
  readonly accuracy: number;
  readonly reward: number;
  readonly cost: ModelCost;
  /** The fine-tuned model. */
  readonly model: Model;
}

/** Strategy of {@link searchPlans}. Spec: §10.4.2 */
export type SearchStrategy = 'exhaustive' | 'greedy' | 'pbt';

/** Options of {@link searchPlans}. Spec: §10.4.2 */
export interface SearchOptions {
  strategy: SearchStrategy;
  /** Fine-tuning data and held-out validation data (never the test split). */
  train: Dataset;
  validation: Dataset;
  /** Text seed: fixes every fine-tuning run (default "delphi-ts/planner"). */
  seed?: string;
  /**
   * What a candidate model costs: `(m) => estimateModelCost(m, costModel)` of delphi-ts/protocol
   * for Delphi's backend under a cost model (the planner itself knows no cryptography).
   */
  cost: (model: Model) => ModelCost;
  fineTune?: FineTuneOptions;
  /** PBT: population size (default 6) and rounds (default 4). */
  population?: number;
  rounds?: number;
  onProgress?: (event: { phase: string; done: number; total: number; item?: string }) => void;
}

/** Largest number of activation layers the exhaustive strategy accepts. */
export const MAX_EXHAUSTIVE_LAYERS = 4;

/**
 * Fine-tunes `model` (already carrying `plan`'s layers) on `data`: the layers listed in `fresh`
 * start as ReLU6 (blend 0) and reach the quadratic linearly over the first blendFraction of the
 * steps; then every layer is the plan's. Spec: §10.4.2
 */
export function fineTunePlan(model: Model, fresh: readonly string[], data: Dataset, rng: Rng, options: FineTuneOptions = {}): TrainableNetwork {
  const batchSize = options.batchSize ?? 64;
  const network = new TrainableNetwork(model, { maxBatch: batchSize });
  const blend = options.blendFraction ?? 0.5;
  for (const name of fresh) network.setQuadraticMix(name, 0);
  train(network, data, {
    epochs: options.epochs ?? 1,
    batchSize,
    learningRate: options.learningRate ?? 0.01,
    rng,
    beforeStep: (net, step, total) => {
      const mix = blend <= 0 ? 1 : Math.min(1, (step + 1) / Math.max(1, Math.floor(blend * total)));
      for (const name of fresh) net.setQuadraticMix(name, mix);
    },
  });
  for (const name of fresh) network.setQuadraticMix(name, 1);
  return network;
}

/** Scores a plan: apply it to `start`, fine-tune, measure validation accuracy, cost it. */
function scorePlan(start: Model, plan: Plan, sites: readonly ActivationSite[], options: SearchOptions, rng: Rng): Candidate {
  const before = activationSites(start).map((s, i) => ({ ...s, kind: validateModel(start).nodes.find((n) => n.layer.name === s.name)!.layer.type, i }));
  const applied = applyPlan(start, plan);
  const fresh = before.filter((s) => plan[s.i] === 'quadratic' && s.kind !== 'quadratic').map((s) => s.name);
  let network: TrainableNetwork;
  let diverged = false;
  try {
    network = fineTunePlan(applied, fresh, options.train, rng, options.fineTune);
  } catch (e) {
    if (!(e instanceof TrainingDivergedError)) throw e;
    // A plan whose fine-tuning blows up scores 0 and keeps the weights it started from.
    network = new TrainableNetwork(applied, { maxBatch: 100 });
    diverged = true;
  }
  const accuracy = diverged ? 0 : evaluateAccuracy(network, options.validation);
  const model = network.toModel();
  return {
    plan,
    label: planLabel(plan),
    diverged,
    accuracy,
    reward: planReward(accuracy, plan, sites),
    cost: options.cost(model),
    model,
  };
}

/**
 * Searches plans for `model` and returns every scored candidate (in the order evaluated). Spec: §10.4.2
 */
export function searchPlans(model: Model, options: SearchOptions): Candidate[] {
  const sites = activationSites(model);
  if (sites.length === 0) throw new InvalidArgumentError('the model has no activation layer to plan');
  const root = fromTextSeed(options.seed ?? 'delphi-ts/planner');
  switch (options.strategy) {
    case 'exhaustive':
      return exhaustive(model, sites, options, root);
    case 'greedy':
      return greedy(model, sites, options, root);
    case 'pbt':
      return populationBasedTraining(model, sites, options, root);
    default:
      throw new InvalidArgumentError(`unknown strategy ${JSON.stringify(options.strategy)} (exhaustive, greedy, pbt)`);
  }
}

/** Every plan, in binary counting order (bit i set = layer i quadratic), each fine-tuned from the model. Spec: §10.4.3 */
function exhaustive(model: Model, sites: readonly ActivationSite[], options: SearchOptions, root: Rng): Candidate[] {
  if (sites.length > MAX_EXHAUSTIVE_LAYERS) {
    throw new InvalidArgumentError(`exhaustive search takes at most ${MAX_EXHAUSTIVE_LAYERS} activation layers, the model has ${sites.length}; use greedy or pbt`);
  }
  const total = 2 ** sites.length;
  const out: Candidate[] = [];
  for (let mask = 0; mask < total; mask++) {
    const plan = sites.map((_, i): ActivationKind => ((mask >> i) & 1 ? 'quadratic' : 'relu6'));
    options.onProgress?.({ phase: 'exhaustive', done: mask, total, item: planLabel(plan) });
    out.push(scorePlan(model, plan, sites, options, root.fork(`plan ${planLabel(plan)}`)));
  }
  options.onProgress?.({ phase: 'exhaustive', done: total, total });
  return out;
}

/**
 * Greedy layer-wise replacement: from the all-ReLU6 plan, each round tries replacing each
 * remaining ReLU6 layer (fine-tuning from the previous round's best model) and keeps the candidate
 * with the highest validation accuracy (ties: the earlier layer). Spec: §10.4.3
 */
function greedy(model: Model, sites: readonly ActivationSite[], options: SearchOptions, root: Rng): Candidate[] {
  const L = sites.length;
  const totalRuns = 1 + (L * (L + 1)) / 2;
  let runs = 0;
  const progress = (plan: Plan) => options.onProgress?.({ phase: 'greedy', done: runs++, total: totalRuns, item: planLabel(plan) });
  let plan: ActivationKind[] = sites.map(() => 'relu6');
  progress(plan);
  let best = scorePlan(model, plan, sites, options, root.fork(`greedy ${planLabel(plan)}`));
  const out: Candidate[] = [best];
  for (let round = 0; round < L; round++) {
    let roundBest: Candidate | null = null;
    for (let i = 0; i < L; i++) {
      if (plan[i] === 'quadratic') continue;
      const next = plan.slice();
      next[i] = 'quadratic';
      progress(next);
      const c = scorePlan(best.model, next, sites, options, root.fork(`greedy ${planLabel(next)}`));
      out.push(c);
      if (roundBest === null || c.accuracy > roundBest.accuracy) roundBest = c;
    }
    best = roundBest!;
    plan = best.plan.slice();
  }
  options.onProgress?.({ phase: 'greedy', done: totalRuns, total: totalRuns });
  return out;
}

/**
 * Population-based training (Delphi §5): a population of plans, each with its own weights, all
 * starting from the model. Each round every member is fine-tuned (its newly quadratic layers
 * blended in) and scored by {@link planReward}; then the bottom quarter (at least one) copies the
 * plan and weights of a member of the top quarter drawn from the rng (exploit) and flips one
 * activation layer drawn from the rng to quadratic if any is left, else to ReLU6 (explore).
 * Initial plans: member m replaces the layer m mod L (member 0 keeps all ReLU6). Spec: §10.4.4
 */
function populationBasedTraining(model: Model, sites: readonly ActivationSite[], options: SearchOptions, root: Rng): Candidate[] {
  const size = options.population ?? 6;
  const rounds = options.rounds ?? 4;
  if (!Number.isSafeInteger(size) || size < 2) throw new InvalidArgumentError(`population must be an integer ≥ 2, got ${size}`);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new InvalidArgumentError(`rounds must be a positive integer, got ${rounds}`);
  const L = sites.length;
  let members: { plan: Plan; model: Model }[] = Array.from({ length: size }, (_, m) => ({
    plan: sites.map((_, i): ActivationKind => (m > 0 && i === (m - 1) % L ? 'quadratic' : 'relu6')),
    model,
  }));
  const out: Candidate[] = [];
  const explore = root.fork('pbt explore');
  for (let round = 0; round < rounds; round++) {
    const scored = members.map((member, m) => {
      options.onProgress?.({ phase: `pbt round ${round + 1}/${rounds}`, done: m, total: size, item: planLabel(member.plan) });
      const c = scorePlan(member.model, member.plan, sites, options, root.fork(`pbt ${round} ${m}`));
      out.push(c);
      return c;
    });
    options.onProgress?.({ phase: `pbt round ${round + 1}/${rounds}`, done: size, total: size });
    // Rank by reward (ties: lower index first); the bottom quarter exploits and explores.
    const order = scored.map((c, m) => ({ c, m })).sort((a, b) => b.c.reward - a.c.reward || a.m - b.m);
    const quarter = Math.max(1, Math.floor(size / 4));
    members = scored.map((c) => ({ plan: c.plan, model: c.model }));
    for (const { m } of order.slice(size - quarter)) {
      const donor = order[uniformBelow(explore, quarter)].c;
      const plan = donor.plan.slice();
      const relus = plan.map((k, i) => (k === 'relu6' ? i : -1)).filter((i) => i >= 0);
      if (relus.length > 0) plan[relus[uniformBelow(explore, relus.length)]] = 'quadratic';
      else plan[uniformBelow(explore, L)] = 'relu6';
      members[m] = { plan, model: donor.model };
    }
  }
  return out;
}

/**
 * The Pareto frontier of candidates under `cost` (lower is better) and accuracy (higher is
 * better): the candidates no other candidate beats on both (at least as good on both and better
 * on one), sorted by cost; of equal (cost, accuracy) points the first evaluated is kept. Spec: §10.4.5
 */
export function paretoFrontier<T extends { accuracy: number }>(candidates: readonly T[], cost: (c: T) => number): T[] {
  const sorted = candidates.map((c, i) => ({ c, i, k: cost(c) })).sort((a, b) => a.k - b.k || b.c.accuracy - a.c.accuracy || a.i - b.i);
  const out: T[] = [];
  let bestAccuracy = -Infinity;
  for (const { c } of sorted) {
    if (c.accuracy > bestAccuracy) {
      out.push(c);
      bestAccuracy = c.accuracy;
    }
  }
  return out;
}
