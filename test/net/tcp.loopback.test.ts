/**
 * TcpChannel over real loopback sockets (Spec: §2.6), with a raw socket on the other side playing a
 * well-behaved, broken or hostile peer byte by byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { hexToBytes } from '@noble/hashes/utils.js';
import { connectTcp, parseHostPort, TcpChannel, type TcpChannelOptions } from '../../src/net/node.js';
import { encodeCloseFrame, encodeDataFrame, encodePingFrame } from '../../src/channel/index.js';
import { InvalidArgumentError, TransportError } from '../../src/errors.js';
import { fromTextSeed } from '../../src/random/index.js';
import { closedPort, collectFrames, rawServer, waitFor } from './loopback-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A raw server whose first accepted socket is handed to the test, and a TcpChannel client to it. */
async function clientAgainstRaw(options: TcpChannelOptions = {}, allowHalfOpen = false): Promise<{ channel: TcpChannel; peer: Socket }> {
  let accept!: (s: Socket) => void;
  const accepted = new Promise<Socket>((r) => (accept = r));
  const raw = await rawServer(accept, { allowHalfOpen });
  cleanups.push(() => raw.close());
  const channel = await connectTcp(`127.0.0.1:${raw.port}`, options);
  cleanups.push(() => channel.close('test over'));
  return { channel, peer: await accepted };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Two TcpChannels connected to each other over loopback. */
async function channelPair(options: TcpChannelOptions = {}): Promise<[TcpChannel, TcpChannel]> {
  let accept!: (s: Socket) => void;
  const accepted = new Promise<Socket>((r) => (accept = r));
  const raw = await rawServer(accept);
  cleanups.push(() => raw.close());
  const client = await connectTcp({ host: '127.0.0.1', port: raw.port }, options);
  const server = new TcpChannel(await accepted, options);
  cleanups.push(() => {
    client.close('test over');
    server.close('test over');
  });
  return [client, server];
}

describe('TcpChannel: messages', () => {
  it('delivers messages in order both ways, including empty and multi-megabyte ones', async () => {
    const [a, b] = await channelPair();
    const big = fromTextSeed('tcp big message').bytes(5 * 2 ** 20 + 3);
    a.send(Uint8Array.of(1));
    a.send(new Uint8Array(0));
    a.send(big);
    b.send(Uint8Array.of(7, 7));
    expect(await b.recv()).toEqual(Uint8Array.of(1));
    expect(await b.recv()).toEqual(new Uint8Array(0));
    expect(sameBytes(await b.recv(), big)).toBe(true); // (toEqual is very slow on megabytes)
    expect(await a.recv()).toEqual(Uint8Array.of(7, 7));
    expect(a.stats).toEqual({ bytesSent: big.length + 1, bytesReceived: 2, messagesSent: 3, messagesReceived: 1 });
    expect(b.stats).toEqual({ bytesSent: 2, bytesReceived: big.length + 1, messagesSent: 1, messagesReceived: 3 });
    // Wire bytes: payload plus a 4-byte header per frame (no pings under the default heartbeat).
    expect(a.wire.bytesSent).toBe(big.length + 1 + 3 * 4);
    await waitFor(() => a.wire.bytesReceived === 2 + 4);
  });

  it('copies the sent buffer', async () => {
    const [a, b] = await channelPair();
    const buf = Uint8Array.of(5, 6);
    a.send(buf);
    buf.fill(0);
    expect(await b.recv()).toEqual(Uint8Array.of(5, 6));
  });

  it('writes exactly the frames of §2.4 on the wire', async () => {
    const { channel, peer } = await clientAgainstRaw();
    const got = collectFrames(peer);
    channel.send(Uint8Array.of(1, 2, 3));
    channel.close('bye');
    const frames = await got.closed;
    expect(frames).toEqual([
      { kind: 'data', payload: Uint8Array.of(1, 2, 3) },
      { kind: 'close', reason: 'bye' },
    ]);
  });

  it('keeps order across thousands of small messages', async () => {
    const [a, b] = await channelPair();
    for (let i = 0; i < 3000; i++) a.send(Uint8Array.of(i & 255, i >> 8));
    for (let i = 0; i < 3000; i++) {
      const m = await b.recv();
      expect(m[0] | (m[1] << 8)).toBe(i);
    }
  });

  it('answers a ping with a pong carrying the same bytes', async () => {
    const { peer } = await clientAgainstRaw();
    const got = collectFrames(peer);
    peer.write(encodePingFrame('ping', Uint8Array.of(0xde, 0xad)));
    await waitFor(() => got.frames.length > 0);
    expect(got.frames[0]).toEqual({ kind: 'pong', payload: Uint8Array.of(0xde, 0xad) });
  });

  it('send refuses oversized messages and closed channels', async () => {
    const [a] = await channelPair({ maxMessageBytes: 10 });
    expect(() => a.send(new Uint8Array(11))).toThrow(/exceeds the limit of 10/);
    a.close('done');
    expect(() => a.send(new Uint8Array(1))).toThrow(TransportError);
    await expect(a.recv()).rejects.toThrow(/channel closed \(done\)/);
  });
});

describe('TcpChannel: failures give TransportError with the reason', () => {
  it('close frame from the peer, after delivering what came before it', async () => {
    const { channel, peer } = await clientAgainstRaw();
    const pending = channel.recv();
    peer.write(encodeDataFrame(Uint8Array.of(9)));
    peer.write(encodeDataFrame(Uint8Array.of(10)));
    peer.end(encodeCloseFrame('bye now'));
    expect(await pending).toEqual(Uint8Array.of(9));
    await channel.whenClosed;
    expect(await channel.recv()).toEqual(Uint8Array.of(10));
    await expect(channel.recv()).rejects.toThrow(/peer closed the connection: bye now/);
    expect(channel.closed).toBe(true);
  });

  it('a peer that sends CLOSE but keeps its side open is dropped after the linger time', async () => {
    // allowHalfOpen: the raw peer does not end its side when the channel ends its own.
    const { channel, peer } = await clientAgainstRaw({ closeLingerMs: 100 }, true);
    let peerClosed = false;
    let peerEnded = false;
    peer.on('close', () => (peerClosed = true));
    peer.on('end', () => (peerEnded = true));
    peer.write(encodeCloseFrame('bye'));
    await channel.whenClosed;
    expect(channel.closed).toBe(true);
    await expect(channel.recv()).rejects.toThrow(/peer closed the connection: bye/);
    await new Promise((r) => setTimeout(r, 300)); // past the linger time
    // The channel's socket is gone: the peer's next writes are refused (reset) and its socket closes.
    // Had the channel only half-closed, it would still be reading (and ignoring) them.
    for (let i = 0; i < 5 && !peerClosed; i++) {
      peer.write(encodeDataFrame(Uint8Array.of(i)));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor(() => peerClosed, 3000);
    expect(peerClosed).toBe(true);
    expect(peerEnded).toBe(true); // the channel ended its side politely (FIN) before dropping the socket
  });

  it('end of stream without a close frame', async () => {
    const { channel, peer } = await clientAgainstRaw();
    const pending = channel.recv();
    peer.end();
    await expect(pending).rejects.toThrow(/closed by the peer without a close frame/);
  });

  it('drop in the middle of a frame says how much arrived', async () => {
    const { channel, peer } = await clientAgainstRaw();
    const pending = channel.recv();
    peer.end(hexToBytes('0000000a010203')); // header announces 10 bytes, 3 follow
    await expect(pending).rejects.toThrow(/dropped in the middle of a frame \(7 of 14 bytes received\)/);
  });

  it('connection reset', async () => {
    const { channel, peer } = await clientAgainstRaw();
    const pending = channel.recv();
    peer.resetAndDestroy();
    await expect(pending).rejects.toThrow(/connection reset by the peer/);
    await expect(pending).rejects.toThrow(TransportError);
  });

  it('an oversized frame is refused before its payload, and the peer is told why', async () => {
    const { channel, peer } = await clientAgainstRaw({ maxMessageBytes: 1000 });
    const got = collectFrames(peer);
    const pending = channel.recv();
    peer.write(hexToBytes('7fffffff'));
    await expect(pending).rejects.toThrow(/2147483647 bytes, above the limit of 1000 bytes/);
    const frames = await got.closed;
    expect(frames.at(-1)).toMatchObject({ kind: 'close', reason: expect.stringMatching(/above the limit/) });
  });

  it('an unknown control frame is malformed data', async () => {
    const { channel, peer } = await clientAgainstRaw();
    const pending = channel.recv();
    peer.write(hexToBytes('8000000109'));
    await expect(pending).rejects.toThrow(/malformed data from the peer: unknown control frame type 9/);
  });

  it('random garbage never escapes as anything but TransportError', async () => {
    const rng = fromTextSeed('tcp garbage');
    for (let i = 0; i < 10; i++) {
      const { channel, peer } = await clientAgainstRaw({ maxMessageBytes: 1 << 20 });
      const drained = (async () => {
        for (;;) await channel.recv();
      })();
      peer.end(rng.bytes(1 + (rng.uint32() % 300)));
      await expect(drained).rejects.toThrow(TransportError);
    }
  });

  it('a receive timeout closes the channel and tells the peer', async () => {
    const { channel, peer } = await clientAgainstRaw({ recvTimeoutMs: 50 });
    const got = collectFrames(peer);
    await expect(channel.recv()).rejects.toThrow(/receive timed out: no message from the peer within 50 ms/);
    await got.closed;
    expect(got.frames.at(-1)).toMatchObject({ kind: 'close', reason: expect.stringMatching(/receive timed out/) });
  });

  it('a silent peer (half-open connection) is detected by the idle timeout', async () => {
    const { channel } = await clientAgainstRaw({ idleTimeoutMs: 150, heartbeatIntervalMs: 0 });
    await expect(channel.recv()).rejects.toThrow(/no data from the peer for 150 ms/);
  });

  it('heartbeats keep two idle but live ends connected past the idle timeout', async () => {
    const [a, b] = await channelPair({ idleTimeoutMs: 500, heartbeatIntervalMs: 40 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(a.closed || b.closed).toBe(false);
    expect(a.wire.bytesReceived).toBeGreaterThan(0); // pings and pongs arrived
    expect(a.stats.messagesReceived).toBe(0); // but no messages were counted
    a.send(Uint8Array.of(1));
    expect(await b.recv()).toEqual(Uint8Array.of(1));
  });

  it('a long synchronous computation is not mistaken for an idle peer', async () => {
    const [a, b] = await channelPair({ idleTimeoutMs: 100, heartbeatIntervalMs: 20 });
    const pending = a.recv();
    // Block the event loop past the idle timeout from the check phase (as protocol code resumed
    // by I/O would), then leave a message in the kernel: the next loop turn runs timers before it
    // reads sockets, so a naive idle check would see 250 ms of silence.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        const end = Date.now() + 250;
        while (Date.now() < end);
        b.send(Uint8Array.of(3));
        resolve();
      }),
    );
    expect(await pending).toEqual(Uint8Array.of(3));
    expect(a.closed).toBe(false);
  });
});

describe('TcpChannel: flush (backpressure)', () => {
  it('waits until a reader takes the data', async () => {
    const { channel, peer } = await clientAgainstRaw();
    peer.pause();
    channel.send(new Uint8Array(32 * 2 ** 20));
    let flushed = false;
    const flush = channel.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(flushed).toBe(false); // 32 MiB do not fit the socket buffers of a paused reader
    let read = 0;
    peer.on('data', (c: Uint8Array) => (read += c.length));
    peer.resume();
    await flush;
    expect(read).toBeGreaterThan(0);
  });

  it('resolves at once when nothing is queued, rejects when the connection breaks', async () => {
    const { channel, peer } = await clientAgainstRaw();
    await channel.flush();
    peer.pause();
    channel.send(new Uint8Array(32 * 2 ** 20));
    const flush = channel.flush();
    peer.destroy();
    await expect(flush).rejects.toThrow(TransportError);
  });
});

describe('TcpChannel: receive-side backpressure', () => {
  it('stops reading while unread messages exceed maxQueuedBytes, without taking the pause for idleness', async () => {
    const { channel, peer } = await clientAgainstRaw({ maxQueuedBytes: 2 ** 20, idleTimeoutMs: 200, heartbeatIntervalMs: 0 });
    const count = 128;
    const size = 256 * 1024; // 32 MiB in all, far more than the socket buffers hold
    for (let i = 0; i < count; i++) {
      const m = new Uint8Array(size);
      m[0] = i;
      peer.write(encodeDataFrame(m));
    }
    // Wait until reading has stopped (no progress for 400 ms, longer than the idle timeout).
    let last = -1;
    for (let t = 0; t < 100 && channel.wire.bytesReceived !== last; t++) {
      last = channel.wire.bytesReceived;
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(channel.closed).toBe(false);
    expect(channel.queuedBytes).toBeGreaterThanOrEqual(2 ** 20);
    expect(channel.queuedBytes).toBeLessThan(2 ** 20 + 2 * size);
    expect(channel.wire.bytesReceived).toBeLessThan(2 ** 20 + 2 * size + 65536);
    for (let i = 0; i < count; i++) expect((await channel.recv())[0]).toBe(i);
    expect(channel.stats.bytesReceived).toBe(count * size);
    expect(channel.queuedBytes).toBe(0);
  });
});

describe('connectTcp and parseHostPort', () => {
  it('a refused connection', async () => {
    const port = await closedPort();
    await expect(connectTcp(`127.0.0.1:${port}`)).rejects.toThrow(/could not connect to 127\.0\.0\.1:\d+: connection refused/);
  });

  it('parses host:port forms', () => {
    expect(parseHostPort('localhost:7000')).toEqual({ host: 'localhost', port: 7000 });
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseHostPort(':9')).toEqual({ host: '127.0.0.1', port: 9 });
    expect(parseHostPort(':9', '0.0.0.0')).toEqual({ host: '0.0.0.0', port: 9 });
    for (const bad of ['localhost', 'host:99999', 'a:b', '::1:80', 'host:', '']) {
      expect(() => parseHostPort(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('validates options', async () => {
    const { peer } = await clientAgainstRaw();
    expect(() => new TcpChannel(peer, { maxMessageBytes: 2 ** 31 })).toThrow(InvalidArgumentError);
    expect(() => new TcpChannel(peer, { idleTimeoutMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => new TcpChannel(peer, { maxQueuedBytes: 0 })).toThrow(InvalidArgumentError);
  });
});
