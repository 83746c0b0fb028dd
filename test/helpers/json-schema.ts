/**
 * JSON Schema (draft 2020-12) validation for the tests, by Ajv: an implementation written
 * independently of the generators and parsers the tests cross-check. Strict schema mode is on, so a schema
 * that uses an unknown keyword fails to compile instead of passing unchecked.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type Schema = { [k: string]: unknown };

const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
const compiled = new WeakMap<Schema, ValidateFunction>();

/** Violations of `schema` by `value`, one line each (`$path: message`); empty when valid. */
export function validateJsonSchema(schema: Schema, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `$${e.instancePath.replaceAll('/', '.')}: ${e.message ?? e.keyword}`);
}
