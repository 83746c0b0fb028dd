/**
 * Two-party message channel: the abstraction every interactive sub-protocol (OT, garbled circuits,
 * the Delphi phases) runs over. Messages are whole byte strings delivered in order; each end counts
 * the bytes it sends and receives so that communication can be reported per phase.
 *
 * This file holds the interface and the in-memory pair (tests, browser demo). Network transports
 * live in src/net and implement the same interface.
 *
 * Spec: §2.3
 * @module
 */
import { TransportError } from '../errors.js';
import { MessageInbox } from './inbox.js';

/** Byte and message counters of one channel end. */
export interface ChannelStats {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
}

/** One end of an ordered, reliable two-party message channel. Spec: §2.3 */
export interface Channel {
  /** Queues `message` for the peer. The bytes are copied; the caller may reuse its buffer. */
  send(message: Uint8Array): void;
  /** Resolves with the next message from the peer; rejects with {@link TransportError} once closed. */
  recv(): Promise<Uint8Array>;
  /** Closes both directions; pending and later `recv` calls on either end reject. */
  close(reason?: string): void;
  /** Live counters (read them before and after a phase to account for it). */
  readonly stats: Readonly<ChannelStats>;
  /**
   * Optional backpressure: resolves once the messages sent so far have left this end's buffers
   * (a network transport waits for its socket to drain). Callers that send large batches await it
   * with `await channel.flush?.()`. Spec: §2.6
   */
  flush?(): Promise<void>;
  /**
   * Optional staged limit: sets the largest message this end accepts from now on and returns the
   * previous limit, so the layer above can accept only a HELLO before the handshake and raise the
   * limit to what each protocol phase needs (`channel.setMaxMessageBytes?.(n)`). Spec: §2.6
   */
  setMaxMessageBytes?(bytes: number): number;
}

/** Returns a copy of `stats`, for computing what a phase cost. */
export function snapshotStats(stats: Readonly<ChannelStats>): ChannelStats {
  return { ...stats };
}

/** Counters accrued between two snapshots. */
export function diffStats(after: Readonly<ChannelStats>, before: Readonly<ChannelStats>): ChannelStats {
  return {
    bytesSent: after.bytesSent - before.bytesSent,
    bytesReceived: after.bytesReceived - before.bytesReceived,
    messagesSent: after.messagesSent - before.messagesSent,
    messagesReceived: after.messagesReceived - before.messagesReceived,
  };
}

/** Options of {@link memoryChannelPair}. */
export interface MemoryChannelOptions {
  /** Largest message accepted by `send`, in bytes (default 1 GiB). */
  maxMessageBytes?: number;
}

class MemoryChannel implements Channel {
  readonly stats: ChannelStats = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 };
  peer!: MemoryChannel;
  readonly #inbox = new MessageInbox(this.stats);
  #closedReason: string | null = null;

  constructor(private readonly maxMessageBytes: number) {}

  send(message: Uint8Array): void {
    if (this.#closedReason !== null) throw new TransportError(`send on a closed channel (${this.#closedReason})`);
    if (!(message instanceof Uint8Array)) throw new TransportError('send expects a Uint8Array');
    if (message.length > this.maxMessageBytes) {
      throw new TransportError(`message of ${message.length} bytes exceeds the limit of ${this.maxMessageBytes}`);
    }
    this.stats.bytesSent += message.length;
    this.stats.messagesSent++;
    this.peer.#deliver(Uint8Array.from(message));
  }

  #deliver(message: Uint8Array): void {
    this.#inbox.deliver(message);
  }

  recv(): Promise<Uint8Array> {
    const m = this.#inbox.take();
    if (m) return Promise.resolve(m);
    if (this.#closedReason !== null) {
      return Promise.reject(new TransportError(`channel closed (${this.#closedReason})`));
    }
    return this.#inbox.wait(0, () => {});
  }

  /** Nothing is buffered in memory transport beyond the peer's inbox: resolves at once. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(reason = 'closed by peer'): void {
    this.#shut(reason);
    this.peer.#shut(reason);
  }

  #shut(reason: string): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    this.#inbox.rejectAll(() => new TransportError(`channel closed (${reason})`));
  }
}


/** Two connected in-memory channel ends. Spec: §2.3 */
export function memoryChannelPair(options: MemoryChannelOptions = {}): [Channel, Channel] {
  const max = options.maxMessageBytes ?? 2 ** 30;
  const a = new MemoryChannel(max);
  const b = new MemoryChannel(max);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
