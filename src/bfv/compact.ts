/**
 * delphi-ts's compact wire form for ciphertexts, public keys and Galois keys (§4.10.3): every
 * residue modulo q_i is bit-packed in bitLength(q_i − 1) bits (30 instead of SEAL's 64 at Delphi's
 * parameters), and a ciphertext that carries its SEAL seed ({@link Ciphertext.seed}) is written with
 * c_1 replaced by that seed, re-derived by the reader exactly as SEAL does (`sampleSealUniform`).
 * A seeded, packed Galois key at n = 8192 with 7 primes is 1.29 MB instead of SEAL's 5.5 MB.
 *
 * Ciphertext (little-endian): u8 0xDC ‖ u8 kind 1 ‖ u8 k (primes) ‖ u8 flags (bit 0 NTT form, bit 1
 * seeded) ‖ u8 size (polynomials, 2) ‖ u8 PRNG type (0 unless seeded) ‖ u16 0 ‖ [64 seed bytes] ‖
 * the residues of c_0 (and c_1 unless seeded), prime-major, packed LSB-first. Galois keys: u8 0xDC ‖
 * u8 kind 2 ‖ u16 0 ‖ u32 count ‖ count × (u32 Galois element ‖ dim2 seeded or full key-level
 * ciphertexts). Every size follows from the header, and it is checked against the bytes available
 * before anything is allocated; residues must be below their prime.
 *
 * Spec: §4.10.3
 * @module
 */
import { MalformedInputError } from '../errors.js';
import type { BfvContext, RnsPoly } from './context.js';
import { expandSealSeed } from './keys.js';
import { SEAL_PRNG_BLAKE2XB, SEAL_PRNG_SEED_BYTES, SEAL_PRNG_SHAKE256 } from './seal-prng.js';
import type { Ciphertext, GaloisKeys, KSwitchKey, PublicKey } from './types.js';

/** First byte of every compact object. Spec: §4.10.3 */
export const COMPACT_MAGIC = 0xdc;
/** Kind byte of a compact ciphertext (also public keys). Spec: §4.10.3 */
export const COMPACT_KIND_CIPHERTEXT = 1;
/** Kind byte of compact Galois keys. Spec: §4.10.3 */
export const COMPACT_KIND_GALOIS_KEYS = 2;
/** Bytes of a compact ciphertext header (without the seed). Spec: §4.10.3 */
export const COMPACT_HEADER_BYTES = 8;

const FLAG_NTT = 1;
const FLAG_SEEDED = 2;

function primesOf(ctx: BfvContext, k: number): readonly number[] {
  return ctx.level(k).primes;
}

/** bitLength(q − 1): the smallest w with 2^w ≥ q. */
function widthOf(q: number): number {
  let w = 0;
  while (2 ** w < q) w++;
  return w;
}

/** Bytes of n residues modulo q packed in bitLength(q − 1) bits. */
function packedBytes(n: number, q: number): number {
  return Math.ceil((n * widthOf(q)) / 8);
}

/** Bytes of a compact ciphertext of this shape. Spec: §4.10.3 */
export function compactCiphertextSize(ctx: BfvContext, k: number, seeded: boolean, size = 2): number {
  const primes = primesOf(ctx, k);
  let per = 0;
  for (const q of primes) per += packedBytes(ctx.n, q);
  return COMPACT_HEADER_BYTES + (seeded ? SEAL_PRNG_SEED_BYTES : 0) + (seeded ? size - 1 : size) * per;
}

/** Packs n residues (values < 2^w, w ≤ 53) LSB-first into out at byte offset `pos`; returns the end. */
function pack(src: RnsPoly, off: number, n: number, w: number, out: Uint8Array, pos: number): number {
  return w <= 32 ? pack32(src, off, n, w, out, pos) : packWide(src, off, n, w, out, pos);
}

/** w ≤ 32: a 32-bit buffer flushed a word at a time. */
function pack32(src: RnsPoly, off: number, n: number, w: number, out: Uint8Array, pos: number): number {
  let buf = 0;
  let bits = 0;
  let p = pos;
  for (let j = 0; j < n; j++) {
    const v = src[off + j] >>> 0;
    buf = (buf | (v << bits)) >>> 0;
    const filled = bits + w;
    if (filled >= 32) {
      out[p] = buf & 0xff;
      out[p + 1] = (buf >>> 8) & 0xff;
      out[p + 2] = (buf >>> 16) & 0xff;
      out[p + 3] = buf >>> 24;
      p += 4;
      buf = bits === 0 ? 0 : v >>> (32 - bits);
      bits = filled - 32;
    } else bits = filled;
  }
  for (; bits > 0; bits -= 8, buf >>>= 8) out[p++] = buf & 0xff;
  return p;
}

/** w > 32 (wide contexts): exact double arithmetic on a small bit accumulator. */
function packWide(src: RnsPoly, off: number, n: number, w: number, out: Uint8Array, pos: number): number {
  let acc = 0; // pending bits, fewer than 8 + 29 of them: exact in a double
  let bits = 0;
  let p = pos;
  for (let j = 0; j < n; j++) {
    const v = src[off + j];
    // Split v into its low 24 bits and the rest so that the accumulator never exceeds 2^53.
    const lo = v % 16777216;
    const hi = (v - lo) / 16777216;
    acc += lo * 2 ** bits;
    bits += 24;
    while (bits >= 8) {
      out[p++] = acc & 0xff;
      acc = Math.floor(acc / 256);
      bits -= 8;
    }
    acc += hi * 2 ** bits;
    bits += w - 24;
    while (bits >= 8) {
      out[p++] = acc & 0xff;
      acc = Math.floor(acc / 256);
      bits -= 8;
    }
  }
  if (bits > 0) out[p++] = acc & 0xff;
  return p;
}

/** Unpacks n residues of w bits from `bytes` at `pos` into dst, checking each is below q; returns the end. */
function unpack(bytes: Uint8Array, pos: number, n: number, w: number, q: number, dst: RnsPoly, off: number, what: string): number {
  const end = pos + packedBytes(n, q);
  if (w <= 32) unpack32(bytes, pos, end, n, w, q, dst, off, what);
  else unpackWide(bytes, pos, n, w, q, dst, off, what);
  return end;
}

function unpack32(bytes: Uint8Array, pos: number, end: number, n: number, w: number, q: number, dst: RnsPoly, off: number, what: string): void {
  const mask = w === 32 ? 0xffffffff : 2 ** w - 1;
  let buf = 0; // `bits` valid bits, LSB-first
  let bits = 0;
  let p = pos;
  for (let j = 0; j < n; j++) {
    let v: number;
    if (bits >= w) {
      v = (buf & mask) >>> 0;
      buf = w === 32 ? 0 : buf >>> w;
      bits -= w;
    } else {
      let word: number;
      if (end - p >= 4) word = (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
      else {
        word = 0;
        for (let b = 0; b < end - p; b++) word = (word | (bytes[p + b] << (8 * b))) >>> 0;
      }
      const avail = Math.min(32, 8 * (end - p));
      p += Math.min(4, end - p);
      const take = w - bits; // 1 … 32
      v = ((buf | (take === 32 ? word : word << bits)) & mask) >>> 0;
      buf = take === 32 ? 0 : word >>> take;
      bits = avail - take;
      if (bits < 0) throw new MalformedInputError(`${what}: residues run past their bytes`);
    }
    if (v >= q) throw new MalformedInputError(`${what}: residue ${v} at index ${j} is not below its prime ${q}`);
    dst[off + j] = v;
  }
  if (buf !== 0) throw new MalformedInputError(`${what}: non-zero padding bits after the residues`);
}

function unpackWide(bytes: Uint8Array, pos: number, n: number, w: number, q: number, dst: RnsPoly, off: number, what: string): void {
  let acc = 0;
  let bits = 0;
  let p = pos;
  const lowMod = 2 ** 24;
  const highW = w - 24;
  const highMod = 2 ** highW;
  for (let j = 0; j < n; j++) {
    while (bits < 24) {
      acc += bytes[p++] * 2 ** bits;
      bits += 8;
    }
    const lo = acc % lowMod;
    acc = (acc - lo) / lowMod;
    bits -= 24;
    while (bits < highW) {
      acc += bytes[p++] * 2 ** bits;
      bits += 8;
    }
    const hi = acc % highMod;
    acc = (acc - hi) / highMod;
    bits -= highW;
    const v = lo + hi * lowMod;
    if (v >= q) throw new MalformedInputError(`${what}: residue ${v} at index ${j} is not below its prime ${q}`);
    dst[off + j] = v;
  }
  if (acc !== 0) throw new MalformedInputError(`${what}: non-zero padding bits after the residues`);
}

function writeCiphertext(ctx: BfvContext, ct: Ciphertext, seeded: boolean, out: Uint8Array, pos: number): number {
  const k = ct.coeffModulusSize;
  const primes = primesOf(ctx, k);
  const n = ctx.n;
  out[pos] = COMPACT_MAGIC;
  out[pos + 1] = COMPACT_KIND_CIPHERTEXT;
  out[pos + 2] = k;
  out[pos + 3] = (ct.isNttForm ? FLAG_NTT : 0) | (seeded ? FLAG_SEEDED : 0);
  out[pos + 4] = ct.polys.length;
  out[pos + 5] = seeded ? ct.seed!.type : 0;
  let p = pos + COMPACT_HEADER_BYTES;
  if (seeded) {
    out.set(ct.seed!.bytes, p);
    p += SEAL_PRNG_SEED_BYTES;
  }
  const polys = seeded ? ct.polys.slice(0, 1) : ct.polys;
  for (const poly of polys) {
    for (let i = 0; i < k; i++) p = pack(poly, i * n, n, widthOf(primes[i]), out, p);
  }
  return p;
}

function canSeed(ct: Ciphertext): boolean {
  return ct.seed !== undefined && ct.polys.length === 2;
}

/**
 * The compact bytes of a ciphertext (or a public key's ciphertext): seeded when it carries its SEAL
 * seed and `seeded` is not false, else both polynomials packed. Spec: §4.10.3
 */
export function serializeCompactCiphertext(ctx: BfvContext, ct: Ciphertext, options: { seeded?: boolean } = {}): Uint8Array {
  const seeded = options.seeded !== false && canSeed(ct);
  const out = new Uint8Array(compactCiphertextSize(ctx, ct.coeffModulusSize, seeded, ct.polys.length));
  writeCiphertext(ctx, ct, seeded, out, 0);
  return out;
}

/** What a compact ciphertext must be: its level, NTT form and size 2. */
interface Expect {
  readonly k?: number;
  readonly ntt?: boolean;
}

function readCiphertext(ctx: BfvContext, bytes: Uint8Array, pos: number, what: string, expect: Expect): { ct: Ciphertext; end: number } {
  if (bytes.length - pos < COMPACT_HEADER_BYTES) throw new MalformedInputError(`${what}: truncated header (${bytes.length - pos} bytes)`);
  if (bytes[pos] !== COMPACT_MAGIC || bytes[pos + 1] !== COMPACT_KIND_CIPHERTEXT) {
    throw new MalformedInputError(`${what}: not a compact ciphertext (bytes 0x${bytes[pos].toString(16)} 0x${bytes[pos + 1].toString(16)})`);
  }
  const k = bytes[pos + 2];
  const flags = bytes[pos + 3];
  const size = bytes[pos + 4];
  const type = bytes[pos + 5];
  if (k < 1 || k > ctx.primes.length) throw new MalformedInputError(`${what}: ${k} primes, this context has ${ctx.primes.length}`);
  if (expect.k !== undefined && k !== expect.k) throw new MalformedInputError(`${what}: ${k} primes, expected ${expect.k}`);
  if ((flags & ~(FLAG_NTT | FLAG_SEEDED)) !== 0 || bytes[pos + 6] !== 0 || bytes[pos + 7] !== 0) {
    throw new MalformedInputError(`${what}: reserved header bits are set`);
  }
  const ntt = (flags & FLAG_NTT) !== 0;
  const seeded = (flags & FLAG_SEEDED) !== 0;
  if (expect.ntt !== undefined && ntt !== expect.ntt) throw new MalformedInputError(`${what}: expected ${expect.ntt ? 'NTT' : 'coefficient'} form`);
  if (size !== 2) throw new MalformedInputError(`${what}: size ${size}, expected 2`);
  if (seeded ? type !== SEAL_PRNG_BLAKE2XB && type !== SEAL_PRNG_SHAKE256 : type !== 0) {
    throw new MalformedInputError(`${what}: PRNG type ${type} is not valid for a ${seeded ? 'seeded' : 'full'} ciphertext`);
  }
  const total = compactCiphertextSize(ctx, k, seeded, size);
  if (bytes.length - pos < total) throw new MalformedInputError(`${what}: needs ${total} bytes, ${bytes.length - pos} available`);
  const primes = primesOf(ctx, k);
  const n = ctx.n;
  let p = pos + COMPACT_HEADER_BYTES;
  let seedBytes: Uint8Array | null = null;
  if (seeded) {
    seedBytes = bytes.slice(p, p + SEAL_PRNG_SEED_BYTES);
    p += SEAL_PRNG_SEED_BYTES;
  }
  const polys: RnsPoly[] = [];
  for (let c = 0; c < (seeded ? 1 : 2); c++) {
    const poly = ctx.allocPoly(k);
    for (let i = 0; i < k; i++) p = unpack(bytes, p, n, widthOf(primes[i]), primes[i], poly, i * n, what);
    polys.push(poly);
  }
  if (seedBytes) polys.push(expandSealSeed(ctx, { type, bytes: seedBytes }, k));
  return { ct: { coeffModulusSize: k, polys, isNttForm: ntt }, end: p };
}

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MalformedInputError) throw e;
    throw new MalformedInputError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Parses a compact ciphertext of this context (seeded ones are expanded); `level` and `ntt`, when
 * given, are required. Nothing may follow. {@link MalformedInputError} on any defect. Spec: §4.10.3
 */
export function deserializeCompactCiphertext(ctx: BfvContext, bytes: Uint8Array, expect: { level?: number; ntt?: boolean } = {}): Ciphertext {
  const what = 'compact ciphertext';
  return wrap(what, () => {
    if (!(bytes instanceof Uint8Array)) throw new MalformedInputError(`${what}: expected a Uint8Array`);
    const { ct, end } = readCiphertext(ctx, bytes, 0, what, { k: expect.level, ntt: expect.ntt });
    if (end !== bytes.length) throw new MalformedInputError(`${what}: ${bytes.length - end} unexpected bytes after the object`);
    return ct;
  });
}

/** Compact bytes of a public key (seeded when generated seeded). Spec: §4.10.3 */
export function serializeCompactPublicKey(ctx: BfvContext, pk: PublicKey): Uint8Array {
  return serializeCompactCiphertext(ctx, pk.ciphertext);
}

/** Parses a compact public key: a size-2 NTT-form ciphertext at the key level. Spec: §4.10.3 */
export function deserializeCompactPublicKey(ctx: BfvContext, bytes: Uint8Array): PublicKey {
  const what = 'compact public key';
  return wrap(what, () => {
    if (!(bytes instanceof Uint8Array)) throw new MalformedInputError(`${what}: expected a Uint8Array`);
    const { ct, end } = readCiphertext(ctx, bytes, 0, what, { k: ctx.primes.length, ntt: true });
    if (end !== bytes.length) throw new MalformedInputError(`${what}: ${bytes.length - end} unexpected bytes after the object`);
    return { ciphertext: ct };
  });
}

/** Compact bytes of Galois keys, ascending by element; each key-level part seeded when it can be. Spec: §4.10.3 */
export function serializeCompactGaloisKeys(ctx: BfvContext, gk: GaloisKeys): Uint8Array {
  const elements = [...gk.keys.keys()].sort((a, b) => a - b);
  let total = 8;
  for (const g of elements) {
    total += 4;
    for (const part of gk.keys.get(g)!) total += compactCiphertextSize(ctx, part.ciphertext.coeffModulusSize, canSeed(part.ciphertext));
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = COMPACT_MAGIC;
  out[1] = COMPACT_KIND_GALOIS_KEYS;
  view.setUint32(4, elements.length, true);
  let p = 8;
  for (const g of elements) {
    view.setUint32(p, g, true);
    p += 4;
    for (const part of gk.keys.get(g)!) p = writeCiphertext(ctx, part.ciphertext, canSeed(part.ciphertext), out, p);
  }
  return out;
}

/**
 * Parses compact Galois keys of this context: at most n keys, odd elements below 2n in ascending
 * order, each with as many key-level NTT-form parts as the first data level has primes. The smallest
 * possible size of the announced keys is checked against the bytes available before any key is
 * allocated. Spec: §4.10.3
 */
export function deserializeCompactGaloisKeys(ctx: BfvContext, bytes: Uint8Array): GaloisKeys {
  const what = 'compact Galois keys';
  return wrap(what, () => {
    if (!(bytes instanceof Uint8Array) || bytes.length < 8) throw new MalformedInputError(`${what}: truncated header`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes[0] !== COMPACT_MAGIC || bytes[1] !== COMPACT_KIND_GALOIS_KEYS) throw new MalformedInputError(`${what}: not compact Galois keys`);
    if (bytes[2] !== 0 || bytes[3] !== 0) throw new MalformedInputError(`${what}: reserved header bytes are set`);
    const count = view.getUint32(4, true);
    const K = ctx.primes.length;
    const dim2 = ctx.firstLevel.k;
    const minKey = 4 + dim2 * compactCiphertextSize(ctx, K, true);
    if (count > ctx.n || count * minKey > bytes.length - 8) {
      throw new MalformedInputError(`${what}: ${count} keys announced, the ${bytes.length} bytes hold at most ${Math.floor((bytes.length - 8) / minKey)}`);
    }
    const keys = new Map<number, KSwitchKey>();
    let p = 8;
    let last = 0;
    for (let e = 0; e < count; e++) {
      if (bytes.length - p < 4) throw new MalformedInputError(`${what}: truncated before key ${e}`);
      const g = view.getUint32(p, true);
      p += 4;
      if (g % 2 === 0 || g >= 2 * ctx.n || g <= last) {
        throw new MalformedInputError(`${what}: Galois element ${g} is not odd, below 2n and ascending`);
      }
      last = g;
      const key: PublicKey[] = [];
      for (let j = 0; j < dim2; j++) {
        const { ct, end } = readCiphertext(ctx, bytes, p, `${what} (element ${g}, part ${j})`, { k: K, ntt: true });
        key.push({ ciphertext: ct });
        p = end;
      }
      keys.set(g, key);
    }
    if (p !== bytes.length) throw new MalformedInputError(`${what}: ${bytes.length - p} unexpected bytes after the keys`);
    return { keys };
  });
}
