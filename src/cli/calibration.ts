/**
 * `--calibrate DIR|FILE`: the calibration inputs of the precision chooser (§8.13). A directory:
 * every .png and .json file in it (sorted by name), each one input. A file: a PNG or JSON tensor
 * (one input), or a JSON object {"inputs": [[...], ...]} (a batch, as the PyTorch fixtures store
 * them).
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MalformedInputError } from '../errors.js';
import { shapeSize, type Shape } from '../nn/tensor.js';
import { MAX_INPUT_FILE_BYTES, parseInputTensor } from './image.js';

/** Reads calibration inputs for a model with input shape `shape`. */
export async function loadCalibrationInputs(path: string, shape: Shape): Promise<Float64Array[]> {
  const info = await stat(path);
  const files = info.isDirectory()
    ? (await readdir(path)).filter((f) => /\.(png|json)$/i.test(f)).sort().map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new MalformedInputError(`--calibrate ${path}: no .png or .json files`);
  const inputs: Float64Array[] = [];
  for (const file of files) {
    const size = (await stat(file)).size;
    if (size > MAX_INPUT_FILE_BYTES) throw new MalformedInputError(`--calibrate ${file}: more than ${MAX_INPUT_FILE_BYTES} bytes`);
    const bytes = new Uint8Array(await readFile(file));
    const batch = batchOf(bytes, shape, file);
    if (batch) inputs.push(...batch);
    else inputs.push(Float64Array.from(parseInputTensor(bytes, { expectedShape: shape }).data));
  }
  return inputs;
}

/** {"inputs": [[...], ...]} → the inputs, or null for other files. */
function batchOf(bytes: Uint8Array, shape: Shape, file: string): Float64Array[] | null {
  if (bytes[0] !== 0x7b) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { inputs?: unknown }).inputs)) return null;
  const n = shapeSize(shape);
  return ((doc as { inputs: unknown[] }).inputs).map((x, i) => {
    if (!Array.isArray(x) || x.length !== n || x.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new MalformedInputError(`--calibrate ${file}: inputs[${i}] must be ${n} finite numbers`);
    }
    return Float64Array.from(x as number[]);
  });
}
