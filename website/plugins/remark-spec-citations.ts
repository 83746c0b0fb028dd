/**
 * Remark plugin for the generated API reference: every `Spec: §N.M` citation that the JSDoc of an
 * exported function carries becomes a link to that section of the specification, so an auditor
 * goes from the API entry to the normative text in one click. Only sections that exist are linked;
 * text inside code, links and headings is left alone.
 */
import { specAnchors, type SpecAnchor } from './content-map.js';

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  title?: string | null;
  children?: MdNode[];
}

const CITATION = /Spec:\s*((?:§\d+(?:\.\d+)*(?:\s*(?:,|;|and)\s*)?)+)/g;
const SECTION = /§\d+(?:\.\d+)*/g;
const SKIP = new Set(['link', 'linkReference', 'heading', 'code', 'inlineCode', 'html', 'definition']);

/** Splits one text value into text and link nodes at each cited section that exists. */
function linkCitations(value: string, anchors: Map<string, SpecAnchor>): MdNode[] | undefined {
  const out: MdNode[] = [];
  let last = 0;
  for (const citation of value.matchAll(CITATION)) {
    const listStart = citation.index + citation[0].length - citation[1].length;
    for (const s of citation[1].matchAll(SECTION)) {
      const anchor = anchors.get(s[0]);
      if (!anchor) continue;
      const at = listStart + s.index;
      if (at > last) out.push({ type: 'text', value: value.slice(last, at) });
      out.push({
        type: 'link',
        url: anchor.route + anchor.hash,
        title: anchor.title,
        children: [{ type: 'text', value: s[0] }],
      });
      last = at + s[0].length;
    }
  }
  if (last === 0) return undefined;
  if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
  return out;
}

/** The remark plugin (no options). The section map is read once per compilation. */
export default function remarkSpecCitations() {
  let anchors: Map<string, SpecAnchor> | undefined;
  return (tree: MdNode): void => {
    anchors ??= specAnchors();
    const visit = (node: MdNode): void => {
      const children = node.children;
      if (!children) return;
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        if (SKIP.has(child.type)) continue;
        if (child.type === 'text' && child.value) {
          const replaced = linkCitations(child.value, anchors!);
          if (replaced) {
            children.splice(i, 1, ...replaced);
            i += replaced.length - 1;
          }
          continue;
        }
        visit(child);
      }
    };
    visit(tree);
  };
}
