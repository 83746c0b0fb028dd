/**
 * Budgets, the choice of a plan, and the table and SVG writers (§10.4.5), on hand-made candidates.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { chooseCandidate, formatFrontierTable, frontierRows, frontierSvg, paretoFrontier, parseBudget, type Candidate } from '../../src/planner/index.js';

const candidate = (label: string, accuracy: number, relus: number, reward: number): Candidate =>
  ({
    plan: [],
    label,
    diverged: false,
    accuracy,
    reward,
    model: null as never,
    cost: {
      layers: [],
      relus,
      quadratics: 100 - relus,
      linear: { preprocessing: { ms: 0, bytes: 0 }, online: { ms: 0, bytes: 0 } },
      setup: { ms: 0, bytes: 0 },
      online: { ms: relus, bytes: 1000 * relus },
      preprocessing: { ms: 2 * relus, bytes: 10 },
      total: { ms: 3 * relus, bytes: 1000 * relus + 10 },
    },
  }) as Candidate;

const A = candidate('RR', 0.99, 100, 0.99);
const B = candidate('QR', 0.98, 40, 1.3);
const C = candidate('RQ', 0.97, 60, 1.1);
const D = candidate('QQ', 0.9, 0, 1.8);

describe('budgets and choice', () => {
  it('parseBudget reads units', () => {
    expect(parseBudget('800ms')).toEqual({ measure: 'total-ms', limit: 800 });
    expect(parseBudget('1.5s')).toEqual({ measure: 'total-ms', limit: 1500 });
    expect(parseBudget('online:250ms')).toEqual({ measure: 'online-ms', limit: 250 });
    expect(parseBudget('12MB')).toEqual({ measure: 'total-bytes', limit: 12e6 });
    expect(parseBudget('online:2kb')).toEqual({ measure: 'online-bytes', limit: 2000 });
    expect(parseBudget('5000relus')).toEqual({ measure: 'relus', limit: 5000 });
    for (const bad of ['', '12', 'ms', '3 parsecs', 'online:5relus']) expect(() => parseBudget(bad)).toThrow(InvalidArgumentError);
  });

  it('chooses the most accurate plan within the budget, else the highest reward', () => {
    expect(chooseCandidate([A, B, C, D], { measure: 'relus', limit: 60 })).toBe(B);
    expect(chooseCandidate([A, B, C, D], { measure: 'online-ms', limit: 1000 })).toBe(A);
    expect(chooseCandidate([A, B, C, D], { measure: 'relus', limit: -1 })).toBeNull();
    expect(chooseCandidate([A, B, C, D])).toBe(D);
  });

  it('table and SVG', () => {
    const all = [A, B, C, D];
    const frontier = paretoFrontier(all, (c) => c.cost.relus);
    expect(frontier.map((c) => c.label)).toEqual(['QQ', 'QR', 'RR']);
    const rows = frontierRows(all, frontier, new Map([[B, 0.975]]));
    const table = formatFrontierTable(rows);
    const lines = table.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[3]).toMatch(/^\*\s+QR\s+98\.00%\s+97\.50%\s+1\.3000\s+40\s+60\s+40\.0 ms\s+80\.0 ms\s+40\.0 kB\s+10 B$/);
    expect(lines[4]).toMatch(/^\s+RQ\s+97\.00%\s+—/);
    const svg = frontierSvg(all, frontier, { measure: 'relus', chosen: B, title: 'a <b> & c' });
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg.match(/<circle/g)).toHaveLength(4 + 3 + 1);
    expect(svg).toContain('QR 98.00%');
  });
});
