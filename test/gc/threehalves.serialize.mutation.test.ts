/**
 * The garbled-circuit encoding of §5.9 at the edges that the round-trip tests do not reach: three-halves
 * control bits at every alignment (gate counts 1..8 per instance, with the byte after the control
 * section non-zero), a single AND gate (the half-ciphertexts end just before the message's last
 * bytes), control words with bits above the five that go on the wire, the 2^51 gate-id bound at
 * equality, and half-gates tables read as a view of an aligned message (no copy), a copy otherwise.
 */
import { adder } from './adder-circuit.js';
import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { CircuitBuilder } from '../../src/gc/builder.js';
import { encodeInputs, garble, THREE_HALVES_MAX_GATE_ID } from '../../src/gc/garble.js';
import { deserializeGarbledCircuit, GARBLED_HEADER_BYTES, serializeGarbledCircuit } from '../../src/gc/serialize.js';
import { fromTextSeed } from '../../src/random/index.js';

/** One AND gate of a garbler bit and an evaluator bit, one output bit. */
function oneAnd() {
  const b = new CircuitBuilder();
  const [x] = b.input('garbler', 1);
  const [y] = b.input('evaluator', 1);
  b.output([b.and(x, y)]);
  return b.build();
}

const circuit = adder(5); // 4 AND gates per instance

describe('three-halves encoding at every control-bit alignment', () => {
  it('round trips 1..8 instances (20..160 control bits) with labels after the control bits', () => {
    let wholeBytes = 0;
    let nonZeroNext = 0;
    for (let n = 1; n <= 8; n++) {
      const { garbled, secrets } = garble(circuit, fromTextSeed(`th/align/${n}`), { instances: n, scheme: 'three-halves' });
      const labels = encodeInputs(circuit, secrets, 'garbler', Uint8Array.from({ length: 5 * n }, (_, k) => (k * 7) & 1));
      const bytes = serializeGarbledCircuit(circuit, garbled, labels);
      const used = 5 * 4 * n;
      if (used % 8 === 0) {
        wholeBytes++;
        // The first byte after the control section is a label byte: not padding, never checked as such.
        if (bytes[GARBLED_HEADER_BYTES + 24 * 4 * n + used / 8] !== 0) nonZeroNext++;
      }
      const parsed = deserializeGarbledCircuit(bytes, circuit);
      expect(parsed.garbled).toEqual(garbled);
      expect(parsed.garblerLabels).toEqual(labels);
    }
    expect(wholeBytes).toBe(4);
    expect(nonZeroNext).toBeGreaterThan(0);
  });
  it('round trips a single AND gate (no bytes beyond the control and decoding bits)', () => {
    const c = oneAnd();
    const { garbled } = garble(c, fromTextSeed('th/one'), { instances: 1, scheme: 'three-halves' });
    const bytes = serializeGarbledCircuit(c, garbled);
    expect(bytes.length).toBe(GARBLED_HEADER_BYTES + 24 + 1 + 1);
    expect(deserializeGarbledCircuit(bytes, c).garbled).toEqual(garbled);
  });
  it('writes only the five control bits of each control word', () => {
    const { garbled } = garble(circuit, fromTextSeed('th/z'), { instances: 2, scheme: 'three-halves' });
    const noisy = garbled.tables.slice();
    for (let g = 0; g < 8; g++) noisy[7 * g + 6] |= 0xffffffe0;
    const bytes = serializeGarbledCircuit(circuit, { ...garbled, tables: noisy });
    expect(bytes).toEqual(serializeGarbledCircuit(circuit, garbled));
  });
  it('accepts gate ids up to 2^51 exactly, and refuses one more', () => {
    const { garbled } = garble(circuit, fromTextSeed('th/ids'), { instances: 3, scheme: 'three-halves' });
    const bytes = serializeGarbledCircuit(circuit, garbled);
    const withFirst = (first: number) => {
      const b = bytes.slice();
      const v = new DataView(b.buffer);
      v.setUint32(40, first % 2 ** 32, true);
      v.setUint32(44, Math.floor(first / 2 ** 32), true);
      return b;
    };
    const last = THREE_HALVES_MAX_GATE_ID - 12;
    expect(deserializeGarbledCircuit(withFirst(last)).garbled.firstGateId).toBe(last);
    expect(() => deserializeGarbledCircuit(withFirst(last + 1))).toThrow(new MalformedInputError('garbled circuit: three-halves gate ids exceed 2^51'));
  });
});

describe('half-gates tables: a view when aligned, a copy otherwise', () => {
  const { garbled } = garble(circuit, fromTextSeed('hg/view'), { instances: 2 });
  it('an aligned message lends its buffer to the tables', () => {
    const bytes = serializeGarbledCircuit(circuit, garbled);
    const tables = deserializeGarbledCircuit(bytes, circuit).garbled.tables;
    expect(tables).toEqual(garbled.tables);
    expect(tables.buffer).toBe(bytes.buffer);
    expect(tables.byteOffset).toBe(GARBLED_HEADER_BYTES);
  });
  it('a message at an odd offset is copied, with the same tables', () => {
    const bytes = serializeGarbledCircuit(circuit, garbled);
    const big = new Uint8Array(bytes.length + 1);
    big.set(bytes, 1);
    const tables = deserializeGarbledCircuit(big.subarray(1), circuit).garbled.tables;
    expect(tables).toEqual(garbled.tables);
    expect(tables.buffer).not.toBe(big.buffer);
  });
});
