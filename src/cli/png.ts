/**
 * PNG images for the CLI's input loading (`delphi infer --input digit.png`): a decoder for every
 * standard PNG (grayscale, RGB, palette, with or without alpha, bit depths 1 to 16, Adam7
 * interlacing; CRCs checked; ancillary chunks skipped) and an encoder producing all of those forms,
 * used to write images and to test the decoder. Inflate and deflate come from node:zlib; filtering,
 * interlacing and chunk handling are written here. Colour management (gAMA, cHRM, iCCP, sRGB) is
 * ignored: samples are returned as stored.
 *
 * Reference: W3C, Portable Network Graphics (PNG) Specification (Third Edition), sections 5–12.
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../errors.js';
import { concatBytes } from '../math/bytes.js';

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

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO 3309 / ITU-T V.42, the polynomial of zlib and PNG), table-driven.

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of `bytes` (continuing from `crc`, 0 to start), as an unsigned integer. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Layout helpers shared by decoder and encoder.

const SAMPLES_PER_PIXEL: Record<PngColorTypeCode, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<PngColorTypeCode, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

function passes(width: number, height: number, interlaced: boolean): Pass[] {
  if (!interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    width: Math.max(0, Math.ceil((width - x0) / dx)),
    height: Math.max(0, Math.ceil((height - y0) / dy)),
  }));
}

const rowBytes = (width: number, bitsPerPixel: number) => Math.ceil((width * bitsPerPixel) / 8);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// ---------------------------------------------------------------------------------------------
// Decoder.

/** Options of {@link decodePng}. */
export interface DecodePngOptions {
  /** Largest width × height accepted (default {@link DEFAULT_MAX_PNG_PIXELS}). */
  maxPixels?: number;
}

/**
 * Decodes a PNG file. Throws {@link MalformedInputError} for anything that is not a valid PNG
 * (bad signature, CRC, chunk order, IHDR combination, compressed data, filter type, …) and
 * {@link OutOfRangeError} for an image above `maxPixels`.
 */
export function decodePng(bytes: Uint8Array, options: DecodePngOptions = {}): PngImage {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('decodePng expects a Uint8Array');
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PNG_PIXELS;
  if (!isPng(bytes)) throw new MalformedInputError('not a PNG file (the 8-byte PNG signature is missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = PNG_SIGNATURE.length;
  let header: { width: number; height: number; bitDepth: number; colorType: PngColorTypeCode; interlaced: boolean } | null = null;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let idatState: 'before' | 'inside' | 'after' = 'before';
  let ended = false;
  while (!ended) {
    if (at + 12 > bytes.length) throw new MalformedInputError(`PNG truncated at byte ${at} (expected a chunk${header ? '' : ' IHDR'})`);
    const length = view.getUint32(at);
    const typeBytes = bytes.subarray(at + 4, at + 8);
    const type = String.fromCharCode(...typeBytes);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new MalformedInputError(`PNG chunk at byte ${at} has an invalid type ${JSON.stringify(type)}`);
    if (length > 0x7fff_ffff || at + 12 + length > bytes.length) {
      throw new MalformedInputError(`PNG chunk ${type} at byte ${at} announces ${length} bytes, past the end of the file`);
    }
    const data = bytes.subarray(at + 8, at + 8 + length);
    const storedCrc = view.getUint32(at + 8 + length);
    const actualCrc = crc32(data, crc32(typeBytes));
    if (storedCrc !== actualCrc) {
      throw new MalformedInputError(`PNG chunk ${type} at byte ${at} has CRC ${hex32(storedCrc)}, computed ${hex32(actualCrc)} (file corrupted)`);
    }
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
        palette = data.slice();
        break;
      case 'tRNS':
        if (idatState !== 'before') throw new MalformedInputError('PNG has tRNS after the image data');
        transparency = data.slice();
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
        // Bit 5 of the first byte clear means critical: a decoder must not ignore it.
        if ((typeBytes[0] & 0x20) === 0) throw new MalformedInputError(`PNG has an unknown critical chunk ${type}`);
    }
  }
  const h = header!;
  if (idat.length === 0) throw new MalformedInputError('PNG has no IDAT chunk');
  if (h.colorType === PngColorType.PALETTE && palette === null) throw new MalformedInputError('PNG palette image without a PLTE chunk');

  const samplesPerPixel = SAMPLES_PER_PIXEL[h.colorType];
  const bitsPerPixel = samplesPerPixel * h.bitDepth;
  const layout = passes(h.width, h.height, h.interlaced);
  const expected = layout.reduce((n, p) => n + (p.width > 0 && p.height > 0 ? p.height * (1 + rowBytes(p.width, bitsPerPixel)) : 0), 0);
  const raw = inflate(idat, expected);

  // Unfilter each pass and scatter its pixels as stored samples (before palette or depth expansion).
  const stored = new Uint16Array(h.width * h.height * samplesPerPixel);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let offset = 0;
  for (const p of layout) {
    if (p.width === 0 || p.height === 0) continue;
    const stride = rowBytes(p.width, bitsPerPixel);
    let prior = new Uint8Array(stride);
    for (let y = 0; y < p.height; y++) {
      const filter = raw[offset];
      const row = raw.slice(offset + 1, offset + 1 + stride);
      offset += 1 + stride;
      unfilter(filter, row, prior, bpp, y);
      const outY = p.y0 + y * p.dy;
      for (let x = 0; x < p.width; x++) {
        const base = (outY * h.width + p.x0 + x * p.dx) * samplesPerPixel;
        for (let s = 0; s < samplesPerPixel; s++) stored[base + s] = readSample(row, x * samplesPerPixel + s, h.bitDepth);
      }
      prior = row;
    }
  }
  return expand(h, stored, palette, transparency);
}

/** Whether `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

function parseHeader(data: Uint8Array, maxPixels: number) {
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

function inflate(idat: Uint8Array[], expected: number): Uint8Array {
  const joined = concatBytes(idat);
  let raw: Uint8Array;
  try {
    // One byte of headroom tells "too much data" from "exactly right".
    raw = inflateSync(joined, { maxOutputLength: expected + 1 });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new MalformedInputError(`PNG image data inflates to more than the ${expected} bytes its header implies`);
    }
    throw new MalformedInputError(`PNG image data is not valid zlib data (${(e as Error).message})`);
  }
  if (raw.length !== expected) {
    throw new MalformedInputError(`PNG image data inflates to ${raw.length} bytes, its header implies ${expected}`);
  }
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length); // a plain view: slice() copies
}

function unfilter(filter: number, row: Uint8Array, prior: Uint8Array, bpp: number, y: number): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 255;
      return;
    case 2:
      for (let i = 0; i < n; i++) row[i] = (row[i] + prior[i]) & 255;
      return;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i] + (((i >= bpp ? row[i - bpp] : 0) + prior[i]) >> 1)) & 255;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const c = i >= bpp ? prior[i - bpp] : 0;
        row[i] = (row[i] + paeth(a, prior[i], c)) & 255;
      }
      return;
    default:
      throw new MalformedInputError(`PNG row ${y} of a pass has unknown filter type ${filter}`);
  }
}

/** Sample `index` of a row at `depth` bits (big-endian within bytes, 16-bit samples big-endian). */
function readSample(row: Uint8Array, index: number, depth: number): number {
  if (depth === 8) return row[index];
  if (depth === 16) return (row[2 * index] << 8) | row[2 * index + 1];
  const bit = index * depth;
  return (row[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

function expand(
  h: { width: number; height: number; bitDepth: number; colorType: PngColorTypeCode; interlaced: boolean },
  stored: Uint16Array,
  palette: Uint8Array | null,
  trns: Uint8Array | null,
): PngImage {
  const pixels = h.width * h.height;
  const source = { colorType: h.colorType, bitDepth: h.bitDepth, interlaced: h.interlaced };
  const sampleDepth = h.bitDepth === 16 ? 16 : 8;
  const alloc = (n: number) => (sampleDepth === 16 ? new Uint16Array(n) : new Uint8Array(n));
  const scale = h.bitDepth < 8 && h.colorType === PngColorType.GRAY ? 255 / ((1 << h.bitDepth) - 1) : 1;

  if (h.colorType === PngColorType.PALETTE) {
    const entries = palette!.length / 3;
    if (trns && trns.length > entries) throw new MalformedInputError(`PNG tRNS has ${trns.length} entries, the palette ${entries}`);
    const channels = trns ? 4 : 3;
    const out = new Uint8Array(pixels * channels);
    for (let i = 0; i < pixels; i++) {
      const index = stored[i];
      if (index >= entries) throw new MalformedInputError(`PNG pixel uses palette index ${index}, the palette has ${entries} entries`);
      out[i * channels] = palette![3 * index];
      out[i * channels + 1] = palette![3 * index + 1];
      out[i * channels + 2] = palette![3 * index + 2];
      if (trns) out[i * channels + 3] = index < trns.length ? trns[index] : 255;
    }
    return { width: h.width, height: h.height, channels: channels as 3 | 4, sampleDepth: 8, samples: out, source };
  }

  const spp = SAMPLES_PER_PIXEL[h.colorType];
  const opaque = sampleDepth === 16 ? 65535 : 255;
  if (trns && (h.colorType === PngColorType.GRAY || h.colorType === PngColorType.RGB)) {
    // A colour key: pixels of exactly this stored colour are fully transparent.
    if (trns.length !== 2 * spp) throw new MalformedInputError(`PNG tRNS has ${trns.length} bytes, expected ${2 * spp} for this colour type`);
    const key = Array.from({ length: spp }, (_, s) => (trns[2 * s] << 8) | trns[2 * s + 1]);
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
  if (trns) throw new MalformedInputError(`PNG has a tRNS chunk in an image that already has alpha (colour type ${h.colorType})`);
  const out = alloc(stored.length);
  if (scale === 1) out.set(stored);
  else for (let i = 0; i < stored.length; i++) out[i] = Math.round(stored[i] * scale);
  return { width: h.width, height: h.height, channels: spp as 1 | 2 | 3 | 4, sampleDepth, samples: out, source };
}

// ---------------------------------------------------------------------------------------------
// Encoder.

/** Row filter choice of {@link encodePng}: one type for every row, "cycle" (row y uses y mod 5), or "adaptive". */
export type PngFilterChoice = 0 | 1 | 2 | 3 | 4 | 'cycle' | 'adaptive';

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /**
   * Stored bit depth. Default: 8 for 8-bit samples, 16 for 16-bit ones. 1, 2 and 4 are possible
   * for grey (samples must then be multiples of 255 / (2^depth − 1)) and for palette images.
   */
  bitDepth?: 1 | 2 | 4 | 8 | 16;
  /** Store as a palette image (at most 256 distinct colours; alpha goes to a tRNS chunk). */
  palette?: boolean;
  /** Row filters (default "adaptive": per row, the filter with the smallest sum of |signed bytes|). */
  filter?: PngFilterChoice;
  /** Adam7 interlacing (default false). */
  interlace?: boolean;
  /** Largest IDAT chunk, in bytes (default 65536); smaller values split the data over several chunks. */
  idatChunkBytes?: number;
  /** zlib level 0–9 (default 6). */
  compressionLevel?: number;
  /** tEXt chunks to include (ancillary; decoders skip them). */
  text?: Readonly<Record<string, string>>;
}

/** The pixels {@link encodePng} takes: like {@link PngImage}, without the `source`. */
export type PngPixels = Omit<PngImage, 'source'> & { readonly source?: PngImage['source'] };

/** Encodes `image` as a PNG file. Throws {@link InvalidArgumentError} for an impossible combination. */
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
  const pixels = width * height;
  let colorType: PngColorTypeCode;
  let bitDepth: number;
  let stored: Uint16Array; // samples as written, one per PNG sample
  const extraChunks: [string, Uint8Array][] = [];
  if (options.palette) {
    if (sampleDepth !== 8) throw new InvalidArgumentError('a palette image needs 8-bit samples');
    const colors = new Map<number, number>();
    stored = new Uint16Array(pixels);
    const entries: number[][] = [];
    for (let i = 0; i < pixels; i++) {
      const px = pixelRgba(samples, channels, i);
      const key = ((px[0] << 24) | (px[1] << 16) | (px[2] << 8) | px[3]) >>> 0;
      let index = colors.get(key);
      if (index === undefined) {
        index = entries.length;
        if (index === 256) throw new InvalidArgumentError('a palette image has at most 256 distinct colours');
        colors.set(key, index);
        entries.push(px);
      }
      stored[i] = index;
    }
    colorType = PngColorType.PALETTE;
    const minimal = entries.length <= 2 ? 1 : entries.length <= 4 ? 2 : entries.length <= 16 ? 4 : 8;
    bitDepth = options.bitDepth ?? minimal;
    if (![1, 2, 4, 8].includes(bitDepth) || bitDepth < minimal) {
      throw new InvalidArgumentError(`${entries.length} palette entries do not fit bit depth ${bitDepth}`);
    }
    extraChunks.push(['PLTE', Uint8Array.from(entries.flatMap((e) => e.slice(0, 3)))]);
    const alphas = entries.map((e) => e[3]);
    let last = alphas.length;
    while (last > 0 && alphas[last - 1] === 255) last--;
    if (last > 0) extraChunks.push(['tRNS', Uint8Array.from(alphas.slice(0, last))]);
  } else {
    colorType = ([PngColorType.GRAY, PngColorType.GRAY_ALPHA, PngColorType.RGB, PngColorType.RGBA] as const)[channels - 1];
    bitDepth = options.bitDepth ?? sampleDepth;
    if (!ALLOWED_DEPTHS[colorType].includes(bitDepth)) throw new InvalidArgumentError(`bit depth ${bitDepth} is not allowed for colour type ${colorType}`);
    if ((bitDepth === 16) !== (sampleDepth === 16)) throw new InvalidArgumentError(`bit depth ${bitDepth} needs ${bitDepth === 16 ? 16 : 8}-bit samples`);
    stored = new Uint16Array(samples.length);
    if (bitDepth < 8) {
      const step = 255 / ((1 << bitDepth) - 1);
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i] / step;
        if (!Number.isInteger(v)) throw new InvalidArgumentError(`grey sample ${samples[i]} is not representable at bit depth ${bitDepth}`);
        stored[i] = v;
      }
    } else {
      stored.set(samples);
    }
  }

  const spp = SAMPLES_PER_PIXEL[colorType];
  const bitsPerPixel = spp * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const interlaced = options.interlace ?? false;
  const filterChoice = options.filter ?? 'adaptive';
  const parts: Uint8Array[] = [];
  for (const p of passes(width, height, interlaced)) {
    if (p.width === 0 || p.height === 0) continue;
    const stride = rowBytes(p.width, bitsPerPixel);
    let prior = new Uint8Array(stride);
    for (let y = 0; y < p.height; y++) {
      const row = new Uint8Array(stride);
      const inY = p.y0 + y * p.dy;
      for (let x = 0; x < p.width; x++) {
        const base = (inY * width + p.x0 + x * p.dx) * spp;
        for (let s = 0; s < spp; s++) writeSample(row, x * spp + s, bitDepth, stored[base + s]);
      }
      const filter = filterChoice === 'cycle' ? y % 5 : filterChoice === 'adaptive' ? bestFilter(row, prior, bpp) : filterChoice;
      if (![0, 1, 2, 3, 4].includes(filter)) throw new InvalidArgumentError(`filter must be 0–4, "cycle" or "adaptive", got ${String(filterChoice)}`);
      const line = new Uint8Array(1 + stride);
      line[0] = filter;
      line.set(applyFilter(filter, row, prior, bpp), 1);
      parts.push(line);
      prior = row;
    }
  }
  const raw = concatBytes(parts);
  const compressed = deflateSync(raw, { level: options.compressionLevel ?? 6 });

  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, interlaced ? 1 : 0], 8);
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr], ...extraChunks];
  for (const [keyword, value] of Object.entries(options.text ?? {})) {
    if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new InvalidArgumentError(`tEXt keyword ${JSON.stringify(keyword)} is invalid`);
    chunks.push(['tEXt', Uint8Array.from([...new TextEncoder().encode(keyword), 0, ...latin1(value)])]);
  }
  const chunkBytes = options.idatChunkBytes ?? 65536;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new InvalidArgumentError(`idatChunkBytes must be a positive integer, got ${chunkBytes}`);
  for (let i = 0; i < compressed.length; i += chunkBytes) chunks.push(['IDAT', compressed.subarray(i, i + chunkBytes)]);
  chunks.push(['IEND', new Uint8Array(0)]);
  return assembleChunks(chunks);
}

function latin1(text: string): number[] {
  return Array.from(text, (ch) => {
    const c = ch.charCodeAt(0);
    if (c > 255) throw new InvalidArgumentError('tEXt values are Latin-1');
    return c;
  });
}

function pixelRgba(samples: ArrayLike<number>, channels: number, i: number): number[] {
  const b = i * channels;
  if (channels === 1) return [samples[b], samples[b], samples[b], 255];
  if (channels === 2) return [samples[b], samples[b], samples[b], samples[b + 1]];
  if (channels === 3) return [samples[b], samples[b + 1], samples[b + 2], 255];
  return [samples[b], samples[b + 1], samples[b + 2], samples[b + 3]];
}

function writeSample(row: Uint8Array, index: number, depth: number, value: number): void {
  if (depth === 8) row[index] = value;
  else if (depth === 16) {
    row[2 * index] = value >> 8;
    row[2 * index + 1] = value & 255;
  } else {
    const bit = index * depth;
    row[bit >> 3] |= value << (8 - depth - (bit & 7));
  }
}

function applyFilter(filter: number, row: Uint8Array, prior: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prior[i];
    const c = i >= bpp ? prior[i - bpp] : 0;
    const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
    out[i] = (row[i] - predictor) & 255;
  }
  return out;
}

function bestFilter(row: Uint8Array, prior: Uint8Array, bpp: number): number {
  let best = 0;
  let bestCost = Infinity;
  for (let f = 0; f <= 4; f++) {
    let cost = 0;
    for (const v of applyFilter(f, row, prior, bpp)) cost += v < 128 ? v : 256 - v;
    if (cost < bestCost) {
      bestCost = cost;
      best = f;
    }
  }
  return best;
}

/** Signature ‖ chunks, each as length, type, data, CRC. Exposed for tests that build odd files. */
export function assembleChunks(chunks: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const size = PNG_SIGNATURE.length + chunks.reduce((n, [, d]) => n + 12 + d.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(PNG_SIGNATURE);
  let at = PNG_SIGNATURE.length;
  for (const [type, data] of chunks) {
    if (!/^[A-Za-z]{4}$/.test(type)) throw new InvalidArgumentError(`chunk type ${JSON.stringify(type)} is not four letters`);
    const typeBytes = Uint8Array.from(type, (c) => c.charCodeAt(0));
    view.setUint32(at, data.length);
    out.set(typeBytes, at + 4);
    out.set(data, at + 8);
    view.setUint32(at + 8 + data.length, crc32(data, crc32(typeBytes)));
    at += 12 + data.length;
  }
  return out;
}
