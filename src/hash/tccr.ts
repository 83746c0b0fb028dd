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
import { fixedKeyAes, type FixedKeyAes } from './fixed-key-aes.js';

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
  const px = aes.encryptBlocks(blocks); // π(x)
  const y = new Uint32Array(blocks.length);
  for (let k = 0, i = 0; k < count; k++, i += 4) {
    const tweak = tweakStart + k;
    y[i] = px[i] ^ tweak; // low 32 bits (ToInt32 keeps them)
    y[i + 1] = px[i + 1] ^ Math.floor(tweak / 0x100000000);
    y[i + 2] = px[i + 2];
    y[i + 3] = px[i + 3];
  }
  aes.encryptBlocks(y, y); // π(π(x) ⊕ i)
  for (let i = 0; i < blocks.length; i++) out[i] = y[i] ^ px[i];
  return out;
}
