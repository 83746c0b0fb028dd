/**
 * Shared pieces of the property-based parser fuzzing (fast-check): a fixed seed so that every
 * `npm test` run tries the same inputs, a bounded number of runs per parser that `FUZZ_RUNS`
 * raises (e.g. FUZZ_RUNS=20000 npx vitest run test/fuzz), byte-level mutations of valid
 * encodings, and the oracle every parser must satisfy: it returns, or throws a typed
 * {@link DelphiError} — never a TypeError, RangeError or a crash.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { DelphiError } from '../../src/errors.js';

/** Seed of every fuzz property (override with FUZZ_SEED). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

/** Runs of a property: `base` per `npm test`, or FUZZ_RUNS when set. */
export function fuzzRuns(base: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(env) && env > 0 ? env : base;
}

/** fast-check parameters of a fuzz property. */
export function fuzzParams(base: number): fc.Parameters<unknown> {
  return { numRuns: fuzzRuns(base), seed: FUZZ_SEED, endOnFailure: true };
}

/** Calls `parse`; an error must be a DelphiError (its class and message are returned for checks). */
export function parsesOrThrowsTyped<T>(parse: () => T): { ok: true; value: T } | { ok: false; error: DelphiError } {
  try {
    return { ok: true, value: parse() };
  } catch (e) {
    expect(e, `parser threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of a typed DelphiError`).toBeInstanceOf(DelphiError);
    return { ok: false, error: e as DelphiError };
  }
}

/** One edit of a byte string. */
type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0xfe) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(bytes: Uint8Array, e: Edit): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : e.at % (n + (e.kind === 'insert' ? 1 : 0));
  switch (e.kind) {
    case 'flip': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[at] ^= 1 << e.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[at] = e.value;
      return out;
    }
    case 'insert': {
      const out = new Uint8Array(n + e.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(e.bytes, at);
      out.set(bytes.subarray(at), at + e.bytes.length);
      return out;
    }
    case 'delete': {
      const tail = bytes.subarray(Math.min(n, at + e.count));
      const out = new Uint8Array(at + tail.length);
      out.set(bytes.subarray(0, at));
      out.set(tail, at);
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

/** 1 to 4 random edits of one of `seeds` (valid encodings), or arbitrary bytes now and then. */
export function mutationsOf(seeds: readonly Uint8Array[], maxLength = 4096): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([i, edits]) => edits.reduce(apply, seeds[i])) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength }) },
  );
}

/** Text mutations: byte mutations of the UTF-8 of `seeds`, decoded leniently. */
export function textMutationsOf(seeds: readonly string[], maxLength = 4096): fc.Arbitrary<string> {
  const bytes = seeds.map((s) => new TextEncoder().encode(s));
  return fc.oneof(
    { weight: 4, arbitrary: mutationsOf(bytes, maxLength).map((b) => new TextDecoder().decode(b)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}
