/**
 * The PRG that stretches each base-OT key into a row of the OT-extension matrix:
 * AES-128 in counter mode keyed by the 16-byte seed. Block j of the stream is AES_k(⟨j⟩), where ⟨j⟩ is
 * j as a 128-bit big-endian integer (NIST SP 800-38A CTR with initial counter block 0); the stream is
 * read as little-endian 32-bit words. Random access by block index lets both parties keep just a
 * block counter as PRG state. In Node the keystream comes from OpenSSL's AES-128-CTR (same function;
 * the AES backend choice of §5.1 applies), elsewhere from @noble/ciphers.
 *
 * Spec: §6.4
 * @module
 */
import { ctr } from '@noble/ciphers/aes.js';
import { InvalidArgumentError } from '../errors.js';
import { nodeCryptoForKernels, type NodeCrypto } from '../hash/backend.js';

type CtrStream = ReturnType<NodeCrypto['createCipheriv']>;

/** Bytes of a PRG seed (an AES-128 key). Spec: §6.4 */
export const PRG_SEED_BYTES = 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
let zeros = new Uint8Array(0);
/** The counter block of the call in progress (fillBlocks is synchronous, so one suffices). */
const IV = new Uint8Array(16);

/**
 * AES-128-CTR expansion of a 16-byte seed with random access by block index. Spec: §6.4
 */
export class AesCtrPrg {
  readonly #key: Uint8Array;
  /** OpenSSL's CTR stream and the block it continues at: sequential reads reuse it. */
  #stream: CtrStream | null = null;
  #streamAt = -1;
  #streamCrypto: NodeCrypto | null = null;

  /** @param seed a 16-byte key (a base-OT output). */
  constructor(seed: Uint8Array) {
    if (!(seed instanceof Uint8Array) || seed.length !== PRG_SEED_BYTES) {
      throw new InvalidArgumentError(`AesCtrPrg seed must be ${PRG_SEED_BYTES} bytes`);
    }
    this.#key = Uint8Array.from(seed);
  }

  /**
   * Writes stream blocks first, first + 1, … (out.length / 4 of them) into `out`, four
   * little-endian words per block. Spec: §6.4
   */
  fillBlocks(first: number, out: Uint32Array): Uint32Array {
    if (!Number.isSafeInteger(first) || first < 0) {
      throw new InvalidArgumentError(`AesCtrPrg: block index must be a non-negative safe integer, got ${first}`);
    }
    if (out.length % 4 !== 0) throw new InvalidArgumentError('AesCtrPrg: output must hold whole 4-word blocks');
    const iv = IV;
    iv.fill(0);
    // ⟨first⟩ as a 128-bit big-endian integer (first < 2^53, so bytes 0–8 stay zero).
    let x = first;
    for (let b = 15; b >= 9 && x > 0; b--) {
      iv[b] = x % 256;
      x = Math.floor(x / 256);
    }
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if (zeros.length < bytes.length) zeros = new Uint8Array(bytes.length);
    const crypto = bytes.length >= 256 ? nodeCryptoForKernels() : null;
    if (crypto !== null) {
      // Both parties read each row's stream in order, so the cipher usually continues where it stopped.
      if (this.#stream === null || this.#streamAt !== first || this.#streamCrypto !== crypto) {
        this.#stream = crypto.createCipheriv('aes-128-ctr', this.#key, iv);
        this.#streamCrypto = crypto;
      }
      bytes.set(this.#stream.update(zeros.subarray(0, bytes.length)));
      this.#streamAt = first + out.length / 4;
    } else {
      ctr(this.#key, iv).encrypt(zeros.subarray(0, bytes.length), bytes);
    }
    if (!LITTLE_ENDIAN) {
      for (let i = 0; i < out.length; i++) {
        const w = out[i];
        out[i] = ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
      }
    }
    return out;
  }
}
