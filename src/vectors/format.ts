/**
 * The shape of a delphi-ts test-vector file: Wycheproof's envelope (schema, algorithm, notes, test
 * groups of tests with tcId, comment, flags and result) carrying CFRG-style inputs, intermediate
 * values and outputs.
 *
 * Spec: §12.1
 * @module
 */
import type { DelphiErrorCode } from '../errors.js';

/** Value of every file's `schema` member: the schema file in vectors/schema/. Spec: §12.1 */
export const VECTOR_SCHEMA_NAME = 'vectors.v1.schema.json';

/** Value of every file's `formatVersion` member. Spec: §12.1 */
export const VECTOR_FORMAT_VERSION = 1;

/** A JSON value as the files hold it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Whether an implementation must accept (and reproduce) a test or must reject it. Spec: §12.1 */
export type VectorResult = 'valid' | 'invalid';

/**
 * One test. A valid test has `output` (and often `intermediate`); an invalid one has `error`, the
 * code of the {@link DelphiErrorCode} the implementation must fail with (§1.4). Spec: §12.1
 */
export interface VectorTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: VectorResult;
  input: JsonObject;
  intermediate?: JsonObject;
  output?: JsonObject;
  error?: DelphiErrorCode;
}

/** Tests that share parameters; `type` names the group's layout in the schema. Spec: §12.1 */
export interface VectorGroup {
  type: string;
  params: JsonObject;
  tests: VectorTest[];
}

/** A whole vector file. Spec: §12.1 */
export interface VectorFile {
  schema: string;
  formatVersion: number;
  algorithm: string;
  /** The 32-byte master seed (hex) the file was generated from (§12.3). */
  generatorSeed: string;
  numberOfTests: number;
  /** Sections of spec/ that define what the file tests. */
  specSections: string[];
  header: string[];
  /** Every flag used by a test, with its meaning. */
  notes: Record<string, string>;
  testGroups: VectorGroup[];
}
