/**
 * A {@link Channel} over a WebSocket, for clients in browsers (native `WebSocket`) and in Node (the
 * `ws` package, see ./websocket-node.ts), and for the server side of ./websocket-server.ts. Every
 * WebSocket binary message carries exactly one frame of §2.4 (data, ping, pong or close), so the
 * protocol bytes, the close reasons, the heartbeats and the limits are those of the TCP transport;
 * WebSocket itself only replaces the byte stream. Browser-safe: no Node API.
 *
 * Spec: §2.8
 * @module
 */
import { DelphiError, InvalidArgumentError, TransportError } from '../errors.js';
import type { Channel, ChannelStats } from '../channel/channel.js';
import { DEFAULT_MAX_MESSAGE_BYTES, encodeCloseFrame, encodeDataFrame, encodePingFrame, FrameDecoder } from '../channel/framing.js';
import { MessageInbox } from '../channel/inbox.js';
import { checkIdle, checkLiveness, checkMs, lingerThenDrop, startTicker } from '../channel/liveness.js';

/** WebSocket `readyState` values (WHATWG). */
const OPEN = 1;

/**
 * The part of the WHATWG WebSocket API the channel uses: browsers' `WebSocket` and the `ws`
 * package's `WebSocket` both have it.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: never) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: never) => void): void;
}

/** Limits and timeouts of a {@link WebSocketChannel}; the meanings and defaults are those of TCP (§2.6). */
export interface WebSocketChannelOptions {
  /** Largest message sent or accepted, in bytes (default 256 MiB, at most 2^31 − 1 − 4). */
  maxMessageBytes?: number;
  /** A `recv` that waits longer than this fails and closes the channel (default 0: no limit). */
  recvTimeoutMs?: number;
  /** Close when nothing at all (not even a ping) arrived for this long (default 300 000; 0 disables). */
  idleTimeoutMs?: number;
  /** Send a ping after this long without sending anything (default 15 000; 0 disables). */
  heartbeatIntervalMs?: number;
  /** After `close`, how long to wait for the peer's WebSocket close before dropping (default 2 000). */
  closeLingerMs?: number;
  /** Name of the peer in messages and logs (default: "websocket peer"). */
  remote?: string;
}

/** Options of {@link connectWebSocket}. */
export interface ConnectWebSocketOptions extends WebSocketChannelOptions {
  /** Give up connecting after this long (default 10 000). */
  connectTimeoutMs?: number;
  /**
   * Opens the socket (default: `new WebSocket(url)`, the platform's). Node 20 has no global
   * WebSocket: ./websocket-node.ts passes the `ws` package's, which also enforces the message
   * limit before allocating.
   */
  createSocket?: (url: string) => WebSocketLike;
}

/** Defaults of {@link WebSocketChannelOptions}, equal to the TCP ones. Spec: §2.8 */
export const WEBSOCKET_DEFAULTS = Object.freeze({
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  recvTimeoutMs: 0,
  idleTimeoutMs: 300_000,
  heartbeatIntervalMs: 15_000,
  closeLingerMs: 2_000,
  connectTimeoutMs: 10_000,
});

/** How often `flush` looks at `bufferedAmount` (the WebSocket API has no drain event). */
const FLUSH_POLL_MS = 5;

/** Bytes of WebSocket message payloads (frames of §2.4, control frames included). */
export interface WebSocketWireStats {
  bytesSent: number;
  bytesReceived: number;
}

/**
 * One end of a delphi-ts session over an open WebSocket, implementing {@link Channel}. Build it
 * with {@link connectWebSocket}, or receive it from `listenWebSocket`. Spec: §2.8
 */
export class WebSocketChannel implements Channel {
  /** Message payload counters (frame headers and control frames excluded), as for every Channel. */
  readonly stats: ChannelStats = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 };
  /** Frame bytes sent and received (headers, pings and the close frame included; WebSocket headers not). */
  readonly wire: WebSocketWireStats = { bytesSent: 0, bytesReceived: 0 };
  /** Who the peer is, for messages and logs. */
  readonly remote: string;
  /** Resolves with the reason once the channel has closed, for whatever cause. */
  readonly whenClosed: Promise<string>;

  readonly #socket: WebSocketLike;
  readonly #decoder: FrameDecoder;
  readonly #maxMessageBytes: number;
  readonly #recvTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #heartbeatMs: number;
  readonly #lingerMs: number;
  readonly #inbox = new MessageInbox(this.stats);
  #closedReason: string | null = null;
  #resolveClosed!: (reason: string) => void;
  #lastReceived = Date.now();
  #lastSent = Date.now();
  #ticker: ReturnType<typeof setInterval> | null = null;
  readonly #onMessage = (event: { data: unknown }) => this.#receive(event.data);
  readonly #onClose = (event: { code?: number; reason?: string }) => this.#socketClosed(event.code, event.reason);
  readonly #onError = (event: { message?: string; error?: unknown }) => {
    const why = event.error instanceof Error ? event.error.message : event.message;
    this.#shutdown(`WebSocket error${why ? `: ${why}` : ''}`, false, event.error);
  };

  /** Wraps an OPEN WebSocket; throws {@link InvalidArgumentError} for bad options or a socket that is not open. */
  constructor(socket: WebSocketLike, options: WebSocketChannelOptions = {}) {
    const live = checkLiveness(options, WEBSOCKET_DEFAULTS);
    if (socket.readyState !== OPEN) throw new InvalidArgumentError('WebSocketChannel needs an open WebSocket');
    const max = live.maxMessageBytes;
    this.#maxMessageBytes = max;
    ({ recvTimeoutMs: this.#recvTimeoutMs, idleTimeoutMs: this.#idleTimeoutMs, heartbeatMs: this.#heartbeatMs, lingerMs: this.#lingerMs } = live);
    this.#decoder = new FrameDecoder({ maxMessageBytes: max });
    this.remote = options.remote ?? 'websocket peer';
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    this.whenClosed = new Promise((resolve) => (this.#resolveClosed = resolve));
    socket.addEventListener('message', this.#onMessage as (event: never) => void);
    socket.addEventListener('close', this.#onClose as (event: never) => void);
    socket.addEventListener('error', this.#onError as (event: never) => void);
    const tick = Math.min(...[this.#heartbeatMs, this.#idleTimeoutMs].filter((v) => v > 0).map((v) => Math.max(50, v / 4)), 1000);
    if (this.#heartbeatMs > 0 || this.#idleTimeoutMs > 0) this.#ticker = startTicker(tick, () => this.#tick());
  }

  /** True once the channel is closed. */
  get closed(): boolean {
    return this.#closedReason !== null;
  }

  /** Why the channel closed, or null while open. */
  get closeReason(): string | null {
    return this.#closedReason;
  }

  /** Largest message this end sends or accepts. */
  get maxMessageBytes(): number {
    return this.#maxMessageBytes;
  }

  /** Sends `message` as one data frame in one WebSocket message. Spec: §2.8 */
  send(message: Uint8Array): void {
    if (this.#closedReason !== null) throw new TransportError(`send on a closed channel (${this.#closedReason})`);
    if (!(message instanceof Uint8Array)) throw new TransportError('send expects a Uint8Array');
    if (message.length > this.#maxMessageBytes) {
      throw new TransportError(`message of ${message.length} bytes exceeds the limit of ${this.#maxMessageBytes} bytes`);
    }
    this.stats.bytesSent += message.length;
    this.stats.messagesSent++;
    this.#write(encodeDataFrame(message, this.#maxMessageBytes));
  }

  /** Resolves with the next message; rejects with {@link TransportError} once closed. Spec: §2.3 */
  recv(): Promise<Uint8Array> {
    const m = this.#inbox.take();
    if (m) return Promise.resolve(m);
    if (this.#closedReason !== null) return Promise.reject(new TransportError(this.#closedReason));
    return this.#inbox.wait(this.#recvTimeoutMs, (ms) => this.#shutdown(`receive timed out: no message from the peer within ${ms} ms`, true));
  }

  /**
   * Resolves once the WebSocket has handed every queued byte to the network (`bufferedAmount` is
   * 0); rejects if the channel closes first. Spec: §2.8
   */
  flush(): Promise<void> {
    if (this.#closedReason !== null) return Promise.reject(new TransportError(this.#closedReason));
    if (this.#socket.bufferedAmount === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const poll = () => {
        if (this.#closedReason !== null) reject(new TransportError(this.#closedReason));
        else if (this.#socket.bufferedAmount === 0) resolve();
        else setTimeout(poll, FLUSH_POLL_MS);
      };
      setTimeout(poll, FLUSH_POLL_MS);
    });
  }

  /**
   * Sends a close frame carrying `reason`, then closes the WebSocket; pending receives reject. The
   * peer's receives fail with "peer closed the connection: <reason>". Spec: §2.8
   */
  close(reason = 'closed by this end'): void {
    this.#shutdown(`channel closed (${reason})`, true, undefined, reason);
  }

  #write(frame: Uint8Array): void {
    this.wire.bytesSent += frame.length;
    this.#lastSent = Date.now();
    try {
      this.#socket.send(frame);
    } catch (e) {
      this.#shutdown(`WebSocket send failed: ${(e as Error).message}`, false, e);
    }
  }

  #receive(data: unknown): void {
    if (this.#closedReason !== null) return;
    this.#lastReceived = Date.now();
    if (!(data instanceof ArrayBuffer)) {
      const what = typeof data === 'string' ? 'a text message' : 'a message that is not binary';
      this.#shutdown(`malformed data from the peer: ${what} (delphi-ts sends binary frames only)`, true, undefined, `${what} received; delphi-ts sends binary frames only`);
      return;
    }
    const chunk = new Uint8Array(data);
    this.wire.bytesReceived += chunk.length;
    let frames;
    try {
      frames = this.#decoder.push(chunk);
      if (frames.length !== 1 || this.#decoder.partial !== null) {
        throw new TransportError(`a WebSocket message must hold exactly one frame, this one held ${frames.length} and ${this.#decoder.partial ? 'part of another' : 'nothing more'}`);
      }
    } catch (e) {
      const message = e instanceof DelphiError ? e.message : String(e);
      this.#shutdown(`malformed data from the peer: ${message}`, true, e, message);
      return;
    }
    const frame = frames[0];
    if (frame.kind === 'data') this.#deliver(frame.payload);
    else if (frame.kind === 'ping') this.#write(encodePingFrame('pong', frame.payload));
    else if (frame.kind === 'close') {
      this.#shutdown(`peer closed the connection: ${frame.reason || 'no reason given'}`, false);
      this.#closeSocket(1000, '');
    }
  }

  #socketClosed(code: number | undefined, reason: string | undefined): void {
    const detail = code === undefined ? '' : ` (WebSocket close code ${code}${reason ? `: ${reason}` : ''})`;
    this.#shutdown(`connection closed by the peer without a close frame${detail}`, false);
  }

  #deliver(message: Uint8Array): void {
    this.#inbox.deliver(message);
  }

  #tick(): void {
    if (this.#closedReason !== null) return;
    const now = Date.now();
    if (this.#heartbeatMs > 0 && now - this.#lastSent >= this.#heartbeatMs && this.#socket.readyState === OPEN) {
      this.#write(encodePingFrame('ping'));
    }
    // Timers may run before messages that arrived during a long computation: look again after them.
    checkIdle(
      this.#idleTimeoutMs,
      now,
      () => this.#lastReceived,
      () => this.#closedReason === null,
      (look) => setTimeout(look, 0),
      (reason) => this.#shutdown(reason, true),
    );
  }

  /** Marks the channel closed with `reason` (once), rejects pending receives, and takes the socket down. */
  #shutdown(reason: string, notifyPeer: boolean, cause?: unknown, peerReason = reason): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#inbox.rejectAll(() => new TransportError(reason, cause === undefined ? undefined : { cause }));
    if (notifyPeer && this.#socket.readyState === OPEN) {
      this.#write(encodeCloseFrame(peerReason));
      // The WebSocket close follows the queued frames; a peer that never answers is dropped by the
      // WebSocket implementation's own closing timeout.
      this.#closeSocket(1000, '');
    } else if (cause !== undefined || notifyPeer) {
      this.#closeSocket(1000, '');
    }
    this.#socket.removeEventListener('message', this.#onMessage as (event: never) => void);
    this.#resolveClosed(reason);
  }

  #closeSocket(code: number, reason: string): void {
    if (this.#socket.readyState > OPEN) return;
    try {
      this.#socket.close(code, reason);
    } catch {
      // already closing
    }
    const socket = this.#socket as WebSocketLike & { terminate?: () => void };
    if (typeof socket.terminate === 'function' && this.#lingerMs > 0) {
      lingerThenDrop(this.#lingerMs, () => socket.terminate!(), (closed) => socket.addEventListener('close', closed));
    }
  }
}


/**
 * Opens a WebSocket to `url` (ws:// or wss://) and wraps it in a {@link WebSocketChannel}. Rejects
 * with {@link TransportError} when nothing accepts the connection (the browser does not say why:
 * no server, a refused Origin and an HTTP error look alike) or nothing answers within
 * `connectTimeoutMs`. Spec: §2.8
 */
export function connectWebSocket(url: string, options: ConnectWebSocketOptions = {}): Promise<WebSocketChannel> {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (parsed === null || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')) {
    return Promise.reject(new InvalidArgumentError(`expected a ws:// or wss:// URL, got ${JSON.stringify(url)}`));
  }
  let timeoutMs: number;
  try {
    timeoutMs = checkMs(options.connectTimeoutMs, WEBSOCKET_DEFAULTS.connectTimeoutMs, 'connectTimeoutMs');
  } catch (e) {
    return Promise.reject(e);
  }
  const create =
    options.createSocket ??
    ((u: string) => {
      const Native = (globalThis as { WebSocket?: new (u: string) => WebSocketLike }).WebSocket;
      if (!Native) throw new InvalidArgumentError('this platform has no WebSocket: pass createSocket (in Node, use connectWebSocket from delphi-ts/net/node)');
      return new Native(u);
    });
  const target = parsed.href;
  return new Promise((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = create(target);
      socket.binaryType = 'arraybuffer';
    } catch (e) {
      reject(e instanceof DelphiError ? e : new TransportError(`could not open a WebSocket to ${target}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    let settled = false;
    const cleanup = () => {
      clearTimeout(timer);
      socket.removeEventListener('open', onOpen as (event: never) => void);
      socket.removeEventListener('error', onError as (event: never) => void);
      socket.removeEventListener('close', onClose as (event: never) => void);
    };
    const fail = (message: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      try {
        socket.close();
      } catch {
        // not open yet
      }
      reject(new TransportError(message, cause === undefined ? undefined : { cause }));
    };
    const onOpen = () => {
      if (settled) return;
      settled = true;
      cleanup();
      try {
        resolve(new WebSocketChannel(socket, { remote: target, ...options }));
      } catch (e) {
        socket.close();
        reject(e);
      }
    };
    const onError = (event: { message?: string; error?: unknown }) => {
      const detail = event.error instanceof Error ? event.error.message : event.message;
      fail(`could not connect to ${target}: ${describeConnectError(detail)}`, event.error);
    };
    const onClose = (event: { code?: number }) => fail(`could not connect to ${target}: the connection closed during the WebSocket handshake (code ${event.code ?? '?'})`);
    const timer = setTimeout(() => fail(`could not connect to ${target} within ${timeoutMs} ms`), timeoutMs || 2 ** 31 - 1);
    socket.addEventListener('open', onOpen as (event: never) => void);
    socket.addEventListener('error', onError as (event: never) => void);
    socket.addEventListener('close', onClose as (event: never) => void);
  });
}

function describeConnectError(detail: string | undefined): string {
  if (!detail) return 'no WebSocket server accepted the connection (is the server running, and does it allow this page\'s origin?)';
  if (/ECONNREFUSED/.test(detail)) return 'connection refused (is the server running?)';
  if (/ENOTFOUND|EAI_AGAIN/.test(detail)) return 'unknown host';
  const status = /Unexpected server response: (\d+)/.exec(detail)?.[1];
  if (status === '403') return 'the server refused this origin (HTTP 403; see delphi serve --ws-origin)';
  if (status) return `the server answered HTTP ${status} instead of a WebSocket upgrade (is it a delphi-ts WebSocket port?)`;
  return detail;
}
