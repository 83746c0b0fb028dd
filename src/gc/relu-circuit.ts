/**
 * Delphi's non-linear layer as a Boolean circuit over the share field p = 2061584302081 = 15·2^37 + 1:
 * from the client's share c, the server's share s and the server's output mask m (all in [0, p)),
 * compute (act(y) + m) mod p where y = (c + s) mod p read as a signed integer and
 *
 *     relu:  r = y > 0 ? ⌊y / 2^f⌋ : 0          relu6: min(r, 6·2^f)
 *
 * (the linear layer's output is at scale 2f; f is the truncation shift, default 8). This is
 * `reluFixed` / `relu6Fixed` of src/sharing/activations.ts, bit for bit.
 *
 * Two constructions compute the same function:
 *
 * - {@link reluCircuit}: 258 AND gates for ReLU (292 for ReLU6 with f = 8). The server feeds s̃ = s + 2^36 − 1
 *   and m̃ = m − 2^{36−f} (mod p) instead of s and m (free for it: {@link reluGarblerValues}), which
 *   turns the sign test into a test of 5 high bits and lets the truncation reuse the mod-p comparison
 *   (§5.8 derives it).
 * - {@link reluCircuitStraightforward}: the textbook construction from the §5.4 gadgets (add mod p,
 *   compare with (p − 1)/2, shift, mask, add mod p), 317 AND gates for ReLU (373 for ReLU6); kept as an independent
 *   cross-check and for the gate-count comparison.
 *
 * Spec: §5.8
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { P_BIG } from '../math/share-field.js';
import { CircuitBuilder, ONE, ZERO, type Wire } from './builder.js';
import type { Circuit } from './circuit.js';
import { addBits, addModPBits, lessThan, subtractBits } from './gadgets.js';

/** Bits of a share-field element (p < 2^41). Spec: §5.8 */
export const SHARE_BITS = 41;
/** The activations the circuits compute. Spec: §5.8 */
export type ReluKind = 'relu' | 'relu6';
/** Largest truncation shift the circuits accept. Spec: §5.8 */
export const MAX_RELU_SHIFT = 36;
/** The default truncation shift (Delphi's 8 fractional bits). Spec: §5.8 */
export const DEFAULT_RELU_SHIFT = 8;

/** Parameters of a ReLU circuit. Spec: §5.8 */
export interface ReluParams {
  /** 'relu' (default) or 'relu6'. */
  readonly kind?: ReluKind;
  /** Truncation shift f in [0, 36] (default 8). */
  readonly shift?: number;
}

/** {@link ReluParams} with defaults applied and checked. Spec: §5.8 */
export function reluParams(params: ReluParams = {}): Required<ReluParams> {
  const kind = params.kind ?? 'relu';
  const shift = params.shift ?? DEFAULT_RELU_SHIFT;
  if (kind !== 'relu' && kind !== 'relu6') throw new InvalidArgumentError(`relu: kind must be "relu" or "relu6", got ${String(kind)}`);
  if (!Number.isInteger(shift) || shift < 0 || shift > MAX_RELU_SHIFT) {
    throw new InvalidArgumentError(`relu: shift must be an integer in [0, ${MAX_RELU_SHIFT}], got ${String(shift)}`);
  }
  return { kind, shift };
}

/** The offset the server adds to its share: 2^36 − 1. Spec: §5.8 */
export const RELU_SHARE_OFFSET = 2 ** 36 - 1;

/** The offset the server subtracts from its mask: 2^(36 − f). Spec: §5.8 */
export function reluMaskOffset(shift: number): number {
  return 2 ** (MAX_RELU_SHIFT - shift);
}

const P = Number(P_BIG);

/**
 * The garbler's circuit inputs for share s and mask m (field elements): s̃ = (s + 2^36 − 1) mod p
 * and m̃ = (m − 2^(36−f)) mod p. Spec: §5.8
 */
export function reluGarblerValues(share: number, mask: number, shift: number): [number, number] {
  const s = share + RELU_SHARE_OFFSET;
  const m = mask - reluMaskOffset(shift);
  return [s >= P ? s - P : s, m < 0 ? m + P : m];
}

function declareInputs(b: CircuitBuilder, shifted: boolean): { c: Wire[]; s: Wire[]; m: Wire[] } {
  const c = b.input('evaluator', SHARE_BITS, 'client share c');
  const s = b.input('garbler', SHARE_BITS, shifted ? 'server share s + 2^36 − 1 (mod p)' : 'server share s');
  const m = b.input('garbler', SHARE_BITS, shifted ? 'mask m − 2^(36−f) (mod p)' : 'mask m');
  return { c, s, m };
}

/** ∧ of all wires (ONE for none), as a balanced tree. */
function andAll(b: CircuitBuilder, wires: readonly Wire[]): Wire {
  if (wires.length === 0) return ONE;
  if (wires.length === 1) return wires[0];
  const h = wires.length >> 1;
  return b.and(andAll(b, wires.slice(0, h)), andAll(b, wires.slice(h)));
}

/**
 * The optimised ReLU / ReLU6 circuit (see §5.8). Inputs, in this order: the client's share c
 * (evaluator, 41 bits), s̃ and m̃ (garbler, 41 bits each, from {@link reluGarblerValues}); one output
 * of 41 bits, (act(y) + m) mod p. Spec: §5.8
 */
export function buildReluCircuit(params: ReluParams = {}): Circuit {
  const { kind, shift: f } = reluParams(params);
  const n = SHARE_BITS;
  const b = new CircuitBuilder();
  const { c, s, m } = declareInputs(b, true);
  // z = c + s̃ (42 bits).
  const add = addBits(b, c, s);
  const z = [...add.sum, add.carry];
  // (t, borrow) = z − p; over = ¬borrow = [z ≥ p], so u = z − over·p = (y + 2^36 − 1) mod p.
  const sub = subtractBits(b, z, b.constantBits(P_BIG, n + 1));
  const over = b.not(sub.borrow);
  const t = sub.difference;
  // Bits 36..40 of u = over ? t : z; positive ⟺ 2^36 ≤ u < 2^40.
  const u = (i: number): Wire => b.select(over, z[i], t[i]);
  const u36to39 = [36, 37, 38, 39].map(u);
  const pos = b.and(b.not(u(40)), b.or(b.or(u36to39[0], u36to39[1]), b.or(u36to39[2], u36to39[3])));
  // V = ⌊(u + over)/2^f⌋ = (z − 15·over·2^37) >> f: z's bits f..36, then (z37..z40) + over (mod 16),
  // since −15 ≡ 17 (mod 32) and only bits up to 40 are needed.
  const high: Wire[] = [];
  let carry = over;
  for (let i = 37; i <= 40; i++) {
    high.push(b.xor(z[i], carry));
    carry = b.and(z[i], carry);
  }
  const zv = [...z.slice(0, 37), ...high];
  const V = zv.slice(f, n); // 41 − f bits
  // e = ¬over ∧ (z mod 2^f = 2^f − 1): the +1 of ⌊(u + 1)/2^f⌋ when u = z.
  const e = b.and(b.not(over), andAll(b, z.slice(0, f)));
  const w = n - f;
  const K = 1n << BigInt(MAX_RELU_SHIFT - f); // 2^(36−f): the value fed when not positive
  const Kbits = b.constantBits(K, w);
  let sel = pos; // selects V
  let capSel: Wire = ZERO; // selects the cap constant
  let capBits: Wire[] = b.constantBits(0n, w);
  if (kind === 'relu6') {
    // cap ⟺ R ≥ 6·2^f ⟺ V + e ≥ D, D = 6·2^f + 2^(36−f) ⟺ no borrow in V − (D − 1) − ¬e. While
    // positive V + e ≤ 2^(w−1) + 1, so for a larger D (f > 18) the cap is never reached.
    const D = 6n * (1n << BigInt(f)) + K;
    if (D <= (1n << BigInt(w - 1)) + 1n) {
      const cmp = subtractBits(b, V, b.constantBits(D - 1n, w), b.not(e));
      const cap = b.not(cmp.borrow);
      sel = b.and(pos, b.not(cap));
      capSel = b.xor(pos, sel); // pos ∧ cap
      capBits = b.constantBits(D, w);
    }
  }
  // V′ = sel·V ⊕ capSel·D ⊕ ¬pos·K, one AND per bit (the constant terms are XORs of selectors);
  // cin = sel ∧ e. Then V′ + cin = r + K.
  const notPos = b.not(pos);
  const Vp = V.map((v, i) => {
    let constPart: Wire = ZERO;
    if (capBits[i] === ONE) constPart = b.xor(constPart, capSel);
    if (Kbits[i] === ONE) constPart = b.xor(constPart, notPos);
    return b.xor(b.and(sel, v), constPart);
  });
  const cin = b.and(sel, e);
  // out = (V′ + cin + m̃) mod p.
  const sum = addBits(b, [...Vp, ...b.constantBits(0n, f)], m, cin);
  const S = [...sum.sum, sum.carry];
  const red = subtractBits(b, S, b.constantBits(P_BIG, n + 1));
  const out = S.slice(0, n).map((si, i) => b.select(red.borrow, red.difference[i], si));
  b.output(out, '(act(y) + m) mod p');
  return b.build();
}

/**
 * The straightforward ReLU / ReLU6 circuit from the §5.4 gadgets, with the natural inputs c
 * (evaluator), s and m (garbler): y = (c + s) mod p; negative = (p − 1)/2 < y; r = ¬negative ·
 * (y >> f) (for ReLU6, min(r, 6·2^f) by one more comparison and mux); output (r + m) mod p.
 * Spec: §5.8
 */
export function buildReluCircuitStraightforward(params: ReluParams = {}): Circuit {
  const { kind, shift: f } = reluParams(params);
  const n = SHARE_BITS;
  const b = new CircuitBuilder();
  const { c, s, m } = declareInputs(b, false);
  const y = addModPBits(b, c, s, P_BIG);
  const negative = lessThan(b, b.constantBits((P_BIG - 1n) / 2n, n), y);
  const keep = b.not(negative);
  let r = y.slice(f).map((yi) => b.and(keep, yi));
  if (kind === 'relu6') {
    const capValue = 6n << BigInt(f);
    if (capValue >> BigInt(n - f) === 0n) {
      const cap = b.constantBits(capValue, n - f);
      const below = lessThan(b, r, cap);
      r = r.map((ri, i) => b.select(below, cap[i], ri)); // below ? r : cap
    }
  }
  const rFull = [...r, ...b.constantBits(0n, f)];
  b.output(addModPBits(b, rFull, m, P_BIG), '(act(y) + m) mod p');
  return b.build();
}

const cache = new Map<string, Circuit>();

/** The optimised circuit for `params` (built once and cached). Spec: §5.8 */
export function reluCircuit(params: ReluParams = {}): Circuit {
  const p = reluParams(params);
  const key = `${p.kind}/${p.shift}`;
  let c = cache.get(key);
  if (!c) {
    c = buildReluCircuit(p);
    cache.set(key, c);
  }
  return c;
}

/** The straightforward circuit for `params` (cached). Spec: §5.8 */
export function reluCircuitStraightforward(params: ReluParams = {}): Circuit {
  const p = reluParams(params);
  const key = `plain/${p.kind}/${p.shift}`;
  let c = cache.get(key);
  if (!c) {
    c = buildReluCircuitStraightforward(p);
    cache.set(key, c);
  }
  return c;
}
