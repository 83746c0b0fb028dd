/**
 * The pluggable cryptography of Delphi's preprocessing: how the client obtains M·c − σ for each
 * weighted layer (homomorphic encryption in Delphi), how ReLU layers are prepared so that the
 * client can learn act(y) + m online (garbled circuits and oblivious transfer), and where Beaver
 * square pairs come from (BFV in Delphi). The protocol layer draws every share mask itself (σ, m,
 * r) and hands the backends only what they need, so that all backends compute the same shares.
 *
 * Spec: §9.9.1
 * @module
 */
import type { TripleSource } from '../beaver/source.js';
import { InsecureParametersError, InvalidArgumentError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import type { FixedPointConv2d, FixedPointDense, FixedPointModel, FixedPointScale } from '../nn/fixed-model.js';
import type { Rng } from '../random/rng.js';
import type { TaskPool } from '../workers/tasks.js';
import type { SpillStore } from './spill.js';
import type { Architecture, WeightedArchitectureLayer } from './architecture.js';
import { checkBackendId, type BackendIds } from './messages.js';

/** A weighted layer with its weights (server side). */
export type WeightedModelLayer = FixedPointConv2d | FixedPointDense | FixedPointScale;

/** Server half of a linear-layer session. Spec: §9.9.1 */
export interface LinearServerSession {
  /**
   * Runs with the client's `preprocess` for layer `index`; resolves with σ, the server's share of
   * the output (uniform, drawn by the backend from `rng`).
   */
  preprocess(layer: WeightedModelLayer, index: number, rng: Rng): Promise<Float64Array>;
}

/** Client half of a linear-layer session. Spec: §9.9.1 */
export interface LinearClientSession {
  /** Runs with the server's `preprocess`; resolves with M·c − σ (M without bias). */
  preprocess(layer: WeightedArchitectureLayer, index: number, clientShare: Float64Array, rng: Rng): Promise<Float64Array>;
}

/**
 * What a backend session learns at setup: the public architecture (both parties) and, on the
 * server, the model with its weights — so that a backend can plan every layer at once (the BFV
 * backend generates the Galois keys of all layers). Spec: §9.9.1
 */
export interface BackendSetup {
  readonly architecture: Architecture;
  /**
   * Threads for the heavy loops (garbling, OT extension); default: this thread. A backend's
   * messages MUST NOT depend on it (same seed, same transcript whatever the thread count).
   */
  readonly pool?: TaskPool;
  /**
   * Where a backend MAY park the bulk of its preprocessed material until the online phase
   * (§9.14.6), so that a party holds one batch of it in memory at a time; default: memory.
   */
  readonly spill?: SpillStore;
}

/** {@link BackendSetup} of the server. Spec: §9.9.1 */
export interface ServerBackendSetup extends BackendSetup {
  readonly model: FixedPointModel;
}

/**
 * The largest message a component makes one party receive in each phase, in bytes (0: none), as
 * the public architecture and the component's parameters imply; `phaseMessageLimits` (limits.ts) turns
 * them into the per-phase receive limits of a service connection. Spec: §9.14.5
 */
export interface ComponentMessageBounds {
  readonly setup: number;
  readonly preprocessing: number;
  readonly online: number;
}

/**
 * Optional on every backend component: its {@link ComponentMessageBounds} for `role`'s receiving
 * end. A component without it leaves the limits at the transport's maximum. Spec: §9.14.5
 */
export type MessageBoundsFunction = (architecture: Architecture, role: 'client' | 'server') => ComponentMessageBounds;

/** How the client obtains M·c − σ for each weighted layer. Spec: §9.9.1 */
export interface LinearBackend {
  readonly id: string;
  readonly secure: boolean;
  readonly maxMessageBytes?: MessageBoundsFunction;
  server(channel: Channel, rng: Rng, setup: ServerBackendSetup): Promise<LinearServerSession>;
  client(channel: Channel, rng: Rng, setup: BackendSetup): Promise<LinearClientSession>;
  /**
   * Optional: does now, once, the server's work that depends only on the model (e.g. encoding the
   * weights), which its sessions then share; a server MAY call it before its first session.
   */
  prepareModel?(model: FixedPointModel): void;
}

/** Public description of one ReLU/ReLU6 layer handed to an activation backend. Spec: §9.9.1 */
export interface ActivationLayerInfo {
  /** Index of the layer in the architecture. */
  readonly index: number;
  readonly kind: 'relu' | 'relu6';
  /** Number of activations (elements). */
  readonly count: number;
  /** f: the circuit outputs ⌊y / 2^f⌋ for y > 0. */
  readonly fractionalBits: number;
  /** ReLU6 cap 6·2^f (Infinity for ReLU). */
  readonly cap: number;
  /** Optional: the backend MAY report the fraction of the layer's preprocessing done. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Server state of one preprocessed activation layer. It holds data only: the online phase runs on
 * the channel it is given, so a layer restored from a stored slot (§9.14) runs on a new connection.
 * Spec: §9.9.1
 */
export interface ActivationServerLayer {
  /** Runs with the client's `online()`, given the server's share of the layer input; MAY report progress. */
  online(channel: Channel, serverShare: Float64Array, onProgress?: (fraction: number) => void): Promise<void>;
  /** The layer's state for a stored slot (§9.14.3); {@link ActivationBackend.decodeServerLayer} reads it. */
  encode(): Uint8Array;
  /** Optional: frees what the layer parked in a spill store (called once it was stored in a slot, never to run here). */
  dispose?(): void;
}

/** Client state of one preprocessed activation layer (data only, like {@link ActivationServerLayer}). Spec: §9.9.1 */
export interface ActivationClientLayer {
  /** Resolves with act(y) + m (mod p), y the shared layer input; MAY report progress. */
  online(channel: Channel, onProgress?: (fraction: number) => void): Promise<Float64Array>;
  /** The layer's state for a stored slot (§9.14.3). */
  encode(): Uint8Array;
  /**
   * Optional: the same state in parts of bounded size, each made when asked for (a stored slot
   * writes one record per part, §9.14.3, so that no record holds a whole large layer);
   * {@link ActivationBackend.decodeClientLayerParts} reads them. Without it a slot holds
   * `encode()` as one part.
   */
  encodeParts?(): StateParts;
  /** Optional: frees what the layer parked in a spill store (called once it was stored in a slot, never to run here). */
  dispose?(): void;
}

/** A layer's state in `count` parts, made one at a time by `part(i)`. Spec: §9.14.3 */
export interface StateParts {
  readonly count: number;
  part(i: number): Uint8Array;
}

/** Where a client layer restored from a stored slot parks its material and runs its heavy loops. Spec: §9.14.3 */
export interface RestoreContext {
  /** Default: memory. */
  readonly spill?: SpillStore;
  /** Default: this thread. */
  readonly pool?: TaskPool;
}

/** Server half of an activation session. Spec: §9.9.1 */
export interface ActivationServerSession {
  preprocess(info: ActivationLayerInfo, masks: Float64Array, rng: Rng): Promise<ActivationServerLayer>;
}

/** Client half of an activation session. Spec: §9.9.1 */
export interface ActivationClientSession {
  preprocess(info: ActivationLayerInfo, clientShare: Float64Array, rng: Rng): Promise<ActivationClientLayer>;
}

/** How ReLU/ReLU6 layers are evaluated. Spec: §9.9.1 */
export interface ActivationBackend {
  readonly id: string;
  readonly secure: boolean;
  readonly maxMessageBytes?: MessageBoundsFunction;
  server(channel: Channel, rng: Rng, setup: ServerBackendSetup): Promise<ActivationServerSession>;
  client(channel: Channel, rng: Rng, setup: BackendSetup): Promise<ActivationClientSession>;
  /** Restores a server layer from {@link ActivationServerLayer.encode}; malformed bytes throw MalformedInputError. */
  decodeServerLayer(info: ActivationLayerInfo, bytes: Uint8Array, masks: Float64Array): ActivationServerLayer;
  /** Restores a client layer from {@link ActivationClientLayer.encode}. */
  decodeClientLayer(info: ActivationLayerInfo, bytes: Uint8Array): ActivationClientLayer;
  /**
   * Optional: restores a client layer from the `count` parts of {@link ActivationClientLayer.encodeParts},
   * reading them one at a time through `part` (so that memory holds one part, the rest going to
   * `restore.spill`). Required of a backend whose layers have `encodeParts`.
   */
  decodeClientLayerParts?(info: ActivationLayerInfo, count: number, part: (i: number) => Promise<Uint8Array>, restore?: RestoreContext): Promise<ActivationClientLayer>;
}

/** Where Beaver square pairs come from: a session is a {@link TripleSource} of role 0 (server) or 1. Spec: §9.9.1 */
export interface TripleBackend {
  readonly id: string;
  readonly secure: boolean;
  readonly maxMessageBytes?: MessageBoundsFunction;
  server(channel: Channel, rng: Rng, setup: ServerBackendSetup): Promise<TripleSource>;
  client(channel: Channel, rng: Rng, setup: BackendSetup): Promise<TripleSource>;
}

/** The three backends of a session. Spec: §9.9.1 */
export interface ProtocolBackend {
  readonly linear: LinearBackend;
  readonly activations: ActivationBackend;
  readonly triples: TripleBackend;
}

/** The identifiers announced in the hellos. Spec: §9.5 */
export function backendIds(backend: ProtocolBackend): BackendIds {
  checkBackend(backend);
  return { linear: backend.linear.id, activations: backend.activations.id, triples: backend.triples.id };
}

function checkBackend(backend: ProtocolBackend): void {
  if (typeof backend !== 'object' || backend === null) throw new InvalidArgumentError('expected a ProtocolBackend { linear, activations, triples }');
  for (const part of ['linear', 'activations', 'triples'] as const) {
    const b = backend[part];
    if (typeof b !== 'object' || b === null || typeof b.client !== 'function' || typeof b.server !== 'function') {
      throw new InvalidArgumentError(`backend.${part} is not a backend`);
    }
    try {
      checkBackendId(b.id, `backend.${part}`);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  }
}

/**
 * Step 1 of §9.5: throws {@link InsecureParametersError} when a component is insecure and the
 * party did not opt in. Spec: §9.5
 */
export function checkBackendSecurity(backend: ProtocolBackend, allowInsecure: boolean | undefined, party: 'client' | 'server'): void {
  checkBackend(backend);
  const insecure = (['linear', 'activations', 'triples'] as const).filter((k) => !backend[k].secure);
  if (insecure.length > 0 && allowInsecure !== true) {
    throw new InsecureParametersError(
      `the ${insecure.join(', ')} backend${insecure.length > 1 ? 's are' : ' is'} insecure (${insecure
        .map((k) => backend[k].id)
        .join(', ')}): the server would learn the client's input. Pass allowInsecure: true on the ${party} to run it anyway (tests, teaching)`,
    );
  }
}
