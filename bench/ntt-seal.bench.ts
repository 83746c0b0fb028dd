/**
 * NTT n = 8192 against SEAL 4.1's (node-seal 6.0.3, WebAssembly) in the same run, on Delphi's chain
 * (CoeffModulus.Create(8192, 7 × 30 bits), t = p): SEAL's cipherTransformToNtt / cipherTransformFromNtt
 * on a fresh ciphertext (2 polynomials × its primes, into a destination) against delphi-ts'
 * forwardNtt / inverseNtt on as many polynomials of the same primes (each copied first, as SEAL
 * writes to its destination). Run: `npx vitest bench --run bench/ntt-seal.bench.ts`; the ratio is
 * delphi-ts ÷ SEAL of the medians.
 */
import { bench, describe } from 'vitest';
import { forwardNtt, inverseNtt, NttTables } from '../src/math/index.js';
import { P } from '../src/math/share-field.js';
import { loadSeal } from '../test/bfv/seal.js';

const n = 8192;
const OPTS = { warmupTime: 200, warmupIterations: 20, time: 1500 };
const seal = await loadSeal();
const parms = seal.EncryptionParameters(seal.SchemeType.bfv);
parms.setPolyModulusDegree(n);
const vec = seal.CoeffModulus.Create(n, Int32Array.from([30, 30, 30, 30, 30, 30, 30]));
parms.setCoeffModulus(vec);
parms.setPlainModulus(seal.Modulus(BigInt(P)));
const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
const primes = Array.from(vec.toArray() as BigUint64Array, Number);
const keygen = seal.KeyGenerator(context);
const encryptor = seal.Encryptor(context, keygen.createPublicKey());
const evaluator = seal.Evaluator(context);
const plain = seal.BatchEncoder(context).encode(BigInt64Array.from({ length: n }, (_, i) => BigInt(i))) as ReturnType<typeof seal.PlainText>;
const ct = encryptor.encrypt(plain) as ReturnType<typeof seal.CipherText>;
const L = ct.coeffModulusSize;
const polys = 2 * L;
const nttCt = seal.CipherText();
evaluator.cipherTransformToNtt(ct, nttCt);
const back = seal.CipherText();
const tables = primes.slice(0, L).map((q) => new NttTables(n, q));
const data = Array.from({ length: polys }, (_, k) => Uint32Array.from({ length: n }, (_, i) => (i * 7919 + k) % tables[k % L].q));
const work = data.map((a) => new Uint32Array(a.length));

describe(`forward NTT, n = ${n}, ${polys} polynomials (a ciphertext at ${L} × 30-bit primes)`, () => {
  bench('delphi-ts forwardNtt', () => {
    for (let k = 0; k < polys; k++) {
      work[k].set(data[k]);
      forwardNtt(work[k], tables[k % L]);
    }
  }, OPTS);
  bench('node-seal (SEAL 4.1 WASM) cipherTransformToNtt', () => void evaluator.cipherTransformToNtt(ct, nttCt), OPTS);
});

describe(`inverse NTT, n = ${n}, ${polys} polynomials`, () => {
  bench('delphi-ts inverseNtt', () => {
    for (let k = 0; k < polys; k++) {
      work[k].set(data[k]);
      inverseNtt(work[k], tables[k % L]);
    }
  }, OPTS);
  bench('node-seal (SEAL 4.1 WASM) cipherTransformFromNtt', () => void evaluator.cipherTransformFromNtt(nttCt, back), OPTS);
});
