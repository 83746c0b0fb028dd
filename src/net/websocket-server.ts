/**
 * A WebSocket server (on the `ws` package) that serves delphi-ts sessions to browsers and other
 * WebSocket clients exactly as the TCP server of §2.7 does: each accepted connection becomes a
 * {@link WebSocketChannel}, passes the HELLO handshake (§2.5) when configured, and is handed to
 * the handler; the same {@link ConnectionInfo} and {@link ServerEvent}s, the same isolation, limits
 * and shutdown. On top: an Origin allow-list (a browser page may only connect from an origin the
 * operator allows) and a time limit on the HTTP upgrade. Node-only.
 *
 * Spec: §2.8
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket as WsWebSocket } from 'ws';
import { InvalidArgumentError } from '../errors.js';
import { encodeCloseFrame, FRAME_HEADER_BYTES } from '../channel/framing.js';
import type { HandshakeOptions } from './handshake.js';
import { asError, bindServer, checkPort, checkTimerMs, drainSessions, safeEmitter, serveSession } from './server-core.js';
import type { ConnectionInfo, ServerCloseOptions, ServerEvent } from './tcp-server.js';
import type { HostPort } from './tcp.js';
import { WEBSOCKET_DEFAULTS, WebSocketChannel, type WebSocketChannelOptions, type WebSocketLike } from './websocket.js';

/** Serves one WebSocket connection; the channel is closed when the returned promise settles. */
export type WebSocketConnectionHandler = (channel: WebSocketChannel, connection: ConnectionInfo) => Promise<void> | void;

/**
 * Origins a browser page may connect from unless told otherwise: pages served from this machine
 * (http or https on localhost, 127.0.0.1 or [::1], any port) — which includes the documentation
 * site when it is served locally. Spec: §2.8
 */
export const DEFAULT_WS_ORIGINS: readonly string[] = Object.freeze([
  'http://localhost:*',
  'https://localhost:*',
  'http://127.0.0.1:*',
  'https://127.0.0.1:*',
  'http://[::1]:*',
  'https://[::1]:*',
]);

/** Options of {@link listenWebSocket}. */
export interface WebSocketServerOptions extends WebSocketChannelOptions {
  /** Port to listen on (default 0: an ephemeral port). */
  port?: number;
  /** Interface to bind (default "127.0.0.1"). */
  host?: string;
  /** Runs once per connection, after the handshake if there is one. */
  handler: WebSocketConnectionHandler;
  /** Run the handshake of §2.5 before the handler (the role is forced to "server"). */
  handshake?: Omit<HandshakeOptions, 'role'>;
  /** Connections served at once; further clients receive a close frame "server busy" (default 64). */
  maxConnections?: number;
  /** Close a connection this long after it was accepted (default 0: no limit). */
  sessionTimeoutMs?: number;
  /**
   * Origins allowed to connect (default {@link DEFAULT_WS_ORIGINS}): exact origins such as
   * "https://example.org", a port wildcard ("http://localhost:*") or "*" for any. A request without
   * an Origin header (not from a browser page) is always allowed: only browsers send one, and the
   * allow-list protects browser users from pages they did not mean to trust.
   */
  allowedOrigins?: readonly string[];
  /** The HTTP upgrade request must arrive complete within this long (default 10 000 ms). */
  upgradeTimeoutMs?: number;
  /** Log sink; exceptions it throws are swallowed. */
  onEvent?: (event: ServerEvent) => void;
}

/** A listening WebSocket server. Spec: §2.8 */
export interface DelphiWebSocketServer {
  /** Where the server listens (the actual port when 0 was asked for). */
  readonly address: HostPort;
  /** "ws://host:port", for messages. */
  readonly url: string;
  /** Connections currently being served. */
  readonly activeConnections: number;
  /** As `TcpServer.close`: stop accepting, grace period, then "server shutting down". */
  close(options?: ServerCloseOptions): Promise<void>;
}

/**
 * Whether `origin` (an Origin header, or undefined when absent) is allowed by `allowed`. Entries
 * are compared as origins (scheme, host, port), "scheme://host:*" matches any port of that host.
 * Spec: §2.8
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[] = DEFAULT_WS_ORIGINS): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return false;
  for (const entry of allowed) {
    if (entry.endsWith(':*')) {
      const base = normalizeOrigin(entry.slice(0, -2));
      if (base !== null && (normalized === base || normalized.startsWith(`${base}:`))) return true;
    } else if (normalizeOrigin(entry) === normalized) {
      return true;
    }
  }
  return false;
}

function normalizeOrigin(text: string): string | null {
  if (text === 'null') return null; // sandboxed frames and file:// pages
  try {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

interface Session {
  readonly channel: WebSocketChannel;
  done: Promise<void>;
}


/**
 * Listens on `host:port` for WebSocket connections and serves each with `handler` (Spec: §2.8).
 * Rejects with {@link TransportError} when the address cannot be bound.
 */
export function listenWebSocket(options: WebSocketServerOptions): Promise<DelphiWebSocketServer> {
  const { handler, handshake, onEvent } = options;
  if (typeof handler !== 'function') throw new InvalidArgumentError('listenWebSocket needs a handler function');
  const maxConnections = options.maxConnections ?? 64;
  if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) {
    throw new InvalidArgumentError(`maxConnections must be a positive integer, got ${maxConnections}`);
  }
  const port = checkPort(options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  const sessionTimeoutMs = checkTimerMs(options.sessionTimeoutMs ?? 0, 'sessionTimeoutMs');
  const upgradeTimeoutMs = checkTimerMs(options.upgradeTimeoutMs ?? 10_000, 'upgradeTimeoutMs');
  const maxMessageBytes = options.maxMessageBytes ?? WEBSOCKET_DEFAULTS.maxMessageBytes;
  const allowedOrigins = options.allowedOrigins ?? DEFAULT_WS_ORIGINS;
  for (const o of allowedOrigins) {
    if (o !== '*' && normalizeOrigin(o.endsWith(':*') ? o.slice(0, -2) : o) === null) {
      throw new InvalidArgumentError(`allowed origin ${JSON.stringify(o)} is not an http(s) origin such as https://example.org or http://localhost:*`);
    }
  }
  const emit = safeEmitter(onEvent);
  const sessions = new Set<Session>();
  let nextId = 1;
  let closing = false;

  // ws checks each message's length against maxPayload while parsing its header, before buffering.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes + FRAME_HEADER_BYTES, perMessageDeflate: false, clientTracking: false });

  const serve = (channel: WebSocketChannel, id: number): Promise<void> => serveSession(channel, id, { handler, handshake, sessionTimeoutMs, emit });

  const accept = (ws: WsWebSocket, remote: string) => {
    ws.on('error', () => {}); // reported through the channel's close
    if (closing || sessions.size >= maxConnections) {
      const reason = closing ? 'server shutting down' : `server busy (${maxConnections} connections)`;
      ws.send(encodeCloseFrame(reason));
      ws.close(1013, 'try again later');
      setTimeout(() => ws.terminate(), 1000).unref();
      emit({ type: 'rejected', remote, reason });
      return;
    }
    let channel: WebSocketChannel;
    try {
      channel = new WebSocketChannel(ws as unknown as WebSocketLike, { ...options, remote });
    } catch (e) {
      ws.terminate();
      emit({ type: 'error', error: asError(e) });
      return;
    }
    const session: Session = { channel, done: Promise.resolve() };
    session.done = serve(channel, nextId++).finally(() => sessions.delete(session));
    sessions.add(session);
  };

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    setTimeout(() => socket.destroy(), 1000).unref();
  };

  const http = createServer(
    // Node checks the header and request timeouts every connectionsCheckingInterval ms (default 30 s).
    { headersTimeout: upgradeTimeoutMs || 60_000, requestTimeout: upgradeTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, (upgradeTimeoutMs || 60_000) / 4)) },
    (_req: IncomingMessage, res: ServerResponse) => {
    const body = 'delphi-ts WebSocket endpoint: connect with a WebSocket client (delphi infer --server ws://HOST:PORT)\n';
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket', connection: 'Upgrade' }).end(body);
    },
  );
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const remoteHost = req.socket.remoteAddress ?? 'unknown';
    const remote = `${remoteHost.includes(':') ? `[${remoteHost}]` : remoteHost}:${req.socket.remotePort ?? '?'}`;
    const origin = req.headers.origin;
    if (!isOriginAllowed(origin, allowedOrigins)) {
      refuse(socket, 403, 'Forbidden');
      emit({ type: 'rejected', remote, reason: `origin ${origin} is not allowed (see --ws-origin)` });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, remote));
  });
  http.on('clientError', (_e: Error, socket: Duplex) => {
    if (socket.writable) refuse(socket, 400, 'Bad Request');
    else socket.destroy();
  });

  return bindServer(http, host, port).then((address) => {
    http.on('error', (e: Error) => emit({ type: 'error', error: e }));
    emit({ type: 'listening', address });
    let closed: Promise<void> | null = null;
    return {
      address,
      url: `ws://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`,
      get activeConnections() {
        return sessions.size;
      },
      close(closeOptions: ServerCloseOptions = {}) {
        closed ??= shutDown(closeOptions.graceMs ?? 5_000);
        return closed;
      },
    };
  });

  async function shutDown(graceMs: number): Promise<void> {
    closing = true;
    const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
    await drainSessions(sessions, graceMs);
    http.closeAllConnections();
    await stopped;
    wss.close();
    emit({ type: 'closed' });
  }
}
