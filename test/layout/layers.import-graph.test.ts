/**
 * The layer list of src/ (spec §1.5): each folder imports only folders before it, so that a reader
 * can learn the code bottom-up and nothing low knows about what is built on it. The list here is the
 * one the spec prints; the test fails on an import that points up (or sideways) the list, on a folder
 * the list does not name, when the planner imports anything but the network layer and plain
 * arithmetic (it knows no cryptography), and when the spec's list drifts from this one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph, importSpecifiers, layerOf, layerViolations, sourceFiles } from './import-graph.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcDir = `${root}src`;

/** Lowest first; folders of one rank do not import each other. `index` is the package's root entry. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'version'],
  ['math'],
  ['hash', 'random'],
  ['channel'],
  ['pool'],
  ['sharing'],
  ['bfv'],
  ['he-linear'],
  ['gc', 'ot', 'beaver'],
  ['workers'],
  ['nn'],
  ['planner'],
  ['protocol'],
  ['net'],
  ['vectors'],
  ['cli'],
  ['index'],
];

/** What the planner may import: the network layer and what it is made of, no cryptography. */
const PLANNER_MAY_IMPORT = new Set(['planner', 'nn', 'random', 'math', 'errors', 'version']);

const edges = importGraph(srcDir);

describe('layers of src/', () => {
  it('the graph is read: every file is seen and the known imports are found', () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(200);
    // Files known to import across layers, each found by the reader.
    expect(edges).toContainEqual({ from: 'he-linear/layer.ts', to: 'bfv/encrypt.ts' });
    expect(edges).toContainEqual({ from: 'protocol/backends/delphi.ts', to: 'protocol/backends/bfv-linear.ts' });
    expect(edges).toContainEqual({ from: 'index.ts', to: 'channel/index.ts' });
    // Multi-line, type-only, re-export and dynamic forms.
    expect(importSpecifiers("import {\n  a,\n  b,\n} from './x.js';\nimport type { C } from '../y.js';\nexport * from './z.js';\nconst m = await import('./w.js');\n/** import { no } from './comment.js'; */"))
      .toEqual(['./x.js', '../y.js', './z.js', './w.js']);
  });

  it('every folder of src/ is in the layer list', () => {
    const folders = new Set(sourceFiles(srcDir).map(layerOf));
    const listed = new Set(LAYERS.flat());
    expect([...folders].filter((f) => !listed.has(f))).toEqual([]);
    expect([...listed].filter((f) => !folders.has(f))).toEqual([]);
  });

  it('no import points up or sideways the layer list', () => {
    expect(layerViolations(edges, LAYERS)).toEqual([]);
  });

  it('the check catches an upward and a sideways import', () => {
    const bad = [
      { from: 'bfv/linear.ts', to: 'nn/fixed-model.ts' },
      { from: 'gc/relu.ts', to: 'ot/iknp.ts' },
      { from: 'math/ntt.ts', to: 'math/modular.ts' },
      { from: 'protocol/online.ts', to: 'beaver/multiply.ts' },
    ];
    expect(layerViolations(bad, LAYERS)).toEqual([
      'bfv/linear.ts → nn/fixed-model.ts: bfv may not import nn (a higher layer)',
      'gc/relu.ts → ot/iknp.ts: gc may not import ot (same rank)',
    ]);
  });

  it('the planner imports only the network layer and plain arithmetic (no cryptography)', () => {
    const planner = edges.filter((e) => layerOf(e.from) === 'planner');
    expect(planner.length).toBeGreaterThan(10);
    expect(planner.filter((e) => !PLANNER_MAY_IMPORT.has(layerOf(e.to))).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it("the spec's layer list (§1.5) is this one", () => {
    const spec = readFileSync(`${root}spec/01-overview.md`, 'utf8');
    const line = LAYERS.slice(0, -1).map((names) => names.join(', ')).join(' → ');
    expect(spec).toContain(line);
  });
});
