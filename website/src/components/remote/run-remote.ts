/**
 * The client of "Private inference against a server", independent of where it runs: opens a
 * WebSocket to `delphi serve --ws-port`, passes the transport HELLO (§2.5) and runs one private
 * inference — setup, preprocessing, online (§9.5) — reporting progress per phase (share done,
 * bytes, time) and what the server received (message sizes only). The page runs it in a Web Worker
 * (./inference.worker.ts); tests run it in Node.
 *
 * Once the library has a client *session* (setup once, preprocess ahead, online per input), only
 * {@link runPhases} changes: setup and preprocessing move out of the per-input path.
 */
import { connectWebSocket, performHandshake, type Channel, type ChannelStats, type ConnectWebSocketOptions } from 'delphi-ts/net';
import { backendIds, clientHandshake, clientOnline, clientPreprocess, delphiBackend, insecureDealer, type ProtocolBackend } from 'delphi-ts/protocol';
import { DelphiError, ProtocolError, TransportError } from 'delphi-ts/errors';
import { systemRng } from 'delphi-ts/random';
import { VERSION } from 'delphi-ts';

/** Backends the page offers, by the name `delphi serve --backend` uses. */
export type RemoteBackend = 'delphi' | 'insecure-dealer';

/** What the page asks for. */
export interface RunRequest {
  readonly type: 'run';
  /** ws:// or wss:// URL of the server. */
  readonly url: string;
  /** 784 intensities in [0, 1] (28 × 28, row-major). */
  readonly pixels: readonly number[];
  readonly backend: RemoteBackend;
  /** Architecture fingerprint of the model the page was written for (models/mnist-small.json). */
  readonly expectedFingerprint: string;
  readonly expectedModel: string;
}

export type Phase = 'setup' | 'preprocessing' | 'online';

/** Live progress of one phase. */
export interface PhaseProgress {
  readonly phase: Phase;
  /** 0 … 1. */
  readonly fraction: number;
  readonly item: string;
  /** Payload bytes the client sent / received in this phase so far. */
  readonly sent: number;
  readonly received: number;
  readonly ms: number;
}

/** A finished phase, and what the server received in it. */
export interface PhaseSummary {
  readonly phase: Phase;
  readonly ms: number;
  readonly sent: number;
  readonly received: number;
  readonly messages: number;
  /** Size of each message the server received from the client in this phase, in order. */
  readonly serverReceived: readonly number[];
}

/** Why a run failed, for the page to explain. */
export type FailureKind = 'unreachable' | 'version' | 'backend' | 'model' | 'not-delphi' | 'aborted' | 'other';

export type WorkerMessage =
  | { readonly type: 'status'; readonly text: string }
  | { readonly type: 'connected'; readonly server: string; readonly software: string; readonly version: string }
  | { readonly type: 'progress'; readonly progress: PhaseProgress }
  | { readonly type: 'phase-done'; readonly summary: PhaseSummary }
  | {
      readonly type: 'result';
      readonly prediction: number;
      readonly decoded: readonly number[];
      readonly totalMs: number;
      readonly phases: readonly PhaseSummary[];
      readonly wire: { readonly sent: number; readonly received: number };
      readonly transportReceived: readonly number[];
    }
  | { readonly type: 'error'; readonly kind: FailureKind; readonly message: string };

/** Session parameters of the transport HELLO: the same as `delphi serve` / `delphi infer` announce. */
const BACKEND_PARAM = 'backend';
const FINGERPRINT_PARAM = 'model-fingerprint';

function backendFor(name: RemoteBackend): ProtocolBackend {
  return name === 'insecure-dealer' ? insecureDealer : delphiBackend();
}

/** The HELLO parameter naming the backends, as src/cli/remote.ts `helloOptions` writes it. */
function backendParam(backend: ProtocolBackend): string {
  const ids = backendIds(backend);
  return `linear=${ids.linear};activations=${ids.activations};triples=${ids.triples}`;
}

/** A channel that remembers the size of each message the client sends (= what the server receives). */
class RecordingChannel implements Channel {
  readonly sizes: number[] = [];
  constructor(readonly inner: Channel) {}
  get stats(): Readonly<ChannelStats> {
    return this.inner.stats;
  }
  send(message: Uint8Array): void {
    this.inner.send(message);
    this.sizes.push(message.length);
  }
  recv(): Promise<Uint8Array> {
    return this.inner.recv();
  }
  close(reason?: string): void {
    this.inner.close(reason);
  }
  flush(): Promise<void> {
    return this.inner.flush?.() ?? Promise.resolve();
  }
  /** Sizes recorded since the last call. */
  take(): number[] {
    return this.sizes.splice(0);
  }
}

class RunFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** Classifies an error thrown by the transport or the protocol into a message for the page. */
export function describeFailure(e: unknown, url: string): { kind: FailureKind; message: string } {
  if (e instanceof RunFailure) return { kind: e.kind, message: e.message };
  const text = e instanceof Error ? e.message : String(e);
  if (e instanceof TransportError && /^could not connect/.test(text)) {
    return {
      kind: 'unreachable',
      message: `No delphi server answers at ${url}. Start one with the command above (it must run on this machine, or allow this page's origin with --ws-origin), then try again.`,
    };
  }
  if (e instanceof ProtocolError && /version mismatch/.test(text)) {
    return { kind: 'version', message: `The server runs another version of the delphi-ts protocol: ${text}. This page is delphi-ts ${VERSION}: run the server from the same release.` };
  }
  if (e instanceof ProtocolError && /"backend" differs|backend/.test(text)) {
    return { kind: 'backend', message: `The server uses other cryptographic backends than the one chosen here: ${text}. Pick the server's backend in the list, or restart the server.` };
  }
  if (e instanceof ProtocolError && /peer speaks protocol|HELLO/.test(text)) {
    return { kind: 'not-delphi', message: `The program at ${url} is not a delphi-ts server: ${text}.` };
  }
  if (e instanceof TransportError && /peer closed the connection: server busy/.test(text)) {
    return { kind: 'other', message: `The server is busy serving other clients; try again in a moment. (${text})` };
  }
  return { kind: 'other', message: e instanceof DelphiError ? `${e.name}: ${text}` : text };
}

/**
 * Runs one private inference against `request.url`, posting {@link WorkerMessage}s; resolves when
 * done (the last message is `result` or `error`). `socketOptions` lets Node tests pass `ws`.
 */
export async function runRemoteInference(
  request: RunRequest,
  post: (message: WorkerMessage) => void,
  socketOptions: Pick<ConnectWebSocketOptions, 'createSocket'> = {},
): Promise<void> {
  let channel: Awaited<ReturnType<typeof connectWebSocket>> | undefined;
  try {
    const backend = backendFor(request.backend);
    const allowInsecure = request.backend === 'insecure-dealer';
    post({ type: 'status', text: `connecting to ${request.url}…` });
    channel = await connectWebSocket(request.url, { connectTimeoutMs: 10_000, ...socketOptions });
    const recording = new RecordingChannel(channel);
    const hello = await performHandshake(recording, {
      role: 'client',
      params: { [BACKEND_PARAM]: backendParam(backend) },
      mustMatch: [BACKEND_PARAM],
    });
    const announced = hello.peer.params.get(FINGERPRINT_PARAM);
    const fingerprint = announced ? new TextDecoder().decode(announced) : '';
    if (fingerprint !== request.expectedFingerprint) {
      channel.close('the client expected another model');
      throw new RunFailure(
        'model',
        `The server serves another model (architecture fingerprint ${fingerprint.slice(0, 16) || 'not announced'}…), not ${request.expectedModel} ` +
          `(${request.expectedFingerprint.slice(0, 16)}…), which this page draws digits for. Restart it with --model models/${request.expectedModel}.json.`,
      );
    }
    post({
      type: 'connected',
      server: request.url,
      software: hello.peer.software,
      version: `${hello.version.major}.${hello.version.minor}`,
    });
    await runPhases(recording, request, backend, allowInsecure, post, channel);
  } catch (e) {
    post({ type: 'error', ...describeFailure(e, request.url) });
  } finally {
    if (channel && !channel.closed) channel.close('client finished');
  }
}

/** Setup, preprocessing and online for one input (the three phases of §9.5, as `requestInference`). */
async function runPhases(
  recording: RecordingChannel,
  request: RunRequest,
  backend: ProtocolBackend,
  allowInsecure: boolean,
  post: (message: WorkerMessage) => void,
  socket: { wire: { bytesSent: number; bytesReceived: number } },
): Promise<void> {
  const started = performance.now();
  const transportReceived = recording.take(); // the client's HELLO
  let phaseStart = performance.now();
  let base = { ...recording.stats };
  let lastPost = 0;
  const onProgress = (e: { phase: Phase; item: string; done: number; total: number }) => {
    const now = performance.now();
    const stepDone = Number.isInteger(e.done);
    if (!stepDone && now - lastPost < 100) return;
    lastPost = now;
    post({
      type: 'progress',
      progress: {
        phase: e.phase,
        fraction: e.total > 0 ? Math.min(1, e.done / e.total) : 0,
        item: e.item,
        sent: recording.stats.bytesSent - base.bytesSent,
        received: recording.stats.bytesReceived - base.bytesReceived,
        ms: now - phaseStart,
      },
    });
  };
  const phases: PhaseSummary[] = [];
  const finish = (phase: Phase, cost: { ms: number; clientToServer: { bytes: number; messages: number }; serverToClient: { bytes: number; messages: number } }) => {
    const summary: PhaseSummary = {
      phase,
      ms: cost.ms,
      sent: cost.clientToServer.bytes,
      received: cost.serverToClient.bytes,
      messages: cost.clientToServer.messages + cost.serverToClient.messages,
      serverReceived: recording.take(),
    };
    phases.push(summary);
    post({ type: 'phase-done', summary });
    phaseStart = performance.now();
    base = { ...recording.stats };
  };
  const rng = systemRng();
  const session = await clientHandshake(recording, { backend, allowInsecure, rng, onProgress });
  finish('setup', session.setup);
  const pre = await clientPreprocess(session, { onProgress });
  finish('preprocessing', pre.cost);
  const out = await clientOnline(session, pre, request.pixels, { onProgress });
  finish('online', out.cost);
  recording.close('inference complete');
  post({
    type: 'result',
    prediction: out.prediction,
    decoded: [...out.decoded],
    totalMs: performance.now() - started,
    phases,
    wire: { sent: socket.wire.bytesSent, received: socket.wire.bytesReceived },
    transportReceived,
  });
}
