/**
 * Vectors of §3: the negacyclic NTT in SEAL's ordering for several (n, q) — among them Kyber's,
 * Dilithium's and NewHope's moduli and the primes of Delphi's BFV parameters — and RNS/CRT bases.
 *
 * Spec: §12.5.2
 * @module
 */
import { createNttTables, createWideNttTables, forwardNtt, generateNttPrimes, inverseNtt, negacyclicMultiply, P, RnsBase, type NttTables, type WideNttTables } from '../../math/index.js';
import { forwardNttWide, inverseNttWide, negacyclicMultiplyWide, pointwiseMultiplyWide } from '../../math/ntt-wide.js';
import { MAX_MODULUS_30 } from '../../math/modular.js';
import { pointwiseMultiply } from '../../math/ntt.js';
import { createCoeffModulus, bfvDefaultCoeffModulus } from '../../bfv/index.js';
import { uniformBelow, uniformBigintBelow, type Rng } from '../../random/index.js';
import { expectErrorCode, VectorFileBuilder } from '../builder.js';
import { dec, decs } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec } from '../fields.js';
import type { JsonObject } from '../format.js';

const nttSpec: AlgorithmSpec = {
  algorithm: 'NegacyclicNtt',
  description:
    'The negacyclic NTT over Z_q[X]/(X^n + 1) of §3.4 in SEAL\'s convention: ψ the minimal primitive 2n-th root of ' +
    'unity, forward = natural-order coefficients to evaluations a(ψ^(2·bitrev(k)+1)) in bit-reversed order k.',
  groups: [
    {
      type: 'NttTest',
      description: 'Forward and inverse transforms and negacyclic products for one (n, q).',
      params: {
        n: F.size(),
        q: F.int('a prime ≡ 1 (mod 2n), below 2^30 (NttTables) or 2^50 (WideNttTables)'),
        psi: F.int('the minimal primitive 2n-th root of unity mod q'),
        psiInv: F.int(),
        nInv: F.int(),
        'rootPowers?': F.ints('rootPowers[bitrev(i)] = ψ^i (only for small n)'),
        'invRootPowers?': F.ints('invRootPowers[bitrev(i)] = ψ^(−i) (only for small n)'),
      },
      input: {
        operation: F.enum(['forward', 'inverse', 'multiply']),
        a: F.ints('forward, multiply: coefficients in natural order; inverse: evaluations in bit-reversed order'),
        'b?': F.ints('multiply: the second factor'),
      },
      intermediate: { aHat: F.ints(), bHat: F.ints(), productHat: F.ints('aHat ∘ bHat') },
      output: { result: F.ints() },
    },
    {
      type: 'NttParametersTest',
      description: 'Which (n, q) admit the transform, and their constants.',
      params: {},
      input: { n: F.size(), q: F.int() },
      output: { psi: F.int(), psiInv: F.int(), nInv: F.int() },
    },
  ],
};

const rnsSpec: AlgorithmSpec = {
  algorithm: 'RnsCrt',
  description: 'RNS bases and Chinese remaindering (§3.5): decompose, compose, centered compose.',
  groups: [
    {
      type: 'RnsTest',
      description: 'One base; each test decomposes x (or starts from residues) and composes back.',
      params: {
        moduli: F.ints(),
        Q: F.int('the product of the moduli'),
        puncturedProducts: F.ints('Q/q_i'),
        invPuncturedProducts: F.ints('(Q/q_i)^(−1) mod q_i'),
      },
      input: { 'x?': F.int('any integer, negative or ≥ Q allowed'), 'residues?': F.ints() },
      output: {
        residues: F.ints('x mod q_i in [0, q_i)'),
        composed: F.int('the x in [0, Q) with these residues'),
        centered: F.int('its representative in (−Q/2, Q/2]'),
      },
    },
    {
      type: 'RnsBaseParametersTest',
      description: 'Which moduli lists make an RNS base.',
      params: {},
      input: { moduli: F.ints() },
      output: { Q: F.int() },
    },
  ],
};

type AnyTables = NttTables | WideNttTables;

function tablesFor(n: number, q: number): AnyTables {
  return q < MAX_MODULUS_30 ? createNttTables(n, q) : createWideNttTables(n, q);
}

function isWide(t: AnyTables): t is WideNttTables {
  return t.q >= MAX_MODULUS_30;
}

function forward(t: AnyTables, a: number[]): number[] {
  if (isWide(t)) {
    const v = Float64Array.from(a);
    forwardNttWide(v, t);
    return Array.from(v);
  }
  const v = Uint32Array.from(a);
  forwardNtt(v, t);
  return Array.from(v);
}

function inverse(t: AnyTables, a: number[]): number[] {
  if (isWide(t)) {
    const v = Float64Array.from(a);
    inverseNttWide(v, t);
    return Array.from(v);
  }
  const v = Uint32Array.from(a);
  inverseNtt(v, t);
  return Array.from(v);
}

function pointwise(t: AnyTables, a: number[], b: number[]): number[] {
  if (isWide(t)) return Array.from(pointwiseMultiplyWide(Float64Array.from(a), Float64Array.from(b), new Float64Array(t.n), t.q));
  return Array.from(pointwiseMultiply(Uint32Array.from(a), Uint32Array.from(b), new Uint32Array(t.n), t.q));
}

function multiply(t: AnyTables, a: number[], b: number[]): number[] {
  if (isWide(t)) return Array.from(negacyclicMultiplyWide(Float64Array.from(a), Float64Array.from(b), t));
  return Array.from(negacyclicMultiply(Uint32Array.from(a), Uint32Array.from(b), t));
}

function uniformPoly(rng: Rng, n: number, q: number): number[] {
  return Array.from({ length: n }, () => uniformBelow(rng, q));
}

interface NttCase {
  n: number;
  q: number;
  comment: string;
  /** Only one random forward transform (large n keeps the file small). */
  large?: boolean;
  flags?: string[];
}

const NTT_PATH = 'math/ntt.v1.json';
const RNS_PATH = 'math/rns.v1.json';

const nttFile: VectorFileGenerator = {
  path: NTT_PATH,
  spec: nttSpec,
  async generate(master) {
    const b = new VectorFileBuilder(nttSpec, NTT_PATH, master, {
      specSections: ['§3.3', '§3.4'],
      header: [
        'forward: coefficients a_0 … a_{n−1} (natural order) → â_k = a(ψ^(2·bitrev(k)+1)) mod q for k = 0 … n−1,',
        'i.e. the values at the roots of X^n + 1 in bit-reversed order (SEAL, Microsoft SEAL 4.1 NTTTables).',
        'inverse: bit-reversed evaluations → natural-order coefficients, including the factor n^(−1).',
        'multiply: a·b mod (X^n + 1, q) = inverse(forward(a) ∘ forward(b)).',
        'rootPowers[bitrev(i, log n)] = ψ^i is the twiddle table layout of §3.4 (listed for n ≤ 16).',
      ],
      notes: {
        Kyber: "q = 3329 and ψ = 17, the ζ of CRYSTALS-Kyber's reference ntt.c (there with n = 256 and an incomplete NTT).",
        Dilithium: "q = 8380417 and ψ = 1753, the ζ of CRYSTALS-Dilithium's reference ntt.c (zetas[k] = mont·ψ^bitrev8(k)).",
        NewHope: 'q = 12289, n = 1024: the ring of NewHope.',
        SealPrime: 'q comes from SEAL\'s CoeffModulus::Create (the largest prime of its bit size ≡ 1 mod 2n).',
        Delphi: "q is the first prime of Delphi's BFV coefficient modulus (n = 8192, CoeffModulus::Create(8192, 7 × 30 bits)).",
        WideModulus: 'q ≥ 2^30: the wide (double-precision, 26-bit-limb) code path; same conventions.',
        Constant: 'a = 1: every evaluation is 1.',
        Monomial: 'a = X: the evaluations are the roots ψ^(2·bitrev(k)+1) themselves, which shows the output order.',
        MaxCoefficients: 'Every coefficient is q − 1 (the largest residue).',
        WrongLength: 'The input has n − 1 coefficients.',
        NotPowerOfTwo: 'n is not a power of two.',
        NotNttFriendly: 'q is prime but not ≡ 1 (mod 2n): there is no primitive 2n-th root of unity.',
        Composite: 'q is not prime.',
        TooLarge: 'q ≥ 2^50, beyond the wide code path.',
      },
    });
    const delphiQ0 = createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30])[0];
    const cases: NttCase[] = [
      { n: 4, q: 17, comment: 'n = 4, q = 17: small enough to check by hand' },
      { n: 8, q: 17, comment: 'n = 8, q = 17: ψ is a primitive 16th root' },
      { n: 128, q: 3329, comment: 'Kyber modulus', flags: ['Kyber'] },
      { n: 256, q: 8380417, comment: 'Dilithium modulus', flags: ['Dilithium'] },
      { n: 1024, q: 12289, comment: 'NewHope ring', flags: ['NewHope'] },
      { n: 16, q: generateNttPrimes(30, 16, 1)[0], comment: 'a 30-bit prime', flags: ['SealPrime'] },
      { n: 16, q: generateNttPrimes(49, 16, 1)[0], comment: 'a 49-bit prime (wide path)', flags: ['SealPrime', 'WideModulus'] },
      { n: 4096, q: createCoeffModulus(4096, [30])[0], comment: 'n = 4096, a 30-bit SEAL prime', large: true, flags: ['SealPrime'] },
      {
        n: 4096,
        q: bfvDefaultCoeffModulus(4096)[0],
        comment: "n = 4096, the first prime of SEAL's BFVDefault(4096) (36 bits, wide path)",
        large: true,
        flags: ['SealPrime', 'WideModulus'],
      },
      { n: 8192, q: delphiQ0, comment: "Delphi's ring: n = 8192 and its first 30-bit prime", large: true, flags: ['SealPrime', 'Delphi'] },
    ];
    for (const c of cases) {
      const t = tablesFor(c.n, c.q);
      const params: JsonObject = { n: c.n, q: dec(c.q), psi: dec(t.psi), psiInv: dec(t.psiInv), nInv: dec(t.nInv) };
      if (c.n <= 16) {
        params.rootPowers = decs(t.rootPowers);
        params.invRootPowers = decs(t.invRootPowers);
      }
      const g = b.group('NttTest', params);
      const base = [...(c.flags ?? [])];
      const rng = b.rng(`ntt/${c.n}/${c.q}`).rng;
      const fwd = (a: number[], comment: string, flags: string[] = []) =>
        g.valid(comment, { operation: 'forward', a: decs(a) }, { result: decs(forward(t, a)) }, { flags: [...base, ...flags] });
      if (!c.large) {
        fwd([1, ...new Array<number>(c.n - 1).fill(0)], `${c.comment}: forward of 1`, ['Constant']);
        fwd([0, 1, ...new Array<number>(c.n - 2).fill(0)], `${c.comment}: forward of X`, ['Monomial']);
        fwd(new Array<number>(c.n).fill(c.q - 1), `${c.comment}: forward of (q − 1)·(1 + X + … + X^(n−1))`, ['MaxCoefficients']);
      }
      fwd(uniformPoly(rng, c.n, c.q), `${c.comment}: forward of uniform coefficients`);
      if (!c.large) {
        const ev = uniformPoly(rng, c.n, c.q);
        g.valid(`${c.comment}: inverse of uniform evaluations`, { operation: 'inverse', a: decs(ev) }, { result: decs(inverse(t, ev)) }, {
          flags: base,
        });
        for (let k = 0; k < 2; k++) {
          const a = uniformPoly(rng, c.n, c.q);
          const bb = k === 0 ? uniformPoly(rng, c.n, c.q) : [0, 0, 0, 1, ...new Array<number>(c.n - 4).fill(0)].slice(0, c.n);
          const aHat = forward(t, a);
          const bHat = forward(t, bb);
          g.valid(
            `${c.comment}: product ${k === 0 ? 'of uniform polynomials' : 'with X^3 (a negacyclic shift)'}`,
            { operation: 'multiply', a: decs(a), b: decs(bb) },
            { result: decs(multiply(t, a, bb)) },
            { intermediate: { aHat: decs(aHat), bHat: decs(bHat), productHat: decs(pointwise(t, aHat, bHat)) }, flags: base },
          );
        }
        const short = uniformPoly(rng, c.n - 1, c.q);
        g.invalid(`${c.comment}: n − 1 coefficients`, { operation: 'forward', a: decs(short) }, expectErrorCode(() => forward(t, short), 'short'), [
          ...base,
          'WrongLength',
        ]);
      }
    }
    const p = b.group('NttParametersTest', {});
    for (const [n, q, comment, flags] of [
      [8, 17, 'n = 8, q = 17', []],
      [256, 7681, 'Kyber round-1 modulus 7681 with n = 256', []],
      [2, 5, 'the smallest transform: n = 2, q = 5', []],
      [8192, delphiQ0, "Delphi's first prime", ['Delphi']],
      [16, generateNttPrimes(49, 16, 1)[0], 'a 49-bit prime', ['WideModulus']],
      [12, 73, 'n = 12', ['NotPowerOfTwo']],
      [16, 17, 'q = 17 is not ≡ 1 mod 32', ['NotNttFriendly']],
      [4, 25, 'q = 25', ['Composite']],
      [4, 2 ** 50 + 1, 'q = 2^50 + 1', ['TooLarge']],
    ] as const) {
      if (flags.some((f) => ['NotPowerOfTwo', 'NotNttFriendly', 'Composite', 'TooLarge'].includes(f))) {
        p.invalid(comment, { n, q: dec(q) }, expectErrorCode(() => tablesFor(n, q), comment), [...flags]);
      } else {
        const t = tablesFor(n, q);
        p.valid(comment, { n, q: dec(q) }, { psi: dec(t.psi), psiInv: dec(t.psiInv), nInv: dec(t.nInv) }, { flags: [...flags] });
      }
    }
    return b.build();
  },
};

const rnsFile: VectorFileGenerator = {
  path: RNS_PATH,
  spec: rnsSpec,
  async generate(master) {
    const b = new VectorFileBuilder(rnsSpec, RNS_PATH, master, {
      specSections: ['§3.5'],
      header: [
        'x = Σ_i [r_i·(Q/q_i)^(−1) mod q_i]·(Q/q_i) mod Q; residues are listed in the order of the moduli.',
        'centered is the representative of x in (−Q/2, Q/2] (for odd Q: [−(Q−1)/2, (Q−1)/2]).',
      ],
      notes: {
        Delphi: "Delphi's BFV coefficient modulus: CoeffModulus::Create(8192, 7 × 30 bits).",
        SealDefault: "SEAL's CoeffModulus::BFVDefault(4096): primes of 36 and 37 bits (wide path).",
        Boundary: 'x sits at an edge: 0, Q − 1, Q, (Q ± 1)/2, or negative.',
        Huge: 'x is far outside [0, Q).',
        FromResidues: 'The test starts from residues instead of x.',
        ResidueOutOfRange: 'A residue is ≥ its modulus.',
        WrongCount: 'The number of residues differs from the number of moduli.',
        NotCoprime: 'Two moduli share a factor.',
        BadModulus: 'A modulus outside [2, 2^50), or no modulus at all.',
      },
    });
    const bases: [number[], string, string[]][] = [
      [[3, 5, 7], 'the base {3, 5, 7}', []],
      [createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]), "Delphi's seven 30-bit primes", ['Delphi']],
      [bfvDefaultCoeffModulus(4096), "SEAL's BFVDefault(4096)", ['SealDefault']],
      [[generateNttPrimes(49, 1024, 1)[0], 1073479681, 65537, 2 ** 16], 'mixed widths, with a power of two', []],
    ];
    for (const [moduli, name, flags] of bases) {
      const base = new RnsBase(moduli);
      const g = b.group('RnsTest', {
        moduli: decs(moduli),
        Q: dec(base.Q),
        puncturedProducts: decs(base.puncturedProducts),
        invPuncturedProducts: decs(base.invPuncturedProducts),
      });
      const Q = base.Q;
      const rng = b.rng(`rns/${moduli.join(',')}`).rng;
      const xs: [bigint, string, string[]][] = [
        [0n, 'x = 0', ['Boundary']],
        [Q - 1n, 'x = Q − 1', ['Boundary']],
        [Q, 'x = Q', ['Boundary']],
        [(Q - 1n) / 2n, 'x = ⌊(Q − 1)/2⌋', ['Boundary']],
        [Q / 2n + 1n, 'x = ⌊Q/2⌋ + 1', ['Boundary']],
        [-1n, 'x = −1', ['Boundary']],
        [uniformBigintBelow(rng, Q), 'uniform x', []],
        [uniformBigintBelow(rng, Q), 'uniform x', []],
        [-(Q * 12345n) - 17n, 'x = −12345·Q − 17', ['Huge']],
        [2n ** 300n + 3n, 'x = 2^300 + 3', ['Huge']],
      ];
      for (const [x, comment, f] of xs) {
        const residues = base.decompose(x);
        g.valid(`${name}: ${comment}`, { x: dec(x) }, {
          residues: decs(residues),
          composed: dec(base.compose(residues)),
          centered: dec(base.composeCentered(residues)),
        }, { flags: [...flags, ...f] });
      }
      const residues = moduli.map((q) => uniformBelow(rng, q));
      g.valid(`${name}: uniform residues`, { residues: decs(residues) }, {
        residues: decs(residues),
        composed: dec(base.compose(residues)),
        centered: dec(base.composeCentered(residues)),
      }, { flags: [...flags, 'FromResidues'] });
      const bad = [...residues];
      bad[bad.length - 1] = moduli[moduli.length - 1];
      g.invalid(`${name}: last residue equals its modulus`, { residues: decs(bad) }, expectErrorCode(() => base.compose(bad), 'range'), [
        ...flags,
        'FromResidues',
        'ResidueOutOfRange',
      ]);
      const short = residues.slice(1);
      g.invalid(`${name}: one residue too few`, { residues: decs(short) }, expectErrorCode(() => base.compose(short), 'count'), [
        ...flags,
        'FromResidues',
        'WrongCount',
      ]);
    }
    const p = b.group('RnsBaseParametersTest', {});
    for (const [moduli, comment, flags] of [
      [[2, 3], 'the smallest base', []],
      [[P, 3], 'the share prime and 3', []],
      [[6, 35, 11], 'pairwise coprime but not prime', []],
      [[6, 9], '6 and 9 share 3', ['NotCoprime']],
      [[1073479681, 1073479681], 'a repeated prime', ['NotCoprime']],
      [[1], 'modulus 1', ['BadModulus']],
      [[2 ** 50 + 1], 'modulus 2^50 + 1', ['BadModulus']],
      [[], 'no modulus', ['BadModulus']],
    ] as [number[], string, string[]][]) {
      if (flags.length > 0) {
        p.invalid(comment, { moduli: decs(moduli) }, expectErrorCode(() => new RnsBase(moduli), comment), flags);
      } else {
        p.valid(comment, { moduli: decs(moduli) }, { Q: dec(new RnsBase(moduli).Q) });
      }
    }
    return b.build();
  },
};

/** The `ntt` family: vectors/math/ntt.v1.json. Spec: §12.5.2 */
export const nttFamily: VectorFamily = {
  name: 'ntt',
  description: 'negacyclic NTT in SEAL ordering: forward, inverse, products, parameters (§3.4)',
  files: [nttFile],
};

/** The `rns` family: vectors/math/rns.v1.json. Spec: §12.5.2 */
export const rnsFamily: VectorFamily = {
  name: 'rns',
  description: 'RNS bases and CRT composition (§3.5)',
  files: [rnsFile],
};
