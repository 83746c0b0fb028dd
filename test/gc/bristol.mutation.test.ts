/**
 * parseBristol (Spec: §5.5): every refusal with its exact message and line number, each bound at
 * both ends (wire and width limits, the gate count a file of a given length can hold, wire indices
 * up to W − 1), the NOT alias and MAND arity; writeBristol's layout for a circuit whose outputs
 * already are the last wires. The expected texts are written out by hand from the format.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError } from '../../src/errors.js';
import { MAX_BRISTOL_WIRES, parseBristol, writeBristol } from '../../src/gc/bristol.js';
import { evaluatePlain } from '../../src/gc/plain.js';

const refuse = (text: string, message: string) => expect(() => parseBristol(text)).toThrow(new MalformedInputError(`bristol: ${message}`));

describe('parseBristol: header', () => {
  it('refuses a non-string', () => {
    expect(() => parseBristol(7 as never)).toThrow(new InvalidArgumentError('parseBristol: expected the file contents as a string'));
  });
  it('first line', () => {
    refuse('', 'line 1: empty file');
    refuse('\n \n', 'line 1: empty file');
    refuse('\n1\n', 'line 2: the first line must be "<gates> <wires>", got 1 fields');
    refuse('1 3 4\n', 'line 1: the first line must be "<gates> <wires>", got 3 fields');
    refuse('x 3\n', 'line 1: gate count "x" is not a non-negative integer');
    refuse('1 03\n', 'line 1: wire count "03" is not a non-negative integer');
    refuse('1 3a\n', 'line 1: wire count "3a" is not a non-negative integer');
    refuse('a1 3\n', 'line 1: gate count "a1" is not a non-negative integer');
    refuse('9007199254740992 3\n', 'line 1: gate count 9007199254740992 is too large (at most 9007199254740991)');
    refuse(`1 ${MAX_BRISTOL_WIRES + 1}\n`, `line 1: wire count ${MAX_BRISTOL_WIRES + 1} is too large (at most ${MAX_BRISTOL_WIRES})`);
  });
  it('a wire count of exactly 2^26 is accepted', () => {
    refuse(`0 ${MAX_BRISTOL_WIRES}\n1 1\n1 1\n`, `line 4: output wire ${MAX_BRISTOL_WIRES - 1} is never written`);
  });
  it('input and output lines', () => {
    refuse('1 3\n', 'line 2: missing the input line');
    refuse('1 3\n2 1 1\n', 'line 3: missing the output line');
    refuse('1 3\n3 1 1\n', 'line 2: the input line declares 3 values but lists 2 widths');
    refuse('1 3\n1 1 1\n', 'line 2: the input line declares 1 values but lists 2 widths');
    refuse('1 3\n2 1 1\n2 1\n', 'line 3: the output line declares 2 values but lists 1 widths');
    refuse('1 3\n2 1 x\n', 'line 2: width of input 1 "x" is not a non-negative integer');
    refuse(`1 3\n2 1 1\n2 1 ${MAX_BRISTOL_WIRES + 1}\n`, `line 3: width of output 1 ${MAX_BRISTOL_WIRES + 1} is too large (at most ${MAX_BRISTOL_WIRES})`);
    refuse('1 3\nx 1\n', 'line 2: number of input values "x" is not a non-negative integer');
    refuse('1 3\n2 2 2\n1 1\n', 'line 2: the inputs need 4 wires but the header declares 3');
    refuse('1 3\n2 1 1\n1 4\n', 'line 3: the outputs need 4 wires but the header declares 3');
  });
  it('inputs and outputs may use every declared wire', () => {
    const { circuit } = parseBristol('0 2\n2 1 1\n1 2\n');
    expect(evaluatePlain(circuit, [1n, 0n])).toEqual([1n]);
    expect(evaluatePlain(circuit, [0n, 1n])).toEqual([2n]);
  });
  it('the gate count a file of its length can hold: up to length/8 + 1', () => {
    // A 32-character file may declare 5 gates (32/8 + 1) and then fails on the missing gates; 31 characters may not.
    const head = '5 3\n2 1 1\n1 1\n';
    const text = head + ' '.repeat(32 - head.length);
    refuse(text, 'line 1: the header declares 5 gates but the file has 0');
    refuse(text.slice(0, 31), 'line 1: the header declares 5 gates, more than the file can hold');
    refuse('99 3\n', 'line 2: missing the input line');
    refuse('99 3\n1 1\n1 1\n', 'line 1: the header declares 99 gates, more than the file can hold');
  });
  it('parties', () => {
    expect(() => parseBristol('0 2\n2 1 1\n1 1\n', { parties: ['garbler'] })).toThrow(new InvalidArgumentError('parseBristol: 1 parties given for 2 inputs'));
    const { circuit } = parseBristol('0 3\n3 1 1 1\n1 1\n');
    expect(circuit.inputs.map((i) => i.party)).toEqual(['garbler', 'evaluator', 'evaluator']);
    const swapped = parseBristol('0 3\n3 1 1 1\n1 1\n', { parties: ['evaluator', 'garbler', 'garbler'] }).circuit;
    expect(swapped.inputs.map((i) => i.party)).toEqual(['evaluator', 'garbler', 'garbler']);
  });
});

describe('parseBristol: gate lines', () => {
  const H = '1 4\n2 1 1\n1 1\n\n';
  it('field counts', () => {
    refuse(`${H}1 1 0\n`, 'line 5: a gate line needs at least 4 fields, got 3');
    refuse(`${H}1 0 0 XOR\n`, 'line 5: XOR takes 2 input(s) and 1 output(s), got 1 and 0');
    refuse(`${H}2 1 0 1 XOR\n`, 'line 5: the gate declares 2 inputs and 1 outputs but has 2 wire fields');
    refuse(`${H}2 1 0 1 3 2 XOR\n`, 'line 5: the gate declares 2 inputs and 1 outputs but has 4 wire fields');
    refuse(`${H}x 1 0 1 3 XOR\n`, 'line 5: input count "x" is not a non-negative integer');
    refuse(`${H}2 y 0 1 3 XOR\n`, 'line 5: output count "y" is not a non-negative integer');
  });
  it('arity of each operation', () => {
    refuse(`${H}1 2 0 2 3 AND\n`, 'line 5: AND takes 2 input(s) and 1 output(s), got 1 and 2');
    refuse(`${H}3 1 0 1 0 3 XOR\n`, 'line 5: XOR takes 2 input(s) and 1 output(s), got 3 and 1');
    refuse(`${H}2 1 0 1 3 INV\n`, 'line 5: INV takes 1 input(s) and 1 output(s), got 2 and 1');
    refuse(`${H}1 2 0 2 3 NOT\n`, 'line 5: NOT takes 1 input(s) and 1 output(s), got 1 and 2');
    refuse(`${H}2 1 0 1 3 EQW\n`, 'line 5: EQW takes 1 input(s) and 1 output(s), got 2 and 1');
    refuse(`${H}1 2 0 2 3 EQ\n`, 'line 5: EQ takes 1 input(s) and 1 output(s), got 1 and 2');
    refuse(`${H}2 0 0 1 MAND\n`, 'line 5: MAND takes 2k inputs and k outputs, got 2 and 0');
    refuse(`${H}2 2 0 1 2 3 MAND\n`, 'line 5: MAND takes 2k inputs and k outputs, got 2 and 2');
    refuse(`${H}1 1 0 3 FOO\n`, 'line 5: unknown gate "FOO" (expected XOR, AND, INV, EQ, EQW or MAND)');
  });
  it('EQ constants', () => {
    refuse(`${H}1 1 2 3 EQ\n`, 'line 5: EQ assigns the constant 0 or 1, got "2"');
    refuse(`${H}1 1 01 3 EQ\n`, 'line 5: EQ assigns the constant 0 or 1, got "01"');
    expect(evaluatePlain(parseBristol(`${H}1 1 1 3 EQ\n`).circuit, [0n, 0n])).toEqual([1n]);
    expect(evaluatePlain(parseBristol(`${H}1 1 0 3 EQ\n`).circuit, [1n, 1n])).toEqual([0n]);
  });
  it('wires: indices up to W − 1, read only once written, written once, never an input', () => {
    refuse(`${H}2 1 0 4 3 XOR\n`, 'line 5: wire 4 is too large (at most 3)');
    refuse(`${H}2 1 0 x 3 XOR\n`, 'line 5: wire "x" is not a non-negative integer');
    refuse(`${H}2 1 0 2 3 XOR\n`, 'line 5: wire 2 is read before any gate writes it');
    refuse(`${H}1 1 3 3 INV\n`, 'line 5: wire 3 is read before any gate writes it');
    refuse(`${H}1 1 0 1 INV\n`, 'line 5: wire 1 is an input wire and cannot be written');
    refuse(`${H}1 1 1 0 EQW\n`, 'line 5: wire 0 is an input wire and cannot be written');
    refuse('2 4\n2 1 1\n1 1\n\n1 1 0 3 INV\n1 1 1 3 INV\n', 'line 6: wire 3 is written twice');
    refuse('2 4\n2 1 1\n1 1\n\n1 1 0 2 INV\n1 1 1 2 INV\n', 'line 6: wire 2 is written twice');
  });
  it('each operation computes its function', () => {
    const run = (gate: string, a: bigint, b: bigint) => evaluatePlain(parseBristol(`${H}${gate}\n`).circuit, [a, b])[0];
    for (const [a, b] of [[0n, 0n], [0n, 1n], [1n, 0n], [1n, 1n]]) {
      expect(run('2 1 0 1 3 XOR', a, b)).toBe(a ^ b);
      expect(run('2 1 0 1 3 AND', a, b)).toBe(a & b);
      expect(run('1 1 1 3 INV', a, b)).toBe(1n - b);
      expect(run('1 1 1 3 NOT', a, b)).toBe(1n - b);
      expect(run('1 1 1 3 EQW', a, b)).toBe(b);
    }
  });
  it('gate counts', () => {
    refuse('2 4\n2 1 1\n1 1\n\n2 1 0 1 3 XOR\n', 'line 1: the header declares 2 gates but the file has 1');
    refuse('1 4\n2 1 1\n1 1\n\n2 1 0 1 2 XOR\n2 1 0 1 3 XOR\n', 'line 6: more gates than the 1 the header declares');
    refuse('1 5\n2 1 1\n1 2\n\n2 1 0 1 3 XOR\n', 'line 6: output wire 4 is never written');
  });
  it('a MAND line counts once and expands into AND gates', () => {
    const { circuit, headerGates } = parseBristol('1 6\n4 1 1 1 1\n1 2\n\n4 2 0 1 2 3 4 5 MAND\n');
    expect(headerGates).toBe(1);
    expect(circuit.counts.and).toBe(2);
    expect(evaluatePlain(circuit, [1n, 1n, 0n, 1n])).toEqual([1n]);
    expect(evaluatePlain(circuit, [0n, 1n, 1n, 1n])).toEqual([2n]);
    refuse('1 6\n4 1 1 1 1\n1 2\n\n4 2 0 1 2 5 4 5 MAND\n', 'line 5: wire 5 is read before any gate writes it');
    // Pairs taken in order from any wires: w4 = w3 ∧ w1, w5 = w2 ∧ w0.
    const swapped = parseBristol('1 6\n4 1 1 1 1\n1 2\n\n4 2 3 1 2 0 4 5 MAND\n').circuit;
    expect(evaluatePlain(swapped, [0n, 1n, 1n, 1n])).toEqual([1n]);
    expect(evaluatePlain(swapped, [1n, 0n, 1n, 1n])).toEqual([2n]);
  });
});

describe('writeBristol layout', () => {
  it('a circuit whose outputs are already the last wires is written as parsed', () => {
    const text = '2 5\n2 1 1 \n1 2 \n\n2 1 0 1 3 XOR\n2 1 0 1 4 AND\n\n\n';
    expect(writeBristol(parseBristol(text).circuit)).toBe(text);
  });
  it('outputs already last keep every wire number, also out-of-order and unused ones', () => {
    // Gate outputs 4 then 3 (not in gate order), wires 5 and 6 unused: nothing is renumbered.
    const shuffled = '3 8\n2 1 1 \n1 1 \n\n2 1 0 1 4 AND\n2 1 0 1 3 XOR\n2 1 3 4 7 XOR\n\n\n';
    expect(writeBristol(parseBristol(shuffled).circuit)).toBe(shuffled);
    const sparse = '1 6\n2 1 1 \n1 1 \n\n2 1 0 1 5 AND\n\n\n';
    expect(writeBristol(parseBristol(sparse).circuit)).toBe(sparse);
  });
  it('outputs not last are renumbered densely: other gate wires first in gate order, then the outputs', () => {
    // Output wire 3 is written before the internal wire 4: the writer moves the output to the end.
    const { circuit } = parseBristol('2 5\n2 1 1\n1 1\n\n2 1 0 1 4 AND\n2 1 0 4 3 XOR\n');
    const moved = { ...circuit, outputs: [{ wires: Uint32Array.of(3) }] } as unknown as typeof circuit;
    const text = writeBristol(Object.setPrototypeOf(moved, Object.getPrototypeOf(circuit)));
    expect(text).toBe('2 4\n2 1 1 \n1 1 \n\n2 1 0 1 2 AND\n2 1 0 2 3 XOR\n\n\n');
    expect(evaluatePlain(parseBristol(text).circuit, [1n, 0n])).toEqual([1n]); // x ⊕ (x ∧ y) = 1 ⊕ 0
  });
  it('one output in place and one not: every output is renumbered, not only the misplaced one', () => {
    const { circuit } = parseBristol('3 5\n2 1 1\n1 1\n\n2 1 0 1 2 AND\n2 1 0 1 3 XOR\n2 1 2 3 4 XOR\n');
    const outputs = { ...circuit, outputs: [{ wires: Uint32Array.of(2, 4) }] } as unknown as typeof circuit;
    const text = writeBristol(Object.setPrototypeOf(outputs, Object.getPrototypeOf(circuit)));
    expect(text).toBe('3 5\n2 1 1 \n1 2 \n\n2 1 0 1 3 AND\n2 1 0 1 2 XOR\n2 1 3 2 4 XOR\n\n\n');
  });
  it('a constant gate keeps its value (not a renamed wire) when the wires are renumbered', () => {
    const { circuit } = parseBristol('2 3\n1 1\n1 1\n\n1 1 1 1 EQ\n2 1 0 1 2 AND\n');
    const outputs = { ...circuit, outputs: [{ wires: Uint32Array.of(1) }] } as unknown as typeof circuit;
    const text = writeBristol(Object.setPrototypeOf(outputs, Object.getPrototypeOf(circuit)));
    expect(text).toBe('2 3\n1 1 \n1 1 \n\n1 1 1 2 EQ\n2 1 0 2 1 AND\n\n\n');
  });
  it('outputs that are the input wires themselves are copied to new wires', () => {
    expect(writeBristol(parseBristol('0 2\n2 1 1\n1 2\n').circuit)).toBe('2 4\n2 1 1 \n1 2 \n\n1 1 0 2 EQW\n1 1 1 3 EQW\n\n\n');
  });
  it('an output that is an input wire, or repeated, is copied with EQW; constants become EQ', () => {
    const { circuit } = parseBristol('1 3\n2 1 1\n1 1\n\n2 1 0 1 2 AND\n');
    const swapped = { ...circuit, outputs: [{ wires: Uint32Array.of(0, 2, 2) }] } as unknown as typeof circuit;
    const text = writeBristol(Object.setPrototypeOf(swapped, Object.getPrototypeOf(circuit)));
    expect(text).toBe('3 5\n2 1 1 \n1 3 \n\n2 1 0 1 3 AND\n1 1 0 2 EQW\n1 1 3 4 EQW\n\n\n');
  });
});
