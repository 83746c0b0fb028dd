/**
 * `delphi serve --model MODEL --port N`: holds a model and serves private inferences over TCP,
 * several clients at once. Each connection passes the transport HELLO (§2.5), then runs one
 * Delphi session (§9.5: handshake, preprocessing, online) with its own random stream. The server
 * logs sessions to stderr; it never learns or prints a client's input or prediction.
 * @module
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { listenTcp, type ServerEvent } from '../../net/node.js';
import { architectureFingerprint, formatBytes, publicArchitecture, serveInference } from '../../protocol/index.js';
import { fromSeed, seedFromHex, systemRng, type Rng } from '../../random/index.js';
import { formatShape } from '../../nn/index.js';
import {
  BACKEND_USAGE,
  formatMs,
  helloOptions,
  loadServedModel,
  positiveInteger,
  positiveNumber,
  DEFAULT_BACKEND, resolveBackend,
  TRANSPORT_OPTIONS,
  TRANSPORT_USAGE,
  transportOptions,
} from '../remote.js';

const usage = `Usage: delphi serve --model FILE [options]

Serves private inference on a model over TCP: clients run "delphi infer --server HOST:PORT".
The server learns nothing about a client's input or result (with a secure backend).

  --model FILE            model: delphi-ts JSON or ONNX
  --port N                TCP port (default 7000; 0 picks a free one)
  --host ADDR             interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --max-clients N         sessions served at once (default 8)
  --session-timeout SEC   close a session after this long, whatever it is doing (default 3600)
  --once                  serve one session, then exit
  --fractional-bits F     fixed-point precision (default: the model's)
  --seed HEX              seed the server's randomness (reproducible transcripts; never in production)
${BACKEND_USAGE}
${TRANSPORT_USAGE}

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
      host: { type: 'string' },
      'max-clients': { type: 'string' },
      'session-timeout': { type: 'string' },
      once: { type: 'boolean' },
      'fractional-bits': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      insecure: { type: 'boolean' },
      ...TRANSPORT_OPTIONS,
    },
    strict: true,
  });
  if (values.model === undefined) throw new UsageError('--model FILE is required');
  const port = values.port === undefined ? 7000 : Number(values.port);
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes 0 to 65535, got "${values.port}"`);
  const maxClients = values['max-clients'] === undefined ? 8 : positiveInteger(values['max-clients'], '--max-clients');
  const sessionSeconds = values['session-timeout'] === undefined ? 3600 : positiveNumber(values['session-timeout'], '--session-timeout');
  if (sessionSeconds * 1000 > 2 ** 31 - 1) throw new UsageError('--session-timeout is too long');
  const fractionalBits = values['fractional-bits'] === undefined ? undefined : positiveInteger(values['fractional-bits'], '--fractional-bits');
  const backend = resolveBackend(values.backend ?? DEFAULT_BACKEND);
  const allowInsecure = values.insecure === true;
  const transport = transportOptions(values);
  const master: Rng = values.seed === undefined ? systemRng() : fromSeed(seedFromHex(values.seed));

  const model = await loadServedModel(values.model, fractionalBits);
  const architecture = publicArchitecture(model);
  const fingerprint = architectureFingerprint(architecture);
  // Fail now, not at the first client, when the backend is insecure and --insecure is missing.
  serveInferenceCheck(backend, allowInsecure);

  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  let sessionsServed = 0;
  const log = (text: string) => io.err(`${new Date().toISOString()} ${text}\n`);

  let listening = false; // a failure to listen is reported once, by the rejection below
  const server = await listenTcp({
    port,
    host: values.host ?? '127.0.0.1',
    maxConnections: maxClients,
    sessionTimeoutMs: Math.round(sessionSeconds * 1000),
    ...transport,
    handshake: helloOptions(backend, fingerprint),
    onEvent: (e) => (listening || e.type !== 'error') && logEvent(e, log),
    handler: async (channel, connection) => {
      const rng = master.fork(`delphi-ts/cli/serve/session/${connection.id}`);
      try {
        const result = await serveInference(channel, model, { backend, allowInsecure, rng });
        await channel.flush();
        sessionsServed++;
        const [setup, pre, online] = result.report.phases;
        const recv = result.report.phases.reduce((n, p) => n + p.clientToServer.bytes, 0);
        const sent = result.report.phases.reduce((n, p) => n + p.serverToClient.bytes, 0);
        log(
          `#${connection.id} inference served: setup ${formatMs(setup.ms)}, preprocessing ${formatMs(pre.ms)}, ` +
            `online ${formatMs(online.ms)}; received ${formatBytes(recv)}, sent ${formatBytes(sent)}`,
        );
      } finally {
        if (values.once) stopRequested();
      }
    },
  });
  listening = true;
  const where = `${server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host}:${server.address.port}`;
  io.out(`listening on ${where}\n`);
  io.err(
    `serving "${architecture.name}" (input ${formatShape(architecture.inputShape)}, ${architecture.layers.length} layers, ` +
      `fingerprint ${fingerprint.slice(0, 16)}…) with backend ${values.backend ?? DEFAULT_BACKEND}${allowInsecure ? ' (INSECURE)' : ''}\n`,
  );
  hooks.onListening?.(server.address);

  const onSignal = () => stopRequested();
  const useProcessSignals = hooks.signal === undefined && typeof process !== 'undefined';
  if (useProcessSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  if (hooks.signal) {
    if (hooks.signal.aborted) stopRequested();
    else hooks.signal.addEventListener('abort', onSignal, { once: true });
  }
  try {
    await stopped;
    log('shutting down');
    await server.close({ graceMs: values.once ? 0 : 10_000 });
  } finally {
    if (useProcessSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  log(`stopped after ${sessionsServed} session${sessionsServed === 1 ? '' : 's'}`);
  return EXIT.OK;
}

function serveInferenceCheck(backend: ReturnType<typeof resolveBackend>, allowInsecure: boolean): void {
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
