/**
 * Test-vector generation benchmarks. Run: `npx vitest bench --run bench/vectors.bench.ts`.
 *
 * One iteration generates every file of a family from the default seed (what the fresh-generation
 * test does for each family), or formats / parses the largest file. The costs are dominated by the
 * cryptography being recorded (128 base OTs per OT-extension session, BFV keys), not by the
 * vector code itself.
 */
import { bench, describe } from 'vitest';
import { formatVectorJson, generateVectorFiles, VECTOR_FAMILIES, type JsonValue } from '../src/vectors/index.js';

const OPTS = { warmupTime: 0, warmupIterations: 1, iterations: 3, time: 0 };

describe('generate one family (all its files)', () => {
  for (const family of VECTOR_FAMILIES) {
    bench(family.name, async () => {
      await generateVectorFiles({ family: family.name });
    }, OPTS);
  }
});

const [ntt] = await generateVectorFiles({ family: 'ntt' });

describe(`canonical JSON of math/ntt.v1.json (${(ntt.text.length / 1e6).toFixed(2)} MB)`, () => {
  bench('formatVectorJson', () => {
    formatVectorJson(ntt.file as unknown as JsonValue);
  }, { ...OPTS, iterations: 10 });
  bench('JSON.parse', () => {
    JSON.parse(ntt.text);
  }, { ...OPTS, iterations: 10 });
});
