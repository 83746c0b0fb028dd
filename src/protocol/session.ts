/**
 * Session state shared by the phases: what the handshake established (architecture, backend
 * sessions, the party's random stream) and the options every phase accepts. Also the abort
 * discipline of §9.4: a party that fails tells its peer before giving up.
 *
 * Spec: §9.5
 * @module
 */
import type { TripleSource } from '../beaver/source.js';
import { DelphiError, TransportError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import type { FixedPointModel } from '../nn/fixed-model.js';
import type { Rng } from '../random/rng.js';
import type { TaskPool } from '../workers/tasks.js';
import type { SpillStore } from './spill.js';
import type { PhaseCost, ProtocolProgressCallback } from './accounting.js';
import type { Architecture } from './architecture.js';
import type {
  ActivationClientSession,
  ActivationServerSession,
  LinearClientSession,
  LinearServerSession,
  ProtocolBackend,
} from './backend.js';
import { encodeAbort, isPeerAbort } from './messages.js';

/** Options both parties accept. Spec: §9.5 */
export interface PartyOptions {
  /** The three sub-protocols (§9.9); both parties must use the same. */
  readonly backend: ProtocolBackend;
  /** Run even if a backend component is insecure (tests, teaching). Default false. */
  readonly allowInsecure?: boolean;
  /** The party's random stream (§9.2); default `systemRng()`. Seed it for reproducible runs. */
  readonly rng?: Rng;
  /** Progress after each step (§9.11). */
  readonly onProgress?: ProtocolProgressCallback;
  /**
   * Threads for the backends' heavy loops (e.g. `createNodePool` of `delphi-ts/workers/node`);
   * default: this thread. The transcript does not depend on it (§9.2). The caller closes it.
   */
  readonly pool?: TaskPool;
  /**
   * Where the backends park preprocessed material until the online phase (§9.14.6), e.g. the
   * CLI's file spill store; default: memory. The caller closes it.
   */
  readonly spill?: SpillStore;
}

/** Options of the client's handshake. Spec: §9.5 */
export interface ClientOptions extends PartyOptions {
  /** If set, the architecture fingerprint (§9.3) the server must announce. */
  readonly expectedFingerprint?: string;
}

/** Options of the server's handshake. Spec: §9.5 */
export type ServerOptions = PartyOptions;

/** What the client's handshake established. Spec: §9.5 */
export interface ClientSession {
  readonly party: 'client';
  readonly channel: Channel;
  readonly architecture: Architecture;
  /** {@link architectureFingerprint} of the announced architecture. */
  readonly fingerprint: string;
  readonly backend: ProtocolBackend;
  readonly linear: LinearClientSession;
  readonly activations: ActivationClientSession;
  readonly triples: TripleSource;
  /** The party's stream; each inference forks from it (§9.2). */
  readonly rng: Rng;
  /** Cost of the setup phase. */
  readonly setup: PhaseCost;
  readonly onProgress?: ProtocolProgressCallback;
}

/** What the server's handshake established. Spec: §9.5 */
export interface ServerSession {
  readonly party: 'server';
  readonly channel: Channel;
  readonly model: FixedPointModel;
  readonly architecture: Architecture;
  readonly fingerprint: string;
  readonly backend: ProtocolBackend;
  readonly linear: LinearServerSession;
  readonly activations: ActivationServerSession;
  readonly triples: TripleSource;
  readonly rng: Rng;
  readonly setup: PhaseCost;
  readonly onProgress?: ProtocolProgressCallback;
}

/** Errors whose message is about the peer's data and may be sent back; others send only their code. */
const ECHOED = new Set(['PROTOCOL_ERROR', 'MALFORMED_INPUT', 'SIZE_MISMATCH', 'INSECURE_PARAMETERS']);

/**
 * Runs `body`; if it throws anything but a transport failure or the peer's own abort, sends
 * ABORT (best effort) and rethrows. Spec: §9.4
 */
export async function abortOnError<T>(channel: Channel, party: 'client' | 'server', body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof TransportError) && !isPeerAbort(e)) {
      const reason =
        e instanceof DelphiError && ECHOED.has(e.code) ? `${party}: ${e.message}` : `${party}: internal error (${e instanceof DelphiError ? e.code : 'unexpected'})`;
      try {
        channel.send(encodeAbort(reason));
      } catch {
        // The channel is already closed: nothing to tell.
      }
    }
    throw e;
  }
}
