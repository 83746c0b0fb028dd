/**
 * The receive side every channel shares (§2.3): messages that arrived before anyone asked for them,
 * in order, and the receives waiting for messages, with the per-receive timeout of §2.6 and the
 * received-message counts. The in-memory, TCP and WebSocket channels each own one.
 *
 * Spec: §2.3, §2.6
 * @module
 */
import type { ChannelStats } from './channel.js';

interface Waiter {
  resolve(message: Uint8Array): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

const EMPTY = new Uint8Array(0);

/** Queued messages and waiting receives of one channel end. */
export class MessageInbox {
  readonly #queue: Uint8Array[] = [];
  #head = 0;
  readonly #waiting: Waiter[] = [];

  /** Counts each message into `stats` as it is handed to a receiver. */
  constructor(private readonly stats: ChannelStats) {}

  /** The oldest queued message, counted as received, or undefined when none is queued. */
  take(): Uint8Array | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const m = this.#queue[this.#head];
    this.#queue[this.#head++] = EMPTY;
    // Drop the consumed prefix now and then, so that a long-lived channel does not keep it.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    this.#count(m);
    return m;
  }

  /**
   * A receive that waits for the next message; after `timeoutMs` (0: never) `onTimeout` runs, which
   * is expected to fail every waiting receive through {@link rejectAll}.
   */
  wait(timeoutMs: number, onTimeout: (ms: number) => void): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (timeoutMs > 0) waiter.timer = setTimeout(() => onTimeout(timeoutMs), timeoutMs);
      this.#waiting.push(waiter);
    });
  }

  /** Hands `message` to the oldest waiting receive, or queues it; true when it was queued. */
  deliver(message: Uint8Array): boolean {
    const waiter = this.#waiting.shift();
    if (!waiter) {
      this.#queue.push(message);
      return true;
    }
    if (waiter.timer) clearTimeout(waiter.timer);
    this.#count(message);
    waiter.resolve(message);
    return false;
  }

  /** Fails every waiting receive with an error from `error` (the channel closed). */
  rejectAll(error: () => Error): void {
    for (const w of this.#waiting.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(error());
    }
  }

  #count(message: Uint8Array): void {
    this.stats.bytesReceived += message.length;
    this.stats.messagesReceived++;
  }
}
