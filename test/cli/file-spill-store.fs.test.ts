/**
 * The CLI's file spill store (§9.14.6) against a Map of copies: every get returns the bytes put
 * under its handle, after other puts, frees and reuse of freed space; the file is gone from the
 * directory while open (unlinked); a freed handle throws.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSpillStore } from '../../src/cli/file-spill-store.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function same(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('FileSpillStore', () => {
  it('returns what was put, through frees and reuse; the file is unlinked; freed handles throw', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'delphi-spill-test-'));
    dirs.push(dir);
    const store = new FileSpillStore(dir);
    expect(readdirSync(dir)).toEqual([]);
    const rng = fromTextSeed('spill/file');
    const model = new Map<number, Uint32Array>();
    for (let round = 0; round < 60; round++) {
      const size = [1, 7, 4096, 5000][uniformBelow(rng, 4)];
      const words = Uint32Array.from({ length: size }, () => uniformBelow(rng, 2 ** 32));
      const h = store.put(words);
      model.set(h, words.slice());
      words.fill(0); // the store keeps a copy
      if (uniformBelow(rng, 3) === 0) {
        const victim = [...model.keys()][uniformBelow(rng, model.size)];
        store.free(victim);
        model.delete(victim);
        expect(() => store.get(victim)).toThrow(InvalidArgumentError);
      }
      for (const [k, v] of model) expect(same(store.get(k), v), `handle ${k}`).toBe(true);
      expect(store.bytes).toBe([...model.values()].reduce((s, v) => s + v.byteLength, 0));
    }
    store.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});
