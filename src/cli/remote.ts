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
import { backendIds, delphiBackend, insecureDealer, type PhaseCost, type ProtocolBackend } from '../protocol/index.js';
import { UsageError } from './command.js';

/** Protocol backends the CLI can run, by name. */
export const CLI_BACKENDS: Readonly<Record<string, { backend: ProtocolBackend; summary: string }>> = {
  delphi: {
    backend: delphiBackend(),
    summary: "Delphi's: BFV linear layers (n = 8192, t = p, flooded), garbled ReLUs with OT, BFV square pairs",
  },
  'delphi-three-halves': {
    backend: delphiBackend({ garbling: 'three-halves' }),
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

/** Reads the transport options into {@link TcpChannelOptions}. */
export function transportOptions(values: { 'max-message-mib'?: string; 'idle-timeout'?: string; 'recv-timeout'?: string }): TcpChannelOptions {
  const out: TcpChannelOptions = {};
  if (values['max-message-mib'] !== undefined) {
    const mib = positiveNumber(values['max-message-mib'], '--max-message-mib');
    if (mib * 2 ** 20 > 2 ** 31 - 1) throw new UsageError('--max-message-mib must be below 2048');
    out.maxMessageBytes = Math.floor(mib * 2 ** 20);
  }
  if (values['idle-timeout'] !== undefined) out.idleTimeoutMs = seconds(values['idle-timeout'], '--idle-timeout');
  if (values['recv-timeout'] !== undefined) out.recvTimeoutMs = seconds(values['recv-timeout'], '--recv-timeout');
  return out;
}

/** A positive number from the command line. */
export function positiveNumber(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new UsageError(`${flag} takes a positive number, got "${text}"`);
  return v;
}

/** A positive integer from the command line. */
export function positiveInteger(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v <= 0) throw new UsageError(`${flag} takes a positive integer, got "${text}"`);
  return v;
}

function seconds(text: string, flag: string): number {
  const ms = Math.round(positiveNumber(text, flag) * 1000);
  if (ms > 2 ** 31 - 1) throw new UsageError(`${flag} is too long`);
  return ms;
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

/** Session parameter carrying the backend identifiers; both HELLOs must agree on it (§2.5). */
export const BACKEND_PARAM = 'backend';
/** Session parameter in which the server announces its architecture fingerprint (§9.3). */
export const FINGERPRINT_PARAM = 'model-fingerprint';

/** The transport-level HELLO options of one end (the role is added by the caller). */
export function helloOptions(backend: ProtocolBackend, fingerprint?: string): Omit<HandshakeOptions, 'role'> {
  const ids = backendIds(backend);
  return {
    params: {
      [BACKEND_PARAM]: `linear=${ids.linear};activations=${ids.activations};triples=${ids.triples}`,
      ...(fingerprint === undefined ? {} : { [FINGERPRINT_PARAM]: fingerprint }),
    },
    mustMatch: [BACKEND_PARAM],
  };
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
    const hello = await performHandshake(channel, { role: 'client', ...helloOptions(options.backend) });
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
