/**
 * Messages of the Delphi protocol layer: hellos, abort, and vectors of field elements (masked
 * input, reshares, the output share, the insecure dealer's vectors). Every decoder checks tag,
 * reserved bytes, exact length and the expected position before it reads a value, and rejects
 * elements ≥ p, so malformed bytes fail with a typed error and never crash.
 *
 * Spec: §9.4
 * @module
 */
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import { FIELD_ELEMENT_BYTES, readFieldElements, writeFieldElements } from '../sharing/field-vector.js';
import { readU32LE, writeU32LE } from '../math/bytes.js';

/** Version carried in both hellos. Spec: §9.4 */
export const PROTOCOL_VERSION = 1;

/** One-byte message tags of the protocol layer. Spec: §9.4 */
export const PROTOCOL_TAG = {
  CLIENT_HELLO: 0xd0,
  SERVER_HELLO: 0xd1,
  ABORT: 0xd2,
  MASKED_INPUT: 0xd4,
  RESHARE: 0xd5,
  OUTPUT_SHARE: 0xd6,
  /** Insecure dealer (§9.9.2): the client's share of a weighted layer's input, in the clear. */
  DEALER_LINEAR_SHARE: 0xd8,
  /** Insecure dealer: M·c − σ. */
  DEALER_LINEAR_RESULT: 0xd9,
  /** Insecure dealer: the client's share of an activation's input, in the clear. */
  DEALER_ACTIVATION_SHARE: 0xda,
  /** Insecure dealer: act(y) + m. */
  DEALER_ACTIVATION_RESULT: 0xdb,
  /** Insecure dealer: the seed of the shared triple dealer. */
  DEALER_TRIPLE_SEED: 0xdc,
} as const;

/** Bytes of the header of a field-vector message. Spec: §9.4 */
export const FIELD_MESSAGE_HEADER_BYTES = 16;
/** Largest number of entries per field-vector message. Spec: §9.4 */
export const FIELD_CHUNK = 65536;
/** Bytes per field element on the wire (p < 2^41 fits 48 bits; encoding of §7.7). Spec: §9.4 */
export { FIELD_ELEMENT_BYTES };
/**
 * Bytes of the largest message {@link sendFieldVector} sends for a vector of `count` entries
 * (one chunk of at most {@link FIELD_CHUNK}). Spec: §9.4
 */
export function fieldVectorMessageBytes(count: number): number {
  return FIELD_MESSAGE_HEADER_BYTES + FIELD_ELEMENT_BYTES * Math.min(FIELD_CHUNK, count);
}

/** The `layer` of MASKED_INPUT. Spec: §9.4 */
export const INPUT_LAYER = 0xffffffff;
/** Longest backend identifier. Spec: §9.2 */
export const MAX_BACKEND_ID_LENGTH = 32;

const TWO_32 = 2 ** 32;
const TAG_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PROTOCOL_TAG).map(([k, v]) => [v, k]));

/** Name of a tag for messages: `MASKED_INPUT`, or `unknown tag 0x07`. */
export function protocolTagName(tag: number): string {
  return TAG_NAMES[tag] ?? `unknown tag 0x${tag.toString(16).padStart(2, '0')}`;
}

const peerAborts = new WeakSet<object>();

/** The error thrown when the peer sent ABORT (no ABORT is sent back). */
export function peerAbortError(message: string): ProtocolError {
  const e = new ProtocolError(message);
  peerAborts.add(e);
  return e;
}

/** Whether `e` reports the peer's ABORT. */
export function isPeerAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && peerAborts.has(e);
}

/** The three backend identifiers both parties must agree on. Spec: §9.2 */
export interface BackendIds {
  readonly linear: string;
  readonly activations: string;
  readonly triples: string;
}

/**
 * If `msg` is an ABORT, throws {@link ProtocolError} with the peer's reason; if it is empty, a
 * {@link MalformedInputError}. Every receive of the protocol layer calls this first.
 */
export function rejectAbort(msg: Uint8Array, context: string): void {
  if (!(msg instanceof Uint8Array) || msg.length === 0) throw new MalformedInputError(`${context}: empty message`);
  if (msg[0] === PROTOCOL_TAG.ABORT) {
    let reason: string;
    try {
      reason = decodeAbort(msg);
    } catch {
      reason = '(unreadable reason)';
    }
    throw peerAbortError(`${context}: the peer aborted: ${reason}`);
  }
}

function expectTag(msg: Uint8Array, tag: number, context: string): void {
  rejectAbort(msg, context);
  if (msg[0] !== tag) {
    throw new ProtocolError(`${context}: expected ${protocolTagName(tag)}, received ${protocolTagName(msg[0])}`);
  }
}

/**
 * Encodes entries [start, start + count) of `values` (field elements the caller produced) as one
 * field-vector message. Spec: §9.4
 */
export function encodeFieldMessage(tag: number, layer: number, values: Float64Array, start = 0, count = values.length - start): Uint8Array {
  const msg = new Uint8Array(FIELD_MESSAGE_HEADER_BYTES + FIELD_ELEMENT_BYTES * count);
  msg[0] = tag;
  writeU32LE(msg, 4, layer);
  writeU32LE(msg, 8, start);
  writeU32LE(msg, 12, count);
  writeFieldElements(msg, FIELD_MESSAGE_HEADER_BYTES, values, start, count);
  return msg;
}

/**
 * Decodes a field-vector message that must be entries [start, start + count) of `layer`'s vector
 * under `tag`, writing them into `out` at `start`. Errors as in §9.4. Spec: §9.4
 */
export function decodeFieldMessage(
  msg: Uint8Array,
  tag: number,
  layer: number,
  start: number,
  count: number,
  out: Float64Array,
  context: string,
): void {
  expectTag(msg, tag, context);
  if (msg.length < FIELD_MESSAGE_HEADER_BYTES) {
    throw new MalformedInputError(`${context}: message shorter than the ${FIELD_MESSAGE_HEADER_BYTES}-byte header`);
  }
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0) throw new MalformedInputError(`${context}: reserved bytes must be zero`);
  const gotLayer = readU32LE(msg, 4);
  const gotStart = readU32LE(msg, 8);
  const gotCount = readU32LE(msg, 12);
  if (gotLayer !== layer) {
    throw new ProtocolError(`${context}: message is for ${layerName(gotLayer)}, expected ${layerName(layer)}`);
  }
  if (gotStart !== start || gotCount !== count) {
    throw new ProtocolError(`${context}: peer sent entries [${gotStart}, ${gotStart + gotCount}), expected [${start}, ${start + count})`);
  }
  const expected = FIELD_MESSAGE_HEADER_BYTES + FIELD_ELEMENT_BYTES * count;
  if (msg.length !== expected) throw new MalformedInputError(`${context}: message is ${msg.length} bytes, expected ${expected}`);
  readFieldElements(msg, FIELD_MESSAGE_HEADER_BYTES, count, out, start, (i) => `${context}: element ${start + i}`);
}

function layerName(layer: number): string {
  return layer === INPUT_LAYER ? 'the input' : `layer ${layer}`;
}

/** Sends a vector as ⌈n / FIELD_CHUNK⌉ field-vector messages. Spec: §9.4 */
export function sendFieldVector(channel: Channel, tag: number, layer: number, values: Float64Array): void {
  const n = values.length;
  if (n === 0) {
    channel.send(encodeFieldMessage(tag, layer, values, 0, 0));
    return;
  }
  for (let start = 0; start < n; start += FIELD_CHUNK) {
    channel.send(encodeFieldMessage(tag, layer, values, start, Math.min(FIELD_CHUNK, n - start)));
  }
}

/**
 * Receives a vector of `n` elements sent by {@link sendFieldVector}; `first`, when given, is its
 * first message, already received. Spec: §9.4
 */
export async function receiveFieldVector(
  channel: Channel,
  tag: number,
  layer: number,
  n: number,
  context: string,
  first?: Uint8Array,
): Promise<Float64Array> {
  const out = new Float64Array(n);
  let pending = first;
  const next = async (): Promise<Uint8Array> => {
    if (pending !== undefined) {
      const m = pending;
      pending = undefined;
      return m;
    }
    return channel.recv();
  };
  if (n === 0) {
    decodeFieldMessage(await next(), tag, layer, 0, 0, out, context);
    return out;
  }
  for (let start = 0; start < n; start += FIELD_CHUNK) {
    decodeFieldMessage(await next(), tag, layer, start, Math.min(FIELD_CHUNK, n - start), out, context);
  }
  return out;
}

const ID_PATTERN = /^[a-z0-9-]{1,32}$/;

/** Throws unless `id` is a valid backend identifier (1–32 characters of [a-z0-9-]). Spec: §9.2 */
export function checkBackendId(id: unknown, what: string): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new MalformedInputError(`${what}: a backend identifier is 1–32 characters of [a-z0-9-], got ${JSON.stringify(id)}`);
  }
  return id;
}

function encodeIds(ids: BackendIds): Uint8Array {
  const parts = [ids.linear, ids.activations, ids.triples].map((id, i) => {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new InvalidArgumentError(`${['linear', 'activations', 'triples'][i]} backend identifier ${JSON.stringify(id)} is not 1–32 characters of [a-z0-9-]`);
    }
    return new TextEncoder().encode(id);
  });
  const out = new Uint8Array(parts.reduce((s, b) => s + 1 + b.length, 0));
  let o = 0;
  for (const b of parts) {
    out[o++] = b.length;
    out.set(b, o);
    o += b.length;
  }
  return out;
}

function decodeIds(msg: Uint8Array, offset: number, context: string): { ids: BackendIds; end: number } {
  const got: string[] = [];
  let o = offset;
  for (const what of ['linear', 'activations', 'triples']) {
    if (o >= msg.length) throw new MalformedInputError(`${context}: truncated before the ${what} backend identifier`);
    const n = msg[o++];
    if (n < 1 || n > MAX_BACKEND_ID_LENGTH || o + n > msg.length) {
      throw new MalformedInputError(`${context}: bad length ${n} of the ${what} backend identifier`);
    }
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(msg[o + i]);
    got.push(checkBackendId(s, `${context}: ${what} backend`));
    o += n;
  }
  return { ids: { linear: got[0], activations: got[1], triples: got[2] }, end: o };
}

function checkVersion(msg: Uint8Array, context: string): void {
  if (msg.length < 3) throw new MalformedInputError(`${context}: truncated before the version`);
  const version = msg[1] | (msg[2] << 8);
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(`${context}: peer speaks protocol version ${version}, this implementation version ${PROTOCOL_VERSION}`);
  }
}

/** CLIENT_HELLO = 0xD0 ‖ u16 version ‖ ids. Spec: §9.4 */
export function encodeClientHello(ids: BackendIds): Uint8Array {
  const body = encodeIds(ids);
  const msg = new Uint8Array(3 + body.length);
  msg[0] = PROTOCOL_TAG.CLIENT_HELLO;
  msg[1] = PROTOCOL_VERSION & 0xff;
  msg[2] = PROTOCOL_VERSION >>> 8;
  msg.set(body, 3);
  return msg;
}

/** Decodes a CLIENT_HELLO. Spec: §9.4 */
export function decodeClientHello(msg: Uint8Array): BackendIds {
  const context = 'CLIENT_HELLO';
  expectTag(msg, PROTOCOL_TAG.CLIENT_HELLO, context);
  checkVersion(msg, context);
  const { ids, end } = decodeIds(msg, 3, context);
  if (end !== msg.length) throw new MalformedInputError(`${context}: ${msg.length - end} trailing bytes`);
  return ids;
}

/** SERVER_HELLO = 0xD1 ‖ u16 version ‖ ids ‖ u32 n ‖ architecture (n bytes). Spec: §9.4 */
export function encodeServerHello(ids: BackendIds, architecture: Uint8Array): Uint8Array {
  const body = encodeIds(ids);
  const msg = new Uint8Array(3 + body.length + 4 + architecture.length);
  msg[0] = PROTOCOL_TAG.SERVER_HELLO;
  msg[1] = PROTOCOL_VERSION & 0xff;
  msg[2] = PROTOCOL_VERSION >>> 8;
  msg.set(body, 3);
  writeU32LE(msg, 3 + body.length, architecture.length);
  msg.set(architecture, 3 + body.length + 4);
  return msg;
}

/** Decodes a SERVER_HELLO into the identifiers and the architecture bytes (§9.3 decodes those). Spec: §9.4 */
export function decodeServerHello(msg: Uint8Array): { ids: BackendIds; architecture: Uint8Array } {
  const context = 'SERVER_HELLO';
  expectTag(msg, PROTOCOL_TAG.SERVER_HELLO, context);
  checkVersion(msg, context);
  const { ids, end } = decodeIds(msg, 3, context);
  if (end + 4 > msg.length) throw new MalformedInputError(`${context}: truncated before the architecture length`);
  const n = readU32LE(msg, end);
  if (end + 4 + n !== msg.length) {
    throw new MalformedInputError(`${context}: architecture length ${n} does not match the ${msg.length - end - 4} bytes that follow`);
  }
  return { ids, architecture: msg.subarray(end + 4) };
}

/** Longest abort reason sent (longer reasons are cut). */
const MAX_REASON_BYTES = 1024;

/** ABORT = 0xD2 ‖ u32 n ‖ n bytes of UTF-8. Spec: §9.4 */
export function encodeAbort(reason: string): Uint8Array {
  let bytes = new TextEncoder().encode(reason);
  if (bytes.length > MAX_REASON_BYTES) {
    // Cut on a character boundary: drop UTF-8 continuation bytes at the cut.
    let n = MAX_REASON_BYTES;
    while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
    bytes = bytes.subarray(0, n);
  }
  const msg = new Uint8Array(5 + bytes.length);
  msg[0] = PROTOCOL_TAG.ABORT;
  writeU32LE(msg, 1, bytes.length);
  msg.set(bytes, 5);
  return msg;
}

/** Decodes an ABORT into its reason. Spec: §9.4 */
export function decodeAbort(msg: Uint8Array): string {
  const context = 'ABORT';
  if (!(msg instanceof Uint8Array) || msg.length === 0) throw new MalformedInputError(`${context}: empty message`);
  if (msg[0] !== PROTOCOL_TAG.ABORT) throw new ProtocolError(`${context}: received ${protocolTagName(msg[0])}`);
  if (msg.length < 5) throw new MalformedInputError(`${context}: truncated`);
  const n = readU32LE(msg, 1);
  if (msg.length !== 5 + n) throw new MalformedInputError(`${context}: reason length ${n} does not match the message`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(msg.subarray(5));
  } catch {
    throw new MalformedInputError(`${context}: reason is not valid UTF-8`);
  }
}

/** Sends DEALER_TRIPLE_SEED-like messages: tag ‖ payload. */
export function encodeTagged(tag: number, payload: Uint8Array): Uint8Array {
  const msg = new Uint8Array(1 + payload.length);
  msg[0] = tag;
  msg.set(payload, 1);
  return msg;
}

/** Decodes tag ‖ payload of exactly `length` bytes. */
export function decodeTagged(msg: Uint8Array, tag: number, length: number, context: string): Uint8Array {
  expectTag(msg, tag, context);
  if (msg.length !== 1 + length) throw new MalformedInputError(`${context}: message is ${msg.length} bytes, expected ${1 + length}`);
  return msg.slice(1);
}
