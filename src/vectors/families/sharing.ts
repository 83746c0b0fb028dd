/**
 * Vectors of §7.1–§7.4: additive sharing over Z_p and the local operations, fixed-point encoding,
 * and SecureML local truncation (carries and wrap-around failures included).
 *
 * Spec: §12.5.3
 * @module
 */
import { P, P_HALF } from '../../math/index.js';
import {
  addPublic,
  addShares,
  decodeFixed,
  encodeFixed,
  encodeFixedVec,
  negShare,
  reconstruct,
  sampleFieldVector,
  scaleShare,
  share,
  subShares,
  truncatePlain,
  truncateShare,
  type PartyRole,
} from '../../sharing/index.js';
import { expectErrorCode, VectorFileBuilder } from '../builder.js';
import { dec, decs, real } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec } from '../fields.js';

const additiveSpec: AlgorithmSpec = {
  algorithm: 'AdditiveSharing',
  description: 'Additive 2-out-of-2 sharing over Z_p, p = 2061584302081 (§7.2), and the local operations on shares.',
  groups: [
    {
      type: 'ShareTest',
      description: 'share(values, fromSeed(seed)) = [s0, s1]: s0 = sampleFieldVector(rng, n), s1 = values − s0 mod p.',
      params: { p: F.int() },
      input: { seed: F.hex(undefined, 32), values: F.ints() },
      output: { share0: F.ints(), share1: F.ints() },
    },
    {
      type: 'LocalOperationsTest',
      description: "One party's local operations on its shares x and y with public c (scalar) and cs (vector).",
      params: { p: F.int() },
      input: { role: F.size('0 or 1'), x: F.ints(), y: F.ints(), c: F.int(), cs: F.ints() },
      output: {
        addShares: F.ints('x + y'),
        subShares: F.ints('x − y'),
        negShare: F.ints('−x'),
        scaleShare: F.ints('c·x'),
        scaleShareVector: F.ints('cs ∘ x'),
        addPublic: F.ints('x + c at party 0, x at party 1'),
      },
    },
  ],
};

const fixedSpec: AlgorithmSpec = {
  algorithm: 'FixedPoint',
  description: 'Fixed-point encoding with f fractional bits into Z_p (§7.3): round(x·2^f), halves away from zero, mod p.',
  groups: [
    {
      type: 'EncodeFixedTest',
      description: 'encodeFixed(x, f), and decodeFixed of the result.',
      params: { p: F.int() },
      input: { x: F.real(), f: F.size() },
      output: { encoded: F.int(), decoded: F.real('decodeFixed(encoded, f), the value actually represented') },
    },
    {
      type: 'DecodeFixedTest',
      description: 'decodeFixed(w, f): the signed representative of w (w > (p − 1)/2 is negative) over 2^f.',
      params: { p: F.int() },
      input: { w: F.int(), f: F.size() },
      output: { x: F.real() },
    },
  ],
};

const truncSpec: AlgorithmSpec = {
  algorithm: 'LocalTruncation',
  description: 'SecureML local truncation of shares by k bits (§7.4).',
  groups: [
    {
      type: 'TruncateSharesTest',
      description:
        'Party 0 outputs ⌊s0/2^k⌋; party 1 outputs (p − ⌊u/2^k⌋) mod p with u = (p − s1) mod p. ' +
        'result = reconstruct(t0, t1); plain = truncatePlain(reconstruct(s0, s1), k).',
      params: { p: F.int() },
      input: { share0: F.ints(), share1: F.ints(), k: F.size() },
      intermediate: {
        value: F.ints('the signed value x̃ = signed(s0 + s1 mod p)'),
        u: F.ints('(p − s1) mod p'),
        wrapped: F.sizes('1 where s0 − u ≠ x̃ (the shares wrap around p: a failure, §7.4.1), else 0'),
      },
      output: {
        trunc0: F.ints(),
        trunc1: F.ints(),
        result: F.ints('t0 + t1 mod p'),
        plain: F.ints('⌊x̃/2^k⌋ mod p'),
        offset: F.ints('signed(result − plain): 0 or 1 unless the shares wrapped'),
      },
    },
  ],
};

const signed = (v: number): number => (v > P_HALF ? v - P : v);

const ADDITIVE_PATH = 'sharing/additive.v1.json';
const FIXED_PATH = 'sharing/fixed-point.v1.json';
const TRUNC_PATH = 'sharing/truncation.v1.json';

const additiveFile: VectorFileGenerator = {
  path: ADDITIVE_PATH,
  spec: additiveSpec,
  async generate(master) {
    const b = new VectorFileBuilder(additiveSpec, ADDITIVE_PATH, master, {
      specSections: ['§7.1', '§7.2'],
      header: ['Party 0 holds share0, party 1 share1; the value is share0 + share1 mod p.'],
      notes: {
        EdgeValues: 'Values 0, 1, p − 1 and (p ± 1)/2.',
        FixedPoint: 'The values are fixed-point encodings (f = 8) of reals.',
        OutOfRange: 'A value is not in [0, p).',
        LengthMismatch: 'Two vectors that must have the same length do not.',
        BadRole: 'A role other than 0 or 1.',
      },
    });
    const p = dec(P);
    const sh = b.group('ShareTest', { p });
    const cases: [number[], string, string[]][] = [
      [[0, 1, P - 1, P_HALF, P_HALF + 1], 'edge values', ['EdgeValues']],
      [Array.from(encodeFixedVec([1.5, -2.25, 3, 0.00390625, -1000])), 'fixed-point 1.5, −2.25, 3, 2^−8, −1000', ['FixedPoint']],
    ];
    for (const [values, comment, flags] of cases) {
      const { rng, seed } = b.rng(`share/${comment}`);
      const [s0, s1] = share(Float64Array.from(values), rng);
      sh.valid(comment, { seed, values: decs(values) }, { share0: decs(s0), share1: decs(s1) }, { flags });
    }
    {
      const values = sampleFieldVector(b.rng('share/uniform-values').rng, 16);
      const { rng, seed } = b.rng('share/uniform');
      const [s0, s1] = share(values, rng);
      sh.valid('16 uniform values', { seed, values: decs(values) }, { share0: decs(s0), share1: decs(s1) });
    }
    for (const bad of [P, 2 ** 53]) {
      const { rng, seed } = b.rng(`share/bad/${bad}`);
      const values = [5, bad];
      sh.invalid(`value ${bad}`, { seed, values: decs(values) }, expectErrorCode(() => share(Float64Array.from(values), rng), 'range'), [
        'OutOfRange',
      ]);
    }
    const ops = b.group('LocalOperationsTest', { p });
    for (const role of [0, 1] as PartyRole[]) {
      const { rng } = b.rng(`ops/${role}`);
      const x = sampleFieldVector(rng, 6);
      x[0] = 0;
      x[1] = P - 1;
      const y = sampleFieldVector(rng, 6);
      y[1] = 1;
      const c = Number(sampleFieldVector(rng, 1)[0]);
      const cs = sampleFieldVector(rng, 6);
      ops.valid(`party ${role}`, { role, x: decs(x), y: decs(y), c: dec(c), cs: decs(cs) }, {
        addShares: decs(addShares(x, y)),
        subShares: decs(subShares(x, y)),
        negShare: decs(negShare(x)),
        scaleShare: decs(scaleShare(x, c)),
        scaleShareVector: decs(scaleShare(x, cs)),
        addPublic: decs(addPublic(role, x, c)),
      });
    }
    {
      const x = Float64Array.from([1, 2]);
      const y = Float64Array.from([3]);
      ops.invalid('y shorter than x', { role: 0, x: decs(x), y: decs(y), c: '1', cs: ['1', '1'] }, expectErrorCode(() => addShares(x, y), 'len'), [
        'LengthMismatch',
      ]);
      ops.invalid('c = p', { role: 0, x: decs(x), y: ['3', '4'], c: dec(P), cs: ['1', '1'] }, expectErrorCode(() => scaleShare(x, P), 'c'), [
        'OutOfRange',
      ]);
      ops.invalid('role 2', { role: 2, x: decs(x), y: ['3', '4'], c: '1', cs: ['1', '1'] }, expectErrorCode(() => addPublic(2 as PartyRole, x, 1), 'role'), [
        'BadRole',
      ]);
    }
    return b.build();
  },
};

const fixedFile: VectorFileGenerator = {
  path: FIXED_PATH,
  spec: fixedSpec,
  async generate(master) {
    const b = new VectorFileBuilder(fixedSpec, FIXED_PATH, master, {
      specSections: ['§7.3'],
      header: ["Delphi's default is f = 8. Negative values v are stored as p − |v|."],
      notes: {
        HalfAwayFromZero: '|x|·2^f is exactly half-way between two integers: it is rounded away from zero (Rust f64::round).',
        Negative: 'A negative x.',
        NegativeZero: 'x = −0, or a negative x that rounds to 0: the encoding is 0, not p.',
        Largest: 'The largest magnitude that encodes: ((p − 1)/2)/2^f.',
        TooLarge: 'x does not fit: |round(x·2^f)| > (p − 1)/2 (±∞ included).',
        NaN: 'x is NaN.',
        BadFractionalBits: 'f outside [0, 39].',
        OutOfRange: 'w is not in [0, p).',
      },
    });
    const p = dec(P);
    const enc = b.group('EncodeFixedTest', { p });
    const max8 = P_HALF / 256;
    const cases: [number, number, string, string[]][] = [
      [0, 8, 'zero', []],
      [1.5, 8, '1.5', []],
      [-2.25, 8, '−2.25', ['Negative']],
      [0.2, 8, "0.2, Delphi's quadratic coefficient: 51/256", []],
      [0.5, 8, '0.5', []],
      [3 / 512, 8, '3/512 = 1.5·2^−8 rounds to 2', ['HalfAwayFromZero']],
      [-3 / 512, 8, '−3/512 rounds to −2', ['HalfAwayFromZero', 'Negative']],
      [1 / 512, 8, '2^−9 rounds to 1', ['HalfAwayFromZero']],
      [-1 / 1024, 8, '−2^−10 rounds to 0', ['NegativeZero', 'Negative']],
      [-0, 8, '−0', ['NegativeZero']],
      [Math.PI, 8, 'π', []],
      [-1e6, 8, '−10^6', ['Negative']],
      [max8, 8, 'the largest encodable value for f = 8', ['Largest']],
      [-max8, 8, 'the most negative', ['Largest', 'Negative']],
      [1234.5678, 0, 'f = 0: plain rounding to an integer', []],
      [1e-9, 39, 'f = 39', []],
      [P_HALF / 2 ** 39, 39, 'the largest value for f = 39', ['Largest']],
    ];
    for (const [x, f, comment, flags] of cases) {
      const e = encodeFixed(x, f);
      enc.valid(comment, { x: real(x), f }, { encoded: dec(e), decoded: real(decodeFixed(e, f)) }, { flags });
    }
    for (const [x, f, comment, flags] of [
      [max8 + 1 / 256, 8, 'one unit beyond the largest', ['TooLarge']],
      [Infinity, 8, '+∞', ['TooLarge']],
      [-Infinity, 8, '−∞', ['TooLarge', 'Negative']],
      [NaN, 8, 'NaN', ['NaN']],
      [1, 40, 'f = 40', ['BadFractionalBits']],
    ] as [number, number, string, string[]][]) {
      enc.invalid(comment, { x: real(x), f }, expectErrorCode(() => encodeFixed(x, f), comment), flags);
    }
    const decg = b.group('DecodeFixedTest', { p });
    for (const [w, f, comment, flags] of [
      [384, 8, '384/256 = 1.5', []],
      [P - 576, 8, 'p − 576 = −2.25', ['Negative']],
      [P_HALF, 8, '(p − 1)/2, the largest positive', ['Largest']],
      [P_HALF + 1, 8, '(p + 1)/2, the most negative', ['Largest', 'Negative']],
      [P - 1, 0, 'p − 1 with f = 0 is −1', ['Negative']],
    ] as [number, number, string, string[]][]) {
      decg.valid(comment, { w: dec(w), f }, { x: real(decodeFixed(w, f)) }, { flags });
    }
    decg.invalid('w = p', { w: dec(P), f: 8 }, expectErrorCode(() => decodeFixed(P, 8), 'w = p'), ['OutOfRange']);
    return b.build();
  },
};

const truncFile: VectorFileGenerator = {
  path: TRUNC_PATH,
  spec: truncSpec,
  async generate(master) {
    const b = new VectorFileBuilder(truncSpec, TRUNC_PATH, master, {
      specSections: ['§7.4'],
      header: [
        'With fresh shares (s0 uniform) the result is ⌊x̃/2^k⌋ or ⌊x̃/2^k⌋ + 1, except with probability |x̃|/p',
        'the shares wrap around p and the result is off by about p/2^k (a failure, §7.4.1).',
      ],
      notes: {
        Carry: 'At least one entry that did not wrap comes out as ⌊x̃/2^k⌋ + 1 (offset 1).',
        Wrap: 'At least one entry fails: its shares wrap around p (s0 < x̃ for x̃ > 0, or s0 ≥ p + x̃ for x̃ < 0).',
        ZeroShare: "Party 1's share is 0, so u = 0.",
        Identity: 'k = 0: truncation is the identity.',
        BadShift: 'k outside [0, 40].',
        OutOfRange: 'A share element is not in [0, p).',
      },
    });
    const g = b.group('TruncateSharesTest', { p: dec(P) });
    const add = (s0: number[], s1: number[], k: number, comment: string, extra: string[] = []) => {
      const a = Float64Array.from(s0);
      const c = Float64Array.from(s1);
      const t0 = truncateShare(0, a, k);
      const t1 = truncateShare(1, c, k);
      const x = reconstruct(a, c);
      const result = reconstruct(t0, t1);
      const plain = truncatePlain(x, k);
      const offset = Array.from(result, (r, i) => signed((r - plain[i] + P) % P));
      const u = Array.from(c, (v) => (v === 0 ? 0 : P - v));
      const wrapped = Array.from(a, (v, i) => (v - u[i] === signed(x[i]) ? 0 : 1));
      const flags = [...extra];
      if (offset.some((o, i) => o === 1 && wrapped[i] === 0)) flags.push('Carry');
      if (wrapped.some((w) => w === 1)) flags.push('Wrap');
      g.valid(comment, { share0: decs(a), share1: decs(c), k }, {
        trunc0: decs(t0),
        trunc1: decs(t1),
        result: decs(result),
        plain: decs(plain),
        offset: decs(offset),
      }, {
        intermediate: { value: decs(Array.from(x, signed)), u: decs(u), wrapped },
        flags,
      });
    };
    for (const k of [8, 16]) {
      const { rng } = b.rng(`trunc/fresh/${k}`);
      const values = encodeFixedVec([1.5 * 256, -2.25 * 256, 100, -100, 0.75, 0, 3000.125, -0.5].map((v) => v));
      const [s0, s1] = share(values, rng);
      add(Array.from(s0), Array.from(s1), k, `fresh shares of fixed-point products (2f = 16 fractional bits), k = ${k}`);
    }
    {
      const { rng } = b.rng('trunc/identity');
      const [s0, s1] = share(encodeFixedVec([1, -1, 2.5]), rng);
      add(Array.from(s0), Array.from(s1), 0, 'k = 0', ['Identity']);
    }
    {
      // x̃ = 1000 with s0 = 5 < x̃: wraps. x̃ = −1000 with s0 = p − 5 ≥ p + x̃: wraps. Third entry: no wrap.
      const s0 = [5, P - 5, 123456789];
      const x = [1000, P - 1000, 4096];
      add(s0, s0.map((s, i) => (x[i] - s + P) % P), 8, 'crafted shares that wrap around p (failures), and one that does not');
    }
    {
      const x = [1 << 20, P - (1 << 20), 255];
      add(x, [0, 0, 0], 8, "party 1 holds 0: party 0's share is the value itself", ['ZeroShare']);
    }
    {
      const { rng } = b.rng('trunc/40');
      const [s0, s1] = share(Float64Array.from([2 ** 39, P - 2 ** 39, 2 ** 40 - 1]), rng);
      add(Array.from(s0), Array.from(s1), 40, 'k = 40, the largest shift');
    }
    const s = Float64Array.from([1, 2]);
    g.invalid('k = 41', { share0: decs(s), share1: decs(s), k: 41 }, expectErrorCode(() => truncateShare(0, s, 41), 'k'), ['BadShift']);
    const bad = Float64Array.from([1, P]);
    g.invalid('a share element equal to p', { share0: decs(s), share1: decs(bad), k: 8 }, expectErrorCode(() => truncateShare(1, bad, 8), 'p'), [
      'OutOfRange',
    ]);
    return b.build();
  },
};

/** The `sharing` family: vectors/sharing/*. Spec: §12.5.3 */
export const sharingFamily: VectorFamily = {
  name: 'sharing',
  description: 'additive sharing, local operations, fixed point, local truncation (§7.1–§7.4)',
  files: [additiveFile, fixedFile, truncFile],
};
