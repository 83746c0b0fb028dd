/**
 * The batched three-halves kernels (src/gc/threehalves.ts) against the readable bigint reference
 * (src/gc/threehalves-reference.ts, which solves each gate's equations row by row instead of using
 * the kernels' table of linear forms): same seed ⇒ identical tables, decoding bits and output
 * labels; every active output label is zero-label ⊕ bit·Δ with the plaintext bit. Random circuits
 * with every gate type, many instances (several chunks), gate ids above 2^32, both AES backends.
 */
import { describe, expect, it } from 'vitest';
import { parseBristol } from '../../src/gc/bristol.js';
import { CircuitBuilder, ONE, ZERO, type Wire } from '../../src/gc/builder.js';
import type { Circuit } from '../../src/gc/circuit.js';
import { decodeOutputs, encodeInputs, evaluateGarbled, garble, partyWires } from '../../src/gc/garble.js';
import { evaluateBits } from '../../src/gc/plain.js';
import { labelToBigint } from '../../src/gc/halfgates-reference.js';
import { evaluateReferenceThreeHalves, garbleReferenceThreeHalves, type ThreeHalvesGate } from '../../src/gc/threehalves-reference.js';
import { nodeAesAvailable, setAesBackend } from '../../src/hash/index.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';

function randomCircuit(rng: Rng, gates: number): Circuit {
  const b = new CircuitBuilder();
  const pool: Wire[] = [...b.input('garbler', 3), ...b.input('evaluator', 4), ...b.input('garbler', 2)];
  for (let k = 0; k < gates; k++) {
    const x = pool[uniformBelow(rng, pool.length)];
    const y = pool[uniformBelow(rng, pool.length)];
    const kind = uniformBelow(rng, 5);
    // AND twice as often; x AND x and x AND NOT x arise from repeated picks and from kind 4.
    pool.push(kind === 0 ? b.xor(x, y) : kind === 1 ? b.not(x) : kind === 4 ? b.and(x, b.not(x)) : b.and(x, y));
  }
  b.output([...pool.slice(-12), ONE, ZERO, pool[0]]);
  return b.build();
}

/** The kernel's 7-word table of gate t of instance i as the reference's gate. */
function tableGate(tables: Uint32Array, k: number): ThreeHalvesGate {
  const t = 7 * k;
  const half = (o: number): bigint => (BigInt(tables[t + o + 1]) << 32n) | BigInt(tables[t + o]);
  return { g: [half(0), half(2), half(4)], z: tables[t + 6] };
}

function checkAgainstReference(circuit: Circuit, seed: string, instances: number, firstGateId: number, sample?: number[]): void {
  const { garbled, secrets } = garble(circuit, fromTextSeed(seed), { instances, firstGateId, scheme: 'three-halves' });
  expect(garbled.scheme).toBe('three-halves');
  // The same draws as garble: Δ, the input labels, then the dice bytes (§5.13).
  const replay = fromTextSeed(seed);
  const W = circuit.inputWireCount;
  const A = circuit.counts.and;
  replay.bytes(16);
  replay.bytes(16 * W * instances);
  const dice = A * instances > 0 ? replay.bytes(Math.ceil((A * instances) / 4)) : new Uint8Array(0);
  const delta = labelToBigint(secrets.delta);
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
    const r = Array.from({ length: A }, (_, g) => {
      const k = i * A + g;
      return (dice[k >> 2] >> (2 * (k & 3))) & 3;
    });
    const ref = garbleReferenceThreeHalves(circuit, delta, zero, firstGateId + i * A, r);
    const gates = Array.from({ length: A }, (_, g) => tableGate(garbled.tables, i * A + g));
    expect(gates).toEqual(ref.gates);
    expect(Array.from(garbled.decoding.subarray(i * m, (i + 1) * m))).toEqual(ref.decoding);
    const active = zero.map((z, w) => (inputBits[i * W + w] ? z ^ delta : z));
    const refOut = evaluateReferenceThreeHalves(circuit, ref.gates, active, firstGateId + i * A);
    expect(Array.from({ length: m }, (_, j) => labelToBigint(outLabels, 4 * (i * m + j)))).toEqual(refOut);
    const plain = evaluateBits(circuit, inputBits.subarray(i * W, (i + 1) * W));
    expect(Array.from(decoded.subarray(i * m, (i + 1) * m))).toEqual(Array.from(plain));
    refOut.forEach((l, j) => expect(l).toBe(plain[j] ? ref.outputZeroLabels[j] ^ delta : ref.outputZeroLabels[j]));
  }
}

describe('three-halves kernels = bigint reference', () => {
  it('one instance of a random 200-gate circuit', () => {
    checkAgainstReference(randomCircuit(fromTextSeed('th/c1'), 200), 'th/1', 1, 0);
  });
  it('300 instances (several chunks) with gate ids above 2^32 (tweaks 3·id + k carry into the high word)', () => {
    // 3·(2^32 / 3 rounded) sits next to 2^32, so 3G + 1 and 3G + 2 cross the word boundary for some gates.
    checkAgainstReference(randomCircuit(fromTextSeed('th/c2'), 60), 'th/2', 300, Math.floor(2 ** 32 / 3) - 40, [0, 1, 150, 298, 299]);
    checkAgainstReference(randomCircuit(fromTextSeed('th/c3'), 60), 'th/3', 20, 2 ** 40 + 3);
  });
  it('Bristol EQ, EQW and MAND gates', () => {
    const text = '5 10\n2 2 2\n1 4\n\n1 1 1 4 EQ\n1 1 0 5 EQW\n4 2 0 2 1 3 6 7 MAND\n2 1 4 5 8 AND\n2 1 8 6 9 XOR\n';
    checkAgainstReference(parseBristol(text).circuit, 'th/4', 5, 7);
  });
  it.runIf(nodeAesAvailable())('the OpenSSL and TypeScript AES backends give byte-identical garblings', () => {
    const circuit = randomCircuit(fromTextSeed('th/c5'), 120);
    const run = (backend: 'typescript' | 'node-crypto') => {
      setAesBackend(backend);
      try {
        return garble(circuit, fromTextSeed('th/5'), { instances: 400, scheme: 'three-halves' }).garbled;
      } finally {
        setAesBackend('auto');
      }
    };
    const ts = run('typescript');
    const ossl = run('node-crypto');
    expect(Buffer.from(ossl.tables.buffer).equals(Buffer.from(ts.tables.buffer))).toBe(true);
    expect(ossl.decoding).toEqual(ts.decoding);
  });
});
