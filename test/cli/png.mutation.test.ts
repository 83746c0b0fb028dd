/**
 * src/cli/png.ts rule by rule, against hand-assembled chunk lists (./png-writer.ts assembleChunks,
 * CRCs from node:zlib) and independent expectations: the exact typed error and message of every
 * header, chunk-order, CRC, transparency and image-data check (with the byte offsets and sizes they
 * name), the image-data size of plain and Adam7 layouts against a brute-force count of the Adam7
 * pattern, the boundaries of each limit (pixels, PLTE size, tRNS entries, inflated size, filter type),
 * the colour key at 8 and 16 bits and below 8 bits, the sample expansion of 1/2/4-bit grey; and the
 * encoder's refusals with their messages, its palette depth at each size boundary, its default
 * compression level and the tEXt chunks it writes.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, DEFAULT_MAX_PNG_PIXELS, encodePng, isPng, PNG_SIGNATURE, PngColorType, type PngPixels } from '../../src/cli/png.js';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../../src/errors.js';
import { UnsupportedError } from '../../src/nn/errors.js';
import { assembleChunks } from './png-writer.js';

type Chunk = [string, Uint8Array];

const ihdr = (w: number, h: number, depth: number, type: number, interlace = 0, compression = 0, filter = 0): Uint8Array => {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  d.set([depth, type, compression, filter, interlace], 8);
  return d;
};
const END: Chunk = ['IEND', new Uint8Array(0)];
const idat = (...bytes: number[]): Chunk => ['IDAT', deflateSync(Uint8Array.from(bytes))];
const png = (...chunks: Chunk[]): Uint8Array => assembleChunks(chunks);
/** A 1×1 8-bit grey image of value v. */
const grey1 = (v = 77, ...extra: Chunk[]): Uint8Array => png(['IHDR', ihdr(1, 1, 8, 0)], ...extra, idat(0, v), END);

const malformed = (bytes: Uint8Array, message: string, options?: { maxPixels?: number }): void => {
  expect(() => decodePng(bytes, options)).toThrow(new MalformedInputError(message));
};
const samples = (bytes: Uint8Array): number[] => Array.from(decodePng(bytes).samples);
/** The chunks of a file as [type, data]. */
const chunksOf = (file: Uint8Array): Chunk[] => {
  const out: Chunk[] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 8; at < file.length; at += 12 + view.getUint32(at)) {
    out.push([Buffer.from(file.subarray(at + 4, at + 8)).toString('latin1'), file.subarray(at + 8, at + 8 + view.getUint32(at))]);
  }
  return out;
};

/** Adam7 pass of pixel (x, y), 1–7, from the pattern in the PNG specification. */
const ADAM7_PATTERN = ['16462646', '77777777', '56565656', '77777777', '36463646', '77777777', '56565656', '77777777'];
/** Bytes of the filtered image data, counted pixel by pixel: every pass's rows and columns. */
function imageDataBytes(w: number, h: number, bitsPerPixel: number, interlaced: boolean): number {
  if (!interlaced) return h * (1 + Math.ceil((w * bitsPerPixel) / 8));
  let total = 0;
  for (let pass = 1; pass <= 7; pass++) {
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (Number(ADAM7_PATTERN[y % 8][x % 8]) === pass) {
          rows.add(y);
          cols.add(x);
        }
      }
    }
    if (rows.size > 0) total += rows.size * (1 + Math.ceil((cols.size * bitsPerPixel) / 8));
  }
  return total;
}

describe('decodePng: arguments and signature', () => {
  it('refuses what is not a Uint8Array, and bytes without the signature', () => {
    for (const bad of [[137, 80], new ArrayBuffer(8), 'png', null]) {
      expect(() => decodePng(bad as unknown as Uint8Array)).toThrow(new InvalidArgumentError('decodePng expects a Uint8Array'));
    }
    malformed(new TextEncoder().encode('GIF89a..'), 'not a PNG file (the 8-byte PNG signature is missing)');
    expect(isPng(grey1())).toBe(true);
    expect(isPng(grey1().subarray(1))).toBe(false);
    expect(Array.from(PNG_SIGNATURE)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(PngColorType).toEqual({ GRAY: 0, RGB: 2, PALETTE: 3, GRAY_ALPHA: 4, RGBA: 6 });
  });

  it('reads a file that is a view at an offset into a larger buffer', () => {
    const file = grey1(200);
    const big = new Uint8Array(file.length + 10).fill(0xee);
    big.set(file, 5);
    expect(Array.from(decodePng(big.subarray(5, 5 + file.length)).samples)).toEqual([200]);
  });
});

describe('decodePng: chunk framing', () => {
  it('a truncated file names the byte where a chunk was expected', () => {
    malformed(PNG_SIGNATURE, 'PNG truncated at byte 8 (expected a chunk IHDR)');
    const file = grey1();
    malformed(file.subarray(0, 8 + 11), 'PNG truncated at byte 8 (expected a chunk IHDR)');
    malformed(file.subarray(0, 33), 'PNG truncated at byte 33 (expected a chunk)');
    malformed(file.subarray(0, 33 + 11), 'PNG truncated at byte 33 (expected a chunk)');
    // no IEND: the file ends after the IDAT chunk
    malformed(file.subarray(0, file.length - 12), `PNG truncated at byte ${file.length - 12} (expected a chunk)`);
    // a chunk whose data runs past the end
    malformed(file.subarray(0, 33 + 12), `PNG chunk IDAT at byte 33 announces ${new DataView(file.buffer).getUint32(33)} bytes, past the end of the file`);
    malformed(file.subarray(0, file.length - 1), `PNG truncated at byte ${file.length - 12} (expected a chunk)`);
  });

  it('a length above 2^31 − 1 is refused as running past the end', () => {
    const file = grey1().slice();
    new DataView(file.buffer).setUint32(33, 0x8000_0000);
    malformed(file, 'PNG chunk IDAT at byte 33 announces 2147483648 bytes, past the end of the file');
    new DataView(file.buffer).setUint32(33, 0xffff_ffff);
    malformed(file, 'PNG chunk IDAT at byte 33 announces 4294967295 bytes, past the end of the file');
  });

  it('chunk types are four ASCII letters', () => {
    for (const type of ['IH1R', 'IHD ', '@HDR', '[HDR', '`HDR', '{HDR', 'IHD\u00c4', 'IHD\u0000']) {
      const file = png(['IHDR', ihdr(1, 1, 8, 0)], idat(0, 1), END);
      for (let i = 0; i < 4; i++) file[12 + i] = type.charCodeAt(i);
      malformed(file, `PNG chunk at byte 8 has an invalid type ${JSON.stringify(type)}`);
    }
    // letters at both ends of both ranges, in ancillary chunks, are fine
    expect(samples(grey1(5, ['aAzZ', new Uint8Array(2)], ['zZaA', new Uint8Array(0)]))).toEqual([5]);
  });

  it('every CRC is checked, with both values in the message', () => {
    const file = grey1().slice();
    const view = new DataView(file.buffer);
    const computed = crc32(file.subarray(12, 29));
    view.setUint32(29, 1);
    malformed(file, `PNG chunk IHDR at byte 8 has CRC 0x00000001, computed 0x${computed.toString(16).padStart(8, '0')} (file corrupted)`);
    const end = grey1().slice();
    const at = end.length - 12;
    new DataView(end.buffer).setUint32(at + 8, 0xabcdef12);
    malformed(end, `PNG chunk IEND at byte ${at} has CRC 0xabcdef12, computed 0x${crc32(Buffer.from('IEND')).toString(16).padStart(8, '0')} (file corrupted)`);
    // a CRC over the type alone would miss a change of the data
    const data = grey1().slice();
    data[16] ^= 1; // width 1 → 0x01000001 would be read, but the CRC fails first
    expect(() => decodePng(data)).toThrow(/^PNG chunk IHDR at byte 8 has CRC 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8} \(file corrupted\)$/);
  });

  it('IHDR first and once; IDAT present and consecutive; PLTE in palette images', () => {
    malformed(png(idat(0, 1), ['IHDR', ihdr(1, 1, 8, 0)], END), 'PNG starts with chunk IDAT, expected IHDR');
    malformed(png(['tEXt', new Uint8Array(1)], ['IHDR', ihdr(1, 1, 8, 0)], idat(0, 1), END), 'PNG starts with chunk tEXt, expected IHDR');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0)], ['IHDR', ihdr(1, 1, 8, 0)], idat(0, 1), END), 'PNG has two IHDR chunks');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0)], END), 'PNG has no IDAT chunk');
    malformed(png(['IHDR', ihdr(1, 1, 8, 3)], idat(0, 0), END), 'PNG palette image without a PLTE chunk');
    const split = deflateSync(Uint8Array.of(0, 9, 0, 8));
    const parts: Chunk[] = [['IDAT', split.subarray(0, 3)], ['IDAT', split.subarray(3, 5)], ['IDAT', split.subarray(5)]];
    expect(samples(png(['IHDR', ihdr(1, 2, 8, 0)], ...parts, END))).toEqual([9, 8]);
    malformed(png(['IHDR', ihdr(1, 2, 8, 0)], parts[0], ['tEXt', new Uint8Array(1)], parts[1], parts[2], END), 'PNG IDAT chunks are not consecutive');
    // ancillary chunks after the image data are fine
    expect(samples(png(['IHDR', ihdr(1, 2, 8, 0)], ...parts, ['tEXt', new Uint8Array(1)], END))).toEqual([9, 8]);
  });

  it('unknown chunks: critical (first letter upper case) refused, ancillary skipped', () => {
    malformed(grey1(1, ['Qqqq', new Uint8Array(0)]), 'PNG has an unknown critical chunk Qqqq');
    malformed(grey1(1, ['ZZZZ', new Uint8Array(4)]), 'PNG has an unknown critical chunk ZZZZ');
    expect(samples(grey1(3, ['qQQQ', new Uint8Array(4)]))).toEqual([3]);
    // the chunk after a skipped one is read at the right place
    expect(samples(png(['IHDR', ihdr(1, 1, 8, 0)], ['qQQQ', new Uint8Array(7)], ['pHYs', new Uint8Array(9)], idat(0, 4), END))).toEqual([4]);
  });
});

describe('decodePng: IHDR', () => {
  it('13 bytes', () => {
    malformed(png(['IHDR', ihdr(1, 1, 8, 0).subarray(0, 12)], idat(0, 1), END), 'PNG IHDR has 12 bytes, expected 13');
    malformed(png(['IHDR', Uint8Array.from([...ihdr(1, 1, 8, 0), 0])], idat(0, 1), END), 'PNG IHDR has 14 bytes, expected 13');
  });

  it('width and height in 1 … 2^31 − 1', () => {
    for (const [w, h] of [[0, 1], [1, 0], [0x8000_0000, 1], [1, 0x8000_0000], [0xffff_ffff, 1]]) {
      malformed(png(['IHDR', ihdr(w, h, 8, 0)], idat(0, 1), END), `PNG size ${w}×${h} is invalid`);
    }
    // 2^31 − 1 is a valid size: it reaches the pixel limit instead
    for (const [w, h] of [[0x7fff_ffff, 1], [1, 0x7fff_ffff]]) {
      expect(() => decodePng(png(['IHDR', ihdr(w, h, 8, 0)], idat(0, 1), END))).toThrow(
        new OutOfRangeError(`PNG of ${w}×${h} pixels exceeds the limit of ${2 ** 25} pixels`),
      );
    }
  });

  it('the pixel limit: default 2^25, or maxPixels, equality accepted', () => {
    expect(DEFAULT_MAX_PNG_PIXELS).toBe(33554432);
    expect(() => decodePng(png(['IHDR', ihdr(2 ** 13, 2 ** 12 + 1, 8, 0)], idat(0), END))).toThrow(
      new OutOfRangeError('PNG of 8192×4097 pixels exceeds the limit of 33554432 pixels'),
    );
    // exactly 2^25 pixels passes the limit (and then fails on the image data)
    malformed(png(['IHDR', ihdr(2 ** 13, 2 ** 12, 8, 0)], idat(0), END), `PNG image data inflates to 1 bytes, its header implies ${2 ** 12 * (2 ** 13 + 1)}`);
    const file = png(['IHDR', ihdr(3, 2, 8, 0)], idat(0, 1, 2, 3, 0, 4, 5, 6), END);
    expect(Array.from(decodePng(file, { maxPixels: 6 }).samples)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => decodePng(file, { maxPixels: 5 })).toThrow(new OutOfRangeError('PNG of 3×2 pixels exceeds the limit of 5 pixels'));
    expect(Array.from(decodePng(file, {}).samples)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('colour type and bit depth combinations', () => {
    for (const type of [1, 5, 7, 8, 255]) malformed(png(['IHDR', ihdr(1, 1, 8, type)], idat(0, 1), END), `PNG colour type ${type} is invalid`);
    const allowed: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
    for (const [type, depths] of Object.entries(allowed)) {
      for (const depth of [0, 1, 2, 3, 4, 5, 8, 16, 32]) {
        const file = png(['IHDR', ihdr(1, 1, depth, Number(type))], END);
        // an allowed pair gets past the header (and stops at the missing image data)
        if (depths.includes(depth)) malformed(file, 'PNG has no IDAT chunk');
        else malformed(file, `PNG bit depth ${depth} is invalid for colour type ${type}`);
      }
    }
  });

  it('compression, filter and interlace methods', () => {
    malformed(png(['IHDR', ihdr(1, 1, 8, 0, 0, 1)], idat(0, 1), END), 'PNG compression method 1 is unknown');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0, 0, 0, 1)], idat(0, 1), END), 'PNG filter method 1 is unknown');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0, 2)], idat(0, 1), END), 'PNG interlace method 2 is unknown');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0, 255)], idat(0, 1), END), 'PNG interlace method 255 is unknown');
    const laced = decodePng(png(['IHDR', ihdr(1, 1, 8, 0, 1)], idat(0, 1), END));
    expect(laced.source).toEqual({ colorType: 0, bitDepth: 8, interlaced: true });
    expect(decodePng(grey1()).source).toEqual({ colorType: 0, bitDepth: 8, interlaced: false });
  });

  it('Adam7 below 8 bits is unsupported; at 8 and 16 bits it decodes', () => {
    for (const depth of [1, 2, 4]) {
      expect(() => decodePng(png(['IHDR', ihdr(1, 1, depth, 0, 1)], idat(0, 0), END))).toThrow(
        new UnsupportedError(`PNG is Adam7-interlaced at ${depth} bits per sample, which is not supported: re-save the image without interlacing`),
      );
    }
    expect(samples(png(['IHDR', ihdr(1, 1, 16, 0, 1)], idat(0, 0x12, 0x34), END))).toEqual([0x1234]);
    // not interlaced, below 8 bits: fine
    expect(samples(png(['IHDR', ihdr(2, 1, 4, 0)], idat(0, 0x1f), END))).toEqual([17, 255]);
  });
});

describe('decodePng: PLTE and tRNS', () => {
  const plte = (n: number): Chunk => ['PLTE', Uint8Array.from({ length: 3 * n }, (_, i) => (i * 7 + 1) & 255)];

  it('PLTE: once, before the image data, 3 … 768 bytes in steps of 3, not in grey images', () => {
    const head: Chunk = ['IHDR', ihdr(1, 1, 8, 3)];
    malformed(png(head, plte(1), plte(1), idat(0, 0), END), 'PNG has two PLTE chunks');
    malformed(png(head, idat(0, 0), plte(1), END), 'PNG has PLTE after the image data');
    for (const n of [0, 1, 2, 4, 769, 771]) malformed(png(head, ['PLTE', new Uint8Array(n)], idat(0, 0), END), `PNG PLTE has ${n} bytes (a multiple of 3, at most 768)`);
    // 256 entries (768 bytes) are fine: pixel 255 reads the last one
    expect(samples(png(head, plte(256), idat(0, 255), END))).toEqual([(765 * 7 + 1) & 255, (766 * 7 + 1) & 255, (767 * 7 + 1) & 255]);
    expect(samples(png(head, plte(1), idat(0, 0), END))).toEqual([1, 8, 15]);
    for (const type of [0, 4]) {
      malformed(png(['IHDR', ihdr(1, 1, 8, type)], plte(1), idat(0, 0, 0), END), 'PNG has a PLTE chunk in a greyscale image');
    }
    // a suggested palette in a colour image is allowed and does not change the samples
    expect(samples(png(['IHDR', ihdr(1, 1, 8, 2)], plte(2), idat(0, 1, 2, 3), END))).toEqual([1, 2, 3]);
    expect(samples(png(['IHDR', ihdr(1, 1, 8, 6)], plte(2), idat(0, 1, 2, 3, 4), END))).toEqual([1, 2, 3, 4]);
  });

  it('a palette index beyond the palette', () => {
    malformed(png(['IHDR', ihdr(2, 1, 8, 3)], plte(2), idat(0, 1, 2), END), 'PNG pixel uses palette index 2, the palette has 2 entries');
  });

  it('palette tRNS: after PLTE, once, before the image data, at most one entry per colour; short tables are opaque beyond', () => {
    const head: Chunk = ['IHDR', ihdr(3, 1, 8, 3)];
    const pal: Chunk = ['PLTE', Uint8Array.of(10, 11, 12, 20, 21, 22, 30, 31, 32)];
    const pixels = idat(0, 2, 0, 1);
    malformed(png(head, ['tRNS', Uint8Array.of(1)], pal, pixels, END), 'PNG has tRNS before PLTE');
    malformed(png(head, pal, ['tRNS', Uint8Array.of(1)], ['tRNS', Uint8Array.of(1)], pixels, END), 'PNG has two tRNS chunks');
    malformed(png(head, pal, pixels, ['tRNS', Uint8Array.of(1)], END), 'PNG has tRNS after the image data');
    malformed(png(head, pal, ['tRNS', Uint8Array.of(1, 2, 3, 4)], pixels, END), 'PNG tRNS has 4 entries, the palette 3');
    // as many entries as colours
    expect(samples(png(head, pal, ['tRNS', Uint8Array.of(5, 6, 7)], pixels, END))).toEqual([30, 31, 32, 7, 10, 11, 12, 5, 20, 21, 22, 6]);
    // fewer: the rest opaque
    expect(samples(png(head, pal, ['tRNS', Uint8Array.of(5, 6)], pixels, END))).toEqual([30, 31, 32, 255, 10, 11, 12, 5, 20, 21, 22, 6]);
    // no tRNS: three channels
    const rgb = decodePng(png(head, pal, pixels, END));
    expect(rgb.channels).toBe(3);
    expect(rgb.sampleDepth).toBe(8);
    expect(Array.from(rgb.samples)).toEqual([30, 31, 32, 10, 11, 12, 20, 21, 22]);
    // a one-pixel palette image with a two-entry table
    const one = decodePng(png(['IHDR', ihdr(1, 1, 8, 3)], pal, ['tRNS', Uint8Array.of(9, 8)], idat(0, 1), END));
    expect([one.channels, ...one.samples]).toEqual([4, 20, 21, 22, 8]);
  });

  it('palette images at 1, 2 and 4 bits, rows ending inside a byte', () => {
    const pal: Chunk = ['PLTE', Uint8Array.from({ length: 48 }, (_, i) => i)];
    const expectIdx = (indices: number[]) => indices.flatMap((i) => [3 * i, 3 * i + 1, 3 * i + 2]);
    expect(samples(png(['IHDR', ihdr(3, 2, 1, 3)], pal, idat(0, 0b1010_0000, 0, 0b0110_0000), END))).toEqual(expectIdx([1, 0, 1, 0, 1, 1]));
    expect(samples(png(['IHDR', ihdr(3, 1, 2, 3)], pal, idat(0, 0b1110_0100), END))).toEqual(expectIdx([3, 2, 1]));
    expect(samples(png(['IHDR', ihdr(3, 1, 4, 3)], pal, idat(0, 0xf0, 0x70), END))).toEqual(expectIdx([15, 0, 7]));
  });

  it('colour-key tRNS: exact size for grey (2) and RGB (6), none with alpha', () => {
    malformed(png(['IHDR', ihdr(3, 1, 8, 0)], ['tRNS', Uint8Array.of(0, 1, 0, 2)], idat(0, 1, 2, 3), END), 'PNG tRNS has 4 bytes, expected 2 for this colour type');
    malformed(png(['IHDR', ihdr(3, 1, 8, 0)], ['tRNS', Uint8Array.of(0)], idat(0, 1, 2, 3), END), 'PNG tRNS has 1 bytes, expected 2 for this colour type');
    malformed(png(['IHDR', ihdr(3, 1, 8, 2)], ['tRNS', Uint8Array.of(0, 1)], idat(0, 1, 2, 3), END), 'PNG tRNS has 2 bytes, expected 6 for this colour type');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0)], idat(0, 1), ['tRNS', Uint8Array.of(0, 1)], END), 'PNG has tRNS after the image data');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0)], ['tRNS', Uint8Array.of(0, 1)], ['tRNS', Uint8Array.of(0, 1)], idat(0, 1), END), 'PNG has two tRNS chunks');
    for (const type of [4, 6]) {
      malformed(png(['IHDR', ihdr(1, 1, 8, type)], ['tRNS', Uint8Array.of(0, 1)], END), `PNG has a tRNS chunk in an image that already has alpha (colour type ${type})`);
    }
  });

  it('colour key: grey and RGB at 8 and 16 bits, the whole 16-bit value compared', () => {
    // grey 8-bit, 3 pixels (the key reaches the library)
    expect(samples(png(['IHDR', ihdr(3, 1, 8, 0)], ['tRNS', Uint8Array.of(0, 2)], idat(0, 1, 2, 3), END))).toEqual([1, 255, 2, 0, 3, 255]);
    // a key with a high byte never matches an 8-bit sample
    expect(samples(png(['IHDR', ihdr(3, 1, 8, 0)], ['tRNS', Uint8Array.of(1, 2)], idat(0, 1, 2, 3), END))).toEqual([1, 255, 2, 255, 3, 255]);
    // grey 16-bit: both bytes of the key count
    const g16 = decodePng(png(['IHDR', ihdr(3, 1, 16, 0)], ['tRNS', Uint8Array.of(0x12, 0x34)], idat(0, 0x12, 0x34, 0x12, 0x35, 0x13, 0x34), END));
    expect(g16.samples).toBeInstanceOf(Uint16Array);
    expect([g16.channels, g16.sampleDepth, ...g16.samples]).toEqual([2, 16, 0x1234, 0, 0x1235, 65535, 0x1334, 65535]);
    // RGB 8-bit, 4 pixels: every sample must match
    const rgb = decodePng(png(['IHDR', ihdr(4, 1, 8, 2)], ['tRNS', Uint8Array.of(0, 1, 0, 2, 0, 3)], idat(0, 1, 2, 3, 1, 2, 4, 9, 2, 3, 1, 9, 3), END));
    expect([rgb.channels, rgb.sampleDepth]).toEqual([4, 8]);
    expect(rgb.samples).toBeInstanceOf(Uint8Array);
    expect(Array.from(rgb.samples)).toEqual([1, 2, 3, 0, 1, 2, 4, 255, 9, 2, 3, 255, 1, 9, 3, 255]);
    // RGB 16-bit, 3 pixels
    const key = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06);
    const rgb16 = decodePng(png(['IHDR', ihdr(3, 1, 16, 2)], ['tRNS', key], idat(0, ...key, ...key.map((b, i) => (i === 5 ? 7 : b)), 0, 0, 0, 0, 0, 0), END));
    expect([rgb16.channels, rgb16.sampleDepth, ...rgb16.samples]).toEqual([4, 16, 0x0102, 0x0304, 0x0506, 0, 0x0102, 0x0304, 0x0507, 65535, 0, 0, 0, 65535]);
  });

  it('colour key below 8 bits: compared with the stored level, the sample scaled', () => {
    // 2-bit grey, levels 0..3 → 0, 85, 170, 255; key level 2
    const g = decodePng(png(['IHDR', ihdr(4, 1, 2, 0)], ['tRNS', Uint8Array.of(0, 2)], idat(0, 0b00_01_10_11), END));
    expect([g.channels, g.sampleDepth, ...g.samples]).toEqual([2, 8, 0, 255, 85, 255, 170, 0, 255, 255]);
    // 1-bit grey key 1, 4-bit grey key 15
    expect(samples(png(['IHDR', ihdr(3, 1, 1, 0)], ['tRNS', Uint8Array.of(0, 1)], idat(0, 0b1010_0000), END))).toEqual([255, 0, 0, 255, 255, 0]);
    expect(samples(png(['IHDR', ihdr(2, 1, 4, 0)], ['tRNS', Uint8Array.of(0, 15)], idat(0, 0xf1), END))).toEqual([255, 0, 17, 255]);
  });

  it('a colour key on an image of fewer pixels than key samples is read here, not by the library', () => {
    // RGB: 3 samples, 2 pixels; grey: 1 sample, 1 pixel (kept)
    const two = decodePng(png(['IHDR', ihdr(2, 1, 8, 2)], ['tRNS', Uint8Array.of(0, 5, 0, 6, 0, 7)], idat(0, 5, 6, 7, 5, 6, 8), END));
    expect(Array.from(two.samples)).toEqual([5, 6, 7, 0, 5, 6, 8, 255]);
    expect(samples(png(['IHDR', ihdr(1, 1, 8, 0)], ['tRNS', Uint8Array.of(0, 5)], idat(0, 5), END))).toEqual([5, 0]);
    expect(samples(png(['IHDR', ihdr(1, 1, 16, 2)], ['tRNS', Uint8Array.of(0, 5, 0, 6, 0, 7)], idat(0, 0, 5, 0, 6, 0, 7), END))).toEqual([5, 6, 7, 0]);
  });
});

describe('decodePng: image data', () => {
  it('its size follows the header: plain and Adam7 (brute-force pass count), every bit depth', () => {
    const cases: [number, number, number, number, number][] = [
      // w, h, depth, colour type, interlace
      [1, 1, 8, 0, 0],
      [3, 2, 8, 0, 0],
      [3, 2, 1, 0, 0],
      [9, 1, 1, 0, 0],
      [5, 3, 2, 0, 0],
      [3, 1, 4, 3, 0],
      [3, 2, 16, 2, 0],
      [2, 2, 8, 4, 0],
      [2, 2, 16, 6, 0],
      [1, 1, 8, 0, 1],
      [2, 1, 8, 0, 1],
      [5, 5, 8, 0, 1],
      [5, 5, 16, 2, 1],
      [8, 8, 8, 6, 1],
      [9, 10, 8, 4, 1],
      [1, 9, 16, 0, 1],
      [13, 11, 8, 2, 1],
    ];
    const bits: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
    for (const [w, h, depth, type, interlace] of cases) {
      const expected = imageDataBytes(w, h, bits[type] * depth, interlace === 1);
      const chunks: Chunk[] = [['IHDR', ihdr(w, h, depth, type, interlace)]];
      if (type === 3) chunks.push(['PLTE', new Uint8Array(48)]);
      malformed(png(...chunks, idat(), END), `PNG image data inflates to 0 bytes, its header implies ${expected}`);
      malformed(png(...chunks, idat(...new Uint8Array(expected - 1)), END), `PNG image data inflates to ${expected - 1} bytes, its header implies ${expected}`);
      malformed(png(...chunks, idat(...new Uint8Array(expected + 1)), END), `PNG image data inflates to ${expected + 1} bytes, its header implies ${expected}`);
      malformed(png(...chunks, idat(...new Uint8Array(expected + 2)), END), `PNG image data inflates to more than the ${expected} bytes its header implies`);
      // exactly the size: decodes (all zeros)
      const decoded = decodePng(png(...chunks, idat(...new Uint8Array(expected)), END));
      expect([decoded.width, decoded.height]).toEqual([w, h]);
      expect(decoded.source).toEqual({ colorType: type, bitDepth: depth, interlaced: interlace === 1 });
    }
    expect(imageDataBytes(5, 5, 8, true)).toBe(36); // the count by hand: 2 + 2 + 3 + 4 + 4 + 9 + 12
  });

  it('a header implying more than node:zlib can inflate at all (no pixel limit) is refused as too large', () => {
    // maxOutputLength above buffer.constants.MAX_LENGTH: node:zlib refuses the option itself, also with a RangeError (ERR_OUT_OF_RANGE)
    const [w, h] = [0x7fff_ffff, 0x7fff_ffff];
    const expected = h * (1 + (w * 64) / 8);
    expect(expected + 1).toBeGreaterThan(2 ** 53);
    malformed(png(['IHDR', ihdr(w, h, 16, 6)], idat(0), END), `PNG image data inflates to more than the ${expected} bytes its header implies`, { maxPixels: Infinity });
  });

  it('data that is not zlib: the inflater’s message', () => {
    const junk = Uint8Array.of(1, 2, 3);
    let message = '';
    try {
      inflateSync(junk);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    malformed(png(['IHDR', ihdr(1, 1, 8, 0)], ['IDAT', junk], END), `PNG image data is not valid zlib data (${message})`);
  });

  it('filter types 0–4 pass; above 4 names the row of its pass', () => {
    // 1×5 grey, filters 0–4 in turn: none, sub (left 0), up, average, Paeth (picks up)
    expect(samples(png(['IHDR', ihdr(1, 5, 8, 0)], idat(0, 10, 1, 20, 2, 30, 3, 40, 4, 50), END))).toEqual([10, 20, 50, 65, 115]);
    malformed(png(['IHDR', ihdr(1, 3, 8, 0)], idat(0, 1, 0, 2, 5, 3), END), 'PNG row 2 of a pass has unknown filter type 5');
    malformed(png(['IHDR', ihdr(1, 3, 8, 0)], idat(0, 1, 255, 2, 0, 3), END), 'PNG row 1 of a pass has unknown filter type 255');
    // 3×1 grey whose sample bytes are above 4: only the filter bytes count
    expect(samples(png(['IHDR', ihdr(3, 1, 8, 0)], idat(0, 9, 9, 9), END))).toEqual([9, 9, 9]);
    // Adam7 8×8 grey: the bad filter byte in the first row of pass 7 (after 1×(2) + 1×2 + 1×3 + 2×3 + 2×5 + 4×5 bytes)
    const expected = imageDataBytes(8, 8, 8, true);
    const raw = new Uint8Array(expected);
    const pass7 = 2 + 2 + 3 + 2 * 3 + 2 * 5 + 4 * 5;
    raw[pass7 + 9] = 6; // pass 7 row 1 (rows of 1 + 8 bytes)
    malformed(png(['IHDR', ihdr(8, 8, 8, 0, 1)], ['IDAT', deflateSync(raw)], END), 'PNG row 1 of a pass has unknown filter type 6');
    raw[pass7 + 9] = 0;
    raw[2] = 7; // pass 2 row 0
    malformed(png(['IHDR', ihdr(8, 8, 8, 0, 1)], ['IDAT', deflateSync(raw)], END), 'PNG row 0 of a pass has unknown filter type 7');
    raw[2] = 0;
    raw[3] = 7; // a sample byte, not a filter byte
    expect(decodePng(png(['IHDR', ihdr(8, 8, 8, 0, 1)], ['IDAT', deflateSync(raw)], END)).samples[4]).toBe(7);
  });
});

describe('decodePng: samples', () => {
  it('1/2/4-bit grey scaled to 8 bits; 8-bit as stored; 16-bit in a Uint16Array', () => {
    const one = decodePng(png(['IHDR', ihdr(10, 2, 1, 0)], idat(0, 0b1011_0001, 0b1100_0000, 0, 0b0100_0000, 0b0100_0000), END));
    expect([one.channels, one.sampleDepth]).toEqual([1, 8]);
    expect(one.samples).toBeInstanceOf(Uint8Array);
    expect(Array.from(one.samples).map((v) => v / 255)).toEqual([1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(samples(png(['IHDR', ihdr(5, 1, 2, 0)], idat(0, 0b00_01_10_11, 0b1000_0000), END))).toEqual([0, 85, 170, 255, 170]);
    expect(samples(png(['IHDR', ihdr(3, 1, 4, 0)], idat(0, 0x0f, 0x80), END))).toEqual([0, 255, 136]);
    const g8 = decodePng(png(['IHDR', ihdr(2, 1, 8, 4)], idat(0, 1, 2, 3, 4), END));
    expect([g8.channels, g8.sampleDepth, ...g8.samples]).toEqual([2, 8, 1, 2, 3, 4]);
    const rgba16 = decodePng(png(['IHDR', ihdr(1, 1, 16, 6)], idat(0, 1, 2, 3, 4, 5, 6, 7, 8), END));
    expect(rgba16.samples).toBeInstanceOf(Uint16Array);
    expect([rgba16.channels, rgba16.sampleDepth, ...rgba16.samples]).toEqual([4, 16, 0x0102, 0x0304, 0x0506, 0x0708]);
    const rgb = decodePng(png(['IHDR', ihdr(1, 1, 8, 2)], idat(0, 7, 8, 9), END));
    expect([rgb.width, rgb.height, rgb.channels, rgb.sampleDepth, ...rgb.samples]).toEqual([1, 1, 3, 8, 7, 8, 9]);
  });
});

describe('encodePng', () => {
  const grey: PngPixels = { width: 2, height: 2, channels: 1, sampleDepth: 8, samples: Uint8Array.of(0, 85, 170, 255) };
  const invalid = (image: PngPixels, message: string, options = {}): void => {
    expect(() => encodePng(image, options)).toThrow(new InvalidArgumentError(message));
  };

  it('size, channels, sample depth and count', () => {
    for (const [w, h] of [[0, 1], [1, 0], [1.5, 1], [1, NaN], [-1, 1], [0x8000_0000, 1], [1, 0x8000_0000], [2 ** 53, 1]]) {
      invalid({ ...grey, width: w, height: h }, `PNG size ${w}×${h} is invalid`);
    }
    // 2^31 − 1 passes the size check (and fails on the sample count)
    invalid({ ...grey, width: 0x7fff_ffff, height: 1 }, '4 samples for a 2147483647×1 image with 1 channels');
    invalid({ ...grey, width: 1, height: 0x7fff_ffff }, '4 samples for a 1×2147483647 image with 1 channels');
    for (const c of [0, 5, 1.5]) invalid({ ...grey, channels: c as 1 }, `channels must be 1 to 4, got ${c}`);
    invalid({ ...grey, sampleDepth: 12 as 8 }, 'sampleDepth must be 8 or 16, got 12');
    invalid({ ...grey, samples: new Uint8Array(5) }, '5 samples for a 2×2 image with 1 channels');
    invalid({ ...grey, channels: 2 }, '4 samples for a 2×2 image with 2 channels');
  });

  it('every sample an integer within the depth', () => {
    invalid({ ...grey, samples: Uint16Array.of(0, 1, 256, 3) }, 'sample 2 = 256 is outside [0, 255]');
    invalid({ ...grey, samples: Float64Array.of(0, 1.5, 2, 3) as unknown as Uint8Array }, 'sample 1 = 1.5 is outside [0, 255]');
    invalid({ ...grey, samples: Float64Array.of(0, 1, 2, -1) as unknown as Uint8Array }, 'sample 3 = -1 is outside [0, 255]');
    invalid({ ...grey, sampleDepth: 16, samples: Float64Array.of(65536, 0, 0, 0) as unknown as Uint16Array }, 'sample 0 = 65536 is outside [0, 65535]');
    const top = decodePng(encodePng({ ...grey, sampleDepth: 16, samples: Uint16Array.of(65535, 0, 256, 1) }));
    expect(Array.from(top.samples)).toEqual([65535, 0, 256, 1]);
    const plain = decodePng(encodePng({ ...grey, samples: Float64Array.of(255, 0, 1, 254) as unknown as Uint8Array }));
    expect(Array.from(plain.samples)).toEqual([255, 0, 1, 254]);
  });

  it('bit depth per colour type, and 16 bits with 16-bit samples only', () => {
    invalid({ ...grey, channels: 3, samples: new Uint8Array(12) }, 'bit depth 4 is not allowed for colour type 2', { bitDepth: 4 });
    invalid({ ...grey, channels: 2, samples: new Uint8Array(8) }, 'bit depth 1 is not allowed for colour type 4', { bitDepth: 1 });
    invalid({ ...grey, channels: 4, samples: new Uint8Array(16) }, 'bit depth 2 is not allowed for colour type 6', { bitDepth: 2 });
    invalid(grey, 'bit depth 3 is not allowed for colour type 0', { bitDepth: 3 });
    invalid(grey, 'bit depth 16 needs 16-bit samples', { bitDepth: 16 });
    invalid({ ...grey, sampleDepth: 16, samples: new Uint16Array(4) }, 'bit depth 8 needs 8-bit samples', { bitDepth: 8 });
    invalid({ ...grey, sampleDepth: 16, samples: new Uint16Array(4) }, 'bit depth 1 needs 8-bit samples', { bitDepth: 1 });
    // RGB at 8 bits keeps its three channels
    const rgb = decodePng(encodePng({ width: 1, height: 2, channels: 3, sampleDepth: 8, samples: Uint8Array.of(1, 2, 3, 4, 5, 6) }, { bitDepth: 8 }));
    expect([rgb.channels, ...rgb.samples]).toEqual([3, 1, 2, 3, 4, 5, 6]);
    // 8-bit grey written at 8 bits is stored as is
    const g = encodePng({ width: 3, height: 1, channels: 1, sampleDepth: 8, samples: Uint8Array.of(1, 2, 3) });
    expect(decodePng(g).source.bitDepth).toBe(8);
    expect(Array.from(inflateSync(chunksOf(g).find(([t]) => t === 'IDAT')![1]))).toEqual([0, 1, 2, 3]);
  });

  it('grey below 8 bits: multiples of the step, packed from the high bits', () => {
    invalid(grey, 'grey sample 85 is not representable at bit depth 1', { bitDepth: 1 });
    invalid({ ...grey, samples: Uint8Array.of(0, 17, 34, 1) }, 'grey sample 1 is not representable at bit depth 4', { bitDepth: 4 });
    const file = encodePng({ width: 5, height: 2, channels: 1, sampleDepth: 8, samples: Uint8Array.of(0, 85, 170, 255, 85, 255, 0, 0, 0, 170) }, { bitDepth: 2 });
    expect(Array.from(inflateSync(chunksOf(file).find(([t]) => t === 'IDAT')![1]))).toEqual([0, 0b00_01_10_11, 0b01_00_0000, 0, 0b11_00_00_00, 0b10_00_0000]);
    const ones = encodePng({ width: 9, height: 1, channels: 1, sampleDepth: 8, samples: Uint8Array.of(255, 0, 0, 0, 0, 0, 0, 255, 255) }, { bitDepth: 1 });
    expect(Array.from(inflateSync(chunksOf(ones).find(([t]) => t === 'IDAT')![1]))).toEqual([0, 0b1000_0001, 0b1000_0000]);
    expect(decodePng(ones).source).toEqual({ colorType: 0, bitDepth: 1, interlaced: false });
  });

  it('interlacing at 8 and 16 bits only', () => {
    invalid(grey, 'interlacing is written at bit depths 8 and 16 only, not 2', { bitDepth: 2, interlace: true });
    invalid({ ...grey, samples: Uint8Array.of(0, 255, 255, 0) }, 'interlacing is written at bit depths 8 and 16 only, not 1', { palette: true, interlace: true });
    const laced = encodePng(grey, { interlace: true });
    expect(chunksOf(laced)[0][1][12]).toBe(1);
    expect(decodePng(laced).source.interlaced).toBe(true);
    expect(chunksOf(encodePng(grey, { interlace: false }))[0][1][12]).toBe(0);
    expect(chunksOf(encodePng(grey))[0][1][12]).toBe(0);
  });

  it('compression level 0–9, 6 by default', () => {
    for (const level of [-1, 10, 2.5, NaN]) invalid(grey, `compressionLevel must be 0–9, got ${level}`, { compressionLevel: level });
    const noisy: PngPixels = { width: 40, height: 20, channels: 1, sampleDepth: 8, samples: Uint8Array.from({ length: 800 }, (_, i) => (i * 37 + (i >> 3) * 11) & 255) };
    const data = (options = {}) => chunksOf(encodePng(noisy, options)).find(([t]) => t === 'IDAT')![1];
    expect(Buffer.from(data()).equals(Buffer.from(data({ compressionLevel: 6 })))).toBe(true);
    expect(data({ compressionLevel: 0 }).length).toBeGreaterThan(800);
    for (const level of [0, 9]) expect(Array.from(decodePng(encodePng(noisy, { compressionLevel: level })).samples)).toEqual(Array.from(noisy.samples));
  });

  it('tEXt: printable keywords of 1–79 characters, Latin-1 values, written as given', () => {
    for (const keyword of ['', 'k'.repeat(80), 'Ti\u001ftle', 'Ti\u007ftle', 'Titlé', '\u0001Title', 'Title\u0001', 'Title\n']) {
      invalid(grey, `tEXt keyword ${JSON.stringify(keyword)} is invalid`, { text: { [keyword]: 'x' } });
    }
    for (const value of ['→', 'a\u0100', '\u0100a']) invalid(grey, 'tEXt values are Latin-1', { text: { Title: value } });
    const text = { ['k'.repeat(79)]: '', ' ~': 'Zoë\u0000\u00ff ok', Title: 'a' };
    const file = encodePng(grey, { text });
    const written = chunksOf(file)
      .filter(([t]) => t === 'tEXt')
      .map(([, d]) => Buffer.from(d).toString('latin1'));
    expect(written).toEqual(Object.entries(text).map(([k, v]) => `${k}\0${v}`));
    expect(Array.from(decodePng(file).samples)).toEqual([0, 85, 170, 255]);
    expect(chunksOf(encodePng(grey)).map(([t]) => t)).toEqual(['IHDR', 'IDAT', 'IEND']);
  });
});

describe('encodePng: palette images', () => {
  /** An RGBA image of n distinct opaque colours, one pixel each, in a row. */
  const colours = (n: number, alpha = (_: number) => 255): PngPixels => ({
    width: n,
    height: 1,
    channels: 4,
    sampleDepth: 8,
    // pixel p: (p mod 256, 7 + ⌊p / 256⌋, 14, alpha(p))
    samples: Uint8Array.from({ length: 4 * n }, (_, i) => [(i >> 2) & 255, 7 + (i >> 10), 14, alpha(i >> 2)][i % 4]),
  });

  it('the smallest depth that holds the colours, at each boundary', () => {
    for (const [n, depth] of [[1, 1], [2, 1], [3, 2], [4, 2], [5, 4], [16, 4], [17, 8], [256, 8]] as const) {
      const image = colours(n);
      const decoded = decodePng(encodePng(image, { palette: true }));
      expect(decoded.source, `${n} colours`).toEqual({ colorType: 3, bitDepth: depth, interlaced: false });
      expect(decoded.channels).toBe(3);
      expect(Array.from(decoded.samples)).toEqual(Array.from(image.samples).filter((_, i) => i % 4 !== 3));
    }
    expect(() => encodePng(colours(257), { palette: true })).toThrow(new InvalidArgumentError('a palette image has at most 256 distinct colours'));
  });

  it('a given depth: 1, 2, 4 or 8, and at least the smallest', () => {
    const three = colours(3);
    invalid3(three, 1, '3 palette entries do not fit bit depth 1');
    invalid3(three, 16, '3 palette entries do not fit bit depth 16');
    for (const depth of [2, 4, 8] as const) {
      const decoded = decodePng(encodePng(three, { palette: true, bitDepth: depth }));
      expect(decoded.source.bitDepth).toBe(depth);
      expect(Array.from(decoded.samples)).toEqual([0, 7, 14, 1, 7, 14, 2, 7, 14]);
    }
    function invalid3(image: PngPixels, depth: number, message: string): void {
      expect(() => encodePng(image, { palette: true, bitDepth: depth as 8 })).toThrow(new InvalidArgumentError(message));
    }
    expect(() => encodePng({ ...three, sampleDepth: 16, samples: new Uint16Array(12) }, { palette: true })).toThrow(new InvalidArgumentError('a palette image needs 8-bit samples'));
  });

  it('translucent entries first, so that tRNS covers exactly them', () => {
    // colours 0 and 2 opaque, 1 and 3 translucent
    const image = colours(4, (i) => (i % 2 === 1 ? 100 + i : 255));
    const file = encodePng(image, { palette: true });
    const chunks = chunksOf(file);
    const plte = chunks.find(([t]) => t === 'PLTE')![1];
    const trns = chunks.find(([t]) => t === 'tRNS')![1];
    expect(Array.from(plte.subarray(0, 6))).toEqual([1, 7, 14, 3, 7, 14]);
    expect(Array.from(trns)).toEqual([101, 103]);
    expect(Array.from(decodePng(file).samples)).toEqual(Array.from(image.samples));
    // all opaque: no tRNS, entries of three bytes
    const opaque = chunksOf(encodePng(colours(2), { palette: true }));
    expect(opaque.map(([t]) => t)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    expect(Array.from(opaque[1][1])).toEqual([0, 7, 14, 1, 7, 14]);
  });

  it('grey, grey + alpha and RGB sources', () => {
    const g = decodePng(encodePng({ width: 3, height: 1, channels: 1, sampleDepth: 8, samples: Uint8Array.of(9, 200, 9) }, { palette: true }));
    expect([g.channels, ...g.samples]).toEqual([3, 9, 9, 9, 200, 200, 200, 9, 9, 9]);
    const ga = decodePng(encodePng({ width: 2, height: 1, channels: 2, sampleDepth: 8, samples: Uint8Array.of(9, 255, 200, 5) }, { palette: true }));
    expect([ga.channels, ...ga.samples]).toEqual([4, 9, 9, 9, 255, 200, 200, 200, 5]);
    const rgb = decodePng(encodePng({ width: 2, height: 1, channels: 3, sampleDepth: 8, samples: Uint8Array.of(1, 2, 3, 4, 5, 6) }, { palette: true }));
    expect([rgb.channels, ...rgb.samples]).toEqual([3, 1, 2, 3, 4, 5, 6]);
    // colours that differ in one component only are distinct entries
    const close = decodePng(encodePng({ width: 4, height: 1, channels: 4, sampleDepth: 8, samples: Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1) }, { palette: true }));
    expect(close.source.bitDepth).toBe(2);
    expect(Array.from(close.samples)).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1]);
    const first = decodePng(encodePng({ width: 2, height: 1, channels: 4, sampleDepth: 8, samples: Uint8Array.of(1, 0, 0, 255, 2, 0, 0, 255) }, { palette: true }));
    expect(Array.from(first.samples)).toEqual([1, 0, 0, 2, 0, 0]);
  });

  it('packs indices at 1, 2 and 4 bits from the high bits, rows padded', () => {
    const image = colours(3);
    const wide: PngPixels = { width: 3, height: 2, channels: 4, sampleDepth: 8, samples: Uint8Array.from([...image.samples, ...image.samples.slice(4), ...image.samples.slice(0, 4)]) };
    for (const depth of [2, 4] as const) {
      const file = encodePng(wide, { palette: true, bitDepth: depth });
      const raw = Array.from(inflateSync(chunksOf(file).find(([t]) => t === 'IDAT')![1]));
      expect(raw).toEqual(depth === 2 ? [0, 0b00_01_10_00, 0, 0b01_10_00_00] : [0, 0x01, 0x20, 0, 0x12, 0x00]);
      expect(Array.from(decodePng(file).samples)).toEqual(Array.from(wide.samples).filter((_, i) => i % 4 !== 3));
    }
  });
});
