/**
 * SEAL 4.1's compression modes (§4.10.2): a compressed object is a SEALHeader with compr_mode 1
 * (zlib: a zlib stream, RFC 1950) or 2 (zstd: one Zstandard frame, RFC 8878) whose size field is the
 * compressed size, followed by the compressed bytes of the object's members. Reading inflates
 * (`fflate` for zlib, `fzstd` for zstd) into an uncompressed object that the readers of §4.10 then
 * check; writing supports zlib (`fflate`; neither pure-JS library writes zstd). Decompression
 * bombs: the decompressed size is bounded by a limit checked before any output is allocated — for
 * zstd the frame's declared content and window sizes are read first, for both modes the output is
 * counted chunk by chunk and the stream abandoned as soon as it exceeds the limit.
 *
 * Spec: §4.10.2
 * @module
 */
import { Unzlib, zlibSync } from 'fflate';
import { Decompress } from 'fzstd';
import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { SEAL_HEADER_SIZE, SEAL_MAGIC, SEAL_VERSION } from './serialize.js';

/** SEAL's `compr_mode_type`: none, zlib, zstd. Spec: §4.10.2 */
export const SEAL_COMPR_MODE = Object.freeze({ none: 0, zlib: 1, zstd: 2 } as const);

/** A compression mode name. Spec: §4.10.2 */
export type SealComprMode = keyof typeof SEAL_COMPR_MODE;

/** Input bytes fed to the decompressors per push (the output of one push is bounded by the window). */
const CHUNK = 1 << 16;

function writeHeader(out: Uint8Array, mode: number, size: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint16(0, SEAL_MAGIC, true);
  out[2] = SEAL_HEADER_SIZE;
  out[3] = SEAL_VERSION.major;
  out[4] = SEAL_VERSION.minor;
  out[5] = mode;
  view.setUint16(6, 0, true);
  view.setUint32(8, size % 2 ** 32, true);
  view.setUint32(12, Math.floor(size / 2 ** 32), true);
}

/**
 * Compresses an uncompressed SEAL object (header + members) with `mode` (Spec: §4.10): the members
 * are deflated into a zlib stream (level 6 unless given) behind a header with compr_mode 1 and the
 * compressed size. 'none' returns the bytes unchanged; 'zstd' is refused (no pure-JS writer).
 */
export function compressSealObject(bytes: Uint8Array, mode: SealComprMode, level = 6): Uint8Array {
  if (mode === 'none') return bytes;
  if (mode !== 'zlib') throw new InvalidArgumentError(`writing SEAL compression mode ${String(mode)} is not supported (zlib or none)`);
  if (bytes.length < SEAL_HEADER_SIZE || bytes[5] !== 0) throw new InvalidArgumentError('compressSealObject: expects an uncompressed SEAL object');
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new InvalidArgumentError(`zlib level must be in [0, 9], got ${String(level)}`);
  const body = zlibSync(bytes.subarray(SEAL_HEADER_SIZE), { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
  const out = new Uint8Array(SEAL_HEADER_SIZE + body.length);
  writeHeader(out, SEAL_COMPR_MODE.zlib, out.length);
  out.set(body, SEAL_HEADER_SIZE);
  return out;
}

/** Collects decompressed chunks, refusing to go past `limit` bytes in total. */
class BoundedSink {
  readonly chunks: Uint8Array[] = [];
  total = 0;
  done = false;
  constructor(
    readonly limit: number,
    readonly what: string,
  ) {}
  push(data: Uint8Array, final?: boolean): void {
    this.total += data.length;
    if (this.total > this.limit) {
      throw new MalformedInputError(`${this.what}: decompresses to more than ${this.limit} bytes (the limit for this object)`);
    }
    this.chunks.push(data.slice());
    if (final) this.done = true;
  }
}

/**
 * Reads a Zstandard frame header (RFC 8878 §3.1.1.1) and refuses a frame whose declared content size
 * or window size exceeds `limit` before fzstd allocates for it.
 */
function checkZstdFrame(data: Uint8Array, limit: number, what: string): void {
  if (data.length < 6) throw new MalformedInputError(`${what}: truncated zstd frame header`);
  const magic = (data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24)) >>> 0;
  if (magic !== 0xfd2fb528) throw new MalformedInputError(`${what}: not a zstd frame (magic 0x${magic.toString(16)})`);
  const fhd = data[4];
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  if ((fhd >> 3) & 1) throw new MalformedInputError(`${what}: zstd frame header has its reserved bit set`);
  const dictFlag = fhd & 3;
  let p = 5;
  let window = 0;
  if (!singleSegment) {
    const wd = data[p++];
    const exponent = wd >> 3;
    const base = 2 ** (10 + exponent);
    window = base + (base / 8) * (wd & 7);
  }
  p += [0, 1, 2, 4][dictFlag];
  const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag];
  if (data.length < p + fcsBytes) throw new MalformedInputError(`${what}: truncated zstd frame header`);
  let content = -1;
  if (fcsBytes > 0) {
    content = 0;
    for (let i = fcsBytes - 1; i >= 0; i--) content = content * 256 + data[p + i];
    if (fcsBytes === 2) content += 256;
  }
  if (singleSegment) window = content;
  if (content > limit || window > Math.max(limit, 1 << 17)) {
    throw new MalformedInputError(`${what}: zstd frame declares ${content >= 0 ? `${content} bytes of content` : ''}${content >= 0 ? ' and ' : ''}a ${window}-byte window, more than the limit of ${limit} bytes`);
  }
}

/**
 * Given a SEAL object, returns it uncompressed (Spec: §4.10): unchanged when compr_mode is 0;
 * otherwise the body is inflated (zlib) or decoded (zstd) with at most `maxBytes` bytes of output
 * (else {@link MalformedInputError}, before the excess is allocated), and a header with compr_mode 0
 * and the uncompressed size is put in front. A malformed or truncated stream, trailing bytes and an
 * unknown mode are {@link MalformedInputError}s. Header fields other than the mode are left for the
 * object's reader to check.
 */
export function decompressSealObject(bytes: Uint8Array, maxBytes: number, what = 'SEAL object'): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError(`${what}: expected a Uint8Array`);
  if (bytes.length < SEAL_HEADER_SIZE) return bytes; // the reader reports the truncation
  const mode = bytes[5];
  if (mode === SEAL_COMPR_MODE.none) return bytes;
  if (mode !== SEAL_COMPR_MODE.zlib && mode !== SEAL_COMPR_MODE.zstd) throw new MalformedInputError(`${what}: unknown compression mode ${mode}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32;
  if (size !== bytes.length) throw new MalformedInputError(`${what}: header announces ${size} compressed bytes, ${bytes.length} given`);
  const body = bytes.subarray(SEAL_HEADER_SIZE);
  const limit = Math.max(0, maxBytes - SEAL_HEADER_SIZE);
  const sink = new BoundedSink(limit, what);
  try {
    if (mode === SEAL_COMPR_MODE.zlib) {
      const z = new Unzlib((data, final) => sink.push(data, final));
      for (let o = 0; o < body.length; o += CHUNK) z.push(body.subarray(o, Math.min(body.length, o + CHUNK)), o + CHUNK >= body.length);
      if (body.length === 0) z.push(new Uint8Array(0), true);
    } else {
      checkZstdFrame(body, limit, what);
      const z = new Decompress((data, final) => sink.push(data, final));
      for (let o = 0; o < body.length; o += CHUNK) z.push(body.subarray(o, Math.min(body.length, o + CHUNK)), o + CHUNK >= body.length);
    }
  } catch (e) {
    if (e instanceof MalformedInputError) throw e;
    throw new MalformedInputError(`${what}: corrupt ${mode === 1 ? 'zlib' : 'zstd'} data (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (!sink.done) throw new MalformedInputError(`${what}: truncated ${mode === 1 ? 'zlib' : 'zstd'} stream`);
  const out = new Uint8Array(SEAL_HEADER_SIZE + sink.total);
  writeHeader(out, SEAL_COMPR_MODE.none, out.length);
  let o = SEAL_HEADER_SIZE;
  for (const c of sink.chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
