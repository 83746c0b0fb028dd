/**
 * vectors/bfv/parameters.v1.json: parameter validation, the modulus chain and parms_id of each
 * level, SEAL's modulus helpers (§4.1, §4.2, §4.11).
 *
 * Spec: §12.5.6
 * @module
 */
import { batchingPlainModulus, bfvDefaultCoeffModulus, createBfvContext, createBfvParameters, createCoeffModulus, type BfvParameterOptions } from '../../../bfv/index.js';
import { P } from '../../../math/index.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { dec, decs } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { DELPHI_SET, SETS } from './shared.js';

const paramSpec: AlgorithmSpec = {
  algorithm: 'BfvParameters',
  description: 'Parameter validation (§4.1), the modulus chain and parms_id of each level (§4.2, §4.11), SEAL\'s modulus helpers.',
  groups: [
    {
      type: 'BfvParametersTest',
      description: 'createBfvParameters and createBfvContext: the levels of the chain with Q, Δ = ⌊Q/t⌋ and parms_id.',
      params: {},
      input: {
        n: F.size(),
        coeffModulus: F.ints(),
        plainModulus: F.int(),
        insecure: F.boolean(),
        'securityLevel?': F.size('128, 192 or 256 (default 128)'),
      },
      output: {
        coeffModulusBits: F.size(),
        batching: F.boolean(),
        levels: F.array(
          F.object({ k: F.size(), Q: F.int(), delta: F.int('⌊Q/t⌋'), parmsId: F.hex('SEAL 4.1 parms_id of this level', 32) }),
          'key level first, then the data levels down to the last one',
        ),
        psi: F.ints('the minimal primitive 2n-th root of unity modulo each prime'),
      },
    },
    {
      type: 'CoeffModulusTest',
      description: "SEAL's CoeffModulus::Create, CoeffModulus::BFVDefault and PlainModulus::Batching.",
      params: {},
      input: { function: F.enum(['createCoeffModulus', 'bfvDefaultCoeffModulus', 'batchingPlainModulus']), n: F.size(), bitSizes: F.sizes() },
      output: { primes: F.ints() },
    },
  ],
};

const PARAMS_PATH = 'bfv/parameters.v1.json';

export const paramsFile: VectorFileGenerator = {
  path: PARAMS_PATH,
  spec: paramSpec,
  async generate(master) {
    const b = new VectorFileBuilder(paramSpec, PARAMS_PATH, master, {
      specSections: ['§4.1', '§4.2', '§4.11'],
      header: ['parms_id values are those SEAL 4.1 computes (checked against node-seal by the consumer test).'],
      notes: {
        Delphi: "Delphi's parameter set.",
        SealDefault: "SEAL's BFVDefault coefficient modulus.",
        WidePrimes: 'Some prime is ≥ 2^30 (the wide code path).',
        Insecure: 'Accepted only with insecure = true.',
        InsecureRejected: 'Valid but below the security standard, without insecure: InsecureParametersError.',
        NotNttPrime: 'A coefficient prime that is not ≡ 1 (mod 2n).',
        BadDegree: 'n is not a power of two in [2, 32768].',
        PlainTooLarge: 't is not below the data-level modulus.',
        NotCoprime: 't shares a factor with a coefficient prime.',
        Duplicate: 'A coefficient prime listed twice.',
      },
    });
    const g = b.group('BfvParametersTest', {});
    const valid: [BfvParameterOptions, string, string[]][] = [
      ...SETS.map((s) => [
        { polyModulusDegree: s.n, coeffModulus: s.coeffModulus, plainModulus: s.t, insecure: true },
        `the "${s.name}" set of these vectors: ${s.description}`,
        ['Insecure', ...(s.name === 'wide' ? ['WidePrimes'] : [])],
      ] as [BfvParameterOptions, string, string[]]),
      [
        { polyModulusDegree: 8192, coeffModulus: DELPHI_SET.coeffModulus, plainModulus: P },
        DELPHI_SET.description,
        ['Delphi'],
      ],
      [
        { polyModulusDegree: 4096, coeffModulus: bfvDefaultCoeffModulus(4096), plainModulus: batchingPlainModulus(4096, 20) },
        'n = 4096, BFVDefault, t = PlainModulus::Batching(4096, 20)',
        ['SealDefault', 'WidePrimes'],
      ],
      [
        { polyModulusDegree: 8192, coeffModulus: bfvDefaultCoeffModulus(8192, 192), plainModulus: P, securityLevel: 192 },
        'n = 8192, BFVDefault at 192-bit security, t = p',
        ['SealDefault', 'WidePrimes'],
      ],
    ];
    for (const [opts, comment, flags] of valid) {
      const ctx = createBfvContext(createBfvParameters(opts));
      const levels = ctx.levels.filter((l) => l !== undefined).reverse();
      g.valid(comment, {
        n: opts.polyModulusDegree,
        coeffModulus: decs(opts.coeffModulus),
        plainModulus: dec(opts.plainModulus),
        insecure: opts.insecure === true,
        ...(opts.securityLevel ? { securityLevel: opts.securityLevel } : {}),
      }, {
        coeffModulusBits: ctx.params.coeffModulusBits,
        batching: ctx.params.batching,
        levels: levels.map((l) => ({ k: l!.k, Q: dec(l!.Q), delta: dec(l!.Q / BigInt(ctx.t)), parmsId: l!.parmsIdHex })),
        psi: ctx.nttTables.map((t) => dec(t.psi)),
      }, { flags });
    }
    const q16 = createCoeffModulus(16, [30, 30]);
    const invalid: [BfvParameterOptions, string, string[]][] = [
      [{ polyModulusDegree: 1024, coeffModulus: createCoeffModulus(1024, [27]), plainModulus: 257 }, 'n = 1024 without insecure', ['InsecureRejected']],
      [
        { polyModulusDegree: 2048, coeffModulus: createCoeffModulus(2048, [30, 30]), plainModulus: 257 },
        'n = 2048 with 60 bits of modulus (the standard allows 54)',
        ['InsecureRejected'],
      ],
      [{ polyModulusDegree: 16, coeffModulus: [q16[0], 1000003], plainModulus: 97, insecure: true }, '1000003 is not ≡ 1 mod 32', ['NotNttPrime']],
      [{ polyModulusDegree: 24, coeffModulus: q16, plainModulus: 97, insecure: true }, 'n = 24', ['BadDegree']],
      [{ polyModulusDegree: 16, coeffModulus: q16, plainModulus: q16[0] + 2, insecure: true }, 't ≥ q_0, the data-level modulus', ['PlainTooLarge']],
      [{ polyModulusDegree: 16, coeffModulus: q16, plainModulus: q16[1], insecure: true }, 't equals the special prime', ['NotCoprime']],
      [{ polyModulusDegree: 16, coeffModulus: [q16[0], q16[0], q16[1]], plainModulus: 97, insecure: true }, 'a repeated prime', ['Duplicate']],
    ];
    for (const [opts, comment, flags] of invalid) {
      const code = expectErrorCode(() => createBfvParameters(opts), comment);
      g.invalid(comment, {
        n: opts.polyModulusDegree,
        coeffModulus: decs(opts.coeffModulus),
        plainModulus: dec(opts.plainModulus),
        insecure: opts.insecure === true,
      }, code, flags);
    }
    const cm = b.group('CoeffModulusTest', {});
    for (const [fn, n, bitSizes, comment] of [
      ['createCoeffModulus', 4096, [30, 30, 30], 'Create(4096, {30, 30, 30}): equal sizes take primes in increasing order'],
      ['createCoeffModulus', 8192, [30, 30, 30, 30, 30, 30, 30], "Delphi's coefficient modulus"],
      ['createCoeffModulus', 32, [30, 40, 30, 40], 'mixed sizes: each position takes the smallest remaining prime of its size'],
      ['bfvDefaultCoeffModulus', 4096, [128], 'BFVDefault(4096, 128-bit)'],
      ['bfvDefaultCoeffModulus', 8192, [192], 'BFVDefault(8192, 192-bit)'],
      ['batchingPlainModulus', 8192, [20], 'Batching(8192, 20)'],
      ['batchingPlainModulus', 16, [7], 'Batching(16, 7) = 97'],
    ] as ['createCoeffModulus' | 'bfvDefaultCoeffModulus' | 'batchingPlainModulus', number, number[], string][]) {
      const primes =
        fn === 'createCoeffModulus'
          ? createCoeffModulus(n, bitSizes)
          : fn === 'bfvDefaultCoeffModulus'
            ? bfvDefaultCoeffModulus(n, bitSizes[0] as 128 | 192 | 256)
            : [batchingPlainModulus(n, bitSizes[0])];
      cm.valid(comment, { function: fn, n, bitSizes }, { primes: decs(primes) });
    }
    return b.build();
  },
};
