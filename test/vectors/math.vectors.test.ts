/**
 * Consumes vectors/math/*: the library must reproduce every transform, product and CRT value; each
 * is also checked independently in BigInt from the definitions (the NTT as evaluation at the odd
 * powers of ψ in bit-reversed order — everywhere for n ≤ 1024, at 16 positions for larger n —
 * schoolbook negacyclic products, residues by BigInt remainder). The Kyber and Dilithium groups
 * must carry the published ζ (17 and 1753).
 */
import { describe, expect, it } from 'vitest';
import { DelphiError } from '../../src/errors.js';
import { createNttTables, createWideNttTables, forwardNtt, inverseNtt, negacyclicMultiply, RnsBase, type NttTables, type WideNttTables } from '../../src/math/index.js';
import { forwardNttWide, inverseNttWide, negacyclicMultiplyWide } from '../../src/math/ntt-wide.js';
import { big, bitrev, mod, nttAt, negacyclic, powMod, str } from './helpers/bigint.js';
import { allTests, loadVectors } from './helpers/files.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof DelphiError ? e.code : `non-delphi error: ${String(e)}`;
  }
  return 'no error';
}

type Tables = NttTables | WideNttTables;
const tables = (n: number, q: number): Tables => (q < 2 ** 30 ? createNttTables(n, q) : createWideNttTables(n, q));
const wide = (t: Tables): t is WideNttTables => t.q >= 2 ** 30;

function run(t: Tables, op: string, a: number[], b?: number[]): string[] {
  if (op === 'multiply') {
    return str(Array.from(wide(t) ? negacyclicMultiplyWide(Float64Array.from(a), Float64Array.from(b!), t) : negacyclicMultiply(Uint32Array.from(a), Uint32Array.from(b!), t)));
  }
  if (wide(t)) {
    const v = Float64Array.from(a);
    (op === 'forward' ? forwardNttWide : inverseNttWide)(v, t);
    return str(Array.from(v));
  }
  const v = Uint32Array.from(a);
  (op === 'forward' ? forwardNtt : inverseNtt)(v, t);
  return str(Array.from(v));
}

/** The forward NTT by definition: all positions for n ≤ 1024, else 16 spread-out positions. */
function checkForwardByDefinition(a: bigint[], out: string[], psi: bigint, q: bigint): void {
  const n = a.length;
  const ks = n <= 1024 ? Array.from({ length: n }, (_, k) => k) : Array.from({ length: 16 }, (_, i) => (i * 4099 + 1) % n);
  for (const k of ks) expect(String(nttAt(a, k, psi, q)), `position ${k}`).toBe(out[k]);
}

describe('vectors/math/ntt.v1.json', () => {
  const file = loadVectors('math/ntt.v1.json');
  const seenFlags = new Set(allTests(file).flatMap((t) => t.test.flags));

  it('contains the published Kyber and Dilithium roots and the wide path', () => {
    const psiOf = (q: string) => file.testGroups.find((g) => g.type === 'NttTest' && g.params.q === q)?.params.psi;
    expect(psiOf('3329')).toBe('17');
    expect(psiOf('8380417')).toBe('1753');
    expect(seenFlags.has('WideModulus')).toBe(true);
    expect(seenFlags.has('Delphi')).toBe(true);
  });

  for (const group of file.testGroups) {
    if (group.type === 'NttTest') {
      const { n, params } = { n: group.params.n as number, params: group.params };
      const q = BigInt(params.q);
      const psi = BigInt(params.psi);
      describe(`n = ${n}, q = ${params.q}`, () => {
        it('params: the library\'s constants, and ψ a primitive 2n-th root, ψ^−1, n^−1 checked in BigInt', () => {
          const t = tables(n, Number(q));
          expect([t.psi, t.psiInv, t.nInv].map(String)).toEqual([params.psi, params.psiInv, params.nInv]);
          expect(powMod(psi, BigInt(n), q)).toBe(q - 1n); // order exactly 2n (n a power of two)
          expect(mod(psi * BigInt(params.psiInv), q)).toBe(1n);
          expect(mod(BigInt(n) * BigInt(params.nInv), q)).toBe(1n);
          if (psi < 100_000n) {
            // minimality: no smaller element is a primitive 2n-th root
            for (let x = 2n; x < psi; x++) expect(powMod(x, BigInt(n), q) === q - 1n, `x = ${x}`).toBe(false);
          }
          if (params.rootPowers) {
            expect(str(Array.from(t.rootPowers))).toEqual(params.rootPowers);
            const logn = Math.log2(n);
            params.rootPowers.forEach((w: string, r: number) => expect(w).toBe(String(powMod(psi, BigInt(bitrev(r, logn)), q))));
            params.invRootPowers.forEach((w: string, r: number) =>
              expect(w).toBe(String(powMod(BigInt(params.psiInv), BigInt(bitrev(r, logn)), q))),
            );
          }
        });
        for (const test of group.tests) {
          it(`tcId ${test.tcId}: ${test.comment}`, () => {
            const t = tables(n, Number(q));
            const a = test.input.a.map(Number);
            const b = test.input.b?.map(Number);
            if (test.result === 'invalid') {
              expect(codeOf(() => run(t, test.input.operation, a, b))).toBe(test.error);
              return;
            }
            const out = test.output.result;
            expect(run(t, test.input.operation, a, b)).toEqual(out);
            switch (test.input.operation) {
              case 'forward':
                checkForwardByDefinition(big(test.input.a), out, psi, q);
                if (test.flags.includes('Constant')) expect(new Set(out)).toEqual(new Set(['1']));
                break;
              case 'inverse':
                // inverse(â) = a  ⇔  forward(a) = â
                if (n <= 1024) checkForwardByDefinition(big(out), test.input.a, psi, q);
                break;
              case 'multiply': {
                if (n <= 1024) expect(str(negacyclic(big(test.input.a), big(test.input.b), q))).toEqual(out);
                const { aHat, bHat, productHat } = test.intermediate;
                checkForwardByDefinition(big(test.input.a), aHat, psi, q);
                checkForwardByDefinition(big(test.input.b), bHat, psi, q);
                expect(productHat).toEqual(aHat.map((x: string, i: number) => String(mod(BigInt(x) * BigInt(bHat[i]), q))));
                checkForwardByDefinition(big(out), productHat, psi, q);
                break;
              }
              default:
                throw new Error(`unknown operation ${test.input.operation}`);
            }
          });
        }
      });
    } else if (group.type === 'NttParametersTest') {
      for (const test of group.tests) {
        it(`parameters, tcId ${test.tcId}: ${test.comment}`, () => {
          const f = () => tables(test.input.n, Number(test.input.q));
          if (test.result === 'invalid') return void expect(codeOf(f)).toBe(test.error);
          const t = f();
          expect([t.psi, t.psiInv, t.nInv].map(String)).toEqual([test.output.psi, test.output.psiInv, test.output.nInv]);
          expect(powMod(BigInt(test.output.psi), BigInt(test.input.n), BigInt(test.input.q))).toBe(BigInt(test.input.q) - 1n);
        });
      }
    } else {
      throw new Error(`unknown group type ${group.type}`);
    }
  }
});

describe('vectors/math/rns.v1.json', () => {
  const file = loadVectors('math/rns.v1.json');
  for (const group of file.testGroups) {
    if (group.type === 'RnsTest') {
      const moduli = big(group.params.moduli);
      const Q = BigInt(group.params.Q);
      describe(`base ${group.params.moduli.join(', ')}`, () => {
        it('params: the library\'s constants, and Q, Q/q_i, (Q/q_i)^−1 checked in BigInt', () => {
          const base = new RnsBase(moduli.map(Number));
          expect(String(base.Q)).toBe(group.params.Q);
          expect(str(base.puncturedProducts)).toEqual(group.params.puncturedProducts);
          expect(str(base.invPuncturedProducts)).toEqual(group.params.invPuncturedProducts);
          expect(moduli.reduce((x, y) => x * y, 1n)).toBe(Q);
          moduli.forEach((q, i) => {
            expect(BigInt(group.params.puncturedProducts[i])).toBe(Q / q);
            expect(mod((Q / q) * BigInt(group.params.invPuncturedProducts[i]), q)).toBe(1n);
          });
        });
        for (const test of group.tests) {
          it(`tcId ${test.tcId}: ${test.comment}`, () => {
            const base = new RnsBase(moduli.map(Number));
            if (test.result === 'invalid') {
              expect(codeOf(() => base.compose(test.input.residues.map(Number)))).toBe(test.error);
              return;
            }
            const { residues, composed, centered } = test.output;
            if (test.input.x !== undefined) {
              const x = BigInt(test.input.x);
              expect(str(base.decompose(x))).toEqual(residues);
              expect(residues).toEqual(str(moduli.map((q) => mod(x, q))));
            } else {
              expect(residues).toEqual(test.input.residues);
            }
            expect(String(base.compose(residues.map(Number)))).toBe(composed);
            expect(String(base.composeCentered(residues.map(Number)))).toBe(centered);
            const c = BigInt(composed);
            const cc = BigInt(centered);
            expect(c >= 0n && c < Q).toBe(true);
            moduli.forEach((q, i) => expect(mod(c, q)).toBe(BigInt(residues[i])));
            expect(mod(cc - c, Q)).toBe(0n);
            expect(2n * cc > -Q && 2n * cc <= Q).toBe(true);
          });
        }
      });
    } else if (group.type === 'RnsBaseParametersTest') {
      for (const test of group.tests) {
        it(`base parameters, tcId ${test.tcId}: ${test.comment}`, () => {
          const f = () => new RnsBase(test.input.moduli.map(Number));
          if (test.result === 'invalid') return void expect(codeOf(f)).toBe(test.error);
          expect(String(f().Q)).toBe(test.output.Q);
          expect(big(test.input.moduli).reduce((x, y) => x * y, 1n)).toBe(BigInt(test.output.Q));
        });
      }
    } else {
      throw new Error(`unknown group type ${group.type}`);
    }
  }
});
