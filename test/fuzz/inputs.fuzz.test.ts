/**
 * fast-check fuzzing of the client's input readers (src/cli/png.ts, src/cli/image.ts,
 * src/cli/input-check.ts, the IDX reader of src/nn/mnist.ts; Spec: §8.13, §11.7): mutated PNG
 * files, JSON tensors and IDX files give a tensor or a typed error, never another exception; a
 * tensor that passes the pre-connection range check has only finite values within its bound.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../../src/cli/png.js';
import { parseInputTensor, parseJsonTensor } from '../../src/cli/image.js';
import { checkInputRange, checkPngHeader, maxInputMagnitude } from '../../src/cli/input-check.js';
import { parseIdxImages } from '../../src/nn/index.js';
import { fuzzParams, mutationsOf, parsesOrThrowsTyped, textMutationsOf } from './fuzz-helpers.js';

const dir = 'test/fixtures/png';
const pngs: Uint8Array[] = readdirSync(dir)
  .filter((f) => f.endsWith('.png'))
  .map((f) => new Uint8Array(readFileSync(join(dir, f))));
pngs.push(encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: Uint8Array.from({ length: 784 }, (_, i) => i & 255) }));

describe('input readers under fast-check', () => {
  it('PNG: typed errors only; the header check agrees with the decoder on the size', () => {
    fc.assert(
      fc.property(mutationsOf(pngs, 4096), (bytes) => {
        const r = parsesOrThrowsTyped(() => decodePng(bytes, { maxPixels: 2 ** 16 }));
        if (r.ok) {
          const header = parsesOrThrowsTyped(() => checkPngHeader(bytes));
          if (header.ok) expect(header.value).toEqual({ width: r.value.width, height: r.value.height });
        }
      }),
      fuzzParams(1000),
    );
  });

  it('input tensors (PNG or JSON), then the range check', () => {
    const json = [JSON.stringify({ shape: [1, 2, 2], data: [0, 0.5, 1, -1] }), JSON.stringify([[[0.25, 1e6], [3, 4]]]), '[1, 2, 3]'];
    fc.assert(
      fc.property(fc.oneof(mutationsOf(pngs.slice(-3), 2048), textMutationsOf(json).map((t) => new TextEncoder().encode(t))), (bytes) => {
        const r = parsesOrThrowsTyped(() => parseInputTensor(bytes, { maxPixels: 2 ** 16 }));
        if (!r.ok) return;
        const checked = parsesOrThrowsTyped(() => checkInputRange(r.value, 8));
        if (checked.ok) {
          const bound = maxInputMagnitude(r.value.data.length, 8);
          expect(r.value.data.every((v) => Number.isFinite(v) && Math.abs(v) <= bound)).toBe(true);
        }
      }),
      fuzzParams(1000),
    );
  });

  it('JSON tensors from arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 5 }), (text) => {
        parsesOrThrowsTyped(() => parseJsonTensor(text));
      }),
      fuzzParams(1000),
    );
  });

  it('IDX image files', () => {
    const idx = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8);
    fc.assert(
      fc.property(mutationsOf([idx], 64), (bytes) => {
        parsesOrThrowsTyped(() => parseIdxImages(bytes));
      }),
      fuzzParams(1000),
    );
  });
});
