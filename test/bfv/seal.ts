/**
 * Test helper: node-seal (Microsoft SEAL 4.1 compiled to WebAssembly) set up with the same parameters
 * as a delphi-ts BFV context. Only tests and benchmarks import this file.
 */
import sealModule from 'node-seal/throws_wasm_node_umd.js';
import type { SEALLibrary } from 'node-seal/implementation/seal.js';
import * as bfv from '../../src/bfv/index.js';

export type SealLib = SEALLibrary;

// node-seal is a UMD (CommonJS) bundle: depending on the loader its default export is the factory
// itself or a namespace holding it.
const SEAL = ((sealModule as unknown as { default?: unknown }).default ?? sealModule) as () => Promise<SEALLibrary>;

let lib: Promise<SealLib> | undefined = undefined;

/** The node-seal library, loaded once per test file. */
export function loadSeal(): Promise<SealLib> {
  if (!lib) lib = SEAL();
  return lib;
}

/** How the coefficient modulus is chosen: SEAL's BFVDefault or CoeffModulus.Create(bit sizes). */
export type ModulusChoice = { readonly kind: 'default' } | { readonly kind: 'create'; readonly bitSizes: readonly number[] };

export interface Pair {
  readonly seal: SealLib;
  readonly sealContext: ReturnType<SealLib['Context']>;
  readonly sealCoeffModulus: number[];
  readonly ctx: bfv.BfvContext;
}

/** Builds matching SEAL and delphi-ts contexts; the coefficient moduli come from SEAL's own helpers. */
export async function makePair(n: number, choice: ModulusChoice, t: number): Promise<Pair> {
  const seal = await loadSeal();
  const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
  parms.setPolyModulusDegree(n);
  const vec =
    choice.kind === 'default'
      ? seal.CoeffModulus.BFVDefault(n, seal.SecurityLevel.tc128)
      : seal.CoeffModulus.Create(n, Int32Array.from(choice.bitSizes));
  parms.setCoeffModulus(vec);
  parms.setPlainModulus(seal.Modulus(BigInt(t)));
  const sealContext = seal.Context(parms, true, seal.SecurityLevel.tc128);
  if (!sealContext.parametersSet()) throw new Error('SEAL rejected the parameters');
  const sealCoeffModulus = Array.from(vec.toArray() as BigUint64Array, (x) => Number(x));
  const ctx = bfv.createBfvContext(
    bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: sealCoeffModulus, plainModulus: t }),
  );
  return { seal, sealContext, sealCoeffModulus, ctx };
}

/** A SEAL ParmsIdType as the 32 bytes SEAL serializes. */
export function parmsIdBytes(values: BigUint64Array): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(8 * i, v, true));
  return out;
}

/**
 * Byte equality with a short failure message (vitest's diff of two megabyte arrays would exhaust
 * memory): reports the lengths and the first differing offset.
 */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  if (actual.length !== expected.length) return `lengths differ: ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) return `first difference at byte ${i} of ${actual.length}`;
  }
  return 'equal';
}
