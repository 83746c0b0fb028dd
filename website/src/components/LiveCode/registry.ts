/**
 * The code and output blocks of the page, in document order. A live block asks it for the
 * program text that precedes it (every ```ts block above it, edited or not) and for the
 * ```output block that follows it, if any.
 */

/** One registered block. */
export interface PageBlock {
  element: HTMLElement;
  kind: 'code' | 'output';
  /** Current text (the edited text for a live block). */
  source(): string;
}

const blocks = new Set<PageBlock>();

/** Registers a block; returns the function that unregisters it. */
export function registerBlock(block: PageBlock): () => void {
  blocks.add(block);
  return () => {
    blocks.delete(block);
  };
}

function pageBlocks(of: HTMLElement): PageBlock[] {
  const root = of.closest('article') ?? of.ownerDocument.body;
  return [...blocks]
    .filter((b) => b.element.isConnected && root.contains(b.element))
    .sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

/** Sources of the code blocks before `element` and of `element` itself, in order. */
export function programUpTo(element: HTMLElement): string[] {
  const ordered = pageBlocks(element);
  const at = ordered.findIndex((b) => b.element === element);
  return ordered.slice(0, at + 1).filter((b) => b.kind === 'code').map((b) => b.source());
}

/** Text of the output block right after `element` (before any other code block), if there is one. */
export function expectedOutputAfter(element: HTMLElement): string | undefined {
  const ordered = pageBlocks(element);
  const next = ordered[ordered.findIndex((b) => b.element === element) + 1];
  return next?.kind === 'output' ? next.source() : undefined;
}
