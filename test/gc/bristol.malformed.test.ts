/**
 * The Bristol parser refuses malformed files with a MalformedInputError that names the line, and a
 * mutation fuzzer over a real circuit never makes it throw anything else.
 */
import { describe, expect, it } from 'vitest';
import { MalformedInputError, InvalidArgumentError } from '../../src/errors.js';
import { parseBristol, MAX_BRISTOL_WIRES } from '../../src/gc/bristol.js';
import { evaluatePlain } from '../../src/gc/plain.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { bristolText } from './helpers.js';

/** A 2-input 1-output XOR circuit: wires 0, 1 in; 2 out. */
const GOOD = '1 3\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n';

function refusal(text: string): string {
  try {
    parseBristol(text);
  } catch (e) {
    expect(e).toBeInstanceOf(MalformedInputError);
    return (e as Error).message;
  }
  throw new Error('parsed a malformed file');
}

describe('parseBristol refuses malformed files, naming the line', () => {
  it('accepts the small valid file', () => {
    const { circuit } = parseBristol(GOOD);
    expect(evaluatePlain(circuit, [1n, 0n])).toEqual([1n]);
    expect(evaluatePlain(circuit, [1n, 1n])).toEqual([0n]);
  });
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /line 1: empty file/],
    ['blank file', '\n\n  \n', /empty file/],
    ['three header fields', '1 3 4\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n', /line 1: .*2 fields|line 1: .*got 3 fields/],
    ['negative count', '-1 3\n2 1 1\n1 1\n', /line 1: gate count "-1"/],
    ['fraction', '1 3.5\n2 1 1\n1 1\n', /line 1: wire count "3.5"/],
    ['leading zero', '01 3\n2 1 1\n1 1\n', /line 1: gate count "01"/],
    ['missing output line', '1 3\n2 1 1\n', /missing the output line/],
    ['input widths miscounted', '1 3\n3 1 1\n1 1\n\n2 1 0 1 2 XOR\n', /line 2: .*declares 3 values but lists 2/],
    ['inputs wider than the circuit', '1 3\n2 2 2\n1 1\n\n2 1 0 1 2 XOR\n', /line 2: the inputs need 4 wires/],
    ['unknown gate', '1 3\n2 1 1\n1 1\n\n2 1 0 1 2 NAND\n', /line 5: unknown gate "NAND"/],
    ['wire out of range', '1 3\n2 1 1\n1 1\n\n2 1 0 7 2 XOR\n', /line 5: wire 7 is too large/],
    ['read before written', '2 4\n2 1 1\n1 1\n\n2 1 0 3 2 XOR\n2 1 0 1 3 AND\n', /line 5: wire 3 is read before/],
    ['written twice', '2 3\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n2 1 0 1 2 AND\n', /line 6: wire 2 is written twice/],
    ['writes an input wire', '1 3\n2 1 1\n1 1\n\n2 1 0 1 1 XOR\n', /line 5: wire 1 is an input wire/],
    ['XOR with one input', '1 3\n2 1 1\n1 1\n\n1 1 0 2 XOR\n', /line 5: XOR takes 2 input/],
    ['field count mismatch', '1 3\n2 1 1\n1 1\n\n2 1 0 1 XOR\n', /line 5: .*4 fields|line 5: the gate declares/],
    ['EQ with a bad constant', '1 3\n2 1 1\n1 1\n\n1 1 2 2 EQ\n', /line 5: EQ assigns the constant 0 or 1/],
    ['MAND with odd inputs', '1 4\n2 1 1\n1 2\n\n3 2 0 1 0 2 3 MAND\n', /line 5: MAND takes 2k inputs/],
    ['fewer gates than declared', '2 4\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n', /line 1: the header declares 2 gates but the file has 1/],
    ['more gates than declared', '1 4\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n2 1 0 1 3 XOR\n', /line 6: more gates than the 1/],
    ['output never written', '1 4\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n', /output wire 3 is never written/],
    ['huge gate count in a tiny file', '99999999 3\n2 1 1\n1 1\n', /more than the file can hold/],
    ['huge wire count', `1 ${MAX_BRISTOL_WIRES + 1}\n2 1 1\n1 1\n`, /line 1: wire count .* too large/],
    ['huge input width', `1 3\n1 ${2 ** 60}\n1 1\n`, /line 2: width of input 0 .* too large/],
  ];
  for (const [what, text, pattern] of cases) {
    it(what, () => expect(refusal(text)).toMatch(pattern));
  }
  it('CRLF line endings and extra spaces are accepted', () => {
    const { circuit } = parseBristol(GOOD.replace(/\n/g, '\r\n').replace(/ /g, '  '));
    expect(evaluatePlain(circuit, [1n, 1n])).toEqual([0n]);
  });
  it('MAND pairs consecutive inputs (SCALE-MAMBA Circuit.h)', () => {
    // 4 2 0 2 1 3 4 5 MAND computes w4 = w0 ∧ w2 and w5 = w1 ∧ w3.
    const { circuit } = parseBristol('1 6\n4 1 1 1 1\n1 2\n\n4 2 0 2 1 3 4 5 MAND\n');
    for (let v = 0; v < 16; v++) {
      const b = [0, 1, 2, 3].map((k) => BigInt((v >> k) & 1));
      expect(evaluatePlain(circuit, b)).toEqual([(b[0] & b[2]) | ((b[1] & b[3]) << 1n)]);
    }
  });
  it('EQ and EQW', () => {
    const { circuit } = parseBristol('3 4\n1 1\n1 3\n\n1 1 1 1 EQ\n1 1 0 2 EQW\n1 1 0 3 EQ\n');
    expect(evaluatePlain(circuit, [0n])).toEqual([0b001n]);
    expect(evaluatePlain(circuit, [1n])).toEqual([0b011n]);
  });
  it('a parties list of the wrong length is a usage error', () => {
    expect(() => parseBristol(GOOD, { parties: ['garbler'] })).toThrow(InvalidArgumentError);
  });
});

describe('mutation fuzzing of adder64.txt', () => {
  it('every mutant either parses into a valid circuit or is refused with MalformedInputError', () => {
    const base = bristolText('adder64');
    const rng = fromTextSeed('gc/bristol/fuzz');
    const alphabet = '0123456789 \nXORANDINVEQWM-.x';
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const chars = base.split('');
      const edits = 1 + uniformBelow(rng, 4);
      for (let e = 0; e < edits; e++) {
        const at = uniformBelow(rng, chars.length);
        const kind = uniformBelow(rng, 3);
        if (kind === 0) chars.splice(at, 1);
        else if (kind === 1) chars.splice(at, 0, alphabet[uniformBelow(rng, alphabet.length)]);
        else chars[at] = alphabet[uniformBelow(rng, alphabet.length)];
      }
      try {
        const { circuit } = parseBristol(chars.join(''));
        evaluatePlain(circuit, circuit.inputs.map(() => 0n));
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(MalformedInputError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(200);
  });
});

describe('writeBristol on builder circuits (renumbering, EQ and EQW)', () => {
  it('write → parse computes the same function, with constant, repeated and input-wire outputs', async () => {
    const { CircuitBuilder, ONE, ZERO } = await import('../../src/gc/builder.js');
    const { writeBristol } = await import('../../src/gc/bristol.js');
    const { evaluateWords } = await import('../../src/gc/plain.js');
    for (let trial = 0; trial < 10; trial++) {
      const rng = fromTextSeed(`gc/bristol/write/${trial}`);
      const b = new CircuitBuilder();
      const pool = [...b.input('garbler', 3), ...b.input('evaluator', 5)];
      for (let k = 0; k < 80; k++) {
        const x = pool[uniformBelow(rng, pool.length)];
        const y = pool[uniformBelow(rng, pool.length)];
        pool.push([b.xor(x, y), b.and(x, y), b.not(x), b.or(x, y)][uniformBelow(rng, 4)]);
      }
      const outs = [ONE, pool[0], ...Array.from({ length: 12 }, () => pool[uniformBelow(rng, pool.length)]), ZERO, pool[0], pool[pool.length - 1]];
      b.output(outs.slice(0, 7));
      b.output(outs.slice(7));
      const circuit = b.build();
      const text = writeBristol(circuit);
      const { circuit: back, headerGates } = parseBristol(text, { parties: ['garbler', 'evaluator'] });
      expect(back.counts.total).toBe(headerGates);
      expect(back.counts.and).toBe(circuit.counts.and);
      expect(back.outputs.map((o) => o.wires.length)).toEqual([7, outs.length - 7]);
      const words = Int32Array.from({ length: 8 }, () => rng.uint32() | 0);
      expect(Array.from(evaluateWords(back, words))).toEqual(Array.from(evaluateWords(circuit, words)));
      // and the written file is a fixed point once parsed
      expect(writeBristol(back)).toBe(text);
    }
  });
});
