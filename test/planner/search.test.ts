/**
 * The planner's search (§10.4): applyPlan against models written out by hand, Delphi's reward
 * formula, the Pareto frontier against its definition checked by brute force, and the three
 * strategies on a synthetic task (plans visited, determinism from the seed, fine-tuning works).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { compileFixedPoint, createModel, evaluateFloat, type LayerSpec, type Model } from '../../src/nn/index.js';
import { activationSites, applyPlan, paretoFrontier, planLabel, planReward, searchPlans, sliceDataset } from '../../src/planner/index.js';
import { DEFAULT_COST_MODEL, estimateModelCost, estimateInferenceCost } from '../../src/protocol/index.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { halves, smallCnn } from './helpers/synthetic.js';

describe('plans', () => {
  const base = smallCnn('plan', ['relu6', 'relu6']);

  it('applyPlan replaces the chosen layers and nothing else', () => {
    const x = new Float32Array(36).map((_, i) => (i % 5) / 5);
    expect(activationSites(base)).toEqual([
      { name: 'act1', elements: 144 },
      { name: 'act2', elements: 8 },
    ]);
    const q = applyPlan(base, ['quadratic', 'relu6']);
    expect(q.layers[1]).toMatchObject({ type: 'quadratic', name: 'act1', input: 'conv', a2: 0.2, a1: 0.5, a0: 0.2 });
    expect(q.layers[5]).toMatchObject({ type: 'relu6', name: 'act2' });
    expect(evaluateFloat(q, x)).toEqual(evaluateFloat(smallCnn('plan', ['quadratic', 'relu6']), x));
    expect(applyPlan(q, ['relu6', 'relu6']).layers).toEqual(base.layers);
    expect(planLabel(['quadratic', 'relu6'])).toBe('QR');
    expect(() => applyPlan(base, ['relu6'])).toThrow(InvalidArgumentError);
  });

  it('reward = accuracy × (1 + approximated / total activations)', () => {
    const sites = activationSites(base);
    expect(planReward(0.9, ['relu6', 'relu6'], sites)).toBeCloseTo(0.9, 12);
    expect(planReward(0.9, ['quadratic', 'relu6'], sites)).toBeCloseTo(0.9 * (1 + 144 / 152), 12);
    expect(planReward(0.5, ['quadratic', 'quadratic'], sites)).toBeCloseTo(1, 12);
  });

  it('cost: ReLU6 elements cost the ReLU unit, quadratic elements the quadratic unit, plus the linear layers', () => {
    const c = estimateModelCost(applyPlan(base, ['relu6', 'quadratic']));
    expect(c.relus).toBe(144);
    expect(c.quadratics).toBe(8);
    const { relu, quadratic } = DEFAULT_COST_MODEL;
    expect(c.online.bytes - c.linear.online.bytes).toBeCloseTo(144 * relu.online.bytes + 8 * quadratic.online.bytes, 9);
    const linearMs = c.linear.online.ms + c.linear.preprocessing.ms;
    expect(c.total.ms - linearMs).toBeCloseTo(144 * (relu.online.ms + relu.preprocessing.ms) + 8 * (quadratic.online.ms + quadratic.preprocessing.ms), 6);
    // The linear part is the same for every plan and is that of the whole-inference model (§10.4.6).
    const other = estimateModelCost(applyPlan(base, ['quadratic', 'relu6']));
    expect(other.linear.preprocessing).toEqual(c.linear.preprocessing);
    const whole = estimateInferenceCost(compileFixedPoint(base));
    const weighted = whole.steps.filter((s) => s.op === 'conv2d' || s.op === 'dense' || s.op === 'scale');
    expect(c.linear.preprocessing.bytes).toBe(weighted.reduce((a, s) => a + s.preprocessing.bytes, 0));
    expect(c.setup).toEqual(whole.setup);
  });
});

describe('paretoFrontier', () => {
  it('keeps exactly the points nothing else dominates (random sets, brute force)', () => {
    const rng = fromTextSeed('pareto');
    for (let trial = 0; trial < 50; trial++) {
      const points = Array.from({ length: 12 }, (_, i) => ({ i, cost: uniformBelow(rng, 6), accuracy: uniformBelow(rng, 6) / 5 }));
      const front = paretoFrontier(points, (p) => p.cost);
      const dominated = (p: (typeof points)[number]) =>
        points.some((q) => q.cost <= p.cost && q.accuracy >= p.accuracy && (q.cost < p.cost || q.accuracy > p.accuracy));
      const expected = points.filter((p) => !dominated(p));
      // Among identical (cost, accuracy) points the first one stays.
      const unique = expected.filter((p) => !expected.some((q) => q.i < p.i && q.cost === p.cost && q.accuracy === p.accuracy));
      expect(front.map((p) => p.i).sort((a, b) => a - b)).toEqual(unique.map((p) => p.i));
      for (let k = 1; k < front.length; k++) {
        expect(front[k].cost).toBeGreaterThan(front[k - 1].cost);
        expect(front[k].accuracy).toBeGreaterThan(front[k - 1].accuracy);
      }
    }
  });
});

describe('searchPlans on a synthetic task', () => {
  const data = halves('search/train', 384);
  const validation = halves('search/validation', 200);
  const base = (() => {
    // A trained all-ReLU6 starting point.
    const m = smallCnn('search', ['relu6', 'relu6']);
    return searchPlans(m, { strategy: 'exhaustive', train: data, validation, fineTune: { epochs: 2, learningRate: 0.05 }, cost: (c) => estimateModelCost(c) })[0].model;
  })();
  const options = { train: sliceDataset(data, 0, 256), validation, fineTune: { epochs: 1, batchSize: 32 }, seed: 's', cost: (c: Model) => estimateModelCost(c) };

  it('exhaustive: every plan once, fine-tuned, deterministic', () => {
    const a = searchPlans(base, { ...options, strategy: 'exhaustive' });
    expect(a.map((c) => c.label)).toEqual(['RR', 'QR', 'RQ', 'QQ']);
    for (const c of a) expect(c.accuracy).toBeGreaterThan(0.85);
    expect(a.map((c) => c.cost.relus)).toEqual([152, 8, 144, 0]);
    const b = searchPlans(base, { ...options, strategy: 'exhaustive' });
    expect(b.map((c) => c.model.layers)).toEqual(a.map((c) => c.model.layers));
    const other = searchPlans(base, { ...options, strategy: 'exhaustive', seed: 'other' });
    expect(other[1].model.layers).not.toEqual(a[1].model.layers);
  });

  it('greedy: 1 + L(L+1)/2 runs, each round extending the best plan', () => {
    const g = searchPlans(base, { ...options, strategy: 'greedy' });
    expect(g).toHaveLength(4);
    expect(g[0].label).toBe('RR');
    expect(['QR', 'RQ']).toEqual([g[1].label, g[2].label]);
    expect(g[3].label).toBe('QQ');
  });

  it('pbt: population × rounds candidates, deterministic', () => {
    const p = searchPlans(base, { ...options, strategy: 'pbt', population: 4, rounds: 2 });
    expect(p).toHaveLength(8);
    expect(p.slice(0, 4).map((c) => c.label)).toEqual(['RR', 'QR', 'RQ', 'QR']);
    const again = searchPlans(base, { ...options, strategy: 'pbt', population: 4, rounds: 2 });
    expect(again.map((c) => [c.label, c.accuracy])).toEqual(p.map((c) => [c.label, c.accuracy]));
  });

  it('a plan whose fine-tuning diverges scores 0 instead of stopping the search', () => {
    const wild = searchPlans(base, { ...options, strategy: 'exhaustive', fineTune: { epochs: 1, batchSize: 32, learningRate: 1e12 } });
    expect(wild).toHaveLength(4);
    for (const c of wild.filter((x) => x.diverged)) expect(c.accuracy).toBe(0);
    expect(wild.some((c) => c.diverged)).toBe(true);
  });

  it('rejects exhaustive search beyond four activation layers and unknown strategies', () => {
    expect(() => searchPlans(base, { ...options, strategy: 'annealing' as never })).toThrow(/unknown strategy/);
    const deep = createModel({
      inputShape: [1, 6, 6],
      layers: [
        { type: 'flatten' },
        ...Array.from({ length: 5 }, (): LayerSpec[] => [{ type: 'dense', outFeatures: 2, weights: new Float64Array(2 * 36).fill(0.01) }, { type: 'relu' }]).flat(),
      ].map((l, i) => (i > 1 && l.type === 'dense' ? { ...l, weights: new Float64Array(4).fill(0.5) } : l)) as LayerSpec[],
    });
    expect(activationSites(deep)).toHaveLength(5);
    expect(() => searchPlans(deep, { ...options, strategy: 'exhaustive' })).toThrow(/at most 4 activation layers/);
  });
});
