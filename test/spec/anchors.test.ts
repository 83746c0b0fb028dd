/**
 * Keeps spec/ and src/ honest with each other:
 * - every `Spec: §N.M` citation in src/ names a section that exists in spec/;
 * - every normative section of spec/ is cited by some source file (informative sections say so in
 *   their heading);
 * - every algorithm block in spec/ (written **`name`**) names a function, class or constant that src/
 *   exports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path, ext);
    return path.endsWith(ext) ? [path] : [];
  });
}

const specFiles = walk(join(root, 'spec'), '.md');
const srcFiles = walk(join(root, 'src'), '.ts');

interface Section {
  anchor: string;
  file: string;
  informative: boolean;
}

const sections: Section[] = specFiles.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const m = /^#{1,4} (§\d+(?:\.\d+)*)\s+(.*)$/.exec(line);
      return m ? [{ anchor: m[1], file, informative: /\(informative\)/i.test(m[2]) }] : [];
    }),
);

const citations = srcFiles.flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const found: { anchor: string; file: string }[] = [];
  for (const m of text.matchAll(/Spec:\s*((?:§\d+(?:\.\d+)*[,;\s]*(?:and\s+)?)+)/g)) {
    for (const a of m[1].matchAll(/§\d+(?:\.\d+)*/g)) found.push({ anchor: a[0], file });
  }
  return found;
});

const exportedNames = new Set(
  srcFiles.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)].map(
      (m) => m[1],
    ),
  ),
);

describe('spec anchors', () => {
  it('spec sections have unique anchors', () => {
    const seen = new Map<string, string>();
    for (const s of sections) {
      expect(seen.get(s.anchor), `${s.anchor} is defined twice`).toBeUndefined();
      seen.set(s.anchor, s.file);
    }
    expect(sections.length).toBeGreaterThan(0);
  });

  it('every Spec: citation in src/ names an existing section', () => {
    const anchors = new Set(sections.map((s) => s.anchor));
    const missing = citations.filter((c) => !anchors.has(c.anchor)).map((c) => `${c.file.slice(root.length)} cites ${c.anchor}`);
    expect(missing).toEqual([]);
  });

  it('every normative section is cited by the code', () => {
    const cited = new Set(citations.map((c) => c.anchor));
    // A section counts as cited when it or one of its subsections is cited.
    const uncited = sections
      .filter((s) => !s.informative)
      .filter((s) => ![...cited].some((c) => c === s.anchor || c.startsWith(s.anchor + '.')))
      .map((s) => `${s.anchor} (${s.file.slice(root.length)})`);
    expect(uncited).toEqual([]);
  });

  it('every algorithm block names an exported symbol', () => {
    const unknown = specFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\*\*`([A-Za-z_$][\w$]*)(?:\.[\w$]+)?`\*\*/g)]
        .map((m) => m[1])
        .filter((name) => !exportedNames.has(name))
        .map((name) => `${file.slice(root.length)}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
