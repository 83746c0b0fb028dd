/**
 * A slow, readable BFV written with BigInt polynomials (coefficients modulo the full Q, schoolbook
 * negacyclic products, textbook rounding): the definition the fast RNS code is tested against, and
 * executable documentation of §4. It draws randomness in exactly the order the fast functions do,
 * so the same seed gives bit-identical ciphertexts. Only for small n (the products are O(n²)).
 *
 * Spec: §4.12
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { bitReverse, negacyclicMultiplyRef } from '../math/index.js';
import { crtComposeRef, invModRef, modRef, powModRef } from '../math/modular-reference.js';
import type { Rng } from '../random/index.js';
import { sampleCenteredBinomial, sampleTernary, uniformBelow } from '../random/index.js';
import type { BfvContext, RnsPoly } from './context.js';
import { NOISE_ETA } from './params.js';
import type { Ciphertext, KSwitchKey, Plaintext, PublicKey, RelinKeys, SecretKey } from './types.js';

/** A ciphertext as BigInt coefficient polynomials modulo Q_k (coefficients in [0, Q_k)). Spec: §4.12 */
export interface RefCiphertext {
  readonly coeffModulusSize: number;
  readonly polys: bigint[][];
}

/** The product of the first k primes. Spec: §4.12 */
export function refModulus(ctx: BfvContext, k: number): bigint {
  return ctx.primes.slice(0, k).reduce((a, q) => a * BigInt(q), 1n);
}

/**
 * Inverse NTT by its definition: given the bit-reversed evaluations â_j = a(ψ^(2·brv(j)+1)),
 * a_i = n^{−1}·Σ_j â_j·ψ^(−(2·brv(j)+1)·i) mod q. O(n²). Spec: §4.12
 */
export function refInverseNtt(values: readonly bigint[], psi: bigint, q: bigint): bigint[] {
  const n = values.length;
  const logn = Math.round(Math.log2(n));
  const psiInv = invModRef(psi, q);
  const nInv = invModRef(BigInt(n), q);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    let acc = 0n;
    for (let j = 0; j < n; j++) {
      const e = BigInt((2 * bitReverse(j, logn) + 1) * i);
      acc += values[j] * powModRef(psiInv, e, q);
    }
    out.push(modRef(acc * nInv, q));
  }
  return out;
}

/**
 * An RNS polynomial over the first k primes (coefficient or NTT form) as BigInt coefficients in
 * [0, Q_k): per-prime inverse NTT by definition when `nttForm`, then CRT by the textbook formula.
 * `primeIndices` selects which primes of the context the k residue vectors belong to (default 0…k−1).
 * Spec: §4.12
 */
export function refPolyFromRns(
  ctx: BfvContext,
  poly: RnsPoly,
  k: number,
  nttForm: boolean,
  primeIndices: readonly number[] = Array.from({ length: k }, (_, i) => i),
): bigint[] {
  const n = ctx.n;
  const moduli = primeIndices.map((i) => BigInt(ctx.primes[i]));
  const residues = primeIndices.map((pi, slot) => {
    const v = Array.from(poly.subarray(pi * n, (pi + 1) * n), BigInt);
    return nttForm ? refInverseNtt(v, BigInt(ctx.nttTables[pi].psi), moduli[slot]) : v;
  });
  return Array.from({ length: n }, (_, j) => crtComposeRef(residues.map((r) => r[j]), moduli));
}

/** BigInt coefficients (any integers) to an RNS polynomial over the first k primes (coefficient form). Spec: §4.12 */
export function refPolyToRns(ctx: BfvContext, coeffs: readonly bigint[], k: number): RnsPoly {
  const n = ctx.n;
  const out = ctx.allocPoly(k);
  for (let i = 0; i < k; i++) {
    const q = BigInt(ctx.primes[i]);
    for (let j = 0; j < n; j++) out[i * n + j] = Number(modRef(coeffs[j], q));
  }
  return out;
}

/** A coefficient-form ciphertext as BigInt polynomials. Spec: §4.12 */
export function refCiphertextFrom(ctx: BfvContext, ct: Ciphertext): RefCiphertext {
  const k = ct.coeffModulusSize;
  return { coeffModulusSize: k, polys: ct.polys.map((p) => refPolyFromRns(ctx, p, k, ct.isNttForm)) };
}

/** A BigInt ciphertext back in RNS (coefficient) form. Spec: §4.12 */
export function refCiphertextTo(ctx: BfvContext, ct: RefCiphertext): Ciphertext {
  const k = ct.coeffModulusSize;
  return { coeffModulusSize: k, polys: ct.polys.map((p) => refPolyToRns(ctx, p, k)), isNttForm: false };
}

/** The secret key s as signed integers in {−1, 0, 1}. Spec: §4.12 */
export function refSecretCoefficients(ctx: BfvContext, sk: SecretKey): bigint[] {
  const q = BigInt(ctx.primes[0]);
  return refPolyFromRns(ctx, sk.poly, 1, true).map((v) => (v > q / 2n ? v - q : v));
}

/** round(x/p) modulo Qk, SEAL's convention: (x − (((x + ⌊p/2⌋) mod p) − ⌊p/2⌋))/p. Spec: §4.12 */
export function refDivideRound(x: bigint, p: bigint, Qk: bigint): bigint {
  const h = p / 2n;
  const r = modRef(x + h, p) - h;
  return modRef((x - r) / p, Qk);
}

/** Δ·m = ⌊(Q·m + ⌊(t+1)/2⌋)/t⌋ = round(Q·m/t), ties up. Spec: §4.12 */
export function refDeltaM(Q: bigint, t: bigint, m: bigint): bigint {
  return (Q * m + (t + 1n) / 2n) / t;
}

function mulRef(a: readonly bigint[], b: readonly bigint[], m: bigint): bigint[] {
  return negacyclicMultiplyRef(a, b, m);
}

function addRef(a: readonly bigint[], b: readonly bigint[], m: bigint): bigint[] {
  return a.map((x, i) => modRef(x + b[i], m));
}

function levels(ctx: BfvContext, k: number | undefined): { k: number; kk: number } {
  const kk0 = k ?? ctx.firstLevel.k;
  return { k: kk0, kk: kk0 < ctx.primes.length ? kk0 + 1 : kk0 };
}

function plainBig(ctx: BfvContext, plain: Plaintext): bigint[] {
  const out = new Array<bigint>(ctx.n).fill(0n);
  plain.coeffs.forEach((v, j) => (out[j] = BigInt(v)));
  return out;
}

/** c_j ← round(c_j/q_k) (when kk = k + 1), then c_0 ← c_0 + Δm, all modulo Q_k. */
function finishEncryption(ctx: BfvContext, polys: bigint[][], k: number, kk: number, plain: Plaintext): RefCiphertext {
  const Qk = refModulus(ctx, k);
  const p = BigInt(ctx.primes[k]);
  const scaled = kk > k ? polys.map((c) => c.map((x) => refDivideRound(x, p, Qk))) : polys;
  const t = BigInt(ctx.t);
  const m = plainBig(ctx, plain);
  scaled[0] = scaled[0].map((x, j) => modRef(x + refDeltaM(Qk, t, m[j]), Qk));
  return { coeffModulusSize: k, polys: scaled };
}

/**
 * Public-key encryption by the textbook formula, drawing u, e_0, e_1 in the order of `bfvEncrypt`:
 * c_j = round((pk_j·u + e_j)/q_k) (modulo Q_{k+1}, then Q_k), c_0 += Δm. Spec: §4.12
 */
export function refEncrypt(ctx: BfvContext, pk: PublicKey, plain: Plaintext, rng: Rng, level?: number): RefCiphertext {
  const { k, kk } = levels(ctx, level);
  const Qkk = refModulus(ctx, kk);
  const pkPolys = pk.ciphertext.polys.map((p) => refPolyFromRns(ctx, p, kk, true));
  const u = Array.from(sampleTernary(rng, ctx.n), BigInt);
  const c = pkPolys.map((p) => mulRef(p, u, Qkk));
  for (let j = 0; j < 2; j++) c[j] = addRef(c[j], Array.from(sampleCenteredBinomial(rng, ctx.n, NOISE_ETA), BigInt), Qkk);
  return finishEncryption(ctx, c, k, kk, plain);
}

/**
 * Secret-key encryption by the textbook formula, drawing a (uniform residues per prime, read as NTT
 * values) and e in the order of `bfvEncryptSymmetric`: c_1 = a, c_0 = −(a·s + e). Spec: §4.12
 */
export function refEncryptSymmetric(ctx: BfvContext, sk: SecretKey, plain: Plaintext, rng: Rng, level?: number): RefCiphertext {
  const { k, kk } = levels(ctx, level);
  const Qkk = refModulus(ctx, kk);
  const n = ctx.n;
  const drawn = ctx.allocPoly(kk);
  for (let i = 0; i < kk; i++) for (let j = 0; j < n; j++) drawn[i * n + j] = uniformBelow(rng, ctx.primes[i]);
  const a = refPolyFromRns(ctx, drawn, kk, true);
  const e = Array.from(sampleCenteredBinomial(rng, n, NOISE_ETA), BigInt);
  const s = refSecretCoefficients(ctx, sk);
  const c0 = mulRef(a, s, Qkk).map((x, j) => modRef(-(x + e[j]), Qkk));
  return finishEncryption(ctx, [c0, a], k, kk, plain);
}

/** x = Σ_j c_j·s^j mod Q (coefficients in [0, Q)). Spec: §4.12 */
export function refDotWithSecret(ctx: BfvContext, s: readonly bigint[], ct: RefCiphertext): bigint[] {
  const Q = refModulus(ctx, ct.coeffModulusSize);
  let acc = ct.polys[0].map((x) => modRef(x, Q));
  let power = s.map((x) => modRef(x, Q));
  for (let j = 1; j < ct.polys.length; j++) {
    if (j > 1) power = mulRef(power, s, Q);
    acc = addRef(acc, mulRef(ct.polys[j], power, Q), Q);
  }
  return acc;
}

/** m = round(t·x/Q) mod t (ties up) for x = {@link refDotWithSecret}. Spec: §4.12 */
export function refDecrypt(ctx: BfvContext, s: readonly bigint[], ct: RefCiphertext): bigint[] {
  const Q = refModulus(ctx, ct.coeffModulusSize);
  const t = BigInt(ctx.t);
  return refDotWithSecret(ctx, s, ct).map((x) => modRef((2n * t * x + Q) / (2n * Q), t));
}

/** SEAL's invariant noise budget, by its formula on BigInt coefficients. Spec: §4.12 */
export function refNoiseBudget(ctx: BfvContext, s: readonly bigint[], ct: RefCiphertext): number {
  const Q = refModulus(ctx, ct.coeffModulusSize);
  const t = BigInt(ctx.t);
  let norm = 0n;
  for (const x of refDotWithSecret(ctx, s, ct)) {
    const v = modRef(x * t, Q);
    const a = v >= (Q + 1n) / 2n ? Q - v : v;
    if (a > norm) norm = a;
  }
  return Math.max(0, Q.toString(2).length - (norm === 0n ? 0 : norm.toString(2).length) - 1);
}

/** c_j·m' mod Q with m' the centered lift of the plaintext (m ≥ ⌈t/2⌉ read as m − t). Spec: §4.12 */
export function refMultiplyPlain(ctx: BfvContext, ct: RefCiphertext, plain: Plaintext): RefCiphertext {
  const Q = refModulus(ctx, ct.coeffModulusSize);
  const t = BigInt(ctx.t);
  const lifted = plainBig(ctx, plain).map((m) => (m >= (t + 1n) / 2n ? m - t : m));
  return { coeffModulusSize: ct.coeffModulusSize, polys: ct.polys.map((c) => mulRef(c, lifted, Q)) };
}

/** σ_g(a)(X) = a(X^g) in Z_M[X]/(X^n + 1). Spec: §4.12 */
export function refGalois(a: readonly bigint[], g: number, M: bigint): bigint[] {
  const n = a.length;
  const out = new Array<bigint>(n).fill(0n);
  for (let j = 0; j < n; j++) {
    const e = (j * g) % (2 * n);
    if (e < n) out[e] = modRef(out[e] + a[j], M);
    else out[e - n] = modRef(out[e - n] - a[j], M);
  }
  return out;
}

/**
 * Key switching by definition: with p the special prime and key_i = (b_i, a_i) over Q_k·p,
 * (u_0, u_1) = round(Σ_i [d]_{q_i}·(b_i, a_i) / p) mod Q_k. Spec: §4.12
 */
export function refKeySwitch(ctx: BfvContext, d: readonly bigint[], key: KSwitchKey, k: number): [bigint[], bigint[]] {
  const digits = Array.from({ length: k }, (_, i) => d.map((x) => modRef(x, BigInt(ctx.primes[i]))));
  return keySwitchDigits(ctx, digits, key, k);
}

/** round(Σ_i digits_i·key_i / p) mod Q_k for explicit integer digits (any representatives). */
function keySwitchDigits(ctx: BfvContext, digits: readonly (readonly bigint[])[], key: KSwitchKey, k: number): [bigint[], bigint[]] {
  const K = ctx.primes.length;
  const indices = [...Array.from({ length: k }, (_, i) => i), K - 1];
  const Qk = refModulus(ctx, k);
  const p = BigInt(ctx.primes[K - 1]);
  const M = Qk * p;
  const acc: [bigint[], bigint[]] = [new Array<bigint>(ctx.n).fill(0n), new Array<bigint>(ctx.n).fill(0n)];
  for (let i = 0; i < k; i++) {
    const di = digits[i].map((x) => modRef(x, M));
    for (let c = 0; c < 2; c++) {
      const keyPoly = refPolyFromRns(ctx, key[i].ciphertext.polys[c], k + 1, true, indices);
      acc[c] = addRef(acc[c], mulRef(di, keyPoly, M), M);
    }
  }
  return [acc[0].map((x) => refDivideRound(x, p, Qk)), acc[1].map((x) => refDivideRound(x, p, Qk))];
}

/** Relinearization by definition: (c_0, c_1) + keySwitch(c_2). Spec: §4.12 */
export function refRelinearize(ctx: BfvContext, ct: RefCiphertext, rk: RelinKeys): RefCiphertext {
  if (ct.polys.length !== 3) throw new InvalidArgumentError('refRelinearize: size-3 ciphertext expected');
  const k = ct.coeffModulusSize;
  const Q = refModulus(ctx, k);
  const [u0, u1] = refKeySwitch(ctx, ct.polys[2], rk.keys[0], k);
  return { coeffModulusSize: k, polys: [addRef(ct.polys[0], u0, Q), addRef(ct.polys[1], u1, Q)] };
}

/** σ_g then key switching of σ_g(c_1) back to s. Spec: §4.12 */
export function refApplyGalois(ctx: BfvContext, ct: RefCiphertext, g: number, key: KSwitchKey): RefCiphertext {
  const k = ct.coeffModulusSize;
  const Q = refModulus(ctx, k);
  const c0 = refGalois(ct.polys[0], g, Q);
  const c1 = refGalois(ct.polys[1], g, Q);
  const [u0, u1] = refKeySwitch(ctx, c1, key, k);
  return { coeffModulusSize: k, polys: [addRef(c0, u0, Q), u1] };
}

/**
 * Hoisted Galois automorphism by definition (§4.15): c_0 ← σ_g(c_0); the digits of σ_g(c_1) are the
 * integer polynomials σ_g([c_1]_{q_i}) — computed over Z, so negated coefficients lie in (−q_i, 0] —
 * and are key-switched as in {@link refKeySwitch}. Spec: §4.12
 */
export function refApplyGaloisHoisted(ctx: BfvContext, ct: RefCiphertext, g: number, key: KSwitchKey): RefCiphertext {
  const k = ct.coeffModulusSize;
  const Q = refModulus(ctx, k);
  const n = ctx.n;
  const overZ = (a: readonly bigint[]): bigint[] => {
    const out = new Array<bigint>(n).fill(0n);
    for (let j = 0; j < n; j++) {
      const e = (j * g) % (2 * n);
      if (e < n) out[e] += a[j];
      else out[e - n] -= a[j];
    }
    return out;
  };
  const digits = Array.from({ length: k }, (_, i) => overZ(ct.polys[1].map((x) => modRef(x, BigInt(ctx.primes[i])))));
  const [u0, u1] = keySwitchDigits(ctx, digits, key, k);
  return { coeffModulusSize: k, polys: [addRef(refGalois(ct.polys[0], g, Q), u0, Q), u1] };
}

/**
 * Ciphertext multiplication by the textbook formula: d_m = Σ_{i+j=m} ã_i·b̃_j over Z[X]/(X^n + 1) with
 * ã, b̃ the centered lifts, then round(t·d_m/Q) mod Q (ties up). Spec: §4.12
 */
export function refMultiply(ctx: BfvContext, a: RefCiphertext, b: RefCiphertext): RefCiphertext {
  const k = a.coeffModulusSize;
  const Q = refModulus(ctx, k);
  const t = BigInt(ctx.t);
  const center = (p: bigint[]): bigint[] => p.map((x) => (2n * x > Q ? x - Q : x));
  const A = a.polys.map(center);
  const B = b.polys.map(center);
  const n = ctx.n;
  const out: bigint[][] = [];
  for (let m = 0; m < A.length + B.length - 1; m++) {
    const d = new Array<bigint>(n).fill(0n);
    for (let i = 0; i < A.length; i++) {
      const j = m - i;
      if (j < 0 || j >= B.length) continue;
      for (let x = 0; x < n; x++) {
        for (let y = 0; y < n; y++) {
          const prod = A[i][x] * B[j][y];
          if (x + y < n) d[x + y] += prod;
          else d[x + y - n] -= prod;
        }
      }
    }
    out.push(
      d.map((v) => {
        const num = 2n * t * v + Q;
        const den = 2n * Q;
        const q = num >= 0n ? num / den : -((-num + den - 1n) / den);
        return modRef(q, Q);
      }),
    );
  }
  return { coeffModulusSize: k, polys: out };
}
