/**
 * The half-gates kernels against the bigint reference of src/gc/halfgates-reference.ts on Bristol circuits
 * built so that COPY (EQW) reads wires in slots other than slot 0, and CONST (EQ) gates write slots
 * that an earlier wire used (its label is still there), over two kernel chunks — the cases a
 * mutation run found unguarded: wrong COPY offsets, and an evaluator that leaves a CONST slot unset.
 */
import { describe, expect, it } from 'vitest';
import { parseBristol } from '../../src/gc/bristol.js';
import type { Circuit } from '../../src/gc/circuit.js';
import { decodeOutputs, encodeInputs, evaluateGarbled, garble, partyWires } from '../../src/gc/garble.js';
import { evaluateBits } from '../../src/gc/plain.js';
import { evaluateReference, garbleReference, labelToBigint } from '../../src/gc/halfgates-reference.js';
import { fromTextSeed } from '../../src/random/index.js';

/** Garbles and evaluates `instances` copies; compares tables, decoding bits and output labels with the reference. */
function check(circuit: Circuit, seed: string, instances: number, firstGateId: number): void {
  const rng = fromTextSeed(seed);
  const { garbled, secrets } = garble(circuit, rng, { instances, firstGateId });
  const delta = labelToBigint(secrets.delta);
  const W = circuit.inputWireCount;
  const bitsRng = fromTextSeed(`${seed}/bits`);
  const bits = Uint8Array.from({ length: W * instances }, () => bitsRng.uint32() & 1);
  const pick = (wires: number[]): Uint8Array => {
    const out: number[] = [];
    for (let i = 0; i < instances; i++) for (const w of wires) out.push(bits[i * W + w]);
    return Uint8Array.from(out);
  };
  const outLabels = evaluateGarbled(
    circuit,
    garbled,
    encodeInputs(circuit, secrets, 'garbler', pick(partyWires(circuit, 'garbler'))),
    encodeInputs(circuit, secrets, 'evaluator', pick(partyWires(circuit, 'evaluator'))),
  );
  const decoded = decodeOutputs(garbled, outLabels);
  const m = circuit.outputBits;
  const and = circuit.counts.and;
  for (let i = 0; i < instances; i++) {
    const zero = Array.from({ length: W }, (_, w) => labelToBigint(secrets.inputZeroLabels, 4 * (i * W + w)));
    const ref = garbleReference(circuit, delta, zero, firstGateId + i * and);
    const tables = Array.from({ length: 2 * and }, (_, t) => labelToBigint(garbled.tables, 4 * (2 * i * and + t)));
    expect(tables).toEqual(ref.tables);
    expect(Array.from(garbled.decoding.subarray(i * m, (i + 1) * m))).toEqual(ref.decoding);
    const active = zero.map((z, w) => (bits[i * W + w] ? z ^ delta : z));
    const refOut = evaluateReference(circuit, ref.tables, active, firstGateId + i * and);
    expect(Array.from({ length: m }, (_, j) => labelToBigint(outLabels, 4 * (i * m + j)))).toEqual(refOut);
    const plain = evaluateBits(circuit, bits.subarray(i * W, (i + 1) * W));
    expect(Array.from(decoded.subarray(i * m, (i + 1) * m))).toEqual(Array.from(plain));
  }
}

// Inputs: garbler wires 0, 1; evaluator wires 2, 3. w4 dies at gate 1, so CONST w6 reuses its slot
// (holding w4's label); w5 dies at gate 4, so CONST w9 reuses w5's slot. The EQW gates copy from the
// slots of w3 (an input, slot 3) and w5 (an inner wire).
const SLOT_REUSE = [
  '8 12',
  '2 2 2',
  '1 6',
  '',
  '2 1 0 2 4 AND',
  '2 1 4 1 5 XOR',
  '1 1 1 6 EQ',
  '1 1 3 7 EQW',
  '1 1 5 8 EQW',
  '1 1 0 9 EQ',
  '2 1 8 7 10 AND',
  '1 1 6 11 INV',
  '',
].join('\n');

describe('half-gates kernels = bigint reference on COPY and CONST', () => {
  const { circuit } = parseBristol(SLOT_REUSE);

  it('the circuit computes what its gates say (plaintext)', () => {
    for (let x = 0; x < 16; x++) {
      const b = [x & 1, (x >> 1) & 1, (x >> 2) & 1, (x >> 3) & 1];
      const w5 = (b[0] & b[2]) ^ b[1];
      expect(Array.from(evaluateBits(circuit, Uint8Array.from(b)))).toEqual([1, b[3], w5, 0, w5 & b[3], 0]);
    }
  });

  it('one instance', () => {
    check(circuit, 'hgm/1', 1, 0);
  });

  it('two kernel chunks (scratch slots reused across chunks), gate ids above 2^32', () => {
    check(circuit, 'hgm/2', 200, 2 ** 32 + 3);
  });

  it('INV of an input and of an inner wire, and a COPY into a reused slot next to a live wire, over a full chunk', () => {
    // w4 (slot 4) dies at gate 2, so the EQW writes w7 into slot 4, right below w5 (slot 5), which the
    // last AND still reads: a COPY that wrote past its own slot would change w5's label there.
    const text = [
      '7 11',
      '2 2 2',
      '1 5',
      '',
      '2 1 0 2 4 AND',
      '2 1 1 3 5 AND',
      '2 1 4 5 6 XOR',
      '1 1 3 7 EQW',
      '1 1 0 8 INV',
      '1 1 6 9 INV',
      '2 1 5 8 10 AND',
      '',
    ].join('\n');
    const { circuit: c3 } = parseBristol(text);
    for (let x = 0; x < 16; x++) {
      const b = [x & 1, (x >> 1) & 1, (x >> 2) & 1, (x >> 3) & 1];
      const w5 = b[1] & b[3];
      const w6 = (b[0] & b[2]) ^ w5;
      expect(Array.from(evaluateBits(c3, Uint8Array.from(b)))).toEqual([w6, b[3], 1 - b[0], 1 - w6, w5 & (1 - b[0])]);
    }
    // 10 slots: 204 instances per chunk, so the first chunk of 210 is full.
    check(c3, 'hgm/4', 210, 5);
  });

  it('a COPY of a COPY and a CONST feeding an AND', () => {
    const text = ['5 9', '2 2 2', '1 3', '', '1 1 3 4 EQW', '1 1 4 5 EQW', '1 1 1 6 EQ', '2 1 6 5 7 AND', '2 1 0 2 8 XOR', ''].join('\n');
    const { circuit: c2 } = parseBristol(text);
    check(c2, 'hgm/3', 7, 11);
  });
});
