/**
 * PNG decoding against ImageMagick: files written by ImageMagick in every colour type, bit depth
 * and interlacing, compared pixel for pixel with ImageMagick's own decoding of them
 * (test/fixtures/png/README.md), plus a 2×2 file checked byte by byte by hand, whose CRCs the
 * decoder must check.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils.js';
import { decodePng, type PngImage } from '../../src/cli/png.js';
import { MalformedInputError } from '../../src/errors.js';
import { crc32 } from './png-writer.js';

const dir = new URL('../fixtures/png/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('imagemagick-rgba16.json', dir), 'utf8')) as {
  width: number;
  height: number;
  pixels: Record<string, string>;
};

/** Our decoding as ImageMagick prints it: 16-bit RGBA, 8-bit samples scaled by 257. */
function toRgba16(image: PngImage): number[] {
  const out: number[] = [];
  const k = image.sampleDepth === 16 ? 1 : 257;
  const opaque = 65535;
  for (let i = 0; i < image.width * image.height; i++) {
    const s = Array.from(image.samples.subarray(i * image.channels, (i + 1) * image.channels), (v) => v * k);
    if (image.channels === 1) out.push(s[0], s[0], s[0], opaque);
    if (image.channels === 2) out.push(s[0], s[0], s[0], s[1]);
    if (image.channels === 3) out.push(s[0], s[1], s[2], opaque);
    if (image.channels === 4) out.push(...s);
  }
  return out;
}

function parseRgba16(hex: string): number[] {
  const bytes = hexToBytes(hex);
  return Array.from({ length: bytes.length / 2 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
}

const expectedSource: Record<string, [number, number, boolean]> = {
  'gray1.png': [0, 1, false],
  'gray2.png': [0, 2, false],
  'gray4.png': [0, 4, false],
  'gray8.png': [0, 8, false],
  'gray8-interlaced.png': [0, 8, true],
  'gray8-trns.png': [0, 8, false],
  'gray16.png': [0, 16, false],
  'gray-alpha8.png': [4, 8, false],
  'rgb8.png': [2, 8, false],
  'rgb8-interlaced.png': [2, 8, true],
  'rgb8-trns.png': [2, 8, false],
  'rgb16.png': [2, 16, false],
  'rgba8.png': [6, 8, false],
  'rgba8-interlaced.png': [6, 8, true],
  'rgba16.png': [6, 16, false],
  'rgba16-interlaced.png': [6, 16, true],
  'palette-trns.png': [3, 8, false],
  'palette2.png': [3, 2, false],
};

describe('decodePng against ImageMagick', () => {
  it('covers every fixture', () => {
    expect(Object.keys(reference.pixels).sort()).toEqual(Object.keys(expectedSource).sort());
  });

  for (const [file, [colorType, bitDepth, interlaced]] of Object.entries(expectedSource)) {
    it(file, () => {
      const image = decodePng(new Uint8Array(readFileSync(new URL(file, dir))));
      expect(image.source).toEqual({ colorType, bitDepth, interlaced });
      expect([image.width, image.height]).toEqual([reference.width, reference.height]);
      expect(toRgba16(image)).toEqual(parseRgba16(reference.pixels[file]));
    });
  }

  it('colour keys become an alpha channel', () => {
    const gray = decodePng(new Uint8Array(readFileSync(new URL('gray8-trns.png', dir))));
    expect(gray.channels).toBe(2);
    const rgb = decodePng(new Uint8Array(readFileSync(new URL('rgb8-trns.png', dir))));
    expect(rgb.channels).toBe(4);
    expect(Array.from(rgb.samples.subarray(4, 8))).toEqual([37, 20, 171, 0]); // pixel (1, 0) is the key
  });
});

// Field by field: signature; IHDR (13 bytes: 2×2, depth 8, type 0, methods 0, no interlace) + CRC;
// IDAT (17 bytes): zlib 78 01, stored final block 01, LEN 0006, NLEN f9ff, filtered rows
// [00 | 00 ff] [01 | 80 c0], Adler-32 05c50241; + CRC; IEND + CRC ae426082.
const hand = hexToBytes(
  '89504e470d0a1a0a' +
    '0000000d' + '49484452' + '00000002' + '00000002' + '08' + '00' + '00' + '00' + '00' + '57dd52f8' +
    '00000011' + '49444154' + '7801' + '01' + '0600' + 'f9ff' + '0000ff' + '0180c0' + '05c50241' + '3b905f92' +
    '00000000' + '49454e44' + 'ae426082',
);

describe('hand-checked 2×2 grey PNG', () => {
  const file = hand;

  it('decodes to 0, 255 / 128, 64', () => {
    const image = decodePng(file);
    expect(image).toMatchObject({ width: 2, height: 2, channels: 1, sampleDepth: 8 });
    expect(Array.from(image.samples)).toEqual([0, 255, 128, 64]);
  });

  it('the CRCs in it are what crc32 computes', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
    expect(crc32(file.subarray(12, 12 + 17))).toBe(0x57dd52f8);
    expect(crc32(file.subarray(37, 37 + 21))).toBe(0x3b905f92);
  });
});

describe('CRC checking', () => {
  it('a changed CRC in any chunk of the hand-checked file is refused', () => {
    // The chunks IHDR, IDAT and IEND start at bytes 8, 33 and 62; their CRC fields end at 33, 62 and 74.
    for (const [start, end, chunk] of [[8, 33, 'IHDR'], [33, 62, 'IDAT'], [62, 74, 'IEND']] as const) {
      for (let at = end - 4; at < end; at++) {
        const bad = hand.slice();
        bad[at] ^= 0x10;
        expect(() => decodePng(bad), `byte ${at}`).toThrow(MalformedInputError);
        expect(() => decodePng(bad), `byte ${at}`).toThrow(new RegExp(`^PNG chunk ${chunk} at byte ${start} has CRC 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8} \\(file corrupted\\)$`));
      }
    }
  });
});
