/**
 * Consumes vectors/gc/three-halves.v1.json: the library must reproduce every garbled message, label
 * and output from the listed seeds, and refuse the malformed messages with the listed error codes;
 * independently, a three-halves evaluator written from §5.13 on byte labels, whose hash is σ-MMO
 * over OpenSSL's AES-128, recomputes the six half hashes, the matrices R and every evaluation of the
 * gate tests, and evaluates every garbled circuit from its message parsed by hand (§5.9), checking
 * the outputs against a Bristol interpreter.
 */
import { describe, expect, it } from 'vitest';
import { circuitFingerprint } from '../../src/gc/serialize.js';
import { decodeOutputs, deserializeGarbledCircuit, encodeInputs, evaluateGarbled, garble, parseBristol, serializeGarbledCircuit, type Circuit, type Party } from '../../src/gc/index.js';
import { fromSeed } from '../../src/random/index.js';
import { codeOf } from './helpers/errors.js';
import { allTests, loadVectors, tohex, unhex, type Group } from './helpers/files.js';
import { bitsOf, evalBristol, parseBristolSpec, valueOf, type Bristol } from './helpers/gc-spec.js';
import { aesEcb, sigma, tweakBlock, xor } from './helpers/ot-spec.js';

const KEY = unhex('355526e2fcf72a1cb4f6da4b509c3509');
const DOMAIN = Uint8Array.from({ length: 16 }, (_, k) => (k === 15 ? 0x80 : 0));
const ZERO = new Uint8Array(16);

/** §5.13: H(x, t) = π(σ(x) ⊕ T(t)) ⊕ σ(x) with bit 127 set in T; the half is bytes 0–7, the bit is bit 0 of byte 8. */
function h3(x: Uint8Array, t: number): { half: Uint8Array; bit: number } {
  const s = sigma(x);
  const h = xor(aesEcb(KEY, xor(xor(s, tweakBlock(t)), DOMAIN)), s);
  return { half: h.subarray(0, 8), bit: h[8] & 1 };
}

// §5.13 matrices, rows over (A_L, A_R, B_L, B_R), written out as in the spec.
const S1 = [[1, 1, 1, 0], [1, 0, 0, 1]];
const S2 = [[1, 0, 0, 1], [0, 1, 1, 1]];
const RP: Record<string, number[][]> = { '00': [[0, 0, 1, 0], [0, 1, 0, 0]], '01': [[0, 0, 1, 0], [0, 0, 0, 0]], '10': [[0, 0, 0, 0], [0, 1, 0, 0]], '11': [[0, 0, 0, 0], [0, 0, 0, 0]] };
const code = (m: number[][]) => m[0].reduce((s, v, k) => s | (v << k), 0) | m[1].reduce((s, v, k) => s | (v << (k + 4)), 0);

const xor8 = (...xs: Uint8Array[]) => xs.reduce((acc, x) => acc.map((v, k) => v ^ x[k]), new Uint8Array(8));
const sel = (bit: number, x: Uint8Array) => (bit ? x : new Uint8Array(8));

/** One AND gate evaluated from §5.13; returns the output label and the matrix R used. */
function evalGate(A: Uint8Array, B: Uint8Array, G: Uint8Array[], z: number, t: number): { out: Uint8Array; r: number } {
  const a = A[0] & 1;
  const b = B[0] & 1;
  const c = a ^ b;
  const [h1, h2, hh] = [h3(A, t), h3(B, t + 1), h3(xor(A, B), t + 2)];
  const zb = (k: number) => (z >> k) & 1;
  const q1 = zb(0) ^ (a & zb(2)) ^ (c & zb(4)) ^ h1.bit ^ hh.bit;
  const q2 = zb(1) ^ (b & zb(3)) ^ (c & zb(4)) ^ h2.bit ^ hh.bit;
  const R = [0, 1].map((row) => [0, 1, 2, 3].map((k) => RP[`${a}${b}`][row][k] ^ (q1 & S1[row][k]) ^ (q2 & S2[row][k])));
  const halves = [A.subarray(0, 8), A.subarray(8, 16), B.subarray(0, 8), B.subarray(8, 16)];
  const apply = (row: number[]) => xor8(...row.map((v, k) => sel(v, halves[k])));
  const left = xor8(h1.half, hh.half, sel(a, G[0]), sel(c, G[2]), apply(R[0]));
  const right = xor8(h2.half, hh.half, sel(b, G[1]), sel(c, G[2]), apply(R[1]));
  const out = new Uint8Array(16);
  out.set(left, 0);
  out.set(right, 8);
  return { out, r: code(R) };
}

/** Parses a hash-id-3 message by hand (§5.9): tables as (G₀, G₁, G₂, z) per gate, and decoding bits. */
function parseMessage(msg: Uint8Array) {
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  expect(tohex(msg.subarray(0, 5))).toBe('4447433103');
  const [n, A, m, L] = [24, 28, 32, 36].map((o) => v.getUint32(o, true));
  const firstGateId = v.getUint32(40, true) + 2 ** 32 * v.getUint32(44, true);
  const gates = n * A;
  const bitsAt = 48 + 24 * gates;
  const gatesOut = Array.from({ length: gates }, (_, g) => {
    const G = [0, 1, 2].map((k) => msg.subarray(48 + 24 * g + 8 * k, 48 + 24 * g + 8 * k + 8));
    let z = 0;
    for (let k = 0; k < 5; k++) z |= ((msg[bitsAt + ((5 * g + k) >> 3)] >> ((5 * g + k) & 7)) & 1) << k;
    return { G, z };
  });
  const decAt = bitsAt + Math.ceil((5 * gates) / 8) + 16 * L;
  expect(msg.length).toBe(decAt + Math.ceil((n * m) / 8));
  const decoding = Array.from({ length: n * m }, (_, k) => (msg[decAt + (k >> 3)] >> (k & 7)) & 1);
  return { n, A, m, firstGateId, gates: gatesOut, decoding };
}

/** A whole instance evaluated from §5.13 (XOR free, INV/EQW copy, EQ the zero block). */
function evaluateSpec3(c: Bristol, gates: { G: Uint8Array[]; z: number }[], inputActive: Uint8Array[], firstGateId: number): Uint8Array[] {
  const W: Uint8Array[] = new Array(c.wires);
  inputActive.forEach((l, i) => (W[i] = l));
  let id = firstGateId;
  let t = 0;
  for (const g of c.gates) {
    const [a, b] = g.in;
    if (g.op === 'XOR') W[g.out] = xor(W[a], W[b]);
    else if (g.op === 'INV' || g.op === 'EQW') W[g.out] = W[a];
    else if (g.op === 'EQ') W[g.out] = ZERO;
    else {
      W[g.out] = evalGate(W[a], W[b], gates[t].G, gates[t].z, 3 * id).out;
      t++;
      id++;
    }
  }
  const O = c.outputWidths.reduce((x, y) => x + y, 0);
  return W.slice(c.wires - O);
}

function circuitOf(params: Group['params']): Circuit {
  const c = parseBristol(params.bristol, { parties: params.parties as Party[] }).circuit;
  expect(tohex(circuitFingerprint(c))).toBe(params.fingerprint);
  return c;
}

const labelsOf = (hexes: string[]) => {
  const out = new Uint32Array(4 * hexes.length);
  hexes.forEach((h, i) => out.set(new Uint32Array(unhex(h).buffer), 4 * i));
  return out;
};
const hexesOf = (words: Uint32Array) => Array.from({ length: words.length / 4 }, (_, i) => tohex(new Uint8Array(words.buffer, words.byteOffset + 16 * i, 16)));

describe('vectors/gc/three-halves.v1.json', () => {
  const file = loadVectors('gc/three-halves.v1.json');
  for (const { group, test } of allTests(file)) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const i = test.input;
      const o = test.output;
      if (group.type === 'ThreeHalvesGateTest') {
        expect(unhex(group.params.fixedKey)).toEqual(KEY);
        const [delta, a0, b0] = [unhex(i.delta), unhex(i.a0), unhex(i.b0)];
        const t = 3 * Number(i.gateId);
        const alpha = a0[0] & 1;
        const beta = b0[0] & 1;
        expect([test.intermediate.alpha, test.intermediate.beta]).toEqual([alpha, beta]);
        const P = alpha ? xor(a0, delta) : a0;
        const Q = beta ? xor(b0, delta) : b0;
        const points = [[P, t], [xor(P, delta), t], [Q, t + 1], [xor(Q, delta), t + 1], [xor(P, Q), t + 2], [xor(xor(P, Q), delta), t + 2]] as const;
        expect(test.intermediate.hashes.map((h: { half: string; bit: number }) => [h.half, h.bit])).toEqual(points.map(([x, tw]) => [tohex(h3(x, tw).half), h3(x, tw).bit]));
        const G = o.g.map(unhex);
        for (const e of o.evaluations) {
          const A = e.a ? xor(a0, delta) : a0;
          const B = e.b ? xor(b0, delta) : b0;
          expect([e.activeA, e.activeB]).toEqual([tohex(A), tohex(B)]);
          const { out, r } = evalGate(A, B, G, o.z, t);
          expect(tohex(out)).toBe(e.output);
          expect(r).toBe(e.r);
          // Correctness: c0 ⊕ (a ∧ b)·Δ, and the colour bit decodes to a ∧ b.
          expect(e.output).toBe(tohex(e.a & e.b ? xor(unhex(o.c0), delta) : unhex(o.c0)));
          expect(e.bit).toBe((out[0] & 1) ^ o.decodingBit);
          expect(e.bit).toBe(e.a & e.b);
        }
        // Library: the evaluator on the vector's gate (a one-AND circuit, both inputs the evaluator's).
        const one = parseBristol('1 3\n2 1 1\n1 1\n2 1 0 1 2 AND\n', { parties: ['evaluator', 'evaluator'] }).circuit;
        const tables = new Uint32Array(7);
        tables.set(new Uint32Array(unhex(o.g.join('')).buffer), 0);
        tables[6] = o.z;
        const gc = { instances: 1, firstGateId: Number(i.gateId), andGates: 1, outputBits: 1, tables, decoding: Uint8Array.of(o.decodingBit), scheme: 'three-halves' as const };
        for (const e of o.evaluations) {
          const out = evaluateGarbled(one, gc, new Uint32Array(0), labelsOf([e.activeA, e.activeB]));
          expect(hexesOf(out)).toEqual([e.output]);
          expect(decodeOutputs(gc, out)[0]).toBe(e.bit);
        }
        return;
      }
      const circuit = circuitOf(group.params);
      if (group.type === 'ThreeHalvesMessageTest') {
        return void expect(codeOf(() => deserializeGarbledCircuit(unhex(i.message), circuit))).toBe(test.error);
      }
      // ThreeHalvesCircuitTest: the library from the seed …
      const rows: bigint[][] = i.inputs.map((r: string[]) => r.map(BigInt));
      const firstGateId = Number(i.firstGateId);
      const { garbled, secrets } = garble(circuit, fromSeed(unhex(i.seed)), { instances: i.instances, firstGateId, scheme: 'three-halves' });
      expect(hexesOf(secrets.delta)).toEqual([test.intermediate.delta]);
      expect(hexesOf(secrets.inputZeroLabels)).toEqual(test.intermediate.inputZeroLabels);
      expect(tohex(serializeGarbledCircuit(circuit, garbled))).toBe(o.garbledMessage);
      const partyOf = (party: Party) => Uint8Array.from(rows.flatMap((r) => circuit.inputs.flatMap((inp, k) => (inp.party === party ? bitsOf(r[k], inp.width) : []))));
      const gl = encodeInputs(circuit, secrets, 'garbler', partyOf('garbler'));
      const el = encodeInputs(circuit, secrets, 'evaluator', partyOf('evaluator'));
      expect(hexesOf(gl)).toEqual(o.garblerLabels);
      expect(hexesOf(el)).toEqual(o.evaluatorLabels);
      const outLabels = evaluateGarbled(circuit, garbled, gl, el);
      expect(hexesOf(outLabels)).toEqual(o.outputLabels);
      expect(decodeOutputs(garbled, outLabels).length).toBe(circuit.outputBits * i.instances);
      // … and the spec evaluator from the message parsed by hand, on the listed active labels.
      const msg = parseMessage(unhex(o.garbledMessage));
      expect([msg.n, msg.A, msg.firstGateId]).toEqual([i.instances, group.params.andGates, firstGateId]);
      const bristol = parseBristolSpec(group.params.bristol);
      const m = msg.m;
      const perG = gl.length / 4 / i.instances;
      const perE = el.length / 4 / i.instances;
      rows.forEach((r, inst) => {
        const byParty = { garbler: o.garblerLabels.slice(perG * inst, perG * (inst + 1)), evaluator: o.evaluatorLabels.slice(perE * inst, perE * (inst + 1)) };
        const used = { garbler: 0, evaluator: 0 };
        const active: Uint8Array[] = [];
        circuit.inputs.forEach((inp) => {
          for (let k = 0; k < inp.width; k++) active.push(unhex(byParty[inp.party][used[inp.party]++]));
        });
        const out = evaluateSpec3(bristol, msg.gates.slice(msg.A * inst, msg.A * (inst + 1)), active, firstGateId + inst * msg.A);
        expect(out.map(tohex)).toEqual(o.outputLabels.slice(m * inst, m * (inst + 1)));
        const bits = out.map((l, j) => (l[0] & 1) ^ msg.decoding[m * inst + j]);
        const plain = evalBristol(bristol, r.flatMap((v, k) => bitsOf(v, circuit.inputs[k].width)));
        expect(bits).toEqual(plain);
        let off = 0;
        expect(circuit.outputs.map((w) => valueOf(bits.slice(off, (off += w.wires.length))).toString())).toEqual(o.outputs[inst]);
      });
    });
  }
});
