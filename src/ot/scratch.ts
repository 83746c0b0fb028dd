/**
 * Grow-only scratch words for the synchronous matrix kernels of OT extension (§6.7, §6.11): a
 * kernel borrows a slot for the length of one call instead of allocating its row buffers per chunk,
 * which keeps a batch's garbage (and the garbage collections it triggers) down to its outputs. The
 * kernels never await, so one slot per use is enough within a thread.
 *
 * Spec: §6.7
 * @module
 */

const slots = new Map<string, Uint32Array>();

/**
 * A view of `words` words of the scratch slot `name`, zeroed if `zero` (otherwise holding whatever
 * the previous borrower left). Valid until the next call with the same name.
 */
export function scratchWords(name: string, words: number, zero = false): Uint32Array {
  let buf = slots.get(name);
  if (buf === undefined || buf.length < words) {
    buf = new Uint32Array(Math.max(words, 2 * (buf?.length ?? 0)));
    slots.set(name, buf);
    return buf.subarray(0, words);
  }
  const view = buf.subarray(0, words);
  if (zero) view.fill(0);
  return view;
}
