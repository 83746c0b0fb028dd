/**
 * The scheme option of the garbling API (Spec: §5.13) at its edges: scheme names and their
 * refusal, table words per AND gate (8 and 7), the randomness drawn (⌈AND gates · instances / 4⌉
 * bytes after the labels under three halves, none under half gates), the 2^51 gate-id bound, the
 * scheme recorded in the garbled circuit and checked by checkGarbled, a session's scheme, and
 * evaluation under both schemes against the plaintext.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { parseBristol } from '../../src/gc/bristol.js';
import {
  checkGarbled,
  checkGarblingScheme,
  decodeOutputs,
  encodeInputs,
  evaluateGarbled,
  garble,
  GarblerSession,
  GARBLING_SCHEMES,
  tableWordsPerAnd,
  type GarblingScheme,
} from '../../src/gc/garble.js';
import { fromTextSeed } from '../../src/random/index.js';

// garbler wires 0, 1; evaluator wires 2, 3; outputs: w4 = w0 ∧ w2, w5 = w1 ⊕ w3.
const { circuit } = parseBristol('2 6\n2 2 2\n1 2\n\n2 1 0 2 4 AND\n2 1 1 3 5 XOR\n');
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('scheme names', () => {
  it('half gates by default; the two names accepted; anything else refused with the value', () => {
    expect(GARBLING_SCHEMES).toEqual(['half-gates', 'three-halves']);
    expect(checkGarblingScheme(undefined)).toBe('half-gates');
    expect(checkGarblingScheme('half-gates')).toBe('half-gates');
    expect(checkGarblingScheme('three-halves')).toBe('three-halves');
    for (const bad of ['', 'Three-halves', 'x', null, 3]) {
      expect(() => checkGarblingScheme(bad)).toThrow(new InvalidArgumentError(`garbling scheme must be half-gates or three-halves, got ${String(bad)}`));
      expect(() => checkGarblingScheme(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('table words per AND gate: 8 and 7', () => {
    expect(tableWordsPerAnd()).toBe(8);
    expect(tableWordsPerAnd('half-gates')).toBe(8);
    expect(tableWordsPerAnd('three-halves')).toBe(7);
  });
});

describe('garble and evaluate under each scheme', () => {
  for (const scheme of GARBLING_SCHEMES) {
    it(`${scheme}: decodes to the plaintext for 1, 5 and 9 instances, tables of the scheme's size`, () => {
      for (const n of [1, 5, 9]) {
        const { garbled, secrets } = garble(circuit, fromTextSeed(`g3/${scheme}/${n}`), { instances: n, scheme });
        expect(garbled.tables.length).toBe(tableWordsPerAnd(scheme) * n);
        if (scheme === 'three-halves') expect(garbled.scheme).toBe('three-halves');
        else expect('scheme' in garbled).toBe(false);
        const rng = fromTextSeed(`g3/${scheme}/${n}/bits`);
        const g = Uint8Array.from({ length: 2 * n }, () => rng.uint32() & 1);
        const e = Uint8Array.from({ length: 2 * n }, () => rng.uint32() & 1);
        const out = decodeOutputs(garbled, evaluateGarbled(circuit, garbled, encodeInputs(circuit, secrets, 'garbler', g), encodeInputs(circuit, secrets, 'evaluator', e)));
        expect(Array.from(out)).toEqual(Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? g[k] & e[k] : g[k] ^ e[k])));
      }
    });
  }

  it('randomness: Δ, the labels, then ⌈gates/4⌉ bytes under three halves only', () => {
    const W = circuit.inputWireCount;
    const cases: [GarblingScheme, number, number][] = [
      ['three-halves', 5, 2],
      ['three-halves', 4, 1],
      ['three-halves', 0, 0],
      ['half-gates', 5, 0],
    ];
    for (const [scheme, n, diceBytes] of cases) {
      const used = fromTextSeed('g3/rng');
      garble(circuit, used, { instances: n, scheme });
      const fresh = fromTextSeed('g3/rng');
      fresh.bytes(16 + 16 * W * n + diceBytes);
      expect(hex(used.bytes(32))).toBe(hex(fresh.bytes(32)));
    }
  });

  it('three halves: gate ids up to 2^51', () => {
    const ok = garble(circuit, fromTextSeed('g3/ids'), { instances: 5, scheme: 'three-halves', firstGateId: 2 ** 51 - 5 });
    expect(checkGarbled(circuit, ok.garbled)).toBe(5);
    expect(() => garble(circuit, fromTextSeed('g3/ids'), { instances: 5, scheme: 'three-halves', firstGateId: 2 ** 51 - 4 })).toThrow(
      new OutOfRangeError(`gate ids ${2 ** 51 - 4} + 5·1 exceed 2^51`),
    );
    expect(() => checkGarbled(circuit, { ...ok.garbled, firstGateId: 2 ** 51 - 4 })).toThrow(OutOfRangeError);
    // Half gates allow the same ids.
    expect(garble(circuit, fromTextSeed('g3/ids'), { instances: 5, firstGateId: 2 ** 51 - 4 }).garbled.firstGateId).toBe(2 ** 51 - 4);
  });

  it('checkGarbled: table size of the recorded scheme; an unknown scheme refused', () => {
    const three = garble(circuit, fromTextSeed('g3/check'), { instances: 3, scheme: 'three-halves' }).garbled;
    expect(checkGarbled(circuit, three)).toBe(3);
    expect(() => checkGarbled(circuit, { ...three, tables: new Uint32Array(24) })).toThrow(new SizeMismatchError('garbled tables must hold 21 words'));
    const half = garble(circuit, fromTextSeed('g3/check'), { instances: 3 }).garbled;
    expect(() => checkGarbled(circuit, { ...half, scheme: 'three-halves' })).toThrow(new SizeMismatchError('garbled tables must hold 21 words'));
    expect(() => checkGarbled(circuit, { ...half, scheme: 'bogus' as GarblingScheme })).toThrow(InvalidArgumentError);
  });
});

describe('GarblerSession scheme', () => {
  it('default half gates; three halves carried into every garbling; bad names refused', () => {
    expect(new GarblerSession(fromTextSeed('g3/s')).scheme).toBe('half-gates');
    const s = new GarblerSession(fromTextSeed('g3/s'), { scheme: 'three-halves' });
    expect(s.scheme).toBe('three-halves');
    const a = s.garble(circuit, { instances: 2 });
    expect(a.garbled.scheme).toBe('three-halves');
    expect(a.garbled.tables.length).toBe(14);
    expect(s.nextGateId).toBe(2);
    expect(() => new GarblerSession(fromTextSeed('g3/s'), { scheme: 'x' as GarblingScheme })).toThrow(InvalidArgumentError);
  });
});
