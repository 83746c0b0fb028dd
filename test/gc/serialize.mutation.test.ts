/**
 * The garbled-circuit and label messages of §5.9 at each bound of their headers, built by editing a
 * valid message field by field: each magic and reserved byte on its own, the gate-id bound at
 * 2^52 exactly, counts whose product is not a safe integer, padding with a whole last byte of
 * decoding bits, the garbler-label count against the circuit, and every message text.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { adder } from './adder-circuit.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError, SizeMismatchError } from '../../src/errors.js';
import { encodeInputs, garble, MAX_GATE_ID, type GarbledCircuit } from '../../src/gc/garble.js';
import {
  circuitFingerprint,
  deserializeGarbledCircuit,
  deserializeLabels,
  GARBLED_HEADER_BYTES,
  serializeGarbledCircuit,
  serializeLabels,
} from '../../src/gc/serialize.js';
import { fromTextSeed } from '../../src/random/index.js';

const circuit = adder(4); // 3 AND gates, 4 output bits: 2 instances give exactly one byte of decoding bits
const { garbled, secrets } = garble(circuit, fromTextSeed('gc/ser/mut'), { instances: 2, firstGateId: 5 });
const labels = encodeInputs(circuit, secrets, 'garbler', Uint8Array.of(1, 0, 1, 1, 0, 0, 1, 0));
// Written inside each test (not at module load), so that Stryker attributes the writer's code to the tests.
let good: Uint8Array;
let plain: Uint8Array;
beforeEach(() => {
  good = serializeGarbledCircuit(circuit, garbled, labels);
  plain = serializeGarbledCircuit(circuit, garbled);
});

const edit = (b: Uint8Array, f: (v: DataView, b: Uint8Array) => void): Uint8Array => {
  const out = b.slice();
  f(new DataView(out.buffer), out);
  return out;
};
const malformed = (bytes: Uint8Array, message: string, c?: typeof circuit) =>
  expect(() => deserializeGarbledCircuit(bytes, c)).toThrow(new MalformedInputError(`garbled circuit: ${message}`));

describe('deserializeGarbledCircuit: header checks', () => {
  it('parses a view inside a larger buffer', () => {
    const big = new Uint8Array(good.length + 10);
    big.set(good, 7);
    const parsed = deserializeGarbledCircuit(big.subarray(7, 7 + good.length), circuit);
    expect(parsed.garbled).toEqual(garbled);
    expect(parsed.garblerLabels).toEqual(labels);
  });
  it('type, length and each magic byte', () => {
    expect(() => deserializeGarbledCircuit([1] as never)).toThrow(new MalformedInputError('garbled circuit: expected a Uint8Array'));
    malformed(good.subarray(0, 47), '47 bytes, shorter than the 48-byte header');
    for (let i = 0; i < 4; i++) malformed(edit(good, (_, b) => void (b[i] ^= 0x20)), 'bad magic (expected "DGC1")');
    malformed(edit(good, (_, b) => void (b[4] = 0)), 'unknown hash 0');
    for (const i of [5, 6, 7]) malformed(edit(good, (_, b) => void (b[i] = 0x40)), 'reserved bytes 5..7 must be zero');
  });
  it('the header-only message of zero instances', () => {
    const { garbled: none } = garble(circuit, fromTextSeed('none'), { instances: 0, firstGateId: 0 });
    const bytes = serializeGarbledCircuit(circuit, none);
    expect(bytes.length).toBe(GARBLED_HEADER_BYTES);
    expect(deserializeGarbledCircuit(bytes, circuit)).toEqual({ garbled: none, fingerprint: circuitFingerprint(circuit) });
  });
  it('the length the header implies, with its figures', () => {
    malformed(good.subarray(0, good.length - 1), `the header implies ${good.length} bytes, the message has ${good.length - 1}`);
    malformed(edit(good, (v) => v.setUint32(36, 7, true)), `the header implies ${48 + 2 * 3 * 32 + 7 * 16 + 1} bytes, the message has ${good.length}`);
    malformed(edit(good, (v) => v.setUint32(32, 5, true)), `the header implies ${48 + 2 * 3 * 32 + 8 * 16 + 2} bytes, the message has ${good.length}`);
  });
  it('counts whose product is not a safe integer', () => {
    malformed(edit(good, (v) => { v.setUint32(24, 0xffffffff, true); v.setUint32(28, 0xffffffff, true); }), 'counts too large');
    malformed(edit(good, (v) => { v.setUint32(24, 0xffffffff, true); v.setUint32(28, 0, true); v.setUint32(32, 0xffffffff, true); }), 'counts too large');
    // 2^22 · 2^31 = 2^53 is just past the safe range; 2^20 · (2^32 − 1) is safe and only fails the length check.
    malformed(edit(good, (v) => { v.setUint32(24, 2 ** 22, true); v.setUint32(28, 2 ** 31, true); v.setUint32(32, 0, true); }), 'counts too large');
    malformed(edit(good, (v) => { v.setUint32(24, 2 ** 22, true); v.setUint32(28, 0, true); v.setUint32(32, 2 ** 31, true); }), 'counts too large');
    malformed(edit(good, (v) => { v.setUint32(24, 2 ** 20, true); v.setUint32(28, 0xffffffff, true); v.setUint32(32, 0, true); }), `the header implies ${48 + 32 * 2 ** 20 * 0xffffffff + 8 * 16} bytes, the message has ${good.length}`);
  });
  it('first gate id: high word below 2^20, and ids up to 2^52 exactly', () => {
    malformed(edit(good, (v) => v.setUint32(44, 2 ** 20, true)), 'first gate id must be below 2^52');
    malformed(edit(good, (v) => v.setUint32(44, 0xffffffff, true)), 'first gate id must be below 2^52');
    const lastId = MAX_GATE_ID - 6; // 6 AND gates in all: ids up to 2^52 − 1
    const atEnd = edit(good, (v) => { v.setUint32(40, lastId % 2 ** 32, true); v.setUint32(44, Math.floor(lastId / 2 ** 32), true); });
    expect(deserializeGarbledCircuit(atEnd).garbled.firstGateId).toBe(lastId);
    const past = edit(good, (v) => { v.setUint32(40, (lastId + 1) % 2 ** 32, true); v.setUint32(44, Math.floor((lastId + 1) / 2 ** 32), true); });
    malformed(past, 'gate ids exceed 2^52');
    const top = edit(good, (v) => { v.setUint32(40, 0xffffffff, true); v.setUint32(44, 2 ** 20 - 1, true); });
    malformed(top, 'gate ids exceed 2^52');
  });
  it('padding: a full last byte of decoding bits is data; a partial one must end in zeros', () => {
    // 8 decoding bits: the whole last byte is data, whatever its high bit.
    const full = edit(good, (_, b) => void (b[b.length - 1] ^= 0x80));
    const parsed = deserializeGarbledCircuit(full);
    expect(parsed.garbled.decoding[7]).toBe(garbled.decoding[7] ^ 1);
    expect([...parsed.garbled.decoding.subarray(0, 7)]).toEqual([...garbled.decoding.subarray(0, 7)]);
    const odd = adder(3); // 3 output bits: one instance leaves 5 padding bits
    const g3 = garble(odd, fromTextSeed('odd'), { instances: 1, firstGateId: 0 }).garbled;
    const b3 = serializeGarbledCircuit(odd, g3);
    expect(deserializeGarbledCircuit(b3, odd).garbled).toEqual(g3);
    expect(b3[b3.length - 1] >> 3).toBe(0);
    malformed(edit(b3, (_, b) => void (b[b.length - 1] |= 0x08)), 'padding bits must be zero');
  });
});

describe('deserializeGarbledCircuit against the circuit', () => {
  it('fingerprint', () => {
    expect(() => deserializeGarbledCircuit(good, adder(5))).toThrow(new ProtocolError('garbled circuit: fingerprint does not match the expected circuit'));
    const last = edit(good, (_, b) => void (b[23] ^= 1));
    expect(() => deserializeGarbledCircuit(last, circuit)).toThrow(ProtocolError);
    expect(deserializeGarbledCircuit(last).fingerprint).toEqual(Uint8Array.from(last.subarray(8, 24)));
  });
  it('a garbler-label count other than 0 or the circuit\'s', () => {
    const fewer = Uint8Array.from([...good.subarray(0, good.length - 1 - 16), good[good.length - 1]]);
    new DataView(fewer.buffer).setUint32(36, 7, true);
    expect(() => deserializeGarbledCircuit(fewer, circuit)).toThrow(new SizeMismatchError('garbled circuit: 7 garbler labels, expected 8'));
    expect(deserializeGarbledCircuit(fewer).garblerLabels).toEqual(labels.subarray(0, 28));
    const none = deserializeGarbledCircuit(plain, circuit);
    expect('garblerLabels' in none).toBe(false);
  });
  it('counts against the circuit (checkGarbled)', () => {
    expect(() => deserializeGarbledCircuit(plain, circuit.withParties(['garbler', 'evaluator']))).not.toThrow();
  });
});

describe('serializeGarbledCircuit', () => {
  it('garbler labels of the wrong type or size', () => {
    expect(() => serializeGarbledCircuit(circuit, garbled, labels.subarray(4))).toThrow(new SizeMismatchError('garbler labels must hold 8 labels'));
    expect(() => serializeGarbledCircuit(circuit, garbled, Array.from(labels) as never)).toThrow(new SizeMismatchError('garbler labels must hold 8 labels'));
  });
  it('lays out tables, labels and decoding bits in order', () => {
    const v = new DataView(good.buffer);
    expect(v.getUint32(36, true)).toBe(8);
    expect([v.getUint32(40, true), v.getUint32(44, true)]).toEqual([5, 0]);
    for (let i = 0; i < garbled.tables.length; i++) expect(v.getUint32(48 + 4 * i, true)).toBe(garbled.tables[i]);
    const at = 48 + 4 * garbled.tables.length;
    for (let i = 0; i < labels.length; i++) expect(v.getUint32(at + 4 * i, true)).toBe(labels[i]);
    let byte = 0;
    for (let k = 0; k < 8; k++) byte |= garbled.decoding[k] << k;
    expect(good[good.length - 1]).toBe(byte);
    expect(plain.length).toBe(good.length - 8 * 16);
    const high = { ...garbled, firstGateId: 3 * 2 ** 32 + 9 } as GarbledCircuit;
    const h = new DataView(serializeGarbledCircuit(circuit, high).buffer);
    expect([h.getUint32(40, true), h.getUint32(44, true)]).toEqual([9, 3]);
  });
  it('the fingerprint is BLAKE2b-128 of the Bristol text and a "parties:" line (§5.9)', async () => {
    const { blake2b } = await import('@noble/hashes/blake2.js');
    const { writeBristol } = await import('../../src/gc/bristol.js');
    const text = `${writeBristol(circuit)}parties: garbler evaluator\n`;
    expect(circuitFingerprint(adder(4))).toEqual(blake2b(new TextEncoder().encode(text), { dkLen: 16 }));
  });
  it('fingerprints are computed once per circuit and differ by parties', () => {
    const f = circuitFingerprint(circuit);
    expect(circuitFingerprint(circuit)).toBe(f);
    expect(circuitFingerprint(circuit.withParties(['evaluator', 'garbler']))).not.toEqual(f);
    expect(f.length).toBe(16);
  });
});

describe('label messages', () => {
  it('serializeLabels refuses a non-Uint32Array or a partial label', () => {
    const msg = 'labels must be a Uint32Array of 4-word labels';
    expect(() => serializeLabels(new Uint32Array(5))).toThrow(new InvalidArgumentError(msg));
    expect(() => serializeLabels([1, 2, 3, 4] as never)).toThrow(new InvalidArgumentError(msg));
    const empty = serializeLabels(new Uint32Array(0));
    expect([...empty]).toEqual([0x44, 0x47, 0x4c, 0x31, 0, 0, 0, 0]);
    expect(deserializeLabels(empty, 0)).toEqual(new Uint32Array(0));
  });
  it('layout: "DGL1", u32 count, words little-endian', () => {
    const b = serializeLabels(Uint32Array.of(0x04030201, 5, 6, 0xfffefdfc, 9, 10, 11, 12));
    expect([...b.subarray(0, 16)]).toEqual([0x44, 0x47, 0x4c, 0x31, 2, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0]);
    expect([...b.subarray(20, 24)]).toEqual([0xfc, 0xfd, 0xfe, 0xff]);
  });
  it('deserializeLabels: every check with its message', () => {
    const bytes = serializeLabels(labels);
    expect(() => deserializeLabels([1] as never)).toThrow(new MalformedInputError('labels: expected a Uint8Array'));
    expect(() => deserializeLabels(bytes.subarray(0, 7))).toThrow(new MalformedInputError('labels: 7 bytes, shorter than the header'));
    for (let i = 0; i < 4; i++) expect(() => deserializeLabels(edit(bytes, (_, b) => void (b[i] ^= 1)))).toThrow(new MalformedInputError('labels: bad magic (expected "DGL1")'));
    expect(() => deserializeLabels(bytes.subarray(0, bytes.length - 16))).toThrow(new MalformedInputError(`labels: the header announces 8 labels (136 bytes), the message has 120`));
    expect(() => deserializeLabels(bytes, 9)).toThrow(new SizeMismatchError('labels: expected 9 labels, got 8'));
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(deserializeLabels(big.subarray(3), 8)).toEqual(labels);
    expect(deserializeLabels(bytes)).toEqual(labels);
  });
});

describe('the 2^31 − 1-byte message limit (lengths faked, nothing allocated)', () => {
  const claiming = <T extends Uint8Array | Uint32Array>(a: T, length: number): T => Object.defineProperty(a, 'length', { get: () => length });
  it('a garbled-circuit message above it is refused before anything is read', () => {
    malformed(claiming(good.slice(), 2 ** 31), 'message too large');
    // Exactly 2^31 − 1 passes the limit and fails only on the length the header implies.
    malformed(claiming(good.slice(), 2 ** 31 - 1), `the header implies ${good.length} bytes, the message has 2147483647`);
  });
  it('a label message above it is refused', () => {
    expect(() => serializeLabels(claiming(new Uint32Array(8), 4 * 2 ** 27))).toThrow(new InvalidArgumentError('label message too large'));
  });
});
