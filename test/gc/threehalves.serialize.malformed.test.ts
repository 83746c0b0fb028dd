/**
 * The three-halves byte encoding (§5.9 hash id 3, §5.13): exact round trips, the documented layout
 * (24 bytes per AND gate, then 5 control bits per gate packed, then labels and decoding bits), and
 * refusal with typed errors of truncated, extended and corrupted messages, non-zero control-bit
 * padding, gate ids past 2^51, and random bytes.
 */
import { adder } from './adder-circuit.js';
import { describe, expect, it } from 'vitest';
import { MalformedInputError, ProtocolError, SizeMismatchError } from '../../src/errors.js';
import { encodeInputs, garble } from '../../src/gc/garble.js';
import { circuitFingerprint, deserializeGarbledCircuit, GARBLED_HEADER_BYTES, garbledTableBytes, HASH_THREE_HALVES_MMO, serializeGarbledCircuit } from '../../src/gc/serialize.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const circuit = adder(5); // 4 AND gates, 5 output bits
const { garbled, secrets } = garble(circuit, fromTextSeed('th/ser'), { instances: 3, firstGateId: 2 ** 40 + 7, scheme: 'three-halves' });
const labels = encodeInputs(circuit, secrets, 'garbler', Uint8Array.from({ length: 15 }, (_, k) => k & 1));
// 12 gates: 288 bytes of half-ciphertexts, 60 control bits = 8 bytes (4 padding bits), 15 labels, 15 decoding bits.
const TABLE_BYTES = 12 * 24 + 8;

describe('three-halves garbled circuit encoding', () => {
  it('round trips, with and without garbler labels', () => {
    const bytes = serializeGarbledCircuit(circuit, garbled);
    expect(deserializeGarbledCircuit(bytes, circuit)).toEqual({ garbled, fingerprint: circuitFingerprint(circuit) });
    const parsed = deserializeGarbledCircuit(serializeGarbledCircuit(circuit, garbled, labels), circuit);
    expect(parsed.garbled).toEqual(garbled);
    expect(parsed.garblerLabels).toEqual(labels);
  });
  it('has the documented layout: hash id 3, 24 bytes per gate, 5 control bits per gate packed', () => {
    expect(garbledTableBytes(12, 'three-halves')).toBe(TABLE_BYTES);
    expect(garbledTableBytes(12)).toBe(12 * 32);
    const bytes = serializeGarbledCircuit(circuit, garbled, labels);
    const v = new DataView(bytes.buffer);
    expect(bytes[4]).toBe(HASH_THREE_HALVES_MMO);
    expect(bytes.length).toBe(GARBLED_HEADER_BYTES + TABLE_BYTES + 15 * 16 + 2);
    for (let g = 0; g < 12; g++) {
      for (let k = 0; k < 6; k++) expect(v.getUint32(GARBLED_HEADER_BYTES + 24 * g + 4 * k, true)).toBe(garbled.tables[7 * g + k]);
      for (let k = 0; k < 5; k++) {
        const bit = 5 * g + k;
        expect((bytes[GARBLED_HEADER_BYTES + 12 * 24 + (bit >> 3)] >> (bit & 7)) & 1).toBe((garbled.tables[7 * g + 6] >> k) & 1);
      }
    }
    // The control words hold 5 bits, not all zero.
    expect(Array.from({ length: 12 }, (_, g) => garbled.tables[7 * g + 6]).every((z) => z < 32)).toBe(true);
    expect(Array.from({ length: 12 }, (_, g) => garbled.tables[7 * g + 6]).some((z) => z !== 0)).toBe(true);
    expect(v.getUint32(GARBLED_HEADER_BYTES + TABLE_BYTES, true)).toBe(labels[0]);
  });
  it('refuses truncated, extended and corrupted messages', () => {
    const good = serializeGarbledCircuit(circuit, garbled, labels);
    const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      f(b);
      return b;
    };
    const bad: [string, Uint8Array, RegExp][] = [
      ['truncated by one byte', good.subarray(0, good.length - 1), /implies/],
      ['truncated inside the tables', good.subarray(0, GARBLED_HEADER_BYTES + 100), /implies/],
      ['extended', Uint8Array.from([...good, 0]), /implies/],
      ['read as half gates (hash id 2)', mutate((b) => void (b[4] = 2)), /implies/],
      ['unknown hash id 4', mutate((b) => void (b[4] = 4)), /unknown hash/],
      ['control-bit padding', mutate((b) => void (b[GARBLED_HEADER_BYTES + 12 * 24 + 7] |= 0x10)), /control-bit padding/],
      ['gate ids past 2^51', mutate((b) => new DataView(b.buffer).setUint32(44, 2 ** 19, true)), /2\^51/],
      ['huge counts', mutate((b) => new DataView(b.buffer).setUint32(28, 0xffffffff, true)), /implies|too large/],
    ];
    for (const [what, bytes, pattern] of bad) {
      expect(() => deserializeGarbledCircuit(bytes), what).toThrow(MalformedInputError);
      expect(() => deserializeGarbledCircuit(bytes), what).toThrow(pattern);
    }
    // A half-gates message of the same circuit is not mistaken for three halves.
    const hg = garble(circuit, fromTextSeed('th/ser'), { instances: 3 }).garbled;
    expect(deserializeGarbledCircuit(serializeGarbledCircuit(circuit, hg), circuit).garbled.scheme).toBeUndefined();
  });
  it('checks the fingerprint against the expected circuit', () => {
    expect(() => deserializeGarbledCircuit(serializeGarbledCircuit(circuit, garbled), adder(6))).toThrow(ProtocolError);
  });
  it('random corruptions and random bytes with hash id 3 never crash', () => {
    const rng = fromTextSeed('th/ser/fuzz');
    const good = serializeGarbledCircuit(circuit, garbled, labels);
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      let b: Uint8Array;
      if (i % 2) {
        b = rng.bytes(GARBLED_HEADER_BYTES + uniformBelow(rng, 700));
        b.set(good.subarray(0, 8));
      } else {
        b = good.slice();
        for (let e = 0; e < 3; e++) b[uniformBelow(rng, b.length)] ^= 1 << uniformBelow(rng, 8);
      }
      try {
        deserializeGarbledCircuit(b, circuit);
      } catch (e) {
        refused++;
        expect([MalformedInputError, ProtocolError, SizeMismatchError].some((t) => e instanceof t), String(e)).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(200);
  });
});
