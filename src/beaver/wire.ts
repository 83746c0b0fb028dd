/**
 * Messages of the online Beaver protocols: the masked differences each party sends to open
 * d = x − a (and e = y − b). A message carries a chunk of a batch:
 *
 *   tag (1) ‖ 3 zero bytes ‖ u32 count ‖ u64 start ‖ column 0 ‖ column 1 ‖ …
 *
 * where each column holds `count` field elements of 6 bytes each, little-endian (p < 2^41 fits in
 * 48 bits). The receiver checks tag, reserved bytes, count, start and length before reading any
 * element, and rejects elements ≥ p.
 *
 * Spec: §7.7
 * @module
 */
import { MalformedInputError, ProtocolError } from '../errors.js';
import { FIELD_ELEMENT_BYTES, readFieldElements, writeFieldElements } from '../sharing/field-vector.js';
import { readU32LE, writeU32LE } from '../math/bytes.js';

/** Message tags (one byte) of the Beaver protocols. Spec: §7.7 */
export const BEAVER_TAG = {
  /** Opening for a product: columns d = x − a and e = y − b. */
  OPEN_MULTIPLY: 0x51,
  /** Opening for a square: column d = x − a. */
  OPEN_SQUARE: 0x52,
} as const;

export { FIELD_ELEMENT_BYTES };

/** Bytes of the header of an opening message. Spec: §7.7 */
export const OPEN_HEADER_BYTES = 16;

/** Default number of batch entries per message (≈ 768 KiB per product chunk). Spec: §7.7 */
export const DEFAULT_OPEN_CHUNK = 65536;

const TWO_32 = 2 ** 32;

function tagName(tag: number): string {
  for (const [name, value] of Object.entries(BEAVER_TAG)) if (value === tag) return name;
  return `unknown tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/**
 * Encodes entries [start, start + count) of each column into one opening message. The columns
 * MUST hold field elements (the caller computed them). Spec: §7.7
 */
export function encodeOpening(tag: number, columns: readonly Float64Array[], start: number, count: number): Uint8Array {
  const msg = new Uint8Array(OPEN_HEADER_BYTES + columns.length * count * FIELD_ELEMENT_BYTES);
  msg[0] = tag;
  writeU32LE(msg, 4, count);
  writeU32LE(msg, 8, start >>> 0);
  writeU32LE(msg, 12, Math.floor(start / TWO_32));
  let o = OPEN_HEADER_BYTES;
  for (const column of columns) o = writeFieldElements(msg, o, column, start, count);
  return msg;
}

/**
 * Decodes an opening message that must carry `columnCount` columns of entries
 * [start, start + count) of a batch: a wrong tag, start or count is a {@link ProtocolError}; a
 * short/long message, non-zero reserved bytes or an element ≥ p is a {@link MalformedInputError}.
 * Returns one `Float64Array` of `count` elements per column. Spec: §7.7
 */
export function decodeOpening(
  msg: Uint8Array,
  tag: number,
  columnCount: number,
  start: number,
  count: number,
  context: string,
): Float64Array[] {
  if (!(msg instanceof Uint8Array) || msg.length < OPEN_HEADER_BYTES) {
    throw new MalformedInputError(`${context}: message shorter than the ${OPEN_HEADER_BYTES}-byte header`);
  }
  if (msg[0] !== tag) {
    throw new ProtocolError(`${context}: expected a ${tagName(tag)} message, received ${tagName(msg[0])}`);
  }
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0) {
    throw new MalformedInputError(`${context}: reserved header bytes must be zero`);
  }
  const gotCount = readU32LE(msg, 4);
  const gotStart = readU32LE(msg, 8) + readU32LE(msg, 12) * TWO_32;
  if (gotStart !== start || gotCount !== count) {
    throw new ProtocolError(
      `${context}: peer sent entries [${gotStart}, ${gotStart + gotCount}), expected [${start}, ${start + count})`,
    );
  }
  const expected = OPEN_HEADER_BYTES + columnCount * count * FIELD_ELEMENT_BYTES;
  if (msg.length !== expected) {
    throw new MalformedInputError(`${context}: message is ${msg.length} bytes, expected ${expected}`);
  }
  const columns: Float64Array[] = [];
  let o = OPEN_HEADER_BYTES;
  for (let c = 0; c < columnCount; c++) {
    const column = new Float64Array(count);
    o = readFieldElements(msg, o, count, column, 0, (i) => `${context}: element ${start + i} of column ${c}`);
    columns.push(column);
  }
  return columns;
}
