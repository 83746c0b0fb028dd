/**
 * The site's map of spec sections (website/plugins/content-map.ts) must give every `§N.M` heading
 * the anchor Docusaurus gives it, or API citations link to anchors that do not exist and the build
 * fails. Reference: what Docusaurus itself runs — mdast-util-from-markdown to parse the heading,
 * mdast-util-to-string for its text, github-slugger (via @docusaurus/utils) for the id — on every
 * heading of spec/ and on hand-picked hard cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

// The website's modules are loaded at run time from variable paths, so that the repository
// type-checks without website/node_modules (vitest.config.ts leaves this file out, with a line
// saying so, when `npm ci --prefix website` has not been run).
interface MdNode {
  type: string;
  children?: MdNode[];
}
interface Slugger {
  slug(text: string): string;
}
let fromMarkdown: (markdown: string) => MdNode;
let toString: (node: MdNode) => string;
let createSlugger: () => Slugger;
let headingText: (markdown: string) => string;
let specAnchors: () => Map<string, { route: string; hash: string; title: string }>;

beforeAll(async () => {
  const load = async (rel: string): Promise<Record<string, unknown>> => {
    const specifier = path.join(root, rel);
    try {
      return (await import(specifier)) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`cannot load ${rel}: run \`npm ci --prefix website\` (${(e as Error).message})`);
    }
  };
  ({ fromMarkdown } = (await load('website/node_modules/mdast-util-from-markdown/index.js')) as { fromMarkdown: typeof fromMarkdown });
  ({ toString } = (await load('website/node_modules/mdast-util-to-string/index.js')) as { toString: typeof toString });
  ({ createSlugger } = (await load('website/node_modules/@docusaurus/utils/lib/index.js')) as { createSlugger: typeof createSlugger });
  ({ headingText, specAnchors } = (await load('website/plugins/content-map.ts')) as { headingText: typeof headingText; specAnchors: typeof specAnchors });
});

/** The text mdast sees in a heading line (`## …`). */
function mdastHeadingText(line: string): string {
  const tree = fromMarkdown(line);
  const heading = tree.children?.[0];
  if (heading?.type !== 'heading') throw new Error(`not a heading: ${line}`);
  return toString(heading);
}

describe('spec heading anchors (content-map vs mdast)', () => {
  const hard = [
    '## §4.11 parms_id and parameter identification',
    '## §9.1 The `delphi seal` command',
    '## §9.2 Values like `snake_case_name` and `x*y*z`',
    '## §9.3 *Emphasis* and **strong** and _under_ and __double__',
    '## §9.4 A [link](https://example.org) and ![an image](x.png)',
    '## §9.5 snake_case_words_everywhere',
    '## §9.6 Ratio 2*3*4 and a_b_c',
    '## §9.7 Explicit id {#custom-id}',
  ];
  for (const line of hard) {
    it(`headingText agrees with mdast: ${line}`, () => {
      const withoutId = line.replace(/\s*\{#[^}]*\}\s*$/, '');
      expect(headingText(line.slice(3))).toBe(mdastHeadingText(withoutId));
    });
  }

  it('every §N.M heading of spec/ maps to the slug of its mdast text', () => {
    const files = readdirSync(path.join(root, 'spec')).filter((f) => f.endsWith('.md')).sort();
    const anchors = specAnchors();
    let checked = 0;
    for (const file of files) {
      const slugger = createSlugger();
      let inFence = false;
      for (const line of readFileSync(path.join(root, 'spec', file), 'utf8').split('\n')) {
        if (/^(```|~~~)/.test(line)) inFence = !inFence;
        if (inFence || !/^#{1,6}\s/.test(line)) continue;
        const level = /^#+/.exec(line)![0].length;
        const text = mdastHeadingText(line);
        const hash = level === 1 ? '' : `#${slugger.slug(text)}`;
        const section = /^(§\d+(?:\.\d+)*)\s/.exec(text + ' ')?.[1];
        if (!section) continue;
        expect(anchors.get(section), `${file}: ${line}`).toMatchObject({ route: `/spec/${file.slice(0, -3)}`, hash, title: text });
        checked++;
      }
    }
    expect(checked).toBe(anchors.size);
    expect(checked).toBeGreaterThan(40);
  });
});
