/**
 * The checked garbling API of §5.6 at its edges, against the plaintext evaluator and exact sizes:
 * Δ's point-and-permute bit, label and table sizes, input bits other than 0/1, the 2^52 gate-id
 * bound, a session's gate-id counter, zero instances, and evaluator zero-labels supplied by OT.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { parseBristol } from '../../src/gc/bristol.js';
import {
  checkGarbled,
  decodeOutputs,
  encodeInputs,
  evaluateGarbled,
  garble,
  GarblerSession,
  inputZeroLabels,
  partyWires,
} from '../../src/gc/garble.js';
import { fromTextSeed } from '../../src/random/index.js';

// garbler wires 0, 1; evaluator wires 2, 3; outputs: w4 = w0 ∧ w2, w5 = w1 ⊕ w3.
const { circuit } = parseBristol('2 6\n2 2 2\n1 2\n\n2 1 0 2 4 AND\n2 1 1 3 5 XOR\n');

function run(instances: number, seed: string): { out: Uint8Array; bits: Uint8Array[] } {
  const { garbled, secrets } = garble(circuit, fromTextSeed(seed), { instances });
  const rng = fromTextSeed(`${seed}/bits`);
  const g = Uint8Array.from({ length: 2 * instances }, () => rng.uint32() & 1);
  const e = Uint8Array.from({ length: 2 * instances }, () => rng.uint32() & 1);
  const labels = evaluateGarbled(circuit, garbled, encodeInputs(circuit, secrets, 'garbler', g), encodeInputs(circuit, secrets, 'evaluator', e));
  return { out: decodeOutputs(garbled, labels), bits: [g, e] };
}

describe('garble / evaluate edges', () => {
  it('decodes to the plaintext for 1 and 5 instances', () => {
    for (const n of [1, 5]) {
      const { out, bits } = run(n, `gm/${n}`);
      const [g, e] = bits;
      expect(Array.from(out)).toEqual(Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? g[k] & e[k] : g[k] ^ e[k])));
    }
  });

  it('zero instances: empty tables, labels and outputs', () => {
    const { garbled, secrets } = garble(circuit, fromTextSeed('gm/0'), { instances: 0 });
    expect(garbled.tables.length).toBe(0);
    expect(garbled.decoding.length).toBe(0);
    expect(secrets.inputZeroLabels.length).toBe(0);
    expect(decodeOutputs(garbled, new Uint32Array(0)).length).toBe(0);
  });

  it('Δ must be one label with its least significant bit set', () => {
    expect(() => garble(circuit, fromTextSeed('d'), { delta: Uint32Array.of(2, 0, 0, 0) })).toThrow(InvalidArgumentError);
    expect(() => garble(circuit, fromTextSeed('d'), { delta: Uint32Array.of(2, 0, 0, 0) })).toThrow(/least significant bit/);
    expect(() => garble(circuit, fromTextSeed('d'), { delta: Uint32Array.of(1, 0, 0) })).toThrow(SizeMismatchError);
    expect(() => garble(circuit, fromTextSeed('d'), { delta: Uint32Array.of(1, 0, 0) })).toThrow(/delta must hold 1 labels/);
    const { secrets } = garble(circuit, fromTextSeed('d'), { delta: Uint32Array.of(3, 5, 7, 9) });
    expect(Array.from(secrets.delta)).toEqual([3, 5, 7, 9]);
    expect(garble(circuit, fromTextSeed('d2')).secrets.delta[0] & 1).toBe(1);
  });

  it('input bits must be 0 or 1 and as many as the party has wires', () => {
    const { secrets } = garble(circuit, fromTextSeed('b'), { instances: 2 });
    expect(() => encodeInputs(circuit, secrets, 'garbler', Uint8Array.of(0, 1, 2, 0))).toThrow(new InvalidArgumentError('encodeInputs: bit 2 is 2, expected 0 or 1'));
    expect(() => encodeInputs(circuit, secrets, 'evaluator', Uint8Array.of(0, 1, 1))).toThrow(SizeMismatchError);
    expect(() => encodeInputs(circuit, secrets, 'evaluator', Uint8Array.of(0, 1, 1))).toThrow(/expected 4 input bits for evaluator, got 3/);
    const zero = inputZeroLabels(circuit, secrets, 'evaluator');
    expect(Array.from(encodeInputs(circuit, secrets, 'evaluator', new Uint8Array(4)))).toEqual(Array.from(zero));
    const ones = encodeInputs(circuit, secrets, 'evaluator', Uint8Array.of(1, 1, 1, 1));
    expect(Array.from(ones)).toEqual(Array.from(zero, (w, i) => (w ^ secrets.delta[i % 4]) >>> 0));
  });

  it('label, table and decoding sizes are checked against the circuit', () => {
    const { garbled, secrets } = garble(circuit, fromTextSeed('s'), { instances: 2 });
    const g = encodeInputs(circuit, secrets, 'garbler', new Uint8Array(4));
    const e = encodeInputs(circuit, secrets, 'evaluator', new Uint8Array(4));
    expect(() => evaluateGarbled(circuit, garbled, g.subarray(4), e)).toThrow(/garbler input labels must hold 4 labels \(16 words\), got 12 words/);
    expect(() => evaluateGarbled(circuit, garbled, g, e.subarray(0, 12))).toThrow(/evaluator input labels must hold 4 labels/);
    expect(() => evaluateGarbled(circuit, garbled, Array.from(g) as unknown as Uint32Array, e)).toThrow(InvalidArgumentError);
    expect(() => evaluateGarbled(circuit, garbled, Array.from(g) as unknown as Uint32Array, e)).toThrow(/garbler input labels must be a Uint32Array of 4-word labels/);
    expect(() => checkGarbled(circuit, { ...garbled, instances: -1 })).toThrow(/garbled.instances must be a non-negative integer, got -1/);
    expect(() => encodeInputs(circuit, secrets, 'garbler', undefined as unknown as Uint8Array)).toThrow(SizeMismatchError);
    expect(() => checkGarbled(circuit, { ...garbled, andGates: 2 })).toThrow(/2 AND gates per instance, the circuit 1/);
    expect(() => checkGarbled(circuit, { ...garbled, outputBits: 3 })).toThrow(/3 output bits per instance, the circuit 2/);
    expect(() => checkGarbled(circuit, { ...garbled, tables: garbled.tables.subarray(1) })).toThrow(/tables must hold 16 words/);
    expect(() => checkGarbled(circuit, { ...garbled, decoding: garbled.decoding.subarray(1) })).toThrow(/decoding must hold 4 bits/);
    expect(() => checkGarbled(circuit, { ...garbled, instances: -1 })).toThrow(InvalidArgumentError);
    expect(checkGarbled(circuit, garbled)).toBe(2);
    expect(() => decodeOutputs(garbled, new Uint32Array(12))).toThrow(/output labels must hold 4 labels/);
  });

  it('gate ids: up to 2^52 accepted, beyond refused', () => {
    const last = 2 ** 52 - 2; // one AND gate per instance, 2 instances: ids last, last + 1
    expect(garble(circuit, fromTextSeed('id'), { instances: 2, firstGateId: last }).garbled.firstGateId).toBe(last);
    expect(() => garble(circuit, fromTextSeed('id'), { instances: 2, firstGateId: last + 1 })).toThrow(OutOfRangeError);
    expect(() => garble(circuit, fromTextSeed('id'), { instances: 2, firstGateId: last + 1 })).toThrow(`gate ids ${last + 1} + 2·1 exceed 2^52`);
    expect(() => garble(circuit, fromTextSeed('id'), { firstGateId: -1 })).toThrow(/firstGateId must be a non-negative integer, got -1/);
    expect(() => garble(circuit, fromTextSeed('id'), { instances: 1.5 })).toThrow(/instances must be a non-negative integer, got 1.5/);
  });

  it('a session advances its gate ids by instances · AND gates and keeps its Δ', () => {
    const s = new GarblerSession(fromTextSeed('sess'), { firstGateId: 10 });
    const a = s.garble(circuit, { instances: 3 });
    expect(a.garbled.firstGateId).toBe(10);
    expect(s.nextGateId).toBe(13);
    const b = s.garble(circuit);
    expect(b.garbled.firstGateId).toBe(13);
    expect(s.nextGateId).toBe(14);
    expect(Array.from(b.secrets.delta)).toEqual(Array.from(s.delta));
    expect(() => new GarblerSession(fromTextSeed('x'), { firstGateId: -5 })).toThrow(/firstGateId must be a non-negative integer, got -5/);
    const given = new GarblerSession(fromTextSeed('sess2'), { delta: Uint32Array.of(5, 6, 7, 8) });
    expect(Array.from(given.delta)).toEqual([5, 6, 7, 8]);
    const { circuit: twoAnds } = parseBristol('2 6\n2 2 2\n1 2\n\n2 1 0 2 4 AND\n2 1 1 3 5 AND\n');
    const three = given.garble(twoAnds, { instances: 3 });
    expect(given.nextGateId).toBe(6);
    expect(three.garbled.tables.length).toBe(8 * 2 * 3);
    expect(() => checkGarbled(twoAnds, { ...three.garbled, tables: new Uint32Array(8) })).toThrow(/garbled tables must hold 48 words/);
  });

  it('evaluator zero-labels given by OT replace the sampled ones, wire by wire', () => {
    const ev = partyWires(circuit, 'evaluator');
    expect(ev).toEqual([2, 3]);
    const given = Uint32Array.from({ length: 4 * 2 * 3 }, (_, i) => 1000 + i);
    const { secrets } = garble(circuit, fromTextSeed('ot'), { instances: 3, evaluatorZeroLabels: given });
    expect(Array.from(inputZeroLabels(circuit, secrets, 'evaluator'))).toEqual(Array.from(given));
    expect(() => garble(circuit, fromTextSeed('ot'), { instances: 3, evaluatorZeroLabels: given.subarray(4) })).toThrow(/evaluatorZeroLabels must hold 6 labels/);
  });
});
