/**
 * Per-phase receive limits of a service connection (§9.14.5): from the public architecture and the
 * backends' parameters, the largest message each party can legitimately receive between requests,
 * in setup, in preprocessing and online. The service lowers the transport's limit to these at each
 * phase boundary (`channel.setMaxMessageBytes`), so a peer that announces more is cut off before
 * the message is buffered, instead of being allowed the transport's global maximum.
 *
 * Spec: §9.14.5
 * @module
 */
import { DEFAULT_OPEN_CHUNK, OPEN_HEADER_BYTES } from '../beaver/wire.js';
import { reluCircuit, SHARE_BITS } from '../gc/relu-circuit.js';
import { LABEL_BYTES, type GarblingScheme } from '../gc/garble.js';
import { GARBLED_HEADER_BYTES, garbledTableBytes, LABELS_HEADER_BYTES } from '../gc/serialize.js';
import type { Channel } from '../channel/channel.js';
import { shapeSize } from '../nn/tensor.js';
import { KAPPA } from '../ot/transpose.js';
import { DEFAULT_CHUNK_SIZE as OT_CHUNK, EXT_HEADER_BYTES } from '../ot/iknp.js';
import { POINT_BYTES } from '../ot/base-ot.js';
import { ggmSumsBytes, softSpokenRows, type OtExtScheme } from '../ot/softspoken.js';
import { encodeArchitecture, MAX_ARCHITECTURE_BYTES, type Architecture } from './architecture.js';
import type { ActivationBackend, ComponentMessageBounds, ProtocolBackend } from './backend.js';
import { GC_BATCH, GC_OT_SCHEME, garbledActivationsGarbling, garbledActivationsOtScheme } from './backends/garbled-activations.js';
import { FIELD_ELEMENT_BYTES, fieldVectorMessageBytes, MAX_BACKEND_ID_LENGTH } from './messages.js';
import { MAX_SERVICE_STRING } from './service-messages.js';

/**
 * Floor of every limit: any service message (REFUSED carries up to {@link MAX_SERVICE_STRING}
 * characters, ≤ 3 UTF-8 bytes each), any ABORT (reason ≤ 1024 bytes), the hellos' fixed part.
 * Spec: §9.14.5
 */
export const SERVICE_MESSAGE_FLOOR_BYTES = 4096 + 3 * MAX_SERVICE_STRING;

/** Largest message one party may receive in each phase of a service connection. Spec: §9.14.5 */
export interface PhaseMessageLimits {
  /** Between phases: OPEN, RESUME, PREPROCESS, ONLINE, BYE and their replies. */
  readonly request: number;
  /** The §9.5 handshake and the backends' setup (the largest key message). */
  readonly setup: number;
  /** One preprocessing phase (ciphertext batches, garbled tables, OT matrices). */
  readonly preprocessing: number;
  /** One online phase (field vectors, labels, openings). */
  readonly online: number;
}

/**
 * The garbled-circuit backend's bounds (§9.9.4): base OT (128 points each way) and, with
 * SoftSpokenOT, the GGM sums at setup; per batch of {@link GC_BATCH} activations the server receives
 * the OT matrix of 41 OTs per activation in chunks of 8192 OTs (128 rows with IKNP, ⌈128/k⌉ with
 * SoftSpokenOT), the client the garbled tables and the mask labels; online the client receives the
 * share labels. Spec: §9.14.5
 */
export function garbledActivationBounds(
  architecture: Architecture,
  role: 'client' | 'server',
  ot: OtExtScheme = GC_OT_SCHEME,
  scheme: GarblingScheme = 'half-gates',
): ComponentMessageBounds {
  const rows = ot.kind === 'iknp' ? KAPPA : softSpokenRows(ot.k);
  const baseOt = Math.max(16 + 2 * KAPPA * POINT_BYTES, ot.kind === 'iknp' ? 0 : ggmSumsBytes(ot.k));
  let preprocessing = 0;
  let online = 0;
  for (const layer of architecture.layers) {
    if (layer.op !== 'relu' && layer.op !== 'relu6') continue;
    const count = Math.min(GC_BATCH, shapeSize(layer.inputShape));
    const labels = 16 + LABELS_HEADER_BYTES + LABEL_BYTES * SHARE_BITS * count;
    if (role === 'server') {
      const ots = Math.min(OT_CHUNK, SHARE_BITS * count);
      preprocessing = Math.max(preprocessing, EXT_HEADER_BYTES + (rows / 8) * 128 * Math.ceil(ots / 128));
    } else {
      const and = reluCircuit({ kind: layer.op, shift: architecture.fractionalBits }).counts.and;
      const tables = 16 + GARBLED_HEADER_BYTES + garbledTableBytes(and * count, scheme) + Math.ceil((SHARE_BITS * count) / 8);
      preprocessing = Math.max(preprocessing, tables, labels);
      online = Math.max(online, labels);
    }
  }
  return { setup: baseOt, preprocessing, online };
}

/** Whether every component of `backend` declares its message bounds (else no limit is staged). Spec: §9.14.5 */
export function declaresMessageBounds(backend: ProtocolBackend): boolean {
  return [backend.linear, backend.activations, backend.triples].every((c) => typeof c.maxMessageBytes === 'function' || garbledOt(c) !== undefined);
}

/** A component's bounds, or null when it declares none (an unknown backend: no lowered limit). */
function boundsOf(component: ProtocolBackend[keyof ProtocolBackend], architecture: Architecture, role: 'client' | 'server'): ComponentMessageBounds | null {
  if (component.maxMessageBytes) return component.maxMessageBytes(architecture, role);
  const ot = garbledOt(component);
  if (ot !== undefined) return garbledActivationBounds(architecture, role, ot, garbledActivationsGarbling(component as ActivationBackend) ?? 'half-gates');
  return null;
}

/** The OT scheme of a garbled-circuit activation component, undefined for any other component. */
function garbledOt(component: ProtocolBackend[keyof ProtocolBackend]): OtExtScheme | undefined {
  return 'decodeServerLayer' in component ? garbledActivationsOtScheme(component) : undefined;
}

/**
 * The per-phase limits of `role`'s receiving end for `architecture` served with `backend`: each is
 * the largest message of that phase (protocol messages — hellos, masked input, reshares, output
 * share, Beaver openings — and every backend component's), at least {@link SERVICE_MESSAGE_FLOOR_BYTES}.
 * Null when a component declares no bounds (`maxMessageBytes`); the caller then keeps the
 * transport's maximum. Spec: §9.14.5
 */
export function phaseMessageLimits(architecture: Architecture, backend: ProtocolBackend, role: 'client' | 'server'): PhaseMessageLimits | null {
  if (!declaresMessageBounds(backend)) return null;
  const parts = [backend.linear, backend.activations, backend.triples].map((c) => boundsOf(c, architecture, role));
  const bounds = parts as ComponentMessageBounds[];
  const floor = SERVICE_MESSAGE_FLOOR_BYTES;
  const hello = role === 'client' ? serverHelloBytes(encodeArchitecture(architecture).length) : 0;
  const sizes = [shapeSize(architecture.inputShape), ...architecture.layers.map((l) => shapeSize(l.shape))];
  const vectors = fieldVectorMessageBytes(Math.max(...sizes));
  const quadratic = architecture.layers.filter((l) => l.op === 'quadratic').map((l) => shapeSize(l.inputShape));
  const openings = quadratic.length === 0 ? 0 : OPEN_HEADER_BYTES + FIELD_ELEMENT_BYTES * Math.min(DEFAULT_OPEN_CHUNK, Math.max(...quadratic));
  return {
    request: floor,
    setup: Math.max(floor, hello, ...bounds.map((b) => b.setup)),
    preprocessing: Math.max(floor, ...bounds.map((b) => b.preprocessing)),
    online: Math.max(floor, vectors, openings, ...bounds.map((b) => b.online)),
  };
}

/** Bytes of a SERVER_HELLO carrying an architecture of `architectureBytes` (generous fixed part). */
function serverHelloBytes(architectureBytes: number): number {
  return 64 + 3 * (1 + MAX_BACKEND_ID_LENGTH) + architectureBytes;
}

/**
 * The client's setup limit before it knows the architecture: a SERVER_HELLO with the largest
 * architecture §9.4 accepts, or any setup message of the known backends. Spec: §9.14.5
 */
export const CLIENT_SETUP_LIMIT_BYTES = Math.max(SERVICE_MESSAGE_FLOOR_BYTES, serverHelloBytes(MAX_ARCHITECTURE_BYTES));

/**
 * Sets `channel`'s receive limit (when the transport supports staged limits and `bytes` is not
 * null). Spec: §9.14.5
 */
export function stageLimit(channel: Channel, bytes: number | null | undefined): void {
  if (bytes !== null && bytes !== undefined) channel.setMaxMessageBytes?.(bytes);
}
