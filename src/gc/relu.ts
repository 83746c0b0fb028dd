/**
 * Garbled ReLUs for the Delphi protocol, batched: the server (garbler) garbles n ReLU circuits
 * (§5.8) in preprocessing; the client (evaluator) obtains the labels of its shares by correlated OT;
 * online the server sends the labels of its shares and masks; the client evaluates and learns
 * (act(x_i) + mask_i) mod p, and the server keeps −mask_i as its share.
 *
 *     server                                                 client
 *     session = new GarblerSession(rng)
 *     m⁰ = sendCorrelated(41·n, session.delta)          ◄──►  labels = receiveCorrelated(reluClientChoiceBits(c))
 *     g = garbleRelus(n, session, { clientZeroLabels: m⁰ })
 *     serializeGarbledCircuit(g.circuit, g.garbled)     ───►  deserializeGarbledCircuit(bytes, reluCircuit(params))
 *     online: serializeLabels(reluServerLabels(g, s, mask)) ─►  y = evaluateRelus(params, garbled, L, labels)
 *     server's share: −mask mod p                              client's share: y
 *
 * Field elements are numbers in [0, p) in `Float64Array`s, as in src/sharing.
 *
 * Spec: §5.8
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { P, toSigned } from '../math/share-field.js';
import { relu6Fixed, reluFixed } from '../sharing/activations.js';
import type { Rng } from '../random/rng.js';
import { checkFieldVector } from '../sharing/field-vector.js';
import type { Circuit } from './circuit.js';
import {
  decodeOutputs,
  encodeInputs,
  evaluateGarbled,
  garble,
  GarblerSession,
  inputZeroLabels,
  LABEL_WORDS,
  type GarbledCircuit,
  type GarblerSecrets,
  type Garbling,
  type GarblingScheme,
} from './garble.js';
import { reluCircuit, reluGarblerValues, reluParams, SHARE_BITS, type ReluParams } from './relu-circuit.js';

/** Options of {@link garbleRelus}. Spec: §5.8 */
export interface GarbleRelusOptions extends ReluParams {
  /** Δ (lsb 1), e.g. the Δ given to the correlated OT; default drawn from the rng. */
  readonly delta?: Uint32Array;
  /** Zero-labels of the client's 41 input bits per ReLU (e.g. the COT sender's m⁰); default random. */
  readonly clientZeroLabels?: Uint32Array;
  /** Gate id of the first AND gate (§5.6); default 0. Batches under one Δ MUST use disjoint ranges. */
  readonly firstGateId?: number;
  /** Garbling scheme (default half gates; three halves, §5.13). With a session: the session's. */
  readonly scheme?: GarblingScheme;
}

/** The server's side of a garbled batch. Spec: §5.8 */
export interface ReluGarbling {
  readonly params: Required<ReluParams>;
  readonly count: number;
  readonly circuit: Circuit;
  /** To send to the client (with {@link serializeGarbledCircuit}). */
  readonly garbled: GarbledCircuit;
  /** To keep: Δ and the input zero-labels. */
  readonly secrets: GarblerSecrets;
}

/**
 * Garbles `count` ReLUs (or ReLU6s) with the circuit of §5.8. With a {@link GarblerSession} the
 * session's Δ and next gate ids are used (`delta` and `firstGateId` must then be absent), which is how
 * several layers share the Δ of one correlated-OT session safely. Spec: §5.8
 */
export function garbleRelus(count: number, source: Rng | GarblerSession, options: GarbleRelusOptions = {}): ReluGarbling {
  const params = reluParams(options);
  const circuit = reluCircuit(params);
  const labels = options.clientZeroLabels !== undefined ? { evaluatorZeroLabels: options.clientZeroLabels } : {};
  let result: Garbling;
  if (source instanceof GarblerSession) {
    if (options.delta !== undefined || options.firstGateId !== undefined) {
      throw new InvalidArgumentError('garbleRelus: delta and firstGateId come from the session');
    }
    if (options.scheme !== undefined && options.scheme !== source.scheme) {
      throw new InvalidArgumentError(`garbleRelus: scheme ${options.scheme} differs from the session's ${source.scheme}`);
    }
    result = source.garble(circuit, { instances: count, ...labels });
  } else {
    result = garble(circuit, source, {
      instances: count,
      ...(options.firstGateId !== undefined ? { firstGateId: options.firstGateId } : {}),
      ...(options.delta !== undefined ? { delta: options.delta } : {}),
      ...(options.scheme !== undefined ? { scheme: options.scheme } : {}),
      ...labels,
    });
  }
  return { params, count, circuit, garbled: result.garbled, secrets: result.secrets };
}

/**
 * Zero-labels of the client's input bits (41 per ReLU, least significant bit first): the OT sender's
 * m⁰, with m¹ = m⁰ ⊕ Δ. Spec: §5.8
 */
export function reluClientZeroLabels(g: ReluGarbling): Uint32Array {
  return inputZeroLabels(g.circuit, g.secrets, 'evaluator');
}

/** The client's OT choice bits: the 41 bits of each share, least significant first. Spec: §5.8 */
export function reluClientChoiceBits(clientShares: Float64Array): Uint8Array {
  const n = checkFieldVector(clientShares, 'reluClientChoiceBits');
  const bits = new Uint8Array(SHARE_BITS * n);
  for (let i = 0; i < n; i++) writeBits(clientShares[i], bits, SHARE_BITS * i);
  return bits;
}

function writeBits(v: number, out: Uint8Array, offset: number): void {
  let x = v;
  for (let k = 0; k < SHARE_BITS; k++) {
    out[offset + k] = x % 2;
    x = Math.floor(x / 2);
  }
}

/**
 * The server's active labels for its inputs: per ReLU, the 41 bits of s̃ then the 41 bits of m̃
 * (§5.8), from its shares and masks (field elements). Spec: §5.8
 */
export function reluServerLabels(g: ReluGarbling, serverShares: Float64Array, masks: Float64Array): Uint32Array {
  const n = checkFieldVector(serverShares, 'reluServerLabels: shares');
  checkFieldVector(masks, 'reluServerLabels: masks');
  if (n !== g.count || masks.length !== g.count) throw new SizeMismatchError(`reluServerLabels: expected ${g.count} shares and masks, got ${n} and ${masks.length}`);
  const bits = new Uint8Array(2 * SHARE_BITS * n);
  for (let i = 0; i < n; i++) {
    const [s, m] = reluGarblerValues(serverShares[i], masks[i], g.params.shift);
    writeBits(s, bits, 2 * SHARE_BITS * i);
    writeBits(m, bits, 2 * SHARE_BITS * i + SHARE_BITS);
  }
  return encodeInputs(g.circuit, g.secrets, 'garbler', bits);
}

/**
 * The client's active labels as OT would deliver them (zero-label ⊕ bit·Δ): for tests and
 * single-process runs. Spec: §5.8
 */
export function reluClientLabels(g: ReluGarbling, clientShares: Float64Array): Uint32Array {
  const bits = reluClientChoiceBits(clientShares);
  if (bits.length !== SHARE_BITS * g.count) throw new SizeMismatchError(`reluClientLabels: expected ${g.count} shares`);
  return encodeInputs(g.circuit, g.secrets, 'evaluator', bits);
}

/**
 * The server's active labels in the circuit's input order (per ReLU the 41 labels of s̃, then the 41
 * of m̃, §5.8) from the two apart, each 41 labels per ReLU. Spec: §5.8
 */
export function reluGarblerLabels(shareLabels: Uint32Array, maskLabels: Uint32Array): Uint32Array {
  const L = SHARE_BITS * LABEL_WORDS;
  const count = shareLabels.length / L;
  if (!Number.isInteger(count) || maskLabels.length !== shareLabels.length) {
    throw new SizeMismatchError(`reluGarblerLabels: share and mask labels must hold 41 labels per ReLU each, got ${shareLabels.length} and ${maskLabels.length} words`);
  }
  const out = new Uint32Array(2 * L * count);
  for (let i = 0; i < count; i++) {
    out.set(shareLabels.subarray(L * i, L * (i + 1)), 2 * L * i);
    out.set(maskLabels.subarray(L * i, L * (i + 1)), 2 * L * i + L);
  }
  return out;
}

/**
 * The client's evaluation: (act(x_i) + mask_i) mod p for every ReLU of the batch, from the garbled
 * batch, the server's labels and the client's labels. Spec: §5.8
 */
export function evaluateRelus(params: ReluParams, garbled: GarbledCircuit, serverLabels: Uint32Array, clientLabels: Uint32Array): Float64Array {
  const circuit = reluCircuit(params);
  const bits = decodeOutputs(garbled, evaluateGarbled(circuit, garbled, serverLabels, clientLabels));
  const out = new Float64Array(garbled.instances);
  for (let i = 0; i < garbled.instances; i++) {
    let v = 0;
    for (let k = SHARE_BITS - 1; k >= 0; k--) v = v * 2 + bits[SHARE_BITS * i + k];
    out[i] = v;
  }
  return out;
}

/**
 * The plaintext function of the circuits: (act(y) + mask) mod p with y = (clientShare + serverShare)
 * mod p read as signed, act = reluFixed or relu6Fixed of src/sharing/activations.ts with shift f. Spec: §5.8
 */
export function reluReference(clientShare: number, serverShare: number, mask: number, params: ReluParams = {}): number {
  const { kind, shift } = reluParams(params);
  const y = toSigned((clientShare + serverShare) % P);
  const r = kind === 'relu' ? reluFixed(y, shift) : relu6Fixed(y, shift);
  return (r + mask) % P;
}

/**
 * AND gates and bytes of one garbled ReLU: tables 32 bytes per AND under half gates, 24 bytes and
 * 5 bits under three halves (rounded up to whole bytes per ReLU, §5.13); labels 16 bytes. Spec: §5.8
 */
export function reluCost(params: ReluParams = {}, scheme: GarblingScheme = 'half-gates'): { andGates: number; tableBytes: number; serverLabelBytes: number; clientOts: number } {
  const c = reluCircuit(params);
  const and = c.counts.and;
  return {
    andGates: and,
    tableBytes: scheme === 'three-halves' ? 24 * and + Math.ceil((5 * and) / 8) : 32 * and,
    serverLabelBytes: 4 * LABEL_WORDS * c.inputBits('garbler'),
    clientOts: c.inputBits('evaluator'),
  };
}
