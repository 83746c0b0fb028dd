/**
 * The circuit builder's simplifications (constant folding, x ⊕ x, ¬¬x, reuse of identical gates,
 * dead-gate removal) must not change what a circuit computes: random circuits are built while the
 * same operations are simulated directly on 32-lane words, and the built circuit must agree. Also
 * covers Circuit.from's validation and the three plaintext entry points.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SizeMismatchError } from '../../src/errors.js';
import { CircuitBuilder, ONE, ZERO, type Wire } from '../../src/gc/builder.js';
import { Circuit, GATE } from '../../src/gc/circuit.js';
import { evaluateBits, evaluatePlain, evaluateWords } from '../../src/gc/plain.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

describe('random circuits: built circuit = direct simulation', () => {
  for (let trial = 0; trial < 20; trial++) {
    it(`trial ${trial}`, () => {
      const rng = fromTextSeed(`gc/builder/${trial}`);
      const b = new CircuitBuilder();
      const words = new Map<Wire, number>([
        [ZERO, 0],
        [ONE, -1],
      ]);
      const pool: Wire[] = [ZERO, ONE];
      const inputWords: number[] = [];
      const nInputs = 1 + uniformBelow(rng, 4);
      for (let i = 0; i < nInputs; i++) {
        for (const w of b.input(uniformBelow(rng, 2) ? 'garbler' : 'evaluator', 1 + uniformBelow(rng, 5))) {
          const v = rng.uint32() | 0;
          words.set(w, v);
          inputWords.push(v);
          pool.push(w);
        }
      }
      const pick = (): Wire => pool[uniformBelow(rng, pool.length)];
      for (let g = 0; g < 300; g++) {
        const x = pick();
        const y = uniformBelow(rng, 4) === 0 ? x : pick(); // x op x now and then
        const wx = words.get(x)!;
        const wy = words.get(y)!;
        let w: Wire;
        let v: number;
        switch (uniformBelow(rng, 6)) {
          case 0: [w, v] = [b.xor(x, y), wx ^ wy]; break;
          case 1: [w, v] = [b.and(x, y), wx & wy]; break;
          case 2: [w, v] = [b.not(x), ~wx]; break;
          case 3: [w, v] = [b.or(x, y), wx | wy]; break;
          case 4: [w, v] = [b.xnor(x, y), ~(wx ^ wy)]; break;
          default: {
            const s = pick();
            const ws = words.get(s)!;
            [w, v] = [b.select(s, x, y), (wx & ~ws) | (wy & ws)];
          }
        }
        if (words.has(w)) expect(words.get(w), 'a reused wire must carry the same value').toBe(v);
        words.set(w, v);
        pool.push(w);
      }
      const outs = Array.from({ length: 40 }, pick);
      b.output(outs.slice(0, 20), 'first');
      b.output(outs.slice(20));
      const circuit = b.build();
      const got = evaluateWords(circuit, Int32Array.from(inputWords));
      expect(Array.from(got)).toEqual(outs.map((w) => words.get(w)! | 0));
      // Dead-gate removal: every gate output is used by a later gate or an output.
      const used = new Set<number>(circuit.outputs.flatMap((o) => Array.from(o.wires)));
      for (let k = 0; k < circuit.op.length; k++) {
        used.add(circuit.in0[k]);
        if (circuit.op[k] <= GATE.AND) used.add(circuit.in1[k]);
      }
      for (let k = 0; k < circuit.op.length; k++) {
        if (circuit.op[k] !== GATE.CONST) expect(used.has(circuit.out[k])).toBe(true);
      }
    });
  }
});

describe('builder simplifications', () => {
  it('folds constants, x ⊕ x, x ∧ x, x ∧ ¬x, ¬¬x and reuses gates', () => {
    const b = new CircuitBuilder();
    const [x, y] = b.input('garbler', 2);
    expect(b.xor(x, ZERO)).toBe(x);
    expect(b.and(x, ONE)).toBe(x);
    expect(b.and(x, ZERO)).toBe(ZERO);
    expect(b.xor(x, x)).toBe(ZERO);
    expect(b.and(x, x)).toBe(x);
    expect(b.not(b.not(x))).toBe(x);
    expect(b.and(x, b.not(x))).toBe(ZERO);
    expect(b.xor(x, b.not(x))).toBe(ONE);
    expect(b.or(x, ONE)).toBe(ONE);
    expect(b.and(x, y)).toBe(b.and(y, x));
    expect(b.xor(x, ONE)).toBe(b.not(x));
    expect(b.andCount).toBe(1);
  });
  it('numbers inputs first even when gates are created between input declarations', () => {
    const b = new CircuitBuilder();
    const [a] = b.input('garbler', 1);
    const t = b.not(a);
    const [c] = b.input('evaluator', 1, 'c');
    b.output([b.and(t, c)], 'out');
    const circuit = b.build();
    expect(circuit.inputs).toEqual([
      { party: 'garbler', width: 1, firstWire: 0 },
      { party: 'evaluator', width: 1, firstWire: 1, name: 'c' },
    ]);
    expect(circuit.outputs[0].name).toBe('out');
    for (const [av, cv] of [[0n, 0n], [0n, 1n], [1n, 0n], [1n, 1n]]) {
      expect(evaluatePlain(circuit, [av, cv])).toEqual([(1n - av) & cv]);
    }
  });
  it('outputs may be constants, input wires, or repeated', () => {
    const b = new CircuitBuilder();
    const [a] = b.input('garbler', 1);
    b.output([ONE, a, ZERO, a, ONE]);
    const circuit = b.build();
    expect(circuit.counts.const).toBe(2);
    expect(evaluatePlain(circuit, [0n])).toEqual([0b10001n]);
    expect(evaluatePlain(circuit, [1n])).toEqual([0b11011n]);
  });
  it('refuses wires of another builder and bad inputs', () => {
    const b = new CircuitBuilder();
    b.input('garbler', 2);
    expect(() => b.xor(0, 5)).toThrow(InvalidArgumentError);
    expect(() => b.and(-3, 0)).toThrow(InvalidArgumentError);
    expect(() => b.input('server' as never, 1)).toThrow(InvalidArgumentError);
    expect(() => b.constantBits(16n, 4)).toThrow(InvalidArgumentError);
  });
});

describe('Circuit.from validation', () => {
  const base = {
    wireCount: 3,
    inputs: [{ party: 'garbler' as const, width: 2 }],
    op: Uint8Array.of(GATE.AND),
    in0: Uint32Array.of(0),
    in1: Uint32Array.of(1),
    out: Uint32Array.of(2),
    outputs: [{ wires: [2] }],
  };
  it('accepts a valid description', () => expect(Circuit.from(base).counts.and).toBe(1));
  const bad: [string, object, RegExp][] = [
    ['read before written', { in1: Uint32Array.of(2), out: Uint32Array.of(2) }, /already written|before it is written/],
    ['wire out of range', { in1: Uint32Array.of(9) }, /out of range/],
    ['writes an input', { out: Uint32Array.of(1) }, /already written/],
    ['unknown op', { op: Uint8Array.of(9) }, /unknown operation/],
    ['array lengths', { in0: Uint32Array.of(0, 1) }, /one entry per gate/],
    ['output unwritten', { wireCount: 4, outputs: [{ wires: [3] }] }, /output 0 uses wire 3/],
    ['constant value', { op: Uint8Array.of(GATE.CONST), in0: Uint32Array.of(2) }, /value 2/],
    ['too many input wires', { inputs: [{ party: 'garbler', width: 4 }] }, /need 4 wires/],
    ['bad party', { inputs: [{ party: 'server', width: 2 }] }, /party server/],
  ];
  for (const [what, patch, pattern] of bad) {
    it(`refuses: ${what}`, () => expect(() => Circuit.from({ ...base, ...patch } as never)).toThrow(pattern));
  }
  it('withParties changes only the parties', () => {
    const c = Circuit.from(base).withParties(['evaluator']);
    expect(c.inputs[0].party).toBe('evaluator');
    expect(() => c.withParties([])).toThrow(InvalidArgumentError);
  });
});

describe('plaintext evaluators agree', () => {
  it('evaluateBits and evaluateWords on the same circuit', () => {
    const b = new CircuitBuilder();
    const x = b.input('garbler', 3);
    b.output([b.and(x[0], b.xor(x[1], x[2])), b.or(x[0], x[2])]);
    const c = b.build();
    for (let v = 0; v < 8; v++) {
      const bits = Uint8Array.from([v & 1, (v >> 1) & 1, (v >> 2) & 1]);
      const words = Int32Array.from(bits, (x) => -x);
      expect(Array.from(evaluateBits(c, bits))).toEqual(Array.from(evaluateWords(c, words), (w) => w & 1));
    }
    expect(() => evaluateBits(c, new Uint8Array(2))).toThrow(SizeMismatchError);
    expect(() => evaluateBits(c, Uint8Array.of(0, 2, 0))).toThrow(InvalidArgumentError);
    expect(() => evaluatePlain(c, [8n])).toThrow(/does not fit/);
  });
});
