/**
 * HELLO encoding and checks (Spec: §2.5) against the byte example of the spec, built field by field
 * by hand, and the handshake over in-memory channels.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { checkHello, decodeHello, encodeHello, helloFromOptions } from '../../src/net/handshake.js';
import { performHandshake, type Hello } from '../../src/net/index.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError, TransportError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

// The example HELLO of §2.5, field by field.
const EXAMPLE_HEX = [
  '89444c500d0a1a0a', // magic
  '01', // format version
  '01', // role: client
  '09' + '64656c7068692d7473', // "delphi-ts"
  '0001' + '0002', // version 1.2
  '01' + '74', // software "t"
  '01', // one parameter
  '0a' + '6d6f64656c2d68617368' + '0002' + '0102', // "model-hash" = 01 02
].join('');

const example: Hello = {
  role: 'client',
  protocol: 'delphi-ts',
  version: { major: 1, minor: 2 },
  software: 't',
  params: new Map([['model-hash', Uint8Array.of(1, 2)]]),
};

describe('HELLO layout (§2.5 example)', () => {
  it('encodes the example byte for byte', () => {
    expect(bytesToHex(encodeHello(example))).toBe(EXAMPLE_HEX);
  });

  it('decodes the example', () => {
    expect(decodeHello(hexToBytes(EXAMPLE_HEX))).toEqual(example);
  });

  it('sorts parameter keys so the encoding is canonical', () => {
    const a = encodeHello({ ...example, params: new Map([['b', Uint8Array.of(1)], ['a', Uint8Array.of(2)]]) });
    const b = encodeHello({ ...example, params: new Map([['a', Uint8Array.of(2)], ['b', Uint8Array.of(1)]]) });
    expect(a).toEqual(b);
    expect([...decodeHello(a).params.keys()]).toEqual(['a', 'b']);
  });

  it('refuses to encode invalid fields', () => {
    expect(() => encodeHello({ ...example, params: new Map([['Bad Key', new Uint8Array(0)]]) })).toThrow(InvalidArgumentError);
    expect(() => encodeHello({ ...example, params: new Map([['k', new Uint8Array(4097)]]) })).toThrow(InvalidArgumentError);
    expect(() => encodeHello({ ...example, protocol: '' })).toThrow(InvalidArgumentError);
    expect(() => encodeHello({ ...example, version: { major: 65536, minor: 0 } })).toThrow(InvalidArgumentError);
  });
});

describe('decodeHello rejects', () => {
  const bytes = hexToBytes(EXAMPLE_HEX);
  it('an HTTP request as a foreign protocol, quoting it', () => {
    const http = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(() => decodeHello(http)).toThrow(ProtocolError);
    expect(() => decodeHello(http)).toThrow(/"GET \/ HTTP\/1.1\\r\\n"/);
  });
  it('another format version', () => {
    const other = bytes.slice();
    other[8] = 2;
    expect(() => decodeHello(other)).toThrow(/format version 2/);
  });
  it('every truncation with MalformedInputError (or ProtocolError inside the magic)', () => {
    for (let n = 0; n < bytes.length; n++) {
      const expected = n < 8 ? ProtocolError : MalformedInputError;
      expect(() => decodeHello(bytes.subarray(0, n)), `length ${n}`).toThrow(expected);
    }
  });
  it('trailing bytes, a bad role, keys out of order, invalid UTF-8', () => {
    expect(() => decodeHello(Uint8Array.of(...bytes, 0))).toThrow(/1 trailing bytes/);
    const role = bytes.slice();
    role[9] = 3;
    expect(() => decodeHello(role)).toThrow(/role byte 3/);
    const twoKeys = encodeHello({ ...example, params: new Map([['a', new Uint8Array(0)], ['b', new Uint8Array(0)]]) });
    const swapped = twoKeys.slice();
    swapped[swapped.length - 7] = 0x62; // first key "a" -> "b": now "b", "b"
    expect(() => decodeHello(swapped)).toThrow(/not strictly ascending/);
    const utf = bytes.slice();
    utf[11] = 0xff; // inside "delphi-ts"
    expect(() => decodeHello(utf)).toThrow(/not valid UTF-8/);
  });
  it('random mutations only ever throw typed errors', () => {
    const rng = fromTextSeed('hello mutations');
    for (let i = 0; i < 2000; i++) {
      const m = bytes.slice(0, uniformBelow(rng, bytes.length + 1));
      for (let k = uniformBelow(rng, 4); k >= 0 && m.length > 0; k--) m[uniformBelow(rng, m.length)] = uniformBelow(rng, 256);
      try {
        decodeHello(m);
      } catch (e) {
        expect(e instanceof MalformedInputError || e instanceof ProtocolError, String(e)).toBe(true);
      }
    }
  });
});

describe('checkHello', () => {
  const server = helloFromOptions({ role: 'server', params: { 'model-hash': 'abc', extra: 'x' } });
  const client = helloFromOptions({ role: 'client', params: { 'model-hash': 'abc' } });
  it('agrees on the smaller minor version', () => {
    const newer = { ...client, version: { major: 1, minor: 7 } };
    expect(checkHello({ ...server, version: { major: 1, minor: 3 } }, newer, ['model-hash'])).toEqual({ major: 1, minor: 3 });
  });
  it('names each mismatch', () => {
    expect(() => checkHello(server, { ...client, protocol: 'other' })).toThrow(/protocol "other", expected "delphi-ts"/);
    expect(() => checkHello(server, { ...client, version: { major: 2, minor: 0 } })).toThrow(/delphi-ts 2\.0, this end 1\.0/);
    expect(() => checkHello(server, { ...client, role: 'server' })).toThrow(/both ends announced the role "server"/);
    expect(() => checkHello(server, client, ['extra'])).toThrow(/did not announce session parameter "extra"/);
    const other = helloFromOptions({ role: 'client', params: { 'model-hash': 'abd' } });
    expect(() => checkHello(server, other, ['model-hash'])).toThrow(/"model-hash" differs: this end has "abc", the peer "abd"/);
    const binary = helloFromOptions({ role: 'client', params: { 'model-hash': new Uint8Array(32).fill(0xee) } });
    expect(() => checkHello(server, binary, ['model-hash'])).toThrow(/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee… \(32 bytes\)/);
  });
});

describe('performHandshake over memory channels', () => {
  it('both ends learn the peer and the version', async () => {
    const [a, b] = memoryChannelPair();
    const [ra, rb] = await Promise.all([
      performHandshake(a, { role: 'client', params: { 'model-hash': 'm1' }, mustMatch: ['model-hash'] }),
      performHandshake(b, { role: 'server', params: { 'model-hash': 'm1' }, mustMatch: ['model-hash'], version: { major: 1, minor: 4 } }),
    ]);
    expect(ra.peer.role).toBe('server');
    expect(ra.version).toEqual({ major: 1, minor: 0 });
    expect(rb.peer.role).toBe('client');
    expect(new TextDecoder().decode(rb.peer.params.get('model-hash'))).toBe('m1');
    // The channel stays usable afterwards.
    a.send(Uint8Array.of(42));
    expect(await b.recv()).toEqual(Uint8Array.of(42));
  });

  it('a mismatch fails both ends and closes the channel with the reason', async () => {
    const [a, b] = memoryChannelPair();
    const [ra, rb] = await Promise.allSettled([
      performHandshake(a, { role: 'client', params: { 'model-hash': 'm1' }, mustMatch: ['model-hash'] }),
      performHandshake(b, { role: 'server', params: { 'model-hash': 'm2' }, mustMatch: ['model-hash'] }),
    ]);
    expect(ra.status).toBe('rejected');
    expect(rb.status).toBe('rejected');
    await expect(a.recv()).rejects.toThrow(/handshake failed/);
  });

  it('times out when the peer stays silent', async () => {
    const [a] = memoryChannelPair();
    await expect(performHandshake(a, { role: 'client', timeoutMs: 30 })).rejects.toThrow(TransportError);
    await expect(a.recv()).rejects.toThrow(/no HELLO from the peer within 30 ms/);
  });

  it('a foreign first message is a ProtocolError', async () => {
    const [a, b] = memoryChannelPair();
    b.send(new TextEncoder().encode('SSH-2.0-OpenSSH_9.6\r\n'));
    await expect(performHandshake(a, { role: 'client' })).rejects.toThrow(/did not open with a delphi-ts HELLO/);
  });

  it('mustMatch must name an announced key', async () => {
    const [a] = memoryChannelPair();
    await expect(performHandshake(a, { role: 'client', mustMatch: ['model-hash'] })).rejects.toThrow(InvalidArgumentError);
  });
});
