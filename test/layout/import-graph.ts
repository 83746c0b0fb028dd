/**
 * The import graph of src/: every relative import and re-export specifier of every .ts file
 * (static `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')`),
 * resolved to the folder (layer) it points into. Read with a regular expression over the source text
 * after comments are removed: the code follows one import style (ESM, relative specifiers ending in
 * .js), which the tests check by counting.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** One import: the importing file and the imported file, both relative to src/. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** The layer (top folder) of a path relative to src/: `errors.ts` → `errors`, `bfv/keys.ts` → `bfv`. */
export function layerOf(path: string): string {
  const parts = path.split('/');
  return parts.length === 1 ? parts[0].replace(/\.ts$/, '') : parts[0];
}

/** Every .ts file under `dir`, relative to it, with / separators. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Removes block and line comments (JSDoc examples hold import lines that are not imports). */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;

/** The specifiers a source text imports or re-exports from. */
export function importSpecifiers(text: string): string[] {
  return [...stripComments(text).matchAll(SPECIFIER)].map((m) => m[2]);
}

/** The relative imports of every file under `srcDir`, resolved to paths relative to it. */
export function importGraph(srcDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(srcDir)) {
    for (const spec of importSpecifiers(readFileSync(join(srcDir, file), 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const to = normalize(join(dirname(file), spec)).split(sep).join('/').replace(/\.js$/, '.ts');
      edges.push({ from: file, to });
    }
  }
  return edges;
}

/**
 * The edges that break the layer list: an import into a folder that is not strictly lower (same
 * rank but another folder counts as sideways, also a break), or into a folder the list does not name.
 * `layers` is lowest first; each entry names the folders of one rank.
 */
export function layerViolations(edges: readonly ImportEdge[], layers: readonly (readonly string[])[]): string[] {
  const rank = new Map<string, number>();
  layers.forEach((names, i) => names.forEach((n) => rank.set(n, i)));
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra === undefined) out.push(`${from}: folder "${a}" is not in the layer list`);
    else if (rb === undefined) out.push(`${from} → ${to}: folder "${b}" is not in the layer list`);
    else if (rb >= ra) out.push(`${from} → ${to}: ${a} may not import ${b} (${rb === ra ? 'same rank' : 'a higher layer'})`);
  }
  return out;
}
