/**
 * Field-vector, ABORT and tagged messages of §9.4 checked byte by byte against the spec's layout,
 * for the checks a mutation run found unguarded: each reserved byte on its own, the header-only
 * message of an empty vector (the channel stays in step), vectors of exactly k·FIELD_CHUNK entries,
 * ABORT reasons cut inside a 2- and 3-byte UTF-8 character, and tagged payloads of a wrong length.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../../src/errors.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { checkBackendId, decodeAbort, decodeClientHello, decodeFieldMessage, decodeServerHello, decodeTagged, encodeAbort, encodeClientHello, encodeFieldMessage, encodeServerHello, encodeTagged, FIELD_CHUNK, INPUT_LAYER, isPeerAbort, PROTOCOL_TAG, receiveFieldVector, rejectAbort, sendFieldVector } from '../../src/protocol/messages.js';
import { fromTextSeed } from '../../src/random/index.js';
import { sampleFieldVector } from '../../src/sharing/index.js';

const P = 2061584302081;

describe('field-vector message header', () => {
  const good = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 9, Float64Array.of(11, 12, 13), 0, 3);
  const decode = (m: Uint8Array): Float64Array => {
    const out = new Float64Array(3);
    decodeFieldMessage(m, PROTOCOL_TAG.RESHARE, 9, 0, 3, out, 'test');
    return out;
  };

  it('decodes the untouched message', () => {
    expect(Array.from(decode(good))).toEqual([11, 12, 13]);
  });

  for (const byte of [1, 2, 3]) {
    for (const v of [1, 0x80, 0xff]) {
      it(`rejects reserved byte ${byte} = ${v}`, () => {
        const m = good.slice();
        m[byte] = v;
        expect(() => decode(m)).toThrow(MalformedInputError);
        expect(() => decode(m)).toThrow(/reserved bytes must be zero/);
      });
    }
  }

  it('every header shorter than 16 bytes is rejected as such', () => {
    for (let n = 1; n < 16; n++) {
      expect(() => decode(good.subarray(0, n))).toThrow(/shorter than the 16-byte header/);
    }
  });

  it('writes a sub-range [start, start + count) at its position, u32 fields little-endian', () => {
    const v = Float64Array.of(1, 2, 3, 4, 5, P - 1);
    const msg = encodeFieldMessage(PROTOCOL_TAG.OUTPUT_SHARE, 0x01020304, v, 0x02, 3);
    expect(Array.from(msg.subarray(4, 16))).toEqual([4, 3, 2, 1, 2, 0, 0, 0, 3, 0, 0, 0]);
    expect(msg.length).toBe(16 + 18);
    const out = new Float64Array(6);
    decodeFieldMessage(msg, PROTOCOL_TAG.OUTPUT_SHARE, 0x01020304, 2, 3, out, 'test');
    expect(Array.from(out)).toEqual([0, 0, 3, 4, 5, 0]);
    // The default range is the whole vector from `start`.
    expect(encodeFieldMessage(PROTOCOL_TAG.OUTPUT_SHARE, 1, v, 4).length).toBe(16 + 12);
    expect(encodeFieldMessage(PROTOCOL_TAG.OUTPUT_SHARE, 1, v).length).toBe(16 + 36);
  });

  it('u32 header fields at their top bit: INPUT_LAYER round-trips and names the input', () => {
    const msg = encodeFieldMessage(PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, Float64Array.of(7), 0, 1);
    expect(Array.from(msg.subarray(4, 8))).toEqual([0xff, 0xff, 0xff, 0xff]);
    const out = new Float64Array(1);
    decodeFieldMessage(msg, PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, 0, 1, out, 'test');
    expect(out[0]).toBe(7);
    expect(() => decodeFieldMessage(msg, PROTOCOL_TAG.MASKED_INPUT, 5, 0, 1, out, 'ctx')).toThrow(
      /ctx: message is for the input, expected layer 5/,
    );
    const l5 = encodeFieldMessage(PROTOCOL_TAG.MASKED_INPUT, 5, Float64Array.of(7), 0, 1);
    expect(() => decodeFieldMessage(l5, PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, 0, 1, out, 'ctx')).toThrow(
      /message is for layer 5, expected the input/,
    );
  });

  it('a wrong start or count names both ranges; a wrong tag is a ProtocolError naming both tags', () => {
    const out = new Float64Array(8);
    expect(() => decodeFieldMessage(good, PROTOCOL_TAG.RESHARE, 9, 2, 3, out, 'c')).toThrow(
      'c: peer sent entries [0, 3), expected [2, 5)',
    );
    expect(() => decodeFieldMessage(good, PROTOCOL_TAG.RESHARE, 9, 0, 2, out, 'c')).toThrow(
      'c: peer sent entries [0, 3), expected [0, 2)',
    );
    expect(() => decodeFieldMessage(good, PROTOCOL_TAG.MASKED_INPUT, 9, 0, 3, out, 'c')).toThrow(
      'c: expected MASKED_INPUT, received RESHARE',
    );
  });

  it('an element ≥ p names its position in the whole vector', () => {
    const msg = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 1, Float64Array.of(0, 0, 0, P), 2, 2);
    const out = new Float64Array(4);
    expect(() => decodeFieldMessage(msg, PROTOCOL_TAG.RESHARE, 1, 2, 2, out, 'c')).toThrow(/c: element 3 /);
  });
});

describe('field vectors over a channel', () => {
  it('an empty vector consumes exactly its one header-only message: the next vector follows in step', async () => {
    const [a, b] = memoryChannelPair();
    const v = Float64Array.of(1, 2, P - 1);
    sendFieldVector(a, PROTOCOL_TAG.OUTPUT_SHARE, 2, new Float64Array(0));
    sendFieldVector(a, PROTOCOL_TAG.RESHARE, 3, v);
    expect(a.stats.messagesSent).toBe(2);
    const empty = await receiveFieldVector(b, PROTOCOL_TAG.OUTPUT_SHARE, 2, 0, 'test');
    expect(empty.length).toBe(0);
    expect(b.stats.messagesReceived).toBe(1);
    expect(Array.from(await receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 3, 3, 'test'))).toEqual(Array.from(v));
  });

  it('an empty vector is still checked: a header for another layer or a non-empty count is refused', async () => {
    const [a, b] = memoryChannelPair();
    a.send(encodeFieldMessage(PROTOCOL_TAG.OUTPUT_SHARE, 4, new Float64Array(0), 0, 0));
    await expect(receiveFieldVector(b, PROTOCOL_TAG.OUTPUT_SHARE, 2, 0, 'test')).rejects.toThrow(ProtocolError);
    a.send(encodeFieldMessage(PROTOCOL_TAG.OUTPUT_SHARE, 2, Float64Array.of(5), 0, 1));
    await expect(receiveFieldVector(b, PROTOCOL_TAG.OUTPUT_SHARE, 2, 0, 'test')).rejects.toThrow(/entries \[0, 1\), expected \[0, 0\)/);
  });

  it('the first message, when passed in, is used before the channel (empty and non-empty vectors)', async () => {
    const [a, b] = memoryChannelPair();
    const first = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 1, new Float64Array(0), 0, 0);
    a.send(encodeFieldMessage(PROTOCOL_TAG.RESHARE, 2, Float64Array.of(8), 0, 1));
    expect((await receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 1, 0, 'test', first)).length).toBe(0);
    expect(b.stats.messagesReceived).toBe(0);
    expect(Array.from(await receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 2, 1, 'test'))).toEqual([8]);
    const one = encodeFieldMessage(PROTOCOL_TAG.RESHARE, 3, Float64Array.of(4, 5), 0, 2);
    expect(Array.from(await receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 3, 2, 'test', one))).toEqual([4, 5]);
  });

  for (const chunks of [1, 2]) {
    it(`a vector of exactly ${chunks}·FIELD_CHUNK entries is ${chunks} full message(s), nothing more`, async () => {
      const [a, b] = memoryChannelPair();
      const v = sampleFieldVector(fromTextSeed(`messages/exact-${chunks}`), chunks * FIELD_CHUNK);
      sendFieldVector(a, PROTOCOL_TAG.RESHARE, 1, v);
      sendFieldVector(a, PROTOCOL_TAG.RESHARE, 2, Float64Array.of(42));
      expect(a.stats.messagesSent).toBe(chunks + 1);
      expect(a.stats.bytesSent).toBe(chunks * (16 + 6 * FIELD_CHUNK) + 16 + 6);
      const back = await receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 1, v.length, 'test');
      expect(back).toEqual(v);
      expect(b.stats.messagesReceived).toBe(chunks);
      expect(Array.from(await receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 2, 1, 'test'))).toEqual([42]);
    });
  }

  it('the second chunk of a vector is entries [FIELD_CHUNK, n) and is checked as such', async () => {
    const [a, b] = memoryChannelPair();
    const v = sampleFieldVector(fromTextSeed('messages/second-chunk'), FIELD_CHUNK + 3);
    a.send(encodeFieldMessage(PROTOCOL_TAG.RESHARE, 1, v, 0, FIELD_CHUNK));
    a.send(encodeFieldMessage(PROTOCOL_TAG.RESHARE, 1, v, FIELD_CHUNK + 1, 2));
    await expect(receiveFieldVector(b, PROTOCOL_TAG.RESHARE, 1, v.length, 'test')).rejects.toThrow(
      `test: peer sent entries [${FIELD_CHUNK + 1}, ${FIELD_CHUNK + 3}), expected [${FIELD_CHUNK}, ${FIELD_CHUNK + 3})`,
    );
  });
});

describe('ABORT', () => {
  const utf8 = (s: string): number => new TextEncoder().encode(s).length;

  it('layout: 0xD2, u32 little-endian length, UTF-8 bytes', () => {
    const msg = encodeAbort('é!');
    expect(Array.from(msg)).toEqual([0xd2, 3, 0, 0, 0, 0xc3, 0xa9, 0x21]);
    expect(Array.from(encodeAbort(''))).toEqual([0xd2, 0, 0, 0, 0]);
    expect(decodeAbort(encodeAbort(''))).toBe('');
  });

  it('a reason of exactly 1024 bytes is sent whole; 1025 ASCII bytes are cut to 1024', () => {
    const exact = 'x'.repeat(1024);
    expect(decodeAbort(encodeAbort(exact))).toBe(exact);
    const over = encodeAbort('y'.repeat(1025));
    expect(over.length).toBe(5 + 1024);
    expect(Array.from(over.subarray(1, 5))).toEqual([0, 4, 0, 0]);
  });

  it('a cut inside a 2-byte character drops the whole character', () => {
    const reason = 'a' + 'é'.repeat(700); // byte 1024 is the second byte of an é
    const msg = encodeAbort(reason);
    expect(msg.length).toBe(5 + 1023);
    expect(decodeAbort(msg)).toBe('a' + 'é'.repeat(511));
  });

  it('a cut inside a 3-byte character steps back over both continuation bytes', () => {
    for (const [prefix, keep] of [['ab', 340], ['a', 341], ['', 341]] as const) {
      const msg = encodeAbort(prefix + '€'.repeat(400));
      const text = decodeAbort(msg);
      expect(text).toBe(prefix + '€'.repeat(keep));
      expect(msg.length).toBe(5 + utf8(text));
    }
  });

  it('a cut inside a 4-byte character keeps the characters before it', () => {
    const msg = encodeAbort('abc' + '😀'.repeat(300)); // byte 1024 = 3 + 4·255 + 1: inside the 256th
    expect(decodeAbort(msg)).toBe('abc' + '😀'.repeat(255));
  });

  it('rejects a wrong length in either direction and a wrong tag', () => {
    const m = encodeAbort('abc');
    expect(() => decodeAbort(Uint8Array.from([...m, 0x21]))).toThrow(/reason length 3 does not match/);
    expect(() => decodeAbort(m.subarray(0, 7))).toThrow(/reason length 3 does not match/);
    expect(() => decodeAbort(m.subarray(0, 4))).toThrow(/ABORT: truncated/);
    expect(() => decodeAbort(new Uint8Array(0))).toThrow(/ABORT: empty message/);
    expect(() => decodeAbort(Uint8Array.of(0xd5, 0, 0, 0, 0))).toThrow('ABORT: received RESHARE');
  });

  it('rejectAbort: the peer reason, an unreadable reason, an empty message, other tags pass', () => {
    expect(() => rejectAbort(encodeAbort('why'), 'ctx')).toThrow('ctx: the peer aborted: why');
    expect(() => rejectAbort(Uint8Array.of(0xd2, 9), 'ctx')).toThrow('ctx: the peer aborted: (unreadable reason)');
    expect(() => rejectAbort(new Uint8Array(0), 'ctx')).toThrow('ctx: empty message');
    expect(() => rejectAbort(Uint8Array.of(PROTOCOL_TAG.RESHARE), 'ctx')).not.toThrow();
  });
});

describe('tagged messages', () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

  it('tag ‖ payload round trip, a copy of the payload', () => {
    const msg = encodeTagged(PROTOCOL_TAG.DEALER_TRIPLE_SEED, seed);
    expect(msg.length).toBe(33);
    expect(msg[0]).toBe(0xdc);
    const back = decodeTagged(msg, PROTOCOL_TAG.DEALER_TRIPLE_SEED, 32, 'seed');
    expect(Array.from(back)).toEqual(Array.from(seed));
    msg[1] = 99;
    expect(back[0]).toBe(1);
  });

  it('a DEALER_TRIPLE_SEED of the wrong length is refused', () => {
    const msg = encodeTagged(PROTOCOL_TAG.DEALER_TRIPLE_SEED, seed);
    for (const n of [1, 2, 32, 34]) {
      const m = n <= 33 ? msg.subarray(0, n) : Uint8Array.from([...msg, 0]);
      expect(() => decodeTagged(m, PROTOCOL_TAG.DEALER_TRIPLE_SEED, 32, 'seed')).toThrow(MalformedInputError);
      expect(() => decodeTagged(m, PROTOCOL_TAG.DEALER_TRIPLE_SEED, 32, 'seed')).toThrow(
        `seed: message is ${n} bytes, expected 33`,
      );
    }
  });

  it('a tagged message under another tag is refused', () => {
    const msg = encodeTagged(PROTOCOL_TAG.DEALER_LINEAR_SHARE, seed);
    expect(() => decodeTagged(msg, PROTOCOL_TAG.DEALER_TRIPLE_SEED, 32, 'seed')).toThrow(
      'seed: expected DEALER_TRIPLE_SEED, received DEALER_LINEAR_SHARE',
    );
  });
});

describe('hellos: each check with its own message', () => {
  const ids = { linear: 'bfv', activations: 'garbled-circuits', triples: 'insecure-dealer' };
  const hello = encodeClientHello(ids); // d0 01 00 | 03 bfv | 10 garbled-circuits | 0f insecure-dealer
  const ACT = 3 + 1 + 3; // offset of the activations length byte
  const TRI = ACT + 1 + 16;

  it('checkBackendId accepts 1–32 characters of [a-z0-9-] and nothing else', () => {
    expect(checkBackendId('a', 'w')).toBe('a');
    expect(checkBackendId('-'.repeat(32), 'w')).toBe('-'.repeat(32));
    expect(checkBackendId('bfv-2', 'w')).toBe('bfv-2');
    for (const bad of [7, null, undefined, '', 'x'.repeat(33), 'Bfv', 'bfv ', ' bfv', 'b_v', 'bfv\n']) {
      expect(() => checkBackendId(bad, 'ctx')).toThrow(MalformedInputError);
      expect(() => checkBackendId(bad, 'ctx')).toThrow(`ctx: a backend identifier is 1–32 characters of [a-z0-9-], got ${JSON.stringify(bad)}`);
    }
  });

  it('encoders refuse an identifier that is not a string, naming which of the three', () => {
    const names = ['linear', 'activations', 'triples'] as const;
    for (const which of names) {
      const bad = { ...ids, [which]: 7 as unknown as string };
      expect(() => encodeClientHello(bad)).toThrow(InvalidArgumentError);
      expect(() => encodeClientHello(bad)).toThrow(`${which} backend identifier 7 is not 1–32 characters of [a-z0-9-]`);
      expect(() => encodeServerHello({ ...ids, [which]: 'UPPER' }, new Uint8Array(0))).toThrow(`${which} backend identifier "UPPER" is not`);
    }
  });

  it('truncation before the version and before each identifier is named', () => {
    expect(() => decodeClientHello(hello.subarray(0, 1))).toThrow('CLIENT_HELLO: truncated before the version');
    expect(() => decodeClientHello(hello.subarray(0, 2))).toThrow('CLIENT_HELLO: truncated before the version');
    expect(() => decodeClientHello(hello.subarray(0, 3))).toThrow('CLIENT_HELLO: truncated before the linear backend identifier');
    expect(() => decodeClientHello(hello.subarray(0, ACT))).toThrow('CLIENT_HELLO: truncated before the activations backend identifier');
    expect(() => decodeClientHello(hello.subarray(0, TRI))).toThrow('CLIENT_HELLO: truncated before the triples backend identifier');
    expect(() => decodeServerHello(encodeServerHello(ids, new Uint8Array(0)).subarray(0, 3))).toThrow(
      'SERVER_HELLO: truncated before the linear backend identifier',
    );
  });

  it('an identifier length of 0, of 33, or running past the end is refused as such', () => {
    for (const [at, what] of [[3, 'linear'], [ACT, 'activations'], [TRI, 'triples']] as const) {
      const zero = hello.slice();
      zero[at] = 0;
      expect(() => decodeClientHello(zero)).toThrow(`CLIENT_HELLO: bad length 0 of the ${what} backend identifier`);
      // 33 valid characters: only the length check can refuse it.
      const long = Uint8Array.from([...hello.subarray(0, at), 33, ...new TextEncoder().encode('a'.repeat(33)), ...hello.subarray(at + 1 + hello[at])]);
      expect(() => decodeClientHello(long)).toThrow(`CLIENT_HELLO: bad length 33 of the ${what} backend identifier`);
      const over = hello.slice(0, at + 1 + hello[at]);
      over[at] = hello[at] + 1;
      expect(() => decodeClientHello(over)).toThrow(`CLIENT_HELLO: bad length ${hello[at] + 1} of the ${what} backend identifier`);
    }
    // 32 characters is the longest identifier and 1 the shortest; both are accepted.
    const id32 = { ...ids, triples: 'z'.repeat(32) };
    expect(decodeClientHello(encodeClientHello(id32))).toEqual(id32);
    const id1 = { linear: 'a', activations: 'b', triples: '9' };
    expect(decodeClientHello(encodeClientHello(id1))).toEqual(id1);
    expect(decodeServerHello(encodeServerHello(id1, Uint8Array.of(7))).ids).toEqual(id1);
  });

  it('a bad character is named with the identifier it is in', () => {
    const m = hello.slice();
    m[ACT + 1] = 0x47; // 'G'
    expect(() => decodeClientHello(m)).toThrow('CLIENT_HELLO: activations backend: a backend identifier is 1–32 characters');
  });

  it('trailing bytes are counted', () => {
    expect(() => decodeClientHello(Uint8Array.from([...hello, 1, 2, 3]))).toThrow('CLIENT_HELLO: 3 trailing bytes');
  });

  it('SERVER_HELLO: an empty architecture, a truncated length, a length that does not match', () => {
    const empty = encodeServerHello(ids, new Uint8Array(0));
    expect(empty.length).toBe(hello.length + 4);
    expect(Array.from(empty.subarray(hello.length))).toEqual([0, 0, 0, 0]);
    const back = decodeServerHello(empty);
    expect(back.ids).toEqual(ids);
    expect(back.architecture.length).toBe(0);
    for (let cut = 1; cut <= 3; cut++) {
      expect(() => decodeServerHello(empty.subarray(0, empty.length - cut))).toThrow(
        'SERVER_HELLO: truncated before the architecture length',
      );
    }
    const arch = encodeServerHello(ids, Uint8Array.of(1, 2, 3, 4, 5));
    expect(() => decodeServerHello(arch.subarray(0, arch.length - 3))).toThrow(
      'SERVER_HELLO: architecture length 5 does not match the 2 bytes that follow',
    );
    expect(() => decodeServerHello(Uint8Array.from([...arch, 9]))).toThrow(
      'SERVER_HELLO: architecture length 5 does not match the 6 bytes that follow',
    );
    expect(() => decodeServerHello(hello)).toThrow('SERVER_HELLO: expected SERVER_HELLO, received CLIENT_HELLO');
  });

  it('isPeerAbort is false for anything but an error made by peerAbortError', () => {
    let caught: unknown;
    try {
      rejectAbort(encodeAbort('x'), 'c');
    } catch (e) {
      caught = e;
    }
    expect(isPeerAbort(caught)).toBe(true);
    for (const v of [null, undefined, 'x', 1, {}, new Error('x')]) expect(isPeerAbort(v)).toBe(false);
  });
});
