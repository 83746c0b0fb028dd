/**
 * A builder for {@link Circuit}s: declare inputs per party, combine wires with XOR, AND, NOT (and
 * OR, XNOR), use constants, declare outputs, then {@link CircuitBuilder.build}.
 *
 * The builder simplifies as it goes, so gadgets can be written once for secret and public operands:
 * constants are folded (x ∧ 0 = 0, x ⊕ 1 = ¬x, …), x ⊕ x = 0, x ∧ x = x, ¬¬x = x, x ∧ ¬x = 0, and a
 * gate identical to an earlier one (same operation, same inputs in either order) is reused. `build`
 * drops the gates no output depends on and numbers the wires as §5.3 requires (inputs first).
 *
 * Spec: §5.3
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { Circuit, GATE, type Party } from './circuit.js';

/**
 * A wire of a circuit under construction: a non-negative id, or one of the constants
 * {@link ZERO} and {@link ONE}. Spec: §5.3
 */
export type Wire = number;
/** The constant-0 wire. Spec: §5.3 */
export const ZERO: Wire = -1;
/** The constant-1 wire. Spec: §5.3 */
export const ONE: Wire = -2;

const isConst = (w: Wire): boolean => w < 0;

/** Builds a {@link Circuit} gate by gate, folding constants and reusing identical gates. Spec: §5.3 */
export class CircuitBuilder {
  #wires = 0;
  readonly #inputs: { party: Party; wires: Wire[]; name?: string }[] = [];
  readonly #outputs: { wires: Wire[]; name?: string }[] = [];
  readonly #op: number[] = [];
  readonly #a: number[] = [];
  readonly #b: number[] = [];
  readonly #out: number[] = [];
  /** For a wire written by INV, the wire it negates (and the reverse). */
  readonly #negation = new Map<Wire, Wire>();
  readonly #memo = new Map<string, Wire>();

  /** Declares an input value of `width` bits supplied by `party`; returns its wires, LSB first. */
  input(party: Party, width: number, name?: string): Wire[] {
    if (party !== 'garbler' && party !== 'evaluator') throw new InvalidArgumentError(`input: unknown party ${String(party)}`);
    if (!Number.isSafeInteger(width) || width < 0) throw new InvalidArgumentError(`input: width must be a non-negative integer, got ${width}`);
    const wires: Wire[] = [];
    for (let k = 0; k < width; k++) {
      wires.push(this.#wires++);
    }
    this.#inputs.push({ party, wires, ...(name !== undefined ? { name } : {}) });
    return wires;
  }

  /** Declares an output value (LSB first). Outputs keep declaration order. */
  output(wires: readonly Wire[], name?: string): void {
    for (const w of wires) this.#check(w);
    this.#outputs.push({ wires: [...wires], ...(name !== undefined ? { name } : {}) });
  }

  /** The constant wire for `bit` (0 or 1, or a boolean). */
  constant(bit: number | boolean): Wire {
    return bit ? ONE : ZERO;
  }

  /** The wires of the `width`-bit constant `value`, LSB first. */
  constantBits(value: bigint | number, width: number): Wire[] {
    let v = BigInt(value);
    if (v < 0n || v >> BigInt(width) !== 0n) throw new InvalidArgumentError(`constantBits: ${value} does not fit in ${width} bits`);
    const out: Wire[] = [];
    for (let k = 0; k < width; k++, v >>= 1n) out.push(v & 1n ? ONE : ZERO);
    return out;
  }

  /** a ⊕ b (free under free-XOR). */
  xor(a: Wire, b: Wire): Wire {
    this.#check(a);
    this.#check(b);
    if (a === ZERO) return b;
    if (b === ZERO) return a;
    if (a === ONE) return this.not(b);
    if (b === ONE) return this.not(a);
    if (a === b) return ZERO;
    if (this.#negation.get(a) === b) return ONE;
    return this.#gate(GATE.XOR, a, b);
  }

  /** ¬(a ⊕ b). */
  xnor(a: Wire, b: Wire): Wire {
    return this.not(this.xor(a, b));
  }

  /** a ∧ b (one AND gate unless it folds). */
  and(a: Wire, b: Wire): Wire {
    this.#check(a);
    this.#check(b);
    if (a === ZERO || b === ZERO) return ZERO;
    if (a === ONE) return b;
    if (b === ONE) return a;
    if (a === b) return a;
    if (this.#negation.get(a) === b) return ZERO;
    return this.#gate(GATE.AND, a, b);
  }

  /** a ∨ b = ¬(¬a ∧ ¬b) (one AND gate unless it folds). */
  or(a: Wire, b: Wire): Wire {
    return this.not(this.and(this.not(a), this.not(b)));
  }

  /** ¬a (free). */
  not(a: Wire): Wire {
    this.#check(a);
    if (a === ZERO) return ONE;
    if (a === ONE) return ZERO;
    const known = this.#negation.get(a);
    if (known !== undefined) return known;
    const w = this.#emit(GATE.INV, a, 0);
    this.#negation.set(a, w);
    this.#negation.set(w, a);
    return w;
  }

  /** `sel` ? `ifOne` : `ifZero` for one bit: ifZero ⊕ (sel ∧ (ifZero ⊕ ifOne)). */
  select(sel: Wire, ifZero: Wire, ifOne: Wire): Wire {
    return this.xor(ifZero, this.and(sel, this.xor(ifZero, ifOne)));
  }

  /** Number of AND gates emitted so far (before dead-gate removal). */
  get andCount(): number {
    let n = 0;
    for (const o of this.#op) if (o === GATE.AND) n++;
    return n;
  }

  /**
   * The finished circuit: inputs numbered first (declaration order), then the gates that some
   * output depends on, in creation order, then one CONST gate per constant an output uses.
   */
  build(): Circuit {
    const live = new Uint8Array(this.#wires);
    const mark = (w: Wire): void => {
      if (w >= 0) live[w] = 1;
    };
    for (const o of this.#outputs) o.wires.forEach(mark);
    const g = this.#op.length;
    for (let k = g - 1; k >= 0; k--) {
      if (!live[this.#out[k]]) continue;
      const o = this.#op[k];
      mark(this.#a[k]);
      if (o === GATE.XOR || o === GATE.AND) mark(this.#b[k]);
    }
    const rename = new Int32Array(this.#wires).fill(-1);
    let next = 0;
    for (const i of this.#inputs) for (const w of i.wires) rename[w] = next++;
    const constUsed = [false, false];
    for (const o of this.#outputs) for (const w of o.wires) if (isConst(w)) constUsed[w === ONE ? 1 : 0] = true;
    const op: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    const out: number[] = [];
    const constWire = [-1, -1];
    for (const v of [0, 1]) {
      if (!constUsed[v]) continue;
      constWire[v] = next++;
      op.push(GATE.CONST);
      a.push(v);
      b.push(0);
      out.push(constWire[v]);
    }
    for (let k = 0; k < g; k++) {
      if (!live[this.#out[k]]) continue;
      const o = this.#op[k];
      rename[this.#out[k]] = next++;
      op.push(o);
      a.push(rename[this.#a[k]]);
      b.push(o === GATE.XOR || o === GATE.AND ? rename[this.#b[k]] : 0);
      out.push(rename[this.#out[k]]);
    }
    const map = (w: Wire): number => (w === ZERO ? constWire[0] : w === ONE ? constWire[1] : rename[w]);
    return Circuit.from({
      wireCount: next,
      inputs: this.#inputs.map((i) => ({ party: i.party, width: i.wires.length, ...(i.name !== undefined ? { name: i.name } : {}) })),
      op: Uint8Array.from(op),
      in0: Uint32Array.from(a),
      in1: Uint32Array.from(b),
      out: Uint32Array.from(out),
      outputs: this.#outputs.map((o) => ({ wires: o.wires.map(map), ...(o.name !== undefined ? { name: o.name } : {}) })),
    });
  }

  #check(w: Wire): void {
    if (!Number.isInteger(w) || w < ONE || w >= this.#wires) throw new InvalidArgumentError(`circuit builder: ${String(w)} is not a wire of this builder`);
  }

  #gate(op: number, a: Wire, b: Wire): Wire {
    const key = a < b ? `${op}:${a}:${b}` : `${op}:${b}:${a}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const w = this.#emit(op, a, b);
    this.#memo.set(key, w);
    return w;
  }

  #emit(op: number, a: Wire, b: Wire): Wire {
    const w = this.#wires++;
    this.#op.push(op);
    this.#a.push(a);
    this.#b.push(b);
    this.#out.push(w);
    return w;
  }
}
