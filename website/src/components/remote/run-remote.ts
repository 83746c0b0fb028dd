/**
 * The client of "Private inference against a server", independent of where it runs: opens a
 * WebSocket to `delphi serve --ws-port`, passes the transport HELLO (§2.5) and speaks the service
 * protocol (§9.14) with the library's `ServiceClient`: the setup once per session (OPEN), then one
 * preprocessing (PREPROCESS 1) and one online phase (ONLINE) per input. A {@link RemoteClient}
 * keeps its session open between runs, so a second inference on the same page needs no setup.
 * It reports progress per phase (share done, bytes, time) and what the server received (message
 * sizes only). The page runs it in a Web Worker (./inference.worker.ts); tests run it in Node.
 *
 * Spec: §9.14
 * @module
 */
import type { Channel, ChannelStats } from 'delphi-ts/channel';
import { connectWebSocket, performHandshake, type ConnectWebSocketOptions } from 'delphi-ts/net';
import { delphiBackend, FINGERPRINT_PARAM, insecureDealer, ServiceClient, serviceHelloOptions, type PhaseCost, type ProtocolBackend, type ProtocolProgressCallback } from 'delphi-ts/protocol';
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
  /** Size of the service request that started the phase (OPEN, PREPROCESS or ONLINE, §9.14.1). */
  readonly request: number;
  /** True when the phase ran in an earlier run of the same session (only the setup is reused). */
  readonly reused?: boolean;
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
      /** The phases of this run; a reused setup comes first, marked `reused`. */
      readonly phases: readonly PhaseSummary[];
      /** The session id the server assigned, and how many inferences it has served so far. */
      readonly session: { readonly id: string; readonly inferences: number };
      readonly wire: { readonly sent: number; readonly received: number };
      readonly transportReceived: readonly number[];
    }
  | { readonly type: 'error'; readonly kind: FailureKind; readonly message: string };

function backendFor(name: RemoteBackend): ProtocolBackend {
  return name === 'insecure-dealer' ? insecureDealer : delphiBackend();
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

/** An open session: its channel, what the server announced, and the service client. */
interface OpenSession {
  readonly url: string;
  readonly backend: RemoteBackend;
  readonly channel: Awaited<ReturnType<typeof connectWebSocket>>;
  readonly recording: RecordingChannel;
  readonly connected: Extract<WorkerMessage, { type: 'connected' }>;
  readonly transportReceived: readonly number[];
  readonly client: ServiceClient;
  readonly setup: PhaseSummary;
  inferences: number;
}

/** Options of {@link RemoteClient}. */
export interface RemoteClientOptions extends Pick<ConnectWebSocketOptions, 'createSocket'> {
  /** Keep the session open after a run, for the next one (default true). */
  readonly keepSession?: boolean;
}

/**
 * The page's client: runs inferences against a server, one at a time, keeping the service session
 * (its setup) open between runs to the same server with the same backend. Spec: §9.14
 */
export class RemoteClient {
  #session: OpenSession | null = null;
  readonly #options: RemoteClientOptions;

  constructor(options: RemoteClientOptions = {}) {
    this.#options = options;
  }

  /** True while a session is open (the next run to the same server needs no setup). */
  get hasSession(): boolean {
    return this.#session !== null && !this.#session.channel.closed;
  }

  /**
   * Runs one private inference, posting {@link WorkerMessage}s; resolves when done (the last
   * message is `result` or `error`). Reuses the open session when it serves `request.url` with the
   * same backend; otherwise (or when the server has closed it meanwhile) opens a new one.
   */
  async run(request: RunRequest, post: (message: WorkerMessage) => void): Promise<void> {
    const started = performance.now();
    try {
      const kept = this.#reusable(request);
      if (kept !== null) {
        post(kept.connected);
        try {
          await this.#infer(kept, request, true, post, started);
          return;
        } catch (e) {
          // The server dropped the kept connection meanwhile (restart, idle limit): start over once.
          if (!(e instanceof TransportError)) throw e;
          this.#drop();
          post({ type: 'status', text: 'the server closed the session: opening a new one…' });
        }
      }
      this.close();
      const session = await this.#open(request, post);
      this.#session = session;
      await this.#infer(session, request, false, post, started);
    } catch (e) {
      this.#drop();
      post({ type: 'error', ...describeFailure(e, request.url) });
    } finally {
      if (this.#options.keepSession === false) this.close();
    }
  }

  /** Ends the open session (BYE, then the channel closes). */
  close(): void {
    const s = this.#session;
    this.#session = null;
    if (!s || s.channel.closed) return;
    s.client.close();
    void s.channel
      .flush()
      .catch(() => undefined)
      .then(() => s.channel.close('client finished'));
  }

  #reusable(request: RunRequest): OpenSession | null {
    const s = this.#session;
    if (s === null || s.channel.closed || s.url !== request.url || s.backend !== request.backend) return null;
    return s;
  }

  #drop(): void {
    const s = this.#session;
    this.#session = null;
    if (s && !s.channel.closed) s.channel.close('client failed');
  }

  /** Connects, passes the HELLO, checks the model and opens a service session (the setup). */
  async #open(request: RunRequest, post: (message: WorkerMessage) => void): Promise<OpenSession> {
    const backend = backendFor(request.backend);
    post({ type: 'status', text: `connecting to ${request.url}…` });
    const { createSocket } = this.#options;
    const channel = await connectWebSocket(request.url, { connectTimeoutMs: 10_000, ...(createSocket ? { createSocket } : {}) });
    try {
      const recording = new RecordingChannel(channel);
      const hello = await performHandshake(recording, { role: 'client', ...serviceHelloOptions(backend) });
      const announced = hello.peer.params.get(FINGERPRINT_PARAM);
      const fingerprint = announced ? new TextDecoder().decode(announced) : '';
      if (fingerprint !== request.expectedFingerprint) {
        throw new RunFailure(
          'model',
          `The server serves another model (architecture fingerprint ${fingerprint.slice(0, 16) || 'not announced'}…), not ${request.expectedModel} ` +
            `(${request.expectedFingerprint.slice(0, 16)}…), which this page draws digits for. Restart it with --model models/${request.expectedModel}.json.`,
        );
      }
      const connected = {
        type: 'connected',
        server: request.url,
        software: hello.peer.software,
        version: `${hello.version.major}.${hello.version.minor}`,
      } as const;
      post(connected);
      const transportReceived = recording.take(); // the client's HELLO
      const tracker = new PhaseTracker(recording, post);
      const client = await ServiceClient.open(recording, {
        backend,
        allowInsecure: request.backend === 'insecure-dealer',
        rng: systemRng(),
        server: request.url,
        onProgress: tracker.onProgress,
      });
      const setup = tracker.finish('setup', client.setup!);
      return { url: request.url, backend: request.backend, channel, recording, connected, transportReceived, client, setup, inferences: 0 };
    } catch (e) {
      if (!channel.closed) channel.close(e instanceof RunFailure && e.kind === 'model' ? 'the client expected another model' : 'client failed');
      throw e;
    }
  }

  /** One preprocessing (a one-time slot) and one online phase on that slot. */
  async #infer(session: OpenSession, request: RunRequest, reused: boolean, post: (message: WorkerMessage) => void, started: number): Promise<void> {
    const tracker = new PhaseTracker(session.recording, post);
    const phases: PhaseSummary[] = [reused ? { ...session.setup, reused: true } : session.setup];
    if (reused) post({ type: 'phase-done', summary: phases[0] });
    const pre = await session.client.preprocess(1, { onProgress: tracker.onProgress });
    phases.push(tracker.finish('preprocessing', pre.costs[0]));
    const out = await session.client.infer(request.pixels, { onProgress: tracker.onProgress });
    phases.push(tracker.finish('online', out.cost));
    session.inferences++;
    post({
      type: 'result',
      prediction: out.prediction,
      decoded: [...out.decoded],
      totalMs: performance.now() - started,
      phases,
      session: { id: session.client.sessionId, inferences: session.inferences },
      wire: { sent: session.channel.wire.bytesSent, received: session.channel.wire.bytesReceived },
      transportReceived: session.transportReceived,
    });
  }
}

/** Turns the protocol's progress events into {@link PhaseProgress} messages and finished phases into summaries. */
class PhaseTracker {
  #phaseStart = performance.now();
  #base: ChannelStats;
  #lastPost = 0;

  constructor(
    readonly recording: RecordingChannel,
    readonly post: (message: WorkerMessage) => void,
  ) {
    this.#base = { ...recording.stats };
  }

  readonly onProgress: ProtocolProgressCallback = (e) => {
    const now = performance.now();
    const stepDone = Number.isInteger(e.done);
    if (!stepDone && now - this.#lastPost < 100) return;
    this.#lastPost = now;
    this.post({
      type: 'progress',
      progress: {
        phase: e.phase as Phase,
        fraction: e.total > 0 ? Math.min(1, e.done / e.total) : 0,
        item: e.item,
        sent: this.recording.stats.bytesSent - this.#base.bytesSent,
        received: this.recording.stats.bytesReceived - this.#base.bytesReceived,
        ms: now - this.#phaseStart,
      },
    });
  };

  /** The phase's summary: its cost, and the messages the server received (the service request first). */
  finish(phase: Phase, cost: PhaseCost): PhaseSummary {
    const [request = 0, ...serverReceived] = this.recording.take();
    const summary: PhaseSummary = {
      phase,
      ms: cost.ms,
      sent: cost.clientToServer.bytes,
      received: cost.serverToClient.bytes,
      messages: cost.clientToServer.messages + cost.serverToClient.messages,
      serverReceived,
      request,
    };
    this.post({ type: 'phase-done', summary });
    this.#phaseStart = performance.now();
    this.#base = { ...this.recording.stats };
    return summary;
  }
}

/**
 * Runs one private inference against `request.url` on a session of its own, closed afterwards,
 * posting {@link WorkerMessage}s; resolves when done (the last message is `result` or `error`).
 * `socketOptions` lets Node tests pass `ws`.
 */
export async function runRemoteInference(
  request: RunRequest,
  post: (message: WorkerMessage) => void,
  socketOptions: Pick<ConnectWebSocketOptions, 'createSocket'> = {},
): Promise<void> {
  await new RemoteClient({ ...socketOptions, keepSession: false }).run(request, post);
}
