/**
 * SoftSpokenOT (Roy, CRYPTO 2022, "SoftSpokenOT: Quieter OT Extension from Small-Field Silent VOLE
 * in the Minicrypt Model"), semi-honest form: the same 128 random base OTs as IKNP, grouped into
 * ⌈128/k⌉ blocks of k; each block becomes a GGM puncturable PRF with 2^k leaves, i.e. a
 * (2^k − 1)-of-2^k OT whose punctured leaf Δ_b is the sender's k bits of s; each block then gives a
 * small-field VOLE over F_{2^k} whose correction the receiver sends as one row per block: 128/k bits
 * per OT instead of IKNP's 128, for the same correlation q_i = t_i ⊕ r_i·s (so the batch kinds,
 * hashing and outputs of §6.7 are unchanged). k = 1 is IKNP, message for message.
 *
 * This file holds the scheme choice and the setup step (the GGM level sums, one message from the
 * receiver); the per-chunk work is softspoken-blocks.ts, the sessions are those of iknp.ts.
 *
 * Spec: §6.11
 * @module
 */
import type { Channel } from '../channel/channel.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../errors.js';
import { softReceiverMatrix, softSenderMatrix, type ReceiverMatrix, type SenderMatrix } from './extend-blocks.js';
import { ggmExpand, ggmPuncture, GGM_MAX_DEPTH } from './ggm.js';
import { KAPPA } from './transpose.js';
import { expectLength, expectTag, OT_TAG, readU32, writeU32 } from './wire.js';

/** Largest SoftSpokenOT parameter k (GGM trees of 2^8 leaves). Spec: §6.11 */
export const SOFTSPOKEN_MAX_K = GGM_MAX_DEPTH;
/** The k that protocols use unless told otherwise. Spec: §6.11 */
export const DEFAULT_SOFTSPOKEN_K = 4;
/** Bytes of the fixed part of the GGM-sums message (tag, k, two zero bytes, u32 count). Spec: §6.11 */
export const GGM_SUMS_HEADER_BYTES = 8;

/** Which OT extension a session runs: IKNP (§6.6–§6.7) or SoftSpokenOT with parameter k (§6.11). */
export type OtExtScheme = { readonly kind: 'iknp' } | { readonly kind: 'softspoken'; readonly k: number };

/** IKNP/ALSZ (the default of the OT sessions). Spec: §6.6 */
export const IKNP_SCHEME: OtExtScheme = Object.freeze({ kind: 'iknp' });

/** SoftSpokenOT with parameter k ∈ [1, 8] (default {@link DEFAULT_SOFTSPOKEN_K}). Spec: §6.11 */
export function softSpokenScheme(k = DEFAULT_SOFTSPOKEN_K): OtExtScheme {
  checkSoftSpokenK(k);
  return Object.freeze({ kind: 'softspoken', k });
}

/** Throws unless k is an integer in [1, {@link SOFTSPOKEN_MAX_K}]. Spec: §6.11 */
export function checkSoftSpokenK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > SOFTSPOKEN_MAX_K) {
    throw new InvalidArgumentError(`SoftSpokenOT k must be an integer in [1, ${SOFTSPOKEN_MAX_K}], got ${k}`);
  }
}

/** Throws unless `scheme` is a valid {@link OtExtScheme}. */
export function checkScheme(scheme: OtExtScheme): void {
  if (typeof scheme !== 'object' || scheme === null) throw new InvalidArgumentError('OT extension scheme must be an object');
  if (scheme.kind === 'softspoken') checkSoftSpokenK(scheme.k);
  else if (scheme.kind !== 'iknp') throw new InvalidArgumentError(`unknown OT extension scheme ${JSON.stringify((scheme as { kind: unknown }).kind)}`);
}

/**
 * The widths of the blocks of rows: ⌊128/k⌋ blocks of k, then one of 128 mod k if that is not zero.
 * Block b covers rows (and base OTs) o_b … o_b + k_b − 1. Spec: §6.11
 */
export function softSpokenWidths(k: number): number[] {
  checkSoftSpokenK(k);
  const widths = new Array<number>(Math.floor(KAPPA / k)).fill(k);
  if (KAPPA % k !== 0) widths.push(KAPPA % k);
  return widths;
}

/** Rows of u per chunk (⌈128/k⌉): the receiver's upload is 16·rows bytes per 128 OTs. Spec: §6.11 */
export function softSpokenRows(k: number): number {
  return Math.ceil(KAPPA / k);
}

/** Receiver → sender bytes per OT, full chunks, headers aside: 16 (IKNP) or 16·⌈128/k⌉/128. Spec: §6.11 */
export function otUploadBytesPerOt(scheme: OtExtScheme): number {
  return scheme.kind === 'iknp' ? KAPPA / 8 : softSpokenRows(scheme.k) / 8;
}

/** Bytes of the GGM-sums message for parameter k: 8 + 32·(128 − ⌈128/k⌉). Spec: §6.11 */
export function ggmSumsBytes(k: number): number {
  return GGM_SUMS_HEADER_BYTES + 32 * (KAPPA - softSpokenRows(k));
}

/**
 * The base OTs of block b, depth by depth: base OT o_b + i carries bit i of Δ_b, which is the branch
 * at depth k_b − i; calls `f(j, depth, b)` for each.
 */
function forEachBaseOt(widths: readonly number[], f: (j: number, depth: number, b: number) => void): void {
  widths.reduce((o, w, b) => {
    for (let i = 0; i < w; i++) f(o + i, w - i, b);
    return o + w;
  }, 0);
}

/**
 * The receiver's setup (it is the base-OT sender, with both keys k⁰_j, k¹_j): per block, the GGM
 * tree whose depth-1 nodes are (k¹_j, k⁰_j) for the block's top base OT j; for every deeper base OT
 * j (depth d ≥ 2) it sends e_{j,c} = S_d^{1−c} ⊕ k^c_j for c = 0, 1, S_d^p being the XOR of the
 * tree's depth-d nodes of parity p. Sends one `EXT_GGM_SUMS` message. Spec: §6.11
 */
export function softSpokenReceiverSetup(channel: Channel, keys0: readonly Uint8Array[], keys1: readonly Uint8Array[], k: number): ReceiverMatrix {
  const widths = softSpokenWidths(k);
  const leaves: Uint8Array[] = [];
  const msg = new Uint8Array(ggmSumsBytes(k));
  msg[0] = OT_TAG.EXT_GGM_SUMS;
  msg[1] = k;
  writeU32(msg, 4, KAPPA - widths.length);
  let o = GGM_SUMS_HEADER_BYTES;
  let offset = 0;
  for (const w of widths) {
    const top = offset + w - 1;
    const tree = ggmExpand([keys1[top], keys0[top]], w);
    leaves.push(...tree.leaves);
    for (let i = 0; i < w - 1; i++) {
      const j = offset + i;
      const sums = tree.sums[w - i - 1];
      for (let c = 0; c < 2; c++, o += 16) {
        const key = c === 0 ? keys0[j] : keys1[j];
        for (let t = 0; t < 16; t++) msg[o + t] = sums[1 - c][t] ^ key[t];
      }
    }
    offset += w;
  }
  channel.send(msg);
  return softReceiverMatrix(leaves, widths);
}

/**
 * The sender's setup (base-OT receiver with choice bits s_j and keys k^{s_j}_j): receives the GGM
 * sums, decrypts S_d^{1−s_j} = e_{j,s_j} ⊕ k^{s_j}_j — the sum off the path to Δ_b — and punctures
 * each block's tree at Δ_b. Spec: §6.11
 */
export async function softSpokenSenderSetup(channel: Channel, keys: readonly Uint8Array[], sBits: Uint8Array, k: number): Promise<SenderMatrix> {
  const context = 'SoftSpokenOT setup (sender)';
  const widths = softSpokenWidths(k);
  const msg = await channel.recv();
  expectTag(msg, OT_TAG.EXT_GGM_SUMS, context);
  if (msg.length < GGM_SUMS_HEADER_BYTES) throw new MalformedInputError(`${context}: message of ${msg.length} bytes is shorter than its header`);
  if (msg[1] !== k) throw new ProtocolError(`${context}: the receiver uses k = ${msg[1]}, this sender k = ${k}`);
  if (msg[2] !== 0 || msg[3] !== 0) throw new MalformedInputError(`${context}: reserved header bytes are not zero`);
  const n = readU32(msg, 4);
  if (n !== KAPPA - widths.length) throw new MalformedInputError(`${context}: ${n} sums, expected ${KAPPA - widths.length} for k = ${k}`);
  expectLength(msg, ggmSumsBytes(k), context);
  const offPath: Uint8Array[][] = widths.map((w) => new Array<Uint8Array>(w));
  const deltas = widths.map(() => 0);
  let o = GGM_SUMS_HEADER_BYTES;
  forEachBaseOt(widths, (j, depth, b) => {
    deltas[b] |= sBits[j] << (widths[b] - depth);
    if (depth === 1) {
      offPath[b][0] = Uint8Array.from(keys[j]);
      return;
    }
    const e = msg.subarray(o + 16 * sBits[j], o + 16 * sBits[j] + 16);
    offPath[b][depth - 1] = e.map((x, t) => x ^ keys[j][t]);
    o += 32;
  });
  const leaves = widths.flatMap((w, b) => ggmPuncture(deltas[b], w, offPath[b]));
  return softSenderMatrix(leaves, widths, sBits);
}
