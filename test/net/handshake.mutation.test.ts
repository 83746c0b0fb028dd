/**
 * HELLO (Spec: §2.5, §2.6) checked at each bound of its layout, built byte by byte by hand: every
 * encode and decode check with its own message, each length at both ends of its range, the
 * rendering of a foreign peer's first bytes and of a differing session parameter, and the staged
 * message limit around {@link performHandshake}.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError, ProtocolError, TransportError } from '../../src/errors.js';
import { memoryChannelPair, type Channel } from '../../src/channel/index.js';
import { checkHello, decodeHello, encodeHello, helloFromOptions, HELLO_MAGIC, MAX_HELLO_BYTES, performHandshake, type Hello } from '../../src/net/handshake.js';
import { VERSION } from '../../src/version.js';

const enc = (s: string): number[] => [...new TextEncoder().encode(s)];

/** A HELLO built by hand: magic, format 1, role, protocol, version, software, parameters. */
function hand(opts: { role?: number; protocol?: number[]; major?: number; minor?: number; software?: number[]; params?: [number[], number[]][]; count?: number } = {}): Uint8Array {
  const protocol = opts.protocol ?? enc('p');
  const software = opts.software ?? [];
  const params = opts.params ?? [];
  const major = opts.major ?? 1;
  const minor = opts.minor ?? 0;
  const out = [...HELLO_MAGIC, 1, opts.role ?? 1, protocol.length, ...protocol, major >> 8, major & 255, minor >> 8, minor & 255, software.length, ...software, opts.count ?? params.length];
  for (const [k, v] of params) out.push(k.length, ...k, v.length >> 8, v.length & 255, ...v);
  return Uint8Array.from(out);
}

const base: Hello = { role: 'server', protocol: 'p', version: { major: 1, minor: 0 }, software: '', params: new Map() };

describe('encodeHello checks', () => {
  it('role', () => {
    expect(() => encodeHello({ ...base, role: 'peer' as never })).toThrow(new InvalidArgumentError('role must be "client" or "server", got "peer"'));
    expect(encodeHello(base)[9]).toBe(2);
    expect(encodeHello({ ...base, role: 'client' })[9]).toBe(1);
  });
  it('protocol name and software: 1 (0) to 64 bytes of UTF-8', () => {
    expect(() => encodeHello({ ...base, protocol: '' })).toThrow(new InvalidArgumentError('protocol name must have 1 to 64 bytes of UTF-8, got 0'));
    expect(() => encodeHello({ ...base, protocol: 'x'.repeat(65) })).toThrow(new InvalidArgumentError('protocol name must have 1 to 64 bytes of UTF-8, got 65'));
    expect(() => encodeHello({ ...base, software: 'é'.repeat(33) })).toThrow(new InvalidArgumentError('software must have 0 to 64 bytes of UTF-8, got 66'));
    expect(() => encodeHello({ ...base, software: 7 as never })).toThrow(new InvalidArgumentError('software must be a string'));
    const long = encodeHello({ ...base, protocol: 'x'.repeat(64), software: 'y'.repeat(64) });
    expect(long).toEqual(hand({ role: 2, protocol: enc('x'.repeat(64)), software: enc('y'.repeat(64)) }));
    expect(decodeHello(long).software).toBe('y'.repeat(64));
  });
  it('version: integers in [0, 65535], big-endian', () => {
    for (const [major, minor] of [[-1, 0], [0, 65536], [1.5, 0], [0, Number.NaN]]) {
      const what = Number.isInteger(major) && major >= 0 ? 'minor' : 'major';
      const bad = what === 'major' ? major : minor;
      expect(() => encodeHello({ ...base, version: { major, minor } })).toThrow(new InvalidArgumentError(`protocol ${what} version must be in [0, 65535], got ${bad}`));
    }
    const h = encodeHello({ ...base, version: { major: 0x1234, minor: 0xfedc } });
    expect([...h.subarray(12, 16)]).toEqual([0x12, 0x34, 0xfe, 0xdc]);
    expect(decodeHello(h).version).toEqual({ major: 0x1234, minor: 0xfedc });
    const edges = encodeHello({ ...base, version: { major: 65535, minor: 0 } });
    expect(decodeHello(edges).version).toEqual({ major: 65535, minor: 0 });
  });
  it('parameters: at most 64, keys matching the pattern and ≤ 64 bytes, values ≤ 4096 bytes', () => {
    const many = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(2, '0')}`, Uint8Array.of(i)]));
    expect(() => encodeHello({ ...base, params: many(65) })).toThrow(new InvalidArgumentError('a HELLO holds at most 64 parameters, got 65'));
    const h64 = encodeHello({ ...base, params: many(64) });
    expect(h64[17]).toBe(64);
    expect(decodeHello(h64).params).toEqual(many(64));
    for (const key of ['', 'A', '-a', 'a_b', 'k'.repeat(65)]) {
      expect(() => encodeHello({ ...base, params: new Map([[key, Uint8Array.of()]]) })).toThrow(
        new InvalidArgumentError(`parameter key ${JSON.stringify(key)} must match [a-z0-9][a-z0-9.-]* and be at most 64 bytes`),
      );
    }
    const okKeys = ['0', 'a.b-c', 'k'.repeat(64)];
    const h = encodeHello({ ...base, params: new Map(okKeys.map((k) => [k, Uint8Array.of()])) });
    expect([...decodeHello(h).params.keys()]).toEqual(okKeys);
    expect(() => encodeHello({ ...base, params: new Map([['k', [1, 2] as never]]) })).toThrow(new InvalidArgumentError('parameter "k" must be a Uint8Array'));
    expect(() => encodeHello({ ...base, params: new Map([['k', new Uint8Array(4097)]]) })).toThrow(new InvalidArgumentError('parameter "k" has 4097 bytes, more than 4096'));
    const big = new Uint8Array(4096).map((_, i) => i * 7);
    const hb = encodeHello({ ...base, params: new Map([['k', big]]) });
    expect(hb).toEqual(hand({ role: 2, params: [[enc('k'), [...big]]] }));
    expect(decodeHello(hb).params.get('k')).toEqual(big);
  });
  it('keys sort by code unit, whatever the insertion order', () => {
    const h = encodeHello({ ...base, params: new Map([['b', Uint8Array.of(2)], ['a.', Uint8Array.of(1)], ['a', Uint8Array.of(0)], ['a-', Uint8Array.of(3)]]) });
    expect(h).toEqual(hand({ role: 2, params: [[enc('a'), [0]], [enc('a-'), [3]], [enc('a.'), [1]], [enc('b'), [2]]] }));
  });
});

describe('decodeHello checks', () => {
  it('refuses a non-Uint8Array and a HELLO above 64 KiB', () => {
    expect(() => decodeHello([1, 2] as never)).toThrow(new InvalidArgumentError('decodeHello expects a Uint8Array'));
    const at = new Uint8Array(MAX_HELLO_BYTES);
    at.set(hand());
    expect(() => decodeHello(at)).toThrow(new MalformedInputError(`HELLO has ${MAX_HELLO_BYTES - hand().length} trailing bytes`));
    expect(() => decodeHello(new Uint8Array(MAX_HELLO_BYTES + 1))).toThrow(new MalformedInputError('HELLO of 65537 bytes exceeds 65536 bytes'));
  });
  it('names the foreign first bytes: hex, plus text when printable', () => {
    expect(() => decodeHello(new Uint8Array(0))).toThrow(new ProtocolError('peer did not open with a delphi-ts HELLO (first bytes (none))'));
    expect(() => decodeHello(Uint8Array.of(0x89, 0x44))).toThrow(new ProtocolError('peer did not open with a delphi-ts HELLO (first bytes 8944)'));
    const wrongLast = Uint8Array.from([...HELLO_MAGIC.subarray(0, 7), 0x0b, 1, 1]);
    expect(() => decodeHello(wrongLast)).toThrow(new ProtocolError('peer did not open with a delphi-ts HELLO (first bytes 89444c500d0a1a0b0101)'));
    const text = Uint8Array.from([...enc('ABCDEFGHIJKLMNOP'), 0x7f]);
    expect(() => decodeHello(text)).toThrow(new ProtocolError('peer did not open with a delphi-ts HELLO (first bytes 4142434445464748494a4b4c4d4e4f50 "ABCDEFGHIJKLMNOP")'));
    expect(() => decodeHello(Uint8Array.from([...enc(' ~\r\n\r\n~ ')]))).toThrow(new ProtocolError('peer did not open with a delphi-ts HELLO (first bytes 207e0d0a0d0a7e20 " ~\\r\\n\\r\\n~ ")'));
    for (const odd of [0x1f, 0x7f, 0x09]) {
      expect(() => decodeHello(Uint8Array.of(0x41, odd))).toThrow(new ProtocolError(`peer did not open with a delphi-ts HELLO (first bytes 41${odd.toString(16).padStart(2, '0')})`));
    }
  });
  it('format version and role', () => {
    const h = hand();
    h[8] = 0;
    expect(() => decodeHello(h)).toThrow(new ProtocolError('peer uses HELLO format version 0; this build speaks version 1'));
    expect(() => decodeHello(hand({ role: 0 }))).toThrow(new MalformedInputError('HELLO role byte 0 is neither 1 (client) nor 2 (server)'));
    expect(decodeHello(hand({ role: 1 })).role).toBe('client');
    expect(decodeHello(hand({ role: 2 })).role).toBe('server');
  });
  it('each truncation names its field', () => {
    const h = hand({ protocol: enc('pq'), software: enc('s'), params: [[enc('k'), [9, 9]]] });
    const fields: [number, string][] = [
      [8, 'format version'],
      [9, 'role'],
      [10, 'protocol name length'],
      [11, 'protocol name'],
      [12, 'protocol name'],
      [13, 'major version'],
      [15, 'minor version'],
      [17, 'software length'],
      [18, 'software'],
      [19, 'parameter count'],
      [20, 'parameter 0 key length'],
      [21, 'parameter 0 key'],
      [22, 'parameter "k" length'],
      [23, 'parameter "k" length'],
      [24, 'parameter "k"'],
      [25, 'parameter "k"'],
    ];
    for (const [n, what] of fields) expect(() => decodeHello(h.subarray(0, n)), `${n}`).toThrow(new MalformedInputError(`HELLO truncated in ${what} (${n} bytes)`));
    expect(decodeHello(h).params.get('k')).toEqual(Uint8Array.of(9, 9));
  });
  it('text lengths outside their ranges', () => {
    expect(() => decodeHello(hand({ protocol: [] }))).toThrow(new MalformedInputError('HELLO protocol name length 0 is outside [1, 64]'));
    expect(() => decodeHello(hand({ protocol: enc('x'.repeat(65)) }))).toThrow(new MalformedInputError('HELLO protocol name length 65 is outside [1, 64]'));
    expect(() => decodeHello(hand({ software: enc('x'.repeat(65)) }))).toThrow(new MalformedInputError('HELLO software length 65 is outside [0, 64]'));
    expect(() => decodeHello(hand({ params: [[[], []]] }))).toThrow(new MalformedInputError('HELLO parameter 0 key length 0 is outside [1, 64]'));
    expect(decodeHello(hand({ protocol: enc('x'.repeat(64)) })).protocol).toBe('x'.repeat(64));
    expect(() => decodeHello(hand({ software: [0xc3] }))).toThrow(new MalformedInputError('HELLO software is not valid UTF-8'));
    expect(decodeHello(hand({ software: [0xc3, 0xa9] })).software).toBe('é');
  });
  it('parameter count, key pattern, order and value length', () => {
    expect(() => decodeHello(hand({ count: 65 }))).toThrow(new MalformedInputError('HELLO announces 65 parameters, more than 64'));
    expect(() => decodeHello(hand({ count: 64 }))).toThrow(new MalformedInputError('HELLO truncated in parameter 0 key length (18 bytes)'));
    expect(() => decodeHello(hand({ params: [[enc('K'), []]] }))).toThrow(new MalformedInputError('HELLO parameter key "K" is not of the form [a-z0-9][a-z0-9.-]*'));
    expect(() => decodeHello(hand({ params: [[enc('b'), []], [enc('a'), []]] }))).toThrow(new MalformedInputError('HELLO parameter keys are not strictly ascending ("b", "a")'));
    expect(() => decodeHello(hand({ params: [[enc('a'), []], [enc('a'), []]] }))).toThrow(new MalformedInputError('HELLO parameter keys are not strictly ascending ("a", "a")'));
    expect([...decodeHello(hand({ params: [[enc('a'), []], [enc('b'), []]] })).params.keys()]).toEqual(['a', 'b']);
    const over = hand({ params: [[enc('k'), []]] });
    over[over.length - 2] = 0x10;
    over[over.length - 1] = 0x01;
    expect(() => decodeHello(over)).toThrow(new MalformedInputError('HELLO parameter "k" has 4097 bytes, more than 4096'));
    const at = Uint8Array.from([...over.subarray(0, over.length - 1), 0x00, ...new Uint8Array(4096)]);
    expect(decodeHello(at).params.get('k')).toEqual(new Uint8Array(4096));
  });
  it('a decoded value is a copy, not a view of the input', () => {
    const h = hand({ params: [[enc('k'), [1, 2, 3]]] });
    const v = decodeHello(h).params.get('k')!;
    h[h.length - 1] = 99;
    expect(v).toEqual(Uint8Array.of(1, 2, 3));
    expect(v.buffer.byteLength).toBe(3);
  });
});

describe('checkHello messages', () => {
  const ours = helloFromOptions({ role: 'server', params: { h: 'abc', e: new Uint8Array(0), t: new Uint8Array(16).fill(0xab), l: 'x'.repeat(257), u: 'x'.repeat(256) } });
  const peer = (params: Record<string, Uint8Array | string>, extra: Partial<Hello> = {}): Hello => ({ ...helloFromOptions({ role: 'client', params }), ...extra });
  it('the default HELLO', () => {
    expect(helloFromOptions({ role: 'client' })).toEqual({ role: 'client', protocol: 'delphi-ts', version: { major: 1, minor: 0 }, software: `delphi-ts ${VERSION}`, params: new Map() });
  });
  it('major mismatch names the software, or "unknown software"', () => {
    expect(() => checkHello(ours, peer({}, { version: { major: 3, minor: 1 }, software: '' }))).toThrow(
      new ProtocolError('protocol version mismatch: peer (unknown software) speaks delphi-ts 3.1, this end 1.0; major versions must be equal'),
    );
    expect(() => checkHello(ours, peer({}, { version: { major: 0, minor: 0 }, software: 'other 2' }))).toThrow(
      new ProtocolError('protocol version mismatch: peer (other 2) speaks delphi-ts 0.0, this end 1.0; major versions must be equal'),
    );
  });
  it('agrees on the peer\'s smaller minor', () => {
    expect(checkHello({ ...ours, version: { major: 1, minor: 5 } }, peer({}, { version: { major: 1, minor: 2 } }))).toEqual({ major: 1, minor: 2 });
    expect(checkHello(ours, peer({}))).toEqual({ major: 1, minor: 0 });
  });
  it('mustMatch: missing on this end, and values rendered as text, hex or (empty)', () => {
    expect(() => checkHello(ours, peer({}), ['zz'])).toThrow(new InvalidArgumentError('mustMatch names "zz", which this end does not announce'));
    expect(() => checkHello(ours, peer({ e: Uint8Array.of(0x00) }), ['e'])).toThrow(new ProtocolError('session parameter "e" differs: this end has (empty), the peer 00'));
    expect(() => checkHello(ours, peer({ h: 'ab' }), ['h'])).toThrow(new ProtocolError('session parameter "h" differs: this end has "abc", the peer "ab"'));
    expect(() => checkHello(ours, peer({ h: 'abd' }), ['h'])).toThrow(new ProtocolError('session parameter "h" differs: this end has "abc", the peer "abd"'));
    expect(() => checkHello(ours, peer({ h: '~ \x7f' }), ['h'])).toThrow(new ProtocolError('session parameter "h" differs: this end has "abc", the peer 7e207f'));
    expect(() => checkHello(ours, peer({ h: 'a\x1f' }), ['h'])).toThrow(new ProtocolError('session parameter "h" differs: this end has "abc", the peer 611f'));
    expect(() => checkHello(ours, peer({ h: 'a b' }), ['h'])).toThrow(new ProtocolError('session parameter "h" differs: this end has "abc", the peer "a b"'));
    expect(() => checkHello(ours, peer({ t: new Uint8Array(16).fill(0xac) }), ['t'])).toThrow(
      new ProtocolError(`session parameter "t" differs: this end has ${'ab'.repeat(16)}, the peer ${'ac'.repeat(16)}`),
    );
    expect(() => checkHello(ours, peer({ l: 'x'.repeat(256) }), ['l'])).toThrow(
      new ProtocolError(`session parameter "l" differs: this end has ${'78'.repeat(16)}… (257 bytes), the peer "${'x'.repeat(256)}"`),
    );
    expect(() => checkHello(ours, peer({ u: 'x'.repeat(255) + 'y' }), ['u'])).toThrow(
      new ProtocolError(`session parameter "u" differs: this end has "${'x'.repeat(256)}", the peer "${'x'.repeat(255)}y"`),
    );
    expect(checkHello(ours, peer({ h: 'abc', e: new Uint8Array(0) }), ['h', 'e'])).toEqual({ major: 1, minor: 0 });
  });
});

/** A channel wrapper that records the staged limits set on it. */
function limited(inner: Channel, start: number): { channel: Channel; limits: number[] } {
  const limits: number[] = [];
  let current = start;
  const channel: Channel = {
    send: (m) => inner.send(m),
    recv: () => inner.recv(),
    close: (r) => inner.close(r),
    get stats() {
      return inner.stats;
    },
    setMaxMessageBytes(bytes: number): number {
      limits.push(bytes);
      const previous = current;
      current = bytes;
      return previous;
    },
  };
  return { channel, limits };
}

describe('performHandshake', () => {
  it('accepts only a HELLO-sized frame until the HELLO checks out, then restores the limit', async () => {
    const [a, b] = memoryChannelPair();
    const la = limited(a, 1 << 20);
    await Promise.all([performHandshake(la.channel, { role: 'client' }), performHandshake(b, { role: 'server' })]);
    expect(la.limits).toEqual([MAX_HELLO_BYTES, 1 << 20]);
  });
  it('keeps the HELLO limit when the handshake fails', async () => {
    const [a, b] = memoryChannelPair();
    const la = limited(a, 1 << 20);
    const r = await Promise.allSettled([performHandshake(la.channel, { role: 'client' }), performHandshake(b, { role: 'client' })]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(la.limits).toEqual([MAX_HELLO_BYTES]);
  });
  it('refuses a negative or non-finite timeout before sending anything', async () => {
    for (const t of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const [a, b] = memoryChannelPair();
      await expect(performHandshake(a, { role: 'client', timeoutMs: t })).rejects.toThrow(new InvalidArgumentError(`timeoutMs must be ≥ 0, got ${t}`));
      expect(a.stats.messagesSent).toBe(0);
      b.close();
    }
  });
  it('mustMatch of an unannounced key is refused before sending', async () => {
    const [a] = memoryChannelPair();
    await expect(performHandshake(a, { role: 'client', params: { x: '1' }, mustMatch: ['x', 'y'] })).rejects.toThrow(
      new InvalidArgumentError('mustMatch names "y", which this end does not announce'),
    );
    expect(a.stats.messagesSent).toBe(0);
  });
  it('timeoutMs 0 waits without a timer; a late HELLO still completes', async () => {
    const [a, b] = memoryChannelPair();
    const pa = performHandshake(a, { role: 'client', timeoutMs: 0 });
    await new Promise((r) => setTimeout(r, 30));
    const [ra] = await Promise.all([pa, performHandshake(b, { role: 'server', timeoutMs: 0 })]);
    expect(ra.peer.role).toBe('server');
  });
  it('a HELLO arriving before the timeout clears the timer and resolves', async () => {
    const [a, b] = memoryChannelPair();
    const [ra] = await Promise.all([performHandshake(a, { role: 'client', timeoutMs: 60_000 }), performHandshake(b, { role: 'server', timeoutMs: 60_000 })]);
    expect(ra.version).toEqual({ major: 1, minor: 0 });
  });
  it('a closed channel rejects with the TransportError, without closing again with "handshake failed"', async () => {
    const [a, b] = memoryChannelPair();
    const reasons: (string | undefined)[] = [];
    const spy: Channel = { send: (m) => a.send(m), recv: () => a.recv(), close: (r) => { reasons.push(r); a.close(r); }, stats: a.stats };
    b.close('gone');
    await expect(performHandshake(spy, { role: 'client', timeoutMs: 60_000 })).rejects.toThrow(TransportError);
    expect(reasons).toEqual([]);
  });
  it('a timeout closes the channel once with its reason; a garbled HELLO closes it with "handshake failed: …"', async () => {
    const [a] = memoryChannelPair();
    const reasons: (string | undefined)[] = [];
    const spy: Channel = { send: (m) => a.send(m), recv: () => a.recv(), close: (r) => { reasons.push(r); a.close(r); }, stats: a.stats };
    await expect(performHandshake(spy, { role: 'client', timeoutMs: 20 })).rejects.toThrow(new TransportError('handshake timed out: no HELLO from the peer within 20 ms'));
    expect(reasons).toEqual(['handshake timed out: no HELLO from the peer within 20 ms']);
    const [c, d] = memoryChannelPair();
    const reasons2: (string | undefined)[] = [];
    const spy2: Channel = { send: (m) => c.send(m), recv: () => c.recv(), close: (r) => { reasons2.push(r); c.close(r); }, stats: c.stats };
    d.send(hand({ role: 7 }));
    await expect(performHandshake(spy2, { role: 'client' })).rejects.toThrow(MalformedInputError);
    expect(reasons2).toEqual(['handshake failed: HELLO role byte 7 is neither 1 (client) nor 2 (server)']);
  });
  it('a connection closed by the peer while waiting rejects at once with the transport error, not the timeout', async () => {
    const [a, b] = memoryChannelPair();
    const pending = performHandshake(a, { role: 'client', timeoutMs: 2000 });
    setTimeout(() => b.close('peer went away'), 10);
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).not.toMatch(/timed out/);
  });
});
