/**
 * Three-halves garbling (§5.13) end to end: every gate type on every input against the plaintext
 * evaluator, Bristol circuits against their known answers (FIPS-197 and OpenSSL for aes_128,
 * FIPS 180-4 for sha256, BigInt for the 64-bit arithmetic), ReLU and ReLU6 batches against the
 * plaintext activation and against half gates on the same shares, the exact byte counts of §5.13,
 * determinism by seed (also batched on a pool of any size), and the scheme checks.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { CircuitBuilder } from '../../src/gc/builder.js';
import { GATE, Circuit } from '../../src/gc/circuit.js';
import { checkGarbled, decodeOutputs, encodeInputs, evaluateGarbled, garble, GarblerSession, THREE_HALVES_MAX_GATE_ID } from '../../src/gc/garble.js';
import { garbleAndEvaluate } from '../../src/gc/local.js';
import { evaluateRelusBatched, garbleRelusBatched } from '../../src/gc/parallel.js';
import { evaluateBits } from '../../src/gc/plain.js';
import { evaluateRelus, garbleRelus, reluClientLabels, reluCost, reluReference, reluServerLabels } from '../../src/gc/relu.js';
import { deserializeGarbledCircuit, GARBLED_HEADER_BYTES, serializeGarbledCircuit } from '../../src/gc/serialize.js';
import { P } from '../../src/math/share-field.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import type { TaskPool } from '../../src/workers/tasks.js';
import { runTask } from '../../src/workers/tasks.js';
import { hex, loadBristol, randomBigint } from './helpers.js';

const TH = { scheme: 'three-halves' } as const;
/** Byte equality of two typed arrays (deep equality of large arrays is slow in the test runner). */
const sameWords = (a: ArrayBufferView, b: ArrayBufferView): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** One gate of each kind, plus AND of a wire with itself and with its negation, on all 4 inputs. */
describe('every gate type, every input', () => {
  const build = (f: (b: CircuitBuilder, x: number, y: number) => number[]): Circuit => {
    const b = new CircuitBuilder();
    const [x] = b.input('garbler', 1);
    const [y] = b.input('evaluator', 1);
    b.output(f(b, x, y));
    return b.build();
  };
  const circuits: [string, Circuit][] = [
    ['AND', build((b, x, y) => [b.and(x, y)])],
    ['XOR', build((b, x, y) => [b.xor(x, y)])],
    ['INV', build((b, x) => [b.not(x)])],
    ['AND x x, AND x ¬x, AND ¬x y', build((b, x, y) => [b.and(x, x), b.and(x, b.not(x)), b.and(b.not(x), y)])],
    ['chained ANDs and ORs', build((b, x, y) => [b.and(b.and(x, y), b.xor(x, y)), b.or(x, y), b.and(b.or(x, y), b.not(b.and(x, y)))])],
    [
      'CONST and COPY',
      Circuit.from({
        wireCount: 6,
        inputs: [
          { party: 'garbler', width: 1 },
          { party: 'evaluator', width: 1 },
        ],
        op: Uint8Array.of(GATE.CONST, GATE.CONST, GATE.COPY, GATE.AND),
        in0: Uint32Array.of(1, 0, 1, 2),
        in1: Uint32Array.of(0, 0, 0, 4),
        out: Uint32Array.of(2, 3, 4, 5),
        outputs: [{ wires: [2, 3, 4, 5] }],
      }),
    ],
  ];
  for (const [name, circuit] of circuits) {
    it(`${name}: 64 instances over all input pairs`, () => {
      const n = 64;
      const { garbled, secrets } = garble(circuit, fromTextSeed(`th/gates/${name}`), { instances: n, ...TH });
      const xs = Uint8Array.from({ length: n }, (_, i) => i & 1);
      const ys = Uint8Array.from({ length: n }, (_, i) => (i >> 1) & 1);
      const out = decodeOutputs(garbled, evaluateGarbled(circuit, garbled, encodeInputs(circuit, secrets, 'garbler', xs), encodeInputs(circuit, secrets, 'evaluator', ys)));
      const m = circuit.outputBits;
      const want = Array.from({ length: n }, (_, i) => Array.from(evaluateBits(circuit, Uint8Array.of(xs[i], ys[i])))).flat();
      expect(Array.from(out)).toEqual(want);
      expect(out.length).toBe(m * n);
    });
  }
});

function ecb(key: string, pt: string): string {
  const c = createCipheriv('aes-128-ecb', Buffer.from(key, 'hex'), null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.from(pt, 'hex')), c.final()]).toString('hex');
}
const big = (h: string): bigint => BigInt('0x' + h);
const MASK64 = (1n << 64n) - 1n;

describe('Bristol circuits garbled with three halves', () => {
  it('aes_128: FIPS-197 C.1, the all-zero vector and 6 random pairs against OpenSSL; 7 words per AND in memory', () => {
    const { circuit } = loadBristol('aes_128');
    const rng = fromTextSeed('th/aes');
    const pairs: [string, string][] = [
      ['000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff'],
      ['0'.repeat(32), '0'.repeat(32)],
      ...Array.from({ length: 6 }, () => [hex(randomBigint(rng, 128), 128), hex(randomBigint(rng, 128), 128)] as [string, string]),
    ];
    const { outputs, garbled } = garbleAndEvaluate(circuit, pairs.map(([k, p]) => [big(k), big(p)]), fromTextSeed('th/aes/g'), TH);
    const got = outputs.map(([c]) => hex(c, 128));
    expect(got[0]).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(got[1]).toBe('66e94bd4ef8a2c3b884cfa59ca342b2e');
    expect(got).toEqual(pairs.map(([k, p]) => ecb(k, p)));
    expect(garbled.tables.length).toBe(7 * 6400 * 8);
    // On the wire: 24 bytes and 5 bits per AND gate.
    expect(serializeGarbledCircuit(circuit, garbled).length).toBe(GARBLED_HEADER_BYTES + 24 * 6400 * 8 + (5 * 6400 * 8) / 8 + (128 * 8) / 8);
  });
  it('sha256: "abc"', () => {
    const { circuit } = loadBristol('sha256');
    const padded = new Uint8Array(64);
    padded.set([0x61, 0x62, 0x63, 0x80]);
    padded[63] = 24;
    const IV = big('6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19');
    const { outputs } = garbleAndEvaluate(circuit, [[big(Buffer.from(padded).toString('hex')), IV]], fromTextSeed('th/sha'), TH);
    expect(hex(outputs[0][0], 256)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  const cases: [string, number, (x: bigint, y: bigint) => bigint][] = [
    ['adder64', 2, (x, y) => (x + y) & MASK64],
    ['sub64', 2, (x, y) => (x - y) & MASK64],
    ['mult64', 2, (x, y) => (x * y) & MASK64],
    ['neg64', 1, (x) => -x & MASK64],
    ['zero_equal', 1, (x) => (x === 0n ? 1n : 0n)],
  ];
  for (const [name, arity, f] of cases) {
    it(`${name}: 40 random inputs and edge cases`, () => {
      const { circuit } = loadBristol(name);
      const rng = fromTextSeed(`th/${name}`);
      const edge = [0n, 1n, MASK64, 1n << 63n];
      const xs = [...edge, ...Array.from({ length: 36 }, () => randomBigint(rng, 64))];
      const ys = [...edge.slice().reverse(), ...Array.from({ length: 36 }, () => randomBigint(rng, 64))];
      const { outputs } = garbleAndEvaluate(circuit, xs.map((x, i) => (arity === 2 ? [x, ys[i]] : [x])), fromTextSeed(`th/${name}/g`), TH);
      expect(outputs).toEqual(xs.map((x, i) => [f(x, ys[i])]));
    });
  }
});

describe('ReLU and ReLU6 batches', () => {
  for (const kind of ['relu', 'relu6'] as const) {
    it(`${kind}: 2000 random shares = plaintext reference = half gates, through the byte encoding`, () => {
      const n = 2000;
      const rng = fromTextSeed(`th/relu/${kind}`);
      const pick = () => Float64Array.from({ length: n }, () => uniformBelow(rng, P));
      const [c, s, m] = [pick(), pick(), pick()];
      const th = garbleRelus(n, fromTextSeed(`th/relu/${kind}/g`), { kind, ...TH });
      const wire = deserializeGarbledCircuit(serializeGarbledCircuit(th.circuit, th.garbled), th.circuit).garbled;
      expect(wire.scheme).toBe('three-halves');
      expect(sameWords(wire.tables, th.garbled.tables) && sameWords(wire.decoding, th.garbled.decoding)).toBe(true);
      const got = evaluateRelus({ kind }, wire, reluServerLabels(th, s, m), reluClientLabels(th, c));
      const hg = garbleRelus(n, fromTextSeed(`th/relu/${kind}/g`), { kind });
      const viaHalfGates = evaluateRelus({ kind }, hg.garbled, reluServerLabels(hg, s, m), reluClientLabels(hg, c));
      const want = Float64Array.from(c, (ci, i) => reluReference(ci, s[i], m[i], { kind }));
      expect(sameWords(got, want)).toBe(true);
      expect(sameWords(got, viaHalfGates)).toBe(true);
      expect(new Set(got).size).toBeGreaterThan(n / 2); // not a constant output
    });
  }
  it('bytes per ReLU: 258 AND gates → 6192 + 162 = 6354 bytes of tables (ReLU6: 292 → 7008 + 183 = 7191)', () => {
    expect(reluCost({}, 'three-halves')).toMatchObject({ andGates: 258, tableBytes: 6354 });
    expect(reluCost({ kind: 'relu6' }, 'three-halves')).toMatchObject({ andGates: 292, tableBytes: 7191 });
    expect(reluCost({})).toMatchObject({ tableBytes: 8256 });
    // The serializer writes exactly that: one ReLU, and 4096 ReLUs (24·258·n + ⌈5·258·n/8⌉).
    for (const n of [1, 3, 4096]) {
      const g = garbleRelus(n, fromTextSeed('th/size'), TH);
      const bytes = serializeGarbledCircuit(g.circuit, g.garbled);
      expect(bytes.length).toBe(GARBLED_HEADER_BYTES + 24 * 258 * n + Math.ceil((5 * 258 * n) / 8) + Math.ceil((41 * n) / 8));
    }
  });
});

describe('determinism and options', () => {
  it('same seed ⇒ byte-identical garbling; another seed ⇒ different', () => {
    const { circuit } = loadBristol('adder64');
    const bytes = (seed: string) => serializeGarbledCircuit(circuit, garble(circuit, fromTextSeed(seed), { instances: 5, ...TH }).garbled);
    expect(bytes('th/det')).toEqual(bytes('th/det'));
    expect(bytes('th/det')).not.toEqual(bytes('th/det2'));
  });
  it('garbleRelusBatched: same seed ⇒ same bytes with 1 or 3 batches in flight, results = reference', async () => {
    const n = 300;
    const rng = fromTextSeed('th/batched');
    const pick = () => Float64Array.from({ length: n }, () => uniformBelow(rng, P));
    const [c, s, m] = [pick(), pick(), pick()];
    // A pool that runs tasks out of order (as threads would), in this thread.
    let calls = 0;
    const shuffled: TaskPool = {
      threads: 3,
      async run(name, input) {
        await new Promise((r) => setTimeout(r, 3 - (calls++ % 3)));
        return runTask(name, input);
      },
      async close() {},
    } as TaskPool;
    const one = await garbleRelusBatched(n, fromTextSeed('th/batched/g'), { batchInstances: 64, ...TH });
    const three = await garbleRelusBatched(n, fromTextSeed('th/batched/g'), { batchInstances: 64, pool: shuffled, ...TH });
    expect(sameWords(three.garbled.tables, one.garbled.tables) && sameWords(three.secrets.inputZeroLabels, one.secrets.inputZeroLabels)).toBe(true);
    expect(three.garbled.decoding).toEqual(one.garbled.decoding);
    expect(one.garbled.scheme).toBe('three-halves');
    const out = await evaluateRelusBatched({}, one.garbled, reluServerLabels(one, s, m), reluClientLabels(one, c), { batchInstances: 50, pool: shuffled });
    expect(sameWords(out, Float64Array.from(c, (ci, i) => reluReference(ci, s[i], m[i])))).toBe(true);
  });
  it('a session garbles all its layers with its scheme; a different scheme is refused', () => {
    const session = new GarblerSession(fromTextSeed('th/session'), TH);
    const g = garbleRelus(3, session);
    expect(g.garbled.scheme).toBe('three-halves');
    expect(session.nextGateId).toBe(3 * 258);
    expect(() => garbleRelus(3, session, { scheme: 'half-gates' })).toThrow(InvalidArgumentError);
  });
  it('checks: unknown scheme, gate ids past 2^51, tables of the other scheme', () => {
    const b = new CircuitBuilder();
    const [x] = b.input('garbler', 1);
    const [y] = b.input('evaluator', 1);
    b.output([b.and(x, y)]);
    const circuit = b.build();
    expect(() => garble(circuit, fromTextSeed('t'), { scheme: 'four-thirds' as never })).toThrow(InvalidArgumentError);
    expect(() => garble(circuit, fromTextSeed('t'), { firstGateId: THREE_HALVES_MAX_GATE_ID, ...TH })).toThrow(OutOfRangeError);
    expect(() => garble(circuit, fromTextSeed('t'), { firstGateId: THREE_HALVES_MAX_GATE_ID })).not.toThrow();
    const th = garble(circuit, fromTextSeed('t'), TH).garbled;
    expect(() => checkGarbled(circuit, { ...th, scheme: undefined } as never)).toThrow(SizeMismatchError);
    const { scheme: _s, ...asHalfGates } = th;
    expect(() => evaluateGarbled(circuit, asHalfGates, new Uint32Array(4), new Uint32Array(4))).toThrow(SizeMismatchError);
  });
});
