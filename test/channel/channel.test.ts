import { describe, expect, it } from 'vitest';
import { diffStats, memoryChannelPair, snapshotStats } from '../../src/channel/index.js';
import { TransportError } from '../../src/errors.js';

describe('memoryChannelPair', () => {
  it('delivers messages in order in both directions, queued or awaited', async () => {
    const [a, b] = memoryChannelPair();
    a.send(new Uint8Array([1]));
    a.send(new Uint8Array([2, 3]));
    expect(await b.recv()).toEqual(new Uint8Array([1]));
    const pending = a.recv();
    b.send(new Uint8Array([9]));
    expect(await pending).toEqual(new Uint8Array([9]));
    expect(await b.recv()).toEqual(new Uint8Array([2, 3]));
  });

  it('copies sent buffers', async () => {
    const [a, b] = memoryChannelPair();
    const buf = new Uint8Array([7, 7]);
    a.send(buf);
    buf[0] = 0;
    expect(await b.recv()).toEqual(new Uint8Array([7, 7]));
  });

  it('counts bytes and messages per direction, and diffs snapshots', async () => {
    const [a, b] = memoryChannelPair();
    const before = snapshotStats(a.stats);
    a.send(new Uint8Array(100));
    b.send(new Uint8Array(30));
    await b.recv();
    await a.recv();
    expect(a.stats).toEqual({ bytesSent: 100, bytesReceived: 30, messagesSent: 1, messagesReceived: 1 });
    expect(b.stats).toEqual({ bytesSent: 30, bytesReceived: 100, messagesSent: 1, messagesReceived: 1 });
    expect(diffStats(a.stats, before).bytesSent).toBe(100);
  });

  it('keeps order over many messages (inbox compaction)', async () => {
    const [a, b] = memoryChannelPair();
    for (let i = 0; i < 5000; i++) a.send(new Uint8Array([i & 255, i >> 8]));
    for (let i = 0; i < 5000; i++) {
      const m = await b.recv();
      expect(m[0] | (m[1] << 8)).toBe(i);
    }
  });

  it('close rejects pending and later receives on both ends with TransportError', async () => {
    const [a, b] = memoryChannelPair();
    const pending = b.recv();
    a.close('test over');
    await expect(pending).rejects.toThrow(TransportError);
    await expect(a.recv()).rejects.toThrow(/test over/);
    expect(() => b.send(new Uint8Array(1))).toThrow(TransportError);
  });

  it('delivers messages already queued before close', async () => {
    const [a, b] = memoryChannelPair();
    a.send(new Uint8Array([5]));
    a.close();
    expect(await b.recv()).toEqual(new Uint8Array([5]));
    await expect(b.recv()).rejects.toThrow(TransportError);
  });

  it('flush resolves at once (nothing is buffered between the ends)', async () => {
    const [a, b] = memoryChannelPair();
    a.send(new Uint8Array(10));
    await a.flush?.();
    expect(await b.recv()).toHaveLength(10);
  });

  it('refuses oversized messages', () => {
    const [a] = memoryChannelPair({ maxMessageBytes: 10 });
    expect(() => a.send(new Uint8Array(11))).toThrow(/exceeds the limit/);
  });
});
