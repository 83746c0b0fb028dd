/**
 * A small vocabulary for declaring what each kind of test carries (its params, input, intermediate
 * and output members). Every vector family declares its groups with it; the JSON Schema of
 * vectors/schema/ is built from these declarations ({@link vectorSchema}), so a generator that
 * writes an undeclared or mistyped member produces files that fail schema validation.
 *
 * Spec: §12.1, §12.2
 * @module
 */
import type { DelphiErrorCode } from '../errors.js';

/** The type of one member of a test or group. Spec: §12.2 */
export type FieldType =
  | { readonly kind: 'int'; readonly description?: string }
  | { readonly kind: 'hex'; readonly description?: string; readonly bytes?: number }
  | { readonly kind: 'size'; readonly description?: string }
  | { readonly kind: 'integer'; readonly description?: string }
  | { readonly kind: 'real'; readonly description?: string }
  | { readonly kind: 'string'; readonly description?: string }
  | { readonly kind: 'boolean'; readonly description?: string }
  | { readonly kind: 'enum'; readonly values: readonly (string | number)[]; readonly description?: string }
  | { readonly kind: 'array'; readonly items: FieldType; readonly description?: string }
  | { readonly kind: 'object'; readonly fields: Fields; readonly description?: string };

/**
 * Members of an object. A key ending in "?" is optional (the "?" is not part of the member name).
 * Spec: §12.1
 */
export type Fields = Readonly<Record<string, FieldType>>;

/** The layout of one kind of test group. Spec: §12.1 */
export interface GroupSpec {
  /** The group's `type` member, unique across all files. */
  readonly type: string;
  readonly description: string;
  readonly params: Fields;
  readonly input: Fields;
  readonly intermediate?: Fields;
  readonly output?: Fields;
}

/** The layout of one vector file: its `algorithm` and the kinds of groups it may hold. Spec: §12.1 */
export interface AlgorithmSpec {
  readonly algorithm: string;
  readonly description: string;
  readonly groups: readonly GroupSpec[];
}

/** Constructors of {@link FieldType}s. Spec: §12.2 */
export const F = {
  /** An integer that is data (coefficient, residue, field element, modulus): a decimal string. */
  int: (description?: string): FieldType => ({ kind: 'int', description }),
  /** A byte string in lowercase hex, optionally of a fixed length. */
  hex: (description?: string, bytes?: number): FieldType => ({ kind: 'hex', description, bytes }),
  /** A structural count, size, index, bit width or role: a non-negative JSON integer. */
  size: (description?: string): FieldType => ({ kind: 'size', description }),
  /** A small signed structural integer (e.g. a rotation step): a JSON integer. */
  integer: (description?: string): FieldType => ({ kind: 'integer', description }),
  /** A real number (JSON number, or "NaN", "Infinity", "-Infinity", "-0"). */
  real: (description?: string): FieldType => ({ kind: 'real', description }),
  string: (description?: string): FieldType => ({ kind: 'string', description }),
  boolean: (description?: string): FieldType => ({ kind: 'boolean', description }),
  enum: (values: readonly (string | number)[], description?: string): FieldType => ({ kind: 'enum', values, description }),
  array: (items: FieldType, description?: string): FieldType => ({ kind: 'array', items, description }),
  object: (fields: Fields, description?: string): FieldType => ({ kind: 'object', fields, description }),
  /** A polynomial or vector of data integers, index 0 first. */
  ints: (description?: string): FieldType => ({ kind: 'array', items: { kind: 'int' }, description }),
  /** One integer array per RNS prime (prime-major), or any list of integer vectors. */
  intRows: (description?: string): FieldType => ({ kind: 'array', items: { kind: 'array', items: { kind: 'int' } }, description }),
  /** A list of byte strings. */
  hexes: (description?: string, bytes?: number): FieldType => ({ kind: 'array', items: { kind: 'hex', bytes }, description }),
  /** A list of structural integers (e.g. choice bits 0/1). */
  sizes: (description?: string): FieldType => ({ kind: 'array', items: { kind: 'size' }, description }),
  /** A list of real numbers. */
  reals: (description?: string): FieldType => ({ kind: 'array', items: { kind: 'real' }, description }),
} as const;

const CODES: Record<DelphiErrorCode, true> = {
  INVALID_ARGUMENT: true,
  INVALID_PARAMETERS: true,
  INSECURE_PARAMETERS: true,
  MALFORMED_INPUT: true,
  SIZE_MISMATCH: true,
  OUT_OF_RANGE: true,
  PROTOCOL_ERROR: true,
  TRANSPORT_ERROR: true,
  UNSUPPORTED: true,
};

/** Every error code an invalid test may name (§1.4). Spec: §12.1 */
export const VECTOR_ERROR_CODES: readonly DelphiErrorCode[] = Object.freeze(Object.keys(CODES) as DelphiErrorCode[]);

/** Splits a {@link Fields} key into the member name and whether it is optional. Spec: §12.1 */
export function fieldName(key: string): { name: string; optional: boolean } {
  return key.endsWith('?') ? { name: key.slice(0, -1), optional: true } : { name: key, optional: false };
}
