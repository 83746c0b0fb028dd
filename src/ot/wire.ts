/**
 * Framing of OT messages: every message starts with a one-byte tag naming its type, followed by
 * fixed-width little-endian integers and a payload whose length the header determines exactly.
 * Unknown tags and wrong lengths are rejected before any payload is used.
 *
 * Spec: §6.2
 * @module
 */
import { MalformedInputError, ProtocolError } from '../errors.js';

/** Message tags of §6.2 (one byte each). Spec: §6.2 */
export const OT_TAG = {
  /** Chou–Orlandi: the sender's point A. */
  BASE_SENDER_POINT: 0x01,
  /** Chou–Orlandi: the receiver's points B_0 … B_{n−1}. */
  BASE_RECEIVER_POINTS: 0x02,
  /** Chou–Orlandi: the sender's encrypted messages (chosen-message variant only). */
  BASE_CIPHERTEXTS: 0x03,
  /** SoftSpokenOT setup: the encrypted GGM level sums (§6.11). */
  EXT_GGM_SUMS: 0x10,
  /** OT extension: matrix u of a chunk, chosen-message OT. */
  EXT_U_CHOSEN: 0x11,
  /** OT extension: matrix u of a chunk, correlated OT with a chosen Δ. */
  EXT_U_CORRELATED: 0x12,
  /** OT extension: matrix u of a chunk, random OT. */
  EXT_U_RANDOM: 0x13,
  /** OT extension: matrix u of a chunk, random correlated OT (Δ = s). */
  EXT_U_RANDOM_CORRELATED: 0x14,
  /** OT extension: the sender's masked message pairs (y0, y1) of a chunk. */
  EXT_Y_CHOSEN: 0x21,
  /** OT extension: the sender's correction blocks y of a chunk. */
  EXT_Y_CORRELATED: 0x22,
} as const;

const TAG_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OT_TAG).map(([k, v]) => [v, k]));

/** Name of a tag for error messages. Spec: §6.2 */
export function tagName(tag: number): string {
  return TAG_NAMES[tag] ?? `unknown tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/** Throws unless `msg` is non-empty (MalformedInputError) and starts with `tag` (ProtocolError). Spec: §6.2 */
export function expectTag(msg: Uint8Array, tag: number, context: string): void {
  if (msg.length === 0) throw new MalformedInputError(`${context}: empty message, expected ${tagName(tag)}`);
  if (msg[0] !== tag) {
    throw new ProtocolError(`${context}: expected a ${tagName(tag)} message, received ${tagName(msg[0])}`);
  }
}

/** Throws {@link MalformedInputError} unless `msg.length === expected`. Spec: §6.2 */
export function expectLength(msg: Uint8Array, expected: number, context: string): void {
  if (msg.length !== expected) {
    throw new MalformedInputError(`${context}: message is ${msg.length} bytes, expected ${expected}`);
  }
}

/** The 32- and 64-bit little-endian codecs of §6.2, from the one byte codec (math/bytes.ts). Spec: §6.2 */
export { readU32LE as readU32, readU64LE as readU64, writeU32LE as writeU32, writeU64LE as writeU64 } from '../math/bytes.js';
