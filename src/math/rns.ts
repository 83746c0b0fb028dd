/**
 * Residue number system (RNS) bases and Chinese remaindering: a big modulus Q = q_0·…·q_{k−1}
 * represented by its residues modulo pairwise-coprime word-size moduli q_i < 2^50.
 *
 * Spec: §3.5
 * @module
 */
import { InvalidArgumentError, InvalidParametersError, SizeMismatchError } from '../errors.js';
import { invMod, mulMod } from './modular.js';
import { MAX_MODULUS_WIDE, mulModWide } from './wide.js';

/**
 * The centered representative of x modulo m: the unique y ≡ x (mod m) with −m/2 < y ≤ m/2.
 * Spec: §3.5
 */
export function centeredLift(x: bigint, m: bigint): bigint {
  if (m < 1n) throw new InvalidArgumentError(`centeredLift: modulus must be positive, got ${m}`);
  let r = x % m;
  if (r < 0n) r += m;
  return 2n * r > m ? r - m : r;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * An RNS base {q_0, …, q_{k−1}} of pairwise-coprime moduli, each an integer in [2, 2^50), with
 * the CRT constants precomputed: Q = Π q_i, the punctured products Q/q_i and their inverses
 * (Q/q_i)^{−1} mod q_i. Spec: §3.5
 */
export class RnsBase {
  /** The moduli q_i, in the order given. */
  readonly moduli: readonly number[];
  /** The moduli as bigints. */
  readonly moduliBig: readonly bigint[];
  /** Number of moduli k. */
  readonly size: number;
  /** Q = Π q_i. */
  readonly Q: bigint;
  /** Q/q_i for each i. */
  readonly puncturedProducts: readonly bigint[];
  /** (Q/q_i)^{−1} mod q_i for each i. */
  readonly invPuncturedProducts: readonly number[];

  /** @param moduli pairwise-coprime integers in [2, 2^50); otherwise {@link InvalidParametersError}. */
  constructor(moduli: readonly number[]) {
    if (!Array.isArray(moduli) || moduli.length === 0) {
      throw new InvalidParametersError('RnsBase: need at least one modulus');
    }
    for (const q of moduli) {
      if (!Number.isInteger(q) || q < 2 || q >= MAX_MODULUS_WIDE) {
        throw new InvalidParametersError(`RnsBase: each modulus must be an integer in [2, 2^50), got ${String(q)}`);
      }
    }
    for (let i = 0; i < moduli.length; i++) {
      for (let j = i + 1; j < moduli.length; j++) {
        if (gcd(moduli[i], moduli[j]) !== 1) {
          throw new InvalidParametersError(`RnsBase: moduli ${moduli[i]} and ${moduli[j]} are not coprime`);
        }
      }
    }
    this.moduli = Object.freeze([...moduli]);
    this.moduliBig = Object.freeze(moduli.map((q) => BigInt(q)));
    this.size = moduli.length;
    this.Q = this.moduliBig.reduce((a, b) => a * b, 1n);
    this.puncturedProducts = Object.freeze(this.moduliBig.map((q) => this.Q / q));
    this.invPuncturedProducts = Object.freeze(
      this.puncturedProducts.map((p, i) => invMod(Number(p % this.moduliBig[i]), this.moduli[i])),
    );
  }

  /** The residues of x (any bigint, negative allowed) modulo each q_i. Spec: §3.5 */
  decompose(x: bigint): number[] {
    if (typeof x !== 'bigint') throw new InvalidArgumentError('RnsBase.decompose: expected a bigint');
    return this.moduliBig.map((q) => {
      const r = x % q;
      return Number(r < 0n ? r + q : r);
    });
  }

  /**
   * The unique x ∈ [0, Q) with x ≡ residues[i] (mod q_i):
   * x = Σ [r_i·(Q/q_i)^{−1} mod q_i]·(Q/q_i) mod Q. Residues must be integers in [0, q_i).
   * Spec: §3.5
   */
  compose(residues: ArrayLike<number>): bigint {
    if (residues.length !== this.size) {
      throw new SizeMismatchError(`RnsBase.compose: expected ${this.size} residues, got ${residues.length}`);
    }
    let x = 0n;
    for (let i = 0; i < this.size; i++) {
      const q = this.moduli[i];
      const r = residues[i];
      if (!Number.isInteger(r) || r < 0 || r >= q) {
        throw new InvalidArgumentError(`RnsBase.compose: residue ${r} is not in [0, ${q})`);
      }
      const t = q < 2 ** 30 ? mulMod(r, this.invPuncturedProducts[i], q) : mulModWide(r, this.invPuncturedProducts[i], q);
      x += BigInt(t) * this.puncturedProducts[i];
    }
    return x % this.Q;
  }

  /** {@link RnsBase.compose} followed by {@link centeredLift}: the representative in (−Q/2, Q/2]. Spec: §3.5 */
  composeCentered(residues: ArrayLike<number>): bigint {
    return centeredLift(this.compose(residues), this.Q);
  }

  /**
   * Decomposes a polynomial with bigint coefficients into one `Uint32Array` of residues per
   * modulus (result[i][j] = coeffs[j] mod q_i). Requires every q_i < 2^32. Spec: §3.5
   */
  decomposePoly(coeffs: readonly bigint[]): Uint32Array[] {
    if (this.moduli.some((q) => q > 2 ** 32)) {
      throw new InvalidParametersError('RnsBase.decomposePoly: a modulus exceeds 2^32; use decomposePolyWide');
    }
    const out = this.moduli.map(() => new Uint32Array(coeffs.length));
    this.#decomposeInto(coeffs, out);
    return out;
  }

  /** Like {@link RnsBase.decomposePoly} but into `Float64Array`s (any q_i < 2^50). Spec: §3.5 */
  decomposePolyWide(coeffs: readonly bigint[]): Float64Array[] {
    const out = this.moduli.map(() => new Float64Array(coeffs.length));
    this.#decomposeInto(coeffs, out);
    return out;
  }

  #decomposeInto(coeffs: readonly bigint[], out: (Uint32Array | Float64Array)[]): void {
    for (let j = 0; j < coeffs.length; j++) {
      const c = coeffs[j];
      if (typeof c !== 'bigint') throw new InvalidArgumentError(`RnsBase.decomposePoly: coefficient ${j} is not a bigint`);
      for (let i = 0; i < this.size; i++) {
        const q = this.moduliBig[i];
        const r = c % q;
        out[i][j] = Number(r < 0n ? r + q : r);
      }
    }
  }

  /**
   * Recombines per-modulus residue vectors (one per q_i, equal lengths) into bigint coefficients
   * in [0, Q), or in (−Q/2, Q/2] when `centered` is true. Spec: §3.5
   */
  composePoly(residues: readonly ArrayLike<number>[], centered = false): bigint[] {
    if (residues.length !== this.size) {
      throw new SizeMismatchError(`RnsBase.composePoly: expected ${this.size} residue vectors, got ${residues.length}`);
    }
    const n = residues[0].length;
    for (const r of residues) {
      if (r.length !== n) throw new SizeMismatchError('RnsBase.composePoly: residue vectors differ in length');
    }
    const out: bigint[] = new Array<bigint>(n);
    const column = new Array<number>(this.size);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < this.size; i++) column[i] = residues[i][j];
      out[j] = centered ? this.composeCentered(column) : this.compose(column);
    }
    return out;
  }
}
