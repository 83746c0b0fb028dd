/**
 * Consumes vectors/gc/*: the library must reproduce every garbled table, label, decoding bit,
 * message and output from the listed seeds; and everything is recomputed from the spec text with an
 * independent Bristol interpreter and a half-gates garbler/evaluator on byte labels whose hash is
 * TCCR over OpenSSL's AES-128 — including Delphi's 258-gate ReLU and 292-gate ReLU6 circuits, whose
 * outputs are also checked against the plaintext ReLU formula in BigInt.
 */
import { describe, expect, it } from 'vitest';
import { circuitFingerprint, deserializeLabels, serializeLabels } from '../../src/gc/serialize.js';
import { CircuitBuilder, decodeOutputs, deserializeGarbledCircuit, encodeInputs, evaluateGarbled, evaluatePlain, evaluateRelus, garble, garbleRelus, parseBristol, reluClientLabels, reluClientZeroLabels, reluServerLabels, serializeGarbledCircuit, type Circuit, type Party } from '../../src/gc/index.js';
import { fromSeed } from '../../src/random/index.js';
import { codeOf } from './helpers/errors.js';
import { allTests, loadVectors, tohex, unhex, type Group } from './helpers/files.js';
import { bitsOf, evalBristol, evaluateSpec, garbleSpec, parseBristolSpec, valueOf } from './helpers/gc-spec.js';
import { mmo, xor } from './helpers/ot-spec.js';
import { StreamReader } from './helpers/stream.js';

/** The fixed AES key of §5.1: BLAKE2b-128 of "delphi-ts/hash/fixed-key-aes/v1" (checked in ot.vectors.test.ts). */
const KEY = unhex('355526e2fcf72a1cb4f6da4b509c3509');
const labelsOf = (hexes: string[]) => {
  const out = new Uint32Array(4 * hexes.length);
  hexes.forEach((h, i) => out.set(new Uint32Array(unhex(h).buffer), 4 * i));
  return out;
};
const hexesOf = (words: Uint32Array) => Array.from({ length: words.length / 4 }, (_, i) => tohex(new Uint8Array(words.buffer, words.byteOffset + 16 * i, 16)));
const tablesOf = (words: Uint32Array) => Array.from({ length: words.length / 8 }, (_, i) => tohex(new Uint8Array(words.buffer, words.byteOffset + 32 * i, 32)));

function circuitOf(params: Group['params']): Circuit {
  const c = parseBristol(params.bristol, { parties: params.parties as Party[] }).circuit;
  expect(tohex(circuitFingerprint(c))).toBe(params.fingerprint);
  expect(c.counts.and).toBe(params.andGates);
  return c;
}

const P = 2061584302081n;
const H = (P - 1n) / 2n;
const signed = (v: bigint) => (v > H ? v - P : v);
const mod = (v: bigint) => ((v % P) + P) % P;
function reluSpec(kind: string, f: number, c: bigint, s: bigint, m: bigint): bigint {
  const y = signed(mod(c + s));
  let r = y > 0n ? y >> BigInt(f) : 0n;
  if (kind === 'relu6' && r > 6n << BigInt(f)) r = 6n << BigInt(f);
  return mod(r + m);
}

describe('vectors/gc/half-gates.v1.json', () => {
  const file = loadVectors('gc/half-gates.v1.json');
  for (const { group, test } of allTests(file)) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const i = test.input;
      const o = test.output;
      if (group.type === 'HalfGateTest') {
        const key = unhex(group.params.fixedKey);
        expect(key).toEqual(KEY);
        const delta = unhex(i.delta);
        const a0 = unhex(i.a0);
        const b0 = unhex(i.b0);
        const G = Number(i.gateId);
        // Library: a one-AND circuit whose inputs are both the evaluator's, with these labels.
        const b = new CircuitBuilder();
        const x = b.input('evaluator', 1);
        const y = b.input('evaluator', 1);
        b.output([b.and(x[0], y[0])]);
        const circuit = b.build();
        const { garbled, secrets } = garble(circuit, fromSeed(new Uint8Array(32)), { delta: labelsOf([i.delta]), evaluatorZeroLabels: labelsOf([i.a0, i.b0]), firstGateId: G });
        expect(tablesOf(garbled.tables)).toEqual([o.tG + o.tE]);
        expect(garbled.decoding[0]).toBe(o.decodingBit);
        for (const e of o.evaluations) {
          const active = encodeInputs(circuit, secrets, 'evaluator', Uint8Array.of(e.a, e.b));
          expect(hexesOf(active)).toEqual([e.activeA, e.activeB]);
          const out = evaluateGarbled(circuit, garbled, new Uint32Array(0), active);
          expect(hexesOf(out)).toEqual([e.output]);
          expect(decodeOutputs(garbled, out)[0]).toBe(e.bit);
        }
        // Spec: the four hashes and the two half gates.
        const bristol = parseBristolSpec('1 3\n2 1 1\n1 1\n2 1 0 1 2 AND\n');
        const spec = garbleSpec(bristol, key, delta, [a0, b0], G);
        expect(tohex(spec.tables[0])).toBe(o.tG + o.tE);
        expect(tohex(spec.outputZero[0])).toBe(o.c0);
        expect(spec.outputZero[0][0] & 1).toBe(o.decodingBit);
        expect([mmo(key, a0, 2 * G), mmo(key, xor(a0, delta), 2 * G), mmo(key, b0, 2 * G + 1), mmo(key, xor(b0, delta), 2 * G + 1)].map(tohex)).toEqual([
          test.intermediate.hashA0,
          test.intermediate.hashA1,
          test.intermediate.hashB0,
          test.intermediate.hashB1,
        ]);
        for (const e of o.evaluations) {
          expect(e.activeA).toBe(tohex(e.a ? xor(a0, delta) : a0));
          expect(e.activeB).toBe(tohex(e.b ? xor(b0, delta) : b0));
          const [out] = evaluateSpec(bristol, key, spec.tables, [unhex(e.activeA), unhex(e.activeB)], G);
          expect(tohex(out)).toBe(e.output);
          expect(e.output).toBe(tohex(e.a & e.b ? xor(spec.outputZero[0], delta) : spec.outputZero[0]));
          expect(e.bit).toBe((out[0] & 1) ^ o.decodingBit);
          expect(e.bit).toBe(e.a & e.b);
        }
        return;
      }
      const circuit = circuitOf(group.params);
      if (group.type === 'GarbleRejectTest') {
        const options = {
          instances: i.instances,
          firstGateId: Number(i.firstGateId),
          ...(i.delta ? { delta: labelsOf([i.delta]) } : {}),
          ...(i.evaluatorZeroLabels ? { evaluatorZeroLabels: labelsOf(i.evaluatorZeroLabels) } : {}),
        };
        return void expect(codeOf(() => garble(circuit, fromSeed(unhex(i.seed)), options))).toBe(test.error);
      }
      // GarbleCircuitTest: the library from the seed …
      const rows: bigint[][] = i.inputs.map((r: string[]) => r.map(BigInt));
      const firstGateId = Number(i.firstGateId);
      const { garbled, secrets } = garble(circuit, fromSeed(unhex(i.seed)), { instances: i.instances, firstGateId });
      expect(hexesOf(secrets.delta)).toEqual([test.intermediate.delta]);
      expect(hexesOf(secrets.inputZeroLabels)).toEqual(test.intermediate.inputZeroLabels);
      expect(tablesOf(garbled.tables)).toEqual(o.tables);
      expect(Array.from(garbled.decoding)).toEqual(o.decoding);
      const partyOf = (party: Party) => Uint8Array.from(rows.flatMap((r) => circuit.inputs.flatMap((inp, k) => (inp.party === party ? bitsOf(r[k], inp.width) : []))));
      const gl = encodeInputs(circuit, secrets, 'garbler', partyOf('garbler'));
      const el = encodeInputs(circuit, secrets, 'evaluator', partyOf('evaluator'));
      expect(hexesOf(gl)).toEqual(o.garblerLabels);
      expect(hexesOf(el)).toEqual(o.evaluatorLabels);
      expect(hexesOf(evaluateGarbled(circuit, garbled, gl, el))).toEqual(o.outputLabels);
      rows.forEach((r, k) => expect(evaluatePlain(circuit, r).map(String)).toEqual(o.outputs[k]));
      // … and the spec: Δ and labels from the stream, garbling and evaluation gate by gate.
      const bristol = parseBristolSpec(group.params.bristol);
      const stream = new StreamReader(unhex(i.seed));
      const delta = stream.bytes(16);
      delta[0] |= 1;
      expect(tohex(delta)).toBe(test.intermediate.delta);
      const Wn = bristol.inputWidths.reduce((x, y) => x + y, 0);
      const A = group.params.andGates as number;
      const O = bristol.outputWidths.reduce((x, y) => x + y, 0);
      rows.forEach((r, inst) => {
        const zero = Array.from({ length: Wn }, () => stream.bytes(16));
        expect(zero.map(tohex)).toEqual(test.intermediate.inputZeroLabels.slice(inst * Wn, (inst + 1) * Wn));
        const g0 = inst * A + firstGateId;
        const spec = garbleSpec(bristol, KEY, delta, zero, g0);
        expect(spec.tables.map(tohex)).toEqual(o.tables.slice(inst * A, (inst + 1) * A));
        expect(spec.outputZero.map((l) => l[0] & 1)).toEqual(o.decoding.slice(inst * O, (inst + 1) * O));
        const bits = r.flatMap((v, k) => bitsOf(v, bristol.inputWidths[k]));
        const active = zero.map((l, w) => (bits[w] ? xor(l, delta) : l));
        const out = evaluateSpec(bristol, KEY, spec.tables, active, g0);
        expect(out.map(tohex)).toEqual(o.outputLabels.slice(inst * O, (inst + 1) * O));
        const decoded = out.map((l, k) => (l[0] & 1) ^ (spec.outputZero[k][0] & 1));
        expect(decoded).toEqual(evalBristol(bristol, bits));
        let off = 0;
        expect(bristol.outputWidths.map((w) => String(valueOf(decoded.slice(off, (off += w)))))).toEqual(o.outputs[inst]);
      });
    });
  }
});

describe('vectors/gc/relu.v1.json', () => {
  const file = loadVectors('gc/relu.v1.json');
  for (const { group, test } of allTests(file)) {
    const p = group.params;
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const circuit = circuitOf(p);
      const bristol = parseBristolSpec(p.bristol);
      const f = p.shift as number;
      const i = test.input;
      if (group.type === 'ReluPlainTest') {
        const [c, s, m] = [i.clientShare, i.serverShare, i.mask].map(BigInt);
        const sT = mod(s + (1n << 36n) - 1n);
        const mT = mod(m - (1n << BigInt(36 - f)));
        expect([String(sT), String(mT)]).toEqual([test.intermediate.sTilde, test.intermediate.mTilde]);
        expect(String(signed(mod(c + s)))).toBe(test.intermediate.y);
        expect(evaluatePlain(circuit, [c, sT, mT]).map(String)).toEqual([test.output.output]);
        expect(String(valueOf(evalBristol(bristol, [...bitsOf(c, 41), ...bitsOf(sT, 41), ...bitsOf(mT, 41)])))).toBe(test.output.output);
        expect(String(reluSpec(p.kind, f, c, s, m))).toBe(test.output.output);
        return;
      }
      // GarbledReluTest
      const o = test.output;
      const clientShares = Float64Array.from(i.clientShares, Number);
      const serverShares = Float64Array.from(i.serverShares, Number);
      const masks = Float64Array.from(i.masks, Number);
      const g = garbleRelus(i.count, fromSeed(unhex(i.seed)), { kind: p.kind, shift: f, firstGateId: Number(i.firstGateId) });
      expect(tohex(serializeGarbledCircuit(circuit, g.garbled))).toBe(o.garbledMessage);
      const serverLabels = reluServerLabels(g, serverShares, masks);
      expect(tohex(serializeLabels(serverLabels))).toBe(o.serverLabelsMessage);
      expect(hexesOf(reluClientLabels(g, clientShares))).toEqual(o.clientLabels);
      expect(hexesOf(reluClientZeroLabels(g))).toEqual(test.intermediate.clientZeroLabels);
      const msg = deserializeGarbledCircuit(unhex(o.garbledMessage), circuit);
      expect(Array.from(evaluateRelus({ kind: p.kind, shift: f }, msg.garbled, deserializeLabels(unhex(o.serverLabelsMessage), 82 * i.count), labelsOf(o.clientLabels)), String)).toEqual(o.outputs);
      // Spec: garble from the stream (Δ, then 123 labels per ReLU), evaluate, decode, and compare with the ReLU formula.
      const stream = new StreamReader(unhex(i.seed));
      const delta = stream.bytes(16);
      delta[0] |= 1;
      expect(tohex(delta)).toBe(test.intermediate.delta);
      const tables = tablesOf(msg.garbled.tables);
      const serverActive = hexesOf(deserializeLabels(unhex(o.serverLabelsMessage)));
      for (let r = 0; r < i.count; r++) {
        const zero = Array.from({ length: 123 }, () => stream.bytes(16));
        expect(zero.slice(0, 41).map(tohex)).toEqual(test.intermediate.clientZeroLabels.slice(41 * r, 41 * r + 41));
        expect(zero.slice(41).map(tohex)).toEqual(test.intermediate.serverZeroLabels.slice(82 * r, 82 * r + 82));
        const G0 = Number(i.firstGateId) + r * p.andGates;
        const spec = garbleSpec(bristol, KEY, delta, zero, G0);
        expect(spec.tables.map(tohex)).toEqual(tables.slice(r * p.andGates, (r + 1) * p.andGates));
        const c = BigInt(i.clientShares[r]);
        const s = BigInt(i.serverShares[r]);
        const m = BigInt(i.masks[r]);
        const bits = [...bitsOf(c, 41), ...bitsOf(mod(s + (1n << 36n) - 1n), 41), ...bitsOf(mod(m - (1n << BigInt(36 - f))), 41)];
        const active = zero.map((l, w) => (bits[w] ? xor(l, delta) : l));
        expect(active.slice(0, 41).map(tohex)).toEqual(o.clientLabels.slice(41 * r, 41 * r + 41));
        expect(active.slice(41).map(tohex)).toEqual(serverActive.slice(82 * r, 82 * r + 82));
        const out = evaluateSpec(bristol, KEY, spec.tables, active, G0);
        const decoded = out.map((l, k) => (l[0] & 1) ^ (spec.outputZero[k][0] & 1));
        expect(String(valueOf(decoded))).toBe(o.outputs[r]);
        expect(String(reluSpec(p.kind, f, c, s, m))).toBe(o.outputs[r]);
      }
    });
  }
});

describe('vectors/gc/messages.v1.json', () => {
  const file = loadVectors('gc/messages.v1.json');
  for (const { group, test } of allTests(file)) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const i = test.input;
      if (group.type === 'LabelsMessageTest') {
        const run = () => deserializeLabels(unhex(i.message), i.expectedCount);
        if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
        expect(hexesOf(run())).toEqual(test.output.labels);
        expect(i.message).toBe('44474c31' + tohex(Uint8Array.of(i.expectedCount & 255, i.expectedCount >> 8, 0, 0)) + test.output.labels.join(''));
        return;
      }
      const circuit = circuitOf(group.params);
      const bytes = unhex(i.message);
      if (test.result === 'invalid') return void expect(codeOf(() => deserializeGarbledCircuit(bytes, circuit))).toBe(test.error);
      const m = deserializeGarbledCircuit(bytes, circuit);
      const o = test.output;
      expect([m.garbled.instances, m.garbled.andGates, m.garbled.outputBits, String(m.garbled.firstGateId), (m.garblerLabels?.length ?? 0) / 4]).toEqual([
        o.instances, o.andGates, o.outputBits, o.firstGateId, o.garblerLabels,
      ]);
      expect(tablesOf(m.garbled.tables)).toEqual(o.tables);
      expect(Array.from(m.garbled.decoding)).toEqual(o.decoding);
      // Spec layout of §5.9.
      const v = new DataView(bytes.buffer);
      expect(tohex(bytes.subarray(0, 8))).toBe('4447433102000000');
      expect(tohex(bytes.subarray(8, 24))).toBe(group.params.fingerprint);
      expect([v.getUint32(24, true), v.getUint32(28, true), v.getUint32(32, true), v.getUint32(36, true), String(v.getBigUint64(40, true))]).toEqual([
        o.instances, o.andGates, o.outputBits, o.garblerLabels, o.firstGateId,
      ]);
      expect(tohex(bytes.subarray(48, 48 + 32 * o.tables.length))).toBe(o.tables.join(''));
      const decodingBytes = bytes.subarray(bytes.length - Math.ceil(o.decoding.length / 8));
      o.decoding.forEach((bit: number, k: number) => expect((decodingBytes[k >> 3] >> (k & 7)) & 1).toBe(bit));
    });
  }
});
