/** Shared helpers for the OT tests: seeded randomness, transcript recording, tampering channels. */
import type { Channel, ChannelStats } from '../../src/channel/channel.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';

export function rngFor(label: string): Rng {
  return fromTextSeed(`test/ot/${label}`);
}

/** `n` choice bits (one per byte) drawn from a seeded stream. */
export function randomChoices(label: string, n: number): Uint8Array {
  const bytes = rngFor(`choices/${label}`).bytes(n);
  return bytes.map((b) => b & 1);
}

/** `n` random 128-bit blocks from a seeded stream. */
export function randomBlocks(label: string, n: number): Uint32Array {
  return new Uint32Array(rngFor(`blocks/${label}`).bytes(16 * n).buffer);
}

/** A channel end that records every message it sends and receives (copies). */
export class RecordingChannel implements Channel {
  readonly sent: Uint8Array[] = [];
  readonly received: Uint8Array[] = [];
  constructor(private readonly inner: Channel) {}
  send(message: Uint8Array): void {
    this.sent.push(Uint8Array.from(message));
    this.inner.send(message);
  }
  async recv(): Promise<Uint8Array> {
    const m = await this.inner.recv();
    this.received.push(Uint8Array.from(m));
    return m;
  }
  close(reason?: string): void {
    this.inner.close(reason);
  }
  get stats(): Readonly<ChannelStats> {
    return this.inner.stats;
  }
}

/** Two recorded ends of a fresh in-memory pair. */
export function recordedPair(): [RecordingChannel, RecordingChannel] {
  const [a, b] = memoryChannelPair();
  return [new RecordingChannel(a), new RecordingChannel(b)];
}

/**
 * A channel end whose `index`-th sent message (0-based) is replaced by `tamper(message)` before it
 * reaches the peer. Used to feed a party malformed input from an otherwise honest peer.
 */
export class TamperingChannel implements Channel {
  #count = 0;
  constructor(
    private readonly inner: Channel,
    private readonly index: number,
    private readonly tamper: (m: Uint8Array) => Uint8Array,
  ) {}
  send(message: Uint8Array): void {
    const m = this.#count++ === this.index ? this.tamper(Uint8Array.from(message)) : message;
    this.inner.send(m);
  }
  recv(): Promise<Uint8Array> {
    return this.inner.recv();
  }
  close(reason?: string): void {
    this.inner.close(reason);
  }
  get stats(): Readonly<ChannelStats> {
    return this.inner.stats;
  }
}

/** Hex of a byte string. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Runs both parties; as soon as one fails, closes the channel so the other stops waiting (it then
 * fails with a TransportError). Returns both settled results.
 */
export async function runBoth<A, B>(
  channel: Channel,
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]> {
  const guard = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      channel.close('test: peer failed');
      throw e;
    });
  return Promise.allSettled([guard(first()), guard(second())]) as Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]>;
}

/** The rejection reason of a settled result (fails the test if it was fulfilled). */
export function reasonOf(result: PromiseSettledResult<unknown>): unknown {
  if (result.status === 'fulfilled') throw new Error('expected a rejection, the call succeeded');
  return result.reason;
}
