/**
 * Input loading for `delphi infer --input FILE`: a PNG image or a JSON tensor becomes the CHW
 * float tensor the model takes. Pixels are scaled to [0, 1] (value / 255, or / 65535 for 16-bit
 * files) exactly as the MNIST loader does (Spec: §8.13), so a digit exported from the IDX files as
 * PNG gives the same input as the digit itself.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { InvalidArgumentError, MalformedInputError, SizeMismatchError } from '../errors.js';
import { checkShape, formatShape, MAX_TENSOR_SIZE, shapeSize, type Shape } from '../nn/tensor.js';
import { decodePng, isPng, type PngImage } from './png.js';

/** A model input: a [C, H, W] or [N] tensor, flat in row-major order. */
export interface InputTensor {
  readonly shape: Shape;
  readonly data: Float32Array;
  /** What it was made from, for messages ("PNG 28×28 grey, 8-bit" or "JSON tensor"). */
  readonly description: string;
  /** Lines worth telling the user: an automatic inversion, an input far from the model's statistics. */
  readonly notes?: readonly string[];
}

/** Mean and standard deviation of a model's training inputs, in [0, 1] pixel units. */
export interface InputStatistics {
  /** The data set, for messages ("MNIST"). */
  readonly name: string;
  readonly mean: number;
  readonly std: number;
}

/** MNIST's training-set pixel statistics (white digits on black): the inputs of the shipped models. Spec: §8.13 */
export const MNIST_INPUT_STATISTICS: InputStatistics = Object.freeze({ name: 'MNIST', mean: 0.1307, std: 0.3081 });

/** Mean brightness above which an image counts as having a light background (and is inverted by "auto"). */
export const LIGHT_BACKGROUND_MEAN = 0.5;

/** How an image becomes a tensor. */
export interface ImageToTensorOptions {
  /** Output channels: 1 (grey; colour is converted with the BT.601 luma weights) or 3 (RGB; grey is repeated). Default: 1 for grey images, 3 for colour ones. */
  channels?: 1 | 3;
  /** Colour behind transparent pixels (default "black", the background of MNIST digits). */
  background?: 'black' | 'white';
  /**
   * Map v to 1 − v after scaling, for dark digits drawn on a light background. "auto" inverts when
   * the mean brightness exceeds {@link LIGHT_BACKGROUND_MEAN} and adds a note saying so.
   * Default: false for {@link imageToTensor}, "auto" for {@link parseInputTensor}.
   */
  invert?: boolean | 'auto';
}

/** Options of {@link parseInputTensor} and {@link loadInputTensor}. */
export interface LoadInputOptions extends ImageToTensorOptions {
  /**
   * The model's input shape. The input must have it, or the same number of elements when one of
   * the two is a vector (a 28×28 image feeds a [784] input); an image's channel count follows it.
   */
  expectedShape?: Shape;
  /** Largest PNG accepted, in pixels (see decodePng). */
  maxPixels?: number;
  /**
   * Statistics the model was trained on: an image whose mean brightness is far from them gets a
   * warning note. Default: {@link MNIST_INPUT_STATISTICS} when the model takes 784 values (28×28),
   * none otherwise; `null` turns the check off. JSON tensors are never checked (they are raw values).
   */
  expectedStatistics?: InputStatistics | null;
}

/** Largest input file {@link loadInputTensor} reads (256 MiB). */
export const MAX_INPUT_FILE_BYTES = 256 * 2 ** 20;

// BT.601 luma weights, as used by most image libraries' RGB → grey conversion.
const LUMA_PER_MILLE = [299, 587, 114] as const;

/**
 * Converts a decoded PNG to a [C, H, W] tensor with values in [0, 1]: samples divided by 255 (or
 * 65535), transparent pixels blended onto `background`, then optionally inverted.
 */
export function imageToTensor(image: PngImage, options: ImageToTensorOptions = {}): InputTensor {
  const { width, height, channels, samples } = image;
  const hasColor = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  const outChannels = options.channels ?? (hasColor ? 3 : 1);
  if (outChannels !== 1 && outChannels !== 3) throw new InvalidArgumentError(`an image becomes 1 or 3 channels, not ${String(outChannels)}`);
  const max = image.sampleDepth === 16 ? 65535 : 255;
  const bg = options.background === 'white' ? 1 : 0;
  if (options.background !== undefined && options.background !== 'black' && options.background !== 'white') {
    throw new InvalidArgumentError(`background must be "black" or "white", got ${JSON.stringify(options.background)}`);
  }
  if (options.invert !== undefined && options.invert !== true && options.invert !== false && options.invert !== 'auto') {
    throw new InvalidArgumentError(`invert must be true, false or "auto", got ${JSON.stringify(options.invert)}`);
  }
  const plane = width * height;
  const data = new Float32Array(outChannels * plane);
  const rgb = [0, 0, 0];
  for (let i = 0; i < plane; i++) {
    const base = i * channels;
    for (let c = 0; c < 3; c++) rgb[c] = samples[base + (hasColor ? c : 0)] / max;
    const alpha = hasAlpha ? samples[base + channels - 1] / max : 1;
    for (let c = 0; c < 3; c++) rgb[c] = rgb[c] * alpha + bg * (1 - alpha);
    if (outChannels === 1) {
      // Weights in thousandths so that equal r, g, b give exactly that grey.
      const v = hasColor ? (LUMA_PER_MILLE[0] * rgb[0] + LUMA_PER_MILLE[1] * rgb[1] + LUMA_PER_MILLE[2] * rgb[2]) / 1000 : rgb[0];
      data[i] = v;
    } else {
      for (let c = 0; c < 3; c++) data[c * plane + i] = rgb[c];
    }
  }
  const notes: string[] = [];
  let invert = options.invert === true;
  if (options.invert === 'auto') {
    const brightness = mean(data);
    invert = brightness > LIGHT_BACKGROUND_MEAN;
    if (invert) {
      notes.push(
        `input: light background (mean brightness ${brightness.toFixed(2)} > ${LIGHT_BACKGROUND_MEAN}), inverted to light-on-dark like the training data; pass --no-invert to keep it as is`,
      );
    }
  }
  if (invert) for (let i = 0; i < data.length; i++) data[i] = 1 - data[i];
  const kind = ['grey', 'grey + alpha', 'RGB', 'RGBA'][channels - 1];
  const source = image.source ? `, stored as colour type ${image.source.colorType} at ${image.source.bitDepth} bits${image.source.interlaced ? ', interlaced' : ''}` : '';
  return { shape: Object.freeze([outChannels, height, width]), data, description: `PNG ${width}×${height} ${kind}${source}`, notes };
}

function mean(data: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return data.length === 0 ? 0 : sum / data.length;
}

/**
 * A warning when `tensor`'s mean brightness is further than 0.75 standard deviations from the
 * training data's mean (MNIST: outside about [0, 0.36]; a digit's own mean is 0.05–0.3), or when
 * the image is almost uniform; undefined when it looks like the training data.
 */
export function inputStatisticsWarning(tensor: Pick<InputTensor, 'data'>, stats: InputStatistics): string | undefined {
  const m = mean(tensor.data);
  let sq = 0;
  for (let i = 0; i < tensor.data.length; i++) sq += (tensor.data[i] - m) ** 2;
  const std = Math.sqrt(sq / Math.max(1, tensor.data.length));
  const far = Math.abs(m - stats.mean) > 0.75 * stats.std;
  const flat = std < stats.std / 4;
  if (!far && !flat) return undefined;
  const what = far ? `mean brightness ${m.toFixed(2)} is far from ${stats.name}'s ${stats.mean.toFixed(2)}` : `the image is almost uniform (std ${std.toFixed(2)}, ${stats.name} ${stats.std.toFixed(2)})`;
  return `warning: ${what}; the prediction may be meaningless (${stats.name} digits are light on dark, centred, about 20×20 pixels of 28×28; --invert/--no-invert force the inversion)`;
}

/** The `invert` option from `--invert` / `--no-invert` (neither: "auto"). */
export function invertFromFlags(flags: { invert?: boolean; 'no-invert'?: boolean }): boolean | 'auto' {
  if (flags.invert && flags['no-invert']) throw new InvalidArgumentError('--invert and --no-invert contradict each other: pass one of them');
  return flags.invert ? true : flags['no-invert'] ? false : 'auto';
}

/**
 * Parses a JSON tensor: `{"shape": [1, 28, 28], "data": [...]}` with `data` flat or nested, or a
 * bare nested array. A rank-2 array [H][W] is read as [1, H, W]; a leading batch dimension of 1
 * ([1, C, H, W]) is dropped. Every value must be a finite number. Throws
 * {@link MalformedInputError} naming the first defect.
 */
export function parseJsonTensor(text: string): InputTensor {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MalformedInputError(`input is not valid JSON (${(e as Error).message})`);
  }
  let declared: number[] | undefined;
  let body: unknown;
  if (Array.isArray(json)) body = json;
  else if (json !== null && typeof json === 'object' && 'data' in json) {
    const obj = json as { shape?: unknown; data: unknown };
    for (const key of Object.keys(obj)) {
      if (key !== 'shape' && key !== 'data') throw new MalformedInputError(`JSON tensor has an unknown key "${key}" (expected "shape" and "data")`);
    }
    if (obj.shape !== undefined) {
      if (!Array.isArray(obj.shape) || obj.shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 1)) {
        throw new MalformedInputError(`JSON tensor "shape" must be an array of positive integers, got ${JSON.stringify(obj.shape)}`);
      }
      declared = obj.shape as number[];
    }
    body = obj.data;
  } else {
    throw new MalformedInputError('a JSON tensor is an array or an object {"shape": [...], "data": [...]}');
  }
  if (!Array.isArray(body)) throw new MalformedInputError('JSON tensor "data" must be an array');
  const nestedShape: number[] = [];
  for (let level: unknown = body; Array.isArray(level); level = level[0]) {
    nestedShape.push(level.length);
    if (level.length === 0) throw new MalformedInputError('JSON tensor has an empty array');
  }
  if (nestedShape.length > 4) throw new MalformedInputError(`JSON tensor is nested ${nestedShape.length} deep (at most 4)`);
  const count = shapeSize(nestedShape);
  if (count > MAX_TENSOR_SIZE) throw new MalformedInputError(`JSON tensor has more than ${MAX_TENSOR_SIZE} elements`);
  const data = new Float32Array(count);
  let filled = 0;
  const walk = (node: unknown, depth: number, path: string) => {
    if (depth === nestedShape.length) {
      if (typeof node !== 'number' || !Number.isFinite(node)) throw new MalformedInputError(`JSON tensor value at ${path} is ${JSON.stringify(node) ?? 'undefined'}, not a finite number`);
      data[filled++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== nestedShape[depth]) {
      throw new MalformedInputError(`JSON tensor is ragged at ${path}: expected an array of ${nestedShape[depth]}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(body, 0, 'data');

  let shape: number[];
  if (declared) {
    if (shapeSize(declared) !== count) {
      throw new MalformedInputError(`JSON tensor "shape" ${formatShape(declared)} has ${shapeSize(declared)} elements, "data" has ${count}`);
    }
    if (nestedShape.length > 1 && !(nestedShape.length === declared.length && nestedShape.every((d, i) => d === declared![i]))) {
      throw new MalformedInputError(`JSON tensor "shape" ${formatShape(declared)} does not match the nesting of "data" ${formatShape(nestedShape)}`);
    }
    shape = declared;
  } else {
    shape = nestedShape;
  }
  if (shape.length === 4) {
    if (shape[0] !== 1) throw new MalformedInputError(`JSON tensor of shape ${formatShape(shape)}: only a batch of 1 is supported`);
    shape = shape.slice(1);
  }
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length !== 1 && shape.length !== 3) throw new MalformedInputError(`JSON tensor of shape ${formatShape(shape)}: expected [N], [H, W], [C, H, W] or [1, C, H, W]`);
  return { shape: checkShape(shape, 'JSON tensor'), data, description: `JSON tensor ${formatShape(shape)}` };
}

/**
 * Turns file contents into a model input: PNG when the bytes start with the PNG signature, a JSON
 * tensor otherwise. With `expectedShape`, checks (and, between a vector and an image of the same
 * size, reshapes) the result; a mismatch is a {@link SizeMismatchError} saying what the model wants.
 */
export function parseInputTensor(bytes: Uint8Array, options: LoadInputOptions = {}): InputTensor {
  const expected = options.expectedShape ? checkShape([...options.expectedShape], 'expected input shape') : undefined;
  let tensor: InputTensor;
  if (isPng(bytes)) {
    const image = decodePng(bytes, { maxPixels: options.maxPixels });
    let channels = options.channels;
    if (channels === undefined && expected) {
      const c = expected.length === 3 ? expected[0] : 1;
      if (c !== 1 && c !== 3) throw new SizeMismatchError(`the model expects ${c} input channels; an image gives 1 (grey) or 3 (RGB)`);
      channels = c;
    }
    tensor = imageToTensor(image, { ...options, channels, invert: options.invert ?? 'auto' });
    const stats = options.expectedStatistics === undefined ? (expected && shapeSize(expected) === 784 ? MNIST_INPUT_STATISTICS : undefined) : options.expectedStatistics;
    const warning = stats ? inputStatisticsWarning(tensor, stats) : undefined;
    if (warning) tensor = { ...tensor, notes: [...(tensor.notes ?? []), warning] };
  } else {
    const text = decodeUtf8(bytes);
    if (!/^\s*[[{]/.test(text)) throw new MalformedInputError('input is neither a PNG image nor a JSON tensor');
    tensor = parseJsonTensor(text);
  }
  return expected ? fitShape(tensor, expected) : tensor;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedInputError('input is neither a PNG image nor UTF-8 JSON');
  }
}

function fitShape(tensor: InputTensor, expected: Shape): InputTensor {
  const same = tensor.shape.length === expected.length && tensor.shape.every((d, i) => d === expected[i]);
  if (same) return tensor;
  if ((expected.length === 1 || tensor.shape.length === 1) && shapeSize(tensor.shape) === shapeSize(expected)) {
    return { ...tensor, shape: expected, description: `${tensor.description}, reshaped to ${formatShape(expected)}` };
  }
  let hint = '';
  if (tensor.description.startsWith('PNG') && expected.length === 3) hint = ` (resize the image to ${expected[2]}×${expected[1]} first)`;
  else if (tensor.description.startsWith('PNG') && expected.length === 1) hint = ` (the model takes ${expected[0]} values; the image has ${shapeSize(tensor.shape)})`;
  const shape = formatShape(tensor.shape);
  const got = tensor.description.includes(shape) ? tensor.description : `${tensor.description} of shape ${shape}`;
  throw new SizeMismatchError(`the model expects an input of shape ${formatShape(expected)}, got a ${got}${hint}`);
}

/** Reads `path` (at most {@link MAX_INPUT_FILE_BYTES}) and parses it with {@link parseInputTensor}. */
export async function loadInputTensor(path: string, options: LoadInputOptions = {}): Promise<InputTensor> {
  const info = await stat(path);
  if (!info.isFile()) throw new InvalidArgumentError(`${path} is not a file`);
  if (info.size > MAX_INPUT_FILE_BYTES) throw new MalformedInputError(`${path} has ${info.size} bytes, more than the ${MAX_INPUT_FILE_BYTES}-byte limit for an input`);
  const bytes = new Uint8Array(await readFile(path));
  return parseInputTensor(bytes, options);
}
