/**
 * encodePng → decodePng round trips over every colour type, bit depth, filter choice, interlacing
 * and awkward sizes, and the decoder's answers to corrupted, truncated and hostile files (always a
 * typed error, never a crash or a huge allocation). The files come from the test-only writer
 * (./png-writer.ts: every filter, Adam7 at every depth), which stores what src/cli/png.ts encodes;
 * Adam7 below 8 bits is refused with a typed error (fast-png 8 decodes it wrongly).
 */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { decodePng, DEFAULT_MAX_PNG_PIXELS } from '../../src/cli/png.js';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../../src/errors.js';
import { UnsupportedError } from '../../src/nn/errors.js';
import { assembleChunks, encodePng, type EncodePngOptions, type PngPixels } from './png-writer.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';

function randomImage(rng: Rng, width: number, height: number, channels: 1 | 2 | 3 | 4, sampleDepth: 8 | 16, levels?: number): PngPixels {
  const n = width * height * channels;
  const max = sampleDepth === 16 ? 65535 : 255;
  const samples = sampleDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Smooth gradients with noise, so every filter type wins on some rows.
    const v = levels ? uniformBelow(rng, levels) * (255 / (levels - 1)) : (i * 7 + uniformBelow(rng, 20)) % (max + 1);
    samples[i] = v;
  }
  return { width, height, channels, sampleDepth, samples };
}

function roundTrip(image: PngPixels, options: EncodePngOptions = {}) {
  const decoded = decodePng(encodePng(image, options));
  expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
  return decoded;
}

const SIZES: [number, number][] = [
  [1, 1],
  [1, 9],
  [9, 1],
  [3, 3],
  [8, 8],
  [13, 11],
  [33, 5],
];

describe('encodePng → decodePng', () => {
  const rng = fromTextSeed('png round trip');

  for (const channels of [1, 2, 3, 4] as const) {
    for (const sampleDepth of [8, 16] as const) {
      it(`${channels} channel(s), ${sampleDepth}-bit, every filter, plain and interlaced`, () => {
        for (const [w, h] of SIZES) {
          const image = randomImage(rng, w, h, channels, sampleDepth);
          for (const filter of [0, 1, 2, 3, 4, 'cycle', 'adaptive'] as const) {
            for (const interlace of [false, true]) {
              const decoded = roundTrip(image, { filter, interlace });
              expect(decoded.channels).toBe(channels);
              expect(decoded.sampleDepth).toBe(sampleDepth);
              expect(decoded.source.interlaced).toBe(interlace);
              expect(Array.from(decoded.samples)).toEqual(Array.from(image.samples));
            }
          }
        }
      });
    }
  }

  for (const depth of [1, 2, 4] as const) {
    it(`grey at ${depth} bits (rows ending inside a byte)`, () => {
      for (const [w, h] of SIZES) {
        const image = randomImage(rng, w, h, 1, 8, 2 ** depth);
        const decoded = roundTrip(image, { bitDepth: depth, filter: 'cycle' });
        expect(decoded.source.bitDepth).toBe(depth);
        expect(Array.from(decoded.samples)).toEqual(Array.from(image.samples));
        const interlaced = encodePng(image, { bitDepth: depth, interlace: true, filter: 'cycle' });
        expect(() => decodePng(interlaced)).toThrow(UnsupportedError);
        expect(() => decodePng(interlaced)).toThrow(`PNG is Adam7-interlaced at ${depth} bits per sample, which is not supported: re-save the image without interlacing`);
      }
    });
  }

  it('palette images at 1, 2, 4 and 8 bits, with alpha in tRNS', () => {
    for (const [colors, depth] of [[2, 1], [4, 2], [16, 4], [200, 8]] as const) {
      const palette = Array.from({ length: colors }, () => [uniformBelow(rng, 256), uniformBelow(rng, 256), uniformBelow(rng, 256), uniformBelow(rng, 3) === 0 ? uniformBelow(rng, 256) : 255]);
      const w = 17;
      const h = 12;
      const samples = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) samples.set(palette[i % colors], 4 * i);
      const image: PngPixels = { width: w, height: h, channels: 4, sampleDepth: 8, samples };
      for (const interlace of [false, true]) {
        if (interlace && depth < 8) {
          expect(() => decodePng(encodePng(image, { palette: true, interlace }))).toThrow(/Adam7-interlaced at \d bits per sample.*re-save the image without interlacing/);
          continue;
        }
        const decoded = roundTrip(image, { palette: true, interlace });
        expect(decoded.source).toEqual({ colorType: 3, bitDepth: depth, interlaced: interlace });
        const hasAlpha = palette.some((p) => p[3] !== 255);
        expect(decoded.channels).toBe(hasAlpha ? 4 : 3);
        const expected = hasAlpha ? Array.from(samples) : Array.from(samples).filter((_, i) => i % 4 !== 3);
        expect(Array.from(decoded.samples)).toEqual(expected);
      }
    }
  });

  it('image data split over many IDAT chunks, with tEXt chunks, at compression levels 0 and 9', () => {
    const image = randomImage(rng, 40, 30, 3, 8);
    for (const compressionLevel of [0, 9]) {
      const file = encodePng(image, { idatChunkBytes: 7, text: { Comment: 'delphi-ts test' }, compressionLevel });
      expect(Array.from(decodePng(file).samples)).toEqual(Array.from(image.samples));
    }
  });

  it('refuses what PNG cannot store', () => {
    const grey = randomImage(rng, 2, 2, 1, 8);
    expect(() => encodePng(grey, { bitDepth: 16 })).toThrow(InvalidArgumentError);
    expect(() => encodePng({ ...grey, samples: Uint8Array.of(0, 1, 2, 3) }, { bitDepth: 1 })).toThrow(/not representable/);
    expect(() => encodePng(randomImage(rng, 2, 2, 3, 8), { bitDepth: 4 })).toThrow(InvalidArgumentError);
    expect(() => encodePng({ ...grey, samples: new Uint8Array(3) })).toThrow(/3 samples/);
    // 257 distinct colours do not fit a palette.
    const many = { width: 257, height: 1, channels: 3 as const, sampleDepth: 8 as const, samples: Uint8Array.from({ length: 771 }, (_, i) => (i % 3 === 0 ? i / 3 : i % 3 === 1 ? (i - 1) / 3 / 256 : 0) & 255) };
    expect(() => encodePng(many, { palette: true })).toThrow(/at most 256 distinct colours/);
    expect(() => encodePng({ ...many, width: 0, samples: new Uint8Array(0) })).toThrow(/invalid/);
  });
});

describe('decodePng on hostile input', () => {
  const rng = fromTextSeed('png hostile');
  const good = encodePng(randomImage(rng, 6, 5, 3, 8), { filter: 'cycle' });
  const ihdr = (w: number, h: number, depth: number, type: number, interlace = 0) => {
    const d = new Uint8Array(13);
    const v = new DataView(d.buffer);
    v.setUint32(0, w);
    v.setUint32(4, h);
    d.set([depth, type, 0, 0, interlace], 8);
    return d;
  };
  const file = (chunks: [string, Uint8Array][]) => assembleChunks(chunks);
  const rows = (...r: number[][]) => deflateSync(Uint8Array.from(r.flat()));

  it('every truncation is MalformedInputError', () => {
    for (let n = 0; n < good.length; n++) expect(() => decodePng(good.subarray(0, n)), `length ${n}`).toThrow(MalformedInputError);
  });

  it('every single-bit flip is detected (CRC, signature, or structure)', () => {
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice();
      bad[i] ^= 1 << uniformBelow(rng, 8);
      expect(() => decodePng(bad), `byte ${i}`).toThrow(MalformedInputError);
    }
  });

  it('random bytes after the signature only ever throw typed errors', () => {
    for (let i = 0; i < 300; i++) {
      const bad = Uint8Array.from([...good.subarray(0, 8 + uniformBelow(rng, 40)), ...rng.bytes(uniformBelow(rng, 80))]);
      try {
        decodePng(bad);
      } catch (e) {
        expect(e instanceof MalformedInputError || e instanceof OutOfRangeError, String(e)).toBe(true);
      }
    }
  });

  it('names structural defects', () => {
    const idat = rows([0, 1, 2]);
    const end: [string, Uint8Array] = ['IEND', new Uint8Array(0)];
    expect(() => decodePng(file([['IDAT', idat], end]))).toThrow(/starts with chunk IDAT, expected IHDR/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 1)], ['IDAT', idat], end]))).toThrow(/colour type 1 is invalid/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 4, 2)], ['IDAT', idat], end]))).toThrow(/bit depth 4 is invalid for colour type 2/);
    expect(() => decodePng(file([['IHDR', ihdr(0, 1, 8, 0)], ['IDAT', idat], end]))).toThrow(/size 0×1/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0, 2)], ['IDAT', idat], end]))).toThrow(/interlace method 2/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], end]))).toThrow(/no IDAT/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 3)], ['IDAT', rows([0, 0])], end]))).toThrow(/without a PLTE/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], ['IDAT', rows([0, 0])], ['tEXt', new Uint8Array(1)], ['IDAT', rows([])], end]))).toThrow(
      /not consecutive/,
    );
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], ['QQQQ', new Uint8Array(0)], ['IDAT', rows([0, 0])], end]))).toThrow(
      /unknown critical chunk QQQQ/,
    );
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], ['IDAT', rows([5, 0])], end]))).toThrow(/unknown filter type 5/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], ['IDAT', rows([0])], end]))).toThrow(/inflates to 1 bytes, its header implies 2/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], ['IDAT', Uint8Array.of(1, 2, 3)], end]))).toThrow(/not valid zlib data/);
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 3)], ['PLTE', Uint8Array.of(1, 2, 3)], ['IDAT', rows([0, 1])], end]))).toThrow(
      /palette index 1, the palette has 1 entries/,
    );
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 0)], ['PLTE', Uint8Array.of(1, 2, 3)], ['IDAT', rows([0, 1])], end]))).toThrow(
      /PLTE chunk in a greyscale image/,
    );
    expect(() => decodePng(file([['IHDR', ihdr(1, 1, 8, 6)], ['tRNS', Uint8Array.of(0, 1)], ['IDAT', rows([0, 1, 2, 3, 4])], end]))).toThrow(
      /already has alpha/,
    );
  });

  it('a decompression bomb is stopped at the size the header implies', () => {
    // 1×1 grey needs 2 bytes; these 10 MB of zeros deflate to about 10 kB.
    const bomb = file([['IHDR', ihdr(1, 1, 8, 0)], ['IDAT', deflateSync(new Uint8Array(10_000_000))], ['IEND', new Uint8Array(0)]]);
    expect(() => decodePng(bomb)).toThrow(/inflates to more than the 2 bytes/);
  });

  it('a header above the pixel limit is refused before inflating', () => {
    const huge = file([['IHDR', ihdr(100_000, 100_000, 8, 0)], ['IDAT', rows([0])], ['IEND', new Uint8Array(0)]]);
    expect(() => decodePng(huge)).toThrow(OutOfRangeError);
    expect(() => decodePng(good, { maxPixels: 29 })).toThrow(/6×5 pixels exceeds the limit of 29/);
    expect(DEFAULT_MAX_PNG_PIXELS).toBe(2 ** 25);
  });

  it('not a PNG', () => {
    expect(() => decodePng(new TextEncoder().encode('{"shape":[1]}'))).toThrow(/signature is missing/);
  });
});
