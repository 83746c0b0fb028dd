/**
 * The batched half-gates kernels against the readable bigint reference of src/gc/halfgates-reference.ts:
 * same Δ, same input zero-labels and gate ids ⇒ identical tables, decoding bits and output labels,
 * for random circuits with every gate type, many instances (several kernel chunks), and gate ids
 * above 2^32 (tweaks that use the high word).
 */
import { describe, expect, it } from 'vitest';
import { parseBristol } from '../../src/gc/bristol.js';
import { CircuitBuilder, ONE, ZERO, type Wire } from '../../src/gc/builder.js';
import type { Circuit } from '../../src/gc/circuit.js';
import { decodeOutputs, encodeInputs, evaluateGarbled, garble, partyWires } from '../../src/gc/garble.js';
import { evaluateReference, garbleReference, labelToBigint } from '../../src/gc/halfgates-reference.js';
import { evaluateBits } from '../../src/gc/plain.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';

function randomCircuit(rng: Rng, gates: number): Circuit {
  const b = new CircuitBuilder();
  const pool: Wire[] = [...b.input('garbler', 3), ...b.input('evaluator', 4), ...b.input('garbler', 2)];
  for (let k = 0; k < gates; k++) {
    const x = pool[uniformBelow(rng, pool.length)];
    const y = pool[uniformBelow(rng, pool.length)];
    const kind = uniformBelow(rng, 4);
    pool.push(kind === 0 ? b.xor(x, y) : kind === 1 ? b.not(x) : b.and(x, y));
  }
  b.output([...pool.slice(-12), ONE, ZERO, pool[0]]);
  return b.build();
}

function checkAgainstReference(circuit: Circuit, seed: string, instances: number, firstGateId: number, sample?: number[]): void {
  const rng = fromTextSeed(seed);
  const { garbled, secrets } = garble(circuit, rng, { instances, firstGateId });
  const delta = labelToBigint(secrets.delta);
  const W = circuit.inputWireCount;
  const gw = partyWires(circuit, 'garbler');
  const ew = partyWires(circuit, 'evaluator');
  const bitsRng = fromTextSeed(`${seed}/bits`);
  const inputBits = Uint8Array.from({ length: W * instances }, () => bitsRng.uint32() & 1);
  const pick = (wires: number[]): Uint8Array => {
    const out: number[] = [];
    for (let i = 0; i < instances; i++) for (const w of wires) out.push(inputBits[i * W + w]);
    return Uint8Array.from(out);
  };
  const outLabels = evaluateGarbled(circuit, garbled, encodeInputs(circuit, secrets, 'garbler', pick(gw)), encodeInputs(circuit, secrets, 'evaluator', pick(ew)));
  const decoded = decodeOutputs(garbled, outLabels);
  const m = circuit.outputBits;
  for (const i of sample ?? Array.from({ length: instances }, (_, k) => k)) {
    const zero = Array.from({ length: W }, (_, w) => labelToBigint(secrets.inputZeroLabels, 4 * (i * W + w)));
    const ref = garbleReference(circuit, delta, zero, firstGateId + i * circuit.counts.and);
    const tables = Array.from({ length: 2 * circuit.counts.and }, (_, t) => labelToBigint(garbled.tables, 4 * (2 * i * circuit.counts.and + t)));
    expect(tables).toEqual(ref.tables);
    expect(Array.from(garbled.decoding.subarray(i * m, (i + 1) * m))).toEqual(ref.decoding);
    const active = zero.map((z, w) => (inputBits[i * W + w] ? z ^ delta : z));
    const refOut = evaluateReference(circuit, ref.tables, active, firstGateId + i * circuit.counts.and);
    expect(Array.from({ length: m }, (_, j) => labelToBigint(outLabels, 4 * (i * m + j)))).toEqual(refOut);
    // Active output label = zero-label ⊕ bit·Δ, and the decoded bit is the plaintext bit.
    const plain = evaluateBits(circuit, inputBits.subarray(i * W, (i + 1) * W));
    expect(Array.from(decoded.subarray(i * m, (i + 1) * m))).toEqual(Array.from(plain));
    refOut.forEach((l, j) => expect(l).toBe(plain[j] ? ref.outputZeroLabels[j] ^ delta : ref.outputZeroLabels[j]));
  }
}

describe('half-gates kernels = bigint reference', () => {
  it('one instance of a random 200-gate circuit', () => {
    checkAgainstReference(randomCircuit(fromTextSeed('hg/c1'), 200), 'hg/1', 1, 0);
  });
  it('300 instances (several chunks) with gate ids above 2^32', () => {
    checkAgainstReference(randomCircuit(fromTextSeed('hg/c2'), 60), 'hg/2', 300, 2 ** 33 + 5, [0, 1, 150, 298, 299]);
  });
  it('Bristol EQ, EQW and MAND gates', () => {
    const text = '5 10\n2 2 2\n1 4\n\n1 1 1 4 EQ\n1 1 0 5 EQW\n4 2 0 2 1 3 6 7 MAND\n2 1 4 5 8 AND\n2 1 8 6 9 XOR\n';
    const { circuit } = parseBristol(text);
    checkAgainstReference(circuit, 'hg/3', 5, 7);
  });
  it('a chunk boundary inside the instances (instances not a multiple of the chunk)', () => {
    // A circuit with many live wires makes the chunk small.
    const b = new CircuitBuilder();
    const x = b.input('garbler', 64);
    const y = b.input('evaluator', 64);
    b.output(x.map((xi, k) => b.and(xi, y[k])));
    const circuit = b.build();
    // 2^16 labels per chunk / (128 + 64) slots = 341 instances per chunk: check around the boundaries.
    checkAgainstReference(circuit, 'hg/4', 1100, 0, [0, 340, 341, 342, 681, 682, 1023, 1099]);
    // and every instance against the plaintext evaluator
    const rng = fromTextSeed('hg/4/all');
    const { garbled, secrets } = garble(circuit, rng, { instances: 1100 });
    const xs = Uint8Array.from({ length: 64 * 1100 }, () => rng.uint32() & 1);
    const ys = Uint8Array.from({ length: 64 * 1100 }, () => rng.uint32() & 1);
    const out = decodeOutputs(garbled, evaluateGarbled(circuit, garbled, encodeInputs(circuit, secrets, 'garbler', xs), encodeInputs(circuit, secrets, 'evaluator', ys)));
    expect(Array.from(out)).toEqual(Array.from(xs, (v, k) => v & ys[k]));
  });
});
