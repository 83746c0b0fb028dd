/**
 * vectors/README.md against the files it describes: every file is in the table with its algorithm,
 * test count and sections; the families, the fixed AES key and the gzip remark are current.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXED_AES_KEY } from '../../src/hash/index.js';
import { VECTOR_FAMILIES } from '../../src/vectors/index.js';
import { listVectorFiles, loadVectors, tohex, VECTORS_DIR } from './helpers/files.js';
import { existsSync } from 'node:fs';

const readme = readFileSync(join(VECTORS_DIR, 'README.md'), 'utf8');

describe('vectors/README.md', () => {
  for (const path of listVectorFiles()) {
    it(`describes ${path}`, () => {
      const doc = loadVectors(path);
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
      expect(row, `no table row for ${path}`).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(cells[2]).toBe(doc.algorithm);
      expect(Number(cells[3])).toBe(doc.numberOfTests);
    });
  }

  it('names every family and the fixed AES key', () => {
    const line = readme.split('\n').find((l) => l.startsWith('Families:'))!;
    expect([...line.matchAll(/`([a-z]+)`/g)].map((m) => m[1])).toEqual(VECTOR_FAMILIES.map((f) => f.name));
    expect(readme).toContain(tohex(FIXED_AES_KEY));
  });

  it('says whether any file is gzipped', () => {
    const gz = listVectorFiles().filter((p) => existsSync(join(VECTORS_DIR, `${p}.gz`)));
    expect(readme.includes('none is at present')).toBe(gz.length === 0);
  });
});
