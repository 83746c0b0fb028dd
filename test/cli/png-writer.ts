/**
 * A test-only PNG writer for fixtures the library encoder (src/cli/png.ts over fast-png) cannot make:
 * every row filter (fast-png writes filter 0 only), Adam7 interlacing at every bit depth, image data
 * split over many IDAT chunks, and hand-assembled chunk lists for hostile files. The pixels are first
 * encoded by src/cli/png.ts (which validates them and chooses palette, bit depth and tRNS); this file
 * only re-lays out the stored samples: passes, filters, deflate, chunks. CRCs come from node:zlib.
 *
 * Reference: W3C, Portable Network Graphics (PNG) Specification (Third Edition), sections 7–9.
 */
import { crc32 as zlibCrc32, deflateSync, inflateSync } from 'node:zlib';
import { encodePng as encodeWithLibrary, PNG_SIGNATURE, type EncodePngOptions as LibraryOptions, type PngPixels } from '../../src/cli/png.js';

export type { PngPixels };

/** CRC-32 as PNG uses it (node:zlib's). */
export const crc32 = (bytes: Uint8Array, crc = 0): number => zlibCrc32(bytes, crc);

/** Row filter choice: one type for every row, "cycle" (row y uses y mod 5), or "adaptive". */
export type PngFilterChoice = 0 | 1 | 2 | 3 | 4 | 'cycle' | 'adaptive';

/** The library's options, plus what only this writer does. */
export interface EncodePngOptions extends Omit<LibraryOptions, 'interlace'> {
  /** Row filters (default "adaptive": per row, the filter with the smallest sum of |signed bytes|). */
  filter?: PngFilterChoice;
  /** Adam7 interlacing at any bit depth (default false). */
  interlace?: boolean;
  /** Largest IDAT chunk, in bytes (default 65536). */
  idatChunkBytes?: number;
}

const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Encodes `image` with the given filters, interlacing and IDAT split. */
export function encodePng(image: PngPixels, options: EncodePngOptions = {}): Uint8Array {
  const { filter = 'adaptive', interlace = false, idatChunkBytes = 65536, compressionLevel = 6, text = {}, ...storage } = options;
  if (![0, 1, 2, 3, 4, 'cycle', 'adaptive'].includes(filter)) throw new Error(`filter must be 0–4, "cycle" or "adaptive", got ${String(filter)}`);
  const plain = readChunks(encodeWithLibrary(image, storage));
  const ihdr = plain.find(([type]) => type === 'IHDR')![1].slice();
  const view = new DataView(ihdr.buffer);
  const [width, height, depth, colorType] = [view.getUint32(0), view.getUint32(4), ihdr[8], ihdr[9]];
  const spp = SAMPLES_PER_PIXEL[colorType];
  const stride = Math.ceil((width * spp * depth) / 8);
  // The library wrote every row with filter 0 and no interlacing: its rows are the stored samples.
  const raw = inflateSync(Buffer.concat(plain.filter(([type]) => type === 'IDAT').map(([, d]) => d)));
  const stored = Array.from({ length: width * height * spp }, (_, i) => {
    const [y, s] = [Math.floor(i / (width * spp)), i % (width * spp)];
    return readSample(raw.subarray(y * (1 + stride) + 1), s, depth);
  });

  const bpp = Math.max(1, (spp * depth) >> 3);
  const lines: Uint8Array[] = [];
  const passes = interlace ? ADAM7 : [[0, 0, 1, 1] as const];
  for (const [x0, y0, dx, dy] of passes) {
    const [pw, ph] = [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)];
    if (pw <= 0 || ph <= 0) continue;
    let prior = new Uint8Array(Math.ceil((pw * spp * depth) / 8));
    for (let y = 0; y < ph; y++) {
      const row = new Uint8Array(prior.length);
      for (let x = 0; x < pw; x++) {
        const base = ((y0 + y * dy) * width + x0 + x * dx) * spp;
        for (let s = 0; s < spp; s++) writeSample(row, x * spp + s, depth, stored[base + s]);
      }
      const type = filter === 'cycle' ? y % 5 : filter === 'adaptive' ? bestFilter(row, prior, bpp) : filter;
      lines.push(Uint8Array.of(type), applyFilter(type, row, prior, bpp));
      prior = row;
    }
  }
  const compressed = deflateSync(Buffer.concat(lines), { level: compressionLevel });
  ihdr[12] = interlace ? 1 : 0;
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr], ...plain.filter(([type]) => type === 'PLTE' || type === 'tRNS')];
  for (const [keyword, value] of Object.entries(text)) chunks.push(['tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1')]);
  for (let i = 0; i < compressed.length; i += idatChunkBytes) chunks.push(['IDAT', compressed.subarray(i, i + idatChunkBytes)]);
  chunks.push(['IEND', new Uint8Array(0)]);
  return assembleChunks(chunks);
}

/** Signature ‖ chunks, each as length, type, data, CRC: for tests that build odd files. */
export function assembleChunks(chunks: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const parts: Uint8Array[] = [PNG_SIGNATURE];
  for (const [type, data] of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))));
    parts.push(head, data, crc);
  }
  return new Uint8Array(Buffer.concat(parts));
}

function readChunks(file: Uint8Array): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = PNG_SIGNATURE.length; at < file.length; at += 12 + view.getUint32(at)) {
    out.push([Buffer.from(file.subarray(at + 4, at + 8)).toString('latin1'), file.subarray(at + 8, at + 8 + view.getUint32(at))]);
  }
  return out;
}

function readSample(row: Uint8Array, index: number, depth: number): number {
  if (depth === 8) return row[index];
  if (depth === 16) return (row[2 * index] << 8) | row[2 * index + 1];
  const bit = index * depth;
  return (row[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

function writeSample(row: Uint8Array, index: number, depth: number, value: number): void {
  if (depth === 8) row[index] = value;
  else if (depth === 16) row.set([value >> 8, value & 255], 2 * index);
  else row[(index * depth) >> 3] |= value << (8 - depth - ((index * depth) & 7));
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function applyFilter(filter: number, row: Uint8Array, prior: Uint8Array, bpp: number): Uint8Array {
  return row.map((v, i) => {
    const [a, b, c] = [i >= bpp ? row[i - bpp] : 0, prior[i], i >= bpp ? prior[i - bpp] : 0];
    return v - [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
  });
}

function bestFilter(row: Uint8Array, prior: Uint8Array, bpp: number): number {
  const costs = [0, 1, 2, 3, 4].map((f) => applyFilter(f, row, prior, bpp).reduce((sum, v) => sum + (v < 128 ? v : 256 - v), 0));
  return costs.indexOf(Math.min(...costs));
}
