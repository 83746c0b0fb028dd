/**
 * SEAL's BatchEncoder: n plaintext slots arranged as a 2 × n/2 matrix, packed into one plaintext
 * polynomial by an inverse NTT modulo t, so that plaintext (and ciphertext) products act slot-wise
 * and Galois automorphisms rotate the rows.
 *
 * Spec: §4.6
 * @module
 */
import { InvalidArgumentError, InvalidParametersError, OutOfRangeError, SizeMismatchError } from '../errors.js';
import { forwardNttWide, inverseNttWide } from '../math/ntt-wide.js';
import { type WideNttTables } from '../math/index.js';
import type { BfvContext } from './context.js';
import { checkPlaintext } from './encrypt.js';
import type { Plaintext } from './types.js';

function batchTables(ctx: BfvContext): { ntt: WideNttTables; index: Uint32Array } {
  if (!ctx.plainNtt || !ctx.slotIndex) {
    throw new InvalidParametersError(
      `batching needs a prime plain modulus t ≡ 1 (mod 2n = ${2 * ctx.n}); t = ${ctx.t} is not`,
    );
  }
  return { ntt: ctx.plainNtt, index: ctx.slotIndex };
}

/**
 * Encodes up to n slot values (row 0 = slots 0 … n/2 − 1, row 1 = slots n/2 … n − 1; missing slots
 * are 0). Values are integers in (−t, t); negative v stands for t + v. Slot i is written at NTT
 * position {@link slotIndexMap}[i] and the vector is inverse-NTT'd modulo t. Spec: §4.6
 */
export function batchEncode(ctx: BfvContext, values: ArrayLike<number | bigint>): Plaintext {
  const { ntt, index } = batchTables(ctx);
  const n = ctx.n;
  const t = ctx.t;
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError('batchEncode: expected an array of slot values');
  }
  if (values.length > n) throw new SizeMismatchError(`batchEncode: ${values.length} values for ${n} slots`);
  const out = new Float64Array(n);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    const v = typeof raw === 'bigint' ? (raw > -BigInt(t) && raw < BigInt(t) ? Number(raw) : NaN) : raw;
    if (!Number.isInteger(v) || v <= -t || v >= t) {
      throw new OutOfRangeError(`batchEncode: slot ${i} = ${String(raw)} is not an integer in (−t, t), t = ${t}`);
    }
    out[index[i]] = v < 0 ? v + t : v;
  }
  inverseNttWide(out, ntt);
  return { coeffs: out };
}

/** Decodes a plaintext into its n slot values in [0, t) (forward NTT modulo t, then the slot map). Spec: §4.6 */
export function batchDecode(ctx: BfvContext, plain: Plaintext): Float64Array {
  const { ntt, index } = batchTables(ctx);
  checkPlaintext(ctx, plain);
  const n = ctx.n;
  const a = new Float64Array(n);
  a.set(plain.coeffs);
  forwardNttWide(a, ntt);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[index[i]];
  return out;
}

/** {@link batchDecode} with each value v > (t − 1)/2 replaced by v − t (centered representatives). Spec: §4.6 */
export function batchDecodeSigned(ctx: BfvContext, plain: Plaintext): Float64Array {
  const out = batchDecode(ctx, plain);
  const t = ctx.t;
  const half = (t - 1) / 2;
  for (let i = 0; i < out.length; i++) if (out[i] > half) out[i] -= t;
  return out;
}
