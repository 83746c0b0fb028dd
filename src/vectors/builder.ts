/**
 * Assembling a vector file: seeds for each test (§12.3), numbering, flag bookkeeping, and the
 * generator's own checks (a test declared invalid must really fail with the named error code).
 *
 * Spec: §12.1, §12.3
 * @module
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { DelphiError, InvalidParametersError, type DelphiErrorCode } from '../errors.js';
import { deriveSeed, fromSeed, type Rng } from '../random/index.js';
import { hex } from './encoding.js';
import type { AlgorithmSpec, GroupSpec } from './fields.js';
import { VECTOR_FORMAT_VERSION, VECTOR_SCHEMA_NAME, type JsonObject, type VectorFile, type VectorGroup, type VectorTest } from './format.js';

/** The master seed of the committed vectors: the 32 bytes 00 01 02 … 1f. Spec: §12.3 */
export const DEFAULT_VECTOR_SEED: Uint8Array = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Domain label of per-test seeds. Spec: §12.3 */
export const VECTOR_SEED_LABEL = 'delphi-ts/vectors/v1';

/**
 * The seed of one test: deriveSeed(master, "delphi-ts/vectors/v1/" ‖ path ‖ "#" ‖ label) (§2.1).
 * Files record every seed they use, so a consumer never needs this function. Spec: §12.3
 */
export function vectorCaseSeed(master: Uint8Array, path: string, label: string): Uint8Array {
  return deriveSeed(master, `${VECTOR_SEED_LABEL}/${path}#${label}`);
}

/** Metadata of a file besides its tests. */
export interface VectorFileMeta {
  readonly specSections: readonly string[];
  readonly header: readonly string[];
  readonly notes: Readonly<Record<string, string>>;
}

/** Options of one test. */
export interface TestOptions {
  readonly flags?: readonly string[];
  readonly intermediate?: JsonObject;
}

/**
 * Runs `fn`, which must throw a {@link DelphiError}; returns its code. Used by generators to
 * establish (not assume) the error of an invalid test. Spec: §12.1
 */
export function expectErrorCode(fn: () => unknown, context: string): DelphiErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof DelphiError) return e.code;
    throw e;
  }
  throw new InvalidParametersError(`vector generator: ${context} was expected to fail but succeeded`);
}

/** Async form of {@link expectErrorCode}. Spec: §12.1 */
export async function expectErrorCodeAsync(fn: () => Promise<unknown>, context: string): Promise<DelphiErrorCode> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof DelphiError) return e.code;
    throw e;
  }
  throw new InvalidParametersError(`vector generator: ${context} was expected to fail but succeeded`);
}

/** Collects the tests of one group. */
export class VectorGroupBuilder {
  readonly tests: Omit<VectorTest, 'tcId'>[] = [];
  constructor(readonly spec: GroupSpec, readonly params: JsonObject) {}

  /** Adds a test that an implementation must reproduce. */
  valid(comment: string, input: JsonObject, output: JsonObject, options: TestOptions = {}): this {
    this.tests.push({
      comment,
      flags: [...(options.flags ?? [])],
      result: 'valid',
      input,
      ...(options.intermediate ? { intermediate: options.intermediate } : {}),
      output,
    });
    return this;
  }

  /** Adds a test that an implementation must reject with `error`. */
  invalid(comment: string, input: JsonObject, error: DelphiErrorCode, flags: readonly string[] = []): this {
    this.tests.push({ comment, flags: [...flags], result: 'invalid', input, error });
    return this;
  }
}

/** Builds one {@link VectorFile}. Spec: §12.1 */
export class VectorFileBuilder {
  readonly #groups: VectorGroupBuilder[] = [];
  constructor(
    readonly spec: AlgorithmSpec,
    readonly path: string,
    readonly masterSeed: Uint8Array,
    readonly meta: VectorFileMeta,
  ) {}

  /** The seed of the test labelled `label` ({@link vectorCaseSeed}). */
  seed(label: string): Uint8Array {
    return vectorCaseSeed(this.masterSeed, this.path, label);
  }

  /** A generator on {@link VectorFileBuilder.seed}(label), and the seed's hex. */
  rng(label: string): { rng: Rng; seed: string } {
    const seed = this.seed(label);
    return { rng: fromSeed(seed), seed: hex(seed) };
  }

  /** Starts a group of the declared type `type`. */
  group(type: string, params: JsonObject): VectorGroupBuilder {
    const spec = this.spec.groups.find((g) => g.type === type);
    if (!spec) throw new InvalidParametersError(`${this.spec.algorithm} declares no group type ${type}`);
    const g = new VectorGroupBuilder(spec, params);
    this.#groups.push(g);
    return g;
  }

  /** Numbers the tests 1, 2, … in file order and checks every flag is explained in the notes. */
  build(): VectorFile {
    let tcId = 0;
    const testGroups: VectorGroup[] = this.#groups
      .filter((g) => g.tests.length > 0)
      .map((g) => ({
        type: g.spec.type,
        params: g.params,
        tests: g.tests.map((t) => {
          for (const f of t.flags) {
            if (!(f in this.meta.notes)) throw new InvalidParametersError(`${this.path}: flag ${f} has no note`);
          }
          return { tcId: ++tcId, ...t } as VectorTest;
        }),
      }));
    return {
      schema: VECTOR_SCHEMA_NAME,
      formatVersion: VECTOR_FORMAT_VERSION,
      algorithm: this.spec.algorithm,
      generatorSeed: hex(this.masterSeed),
      numberOfTests: tcId,
      specSections: [...this.meta.specSections],
      header: [...this.meta.header],
      notes: { ...this.meta.notes },
      testGroups,
    };
  }
}

/** UTF-8 bytes of a string (for labels inside vectors). */
export function utf8(s: string): Uint8Array {
  return utf8ToBytes(s);
}
