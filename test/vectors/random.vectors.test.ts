/**
 * Consumes vectors/random/*: the library must reproduce every stream, seed and sample; and each
 * value is recomputed independently — the stream with Node's OpenSSL ChaCha20, deriveSeed by
 * hashing the documented byte string, the samplers from the spec text in BigInt.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { describe, expect, it } from 'vitest';
import { DelphiError } from '../../src/errors.js';
import {
  deriveSeed,
  fromSeed,
  fromTextSeed,
  sampleCenteredBinomial,
  sampleTernary,
  uniformBelow,
  uniformBigintBelow,
} from '../../src/random/index.js';
import { sampleFieldVector } from '../../src/sharing/index.js';
import { allTests, loadVectors, tohex, unhex, type Test } from './helpers/files.js';
import { chachaStream, StreamReader, uniformBelowSpec } from './helpers/stream.js';

const RFC8439_A1 =
  '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586' +
  '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f';

const utf8 = (s: string) => new TextEncoder().encode(s);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof DelphiError ? e.code : `non-delphi error: ${String(e)}`;
  }
  return 'no error';
}

/** deriveSeed by its definition in §2.1. */
function deriveSeedSpec(material: Uint8Array, label: string): string {
  const msg = new Uint8Array([...utf8('delphi-ts/seed/v1'), 0, ...utf8(label), 0, ...material]);
  return tohex(blake2b(msg, { dkLen: 32 }));
}

describe('vectors/random/chacha20-rng.v1.json', () => {
  const file = loadVectors('random/chacha20-rng.v1.json');
  const tests = allTests(file);

  it('covers every group type with valid and invalid tests', () => {
    expect(new Set(file.testGroups.map((g) => g.type))).toEqual(new Set(['RngStreamTest', 'DeriveSeedTest', 'ForkTest', 'TextSeedTest']));
    expect(tests.some((t) => t.test.result === 'invalid')).toBe(true);
  });

  for (const { group, test } of tests) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      const { input, output } = test;
      switch (group.type) {
        case 'RngStreamTest': {
          const seed = unhex(input.seed);
          if (test.result === 'invalid') {
            expect(codeOf(() => fromSeed(seed))).toBe(test.error);
            expect(seed.length).not.toBe(32);
            return;
          }
          const rng = fromSeed(seed);
          rng.bytes(input.offset);
          expect(tohex(rng.bytes(input.length))).toBe(output.bytes);
          const words = fromSeed(seed);
          words.bytes(input.offset);
          expect(output.uint32.map(() => String(words.uint32()))).toEqual(output.uint32);
          // Independent: OpenSSL's ChaCha20 and the little-endian reading of §2.1.
          const ref = chachaStream(seed, input.offset, input.length);
          expect(tohex(ref)).toBe(output.bytes);
          expect(output.uint32).toEqual(
            Array.from({ length: input.length >> 2 }, (_, i) => String(new DataView(ref.buffer).getUint32(4 * i, true))),
          );
          if (test.flags.includes('Rfc8439')) expect(output.bytes).toBe(RFC8439_A1);
          return;
        }
        case 'DeriveSeedTest':
          expect(tohex(deriveSeed(unhex(input.material), input.label))).toBe(output.seed);
          expect(deriveSeedSpec(unhex(input.material), input.label)).toBe(output.seed);
          return;
        case 'ForkTest': {
          const seed = unhex(input.seed);
          const parent = fromSeed(seed);
          const reader = new StreamReader(seed);
          input.labels.forEach((label: string, i: number) => {
            const expected = output.children[i];
            expect(tohex(reader.bytes(32))).toBe(expected.material);
            expect(deriveSeedSpec(unhex(expected.material), label)).toBe(expected.seed);
            expect(tohex(chachaStream(unhex(expected.seed), 0, 16))).toBe(expected.firstBytes);
            expect(tohex(parent.fork(label).bytes(16))).toBe(expected.firstBytes);
          });
          expect(tohex(parent.bytes(16))).toBe(output.parentNextBytes);
          expect(tohex(reader.bytes(16))).toBe(output.parentNextBytes);
          return;
        }
        case 'TextSeedTest':
          expect(deriveSeedSpec(utf8(input.text), 'text-seed')).toBe(output.seed);
          expect(tohex(fromTextSeed(input.text).bytes(32))).toBe(output.firstBytes);
          expect(tohex(chachaStream(unhex(output.seed), 0, 32))).toBe(output.firstBytes);
          return;
        default:
          throw new Error(`unknown group type ${group.type}`);
      }
    });
  }
});

/** Values drawn by the library for a sampler test, then the next 8 bytes. */
function librarySample(type: string, t: Test): { values: string[]; next: string } {
  const rng = fromSeed(unhex(t.input.seed));
  let values: (number | bigint)[];
  switch (type) {
    case 'UniformBelowTest':
      values = Array.from({ length: t.input.count }, () => uniformBelow(rng, Number(t.input.bound)));
      break;
    case 'UniformBigintBelowTest':
      values = Array.from({ length: t.input.count }, () => uniformBigintBelow(rng, BigInt(t.input.bound)));
      break;
    case 'TernaryTest':
      values = Array.from(sampleTernary(rng, t.input.count));
      break;
    case 'CenteredBinomialTest':
      values = Array.from(sampleCenteredBinomial(rng, t.input.count, t.input.eta));
      break;
    case 'FieldVectorTest':
      values = Array.from(sampleFieldVector(rng, t.input.count));
      break;
    default:
      throw new Error(`unknown group type ${type}`);
  }
  return { values: values.map(String), next: tohex(rng.bytes(8)) };
}

/** The same draws from the spec text, on OpenSSL's stream. */
function specSample(type: string, t: Test, p: bigint): { values: string[]; candidates?: string[]; next: string } {
  const r = new StreamReader(unhex(t.input.seed));
  const popcount = (x: bigint) => [...x.toString(2)].filter((c) => c === '1').length;
  let values: bigint[];
  let candidates: bigint[] | undefined;
  switch (type) {
    case 'UniformBelowTest':
    case 'FieldVectorTest':
      ({ values, candidates } = uniformBelowSpec(r, type === 'FieldVectorTest' ? p : BigInt(t.input.bound), t.input.count));
      break;
    case 'UniformBigintBelowTest': {
      const bound = BigInt(t.input.bound);
      const k = (bound - 1n).toString(2).length;
      values = [];
      candidates = [];
      while (values.length < t.input.count) {
        const v = r.le(Math.ceil(k / 8)) & ((1n << BigInt(k)) - 1n);
        candidates.push(v);
        if (v < bound) values.push(v);
      }
      break;
    }
    case 'TernaryTest': {
      const draw = uniformBelowSpec(r, 3n, t.input.count);
      values = draw.values.map((v) => v - 1n);
      candidates = draw.candidates;
      break;
    }
    case 'CenteredBinomialTest': {
      const eta = t.input.eta as number;
      const half = Math.ceil(eta / 8);
      const mask = (1n << BigInt(eta)) - 1n;
      values = Array.from({ length: t.input.count }, () => {
        const a = r.le(half) & mask;
        const b = r.le(half) & mask;
        return BigInt(popcount(a) - popcount(b));
      });
      break;
    }
    default:
      throw new Error(`unknown group type ${type}`);
  }
  return { values: values.map(String), candidates: candidates?.map(String), next: tohex(r.bytes(8)) };
}

describe('vectors/random/samplers.v1.json', () => {
  const file = loadVectors('random/samplers.v1.json');
  for (const { group, test } of allTests(file)) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      if (test.result === 'invalid') {
        expect(codeOf(() => librarySample(group.type, test))).toBe(test.error);
        return;
      }
      const lib = librarySample(group.type, test);
      expect(lib.values).toEqual(test.output.values);
      expect(lib.next).toBe(test.output.nextBytes);
      const spec = specSample(group.type, test, BigInt(group.params.p ?? 0));
      expect(spec.values).toEqual(test.output.values);
      expect(spec.next).toBe(test.output.nextBytes);
      if (test.intermediate) expect(spec.candidates).toEqual(test.intermediate.candidates);
      if (spec.candidates) expect(test.flags.includes('Rejection')).toBe(spec.candidates.length > test.input.count);
      if (test.flags.includes('Rejection')) expect(spec.candidates!.length).toBeGreaterThan(test.input.count);
    });
  }
});
