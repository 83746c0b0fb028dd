/**
 * A {@link Channel} over a TCP socket (node:net), so that the protocol code written against
 * `Channel` runs unchanged between two machines: length-prefixed frames (§2.4), a message size
 * limit the layer above can change per phase, receive, idle, progress and write-stall deadlines,
 * heartbeats to notice half-open connections, backpressure in both directions (`flush()`, a capped
 * write buffer, control replies only while the peer reads), and a {@link TransportError} with a
 * clear reason when the connection drops or the peer sends garbage (§2.6). Node-only; the
 * browser-safe pieces are in ./framing.ts.
 *
 * Spec: §2.6
 * @module
 */
import { connect as netConnect, type Socket } from 'node:net';
import { DelphiError, InvalidArgumentError, TransportError } from '../errors.js';
import type { Channel, ChannelStats } from '../channel/channel.js';
import { MAX_HELLO_BYTES } from './handshake.js';
import { DEFAULT_MAX_MESSAGE_BYTES, encodeCloseFrame, encodeDataFrame, encodePingFrame, FrameDecoder } from '../channel/framing.js';
import { readU32BE, u32BE } from '../math/bytes.js';
import { MessageInbox } from '../channel/inbox.js';
import { checkIdle, checkLiveness, checkMs, lingerThenDrop, startTicker } from '../channel/liveness.js';

/** Limits and timeouts of a {@link TcpChannel}. Spec: §2.6 */
export interface TcpChannelOptions {
  /**
   * Largest message sent, and accepted until {@link TcpChannel.setMaxMessageBytes} says otherwise,
   * in bytes (default 256 MiB, at most 2^31 − 1).
   */
  maxMessageBytes?: number;
  /** A `recv` that waits longer than this fails and closes the channel (default 0: no limit). */
  recvTimeoutMs?: number;
  /**
   * Close when the peer showed no sign of progress for this long: no data-frame byte, close frame
   * or answer to our heartbeat (default 300 000; 0 disables). The peer's own pings do not count.
   */
  idleTimeoutMs?: number;
  /**
   * Close when bytes wait in the write buffer and none of them left for this long: the peer does
   * not read (default 60 000; 0 disables).
   */
  writeStallTimeoutMs?: number;
  /** `send` fails and the channel closes when more than this many bytes would wait to be written (default 1 GiB). */
  maxWriteBufferBytes?: number;
  /**
   * A frame in progress must arrive at this average rate once `receiveGraceMs` have passed since
   * its first byte (default 1024 bytes/s; 0 disables): a slow drip cannot hold a connection.
   */
  minReceiveBytesPerSecond?: number;
  /** Grace before {@link TcpChannelOptions.minReceiveBytesPerSecond} applies to a frame (default 10 000). */
  receiveGraceMs?: number;
  /** Send a ping after this long without progress from the peer (default 15 000; 0 disables). */
  heartbeatIntervalMs?: number;
  /** After `close`, how long to wait for the peer to finish before destroying the socket (default 2 000). */
  closeLingerMs?: number;
  /**
   * Stop reading from the socket while received-but-unread messages hold this many bytes (default:
   * `maxMessageBytes`, at least 1 MiB); TCP flow control then slows the peer down. Reading resumes
   * once the application has taken half of them.
   */
  maxQueuedBytes?: number;
}

/** Options of {@link connectTcp}. */
export interface ConnectTcpOptions extends TcpChannelOptions {
  /** Give up connecting after this long (default 10 000). */
  connectTimeoutMs?: number;
}

/** Defaults of {@link TcpChannelOptions} and {@link ConnectTcpOptions}. Spec: §2.6 */
export const TCP_DEFAULTS = Object.freeze({
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  recvTimeoutMs: 0,
  idleTimeoutMs: 300_000,
  heartbeatIntervalMs: 15_000,
  closeLingerMs: 2_000,
  connectTimeoutMs: 10_000,
  minQueuedBytes: 2 ** 20,
  writeStallTimeoutMs: 60_000,
  maxWriteBufferBytes: 2 ** 30,
  minReceiveBytesPerSecond: 1024,
  receiveGraceMs: 10_000,
  /** Pongs are sent only while fewer bytes than this wait in the write buffer. */
  controlWriteBudgetBytes: 64 * 1024,
  /**
   * Control frames (pings, pongs) accepted at once, and per second on average; a peer sending
   * more is dropped ("control-frame flood"). A heartbeat sends at most one per interval.
   */
  controlBurst: 256,
  controlFramesPerSecond: 64,
});

/** Bytes on the wire, including frame headers, pings and the close frame. */
export interface WireStats {
  bytesSent: number;
  bytesReceived: number;
}

/**
 * One end of a framed TCP connection, implementing {@link Channel}. Build it with
 * {@link connectTcp} or receive it from {@link listenTcp}; wrapping a socket yourself also works
 * (the socket must be connected). Spec: §2.6
 */
export class TcpChannel implements Channel {
  /** Message payload counters (frame headers and control frames excluded), as for every Channel. */
  readonly stats: ChannelStats = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 };
  /** Everything written to and read from the socket. */
  readonly wire: WireStats = { bytesSent: 0, bytesReceived: 0 };
  /** "address:port" of the peer, for messages and logs. */
  readonly remote: string;
  /** Resolves with the reason once the channel has closed, for whatever cause. */
  readonly whenClosed: Promise<string>;

  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #maxMessageBytes: number;
  readonly #recvTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #heartbeatMs: number;
  readonly #lingerMs: number;
  readonly #writeStallMs: number;
  readonly #maxWriteBuffer: number;
  readonly #minRate: number;
  readonly #graceMs: number;
  readonly #inbox = new MessageInbox(this.stats);
  #queuedBytes = 0;
  readonly #maxQueuedBytes: number;
  #pausedForBackpressure = false;
  readonly #flushWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  #pendingWrites = 0;
  #closedReason: string | null = null;
  #resolveClosed!: (reason: string) => void;
  #lastReceived = Date.now();
  #lastPing = 0;
  #ticker: ReturnType<typeof setInterval> | null = null;
  #idleCheckQueued = false;
  /** Sequence number carried by our last ping, while its pong is awaited. */
  #pingSeq = 0;
  #awaitingPong = -1;
  #discardedAfterClose = 0;
  /** Token bucket of the control-frame rate limit. */
  #controlTokens: number = TCP_DEFAULTS.controlBurst;
  #controlRefilledAt = Date.now();
  /** Bytes handed to the OS at the last write-progress check, and when they last grew. */
  #flushedBytes = 0;
  #lastWriteProgress = Date.now();
  /** Bytes received after a data frame while the limit was staged, parsed once the layer above is ready. */
  #held: Uint8Array | null = null;
  /** Start (time, bytes received) of the frame in progress, for the receive-progress deadline. */
  #frameStart: { at: number; received: number } | null = null;

  constructor(socket: Socket, options: TcpChannelOptions = {}) {
    const live = checkLiveness(options, TCP_DEFAULTS);
    const max = live.maxMessageBytes;
    this.#maxMessageBytes = max;
    ({ recvTimeoutMs: this.#recvTimeoutMs, idleTimeoutMs: this.#idleTimeoutMs, heartbeatMs: this.#heartbeatMs, lingerMs: this.#lingerMs } = live);
    this.#writeStallMs = checkMs(options.writeStallTimeoutMs, TCP_DEFAULTS.writeStallTimeoutMs, 'writeStallTimeoutMs');
    this.#graceMs = checkMs(options.receiveGraceMs, TCP_DEFAULTS.receiveGraceMs, 'receiveGraceMs');
    this.#maxWriteBuffer = options.maxWriteBufferBytes ?? TCP_DEFAULTS.maxWriteBufferBytes;
    if (!Number.isSafeInteger(this.#maxWriteBuffer) || this.#maxWriteBuffer < 1) {
      throw new InvalidArgumentError(`maxWriteBufferBytes must be a positive integer, got ${this.#maxWriteBuffer}`);
    }
    this.#minRate = options.minReceiveBytesPerSecond ?? TCP_DEFAULTS.minReceiveBytesPerSecond;
    if (!Number.isFinite(this.#minRate) || this.#minRate < 0) {
      throw new InvalidArgumentError(`minReceiveBytesPerSecond must be a number ≥ 0, got ${this.#minRate}`);
    }
    const queued = options.maxQueuedBytes ?? Math.max(max, TCP_DEFAULTS.minQueuedBytes);
    if (!Number.isSafeInteger(queued) || queued < 1) throw new InvalidArgumentError(`maxQueuedBytes must be a positive integer, got ${queued}`);
    this.#maxQueuedBytes = queued;
    this.#decoder = new FrameDecoder({ maxMessageBytes: max });
    this.#socket = socket;
    this.remote = formatRemote(socket);
    this.whenClosed = new Promise((resolve) => (this.#resolveClosed = resolve));

    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Uint8Array) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (e: Error) => this.#shutdown(describeSocketError(e), false, e));
    socket.on('close', () => {
      this.#shutdown('connection closed', false);
      this.#rejectFlushes();
    });
    if (socket.destroyed || socket.readyState !== 'open') {
      this.#shutdown('socket is not connected', false);
      return;
    }
    const periods = [this.#heartbeatMs, this.#idleTimeoutMs / 4, this.#writeStallMs / 4, this.#minRate > 0 ? Math.min(1000, this.#graceMs / 2 || 1000) : 0].filter((t) => t > 0);
    if (periods.length > 0) this.#ticker = startTicker(Math.max(1, Math.min(...periods)), () => this.#tick());
  }

  /** Whether the channel has closed (sends fail; queued messages can still be received). */
  get closed(): boolean {
    return this.#closedReason !== null;
  }

  /** Largest message accepted from the peer now (see {@link TcpChannel.setMaxMessageBytes}). Spec: §2.6 */
  get maxMessageBytes(): number {
    return this.#decoder.maxMessageBytes;
  }

  /**
   * Sets the largest message accepted from the peer, from the next frame on, and returns the
   * previous limit: the server accepts only HELLO-sized frames before the handshake and the layer
   * above may raise or lower the limit per protocol phase. Spec: §2.6
   */
  setMaxMessageBytes(bytes: number): number {
    const previous = this.#decoder.maxMessageBytes;
    this.#decoder.maxMessageBytes = bytes;
    this.#releaseHeld();
    return previous;
  }

  /**
   * Parses bytes held back after a data frame (see #process) on a later turn of the event loop,
   * once the layer above had the chance to change the limit.
   */
  #releaseHeld(): void {
    if (this.#held === null) return;
    setImmediate(() => {
      const held = this.#held;
      if (held === null || this.#closedReason !== null) return;
      this.#held = null;
      if (!this.#pausedForBackpressure) this.#socket.resume();
      this.#process(held);
    });
  }

  /** Bytes this end holds for the connection: unread messages, the frame in progress and unsent writes. */
  get bufferedBytes(): number {
    return this.#queuedBytes + this.#decoder.bufferedBytes + (this.#socket.destroyed ? 0 : this.#socket.writableLength);
  }

  /** Bytes of received messages not yet taken by `recv` (reading pauses above `maxQueuedBytes`). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Why the channel closed, or null while open. */
  get closeReason(): string | null {
    return this.#closedReason;
  }

  /** Frames `message` and writes it (copied). Throws {@link TransportError} when closed or too large. Spec: §2.6 */
  send(message: Uint8Array): void {
    if (this.#closedReason !== null) throw new TransportError(`send on a closed channel (${this.#closedReason})`);
    if (!(message instanceof Uint8Array)) throw new TransportError('send expects a Uint8Array');
    if (message.length > this.#maxMessageBytes) {
      throw new TransportError(`message of ${message.length} bytes exceeds the limit of ${this.#maxMessageBytes}`);
    }
    if (this.#socket.writableLength + message.length > this.#maxWriteBuffer) {
      const reason = `write buffer full: more than ${this.#maxWriteBuffer} bytes wait for the peer to read`;
      this.#shutdown(reason, false, new TransportError(reason));
      throw new TransportError(reason);
    }
    const frame = encodeDataFrame(message, this.#maxMessageBytes);
    this.stats.bytesSent += message.length;
    this.stats.messagesSent++;
    this.#write(frame);
  }

  recv(): Promise<Uint8Array> {
    const m = this.#inbox.take();
    if (m) {
      this.#queuedBytes -= m.length;
      if (this.#pausedForBackpressure && this.#queuedBytes * 2 <= this.#maxQueuedBytes) {
        this.#pausedForBackpressure = false;
        this.#lastReceived = Date.now(); // the silence while paused was ours, not the peer's
        const partial = this.#decoder.partial;
        this.#frameStart = partial ? { at: this.#lastReceived, received: partial.received } : null;
        if (this.#closedReason === null) this.#socket.resume();
      }
      return Promise.resolve(m);
    }
    if (this.#closedReason !== null) return Promise.reject(new TransportError(this.#closedReason));
    this.#releaseHeld();
    return this.#inbox.wait(this.#recvTimeoutMs, (ms) => this.#shutdown(`receive timed out: no message from the peer within ${ms} ms`, true));
  }

  /** Resolves once every frame written so far has been handed to the operating system. Spec: §2.6 */
  flush(): Promise<void> {
    if (this.#pendingWrites === 0) {
      return this.#closedReason === null ? Promise.resolve() : Promise.reject(new TransportError(this.#closedReason));
    }
    return new Promise((resolve, reject) => this.#flushWaiters.push({ resolve, reject }));
  }

  /**
   * Sends a close frame carrying `reason`, ends the connection once written, and rejects pending
   * receives. The peer's receives fail with "peer closed the connection: <reason>". Spec: §2.6
   */
  close(reason = 'closed by this end'): void {
    this.#shutdown(`channel closed (${reason})`, true, undefined, reason);
  }

  #write(frame: Uint8Array): void {
    this.#pendingWrites++;
    this.wire.bytesSent += frame.length;
    this.#socket.write(frame, (error) => {
      this.#pendingWrites--;
      if (error) {
        this.#shutdown(describeSocketError(error), false, error);
        this.#rejectFlushes();
      } else if (this.#pendingWrites === 0) {
        for (const w of this.#flushWaiters.splice(0)) w.resolve();
      }
    });
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closedReason !== null) {
      // While lingering for the peer's FIN, read and discard a little, then cut a peer that keeps sending.
      this.#discardedAfterClose += chunk.length;
      if (this.#discardedAfterClose > DISCARD_AFTER_CLOSE_BYTES) this.#socket.destroy();
      return;
    }
    this.wire.bytesReceived += chunk.length;
    this.#process(chunk);
  }

  /**
   * Decodes `chunk` and dispatches its frames. While the receive limit is lowered below the
   * configured maximum to at most MAX_HELLO_BYTES (before the handshake, between service requests), parsing stops after
   * each data frame: the rest (at most one socket read) is copied aside and the socket paused
   * until the layer above receives again or changes the limit, so a frame sent right after the
   * HELLO is checked against the limit of the next stage, not the HELLO's.
   */
  #process(chunk: Uint8Array): void {
    const now = Date.now();
    const dataBefore = this.#decoder.dataBytes;
    let frames;
    try {
      // Held only under a small staged limit (the HELLO, a service request): a phase's larger limit
      // keeps the read-ahead of maxQueuedBytes, so flow control is unchanged while data streams.
      if (this.#decoder.maxMessageBytes < this.#maxMessageBytes && this.#decoder.maxMessageBytes <= MAX_HELLO_BYTES) {
        const { frames: some, rest } = this.#decoder.pushUntilData(chunk);
        frames = some;
        if (rest.length > 0) {
          this.#held = rest.slice();
          this.#socket.pause();
        }
      } else {
        frames = this.#decoder.push(chunk);
      }
    } catch (e) {
      let message = e instanceof DelphiError ? e.message : String(e);
      if (this.wire.bytesReceived === chunk.length) message += foreignProtocolHint(chunk);
      this.#shutdown(`malformed data from the peer: ${message}`, true, e, message);
      return;
    }
    // Progress is data (even a partial frame's), or the answer to our own heartbeat; not pings.
    if (this.#decoder.dataBytes > dataBefore || frames.some((f) => f.kind === 'data')) this.#lastReceived = now;
    const partial = this.#decoder.partial;
    if (!partial) this.#frameStart = null;
    else if (!this.#frameStart || frames.length > 0) this.#frameStart = { at: now, received: 0 };
    for (const frame of frames) {
      if (this.#closedReason !== null) return;
      if ((frame.kind === 'ping' || frame.kind === 'pong') && !this.#takeControlToken(now)) return;
      if (frame.kind === 'data') this.#deliver(frame.payload);
      else if (frame.kind === 'ping') this.#onPing(frame.payload);
      else if (frame.kind === 'pong') {
        if (this.#awaitingPong >= 0 && frame.payload.length === 4 && readU32BE(frame.payload) === this.#awaitingPong) {
          this.#awaitingPong = -1;
          this.#lastReceived = now;
        }
      } else if (frame.kind === 'close') {
        this.#shutdown(`peer closed the connection: ${frame.reason || 'no reason given'}`, false);
        this.#endAndLinger(); // a peer that sends CLOSE but keeps the connection open is dropped
      }
    }
  }

  /** Spends a token of the control-frame budget; when none is left, drops the peer and returns false. */
  #takeControlToken(now: number): boolean {
    const { controlBurst, controlFramesPerSecond } = TCP_DEFAULTS;
    this.#controlTokens = Math.min(controlBurst, this.#controlTokens + ((now - this.#controlRefilledAt) / 1000) * controlFramesPerSecond);
    this.#controlRefilledAt = now;
    if (this.#controlTokens < 1) {
      this.#shutdown(`control-frame flood: more than ${controlBurst} pings or pongs at once or ${controlFramesPerSecond} per second`, true);
      return false;
    }
    this.#controlTokens -= 1;
    return true;
  }

  /**
   * Answers a ping with a pong, but only while the write buffer holds less than the control budget:
   * a peer that pings without reading gets no growing queue of pongs, and the write-stall deadline
   * then drops it.
   */
  #onPing(payload: Uint8Array): void {
    if (this.#socket.writableLength < TCP_DEFAULTS.controlWriteBudgetBytes) this.#write(encodePingFrame('pong', payload));
  }

  #onEnd(): void {
    const partial = this.#decoder.partial;
    this.#shutdown(
      partial
        ? `connection dropped in the middle of a frame (${partial.received} of ${partial.expected} bytes received)`
        : 'connection closed by the peer without a close frame',
      false,
    );
  }

  #deliver(message: Uint8Array): void {
    if (this.#inbox.deliver(message)) {
      this.#queuedBytes += message.length;
      if (!this.#pausedForBackpressure && this.#queuedBytes >= this.#maxQueuedBytes) {
        this.#pausedForBackpressure = true;
        this.#socket.pause();
      }
    }
  }

  #tick(): void {
    if (this.#closedReason !== null) return;
    const now = Date.now();
    // Probe when the peer showed no progress for a heartbeat interval (its pong then proves it alive).
    const quiet = now - Math.max(this.#lastReceived, this.#lastPing);
    if (this.#heartbeatMs > 0 && quiet >= this.#heartbeatMs && this.#socket.writable) {
      this.#lastPing = now;
      if (this.#socket.writableLength < TCP_DEFAULTS.controlWriteBudgetBytes) {
        this.#pingSeq = (this.#pingSeq + 1) >>> 0;
        if (this.#awaitingPong < 0) this.#awaitingPong = this.#pingSeq;
        this.#write(encodePingFrame('ping', u32BE(this.#awaitingPong)));
      }
    }
    this.#checkWriteProgress(now);
    // While this end does not read (backpressure), the peer's silence proves nothing.
    if (this.#pausedForBackpressure) {
      this.#lastReceived = now;
    } else if (this.#frameStart && this.#minRate > 0) {
      this.#checkReceiveRate(now);
    }
    // The second look waits for setImmediate, i.e. until the event loop has polled the socket.
    if (!this.#idleCheckQueued) {
      this.#idleCheckQueued = checkIdle(
        this.#idleTimeoutMs,
        now,
        () => this.#lastReceived,
        () => this.#closedReason === null,
        (look) =>
          setImmediate(() => {
            this.#idleCheckQueued = false;
            look();
          }),
        (reason) => this.#shutdown(reason, true),
      );
    }
  }

  /** Drops a peer that leaves bytes in our write buffer without reading any for the stall timeout. */
  #checkWriteProgress(now: number): void {
    const socket = this.#socket;
    const flushed = socket.bytesWritten - socket.writableLength;
    if (socket.writableLength === 0 || flushed !== this.#flushedBytes) {
      this.#flushedBytes = flushed;
      this.#lastWriteProgress = now;
    } else if (this.#writeStallMs > 0 && now - this.#lastWriteProgress >= this.#writeStallMs) {
      const reason = `the peer does not read: ${socket.writableLength} bytes unsent for ${this.#writeStallMs} ms`;
      this.#shutdown(reason, false, new TransportError(reason));
    }
  }

  /**
   * The receive-progress deadline (§2.6): a frame in progress must have arrived at
   * `minReceiveBytesPerSecond` on average once the grace time has passed. Checked after pending
   * socket reads, as for the idle timeout.
   */
  #checkReceiveRate(now: number): void {
    const start = this.#frameStart!;
    const elapsed = now - start.at;
    if (elapsed <= this.#graceMs) return;
    const partial = this.#decoder.partial;
    if (!partial || partial.received - start.received >= (this.#minRate * (elapsed - this.#graceMs)) / 1000) return;
    setImmediate(() => {
      const p = this.#decoder.partial;
      if (this.#closedReason !== null || this.#frameStart !== start || !p || this.#pausedForBackpressure) return;
      const t = Date.now() - start.at;
      if (p.received - start.received < (this.#minRate * (t - this.#graceMs)) / 1000) {
        this.#shutdown(
          `receive too slow: ${p.received} of ${p.expected} bytes of a frame in ${t} ms (at least ${this.#minRate} bytes/s required after ${this.#graceMs} ms)`,
          true,
        );
      }
    });
  }

  /**
   * Marks the channel closed with `reason` (once), rejects pending receives and flushes, and
   * takes the socket down: politely (close frame, FIN, destroy after the linger time) when
   * `notifyPeer`, at once otherwise.
   */
  #shutdown(reason: string, notifyPeer: boolean, cause?: unknown, peerReason = reason): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#inbox.rejectAll(() => new TransportError(reason, cause === undefined ? undefined : { cause }));
    const socket = this.#socket;
    if (notifyPeer && socket.writable) {
      this.#write(encodeCloseFrame(peerReason));
      this.#endAndLinger();
    } else if (!socket.destroyed && (notifyPeer || cause !== undefined)) {
      socket.destroy();
    }
    // Writes still queued either complete (resolving flush) or fail; a destroyed socket fails them.
    if (this.#pendingWrites === 0 || socket.destroyed) this.#rejectFlushes();
    this.#resolveClosed(reason);
  }

  /** Ends this side, and destroys the socket if the peer has not closed its side within the linger time. */
  #endAndLinger(): void {
    const socket = this.#socket;
    socket.end();
    if (socket.destroyed) return;
    lingerThenDrop(this.#lingerMs, () => socket.destroy(), (closed) => socket.once('close', closed));
  }

  #rejectFlushes(): void {
    for (const w of this.#flushWaiters.splice(0)) w.reject(new TransportError(this.#closedReason ?? 'connection closed'));
  }
}


/** Bytes read and dropped after this end closed before the socket is destroyed without waiting for the FIN. */
const DISCARD_AFTER_CLOSE_BYTES = 256 * 1024;

/** When a stream opens with printable text (an HTTP request, an SSH banner), says so. */
function foreignProtocolHint(first: Uint8Array): string {
  const head = first.subarray(0, 24);
  if (head.length < 4 || !head.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0d || b === 0x0a)) return '';
  const text = new TextDecoder().decode(head).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return ` (the stream starts with the text "${text}": the peer does not speak delphi-ts framing)`;
}

function formatRemote(socket: Socket): string {
  const host = socket.remoteAddress ?? 'unknown';
  return `${host.includes(':') ? `[${host}]` : host}:${socket.remotePort ?? '?'}`;
}

function describeSocketError(e: Error): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ECONNRESET':
      return 'connection reset by the peer';
    case 'EPIPE':
      return 'connection broken (the peer stopped reading)';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return `socket error: ${e.message}`;
  }
}

/** A host and port, e.g. parsed from "localhost:7000" or "[::1]:7000". */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses "host:port", "[ipv6]:port" or ":port" (host `defaultHost`). Throws
 * {@link InvalidArgumentError} on anything else or a port outside [0, 65535].
 */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError(`expected HOST:PORT (e.g. localhost:7000 or [::1]:7000), got ${JSON.stringify(text)}`);
  return { host: m[1] ?? (m[2] || defaultHost), port };
}

/**
 * Opens a TCP connection to `address` ("host:port" or {@link HostPort}) and wraps it in a
 * {@link TcpChannel}. Rejects with {@link TransportError} when the connection is refused, the host
 * is unknown, or nothing answers within `connectTimeoutMs`. Spec: §2.6
 */
export function connectTcp(address: string | HostPort, options: ConnectTcpOptions = {}): Promise<TcpChannel> {
  const { host, port } = typeof address === 'string' ? parseHostPort(address, 'localhost') : address;
  const timeoutMs = checkMs(options.connectTimeoutMs, TCP_DEFAULTS.connectTimeoutMs, 'connectTimeoutMs');
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    let settled = false;
    const fail = (message: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(new TransportError(message, cause === undefined ? undefined : { cause }));
    };
    const timer = setTimeout(() => fail(`could not connect to ${target} within ${timeoutMs} ms`), timeoutMs || 2 ** 31 - 1);
    socket.once('error', (e: Error) => {
      const code = (e as { code?: string }).code;
      const why =
        code === 'ECONNREFUSED' ? 'connection refused (is the server running?)' : code === 'ENOTFOUND' ? 'unknown host' : e.message;
      fail(`could not connect to ${target}: ${why}`, e);
    });
    socket.once('connect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        resolve(new TcpChannel(socket, options));
      } catch (e) {
        socket.destroy();
        reject(e);
      }
    });
  });
}
