/**
 * Vectors of §2: the ChaCha20 stream behind every seeded draw, seed derivation and forking, and the
 * samplers. Every other family records seeds, so an implementation that passes these can
 * reproduce their random choices.
 *
 * Spec: §12.5.1
 * @module
 */
import { P } from '../../math/index.js';
import {
  bitLength,
  deriveSeed,
  fromSeed,
  fromTextSeed,
  sampleCenteredBinomial,
  sampleTernary,
  uniformBelow,
  uniformBigintBelow,
  type Rng,
} from '../../random/index.js';
import { sampleFieldVector } from '../../sharing/index.js';
import { expectErrorCode, utf8, VectorFileBuilder } from '../builder.js';
import { dec, decs, hex } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec } from '../fields.js';

const TWO_32 = 2 ** 32;
/** ℓ of ristretto255 (§6.3): base-OT scalars are 1 + uniformBigintBelow(ℓ − 1). */
const RISTRETTO_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

const rngSpec: AlgorithmSpec = {
  algorithm: 'ChaCha20Rng',
  description: 'The seeded generator of §2.1: keystream, uint32 reads, deriveSeed, fork, fromTextSeed.',
  groups: [
    {
      type: 'RngStreamTest',
      description: 'Bytes [offset, offset + length) of the stream of a seed, and the same bytes read as uint32 words.',
      params: {},
      input: { seed: F.hex('the 32-byte seed (the ChaCha20 key)'), offset: F.size(), length: F.size() },
      output: {
        bytes: F.hex(),
        uint32: F.ints('the bytes read four at a time, little-endian (what uint32() returns at offset, offset + 4, …)'),
      },
    },
    {
      type: 'DeriveSeedTest',
      description: 'deriveSeed(material, label) = BLAKE2b-256("delphi-ts/seed/v1" ‖ 0 ‖ label ‖ 0 ‖ material).',
      params: {},
      input: { material: F.hex(), label: F.string() },
      output: { seed: F.hex(undefined, 32) },
    },
    {
      type: 'ForkTest',
      description: 'Successive forks of one parent: each takes the next 32 stream bytes as material.',
      params: {},
      input: { seed: F.hex(undefined, 32), labels: F.array(F.string()) },
      output: {
        children: F.array(
          F.object({ material: F.hex(undefined, 32), seed: F.hex(undefined, 32), firstBytes: F.hex(undefined, 16) }),
        ),
        parentNextBytes: F.hex('the parent stream after the forks', 16),
      },
    },
    {
      type: 'TextSeedTest',
      description: 'fromTextSeed(text) = the generator on deriveSeed(utf8(text), "text-seed").',
      params: {},
      input: { text: F.string() },
      output: { seed: F.hex(undefined, 32), firstBytes: F.hex(undefined, 32) },
    },
  ],
};

const samplerSpec: AlgorithmSpec = {
  algorithm: 'Samplers',
  description: 'The samplers of §2.2 and sampleFieldVector of §7.2: values and the exact stream position afterwards.',
  groups: [
    {
      type: 'UniformBelowTest',
      description: 'count draws of uniformBelow(rng, bound), 1 ≤ bound ≤ 2^53 (masked rejection).',
      params: {},
      input: { seed: F.hex(), bound: F.int(), count: F.size() },
      intermediate: { candidates: F.ints('every candidate in draw order, accepted or rejected') },
      output: { values: F.ints(), nextBytes: F.hex('the next 8 bytes of the stream', 8) },
    },
    {
      type: 'UniformBigintBelowTest',
      description: 'count draws of uniformBigintBelow(rng, bound).',
      params: {},
      input: { seed: F.hex(), bound: F.int(), count: F.size() },
      intermediate: { candidates: F.ints() },
      output: { values: F.ints(), nextBytes: F.hex(undefined, 8) },
    },
    {
      type: 'TernaryTest',
      description: 'sampleTernary(rng, count): uniformBelow(rng, 3) − 1 per coefficient.',
      params: {},
      input: { seed: F.hex(), count: F.size() },
      output: { values: F.ints(), nextBytes: F.hex(undefined, 8) },
    },
    {
      type: 'CenteredBinomialTest',
      description: 'sampleCenteredBinomial(rng, count, eta).',
      params: {},
      input: { seed: F.hex(), count: F.size(), eta: F.size() },
      output: { values: F.ints(), nextBytes: F.hex(undefined, 8) },
    },
    {
      type: 'FieldVectorTest',
      description: 'sampleFieldVector(rng, count): uniform elements of Z_p, p = 2061584302081, as uniformBelow(rng, p).',
      params: { p: F.int() },
      input: { seed: F.hex(), count: F.size() },
      intermediate: { candidates: F.ints() },
      output: { values: F.ints(), nextBytes: F.hex(undefined, 8) },
    },
  ],
};

function streamTest(seed: Uint8Array, offset: number, length: number): { bytes: string; uint32: string[] } {
  const rng = fromSeed(seed);
  rng.bytes(offset);
  const bytes = rng.bytes(length);
  const again = fromSeed(seed);
  again.bytes(offset);
  const words: number[] = [];
  for (let i = 0; i + 4 <= length; i += 4) words.push(again.uint32());
  return { bytes: hex(bytes), uint32: decs(words) };
}

/** The candidates uniformBelow draws (§2.2), recomputed from the stream. */
function uniformBelowCandidates(rng: Rng, bound: number, count: number): number[] {
  const k = bitLength(bound - 1);
  const out: number[] = [];
  let accepted = 0;
  if (bound === 1) return new Array<number>(count).fill(0);
  while (accepted < count) {
    let v: number;
    if (k <= 32) {
      v = rng.uint32() % 2 ** k;
    } else {
      const lo = rng.uint32();
      const hi = rng.uint32() % 2 ** (k - 32);
      v = hi * TWO_32 + lo;
    }
    out.push(v);
    if (v < bound) accepted++;
  }
  return out;
}

function uniformBigintCandidates(rng: Rng, bound: bigint, count: number): bigint[] {
  const k = (bound - 1n).toString(2).length;
  const nBytes = Math.ceil(k / 8);
  const out: bigint[] = [];
  let accepted = 0;
  while (accepted < count) {
    const b = rng.bytes(nBytes);
    let v = 0n;
    for (let i = nBytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    v &= (1n << BigInt(k)) - 1n;
    out.push(v);
    if (v < bound) accepted++;
  }
  return out;
}

const RNG_PATH = 'random/chacha20-rng.v1.json';
const SAMPLER_PATH = 'random/samplers.v1.json';

const rngFile: VectorFileGenerator = {
  path: RNG_PATH,
  spec: rngSpec,
  async generate(master) {
    const b = new VectorFileBuilder(rngSpec, RNG_PATH, master, {
      specSections: ['§2.1'],
      header: [
        'The stream of ChaCha20Rng: the RFC 8439 ChaCha20 keystream with key = seed, nonce = 12 zero bytes',
        '(bytes 0-3 an epoch that is 0 here), block counter from 0; bytes consumed strictly in order.',
      ],
      notes: {
        Rfc8439: 'All-zero seed: the first 128 bytes are RFC 8439 Appendix A.1 test vectors #1 and #2 (block counters 0 and 1).',
        RefillBoundary: 'The bytes straddle offset 4096, where the implementation refills its 64-block buffer.',
        Unaligned: 'uint32 reads at an offset that is not a multiple of 4 (reads are byte-oriented, not word-aligned).',
        WrongSeedLength: 'A seed that is not exactly 32 bytes.',
        VectorSeed: 'The derivation of a per-test seed of these vector files (§12.3).',
      },
    });
    const stream = b.group('RngStreamTest', {});
    const zero = new Uint8Array(32);
    const counting = Uint8Array.from({ length: 32 }, (_, i) => i);
    stream.valid('all-zero seed', { seed: hex(zero), offset: 0, length: 128 }, streamTest(zero, 0, 128), { flags: ['Rfc8439'] });
    stream.valid('seed 00 01 … 1f', { seed: hex(counting), offset: 0, length: 64 }, streamTest(counting, 0, 64));
    stream.valid('across the 4096-byte refill', { seed: hex(counting), offset: 4088, length: 16 }, streamTest(counting, 4088, 16), {
      flags: ['RefillBoundary'],
    });
    const s1 = b.seed('stream-1');
    stream.valid('a derived seed, odd offset', { seed: hex(s1), offset: 5, length: 40 }, streamTest(s1, 5, 40), { flags: ['Unaligned'] });
    stream.valid('a derived seed, second buffer', { seed: hex(s1), offset: 8191, length: 9 }, streamTest(s1, 8191, 9), {
      flags: ['RefillBoundary', 'Unaligned'],
    });
    for (const len of [31, 33, 0]) {
      const bad = counting.slice(0, Math.min(len, 32));
      const seed = len === 33 ? Uint8Array.from([...counting, 32]) : bad;
      stream.invalid(`seed of ${len} bytes`, { seed: hex(seed), offset: 0, length: 16 }, expectErrorCode(() => fromSeed(seed), 'short seed'), [
        'WrongSeedLength',
      ]);
    }

    const derive = b.group('DeriveSeedTest', {});
    for (const [material, label, comment, flags] of [
      [new Uint8Array(0), '', 'empty material and label', []],
      [utf8('test-1'), 'text-seed', 'what fromTextSeed("test-1") uses', []],
      [counting, 'delphi-ts/beaver/triples', 'a fork label of §7.6', []],
      [counting, `delphi-ts/vectors/v1/${RNG_PATH}#stream-1`, 'the seed of the "stream-1" tests above', ['VectorSeed']],
    ] as const) {
      derive.valid(comment, { material: hex(material), label }, { seed: hex(deriveSeed(material, label)) }, { flags: [...flags] });
    }

    const fork = b.group('ForkTest', {});
    for (const [labels, comment] of [
      [['a'], 'one fork'],
      [['delphi-ts/beaver/triples', 'delphi-ts/beaver/square-pairs'], 'the two forks of trustedDealerSources (§7.6)'],
      [['x', 'x', ''], 'the same label twice, then the empty label'],
    ] as const) {
      const seed = b.seed(`fork/${labels.join(',')}`);
      const parent = fromSeed(seed);
      const shadow = fromSeed(seed);
      const children = labels.map((label) => {
        const material = shadow.bytes(32);
        const child = parent.fork(label);
        return { material: hex(material), seed: hex(deriveSeed(material, label)), firstBytes: hex(child.bytes(16)) };
      });
      fork.valid(comment, { seed: hex(seed), labels: [...labels] }, { children, parentNextBytes: hex(parent.bytes(16)) });
    }

    const text = b.group('TextSeedTest', {});
    for (const t of ['test-1', '', 'délphi ✓']) {
      const seed = deriveSeed(utf8(t), 'text-seed');
      text.valid(`fromTextSeed(${JSON.stringify(t)})`, { text: t }, { seed: hex(seed), firstBytes: hex(fromTextSeed(t).bytes(32)) });
    }
    return b.build();
  },
};

const samplerFile: VectorFileGenerator = {
  path: SAMPLER_PATH,
  spec: samplerSpec,
  async generate(master) {
    const b = new VectorFileBuilder(samplerSpec, SAMPLER_PATH, master, {
      specSections: ['§2.2', '§7.2'],
      header: [
        'Each test draws from fromSeed(seed) and then reads 8 more bytes (nextBytes): an implementation must',
        'leave the stream exactly there, i.e. draw no more and no fewer bytes than the samplers specify.',
      ],
      notes: {
        Rejection: 'At least one candidate was rejected (candidate ≥ bound) and redrawn.',
        TwoWords: 'The bound needs more than 32 bits: each candidate takes two uint32 draws, lo then hi.',
        PowerOfTwo: 'bound is a power of two: no candidate can be rejected.',
        BadBound: 'A bound outside the accepted range.',
      },
    });
    const ub = b.group('UniformBelowTest', {});
    const bounds: [number, string][] = [
      [1, 'bound 1: always 0, draws nothing'],
      [2, 'one bit'],
      [3, 'the ternary sampler draws this'],
      [3329, 'Kyber q'],
      [1073479681, 'a 30-bit NTT prime'],
      [2 ** 32, '2^32, one full word'],
      [2 ** 32 + 15, 'just above 2^32'],
      [P, 'the share prime p'],
      [2 ** 53, '2^53, the largest bound'],
    ];
    for (const [bound, comment] of bounds) {
      const { rng, seed } = b.rng(`uniformBelow/${bound}`);
      const count = bound === 1 ? 4 : 24;
      const values = Array.from({ length: count }, () => uniformBelow(rng, bound));
      const next = rng.bytes(8);
      const candidates = uniformBelowCandidates(fromSeed(b.seed(`uniformBelow/${bound}`)), bound, count);
      const accepted = candidates.filter((c) => c < bound);
      if (accepted.join() !== values.join()) throw new Error('uniformBelow candidates disagree with the sampler');
      const flags: string[] = [];
      if (candidates.length > count) flags.push('Rejection');
      if (bitLength(bound - 1) > 32) flags.push('TwoWords');
      if (Number.isInteger(Math.log2(bound))) flags.push('PowerOfTwo');
      ub.valid(comment, { seed, bound: dec(bound), count }, { values: decs(values), nextBytes: hex(next) }, {
        intermediate: { candidates: decs(candidates) },
        flags,
      });
    }
    for (const bound of [0, 2 ** 53 + 2]) {
      const { rng, seed } = b.rng(`uniformBelow/bad/${bound}`);
      ub.invalid(`bound ${bound}`, { seed, bound: dec(bound), count: 1 }, expectErrorCode(() => uniformBelow(rng, bound), 'bad bound'), [
        'BadBound',
      ]);
    }

    const ubb = b.group('UniformBigintBelowTest', {});
    for (const [bound, comment] of [
      [RISTRETTO_ORDER - 1n, 'ℓ − 1 of ristretto255: base-OT scalars are 1 + this draw (§6.3)'],
      [2n ** 64n + 1n, '2^64 + 1: nine bytes, top byte masked to one bit'],
      [1000n, 'a small bound'],
    ] as const) {
      const { rng, seed } = b.rng(`uniformBigintBelow/${bound}`);
      const values = Array.from({ length: 8 }, () => uniformBigintBelow(rng, bound));
      const next = rng.bytes(8);
      const candidates = uniformBigintCandidates(fromSeed(b.seed(`uniformBigintBelow/${bound}`)), bound, 8);
      if (candidates.filter((c) => c < bound).join() !== values.join()) throw new Error('uniformBigintBelow candidates disagree');
      ubb.valid(comment, { seed, bound: dec(bound), count: 8 }, { values: decs(values), nextBytes: hex(next) }, {
        intermediate: { candidates: decs(candidates) },
        flags: candidates.length > 8 ? ['Rejection'] : [],
      });
    }
    {
      const { rng, seed } = b.rng('uniformBigintBelow/0');
      ubb.invalid('bound 0', { seed, bound: '0', count: 1 }, expectErrorCode(() => uniformBigintBelow(rng, 0n), 'bound 0'), [
        'BadBound',
      ]);
    }

    const ter = b.group('TernaryTest', {});
    for (const count of [16, 64]) {
      const { rng, seed } = b.rng(`ternary/${count}`);
      const values = sampleTernary(rng, count);
      const rejected = uniformBelowCandidates(fromSeed(b.seed(`ternary/${count}`)), 3, count).length > count;
      ter.valid(`${count} coefficients`, { seed, count }, { values: decs(values), nextBytes: hex(rng.bytes(8)) }, {
        flags: rejected ? ['Rejection'] : [],
      });
    }

    const cbd = b.group('CenteredBinomialTest', {});
    for (const eta of [21, 2, 8, 9]) {
      const { rng, seed } = b.rng(`cbd/${eta}`);
      const values = sampleCenteredBinomial(rng, 32, eta);
      cbd.valid(`η = ${eta}${eta === 21 ? " (SEAL's error distribution)" : ''}`, { seed, count: 32, eta }, {
        values: decs(values),
        nextBytes: hex(rng.bytes(8)),
      });
    }
    for (const eta of [0, 128]) {
      const { rng, seed } = b.rng(`cbd/bad/${eta}`);
      cbd.invalid(`η = ${eta}`, { seed, count: 1, eta }, expectErrorCode(() => sampleCenteredBinomial(rng, 1, eta), 'eta'), [
        'BadBound',
      ]);
    }

    const fv = b.group('FieldVectorTest', { p: dec(P) });
    for (const count of [1, 40]) {
      const { rng, seed } = b.rng(`field/${count}`);
      const values = sampleFieldVector(rng, count);
      const next = rng.bytes(8);
      const candidates = uniformBelowCandidates(fromSeed(b.seed(`field/${count}`)), P, count);
      if (candidates.filter((c) => c < P).join() !== Array.from(values).join()) throw new Error('sampleFieldVector disagrees');
      fv.valid(`${count} elements`, { seed, count }, { values: decs(values), nextBytes: hex(next) }, {
        intermediate: { candidates: decs(candidates) },
        flags: [...(candidates.length > count ? ['Rejection'] : []), 'TwoWords'],
      });
    }
    return b.build();
  },
};

/** The `random` family: vectors/random/*. Spec: §12.5.1 */
export const randomFamily: VectorFamily = {
  name: 'random',
  description: 'ChaCha20Rng stream, deriveSeed, fork, fromTextSeed and the samplers (§2)',
  files: [rngFile, samplerFile],
};
