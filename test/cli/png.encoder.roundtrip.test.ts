/**
 * src/cli/png.ts's own encoder (fast-png's, filter 0 and one IDAT) through decodePng, whose decoding
 * test/cli/png.imagemagick.test.ts checks against ImageMagick; and the adapter's rules around the
 * library: what it refuses to write, chunk orders it refuses to read, and the tRNS colour key of a
 * one- or two-pixel RGB image, which fast-png 8.0.0 itself refuses.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { decodePng, encodePng, type PngPixels } from '../../src/cli/png.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow, type Rng } from '../../src/random/index.js';
import { assembleChunks } from './png-writer.js';

function randomImage(rng: Rng, width: number, height: number, channels: 1 | 2 | 3 | 4, sampleDepth: 8 | 16): PngPixels {
  const n = width * height * channels;
  const samples = sampleDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) samples[i] = uniformBelow(rng, sampleDepth === 16 ? 65536 : 256);
  return { width, height, channels, sampleDepth, samples };
}

const SIZES: [number, number][] = [[1, 1], [1, 9], [9, 1], [3, 3], [13, 11], [33, 5]];

describe('encodePng (fast-png) → decodePng', () => {
  const rng = fromTextSeed('png library encoder');

  it('every channel count at 8 and 16 bits, plain and interlaced, every size', () => {
    for (const channels of [1, 2, 3, 4] as const) {
      for (const sampleDepth of [8, 16] as const) {
        for (const [w, h] of SIZES) {
          const image = randomImage(rng, w, h, channels, sampleDepth);
          for (const interlace of [false, true]) {
            const decoded = decodePng(encodePng(image, { interlace }));
            expect(decoded.source).toEqual({ colorType: [0, 4, 2, 6][channels - 1], bitDepth: sampleDepth, interlaced: interlace });
            expect(decoded.samples).toBeInstanceOf(sampleDepth === 16 ? Uint16Array : Uint8Array);
            expect(Array.from(decoded.samples)).toEqual(Array.from(image.samples));
          }
        }
      }
    }
  });

  it('grey at 1, 2 and 4 bits', () => {
    for (const depth of [1, 2, 4] as const) {
      for (const [w, h] of SIZES) {
        const levels = 2 ** depth;
        const samples = Uint8Array.from({ length: w * h }, () => uniformBelow(rng, levels) * (255 / (levels - 1)));
        const decoded = decodePng(encodePng({ width: w, height: h, channels: 1, sampleDepth: 8, samples }, { bitDepth: depth }));
        expect(decoded.source).toEqual({ colorType: 0, bitDepth: depth, interlaced: false });
        expect(Array.from(decoded.samples)).toEqual(Array.from(samples));
      }
    }
  });

  it('palette images at the smallest depth, opaque and with alpha, plain and (8-bit) interlaced', () => {
    for (const [colors, depth] of [[2, 1], [3, 2], [16, 4], [17, 8], [256, 8]] as const) {
      for (const withAlpha of [false, true]) {
        const palette = Array.from({ length: colors }, (_, i) => [i, uniformBelow(rng, 256), uniformBelow(rng, 256), withAlpha && i % 3 === 1 ? uniformBelow(rng, 255) : 255]);
        const [w, h] = [19, 14];
        const samples = new Uint8Array(w * h * 4);
        for (let i = 0; i < w * h; i++) samples.set(palette[(i * 7) % colors], 4 * i);
        for (const interlace of depth === 8 ? [false, true] : [false]) {
          const decoded = decodePng(encodePng({ width: w, height: h, channels: 4, sampleDepth: 8, samples }, { palette: true, interlace }));
          expect(decoded.source).toEqual({ colorType: 3, bitDepth: depth, interlaced: interlace });
          expect(decoded.channels).toBe(withAlpha ? 4 : 3);
          expect(Array.from(decoded.samples)).toEqual(Array.from(samples).filter((_, i) => withAlpha || i % 4 !== 3));
        }
      }
    }
  });

  it('grey and RGB palette sources, tEXt chunks and compression levels 0 and 9', () => {
    const grey = randomImage(rng, 5, 4, 2, 8);
    for (let i = 0; i < 20; i++) grey.samples[2 * i] = grey.samples[2 * i] & 0xc0; // few colours
    const decoded = decodePng(encodePng(grey, { palette: true, compressionLevel: 9, text: { Comment: 'delphi-ts', Author: 'Zoë' } }));
    expect(decoded.channels).toBe(4);
    expect(Array.from(decoded.samples)).toEqual(Array.from({ length: 80 }, (_, i) => grey.samples[2 * (i >> 2) + (i % 4 === 3 ? 1 : 0)]));
    const rgb = randomImage(rng, 30, 20, 3, 8);
    const stored = encodePng(rgb, { compressionLevel: 0 });
    expect(stored.length).toBeGreaterThan(30 * 20 * 3);
    expect(Array.from(decodePng(stored).samples)).toEqual(Array.from(rgb.samples));
  });

  it('refuses what it cannot write', () => {
    const grey = { width: 2, height: 2, channels: 1 as const, sampleDepth: 8 as const, samples: Uint8Array.of(0, 255, 255, 0) };
    expect(() => encodePng(grey, { bitDepth: 1, interlace: true })).toThrow(/interlacing is written at bit depths 8 and 16 only, not 1/);
    expect(() => encodePng(grey, { compressionLevel: 10 })).toThrow(InvalidArgumentError);
    expect(() => encodePng(grey, { text: { '': 'x' } })).toThrow(/tEXt keyword "" is invalid/);
    expect(() => encodePng(grey, { text: { Title: '→' } })).toThrow(/Latin-1/);
    expect(() => encodePng({ ...grey, sampleDepth: 16, samples: Uint16Array.of(0, 1, 2, 65536 - 1) }, { palette: true })).toThrow(/palette image needs 8-bit samples/);
    expect(() => encodePng({ ...grey, samples: Uint8Array.of(1, 2, 3, 4, 5) })).toThrow(/5 samples for a 2×2 image/);
  });
});

describe('decodePng chunk rules around the library', () => {
  const ihdr = (w: number, h: number, depth: number, type: number) => {
    const d = new Uint8Array(13);
    new DataView(d.buffer).setUint32(0, w);
    new DataView(d.buffer).setUint32(4, h);
    d.set([depth, type], 8);
    return d;
  };
  const end: [string, Uint8Array] = ['IEND', new Uint8Array(0)];

  it('tRNS must follow PLTE, appear once, fit the palette and have the colour key size', () => {
    const plte: [string, Uint8Array] = ['PLTE', Uint8Array.of(1, 2, 3, 4, 5, 6)];
    const idat: [string, Uint8Array] = ['IDAT', deflateSync(Uint8Array.of(0, 1))];
    const one = Uint8Array.of(7);
    expect(() => decodePng(assembleChunks([['IHDR', ihdr(1, 1, 8, 3)], ['tRNS', one], plte, idat, end]))).toThrow(/tRNS before PLTE/);
    expect(() => decodePng(assembleChunks([['IHDR', ihdr(1, 1, 8, 3)], plte, ['tRNS', one], ['tRNS', one], idat, end]))).toThrow(/two tRNS/);
    expect(() => decodePng(assembleChunks([['IHDR', ihdr(1, 1, 8, 3)], plte, ['tRNS', Uint8Array.of(1, 2, 3)], idat, end]))).toThrow(/tRNS has 3 entries, the palette 2/);
    expect(() => decodePng(assembleChunks([['IHDR', ihdr(1, 1, 8, 2)], ['tRNS', Uint8Array.of(0, 1)], idat, end]))).toThrow(/tRNS has 2 bytes, expected 6/);
    const decoded = decodePng(assembleChunks([['IHDR', ihdr(1, 1, 8, 3)], plte, ['tRNS', one], idat, end]));
    expect(Array.from(decoded.samples)).toEqual([4, 5, 6, 255]); // index 1 has no tRNS entry: opaque
  });

  it('a colour key on a 1- or 2-pixel RGB image (which fast-png 8.0.0 refuses) decodes', () => {
    const key = Uint8Array.of(0, 10, 0, 20, 0, 30);
    for (const [w, pixels] of [[1, [10, 20, 30]], [2, [10, 20, 30, 10, 20, 31]]] as const) {
      const file = assembleChunks([['IHDR', ihdr(w, 1, 8, 2)], ['tRNS', key], ['IDAT', deflateSync(Uint8Array.of(0, ...pixels))], end]);
      const decoded = decodePng(file);
      expect(decoded.channels).toBe(4);
      expect(Array.from(decoded.samples)).toEqual(w === 1 ? [10, 20, 30, 0] : [10, 20, 30, 0, 10, 20, 31, 255]);
    }
  });

  it('ancillary chunks are skipped unread, an ICC profile included', () => {
    const bomb = deflateSync(new Uint8Array(5_000_000));
    const iccp = Uint8Array.from([...new TextEncoder().encode('bomb'), 0, 0, ...bomb]);
    const file = assembleChunks([['IHDR', ihdr(1, 1, 8, 0)], ['iCCP', iccp], ['IDAT', deflateSync(Uint8Array.of(0, 77))], ['zzZz', new Uint8Array(3)], end]);
    expect(Array.from(decodePng(file).samples)).toEqual([77]);
  });

  it('the CRC of an ancillary chunk is checked too, though the chunk is not read', () => {
    const file = assembleChunks([['IHDR', ihdr(1, 1, 8, 0)], ['tEXt', new TextEncoder().encode('Comment\0hi')], ['IDAT', deflateSync(Uint8Array.of(0, 77))], end]);
    expect(Array.from(decodePng(file).samples)).toEqual([77]);
    file[33 + 8 + 3] ^= 0x20; // a letter of the tEXt keyword
    expect(() => decodePng(file)).toThrow(/^PNG chunk tEXt at byte 33 has CRC 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8} \(file corrupted\)$/);
  });
});
