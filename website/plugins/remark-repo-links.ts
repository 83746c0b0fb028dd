/**
 * Remark plugin: rewrites links between the repository's Markdown files (README.md, tutorials/,
 * spec/) into site routes, so that one text works both on GitHub and on the website, across docs
 * instances (Docusaurus only resolves `.md` links inside one instance).
 *
 * - `spec/02-randomness-and-channels.md#22-samplers` → `/spec/02-randomness-and-channels#22-samplers`
 * - a link to a tutorial or spec file that is not written yet (a "Next:" pointer to the upcoming
 *   tutorial) is turned into plain text, with a build warning, instead of a link to a 404.
 * - every other link is left to Docusaurus (which serves existing repository files as assets and
 *   reports broken ones).
 */
import path from 'node:path';
import { originalPath, routeOf } from './content-map.js';

interface MdNode {
  type: string;
  url?: string;
  children?: MdNode[];
}

interface VFileLike {
  path?: string;
  history?: string[];
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/|\/|#)/i;

function rewrite(url: string, fromFile: string): { url: string; missing: boolean } | undefined {
  if (EXTERNAL.test(url)) return undefined;
  const hashAt = url.indexOf('#');
  const target = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  if (target === '') return undefined;
  const resolved = routeOf(path.resolve(path.dirname(fromFile), decodeURI(target)));
  if (!resolved) return undefined;
  return { url: resolved.route + hash, missing: !resolved.exists };
}

/** The remark plugin (no options). */
export default function remarkRepoLinks() {
  return (tree: MdNode, file: VFileLike): void => {
    const published = file.path ?? file.history?.[file.history.length - 1];
    if (!published) return;
    const from = originalPath(published);
    const visit = (node: MdNode): void => {
      const children = node.children;
      if (!children) return;
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        if ((child.type === 'link' || child.type === 'definition') && typeof child.url === 'string') {
          const r = rewrite(child.url, from);
          if (r && r.missing && child.type === 'link') {
            console.warn(`[delphi-ts website] ${path.basename(from)}: "${child.url}" is not written yet; shown as plain text`);
            children.splice(i, 1, ...(child.children ?? []));
            i--;
            continue;
          }
          if (r) child.url = r.url;
        }
        visit(child);
      }
    };
    visit(tree);
  };
}
