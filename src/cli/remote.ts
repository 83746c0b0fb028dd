/**
 * What `delphi serve`, `delphi preprocess` and `delphi infer` share: loading a model file, choosing a protocol backend,
 * the transport options (limits and timeouts of §2.6) and the HELLO each side sends (§2.5).
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { HandshakeOptions } from '../net/handshake.js';
import type { TcpChannelOptions } from '../net/tcp.js';
import { connectTcp, connectWebSocketNode, parseHostPort, performHandshake, type HostPort, type TcpChannel, type WebSocketChannel } from '../net/node.js';
import { loadModelBytes, modelInputShape, type FixedPointModel, type LoadModelOptions } from '../nn/index.js';
import { loadCalibrationInputs } from './calibration.js';
import { delphiBackend, FINGERPRINT_PARAM, serviceHelloOptions, formatBytes, insecureDealer, type PhaseCost, type ProtocolBackend } from '../protocol/index.js';
import { positiveInteger, positiveNumber, secondsOption, UsageError } from './command.js';
import { threadCount, THREADS_OPTIONS } from './threads.js';
import { fromSeed, seedFromHex, systemRng, type Rng } from '../random/index.js';


/**
 * Bytes of weight plaintexts `serve` encodes once per model (§9.9.3, `bfvLinear`'s `precompute`): all
 * of mnist-delphi's (≈ 158 MB), the first layers of larger models.
 */
export const SERVE_PLAINTEXT_CACHE_BYTES = 256 * 2 ** 20;
const precompute = { maxBytes: SERVE_PLAINTEXT_CACHE_BYTES };

/** Protocol backends the CLI can run, by name. */
export const CLI_BACKENDS: Readonly<Record<string, { backend: ProtocolBackend; summary: string }>> = {
  delphi: {
    backend: delphiBackend({ precompute }),
    summary: "Delphi's: BFV linear layers (n = 8192, t = p, flooded), garbled ReLUs with OT, BFV square pairs",
  },
  'delphi-iknp': {
    backend: delphiBackend({ ot: { kind: 'iknp' }, precompute }),
    summary: "Delphi's, with IKNP OT extension instead of SoftSpokenOT (k = 4): 4 times the OT upload",
  },
  'delphi-three-halves': {
    backend: delphiBackend({ garbling: 'three-halves', precompute }),
    summary: "Delphi's with three-halves garbling (§5.13): ReLU tables 6354 instead of 8256 bytes",
  },
  'insecure-dealer': {
    backend: insecureDealer,
    summary: 'a trusted dealer stands in for HE, garbled circuits and OT: fast, but NOT private (needs --insecure)',
  },
};

/** The backend `delphi serve` and `delphi infer` use unless told otherwise. */
export const DEFAULT_BACKEND = 'delphi';

/** The backend named `name`, or a UsageError listing the available ones. */
export function resolveBackend(name: string): ProtocolBackend {
  const entry = CLI_BACKENDS[name];
  if (!entry) {
    const list = Object.entries(CLI_BACKENDS).map(([n, e]) => `  ${n}: ${e.summary}`);
    throw new UsageError(`unknown backend "${name}"; available:\n${list.join('\n')}`);
  }
  return entry.backend;
}

/** Usage lines of the backend options. */
export const BACKEND_USAGE = `  --backend NAME          protocol backend; both ends must use the same (default delphi):
${Object.entries(CLI_BACKENDS)
  .map(([n, e]) => `                            ${n}: ${e.summary}`)
  .join('\n')}
  --insecure              allow a backend that is not private (required for insecure-dealer)`;

/** Usage lines of the transport options. */
export const TRANSPORT_USAGE = `  --max-message-mib N     largest message accepted, in MiB (default 256)
  --idle-timeout SEC      drop a peer silent for this long, heartbeats included (default 300)
  --recv-timeout SEC      fail a receive that waits longer (default: no limit)`;

/** parseArgs option table of the transport options. */
export const TRANSPORT_OPTIONS = {
  'max-message-mib': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'recv-timeout': { type: 'string' },
} as const;

/** parseArgs options every party takes (`serve`, `infer`, `preprocess`): seed, backend, threads, transport. */
export const PARTY_OPTIONS = {
  seed: { type: 'string' },
  backend: { type: 'string' },
  insecure: { type: 'boolean' },
  ...THREADS_OPTIONS,
  ...TRANSPORT_OPTIONS,
} as const;

/** parseArgs options of the client commands (`infer`, `preprocess`): {@link PARTY_OPTIONS} and the connection. */
export const CLIENT_OPTIONS = {
  server: { type: 'string' },
  'expect-fingerprint': { type: 'string' },
  json: { type: 'boolean' },
  'connect-timeout': { type: 'string' },
  ...PARTY_OPTIONS,
} as const;

/** The values of {@link PARTY_OPTIONS} as parseArgs returns them. */
export interface PartyOptionValues {
  seed?: string;
  backend?: string;
  insecure?: boolean;
  threads?: string;
  'max-message-mib'?: string;
  'idle-timeout'?: string;
  'recv-timeout'?: string;
}

/** What {@link PARTY_OPTIONS} configure, read and checked. */
export interface PartySettings {
  readonly backendName: string;
  readonly backend: ProtocolBackend;
  readonly allowInsecure: boolean;
  readonly transport: TcpChannelOptions;
  readonly threads: number;
  /** Seeded by `--seed HEX` (reproducible), else from the system. */
  readonly rng: Rng;
}

/** Reads {@link PARTY_OPTIONS}; a client also checks that the backend is private unless `--insecure` ({@link checkCliBackend}). */
export function partySettings(values: PartyOptionValues, options: { client: boolean }): PartySettings {
  const backendName = values.backend ?? DEFAULT_BACKEND;
  const backend = resolveBackend(backendName);
  const allowInsecure = values.insecure === true;
  if (options.client) checkCliBackend(backend, allowInsecure);
  const transport = transportOptions(values);
  const threads = threadCount(values.threads);
  const rng = values.seed === undefined ? systemRng() : fromSeed(seedFromHex(values.seed));
  return { backendName, backend, allowInsecure, transport, threads, rng };
}

/** `--connect-timeout SEC` in milliseconds, or undefined (the default). */
export function connectTimeout(values: { 'connect-timeout'?: string }): { connectTimeoutMs?: number } {
  const text = values['connect-timeout'];
  return text === undefined ? {} : { connectTimeoutMs: Math.round(positiveNumber(text, '--connect-timeout') * 1000) };
}

/** One row of the phase table of `delphi infer` and `delphi preprocess`. */
export function phaseRow(name: string, ms: number | string, clientToServer: number | string, serverToClient: number | string): string {
  const bytes = (b: number | string) => (typeof b === 'string' ? b : formatBytes(b)).padStart(14);
  return `${name.padEnd(18)} ${(typeof ms === 'number' ? formatMs(ms) : ms).padStart(10)} ${bytes(clientToServer)} ${bytes(serverToClient)}`;
}

/** Reads the transport options into {@link TcpChannelOptions}. */
export function transportOptions(values: { 'max-message-mib'?: string; 'idle-timeout'?: string; 'recv-timeout'?: string }): TcpChannelOptions {
  const out: TcpChannelOptions = {};
  if (values['max-message-mib'] !== undefined) {
    const mib = positiveNumber(values['max-message-mib'], '--max-message-mib');
    if (mib * 2 ** 20 > 2 ** 31 - 1) throw new UsageError('--max-message-mib must be below 2048');
    out.maxMessageBytes = Math.floor(mib * 2 ** 20);
  }
  if (values['idle-timeout'] !== undefined) out.idleTimeoutMs = secondsOption(values['idle-timeout'], '--idle-timeout');
  if (values['recv-timeout'] !== undefined) out.recvTimeoutMs = secondsOption(values['recv-timeout'], '--recv-timeout');
  return out;
}

/**
 * Loads a model for serving: a delphi-ts JSON model, or an ONNX file (a final softmax is dropped,
 * since it does not change the prediction), compiled to fixed point (§8.8) with the precision
 * chosen for it (§8.15) unless `fractionalBits` forces one; warnings go to `onWarning`.
 */
export async function loadServedModel(
  path: string,
  fractionalBits?: number,
  options: Omit<LoadModelOptions, 'fractionalBits' | 'calibration'> & { calibrate?: string; onWarning?: (line: string) => void } = {},
): Promise<FixedPointModel> {
  const bytes = new Uint8Array(await readFile(path));
  const calibration = options.calibrate === undefined ? undefined : await loadCalibrationInputs(options.calibrate, modelInputShape(bytes));
  const loaded = loadModelBytes(bytes, path, { ...options, fractionalBits, ...(calibration ? { calibration } : {}) });
  for (const n of loaded.notes) options.onWarning?.(`note: ${n}`);
  if (loaded.precision !== null && loaded.warnings.length === 0) {
    const p = loaded.precision;
    options.onWarning?.(`note: ${p.fractionalBits} fractional bits (max logit error ${p.maxLogitError.toExponential(1)} on ${p.calibrationInputs} ${p.calibration === 'inputs' ? 'given' : 'synthetic'} calibration inputs)`);
  }
  for (const w of loaded.warnings) options.onWarning?.(`warning: ${w}`);
  return loaded.fixedPoint;
}

export { BACKEND_PARAM, FINGERPRINT_PARAM } from '../protocol/index.js';

/** The transport-level HELLO options of one end (the role is added by the caller): {@link serviceHelloOptions}. */
export function helloOptions(backend: ProtocolBackend, fingerprint?: string): Omit<HandshakeOptions, 'role'> {
  return serviceHelloOptions(backend, fingerprint);
}

/** "1.23 s" or "45.6 ms". */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Options `delphi infer` and `delphi preprocess` share for reaching a server. */
export interface ClientConnectOptions {
  readonly server: string;
  readonly backend: ProtocolBackend;
  readonly connectTimeoutMs?: number;
  readonly transport: TcpChannelOptions;
}

/** Parses --server HOST:PORT (a UsageError on mistakes). */
export function serverAddress(server: string | undefined): HostPort | string {
  if (server === undefined) throw new UsageError('--server HOST:PORT (or ws://HOST:PORT) is required');
  try {
    return /^wss?:\/\//i.test(server) ? new URL(server).href : parseHostPort(server, 'localhost');
  } catch (e) {
    throw new UsageError(`--server: ${(e as Error).message}`);
  }
}

/** A connected client channel: TCP, or WebSocket for a `ws://` server (§2.8). */
export type ClientChannel = TcpChannel | WebSocketChannel;

/**
 * Connects and passes the transport HELLO (§2.5); returns the channel and the architecture
 * fingerprint the server announced in its HELLO (checked later against the protocol's).
 */
export async function connectToServer(options: ClientConnectOptions): Promise<{ channel: ClientChannel; announced: string | undefined }> {
  const address = serverAddress(options.server);
  const connectOptions = { ...options.transport, ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}) };
  const channel: ClientChannel = typeof address === 'string' ? await connectWebSocketNode(address, connectOptions) : await connectTcp(address, connectOptions);
  try {
    const hello = await performHandshake(channel, { role: 'client', ...serviceHelloOptions(options.backend) });
    const announced = hello.peer.params.get(FINGERPRINT_PARAM);
    return { channel, announced: announced ? new TextDecoder().decode(announced) : undefined };
  } catch (e) {
    channel.close('handshake failed');
    throw e;
  }
}

/** UsageError unless the backend is private or --insecure was given. */
export function checkCliBackend(backend: ProtocolBackend, allowInsecure: boolean): void {
  if (allowInsecure) return;
  const insecure = (['linear', 'activations', 'triples'] as const).filter((k) => !backend[k].secure);
  if (insecure.length > 0) {
    throw new UsageError(`the backend is not private (${insecure.map((k) => backend[k].id).join(', ')}): the server would learn your input. Pass --insecure to run it anyway (tests, teaching)`);
  }
}

/** One phase in a JSON report. */
export function phaseJson(p: PhaseCost, input?: number): { phase: string; ms: number; clientToServerBytes: number; serverToClientBytes: number; messages: number; input?: number } {
  return {
    phase: p.phase,
    ...(input === undefined ? {} : { input }),
    ms: Math.round(p.ms * 1000) / 1000,
    clientToServerBytes: p.clientToServer.bytes,
    serverToClientBytes: p.serverToClient.bytes,
    messages: p.clientToServer.messages + p.serverToClient.messages,
  };
}
