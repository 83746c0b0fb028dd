/**
 * Reading and writing Microsoft SEAL 4.1's binary format, so that delphi-ts and SEAL (or node-seal)
 * can exchange ciphertexts, plaintexts and keys byte for byte: full and seeded objects (c_1 of a
 * secret-key encryption or key part replaced by its PRNG seed), uncompressed or compressed (zlib
 * and zstd read, zlib written; {@link decompressSealObject}).
 * All multi-byte integers are little-endian. Every reader checks every field and length and
 * throws {@link MalformedInputError} on anything SEAL would refuse.
 *
 * Spec: §4.10
 * @module
 */
import { DelphiError, MalformedInputError } from '../errors.js';
import type { BfvContext, BfvLevel, RnsPoly } from './context.js';
import { compressSealObject, decompressSealObject, type SealComprMode } from './seal-compression.js';
import { sampleSealUniform, SEAL_PRNG_BLAKE2XB, SEAL_PRNG_SEED_BYTES, SEAL_PRNG_SHAKE256, SealPrng } from './seal-prng.js';
import type {
  Ciphertext,
  GaloisKeys,
  KSwitchKey,
  Plaintext,
  PublicKey,
  RelinKeys,
  SecretKey,
} from './types.js';

/** SEALHeader magic number (bytes 5E A1). Spec: §4.10 */
export const SEAL_MAGIC = 0xa15e;
/** SEALHeader length in bytes. Spec: §4.10 */
export const SEAL_HEADER_SIZE = 16;
/** Version written by delphi-ts: SEAL 4.1. Spec: §4.10 */
export const SEAL_VERSION = Object.freeze({ major: 4, minor: 1 });
/** Largest ciphertext size (number of polynomials) SEAL accepts. Spec: §4.10 */
export const SEAL_CIPHERTEXT_SIZE_MAX = 16;

const COMPRESSION_NAMES = ['none', 'zlib', 'zstd'] as const;

/** A parsed SEALHeader. Spec: §4.10 */
export interface SealHeader {
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** 0 = none, 1 = zlib, 2 = zstd. */
  readonly comprMode: number;
  /** Total object size in bytes, header included. */
  readonly size: number;
}

const TWO_32 = 2 ** 32;

/** Bounds-checked little-endian reader over a byte array. */
class Reader {
  readonly view: DataView;
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    offset: number,
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
  }
  need(count: number, field: string): void {
    if (this.pos + count > this.bytes.length) {
      throw new MalformedInputError(`${this.what}: truncated while reading ${field} (needs ${count} bytes at offset ${this.pos}, ${this.bytes.length} available)`);
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.pos++);
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  /** A u64 that must fit a double exactly (< 2^53). */
  u64(field: string): number {
    this.need(8, field);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    if (hi >= 2 ** 21) throw new MalformedInputError(`${this.what}: ${field} = ${(BigInt(hi) << 32n) | BigInt(lo)} is out of range`);
    return hi * TWO_32 + lo;
  }
  f64(field: string): number {
    this.need(8, field);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  raw(count: number, field: string): Uint8Array {
    this.need(count, field);
    const out = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return out;
  }
}

/** Little-endian writer into a buffer of known size. */
class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(v: number): void {
    this.view.setUint8(this.pos++, v);
  }
  u16(v: number): void {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  u64(v: number): void {
    this.view.setUint32(this.pos, v % TWO_32, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / TWO_32), true);
    this.pos += 8;
  }
  f64(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  raw(b: Uint8Array): void {
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
  header(size: number): void {
    this.u16(SEAL_MAGIC);
    this.u8(SEAL_HEADER_SIZE);
    this.u8(SEAL_VERSION.major);
    this.u8(SEAL_VERSION.minor);
    this.u8(0);
    this.u16(0);
    this.u64(size);
  }
  /** u64 coefficients from a residue array (values < 2^53). */
  coeffs(a: ArrayLike<number>, count: number): void {
    const view = this.view;
    let p = this.pos;
    for (let i = 0; i < count; i++, p += 8) {
      const v = a[i];
      view.setUint32(p, v % TWO_32, true);
      view.setUint32(p + 4, Math.floor(v / TWO_32), true);
    }
    this.pos = p;
  }
}

/** Options of the SEAL writers. Spec: §4.10.1 */
export interface SealWriteOptions {
  /**
   * Write the seeded form (as SEAL's *Serializable objects): c_1 replaced by its PRNG seed. Only for
   * ciphertexts (and key parts) that carry their seed (`Ciphertext.seed`); others are written in full.
   */
  readonly seeded?: boolean;
  /** SEAL compression mode of the outer object: 'none' (default) or 'zlib'. */
  readonly compression?: SealComprMode;
}

/** Options of the SEAL readers. Spec: §4.10.2 */
export interface SealReadOptions {
  /**
   * Largest uncompressed size accepted for a compressed object (default: the largest valid object
   * of the kind for this context; 1 GiB for key-switching keys).
   */
  readonly maxBytes?: number;
}

const KSWITCH_DEFAULT_MAX_BYTES = 2 ** 30;

/**
 * Parses and validates a SEALHeader at `offset`: magic 0xA15E, header size 16, version 4.1,
 * compression mode "none" (the deserializers decompress zlib/zstd objects first, §4.10.2),
 * reserved 0, and a size that fits the available bytes. Spec: §4.10
 */
export function readSealHeader(bytes: Uint8Array, offset = 0, what = 'SEAL object'): SealHeader {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError(`${what}: expected a Uint8Array`);
  const r = new Reader(bytes, offset, what);
  const magic = r.u16('header magic');
  if (magic !== SEAL_MAGIC) {
    throw new MalformedInputError(`${what}: not a SEAL object (magic 0x${magic.toString(16).padStart(4, '0')}, expected 0xa15e)`);
  }
  const headerSize = r.u8('header size');
  if (headerSize !== SEAL_HEADER_SIZE) throw new MalformedInputError(`${what}: header size ${headerSize}, expected 16`);
  const versionMajor = r.u8('version');
  const versionMinor = r.u8('version');
  if (versionMajor !== SEAL_VERSION.major || versionMinor !== SEAL_VERSION.minor) {
    throw new MalformedInputError(`${what}: SEAL format version ${versionMajor}.${versionMinor} is not supported (need 4.1)`);
  }
  const comprMode = r.u8('compression mode');
  if (comprMode !== 0) {
    const name = COMPRESSION_NAMES[comprMode];
    throw new MalformedInputError(
      name
        ? `${what}: ${name}-compressed SEAL data where only uncompressed data may occur`
        : `${what}: unknown compression mode ${comprMode}`,
    );
  }
  const reserved = r.u16('reserved');
  if (reserved !== 0) throw new MalformedInputError(`${what}: reserved header field is ${reserved}, expected 0`);
  const size = r.u64('object size');
  if (size < SEAL_HEADER_SIZE || offset + size > bytes.length) {
    throw new MalformedInputError(`${what}: header announces ${size} bytes but ${bytes.length - offset} are available`);
  }
  return { versionMajor, versionMinor, comprMode, size };
}

/** Reads a DynArray<u64> (own SEALHeader, count, values) of exactly `expected` values, each < bound(i). */
function readDynArray(
  r: Reader,
  expected: number,
  bound: (index: number) => number,
  out: { set(i: number, v: number): void },
): void {
  const start = r.pos;
  const h = readSealHeader(r.bytes, start, `${r.what} (coefficient array)`);
  r.pos += SEAL_HEADER_SIZE;
  const count = r.u64('coefficient count');
  if (count !== expected) throw new MalformedInputError(`${r.what}: coefficient array holds ${count} values, expected ${expected}`);
  if (h.size !== SEAL_HEADER_SIZE + 8 + 8 * count) {
    throw new MalformedInputError(`${r.what}: coefficient array header size ${h.size} does not match its ${count} values`);
  }
  r.need(8 * count, 'coefficients');
  const view = r.view;
  let p = r.pos;
  for (let i = 0; i < count; i++, p += 8) {
    const lo = view.getUint32(p, true);
    const hi = view.getUint32(p + 4, true);
    const v = hi * TWO_32 + lo;
    const b = bound(i);
    if (hi >= 2 ** 21 || v >= b) {
      throw new MalformedInputError(`${r.what}: value ${(BigInt(hi) << 32n) | BigInt(lo)} at index ${i} is not below its modulus ${b}`);
    }
    out.set(i, v);
  }
  r.pos = p;
}

function dynArraySize(count: number): number {
  return SEAL_HEADER_SIZE + 8 + 8 * count;
}

/** Bytes of the PRNG info object of a seeded ciphertext: header, type, seed. */
const SEED_INFO_SIZE = SEAL_HEADER_SIZE + 1 + SEAL_PRNG_SEED_BYTES;

function ciphertextMembersSize(ctx: BfvContext, size: number, k: number, seeded = false): number {
  return 32 + 1 + 8 * 5 + (seeded ? dynArraySize(k * ctx.n) + SEED_INFO_SIZE : dynArraySize(size * k * ctx.n));
}

function isSeeded(ct: Ciphertext, options: SealWriteOptions | undefined): boolean {
  return options?.seeded === true && ct.seed !== undefined && ct.polys.length === 2;
}

function writeCiphertextMembers(w: Writer, ctx: BfvContext, ct: Ciphertext, seeded = false): void {
  const k = ct.coeffModulusSize;
  w.raw(ctx.level(k).parmsId);
  w.u8(ct.isNttForm ? 1 : 0);
  w.u64(ct.polys.length);
  w.u64(ctx.n);
  w.u64(k);
  w.f64(1.0); // scale (BFV: 1.0)
  w.u64(1); // correction factor (BFV: 1)
  if (seeded) {
    // SEAL's seeded form: the data array holds c_0 only, then the PRNG (type, seed) object.
    const count = k * ctx.n;
    w.header(dynArraySize(count));
    w.u64(count);
    w.coeffs(ct.polys[0], count);
    w.header(SEED_INFO_SIZE);
    w.u8(ct.seed!.type);
    w.raw(ct.seed!.bytes);
    return;
  }
  const count = ct.polys.length * k * ctx.n;
  w.header(dynArraySize(count));
  w.u64(count);
  for (const p of ct.polys) w.coeffs(p, k * ctx.n);
}

/** Reads ciphertext members (after the outer header); `allowKeyLevel` for public keys. */
function readCiphertextMembers(r: Reader, ctx: BfvContext, allowKeyLevel: boolean): Ciphertext {
  const id = r.raw(32, 'parms_id');
  const level = ctx.levelByParmsId(id);
  if (!level) throw new MalformedInputError(`${r.what}: parms_id does not match any level of these encryption parameters`);
  if (!allowKeyLevel && level === ctx.keyLevel && ctx.usingKeySwitching) {
    throw new MalformedInputError(`${r.what}: ciphertext is at the key level, which holds no data`);
  }
  const nttByte = r.u8('is_ntt_form');
  if (nttByte > 1) throw new MalformedInputError(`${r.what}: is_ntt_form byte is ${nttByte}, expected 0 or 1`);
  const size = r.u64('size');
  const n = r.u64('poly_modulus_degree');
  const k = r.u64('coeff_modulus_size');
  const scale = r.f64('scale');
  const correction = r.u64('correction_factor');
  if (n !== ctx.n) throw new MalformedInputError(`${r.what}: poly_modulus_degree ${n} does not match n = ${ctx.n}`);
  if (k !== level.k) throw new MalformedInputError(`${r.what}: coeff_modulus_size ${k} does not match its parms_id (${level.k} primes)`);
  if (size < 2 || size > SEAL_CIPHERTEXT_SIZE_MAX) {
    throw new MalformedInputError(`${r.what}: ciphertext size ${size} is not in [2, ${SEAL_CIPHERTEXT_SIZE_MAX}]`);
  }
  if (scale !== 1.0) throw new MalformedInputError(`${r.what}: scale ${scale} is not 1.0 (not a BFV ciphertext)`);
  if (correction !== 1) throw new MalformedInputError(`${r.what}: correction factor ${correction} is not 1 (not a BFV ciphertext)`);
  const polyLen = k * ctx.n;
  const polys: RnsPoly[] = Array.from({ length: size }, () => ctx.allocPoly(k));
  const primes = level.primes;
  const nn = ctx.n;
  const bound = (i: number): number => primes[Math.floor((i % polyLen) / nn)];
  const h = readSealHeader(r.bytes, r.pos, `${r.what} (coefficient array)`);
  if (size === 2 && h.size === dynArraySize(polyLen)) {
    // SEAL's seeded form: c_0, then the PRNG (type, seed) from which c_1 is re-derived.
    readDynArray(r, polyLen, bound, { set: (i, v) => (polys[0][i] = v) });
    const infoStart = r.pos;
    const ih = readSealHeader(r.bytes, infoStart, `${r.what} (PRNG seed)`);
    if (ih.size !== SEAL_HEADER_SIZE + 1 + SEAL_PRNG_SEED_BYTES) {
      throw new MalformedInputError(`${r.what}: PRNG seed object has ${ih.size} bytes, expected ${SEAL_HEADER_SIZE + 1 + SEAL_PRNG_SEED_BYTES}`);
    }
    r.pos += SEAL_HEADER_SIZE;
    const type = r.u8('PRNG type');
    if (type !== SEAL_PRNG_BLAKE2XB && type !== SEAL_PRNG_SHAKE256) {
      throw new MalformedInputError(`${r.what}: unknown PRNG type ${type} in a seeded object`);
    }
    const seed = r.raw(SEAL_PRNG_SEED_BYTES, 'PRNG seed');
    polys[1] = sampleSealUniform(ctx, new SealPrng(type, seed), k);
    return { coeffModulusSize: k, polys, isNttForm: nttByte === 1 };
  }
  readDynArray(r, size * polyLen, bound, {
    set(i, v) {
      polys[Math.floor(i / polyLen)][i % polyLen] = v;
    },
  });
  return { coeffModulusSize: k, polys, isNttForm: nttByte === 1 };
}

function wrapErrors<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MalformedInputError) throw e;
    if (e instanceof DelphiError) throw new MalformedInputError(`${what}: ${e.message}`, { cause: e });
    throw new MalformedInputError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function expectWhole(bytes: Uint8Array, h: SealHeader, what: string, end: number): void {
  if (end !== h.size) throw new MalformedInputError(`${what}: object body ends at byte ${end} but its header says ${h.size}`);
  if (bytes.length !== h.size) {
    throw new MalformedInputError(`${what}: ${bytes.length - h.size} unexpected bytes after the object`);
  }
}

/**
 * SEAL 4.1 bytes of a ciphertext: SEALHeader, then the ciphertext members (§4.10); seeded and/or
 * zlib-compressed on request ({@link SealWriteOptions}). Spec: §4.10
 */
export function serializeCiphertext(ctx: BfvContext, ct: Ciphertext, options?: SealWriteOptions): Uint8Array {
  const seeded = isSeeded(ct, options);
  const total = SEAL_HEADER_SIZE + ciphertextMembersSize(ctx, ct.polys.length, ct.coeffModulusSize, seeded);
  const w = new Writer(total);
  w.header(total);
  writeCiphertextMembers(w, ctx, ct, seeded);
  return compressSealObject(w.bytes, options?.compression ?? 'none');
}

/** Largest uncompressed SEAL ciphertext of this context. */
function maxCiphertextBytes(ctx: BfvContext, size: number): number {
  return SEAL_HEADER_SIZE + ciphertextMembersSize(ctx, size, ctx.primes.length);
}

/**
 * Parses a SEAL 4.1 ciphertext of this context — full or seeded, uncompressed or zlib/zstd
 * compressed; {@link MalformedInputError} on any defect. Spec: §4.10
 */
export function deserializeCiphertext(ctx: BfvContext, input: Uint8Array, options?: SealReadOptions): Ciphertext {
  const what = 'ciphertext';
  return wrapErrors(what, () => {
    const bytes = decompressSealObject(input, options?.maxBytes ?? maxCiphertextBytes(ctx, SEAL_CIPHERTEXT_SIZE_MAX), what);
    const h = readSealHeader(bytes, 0, what);
    const r = new Reader(bytes, SEAL_HEADER_SIZE, what);
    const ct = readCiphertextMembers(r, ctx, false);
    expectWhole(bytes, h, what, r.pos);
    return ct;
  });
}

/** SEAL 4.1 bytes of a (non-NTT) BFV plaintext: header, parms_id = 0, coeff_count, scale 1.0, values. Spec: §4.10 */
export function serializePlaintext(ctx: BfvContext, pt: Plaintext): Uint8Array {
  const count = pt.coeffs.length;
  const total = SEAL_HEADER_SIZE + 32 + 8 + 8 + dynArraySize(count);
  const w = new Writer(total);
  w.header(total);
  w.raw(new Uint8Array(32));
  w.u64(count);
  w.f64(1.0);
  w.header(dynArraySize(count));
  w.u64(count);
  w.coeffs(pt.coeffs, count);
  void ctx;
  return w.bytes;
}

/** Parses a SEAL 4.1 BFV plaintext (coefficient form, values < t). Spec: §4.10 */
export function deserializePlaintext(ctx: BfvContext, input: Uint8Array, options?: SealReadOptions): Plaintext {
  const what = 'plaintext';
  return wrapErrors(what, () => {
    const bytes = decompressSealObject(input, options?.maxBytes ?? SEAL_HEADER_SIZE + 48 + dynArraySize(ctx.n), what);
    const h = readSealHeader(bytes, 0, what);
    const r = new Reader(bytes, SEAL_HEADER_SIZE, what);
    const id = r.raw(32, 'parms_id');
    if (id.some((b) => b !== 0)) {
      throw new MalformedInputError(`${what}: NTT-form plaintexts (non-zero parms_id) are not supported`);
    }
    const count = r.u64('coeff_count');
    if (count > ctx.n) throw new MalformedInputError(`${what}: ${count} coefficients exceed n = ${ctx.n}`);
    const scale = r.f64('scale');
    if (scale !== 1.0) throw new MalformedInputError(`${what}: scale ${scale} is not 1.0`);
    const coeffs = new Float64Array(count);
    readDynArray(r, count, () => ctx.t, { set: (i, v) => (coeffs[i] = v) });
    expectWhole(bytes, h, what, r.pos);
    return { coeffs };
  });
}

/**
 * SEAL 4.1 bytes of a secret key: header, then a plaintext at the key level in NTT form
 * (parms_id = key level, coeff_count = k·n, scale 1.0, residues). Spec: §4.10
 */
export function serializeSecretKey(ctx: BfvContext, sk: SecretKey): Uint8Array {
  const count = ctx.primes.length * ctx.n;
  const total = SEAL_HEADER_SIZE + 32 + 8 + 8 + dynArraySize(count);
  const w = new Writer(total);
  w.header(total);
  w.raw(ctx.keyLevel.parmsId);
  w.u64(count);
  w.f64(1.0);
  w.header(dynArraySize(count));
  w.u64(count);
  w.coeffs(sk.poly, count);
  return w.bytes;
}

/** Parses a SEAL 4.1 secret key of this context. Spec: §4.10 */
export function deserializeSecretKey(ctx: BfvContext, input: Uint8Array, options?: SealReadOptions): SecretKey {
  const what = 'secret key';
  return wrapErrors(what, () => {
    const bytes = decompressSealObject(input, options?.maxBytes ?? SEAL_HEADER_SIZE + 48 + dynArraySize(ctx.primes.length * ctx.n), what);
    const h = readSealHeader(bytes, 0, what);
    const r = new Reader(bytes, SEAL_HEADER_SIZE, what);
    const id = r.raw(32, 'parms_id');
    if (ctx.levelByParmsId(id) !== ctx.keyLevel) {
      throw new MalformedInputError(`${what}: parms_id is not the key level of these encryption parameters`);
    }
    const count = r.u64('coeff_count');
    const expected = ctx.primes.length * ctx.n;
    if (count !== expected) throw new MalformedInputError(`${what}: ${count} coefficients, expected ${expected}`);
    const scale = r.f64('scale');
    if (scale !== 1.0) throw new MalformedInputError(`${what}: scale ${scale} is not 1.0`);
    const poly = ctx.allocPoly(ctx.primes.length);
    const n = ctx.n;
    readDynArray(r, count, (i) => ctx.primes[Math.floor(i / n)], { set: (i, v) => (poly[i] = v) });
    expectWhole(bytes, h, what, r.pos);
    return { poly };
  });
}

/** SEAL 4.1 bytes of a public key: header, then its ciphertext members (key level, NTT form); seeded/compressed on request. Spec: §4.10 */
export function serializePublicKey(ctx: BfvContext, pk: PublicKey, options?: SealWriteOptions): Uint8Array {
  return serializeCiphertext(ctx, pk.ciphertext, options);
}

function checkKeyCiphertext(ctx: BfvContext, ct: Ciphertext, what: string): void {
  if (ct.coeffModulusSize !== ctx.primes.length || !ct.isNttForm || ct.polys.length !== 2) {
    throw new MalformedInputError(`${what}: expected a size-2 NTT-form ciphertext at the key level`);
  }
}

/** Parses a SEAL 4.1 public key of this context (full or seeded, uncompressed or compressed). Spec: §4.10 */
export function deserializePublicKey(ctx: BfvContext, input: Uint8Array, options?: SealReadOptions): PublicKey {
  const what = 'public key';
  return wrapErrors(what, () => {
    const bytes = decompressSealObject(input, options?.maxBytes ?? maxCiphertextBytes(ctx, 2), what);
    const h = readSealHeader(bytes, 0, what);
    const r = new Reader(bytes, SEAL_HEADER_SIZE, what);
    const ct = readCiphertextMembers(r, ctx, true);
    checkKeyCiphertext(ctx, ct, what);
    expectWhole(bytes, h, what, r.pos);
    return { ciphertext: ct };
  });
}

/** Size in bytes of one nested public key. */
function publicKeySize(ctx: BfvContext, seeded = false): number {
  return SEAL_HEADER_SIZE + ciphertextMembersSize(ctx, 2, ctx.primes.length, seeded);
}

/**
 * KSwitchKeys layout: header, key-level parms_id, u64 dim1, then per slot u64 dim2 and dim2 complete
 * public keys (each with its own header; seeded ones as SEAL's *Serializable keys). Spec: §4.10
 */
function serializeKSwitchKeys(ctx: BfvContext, slots: readonly (KSwitchKey | undefined)[], options?: SealWriteOptions): Uint8Array {
  let total = SEAL_HEADER_SIZE + 32 + 8;
  for (const s of slots) {
    total += 8;
    for (const pk of s ?? []) total += publicKeySize(ctx, isSeeded(pk.ciphertext, options));
  }
  const w = new Writer(total);
  w.header(total);
  w.raw(ctx.keyLevel.parmsId);
  w.u64(slots.length);
  for (const s of slots) {
    w.u64(s ? s.length : 0);
    for (const pk of s ?? []) {
      const seeded = isSeeded(pk.ciphertext, options);
      w.header(publicKeySize(ctx, seeded));
      writeCiphertextMembers(w, ctx, pk.ciphertext, seeded);
    }
  }
  return compressSealObject(w.bytes, options?.compression ?? 'none');
}

function deserializeKSwitchKeys(ctx: BfvContext, input: Uint8Array, what: string, maxSlots: number, options?: SealReadOptions): (KSwitchKey | undefined)[] {
  const bytes = decompressSealObject(input, options?.maxBytes ?? KSWITCH_DEFAULT_MAX_BYTES, what);
  const h = readSealHeader(bytes, 0, what);
  const r = new Reader(bytes, SEAL_HEADER_SIZE, what);
  const id = r.raw(32, 'parms_id');
  if (ctx.levelByParmsId(id) !== ctx.keyLevel) {
    throw new MalformedInputError(`${what}: parms_id is not the key level of these encryption parameters`);
  }
  const dim1 = r.u64('number of keys');
  if (dim1 > maxSlots) throw new MalformedInputError(`${what}: ${dim1} key slots, at most ${maxSlots} allowed`);
  const slots: (KSwitchKey | undefined)[] = [];
  const decomp = ctx.firstLevel.k;
  for (let i = 0; i < dim1; i++) {
    const dim2 = r.u64('key length');
    if (dim2 === 0) {
      slots.push(undefined);
      continue;
    }
    if (dim2 !== decomp) throw new MalformedInputError(`${what}: key ${i} has ${dim2} parts, expected ${decomp}`);
    const key: PublicKey[] = [];
    for (let j = 0; j < dim2; j++) {
      const start = r.pos;
      const ph = readSealHeader(bytes, start, what);
      r.pos += SEAL_HEADER_SIZE;
      const ct = readCiphertextMembers(r, ctx, true);
      checkKeyCiphertext(ctx, ct, what);
      if (r.pos - start !== ph.size) throw new MalformedInputError(`${what}: nested key size mismatch`);
      key.push({ ciphertext: ct });
    }
    slots.push(key);
  }
  expectWhole(bytes, h, what, r.pos);
  return slots;
}

/** SEAL 4.1 bytes of relinearization keys (KSwitchKeys with one slot, for s²); seeded/compressed on request. Spec: §4.10 */
export function serializeRelinKeys(ctx: BfvContext, rk: RelinKeys, options?: SealWriteOptions): Uint8Array {
  return serializeKSwitchKeys(ctx, rk.keys, options);
}

/** Parses SEAL 4.1 relinearization keys of this context (full or seeded, uncompressed or compressed). Spec: §4.10 */
export function deserializeRelinKeys(ctx: BfvContext, bytes: Uint8Array, options?: SealReadOptions): RelinKeys {
  const what = 'relinearization keys';
  return wrapErrors(what, () => {
    const slots = deserializeKSwitchKeys(ctx, bytes, what, SEAL_CIPHERTEXT_SIZE_MAX, options);
    if (slots.length === 0 || slots.some((s) => !s)) throw new MalformedInputError(`${what}: empty key slot`);
    return { keys: slots as KSwitchKey[] };
  });
}

/** SEAL 4.1 bytes of Galois keys: n slots, the key of element g at slot (g − 1)/2; seeded/compressed on request. Spec: §4.10 */
export function serializeGaloisKeys(ctx: BfvContext, gk: GaloisKeys, options?: SealWriteOptions): Uint8Array {
  const slots: (KSwitchKey | undefined)[] = new Array<KSwitchKey | undefined>(ctx.n).fill(undefined);
  for (const [g, key] of gk.keys) slots[(g - 1) / 2] = key;
  return serializeKSwitchKeys(ctx, slots, options);
}

/** Parses SEAL 4.1 Galois keys of this context (full or seeded, uncompressed or compressed). Spec: §4.10 */
export function deserializeGaloisKeys(ctx: BfvContext, bytes: Uint8Array, options?: SealReadOptions): GaloisKeys {
  const what = 'Galois keys';
  return wrapErrors(what, () => {
    const slots = deserializeKSwitchKeys(ctx, bytes, what, ctx.n, options);
    const keys = new Map<number, KSwitchKey>();
    slots.forEach((s, i) => {
      if (s) keys.set(2 * i + 1, s);
    });
    return { keys };
  });
}

/** The level a serialized ciphertext claims (from its parms_id), without parsing the rest. Spec: §4.10 */
export function peekCiphertextLevel(ctx: BfvContext, bytes: Uint8Array): BfvLevel | undefined {
  readSealHeader(bytes, 0, 'ciphertext');
  if (bytes.length < SEAL_HEADER_SIZE + 32) return undefined;
  return ctx.levelByParmsId(bytes.subarray(SEAL_HEADER_SIZE, SEAL_HEADER_SIZE + 32));
}
