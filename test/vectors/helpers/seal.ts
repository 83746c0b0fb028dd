/**
 * node-seal (Microsoft SEAL 4.1 in WebAssembly) for the BFV vectors: a SEAL context for the
 * parameters of a vector group (any primes; insecure sets with SecurityLevel.none), and loading and
 * saving of uncompressed SEAL objects given as hex.
 */
import { loadSeal, parmsIdBytes, type SealLib } from '../../bfv/seal.js';
import { tohex, unhex } from './files.js';

type Ct = ReturnType<SealLib['CipherText']>;
type Pt = ReturnType<SealLib['PlainText']>;

export interface SealEnv {
  readonly seal: SealLib;
  readonly context: ReturnType<SealLib['Context']>;
  ct(hex: string): Ct;
  pt(hex: string): Pt;
  sk(hex: string): ReturnType<SealLib['SecretKey']>;
  pk(hex: string): ReturnType<SealLib['PublicKey']>;
  rk(hex: string): ReturnType<SealLib['RelinKeys']>;
  gk(hex: string): ReturnType<SealLib['GaloisKeys']>;
  /** Uncompressed SEAL bytes of an object, as hex. */
  save(obj: unknown): string;
  /** parms_id (hex) of every level, key level first. */
  parmsIds(): string[];
}

const cache = new Map<string, Promise<SealEnv>>();

export function sealEnv(n: number, coeffModulus: readonly string[], plainModulus: string, insecure: boolean): Promise<SealEnv> {
  const key = `${n}/${coeffModulus.join(',')}/${plainModulus}`;
  let env = cache.get(key);
  if (!env) {
    env = (async () => {
      const seal = await loadSeal();
      const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
      parms.setPolyModulusDegree(n);
      const moduli = coeffModulus.map((q) => seal.Modulus(BigInt(q)));
      const vec = seal.Vector();
      vec.from(moduli.map((m) => m.instance) as unknown as BigUint64Array, 'Modulus');
      vec.setType('Modulus');
      parms.setCoeffModulus(vec);
      parms.setPlainModulus(seal.Modulus(BigInt(plainModulus)));
      const context = seal.Context(parms, true, insecure ? seal.SecurityLevel.none : seal.SecurityLevel.tc128);
      if (!context.parametersSet()) throw new Error(`SEAL rejects the parameters ${key}`);
      const none = seal.ComprModeType.none;
      const load = <T extends { loadArray(c: unknown, a: Uint8Array): void }>(make: () => T) => (h: string): T => {
        const o = make();
        o.loadArray(context, unhex(h));
        return o;
      };
      return {
        seal,
        context,
        ct: load(() => seal.CipherText()),
        pt: load(() => seal.PlainText()),
        sk: load(() => seal.SecretKey()),
        pk: load(() => seal.PublicKey()),
        rk: load(() => seal.RelinKeys()),
        gk: load(() => seal.GaloisKeys()),
        save: (obj: unknown) => tohex((obj as { saveArray(m: unknown): Uint8Array }).saveArray(none)),
        parmsIds() {
          const out: string[] = [];
          for (let data = context.keyContextData; ; data = data.nextContextData) {
            out.push(tohex(parmsIdBytes(data.parmsId.values)));
            if (data.chainIndex === 0) break;
          }
          return out;
        },
      };
    })();
    cache.set(key, env);
  }
  return env;
}
