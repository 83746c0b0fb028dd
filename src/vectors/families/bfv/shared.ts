/**
 * What the BFV vector files share: the parameter sets (small insecure rings and Delphi's n = 8192),
 * their JSON forms, the ciphertext and public-key fields, and seeded keys.
 *
 * Spec: §12.5.6
 * @module
 */
import { bfvDefaultCoeffModulus, createBfvContext, createBfvParameters, createCoeffModulus, generatePublicKey, generateSecretKey, serializePublicKey, serializeSecretKey, type BfvContext, type Ciphertext, type Plaintext, type PublicKey, type SecretKey } from '../../../bfv/index.js';
import { P } from '../../../math/index.js';
import { fromSeed, uniformBelow, type Rng } from '../../../random/index.js';
import { dec, decRows, decs, hex } from '../../encoding.js';
import { F, type FieldType } from '../../fields.js';
import type { JsonObject } from '../../format.js';

/** A parameter set of the vectors. */
export interface ParamSet {
  readonly name: string;
  readonly n: number;
  readonly coeffModulus: readonly number[];
  readonly t: number;
  readonly description: string;
}

/** The small parameter sets every file runs through. */
export const SETS: readonly ParamSet[] = [
  {
    name: 'toy',
    n: 16,
    coeffModulus: createCoeffModulus(16, [30, 30, 30]),
    t: 97,
    description: 'n = 16, CoeffModulus::Create(16, {30, 30, 30}), t = 97 (batching): small enough to read',
  },
  {
    name: 'delphi-small',
    n: 32,
    coeffModulus: createCoeffModulus(32, [30, 30, 30, 30, 30]),
    t: P,
    description: "n = 32, Create(32, 5 × 30 bits), t = p = 2061584302081: Delphi's plaintext modulus in a small ring",
  },
  {
    name: 'wide',
    n: 32,
    coeffModulus: bfvDefaultCoeffModulus(4096),
    t: 65537,
    description: "n = 32 with the primes of SEAL's BFVDefault(4096) (36, 36, 37 bits: the wide path), t = 65537",
  },
];

/** Delphi's real parameter set (n = 8192), for the digest tests. */
export const DELPHI_SET: ParamSet = {
  name: 'delphi',
  n: 8192,
  coeffModulus: createCoeffModulus(8192, [30, 30, 30, 30, 30, 30, 30]),
  t: P,
  description: "Delphi's parameters: n = 8192, Create(8192, 7 × 30 bits), t = p (128-bit secure)",
};

/** The BFV context of a parameter set (insecure below n = 2048). */
export function contextOf(set: ParamSet): BfvContext {
  return createBfvContext(
    createBfvParameters({ polyModulusDegree: set.n, coeffModulus: set.coeffModulus, plainModulus: set.t, insecure: set.n < 2048 }),
  );
}

/** The `params` fields of a group that runs on one parameter set. */
export const paramsFields = {
  name: F.string(),
  n: F.size(),
  coeffModulus: F.ints('q_0 … q_L; the last one is the special prime'),
  plainModulus: F.int(),
  insecure: F.boolean('true: below the security standard, for vectors only'),
};

/** A parameter set as the `params` of a group. */
export function paramsJson(set: ParamSet): JsonObject {
  return { name: set.name, n: set.n, coeffModulus: decs(set.coeffModulus), plainModulus: dec(set.t), insecure: set.n < 2048 };
}

export const ctField: FieldType = F.object(
  {
    level: F.size('number of primes k of the ciphertext\'s level'),
    ntt: F.boolean('whether the residues are NTT values'),
    polys: F.array(F.intRows(), 'c_0, c_1, …: each k rows of n residues, row i modulo q_i'),
  },
  'a ciphertext in RNS form',
);

export const pkField: FieldType = F.object({ c0: F.intRows(), c1: F.intRows() }, 'a public key: NTT form, key level');

/** A ciphertext as JSON: level, NTT flag, one row of residues per prime. */
export function ctJson(ctx: BfvContext, ct: Ciphertext): JsonObject {
  return { level: ct.coeffModulusSize, ntt: ct.isNttForm, polys: ct.polys.map((p) => decRows(p, ct.coeffModulusSize)) };
}

/** A public key as JSON: its two polynomials at the key level. */
export function pkJson(ctx: BfvContext, pk: PublicKey): JsonObject {
  const K = ctx.primes.length;
  return { c0: decRows(pk.ciphertext.polys[0], K), c1: decRows(pk.ciphertext.polys[1], K) };
}

/** Residues of BigInt coefficients modulo the first k primes, as rows. */
export function rowsOf(ctx: BfvContext, coeffs: readonly bigint[], k: number): string[][] {
  return ctx.primes.slice(0, k).map((q) => coeffs.map((c) => dec(((c % BigInt(q)) + BigInt(q)) % BigInt(q))));
}

/** Seeded keys and their SEAL serializations. */
export interface Keys {
  sk: SecretKey;
  pk: PublicKey;
  skSeal: string;
  pkSeal: string;
}

/** sk then pk drawn from fromSeed(seed). */
export function keysFor(ctx: BfvContext, seed: Uint8Array): Keys {
  const rng = fromSeed(seed);
  const sk = generateSecretKey(ctx, rng);
  const pk = generatePublicKey(ctx, sk, rng);
  return { sk, pk, skSeal: hex(serializeSecretKey(ctx, sk)), pkSeal: hex(serializePublicKey(ctx, pk)) };
}

/** `count` uniform slot values below t. */
export function randomSlots(rng: Rng, count: number, t: number): number[] {
  return Array.from({ length: count }, () => uniformBelow(rng, t));
}

/** Plaintext coefficients as n decimal strings (missing high coefficients are 0). */
export function plainJson(ctx: BfvContext, pt: Plaintext): string[] {
  return Array.from({ length: ctx.n }, (_, j) => dec(j < pt.coeffs.length ? pt.coeffs[j] : 0));
}
