/**
 * A slow, readable three-halves garbler and evaluator (§5.13) with labels as bigints, one gate and
 * one instance at a time. Unlike the kernels of ./threehalves.ts, which look the garbler's linear
 * forms up in a table, the garbler here solves the gate's equations row by row: for each colour
 * pair (a, b) it builds the evaluator's matrix R_{ab} from the paper's THREE_HALVES_RP, S₁, S₂ and the decrypted
 * control bits, and reads the garbled values off the rows (0,0), (0,1) and (1,1); row (1,0) is
 * checked. The kernels MUST produce identical tables, decoding bits and output labels.
 *
 * Spec: §5.13
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Circuit } from './circuit.js';
import { THREE_HALVES_RP, THREE_HALVES_S1, THREE_HALVES_S2 } from './threehalves.js';
import { freeGateReference, mmoReference } from './halfgates-reference.js';

const MASK64 = (1n << 64n) - 1n;
/** Bit 127: the domain of three-halves tweak blocks (§5.13). */
const DOMAIN = 1n << 127n;

/** The half hash of §5.13: the low 64 bits of H(x, t) = π(σ(x) ⊕ T) ⊕ σ(x), T = t + 2^127, and bit 64. Spec: §5.13 */
export function halfHashReference(x: bigint, tweak: bigint): { half: bigint; bit: number } {
  const h = mmoReference(x, tweak | DOMAIN);
  return { half: h & MASK64, bit: Number((h >> 64n) & 1n) };
}

/** One three-halves AND gate on the wire: G₀, G₁, G₂ (64-bit) and z₀ … z₄ (bit k of `z`). */
export interface ThreeHalvesGate {
  g: [bigint, bigint, bigint];
  z: number;
}

const halves = (x: bigint): [bigint, bigint] => [x & MASK64, x >> 64n];
const join = (l: bigint, r: bigint): bigint => (r << 64n) | l;
const sel = (bit: number, x: bigint): bigint => (bit ? x : 0n);

/** Row `row` (4 bits) of a matrix R applied to (A_L, A_R, B_L, B_R). */
function applyRow(row: number, v: readonly bigint[]): bigint {
  let out = 0n;
  for (let k = 0; k < 4; k++) if ((row >> k) & 1) out ^= v[k];
  return out;
}

/** The evaluator's R_{ab} (8 bits: left row in bits 0–3, right row in bits 4–7). Spec: §5.13 */
export function rMatrix(a: number, b: number, q1: number, q2: number): number {
  return THREE_HALVES_RP[2 * a + b] ^ (q1 ? THREE_HALVES_S1 : 0) ^ (q2 ? THREE_HALVES_S2 : 0);
}

/**
 * Garbles one AND gate: A⁰, B⁰ the zero-labels, Δ, tweak base t = 3·gate id, r = r₀ + 2r₁ the
 * gate's random bits. Returns the gate and the output zero-label. Spec: §5.13
 */
export function garbleAndReference(A0: bigint, B0: bigint, delta: bigint, t: bigint, r: number): { gate: ThreeHalvesGate; C: bigint } {
  const alpha = Number(A0 & 1n);
  const beta = Number(B0 & 1n);
  const P = A0 ^ sel(alpha, delta); // colour-0 labels
  const Q = B0 ^ sel(beta, delta);
  const [r0, r1] = [r & 1, (r >> 1) & 1];
  const [DL, DR] = halves(delta);
  const f = (a: number, b: number): number => (a ^ alpha) & (b ^ beta);
  // R_{ab} from the control bits the evaluator will decrypt at colours (a, b).
  const row = (a: number, b: number): { top: bigint; bottom: bigint } => {
    const c = a ^ b;
    const q1 = r0 ^ (a & (1 ^ alpha)) ^ (c & (alpha ^ beta));
    const q2 = r1 ^ (b & (1 ^ beta)) ^ (c & (alpha ^ beta));
    const R = rMatrix(a, b, q1, q2);
    const v = [...halves(P ^ sel(a, delta)), ...halves(Q ^ sel(b, delta))];
    return { top: applyRow(R & 15, v) ^ sel(f(a, b), DL), bottom: applyRow(R >> 4, v) ^ sel(f(a, b), DR) };
  };
  // Row (a,b): left a·g₀ ⊕ (a⊕b)·g₂ ⊕ R_top[A; B] = c_L ⊕ f·Δ_L, right b·g₁ ⊕ (a⊕b)·g₂ ⊕ R_bottom[A; B] = c_R ⊕ f·Δ_R.
  const r00 = row(0, 0);
  const r01 = row(0, 1);
  const r10 = row(1, 0);
  const r11 = row(1, 1);
  const cL = r00.top;
  const cR = r00.bottom;
  const g2 = r01.top ^ cL;
  const g0 = r11.top ^ cL;
  const g1 = r11.bottom ^ cR;
  if ((r01.bottom ^ cR) !== (g1 ^ g2) || (r10.top ^ cL) !== (g0 ^ g2) || (r10.bottom ^ cR) !== g2) {
    throw new InvalidArgumentError('three-halves reference: inconsistent gate equations');
  }
  const h1 = [halfHashReference(P, t), halfHashReference(P ^ delta, t)];
  const h2 = [halfHashReference(Q, t + 1n), halfHashReference(Q ^ delta, t + 1n)];
  const h3 = [halfHashReference(P ^ Q, t + 2n), halfHashReference(P ^ Q ^ delta, t + 2n)];
  const gate: ThreeHalvesGate = {
    g: [h1[0].half ^ h1[1].half ^ g0, h2[0].half ^ h2[1].half ^ g1, h3[0].half ^ h3[1].half ^ g2],
    z:
      (r0 ^ h1[0].bit ^ h3[0].bit) |
      ((r1 ^ h2[0].bit ^ h3[0].bit) << 1) |
      ((1 ^ alpha ^ h1[0].bit ^ h1[1].bit) << 2) |
      ((1 ^ beta ^ h2[0].bit ^ h2[1].bit) << 3) |
      ((alpha ^ beta ^ h3[0].bit ^ h3[1].bit) << 4),
  };
  const C = join(h1[0].half ^ h3[0].half ^ cL, h2[0].half ^ h3[0].half ^ cR);
  return { gate, C };
}

/** Evaluates one AND gate from the active labels A, B. Spec: §5.13 */
export function evaluateAndReference(A: bigint, B: bigint, gate: ThreeHalvesGate, t: bigint): bigint {
  const a = Number(A & 1n);
  const b = Number(B & 1n);
  const c = a ^ b;
  const h1 = halfHashReference(A, t);
  const h2 = halfHashReference(B, t + 1n);
  const h3 = halfHashReference(A ^ B, t + 2n);
  const z = (k: number): number => (gate.z >> k) & 1;
  const q1 = z(0) ^ (a & z(2)) ^ (c & z(4)) ^ h1.bit ^ h3.bit;
  const q2 = z(1) ^ (b & z(3)) ^ (c & z(4)) ^ h2.bit ^ h3.bit;
  const R = rMatrix(a, b, q1, q2);
  const v = [...halves(A), ...halves(B)];
  const [G0, G1, G2] = gate.g;
  const left = h1.half ^ h3.half ^ sel(a, G0) ^ sel(c, G2) ^ applyRow(R & 15, v);
  const right = h2.half ^ h3.half ^ sel(b, G1) ^ sel(c, G2) ^ applyRow(R >> 4, v);
  return join(left, right);
}

/** Garbling of one instance: the AND gates, the output zero-labels and decoding bits. */
export interface ThreeHalvesReferenceGarbling {
  gates: ThreeHalvesGate[];
  outputZeroLabels: bigint[];
  decoding: number[];
}

/**
 * Garbles one instance given Δ (lsb 1), the zero-label of every input wire, the gate id of its first
 * AND gate and the random bits r₀ + 2r₁ of each AND gate. Spec: §5.13
 */
export function garbleReferenceThreeHalves(circuit: Circuit, delta: bigint, inputZero: bigint[], firstGateId: number, dice: readonly number[]): ThreeHalvesReferenceGarbling {
  const W0: bigint[] = new Array(circuit.wireCount);
  inputZero.forEach((l, w) => (W0[w] = l));
  const gates: ThreeHalvesGate[] = [];
  let id = BigInt(firstGateId);
  for (let k = 0; k < circuit.op.length; k++) {
    const [a, b, c] = [circuit.in0[k], circuit.in1[k], circuit.out[k]];
    if (freeGateReference(circuit.op[k], a, b, c, W0, delta)) continue;
    const { gate, C } = garbleAndReference(W0[a], W0[b], delta, 3n * id, dice[gates.length]);
    gates.push(gate);
    W0[c] = C;
    id++;
  }
  const outputZeroLabels = circuit.outputs.flatMap((o) => Array.from(o.wires, (w) => W0[w]));
  return { gates, outputZeroLabels, decoding: outputZeroLabels.map((l) => Number(l & 1n)) };
}

/** Evaluates one instance from the active input labels; returns the active output labels. Spec: §5.13 */
export function evaluateReferenceThreeHalves(circuit: Circuit, gates: readonly ThreeHalvesGate[], inputActive: bigint[], firstGateId: number): bigint[] {
  const W: bigint[] = new Array(circuit.wireCount);
  inputActive.forEach((l, w) => (W[w] = l));
  let id = BigInt(firstGateId);
  let t = 0;
  for (let k = 0; k < circuit.op.length; k++) {
    const [a, b, c] = [circuit.in0[k], circuit.in1[k], circuit.out[k]];
    if (freeGateReference(circuit.op[k], a, b, c, W, 0n)) continue;
    W[c] = evaluateAndReference(W[a], W[b], gates[t++], 3n * id);
    id++;
  }
  return circuit.outputs.flatMap((o) => Array.from(o.wires, (w) => W[w]));
}
