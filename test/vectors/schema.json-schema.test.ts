/**
 * Every committed vector file against vectors/schema/vectors.v1.schema.json, checked with an
 * independent JSON Schema validator (Ajv, via test/helpers/json-schema.ts); plus the envelope rules the
 * schema cannot express (tcIds, numberOfTests, flags explained in notes). The validator itself is
 * shown to reject broken documents, so these checks can fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vectorFilesSchema, VECTOR_FAMILIES } from '../../src/vectors/index.js';
import { allTests, listVectorFiles, loadVectors, VECTORS_DIR } from './helpers/files.js';
import { validateJsonSchema } from '../helpers/json-schema.js';

const schemaText = readFileSync(join(VECTORS_DIR, 'schema/vectors.v1.schema.json'), 'utf8');
const schema = JSON.parse(schemaText) as Record<string, unknown>;
const files = listVectorFiles();

describe('vectors/schema/vectors.v1.schema.json', () => {
  it('is the schema the families declare (regenerated, byte for byte)', () => {
    expect(schemaText).toBe(vectorFilesSchema().text);
  });

  it('lists every file of every family, and nothing else is committed', () => {
    const declared = VECTOR_FAMILIES.flatMap((f) => f.files.map((g) => g.path)).sort();
    expect(files).toEqual(declared);
  });

  for (const path of files) {
    it(`${path} validates against the schema and numbers its tests`, () => {
      const doc = loadVectors(path);
      expect(validateJsonSchema(schema, doc)).toEqual([]);
      const tests = allTests(doc);
      expect(doc.numberOfTests).toBe(tests.length);
      expect(tests.map((t) => t.test.tcId)).toEqual(tests.map((_, i) => i + 1));
      const used = new Set(tests.flatMap((t) => t.test.flags));
      for (const flag of used) expect(doc.notes, `flag ${flag} of ${path}`).toHaveProperty(flag);
      for (const flag of Object.keys(doc.notes)) expect(used.has(flag), `note ${flag} of ${path} is never used`).toBe(true);
      for (const { test } of tests) {
        if (test.result === 'invalid') expect(test.error).toMatch(/^[A-Z_]+$/);
        else expect(test.output).toBeTypeOf('object');
      }
    });
  }
});

describe('the validator rejects broken files', () => {
  const doc = loadVectors('random/chacha20-rng.v1.json');
  const broken = (edit: (d: typeof doc) => void): string[] => {
    const copy = structuredClone(doc);
    edit(copy);
    return validateJsonSchema(schema, copy);
  };

  it('accepts the unmodified file', () => {
    expect(broken(() => {})).toEqual([]);
  });

  it('rejects a missing envelope member, an unknown member and a wrong algorithm', () => {
    expect(broken((d) => delete (d as Record<string, unknown>).notes)).not.toEqual([]);
    expect(broken((d) => ((d as Record<string, unknown>).extra = 1))).not.toEqual([]);
    expect(broken((d) => (d.algorithm = 'NoSuchAlgorithm'))).not.toEqual([]);
  });

  it('rejects a test with a mistyped member, a non-decimal integer, upper-case hex, or both output and error', () => {
    const t = () => doc.testGroups[0].tests[0];
    expect(t().result).toBe('valid');
    expect(broken((d) => (d.testGroups[0].tests[0].input.offset = '0'))).not.toEqual([]);
    const seed = doc.testGroups[0].tests[1].input.seed as string;
    expect(seed).toMatch(/[a-f]/);
    expect(broken((d) => (d.testGroups[0].tests[1].input.seed = seed.toUpperCase()))).not.toEqual([]);
    expect(broken((d) => (d.testGroups[0].tests[0].output.uint32[0] = '0x10'))).not.toEqual([]);
    expect(broken((d) => (d.testGroups[0].tests[0].output.uint32[0] = '007'))).not.toEqual([]);
    expect(broken((d) => (d.testGroups[0].tests[0].error = 'OUT_OF_RANGE'))).not.toEqual([]);
    expect(broken((d) => delete d.testGroups[0].tests[0].output)).not.toEqual([]);
    expect(broken((d) => (d.testGroups[0].tests[0].result = 'invalid'))).not.toEqual([]);
  });

  it('rejects a group whose type belongs to another algorithm', () => {
    const other = listVectorFiles().map(loadVectors).find((d) => d.algorithm !== doc.algorithm);
    expect(other).toBeDefined();
    expect(broken((d) => (d.testGroups[0] = other!.testGroups[0]))).not.toEqual([]);
  });
});
