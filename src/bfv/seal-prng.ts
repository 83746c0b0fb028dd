/**
 * SEAL 4.1's seeded pseudo-random generator and its uniform polynomial sampler, reproduced so that
 * SEAL's *seeded* objects (a ciphertext or key whose second polynomial is replaced by a 64-byte seed,
 * as written by SEAL's `Serializable` APIs) can be expanded exactly as SEAL expands them.
 * This is not a source of randomness for delphi-ts (that is always an {@link Rng}); it only
 * re-derives data another party committed to by its seed.
 *
 * Spec: §4.10
 * @module
 */
import { shake256 } from '@noble/hashes/sha3.js';
import { InvalidArgumentError } from '../errors.js';
import { blake2xb } from '../hash/blake2xb.js';
import { mulModAny } from './poly.js';
import type { BfvContext, RnsPoly } from './context.js';

/** SEAL's `prng_type::blake2xb`. Spec: §4.10 */
export const SEAL_PRNG_BLAKE2XB = 1;
/** SEAL's `prng_type::shake256`. Spec: §4.10 */
export const SEAL_PRNG_SHAKE256 = 2;
/** Bytes of a SEAL PRNG seed (`prng_seed_byte_count`). Spec: §4.10 */
export const SEAL_PRNG_SEED_BYTES = 64;
/** Bytes produced per refill (`UniformRandomGenerator::buffer_size_`). */
const BUFFER_BYTES = 4096;

/** SHAKE256(input) truncated to `length` bytes. */
type Shake256 = (input: Uint8Array, length: number) => Uint8Array;

interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}

/**
 * Node's native SHAKE256 when running under Node (reached through `process.getBuiltinModule`, so
 * that browsers and bundlers never see an import), else null: the same function as `@noble/hashes`'
 * shake256, about ten times faster, which matters because every seeded key part expands 458 KB.
 */
function nativeShake256(): Shake256 | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  try {
    const crypto = proc.getBuiltinModule('node:crypto') as { createHash?: (alg: string, opts: { outputLength: number }) => NodeHash } | undefined;
    const createHash = crypto?.createHash;
    if (typeof createHash !== 'function') return null;
    createHash('shake256', { outputLength: 8 }).update(new Uint8Array(1)).digest();
    return (input, length) => {
      const b = createHash('shake256', { outputLength: length }).update(input).digest();
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    };
  } catch {
    return null;
  }
}

const portableShake256: Shake256 = (input, length) => shake256(input, { dkLen: length });
const fastShake256: Shake256 = nativeShake256() ?? portableShake256;

/** SHAKE256 as SEAL's PRNG uses it; `portable` forces the pure-JS implementation (for tests). Spec: §4.10 */
export function sealShake256(input: Uint8Array, length: number, portable = false): Uint8Array {
  return (portable ? portableShake256 : fastShake256)(input, length);
}

/**
 * SEAL's `UniformRandomGenerator` for a (type, seed) pair: a 4096-byte buffer refilled from a 64-bit
 * counter starting at 0 — BLAKE2Xb(out = 4096 bytes, input = counter as 8 little-endian bytes,
 * key = seed) for type 1, SHAKE256(seed ‖ counter, 4096 bytes) for type 2 — and consumed in order.
 * Spec: §4.10
 */
export class SealPrng {
  readonly type: number;
  readonly #seed: Uint8Array;
  #counter = 0;
  #buffer: Uint8Array = new Uint8Array(0);
  #pos = 0;

  constructor(type: number, seed: Uint8Array) {
    if (type !== SEAL_PRNG_BLAKE2XB && type !== SEAL_PRNG_SHAKE256) {
      throw new InvalidArgumentError(`unknown SEAL PRNG type ${type} (1 = BLAKE2Xb, 2 = SHAKE256)`);
    }
    if (!(seed instanceof Uint8Array) || seed.length !== SEAL_PRNG_SEED_BYTES) {
      throw new InvalidArgumentError(`a SEAL PRNG seed is ${SEAL_PRNG_SEED_BYTES} bytes`);
    }
    this.type = type;
    this.#seed = Uint8Array.from(seed);
  }

  #refill(): void {
    const counter = new Uint8Array(8);
    const view = new DataView(counter.buffer);
    view.setUint32(0, this.#counter % 2 ** 32, true);
    view.setUint32(4, Math.floor(this.#counter / 2 ** 32), true);
    if (this.type === SEAL_PRNG_BLAKE2XB) {
      this.#buffer = blake2xb(BUFFER_BYTES, counter, this.#seed);
    } else {
      const input = new Uint8Array(SEAL_PRNG_SEED_BYTES + 8);
      input.set(this.#seed);
      input.set(counter, SEAL_PRNG_SEED_BYTES);
      this.#buffer = fastShake256(input, BUFFER_BYTES);
    }
    this.#counter++;
    this.#pos = 0;
  }

  /** The next `count` bytes of the stream. */
  generate(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let off = 0;
    while (off < count) {
      if (this.#pos === this.#buffer.length) this.#refill();
      const take = Math.min(count - off, this.#buffer.length - this.#pos);
      out.set(this.#buffer.subarray(this.#pos, this.#pos + take), off);
      this.#pos += take;
      off += take;
    }
    return out;
  }
}


const TWO_32 = 2 ** 32;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * SEAL 4.1's `sample_poly_uniform` at the level with k primes: draw 8·k·n bytes at once, read them as
 * little-endian u64 values r (prime-major); for prime q, while r ≥ 2^64 − 1 − ((2^64 − 1) mod q) − 1
 * replace r by the next 8 bytes of the stream (rejection, in order); the residue is r mod q.
 * Spec: §4.10
 */
export function sampleSealUniform(ctx: BfvContext, prng: SealPrng, k: number): RnsPoly {
  const n = ctx.n;
  const bytes = prng.generate(8 * k * n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // On little-endian hosts the stream can be read as 32-bit words directly.
  const words = LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2) : null;
  const out = ctx.allocPoly(k);
  const maxRandom = (1n << 64n) - 1n;
  for (let i = 0; i < k; i++) {
    const q = ctx.primes[i];
    const qBig = BigInt(q);
    const maxMultiple = maxRandom - (maxRandom % qBig) - 1n;
    // r ≥ maxMultiple can only happen when the high word is at least this:
    const hiThreshold = Number(maxMultiple >> 32n);
    const narrow = q < 2 ** 37;
    const qInv = 1 / q;
    const two32 = TWO_32 % q;
    for (let j = 0; j < n; j++) {
      const o = 8 * (i * n + j);
      let lo = words ? words[o >> 2] : view.getUint32(o, true);
      let hi = words ? words[(o >> 2) + 1] : view.getUint32(o + 4, true);
      while (hi >= hiThreshold && ((BigInt(hi) << 32n) | BigInt(lo)) >= maxMultiple) {
        const again = new DataView(prng.generate(8).buffer);
        lo = again.getUint32(0, true);
        hi = again.getUint32(4, true);
      }
      if (narrow) {
        // (hi·2^32 + lo) mod q in exact steps of 16 bits (every intermediate < 2^53 for q < 2^37),
        // each reduced with a floating-point quotient and one correction.
        let x = hi - Math.floor(hi * qInv) * q;
        x += x < 0 ? q : x >= q ? -q : 0;
        x = x * 65536 + (lo >>> 16);
        x -= Math.floor(x * qInv) * q;
        x += x < 0 ? q : x >= q ? -q : 0;
        x = x * 65536 + (lo & 0xffff);
        x -= Math.floor(x * qInv) * q;
        x += x < 0 ? q : x >= q ? -q : 0;
        out[i * n + j] = x;
      } else {
        const r = mulModAny(hi % q, two32, q) + (lo % q);
        out[i * n + j] = r >= q ? r - q : r;
      }
    }
  }
  return out;
}
