/**
 * Presenting a search (§10.4.5): the cost measures a frontier can be drawn against, budgets, the
 * frontier as JSON, as a text table and as an SVG plot (no dependencies; runs in browsers).
 *
 * Spec: §10.4.5
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Candidate } from './search.js';

/** What "cost" means on the frontier. Spec: §10.4.5 */
export type CostMeasure = 'total-ms' | 'online-ms' | 'preprocessing-ms' | 'total-bytes' | 'online-bytes' | 'relus';

/** Every cost measure. */
export const COST_MEASURES: readonly CostMeasure[] = ['total-ms', 'online-ms', 'preprocessing-ms', 'total-bytes', 'online-bytes', 'relus'];

/** The value of a cost measure for a candidate. Spec: §10.4.5 */
export function candidateCost(c: Candidate, measure: CostMeasure): number {
  switch (measure) {
    case 'total-ms':
      return c.cost.total.ms;
    case 'online-ms':
      return c.cost.online.ms;
    case 'preprocessing-ms':
      return c.cost.preprocessing.ms;
    case 'total-bytes':
      return c.cost.total.bytes;
    case 'online-bytes':
      return c.cost.online.bytes;
    case 'relus':
      return c.cost.relus;
  }
}

/** A cost limit: a measure and the largest allowed value. */
export interface Budget {
  readonly measure: CostMeasure;
  readonly limit: number;
}

/**
 * Parses a budget: a number with a unit — `ms` or `s` (total time; `online:` before it for the
 * online phase only), `B`, `KB`, `MB`, `GB` (total bytes, decimal; `online:` likewise) or `relus`
 * — e.g. `800ms`, `online:250ms`, `12MB`, `5000relus`. Spec: §10.4.5
 */
export function parseBudget(text: string): Budget {
  const m = /^(online:)?\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(ms|s|b|kb|mb|gb|relus?)$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`budget ${JSON.stringify(text)}: expected a number and a unit (ms, s, B, KB, MB, GB, relus), e.g. 800ms or online:2MB`);
  const online = m[1] !== undefined;
  const value = Number(m[2]);
  const unit = m[3].toLowerCase();
  if (unit.startsWith('relu')) {
    if (online) throw new InvalidArgumentError('a ReLU budget has no online: form');
    return { measure: 'relus', limit: value };
  }
  if (unit === 'ms' || unit === 's') return { measure: online ? 'online-ms' : 'total-ms', limit: unit === 's' ? value * 1000 : value };
  const scale = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 }[unit as 'b' | 'kb' | 'mb' | 'gb'];
  return { measure: online ? 'online-bytes' : 'total-bytes', limit: value * scale };
}

/**
 * The candidate to export: the most accurate one within the budget (ties: the cheaper, then the
 * first), or without a budget the one with the highest reward; null if none fits. Spec: §10.4.5
 */
export function chooseCandidate(candidates: readonly Candidate[], budget?: Budget): Candidate | null {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (budget) {
      if (candidateCost(c, budget.measure) > budget.limit) continue;
      if (best === null || c.accuracy > best.accuracy || (c.accuracy === best.accuracy && candidateCost(c, budget.measure) < candidateCost(best, budget.measure))) best = c;
    } else if (best === null || c.reward > best.reward) {
      best = c;
    }
  }
  return best;
}

/** One row of a frontier report. */
export interface FrontierRow {
  readonly plan: string;
  readonly validationAccuracy: number;
  readonly testAccuracy?: number;
  readonly reward: number;
  readonly relus: number;
  readonly quadratics: number;
  readonly onlineMs: number;
  readonly preprocessingMs: number;
  readonly onlineBytes: number;
  readonly preprocessingBytes: number;
  readonly onFrontier: boolean;
}

/** Rows for every candidate, test accuracy where `testAccuracy` has one (by candidate). Spec: §10.4.5 */
export function frontierRows(candidates: readonly Candidate[], frontier: readonly Candidate[], testAccuracy?: Map<Candidate, number>): FrontierRow[] {
  const on = new Set(frontier);
  return candidates.map((c) => ({
    plan: c.label,
    validationAccuracy: c.accuracy,
    ...(testAccuracy?.has(c) ? { testAccuracy: testAccuracy.get(c)! } : {}),
    reward: c.reward,
    relus: c.cost.relus,
    quadratics: c.cost.quadratics,
    onlineMs: c.cost.online.ms,
    preprocessingMs: c.cost.preprocessing.ms,
    onlineBytes: c.cost.online.bytes,
    preprocessingBytes: c.cost.preprocessing.bytes,
    onFrontier: on.has(c),
  }));
}

const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(2)}%`);
const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const bytes = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} MB` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} kB` : `${Math.round(x)} B`);

/** A fixed-width text table of rows (frontier rows marked with *). Spec: §10.4.5 */
export function formatFrontierTable(rows: readonly FrontierRow[]): string {
  const header = ['', 'plan', 'val acc', 'test acc', 'reward', 'ReLUs', 'quadratics', 'online', 'preproc', 'online bytes', 'preproc bytes'];
  const body = rows.map((r) => [
    r.onFrontier ? '*' : '',
    r.plan,
    pct(r.validationAccuracy),
    pct(r.testAccuracy),
    r.reward.toFixed(4),
    String(r.relus),
    String(r.quadratics),
    ms(r.onlineMs),
    ms(r.preprocessingMs),
    bytes(r.onlineBytes),
    bytes(r.preprocessingBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An SVG scatter plot: cost (x) against validation accuracy (y) for every candidate (grey), the
 * frontier as a step line with labelled points, and the chosen candidate circled. Spec: §10.4.5
 */
export function frontierSvg(
  candidates: readonly Candidate[],
  frontier: readonly Candidate[],
  options: { measure: CostMeasure; chosen?: Candidate | null; title?: string; width?: number; height?: number },
): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const m = { left: 64, right: 24, top: 36, bottom: 48 };
  const xs = candidates.map((c) => candidateCost(c, options.measure));
  const ys = candidates.map((c) => c.accuracy);
  const xStep = niceStep(Math.max(1e-9, ...xs) / 4);
  const xMax = xStep * Math.max(1, Math.ceil((Math.max(1e-9, ...xs) * 1.02) / xStep));
  const yLo = Math.max(0, Math.min(...ys) - 0.01);
  const yHi = Math.min(1, Math.max(...ys) + 0.005);
  const sx = (x: number) => m.left + (x / xMax) * (W - m.left - m.right);
  const sy = (y: number) => H - m.bottom - ((y - yLo) / Math.max(1e-9, yHi - yLo)) * (H - m.top - m.bottom);
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title ?? 'Pareto frontier')}</text>`);
  // Axes and ticks.
  parts.push(`<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="black"/>`);
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${H - m.bottom}" stroke="black"/>`);
  for (let x = 0; x <= xMax + xStep / 2; x += xStep) {
    parts.push(`<line x1="${f(sx(x))}" y1="${H - m.bottom}" x2="${f(sx(x))}" y2="${H - m.bottom + 4}" stroke="black"/>`);
    parts.push(`<text x="${f(sx(x))}" y="${H - m.bottom + 16}" text-anchor="middle">${escapeXml(formatMeasure(x, options.measure))}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const y = yLo + ((yHi - yLo) * k) / 4;
    parts.push(`<text x="${m.left - 6}" y="${f(sy(y) + 4)}" text-anchor="end">${(100 * y).toFixed(2)}%</text>`);
  }
  parts.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(measureTitle(options.measure))}</text>`);
  parts.push(`<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">validation accuracy</text>`);
  // Every candidate.
  for (const c of candidates) {
    parts.push(`<circle cx="${f(sx(candidateCost(c, options.measure)))}" cy="${f(sy(c.accuracy))}" r="3" fill="#bbb"><title>${escapeXml(c.label)}</title></circle>`);
  }
  // The frontier as a staircase.
  if (frontier.length > 0) {
    let d = `M ${f(sx(candidateCost(frontier[0], options.measure)))} ${f(sy(frontier[0].accuracy))}`;
    for (let k = 1; k < frontier.length; k++) {
      const x = sx(candidateCost(frontier[k], options.measure));
      d += ` H ${f(x)} V ${f(sy(frontier[k].accuracy))}`;
    }
    parts.push(`<path d="${d}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
    for (const c of frontier) {
      const x = sx(candidateCost(c, options.measure));
      const y = sy(c.accuracy);
      parts.push(`<circle cx="${f(x)}" cy="${f(y)}" r="4" fill="#1f77b4"/>`);
      // Labels right of the point, or left of it near the right edge.
      const right = x < W - m.right - 110;
      parts.push(`<text x="${f(right ? x + 6 : x - 6)}" y="${f(y - 6)}" text-anchor="${right ? 'start' : 'end'}">${escapeXml(c.label)} ${(100 * c.accuracy).toFixed(2)}%</text>`);
    }
  }
  if (options.chosen) {
    const c = options.chosen;
    parts.push(`<circle cx="${f(sx(candidateCost(c, options.measure)))}" cy="${f(sy(c.accuracy))}" r="8" fill="none" stroke="#d62728" stroke-width="2"/>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const k of [1, 2, 5, 10]) if (k * p >= raw) return k * p;
  return 10 * p;
}

function measureTitle(m: CostMeasure): string {
  return {
    'total-ms': 'preprocessing + online time (cost model)',
    'online-ms': 'online time (cost model)',
    'preprocessing-ms': 'preprocessing time (cost model)',
    'total-bytes': 'preprocessing + online bytes',
    'online-bytes': 'online bytes',
    relus: 'ReLUs (garbled circuits)',
  }[m];
}

function formatMeasure(x: number, m: CostMeasure): string {
  if (m === 'relus') return String(Math.round(x));
  return m.endsWith('ms') ? ms(x) : bytes(x);
}
