/**
 * Extracts the runnable parts of a tutorial: ```ts blocks (run in order, as one module) and
 * ```output blocks (what the code since the previous output block must print).
 */
export interface TutorialBlock {
  kind: 'code' | 'output';
  text: string;
  /** 1-based line of the opening fence, for error messages. */
  line: number;
}

export function extractBlocks(markdown: string): TutorialBlock[] {
  const lines = markdown.split('\n');
  const blocks: TutorialBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)(?:[ \t]+live)?[ \t]*$/.exec(lines[i]);
    if (!open) {
      if (/^```/.test(lines[i])) {
        // a fence with no language or with attributes: skip to its close
        const start = i;
        for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++);
        if (i === lines.length) throw new Error(`unclosed fence opened at line ${start + 1}`);
      }
      continue;
    }
    const lang = open[1];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i === lines.length) throw new Error(`unclosed fence opened at line ${start + 1}`);
    if (lang === 'ts' || lang === 'typescript') blocks.push({ kind: 'code', text: body.join('\n'), line: start + 1 });
    else if (lang === 'output') blocks.push({ kind: 'output', text: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/**
 * Builds one ES module from the code blocks, with a checkpoint call before each output block so
 * that the printed text can be cut into the segments each output block must match.
 */
export function buildModule(blocks: TutorialBlock[]): { source: string; outputs: TutorialBlock[] } {
  const parts: string[] = [];
  const outputs: TutorialBlock[] = [];
  for (const b of blocks) {
    if (b.kind === 'code') parts.push(`// --- block at line ${b.line}\n${b.text}`);
    else {
      parts.push(`(globalThis as any).__tutorialCheckpoint(${outputs.length});`);
      outputs.push(b);
    }
  }
  return { source: parts.join('\n') + '\nexport {};\n', outputs };
}
