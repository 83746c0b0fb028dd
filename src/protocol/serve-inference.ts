/**
 * The server side of a session: the handshake (§9.5) and {@link serveInference}, which runs
 * preprocessing and the online phase for one client input.
 *
 * Spec: §9.5
 * @module
 */
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import type { FixedPointModel } from '../nn/fixed-model.js';
import { systemRng } from '../random/rng.js';
import { Accountant, type PartyReport } from './accounting.js';
import { architectureFingerprint, encodeArchitecture, publicArchitecture } from './architecture.js';
import { backendIds, checkBackendSecurity } from './backend.js';
import { SETUP_STREAM } from './client.js';
import { decodeClientHello, encodeServerHello } from './messages.js';
import { serverOnline, type ServerOutput } from './online.js';
import { serverPreprocess, type PhaseOptions } from './preprocess.js';
import { abortOnError, type ServerOptions, type ServerSession } from './session.js';

/**
 * The server's handshake (§9.5): checks the backends, answers a matching CLIENT_HELLO with the
 * public architecture of `model`, and sets up the backend sessions. Spec: §9.5
 */
export async function serverHandshake(channel: Channel, model: FixedPointModel, options: ServerOptions): Promise<ServerSession> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('serverHandshake: options with a backend are required');
  const { backend } = options;
  checkBackendSecurity(backend, options.allowInsecure, 'server');
  const ids = backendIds(backend);
  const architecture = publicArchitecture(model);
  const encoded = encodeArchitecture(architecture);
  const rng = options.rng ?? systemRng();
  return abortOnError(channel, 'server', async () => {
    const acct = new Accountant('server', channel, 'setup', 4, options.onProgress);
    const setupRng = rng.fork(SETUP_STREAM);
    await acct.step({ label: 'handshake', layer: null, op: 'handshake', elements: 0 }, async () => {
      const theirs = decodeClientHello(await channel.recv());
      for (const k of ['linear', 'activations', 'triples'] as const) {
        if (theirs[k] !== ids[k]) {
          throw new ProtocolError(`CLIENT_HELLO: the client uses the ${k} backend ${JSON.stringify(theirs[k])}, the server ${JSON.stringify(ids[k])}`);
        }
      }
      channel.send(encodeServerHello(ids, encoded));
    });
    const linearRng = setupRng.fork('linear');
    const activationRng = setupRng.fork('activations');
    const tripleRng = setupRng.fork('triples');
    const pool = { ...(options.pool !== undefined ? { pool: options.pool } : {}), ...(options.spill !== undefined ? { spill: options.spill } : {}) };
    const linear = await acct.step({ label: `linear backend setup (${ids.linear})`, layer: null, op: 'setup', elements: 0 }, () =>
      backend.linear.server(channel, linearRng, { architecture, model, ...pool }),
    );
    const activations = await acct.step(
      { label: `activation backend setup (${ids.activations})`, layer: null, op: 'setup', elements: 0 },
      () => backend.activations.server(channel, activationRng, { architecture, model, ...pool }),
    );
    const triples = await acct.step({ label: `triple backend setup (${ids.triples})`, layer: null, op: 'setup', elements: 0 }, () =>
      backend.triples.server(channel, tripleRng, { architecture, model, ...pool }),
    );
    if (triples.role !== 0) throw new InvalidArgumentError('the triple backend gave the server a source of role 1');
    return {
      party: 'server' as const,
      channel,
      model,
      architecture,
      fingerprint: architectureFingerprint(architecture),
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

/** Result of {@link serveInference}. */
export interface ServeResult extends ServerOutput {
  readonly session: ServerSession;
  /** setup, preprocessing and online phases as the server saw them. */
  readonly report: PartyReport;
}

/** Serves one session with one inference: handshake, preprocessing, online. Spec: §9.5 */
export async function serveInference(
  channel: Channel,
  model: FixedPointModel,
  options: ServerOptions & PhaseOptions,
): Promise<ServeResult> {
  const session = await serverHandshake(channel, model, options);
  const pre = await serverPreprocess(session, options);
  const out = await serverOnline(session, pre, options);
  return { ...out, session, report: { party: 'server', phases: [session.setup, pre.cost, out.cost] } };
}
