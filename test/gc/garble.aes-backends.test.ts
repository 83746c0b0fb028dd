/**
 * Garbling and evaluation with the TypeScript AES and with OpenSSL's (§5.1) give byte-identical
 * tables, decoding bits and output labels, on ReLU batches large enough for several chunks of either
 * backend, and the decoded outputs equal the plaintext ReLU (§5.8).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateRelus, garbleRelus, reluClientLabels, reluReference, reluServerLabels } from '../../src/gc/relu.js';
import { setAesBackend } from '../../src/hash/index.js';
import { P } from '../../src/math/share-field.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

afterEach(() => setAesBackend('auto'));

describe('half gates with either AES backend', () => {
  it('400 ReLUs: same tables, labels and outputs; outputs equal reluReference', () => {
    const n = 400;
    const pick = (seed: string) => {
      const r = fromTextSeed(seed);
      return Float64Array.from({ length: n }, () => uniformBelow(r, P));
    };
    const [c, s, m] = [pick('backends/c'), pick('backends/s'), pick('backends/m')];
    const run = (backend: 'typescript' | 'node-crypto') => {
      setAesBackend(backend);
      const g = garbleRelus(n, fromTextSeed('backends/garble'), { firstGateId: 2 ** 40 - 77 });
      const out = evaluateRelus({}, g.garbled, reluServerLabels(g, s, m), reluClientLabels(g, c));
      return { tables: g.garbled.tables, decoding: g.garbled.decoding, out };
    };
    const ts = run('typescript');
    const ossl = run('node-crypto');
    expect(Buffer.from(ossl.tables.buffer).equals(Buffer.from(ts.tables.buffer))).toBe(true);
    expect(ossl.decoding).toEqual(ts.decoding);
    expect(ossl.out).toEqual(ts.out);
    for (let i = 0; i < n; i++) expect(ts.out[i]).toBe(reluReference(c[i], s[i], m[i]));
  });
});
