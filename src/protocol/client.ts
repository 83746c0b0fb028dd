/**
 * The client side of a session: the handshake (§9.5) and {@link requestInference}, which runs
 * preprocessing and the online phase for one input.
 *
 * Spec: §9.5
 * @module
 */
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import { systemRng } from '../random/rng.js';
import { Accountant, type PartyReport } from './accounting.js';
import { architectureFingerprint, decodeArchitecture } from './architecture.js';
import { backendIds, checkBackendSecurity } from './backend.js';
import { decodeServerHello, encodeClientHello } from './messages.js';
import { clientOnline, type ClientInput, type ClientOutput } from './online.js';
import { clientPreprocess, type PhaseOptions } from './preprocess.js';
import { abortOnError, type ClientOptions, type ClientSession } from './session.js';

/** Label of the setup stream forked from a party's stream (§9.2). */
export const SETUP_STREAM = 'delphi-ts/protocol/setup';

/**
 * The client's handshake (§9.5): checks the backends, sends CLIENT_HELLO, decodes the server's
 * architecture and sets up the backend sessions. Spec: §9.5
 */
export async function clientHandshake(channel: Channel, options: ClientOptions): Promise<ClientSession> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('clientHandshake: options with a backend are required');
  const { backend } = options;
  checkBackendSecurity(backend, options.allowInsecure, 'client');
  const ids = backendIds(backend);
  const rng = options.rng ?? systemRng();
  return abortOnError(channel, 'client', async () => {
    const acct = new Accountant('client', channel, 'setup', 4, options.onProgress);
    const setupRng = rng.fork(SETUP_STREAM);
    const { architecture, fingerprint } = await acct.step({ label: 'handshake', layer: null, op: 'handshake', elements: 0 }, async () => {
      channel.send(encodeClientHello(ids));
      const hello = decodeServerHello(await channel.recv());
      for (const k of ['linear', 'activations', 'triples'] as const) {
        if (hello.ids[k] !== ids[k]) {
          throw new ProtocolError(`SERVER_HELLO: the server uses the ${k} backend ${JSON.stringify(hello.ids[k])}, the client ${JSON.stringify(ids[k])}`);
        }
      }
      const architecture = decodeArchitecture(hello.architecture);
      const fingerprint = architectureFingerprint(architecture);
      if (options.expectedFingerprint !== undefined && options.expectedFingerprint.toLowerCase() !== fingerprint) {
        throw new ProtocolError(`SERVER_HELLO: architecture fingerprint ${fingerprint} differs from the expected ${options.expectedFingerprint}`);
      }
      return { architecture, fingerprint };
    });
    const linearRng = setupRng.fork('linear');
    const activationRng = setupRng.fork('activations');
    const tripleRng = setupRng.fork('triples');
    const pool = { ...(options.pool !== undefined ? { pool: options.pool } : {}), ...(options.spill !== undefined ? { spill: options.spill } : {}) };
    const linear = await acct.step({ label: `linear backend setup (${ids.linear})`, layer: null, op: 'setup', elements: 0 }, () =>
      backend.linear.client(channel, linearRng, { architecture, ...pool }),
    );
    const activations = await acct.step(
      { label: `activation backend setup (${ids.activations})`, layer: null, op: 'setup', elements: 0 },
      () => backend.activations.client(channel, activationRng, { architecture, ...pool }),
    );
    const triples = await acct.step({ label: `triple backend setup (${ids.triples})`, layer: null, op: 'setup', elements: 0 }, () =>
      backend.triples.client(channel, tripleRng, { architecture, ...pool }),
    );
    if (triples.role !== 1) throw new InvalidArgumentError('the triple backend gave the client a source of role 0');
    return {
      party: 'client' as const,
      channel,
      architecture,
      fingerprint,
      backend,
      linear,
      activations,
      triples,
      rng,
      setup: acct.finish(),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
  });
}

/** Result of {@link requestInference}: the output and the client's measurements. */
export interface InferenceResult extends ClientOutput {
  /** The session, for further inferences with {@link clientPreprocess} and {@link clientOnline}. */
  readonly session: ClientSession;
  /** setup, preprocessing and online phases as the client saw them. */
  readonly report: PartyReport;
}

/**
 * Runs a whole session for one input: handshake, preprocessing, online. The server must run
 * `serveInference` (or the same three steps) on the other end. Spec: §9.5
 */
export async function requestInference(
  channel: Channel,
  input: ClientInput,
  options: ClientOptions & PhaseOptions,
): Promise<InferenceResult> {
  const session = await clientHandshake(channel, options);
  const pre = await clientPreprocess(session, options);
  const out = await clientOnline(session, pre, input, options);
  return { ...out, session, report: { party: 'client', phases: [session.setup, pre.cost, out.cost] } };
}
