/**
 * The layout's size rule: no function in src/ is longer than 150 lines unless its doc comment says why
 * it is an exception (the words "150-line rule"). Functions are found with TypeScript's own parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 150;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every function-like node with a body longer than `max` lines: file:line name, and whether its leading comment justifies it. */
function longFunctions(file: string, text: string, max: number): { where: string; justified: boolean }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { where: string; justified: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.end).line;
      if (last - first + 1 > max) {
        // The doc comment of the statement that holds it (`export const f = () => …` has it before `export`).
        let holder: ts.Node = node;
        while (holder.parent && !ts.isSourceFile(holder.parent) && !ts.isBlock(holder.parent) && !ts.isClassLike(holder.parent) && !ts.isObjectLiteralExpression(holder.parent)) holder = holder.parent;
        const lead = text.slice(holder.getFullStart(), node.getStart(sf));
        const name = 'name' in node && node.name ? (node.name as ts.Node).getText(sf) : '(anonymous)';
        found.push({ where: `${file}:${first + 1} ${name} (${last - first + 1} lines)`, justified: /150-line rule/.test(lead) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('function length in src/', () => {
  it('finds long functions (the check is not blind)', () => {
    const body = Array.from({ length: 160 }, (_, i) => `  x += ${i};`).join('\n');
    const text = `export function big(): number {\n  let x = 0;\n${body}\n  return x;\n}\n/** Over the 150-line rule on purpose. */\nexport const ok = (): number => {\n  let x = 0;\n${body}\n  return x;\n};\n`;
    expect(longFunctions('t.ts', text, MAX_LINES)).toEqual([
      { where: 't.ts:1 big (164 lines)', justified: false },
      { where: 't.ts:166 (anonymous) (164 lines)', justified: true },
    ]);
  });
  it(`no function is over ${MAX_LINES} lines without a comment that justifies it`, () => {
    const files = sourceFiles('src');
    expect(files.length).toBeGreaterThan(100);
    const unjustified = files.flatMap((f) => longFunctions(f, readFileSync(f, 'utf8'), MAX_LINES)).filter((f) => !f.justified).map((f) => f.where);
    expect(unjustified).toEqual([]);
  });
});
