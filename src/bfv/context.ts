/**
 * The BFV context: everything precomputed from a parameter set — NTT tables per prime, the chain of
 * levels (key level with the special prime, then the data levels, each identified by its SEAL
 * parms_id), scaling constants, and the batch encoder's slot map.
 *
 * Polynomials are stored in RNS form as one flat typed array of k·n residues (prime-major: the
 * residues modulo q_0 first, then modulo q_1, …), exactly SEAL's memory layout. When every prime is
 * below 2^30 the array is a `Uint32Array` and the fast 32-bit arithmetic of `src/math` applies
 * (the "narrow" path); otherwise it is a `Float64Array` handled with the exact wide arithmetic for
 * primes < 2^50 (the "wide" path, e.g. SEAL's 36–44-bit BFVDefault primes).
 *
 * Spec: §4.2
 * @module
 */
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import {
  bitReverse,
  invMod,
  NttTables,
  RnsBase,
  WideNttTables,
} from '../math/index.js';
import { bitLengthBig, createBfvParameters, type BfvParameters } from './params.js';
import { computeParmsId, parmsIdToHex } from './parms-id.js';
import { invMod2to52 } from '../math/wide.js';

/** An RNS polynomial: k·n residues, prime-major. `Uint32Array` on the narrow path, else `Float64Array`. Spec: §4.2 */
export type RnsPoly = Uint32Array | Float64Array;

/** Precomputed data of one level of the modulus chain (the first k primes). Spec: §4.2 */
export interface BfvLevel {
  /** Number of primes k at this level. */
  readonly k: number;
  /** q_0 … q_{k−1}. */
  readonly primes: readonly number[];
  /** Q = Π q_i. */
  readonly Q: bigint;
  /** Bit length of Q. */
  readonly bits: number;
  /** SEAL parms_id of this level. */
  readonly parmsId: Uint8Array;
  /** parms_id in hexadecimal. */
  readonly parmsIdHex: string;
  /** CRT helper for Q. */
  readonly rns: RnsBase;
  /** ⌊Q/t⌋ mod q_i (SEAL's coeff_div_plain_modulus). */
  readonly deltaMod: Float64Array;
  /** Q mod t. */
  readonly qModT: number;
  /** t mod q_i. */
  readonly tMod: Float64Array;
  /** (Q/q_i)^{−1} mod q_i. */
  readonly invPunctured: Float64Array;
  /** q_i^{−1} mod 2^52. */
  readonly qInv52: Float64Array;
  /** q_{k−1}^{−1} mod q_i for i < k − 1 (used to divide by the last prime). */
  readonly invLastMod: Float64Array;
}

/** Precomputed state for one BFV parameter set. Create with {@link createBfvContext}. Spec: §4.2 */
export class BfvContext {
  /** The parameters. */
  readonly params: BfvParameters;
  /** Ring degree n. */
  readonly n: number;
  /** log2 n. */
  readonly logn: number;
  /** Plaintext modulus t. */
  readonly t: number;
  /** All primes (key level). */
  readonly primes: readonly number[];
  /** True when some prime is ≥ 2^30: polynomials are `Float64Array`s. */
  readonly wide: boolean;
  /** NTT tables per prime (narrow: `NttTables`, wide: `WideNttTables`). */
  readonly nttTables: readonly (NttTables | WideNttTables)[];
  /** levels[k − 1] is the level with k primes (undefined for k not in the chain). */
  readonly levels: readonly (BfvLevel | undefined)[];
  /** Key level: all primes. */
  readonly keyLevel: BfvLevel;
  /** First data level: all primes but the special one (the key level when there is one prime). */
  readonly firstLevel: BfvLevel;
  /** Smallest level of the chain. */
  readonly lastLevel: BfvLevel;
  /** Whether relinearization and Galois keys exist (there is a special prime). */
  readonly usingKeySwitching: boolean;
  /** NTT tables modulo t when batching is possible, else null. */
  readonly plainNtt: WideNttTables | null;
  /**
   * Batch encoder slot map (SEAL's matrix_reps_index_map): slot i of the 2 × n/2 matrix is stored
   * at bit-reversed NTT position slotIndex[i]. Null without batching.
   */
  readonly slotIndex: Uint32Array | null;
  readonly #byParmsId = new Map<string, BfvLevel>();

  constructor(params: BfvParameters) {
    if (typeof params !== 'object' || params === null || !Array.isArray(params.coeffModulus)) {
      throw new InvalidArgumentError('createBfvContext: expected parameters from createBfvParameters');
    }
    // Re-validate: the object may have been built by hand rather than by createBfvParameters.
    this.params = createBfvParameters({
      polyModulusDegree: params.polyModulusDegree,
      coeffModulus: params.coeffModulus,
      plainModulus: params.plainModulus,
      securityLevel: params.securityLevel ?? 128,
      insecure: params.securityLevel === null,
    });
    params = this.params;
    const n = params.polyModulusDegree;
    this.n = n;
    this.logn = Math.round(Math.log2(n));
    this.t = params.plainModulus;
    this.primes = params.coeffModulus;
    this.wide = this.primes.some((q) => q >= 2 ** 30);
    this.nttTables = this.primes.map((q) => (this.wide ? new WideNttTables(n, q) : new NttTables(n, q)));
    const K = this.primes.length;
    const levels: (BfvLevel | undefined)[] = new Array<BfvLevel | undefined>(K).fill(undefined);
    levels[K - 1] = this.#makeLevel(K);
    const tBig = BigInt(this.t);
    if (K > 1) {
      for (let k = K - 1; k >= 1; k--) {
        const Q = this.primes.slice(0, k).reduce((a, q) => a * BigInt(q), 1n);
        if (tBig >= Q) break; // SEAL ends the chain at the first level where t ≥ Q
        levels[k - 1] = this.#makeLevel(k);
      }
    }
    this.levels = levels;
    this.keyLevel = levels[K - 1]!;
    this.firstLevel = K > 1 && levels[K - 2] ? levels[K - 2]! : this.keyLevel;
    let last = this.firstLevel;
    for (let k = this.firstLevel.k - 1; k >= 1 && levels[k - 1]; k--) last = levels[k - 1]!;
    this.lastLevel = last;
    this.usingKeySwitching = this.firstLevel !== this.keyLevel;
    for (const l of levels) if (l) this.#byParmsId.set(l.parmsIdHex, l);
    if (params.batching) {
      this.plainNtt = new WideNttTables(n, this.t);
      this.slotIndex = slotIndexMap(n);
    } else {
      this.plainNtt = null;
      this.slotIndex = null;
    }
  }

  #makeLevel(k: number): BfvLevel {
    const primes = this.primes.slice(0, k);
    const rns = new RnsBase(primes);
    const Q = rns.Q;
    const t = this.t;
    const tBig = BigInt(t);
    const delta = Q / tBig;
    const last = primes[k - 1];
    return Object.freeze({
      k,
      primes: Object.freeze(primes),
      Q,
      bits: bitLengthBig(Q),
      parmsId: computeParmsId(this.n, primes, t),
      parmsIdHex: parmsIdToHex(computeParmsId(this.n, primes, t)),
      rns,
      deltaMod: Float64Array.from(primes, (q) => Number(delta % BigInt(q))),
      qModT: Number(Q % tBig),
      tMod: Float64Array.from(primes, (q) => t % q),
      invPunctured: Float64Array.from(rns.invPuncturedProducts),
      qInv52: Float64Array.from(primes, (q) => invMod2to52(q)),
      invLastMod: Float64Array.from(primes.slice(0, k - 1), (q) => invMod(last % q, q)),
    });
  }

  /** The level with k primes; throws {@link InvalidArgumentError} if k is not in the chain. Spec: §4.2 */
  level(k: number): BfvLevel {
    const l = Number.isInteger(k) && k >= 1 ? this.levels[k - 1] : undefined;
    if (!l) throw new InvalidArgumentError(`no level with ${k} coefficient-modulus primes in this context`);
    return l;
  }

  /** The level whose parms_id is `id` (bytes or hex), or undefined. Spec: §4.2 */
  levelByParmsId(id: Uint8Array | string): BfvLevel | undefined {
    return this.#byParmsId.get(typeof id === 'string' ? id.toLowerCase() : parmsIdToHex(id));
  }

  /** A zero polynomial with k primes in this context's representation. Spec: §4.2 */
  allocPoly(k: number): RnsPoly {
    return this.wide ? new Float64Array(k * this.n) : new Uint32Array(k * this.n);
  }
}

/** Builds the precomputed context of a parameter set. Spec: §4.2 */
export function createBfvContext(params: BfvParameters): BfvContext {
  return new BfvContext(params);
}

/**
 * SEAL's BatchEncoder index map for degree n: for i < n/2 with g_i = 3^i mod 2n, slot i (first row)
 * sits at NTT position bitReverse((g_i − 1)/2) and slot n/2 + i (second row) at
 * bitReverse((2n − g_i − 1)/2), log n bits. Spec: §4.6
 */
export function slotIndexMap(n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
    throw new InvalidParametersError(`slotIndexMap: n must be a power of two ≥ 2, got ${n}`);
  }
  const logn = Math.round(Math.log2(n));
  const rowSize = n >>> 1;
  const m = 2 * n;
  const map = new Uint32Array(n);
  let pos = 1;
  for (let i = 0; i < rowSize; i++) {
    map[i] = bitReverse((pos - 1) >>> 1, logn);
    map[rowSize + i] = bitReverse((m - pos - 1) >>> 1, logn);
    pos = (pos * 3) % m;
  }
  return map;
}
