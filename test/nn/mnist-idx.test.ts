/**
 * The IDX parsers and the MNIST loader (§8.13) against known facts of the MNIST distribution
 * (LeCun, Cortes, Burges): 60,000 training and 10,000 test images of 28×28, first training
 * label 5, first test label 7 — and against pixel sums computed here from the raw file bytes.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedInputError } from '../../src/errors.js';
import { normalizeIdxImage, parseIdxImages, parseIdxLabels } from '../../src/nn/index.js';
import { defaultMnistDirectory, loadMnist } from '../../src/cli/mnist.js';

const dir = defaultMnistDirectory();

/** The first `n` bytes of a file, read without the code under test. */
function head(file: string, n: number): Uint8Array {
  const fd = openSync(`${dir}/${file}`, 'r');
  try {
    const buf = new Uint8Array(n);
    readSync(fd, buf, 0, n, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Header with a given magic, count, rows, cols, followed by `body`. */
function idx(magic: number, dims: number[], body: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

describe('MNIST', () => {
  it('test split: 10,000 28×28 images, first label 7', async () => {
    const test = await loadMnist({ split: 'test' });
    expect(test.images.length).toBe(10000);
    expect(test.labels.length).toBe(10000);
    expect([test.rows, test.cols]).toEqual([28, 28]);
    expect(test.labels[0]).toBe(7);
    expect(Math.max(...test.labels)).toBe(9);
    expect(test.images[0].length).toBe(784);
    // Pixel sum of the first image, from the raw bytes (16-byte header, then 784 pixels).
    const raw = head('t10k-images-idx3-ubyte', 16 + 784).subarray(16);
    const rawSum = raw.reduce((a, b) => a + b, 0);
    expect(rawSum).toBeGreaterThan(0);
    const sum = test.images[0].reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - rawSum / 255)).toBeLessThan(1e-3);
    test.images[0].forEach((v, i) => expect(v).toBeCloseTo(raw[i] / 255, 6));
  });

  it('train split: 60,000 images (header), first label 5, a limited load reads a prefix', async () => {
    const header = new DataView(head('train-images-idx3-ubyte', 16).buffer);
    expect([header.getUint32(0), header.getUint32(4), header.getUint32(8), header.getUint32(12)]).toEqual([2051, 60000, 28, 28]);
    expect(new DataView(head('train-labels-idx1-ubyte', 8).buffer).getUint32(4)).toBe(60000);
    const train = await loadMnist({ split: 'train', limit: 3 });
    expect(train.images.length).toBe(3);
    expect(Array.from(train.labels)).toEqual(Array.from(head('train-labels-idx1-ubyte', 11).subarray(8)));
    expect(train.labels[0]).toBe(5);
    const raw = head('train-images-idx3-ubyte', 16 + 784).subarray(16);
    expect(train.images[0].reduce((a, b) => a + b, 0)).toBeCloseTo(raw.reduce((a, b) => a + b, 0) / 255, 3);
  });

  it('loadMnist validates its options', async () => {
    await expect(loadMnist({ split: 'validation' as 'test' })).rejects.toThrow(InvalidArgumentError);
    await expect(loadMnist({ split: 'test', limit: -1 })).rejects.toThrow(/limit/);
    await expect(loadMnist({ split: 'test', directory: '/nonexistent' })).rejects.toThrow();
  });
});

describe('IDX parsing', () => {
  it('parses small files', () => {
    const images = parseIdxImages(idx(2051, [2, 2, 3], [0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect([images.count, images.rows, images.cols]).toEqual([2, 2, 3]);
    expect(Array.from(normalizeIdxImage(images, 0))).toEqual([0, 1, 1 / 255, 2 / 255, 3 / 255, 4 / 255].map(Math.fround));
    expect(Array.from(parseIdxLabels(idx(2049, [3], [7, 2, 1])))).toEqual([7, 2, 1]);
    expect(parseIdxImages(idx(2051, [2, 1, 2], [1, 2, 3]), { limit: 1 }).pixels).toEqual(Uint8Array.of(1, 2));
    expect(() => normalizeIdxImage(images, 2)).toThrow(InvalidArgumentError);
  });

  it('rejects wrong magic numbers, short headers and wrong lengths', () => {
    expect(() => parseIdxImages(idx(2049, [1, 1, 1], [0]))).toThrow(/magic number is 2049, expected 2051/);
    expect(() => parseIdxLabels(idx(2051, [1], [0]))).toThrow(/magic number is 2051, expected 2049/);
    expect(() => parseIdxImages(Uint8Array.of(0, 0, 8, 3))).toThrow(/shorter than the 16-byte header/);
    expect(() => parseIdxImages(idx(2051, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7]))).toThrow(MalformedInputError);
    expect(() => parseIdxLabels(idx(2049, [2], [1, 2, 3]))).toThrow(/3 bytes|11 bytes/);
    expect(() => parseIdxImages(idx(2051, [2, 1, 2], [1]), { limit: 1 })).toThrow(/requested/);
    expect(() => parseIdxImages(idx(2051, [1, 0, 2], []))).toThrow(/0×2/);
    expect(() => parseIdxLabels([1, 2] as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });
});
