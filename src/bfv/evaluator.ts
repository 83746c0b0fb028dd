/**
 * Homomorphic operations that need no evaluation keys: addition, subtraction, negation, adding a
 * plaintext, multiplying by a plaintext (with plaintexts prepared once in NTT form), conversion of
 * ciphertexts to and from NTT form, and modulus switching. Results match SEAL 4.1's Evaluator
 * bit for bit.
 *
 * Spec: §4.7
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import type { BfvContext, RnsPoly } from './context.js';
import { checkPlaintext } from './encrypt.js';
import { polyAdd, polyMulNtt, polyNeg, polyNttForward, polyNttInverse, polySub } from './poly.js';
import { addScaledPlain, divideAndRoundLast } from './scaling.js';
import { checkCiphertext, type Ciphertext, type Plaintext, type PlaintextNtt } from './types.js';

function checkPair(ctx: BfvContext, a: Ciphertext, b: Ciphertext): void {
  checkCiphertext(ctx, a, 'first operand');
  checkCiphertext(ctx, b, 'second operand');
  if (a.coeffModulusSize !== b.coeffModulusSize) {
    throw new SizeMismatchError(`operands are at different levels (${a.coeffModulusSize} vs ${b.coeffModulusSize} primes)`);
  }
  if (a.isNttForm !== b.isNttForm) throw new InvalidArgumentError('operands must both be in NTT form or both not');
}

function combine(ctx: BfvContext, a: Ciphertext, b: Ciphertext, subtract: boolean): Ciphertext {
  checkPair(ctx, a, b);
  const k = a.coeffModulusSize;
  const size = Math.max(a.polys.length, b.polys.length);
  const polys: RnsPoly[] = [];
  for (let j = 0; j < size; j++) {
    const x = a.polys[j];
    const y = b.polys[j];
    if (x && y) polys.push(subtract ? polySub(ctx, x, y, ctx.allocPoly(k), k) : polyAdd(ctx, x, y, ctx.allocPoly(k), k));
    else if (x) polys.push(x.slice());
    else polys.push(subtract ? polyNeg(ctx, y, ctx.allocPoly(k), k) : y.slice());
  }
  return { coeffModulusSize: k, polys, isNttForm: a.isNttForm };
}

/** a + b component-wise (the shorter ciphertext padded with zeros). Decrypts to m_a + m_b. Spec: §4.7 */
export function bfvAdd(ctx: BfvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  return combine(ctx, a, b, false);
}

/** a − b component-wise. Decrypts to m_a − m_b. Spec: §4.7 */
export function bfvSub(ctx: BfvContext, a: Ciphertext, b: Ciphertext): Ciphertext {
  return combine(ctx, a, b, true);
}

/** −a component-wise. Decrypts to −m. Spec: §4.7 */
export function bfvNegate(ctx: BfvContext, a: Ciphertext): Ciphertext {
  checkCiphertext(ctx, a);
  const k = a.coeffModulusSize;
  return { coeffModulusSize: k, polys: a.polys.map((p) => polyNeg(ctx, p, ctx.allocPoly(k), k)), isNttForm: a.isNttForm };
}

function plainOp(ctx: BfvContext, a: Ciphertext, pt: Plaintext, subtract: boolean): Ciphertext {
  checkCiphertext(ctx, a);
  checkPlaintext(ctx, pt);
  if (a.isNttForm) throw new InvalidArgumentError('adding a plaintext needs a ciphertext in coefficient form');
  const out: Ciphertext = { coeffModulusSize: a.coeffModulusSize, polys: a.polys.map((p) => p.slice()), isNttForm: false };
  addScaledPlain(ctx, out.polys[0], pt.coeffs, ctx.level(a.coeffModulusSize), subtract);
  return out;
}

/** c_0 ← c_0 + Δ·m (SEAL's add_plain). Decrypts to m_a + m. Spec: §4.7 */
export function bfvAddPlain(ctx: BfvContext, a: Ciphertext, pt: Plaintext): Ciphertext {
  return plainOp(ctx, a, pt, false);
}

/** c_0 ← c_0 − Δ·m (SEAL's sub_plain). Decrypts to m_a − m. Spec: §4.7 */
export function bfvSubPlain(ctx: BfvContext, a: Ciphertext, pt: Plaintext): Ciphertext {
  return plainOp(ctx, a, pt, true);
}

/**
 * Lifts a plaintext to the first k primes and transforms it to NTT form: coefficient m ∈ [0, t) is
 * read as the centered integer m (m < ⌈t/2⌉) or m − t (otherwise) and reduced modulo each q_i
 * (SEAL's plain lift in multiply_plain), then NTT'd. Prepare once, multiply many times. Spec: §4.7
 */
export function preparePlaintext(ctx: BfvContext, pt: Plaintext, level: number = ctx.firstLevel.k): PlaintextNtt {
  checkPlaintext(ctx, pt);
  ctx.level(level);
  const n = ctx.n;
  const t = ctx.t;
  const threshold = Math.floor((t + 1) / 2);
  const c = pt.coeffs;
  const poly = ctx.allocPoly(level);
  // Centered lifts, |v| < 2^49: v − ⌊v/q⌋·q is exact in doubles (the float quotient may be off by
  // one, fixed by the two corrections).
  const lifted = new Float64Array(c.length);
  for (let j = 0; j < c.length; j++) lifted[j] = c[j] >= threshold ? c[j] - t : c[j];
  for (let i = 0; i < level; i++) {
    const q = ctx.primes[i];
    const qInv = 1 / q;
    const off = i * n;
    for (let j = 0; j < c.length; j++) {
      const v = lifted[j];
      let r = v - Math.floor(v * qInv) * q;
      if (r < 0) r += q;
      else if (r >= q) r -= q;
      poly[off + j] = r;
    }
  }
  polyNttForward(ctx, poly, level);
  return { coeffModulusSize: level, poly };
}

/** Converts each polynomial of a ciphertext to NTT form (SEAL's transform_to_ntt). Spec: §4.7 */
export function ciphertextToNtt(ctx: BfvContext, a: Ciphertext): Ciphertext {
  checkCiphertext(ctx, a);
  if (a.isNttForm) throw new InvalidArgumentError('ciphertext is already in NTT form');
  const k = a.coeffModulusSize;
  return { coeffModulusSize: k, polys: a.polys.map((p) => polyNttForward(ctx, p.slice(), k)), isNttForm: true };
}

/** Converts each polynomial of an NTT-form ciphertext back to coefficients (SEAL's transform_from_ntt). Spec: §4.7 */
export function ciphertextFromNtt(ctx: BfvContext, a: Ciphertext): Ciphertext {
  checkCiphertext(ctx, a);
  if (!a.isNttForm) throw new InvalidArgumentError('ciphertext is not in NTT form');
  const k = a.coeffModulusSize;
  return { coeffModulusSize: k, polys: a.polys.map((p) => polyNttInverse(ctx, p.slice(), k)), isNttForm: false };
}

/**
 * Ciphertext × plaintext: each c_j ← NTT^{−1}(NTT(c_j) ∘ m̂) where m̂ is the prepared plaintext
 * ({@link preparePlaintext}; a {@link Plaintext} is prepared on the fly). An NTT-form ciphertext is
 * multiplied pointwise and stays in NTT form. Decrypts to m_a·m (slot-wise with batching). Spec: §4.7
 */
export function bfvMultiplyPlain(ctx: BfvContext, a: Ciphertext, pt: PlaintextNtt | Plaintext): Ciphertext {
  checkCiphertext(ctx, a);
  if (typeof pt !== 'object' || pt === null) throw new InvalidArgumentError('expected a Plaintext or a prepared PlaintextNtt');
  const k = a.coeffModulusSize;
  const prepared = 'poly' in pt ? pt : preparePlaintext(ctx, pt, k);
  if (prepared.coeffModulusSize < k || !(ctx.wide ? prepared.poly instanceof Float64Array : prepared.poly instanceof Uint32Array)) {
    throw new SizeMismatchError(`prepared plaintext covers ${prepared.coeffModulusSize} primes; the ciphertext needs ${k}`);
  }
  const polys = a.polys.map((p) => {
    const x = a.isNttForm ? p.slice() : polyNttForward(ctx, p.slice(), k);
    polyMulNtt(ctx, x, prepared.poly, x, k);
    return a.isNttForm ? x : polyNttInverse(ctx, x, k);
  });
  return { coeffModulusSize: k, polys, isNttForm: a.isNttForm };
}

/**
 * Modulus switching to the next level (SEAL's mod_switch_to_next for BFV): every c_j ← round(c_j / q_{k−1})
 * over the remaining primes. Decrypts to the same m; the noise budget drops by about log2 q_{k−1}
 * minus the (smaller) relative noise growth. Spec: §4.7
 */
export function bfvModSwitchToNext(ctx: BfvContext, a: Ciphertext): Ciphertext {
  checkCiphertext(ctx, a);
  if (a.isNttForm) throw new InvalidArgumentError('modulus switching needs a ciphertext in coefficient form');
  const k = a.coeffModulusSize;
  if (k <= ctx.lastLevel.k || !ctx.levels[k - 2]) throw new InvalidArgumentError('ciphertext is already at the last level');
  const n = ctx.n;
  const upper = ctx.level(k);
  const polys = a.polys.map((p) =>
    divideAndRoundLast(ctx, p, p.subarray((k - 1) * n, k * n), ctx.primes[k - 1], upper.invLastMod, ctx.allocPoly(k - 1), k - 1),
  );
  return { coeffModulusSize: k - 1, polys, isNttForm: false };
}
