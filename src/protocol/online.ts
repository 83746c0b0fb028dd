/**
 * The online phase (§9.8): the client sends its masked input; the server runs every layer on its
 * share — linear layers alone, ReLU layers through the activation backend, quadratic layers by
 * Beaver squaring — and the client returns a fresh masked share after each activation; finally
 * the server sends its share of the output and the client reconstructs the logits.
 *
 * Spec: §9.8, §9.8.1, §9.8.2, §9.8.3, §9.8.4, §9.8.5
 * @module
 */
import { beaverSquare } from '../beaver/multiply.js';
import type { SquarePairs } from '../beaver/triples.js';
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P, P_BIG, reduceModP } from '../math/share-field.js';
import { quantize } from '../sharing/fixed-point.js';
import { shapeSize } from '../nn/tensor.js';
import type { PartyRole } from '../sharing/field-vector.js';
import { truncateShareUnchecked } from '../sharing/truncation.js';
import { Accountant, type PhaseCost } from './accounting.js';
import type { Architecture, ArchitectureLayer } from './architecture.js';
import type { WeightedModelLayer } from './backend.js';
import { applyLinearModP } from './linear.js';
import { addLifted } from './local-layers.js';
import { INPUT_LAYER, PROTOCOL_TAG, receiveFieldVector, sendFieldVector } from './messages.js';
import {
  consumePreprocessed,
  layerLabel,
  type ClientPreprocessed,
  type PhaseOptions,
  type ServerPreprocessed,
} from './preprocess.js';
import { abortOnError, type ClientSession, type ServerSession } from './session.js';

const P = SHARE_FIELD_P;
const mulModP = shareFieldMulModP;

/** One party's shares of the three truncated values of a quadratic layer (before truncation). */
export interface QuadraticShareRecord {
  /** ⟨x·x⟩ from the Beaver square. */
  readonly square: Float64Array;
  /** ⟨t⟩ = A2·⟨x2⟩ + A1·⟨x⟩. */
  readonly t: Float64Array;
}

/** A party's own shares of one inference, recorded with `recordShares`. Spec: §9.12 */
export interface ShareRecord {
  /** ⟨−1⟩: the share of the input. */
  readonly input: Float64Array;
  /** ⟨k⟩ for every layer k. */
  readonly layers: readonly Float64Array[];
  /** Indexed by layer; undefined except for quadratic layers. */
  readonly quadratic: readonly (QuadraticShareRecord | undefined)[];
}

/**
 * What the online phase needs of a session: the channel and the architecture (and, on the server,
 * the model). A live session is one; so is a session resumed from stored slots (§9.14), which
 * never ran a setup in this process. Spec: §9.14
 */
export type ClientOnlineContext = Pick<ClientSession, 'channel' | 'architecture' | 'onProgress'>;
/** The server's {@link ClientOnlineContext}. Spec: §9.14 */
export type ServerOnlineContext = Pick<ServerSession, 'channel' | 'architecture' | 'model' | 'onProgress'>;

/** Result of {@link clientOnline}. Spec: §9.8.5 */
export interface ClientOutput {
  /** The output as field elements (bigints in [0, p)), comparable with `evaluateFixedPoint`'s logits. */
  readonly logits: bigint[];
  /** The same as a Float64Array of field elements. */
  readonly fieldLogits: Float64Array;
  /** Signed logit / 2^(outputScale·f). */
  readonly decoded: number[];
  /** Index of the largest decoded value (the predicted class). */
  readonly prediction: number;
  readonly cost: PhaseCost;
  /** With `recordShares` in both phases. */
  readonly shares?: ShareRecord;
}

/** Result of {@link serverOnline}. */
export interface ServerOutput {
  readonly cost: PhaseCost;
  readonly shares?: ShareRecord;
}

/** The client's input: reals (encoded as quantize(v, f)) or field elements as bigints in [0, p). */
export type ClientInput = ArrayLike<number> | readonly bigint[];

/** Encodes the client's input as field elements (§9.8): reals at scale f, or bigints in [0, p). */
export function encodeClientInput(arch: Architecture, input: ClientInput): Float64Array {
  const n = shapeSize(arch.inputShape);
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw new InvalidArgumentError('input must be an array of numbers or of field elements (bigints)');
  }
  if (input.length !== n) {
    throw new InvalidArgumentError(`input has ${input.length} values, the model expects ${n} (shape [${arch.inputShape.join(', ')}])`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v: unknown = input[i];
    if (typeof v === 'bigint') {
      if (v < 0n || v >= P_BIG) throw new InvalidArgumentError(`input[${i}] = ${v} is not a field element`);
      out[i] = Number(v);
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      const z = quantize(v, arch.fractionalBits);
      out[i] = z < 0 ? z + P : z;
    } else {
      throw new InvalidArgumentError(`input[${i}] is not a finite number or a bigint`);
    }
  }
  return out;
}

function subVectors(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    out[i] = d < 0 ? d + P : d;
  }
  return out;
}

function addVectorsInPlace(a: Float64Array, b: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) {
    const s = a[i] + b[i];
    a[i] = s >= P ? s - P : s;
  }
  return a;
}

/**
 * Steps 1–3 of §9.8.4 for one party: x = T(u), x·x by Beaver squaring, x2 = T(x·x),
 * t = A2·x2 + A1·x, out = T(t) (+ A0 for the server). Returns ⟨out⟩ and the pre-truncation shares.
 */
async function quadraticShares(
  channel: ClientSession['channel'],
  role: PartyRole,
  layer: Extract<ArchitectureLayer, { op: 'quadratic' }>,
  inputShare: Float64Array,
  pairs: SquarePairs,
  f: number,
): Promise<{ out: Float64Array; record: QuadraticShareRecord }> {
  const n = inputShare.length;
  const x = truncateShareUnchecked(role, inputShare, f, new Float64Array(n));
  const square = await beaverSquare(channel, role, x, pairs);
  const x2 = truncateShareUnchecked(role, square, f, new Float64Array(n));
  const a2 = reduceModP(layer.a2);
  const a1 = reduceModP(layer.a1);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = mulModP(a2, x2[i]) + mulModP(a1, x[i]);
    t[i] = s >= P ? s - P : s;
  }
  const out = truncateShareUnchecked(role, t, f, new Float64Array(n));
  if (role === 0) {
    const a0 = reduceModP(layer.a0);
    for (let i = 0; i < n; i++) {
      const s = out[i] + a0;
      out[i] = s >= P ? s - P : s;
    }
  }
  return { out, record: { square, t } };
}

/**
 * The client's online phase (§9.8): sends x − r_in, serves every activation layer, and
 * reconstructs the output from OUTPUT_SHARE. Spec: §9.8
 */
export async function clientOnline(
  session: ClientOnlineContext,
  pre: ClientPreprocessed,
  input: ClientInput,
  options: PhaseOptions = {},
): Promise<ClientOutput> {
  const { channel, architecture: arch } = session;
  if (pre?.party !== 'client' || pre.architecture !== arch) throw new InvalidArgumentError('clientOnline: material from another session');
  const x = encodeClientInput(arch, input);
  consumePreprocessed(pre);
  return abortOnError(channel, 'client', async () => {
    const acct = new Accountant('client', channel, 'online', arch.layers.length + 2, options.onProgress ?? session.onProgress);
    const f = arch.fractionalBits;
    const record = options.recordShares === true;
    const quadratic: (QuadraticShareRecord | undefined)[] = [];
    await acct.step({ label: 'input', layer: null, op: 'input', elements: x.length }, () => {
      sendFieldVector(channel, PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, subVectors(x, pre.inputMask));
    });
    for (let k = 0; k < arch.layers.length; k++) {
      const layer = arch.layers[k];
      const material = pre.layers[k];
      await acct.step({ label: layerLabel(k, layer), layer: k, op: layer.op, elements: shapeSize(layer.shape) }, async () => {
        if (material.kind === 'activation') {
          const z = await material.backend.online(channel, (x) => acct.progress(x));
          if (!(z instanceof Float64Array) || z.length !== material.mask.length) {
            throw new ProtocolError(`${layerLabel(k, layer)}: the activation backend returned a wrong-sized vector`);
          }
          sendFieldVector(channel, PROTOCOL_TAG.RESHARE, k, subVectors(z, material.mask));
        } else if (material.kind === 'quadratic') {
          if (layer.op !== 'quadratic') throw new InvalidArgumentError('clientOnline: material does not match the architecture');
          const { out, record: r } = await quadraticShares(channel, 1, layer, material.inputShare, material.pairs, f);
          if (record) quadratic[k] = r;
          sendFieldVector(channel, PROTOCOL_TAG.RESHARE, k, subVectors(out, material.mask));
        }
      });
    }
    const last = arch.layers.length - 1;
    const n = pre.outputShare.length;
    const fieldLogits = await acct.step({ label: 'output', layer: null, op: 'output', elements: n }, async () => {
      const s = await receiveFieldVector(channel, PROTOCOL_TAG.OUTPUT_SHARE, last, n, 'OUTPUT_SHARE');
      return addVectorsInPlace(s, pre.outputShare);
    });
    const div = 2 ** (arch.outputScale * f);
    const decoded = Array.from(fieldLogits, (v) => (v > (P - 1) / 2 ? v - P : v) / div);
    let prediction = 0;
    for (let i = 1; i < decoded.length; i++) if (decoded[i] > decoded[prediction]) prediction = i;
    const shares: ShareRecord | undefined =
      record && pre.shares ? { input: pre.inputMask, layers: pre.shares, quadratic } : undefined;
    return {
      logits: Array.from(fieldLogits, (v) => BigInt(v)),
      fieldLogits,
      decoded,
      prediction,
      cost: acct.finish(),
      ...(shares ? { shares } : {}),
    };
  });
}

/**
 * The server's online phase (§9.8): receives x − r_in, computes its share of every layer, and
 * sends its share of the output. Its clock starts when MASKED_INPUT arrives (§9.11). Spec: §9.8
 */
export async function serverOnline(session: ServerOnlineContext, pre: ServerPreprocessed, options: PhaseOptions = {}): Promise<ServerOutput> {
  const { channel, architecture: arch, model } = session;
  if (pre?.party !== 'server' || pre.layers.length !== arch.layers.length) {
    throw new InvalidArgumentError('serverOnline: material from another session');
  }
  consumePreprocessed(pre);
  return abortOnError(channel, 'server', async () => {
    const acct = new Accountant('server', channel, 'online', arch.layers.length + 2, options.onProgress ?? session.onProgress);
    const f = arch.fractionalBits;
    const record = options.recordShares === true;
    const n0 = shapeSize(arch.inputShape);
    const input = await acct.step({ label: 'input', layer: null, op: 'input', elements: n0 }, async () => {
      const first = await channel.recv();
      acct.restartClock();
      return receiveFieldVector(channel, PROTOCOL_TAG.MASKED_INPUT, INPUT_LAYER, n0, 'MASKED_INPUT', first);
    });
    // Free each share after its last reader (unless recording).
    const lastUse = new Array<number>(arch.layers.length).fill(-1);
    let inputLastUse = -1;
    arch.layers.forEach((layer, k) =>
      layer.inputs.forEach((j) => {
        if (j < 0) inputLastUse = k;
        else lastUse[j] = k;
      }),
    );
    const shares: (Float64Array | undefined)[] = [];
    let inputShare: Float64Array | undefined = input;
    const shareOf = (j: number): Float64Array => {
      const s = j < 0 ? inputShare : shares[j];
      if (!s) throw new InvalidArgumentError(`serverOnline: share of ${j} was released`);
      return s;
    };
    const quadratic: (QuadraticShareRecord | undefined)[] = [];
    for (let k = 0; k < arch.layers.length; k++) {
      const layer = arch.layers[k];
      const material = pre.layers[k];
      const n = shapeSize(layer.shape);
      const u = layer.inputs[0];
      const out = await acct.step({ label: layerLabel(k, layer), layer: k, op: layer.op, elements: n }, async () => {
        switch (layer.op) {
          case 'conv2d':
          case 'dense':
          case 'scale': {
            if (material.kind !== 'weighted') throw new InvalidArgumentError('serverOnline: material does not match the model');
            return addVectorsInPlace(applyLinearModP(model.layers[k] as WeightedModelLayer, shareOf(u), { bias: true }), material.sigma);
          }
          case 'sumPool2d':
            return applyLinearModP(layer, shareOf(u));
          case 'flatten':
            return shareOf(u);
          case 'add':
            return addLifted(shareOf(layer.inputs[0]), shareOf(layer.inputs[1]), layer.lift, f);
          case 'relu':
          case 'relu6': {
            if (material.kind !== 'activation') throw new InvalidArgumentError('serverOnline: material does not match the model');
            await material.backend.online(channel, shareOf(u), (x) => acct.progress(x));
            const reshare = await receiveFieldVector(channel, PROTOCOL_TAG.RESHARE, k, n, `RESHARE of ${layerLabel(k, layer)}`);
            return subVectors(reshare, material.mask);
          }
          case 'quadratic': {
            if (material.kind !== 'quadratic') throw new InvalidArgumentError('serverOnline: material does not match the model');
            const { out: q, record: r } = await quadraticShares(channel, 0, layer, shareOf(u), material.pairs, f);
            if (record) quadratic[k] = r;
            const reshare = await receiveFieldVector(channel, PROTOCOL_TAG.RESHARE, k, n, `RESHARE of ${layerLabel(k, layer)}`);
            return addVectorsInPlace(q, reshare);
          }
        }
      });
      shares.push(out);
      if (!record) {
        if (inputLastUse === k) inputShare = undefined;
        for (const j of layer.inputs) if (j >= 0 && lastUse[j] === k) shares[j] = undefined;
      }
    }
    const last = arch.layers.length - 1;
    const outShare = shares[last]!;
    await acct.step({ label: 'output', layer: null, op: 'output', elements: outShare.length }, () => {
      sendFieldVector(channel, PROTOCOL_TAG.OUTPUT_SHARE, last, outShare);
    });
    const result: ServerOutput = { cost: acct.finish() };
    return record ? { ...result, shares: { input, layers: shares as Float64Array[], quadratic } } : result;
  });
}
