/**
 * The insecure dealer (§9.9.2): a backend in which the server plays a trusted dealer. The client
 * hands its shares to the server in the clear, so the server learns the client's masks and hence
 * its input. It exists to test the protocol logic quickly and to teach it step by step; both
 * parties must opt in with `allowInsecure`, and it is never a default.
 *
 * Spec: §9.9.2
 * @module
 */
import { sharedSeedDealerSource } from '../../beaver/source.js';
import { P as SHARE_FIELD_P, P_HALF as SHARE_FIELD_P_HALF } from '../../math/share-field.js';
import { fromSeed, SEED_BYTES } from '../../random/rng.js';
import { shapeSize } from '../../nn/tensor.js';
import { sampleFieldVector } from '../../sharing/field-vector.js';
import type {
  ActivationBackend,
  ActivationClientLayer,
  ActivationLayerInfo,
  ActivationServerLayer,
  LinearBackend,
  ProtocolBackend,
  TripleBackend,
} from '../backend.js';
import { applyLinearModP } from '../linear.js';

/** The largest field vector over the layers `pick` selects (0: none). */
function largestVector(architecture: Architecture, pick: (op: string) => boolean, size: (l: Architecture['layers'][number]) => number): number {
  const counts = architecture.layers.filter((l) => pick(l.op)).map(size);
  return counts.length === 0 ? 0 : fieldVectorMessageBytes(Math.max(...counts));
}
import { decodeTagged, encodeTagged, fieldVectorMessageBytes, PROTOCOL_TAG, receiveFieldVector, sendFieldVector } from '../messages.js';
import { isWeightedLayer, type Architecture } from '../architecture.js';
import { SlotReader, SlotWriter } from '../slot-bytes.js';

const P = SHARE_FIELD_P;
const P_HALF = SHARE_FIELD_P_HALF;

/** Identifier of every insecure-dealer component. Spec: §9.9.2 */
export const INSECURE_DEALER_ID = 'insecure-dealer';

/**
 * Linear layers by dealer: the server draws σ = sampleFieldVector(rng, |output|), the client sends
 * c (DEALER_LINEAR_SHARE), the server replies M·c − σ (DEALER_LINEAR_RESULT). INSECURE: the
 * server sees c. Spec: §9.9.2
 */
export const insecureDealerLinear: LinearBackend = Object.freeze<LinearBackend>({
  id: INSECURE_DEALER_ID,
  secure: false,
  /** Server: the client's input shares; client: M·c − σ (preprocessing). Spec: §9.14.5 */
  maxMessageBytes: (architecture, role) => ({
    setup: 0,
    preprocessing: largestVector(architecture, () => true, (l) => (isWeightedLayer(l) ? shapeSize(role === 'server' ? l.inputShape : l.shape) : 0)),
    online: 0,
  }),
  async server(channel) {
    return {
      async preprocess(layer, index, rng) {
        const sigma = sampleFieldVector(rng, shapeSize(layer.shape));
        const n = shapeSize(layer.inputShape);
        const c = await receiveFieldVector(channel, PROTOCOL_TAG.DEALER_LINEAR_SHARE, index, n, `insecure dealer, layer ${index}`);
        const y = applyLinearModP(layer, c);
        for (let i = 0; i < y.length; i++) {
          const d = y[i] - sigma[i];
          y[i] = d < 0 ? d + P : d;
        }
        sendFieldVector(channel, PROTOCOL_TAG.DEALER_LINEAR_RESULT, index, y);
        return sigma;
      },
    };
  },
  async client(channel) {
    return {
      async preprocess(layer, index, clientShare) {
        sendFieldVector(channel, PROTOCOL_TAG.DEALER_LINEAR_SHARE, index, clientShare);
        const n = shapeSize(layer.shape);
        return receiveFieldVector(channel, PROTOCOL_TAG.DEALER_LINEAR_RESULT, index, n, `insecure dealer, layer ${index}`);
      },
    };
  },
});

/** act(y) + m for the shared y = s + c: ReLU/ReLU6 of §8.9.3 on the signed value, exact. */
function activationPlusMask(info: ActivationLayerInfo, s: Float64Array, c: Float64Array, m: Float64Array): Float64Array {
  const scale = 2 ** -info.fractionalBits;
  const out = new Float64Array(info.count);
  for (let i = 0; i < info.count; i++) {
    let y = s[i] + c[i];
    if (y >= P) y -= P;
    // y ∈ [0, p): positive iff 0 < y ≤ (p − 1)/2.
    let a = y > 0 && y <= P_HALF ? Math.floor(y * scale) : 0;
    if (a > info.cap) a = info.cap;
    const z = a + m[i];
    out[i] = z >= P ? z - P : z;
  }
  return out;
}

/**
 * ReLU/ReLU6 by dealer: in preprocessing the client sends its input share
 * (DEALER_ACTIVATION_SHARE); online the server reconstructs y and sends act(y) + m
 * (DEALER_ACTIVATION_RESULT). INSECURE: the server sees every activation input. Spec: §9.9.2
 */
export const insecureDealerActivations: ActivationBackend = Object.freeze<ActivationBackend>({
  id: INSECURE_DEALER_ID,
  secure: false,
  /** Server: the client's input shares (preprocessing); client: act(y) + m (online). Spec: §9.14.5 */
  maxMessageBytes: (architecture, role) => {
    const largest = largestVector(architecture, (op) => op === 'relu' || op === 'relu6', (l) => shapeSize(l.inputShape));
    return role === 'server' ? { setup: 0, preprocessing: largest, online: 0 } : { setup: 0, preprocessing: 0, online: largest };
  },
  async server(channel) {
    return {
      async preprocess(info, masks) {
        const c = await receiveFieldVector(channel, PROTOCOL_TAG.DEALER_ACTIVATION_SHARE, info.index, info.count, `insecure dealer, layer ${info.index}`);
        return dealerServerLayer(info, c, masks);
      },
    };
  },
  async client(channel) {
    return {
      async preprocess(info, clientShare) {
        sendFieldVector(channel, PROTOCOL_TAG.DEALER_ACTIVATION_SHARE, info.index, clientShare);
        return dealerClientLayer(info);
      },
    };
  },
  decodeServerLayer(info, bytes, masks) {
    const r = new SlotReader(bytes, `insecure dealer, stored layer ${info.index}`);
    const c = r.field('client share', info.count);
    r.end();
    return dealerServerLayer(info, c, masks);
  },
  decodeClientLayer(info, bytes) {
    new SlotReader(bytes, `insecure dealer, stored layer ${info.index}`).end();
    return dealerClientLayer(info);
  },
});

/** The dealer's state of one layer: the client's share c (the mask m is the protocol's). */
function dealerServerLayer(info: ActivationLayerInfo, c: Float64Array, masks: Float64Array): ActivationServerLayer {
  return {
    async online(channel, serverShare) {
      sendFieldVector(channel, PROTOCOL_TAG.DEALER_ACTIVATION_RESULT, info.index, activationPlusMask(info, serverShare, c, masks));
    },
    encode: () => new SlotWriter().field(c).finish(),
  };
}

function dealerClientLayer(info: ActivationLayerInfo): ActivationClientLayer {
  return {
    online(channel) {
      return receiveFieldVector(channel, PROTOCOL_TAG.DEALER_ACTIVATION_RESULT, info.index, info.count, `insecure dealer, layer ${info.index}`);
    },
    encode: () => new Uint8Array(0),
  };
}

/**
 * Square pairs by a dealer both parties simulate from a seed the server picks and sends
 * (DEALER_TRIPLE_SEED): `sharedSeedDealerSource` (§7.6). INSECURE: the server can recompute the
 * client's shares. Spec: §9.9.2
 */
export const insecureDealerTriples: TripleBackend = Object.freeze<TripleBackend>({
  id: INSECURE_DEALER_ID,
  secure: false,
  /** The client receives the seed at setup. Spec: §9.14.5 */
  maxMessageBytes: (_architecture, role) => ({ setup: role === 'client' ? 1 + SEED_BYTES : 0, preprocessing: 0, online: 0 }),
  async server(channel, rng) {
    const seed = rng.bytes(SEED_BYTES);
    channel.send(encodeTagged(PROTOCOL_TAG.DEALER_TRIPLE_SEED, seed));
    return sharedSeedDealerSource(fromSeed(seed), 0);
  },
  async client(channel) {
    const seed = decodeTagged(await channel.recv(), PROTOCOL_TAG.DEALER_TRIPLE_SEED, SEED_BYTES, 'insecure dealer triples');
    return sharedSeedDealerSource(fromSeed(seed), 1);
  },
});

/**
 * The insecure dealer backend: {@link insecureDealerLinear}, {@link insecureDealerActivations},
 * {@link insecureDealerTriples}. For tests and teaching only; requires `allowInsecure` on both
 * parties. Spec: §9.9.2
 */
export const insecureDealer: ProtocolBackend = Object.freeze<ProtocolBackend>({
  linear: insecureDealerLinear,
  activations: insecureDealerActivations,
  triples: insecureDealerTriples,
});
