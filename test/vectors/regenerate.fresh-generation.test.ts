/**
 * The committed vectors/ are exactly what `delphi vectors generate --out vectors` produces from the
 * default seed: every family is regenerated here and compared text for text (gzip files are
 * compared after decompression, since gzip bytes may differ between zlib builds).
 */
import { describe, expect, it } from 'vitest';
import { generateVectorFiles, VECTOR_FAMILIES } from '../../src/vectors/index.js';
import { readVectorText } from './helpers/files.js';

/** Index and length of the first difference, to keep failure messages short for large files. */
function firstDifference(a: string, b: string): string {
  if (a === b) return 'equal';
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const line = a.slice(0, i).split('\n').length;
  return `differs at line ${line}: committed ${JSON.stringify(b.slice(i, i + 60))}, generated ${JSON.stringify(a.slice(i, i + 60))}`;
}

describe('fresh generation equals the committed files', () => {
  for (const family of VECTOR_FAMILIES) {
    it(`family ${family.name}`, async () => {
      const files = await generateVectorFiles({ family: family.name });
      expect(files.map((f) => f.path)).toEqual(family.files.map((f) => f.path));
      for (const f of files) {
        expect(firstDifference(f.text, readVectorText(f.path)), f.path).toBe('equal');
      }
    });
  }

  it('is deterministic and depends on the seed', async () => {
    const [a] = await generateVectorFiles({ family: 'random' });
    const [b] = await generateVectorFiles({ family: 'random' });
    const [c] = await generateVectorFiles({ family: 'random', seed: new Uint8Array(32).fill(7) });
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
    expect(c.file.generatorSeed).toBe('07'.repeat(32));
  });
});
