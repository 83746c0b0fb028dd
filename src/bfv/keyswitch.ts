/**
 * Key switching with the special prime (SEAL 4.1's `switch_key_inplace`), and what it enables:
 * relinearization and Galois automorphisms (row and column rotations of the slot matrix).
 *
 * Spec: §4.8
 * @module
 */
import { mulModWideFast } from '../math/wide.js';
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import type { BfvContext, RnsPoly } from './context.js';
import { applyGaloisCoeffs, galoisEltFromStep, naf } from './galois.js';
import { nttForwardAt, nttInverseAt, polyAdd } from './poly.js';
import { divideAndRoundLast } from './scaling.js';
import { checkCiphertext, type Ciphertext, type GaloisKeys, type KSwitchKey, type RelinKeys } from './types.js';

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;

/**
 * The inner products of key switching over all k digits at once: for j < n,
 * out0[j] = Σ_{i<k} x_i[π(j)]·y0_i[off + j] and out1[j] = Σ_{i<k} x_i[π(j)]·y1_i[off + j] (mod q),
 * with x_i = `digits[i]`, y0_i / y1_i = the two polynomials of `key[i]`, π = `perm` (null: the
 * identity, plain key switching; hoisted rotations, §4.15, pass the Galois permutation of the NTT
 * slots). The digits may be in [0, 2q) on the narrow path (in [0, q) on the wide path); the outputs
 * are in [0, q) and overwrite out0, out1.
 *
 * Narrow path, lazily (SEAL accumulates 128-bit products and reduces once): each product
 * a·b − ⌊a·b/q⌋·q, with the float estimate of the quotient (off by at most one), lies in [−q, 2q)
 * and is exact in 32-bit arithmetic; the k of them are summed in a double (exact) and reduced once. Spec: §4.8
 */
export function mulAccDigits(
  wide: boolean,
  out0: RnsPoly,
  out1: RnsPoly,
  digits: readonly RnsPoly[],
  perm: Uint32Array | null,
  key: KSwitchKey,
  off: number,
  n: number,
  q: number,
): void {
  const k = digits.length;
  const y0: RnsPoly[] = [];
  const y1: RnsPoly[] = [];
  for (let i = 0; i < k; i++) {
    y0.push(key[i].ciphertext.polys[0]);
    y1.push(key[i].ciphertext.polys[1]);
  }
  const qInv = 1 / q;
  if (wide) {
    const q1 = Math.floor(q * INV_TWO_26);
    const q0 = q - q1 * TWO_26;
    for (let j = 0; j < n; j++) {
      const pj = perm === null ? j : perm[j];
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < k; i++) {
        const a = digits[i][pj];
        s0 += mulModWideFast(a, y0[i][off + j], q, qInv, q1, q0);
        s0 -= q * +(s0 >= q);
        s1 += mulModWideFast(a, y1[i][off + j], q, qInv, q1, q0);
        s1 -= q * +(s1 >= q);
      }
      out0[j] = s0;
      out1[j] = s1;
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const pj = perm === null ? j : perm[j];
    let s0 = -0; // a double from the start: the sums exceed 2^31
    let s1 = -0;
    for (let i = 0; i < k; i++) {
      const a = digits[i][pj];
      const aq = a * qInv;
      const b0 = y0[i][off + j];
      const b1 = y1[i][off + j];
      s0 += (Math.imul(a, b0) - Math.imul((aq * b0) | 0, q)) | 0;
      s1 += (Math.imul(a, b1) - Math.imul((aq * b1) | 0, q)) | 0;
    }
    // s − ⌊s/q⌋·q ∈ [0, q] (the float floor can be one too small when q divides s).
    const r0 = s0 - Math.floor(s0 * qInv) * q;
    out0[j] = r0 - q * +(r0 >= q);
    const r1 = s1 - Math.floor(s1 * qInv) * q;
    out1[j] = r1 - q * +(r1 >= q);
  }
}

/**
 * dst = src reduced for a forward NTT modulo q, src holding residues modulo q_src: a plain copy when
 * the NTT accepts them as they are (q_src ≤ q, or on the narrow path, whose NTT accepts [0, 2q),
 * q_src ≤ 2q), else each reduced modulo q. Spec: §4.8
 */
export function reduceDigit(wide: boolean, src: RnsPoly, qSrc: number, q: number, dst: RnsPoly): void {
  if (qSrc <= q || (!wide && qSrc <= 2 * q)) {
    dst.set(src);
    return;
  }
  const qInv = 1 / q;
  for (let j = 0, n = src.length; j < n; j++) {
    const v = src[j];
    const r = v - Math.floor(v * qInv) * q;
    dst[j] = r < 0 ? r + q : r >= q ? r - q : r;
  }
}

const switchScratches = new WeakMap<BfvContext, { products: RnsPoly[]; scratch: RnsPoly }>();

/** Scratch space of {@link switchKeyInPlace} for the key level (enough for any data level). */
function switchScratch(ctx: BfvContext): { products: RnsPoly[]; scratch: RnsPoly } {
  let s = switchScratches.get(ctx);
  if (!s) {
    const K = ctx.primes.length;
    s = { products: [ctx.allocPoly(K), ctx.allocPoly(K)], scratch: ctx.allocPoly(K) };
    switchScratches.set(ctx, s);
  }
  return s;
}

/**
 * Key switching of one polynomial (SEAL's `switch_key_inplace`): given `target` d at level k
 * (coefficient form) that multiplies s' in the decryption equation, and a key from s' to s, adds to
 * (c_0, c_1) a pair (u_0, u_1) with u_0 + u_1·s ≈ d·s'. For each output prime r among q_0 … q_{k−1}
 * and the special prime p: u_c[r] = Σ_{i<k} NTT_r(d_i mod r) ∘ key_i.c[r]; then, back in
 * coefficients, u_c ← round(u_c / p) over q_0 … q_{k−1} ({@link divideAndRoundLast}). Mutates `ct`.
 * Spec: §4.8
 */
export function switchKeyInPlace(ctx: BfvContext, ct: Ciphertext, target: RnsPoly, key: KSwitchKey): void {
  if (!ctx.usingKeySwitching) throw new InvalidParametersError('these parameters have no special prime: no key switching');
  const k = ct.coeffModulusSize;
  if (!Array.isArray(key) || key.length < k) throw new InvalidArgumentError('key-switching key does not match this context');
  const n = ctx.n;
  const K = ctx.primes.length;
  const special = ctx.primes[K - 1];
  // products[c] holds k + 1 residue vectors: q_0 … q_{k−1}, then the special prime; scratch the NTTs
  // of the k digits [d]_{q_i} modulo the current output prime, then the rounded products. Reused
  // from call to call (every entry is overwritten before it is read): allocating and zeroing them
  // each time costs more than the element-wise passes.
  const { products, scratch } = switchScratch(ctx);
  const digits: RnsPoly[] = [];
  for (let i = 0; i < k; i++) digits.push(scratch.subarray(i * n, (i + 1) * n));
  for (let r = 0; r <= k; r++) {
    const keyIndex = r === k ? K - 1 : r;
    const q = ctx.primes[keyIndex];
    for (let i = 0; i < k; i++) {
      const src = target.subarray(i * n, (i + 1) * n);
      reduceDigit(ctx.wide, src, ctx.primes[i], q, digits[i]);
      nttForwardAt(ctx, digits[i], keyIndex);
    }
    mulAccDigits(ctx.wide, products[0].subarray(r * n, (r + 1) * n), products[1].subarray(r * n, (r + 1) * n), digits, null, key, keyIndex * n, n, q);
  }
  const invSpecial = ctx.keyLevel.invLastMod;
  for (let c = 0; c < 2; c++) {
    const prod = products[c];
    for (let r = 0; r <= k; r++) nttInverseAt(ctx, prod.subarray(r * n, (r + 1) * n), r === k ? K - 1 : r);
    const rounded = divideAndRoundLast(ctx, prod, prod.subarray(k * n, (k + 1) * n), special, invSpecial, scratch, k);
    polyAdd(ctx, ct.polys[c], rounded, ct.polys[c], k);
  }
}

/**
 * Relinearization of a size-3 ciphertext (SEAL's relinearize): (c_0, c_1, c_2) ↦ (c_0, c_1) plus the
 * key switch of c_2 from s² to s. Spec: §4.8
 */
export function bfvRelinearize(ctx: BfvContext, a: Ciphertext, rk: RelinKeys): Ciphertext {
  checkCiphertext(ctx, a);
  if (a.isNttForm) throw new InvalidArgumentError('relinearization needs a ciphertext in coefficient form');
  if (a.polys.length === 2) return { coeffModulusSize: a.coeffModulusSize, polys: a.polys.map((p) => p.slice()), isNttForm: false };
  if (a.polys.length !== 3) throw new InvalidArgumentError(`relinearization supports size-3 ciphertexts, got size ${a.polys.length}`);
  if (!rk?.keys?.[0]) throw new InvalidArgumentError('relinearization keys are missing the key for s²');
  const out: Ciphertext = { coeffModulusSize: a.coeffModulusSize, polys: [a.polys[0].slice(), a.polys[1].slice()], isNttForm: false };
  switchKeyInPlace(ctx, out, a.polys[2], rk.keys[0]);
  return out;
}

/**
 * Applies σ_g to a size-2 ciphertext and switches back to s (SEAL's apply_galois): c_0 ← σ_g(c_0),
 * then the key switch of σ_g(c_1) from s(X^g) to s added to (σ_g(c_0), 0). Spec: §4.8
 */
export function bfvApplyGalois(ctx: BfvContext, a: Ciphertext, g: number, gk: GaloisKeys): Ciphertext {
  checkCiphertext(ctx, a);
  if (a.isNttForm) throw new InvalidArgumentError('Galois automorphisms need a ciphertext in coefficient form');
  if (a.polys.length !== 2) throw new InvalidArgumentError(`Galois automorphisms need a size-2 ciphertext (relinearize first), got size ${a.polys.length}`);
  const key = gk?.keys?.get(g);
  if (!key) throw new InvalidArgumentError(`Galois key for element ${g} is not present`);
  const k = a.coeffModulusSize;
  const c0 = applyGaloisCoeffs(ctx, a.polys[0], g, ctx.allocPoly(k), k);
  const c1 = applyGaloisCoeffs(ctx, a.polys[1], g, ctx.allocPoly(k), k);
  const out: Ciphertext = { coeffModulusSize: k, polys: [c0, ctx.allocPoly(k)], isNttForm: false };
  switchKeyInPlace(ctx, out, c1, key);
  return out;
}

function requireBatching(ctx: BfvContext): void {
  if (!ctx.params.batching) throw new InvalidParametersError('slot rotations need batching (prime t ≡ 1 mod 2n)');
}

/**
 * Rotates both rows of the 2 × n/2 slot matrix left by `steps` (right when negative), as SEAL's
 * rotate_rows: with the key for the element of `steps` if present, otherwise as a sequence of
 * rotations by the terms of {@link naf}(steps) (skipping terms of size n/2). Spec: §4.8
 */
export function bfvRotateRows(ctx: BfvContext, a: Ciphertext, steps: number, gk: GaloisKeys): Ciphertext {
  requireBatching(ctx);
  checkCiphertext(ctx, a);
  if (!Number.isInteger(steps)) throw new InvalidArgumentError(`rotation steps must be an integer, got ${String(steps)}`);
  if (steps === 0) return { coeffModulusSize: a.coeffModulusSize, polys: a.polys.map((p) => p.slice()), isNttForm: a.isNttForm };
  const g = galoisEltFromStep(ctx.n, steps);
  if (gk?.keys?.has(g)) return bfvApplyGalois(ctx, a, g, gk);
  const terms = naf(steps);
  if (terms.length === 1) throw new InvalidArgumentError(`Galois key for a rotation by ${steps} (element ${g}) is not present`);
  let out = a;
  for (const s of terms) if (Math.abs(s) !== ctx.n / 2) out = bfvRotateRows(ctx, out, s, gk);
  return out;
}

/** Swaps the two rows of the slot matrix (σ_{2n−1}), as SEAL's rotate_columns. Spec: §4.8 */
export function bfvRotateColumns(ctx: BfvContext, a: Ciphertext, gk: GaloisKeys): Ciphertext {
  requireBatching(ctx);
  return bfvApplyGalois(ctx, a, 2 * ctx.n - 1, gk);
}
