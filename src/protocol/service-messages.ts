/**
 * Requests of a Delphi service connection (§9.14.1): a client opens a new session (setup follows)
 * or resumes a stored one (no setup), then asks for preprocessing slots and online phases, any
 * number of times, and says BYE. Every decoder checks tag and exact length before reading.
 *
 * Spec: §9.14.1
 * @module
 */
import { MalformedInputError, ProtocolError } from '../errors.js';
import { protocolTagName, rejectAbort } from './messages.js';
import { SlotReader, SlotWriter } from './slot-bytes.js';

/** Tags of the service requests and replies. Spec: §9.14.1 */
export const SERVICE_TAG = {
  /** C → S: open a new session; the §9.5 handshake and setup follow. */
  OPEN: 0xc0,
  /** C → S: resume session `id` from stored state (no setup). */
  RESUME: 0xc1,
  /** S → C: the session id and whether the server keeps slots beyond the connection (reply to OPEN after the setup, and to RESUME). */
  SESSION: 0xc2,
  /** C → S: preprocess `count` slots. */
  PREPROCESS: 0xc3,
  /** S → C: slots [first, first + count) follow, one preprocessing phase each. */
  SLOTS: 0xc4,
  /** C → S: run the online phase of slot `slot` (the client has consumed it). */
  ONLINE: 0xc5,
  /** S → C: the server consumed slot `slot`; the online phase follows. */
  READY: 0xc6,
  /** S → C: the request is refused (`reason`); the connection stays usable. */
  REFUSED: 0xc7,
  /** C → S: the client is done. */
  BYE: 0xc8,
  /** S → C: OPEN is accepted; the §9.5 handshake follows. */
  ACCEPTED: 0xc9,
} as const;

/** One decoded service message. Spec: §9.14.1 */
export type ServiceMessage =
  | { readonly type: 'OPEN' }
  | { readonly type: 'RESUME'; readonly sessionId: string }
  | { readonly type: 'SESSION'; readonly sessionId: string; readonly persistent: boolean }
  | { readonly type: 'PREPROCESS'; readonly count: number }
  | { readonly type: 'SLOTS'; readonly first: number; readonly count: number }
  | { readonly type: 'ONLINE'; readonly slot: number }
  | { readonly type: 'READY'; readonly slot: number }
  | { readonly type: 'REFUSED'; readonly reason: string }
  | { readonly type: 'BYE' }
  | { readonly type: 'ACCEPTED' };

/** Longest session id or refusal reason accepted. Spec: §9.14.1 */
export const MAX_SERVICE_STRING = 1024;

/** Encodes a service message. Spec: §9.14.1 */
export function encodeServiceMessage(m: ServiceMessage): Uint8Array {
  const w = new SlotWriter().u8(SERVICE_TAG[m.type]);
  switch (m.type) {
    case 'RESUME':
      w.string(m.sessionId);
      break;
    case 'SESSION':
      w.string(m.sessionId).u8(m.persistent ? 1 : 0);
      break;
    case 'PREPROCESS':
      w.u32(m.count);
      break;
    case 'SLOTS':
      w.u64(m.first).u32(m.count);
      break;
    case 'ONLINE':
    case 'READY':
      w.u64(m.slot);
      break;
    case 'REFUSED':
      w.string(m.reason.slice(0, MAX_SERVICE_STRING));
      break;
    default:
      break;
  }
  return w.finish();
}

const TYPES = Object.fromEntries(Object.entries(SERVICE_TAG).map(([k, v]) => [v, k])) as Record<number, ServiceMessage['type']>;

/**
 * Decodes a service message; `allowed` lists the types expected here (others are a
 * {@link ProtocolError}); an ABORT from the peer is rethrown as its error. Spec: §9.14.1
 */
export function decodeServiceMessage<T extends ServiceMessage['type']>(msg: Uint8Array, allowed: readonly T[], context: string): Extract<ServiceMessage, { type: T }> {
  rejectAbort(msg, context);
  const type = TYPES[msg[0]];
  if (type === undefined || !(allowed as readonly string[]).includes(type)) {
    throw new ProtocolError(`${context}: expected ${allowed.join(' or ')}, received ${type ?? protocolTagName(msg[0])}`);
  }
  const r = new SlotReader(msg.subarray(1), `${context}: ${type}`);
  const str = (what: string): string => {
    const s = r.string(what);
    if (s.length > MAX_SERVICE_STRING) throw new MalformedInputError(`${context}: ${what} is longer than ${MAX_SERVICE_STRING}`);
    return s;
  };
  let out: ServiceMessage;
  switch (type) {
    case 'RESUME':
      out = { type, sessionId: str('session id') };
      break;
    case 'SESSION': {
      const sessionId = str('session id');
      const flag = r.u8('persistent');
      if (flag > 1) throw new MalformedInputError(`${context}: SESSION flag ${flag} is not 0 or 1`);
      out = { type, sessionId, persistent: flag === 1 };
      break;
    }
    case 'PREPROCESS':
      out = { type, count: r.u32('count') };
      break;
    case 'SLOTS':
      out = { type, first: r.u64('first slot'), count: r.u32('count') };
      break;
    case 'ONLINE':
    case 'READY':
      out = { type, slot: r.u64('slot') };
      break;
    case 'REFUSED':
      out = { type, reason: str('reason') };
      break;
    default:
      out = { type } as ServiceMessage;
  }
  r.end();
  return out as Extract<ServiceMessage, { type: T }>;
}
