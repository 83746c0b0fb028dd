/**
 * Both parties in one process over an in-memory channel: the test harness of §9.12, the
 * `delphi demo` command and the browser demo.
 *
 * Spec: §9.12
 * @module
 */
import { TransportError } from '../errors.js';
import { memoryChannelPair } from '../channel/channel.js';
import type { FixedPointModel } from '../nn/fixed-model.js';
import type { Rng } from '../random/rng.js';
import { systemRng } from '../random/rng.js';
import { mergeReports, type InferenceReport, type PartyReport, type ProtocolProgressCallback } from './accounting.js';
import type { ProtocolBackend } from './backend.js';
import { requestInference } from './client.js';
import { isPeerAbort } from './messages.js';
import type { ClientInput, ClientOutput, ShareRecord } from './online.js';
import { serveInference } from './serve-inference.js';

/** Options of {@link runLocalInference}. */
export interface LocalInferenceOptions {
  readonly backend: ProtocolBackend;
  /** Required when a backend component is insecure (e.g. {@link insecureDealer}). */
  readonly allowInsecure?: boolean;
  /** The client's and the server's streams (default: `systemRng()` each). */
  readonly clientRng?: Rng;
  readonly serverRng?: Rng;
  /** Record both parties' shares (§9.12). */
  readonly recordShares?: boolean;
  /** Progress of the client (the party whose latency is reported). */
  readonly onProgress?: ProtocolProgressCallback;
  /** Progress of the server. */
  readonly onServerProgress?: ProtocolProgressCallback;
}

/** Result of {@link runLocalInference}. */
export interface LocalInferenceResult {
  /** What the client learned. */
  readonly output: Omit<ClientOutput, 'cost' | 'shares'>;
  readonly clientReport: PartyReport;
  readonly serverReport: PartyReport;
  /** Both reports merged (the byte counts are checked to agree). */
  readonly report: InferenceReport;
  /** With `recordShares`. */
  readonly shares?: { readonly client: ShareRecord; readonly server: ShareRecord };
}

/**
 * Runs a whole session — handshake, preprocessing, online — with the server holding `model` and
 * the client holding `input`, both in this process over `memoryChannelPair`. If either party
 * fails, the channel is closed so that the other fails too, and the first error is thrown.
 * Spec: §9.12
 */
export async function runLocalInference(model: FixedPointModel, input: ClientInput, options: LocalInferenceOptions): Promise<LocalInferenceResult> {
  const [clientEnd, serverEnd] = memoryChannelPair();
  const common = { backend: options.backend, allowInsecure: options.allowInsecure, recordShares: options.recordShares };
  const failFast = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      clientEnd.close('the other party failed');
      throw e;
    });
  const settled = await Promise.allSettled([
    failFast(requestInference(clientEnd, input, { ...common, rng: options.clientRng ?? systemRng(), onProgress: options.onProgress })),
    failFast(serveInference(serverEnd, model, { ...common, rng: options.serverRng ?? systemRng(), onProgress: options.onServerProgress })),
  ]);
  const errors = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length > 0) {
    // Report the cause, not the peer's reaction to it (its ABORT or the closed channel).
    throw errors.find((e) => !(e instanceof TransportError) && !isPeerAbort(e)) ?? errors[0];
  }
  const [client, server] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof requestInference>>,
    Awaited<ReturnType<typeof serveInference>>,
  ];
  clientEnd.close('done');
  const { cost: _cost, shares: clientShares, session: _session, report: clientReport, ...output } = client;
  return {
    output,
    clientReport,
    serverReport: server.report,
    report: mergeReports(clientReport, server.report),
    ...(clientShares && server.shares ? { shares: { client: clientShares, server: server.shares } } : {}),
  };
}
