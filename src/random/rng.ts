/**
 * The one source of randomness in delphi-ts: a ChaCha20 keystream behind the {@link Rng} interface.
 *
 * Every random choice of every module (keys, masks, labels, shares) is drawn from an `Rng`.
 * Seeded with the same 32 bytes, two runs draw the same values in the same order, which is what
 * makes transcripts and test vectors reproducible. Unseeded, the key comes from
 * `crypto.getRandomValues` (Web Crypto, available in browsers and in Node ≥ 19).
 *
 * Stream layout (normative, Spec: §2.1): key = the 32-byte seed, nonce = 12 zero bytes except that
 * its first 4 bytes hold a little-endian "epoch" that increments each time the 32-bit block counter
 * would wrap; the keystream is consumed strictly in order, byte by byte.
 *
 * @module
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../errors.js';
import { hexToBytes } from '../math/bytes.js';

/** Seed length in bytes. */
export const SEED_BYTES = 32;

/** A cryptographically secure, optionally deterministic, random source. Spec: §2.1 */
export interface Rng {
  /** Fills `out` with the next `out.length` bytes of the stream and returns it. */
  fill(out: Uint8Array): Uint8Array;
  /** Returns the next `n` bytes of the stream. */
  bytes(n: number): Uint8Array;
  /** Next 32 bits of the stream as an unsigned integer (4 bytes, little-endian). */
  uint32(): number;
  /**
   * Derives an independent child generator from the next 32 bytes of this stream and a label.
   * Use it to give each party or phase its own stream so that adding draws in one place
   * does not shift the values drawn elsewhere.
   */
  fork(label: string): Rng;
}

/** Bytes of keystream produced per refill (a multiple of the 64-byte ChaCha block). */
const BUFFER_BYTES = 4096;
const BLOCKS_PER_BUFFER = BUFFER_BYTES / 64;
const MAX_COUNTER = 2 ** 32;

/**
 * ChaCha20-based generator (RFC 8439 block function via `@noble/ciphers`). Spec: §2.1
 */
export class ChaCha20Rng implements Rng {
  readonly #key: Uint8Array;
  readonly #nonce = new Uint8Array(12);
  readonly #zeros = new Uint8Array(BUFFER_BYTES);
  readonly #buffer = new Uint8Array(BUFFER_BYTES);
  #pos = BUFFER_BYTES;
  #counter = 0;
  #epoch = 0;

  /** @param seed exactly {@link SEED_BYTES} bytes; it becomes the ChaCha20 key. */
  constructor(seed: Uint8Array) {
    if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
      throw new InvalidArgumentError(
        `ChaCha20Rng seed must be a Uint8Array of ${SEED_BYTES} bytes, got ${describe(seed)}`,
      );
    }
    this.#key = Uint8Array.from(seed);
  }

  #refill(): void {
    if (this.#counter + BLOCKS_PER_BUFFER > MAX_COUNTER) {
      this.#epoch++;
      new DataView(this.#nonce.buffer).setUint32(0, this.#epoch, true);
      this.#counter = 0;
    }
    chacha20(this.#key, this.#nonce, this.#zeros, this.#buffer, this.#counter);
    this.#counter += BLOCKS_PER_BUFFER;
    this.#pos = 0;
  }

  fill(out: Uint8Array): Uint8Array {
    let off = 0;
    while (off < out.length) {
      if (this.#pos === BUFFER_BYTES) this.#refill();
      const take = Math.min(BUFFER_BYTES - this.#pos, out.length - off);
      out.set(this.#buffer.subarray(this.#pos, this.#pos + take), off);
      this.#pos += take;
      off += take;
    }
    return out;
  }

  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new InvalidArgumentError(`byte count must be a non-negative integer, got ${n}`);
    }
    return this.fill(new Uint8Array(n));
  }

  uint32(): number {
    if (BUFFER_BYTES - this.#pos < 4) return new DataView(this.bytes(4).buffer).getUint32(0, true);
    const b = this.#buffer;
    const i = this.#pos;
    this.#pos += 4;
    return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  }

  fork(label: string): Rng {
    return new ChaCha20Rng(deriveSeed(this.bytes(SEED_BYTES), label));
  }
}

/**
 * Derives a 32-byte seed from key material and a domain-separation label:
 * BLAKE2b-256 keyed with nothing, over `"delphi-ts/seed/v1" ‖ 0x00 ‖ label ‖ 0x00 ‖ material`.
 * Spec: §2.1
 */
export function deriveSeed(material: Uint8Array, label: string): Uint8Array {
  const prefix = utf8ToBytes('delphi-ts/seed/v1\u0000' + label + '\u0000');
  const msg = new Uint8Array(prefix.length + material.length);
  msg.set(prefix);
  msg.set(material, prefix.length);
  return blake2b(msg, { dkLen: SEED_BYTES });
}

/** A deterministic generator from a 32-byte seed. Same seed ⇒ same stream. Spec: §2.1 */
export function fromSeed(seed: Uint8Array): Rng {
  return new ChaCha20Rng(seed);
}

/**
 * A deterministic generator from a human-readable seed (any string, e.g. "test-1"):
 * the seed is {@link deriveSeed}(utf8(text), "text-seed"). Handy in tutorials and tests.
 */
export function fromTextSeed(text: string): Rng {
  return new ChaCha20Rng(deriveSeed(utf8ToBytes(text), 'text-seed'));
}

/** Parses a 64-hex-digit seed (as given on the command line). */
export function seedFromHex(hex: string): Uint8Array {
  const clean = hex.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{64}$/.test(clean)) {
    throw new InvalidArgumentError(`a seed is 64 hexadecimal digits (32 bytes), got "${hex}"`);
  }
  return hexToBytes(clean);
}

/** A fresh seed from the platform CSPRNG (`crypto.getRandomValues`). */
export function systemSeed(): Uint8Array {
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new InvalidArgumentError('crypto.getRandomValues is not available on this platform');
  }
  return c.getRandomValues(new Uint8Array(SEED_BYTES));
}

/** A generator seeded from the platform CSPRNG: the default for real use. Spec: §2.1 */
export function systemRng(): Rng {
  return new ChaCha20Rng(systemSeed());
}

function describe(x: unknown): string {
  if (x instanceof Uint8Array) return `${x.length} bytes`;
  return x === null ? 'null' : typeof x;
}
