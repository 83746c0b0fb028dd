/**
 * IDX files (the MNIST distribution format, http://yann.lecun.com/exdb/mnist/): a big-endian
 * header — magic 0x00000803 (2051) for images with count, rows, cols; 0x00000801 (2049) for
 * labels with count — followed by one unsigned byte per pixel or label. Parsers take bytes, so
 * they run in browsers; src/cli/mnist.ts reads the files in Node.
 *
 * Spec: §8.13
 * @module
 */
import { InvalidArgumentError, MalformedInputError } from '../errors.js';

/** Magic number of an IDX image file (unsigned byte data, 3 dimensions). Spec: §8.13 */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX label file (unsigned byte data, 1 dimension). Spec: §8.13 */
export const IDX_LABELS_MAGIC = 2049;

/** Parsed IDX images: `pixels` holds count·rows·cols bytes, image after image, row-major. */
export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array;
}

/** Options of the IDX parsers. */
export interface IdxOptions {
  /**
   * Read only the first `limit` items; the bytes may then end after them (a partial read of a
   * large file). Without it the byte length must match the header exactly.
   */
  limit?: number;
}

function header(bytes: Uint8Array, words: number, magic: number, what: string): number[] {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`${what}: expected a Uint8Array`);
  if (bytes.length < 4 * words) throw new MalformedInputError(`${what}: ${bytes.length} bytes is shorter than the ${4 * words}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = Array.from({ length: words }, (_, i) => view.getUint32(4 * i, false));
  if (out[0] !== magic) {
    throw new MalformedInputError(`${what}: magic number is ${out[0]}, expected ${magic}`);
  }
  return out;
}

function take(count: number, options: IdxOptions, what: string): number {
  if (options.limit === undefined) return count;
  if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
    throw new InvalidArgumentError(`${what}: limit must be a non-negative integer, got ${options.limit}`);
  }
  return Math.min(count, options.limit);
}

function checkLength(actual: number, headerBytes: number, itemBytes: number, count: number, n: number, limited: boolean, what: string): void {
  const expected = headerBytes + count * itemBytes;
  const needed = headerBytes + n * itemBytes;
  if (limited ? actual < needed || actual > expected : actual !== expected) {
    throw new MalformedInputError(
      `${what}: ${actual} bytes, but the header announces ${count} items (${expected} bytes)` +
        (limited ? ` and ${n} were requested (${needed} bytes)` : ''),
    );
  }
}

/** Parses an IDX image file (magic 2051). Throws {@link MalformedInputError} on a bad magic or length. Spec: §8.13 */
export function parseIdxImages(bytes: Uint8Array, options: IdxOptions = {}): IdxImages {
  const [, count, rows, cols] = header(bytes, 4, IDX_IMAGES_MAGIC, 'IDX images');
  if (rows === 0 || cols === 0) throw new MalformedInputError(`IDX images: ${rows}×${cols} images`);
  const n = take(count, options, 'IDX images');
  const size = rows * cols;
  checkLength(bytes.length, 16, size, count, n, options.limit !== undefined, 'IDX images');
  return { count: n, rows, cols, pixels: bytes.slice(16, 16 + n * size) };
}

/** Parses an IDX label file (magic 2049). Throws {@link MalformedInputError} on a bad magic or length. Spec: §8.13 */
export function parseIdxLabels(bytes: Uint8Array, options: IdxOptions = {}): Uint8Array {
  const [, count] = header(bytes, 2, IDX_LABELS_MAGIC, 'IDX labels');
  const n = take(count, options, 'IDX labels');
  checkLength(bytes.length, 8, 1, count, n, options.limit !== undefined, 'IDX labels');
  return bytes.slice(8, 8 + n);
}

/** Image `index` as a [1, rows, cols] tensor with pixels divided by 255 (values in [0, 1]). Spec: §8.13 */
export function normalizeIdxImage(images: IdxImages, index: number): Float32Array {
  if (!Number.isSafeInteger(index) || index < 0 || index >= images.count) {
    throw new InvalidArgumentError(`image index ${index} is outside [0, ${images.count})`);
  }
  const size = images.rows * images.cols;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = images.pixels[index * size + i] / 255;
  return out;
}
