/**
 * What the TCP server (§2.7) and the WebSocket server (§2.8) share: the life of one session
 * (session time limit, the server's HELLO, admission, the handler, the close that tells the client
 * only that the session failed, the log events), binding the listening socket, and the graceful
 * shutdown. Each server adds its own admission rules through {@link SessionHooks}.
 *
 * Spec: §2.7, §2.8
 * @module
 */
import type { Server } from 'node:net';
import type { Channel } from '../channel/channel.js';
import { InvalidArgumentError, TransportError } from '../errors.js';
import { performHandshake, type HandshakeOptions, type HandshakeResult } from './handshake.js';
import type { ConnectionInfo, ServerEvent } from './tcp-server.js';
import type { HostPort } from './tcp.js';

/** A server's log sink; exceptions the user's sink throws are swallowed. */
export type EmitEvent = (event: ServerEvent) => void;

/** Wraps `onEvent` so that a faulty logger cannot take the server down. */
export function safeEmitter(onEvent: ((event: ServerEvent) => void) | undefined): EmitEvent {
  return (event) => {
    try {
      onEvent?.(event);
    } catch {
      // A faulty logger must not take the server down.
    }
  };
}

/** `e` as an Error (thrown non-errors are wrapped). */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Checks a port option: an integer in [0, 65535]. */
export function checkPort(port: number): number {
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`port must be in [0, 65535], got ${port}`);
  return port;
}

/** Checks a timer option: milliseconds in [0, 2^31 − 1] (what timers accept). */
export function checkTimerMs(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > 2 ** 31 - 1) throw new InvalidArgumentError(`${what} must be in [0, 2^31 − 1], got ${ms}`);
  return ms;
}

/** A channel a server serves: a {@link Channel} that says where it goes and why it closed. */
export interface ServedChannel extends Channel {
  readonly remote: string;
  readonly closed: boolean;
  readonly closeReason: string | null;
}

/** How one server runs a session. */
export interface SessionHooks<C extends ServedChannel> {
  readonly handler: (channel: C, connection: ConnectionInfo) => Promise<void> | void;
  /** Run the handshake of §2.5 before the handler (the role is forced to "server"). */
  readonly handshake?: Omit<HandshakeOptions, 'role'>;
  /** Close the channel this long after it was accepted (0: no limit). */
  readonly sessionTimeoutMs: number;
  readonly emit: EmitEvent;
  /** Called when the handshake has settled, either way. */
  readonly handshakeSettled?: () => void;
  /** After a successful handshake: why the client is turned away, or null to serve it. */
  readonly admit?: (connection: ConnectionInfo) => string | null;
  /** Called as the handler starts; returns what to call when it ends (session bookkeeping). */
  readonly enter?: () => () => void;
}

/** Serves one connection to its end; never rejects (failures become log events). Spec: §2.7 */
export async function serveSession<C extends ServedChannel>(channel: C, id: number, hooks: SessionHooks<C>): Promise<void> {
  const { emit, handshake, sessionTimeoutMs } = hooks;
  const started = Date.now();
  let connection: ConnectionInfo = { id, remote: channel.remote };
  let failed = false;
  const limit = sessionTimeoutMs > 0 ? setTimeout(() => channel.close(`session time limit of ${sessionTimeoutMs / 1000} s reached`), sessionTimeoutMs) : undefined;
  emit({ type: 'connected', connection });
  try {
    if (handshake) {
      let result: HandshakeResult;
      try {
        result = await performHandshake(channel, { ...handshake, role: 'server' });
      } catch (e) {
        emit({ type: 'handshake-failed', connection, error: asError(e) });
        return;
      } finally {
        hooks.handshakeSettled?.();
      }
      connection = { ...connection, handshake: result };
      const refused = hooks.admit?.(connection) ?? null;
      if (refused !== null) {
        channel.close(refused);
        emit({ type: 'rejected', remote: channel.remote, reason: refused });
        return;
      }
    }
    const leave = hooks.enter?.();
    try {
      await hooks.handler(channel, connection);
    } finally {
      leave?.();
    }
  } catch (e) {
    failed = true;
    emit({ type: 'error', connection, error: asError(e) });
  } finally {
    clearTimeout(limit);
    // The client learns that the session failed, not why: error messages stay in the server's log.
    if (!channel.closed) channel.close(failed ? 'session aborted by the server' : 'session over');
    emit({ type: 'disconnected', connection, durationMs: Date.now() - started, reason: channel.closeReason ?? 'session over' });
  }
}

/** Binds `server` to `host:port`; rejects with {@link TransportError} saying why it cannot. */
export function bindServer(server: Pick<Server, 'once' | 'off' | 'listen' | 'address'>, host: string, port: number): Promise<HostPort> {
  return new Promise((resolve, reject) => {
    const onListenError = (e: Error) => {
      const code = (e as { code?: string }).code;
      const why = code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : e.message;
      reject(new TransportError(`cannot listen on ${host}:${port}: ${why}`, { cause: e }));
    };
    server.once('error', onListenError);
    server.listen(port, host, () => {
      server.off('error', onListenError);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? { host: bound.address, port: bound.port } : { host, port });
    });
  });
}

/** A session being served: its channel and the promise of its end. */
export interface RunningSession {
  readonly channel: ServedChannel;
  done: Promise<void>;
}

/** Lets running sessions go on for `graceMs`, then closes the rest with "server shutting down" and waits for them. */
export async function drainSessions(sessions: ReadonlySet<RunningSession>, graceMs: number): Promise<void> {
  const all = () => Promise.all([...sessions].map((s) => s.done));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([all(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const s of sessions) s.channel.close('server shutting down');
  await all();
}
