/**
 * PNG images for the CLI's input loading (`delphi infer --input digit.png`): a thin adapter over the
 * `fast-png` library, which does the decoding (inflate, row filters, Adam7, CRC checks) and the
 * encoding. What stays here is what the library does not do for us:
 * - bounds first: the IHDR is validated and the pixel limit checked before anything is inflated, and
 *   the image data is inflated (node:zlib, stopping one byte past the size the header implies, so
 *   that a decompression bomb stops there) and its size checked before the library allocates anything;
 * - the chunk-order rules of the PNG specification, with one-line typed errors naming the defect;
 * - our {@link PngImage} shape: palette and tRNS expanded to RGB(A), 1/2/4-bit grey scaled to 8 bits;
 * - a refusal ({@link UnsupportedError}) of Adam7-interlaced images below 8 bits, which fast-png 8
 *   decodes wrongly: re-saving the image without interlacing fixes it.
 *
 * Every chunk's CRC is checked as it is read (so a corrupted header is reported as such, not as a
 * huge image), and again by the library (`checkCrc`). Only the critical chunks and tRNS reach the
 * library; ancillary chunks (text, gamma, ICC profiles, …) are skipped unread. Colour management is
 * ignored: samples are returned as stored.
 *
 * Reference: W3C, Portable Network Graphics (PNG) Specification (Third Edition), sections 5–12.
 * @module
 */
import { crc32, inflateSync } from 'node:zlib';
import { decode, encode, hasPngSignature, type IndexedColors } from 'fast-png';
import type { DeflateOptions } from 'fflate';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../errors.js';
import { concatBytes } from '../math/bytes.js';
import { UnsupportedError } from '../nn/errors.js';

/** The 8-byte signature every PNG starts with. */
export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** PNG colour types (IHDR byte 9). */
export const PngColorType = { GRAY: 0, RGB: 2, PALETTE: 3, GRAY_ALPHA: 4, RGBA: 6 } as const;
export type PngColorTypeCode = (typeof PngColorType)[keyof typeof PngColorType];

/** Default largest image accepted by {@link decodePng}: 2^25 pixels (a 5792×5792 photo). */
export const DEFAULT_MAX_PNG_PIXELS = 2 ** 25;

/**
 * A decoded image: `samples` holds `channels` samples per pixel, row-major, with palette entries
 * expanded and 1/2/4-bit grey scaled to 8 bits. A transparency chunk becomes an alpha channel.
 */
export interface PngImage {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  /** 8 (samples are 0..255 in a Uint8Array) or 16 (0..65535 in a Uint16Array). */
  readonly sampleDepth: 8 | 16;
  readonly samples: Uint8Array | Uint16Array;
  /** How the file stored it. */
  readonly source: { readonly colorType: PngColorTypeCode; readonly bitDepth: number; readonly interlaced: boolean };
}

/** Options of {@link decodePng}. */
export interface DecodePngOptions {
  /** Largest width × height accepted (default {@link DEFAULT_MAX_PNG_PIXELS}). */
  maxPixels?: number;
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: PngColorTypeCode;
  interlaced: boolean;
}

const SAMPLES_PER_PIXEL: Record<PngColorTypeCode, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<PngColorTypeCode, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7 passes (first column, first row, column step, row step): only to size the image data. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** Whether `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return hasPngSignature(bytes);
}

/**
 * Decodes a PNG file. Throws {@link MalformedInputError} for anything that is not a valid PNG
 * (bad signature, CRC, chunk order, IHDR combination, compressed data, filter type, …),
 * {@link OutOfRangeError} for an image above `maxPixels` and {@link UnsupportedError} for an
 * Adam7-interlaced image below 8 bits per sample.
 */
export function decodePng(bytes: Uint8Array, options: DecodePngOptions = {}): PngImage {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('decodePng expects a Uint8Array');
  if (!isPng(bytes)) throw new MalformedInputError('not a PNG file (the 8-byte PNG signature is missing)');
  const file = readChunks(bytes, options.maxPixels ?? DEFAULT_MAX_PNG_PIXELS);
  const h = file.header;
  if (h.interlaced && h.bitDepth < 8) {
    throw new UnsupportedError(`PNG is Adam7-interlaced at ${h.bitDepth} bits per sample, which is not supported: re-save the image without interlacing`);
  }
  checkImageData(h, file.idat);
  let decoded;
  try {
    decoded = decode(concatBytes([PNG_SIGNATURE, ...file.kept]), { checkCrc: true });
  } catch (e) {
    throw new MalformedInputError(`PNG is corrupted: ${String((e as Error)?.message ?? e).split('\n')[0]}`, { cause: e });
  }
  return expand(h, decoded.data, file.palette, file.transparency);
}

/** The chunks of a file, checked for bounds, CRC and order. */
function readChunks(bytes: Uint8Array, maxPixels: number) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = PNG_SIGNATURE.length;
  let header: Header | null = null;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  const kept: Uint8Array[] = []; // whole chunks (length, type, data, CRC) handed to the library
  let idatState: 'before' | 'inside' | 'after' = 'before';
  for (let ended = false; !ended; ) {
    if (at + 12 > bytes.length) throw new MalformedInputError(`PNG truncated at byte ${at} (expected a chunk${header ? '' : ' IHDR'})`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new MalformedInputError(`PNG chunk at byte ${at} has an invalid type ${JSON.stringify(type)}`);
    if (length > 0x7fff_ffff || at + 12 + length > bytes.length) {
      throw new MalformedInputError(`PNG chunk ${type} at byte ${at} announces ${length} bytes, past the end of the file`);
    }
    const data = bytes.subarray(at + 8, at + 8 + length);
    const whole = bytes.subarray(at, at + 12 + length);
    const [stored, computed] = [view.getUint32(at + 8 + length), crc32(bytes.subarray(at + 4, at + 8 + length))];
    if (stored !== computed) throw new MalformedInputError(`PNG chunk ${type} at byte ${at} has CRC ${hex32(stored)}, computed ${hex32(computed)} (file corrupted)`);
    const critical = (bytes[at + 4] & 0x20) === 0; // bit 5 of the first type byte clear: a decoder must not ignore it
    at += 12 + length;
    if (header === null && type !== 'IHDR') throw new MalformedInputError(`PNG starts with chunk ${type}, expected IHDR`);
    if (idatState === 'inside' && type !== 'IDAT') idatState = 'after';
    switch (type) {
      case 'IHDR':
        if (header !== null) throw new MalformedInputError('PNG has two IHDR chunks');
        header = parseHeader(data, maxPixels);
        break;
      case 'PLTE':
        if (palette !== null) throw new MalformedInputError('PNG has two PLTE chunks');
        if (idatState !== 'before') throw new MalformedInputError('PNG has PLTE after the image data');
        if (length === 0 || length % 3 !== 0 || length > 768) throw new MalformedInputError(`PNG PLTE has ${length} bytes (a multiple of 3, at most 768)`);
        if (header!.colorType === PngColorType.GRAY || header!.colorType === PngColorType.GRAY_ALPHA) {
          throw new MalformedInputError('PNG has a PLTE chunk in a greyscale image');
        }
        palette = data;
        break;
      case 'tRNS':
        if (transparency !== null) throw new MalformedInputError('PNG has two tRNS chunks');
        if (idatState !== 'before') throw new MalformedInputError('PNG has tRNS after the image data');
        checkTransparency(header!, palette, length);
        transparency = data;
        break;
      case 'IDAT':
        if (idatState === 'after') throw new MalformedInputError('PNG IDAT chunks are not consecutive');
        idatState = 'inside';
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        if (critical) throw new MalformedInputError(`PNG has an unknown critical chunk ${type}`);
        continue; // ancillary: skipped unread
    }
    // fast-png 8.0.0 refuses a colour key with more samples than the image has pixels (an RGB
    // image of 1 or 2 pixels); the key is read here, so the library need not see it.
    if (type === 'tRNS' && header!.colorType !== PngColorType.PALETTE && length / 2 > header!.width * header!.height) continue;
    kept.push(whole);
  }
  if (idat.length === 0) throw new MalformedInputError('PNG has no IDAT chunk');
  if (header!.colorType === PngColorType.PALETTE && palette === null) throw new MalformedInputError('PNG palette image without a PLTE chunk');
  return { header: header!, palette, transparency, idat, kept };
}

const hex32 = (n: number) => '0x' + n.toString(16).padStart(8, '0');

function parseHeader(data: Uint8Array, maxPixels: number): Header {
  if (data.length !== 13) throw new MalformedInputError(`PNG IHDR has ${data.length} bytes, expected 13`);
  const view = new DataView(data.buffer, data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filterMethod, interlace] = data.subarray(8);
  if (width === 0 || height === 0 || width > 0x7fff_ffff || height > 0x7fff_ffff) {
    throw new MalformedInputError(`PNG size ${width}×${height} is invalid`);
  }
  if (width * height > maxPixels) throw new OutOfRangeError(`PNG of ${width}×${height} pixels exceeds the limit of ${maxPixels} pixels`);
  const depths = ALLOWED_DEPTHS[colorType as PngColorTypeCode];
  if (!depths) throw new MalformedInputError(`PNG colour type ${colorType} is invalid`);
  if (!depths.includes(bitDepth)) throw new MalformedInputError(`PNG bit depth ${bitDepth} is invalid for colour type ${colorType}`);
  if (compression !== 0) throw new MalformedInputError(`PNG compression method ${compression} is unknown`);
  if (filterMethod !== 0) throw new MalformedInputError(`PNG filter method ${filterMethod} is unknown`);
  if (interlace > 1) throw new MalformedInputError(`PNG interlace method ${interlace} is unknown`);
  return { width, height, bitDepth, colorType: colorType as PngColorTypeCode, interlaced: interlace === 1 };
}

function checkTransparency(h: Header, palette: Uint8Array | null, length: number): void {
  if (h.colorType === PngColorType.PALETTE) {
    if (palette === null) throw new MalformedInputError('PNG has tRNS before PLTE');
    if (length > palette.length / 3) throw new MalformedInputError(`PNG tRNS has ${length} entries, the palette ${palette.length / 3}`);
  } else if (h.colorType === PngColorType.GRAY || h.colorType === PngColorType.RGB) {
    const expected = 2 * SAMPLES_PER_PIXEL[h.colorType];
    if (length !== expected) throw new MalformedInputError(`PNG tRNS has ${length} bytes, expected ${expected} for this colour type`);
  } else {
    throw new MalformedInputError(`PNG has a tRNS chunk in an image that already has alpha (colour type ${h.colorType})`);
  }
}

/**
 * Inflates the image data, stopping one byte past the size the header implies (a decompression
 * bomb stops there), and checks that size and every row's filter type before the library decodes it.
 */
function checkImageData(h: Header, idat: readonly Uint8Array[]): void {
  const bitsPerPixel = SAMPLES_PER_PIXEL[h.colorType] * h.bitDepth;
  const passes = h.interlaced ? ADAM7.map(([x0, y0, dx, dy]) => [Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)]) : [[h.width, h.height]];
  const rows = passes.filter(([w, n]) => w > 0 && n > 0).map(([w, n]) => ({ count: n, stride: 1 + Math.ceil((w * bitsPerPixel) / 8) }));
  const expected = rows.reduce((sum, r) => sum + r.count * r.stride, 0);
  let raw: Uint8Array;
  try {
    raw = inflateSync(concatBytes(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new MalformedInputError(`PNG image data inflates to more than the ${expected} bytes its header implies`);
    }
    throw new MalformedInputError(`PNG image data is not valid zlib data (${(e as Error).message})`);
  }
  if (raw.length !== expected) throw new MalformedInputError(`PNG image data inflates to ${raw.length} bytes, its header implies ${expected}`);
  let at = 0;
  for (const { count, stride } of rows) {
    for (let y = 0; y < count; y++, at += stride) {
      if (raw[at] > 4) throw new MalformedInputError(`PNG row ${y} of a pass has unknown filter type ${raw[at]}`);
    }
  }
}

/** The library's samples in our shape: 1/2/4-bit rows unpacked, palette and colour key expanded. */
function expand(h: Header, data: Uint8Array | Uint8ClampedArray | Uint16Array, palette: Uint8Array | null, trns: Uint8Array | null): PngImage {
  const pixels = h.width * h.height;
  const source = { colorType: h.colorType, bitDepth: h.bitDepth, interlaced: h.interlaced };
  const stored = h.bitDepth < 8 ? unpackRows(data, h) : data;
  const sampleDepth = h.bitDepth === 16 ? 16 : 8;
  const alloc = (n: number) => (sampleDepth === 16 ? new Uint16Array(n) : new Uint8Array(n));

  if (h.colorType === PngColorType.PALETTE) {
    const entries = palette!.length / 3;
    const channels = trns ? 4 : 3;
    const out = new Uint8Array(pixels * channels);
    for (let i = 0; i < pixels; i++) {
      const index = stored[i];
      if (index >= entries) throw new MalformedInputError(`PNG pixel uses palette index ${index}, the palette has ${entries} entries`);
      out.set(palette!.subarray(3 * index, 3 * index + 3), i * channels);
      if (trns) out[i * channels + 3] = index < trns.length ? trns[index] : 255;
    }
    return { width: h.width, height: h.height, channels: channels as 3 | 4, sampleDepth: 8, samples: out, source };
  }

  const spp = SAMPLES_PER_PIXEL[h.colorType];
  const scale = h.bitDepth < 8 ? 255 / ((1 << h.bitDepth) - 1) : 1;
  if (trns) {
    // A colour key (grey or RGB, checked in readChunks): pixels of exactly this stored colour are fully transparent.
    const key = Array.from({ length: spp }, (_, s) => (trns[2 * s] << 8) | trns[2 * s + 1]);
    const opaque = sampleDepth === 16 ? 65535 : 255;
    const out = alloc(pixels * (spp + 1));
    for (let i = 0; i < pixels; i++) {
      let match = true;
      for (let s = 0; s < spp; s++) {
        const v = stored[i * spp + s];
        if (v !== key[s]) match = false;
        out[i * (spp + 1) + s] = Math.round(v * scale);
      }
      out[i * (spp + 1) + spp] = match ? 0 : opaque;
    }
    return { width: h.width, height: h.height, channels: (spp + 1) as 2 | 4, sampleDepth, samples: out, source };
  }
  const out = alloc(pixels * spp);
  if (scale === 1) out.set(stored);
  else for (let i = 0; i < out.length; i++) out[i] = Math.round(stored[i] * scale);
  return { width: h.width, height: h.height, channels: spp as 1 | 2 | 3 | 4, sampleDepth, samples: out, source };
}

/** One sample per pixel from rows packed at 1, 2 or 4 bits (the library returns them packed). */
function unpackRows(packed: ArrayLike<number>, h: Header): Uint8Array {
  const depth = h.bitDepth;
  const stride = Math.ceil((h.width * depth) / 8);
  const out = new Uint8Array(h.width * h.height);
  for (let y = 0; y < h.height; y++) {
    for (let x = 0; x < h.width; x++) {
      const bit = x * depth;
      out[y * h.width + x] = (packed[y * stride + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    }
  }
  return out;
}

/** Packs one sample per pixel into rows at 1, 2 or 4 bits, as the library's encoder takes them. */
function packRows(values: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const stride = Math.ceil((width * depth) / 8);
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * stride + (bit >> 3)] |= values[y * width + x] << (8 - depth - (bit & 7));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoder.

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /**
   * Stored bit depth. Default: 8 for 8-bit samples, 16 for 16-bit ones. 1, 2 and 4 are possible
   * for grey (samples must then be multiples of 255 / (2^depth − 1)) and for palette images.
   */
  bitDepth?: 1 | 2 | 4 | 8 | 16;
  /** Store as a palette image (at most 256 distinct colours; alpha goes to a tRNS chunk). */
  palette?: boolean;
  /** Adam7 interlacing (default false; at bit depths 8 and 16 only). */
  interlace?: boolean;
  /** zlib level 0–9 (default 6). */
  compressionLevel?: number;
  /** tEXt chunks to include (ancillary; decoders skip them). */
  text?: Readonly<Record<string, string>>;
}

/** The pixels {@link encodePng} takes: like {@link PngImage}, without the `source`. */
export type PngPixels = Omit<PngImage, 'source'> & { readonly source?: PngImage['source'] };

/**
 * Encodes `image` as a PNG file with the library's encoder (every row with filter 0, one IDAT
 * chunk). Throws {@link InvalidArgumentError} for an impossible combination.
 */
export function encodePng(image: PngPixels, options: EncodePngOptions = {}): Uint8Array {
  const { width, height, channels, sampleDepth, samples } = image;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1 || width > 0x7fff_ffff || height > 0x7fff_ffff) {
    throw new InvalidArgumentError(`PNG size ${width}×${height} is invalid`);
  }
  if (![1, 2, 3, 4].includes(channels)) throw new InvalidArgumentError(`channels must be 1 to 4, got ${channels}`);
  if (sampleDepth !== 8 && sampleDepth !== 16) throw new InvalidArgumentError(`sampleDepth must be 8 or 16, got ${sampleDepth}`);
  if (samples.length !== width * height * channels) {
    throw new InvalidArgumentError(`${samples.length} samples for a ${width}×${height} image with ${channels} channels`);
  }
  const maxSample = sampleDepth === 16 ? 65535 : 255;
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isInteger(samples[i]) || samples[i] < 0 || samples[i] > maxSample) {
      throw new InvalidArgumentError(`sample ${i} = ${samples[i]} is outside [0, ${maxSample}]`);
    }
  }
  const stored = options.palette ? paletteOf(image, options.bitDepth) : greyOrColour(image, options.bitDepth ?? sampleDepth);
  if (options.interlace && stored.depth < 8) throw new InvalidArgumentError(`interlacing is written at bit depths 8 and 16 only, not ${stored.depth}`);
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new InvalidArgumentError(`compressionLevel must be 0–9, got ${level}`);
  const text = options.text ?? {};
  for (const [keyword, value] of Object.entries(text)) {
    if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new InvalidArgumentError(`tEXt keyword ${JSON.stringify(keyword)} is invalid`);
    if (!/^[\x00-\xff]*$/.test(value)) throw new InvalidArgumentError('tEXt values are Latin-1');
  }
  try {
    return encode({ width, height, text: { ...text }, ...stored }, { interlace: options.interlace ? 'Adam7' : 'null', zlib: { level: level as DeflateOptions['level'] } });
  } catch (e) {
    throw new InvalidArgumentError(`PNG encoding failed: ${(e as Error).message}`, { cause: e });
  }
}

interface Stored {
  data: Uint8Array | Uint16Array;
  depth: 1 | 2 | 4 | 8 | 16;
  channels: number;
  palette?: IndexedColors;
}

function greyOrColour({ width, height, channels, sampleDepth, samples }: PngPixels, bitDepth: number): Stored {
  const colorType = ([PngColorType.GRAY, PngColorType.GRAY_ALPHA, PngColorType.RGB, PngColorType.RGBA] as const)[channels - 1];
  if (!ALLOWED_DEPTHS[colorType].includes(bitDepth)) throw new InvalidArgumentError(`bit depth ${bitDepth} is not allowed for colour type ${colorType}`);
  if ((bitDepth === 16) !== (sampleDepth === 16)) throw new InvalidArgumentError(`bit depth ${bitDepth} needs ${bitDepth === 16 ? 16 : 8}-bit samples`);
  const depth = bitDepth as Stored['depth'];
  if (depth >= 8) return { data: samples, depth, channels };
  const step = 255 / ((1 << depth) - 1);
  const levels = Uint8Array.from(samples, (s) => {
    const v = s / step;
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`grey sample ${s} is not representable at bit depth ${depth}`);
    return v;
  });
  return { data: packRows(levels, width, height, depth), depth, channels: 1 };
}

/**
 * A palette image: entries with alpha below 255 first (the library writes tRNS from exactly
 * those, in order), at the smallest depth that holds them unless `bitDepth` says otherwise.
 */
function paletteOf({ width, height, channels, sampleDepth, samples }: PngPixels, bitDepth: number | undefined): Stored {
  if (sampleDepth !== 8) throw new InvalidArgumentError('a palette image needs 8-bit samples');
  const rgba = (i: number) => {
    const b = i * channels;
    const grey = channels < 3;
    return [samples[b], samples[grey ? b : b + 1], samples[grey ? b : b + 2], channels % 2 === 0 ? samples[b + channels - 1] : 255];
  };
  const colours = new Map<number, number[]>();
  for (let i = 0; i < width * height; i++) {
    const px = rgba(i);
    colours.set(((px[0] << 24) | (px[1] << 16) | (px[2] << 8) | px[3]) >>> 0, px);
    if (colours.size > 256) throw new InvalidArgumentError('a palette image has at most 256 distinct colours');
  }
  const entries = [...colours.entries()].sort(([, a], [, b]) => Number(a[3] === 255) - Number(b[3] === 255));
  const indexOf = new Map(entries.map(([key], i) => [key, i]));
  const minimal = entries.length <= 2 ? 1 : entries.length <= 4 ? 2 : entries.length <= 16 ? 4 : 8;
  const depth = bitDepth ?? minimal;
  if (![1, 2, 4, 8].includes(depth) || depth < minimal) throw new InvalidArgumentError(`${entries.length} palette entries do not fit bit depth ${depth}`);
  const indices = Uint8Array.from({ length: width * height }, (_, i) => {
    const px = rgba(i);
    return indexOf.get(((px[0] << 24) | (px[1] << 16) | (px[2] << 8) | px[3]) >>> 0)!;
  });
  const hasAlpha = entries.some(([, e]) => e[3] !== 255);
  return {
    data: depth === 8 ? indices : packRows(indices, width, height, depth),
    depth: depth as Stored['depth'],
    channels: 1,
    palette: entries.map(([, e]) => (hasAlpha ? e : e.slice(0, 3))),
  };
}
