/**
 * The versioned handshake that opens every delphi-ts session: both ends send a HELLO message
 * (magic, protocol name and version, role, software, session parameters such as the model hash)
 * and check the peer's before any protocol message flows. It runs over any {@link Channel}, so the
 * in-memory pair and TCP behave alike.
 *
 * Spec: §2.5
 * @module
 */
import { bytesToHex, concatBytes } from '../math/bytes.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError, TransportError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Channel } from '../channel/channel.js';

/** First 8 bytes of a HELLO: 0x89 "DLP" CR LF 0x1A LF (a 7-bit or line-ending-mangling path breaks it). Spec: §2.5 */
export const HELLO_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x44, 0x4c, 0x50, 0x0d, 0x0a, 0x1a, 0x0a);

/** Version of the HELLO layout itself (not of the protocol it announces). Spec: §2.5 */
export const HELLO_FORMAT_VERSION = 1;

/** Largest encoded HELLO accepted (64 KiB). Spec: §2.6 */
export const MAX_HELLO_BYTES = 65536;

/** Protocol name every delphi-ts endpoint announces by default. Spec: §2.5 */
export const DELPHI_PROTOCOL_NAME = 'delphi-ts';

/** Protocol version announced by default: sessions need equal majors and run at the lower minor. Spec: §2.5 */
export const DELPHI_PROTOCOL_VERSION: ProtocolVersion = Object.freeze({ major: 1, minor: 0 });

/** A protocol version: peers must agree on `major`; a session runs at the smaller `minor`. */
export interface ProtocolVersion {
  readonly major: number;
  readonly minor: number;
}

/** Which side of the protocol an end plays. */
export type HandshakeRole = 'client' | 'server';

/** The contents of a HELLO. Spec: §2.5 */
export interface Hello {
  readonly role: HandshakeRole;
  readonly protocol: string;
  readonly version: ProtocolVersion;
  /** Free text naming the implementation, e.g. "delphi-ts 0.1.0" (informative only). */
  readonly software: string;
  /** Session parameters by key (e.g. "model-hash"), in ascending key order. */
  readonly params: ReadonlyMap<string, Uint8Array>;
}

const ROLE_CODES: Record<HandshakeRole, number> = { client: 1, server: 2 };
const MAX_NAME_BYTES = 64;
const MAX_PARAMS = 64;
const MAX_PARAM_VALUE_BYTES = 4096;
const KEY_PATTERN = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * Serializes a HELLO. Keys MUST match `[a-z0-9][a-z0-9.-]*` (at most 64 bytes); values are at most
 * 4096 bytes; at most 64 parameters. Throws {@link InvalidArgumentError} otherwise. Spec: §2.5
 */
export function encodeHello(hello: Hello): Uint8Array {
  const parts: number[] = [...HELLO_MAGIC, HELLO_FORMAT_VERSION];
  const role = ROLE_CODES[hello.role];
  if (role === undefined) throw new InvalidArgumentError(`role must be "client" or "server", got ${JSON.stringify(hello.role)}`);
  parts.push(role);
  const name = shortString(hello.protocol, 1, 'protocol name');
  parts.push(name.length, ...name);
  const { major, minor } = hello.version;
  for (const [v, what] of [[major, 'major'], [minor, 'minor']] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new InvalidArgumentError(`protocol ${what} version must be in [0, 65535], got ${v}`);
  }
  parts.push(major >> 8, major & 255, minor >> 8, minor & 255);
  const software = shortString(hello.software, 0, 'software');
  parts.push(software.length, ...software);
  const keys = [...hello.params.keys()].sort(compareKeys);
  if (keys.length > MAX_PARAMS) throw new InvalidArgumentError(`a HELLO holds at most ${MAX_PARAMS} parameters, got ${keys.length}`);
  parts.push(keys.length);
  const chunks: Uint8Array[] = [Uint8Array.from(parts)];
  for (const key of keys) {
    if (!KEY_PATTERN.test(key) || key.length > MAX_NAME_BYTES) {
      throw new InvalidArgumentError(`parameter key ${JSON.stringify(key)} must match [a-z0-9][a-z0-9.-]* and be at most ${MAX_NAME_BYTES} bytes`);
    }
    const value = hello.params.get(key)!;
    if (!(value instanceof Uint8Array)) throw new InvalidArgumentError(`parameter "${key}" must be a Uint8Array`);
    if (value.length > MAX_PARAM_VALUE_BYTES) {
      throw new InvalidArgumentError(`parameter "${key}" has ${value.length} bytes, more than ${MAX_PARAM_VALUE_BYTES}`);
    }
    chunks.push(Uint8Array.of(key.length, ...new TextEncoder().encode(key), value.length >> 8, value.length & 255), value);
  }
  return concatBytes(chunks);
}

function shortString(text: string, minBytes: number, what: string): Uint8Array {
  if (typeof text !== 'string') throw new InvalidArgumentError(`${what} must be a string`);
  const bytes = new TextEncoder().encode(text);
  if (bytes.length < minBytes || bytes.length > MAX_NAME_BYTES) {
    throw new InvalidArgumentError(`${what} must have ${minBytes} to ${MAX_NAME_BYTES} bytes of UTF-8, got ${bytes.length}`);
  }
  return bytes;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Parses a HELLO. Throws {@link ProtocolError} when the magic or the format version is wrong (the
 * peer speaks something else) and {@link MalformedInputError} for any other defect: truncation,
 * trailing bytes, a bad role, invalid UTF-8, unsorted or repeated keys. Spec: §2.5
 */
export function decodeHello(bytes: Uint8Array): Hello {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('decodeHello expects a Uint8Array');
  if (bytes.length > MAX_HELLO_BYTES) throw new MalformedInputError(`HELLO of ${bytes.length} bytes exceeds ${MAX_HELLO_BYTES} bytes`);
  const magic = bytes.subarray(0, HELLO_MAGIC.length);
  if (magic.length < HELLO_MAGIC.length || magic.some((b, i) => b !== HELLO_MAGIC[i])) {
    throw new ProtocolError(`peer did not open with a delphi-ts HELLO (first bytes ${describeBytes(bytes.subarray(0, 16))})`);
  }
  let at = HELLO_MAGIC.length;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw new MalformedInputError(`HELLO truncated in ${what} (${bytes.length} bytes)`);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const u8 = (what: string) => need(1, what)[0];
  const u16 = (what: string) => {
    const b = need(2, what);
    return (b[0] << 8) | b[1];
  };
  const text = (what: string, minBytes: number) => {
    const n = u8(`${what} length`);
    if (n < minBytes || n > MAX_NAME_BYTES) throw new MalformedInputError(`HELLO ${what} length ${n} is outside [${minBytes}, ${MAX_NAME_BYTES}]`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(need(n, what));
    } catch (e) {
      if (e instanceof MalformedInputError) throw e;
      throw new MalformedInputError(`HELLO ${what} is not valid UTF-8`);
    }
  };
  const format = u8('format version');
  if (format !== HELLO_FORMAT_VERSION) {
    throw new ProtocolError(`peer uses HELLO format version ${format}; this build speaks version ${HELLO_FORMAT_VERSION}`);
  }
  const roleCode = u8('role');
  const role = (Object.keys(ROLE_CODES) as HandshakeRole[]).find((r) => ROLE_CODES[r] === roleCode);
  if (!role) throw new MalformedInputError(`HELLO role byte ${roleCode} is neither 1 (client) nor 2 (server)`);
  const protocol = text('protocol name', 1);
  const version = { major: u16('major version'), minor: u16('minor version') };
  const software = text('software', 0);
  const count = u8('parameter count');
  if (count > MAX_PARAMS) throw new MalformedInputError(`HELLO announces ${count} parameters, more than ${MAX_PARAMS}`);
  const params = new Map<string, Uint8Array>();
  let previous = '';
  for (let i = 0; i < count; i++) {
    const key = text(`parameter ${i} key`, 1);
    if (!KEY_PATTERN.test(key)) throw new MalformedInputError(`HELLO parameter key ${JSON.stringify(key)} is not of the form [a-z0-9][a-z0-9.-]*`);
    if (i > 0 && compareKeys(previous, key) >= 0) throw new MalformedInputError(`HELLO parameter keys are not strictly ascending ("${previous}", "${key}")`);
    const length = u16(`parameter "${key}" length`);
    if (length > MAX_PARAM_VALUE_BYTES) throw new MalformedInputError(`HELLO parameter "${key}" has ${length} bytes, more than ${MAX_PARAM_VALUE_BYTES}`);
    params.set(key, need(length, `parameter "${key}"`).slice());
    previous = key;
  }
  if (at !== bytes.length) throw new MalformedInputError(`HELLO has ${bytes.length - at} trailing bytes`);
  return { role, protocol, version, software, params };
}

/** Hex of up to 16 bytes, plus an ASCII rendering when they look like text (an HTTP request, say). */
function describeBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  const printable = head.length > 0 && head.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0d || b === 0x0a);
  const ascii = printable ? ` "${new TextDecoder().decode(head).replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"` : '';
  return `${bytesToHex(head) || '(none)'}${ascii}`;
}

/** Options of {@link performHandshake}. */
export interface HandshakeOptions {
  /** The role this end plays; the peer must announce the other one. */
  role: HandshakeRole;
  /** Protocol name (default {@link DELPHI_PROTOCOL_NAME}). */
  protocol?: string;
  /** Protocol version (default {@link DELPHI_PROTOCOL_VERSION}). */
  version?: ProtocolVersion;
  /** Implementation name sent to the peer (default "delphi-ts <VERSION>"). */
  software?: string;
  /** Session parameters to announce; strings are sent as UTF-8. */
  params?: Readonly<Record<string, Uint8Array | string>>;
  /** Parameter keys that both ends MUST announce with byte-identical values (e.g. "model-hash"). */
  mustMatch?: readonly string[];
  /** Milliseconds to wait for the peer's HELLO (default 10 000; 0 waits forever). Spec: §2.6 */
  timeoutMs?: number;
}

/** What a successful handshake agreed on. */
export interface HandshakeResult {
  /** The peer's HELLO. */
  readonly peer: Hello;
  /** The version the session runs at: the common major and the smaller minor. */
  readonly version: ProtocolVersion;
}

/** Default wait for the peer's HELLO. Spec: §2.6 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The HELLO {@link performHandshake} sends for `options`. Spec: §2.5 */
export function helloFromOptions(options: HandshakeOptions): Hello {
  const params = new Map<string, Uint8Array>();
  for (const [key, value] of Object.entries(options.params ?? {})) {
    params.set(key, typeof value === 'string' ? new TextEncoder().encode(value) : value);
  }
  return {
    role: options.role,
    protocol: options.protocol ?? DELPHI_PROTOCOL_NAME,
    version: options.version ?? DELPHI_PROTOCOL_VERSION,
    software: options.software ?? `delphi-ts ${VERSION}`,
    params,
  };
}

/**
 * Checks the peer's HELLO against ours (Spec: §2.5): same protocol name, same major version,
 * opposite roles, and byte-equal values for every key in `mustMatch`. Returns the agreed version,
 * or throws {@link ProtocolError} naming the first mismatch.
 */
export function checkHello(ours: Hello, peer: Hello, mustMatch: readonly string[] = []): ProtocolVersion {
  if (peer.protocol !== ours.protocol) {
    throw new ProtocolError(`peer speaks protocol "${peer.protocol}", expected "${ours.protocol}"`);
  }
  if (peer.version.major !== ours.version.major) {
    throw new ProtocolError(
      `protocol version mismatch: peer (${peer.software || 'unknown software'}) speaks ${ours.protocol} ` +
        `${peer.version.major}.${peer.version.minor}, this end ${ours.version.major}.${ours.version.minor}; major versions must be equal`,
    );
  }
  if (peer.role === ours.role) throw new ProtocolError(`both ends announced the role "${ours.role}"`);
  for (const key of mustMatch) {
    const mine = ours.params.get(key);
    const theirs = peer.params.get(key);
    if (mine === undefined) throw new InvalidArgumentError(`mustMatch names "${key}", which this end does not announce`);
    if (theirs === undefined) throw new ProtocolError(`peer did not announce session parameter "${key}"`);
    if (mine.length !== theirs.length || mine.some((b, i) => b !== theirs[i])) {
      throw new ProtocolError(`session parameter "${key}" differs: this end has ${describeValue(mine)}, the peer ${describeValue(theirs)}`);
    }
  }
  return { major: ours.version.major, minor: Math.min(ours.version.minor, peer.version.minor) };
}

function describeValue(value: Uint8Array): string {
  const printable = value.length <= 256 && value.every((b) => b >= 0x20 && b < 0x7f);
  if (printable && value.length > 0) return JSON.stringify(new TextDecoder().decode(value));
  const hex = bytesToHex(value.subarray(0, 16));
  return value.length > 16 ? `${hex}… (${value.length} bytes)` : hex || '(empty)';
}

/**
 * Runs the handshake on `channel` (Spec: §2.5): sends this end's HELLO, waits for the peer's (at
 * most `timeoutMs`, accepting frames of at most {@link MAX_HELLO_BYTES} meanwhile when the
 * channel has `setMaxMessageBytes`), decodes and checks it. On any failure the channel is closed with the reason
 * (so the peer learns it too) and the error is rethrown: {@link ProtocolError} for a mismatch or a
 * non-delphi peer, {@link MalformedInputError} for a garbled HELLO, {@link TransportError} for a
 * timeout or a closed connection.
 */
export async function performHandshake(channel: Channel, options: HandshakeOptions): Promise<HandshakeResult> {
  const ours = helloFromOptions(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new InvalidArgumentError(`timeoutMs must be ≥ 0, got ${timeoutMs}`);
  for (const key of options.mustMatch ?? []) {
    if (!ours.params.has(key)) throw new InvalidArgumentError(`mustMatch names "${key}", which this end does not announce`);
  }
  const encoded = encodeHello(ours);
  // Until the peer's HELLO has been checked, accept no frame larger than a HELLO (§2.6).
  const previousLimit = channel.setMaxMessageBytes?.(MAX_HELLO_BYTES);
  try {
    channel.send(encoded);
    const bytes = await withTimeout(channel.recv(), timeoutMs, () => {
      const reason = `handshake timed out: no HELLO from the peer within ${timeoutMs} ms`;
      channel.close(reason);
      return new TransportError(reason);
    });
    const peer = decodeHello(bytes);
    const version = checkHello(ours, peer, options.mustMatch);
    if (previousLimit !== undefined) channel.setMaxMessageBytes?.(previousLimit);
    return { peer, version };
  } catch (e) {
    if (!(e instanceof TransportError)) channel.close(`handshake failed: ${(e as Error).message}`);
    throw e;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  if (ms === 0) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
