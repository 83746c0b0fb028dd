/**
 * Key switching with the special prime (SEAL 4.1's `switch_key_inplace`), and what it enables:
 * relinearization and Galois automorphisms (row and column rotations of the slot matrix).
 *
 * Spec: §4.8
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import type { BfvContext, RnsPoly } from './context.js';
import { applyGaloisCoeffs, galoisEltFromStep, naf } from './galois.js';
import { mulModWideFast, nttForwardAt, nttInverseAt, polyAdd } from './poly.js';
import { divideAndRoundLast } from './scaling.js';
import { checkCiphertext, type Ciphertext, type GaloisKeys, type KSwitchKey, type RelinKeys } from './types.js';

const TWO_26 = 2 ** 26;
const INV_TWO_26 = 2 ** -26;

/**
 * acc0[j] += x[perm[j]]·y0[off + j] and acc1[j] += x[perm[j]]·y1[off + j] (mod q), j < n.
 * `perm` null means the identity (plain key switching); hoisted rotations (§4.15) pass the Galois
 * permutation of the NTT slots. Spec: §4.8
 */
export function mulAccPair(
  wide: boolean,
  acc0: RnsPoly,
  acc1: RnsPoly,
  x: RnsPoly,
  perm: Uint32Array | null,
  y0: RnsPoly,
  y1: RnsPoly,
  off: number,
  n: number,
  q: number,
): void {
  const qInv = 1 / q;
  if (wide) {
    const q1 = Math.floor(q * INV_TWO_26);
    const q0 = q - q1 * TWO_26;
    for (let j = 0; j < n; j++) {
      const a = x[perm === null ? j : perm[j]];
      const s0 = acc0[j] + mulModWideFast(a, y0[off + j], q, qInv, q1, q0);
      acc0[j] = s0 >= q ? s0 - q : s0;
      const s1 = acc1[j] + mulModWideFast(a, y1[off + j], q, qInv, q1, q0);
      acc1[j] = s1 >= q ? s1 - q : s1;
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const a = x[perm === null ? j : perm[j]];
    const aq = a * qInv;
    const b0 = y0[off + j];
    let r0 = (Math.imul(a, b0) - Math.imul(Math.floor(aq * b0), q)) | 0;
    r0 += (r0 >> 31) & q;
    r0 -= q;
    r0 += (r0 >> 31) & q;
    let s = (acc0[j] + r0 - q) | 0;
    acc0[j] = s + ((s >> 31) & q);
    const b1 = y1[off + j];
    let r1 = (Math.imul(a, b1) - Math.imul(Math.floor(aq * b1), q)) | 0;
    r1 += (r1 >> 31) & q;
    r1 -= q;
    r1 += (r1 >> 31) & q;
    s = (acc1[j] + r1 - q) | 0;
    acc1[j] = s + ((s >> 31) & q);
  }
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
  // products[c] holds k + 1 residue vectors: q_0 … q_{k−1}, then the special prime.
  const products = [ctx.allocPoly(k + 1), ctx.allocPoly(k + 1)];
  const tmp = ctx.allocPoly(1);
  for (let r = 0; r <= k; r++) {
    const keyIndex = r === k ? K - 1 : r;
    const q = ctx.primes[keyIndex];
    const acc0 = products[0].subarray(r * n, (r + 1) * n);
    const acc1 = products[1].subarray(r * n, (r + 1) * n);
    for (let i = 0; i < k; i++) {
      const src = target.subarray(i * n, (i + 1) * n);
      if (ctx.primes[i] <= q) tmp.set(src);
      else {
        const qInv = 1 / q;
        for (let j = 0; j < n; j++) {
          const v = src[j];
          const r = v - Math.floor(v * qInv) * q;
          tmp[j] = r < 0 ? r + q : r >= q ? r - q : r;
        }
      }
      nttForwardAt(ctx, tmp, keyIndex);
      const kc = key[i].ciphertext.polys;
      mulAccPair(ctx.wide, acc0, acc1, tmp, null, kc[0], kc[1], keyIndex * n, n, q);
    }
  }
  const invSpecial = ctx.keyLevel.invLastMod;
  for (let c = 0; c < 2; c++) {
    const prod = products[c];
    for (let r = 0; r <= k; r++) nttInverseAt(ctx, prod.subarray(r * n, (r + 1) * n), r === k ? K - 1 : r);
    const rounded = divideAndRoundLast(ctx, prod, prod.subarray(k * n, (k + 1) * n), special, invSpecial, ctx.allocPoly(k), k);
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
