/**
 * Vectors of §4: BFV parameters and levels, seeded key generation and encryption with every sampled
 * polynomial (s, a, e, u, e_0, e_1) and the ciphertext before and after the division by the extra
 * prime, decryption with its noise, batch encoding, homomorphic operations (plaintext products,
 * ciphertext products with relinearization, rotations, flooding), and SEAL 4.1 serialization with
 * malformed inputs. Small insecure rings (n = 16, 32) keep the files readable; Delphi's real
 * parameter set (n = 8192) appears with digests.
 *
 * Spec: §12.5.6
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { batchDecode, batchEncode, batchingPlainModulus, bfvAdd, bfvAddPlain, bfvDecrypt, bfvDefaultCoeffModulus, bfvEncrypt, bfvEncryptSymmetric, bfvModSwitchToNext, bfvMultiply, bfvMultiplyPlain, bfvNegate, bfvRelinearize, bfvRotateColumns, bfvRotateRows, bfvSub, bfvSubPlain, computeParmsId, createBfvContext, createBfvParameters, createCoeffModulus, deserializeCiphertext, deserializeGaloisKeys, deserializePlaintext, deserializePublicKey, deserializeRelinKeys, deserializeSecretKey, floodNoise, galoisEltFromStep, generateGaloisKeys, generatePublicKey, generateRelinKeys, generateSecretKey, invariantNoiseBudget, serializeCiphertext, serializeGaloisKeys, serializePlaintext, serializePublicKey, serializeRelinKeys, serializeSecretKey, type BfvContext, type BfvParameterOptions, type Ciphertext, type GaloisKeys, type Plaintext, type PublicKey, type RelinKeys, type SecretKey } from '../../bfv/index.js';
import { bfvMultiplyReference } from '../../bfv/multiply.js';
import { ciphertextFromNtt, ciphertextToNtt } from '../../bfv/evaluator.js';
import { dotWithSecretKey } from '../../bfv/encrypt.js';
import { noisePolynomial } from '../../bfv/noise.js';
import { refDeltaM, refDivideRound, refPolyFromRns } from '../../bfv/bfv-reference.js';
import { sampleNoiseCoefficients, sampleTernaryCoefficients, sampleUniformRns } from '../../bfv/sampling.js';
import { secretKeyCoefficients } from '../../bfv/keys.js';
import { slotIndexMap } from '../../bfv/context.js';
import { negacyclicMultiplyRef, P } from '../../math/index.js';
import { fromSeed, uniformBelow, type Rng } from '../../random/index.js';
import { expectErrorCode, VectorFileBuilder } from '../builder.js';
import { dec, decRows, decs, hex } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec, type FieldType } from '../fields.js';
import type { JsonObject } from '../format.js';
import { hexToBytes } from '../../math/bytes.js';

/** A parameter set of the vectors. */
interface ParamSet {
  readonly name: string;
  readonly n: number;
  readonly coeffModulus: readonly number[];
  readonly t: number;
  readonly description: string;
}

const SETS: readonly ParamSet[] = [
  {
    name: 'toy',
    n: 16,
    coeffModulus: createCoeffModulus(16, [30, 30, 30]),
    t: 97,
    description: 'n = 16, CoeffModulus::Create(16, {30, 30, 30}), t = 97 (batching): small enough to read',
  },
  {
    name: 'delphi-small',
    n: 32,
    coeffModulus: createCoeffModulus(32, [30, 30, 30, 30, 30]),
    t: P,
    description: "n = 32, Create(32, 5 × 30 bits), t = p = 2061584302081: Delphi's plaintext modulus in a small ring",
  },
  {
    name: 'wide',
    n: 32,
    coeffModulus: bfvDefaultCoeffModulus(4096),
    t: 65537,
    description: "n = 32 with the primes of SEAL's BFVDefault(4096) (36, 36, 37 bits: the wide path), t = 65537",
  },
];

const DELPHI_SET: ParamSet = {
  name: 'delphi',
  n: 8192,
  coeffModulus: createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]),
  t: P,
  description: "Delphi's parameters: n = 8192, Create(8192, 7 × 30 bits), t = p (128-bit secure)",
};

function contextOf(set: ParamSet): BfvContext {
  return createBfvContext(
    createBfvParameters({ polyModulusDegree: set.n, coeffModulus: set.coeffModulus, plainModulus: set.t, insecure: set.n < 2048 }),
  );
}

const paramsFields = {
  name: F.string(),
  n: F.size(),
  coeffModulus: F.ints('q_0 … q_L; the last one is the special prime'),
  plainModulus: F.int(),
  insecure: F.boolean('true: below the security standard, for vectors only'),
};

function paramsJson(set: ParamSet): JsonObject {
  return { name: set.name, n: set.n, coeffModulus: decs(set.coeffModulus), plainModulus: dec(set.t), insecure: set.n < 2048 };
}

const ctField: FieldType = F.object(
  {
    level: F.size('number of primes k of the ciphertext\'s level'),
    ntt: F.boolean('whether the residues are NTT values'),
    polys: F.array(F.intRows(), 'c_0, c_1, …: each k rows of n residues, row i modulo q_i'),
  },
  'a ciphertext in RNS form',
);

const pkField: FieldType = F.object({ c0: F.intRows(), c1: F.intRows() }, 'a public key: NTT form, key level');

function ctJson(ctx: BfvContext, ct: Ciphertext): JsonObject {
  return { level: ct.coeffModulusSize, ntt: ct.isNttForm, polys: ct.polys.map((p) => decRows(p, ct.coeffModulusSize)) };
}

function pkJson(ctx: BfvContext, pk: PublicKey): JsonObject {
  const K = ctx.primes.length;
  return { c0: decRows(pk.ciphertext.polys[0], K), c1: decRows(pk.ciphertext.polys[1], K) };
}

/** Residues of BigInt coefficients modulo the first k primes, as rows. */
function rowsOf(ctx: BfvContext, coeffs: readonly bigint[], k: number): string[][] {
  return ctx.primes.slice(0, k).map((q) => coeffs.map((c) => dec(((c % BigInt(q)) + BigInt(q)) % BigInt(q))));
}

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

const encSpec: AlgorithmSpec = {
  algorithm: 'BfvEncryption',
  description:
    'Seeded key generation, public- and secret-key encryption and decryption (§4.3–§4.5). Keys for a keySeed: ' +
    'rng = fromSeed(keySeed); sk = generateSecretKey(rng); pk = generatePublicKey(sk, rng).',
  groups: [
    {
      type: 'BfvKeyGenerationTest',
      description: 'sk = generateSecretKey(rng), then pk = generatePublicKey(sk, rng), rng = fromSeed(seed).',
      params: paramsFields,
      input: { seed: F.hex(undefined, 32) },
      intermediate: {
        s: F.ints('the ternary secret (n draws of sampleTernary)'),
        a: F.intRows('uniform residues over all primes, taken as NTT values'),
        e: F.ints('the public-key error (centered binomial, η = 21)'),
      },
      output: {
        secretKey: F.intRows('s in NTT form over all primes'),
        publicKey: pkField,
        secretKeySeal: F.hex('SEAL 4.1 SecretKey, uncompressed'),
        publicKeySeal: F.hex('SEAL 4.1 PublicKey'),
      },
    },
    {
      type: 'BfvEncryptTest',
      description:
        'bfvEncrypt(pk, m, fromSeed(seed)): u, e_0, e_1 drawn in that order at level k + 1; c_j = u·pk_j + e_j, divided by q_k with ' +
        "SEAL's rounding, c_0 += Δ·m.",
      params: { ...paramsFields, publicKeySeal: F.hex(), secretKeySeal: F.hex('for the decryption check') },
      input: { seed: F.hex(undefined, 32), plaintext: F.ints() },
      intermediate: {
        u: F.ints(),
        e0: F.ints(),
        e1: F.ints(),
        c0Extended: F.intRows('u·pk_0 + e_0 modulo q_0 … q_k, coefficient form'),
        c1Extended: F.intRows(),
        deltaM: F.ints('round(Q·m_j/t), ties up'),
      },
      output: { ciphertext: ctField, ciphertextSeal: F.hex(), decrypted: F.ints(), noiseBudget: F.size() },
    },
    {
      type: 'BfvEncryptSymmetricTest',
      description: 'bfvEncryptSymmetric(sk, m, fromSeed(seed)): a (uniform, as NTT values) then e at level k + 1.',
      params: { ...paramsFields, secretKeySeal: F.hex() },
      input: { seed: F.hex(undefined, 32), plaintext: F.ints() },
      intermediate: { a: F.intRows('NTT values modulo q_0 … q_k'), e: F.ints() },
      output: { ciphertext: ctField, ciphertextSeal: F.hex(), decrypted: F.ints() },
    },
    {
      type: 'BfvDecryptTest',
      description: 'bfvDecrypt: x = c_0 + c_1·s + … mod Q, m = round(t·x/Q) mod t; the noise v = x − round(Q·m/t) (centered).',
      params: { ...paramsFields, secretKeySeal: F.hex() },
      input: { ciphertext: ctField },
      intermediate: { x: F.ints('in [0, Q)'), noise: F.ints('centered') },
      output: { plaintext: F.ints(), noiseBudget: F.size() },
    },
    {
      type: 'BfvDigestTest',
      description:
        "Delphi's parameters (n = 8192): keys from keySeed, bfvEncrypt of batchEncode(slots) with seed; SHA-256 of the SEAL objects.",
      params: paramsFields,
      input: { keySeed: F.hex(undefined, 32), seed: F.hex(undefined, 32), slots: F.ints('the first slots (the rest are 0)') },
      intermediate: { secretKeyHead: F.ints('the first 16 coefficients of s') },
      output: {
        secretKeySha256: F.hex(undefined, 32),
        publicKeySha256: F.hex(undefined, 32),
        ciphertextSha256: F.hex(undefined, 32),
        decryptedSlots: F.ints('the first slots of the decryption'),
        noiseBudget: F.size(),
      },
    },
  ],
};

const batchSpec: AlgorithmSpec = {
  algorithm: 'BfvBatchEncoding',
  description: "SEAL's batch encoder (§4.6): slots as a 2 × n/2 matrix, slot i at NTT position slotIndexMap[i], inverse NTT mod t.",
  groups: [
    {
      type: 'BatchEncodeTest',
      description: 'batchEncode(values) and batchDecode of the result.',
      params: { ...paramsFields, slotIndexMap: F.sizes() },
      input: { values: F.ints('slot values in (−t, t); fewer than n means the rest are 0') },
      output: { plaintext: F.ints('coefficients in [0, t)'), decoded: F.ints() },
    },
  ],
};

const evalSpec: AlgorithmSpec = {
  algorithm: 'BfvEvaluation',
  description: 'Homomorphic operations (§4.7–§4.9) on ciphertexts given in RNS form; results and their decryption.',
  groups: [
    {
      type: 'BfvOperationTest',
      description: 'One deterministic operation; results equal SEAL\'s bit for bit.',
      params: { ...paramsFields, secretKeySeal: F.hex('for the decryption check') },
      input: {
        operation: F.enum(['add', 'sub', 'negate', 'addPlain', 'subPlain', 'multiplyPlain', 'modSwitchToNext', 'toNtt', 'fromNtt']),
        a: ctField,
        'b?': ctField,
        'plaintext?': F.ints(),
      },
      output: { result: ctField, decrypted: F.ints('plaintext coefficients (of the coefficient form for toNtt)') },
    },
    {
      type: 'BfvMultiplyTest',
      description:
        'bfvMultiply(a, b) (size 3) and bfvRelinearize with the relinearization keys. The product is the exact ' +
        'round(t·d/Q) of §4.7; HPS may differ from it by ±1 in rare coefficients (it does not here).',
      params: { ...paramsFields, secretKeySeal: F.hex(), relinKeysSeal: F.hex() },
      input: { a: ctField, b: ctField },
      output: { product: ctField, relinearized: ctField, decrypted: F.ints() },
    },
    {
      type: 'BfvRotateTest',
      description: 'bfvRotateRows(steps) or bfvRotateColumns with the Galois keys (SEAL\'s key switching).',
      params: { ...paramsFields, secretKeySeal: F.hex(), galoisKeysSeal: F.hex() },
      input: {
        operation: F.enum(['rotateRows', 'rotateColumns']),
        steps: F.integer(),
        a: ctField,
      },
      output: { result: ctField, decryptedSlots: F.ints() },
    },
    {
      type: 'BfvKeySwitchKeysTest',
      description: 'generateRelinKeys / generateGaloisKeys(steps) from fromSeed(seed), the secret key being that of keySeed.',
      params: paramsFields,
      input: { keySeed: F.hex(undefined, 32), seed: F.hex(undefined, 32), kind: F.enum(['relin', 'galois']), steps: F.array(F.integer()) },
      output: {
        galoisElements: F.sizes('the elements keyed, in generation order (empty for relinearization keys)'),
        keys: F.array(F.array(pkField), 'per key: one (c0, c1) per data prime'),
        seal: F.hex(),
      },
    },
    {
      type: 'BfvFloodTest',
      description: 'floodNoise(pk, ct, fromSeed(seed), {noiseBits, lambda}): adds E (§4.9 step 3) and a fresh Enc(0).',
      params: { ...paramsFields, publicKeySeal: F.hex(), secretKeySeal: F.hex() },
      input: {
        seed: F.hex(undefined, 32),
        noiseBits: F.size(),
        lambda: F.size(),
        a: ctField,
      },
      output: { result: ctField, decrypted: F.ints() },
    },
  ],
};

const serialSpec: AlgorithmSpec = {
  algorithm: 'SealSerialization',
  description: 'SEAL 4.1 binary objects (§4.10): deserialization, canonical re-serialization, and malformed inputs.',
  groups: [
    {
      type: 'SealObjectTest',
      description: 'deserialize<kind>(bytes) then serialize: the same bytes.',
      params: paramsFields,
      input: { kind: F.enum(['ciphertext', 'plaintext', 'secretKey', 'publicKey', 'relinKeys', 'galoisKeys']), bytes: F.hex() },
      output: { reserialized: F.hex() },
    },
    {
      type: 'ParmsIdTest',
      description: 'computeParmsId(n, primes, t): BLAKE2b-256 of the u64 words [1, n, primes…, t], little-endian.',
      params: {},
      input: { n: F.size(), primes: F.ints(), plainModulus: F.int() },
      output: { parmsId: F.hex(undefined, 32) },
    },
  ],
};

interface Keys {
  sk: SecretKey;
  pk: PublicKey;
  skSeal: string;
  pkSeal: string;
}

function keysFor(ctx: BfvContext, seed: Uint8Array): Keys {
  const rng = fromSeed(seed);
  const sk = generateSecretKey(ctx, rng);
  const pk = generatePublicKey(ctx, sk, rng);
  return { sk, pk, skSeal: hex(serializeSecretKey(ctx, sk)), pkSeal: hex(serializePublicKey(ctx, pk)) };
}

function randomSlots(rng: Rng, count: number, t: number): number[] {
  return Array.from({ length: count }, () => uniformBelow(rng, t));
}

/** Plaintext coefficients as n decimal strings (missing high coefficients are 0). */
function plainJson(ctx: BfvContext, pt: Plaintext): string[] {
  return Array.from({ length: ctx.n }, (_, j) => dec(j < pt.coeffs.length ? pt.coeffs[j] : 0));
}

const PARAMS_PATH = 'bfv/parameters.v1.json';
const ENC_PATH = 'bfv/encryption.v1.json';
const BATCH_PATH = 'bfv/batching.v1.json';
const EVAL_PATH = 'bfv/evaluation.v1.json';
const SERIAL_PATH = 'bfv/serialization.v1.json';

const paramsFile: VectorFileGenerator = {
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

const encFile: VectorFileGenerator = {
  path: ENC_PATH,
  spec: encSpec,
  async generate(master) {
    const b = new VectorFileBuilder(encSpec, ENC_PATH, master, {
      specSections: ['§2.2', '§4.3', '§4.4', '§4.5', '§4.9', '§4.10'],
      header: [
        'RNS polynomials are listed prime by prime (row i modulo q_i, coefficients 0 … n−1, or NTT values in the',
        'bit-reversed order of §3.4). SEAL objects are uncompressed SEAL 4.1 serializations (§4.10).',
        "Ciphertexts are at the first data level (all primes but the special one) unless a test says otherwise.",
      ],
      notes: {
        Delphi: "Delphi's parameter set (n = 8192, t = p).",
        WidePrimes: 'Primes ≥ 2^30 (the wide code path).',
        ZeroPlaintext: 'An encryption of 0.',
        LowerLevel: 'A ciphertext below the first data level.',
        PlaintextOutOfRange: 'A plaintext coefficient ≥ t.',
        TooManyCoefficients: 'A plaintext with more than n coefficients.',
        NttForm: 'A ciphertext in NTT form, which BFV decryption refuses.',
      },
    });
    for (const set of SETS) {
      const ctx = contextOf(set);
      const flags = set.name === 'wide' ? ['WidePrimes'] : [];
      const K = ctx.primes.length;
      const params = paramsJson(set);
      const kg = b.group('BfvKeyGenerationTest', params);
      const keySeed = b.seed(`${set.name}/keys`);
      const keys = keysFor(ctx, keySeed);
      {
        const rng = fromSeed(keySeed);
        const s = sampleTernaryCoefficients(rng, ctx.n);
        const a = sampleUniformRns(ctx, rng, K);
        const e = sampleNoiseCoefficients(rng, ctx.n);
        if (decs(secretKeyCoefficients(ctx, keys.sk)).join() !== decs(s).join()) throw new Error('secret key replay disagrees');
        kg.valid(`keys of the "${set.name}" set`, { seed: hex(keySeed) }, {
          secretKey: decRows(keys.sk.poly, K),
          publicKey: pkJson(ctx, keys.pk),
          secretKeySeal: keys.skSeal,
          publicKeySeal: keys.pkSeal,
        }, { intermediate: { s: decs(s), a: decRows(a, K), e: decs(e) }, flags });
      }
      const eg = b.group('BfvEncryptTest', { ...params, publicKeySeal: keys.pkSeal, secretKeySeal: keys.skSeal });
      const sg = b.group('BfvEncryptSymmetricTest', { ...params, secretKeySeal: keys.skSeal });
      const dg = b.group('BfvDecryptTest', { ...params, secretKeySeal: keys.skSeal });
      const plainRng = b.rng(`${set.name}/plaintexts`).rng;
      const plaintexts: [Plaintext, string, string[]][] = [
        [batchEncode(ctx, randomSlots(plainRng, ctx.n, ctx.t)), 'a batch-encoded uniform plaintext', []],
        [{ coeffs: new Float64Array(0) }, 'the zero plaintext (no coefficients)', ['ZeroPlaintext']],
      ];
      const k = ctx.firstLevel.k;
      const levelsToTry = ctx.lastLevel.k < k ? [k, k - 1] : [k];
      for (const [pt, what, f] of plaintexts) {
        for (const level of pt.coeffs.length === 0 ? [k] : levelsToTry) {
          const { rng, seed } = b.rng(`${set.name}/encrypt/${what}/${level}`);
          const ct = bfvEncrypt(ctx, keys.pk, pt, rng, { level });
          // Intermediates from the spec (§4.4), in BigInt: the draws, the products one level up, Δm.
          const r2 = fromSeed(b.seed(`${set.name}/encrypt/${what}/${level}`));
          const kk = level + 1;
          const u = sampleTernaryCoefficients(r2, ctx.n);
          const e0 = sampleNoiseCoefficients(r2, ctx.n);
          const e1 = sampleNoiseCoefficients(r2, ctx.n);
          const Qkk = ctx.primes.slice(0, kk).reduce((acc, q) => acc * BigInt(q), 1n);
          const uBig = Array.from(u, BigInt);
          const ext = [0, 1].map((j) => {
            const pkj = refPolyFromRns(ctx, keys.pk.ciphertext.polys[j], kk, true);
            const prod = negacyclicMultiplyRef(pkj, uBig.map((x) => ((x % Qkk) + Qkk) % Qkk), Qkk);
            const e = j === 0 ? e0 : e1;
            return prod.map((c, i) => (((c + BigInt(e[i])) % Qkk) + Qkk) % Qkk);
          });
          const Qk = ctx.level(level).Q;
          const pq = BigInt(ctx.primes[level]);
          const coeff = (j: number) => (j < pt.coeffs.length ? BigInt(pt.coeffs[j]) : 0n);
          const deltaM = Array.from({ length: ctx.n }, (_, j) => refDeltaM(Qk, BigInt(ctx.t), coeff(j)));
          const expected0 = ext[0].map((c, j) => (refDivideRound(c, pq, Qk) + deltaM[j]) % Qk);
          const got0 = refPolyFromRns(ctx, ct.polys[0], level, false);
          if (expected0.join() !== got0.join()) throw new Error('encryption intermediates do not reproduce c_0');
          const decrypted = bfvDecrypt(ctx, keys.sk, ct);
          eg.valid(`${set.name}: ${what}${level < k ? `, level ${level}` : ''}`, {
            seed,
            plaintext: plainJson(ctx, pt),
          }, {
            ciphertext: ctJson(ctx, ct),
            ciphertextSeal: hex(serializeCiphertext(ctx, ct)),
            decrypted: plainJson(ctx, decrypted),
            noiseBudget: invariantNoiseBudget(ctx, keys.sk, ct),
          }, {
            intermediate: {
              u: decs(u), e0: decs(e0), e1: decs(e1), c0Extended: rowsOf(ctx, ext[0], kk), c1Extended: rowsOf(ctx, ext[1], kk), deltaM: decs(deltaM),
            },
            flags: [...flags, ...f, ...(level < k ? ['LowerLevel'] : [])],
          });
          if (level === k && f.length === 0) {
            dg.valid(`${set.name}: the ciphertext of the encryption test above`, { ciphertext: ctJson(ctx, ct) }, {
              plaintext: plainJson(ctx, decrypted),
              noiseBudget: invariantNoiseBudget(ctx, keys.sk, ct),
            }, {
              intermediate: {
                x: decs(refPolyFromRns(ctx, dotWithSecretKey(ctx, keys.sk, ct), level, false)),
                noise: decs(noisePolynomial(ctx, keys.sk, ct)),
              },
              flags,
            });
            const nttCt = ciphertextToNtt(ctx, ct);
            dg.invalid(`${set.name}: the same ciphertext in NTT form`, { ciphertext: ctJson(ctx, nttCt) }, expectErrorCode(
              () => bfvDecrypt(ctx, keys.sk, nttCt),
              'ntt',
            ), [...flags, 'NttForm']);
          }
        }
        {
          const { rng, seed } = b.rng(`${set.name}/symmetric/${what}`);
          const ct = bfvEncryptSymmetric(ctx, keys.sk, pt, rng);
          const r2 = fromSeed(b.seed(`${set.name}/symmetric/${what}`));
          const a = sampleUniformRns(ctx, r2, k + 1);
          const e = sampleNoiseCoefficients(r2, ctx.n);
          sg.valid(`${set.name}: ${what}`, { seed, plaintext: plainJson(ctx, pt) }, {
            ciphertext: ctJson(ctx, ct),
            ciphertextSeal: hex(serializeCiphertext(ctx, ct)),
            decrypted: plainJson(ctx, bfvDecrypt(ctx, keys.sk, ct)),
          }, { intermediate: { a: decRows(a, k + 1), e: decs(e) }, flags: [...flags, ...f] });
        }
      }
      {
        const { rng, seed } = b.rng(`${set.name}/encrypt/bad`);
        const bad = { coeffs: Float64Array.from({ length: ctx.n }, (_, j) => (j === 3 ? ctx.t : 1)) };
        eg.invalid(`${set.name}: coefficient 3 equals t`, { seed, plaintext: plainJson(ctx, bad) },
          expectErrorCode(() => bfvEncrypt(ctx, keys.pk, bad, rng), 'range'), [...flags, 'PlaintextOutOfRange']);
        const long = { coeffs: new Float64Array(ctx.n + 1) };
        eg.invalid(`${set.name}: n + 1 coefficients`, { seed, plaintext: decs(long.coeffs) },
          expectErrorCode(() => bfvEncrypt(ctx, keys.pk, long, rng), 'long'), [...flags, 'TooManyCoefficients']);
      }
    }
    {
      const ctx = contextOf(DELPHI_SET);
      const g = b.group('BfvDigestTest', paramsJson(DELPHI_SET));
      const keySeed = b.seed('delphi/keys');
      const keys = keysFor(ctx, keySeed);
      const { rng, seed } = b.rng('delphi/encrypt');
      const slots = randomSlots(b.rng('delphi/slots').rng, 16, ctx.t);
      const ct = bfvEncrypt(ctx, keys.pk, batchEncode(ctx, slots), rng);
      const digest = (h: string) => hex(sha256(hexToBytes(h)));
      g.valid("keys and one encryption with Delphi's parameters", { keySeed: hex(keySeed), seed, slots: decs(slots) }, {
        secretKeySha256: digest(keys.skSeal),
        publicKeySha256: digest(keys.pkSeal),
        ciphertextSha256: hex(sha256(serializeCiphertext(ctx, ct))),
        decryptedSlots: decs(batchDecode(ctx, bfvDecrypt(ctx, keys.sk, ct)).subarray(0, 16)),
        noiseBudget: invariantNoiseBudget(ctx, keys.sk, ct),
      }, { intermediate: { secretKeyHead: decs(secretKeyCoefficients(ctx, keys.sk).subarray(0, 16)) }, flags: ['Delphi'] });
    }
    return b.build();
  },
};

const batchFile: VectorFileGenerator = {
  path: BATCH_PATH,
  spec: batchSpec,
  async generate(master) {
    const b = new VectorFileBuilder(batchSpec, BATCH_PATH, master, {
      specSections: ['§4.6'],
      header: ['Slot i of row 0 is m(ζ^(3^i)), slot i of row 1 is m(ζ^(−3^i)), ζ the minimal primitive 2n-th root of unity mod t.'],
      notes: {
        Negative: 'Negative slot values (v stands for t + v).',
        Partial: 'Fewer than n values.',
        OutOfRange: 'A value ≤ −t or ≥ t.',
        TooMany: 'More than n values.',
        NoBatching: 't is not ≡ 1 (mod 2n): batching is unavailable.',
      },
    });
    for (const set of SETS.slice(0, 2)) {
      const ctx = contextOf(set);
      const g = b.group('BatchEncodeTest', { ...paramsJson(set), slotIndexMap: Array.from(slotIndexMap(ctx.n)) });
      const rng = b.rng(`batch/${set.name}`).rng;
      const cases: [number[], string, string[]][] = [
        [Array.from({ length: ctx.n }, (_, i) => i + 1), 'slots 1, 2, …, n', []],
        [[1], 'one slot set to 1', ['Partial']],
        [randomSlots(rng, ctx.n, ctx.t), 'uniform slots', []],
        [[-1, -2, 3, -(ctx.t - 1)], 'negative values', ['Negative', 'Partial']],
      ];
      for (const [values, comment, flags] of cases) {
        const pt = batchEncode(ctx, values);
        g.valid(`${set.name}: ${comment}`, { values: decs(values) }, { plaintext: plainJson(ctx, pt), decoded: decs(batchDecode(ctx, pt)) }, { flags });
      }
      const bad = [0, ctx.t];
      g.invalid(`${set.name}: a value equal to t`, { values: decs(bad) }, expectErrorCode(() => batchEncode(ctx, bad), 't'), ['OutOfRange']);
      const many = new Array<number>(ctx.n + 1).fill(0);
      g.invalid(`${set.name}: n + 1 values`, { values: decs(many) }, expectErrorCode(() => batchEncode(ctx, many), 'many'), ['TooMany']);
    }
    {
      const set: ParamSet = { name: 'no-batching', n: 16, coeffModulus: SETS[0].coeffModulus, t: 256, description: 't = 256' };
      const ctx = contextOf(set);
      const g = b.group('BatchEncodeTest', { ...paramsJson(set), slotIndexMap: Array.from(slotIndexMap(ctx.n)) });
      g.invalid('t = 256 has no batching', { values: ['1'] }, expectErrorCode(() => batchEncode(ctx, [1]), 'batching'), ['NoBatching']);
    }
    return b.build();
  },
};

const evalFile: VectorFileGenerator = {
  path: EVAL_PATH,
  spec: evalSpec,
  async generate(master) {
    const b = new VectorFileBuilder(evalSpec, EVAL_PATH, master, {
      specSections: ['§4.7', '§4.8', '§4.9'],
      header: [
        'Input ciphertexts are fresh public-key encryptions (see bfv/encryption.v1.json for how they are made).',
        'decrypted is the decryption of the result with the secret key, as plaintext coefficients (or slots).',
      ],
      notes: {
        WidePrimes: 'Primes ≥ 2^30 (the wide code path).',
        NafSplit: 'No key for this step: the rotation is split along the non-adjacent form of the step (3 = 4 − 1), as SEAL does.',
        LevelMismatch: 'Operands at different levels.',
        MissingKey: 'A rotation whose Galois key is absent (and cannot be composed).',
        FormMismatch: 'An operation that needs the other (NTT or coefficient) form.',
      },
    });
    for (const set of SETS) {
      const ctx = contextOf(set);
      const params = paramsJson(set);
      const flags = set.name === 'wide' ? ['WidePrimes'] : [];
      const keys = keysFor(ctx, b.seed(`${set.name}/keys`));
      const slotsRng = b.rng(`${set.name}/slots`).rng;
      const sa = randomSlots(slotsRng, ctx.n, ctx.t);
      const sb = randomSlots(slotsRng, ctx.n, ctx.t);
      const ptB = batchEncode(ctx, sb);
      const ca = bfvEncrypt(ctx, keys.pk, batchEncode(ctx, sa), b.rng(`${set.name}/ca`).rng);
      const cb = bfvEncrypt(ctx, keys.pk, ptB, b.rng(`${set.name}/cb`).rng);
      const og = b.group('BfvOperationTest', { ...params, secretKeySeal: keys.skSeal });
      const dec0 = (ct: Ciphertext) => plainJson(ctx, bfvDecrypt(ctx, keys.sk, ct.isNttForm ? ciphertextFromNtt(ctx, ct) : ct));
      const ops: [string, Ciphertext, Ciphertext | undefined, Plaintext | undefined, () => Ciphertext][] = [
        ['add', ca, cb, undefined, () => bfvAdd(ctx, ca, cb)],
        ['sub', ca, cb, undefined, () => bfvSub(ctx, ca, cb)],
        ['negate', ca, undefined, undefined, () => bfvNegate(ctx, ca)],
        ['addPlain', ca, undefined, ptB, () => bfvAddPlain(ctx, ca, ptB)],
        ['subPlain', ca, undefined, ptB, () => bfvSubPlain(ctx, ca, ptB)],
        ['multiplyPlain', ca, undefined, ptB, () => bfvMultiplyPlain(ctx, ca, ptB)],
        ['toNtt', ca, undefined, undefined, () => ciphertextToNtt(ctx, ca)],
        ['fromNtt', ciphertextToNtt(ctx, ca), undefined, undefined, () => ciphertextFromNtt(ctx, ciphertextToNtt(ctx, ca))],
      ];
      if (ctx.lastLevel.k < ctx.firstLevel.k) ops.push(['modSwitchToNext', ca, undefined, undefined, () => bfvModSwitchToNext(ctx, ca)]);
      for (const [operation, a, bb, pt, run] of ops) {
        const result = run();
        og.valid(`${set.name}: ${operation}`, {
          operation,
          a: ctJson(ctx, a),
          ...(bb ? { b: ctJson(ctx, bb) } : {}),
          ...(pt ? { plaintext: plainJson(ctx, pt) } : {}),
        }, { result: ctJson(ctx, result), decrypted: dec0(result) }, { flags });
      }
      if (ctx.lastLevel.k < ctx.firstLevel.k) {
        const lower = bfvModSwitchToNext(ctx, cb);
        og.invalid(`${set.name}: add with operands at different levels`, {
          operation: 'add', a: ctJson(ctx, ca), b: ctJson(ctx, lower),
        }, expectErrorCode(() => bfvAdd(ctx, ca, lower), 'levels'), [...flags, 'LevelMismatch']);
      }
      const nttA = ciphertextToNtt(ctx, ca);
      og.invalid(`${set.name}: addPlain on an NTT-form ciphertext`, {
        operation: 'addPlain', a: ctJson(ctx, nttA), plaintext: plainJson(ctx, ptB),
      }, expectErrorCode(() => bfvAddPlain(ctx, nttA, ptB), 'form'), [...flags, 'FormMismatch']);

      const kg = b.group('BfvKeySwitchKeysTest', params);
      const rkSeed = b.rng(`${set.name}/relin`);
      const rk = generateRelinKeys(ctx, keys.sk, rkSeed.rng);
      const steps = [1, -1, 0, 4];
      const gkSeed = b.rng(`${set.name}/galois`);
      const gk = generateGaloisKeys(ctx, keys.sk, gkSeed.rng, { steps });
      const keyJson = (key: readonly PublicKey[]) => key.map((p) => pkJson(ctx, p));
      kg.valid(`${set.name}: relinearization keys`, { keySeed: hex(b.seed(`${set.name}/keys`)), seed: rkSeed.seed, kind: 'relin', steps: [] }, {
        galoisElements: [],
        keys: rk.keys.map(keyJson),
        seal: hex(serializeRelinKeys(ctx, rk)),
      }, { flags });
      kg.valid(`${set.name}: Galois keys for steps 1, −1, 0 (the row swap) and 4`, {
        keySeed: hex(b.seed(`${set.name}/keys`)), seed: gkSeed.seed, kind: 'galois', steps,
      }, {
        galoisElements: [...gk.keys.keys()],
        keys: [...gk.keys.values()].map(keyJson),
        seal: hex(serializeGaloisKeys(ctx, gk)),
      }, { flags });

      const mg = b.group('BfvMultiplyTest', { ...params, secretKeySeal: keys.skSeal, relinKeysSeal: hex(serializeRelinKeys(ctx, rk)) });
      {
        const product = bfvMultiply(ctx, ca, cb);
        const exact = bfvMultiplyReference(ctx, ca, cb);
        const same = exact.polys.every((p, i) => p.every((v, j) => v === product.polys[i][j]));
        if (!same) throw new Error('HPS product differs from the exact one: pick other inputs for the vectors');
        const relin = bfvRelinearize(ctx, product, rk);
        mg.valid(`${set.name}: product of the two ciphertexts above, relinearized`, {
          a: ctJson(ctx, ca), b: ctJson(ctx, cb),
        }, { product: ctJson(ctx, product), relinearized: ctJson(ctx, relin), decrypted: dec0(relin) }, { flags });
      }
      const gkSeal = hex(serializeGaloisKeys(ctx, gk));
      const rg = b.group('BfvRotateTest', { ...params, secretKeySeal: keys.skSeal, galoisKeysSeal: gkSeal });
      const rotations: [string, number, () => Ciphertext, string[]][] = [
        ['rotateRows', 1, () => bfvRotateRows(ctx, ca, 1, gk), []],
        ['rotateRows', -1, () => bfvRotateRows(ctx, ca, -1, gk), []],
        ['rotateRows', 3, () => bfvRotateRows(ctx, ca, 3, gk), ['NafSplit']],
        ['rotateRows', 4, () => bfvRotateRows(ctx, ca, 4, gk), []],
        ['rotateColumns', 0, () => bfvRotateColumns(ctx, ca, gk), []],
      ];
      for (const [operation, step, run, f] of rotations) {
        const result = run();
        rg.valid(`${set.name}: ${operation}${operation === 'rotateRows' ? ` by ${step}` : ''}`, {
          operation, steps: step, a: ctJson(ctx, ca),
        }, { result: ctJson(ctx, result), decryptedSlots: decs(batchDecode(ctx, bfvDecrypt(ctx, keys.sk, result))) }, { flags: [...flags, ...f] });
      }
      {
        const partial = generateGaloisKeys(ctx, keys.sk, b.rng(`${set.name}/galois-partial`).rng, { galoisElements: [galoisEltFromStep(ctx.n, 1)] });
        const pg = b.group('BfvRotateTest', { ...params, secretKeySeal: keys.skSeal, galoisKeysSeal: hex(serializeGaloisKeys(ctx, partial)) });
        pg.invalid(`${set.name}: rotateColumns with a key for step 1 only`, {
          operation: 'rotateColumns', steps: 0, a: ctJson(ctx, ca),
        }, expectErrorCode(() => bfvRotateColumns(ctx, ca, partial), 'missing'), [...flags, 'MissingKey']);
      }
      if (set.name === 'delphi-small') {
        const fg = b.group('BfvFloodTest', { ...params, publicKeySeal: keys.pkSeal, secretKeySeal: keys.skSeal });
        const { rng, seed } = b.rng(`${set.name}/flood`);
        const noiseBits = 20;
        const flooded = floodNoise(ctx, keys.pk, ca, rng, { noiseBits, lambda: 40 });
        fg.valid(`${set.name}: flooding a fresh ciphertext with 2^(20 + 40 + 5) noise`, {
          seed, noiseBits, lambda: 40, a: ctJson(ctx, ca),
        }, { result: ctJson(ctx, flooded), decrypted: dec0(flooded) });
      }
    }
    return b.build();
  },
};

const serialFile: VectorFileGenerator = {
  path: SERIAL_PATH,
  spec: serialSpec,
  async generate(master) {
    const b = new VectorFileBuilder(serialSpec, SERIAL_PATH, master, {
      specSections: ['§4.10', '§4.11'],
      header: [
        'SEALHeader: u16 magic 0xA15E, u8 header size 16, u8 major 4, u8 minor 1, u8 compression, u16 reserved, u64 size.',
        'Every invalid test is a valid object of the same kind with one defect.',
      ],
      notes: {
        BadMagic: 'The magic is not 0xA15E.',
        BadHeader: 'Header size, version or reserved field wrong.',
        Compressed: 'A compression mode other than none.',
        SizeField: 'The size field disagrees with the input.',
        Trailing: 'Bytes after the object.',
        Truncated: 'The input ends early.',
        UnknownParmsId: 'A parms_id that names no level of the context.',
        KeyLevelCiphertext: 'A ciphertext at the key level.',
        CiphertextSize: 'A ciphertext with fewer than 2 polynomials.',
        Scale: 'scale ≠ 1.0.',
        CoefficientRange: 'A coefficient ≥ its modulus.',
      },
    });
    const set = SETS[0];
    const ctx = contextOf(set);
    const keys = keysFor(ctx, b.seed('toy/keys'));
    const ct = bfvEncrypt(ctx, keys.pk, batchEncode(ctx, [1, 2, 3]), b.rng('ct').rng);
    const pt = batchEncode(ctx, [5, 6, 7]);
    const rk = generateRelinKeys(ctx, keys.sk, b.rng('rk').rng);
    const gk = generateGaloisKeys(ctx, keys.sk, b.rng('gk').rng, { steps: [1] });
    const g = b.group('SealObjectTest', paramsJson(set));
    type Kind = 'ciphertext' | 'plaintext' | 'secretKey' | 'publicKey' | 'relinKeys' | 'galoisKeys';
    const roundTrip: Record<Kind, (bytes: Uint8Array) => Uint8Array> = {
      ciphertext: (x) => serializeCiphertext(ctx, deserializeCiphertext(ctx, x)),
      plaintext: (x) => serializePlaintext(ctx, deserializePlaintext(ctx, x)),
      secretKey: (x) => serializeSecretKey(ctx, deserializeSecretKey(ctx, x)),
      publicKey: (x) => serializePublicKey(ctx, deserializePublicKey(ctx, x)),
      relinKeys: (x) => serializeRelinKeys(ctx, deserializeRelinKeys(ctx, x) as RelinKeys),
      galoisKeys: (x) => serializeGaloisKeys(ctx, deserializeGaloisKeys(ctx, x) as GaloisKeys),
    };
    const objects: [Kind, Uint8Array][] = [
      ['ciphertext', serializeCiphertext(ctx, ct)],
      ['plaintext', serializePlaintext(ctx, pt)],
      ['secretKey', hexToBytes(keys.skSeal)],
      ['publicKey', hexToBytes(keys.pkSeal)],
      ['relinKeys', serializeRelinKeys(ctx, rk)],
      ['galoisKeys', serializeGaloisKeys(ctx, gk)],
    ];
    for (const [kind, bytes] of objects) {
      g.valid(`a ${kind}`, { kind, bytes: hex(bytes) }, { reserialized: hex(roundTrip[kind](bytes)) });
    }
    const ctBytes = objects[0][1];
    const edit = (src: Uint8Array, f: (x: Uint8Array, v: DataView) => void): Uint8Array => {
      const c = Uint8Array.from(src);
      f(c, new DataView(c.buffer));
      return c;
    };
    const withSize = (x: Uint8Array): Uint8Array => edit(x, (c, v) => v.setBigUint64(8, BigInt(c.length), true));
    const ctDataStart = 16 + 32 + 1 + 8 + 8 + 8 + 8 + 8 + 16 + 8; // header, parms_id, ntt flag, size, n, k, scale, correction, DynArray header+count
    const keyLevelId = computeParmsId(ctx.n, ctx.primes, ctx.t);
    const defects: [Kind, Uint8Array, string, string[]][] = [
      ['ciphertext', edit(ctBytes, (c) => (c[0] = 0x5f)), 'magic 0xA15F', ['BadMagic']],
      ['ciphertext', edit(ctBytes, (c) => (c[2] = 17)), 'header size 17', ['BadHeader']],
      ['ciphertext', edit(ctBytes, (c) => (c[3] = 3)), 'version 3.1', ['BadHeader']],
      ['ciphertext', edit(ctBytes, (c) => (c[6] = 1)), 'a non-zero reserved field', ['BadHeader']],
      ['ciphertext', edit(ctBytes, (c) => (c[5] = 1)), 'zlib compression', ['Compressed']],
      ['ciphertext', edit(ctBytes, (c) => (c[5] = 2)), 'zstd compression', ['Compressed']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setBigUint64(8, BigInt(c.length + 8), true)), 'the size field exceeds the input', ['SizeField']],
      ['ciphertext', Uint8Array.from([...ctBytes, 0]), 'one trailing byte', ['Trailing']],
      ['ciphertext', withSize(ctBytes.slice(0, ctBytes.length - 8)), 'one coefficient missing (size field adjusted)', ['Truncated']],
      ['ciphertext', ctBytes.slice(0, 20), 'cut inside the parms_id', ['Truncated']],
      ['ciphertext', edit(ctBytes, (c) => (c[16] ^= 1)), 'parms_id with one bit flipped', ['UnknownParmsId']],
      ['ciphertext', edit(ctBytes, (c) => c.set(keyLevelId, 16)), 'the key-level parms_id', ['KeyLevelCiphertext']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setBigUint64(16 + 32 + 1, 1n, true)), 'size 1', ['CiphertextSize']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setFloat64(16 + 32 + 1 + 24, 2, true)), 'scale 2.0', ['Scale']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setBigUint64(ctDataStart, BigInt(ctx.primes[0]), true)), 'first coefficient equal to q_0', ['CoefficientRange']],
      ['secretKey', edit(hexToBytes(keys.skSeal), (c, v) => v.setBigUint64(c.length - 8, BigInt(ctx.primes[ctx.primes.length - 1]), true)), 'last residue equal to the special prime', ['CoefficientRange']],
      ['publicKey', hexToBytes(keys.pkSeal).slice(0, 100), 'a public key cut after 100 bytes', ['Truncated']],
      ['plaintext', edit(serializePlaintext(ctx, pt), (c, v) => v.setBigUint64(c.length - 8, BigInt(ctx.t), true)), 'a plaintext coefficient equal to t', ['CoefficientRange']],
    ];
    for (const [kind, bytes, comment, flags] of defects) {
      g.invalid(`${kind}: ${comment}`, { kind, bytes: hex(bytes) }, expectErrorCode(() => roundTrip[kind](bytes), comment), flags);
    }
    const pg = b.group('ParmsIdTest', {});
    for (const [n, primes, t, comment] of [
      [16, set.coeffModulus, set.t, 'the toy key level'],
      [16, set.coeffModulus.slice(0, 2), set.t, 'the toy data level'],
      [8192, DELPHI_SET.coeffModulus.slice(0, 6), P, "Delphi's first data level"],
      [4096, bfvDefaultCoeffModulus(4096), 1032193, 'BFVDefault(4096), t = 1032193'],
    ] as [number, readonly number[], number, string][]) {
      pg.valid(comment, { n, primes: decs(primes), plainModulus: dec(t) }, { parmsId: hex(computeParmsId(n, primes, t)) });
    }
    return b.build();
  },
};

/** The `bfv` family: vectors/bfv/*. Spec: §12.5.6 */
export const bfvFamily: VectorFamily = {
  name: 'bfv',
  description: 'BFV parameters, seeded keygen/encryption with all draws, decryption, batching, operations, rotations, SEAL serialization (§4)',
  files: [paramsFile, encFile, batchFile, evalFile, serialFile],
};
