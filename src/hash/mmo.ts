/**
 * The one-call hash of garbling (§5.2): the σ-MMO construction of Guo, Katz, Wang and Yu (IEEE S&P
 * 2020, ePrint 2019/074, §7.3) with the tweak XORed into the permutation's input,
 *
 *     H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x),      σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L,
 *
 * with π the fixed-key AES of {@link FixedKeyAes}, x_L the high 64 bits of x (words 2 and 3) and x_R
 * the low 64 bits (words 0 and 1), so σ(w0, w1, w2, w3) = (w2, w3, w0 ⊕ w2, w1 ⊕ w3). The tweak i is
 * a non-negative integer below 2^53 in the low 64 bits of a block, as for TCCR. One AES call per
 * hash; §5.10 gives the security argument for half-gates garbling, for which it replaces TCCR.
 *
 * Spec: §5.2
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { fixedKeyAes, type FixedKeyAes } from './fixed-key-aes.js';

/** Blocks hashed per backend call (bounds the scratch). */
const CHUNK = 1024;

/**
 * out[k] = H(blocks[k], tweakStart + k) = π(σ(x_k) ⊕ i) ⊕ σ(x_k) for every 4-word block k. `out` may
 * alias `blocks`. Spec: §5.2
 */
export function mmoHashBlocks(
  blocks: Uint32Array,
  tweakStart: number,
  out: Uint32Array = new Uint32Array(blocks.length),
  aes: FixedKeyAes = fixedKeyAes(),
): Uint32Array {
  if (!(blocks instanceof Uint32Array) || blocks.length % 4 !== 0) throw new InvalidArgumentError('mmoHashBlocks: input must hold whole 4-word blocks');
  if (!(out instanceof Uint32Array) || out.length !== blocks.length) throw new InvalidArgumentError('mmoHashBlocks: output length must equal input length');
  const count = blocks.length / 4;
  if (!Number.isSafeInteger(tweakStart) || tweakStart < 0 || !Number.isSafeInteger(tweakStart + count)) {
    throw new InvalidArgumentError(`mmoHashBlocks: tweaks must be non-negative safe integers, got start ${tweakStart}`);
  }
  const n0 = Math.min(count, CHUNK);
  const x = new Int32Array(4 * n0);
  const y = new Int32Array(4 * n0);
  for (let done = 0; done < count; done += CHUNK) {
    const n = Math.min(CHUNK, count - done);
    for (let k = 0; k < n; k++) {
      const i = 4 * (done + k);
      const tweak = tweakStart + done + k;
      const w0 = blocks[i];
      const w1 = blocks[i + 1];
      const w2 = blocks[i + 2];
      const w3 = blocks[i + 3];
      x[4 * k] = w2 ^ tweak; // low 32 bits of the tweak (ToInt32)
      x[4 * k + 1] = w3 ^ Math.floor(tweak / 4294967296);
      x[4 * k + 2] = w0 ^ w2;
      x[4 * k + 3] = w1 ^ w3;
    }
    aes.encryptWords(x, y, n);
    for (let k = 0; k < n; k++) {
      const i = 4 * (done + k);
      const tweak = tweakStart + done + k;
      // π(X) ⊕ σ(x) = π(X) ⊕ X ⊕ i
      out[i] = y[4 * k] ^ x[4 * k] ^ tweak;
      out[i + 1] = y[4 * k + 1] ^ x[4 * k + 1] ^ Math.floor(tweak / 4294967296);
      out[i + 2] = y[4 * k + 2] ^ x[4 * k + 2];
      out[i + 3] = y[4 * k + 3] ^ x[4 * k + 3];
    }
  }
  return out;
}
