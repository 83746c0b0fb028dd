/**
 * Boolean circuits as the garbler, the evaluator, the plaintext evaluator and the gate counter all
 * see them: a list of wires numbered 0 … W−1 and a list of gates in topological order, held in flat
 * typed arrays (one entry per gate in each of `op`, `in0`, `in1`, `out`).
 *
 * - Input values come first: value k occupies the consecutive wires `inputs[k].firstWire …
 *   firstWire + width − 1`, least significant bit first, in declaration order from wire 0.
 * - Every other wire is written by exactly one gate, before any gate reads it.
 * - An output value is any list of wires (least significant bit first); a wire may appear in
 *   several outputs or be an input wire.
 *
 * Spec: §5.3
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Gate operations. XOR and INV are free under free-XOR garbling, AND costs two ciphertexts; CONST
 * writes a public constant (its value is in `in0`), COPY copies `in0` (Bristol's EQ and EQW).
 * Spec: §5.3
 */
export const GATE = { XOR: 0, AND: 1, INV: 2, CONST: 3, COPY: 4 } as const;
/** One of the {@link GATE} codes. Spec: §5.3 */
export type GateOp = (typeof GATE)[keyof typeof GATE];

/** Which party supplies an input value. In Delphi the server garbles and the client evaluates. */
export type Party = 'garbler' | 'evaluator';

/** An input value of a circuit. Spec: §5.3 */
export interface CircuitInput {
  /** Who supplies it. */
  readonly party: Party;
  /** Number of bits (wires). */
  readonly width: number;
  /** First of its `width` consecutive wires (its least significant bit). */
  readonly firstWire: number;
  /** Optional description (e.g. "client share"). */
  readonly name?: string;
}

/** An output value of a circuit. Spec: §5.3 */
export interface CircuitOutput {
  /** Its wires, least significant bit first. */
  readonly wires: Uint32Array;
  /** Optional description. */
  readonly name?: string;
}

/** Gate counts by operation. Spec: §5.3 */
export interface GateCounts {
  readonly and: number;
  readonly xor: number;
  readonly inv: number;
  readonly const: number;
  readonly copy: number;
  /** All gates. */
  readonly total: number;
}

/** The description {@link Circuit.from} validates. Spec: §5.3 */
export interface CircuitDescription {
  readonly wireCount: number;
  readonly inputs: readonly { readonly party: Party; readonly width: number; readonly name?: string }[];
  readonly op: Uint8Array;
  readonly in0: Uint32Array;
  readonly in1: Uint32Array;
  readonly out: Uint32Array;
  readonly outputs: readonly { readonly wires: ArrayLike<number>; readonly name?: string }[];
}

/** Largest number of wires (and of gates) of a circuit: wire numbers are stored as u32. */
export const MAX_WIRES = 2 ** 31;

/**
 * A validated Boolean circuit. Immutable by convention: the typed arrays are shared with garblers
 * and evaluators, which never write to them. Spec: §5.3
 */
export class Circuit {
  readonly wireCount: number;
  readonly inputs: readonly CircuitInput[];
  readonly outputs: readonly CircuitOutput[];
  /** Gate operation codes ({@link GATE}). */
  readonly op: Uint8Array;
  /** First input wire (CONST: the constant 0 or 1). */
  readonly in0: Uint32Array;
  /** Second input wire (XOR and AND only; 0 otherwise). */
  readonly in1: Uint32Array;
  /** Output wire. */
  readonly out: Uint32Array;
  /** Gate counts. */
  readonly counts: GateCounts;
  /** Number of input wires (= first wire written by a gate). */
  readonly inputWireCount: number;
  /** For every AND gate in circuit order, its gate index. */
  readonly andGates: Uint32Array;

  private constructor(d: CircuitDescription, inputs: CircuitInput[], counts: GateCounts, andGates: Uint32Array) {
    this.wireCount = d.wireCount;
    this.inputs = Object.freeze(inputs);
    this.outputs = Object.freeze(
      d.outputs.map((o) => Object.freeze({ wires: Uint32Array.from(o.wires), ...(o.name !== undefined ? { name: o.name } : {}) })),
    );
    this.op = d.op;
    this.in0 = d.in0;
    this.in1 = d.in1;
    this.out = d.out;
    this.counts = Object.freeze(counts);
    this.inputWireCount = inputs.reduce((s, i) => s + i.width, 0);
    this.andGates = andGates;
  }

  /**
   * Validates a description and builds the circuit. Throws {@link InvalidArgumentError} naming the
   * first problem: a wire number out of range, a gate reading a wire no earlier gate or input wrote,
   * a wire written twice, an unknown operation, an output wire never written. Spec: §5.3
   */
  static from(d: CircuitDescription): Circuit {
    const { wireCount, op, in0, in1, out } = d;
    if (!Number.isSafeInteger(wireCount) || wireCount < 0 || wireCount > MAX_WIRES) {
      throw new InvalidArgumentError(`circuit: wireCount must be an integer in [0, 2^31], got ${String(wireCount)}`);
    }
    if (!(op instanceof Uint8Array) || !(in0 instanceof Uint32Array) || !(in1 instanceof Uint32Array) || !(out instanceof Uint32Array)) {
      throw new InvalidArgumentError('circuit: op must be a Uint8Array and in0, in1, out Uint32Arrays');
    }
    const g = op.length;
    if (in0.length !== g || in1.length !== g || out.length !== g) {
      throw new InvalidArgumentError(`circuit: op, in0, in1 and out must have one entry per gate (${g})`);
    }
    const inputs: CircuitInput[] = [];
    let next = 0;
    for (const [k, i] of d.inputs.entries()) {
      if (i.party !== 'garbler' && i.party !== 'evaluator') {
        throw new InvalidArgumentError(`circuit: input ${k} has party ${String(i.party)}, expected "garbler" or "evaluator"`);
      }
      if (!Number.isSafeInteger(i.width) || i.width < 0) throw new InvalidArgumentError(`circuit: input ${k} has width ${String(i.width)}`);
      inputs.push(Object.freeze({ party: i.party, width: i.width, firstWire: next, ...(i.name !== undefined ? { name: i.name } : {}) }));
      next += i.width;
    }
    if (next > wireCount) throw new InvalidArgumentError(`circuit: the inputs need ${next} wires but the circuit has ${wireCount}`);
    const defined = new Uint8Array(wireCount);
    defined.fill(1, 0, next);
    let and = 0;
    let xor = 0;
    let inv = 0;
    let cst = 0;
    let copy = 0;
    const ands: number[] = [];
    const check = (w: number, k: number, what: string): void => {
      if (w >= wireCount) throw new InvalidArgumentError(`circuit: gate ${k} ${what} wire ${w} is out of range (${wireCount} wires)`);
    };
    for (let k = 0; k < g; k++) {
      const o = op[k];
      switch (o) {
        case GATE.XOR:
        case GATE.AND:
          check(in0[k], k, 'input');
          check(in1[k], k, 'input');
          if (!defined[in0[k]] || !defined[in1[k]]) {
            throw new InvalidArgumentError(`circuit: gate ${k} reads wire ${defined[in0[k]] ? in1[k] : in0[k]} before it is written`);
          }
          if (o === GATE.AND) {
            and++;
            ands.push(k);
          } else xor++;
          break;
        case GATE.INV:
        case GATE.COPY:
          check(in0[k], k, 'input');
          if (!defined[in0[k]]) throw new InvalidArgumentError(`circuit: gate ${k} reads wire ${in0[k]} before it is written`);
          if (o === GATE.INV) inv++;
          else copy++;
          break;
        case GATE.CONST:
          if (in0[k] > 1) throw new InvalidArgumentError(`circuit: constant gate ${k} has value ${in0[k]}, expected 0 or 1`);
          cst++;
          break;
        default:
          throw new InvalidArgumentError(`circuit: gate ${k} has unknown operation ${o}`);
      }
      check(out[k], k, 'output');
      if (defined[out[k]]) throw new InvalidArgumentError(`circuit: gate ${k} writes wire ${out[k]}, which is already written`);
      defined[out[k]] = 1;
    }
    for (const [k, o] of d.outputs.entries()) {
      for (const w of Array.from(o.wires)) {
        if (!Number.isInteger(w) || w < 0 || w >= wireCount || !defined[w]) {
          throw new InvalidArgumentError(`circuit: output ${k} uses wire ${w}, which no input or gate writes`);
        }
      }
    }
    const counts = { and, xor, inv, const: cst, copy, total: g };
    return new Circuit(d, inputs, counts, Uint32Array.from(ands));
  }

  /** Inputs supplied by `party`, in declaration order. */
  inputsOf(party: Party): CircuitInput[] {
    return this.inputs.filter((i) => i.party === party);
  }

  /** Total number of input bits supplied by `party`. */
  inputBits(party: Party): number {
    return this.inputsOf(party).reduce((s, i) => s + i.width, 0);
  }

  /** Total number of output bits. */
  get outputBits(): number {
    return this.outputs.reduce((s, o) => s + o.wires.length, 0);
  }

  /**
   * The same gates with different input parties (e.g. for a Bristol file, which does not say who
   * supplies what). `parties[k]` is the party of input k.
   */
  withParties(parties: readonly Party[]): Circuit {
    if (parties.length !== this.inputs.length) {
      throw new InvalidArgumentError(`circuit: expected ${this.inputs.length} parties, got ${parties.length}`);
    }
    return Circuit.from({ ...this.description(), inputs: this.inputs.map((i, k) => ({ ...i, party: parties[k] })) });
  }

  /** The description this circuit was built from (sharing its arrays). */
  description(): CircuitDescription {
    return {
      wireCount: this.wireCount,
      inputs: this.inputs,
      op: this.op,
      in0: this.in0,
      in1: this.in1,
      out: this.out,
      outputs: this.outputs,
    };
  }
}

/** Gate counts of a circuit (the gate counter of §5.3). Spec: §5.3 */
export function countGates(circuit: Circuit): GateCounts {
  return circuit.counts;
}
