/**
 * The preprocessing phase (§9.7): one pass over the layers, before the input exists. The client
 * fixes its share of every tensor — random masks r for the input and for every activation
 * output, M·c − σ for every weighted layer (from the linear backend), local images of those for
 * pooling, flatten and residual adds — while the activation backend prepares the ReLU layers
 * (garbled circuits, the client's labels by OT) and the triple source deals square pairs for the
 * quadratic layers.
 *
 * Spec: §9.7, §9.7.1, §9.7.2, §9.7.3, §9.7.4
 * @module
 */
import type { SquarePairs } from '../beaver/triples.js';
import { ProtocolError } from '../errors.js';
import { shapeSize } from '../nn/tensor.js';
import { sampleFieldVector } from '../sharing/field-vector.js';
import { Accountant, type PhaseCost } from './accounting.js';
import type { Architecture, ArchitectureLayer, WeightedArchitectureLayer } from './architecture.js';
import type { ActivationClientLayer, ActivationLayerInfo, ActivationServerLayer, WeightedModelLayer } from './backend.js';
import { addLifted } from './local-layers.js';
import { applyLinearModP } from './linear.js';
import { abortOnError, type ClientSession, type ServerSession } from './session.js';
import type { ProtocolProgressCallback } from './accounting.js';

/** Label of the preprocessing stream forked from a party's stream (§9.2). */
export const PREPROCESSING_STREAM = 'delphi-ts/protocol/preprocessing';

/** Options of the preprocessing and online phases. */
export interface PhaseOptions {
  /** Keep this party's share of every tensor (and of the quadratic intermediates) for inspection. */
  readonly recordShares?: boolean;
  /** Overrides the session's progress callback for this phase. */
  readonly onProgress?: ProtocolProgressCallback;
}

/** What the client keeps of one layer for the online phase. */
export type ClientLayerMaterial =
  | { readonly kind: 'local' }
  | { readonly kind: 'activation'; readonly backend: ActivationClientLayer; readonly mask: Float64Array }
  | { readonly kind: 'quadratic'; readonly inputShare: Float64Array; readonly pairs: SquarePairs; readonly mask: Float64Array };

/** What the server keeps of one layer for the online phase. */
export type ServerLayerMaterial =
  | { readonly kind: 'local' }
  | { readonly kind: 'weighted'; readonly sigma: Float64Array }
  | { readonly kind: 'activation'; readonly backend: ActivationServerLayer; readonly mask: Float64Array }
  | { readonly kind: 'quadratic'; readonly pairs: SquarePairs };

/** The client's preprocessed material of one inference; usable for exactly one online phase. Spec: §9.7 */
export interface ClientPreprocessed {
  readonly party: 'client';
  readonly architecture: Architecture;
  /** r_in: the client's share of the input. */
  readonly inputMask: Float64Array;
  readonly layers: readonly ClientLayerMaterial[];
  /** ⟨last⟩_C: the client's share of the output. */
  readonly outputShare: Float64Array;
  readonly cost: PhaseCost;
  /** With `recordShares`: ⟨k⟩_C for every layer k. */
  readonly shares?: readonly Float64Array[];
}

/** The server's preprocessed material of one inference; usable for exactly one online phase. Spec: §9.7 */
export interface ServerPreprocessed {
  readonly party: 'server';
  readonly layers: readonly ServerLayerMaterial[];
  readonly cost: PhaseCost;
}

/** Step label of layer k: `layer 3 conv2d "conv2"`. */
export function layerLabel(k: number, layer: ArchitectureLayer): string {
  return `layer ${k} ${layer.op} ${JSON.stringify(layer.name)}`;
}

/** The activation backend's view of layer k; `onProgress` feeds the accountant's step progress. */
export function activationInfo(k: number, layer: ArchitectureLayer, f: number, onProgress?: (fraction: number) => void): ActivationLayerInfo {
  return {
    ...(onProgress ? { onProgress } : {}),
    index: k,
    kind: layer.op === 'relu6' ? 'relu6' : 'relu',
    count: shapeSize(layer.shape),
    fractionalBits: f,
    cap: layer.op === 'relu6' ? layer.cap : Infinity,
  };
}

const consumed = new WeakSet<object>();

/** Marks preprocessed material as used; throws {@link ProtocolError} if it already was (§9.5). */
export function consumePreprocessed(material: ClientPreprocessed | ServerPreprocessed): void {
  if (typeof material !== 'object' || material === null || !Array.isArray(material.layers)) {
    throw new ProtocolError('online phase: expected the result of a preprocessing phase');
  }
  if (consumed.has(material)) {
    throw new ProtocolError('online phase: this preprocessed material was already used; reusing masks would leak the difference of two inputs');
  }
  consumed.add(material);
}

/**
 * The client's preprocessing (§9.7): draws r_in and, layer by layer, fixes its share of every
 * tensor with the backends. Spec: §9.7
 */
export async function clientPreprocess(session: ClientSession, options: PhaseOptions = {}): Promise<ClientPreprocessed> {
  const { channel, architecture: arch } = session;
  return abortOnError(channel, 'client', async () => {
    const acct = new Accountant('client', channel, 'preprocessing', arch.layers.length + 1, options.onProgress ?? session.onProgress);
    const pre = session.rng.fork(PREPROCESSING_STREAM);
    const inputRng = pre.fork('input');
    const inputMask = await acct.step({ label: 'input', layer: null, op: 'input', elements: shapeSize(arch.inputShape) }, () =>
      sampleFieldVector(inputRng, shapeSize(arch.inputShape)),
    );
    const shares: Float64Array[] = [];
    const shareOf = (j: number): Float64Array => (j < 0 ? inputMask : shares[j]);
    const layers: ClientLayerMaterial[] = [];
    const f = arch.fractionalBits;
    for (let k = 0; k < arch.layers.length; k++) {
      const layer = arch.layers[k];
      const layerRng = pre.fork(`layer ${k}`);
      const n = shapeSize(layer.shape);
      const u = layer.inputs[0];
      await acct.step({ label: layerLabel(k, layer), layer: k, op: layer.op, elements: n }, async () => {
        switch (layer.op) {
          case 'conv2d':
          case 'dense':
          case 'scale': {
            const c = await session.linear.preprocess(layer as WeightedArchitectureLayer, k, shareOf(u), layerRng.fork('backend'));
            if (!(c instanceof Float64Array) || c.length !== n) throw new ProtocolError(`${layerLabel(k, layer)}: the linear backend returned a wrong-sized share`);
            shares.push(c);
            layers.push({ kind: 'local' });
            break;
          }
          case 'sumPool2d':
            shares.push(applyLinearModP(layer, shareOf(u)));
            layers.push({ kind: 'local' });
            break;
          case 'flatten':
            shares.push(shareOf(u));
            layers.push({ kind: 'local' });
            break;
          case 'add':
            shares.push(addLifted(shareOf(layer.inputs[0]), shareOf(layer.inputs[1]), layer.lift, f));
            layers.push({ kind: 'local' });
            break;
          case 'relu':
          case 'relu6': {
            const mask = sampleFieldVector(layerRng, n);
            const backend = await session.activations.preprocess(activationInfo(k, layer, f, (x) => acct.progress(x)), shareOf(u), layerRng.fork('backend'));
            shares.push(mask);
            layers.push({ kind: 'activation', backend, mask });
            break;
          }
          case 'quadratic': {
            const pairs = await session.triples.squarePairs(n);
            const mask = sampleFieldVector(layerRng, n);
            layers.push({ kind: 'quadratic', inputShare: shareOf(u), pairs, mask });
            shares.push(mask);
            break;
          }
        }
      });
    }
    return {
      party: 'client' as const,
      architecture: arch,
      inputMask,
      layers,
      outputShare: shares[shares.length - 1],
      cost: acct.finish(),
      ...(options.recordShares ? { shares } : {}),
    };
  });
}

/**
 * The server's preprocessing (§9.7): runs the backends with the client, keeping σ_k of every
 * weighted layer (from the linear backend) and drawing m_k for every activation layer. Spec: §9.7
 */
export async function serverPreprocess(session: ServerSession, options: PhaseOptions = {}): Promise<ServerPreprocessed> {
  const { channel, architecture: arch, model } = session;
  return abortOnError(channel, 'server', async () => {
    const acct = new Accountant('server', channel, 'preprocessing', arch.layers.length + 1, options.onProgress ?? session.onProgress);
    const pre = session.rng.fork(PREPROCESSING_STREAM);
    pre.fork('input'); // the client's input stream has no server counterpart; forked to keep the layout of §9.2
    await acct.step({ label: 'input', layer: null, op: 'input', elements: shapeSize(arch.inputShape) }, () => undefined);
    const layers: ServerLayerMaterial[] = [];
    const f = arch.fractionalBits;
    for (let k = 0; k < arch.layers.length; k++) {
      const layer = arch.layers[k];
      const layerRng = pre.fork(`layer ${k}`);
      const n = shapeSize(layer.shape);
      await acct.step({ label: layerLabel(k, layer), layer: k, op: layer.op, elements: n }, async () => {
        switch (layer.op) {
          case 'conv2d':
          case 'dense':
          case 'scale': {
            const sigma = await session.linear.preprocess(model.layers[k] as WeightedModelLayer, k, layerRng.fork('backend'));
            if (!(sigma instanceof Float64Array) || sigma.length !== n) {
              throw new ProtocolError(`${layerLabel(k, layer)}: the linear backend returned a wrong-sized share`);
            }
            layers.push({ kind: 'weighted', sigma });
            break;
          }
          case 'relu':
          case 'relu6': {
            const mask = sampleFieldVector(layerRng, n);
            const backend = await session.activations.preprocess(activationInfo(k, layer, f, (x) => acct.progress(x)), mask, layerRng.fork('backend'));
            layers.push({ kind: 'activation', backend, mask });
            break;
          }
          case 'quadratic':
            layers.push({ kind: 'quadratic', pairs: await session.triples.squarePairs(n) });
            break;
          default:
            layers.push({ kind: 'local' });
        }
      });
    }
    return { party: 'server' as const, layers, cost: acct.finish() };
  });
}
