/**
 * `delphi serve --model MODEL --port N`: holds a model and serves private inferences over TCP,
 * several clients at once. Each connection passes the transport HELLO (§2.5), then is a service
 * connection (§9.14): a new session (setup once, then any number of preprocessing and online
 * phases) or a resumed one. With `--state-dir` preprocessed slots persist, so clients can run the
 * online phase alone later, also after a restart. The server logs phases to stderr; it never
 * learns or prints a client's input or prediction.
 * @module
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, positiveInteger, positiveNumber, secondsOption, UsageError } from '../command.js';
import { listenTcp, listenWebSocket, type ConnectionInfo, type ServerEvent } from '../../net/node.js';
import type { Channel } from '../../channel/index.js';
import { architectureFingerprint, DEFAULT_REQUEST_DEADLINES, DEFAULT_SERVICE_LIMITS, formatBytes, publicArchitecture, serveConnection, sweepSessions, type ProtocolBackend, type ServiceLimits } from '../../protocol/index.js';
import { FileSlotStore } from '../file-slot-store.js';
import { formatShape } from '../../nn/index.js';
import { BACKEND_USAGE, formatMs, helloOptions, loadServedModel, PARTY_OPTIONS, partySettings, TRANSPORT_USAGE } from '../remote.js';
import { checkSeedFlag } from '../security-flags.js';
import { cliPool, THREADS_USAGE } from '../threads.js';
import { cliSpill, SPILL_OPTIONS, SPILL_USAGE } from '../spill.js';
import { SERVER_LIMITS_OPTIONS, SERVER_LIMITS_USAGE, serverLimits } from '../server-limits.js';

const usage = `Usage: delphi serve --model FILE [options]

Serves private inference on a model over TCP and/or WebSocket: clients run
"delphi infer --server HOST:PORT" (or ws://HOST:PORT), or a browser page (see --ws-port).
The server learns nothing about a client's input or result (with a secure backend).

  --model FILE            model: delphi-ts JSON or ONNX
  --port N                TCP port (default 7000, or none when only --ws-port is given; 0 picks a free one)
  --ws-port N             also (or only) accept WebSocket clients on this port: browsers, and
                          "delphi infer --server ws://HOST:N"
  --ws-origin ORIGIN      a browser page origin allowed on the WebSocket port (repeatable; "*" for any;
                          default: pages served from localhost, 127.0.0.1 or [::1])
  --host ADDR             interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --max-clients N         connections served at once (default 8)
  --session-timeout SEC   close a connection after this long, whatever it is doing (default 3600)
  --first-request-timeout SEC  drop a connection that sends no OPEN/RESUME this long after the handshake (default 10)
  --request-timeout SEC   drop a connection idle this long between requests; heartbeats do not count (default 300)
  --once                  serve one connection, then exit
  --fractional-bits F     fixed-point precision (default: the JSON model's; chosen for ONNX, §8.15)
  --calibrate DIR|FILE    inputs on which an ONNX model's precision is chosen (default: synthetic)
  --seed HEX              seed the server's randomness (reproducible transcripts; needs --insecure)
  --state-dir DIR         keep sessions and preprocessed slots in DIR (files 0600), so that clients can
                          preprocess ahead ("delphi preprocess") and infer later, also after a restart
  --max-slots N           unused slots a session may hold (default 16)
  --max-sessions N        sessions kept in the state directory (default 64)
  --max-state-mib N       bytes the state directory may hold, in MiB (default 4096)
  --session-ttl-hours H   drop stored sessions older than this (default 168)
${THREADS_USAGE}
${SPILL_USAGE}
${BACKEND_USAGE}
${TRANSPORT_USAGE}
${SERVER_LIMITS_USAGE}

Stop with Ctrl-C: running sessions get 10 seconds to finish.`;

/** Hooks for embedding and tests: a signal that stops the server, and where it listens. */
export interface ServeHooks {
  /** Stops the server (as Ctrl-C does) when aborted. */
  signal?: AbortSignal;
  /** Called once listening, with the bound port. */
  onListening?: (address: { host: string; port: number }) => void;
}

/** Builds the command; {@link serveCommand} is it with process signals. */
export function createServeCommand(hooks: ServeHooks = {}): CliCommand {
  return {
    name: 'serve',
    summary: 'serve private inference on a model over TCP',
    usage,
    run: (args, io) => runServe(args, io, hooks),
  };
}

export const serveCommand: CliCommand = createServeCommand();

async function runServe(args: string[], io: CliIo, hooks: ServeHooks): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      port: { type: 'string' },
      'ws-port': { type: 'string' },
      'ws-origin': { type: 'string', multiple: true },
      host: { type: 'string' },
      'max-clients': { type: 'string' },
      'session-timeout': { type: 'string' },
      'first-request-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      once: { type: 'boolean' },
      'fractional-bits': { type: 'string' },
      calibrate: { type: 'string' },
      'state-dir': { type: 'string' },
      'max-slots': { type: 'string' },
      'max-sessions': { type: 'string' },
      'max-state-mib': { type: 'string' },
      'session-ttl-hours': { type: 'string' },
      ...PARTY_OPTIONS,
      ...SPILL_OPTIONS,
      ...SERVER_LIMITS_OPTIONS,
    },
    strict: true,
  });
  if (values.model === undefined) throw new UsageError('--model FILE is required');
  checkSeedFlag(values.seed, values.insecure);
  const { port, wsPort, maxClients, sessionSeconds, firstRequestTimeoutMs, requestIdleTimeoutMs } = listenSettings(values);
  const fractionalBits = values['fractional-bits'] === undefined ? undefined : positiveInteger(values['fractional-bits'], '--fractional-bits');
  const { backendName, backend, allowInsecure, transport, threads, rng: master } = partySettings(values, { client: false });

  const model = await loadServedModel(values.model, fractionalBits, { calibrate: values.calibrate, onWarning: (line) => io.err(`${line}\n`) });
  const architecture = publicArchitecture(model);
  const fingerprint = architectureFingerprint(architecture);
  // Fail now, not at the first client, when the backend is insecure and --insecure is missing.
  serveInferenceCheck(backend, allowInsecure);
  const limits = serviceLimits(values);
  const store = values['state-dir'] === undefined ? undefined : new FileSlotStore(values['state-dir']);
  if (store) {
    const kept = await sweepSessions(store, { backend, ttlMs: limits.sessionTtlMs });
    io.err(`state directory ${values['state-dir']}: ${kept.length} stored session${kept.length === 1 ? '' : 's'}\n`);
  }

  // What depends only on the model (the weight plaintexts, within the backend's budget) is done once, now.
  backend.linear.prepareModel?.(model);
  // One pool for all connections: its threads are shared by the sessions served at once.
  const pool = cliPool(threads, { start: true });
  // One spill file for all connections (each session's batches under their own handles).
  const spill = cliSpill(values);
  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  let sessionsServed = 0;
  const log = (text: string) => io.err(`${new Date().toISOString()} ${text}\n`);
  // The process's CPU time (user + system, worker threads included) since the previous phase ended
  // (all connections together: a per-phase figure only when one client is served at a time).
  let cpuMark = process.cpuUsage();
  const processCpu = () => {
    const d = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    return `process CPU ${((d.user + d.system) / 1e6).toFixed(2)} s`;
  };

  // One stream per connection, numbered across both listeners (TCP and WebSocket count separately).
  let connections = 0;
  const handler = async (channel: Channel & { flush(): Promise<void> }, connection: ConnectionInfo) => {
    const rng = master.fork(`delphi-ts/cli/serve/session/${++connections}`);
    try {
      const report = await serveConnection(channel, model, {
        backend,
        allowInsecure,
        rng,
        limits,
        ...(pool ? { pool } : {}),
        ...(spill ? { spill } : {}),
        firstRequestTimeoutMs,
        requestIdleTimeoutMs,
        ...(store ? { store } : {}),
        onPhase: ({ sessionId, slot, cost }) => {
          log(
            `#${connection.id} session ${sessionId.slice(0, 8)} slot ${slot}: ${cost.phase} ${formatMs(cost.ms)}, ` +
              `received ${formatBytes(cost.clientToServer.bytes)}, sent ${formatBytes(cost.serverToClient.bytes)}, ${processCpu()}`,
          );
        },
        onRefused: (reason) => log(`#${connection.id} refused: ${reason}`),
      });
      // After BYE the client may already have closed; everything it needed was delivered.
      await channel.flush().catch(() => undefined);
      sessionsServed++;
      const setup = report.phases.find((p) => p.phase === 'setup');
      if (setup) log(`#${connection.id} session ${report.sessionId?.slice(0, 8)} set up in ${formatMs(setup.ms)}, received ${formatBytes(setup.clientToServer.bytes)}`);
      log(`#${connection.id} done: ${report.phases.filter((p) => p.phase === 'online').length} online phases, ${report.refused.length} refusals`);
    } finally {
      if (values.once) stopRequested();
    }
  };
  let serversUp = false;
  const listenOptions = {
    host: values.host ?? '127.0.0.1',
    maxConnections: maxClients,
    sessionTimeoutMs: Math.round(sessionSeconds * 1000),
    ...transport,
    ...serverLimits(values),
    handshake: helloOptions(backend, fingerprint),
    // A failure to listen is reported once, by the rejection below, not also as an event.
    onEvent: (e: ServerEvent) => (serversUp || e.type !== 'error') && logEvent(e, log),
    handler,
  };
  const servers: { close(o: { graceMs: number }): Promise<void> }[] = [];
  let listening: { host: string; port: number } | undefined;
  try {
    if (port !== undefined) {
      const server = await listenTcp({ ...listenOptions, port });
      servers.push(server);
      const where = `${server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host}:${server.address.port}`;
      io.out(`listening on ${where}\n`);
      listening = server.address;
    }
    if (wsPort !== undefined) {
      const ws = await listenWebSocket({ ...listenOptions, port: wsPort, ...(values['ws-origin'] ? { allowedOrigins: values['ws-origin'] } : {}) });
      servers.push(ws);
      io.out(`listening on ${ws.url}\n`);
      listening ??= ws.address;
    }
  } catch (e) {
    for (const s of servers) await s.close({ graceMs: 0 });
    throw e;
  }
  serversUp = true;
  io.err(
    `serving "${architecture.name}" (input ${formatShape(architecture.inputShape)}, ${architecture.layers.length} layers, ` +
      `fingerprint ${fingerprint.slice(0, 16)}…) with backend ${backendName}${allowInsecure ? ' (INSECURE)' : ''}\n`,
  );
  if (listening) hooks.onListening?.(listening);

  const releaseSignals = stopOnSignals(() => stopRequested(), hooks.signal);
  try {
    await stopped;
    log('shutting down');
    await Promise.all(servers.map((s) => s.close({ graceMs: values.once ? 0 : 10_000 })));
  } finally {
    releaseSignals();
    await pool?.close();
    spill?.close();
  }
  log(`stopped after ${sessionsServed} session${sessionsServed === 1 ? '' : 's'}`);
  return EXIT.OK;
}

/** The listening options of `serve`, checked: ports, connections at once, session and request deadlines. */
function listenSettings(values: {
  port?: string;
  'ws-port'?: string;
  'max-clients'?: string;
  'session-timeout'?: string;
  'first-request-timeout'?: string;
  'request-timeout'?: string;
}) {
  const wsPort = values['ws-port'] === undefined ? undefined : Number(values['ws-port']);
  if (wsPort !== undefined && (!Number.isSafeInteger(wsPort) || wsPort < 0 || wsPort > 65535)) throw new UsageError(`--ws-port takes 0 to 65535, got "${values['ws-port']}"`);
  const port = values.port === undefined ? (wsPort === undefined ? 7000 : undefined) : Number(values.port);
  if (port !== undefined && (!Number.isSafeInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port takes 0 to 65535, got "${values.port}"`);
  const maxClients = values['max-clients'] === undefined ? 8 : positiveInteger(values['max-clients'], '--max-clients');
  const sessionSeconds = values['session-timeout'] === undefined ? 3600 : positiveNumber(values['session-timeout'], '--session-timeout');
  if (sessionSeconds * 1000 > 2 ** 31 - 1) throw new UsageError('--session-timeout is too long');
  const requestDeadline = (flag: 'first-request-timeout' | 'request-timeout', fallback: number): number => {
    const text = values[flag];
    return text === undefined ? fallback : secondsOption(text, `--${flag}`);
  };
  const firstRequestTimeoutMs = requestDeadline('first-request-timeout', DEFAULT_REQUEST_DEADLINES.firstRequestTimeoutMs);
  const requestIdleTimeoutMs = requestDeadline('request-timeout', DEFAULT_REQUEST_DEADLINES.requestIdleTimeoutMs);
  return { port, wsPort, maxClients, sessionSeconds, firstRequestTimeoutMs, requestIdleTimeoutMs };
}

/**
 * Calls `stop` on SIGINT or SIGTERM — or, when the caller passes an abort signal (tests), on its
 * abort instead; returns what removes the process listeners again.
 */
function stopOnSignals(stop: () => void, signal: AbortSignal | undefined): () => void {
  const useProcessSignals = signal === undefined && typeof process !== 'undefined';
  if (useProcessSignals) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  if (signal) {
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }
  return () => {
    if (useProcessSignals) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  };
}

function serviceLimits(values: { 'max-slots'?: string; 'max-sessions'?: string; 'max-state-mib'?: string; 'session-ttl-hours'?: string }): ServiceLimits {
  const d = DEFAULT_SERVICE_LIMITS;
  return {
    maxSlotsPerSession: values['max-slots'] === undefined ? d.maxSlotsPerSession : positiveInteger(values['max-slots'], '--max-slots'),
    maxSessions: values['max-sessions'] === undefined ? d.maxSessions : positiveInteger(values['max-sessions'], '--max-sessions'),
    maxStoreBytes: values['max-state-mib'] === undefined ? d.maxStoreBytes : positiveNumber(values['max-state-mib'], '--max-state-mib') * 2 ** 20,
    sessionTtlMs: values['session-ttl-hours'] === undefined ? d.sessionTtlMs : positiveNumber(values['session-ttl-hours'], '--session-ttl-hours') * 3600 * 1000,
  };
}

function serveInferenceCheck(backend: ProtocolBackend, allowInsecure: boolean): void {
  const insecure = (['linear', 'activations', 'triples'] as const).filter((k) => !backend[k].secure);
  if (insecure.length > 0 && !allowInsecure) {
    throw new UsageError(
      `the backend is not private (${insecure.map((k) => backend[k].id).join(', ')}): a server using it learns every client's input. Pass --insecure to run it anyway (tests, teaching)`,
    );
  }
}

function logEvent(e: ServerEvent, log: (text: string) => void): void {
  switch (e.type) {
    case 'connected':
      log(`#${e.connection.id} connected from ${e.connection.remote}`);
      break;
    case 'rejected':
      log(`refused ${e.remote}: ${e.reason}`);
      break;
    case 'handshake-failed':
      log(`#${e.connection.id} handshake failed: ${e.error.message}`);
      break;
    case 'error':
      log(`${e.connection ? `#${e.connection.id} ` : ''}session failed: ${e.error.message}`);
      break;
    case 'disconnected':
      log(`#${e.connection.id} disconnected after ${formatMs(e.durationMs)} (${e.reason})`);
      break;
    default:
      break;
  }
}
