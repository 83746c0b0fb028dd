/**
 * Builds the JSON Schema (draft 2020-12) of the vector files from the families' declarations:
 * the envelope of §12.1, one `$defs` entry per group type and per test type, and an `if`/`then`
 * per algorithm that restricts its groups to the declared types.
 *
 * Spec: §12.1
 * @module
 */
import { InvalidParametersError } from '../errors.js';
import { fieldName, VECTOR_ERROR_CODES, type AlgorithmSpec, type Fields, type FieldType } from './fields.js';
import { VECTOR_FORMAT_VERSION, VECTOR_SCHEMA_NAME, type JsonObject } from './format.js';

const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]*)$';
const HEX_PATTERN = '^([0-9a-f]{2})*$';

function typeSchema(t: FieldType): JsonObject {
  const doc: JsonObject = t.description ? { description: t.description } : {};
  switch (t.kind) {
    case 'int':
      return { $ref: '#/$defs/decimal', ...doc };
    case 'hex':
      return t.bytes === undefined
        ? { $ref: '#/$defs/hex', ...doc }
        : { $ref: '#/$defs/hex', minLength: 2 * t.bytes, maxLength: 2 * t.bytes, ...doc };
    case 'size':
      return { type: 'integer', minimum: 0, ...doc };
    case 'integer':
      return { type: 'integer', ...doc };
    case 'real':
      return { $ref: '#/$defs/real', ...doc };
    case 'string':
      return { type: 'string', ...doc };
    case 'boolean':
      return { type: 'boolean', ...doc };
    case 'enum':
      return { enum: [...t.values], ...doc };
    case 'array':
      return { type: 'array', items: typeSchema(t.items), ...doc };
    case 'object':
      return { ...objectSchema(t.fields), ...doc };
  }
}

function objectSchema(fields: Fields): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const [key, t] of Object.entries(fields)) {
    const { name, optional } = fieldName(key);
    properties[name] = typeSchema(t);
    if (!optional) required.push(name);
  }
  return { type: 'object', required, additionalProperties: false, properties };
}

/**
 * The JSON Schema of every vector file of the given algorithms (by default those of all families).
 * Spec: §12.1
 */
export function vectorSchema(algorithms: readonly AlgorithmSpec[]): JsonObject {
  const defs: JsonObject = {
    decimal: { description: 'an integer as a decimal string (§12.2)', type: 'string', pattern: DECIMAL_PATTERN },
    hex: { description: 'a byte string in lowercase hexadecimal (§12.2)', type: 'string', pattern: HEX_PATTERN },
    real: {
      description: 'a real number; the values JSON cannot write are strings (§12.2)',
      oneOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity', '-0'] }],
    },
  };
  const seen = new Set<string>();
  const rules: JsonObject[] = [];
  for (const spec of algorithms) {
    const refs: JsonObject[] = [];
    for (const g of spec.groups) {
      if (seen.has(g.type) || g.type in defs) throw new InvalidParametersError(`vector group type ${g.type} is declared twice`);
      seen.add(g.type);
      const test: JsonObject = {
        description: `one test of a ${g.type} group`,
        type: 'object',
        required: ['tcId', 'comment', 'flags', 'result', 'input'],
        additionalProperties: false,
        properties: {
          tcId: { type: 'integer', minimum: 1 },
          comment: { type: 'string' },
          flags: { type: 'array', items: { type: 'string' } },
          result: { enum: ['valid', 'invalid'] },
          input: objectSchema(g.input),
          ...(g.intermediate ? { intermediate: objectSchema(g.intermediate) } : {}),
          ...(g.output ? { output: objectSchema(g.output) } : {}),
          error: { enum: [...VECTOR_ERROR_CODES] },
        },
        if: { properties: { result: { const: 'valid' } } },
        then: g.output ? { required: ['output'], not: { required: ['error'] } } : { not: { required: ['error'] } },
        else: { required: ['error'], not: { anyOf: [{ required: ['output'] }, { required: ['intermediate'] }] } },
      };
      defs[`${g.type}Test`] = test;
      defs[g.type] = {
        description: g.description,
        type: 'object',
        required: ['type', 'params', 'tests'],
        additionalProperties: false,
        properties: {
          type: { const: g.type },
          params: objectSchema(g.params),
          tests: { type: 'array', minItems: 1, items: { $ref: `#/$defs/${g.type}Test` } },
        },
      };
      refs.push({ $ref: `#/$defs/${g.type}` });
    }
    rules.push({
      if: { required: ['algorithm'], properties: { algorithm: { const: spec.algorithm } } },
      then: { properties: { testGroups: { items: { oneOf: refs } } } },
    });
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://delphi-ts.invalid/vectors/schema/${VECTOR_SCHEMA_NAME}`,
    title: 'delphi-ts test vectors, format version 1',
    description:
      'Wycheproof-style test-vector files of delphi-ts (spec §12). Integers that are data are decimal strings, ' +
      'byte strings lowercase hex, polynomials and vectors are listed from index 0 up.',
    type: 'object',
    required: [
      'schema', 'formatVersion', 'algorithm', 'generatorSeed', 'numberOfTests', 'specSections', 'header', 'notes', 'testGroups',
    ],
    additionalProperties: false,
    properties: {
      schema: { const: VECTOR_SCHEMA_NAME },
      formatVersion: { const: VECTOR_FORMAT_VERSION },
      algorithm: { enum: algorithms.map((a) => a.algorithm) },
      generatorSeed: { $ref: '#/$defs/hex', minLength: 64, maxLength: 64 },
      numberOfTests: { type: 'integer', minimum: 1 },
      specSections: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^§[0-9]+(\\.[0-9]+)*$' } },
      header: { type: 'array', items: { type: 'string' } },
      notes: { type: 'object', additionalProperties: { type: 'string' } },
      testGroups: { type: 'array', minItems: 1 },
    },
    allOf: rules,
    $defs: defs,
  };
}
