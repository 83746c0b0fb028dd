/**
 * Where each Markdown source of the repository is published on the site, and where each spec
 * section (§N.M) lands. Shared by the remark plugins (link rewriting, spec citations) and the
 * Docusaurus configuration, so that the mapping is written down once.
 *
 * Routes follow from the docs instances in docusaurus.config.ts, which disable the number-prefix
 * parser: `tutorials/00-seeds-and-channels.md` is published at `/tutorials/00-seeds-and-channels`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSlugger } from '@docusaurus/utils';

/** The website folder and the repository root. */
export const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(siteDir, '..');

/** A folder of Markdown documents published under one route base. */
export interface ContentDir {
  /** Absolute folder path. */
  dir: string;
  /** Route base, without trailing slash (e.g. `/spec`). */
  route: string;
}

export const contentDirs: ContentDir[] = [
  { dir: path.join(repoRoot, 'tutorials'), route: '/tutorials' },
  { dir: path.join(repoRoot, 'spec'), route: '/spec' },
];

/** The repository README is the landing page. */
export const readmePath = path.join(repoRoot, 'README.md');

/**
 * Where the landing page's copy of the README is written. A docs instance cannot point at the
 * repository root (its Markdown loader would claim every .md file below it, the generated API
 * pages included), so the README is mirrored into its own folder at each build.
 */
export const homeDir = path.join(siteDir, 'generated', 'home');
const homeCopy = path.join(homeDir, 'index.md');

/** Writes generated/home/index.md: the README with front matter that makes it the page at `/`. */
export function mirrorReadme(): void {
  mkdirSync(homeDir, { recursive: true });
  const readme = readFileSync(readmePath, 'utf8');
  const frontMatter = ['---', 'slug: /', 'sidebar_label: Introduction', 'pagination_next: null', 'pagination_prev: null', '---', ''];
  writeFileSync(homeCopy, frontMatter.join('\n') + readme);
}

/** The repository file a published file stands for (links in the mirror resolve from the original). */
export function originalPath(file: string): string {
  return path.resolve(file) === homeCopy ? readmePath : file;
}

/** Markdown files of a content folder, in publication (file name) order. */
export function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && !f.startsWith('_'))
    .sort();
}

/**
 * The route at which an absolute file or folder path is published, or `undefined` when it is not
 * a published document. `exists` tells whether the file is there today.
 */
export function routeOf(target: string): { route: string; exists: boolean } | undefined {
  const normalized = path.resolve(target);
  if (normalized === readmePath || normalized === repoRoot) return { route: '/', exists: existsSync(readmePath) };
  for (const { dir, route } of contentDirs) {
    if (normalized === dir) {
      const first = markdownFiles(dir)[0];
      return first ? { route: `${route}/${first.slice(0, -3)}`, exists: true } : { route: '/', exists: false };
    }
    if (path.dirname(normalized) === dir && normalized.endsWith('.md')) {
      const name = path.basename(normalized, '.md');
      const slug = name === 'README' || name === 'index' ? '' : `/${name}`;
      return { route: `${route}${slug}`, exists: existsSync(normalized) };
    }
  }
  return undefined;
}

/** Where a spec section is published: the page route and the heading anchor (none for a page title). */
export interface SpecAnchor {
  section: string;
  route: string;
  hash: string;
  title: string;
}

/**
 * Emphasis delimiters removed the way CommonMark reads them: `*…*`/`**…**` anywhere, `_…_`/`__…__`
 * only at word boundaries (an underscore inside a word, as in `parms_id`, is a literal character).
 */
function stripEmphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '$1')
    .replace(/\*(?=\S)(.+?)(?<=\S)\*/g, '$1')
    .replace(/(^|[^\p{L}\p{N}_])__(?=\S)(.+?)(?<=\S)__(?![\p{L}\p{N}_])/gu, '$1$2')
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}_])/gu, '$1$2');
}

/**
 * Plain text of a Markdown heading line, as the heading-id slugger sees it (mdast's toString):
 * code spans keep their content verbatim, links and images their text, emphasis loses its
 * delimiters; an explicit `{#id}` is dropped.
 */
export function headingText(markdown: string): string {
  const source = markdown.replace(/\s*\{#[^}]*\}\s*$/, '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
  // Odd-indexed parts are code-span contents: no emphasis inside them.
  return source
    .split(/`([^`]*)`/)
    .map((part, i) => (i % 2 === 1 ? part : stripEmphasis(part)))
    .join('')
    .trim();
}

/**
 * Every `§N.M` heading of spec/*.md with its URL. Heading anchors are computed as Docusaurus does
 * (GitHub's slugger, one per page, every h2–h6 heading counted, in order), so `§2.1 The random
 * generator` becomes `#21-the-random-generator`, the same anchor GitHub gives it.
 */
export function specAnchors(): Map<string, SpecAnchor> {
  const anchors = new Map<string, SpecAnchor>();
  const spec = contentDirs[1];
  for (const file of markdownFiles(spec.dir)) {
    const route = `${spec.route}/${file.slice(0, -3)}`;
    const slugger = createSlugger();
    let inFence = false;
    for (const line of readFileSync(path.join(spec.dir, file), 'utf8').split('\n')) {
      if (/^(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) continue;
      const m = /^(#{1,6})\s+(.*)$/.exec(line);
      if (!m) continue;
      const text = headingText(m[2]);
      const hash = m[1].length === 1 ? '' : `#${slugger.slug(text)}`;
      const section = /^(§\d+(?:\.\d+)*)\s/.exec(text + ' ')?.[1];
      if (section && !anchors.has(section)) anchors.set(section, { section, route, hash, title: text });
    }
  }
  return anchors;
}

/** The build plugins whose code shapes the compiled Markdown (a change must evict webpack's cache). */
const pluginSources = ['content-map.ts', 'remark-repo-links.ts', 'remark-spec-citations.ts', 'delphi-library.ts'].map((f) =>
  path.join(siteDir, 'plugins', f),
);

/**
 * A digest of everything the compiled Markdown depends on besides each page's own text.
 *
 * Webpack's persistent cache keys a compiled page on that page's text only, but the remark plugins
 * also read *other* files: which tutorials and spec pages exist (links to pages not written yet
 * become plain text) and every spec heading (`Spec: §N.M` citations in the API pages link to them).
 * Without help, a new spec section would leave the cached API pages unlinked, and a renamed heading
 * would leave them pointing at an anchor that no longer exists. The digest covers that cross-file
 * state (published routes, spec anchors) and the plugins' own sources; the site appends it to the
 * webpack cache version, so the cache is evicted exactly when one of them changes.
 */
export function contentCacheKey(): string {
  const hash = createHash('sha256');
  const state = {
    published: contentDirs.map(({ dir, route }) => ({ route, files: markdownFiles(dir) })),
    specAnchors: [...specAnchors().values()],
  };
  hash.update(JSON.stringify(state));
  for (const file of pluginSources) hash.update(existsSync(file) ? readFileSync(file) : '');
  return hash.digest('hex').slice(0, 16);
}
