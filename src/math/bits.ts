/**
 * Bit tricks for the NTT: bit reversal and power-of-two logarithms.
 *
 * Spec: §3.4
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Reverses the low `logn` bits of i (0 ≤ logn ≤ 32, 0 ≤ i < 2^logn). E.g. bitReverse(1, 3) = 4.
 * Spec: §3.4
 */
export function bitReverse(i: number, logn: number): number {
  if (logn === 0) return 0;
  let x = i >>> 0;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  x = (x >>> 16) | (x << 16);
  return (x >>> (32 - logn)) >>> 0;
}

/** log2(n) for n a power of two in [1, 2^30]; throws {@link InvalidArgumentError} otherwise. */
export function log2Exact(n: number, what = 'n'): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 30 || (n & (n - 1)) !== 0) {
    throw new InvalidArgumentError(`${what} must be a power of two in [1, 2^30], got ${String(n)}`);
  }
  return 31 - Math.clz32(n);
}
