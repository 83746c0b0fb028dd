/**
 * Square pairs for the quadratic layers from BFV (§9.9.5): a channel adapter that sets up the
 * client's key pair and then runs the two-party generation of §4.19 as the session's
 * {@link TripleSource}s.
 *
 * Spec: §9.9.5
 * @module
 */
import { bfvTripleClientSource, bfvTripleServerSource, bfvTripleSetup } from '../beaver/bfv-triples.js';
import { BFV_TRIPLE_HEADER_BYTES } from '../beaver/bfv-wire.js';
import { compactCiphertextSize } from '../bfv/compact.js';
import type { TripleSource } from '../beaver/source.js';
import {
  createBfvContext,
  deserializeCompactPublicKey,
  generatePublicKey,
  generateSecretKey,
  serializeCompactPublicKey,
  type BfvContext,
  type BfvParameters,
} from '../bfv/index.js';
import { DEFAULT_FLOOD_LAMBDA } from '../bfv/noise.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../errors.js';
import { P } from '../math/share-field.js';
import type { ProtocolBackend, TripleBackend } from './backend.js';
import { bfvLinear, blobsMessageBytes, delphiBfvParameters, type BfvLinearOptions } from './bfv-linear.js';
import { shapeSize } from '../nn/tensor.js';
import { decodeBlobs, encodeBlobs } from './blobs.js';
import { garbledActivationBackend, garbledActivations } from './garbled-activations.js';
import type { GarblingScheme } from '../gc/garble.js';

/** Tag of the client's key message of the triple backend (C → S, setup). Spec: §9.9.5 */
export const BFV_TRIPLE_KEYS_TAG = 0xe4;

/** Options of {@link bfvTriples}. */
export interface BfvTriplesOptions {
  /** BFV parameters with t = p and batching (default {@link delphiBfvParameters}). */
  readonly parameters?: BfvParameters;
  /** Statistical security of the flooding (default 40). */
  readonly lambda?: number;
}

const contexts = new WeakMap<BfvParameters, BfvContext>();
function contextFor(params: BfvParameters): BfvContext {
  let ctx = contexts.get(params);
  if (!ctx) {
    ctx = createBfvContext(params);
    contexts.set(params, ctx);
  }
  return ctx;
}

/**
 * Square pairs (and triples) from BFV as a {@link TripleBackend} (id `bfv`). Setup: the client draws
 * a secret and a public key and sends KEYS (0xE4: header [0, 0, 0], blobs: the key-level parms_id,
 * the public key in the compact seeded form of §4.10); then each party's source is `bfvTripleClientSource` (role 1) or
 * `bfvTripleServerSource` (role 0) of §4.19. Secure exactly when the parameters are. Spec: §9.9.5
 */
export function bfvTriples(options: BfvTriplesOptions = {}): TripleBackend {
  const params = options.parameters ?? delphiBfvParameters();
  if (params.plainModulus !== P || !params.batching) {
    throw new InvalidArgumentError(`bfvTriples: the parameters must have t = p = ${P} with batching`);
  }
  const extra = options.lambda === undefined ? {} : { lambda: options.lambda };
  return Object.freeze<TripleBackend>({
    id: 'bfv',
    secure: params.securityLevel !== null && !weakLambda(options.lambda),
    /**
     * The server receives KEYS at setup and requests of at most `chunk` seeded ciphertexts per message
     * (one column: square pairs); the client the responses at the return level. Spec: §9.14.5
     */
    maxMessageBytes(architecture, role) {
      const ctx = contextFor(params);
      const setup = bfvTripleSetup(ctx, extra);
      const largest = Math.max(0, ...architecture.layers.filter((l) => l.op === 'quadratic').map((l) => shapeSize(l.inputShape)));
      const cts = Math.min(setup.chunk, Math.ceil(largest / ctx.n));
      const batch = (k: number, seeded: boolean) => (cts === 0 ? 0 : BFV_TRIPLE_HEADER_BYTES + cts * (4 + compactCiphertextSize(ctx, k, seeded)));
      if (role === 'client') return { setup: 0, preprocessing: batch(setup.returnLevel, false), online: 0 };
      const keys = blobsMessageBytes([ctx.keyLevel.parmsId.length, compactCiphertextSize(ctx, ctx.keyLevel.primes.length, true)]);
      return { setup: keys, preprocessing: batch(setup.level, true), online: 0 };
    },
    async client(channel, rng): Promise<TripleSource> {
      const ctx = contextFor(params);
      const secretKey = generateSecretKey(ctx, rng);
      const pk = generatePublicKey(ctx, secretKey, rng, { seeded: true });
      channel.send(encodeBlobs(BFV_TRIPLE_KEYS_TAG, [0, 0, 0], [ctx.keyLevel.parmsId, serializeCompactPublicKey(ctx, pk)]));
      return bfvTripleClientSource(ctx, channel, 1, { secretKey, rng, ...extra });
    },
    async server(channel, rng): Promise<TripleSource> {
      const ctx = contextFor(params);
      const context = 'BFV triple keys';
      const { header, blobs } = decodeBlobs(await channel.recv(), BFV_TRIPLE_KEYS_TAG, context);
      if (header.some((h) => h !== 0) || blobs.length !== 2) throw new MalformedInputError(`${context}: expected parms_id and public key`);
      const [parmsId, pkBytes] = blobs;
      if (parmsId.length !== ctx.keyLevel.parmsId.length || parmsId.some((b, i) => b !== ctx.keyLevel.parmsId[i])) {
        throw new ProtocolError(`${context}: the client uses other BFV parameters`);
      }
      const publicKey = deserializeCompactPublicKey(ctx, pkBytes);
      return bfvTripleServerSource(ctx, channel, 0, { publicKey, rng, ...extra });
    },
  });
}

/** A flooding parameter below the default 40 bits weakens circuit privacy: insecure (§11.5). */
function weakLambda(lambda: number | undefined): boolean {
  return lambda !== undefined && !(lambda >= DEFAULT_FLOOD_LAMBDA);
}

/** Options of {@link delphiBackend}. */
export interface DelphiBackendOptions extends BfvLinearOptions {
  /** Garbling scheme of the ReLU layers (default half gates; three halves, §5.13, has its own backend id). */
  readonly garbling?: GarblingScheme;
}

/**
 * Delphi's protocol: {@link bfvLinear} for linear layers, {@link garbledActivations} for ReLUs and
 * {@link bfvTriples} for quadratic layers, all at Delphi's BFV parameters unless `parameters` says
 * otherwise. Secure (semi-honest, §11) with the default parameters; a flooding `lambda` below 40
 * marks the linear and triple backends insecure, so both parties then need `allowInsecure`. Spec: §9.9.5
 */
export function delphiBackend(options: DelphiBackendOptions = {}): ProtocolBackend {
  const parameters = options.parameters ?? delphiBfvParameters();
  const linear = bfvLinear({ ...options, parameters });
  return Object.freeze({
    linear: weakLambda(options.lambda) ? Object.freeze({ ...linear, secure: false }) : linear,
    activations: garbledActivationBackend(options.garbling ?? 'half-gates'),
    triples: bfvTriples({ parameters, ...(options.lambda === undefined ? {} : { lambda: options.lambda }) }),
  });
}
