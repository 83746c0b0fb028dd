/**
 * Bristol Fashion circuit files (SCALE-MAMBA; Archer, Bogdanov, Lindell, Smart et al.): parser
 * and writer.
 *
 *     G W                      gates, wires
 *     niv n_1 … n_niv          input values and their widths
 *     nov m_1 … m_nov          output values and their widths
 *
 *     2 1 a b c XOR            c = a ⊕ b      (also AND)
 *     1 1 a c INV              c = ¬a
 *     1 1 v c EQ               c = v (the constant 0 or 1)
 *     1 1 a c EQW              c = a
 *     2k k a_1 b_1 … a_k b_k c_1 … c_k MAND    c_i = a_i ∧ b_i
 *
 * Input values occupy wires 0, 1, … in header order; the outputs are the last m_1 + … + m_nov wires,
 * in header order; within a value, wire k is bit k (least significant first). MAND gates are
 * expanded into AND gates. A file does not say which party supplies which input: by default input 0
 * is the garbler's and every other input the evaluator's ({@link BristolOptions.parties}).
 *
 * Spec: §5.5
 * @module
 */
import { MalformedInputError, InvalidArgumentError } from '../errors.js';
import { Circuit, GATE, type Party } from './circuit.js';

/** Largest wire count the parser accepts (2^26): a bound on the memory a file can make us allocate. */
export const MAX_BRISTOL_WIRES = 2 ** 26;

/** Options of {@link parseBristol}. Spec: §5.5 */
export interface BristolOptions {
  /** Party of each input value (default: input 0 garbler, the others evaluator). */
  readonly parties?: readonly Party[];
}

/** A parsed Bristol file: the circuit and the counts its header declared. Spec: §5.5 */
export interface BristolCircuit {
  readonly circuit: Circuit;
  /** Gate lines declared by the header (a MAND line counts once). */
  readonly headerGates: number;
  /** Wires declared by the header. */
  readonly headerWires: number;
}

const UINT = /^(0|[1-9][0-9]*)$/;

/** Default parties: the first input is the garbler's, the rest the evaluator's. Spec: §5.5 */
export function defaultBristolParties(inputCount: number): Party[] {
  return Array.from({ length: inputCount }, (_, k) => (k === 0 ? 'garbler' : 'evaluator'));
}

/**
 * Parses a Bristol Fashion file. Throws {@link MalformedInputError} naming the line (1-based) of the
 * first problem: a bad header, a wrong token count, an unknown operation, a wire out of range, a wire
 * read before it is written or written twice, an output wire never written, or a gate count that
 * differs from the header. Spec: §5.5
 */
export function parseBristol(text: string, options: BristolOptions = {}): BristolCircuit {
  if (typeof text !== 'string') throw new InvalidArgumentError('parseBristol: expected the file contents as a string');
  const lines = text.split('\n');
  let lineNo = 0;
  const fail = (msg: string, line = lineNo): never => {
    throw new MalformedInputError(`bristol: line ${line}: ${msg}`);
  };
  const nextContentLine = (): string[] | undefined => {
    while (lineNo < lines.length) {
      const raw = lines[lineNo++];
      const t = raw.trim();
      if (t.length > 0) return t.split(/\s+/);
    }
    return undefined;
  };
  const uint = (tok: string, what: string, max = Number.MAX_SAFE_INTEGER): number => {
    if (!UINT.test(tok)) fail(`${what} "${tok}" is not a non-negative integer`);
    const v = Number(tok);
    if (!Number.isSafeInteger(v) || v > max) fail(`${what} ${tok} is too large (at most ${max})`);
    return v;
  };
  const counts = (what: string): number[] => {
    const t = nextContentLine() ?? fail(`missing the ${what} line`);
    const n = uint(t[0], `number of ${what} values`);
    if (t.length !== n + 1) fail(`the ${what} line declares ${n} values but lists ${t.length - 1} widths`);
    return t.slice(1).map((w, k) => uint(w, `width of ${what} ${k}`, MAX_BRISTOL_WIRES));
  };

  const head = nextContentLine() ?? fail('empty file', 1);
  if (head.length !== 2) fail(`the first line must be "<gates> <wires>", got ${head.length} fields`);
  const headerGates = uint(head[0], 'gate count');
  const headerWires = uint(head[1], 'wire count', MAX_BRISTOL_WIRES);
  const inputWidths = counts('input');
  const outputWidths = counts('output');
  const inputWires = inputWidths.reduce((s, w) => s + w, 0);
  const outputWires = outputWidths.reduce((s, w) => s + w, 0);
  if (inputWires > headerWires) fail(`the inputs need ${inputWires} wires but the header declares ${headerWires}`, 2);
  if (outputWires > headerWires) fail(`the outputs need ${outputWires} wires but the header declares ${headerWires}`, 3);
  // Each gate line has at least 10 characters, so a short file cannot declare a huge circuit.
  if (headerGates > text.length / 8 + 1) fail(`the header declares ${headerGates} gates, more than the file can hold`, 1);

  const parties = options.parties ?? defaultBristolParties(inputWidths.length);
  if (parties.length !== inputWidths.length) {
    throw new InvalidArgumentError(`parseBristol: ${parties.length} parties given for ${inputWidths.length} inputs`);
  }

  const defined = new Uint8Array(headerWires);
  defined.fill(1, 0, inputWires);
  const op: number[] = [];
  const in0: number[] = [];
  const in1: number[] = [];
  const out: number[] = [];
  const wire = (tok: string): number => uint(tok, 'wire', headerWires - 1);
  const read = (tok: string): number => {
    const w = wire(tok);
    if (!defined[w]) fail(`wire ${w} is read before any gate writes it`);
    return w;
  };
  const write = (tok: string): number => {
    const w = wire(tok);
    if (defined[w]) fail(w < inputWires ? `wire ${w} is an input wire and cannot be written` : `wire ${w} is written twice`);
    defined[w] = 1;
    return w;
  };
  const push = (o: number, a: number, b: number, c: number): void => {
    op.push(o);
    in0.push(a);
    in1.push(b);
    out.push(c);
  };

  let gateLines = 0;
  for (let t = nextContentLine(); t !== undefined; t = nextContentLine()) {
    gateLines++;
    if (gateLines > headerGates) fail(`more gates than the ${headerGates} the header declares`);
    if (t.length < 4) fail(`a gate line needs at least 4 fields, got ${t.length}`);
    const nIn = uint(t[0], 'input count');
    const nOut = uint(t[1], 'output count');
    const name = t[t.length - 1];
    if (t.length !== nIn + nOut + 3) fail(`the gate declares ${nIn} inputs and ${nOut} outputs but has ${t.length - 3} wire fields`);
    const arity = (i: number, o: number): void => {
      if (nIn !== i || nOut !== o) fail(`${name} takes ${i} input(s) and ${o} output(s), got ${nIn} and ${nOut}`);
    };
    switch (name) {
      case 'XOR':
      case 'AND': {
        arity(2, 1);
        const a = read(t[2]);
        const b = read(t[3]);
        push(name === 'XOR' ? GATE.XOR : GATE.AND, a, b, write(t[4]));
        break;
      }
      case 'INV':
      case 'NOT': {
        arity(1, 1);
        const a = read(t[2]);
        push(GATE.INV, a, 0, write(t[3]));
        break;
      }
      case 'EQW': {
        arity(1, 1);
        const a = read(t[2]);
        push(GATE.COPY, a, 0, write(t[3]));
        break;
      }
      case 'EQ': {
        arity(1, 1);
        if (t[2] !== '0' && t[2] !== '1') fail(`EQ assigns the constant 0 or 1, got "${t[2]}"`);
        push(GATE.CONST, Number(t[2]), 0, write(t[3]));
        break;
      }
      case 'MAND': {
        if (nOut === 0 || nIn !== 2 * nOut) fail(`MAND takes 2k inputs and k outputs, got ${nIn} and ${nOut}`);
        const pairs: number[] = [];
        for (let i = 0; i < nIn; i++) pairs.push(read(t[2 + i]));
        for (let i = 0; i < nOut; i++) push(GATE.AND, pairs[2 * i], pairs[2 * i + 1], write(t[2 + nIn + i]));
        break;
      }
      default:
        fail(`unknown gate "${name}" (expected XOR, AND, INV, EQ, EQW or MAND)`);
    }
  }
  if (gateLines !== headerGates) fail(`the header declares ${headerGates} gates but the file has ${gateLines}`, 1);
  const firstOutput = headerWires - outputWires;
  for (let w = firstOutput; w < headerWires; w++) {
    if (!defined[w]) fail(`output wire ${w} is never written`, lines.length);
  }
  const outputs: { wires: Uint32Array }[] = [];
  let next = firstOutput;
  for (const width of outputWidths) {
    outputs.push({ wires: Uint32Array.from({ length: width }, (_, k) => next + k) });
    next += width;
  }
  const circuit = Circuit.from({
    wireCount: headerWires,
    inputs: inputWidths.map((width, k) => ({ party: parties[k], width })),
    op: Uint8Array.from(op),
    in0: Uint32Array.from(in0),
    in1: Uint32Array.from(in1),
    out: Uint32Array.from(out),
    outputs,
  });
  return { circuit, headerGates, headerWires };
}

/**
 * Writes `circuit` as a Bristol Fashion file, laid out like the SCALE-MAMBA files (a space after
 * each width on lines 2 and 3, a blank line before the gates, two after). When the outputs are not
 * already the last wires in order, the wires are renumbered and EQW gates copy output bits that are
 * input wires or repeated. Constants become EQ gates. Spec: §5.5
 */
export function writeBristol(circuit: Circuit): string {
  const { op, in0, in1, out } = circuit;
  const outputBits = circuit.outputs.flatMap((o) => Array.from(o.wires));
  const O = outputBits.length;
  const inputWires = circuit.inputWireCount;
  // Give each output position its final wire number W − O + j; a gate-written wire that is the
  // output of exactly one position is renamed in place, any other position gets an EQW copy.
  const claimed = new Map<number, number>();
  for (const [j, w] of outputBits.entries()) {
    if (w >= inputWires && !claimed.has(w)) claimed.set(w, j);
  }
  const copies = outputBits.map((w, j) => (claimed.get(w) === j ? -1 : w));
  const nCopies = copies.filter((c) => c >= 0).length;
  const alreadyInPlace =
    nCopies === 0 && outputBits.every((w, j) => w === circuit.wireCount - O + j) && circuit.wireCount >= inputWires + O;
  const W = alreadyInPlace ? circuit.wireCount : inputWires + (op.length - [...claimed.keys()].length) + O;
  const rename = new Int32Array(circuit.wireCount).fill(-1);
  for (let w = 0; w < inputWires; w++) rename[w] = w;
  if (alreadyInPlace) {
    for (let w = 0; w < circuit.wireCount; w++) rename[w] = w;
  } else {
    let next = inputWires;
    for (let k = 0; k < op.length; k++) {
      const j = claimed.get(out[k]);
      rename[out[k]] = j !== undefined ? W - O + j : next++;
    }
  }
  const lines: string[] = [];
  const name = ['XOR', 'AND', 'INV', 'EQ', 'EQW'];
  for (let k = 0; k < op.length; k++) {
    const o = op[k];
    const c = rename[out[k]];
    if (o === GATE.XOR || o === GATE.AND) lines.push(`2 1 ${rename[in0[k]]} ${rename[in1[k]]} ${c} ${name[o]}`);
    else if (o === GATE.CONST) lines.push(`1 1 ${in0[k]} ${c} EQ`);
    else lines.push(`1 1 ${rename[in0[k]]} ${c} ${name[o]}`);
  }
  for (const [j, w] of copies.entries()) if (w >= 0) lines.push(`1 1 ${rename[w]} ${W - O + j} EQW`);
  const widths = (ws: number[]): string => ws.map((w) => `${w} `).join('');
  return (
    `${lines.length} ${W}\n` +
    `${circuit.inputs.length} ${widths(circuit.inputs.map((i) => i.width))}\n` +
    `${circuit.outputs.length} ${widths(circuit.outputs.map((o) => o.wires.length))}\n\n` +
    lines.join('\n') +
    '\n\n\n'
  );
}
