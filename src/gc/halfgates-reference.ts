/**
 * A slow, readable half-gates garbler and evaluator with labels as bigints, one gate and one
 * instance at a time, written straight from §5.6; the fast batched kernels must produce the same
 * tables, decoding bits and output labels. For tests and teaching.
 *
 * Spec: §5.6
 * @module
 */
import { fixedKeyAes } from '../hash/fixed-key-aes.js';
import { GATE, type Circuit } from './circuit.js';

const MASK128 = (1n << 128n) - 1n;

/** A 4-word label as a bigint (word 0 = low 32 bits). */
export function labelToBigint(words: ArrayLike<number>, offset = 0): bigint {
  let v = 0n;
  for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(words[offset + k] >>> 0);
  return v;
}

/** A bigint label as 4 words. */
export function bigintToLabel(v: bigint): Uint32Array {
  return Uint32Array.from([0, 1, 2, 3], (k) => Number((v >> BigInt(32 * k)) & 0xffffffffn));
}

/** π on a bigint block (little-endian bytes, §5.1). */
function pi(x: bigint): bigint {
  const bytes = new Uint8Array(16);
  for (let k = 0; k < 16; k++) bytes[k] = Number((x >> BigInt(8 * k)) & 0xffn);
  const y = fixedKeyAes().encryptBytes(bytes);
  let v = 0n;
  for (let k = 15; k >= 0; k--) v = (v << 8n) | BigInt(y[k]);
  return v;
}

/** TCCR(x, i) = π(π(x) ⊕ i) ⊕ π(x) (§5.2; the hash of OT extension). Spec: §5.2 */
export function tccrReference(x: bigint, tweak: bigint): bigint {
  const px = pi(x);
  return pi(px ^ tweak) ^ px;
}

const MASK64 = (1n << 64n) - 1n;

/** σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L on 128-bit blocks, x_L the high 64 bits (§5.2). Spec: §5.2 */
export function sigmaReference(x: bigint): bigint {
  const hi = x >> 64n;
  const lo = x & MASK64;
  return ((hi ^ lo) << 64n) | hi;
}

/** The garbling hash H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x) (§5.2). Spec: §5.6 */
export function mmoReference(x: bigint, tweak: bigint): bigint {
  const s = sigmaReference(x);
  return pi(s ^ tweak) ^ s;
}

const lsb = (x: bigint): bigint => x & 1n;

/**
 * Labels of a free gate's output (XOR, INV, COPY, CONST) from those of its inputs, one instance:
 * the garbler's zero-labels with its Δ, the evaluator's active labels with Δ = 0 (§5.6). Returns
 * false, writing nothing, for an AND gate. Shared by both garbling schemes' references (§5.13).
 * Spec: §5.6
 */
export function freeGateReference(op: number, a: number, b: number, c: number, W: bigint[], delta: bigint): boolean {
  switch (op) {
    case GATE.XOR:
      W[c] = W[a] ^ W[b];
      return true;
    case GATE.INV:
      W[c] = W[a] ^ delta;
      return true;
    case GATE.COPY:
      W[c] = W[a];
      return true;
    case GATE.CONST:
      W[c] = a === 1 ? delta : 0n;
      return true;
    default:
      return false;
  }
}

/** Garbling of one instance: per AND gate [TG, TE], the output zero-labels and decoding bits. */
export interface ReferenceGarbling {
  tables: bigint[];
  outputZeroLabels: bigint[];
  decoding: number[];
}

/**
 * Garbles one instance given Δ, the zero-label of every input wire, and the gate id of its first
 * AND gate. Spec: §5.6
 */
export function garbleReference(circuit: Circuit, delta: bigint, inputZero: bigint[], firstGateId: number): ReferenceGarbling {
  const W0: bigint[] = new Array(circuit.wireCount);
  inputZero.forEach((l, w) => (W0[w] = l));
  const tables: bigint[] = [];
  let gateId = BigInt(firstGateId);
  for (let k = 0; k < circuit.op.length; k++) {
    const [a, b, c] = [circuit.in0[k], circuit.in1[k], circuit.out[k]];
    if (freeGateReference(circuit.op[k], a, b, c, W0, delta)) continue;
    const j = 2n * gateId;
    const j2 = j + 1n;
    const A0 = W0[a];
    const A1 = A0 ^ delta;
    const B0 = W0[b];
    const B1 = B0 ^ delta;
    const pa = lsb(A0);
    const pb = lsb(B0);
    // Generator half gate.
    const TG = mmoReference(A0, j) ^ mmoReference(A1, j) ^ (pb ? delta : 0n);
    const WG0 = mmoReference(A0, j) ^ (pa ? TG : 0n);
    // Evaluator half gate.
    const TE = mmoReference(B0, j2) ^ mmoReference(B1, j2) ^ A0;
    const WE0 = mmoReference(B0, j2) ^ (pb ? TE ^ A0 : 0n);
    W0[c] = (WG0 ^ WE0) & MASK128;
    tables.push(TG, TE);
    gateId++;
  }
  const outWires = circuit.outputs.flatMap((o) => Array.from(o.wires));
  const outputZeroLabels = outWires.map((w) => W0[w]);
  return { tables, outputZeroLabels, decoding: outputZeroLabels.map((l) => Number(lsb(l))) };
}

/** Evaluates one instance from the active input labels; returns the active output labels. Spec: §5.6 */
export function evaluateReference(circuit: Circuit, tables: bigint[], inputActive: bigint[], firstGateId: number): bigint[] {
  const W: bigint[] = new Array(circuit.wireCount);
  inputActive.forEach((l, w) => (W[w] = l));
  let gateId = BigInt(firstGateId);
  let t = 0;
  for (let k = 0; k < circuit.op.length; k++) {
    const [a, b, c] = [circuit.in0[k], circuit.in1[k], circuit.out[k]];
    if (freeGateReference(circuit.op[k], a, b, c, W, 0n)) continue;
    const [TG, TE] = [tables[t++], tables[t++]];
    const A = W[a];
    const B = W[b];
    const WG = mmoReference(A, 2n * gateId) ^ (lsb(A) ? TG : 0n);
    const WE = mmoReference(B, 2n * gateId + 1n) ^ (lsb(B) ? TE ^ A : 0n);
    W[c] = WG ^ WE;
    gateId++;
  }
  return circuit.outputs.flatMap((o) => Array.from(o.wires, (w) => W[w]));
}
