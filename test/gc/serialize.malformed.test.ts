/**
 * Byte encodings of garbled circuits and labels: exact round trips (with and without the garbler's
 * labels), the documented layout, and refusal — with typed errors, never a crash — of truncated,
 * extended, corrupted and random messages.
 */
import { adder } from './adder-circuit.js';
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError, SizeMismatchError } from '../../src/errors.js';
import { encodeInputs, garble } from '../../src/gc/garble.js';
import {
  circuitFingerprint,
  deserializeGarbledCircuit,
  deserializeLabels,
  GARBLED_HEADER_BYTES,
  serializeGarbledCircuit,
  serializeLabels,
} from '../../src/gc/serialize.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const circuit = adder(5); // 4 AND gates (the last carry is unused), 5 output bits
const { garbled, secrets } = garble(circuit, fromTextSeed('gc/ser'), { instances: 3, firstGateId: 2 ** 40 + 7 });
const labels = encodeInputs(circuit, secrets, 'garbler', Uint8Array.from({ length: 15 }, (_, k) => k & 1));

describe('garbled circuit encoding', () => {
  it('round trips, with and without garbler labels', () => {
    const bytes = serializeGarbledCircuit(circuit, garbled);
    expect(deserializeGarbledCircuit(bytes, circuit)).toEqual({ garbled, fingerprint: circuitFingerprint(circuit) });
    const withLabels = serializeGarbledCircuit(circuit, garbled, labels);
    const parsed = deserializeGarbledCircuit(withLabels, circuit);
    expect(parsed.garbled).toEqual(garbled);
    expect(parsed.garblerLabels).toEqual(labels);
  });
  it('has the documented layout', () => {
    const bytes = serializeGarbledCircuit(circuit, garbled, labels);
    const v = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('DGC1');
    expect(bytes[4]).toBe(2);
    expect(bytes.subarray(8, 24)).toEqual(circuitFingerprint(circuit));
    expect([v.getUint32(24, true), v.getUint32(28, true), v.getUint32(32, true), v.getUint32(36, true)]).toEqual([3, 4, 5, 15]);
    expect(v.getUint32(40, true) + 2 ** 32 * v.getUint32(44, true)).toBe(2 ** 40 + 7);
    expect(bytes.length).toBe(GARBLED_HEADER_BYTES + 3 * 4 * 32 + 15 * 16 + 2);
    expect(v.getUint32(48, true)).toBe(garbled.tables[0]);
    const bitsAt = GARBLED_HEADER_BYTES + 3 * 4 * 32 + 15 * 16;
    for (let k = 0; k < 15; k++) expect((bytes[bitsAt + (k >> 3)] >> (k & 7)) & 1).toBe(garbled.decoding[k]);
  });
  it('refuses corrupted headers and wrong lengths', () => {
    const good = serializeGarbledCircuit(circuit, garbled, labels);
    const mutate = (f: (b: Uint8Array) => Uint8Array | void): Uint8Array => {
      const b = good.slice();
      return f(b) ?? b;
    };
    const bad: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /shorter than/],
      ['magic', mutate((b) => void (b[0] = 0x45)), /bad magic/],
      ['hash id', mutate((b) => void (b[4] = 4)), /unknown hash/],
      ['hash id 1 (two-call TCCR, refused)', mutate((b) => void (b[4] = 1)), /unknown hash/],
      ['reserved', mutate((b) => void (b[6] = 1)), /reserved/],
      ['truncated', good.subarray(0, good.length - 1), /implies/],
      ['extended', Uint8Array.from([...good, 0]), /implies/],
      ['instances', mutate((b) => void (b[24] = 4)), /implies/],
      ['huge counts', mutate((b) => new DataView(b.buffer).setUint32(28, 0xffffffff, true)), /implies|too large/],
      ['gate id ≥ 2^52', mutate((b) => new DataView(b.buffer).setUint32(44, 2 ** 20, true)), /2\^52/],
      ['padding bits', mutate((b) => void (b[b.length - 1] |= 0x80)), /padding/],
    ];
    for (const [what, bytes, pattern] of bad) {
      expect(() => deserializeGarbledCircuit(bytes), what).toThrow(MalformedInputError);
      expect(() => deserializeGarbledCircuit(bytes), what).toThrow(pattern);
    }
  });
  it('checks the fingerprint and counts against the expected circuit', () => {
    const bytes = serializeGarbledCircuit(circuit, garbled);
    expect(() => deserializeGarbledCircuit(bytes, adder(6))).toThrow(ProtocolError);
    const otherParties = circuit.withParties(['evaluator', 'garbler']);
    expect(() => deserializeGarbledCircuit(bytes, otherParties)).toThrow(ProtocolError);
    expect(() => serializeGarbledCircuit(circuit, garbled, labels.subarray(4))).toThrow(SizeMismatchError);
  });
  it('random bytes and random corruptions never crash', () => {
    const rng = fromTextSeed('gc/ser/fuzz');
    const good = serializeGarbledCircuit(circuit, garbled, labels);
    for (let i = 0; i < 500; i++) {
      const b = i % 2 ? rng.bytes(uniformBelow(rng, 700)) : good.slice();
      if (i % 2 === 0) for (let e = 0; e < 3; e++) b[uniformBelow(rng, b.length)] ^= 1 << uniformBelow(rng, 8);
      try {
        deserializeGarbledCircuit(b, circuit);
      } catch (e) {
        expect([MalformedInputError, ProtocolError, SizeMismatchError].some((t) => e instanceof t), String(e)).toBe(true);
      }
    }
  });
});

describe('label encoding', () => {
  it('round trips and checks the count', () => {
    const bytes = serializeLabels(labels);
    expect(bytes.length).toBe(8 + 16 * 15);
    expect(deserializeLabels(bytes, 15)).toEqual(labels);
    expect(() => deserializeLabels(bytes, 14)).toThrow(SizeMismatchError);
    expect(() => deserializeLabels(bytes.subarray(0, 30))).toThrow(MalformedInputError);
    expect(() => deserializeLabels(Uint8Array.from([...bytes, 1]))).toThrow(MalformedInputError);
    const b = bytes.slice();
    b[3] = 0;
    expect(() => deserializeLabels(b)).toThrow(/magic/);
    expect(() => deserializeLabels(new Uint8Array(3))).toThrow(MalformedInputError);
  });
});
