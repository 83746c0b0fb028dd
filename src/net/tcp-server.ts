/**
 * A TCP server that serves many clients at once: each accepted connection becomes a
 * {@link TcpChannel}, optionally passes the HELLO handshake (§2.5), and is handed to an async
 * handler. Whatever one connection does (garbage, a wrong handshake, a drop mid-message, a handler
 * that throws) ends that connection only, and is reported through `onEvent`; the server itself
 * never crashes on a client's behalf. Slots are bounded three ways (§2.7): connections still in
 * the handshake (which accept only HELLO-sized frames), sessions after it, and connections per
 * client address; a client turned away gets a close frame "server busy …; retry in N s". Node-only.
 *
 * Spec: §2.7
 * @module
 */
import { createServer, type Socket } from 'node:net';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES, encodeCloseFrame } from '../channel/framing.js';
import { MAX_HELLO_BYTES, type HandshakeOptions, type HandshakeResult } from './handshake.js';
import { asError, bindServer, checkPort, checkTimerMs, drainSessions, safeEmitter, serveSession } from './server-core.js';
import { TcpChannel, type HostPort, type TcpChannelOptions } from './tcp.js';

/** Defaults of the slot limits of {@link TcpServerOptions}. Spec: §2.7 */
export const SERVER_DEFAULTS = Object.freeze({
  maxConnections: 64,
  maxPendingHandshakes: 64,
  maxConnectionsPerAddress: 8,
  retryAfterSeconds: 5,
});

/** What a handler learns about its connection. */
export interface ConnectionInfo {
  /** Sequence number of the connection on this server, from 1. */
  readonly id: number;
  /** "address:port" of the client. */
  readonly remote: string;
  /** The handshake's outcome, when the server runs one. */
  readonly handshake?: HandshakeResult;
}

/** Serves one connection; the channel is closed when the returned promise settles. */
export type ConnectionHandler = (channel: TcpChannel, connection: ConnectionInfo) => Promise<void> | void;

/** Something that happened on the server, for logging. Spec: §2.7 */
export type ServerEvent =
  | { readonly type: 'listening'; readonly address: HostPort }
  | { readonly type: 'connected'; readonly connection: ConnectionInfo }
  | { readonly type: 'rejected'; readonly remote: string; readonly reason: string }
  | { readonly type: 'handshake-failed'; readonly connection: ConnectionInfo; readonly error: Error }
  | { readonly type: 'error'; readonly connection?: ConnectionInfo; readonly error: Error }
  | { readonly type: 'disconnected'; readonly connection: ConnectionInfo; readonly durationMs: number; readonly reason: string }
  | { readonly type: 'closed' };

/** Options of {@link listenTcp}. */
export interface TcpServerOptions extends TcpChannelOptions {
  /** Port to listen on (default 0: an ephemeral port, see {@link TcpServer.address}). */
  port?: number;
  /** Interface to bind (default "127.0.0.1"; "0.0.0.0" or "::" for every interface). */
  host?: string;
  /** Runs once per connection, after the handshake if there is one. */
  handler: ConnectionHandler;
  /** Run the handshake of §2.5 before the handler (the role is forced to "server"). */
  handshake?: Omit<HandshakeOptions, 'role'>;
  /**
   * Sessions served at once (connections past the handshake, or all connections without one);
   * further clients receive a close frame "server busy" (default 64).
   */
  maxConnections?: number;
  /**
   * Connections still in the handshake at once, when there is one (default 64). They accept only
   * frames up to {@link MAX_HELLO_BYTES} and must finish within the handshake timeout, so they
   * cannot hold session slots or memory.
   */
  maxPendingHandshakes?: number;
  /** Connections from one client address at once, in the handshake or in a session (default 8). */
  maxConnectionsPerAddress?: number;
  /**
   * Sessions (past the handshake) from one client address at once (default: half of
   * `maxConnections`, at least 1), so that one address cannot take every session slot by sending
   * valid HELLOs and then nothing.
   */
  maxSessionsPerAddress?: number;
  /** Seconds a turned-away client is told to wait before retrying (default 5). */
  retryAfterSeconds?: number;
  /**
   * Close a connection this long after it was accepted, whatever it is doing (default 0: no
   * limit). Heartbeats keep an idle but live client connected; this bounds how long one can hold
   * a slot.
   */
  sessionTimeoutMs?: number;
  /** Log sink; exceptions it throws are swallowed. */
  onEvent?: (event: ServerEvent) => void;
}

/** Options of {@link TcpServer.close}. */
export interface ServerCloseOptions {
  /** How long running sessions may go on before their channels are closed (default 5 000 ms). */
  graceMs?: number;
}

/** A listening server. Spec: §2.7 */
export interface TcpServer {
  /** Where the server listens (the actual port when 0 was asked for). */
  readonly address: HostPort;
  /** Connections currently open: in the handshake or in a session. */
  readonly activeConnections: number;
  /** Connections past the handshake (all connections when the server runs none). */
  readonly sessions: number;
  /**
   * Stops accepting, lets running sessions finish for `graceMs`, then closes the rest with the
   * reason "server shutting down" and resolves once every handler has returned.
   */
  close(options?: ServerCloseOptions): Promise<void>;
}

interface Session {
  readonly channel: TcpChannel;
  readonly done: Promise<void>;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** The client's address without port, IPv4-mapped IPv6 folded to IPv4, for per-address limits. */
function addressKey(socket: Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * Listens on `host:port` and serves every connection with `handler` (Spec: §2.7). Rejects with
 * {@link TransportError} when the address cannot be bound (in use, not permitted).
 */
export function listenTcp(options: TcpServerOptions): Promise<TcpServer> {
  const { handler, handshake, onEvent } = options;
  if (typeof handler !== 'function') throw new InvalidArgumentError('listenTcp needs a handler function');
  const maxConnections = positiveInteger(options.maxConnections ?? SERVER_DEFAULTS.maxConnections, 'maxConnections');
  const maxPending = positiveInteger(options.maxPendingHandshakes ?? SERVER_DEFAULTS.maxPendingHandshakes, 'maxPendingHandshakes');
  const perAddress = positiveInteger(options.maxConnectionsPerAddress ?? SERVER_DEFAULTS.maxConnectionsPerAddress, 'maxConnectionsPerAddress');
  const sessionsPerAddress = positiveInteger(options.maxSessionsPerAddress ?? Math.max(1, Math.floor(maxConnections / 2)), 'maxSessionsPerAddress');
  const retryAfter = options.retryAfterSeconds ?? SERVER_DEFAULTS.retryAfterSeconds;
  if (!Number.isFinite(retryAfter) || retryAfter < 0) throw new InvalidArgumentError(`retryAfterSeconds must be ≥ 0, got ${retryAfter}`);
  const sessionMaxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const port = checkPort(options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  const sessionTimeoutMs = checkTimerMs(options.sessionTimeoutMs ?? 0, 'sessionTimeoutMs');
  const emit = safeEmitter(onEvent);
  const sessions = new Set<Session>();
  const perAddressCount = new Map<string, number>();
  /** Connections in the handshake, oldest first, with their client address. */
  const waiting = new Map<TcpChannel, string>();
  let active = 0;
  let nextId = 1;
  let closing = false;
  const busy = (what: string) => `server busy (${what}); retry in ${retryAfter} s`;

  const sessionCount = new Map<string, number>();
  const serve = (channel: TcpChannel, id: number, key: string): Promise<void> =>
    serveSession(channel, id, {
      handler,
      handshake,
      sessionTimeoutMs,
      emit,
      handshakeSettled: () => waiting.delete(channel),
      admit: () => {
        const fromAddress = sessionCount.get(key) ?? 0;
        if (active >= maxConnections || fromAddress >= sessionsPerAddress) {
          return busy(active >= maxConnections ? `${maxConnections} sessions` : `${sessionsPerAddress} sessions from ${key}`);
        }
        channel.setMaxMessageBytes(sessionMaxMessageBytes);
        return null;
      },
      enter: () => {
        active++;
        sessionCount.set(key, (sessionCount.get(key) ?? 0) + 1);
        return () => {
          active--;
          const left = (sessionCount.get(key) ?? 1) - 1;
          if (left > 0) sessionCount.set(key, left);
          else sessionCount.delete(key);
        };
      },
    });

  /**
   * Makes room in a full handshake queue for a connection from `key`: closes the oldest waiting
   * connection of the address holding the most waiting ones, when that address holds more than
   * `key` does. A legitimate HELLO takes a round trip, so connections that idle in the handshake
   * are the ones that go; one address cannot evict another down below its own share. Spec: §2.7
   */
  function evictWaiting(key: string): boolean {
    const counts = new Map<string, number>();
    for (const k of waiting.values()) counts.set(k, (counts.get(k) ?? 0) + 1);
    let top = key;
    for (const [k, n] of counts) if (n > (counts.get(top) ?? 0)) top = k;
    if (top === key || (counts.get(top) ?? 0) <= (counts.get(key) ?? 0) + 1) return false;
    for (const [victim, k] of waiting) {
      if (k !== top) continue;
      waiting.delete(victim);
      const reason = busy(`${maxPending} connections in the handshake; the oldest from ${top} made room`);
      emit({ type: 'rejected', remote: victim.remote, reason });
      victim.close(reason);
      return true;
    }
    return false;
  }

  const server = createServer((socket: Socket) => {
    // Until the socket is wrapped, an error on it must still have a listener.
    socket.on('error', () => {});
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const key = addressKey(socket);
    const fromAddress = perAddressCount.get(key) ?? 0;
    const reason = closing
      ? 'server shutting down'
      : fromAddress >= perAddress
        ? busy(`${perAddress} connections from ${key}`)
        : handshake && waiting.size >= maxPending && !evictWaiting(key)
          ? busy(`${maxPending} connections in the handshake`)
          : !handshake && active >= maxConnections
            ? busy(`${maxConnections} connections`)
            : null;
    if (reason !== null) {
      socket.end(encodeCloseFrame(reason));
      setTimeout(() => socket.destroy(), 1000).unref();
      emit({ type: 'rejected', remote, reason });
      return;
    }
    let channel: TcpChannel;
    try {
      channel = new TcpChannel(socket, options);
      // Before the handshake only a HELLO may arrive: a stranger cannot make us buffer more (§2.6).
      if (handshake) channel.setMaxMessageBytes(Math.min(MAX_HELLO_BYTES, sessionMaxMessageBytes));
    } catch (e) {
      socket.destroy();
      emit({ type: 'error', error: asError(e) });
      return;
    }
    if (handshake) waiting.set(channel, key);
    perAddressCount.set(key, fromAddress + 1);
    const session: Session = { channel, done: Promise.resolve() };
    const done = serve(channel, nextId++, key).finally(() => {
      sessions.delete(session);
      const left = (perAddressCount.get(key) ?? 1) - 1;
      if (left > 0) perAddressCount.set(key, left);
      else perAddressCount.delete(key);
    });
    (session as { done: Promise<void> }).done = done;
    sessions.add(session);
  });
  // A hard cap on sockets, counting turned-away ones that linger for their close frame.
  server.maxConnections = maxConnections + (handshake ? maxPending : 0) + 256;
  server.on('error', (e: Error) => emit({ type: 'error', error: e }));

  return bindServer(server, host, port).then((address) => {
    emit({ type: 'listening', address });
    let closed: Promise<void> | null = null;
    return {
      address,
      get activeConnections() {
        return sessions.size;
      },
      get sessions() {
        return active;
      },
      close(closeOptions: ServerCloseOptions = {}) {
        closed ??= shutDown(closeOptions.graceMs ?? 5_000);
        return closed;
      },
    };
  });

  async function shutDown(graceMs: number): Promise<void> {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await drainSessions(sessions, graceMs);
    await stopped;
    emit({ type: 'closed' });
  }
}
