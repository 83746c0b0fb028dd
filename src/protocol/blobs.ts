/**
 * The framing shared by the BFV backends (§9.9.3, §9.9.5): a tag, three reserved zero bytes, three
 * u32 header fields, then length-prefixed byte strings (keys, ciphertexts).
 *
 * Spec: §9.9.3
 * @module
 */
import { MalformedInputError, ProtocolError } from '../errors.js';
import { protocolTagName, rejectAbort } from './messages.js';
import { readU32LE, writeU32LE } from '../math/bytes.js';

/** tag ‖ 3 zero bytes ‖ u32 a ‖ u32 b ‖ u32 c ‖ (u32 length ‖ bytes)*. Spec: §9.9.3 */
export function encodeBlobs(tag: number, header: [number, number, number], blobs: readonly Uint8Array[]): Uint8Array {
  const total = 16 + blobs.reduce((s, b) => s + 4 + b.length, 0);
  const msg = new Uint8Array(total);
  msg[0] = tag;
  writeU32LE(msg, 4, header[0]);
  writeU32LE(msg, 8, header[1]);
  writeU32LE(msg, 12, header[2]);
  let o = 16;
  for (const b of blobs) {
    writeU32LE(msg, o, b.length);
    msg.set(b, o + 4);
    o += 4 + b.length;
  }
  return msg;
}

/**
 * Decodes {@link encodeBlobs}: ABORT or another tag is a {@link ProtocolError}; a short header,
 * non-zero reserved bytes or a length running past the end a {@link MalformedInputError}. Spec: §9.9.3
 */
export function decodeBlobs(msg: Uint8Array, tag: number, context: string): { header: [number, number, number]; blobs: Uint8Array[] } {
  rejectAbort(msg, context);
  if (msg[0] !== tag) throw new ProtocolError(`${context}: expected tag 0x${tag.toString(16)}, received ${protocolTagName(msg[0])}`);
  if (msg.length < 16) throw new MalformedInputError(`${context}: message shorter than its 16-byte header`);
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0) throw new MalformedInputError(`${context}: reserved bytes must be zero`);
  const header: [number, number, number] = [readU32LE(msg, 4), readU32LE(msg, 8), readU32LE(msg, 12)];
  const blobs: Uint8Array[] = [];
  let o = 16;
  while (o < msg.length) {
    if (o + 4 > msg.length) throw new MalformedInputError(`${context}: truncated length field`);
    const n = readU32LE(msg, o);
    if (o + 4 + n > msg.length) throw new MalformedInputError(`${context}: object of ${n} bytes runs past the message`);
    blobs.push(msg.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return { header, blobs };
}

