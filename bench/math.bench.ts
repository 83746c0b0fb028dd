/**
 * Modular arithmetic and NTT benchmarks. Run: `npx vitest bench --run bench/math.bench.ts`.
 * Names carrying "[ops=N]" are reported per operation (ns/op) by bench/report.mjs.
 */
import { bench, describe } from 'vitest';
import * as mathIndex from '../src/math/index.js';
import * as modular from '../src/math/modular.js';
import * as nttWide from '../src/math/ntt-wide.js';
import { fromTextSeed, uniformBelow } from '../src/random/index.js';

// Vitest's module runner reads imported bindings through getters, which stops V8 from inlining
// the (tiny) functions under test; native ESM and bundlers bind them directly. Copy them into
// local constants so that the numbers reflect the functions themselves.
const {
  NttTables,
  P,
  P_BIG,
  WideNttTables,
  forwardNtt,
  forwardNttWide,
  generateNttPrimes,
  inverseNtt,
  inverseNttWide,
  mulMod,
  mulModP,
  mulModPrecomp,
  mulModShoup,
  mulModWide,
  shoupPrecompute,
} = { ...mathIndex, ...modular, ...nttWide };

const OPS = 4096;
/** Longer warm-up so that the first benchmark of a group is measured optimized, like the rest. */
const OPTS = { warmupTime: 300, warmupIterations: 200, time: 600 };
const rng = fromTextSeed('bench/math');
const Q30 = 1073479681; // 30-bit NTT prime (≡ 1 mod 2^16)
const Q44 = 0xfffffffc001; // SEAL BFVDefault(8192) 44-bit prime
const draw = (bound: number, n: number): Float64Array => {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = uniformBelow(rng, bound);
  return out;
};
const A30 = draw(Q30, OPS);
const B30 = draw(Q30, OPS);
const B30_INV = B30.map((b) => b / Q30);
const W30 = B30[7];
const W30_SHOUP = shoupPrecompute(W30, Q30);
const A30_BIG = Array.from(A30, BigInt);
const B30_BIG = Array.from(B30, BigInt);
const AP = draw(P, OPS);
const BP = draw(P, OPS);
const AP_BIG = Array.from(AP, BigInt);
const BP_BIG = Array.from(BP, BigInt);
const Q30_BIG = BigInt(Q30);

let sink = 0;
let sinkBig = 0n;

describe('mulmod q < 2^30', () => {
  bench(`mulMod float+imul [ops=${OPS}]`, () => {
    let s = 0;
    for (let i = 0; i < OPS; i++) s ^= mulMod(A30[i], B30[i], Q30);
    sink ^= s;
  }, OPTS);
  bench(`mulModPrecomp (b/q precomputed) [ops=${OPS}]`, () => {
    let s = 0;
    for (let i = 0; i < OPS; i++) s ^= mulModPrecomp(A30[i], B30[i], B30_INV[i], Q30);
    sink ^= s;
  }, OPTS);
  bench(`mulModShoup fixed w [ops=${OPS}]`, () => {
    let s = 0;
    for (let i = 0; i < OPS; i++) s ^= mulModShoup(A30[i], W30, W30_SHOUP, Q30);
    sink ^= s;
  }, OPTS);
  bench(`BigInt (a*b)%q [ops=${OPS}]`, () => {
    let s = 0n;
    for (let i = 0; i < OPS; i++) s ^= (A30_BIG[i] * B30_BIG[i]) % Q30_BIG;
    sinkBig ^= s;
  }, OPTS);
});

describe('mulmod share prime p (41 bits)', () => {
  bench(`mulModP [ops=${OPS}]`, () => {
    let s = 0;
    for (let i = 0; i < OPS; i++) s += mulModP(AP[i], BP[i]);
    sink += s;
  }, OPTS);
  bench(`mulModWide(a,b,p) [ops=${OPS}]`, () => {
    let s = 0;
    for (let i = 0; i < OPS; i++) s += mulModWide(AP[i], BP[i], P);
    sink += s;
  }, OPTS);
  bench(`BigInt (a*b)%p [ops=${OPS}]`, () => {
    let s = 0n;
    for (let i = 0; i < OPS; i++) s ^= (AP_BIG[i] * BP_BIG[i]) % P_BIG;
    sinkBig ^= s;
  }, OPTS);
});

for (const n of [4096, 8192]) {
  describe(`NTT n=${n}`, () => {
    const q30 = generateNttPrimes(30, n, 1)[0];
    const t30 = new NttTables(n, q30);
    const a30 = Uint32Array.from(draw(q30, n));
    const tw = new WideNttTables(n, Q44);
    const aw = draw(Q44, n);
    bench(`forward 30-bit`, () => {
      forwardNtt(a30, t30);
    }, OPTS);
    bench(`inverse 30-bit`, () => {
      inverseNtt(a30, t30);
    }, OPTS);
    bench(`forward 44-bit (wide)`, () => {
      forwardNttWide(aw, tw);
    }, OPTS);
    bench(`inverse 44-bit (wide)`, () => {
      inverseNttWide(aw, tw);
    }, OPTS);
  });
}

export const benchSink = (): number => sink + Number(sinkBig & 1n);
