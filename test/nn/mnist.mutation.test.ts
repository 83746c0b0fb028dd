/**
 * The IDX parsers of src/nn/mnist.ts (§8.13) on hand-built files: big-endian header words read from a
 * view at an offset, the exact error of each check (argument type, short header, magic, empty image
 * size, limit, byte length with and without a limit, at each boundary), the items returned as copies,
 * and normalizeIdxImage's index range and pixel scaling.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError } from '../../src/errors.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, normalizeIdxImage, parseIdxImages, parseIdxLabels } from '../../src/nn/mnist.js';

/** Big-endian header words followed by `body`. */
function idx(words: number[], body: number[]): Uint8Array {
  const out = new Uint8Array(4 * words.length + body.length);
  words.forEach((w, i) => out.set([w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255], 4 * i));
  out.set(body, 4 * words.length);
  return out;
}
const images = (count: number, rows: number, cols: number, body: number[]) => idx([2051, count, rows, cols], body);
const labels = (count: number, body: number[]) => idx([2049, count], body);
const malformed = (f: () => unknown, message: string) => expect(f).toThrow(new MalformedInputError(message));
const invalid = (f: () => unknown, message: string) => expect(f).toThrow(new InvalidArgumentError(message));

describe('parseIdxImages', () => {
  it('reads the big-endian header and the pixels, image after image', () => {
    expect(IDX_IMAGES_MAGIC).toBe(0x0803);
    const file = images(2, 2, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const out = parseIdxImages(file);
    expect([out.count, out.rows, out.cols]).toEqual([2, 2, 3]);
    expect(Array.from(out.pixels)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // a copy: changing the file afterwards does not change the images
    file[16] = 99;
    expect(out.pixels[0]).toBe(1);
    // counts and sizes above one byte
    const big = parseIdxImages(images(1, 0x101, 1, new Array(0x101).fill(7)));
    expect([big.count, big.rows, big.cols, big.pixels.length]).toEqual([1, 257, 1, 257]);
    // the header alone, for zero images
    expect(parseIdxImages(images(0, 28, 28, [])).count).toBe(0);
  });

  it('reads a view at an offset into a larger buffer', () => {
    const file = images(1, 1, 2, [5, 6]);
    const backing = new Uint8Array(file.length + 7).fill(0xee);
    backing.set(file, 3);
    const out = parseIdxImages(backing.subarray(3, 3 + file.length));
    expect([out.count, out.rows, out.cols, ...out.pixels]).toEqual([1, 1, 2, 5, 6]);
  });

  it('refuses a non-Uint8Array, a short header, a wrong magic and an empty image size', () => {
    for (const bad of [[0, 0, 8, 3], new ArrayBuffer(16), null]) invalid(() => parseIdxImages(bad as unknown as Uint8Array), 'IDX images: expected a Uint8Array');
    malformed(() => parseIdxImages(images(0, 1, 1, []).subarray(0, 15)), 'IDX images: 15 bytes is shorter than the 16-byte header');
    malformed(() => parseIdxImages(new Uint8Array(0)), 'IDX images: 0 bytes is shorter than the 16-byte header');
    malformed(() => parseIdxImages(idx([2049, 0, 1, 1], [])), 'IDX images: magic number is 2049, expected 2051');
    malformed(() => parseIdxImages(idx([0x03080000, 0, 1, 1], [])), 'IDX images: magic number is 50855936, expected 2051');
    malformed(() => parseIdxImages(images(1, 0, 5, [])), 'IDX images: 0×5 images');
    malformed(() => parseIdxImages(images(1, 5, 0, [])), 'IDX images: 5×0 images');
  });

  it('without a limit the length must match exactly', () => {
    malformed(() => parseIdxImages(images(2, 1, 2, [1, 2, 3])), 'IDX images: 19 bytes, but the header announces 2 items (20 bytes)');
    malformed(() => parseIdxImages(images(2, 1, 2, [1, 2, 3, 4, 5])), 'IDX images: 21 bytes, but the header announces 2 items (20 bytes)');
    expect(parseIdxImages(images(2, 1, 2, [1, 2, 3, 4]), {}).count).toBe(2);
  });

  it('with a limit: the first images, the bytes may end after them but not before or past the file', () => {
    const file = images(3, 1, 2, [1, 2, 3, 4, 5, 6]);
    const two = parseIdxImages(file, { limit: 2 });
    expect([two.count, ...two.pixels]).toEqual([2, 1, 2, 3, 4]);
    expect(parseIdxImages(file, { limit: 0 }).pixels.length).toBe(0);
    const all = parseIdxImages(file, { limit: 10 });
    expect([all.count, ...all.pixels]).toEqual([3, 1, 2, 3, 4, 5, 6]);
    // a partial read: exactly the requested images
    const cut = parseIdxImages(file.subarray(0, 20), { limit: 2 });
    expect([cut.count, ...cut.pixels]).toEqual([2, 1, 2, 3, 4]);
    malformed(() => parseIdxImages(file.subarray(0, 19), { limit: 2 }), 'IDX images: 19 bytes, but the header announces 3 items (22 bytes) and 2 were requested (20 bytes)');
    malformed(() => parseIdxImages(images(3, 1, 2, [1, 2, 3, 4, 5, 6, 7]), { limit: 2 }), 'IDX images: 23 bytes, but the header announces 3 items (22 bytes) and 2 were requested (20 bytes)');
    for (const bad of [-1, 1.5, NaN, 2 ** 53, '2']) {
      invalid(() => parseIdxImages(file, { limit: bad as number }), `IDX images: limit must be a non-negative integer, got ${bad}`);
    }
  });
});

describe('parseIdxLabels', () => {
  it('reads the labels, as a copy', () => {
    expect(IDX_LABELS_MAGIC).toBe(0x0801);
    const file = labels(3, [5, 0, 4]);
    const out = parseIdxLabels(file);
    expect(Array.from(out)).toEqual([5, 0, 4]);
    file[8] = 9;
    expect(out[0]).toBe(5);
    expect(parseIdxLabels(labels(0, [])).length).toBe(0);
    const backing = new Uint8Array(20).fill(0xee);
    backing.set(labels(2, [7, 2]), 4);
    expect(Array.from(parseIdxLabels(backing.subarray(4, 14)))).toEqual([7, 2]);
    expect(parseIdxLabels(labels(0x100, new Array(0x100).fill(1))).length).toBe(256);
  });

  it('refuses what is not a label file, with its own name', () => {
    invalid(() => parseIdxLabels([0, 0, 8, 1] as unknown as Uint8Array), 'IDX labels: expected a Uint8Array');
    malformed(() => parseIdxLabels(labels(0, []).subarray(0, 7)), 'IDX labels: 7 bytes is shorter than the 8-byte header');
    malformed(() => parseIdxLabels(images(0, 1, 1, [])), 'IDX labels: magic number is 2051, expected 2049');
    malformed(() => parseIdxLabels(labels(2, [1])), 'IDX labels: 9 bytes, but the header announces 2 items (10 bytes)');
    malformed(() => parseIdxLabels(labels(2, [1, 2, 3])), 'IDX labels: 11 bytes, but the header announces 2 items (10 bytes)');
    invalid(() => parseIdxLabels(labels(1, [1]), { limit: -1 }), 'IDX labels: limit must be a non-negative integer, got -1');
  });

  it('with a limit', () => {
    const file = labels(3, [5, 0, 4]);
    expect(Array.from(parseIdxLabels(file, { limit: 2 }))).toEqual([5, 0]);
    expect(Array.from(parseIdxLabels(file.subarray(0, 10), { limit: 2 }))).toEqual([5, 0]);
    expect(Array.from(parseIdxLabels(file, { limit: 9 }))).toEqual([5, 0, 4]);
    expect(parseIdxLabels(file.subarray(0, 8), { limit: 0 }).length).toBe(0);
    malformed(() => parseIdxLabels(file.subarray(0, 9), { limit: 2 }), 'IDX labels: 9 bytes, but the header announces 3 items (11 bytes) and 2 were requested (10 bytes)');
    malformed(() => parseIdxLabels(labels(3, [5, 0, 4, 1]), { limit: 2 }), 'IDX labels: 12 bytes, but the header announces 3 items (11 bytes) and 2 were requested (10 bytes)');
  });
});

describe('normalizeIdxImage', () => {
  const set = parseIdxImages(images(2, 1, 3, [0, 51, 255, 102, 204, 1]));

  it('image index as a [1, rows, cols] tensor of pixel / 255', () => {
    const first = normalizeIdxImage(set, 0);
    expect(first).toBeInstanceOf(Float32Array);
    expect(Array.from(first)).toEqual(Array.from(Float32Array.of(0, 0.2, 1)));
    expect(Array.from(normalizeIdxImage(set, 1))).toEqual(Array.from(Float32Array.of(0.4, 0.8, 1 / 255)));
  });

  it('the index must be an integer in [0, count)', () => {
    for (const bad of [-1, 2, 3, 0.5, NaN, 2 ** 53]) invalid(() => normalizeIdxImage(set, bad), `image index ${bad} is outside [0, 2)`);
  });
});
