/**
 * Hoisted Galois automorphisms: many rotations of one ciphertext sharing a single digit
 * decomposition. Key switching (§4.8) spends most of its time on the k·(k+1) NTTs of the digits
 * [c_1]_{q_i} of the polynomial being switched. σ_g acts on NTT values as a permutation, and the
 * digits of σ_g(c_1) may be taken as σ_g([c_1]_{q_i}) (integer polynomials with coefficients in
 * (−q_i, q_i), congruent to σ_g(c_1) modulo q_i), so the NTTs of the digits are computed once and
 * permuted for every Galois element (Halevi–Shoup "hoisting"). The results are returned in NTT form,
 * ready for plaintext products, and the division by the special prime is done in the NTT domain too.
 *
 * The ciphertexts differ from SEAL's apply_galois (which reduces the digits of σ_g(c_1) to [0, q_i))
 * but decrypt to the same slots with the same noise bound.
 *
 * Spec: §4.15
 * @module
 */
import { mulModWideFast } from '../math/wide.js';
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import type { BfvContext, RnsPoly } from './context.js';
import { galoisEltFromStep, galoisNttPermutation } from './galois.js';
import { mulAccDigits, reduceDigit } from './keyswitch.js';
import { nttForwardAt, nttInverseAt, polyNttForward, polyNttInverse } from './poly.js';
import { checkCiphertext, type Ciphertext, type GaloisKeys } from './types.js';

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;

/** out = (a − b)·w mod q over n residues (one prime). */
function subScale(ctx: BfvContext, a: RnsPoly, b: RnsPoly, w: number, q: number, out: RnsPoly): void {
  const n = ctx.n;
  const qInv = 1 / q;
  if (ctx.wide) {
    const q1 = Math.floor(q * INV_TWO_26);
    const q0 = q - q1 * TWO_26;
    for (let j = 0; j < n; j++) {
      const d = a[j] - b[j];
      out[j] = mulModWideFast(d < 0 ? d + q : d, w, q, qInv, q1, q0);
    }
    return;
  }
  const wq = w / q;
  for (let j = 0; j < n; j++) {
    let d = (a[j] - b[j]) | 0;
    d += (d >> 31) & q;
    let r = (Math.imul(d, w) - Math.imul(Math.floor(d * wq), q)) | 0;
    r += (r >> 31) & q;
    r -= q;
    out[j] = r + ((r >> 31) & q);
  }
}

/** The NTTs of the digits of c_1: digits[i] holds k + 1 residue vectors NTT_r([c_1]_{q_i} mod r). */
function digitNtts(ctx: BfvContext, c1: RnsPoly, k: number): RnsPoly[] {
  const n = ctx.n;
  const K = ctx.primes.length;
  const digits: RnsPoly[] = [];
  for (let i = 0; i < k; i++) {
    const src = c1.subarray(i * n, (i + 1) * n);
    const qi = ctx.primes[i];
    const d = ctx.allocPoly(k + 1);
    for (let r = 0; r <= k; r++) {
      const keyIndex = r === k ? K - 1 : r;
      const q = ctx.primes[keyIndex];
      const v = d.subarray(r * n, (r + 1) * n);
      reduceDigit(ctx.wide, src, qi, q, v);
      nttForwardAt(ctx, v, keyIndex);
    }
    digits.push(d);
  }
  return digits;
}

/**
 * Applies the Galois automorphisms σ_g, g ∈ `elements`, to a size-2 ciphertext with one shared
 * decomposition (Spec: §4.15): the NTTs of the digits [c_1]_{q_i} modulo every prime of the level
 * and the special prime are computed once; for each g, u_c[r] = Σ_i π_g(NTT_r(digit_i)) ∘ key_i.c[r]
 * (π_g the NTT permutation of σ_g, §4.8), then u_c ← round(u_c / p) evaluated in the NTT domain
 * (only the special prime's vector is inverse-transformed), and the result is
 * (π_g(NTT(c_0)) + u_0, u_1). Element 1 is the identity (a copy in NTT form). The input may be in
 * either form; the outputs are in NTT form. Every element other than 1 MUST have a key in `gk`.
 */
export function bfvApplyGaloisHoisted(
  ctx: BfvContext,
  ct: Ciphertext,
  elements: readonly number[],
  gk: GaloisKeys,
): Ciphertext[] {
  checkCiphertext(ctx, ct);
  if (ct.polys.length !== 2) {
    throw new InvalidArgumentError(`Galois automorphisms need a size-2 ciphertext (relinearize first), got size ${ct.polys.length}`);
  }
  if (!Array.isArray(elements)) throw new InvalidArgumentError('bfvApplyGaloisHoisted: expected a list of Galois elements');
  const needsKeys = elements.some((g) => g !== 1);
  if (needsKeys && !ctx.usingKeySwitching) throw new InvalidParametersError('these parameters have no special prime: no key switching');
  const k = ct.coeffModulusSize;
  const n = ctx.n;
  const K = ctx.primes.length;
  const special = ctx.primes[K - 1];
  const keys = elements.map((g) => {
    if (g === 1) return null;
    galoisNttPermutation(ctx, g); // validates g
    const key = gk?.keys?.get(g);
    if (!key) throw new InvalidArgumentError(`Galois key for element ${g} is not present`);
    if (!Array.isArray(key) || key.length < k) throw new InvalidArgumentError(`Galois key for element ${g} does not match this context`);
    return key;
  });
  const c0hat = ct.isNttForm ? ct.polys[0] : polyNttForward(ctx, ct.polys[0].slice(), k);
  const c1 = ct.isNttForm ? polyNttInverse(ctx, ct.polys[1].slice(), k) : ct.polys[1];
  const digits = needsKeys ? digitNtts(ctx, c1, k) : [];
  const half = Math.floor(special / 2);
  const invSpecial = ctx.keyLevel.invLastMod;
  const shifted = new Float64Array(n);
  const corr = ctx.allocPoly(1);
  // Scratch accumulators, reused (overwritten) for every element: allocating fresh typed arrays of this
  // size costs more than the arithmetic.
  const acc = needsKeys ? [ctx.allocPoly(k + 1), ctx.allocPoly(k + 1)] : [];
  return elements.map((g, e) => {
    const key = keys[e];
    if (key === null) return { coeffModulusSize: k, polys: [c0hat.slice(0, k * n), ct.isNttForm ? ct.polys[1].slice() : polyNttForward(ctx, ct.polys[1].slice(), k)], isNttForm: true };
    const perm = galoisNttPermutation(ctx, g);
    for (let r = 0; r <= k; r++) {
      const keyIndex = r === k ? K - 1 : r;
      const views = digits.map((d) => d.subarray(r * n, (r + 1) * n));
      mulAccDigits(ctx.wide, acc[0].subarray(r * n, (r + 1) * n), acc[1].subarray(r * n, (r + 1) * n), views, perm, key, keyIndex * n, n, ctx.primes[keyIndex]);
    }
    const out: RnsPoly[] = [];
    for (let c = 0; c < 2; c++) {
      // round(u / p) in the NTT domain: subtract the centered residue modulo p, multiply by p^{-1}.
      const last = acc[c].subarray(k * n, (k + 1) * n);
      nttInverseAt(ctx, last, K - 1);
      for (let j = 0; j < n; j++) {
        const s = last[j] + half;
        shifted[j] = s >= special ? s - special : s;
      }
      const res = ctx.allocPoly(k);
      for (let i = 0; i < k; i++) {
        const q = ctx.primes[i];
        const qInv = 1 / q;
        const halfMod = half % q;
        for (let j = 0; j < n; j++) {
          let m = shifted[j];
          if (m >= q) {
            m -= Math.floor(m * qInv) * q;
            if (m < 0) m += q;
            else if (m >= q) m -= q;
          }
          const d = m - halfMod;
          corr[j] = d < 0 ? d + q : d;
        }
        nttForwardAt(ctx, corr, i);
        subScale(ctx, acc[c].subarray(i * n, (i + 1) * n), corr, invSpecial[i], q, res.subarray(i * n, (i + 1) * n));
      }
      out.push(res);
    }
    // c_0 ← π_g(NTT(c_0)) + u_0
    const c0 = out[0];
    for (let i = 0; i < k; i++) {
      const q = ctx.primes[i];
      const off = i * n;
      for (let j = 0; j < n; j++) {
        const v = c0[off + j] + c0hat[off + perm[j]];
        c0[off + j] = v >= q ? v - q : v;
      }
    }
    return { coeffModulusSize: k, polys: out, isNttForm: true };
  });
}

/**
 * Rotates the rows of the slot matrix by each of `steps` (left for positive steps, as
 * `bfvRotateRows`) with one shared decomposition ({@link bfvApplyGaloisHoisted}); step 0 is the
 * identity. Every non-zero step needs its own Galois key (no NAF splitting). Outputs are in NTT form.
 * Spec: §4.15
 */
export function bfvRotateRowsHoisted(ctx: BfvContext, ct: Ciphertext, steps: readonly number[], gk: GaloisKeys): Ciphertext[] {
  if (!ctx.params.batching) throw new InvalidParametersError('slot rotations need batching (prime t ≡ 1 mod 2n)');
  if (!Array.isArray(steps)) throw new InvalidArgumentError('bfvRotateRowsHoisted: expected a list of steps');
  return bfvApplyGaloisHoisted(
    ctx,
    ct,
    steps.map((s) => (s === 0 ? 1 : galoisEltFromStep(ctx.n, s))),
    gk,
  );
}
