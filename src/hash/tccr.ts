/**
 * The tweakable circular correlation-robust hash of Guo, Katz, Wang and Yu (IEEE S&P 2020, §7.3):
 *
 *     TCCR(x, i) = π(π(x) ⊕ i) ⊕ π(x)
 *
 * with π the fixed-key AES of {@link FixedKeyAes}. The tweak i is a non-negative integer below 2^53
 * placed in the low 64 bits of a block (word 0 = i mod 2^32, word 1 = ⌊i / 2^32⌋, words 2 and 3 zero).
 * Block k of a batch is hashed with tweak `tweakStart + k`.
 *
 * Spec: §5.2
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { tccrWithTweakWords } from './aes.js';
import { fixedKeyAes, type FixedKeyAes } from './fixed-key-aes.js';

/** Blocks hashed per kernel call (bounds the tweak scratch). */
const CHUNK = 1024;

/**
 * out[k] = TCCR(blocks[k], tweakStart + k) for every 4-word block k. `out` may alias `blocks`.
 * Spec: §5.2
 */
export function tccrHashBlocks(
  blocks: Uint32Array,
  tweakStart: number,
  out: Uint32Array = new Uint32Array(blocks.length),
  aes: FixedKeyAes = fixedKeyAes(),
): Uint32Array {
  if (blocks.length % 4 !== 0) throw new InvalidArgumentError('tccrHashBlocks: input must hold whole 4-word blocks');
  if (out.length !== blocks.length) throw new InvalidArgumentError('tccrHashBlocks: output length must equal input length');
  const count = blocks.length / 4;
  if (!Number.isSafeInteger(tweakStart) || tweakStart < 0 || !Number.isSafeInteger(tweakStart + count)) {
    throw new InvalidArgumentError(`tccrHashBlocks: tweaks must be non-negative safe integers, got start ${tweakStart}`);
  }
  const rk = aes.roundKeys;
  const input = new Int32Array(blocks.buffer, blocks.byteOffset, blocks.length);
  const output = new Int32Array(out.buffer, out.byteOffset, out.length);
  if (aes.backend !== 'typescript') {
    // Two batched passes through the backend: m = π(x), then π(m ⊕ i) ⊕ m.
    const m = new Int32Array(4 * Math.min(count, CHUNK));
    const y = new Int32Array(m.length);
    for (let done = 0; done < count; done += CHUNK) {
      const n = Math.min(CHUNK, count - done);
      aes.encryptWords(input.subarray(4 * done), m, n);
      for (let k = 0; k < n; k++) {
        const tweak = tweakStart + done + k;
        y[4 * k] = m[4 * k] ^ tweak; // low 32 bits (ToInt32)
        y[4 * k + 1] = m[4 * k + 1] ^ Math.floor(tweak / 0x100000000);
        y[4 * k + 2] = m[4 * k + 2];
        y[4 * k + 3] = m[4 * k + 3];
      }
      aes.encryptWords(y, y, n);
      const o = 4 * done;
      for (let k = 0; k < 4 * n; k++) output[o + k] = y[k] ^ m[k];
    }
    return out;
  }
  const tweaks = new Int32Array(2 * Math.min(count, CHUNK));
  for (let done = 0; done < count; done += CHUNK) {
    const n = Math.min(CHUNK, count - done);
    for (let k = 0; k < n; k++) {
      const tweak = tweakStart + done + k;
      tweaks[2 * k] = tweak; // low 32 bits (ToInt32 keeps them)
      tweaks[2 * k + 1] = Math.floor(tweak / 0x100000000);
    }
    tccrWithTweakWords(rk, input.subarray(4 * done), tweaks, output.subarray(4 * done), n);
  }
  return out;
}
