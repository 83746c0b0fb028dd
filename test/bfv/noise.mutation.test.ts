/**
 * Noise measurement and flooding (Spec: §4.9) on small insecure parameters (n = 32), each checked
 * against its definition recomputed here with BigInt CRT: the invariant noise budget, the noise
 * polynomial and its bit length, at the first and a lower level; the fresh-noise bound formula with
 * and without an extra prime; floodNoise as ct + Enc_pk(0) + (E, 0) with E drawn word by word as
 * documented, at flooding widths whose top word holds 1, 31 and 32 bits; and the budget check and
 * every argument check at their exact bounds.
 */
import { describe, expect, it } from 'vitest';
import * as bfvIndex from '../../src/bfv/index.js';
import * as bfv_encrypt from '../../src/bfv/encrypt.js';
import * as bfv_evaluator from '../../src/bfv/evaluator.js';
import * as bfv_noise from '../../src/bfv/noise.js';
/** The scheme's public names and the module functions these tests reach into. */
const bfv = { ...bfvIndex, ...bfv_encrypt, ...bfv_evaluator, ...bfv_noise };
import { InvalidArgumentError, InvalidParametersError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const n = 32;
const t = 193;
const make = (bits: number[]) =>
  bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, bits), plainModulus: t, insecure: true }));
const ctx = make([40, 40, 41]);
const rng = fromTextSeed('noise mutation keys');
const sk = bfv.generateSecretKey(ctx, rng);
const pk = bfv.generatePublicKey(ctx, sk, rng);
const message = { coeffs: Float64Array.from({ length: n }, () => uniformBelow(rng, t)) };
const fresh = bfv.bfvEncrypt(ctx, pk, message, rng);
const product = bfv.bfvMultiplyPlain(ctx, fresh, { coeffs: Float64Array.from({ length: n }, (_, j) => (j * 37 + 5) % t) });

/** x = c_0 + c_1·s + … at the ciphertext's level, as integers in [0, Q), by CRT over the primes. */
function composed(ct: bfvIndex.Ciphertext): { x: bigint[]; Q: bigint } {
  const rns = bfv.dotWithSecretKey(ctx, sk, ct);
  const primes = ctx.primes.slice(0, ct.coeffModulusSize).map(BigInt);
  const Q = primes.reduce((a, b) => a * b, 1n);
  const inv = (a: bigint, m: bigint): bigint => {
    let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
    while (r1 !== 0n) {
      const q = r0 / r1;
      [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
    }
    return ((s0 % m) + m) % m;
  };
  const x = Array.from({ length: n }, (_, j) => {
    let v = 0n;
    primes.forEach((q, i) => {
      const M = Q / q;
      v += BigInt(rns[i * n + j]) * M * inv(M % q, q);
    });
    return v % Q;
  });
  return { x, Q };
}
const centred = (v: bigint, Q: bigint): bigint => {
  const r = ((v % Q) + Q) % Q;
  return 2n * r > Q ? r - Q : r;
};
const bits = (v: bigint): number => (v <= 0n ? 0 : v.toString(2).length);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

function referenceNoise(ct: bfvIndex.Ciphertext): bigint[] {
  const { x, Q } = composed(ct);
  const m = bfv.bfvDecrypt(ctx, sk, ct).coeffs;
  const T = BigInt(t);
  // Δ·m as SEAL's multiply_add_plain forms it: ⌊(Q·m + ⌊(t + 1)/2⌋) / t⌋ (for odd t this rounds up
  // from a fraction of (t − 1)/(2t), which the junk ciphertext below reaches).
  return x.map((xj, j) => centred(xj - (Q * BigInt(m[j]) + (T + 1n) / 2n) / T, Q));
}
function referenceBudget(ct: bfvIndex.Ciphertext): number {
  const { x, Q } = composed(ct);
  const norm = x.reduce((mx, v) => (abs(centred(BigInt(t) * v, Q)) > mx ? abs(centred(BigInt(t) * v, Q)) : mx), 0n);
  return Math.max(0, bits(Q) - bits(norm) - 1);
}

describe('noise measurement against its definition', () => {
  it('noisePolynomial, noiseBits and invariantNoiseBudget at the first level', () => {
    for (const ct of [fresh, product]) {
      const v = referenceNoise(ct);
      expect(bfv.noisePolynomial(ctx, sk, ct)).toEqual(v);
      expect(bfv.noiseBits(ctx, sk, ct)).toBe(bits(v.reduce((m, x) => (abs(x) > m ? abs(x) : m), 0n)));
      expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(referenceBudget(ct));
    }
    expect(bfv.noiseBits(ctx, sk, product)).toBeGreaterThan(bfv.noiseBits(ctx, sk, fresh));
  });
  it('at a lower level (one prime)', () => {
    const low = bfv.bfvModSwitchToNext(ctx, fresh);
    expect(low.coeffModulusSize).toBe(1);
    expect(bfv.noisePolynomial(ctx, sk, low)).toEqual(referenceNoise(low));
    expect(bfv.invariantNoiseBudget(ctx, sk, low)).toBe(referenceBudget(low));
  });
  it('negative noise coefficients count by magnitude; the budget is 0, not negative, once exhausted', () => {
    const v = bfv.noisePolynomial(ctx, sk, product);
    expect(v.some((x) => x < 0n) && v.some((x) => x > 0n)).toBe(true);
    // A ciphertext of uniform junk: noise of the order of Q, budget 0.
    const junk: bfvIndex.Ciphertext = { coeffModulusSize: 2, isNttForm: false, polys: [0, 1].map(() => Float64Array.from({ length: 2 * n }, (_, i) => uniformBelow(rng, ctx.primes[i < n ? 0 : 1]))) };
    expect(bfv.invariantNoiseBudget(ctx, sk, junk)).toBe(0);
    expect(referenceBudget(junk)).toBe(0);
    expect(bfv.noisePolynomial(ctx, sk, junk)).toEqual(referenceNoise(junk));
  });
});

describe('freshNoiseBits', () => {
  it('⌈log2((42n + 21)/p + (n + 1)/2)⌉ + 1, with p the next prime or 1', () => {
    const p = ctx.primes[2];
    expect(bfv.freshNoiseBits(ctx)).toBe(Math.ceil(Math.log2((42 * n + 21) / p + (n + 1) / 2)) + 1);
    expect(bfv.freshNoiseBits(ctx)).toBe(6); // (1365/p ≈ 0) + 16.5 → 5 bits, + 1
    expect(bfv.freshNoiseBits(ctx, 1)).toBe(Math.ceil(Math.log2((42 * n + 21) / ctx.primes[1] + (n + 1) / 2)) + 1);
    const single = make([40]);
    expect(bfv.freshNoiseBits(single)).toBe(Math.ceil(Math.log2(42 * n + 21 + (n + 1) / 2)) + 1);
    expect(bfv.freshNoiseBits(single)).toBe(12);
  });
});

describe('floodingBits', () => {
  it('b = noiseBits + λ + log2 n, λ = 40 by default', () => {
    expect(bfv.floodingBits(ctx, { noiseBits: 7 })).toBe(7 + 40 + 5);
    expect(bfv.floodingBits(ctx, { noiseBits: 0, lambda: 1 })).toBe(6);
    expect(bfv.floodingBits(ctx, { noiseBits: 3, lambda: 256 })).toBe(264);
  });
  it('refuses bad arguments with their message', () => {
    for (const noiseBits of [-1, 1.5, Number.NaN, '3' as never]) {
      expect(() => bfv.floodingBits(ctx, { noiseBits })).toThrow(new InvalidArgumentError(`floodNoise: noiseBits must be a non-negative integer, got ${String(noiseBits)}`));
    }
    for (const lambda of [0, 257, 2.5, '40' as never]) {
      expect(() => bfv.floodingBits(ctx, { noiseBits: 1, lambda })).toThrow(new InvalidArgumentError(`floodNoise: lambda must be an integer in [1, 256], got ${String(lambda)}`));
    }
  });
});

describe('floodNoise', () => {
  /** ct + Enc_pk(0) + (E, 0), E drawn as documented: ⌈(b+1)/32⌉ words per coefficient, LS first, top masked, minus 2^b. */
  function reference(ct: bfvIndex.Ciphertext, seed: string, b: number): bfvIndex.Ciphertext {
    const r = fromTextSeed(seed);
    const words = Math.ceil((b + 1) / 32);
    const E = Array.from({ length: n }, () => {
      let v = 0n;
      for (let w = 0; w < words; w++) v |= BigInt(r.uint32()) << BigInt(32 * w);
      return (v & ((1n << BigInt(b + 1)) - 1n)) - (1n << BigInt(b));
    });
    const k = ct.coeffModulusSize;
    const e = new Float64Array(k * n);
    for (let i = 0; i < k; i++) {
      const q = BigInt(ctx.primes[i]);
      for (let j = 0; j < n; j++) e[i * n + j] = Number(((E[j] % q) + q) % q);
    }
    const zero = bfv.bfvEncryptZero(ctx, pk, r, { level: k });
    return bfv.bfvAdd(ctx, bfv.bfvAdd(ctx, ct, zero), { coeffModulusSize: k, polys: [e, new Float64Array(k * n)], isNttForm: false });
  }
  it('equals its definition for top words of 32, 1 and 31 bits, and stays decryptable', () => {
    // b + 1 = 32 (one full word), 33 (two words, top 1 bit), 63 (top 31 bits), 65 (three words).
    for (const lambda of [26, 27, 57, 59]) {
      const b = bfv.floodingBits(ctx, { noiseBits: 0, lambda });
      const seed = `flood ${lambda}`;
      const got = bfv.floodNoise(ctx, pk, fresh, fromTextSeed(seed), { noiseBits: 0, lambda });
      expect(got).toEqual(reference(fresh, seed, b));
      expect(bfv.bfvDecrypt(ctx, sk, got).coeffs).toEqual(message.coeffs);
      const v = bfv.noisePolynomial(ctx, sk, got);
      expect(bits(v.reduce((m, x) => (abs(x) > m ? abs(x) : m), 0n))).toBeGreaterThanOrEqual(b - 1);
    }
  });
  it('at a lower level', () => {
    const low = bfv.bfvModSwitchToNext(ctx, fresh);
    const got = bfv.floodNoise(ctx, pk, low, fromTextSeed('low'), { noiseBits: 5, lambda: 10 });
    expect(got).toEqual(reference(low, 'low', 20));
    expect(got.coeffModulusSize).toBe(1);
  });
  it('the noise-room check: b + 3 ≤ bits(Δ) − 1 exactly', () => {
    const deltaBits = bits(ctx.firstLevel.Q / BigInt(t));
    const lambda = deltaBits - 4 - 5; // b = deltaBits − 4
    const ok = bfv.floodNoise(ctx, pk, fresh, fromTextSeed('edge'), { noiseBits: 0, lambda });
    expect(ok).toEqual(reference(fresh, 'edge', deltaBits - 4));
    expect(() => bfv.floodNoise(ctx, pk, fresh, fromTextSeed('edge'), { noiseBits: 1, lambda })).toThrow(
      new InvalidParametersError(
        `not enough noise budget to flood: need 2^${deltaBits - 2} of noise room but Δ/2 ≈ 2^${deltaBits - 2} (lower lambda, reduce the noise, or use a larger coefficient modulus)`,
      ),
    );
  });
  it('refuses NTT-form and size-3 ciphertexts, and a missing rng', () => {
    expect(() => bfv.floodNoise(ctx, pk, bfv.ciphertextToNtt(ctx, fresh), fromTextSeed('x'), { noiseBits: 1 })).toThrow(
      new InvalidArgumentError('floodNoise needs a ciphertext in coefficient form'),
    );
    const three: bfvIndex.Ciphertext = { ...fresh, polys: [...fresh.polys, fresh.polys[1]] };
    expect(() => bfv.floodNoise(ctx, pk, three, fromTextSeed('x'), { noiseBits: 1 })).toThrow(
      new InvalidArgumentError('floodNoise needs a size-2 ciphertext (relinearize first)'),
    );
    expect(() => bfv.floodNoise(ctx, pk, fresh, undefined as never, { noiseBits: 1 })).toThrow();
    expect(() => bfv.floodNoise(ctx, pk, { ...fresh, coeffModulusSize: 7 }, fromTextSeed('x'), { noiseBits: 1 })).toThrow();
  });
});

describe('noise of a ciphertext (Δ·m + e, 0) built by hand', () => {
  /** c_0 = ⌊(Q·m + (t+1)/2)/t⌋ + e (mod Q) in RNS at the first level, c_1 = 0: its noise polynomial is e. */
  function handMade(e: bigint[]): bfvIndex.Ciphertext {
    const primes = ctx.primes.slice(0, k).map(BigInt);
    const Q = primes.reduce((a, b) => a * b, 1n);
    const T = BigInt(t);
    const c0 = new Float64Array(k * n);
    for (let j = 0; j < n; j++) {
      const v = (((Q * BigInt(message.coeffs[j]) + (T + 1n) / 2n) / T + e[j]) % Q + Q) % Q;
      primes.forEach((q, i) => (c0[i * n + j] = Number(v % q)));
    }
    return { coeffModulusSize: k, polys: [c0, new Float64Array(k * n)], isNttForm: false };
  }
  const k = fresh.coeffModulusSize;
  it('noise e with its largest magnitude positive', () => {
    const e = Array.from({ length: n }, (_, j) => BigInt(j - 10)); // −10 … 21
    const ct = handMade(e);
    expect(bfv.noisePolynomial(ctx, sk, ct)).toEqual(e);
    expect(bfv.noiseBits(ctx, sk, ct)).toBe(5); // 21
    expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(referenceBudget(ct));
  });
  it('zero noise: 0 bits, and the budget of a zero norm', () => {
    const ct = handMade(new Array<bigint>(n).fill(0n));
    expect(bfv.noiseBits(ctx, sk, ct)).toBe(0);
    expect(bfv.invariantNoiseBudget(ctx, sk, ct)).toBe(referenceBudget(ct));
  });
});

describe('freshNoiseBits where ±21 crosses a power of two', () => {
  it('n = 8 with an extra prime 97: (357/97 + 4.5) = 8.18 → 4 bits + 1 (315/97 + 4.5 would give 3 + 1)', () => {
    // The bound reads only n, the level's k and the primes: a stand-in context at parameters no real
    // chain has makes the constant 42n + 21 matter (at every power-of-two n with p = 1 or a large p it
    // cannot move ⌈log2⌉).
    const stand = { n: 8, primes: [1_000_000_000_000_001, 97], firstLevel: { k: 1 }, level: (k: number) => ({ k }) };
    expect(bfv.freshNoiseBits(stand as never)).toBe(5);
    expect(bfv.freshNoiseBits(stand as never, 2)).toBe(Math.ceil(Math.log2(357 + 4.5)) + 1);
  });
});

describe('floodNoiseWithDraws: its draws are checked', () => {
  const draws = bfv.drawFloodNoise(ctx, fromTextSeed('draws'), { noiseBits: 0, lambda: 10 });
  const refused = (d: unknown) =>
    expect(() => bfv.floodNoiseWithDraws(ctx, pk, fresh, d as never)).toThrow(new InvalidArgumentError(`floodNoiseWithDraws: expected the draws of drawFloodNoise for n = ${n}`));
  it('equals floodNoise from the same stream', () => {
    const a = bfv.floodNoiseWithDraws(ctx, pk, fresh, draws);
    const b = bfv.floodNoise(ctx, pk, fresh, fromTextSeed('draws'), { noiseBits: 0, lambda: 10 });
    expect(a).toEqual(b);
  });
  it('refuses missing draws, a bad width and words of the wrong type or length', () => {
    refused(undefined);
    refused({ ...draws, bits: -1 });
    refused({ ...draws, bits: -1, words: new Uint32Array(0) }); // the length n·⌈0/32⌉ = 0 matches: only the sign refuses it
    refused({ ...draws, bits: 1.5 });
    refused({ ...draws, bits: undefined });
    refused({ ...draws, words: Array.from(draws.words) });
    refused({ ...draws, words: draws.words.subarray(1) });
    refused({ ...draws, bits: draws.bits + 32 });
  });
  it('accepts width 0 (one word per coefficient, E ∈ {−1, 0}) and still decrypts', () => {
    const zeroWidth = { bits: 0, words: Uint32Array.from({ length: n }, (_, j) => j & 1), zero: draws.zero };
    const got = bfv.floodNoiseWithDraws(ctx, pk, fresh, zeroWidth);
    expect(bfv.bfvDecrypt(ctx, sk, got).coeffs).toEqual(message.coeffs);
    expect(got).not.toEqual(bfv.floodNoiseWithDraws(ctx, pk, fresh, { ...zeroWidth, words: new Uint32Array(n) }));
  });
});
