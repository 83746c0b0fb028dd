/**
 * Message framing of §9.4, from the table and field layout of the spec: round trips (with
 * chunking through an in-memory channel), and typed errors — never a crash — for every malformed
 * byte string: truncations at every length, wrong tags, reserved bytes, positions, elements ≥ p,
 * bad identifiers, ABORT reasons.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import { DelphiError, MalformedInputError, ProtocolError } from '../../src/errors.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { decodeAbort, decodeClientHello, decodeFieldMessage, decodeServerHello, encodeAbort, encodeClientHello, encodeFieldMessage, encodeServerHello, FIELD_CHUNK, INPUT_LAYER, isPeerAbort, PROTOCOL_TAG, receiveFieldVector, sendFieldVector } from '../../src/protocol/messages.js';
import { fromTextSeed } from '../../src/random/index.js';
import { sampleFieldVector } from '../../src/sharing/index.js';

const P = 2061584302081;
const ids = { linear: 'bfv', activations: 'garbled-circuits', triples: 'insecure-dealer' };

describe('field-vector messages', () => {
  it('layout: tag, 3 zero bytes, u32 layer, start, count, 6-byte little-endian elements', () => {
    const msg = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 7, Float64Array.of(1, P - 1, 2 ** 40), 0, 3);
    expect(Array.from(msg.subarray(0, 16))).toEqual([0xd5, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]);
    // p − 1 = 2061584302080 = 0x1e0_0000_0000 → bytes 00 00 00 00 e0 01
    expect(Array.from(msg.subarray(16))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xe0, 0x01, 0, 0, 0, 0, 0, 1]);
  });

  it('round trip of a vector longer than one chunk through a channel', async () => {
    const [a, b] = memoryChannelPair();
    const v = sampleFieldVector(fromTextSeed('messages/chunks'), 2 * FIELD_CHUNK + 5);
    sendFieldVector(a, PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, v);
    expect(a.stats.messagesSent).toBe(3);
    expect(a.stats.bytesSent).toBe(3 * 16 + 6 * v.length);
    expect(await receiveFieldVector(b, PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, v.length, 'test')).toEqual(v);
  });

  it('an empty vector is one header-only message', async () => {
    const [a, b] = memoryChannelPair();
    sendFieldVector(a, PROTOCOL_TAG.OUTPUT_SHARE, 2, new Float64Array(0));
    expect(a.stats.bytesSent).toBe(16);
    expect(await receiveFieldVector(b, PROTOCOL_TAG.OUTPUT_SHARE, 2, 0, 'test')).toEqual(new Float64Array(0));
  });

  const good = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 3, Float64Array.of(5, 6), 0, 2);
  const decode = (m: Uint8Array): Float64Array => {
    const out = new Float64Array(2);
    decodeFieldMessage(m, PROTOCOL_TAG.RESHARE, 3, 0, 2, out, 'test');
    return out;
  };
  const patched = (i: number, v: number): Uint8Array => {
    const m = good.slice();
    m[i] = v;
    return m;
  };
  const cases: [string, Uint8Array, typeof ProtocolError | typeof MalformedInputError, RegExp][] = [
    ['empty', new Uint8Array(0), MalformedInputError, /empty/],
    ['wrong tag', patched(0, PROTOCOL_TAG.OUTPUT_SHARE), ProtocolError, /expected RESHARE, received OUTPUT_SHARE/],
    ['unknown tag', patched(0, 0x07), ProtocolError, /unknown tag 0x07/],
    ['reserved byte', patched(2, 1), MalformedInputError, /reserved/],
    ['another layer', patched(4, 4), ProtocolError, /layer 4, expected layer 3/],
    ['another start', patched(8, 1), ProtocolError, /entries \[1, 3\)/],
    ['another count', patched(12, 1), ProtocolError, /entries \[0, 1\)/],
    ['truncated', good.subarray(0, good.length - 1), MalformedInputError, /expected 28/],
    ['trailing byte', Uint8Array.from([...good, 0]), MalformedInputError, /expected 28/],
    ['element = p', encodeFieldMessage(PROTOCOL_TAG.RESHARE, 3, Float64Array.of(5, P), 0, 2), MalformedInputError, /element 1 is 2061584302081/],
    ['element = 2^48 − 1', Uint8Array.from([...good.subarray(0, 22), 255, 255, 255, 255, 255, 255]), MalformedInputError, /not below p/],
  ];
  for (const [name, msg, Err, re] of cases) {
    it(`rejects: ${name}`, () => {
      expect(() => decode(msg)).toThrow(Err);
      expect(() => decode(msg)).toThrow(re);
    });
  }

  it('an ABORT in place of a field vector carries the peer reason', () => {
    const err = thrownBy(() => decode(encodeAbort('server: the client uses another backend')));
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toMatch(/the peer aborted: server: the client uses another backend/);
    expect(isPeerAbort(err)).toBe(true);
    expect(isPeerAbort(new ProtocolError('x'))).toBe(false);
  });

  it('every truncation of a valid message is a typed error', () => {
    for (let n = 0; n < good.length; n++) {
      expect(() => decode(good.subarray(0, n))).toThrow(DelphiError);
    }
  });
});

describe('hellos and ABORT', () => {
  it('CLIENT_HELLO layout and round trip', () => {
    const msg = encodeClientHello(ids);
    expect(Array.from(msg.subarray(0, 4))).toEqual([0xd0, 1, 0, 3]);
    expect(new TextDecoder().decode(msg.subarray(4, 7))).toBe('bfv');
    expect(msg.length).toBe(3 + 1 + 3 + 1 + 16 + 1 + 15);
    expect(decodeClientHello(msg)).toEqual(ids);
  });

  it('SERVER_HELLO round trip', () => {
    const arch = new TextEncoder().encode('{"x":1}');
    const msg = encodeServerHello(ids, arch);
    const back = decodeServerHello(msg);
    expect(back.ids).toEqual(ids);
    expect(Array.from(back.architecture)).toEqual(Array.from(arch));
  });

  it('every truncation and every single-byte corruption is a typed error or a decoding that re-encodes to it', () => {
    // A corruption that decodes (a changed architecture byte, or the byte's own value) must decode to
    // what encodes to exactly the corrupted bytes: the encoding is canonical, nothing is ignored.
    const reencode = [
      (m: Uint8Array) => encodeClientHello(decodeClientHello(m)),
      (m: Uint8Array) => {
        const { ids: got, architecture } = decodeServerHello(m);
        return encodeServerHello(got, architecture);
      },
    ];
    const msgs = [encodeClientHello(ids), encodeServerHello(ids, new TextEncoder().encode('{}'))];
    const decoders = [decodeClientHello, decodeServerHello];
    const decoded = [0, 0];
    msgs.forEach((msg, which) => {
      for (let n = 0; n < msg.length; n++) expect(() => decoders[which](msg.subarray(0, n))).toThrow(DelphiError);
      for (let i = 0; i < msg.length; i++) {
        for (const v of new Set([0, 0x41, 0x7f, 0xff, msg[i]])) {
          const m = msg.slice();
          m[i] = v;
          let back: Uint8Array | undefined;
          try {
            back = reencode[which](m);
          } catch (e) {
            expect(e).toBeInstanceOf(DelphiError);
          }
          if (back !== undefined) {
            expect(Array.from(back)).toEqual(Array.from(m));
            decoded[which]++;
          }
        }
      }
    });
    // Each byte's own value decodes (msg.length times), plus the 4 values in each of the 2 architecture bytes.
    expect(decoded).toEqual([msgs[0].length, msgs[1].length + 8]);
  });

  it('rejects another version, upper-case or over-long identifiers, trailing bytes', () => {
    const msg = encodeClientHello(ids);
    const v2 = msg.slice();
    v2[1] = 2;
    expect(() => decodeClientHello(v2)).toThrow(/version 2/);
    const upper = msg.slice();
    upper[4] = 0x42; // 'B'
    expect(() => decodeClientHello(upper)).toThrow(MalformedInputError);
    expect(() => decodeClientHello(Uint8Array.from([...msg, 0]))).toThrow(/trailing/);
    expect(() => encodeClientHello({ ...ids, linear: 'x'.repeat(33) })).toThrow(/identifier/);
    expect(() => encodeClientHello({ ...ids, linear: '' })).toThrow(/identifier/);
  });

  it('ABORT: round trip, long reasons cut on a character boundary, strict decoding', () => {
    expect(decodeAbort(encodeAbort('noise budget exhausted'))).toBe('noise budget exhausted');
    const long = 'é'.repeat(700); // 1400 bytes
    const cut = decodeAbort(encodeAbort(long));
    expect(cut).toBe('é'.repeat(512));
    const m = encodeAbort('ab');
    expect(() => decodeAbort(m.subarray(0, 6))).toThrow(MalformedInputError);
    expect(() => decodeAbort(Uint8Array.of(0xd2, 1, 0, 0, 0, 0xff))).toThrow(/UTF-8/);
    expect(() => decodeAbort(Uint8Array.of(0xd0))).toThrow(ProtocolError);
  });
});
