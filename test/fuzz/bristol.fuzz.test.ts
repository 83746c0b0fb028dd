/**
 * fast-check fuzzing of the Bristol Fashion reader (src/gc/bristol.ts, Spec: §5.5): mutated
 * circuit files give a typed error or a circuit whose re-written text parses to the same circuit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBristol, writeBristol } from '../../src/gc/bristol.js';
import { fuzzParams, parsesOrThrowsTyped, textMutationsOf } from './fuzz-helpers.js';

// A 2-bit adder with carry out, in Bristol Fashion (inputs 2 × 2 bits, output 3 bits).
const ADDER = `7 11
2 2 2
1 3

2 1 0 2 4 AND
2 1 0 2 5 XOR
2 1 1 3 6 XOR
2 1 4 6 7 AND
2 1 4 6 8 XOR
2 1 1 3 9 AND
2 1 7 9 10 XOR
`;

describe('parseBristol under fast-check', () => {
  it('the seed circuit parses', () => {
    expect(parseBristol(ADDER).circuit).toBeDefined();
  });

  it('typed errors only; what parses survives a write and re-parse', () => {
    fc.assert(
      fc.property(textMutationsOf([ADDER, ADDER.replace('AND', 'INV').replace('2 1 0 2 4 INV', '1 1 0 4 INV')]), (text) => {
        const r = parsesOrThrowsTyped(() => parseBristol(text));
        if (r.ok) expect(parseBristol(writeBristol(r.value.circuit)).circuit).toEqual(r.value.circuit);
      }),
      fuzzParams(2000),
    );
  });
});
