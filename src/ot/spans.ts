/**
 * Spans of chunks: runs of consecutive chunks of an OT-extension batch whose matrix rows the
 * kernels of extend-blocks.ts and softspoken-blocks.ts build together, each row's PRG stream in one
 * call. Only the work is grouped: messages stay one per chunk and outputs do not change.
 *
 * Spec: §6.7
 * @module
 */

/**
 * PRG blocks (128 OTs each) whose rows a kernel fills in one call: a span of whole chunks up to this
 * many blocks (or one chunk if larger) shares each row's AES-CTR call, 8 KB per row. Spec: §6.7
 */
export const SPAN_BLOCKS = 512;

/**
 * Splits `counts` (OTs per chunk) into spans of consecutive chunks of at most {@link SPAN_BLOCKS}
 * PRG blocks (at least one chunk each): [first, end) chunk ranges.
 */
export function chunkSpans(counts: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let c = 0; c < counts.length; ) {
    let end = c + 1;
    let blocks = Math.ceil(counts[c] / 128);
    while (end < counts.length && blocks + Math.ceil(counts[end] / 128) <= SPAN_BLOCKS) blocks += Math.ceil(counts[end++] / 128);
    out.push([c, end]);
    c = end;
  }
  return out;
}

/** OTs of each chunk of `m` OTs cut in chunks of `chunkSize`. */
export function chunkCounts(m: number, chunkSize: number): number[] {
  const out: number[] = [];
  for (let from = 0; from < m; from += chunkSize) out.push(Math.min(chunkSize, m - from));
  return out;
}
