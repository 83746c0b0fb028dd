/**
 * Input parsing of `delphi infer --input` (src/cli/image.ts) at its edges: every option and JSON
 * tensor check with its exact message, descriptions of each PNG kind, alpha on colour images, the
 * "auto" inversion and the statistics warning on both sides of their thresholds (values computed
 * by hand from the rules in the module's documentation), and shape fitting with its hints.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  imageToTensor,
  inputStatisticsWarning,
  loadInputTensor,
  MNIST_INPUT_STATISTICS,
  parseInputTensor,
  parseJsonTensor,
} from '../../src/cli/image.js';
import { decodePng, encodePng, type PngImage } from '../../src/cli/png.js';
import { InvalidArgumentError, MalformedInputError, SizeMismatchError } from '../../src/errors.js';

const img = (channels: 1 | 2 | 3 | 4, samples: number[], width = samples.length / channels, height = 1, sampleDepth: 8 | 16 = 8): PngImage => ({
  width,
  height,
  channels,
  sampleDepth,
  samples: sampleDepth === 8 ? Uint8Array.from(samples) : Uint16Array.from(samples),
}) as PngImage;
const file = (channels: 1 | 2 | 3 | 4, samples: number[], width = samples.length / channels, height = 1) =>
  encodePng({ width, height, channels, sampleDepth: 8, samples: Uint8Array.from(samples) });
const bad = (f: () => unknown, message: string) => expect(f).toThrow(new MalformedInputError(message));

describe('imageToTensor', () => {
  it('option checks', () => {
    const g = img(1, [0]);
    expect(() => imageToTensor(g, { channels: 2 as never })).toThrow(new InvalidArgumentError('an image becomes 1 or 3 channels, not 2'));
    expect(() => imageToTensor(g, { background: 'grey' as never })).toThrow(new InvalidArgumentError('background must be "black" or "white", got "grey"'));
    expect(() => imageToTensor(g, { invert: 'yes' as never })).toThrow(new InvalidArgumentError('invert must be true, false or "auto", got "yes"'));
    expect(imageToTensor(g, { background: 'black', invert: false }).data).toEqual(Float32Array.of(0));
  });
  it('describes each kind, with the stored form when known', () => {
    expect(imageToTensor(img(1, [0, 0])).description).toBe('PNG 2×1 grey');
    expect(imageToTensor(img(2, [0, 255])).description).toBe('PNG 1×1 grey + alpha');
    expect(imageToTensor(img(3, [0, 0, 0])).description).toBe('PNG 1×1 RGB');
    expect(imageToTensor(img(4, [0, 0, 0, 255])).description).toBe('PNG 1×1 RGBA');
    expect(imageToTensor(decodePng(file(1, [0, 0, 0, 0], 2, 2))).description).toBe('PNG 2×2 grey, stored as colour type 0 at 8 bits');
    const laced = encodePng({ width: 2, height: 2, channels: 3, sampleDepth: 8, samples: new Uint8Array(12) }, { interlace: true });
    expect(imageToTensor(decodePng(laced)).description).toBe('PNG 2×2 RGB, stored as colour type 2 at 8 bits, interlaced');
    expect(imageToTensor(img(3, [0, 0, 0, 0, 0, 0], 1, 2)).shape).toEqual([3, 2, 1]);
  });
  it('alpha of an RGBA pixel is its 4th sample, blended per channel', () => {
    // (255, 102, 0) at alpha 51 (0.2): on black (0.2, 0.08, 0); on white (1, 0.88, 0.8).
    const t = imageToTensor(img(4, [255, 102, 0, 51]));
    expect(Array.from(t.data)).toEqual([0.2, 0.08, 0].map(Math.fround));
    const w = imageToTensor(img(4, [255, 102, 0, 51]), { background: 'white' });
    expect(Array.from(w.data)).toEqual([1, 0.4 * 0.2 + 0.8, 0.8].map(Math.fround));
    // Grey + alpha to 3 channels: the grey is repeated, blended once.
    expect(Array.from(imageToTensor(img(2, [255, 51]), { channels: 3 }).data)).toEqual([0.2, 0.2, 0.2].map(Math.fround));
    // 16-bit alpha divides by 65535.
    expect(Array.from(imageToTensor(img(2, [65535, 13107], 1, 1, 16)).data)).toEqual([Math.fround(0.2)]);
  });
  it('"auto" inverts above a mean brightness of 0.5 only, with a note', () => {
    const half = imageToTensor(img(1, [255, 0]), { invert: 'auto' });
    expect(Array.from(half.data)).toEqual([1, 0]);
    expect(half.notes).toEqual([]);
    const light = imageToTensor(img(1, [255, 3]), { invert: 'auto' });
    expect(Array.from(light.data)).toEqual([0, 1 - 3 / 255].map(Math.fround));
    expect(light.notes).toEqual([
      'input: light background (mean brightness 0.51 > 0.5), inverted to light-on-dark like the training data; pass --no-invert to keep it as is',
    ]);
    expect(imageToTensor(img(1, [255, 3])).notes).toEqual([]);
    expect(imageToTensor(img(1, [255, 3]), { invert: true }).notes).toEqual([]);
  });
});

describe('inputStatisticsWarning', () => {
  const stats = { name: 'S', mean: 0.5, std: 0.4 };
  const t = (xs: number[]) => ({ data: Float32Array.from(xs) });
  it('no warning inside 0.75 std of the mean and with spread ≥ std/4', () => {
    expect(inputStatisticsWarning(t([0.3, 0.9]), stats)).toBeUndefined(); // mean 0.6, std 0.3
    expect(inputStatisticsWarning(t([0.1, 0.9]), stats)).toBeUndefined(); // mean 0.5, std 0.4
  });
  it('far: |mean − 0.5| > 0.3', () => {
    expect(inputStatisticsWarning(t([0.6, 1]), stats)).toBe(
      "warning: mean brightness 0.80 is far from S's 0.50; the prediction may be meaningless (S digits are light on dark, centred, about 20×20 pixels of 28×28; --invert/--no-invert force the inversion)",
    );
    expect(inputStatisticsWarning(t([0, 0.38]), stats)).toMatch(/^warning: mean brightness 0\.19 is far from S's 0\.50; /); // 0.31 away
    // Both thresholds exactly: mean 0.125 is 0.375 = 0.75 · 0.5 away, std 0.125 = 0.5 / 4: neither far nor flat.
    expect(inputStatisticsWarning(t([0, 0.25]), { name: 'E', mean: 0.5, std: 0.5 })).toBeUndefined();
    expect(inputStatisticsWarning(t([0, 0.5]), stats)).toBeUndefined(); // mean 0.25: 0.25 away
    expect(inputStatisticsWarning(t([0.5, 1]), stats)).toBeUndefined(); // mean 0.75: 0.25 away
  });
  it('flat: std < 0.1', () => {
    expect(inputStatisticsWarning(t([0.45, 0.55]), stats)).toBe(
      "warning: the image is almost uniform (std 0.05, S 0.40); the prediction may be meaningless (S digits are light on dark, centred, about 20×20 pixels of 28×28; --invert/--no-invert force the inversion)",
    );
    expect(inputStatisticsWarning(t([0.375, 0.625]), stats)).toBeUndefined(); // std 0.125
    expect(inputStatisticsWarning(t([0.5]), stats)).toMatch(/almost uniform \(std 0\.00/);
    expect(inputStatisticsWarning(t([]), { ...stats, mean: 0.2 })).toMatch(/almost uniform \(std 0\.00/);
    // No values: the mean counts as 0 (far from 0.5), not NaN.
    expect(inputStatisticsWarning(t([]), stats)).toMatch(/^warning: mean brightness 0\.00 is far from S's 0\.50/);
  });
  it('far wins over flat in the message', () => {
    expect(inputStatisticsWarning(t([1, 1]), stats)).toMatch(/^warning: mean brightness 1\.00 is far/);
  });
});

describe('parseJsonTensor messages', () => {
  it('each defect', () => {
    bad(() => parseJsonTensor('{"data": [1,'), `input is not valid JSON (${(() => { try { JSON.parse('{"data": [1,'); } catch (e) { return (e as Error).message; } return ''; })()})`);
    bad(() => parseJsonTensor('null'), 'a JSON tensor is an array or an object {"shape": [...], "data": [...]}');
    bad(() => parseJsonTensor('{"shape": [1]}'), 'a JSON tensor is an array or an object {"shape": [...], "data": [...]}');
    bad(() => parseJsonTensor('{"data": [1], "x": 1}'), 'JSON tensor has an unknown key "x" (expected "shape" and "data")');
    bad(() => parseJsonTensor('{"data": 1}'), 'JSON tensor "data" must be an array');
    bad(() => parseJsonTensor('{"shape": [1, 1.5], "data": [1]}'), 'JSON tensor "shape" must be an array of positive integers, got [1,1.5]');
    bad(() => parseJsonTensor('{"shape": [-1], "data": [1]}'), 'JSON tensor "shape" must be an array of positive integers, got [-1]');
    bad(() => parseJsonTensor('{"shape": ["1"], "data": [1]}'), 'JSON tensor "shape" must be an array of positive integers, got ["1"]');
    bad(() => parseJsonTensor('[[]]'), 'JSON tensor has an empty array');
    bad(() => parseJsonTensor('[[[[[1]]]]]'), 'JSON tensor is nested 5 deep (at most 4)');
    bad(() => parseJsonTensor('[[1, 2], 3]'), 'JSON tensor is ragged at data[1]: expected an array of 2');
    bad(() => parseJsonTensor('[[1], [2, 3]]'), 'JSON tensor is ragged at data[1]: expected an array of 1');
    bad(() => parseJsonTensor('[1, [2]]'), 'JSON tensor value at data[1] is [2], not a finite number');
    bad(() => parseJsonTensor('[1, "2"]'), 'JSON tensor value at data[1] is "2", not a finite number');
    bad(() => parseJsonTensor('{"shape": [3], "data": [1, 2]}'), 'JSON tensor "shape" [3] has 3 elements, "data" has 2');
    bad(() => parseJsonTensor('{"shape": [2, 1], "data": [[1, 2]]}'), 'JSON tensor "shape" [2, 1] does not match the nesting of "data" [1, 2]');
    bad(() => parseJsonTensor('{"shape": [1, 1, 2], "data": [[1, 2]]}'), 'JSON tensor "shape" [1, 1, 2] does not match the nesting of "data" [1, 2]');
    bad(() => parseJsonTensor('{"shape": [3, 1, 1, 1], "data": [1, 2, 3]}'), 'JSON tensor of shape [3, 1, 1, 1]: only a batch of 1 is supported');
    bad(() => parseJsonTensor('{"shape": [1, 1, 1, 1, 1], "data": [1]}'), 'JSON tensor of shape [1, 1, 1, 1, 1]: expected [N], [H, W], [C, H, W] or [1, C, H, W]');
    bad(() => parseJsonTensor('{"shape": [1, 1, 1, 1, 1, 1], "data": [1]}'), 'JSON tensor of shape [1, 1, 1, 1, 1, 1]: expected [N], [H, W], [C, H, W] or [1, C, H, W]');
  });
  it('non-finite numbers, nesting against the declared shape, and the element limit', () => {
    bad(() => parseJsonTensor('[1, 1e999]'), 'JSON tensor value at data[1] is null, not a finite number');
    bad(() => parseJsonTensor('{"shape": [2, 2, 1], "data": [[1, 2], [3, 4]]}'), 'JSON tensor "shape" [2, 2, 1] does not match the nesting of "data" [2, 2]');
    bad(() => parseJsonTensor('{"shape": [3, 2, 1], "data": [[[1], [2], [3]], [[4], [5], [6]]]}'), 'JSON tensor "shape" [3, 2, 1] does not match the nesting of "data" [2, 3, 1]');
    // Only the first element of each level sets the nesting: 2^7 · 2^7 · 2^7 · 2^8 = 2^29 elements declared by ~500 numbers.
    const deep = (lengths: number[]): unknown => (lengths.length === 0 ? 0 : [deep(lengths.slice(1)), ...new Array(lengths[0] - 1).fill(0)]);
    bad(() => parseJsonTensor(JSON.stringify(deep([128, 128, 128, 256]))), 'JSON tensor has more than 268435456 elements');
  });
  it('accepted forms and their shapes', () => {
    const t = parseJsonTensor('{"shape": [1, 2, 1, 2], "data": [1, 2, 3, 4]}');
    expect([t.shape, Array.from(t.data), t.description]).toEqual([[2, 1, 2], [1, 2, 3, 4], 'JSON tensor [2, 1, 2]']);
    expect(parseJsonTensor('[[[[1, 2]]]]').shape).toEqual([1, 1, 2]);
    expect(parseJsonTensor('{"shape": [2, 2], "data": [[1, 2], [3, 4]]}').shape).toEqual([1, 2, 2]);
    expect(parseJsonTensor('{"shape": [1, 4], "data": [[1, 2, 3, 4]]}').shape).toEqual([1, 1, 4]);
    expect(parseJsonTensor('{"shape": [2, 2], "data": [1, 2, 3, 4]}').shape).toEqual([1, 2, 2]);
    expect(parseJsonTensor('{"data": [5, 6]}').shape).toEqual([2]);
    expect(parseJsonTensor('[0.5]').description).toBe('JSON tensor [1]');
  });
});

describe('parseInputTensor', () => {
  it('channels follow the model: 1 for [N] and [1, H, W], 3 for [3, H, W]', () => {
    const rgb = file(3, [255, 0, 0, 0, 255, 0]);
    expect(parseInputTensor(rgb, { expectedShape: [1, 1, 2], invert: false }).shape).toEqual([1, 1, 2]);
    expect(parseInputTensor(rgb, { expectedShape: [2], invert: false }).shape).toEqual([2]);
    expect(parseInputTensor(file(1, [9, 9]), { expectedShape: [3, 1, 2], invert: false }).shape).toEqual([3, 1, 2]);
    expect(parseInputTensor(rgb, { expectedShape: [6], channels: 3, invert: false }).shape).toEqual([6]);
    expect(parseInputTensor(rgb, { invert: false }).shape).toEqual([3, 1, 2]);
    expect(() => parseInputTensor(rgb, { expectedShape: [4, 1, 2] })).toThrow(new SizeMismatchError('the model expects 4 input channels; an image gives 1 (grey) or 3 (RGB)'));
  });
  it('the model\'s shape is checked first, naming it', () => {
    expect(() => parseInputTensor(new TextEncoder().encode('[1]'), { expectedShape: [2, 3] })).toThrow(
      new InvalidArgumentError('expected input shape: a shape is [C, H, W] or [N], got [2,3]'),
    );
  });
  it('an inverted image that also gets a warning keeps both notes', () => {
    const white = parseInputTensor(file(1, new Array(784).fill(255), 28, 28), { expectedShape: [1, 28, 28] });
    expect(white.notes).toHaveLength(2);
    expect(white.notes![0]).toMatch(/^input: light background \(mean brightness 1\.00 > 0\.5\)/);
    expect(white.notes![1]).toMatch(/^warning: the image is almost uniform/);
  });
  it('invert defaults to "auto" for files', () => {
    const t = parseInputTensor(file(1, [255, 255]));
    expect(Array.from(t.data)).toEqual([0, 0]);
    expect(t.notes).toHaveLength(1);
  });
  it('MNIST statistics apply to 784-value models only, unless given', () => {
    const flat = file(1, new Array(784).fill(40), 28, 28); // uniform: almost-uniform warning under MNIST
    expect(parseInputTensor(flat, { expectedShape: [784] }).notes).toEqual([expect.stringMatching(/^warning: the image is almost uniform \(std 0\.00, MNIST 0\.31\)/)]);
    const small = file(1, new Array(4).fill(40), 2, 2);
    expect(parseInputTensor(small, { expectedShape: [1, 2, 2] }).notes).toEqual([]);
    expect(parseInputTensor(small).notes).toEqual([]);
    expect(parseInputTensor(small, { expectedStatistics: MNIST_INPUT_STATISTICS }).notes).toEqual([expect.stringMatching(/almost uniform/)]);
  });
  it('a PNG that is too large for maxPixels', () => {
    expect(() => parseInputTensor(file(1, [1, 2, 3, 4], 2, 2), { maxPixels: 3 })).toThrow('PNG of 2×2 pixels exceeds the limit of 3 pixels');
  });
  it('JSON detection tolerates leading whitespace only', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(parseInputTensor(enc('\n\t [1]')).shape).toEqual([1]);
    expect(parseInputTensor(enc(' {"data": [1]}')).shape).toEqual([1]);
    bad(() => parseInputTensor(enc('x[1]')), 'input is neither a PNG image nor a JSON tensor');
    bad(() => parseInputTensor(enc('')), 'input is neither a PNG image nor a JSON tensor');
    bad(() => parseInputTensor(Uint8Array.of(0x5b, 0xc3)), 'input is neither a PNG image nor UTF-8 JSON');
  });
  it('shape fitting: same shape, vector ↔ image of the same size, and the hints', () => {
    const json = new TextEncoder().encode('{"shape": [1, 2, 2], "data": [1, 2, 3, 4]}');
    const same = parseInputTensor(json, { expectedShape: [1, 2, 2] });
    expect(same.description).toBe('JSON tensor [1, 2, 2]');
    const flat = parseInputTensor(json, { expectedShape: [4] });
    expect([flat.shape, flat.description]).toEqual([[4], 'JSON tensor [1, 2, 2], reshaped to [4]']);
    const vec = new TextEncoder().encode('[1, 2, 3, 4]');
    expect(parseInputTensor(vec, { expectedShape: [1, 2, 2] }).shape).toEqual([1, 2, 2]);
    const col = parseInputTensor(vec, { expectedShape: [4, 1, 1] });
    expect([col.shape, col.description]).toEqual([[4, 1, 1], 'JSON tensor [4], reshaped to [4, 1, 1]']);
    expect(() => parseInputTensor(json, { expectedShape: [2, 2, 1] })).toThrow(new SizeMismatchError('the model expects an input of shape [2, 2, 1], got a JSON tensor [1, 2, 2]'));
    expect(() => parseInputTensor(vec, { expectedShape: [5] })).toThrow(new SizeMismatchError('the model expects an input of shape [5], got a JSON tensor [4]'));
    const png = file(1, [1, 2, 3, 4], 2, 2);
    expect(() => parseInputTensor(png, { expectedShape: [1, 3, 2], invert: false })).toThrow(
      new SizeMismatchError('the model expects an input of shape [1, 3, 2], got a PNG 2×2 grey, stored as colour type 0 at 8 bits of shape [1, 2, 2] (resize the image to 2×3 first)'),
    );
    expect(() => parseInputTensor(png, { expectedShape: [5], invert: false })).toThrow(
      new SizeMismatchError('the model expects an input of shape [5], got a PNG 2×2 grey, stored as colour type 0 at 8 bits of shape [1, 2, 2] (the model takes 5 values; the image has 4)'),
    );
  });
});

describe('loadInputTensor', () => {
  it('refuses a directory and reads a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delphi-input-mut-'));
    try {
      mkdirSync(join(dir, 'sub'));
      await expect(loadInputTensor(join(dir, 'sub'))).rejects.toThrow(new InvalidArgumentError(`${join(dir, 'sub')} is not a file`));
      writeFileSync(join(dir, 'big.json'), '');
      truncateSync(join(dir, 'big.json'), 256 * 2 ** 20 + 1); // sparse: nothing is written or read
      await expect(loadInputTensor(join(dir, 'big.json'))).rejects.toThrow(
        new MalformedInputError(`${join(dir, 'big.json')} has 268435457 bytes, more than the 268435456-byte limit for an input`),
      );
      writeFileSync(join(dir, 'x.json'), '[1, 2]');
      expect((await loadInputTensor(join(dir, 'x.json'), { expectedShape: [2] })).data).toEqual(Float32Array.of(1, 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
