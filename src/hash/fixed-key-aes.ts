/**
 * AES-128 under one fixed, public key, used as a random permutation π on 128-bit blocks by the
 * correlation-robust hashes of garbling (§5) and OT extension (§6). The key schedule is expanded once
 * and every block goes through the T-table kernel of ./aes.ts (checked against @noble/ciphers and
 * OpenSSL): no cipher object is built per call.
 *
 * Blocks are four 32-bit words, little-endian: word k holds bytes 4k..4k+3 of the AES block with
 * byte 4k in its low 8 bits (the byte order of a `Uint32Array` view on a little-endian machine).
 *
 * Spec: §5.1
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../errors.js';
import { expandAes128Key } from './aes.js';
import { makeAesBackend, onAesBackendChange, type AesBackend, type AesBackendChoice } from './backend.js';

/** Label whose BLAKE2b-128 digest is the project's fixed AES key (nothing up our sleeve). Spec: §5.1 */
export const FIXED_KEY_LABEL = 'delphi-ts/hash/fixed-key-aes/v1';

/** The fixed AES-128 key: BLAKE2b with 16-byte output of {@link FIXED_KEY_LABEL}. Spec: §5.1 */
export const FIXED_AES_KEY: Uint8Array = blake2b(utf8ToBytes(FIXED_KEY_LABEL), { dkLen: 16 });

/**
 * AES-128 with an expanded key, encrypting blocks held as little-endian words. Spec: §5.1
 */
export class FixedKeyAes {
  readonly #rk: Int32Array;
  readonly #backend: AesBackend;

  /**
   * @param key a 16-byte AES-128 key (default {@link FIXED_AES_KEY}).
   * @param backend where the rounds run (§5.1; default: the process-wide choice, `auto`).
   */
  constructor(key: Uint8Array = FIXED_AES_KEY, backend?: AesBackendChoice) {
    if (!(key instanceof Uint8Array) || key.length !== 16) {
      throw new InvalidArgumentError('FixedKeyAes: key must be a 16-byte Uint8Array (AES-128)');
    }
    this.#rk = expandAes128Key(key);
    this.#backend = makeAesBackend(key, this.#rk, backend);
  }

  /** Name of the backend that runs the rounds. Spec: §5.1 */
  get backend(): AesBackend['name'] {
    return this.#backend.name;
  }

  /**
   * π on `count` blocks from word 0 of `input` into `output` from word 0 (may be the same array).
   * Internal kernel for the hashes: no validation. Spec: §5.1
   */
  encryptWords(input: Int32Array, output: Int32Array, count: number): void {
    this.#backend.encrypt(input, output, count);
  }

  /** The 44-word key schedule (shared, not a copy: callers MUST NOT modify it). Spec: §5.1 */
  get roundKeys(): Int32Array {
    return this.#rk;
  }

  /**
   * π on every block of `input` (4 words per block) into `out` (may be the same array). Spec: §5.1
   */
  encryptBlocks(input: Uint32Array, out: Uint32Array = new Uint32Array(input.length)): Uint32Array {
    if (input.length % 4 !== 0) throw new InvalidArgumentError('FixedKeyAes: input must hold whole 4-word blocks');
    if (out.length !== input.length) throw new InvalidArgumentError('FixedKeyAes: output length must equal input length');
    const i32 = new Int32Array(input.buffer, input.byteOffset, input.length);
    const o32 = new Int32Array(out.buffer, out.byteOffset, out.length);
    this.#backend.encrypt(i32, o32, input.length / 4);
    return out;
  }

  /** π on one block given as bytes (16 in, 16 out); for tests and teaching. Spec: §5.1 */
  encryptBytes(block: Uint8Array): Uint8Array {
    if (!(block instanceof Uint8Array) || block.length !== 16) {
      throw new InvalidArgumentError('FixedKeyAes: a block is 16 bytes');
    }
    const w = new Uint32Array(4);
    for (let k = 0; k < 16; k++) w[k >> 2] |= block[k] << (8 * (k & 3));
    this.encryptBlocks(w, w);
    const out = new Uint8Array(16);
    for (let k = 0; k < 16; k++) out[k] = (w[k >> 2] >>> (8 * (k & 3))) & 0xff;
    return out;
  }
}

let shared: FixedKeyAes | undefined;
onAesBackendChange(() => (shared = undefined));

/** The process-wide π under {@link FIXED_AES_KEY}. Spec: §5.1 */
export function fixedKeyAes(): FixedKeyAes {
  shared ??= new FixedKeyAes();
  return shared;
}
