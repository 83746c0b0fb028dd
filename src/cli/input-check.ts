/**
 * The checks `delphi infer` runs on its input before it opens a connection (§11.7): the file
 * exists and is a regular file of at most {@link MAX_PRECHECK_FILE_BYTES}; a PNG's header
 * dimensions are read and bounded before anything is decoded; the decoded tensor has a supported
 * shape; and every value is finite and within the fixed-point range the share field leaves at the
 * given precision. A bad input then costs the server nothing and fails with a one-line message.
 *
 * Spec: §11.7
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { MalformedInputError, OutOfRangeError } from '../errors.js';
import { P } from '../math/share-field.js';
import { MAX_INPUT_FILE_BYTES, parseInputTensor, type InputTensor, type LoadInputOptions } from './image.js';
import { isPng, PNG_SIGNATURE } from './png.js';

/** Largest input file read before connecting (16 MiB: a JSON tensor of ~1M values, or a large PNG). Spec: §11.7 */
export const MAX_PRECHECK_FILE_BYTES = Math.min(16 * 2 ** 20, MAX_INPUT_FILE_BYTES);

/** Largest PNG, in pixels, decoded for an input (2^22, e.g. 2048 × 2048); checked on the IHDR header. Spec: §11.7 */
export const MAX_PRECHECK_PIXELS = 2 ** 22;

/** Fractional bits assumed before the server's architecture is known (the library default). */
export const PRECHECK_FRACTIONAL_BITS = 8;

/**
 * Largest |value| of an input with `size` elements at `fractionalBits` of precision: beyond it,
 * even one linear layer with weights of magnitude ≤ 1 can leave ±(p − 1)/2, since a product has
 * scale 2^(2f) and `size` of them are summed: (p − 1)/2 / (2^(2f) · size). Spec: §11.7
 */
export function maxInputMagnitude(size: number, fractionalBits: number): number {
  return (P - 1) / 2 / (2 ** (2 * fractionalBits) * Math.max(1, size));
}

/** Options of {@link precheckInput}. */
export interface PrecheckOptions extends Omit<LoadInputOptions, 'expectedShape' | 'maxPixels'> {
  /** Fixed-point precision for the range check (default {@link PRECHECK_FRACTIONAL_BITS}). */
  fractionalBits?: number;
}

/** A checked input: the file's bytes (parsed again against the model's shape later) and the tensor. */
export interface CheckedInput {
  readonly bytes: Uint8Array;
  readonly tensor: InputTensor;
}

/**
 * Reads and checks the input file at `path` before any network traffic (Spec: §11.7). Errors:
 * the file system's own error (with its code, e.g. ENOENT, EISDIR) for a missing file or a
 * directory; {@link OutOfRangeError} for a file or PNG that is too large or a value outside the
 * fixed-point range; {@link MalformedInputError} for anything that is neither a PNG nor a JSON tensor.
 */
export async function precheckInput(path: string, options: PrecheckOptions = {}): Promise<CheckedInput> {
  const info = await stat(path);
  if (info.isFile() && info.size > MAX_PRECHECK_FILE_BYTES) {
    throw new OutOfRangeError(`${path} has ${info.size} bytes, more than the ${MAX_PRECHECK_FILE_BYTES}-byte limit for an input`);
  }
  const bytes = new Uint8Array(await readFile(path)); // a directory fails here with EISDIR
  if (bytes.length > MAX_PRECHECK_FILE_BYTES) {
    throw new OutOfRangeError(`${path} has more than the ${MAX_PRECHECK_FILE_BYTES}-byte limit for an input`);
  }
  if (isPng(bytes)) checkPngHeader(bytes, path);
  const { fractionalBits = PRECHECK_FRACTIONAL_BITS, ...imageOptions } = options;
  const tensor = parseInputTensor(bytes, { ...imageOptions, maxPixels: MAX_PRECHECK_PIXELS });
  checkInputRange(tensor, fractionalBits, path);
  return { bytes, tensor };
}

/**
 * Reads width and height from a PNG's IHDR (the first chunk) and refuses an image above
 * {@link MAX_PRECHECK_PIXELS} before a byte of it is decompressed. Spec: §11.7
 */
export function checkPngHeader(bytes: Uint8Array, what = 'input'): { width: number; height: number } {
  const at = PNG_SIGNATURE.length;
  const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
  if (bytes.length < at + 8 + 13 || type !== 'IHDR') throw new MalformedInputError(`${what}: PNG without an IHDR header chunk`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at + 8, 8);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  if (width * height > MAX_PRECHECK_PIXELS) {
    throw new OutOfRangeError(`${what}: PNG of ${width}×${height} pixels exceeds the input limit of ${MAX_PRECHECK_PIXELS} pixels`);
  }
  return { width, height };
}

/**
 * Throws {@link OutOfRangeError} naming the first value that is not finite or exceeds
 * {@link maxInputMagnitude} for the tensor's size at `fractionalBits`. Spec: §11.7
 */
export function checkInputRange(tensor: InputTensor, fractionalBits: number, what = 'input'): void {
  const bound = maxInputMagnitude(tensor.data.length, fractionalBits);
  for (let i = 0; i < tensor.data.length; i++) {
    const v = tensor.data[i];
    if (!Number.isFinite(v) || Math.abs(v) > bound) {
      throw new OutOfRangeError(
        `${what}: value ${v} at index ${i} is outside the fixed-point range ±${bound >= 1 ? Math.floor(bound) : bound.toPrecision(4)} ` +
          `(${tensor.data.length} values at ${fractionalBits} fractional bits)`,
      );
    }
  }
}
