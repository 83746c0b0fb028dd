/**
 * Service requests and replies of §9.14.1 checked byte by byte: every message type encoded against
 * hand-built bytes (tag, u32 / u64 little-endian, u32-length-prefixed UTF-8) and decoded back; the
 * decoder's refusals with their exact error class and message: a tag not allowed here (known,
 * protocol-layer and unknown tags), ABORT from the peer, an empty message, each field truncated,
 * trailing bytes, the SESSION flag above 1, u64 slots of 2^53 and above, strings of exactly
 * MAX_SERVICE_STRING and one more, and REFUSED reasons cut to MAX_SERVICE_STRING on encoding.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { encodeAbort, isPeerAbort, PROTOCOL_TAG } from '../../src/protocol/messages.js';
import { decodeServiceMessage, encodeServiceMessage, MAX_SERVICE_STRING, SERVICE_TAG, type ServiceMessage } from '../../src/protocol/service-messages.js';

const ALL = ['OPEN', 'RESUME', 'SESSION', 'PREPROCESS', 'SLOTS', 'ONLINE', 'READY', 'REFUSED', 'BYE', 'ACCEPTED'] as const;

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: number): number[] => [...u32(v % 2 ** 32), ...u32(Math.floor(v / 2 ** 32))];
const str = (s: string): number[] => {
  const b = Array.from(new TextEncoder().encode(s));
  return [...u32(b.length), ...b];
};
const bytes = (...parts: (number | number[])[]): Uint8Array => Uint8Array.from(parts.flat());

/** Each message with its bytes built by hand from the §9.14.1 layout. */
const CASES: [ServiceMessage, Uint8Array][] = [
  [{ type: 'OPEN' }, bytes(0xc0)],
  [{ type: 'RESUME', sessionId: 'sess-é€😀' }, bytes(0xc1, str('sess-é€😀'))],
  [{ type: 'SESSION', sessionId: 'abc', persistent: true }, bytes(0xc2, str('abc'), 1)],
  [{ type: 'SESSION', sessionId: '', persistent: false }, bytes(0xc2, str(''), 0)],
  [{ type: 'PREPROCESS', count: 0x89abcdef }, bytes(0xc3, u32(0x89abcdef))],
  [{ type: 'SLOTS', first: 2 ** 53 - 1, count: 0x01020304 }, bytes(0xc4, u64(2 ** 53 - 1), u32(0x01020304))],
  [{ type: 'SLOTS', first: 0x1234_5678_9abc, count: 7 }, bytes(0xc4, u64(0x1234_5678_9abc), u32(7))],
  [{ type: 'ONLINE', slot: 0x0102_0304_0506 }, bytes(0xc5, u64(0x0102_0304_0506))],
  [{ type: 'READY', slot: 0xfffffffff }, bytes(0xc6, u64(0xfffffffff))],
  [{ type: 'REFUSED', reason: 'no slots left' }, bytes(0xc7, str('no slots left'))],
  [{ type: 'BYE' }, bytes(0xc8)],
  [{ type: 'ACCEPTED' }, bytes(0xc9)],
];

describe('service message layout', () => {
  it('the tags are those of §9.14.1', () => {
    expect(SERVICE_TAG).toEqual({ OPEN: 0xc0, RESUME: 0xc1, SESSION: 0xc2, PREPROCESS: 0xc3, SLOTS: 0xc4, ONLINE: 0xc5, READY: 0xc6, REFUSED: 0xc7, BYE: 0xc8, ACCEPTED: 0xc9 });
    expect(MAX_SERVICE_STRING).toBe(1024);
  });

  for (const [m, wire] of CASES) {
    it(`${m.type} ${JSON.stringify(m)} encodes to its hand-built bytes and decodes back`, () => {
      expect(Array.from(encodeServiceMessage(m))).toEqual(Array.from(wire));
      expect(decodeServiceMessage(wire, [m.type], 'ctx')).toEqual(m);
      // the same with every type allowed
      expect(decodeServiceMessage(wire, ALL, 'ctx')).toEqual(m);
    });
  }

  it('a REFUSED reason is cut to MAX_SERVICE_STRING code units on encoding', () => {
    const long = 'x'.repeat(MAX_SERVICE_STRING) + 'tail';
    const wire = encodeServiceMessage({ type: 'REFUSED', reason: long });
    expect(Array.from(wire)).toEqual(Array.from(bytes(0xc7, str('x'.repeat(MAX_SERVICE_STRING)))));
    expect(decodeServiceMessage(wire, ['REFUSED'], 'ctx')).toEqual({ type: 'REFUSED', reason: 'x'.repeat(MAX_SERVICE_STRING) });
  });
});

describe('service message tags', () => {
  it('a tag of another service type is a ProtocolError naming the allowed and the received type', () => {
    const wire = encodeServiceMessage({ type: 'BYE' });
    expect(() => decodeServiceMessage(wire, ['ONLINE', 'PREPROCESS'], 'ctx')).toThrow(ProtocolError);
    expect(() => decodeServiceMessage(wire, ['ONLINE', 'PREPROCESS'], 'ctx')).toThrow(new ProtocolError('ctx: expected ONLINE or PREPROCESS, received BYE'));
    expect(() => decodeServiceMessage(bytes(0xc0), ['ACCEPTED'], 'c2')).toThrow(new ProtocolError('c2: expected ACCEPTED, received OPEN'));
  });

  it('a protocol-layer tag and an unknown tag are named as such', () => {
    expect(() => decodeServiceMessage(bytes(PROTOCOL_TAG.RESHARE, 0, 0, 0), ['OPEN'], 'ctx')).toThrow(new ProtocolError('ctx: expected OPEN, received RESHARE'));
    expect(() => decodeServiceMessage(bytes(0xca), ['OPEN', 'BYE'], 'ctx')).toThrow(new ProtocolError('ctx: expected OPEN or BYE, received unknown tag 0xca'));
    expect(() => decodeServiceMessage(bytes(0x00), ['OPEN'], 'ctx')).toThrow(new ProtocolError('ctx: expected OPEN, received unknown tag 0x00'));
    expect(() => decodeServiceMessage(bytes(0xbf), ['OPEN'], 'ctx')).toThrow(ProtocolError);
  });

  it('an ABORT from the peer is rethrown as the peer abort; an empty message is malformed', () => {
    let caught: unknown;
    try {
      decodeServiceMessage(encodeAbort('gone'), ['OPEN'], 'ctx');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect(isPeerAbort(caught)).toBe(true);
    expect((caught as Error).message).toBe('ctx: the peer aborted: gone');
    expect(() => decodeServiceMessage(new Uint8Array(0), ['OPEN'], 'ctx')).toThrow(new MalformedInputError('ctx: empty message'));
  });
});

describe('service message bodies', () => {
  const malformed = (wire: Uint8Array, type: ServiceMessage['type'], message: string): void => {
    expect(() => decodeServiceMessage(wire, [type], 'ctx')).toThrow(MalformedInputError);
    expect(() => decodeServiceMessage(wire, [type], 'ctx')).toThrow(new MalformedInputError(message));
  };

  it('trailing bytes after each message are refused', () => {
    for (const [m, wire] of CASES) malformed(bytes(Array.from(wire), 0), m.type, `ctx: ${m.type}: 1 trailing bytes`);
    malformed(bytes(0xc8, 1, 2, 3), 'BYE', 'ctx: BYE: 3 trailing bytes');
  });

  it('each truncated field is named with the bytes it needs', () => {
    malformed(bytes(0xc1), 'RESUME', 'ctx: RESUME: truncated (session id needs 4 bytes, 0 left)');
    malformed(bytes(0xc1, u32(3), 0x61), 'RESUME', 'ctx: RESUME: truncated (session id needs 3 bytes, 1 left)');
    malformed(bytes(0xc2, str('ab')), 'SESSION', 'ctx: SESSION: truncated (persistent needs 1 bytes, 0 left)');
    malformed(bytes(0xc2, 1, 0), 'SESSION', 'ctx: SESSION: truncated (session id needs 4 bytes, 2 left)');
    malformed(bytes(0xc3, 1, 2, 3), 'PREPROCESS', 'ctx: PREPROCESS: truncated (count needs 4 bytes, 3 left)');
    malformed(bytes(0xc4, u64(5)), 'SLOTS', 'ctx: SLOTS: truncated (count needs 4 bytes, 0 left)');
    malformed(bytes(0xc4, u32(5)), 'SLOTS', 'ctx: SLOTS: truncated (first slot needs 4 bytes, 0 left)');
    malformed(bytes(0xc5, u32(5), 0), 'ONLINE', 'ctx: ONLINE: truncated (slot needs 4 bytes, 1 left)');
    malformed(bytes(0xc6), 'READY', 'ctx: READY: truncated (slot needs 4 bytes, 0 left)');
    malformed(bytes(0xc7, u32(1)), 'REFUSED', 'ctx: REFUSED: truncated (reason needs 1 bytes, 0 left)');
  });

  it('u64 slots of 2^53 and above are out of range, named by field', () => {
    malformed(bytes(0xc4, u32(0), u32(2 ** 21), u32(1)), 'SLOTS', 'ctx: SLOTS: first slot is out of range');
    malformed(bytes(0xc5, u32(0), u32(2 ** 21)), 'ONLINE', 'ctx: ONLINE: slot is out of range');
    malformed(bytes(0xc6, u32(0xffffffff), u32(0xffffffff)), 'READY', 'ctx: READY: slot is out of range');
  });

  it('the SESSION flag must be 0 or 1', () => {
    for (const flag of [2, 3, 0x80, 0xff]) malformed(bytes(0xc2, str('s'), flag), 'SESSION', `ctx: SESSION flag ${flag} is not 0 or 1`);
    expect(decodeServiceMessage(bytes(0xc2, str('s'), 0), ['SESSION'], 'ctx')).toEqual({ type: 'SESSION', sessionId: 's', persistent: false });
    expect(decodeServiceMessage(bytes(0xc2, str('s'), 1), ['SESSION'], 'ctx')).toEqual({ type: 'SESSION', sessionId: 's', persistent: true });
  });

  it('strings must be UTF-8', () => {
    malformed(bytes(0xc1, u32(1), 0xff), 'RESUME', 'ctx: RESUME: session id is not UTF-8');
    malformed(bytes(0xc7, u32(2), 0xc3, 0x28), 'REFUSED', 'ctx: REFUSED: reason is not UTF-8');
  });

  it('strings of MAX_SERVICE_STRING code units are accepted, one more is refused', () => {
    const max = 'a'.repeat(MAX_SERVICE_STRING);
    const over = max + 'b';
    expect(decodeServiceMessage(bytes(0xc1, str(max)), ['RESUME'], 'ctx')).toEqual({ type: 'RESUME', sessionId: max });
    expect(decodeServiceMessage(bytes(0xc2, str(max), 1), ['SESSION'], 'ctx')).toEqual({ type: 'SESSION', sessionId: max, persistent: true });
    expect(decodeServiceMessage(bytes(0xc7, str(max)), ['REFUSED'], 'ctx')).toEqual({ type: 'REFUSED', reason: max });
    malformed(bytes(0xc1, str(over)), 'RESUME', 'ctx: session id is longer than 1024');
    malformed(bytes(0xc2, str(over), 1), 'SESSION', 'ctx: session id is longer than 1024');
    malformed(bytes(0xc7, str(over)), 'REFUSED', 'ctx: reason is longer than 1024');
    // the session id encoder does not cut: the decoder refuses what it wrote
    malformed(encodeServiceMessage({ type: 'RESUME', sessionId: over }), 'RESUME', 'ctx: session id is longer than 1024');
  });
});
