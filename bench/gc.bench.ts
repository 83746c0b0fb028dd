/**
 * Garbled-circuit benchmarks. Run: `npx vitest bench --run bench/gc.bench.ts` (and
 * `node bench/report.mjs` on a JSON report for per-operation medians).
 *
 * Names carrying "[ops=N]" count N AND gates (or N ReLUs), so ns/op is ns per AND gate (or ReLU):
 * AND/s = 10^9 / (ns per AND). ReLU batches are measured with each AES backend (§5.1) and both
 * garbling schemes (half gates §5.6, three halves §5.13) in the same run.
 * Bytes per ReLU are printed once at start-up. The whole run is one thread; the machine's other load shows up directly in the medians.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, bench, describe } from 'vitest';
import { parseBristol } from '../src/gc/bristol.js';
import { encodeInputs, evaluateGarbled, garble } from '../src/gc/garble.js';
import { evaluateRelus, garbleRelus, reluClientLabels, reluCost, reluServerLabels } from '../src/gc/relu.js';
import { serializeGarbledCircuit } from '../src/gc/serialize.js';
import { nodeAesAvailable, setAesBackend } from '../src/hash/index.js';
import { P } from '../src/math/share-field.js';
import { fromTextSeed, uniformBelow } from '../src/random/index.js';

const OPTS = { warmupTime: 0, warmupIterations: 1, iterations: 5, time: 0 };
const rng = fromTextSeed('bench/gc');

const aesText = gunzipSync(readFileSync(new URL('../test/gc/fixtures/bristol/aes_128.txt.gz', import.meta.url))).toString();
const { circuit: aes } = parseBristol(aesText);
const AES_AND = aes.counts.and;
const AES_BATCH = 32;
const aesOne = garble(aes, rng);
const aesMany = garble(aes, rng, { instances: AES_BATCH });
const labels = (g: typeof aesOne, n: number) => [
  encodeInputs(aes, g.secrets, 'garbler', new Uint8Array(128 * n)),
  encodeInputs(aes, g.secrets, 'evaluator', new Uint8Array(128 * n)),
];
const [aesG1, aesE1] = labels(aesOne, 1);
const [aesGn, aesEn] = labels(aesMany, AES_BATCH);

const N_RELU = 4096;
const pick = (n: number) => Float64Array.from({ length: n }, () => uniformBelow(rng, P));
const [c, s, m] = [pick(N_RELU), pick(N_RELU), pick(N_RELU)];
const relu = garbleRelus(N_RELU, rng);
const reluServer = reluServerLabels(relu, s, m);
const reluClient = reluClientLabels(relu, c);

const relu3 = garbleRelus(N_RELU, rng, { scheme: 'three-halves' });
const relu3Server = reluServerLabels(relu3, s, m);
const relu3Client = reluClientLabels(relu3, c);
for (const scheme of ['half-gates', 'three-halves'] as const) {
  for (const kind of ['relu', 'relu6'] as const) {
    const cost = reluCost({ kind }, scheme);
    const perRelu = cost.tableBytes + cost.serverLabelBytes + 41 / 8;
    console.log(
      `${scheme} ${kind}: ${cost.andGates} AND gates, ${cost.tableBytes} bytes of tables + ${cost.serverLabelBytes} bytes of server labels + 41 decoding bits = ${perRelu.toFixed(1)} bytes per ReLU (+ ${cost.clientOts} correlated OTs for the client's labels)`,
    );
  }
}
console.log(`garbled batch of ${N_RELU} ReLUs: ${serializeGarbledCircuit(relu.circuit, relu.garbled).length} bytes serialized (half gates), ${serializeGarbledCircuit(relu3.circuit, relu3.garbled).length} (three halves)`);

describe('half-gates on aes_128 (6400 AND gates)', () => {
  bench(`garble, 1 instance [ops=${AES_AND}]`, () => {
    garble(aes, rng);
  }, OPTS);
  bench(`evaluate, 1 instance [ops=${AES_AND}]`, () => {
    evaluateGarbled(aes, aesOne.garbled, aesG1, aesE1);
  }, OPTS);
  bench(`garble, ${AES_BATCH} instances [ops=${AES_AND * AES_BATCH}]`, () => {
    garble(aes, rng, { instances: AES_BATCH });
  }, OPTS);
  bench(`evaluate, ${AES_BATCH} instances [ops=${AES_AND * AES_BATCH}]`, () => {
    evaluateGarbled(aes, aesMany.garbled, aesGn, aesEn);
  }, OPTS);
});

for (const backend of nodeAesAvailable() ? (['typescript', 'node-crypto'] as const) : (['typescript'] as const)) {
  describe(`ReLU batches of ${N_RELU} (258 AND gates each), AES backend ${backend}`, () => {
    const opts = { ...OPTS, setup: () => setAesBackend(backend), teardown: () => setAesBackend('auto') };
    bench(`server: garble [ops=${N_RELU}]`, () => {
      garbleRelus(N_RELU, rng);
    }, opts);
    bench(`server: encode its labels [ops=${N_RELU}]`, () => {
      reluServerLabels(relu, s, m);
    }, opts);
    bench(`client: evaluate and decode [ops=${N_RELU}]`, () => {
      evaluateRelus({}, relu.garbled, reluServer, reluClient);
    }, opts);
    bench(`garble, per AND gate [ops=${N_RELU * 258}]`, () => {
      garbleRelus(N_RELU, rng);
    }, opts);
    bench(`evaluate, per AND gate [ops=${N_RELU * 258}]`, () => {
      evaluateRelus({}, relu.garbled, reluServer, reluClient);
    }, opts);
    bench(`three halves: garble, per AND gate [ops=${N_RELU * 258}]`, () => {
      garbleRelus(N_RELU, rng, { scheme: 'three-halves' });
    }, opts);
    bench(`three halves: evaluate, per AND gate [ops=${N_RELU * 258}]`, () => {
      evaluateRelus({}, relu3.garbled, relu3Server, relu3Client);
    }, opts);
  });
}

// 1 vs N threads (§5.7): garbleRelusBatched / evaluateRelusBatched in this thread and on Node worker
// pools. The pool's workers run the compiled library: run `npm run build` first (skipped otherwise).
const distWorkers = new URL('../dist/workers/node.js', import.meta.url);
if (existsSync(distWorkers)) {
  const { createNodePool, defaultThreadCount } = (await import(/* @vite-ignore */ distWorkers.href)) as typeof import('../src/workers/node.js');
  const { garbleRelusBatched, evaluateRelusBatched } = await import('../src/gc/parallel.js');
  for (const threads of [...new Set([1, 2, defaultThreadCount()])]) {
    const pool = threads === 1 ? undefined : createNodePool({ threads });
    const opts = pool ? { pool } : {};
    const g = await garbleRelusBatched(N_RELU, rng, opts);
    const sl = reluServerLabels(g, s, m);
    const cl = reluClientLabels(g, c);
    describe(`ReLU batches of ${N_RELU} in batches of 512, ${threads} thread(s)`, () => {
      bench(`garbleRelusBatched [ops=${N_RELU}]`, async () => {
        await garbleRelusBatched(N_RELU, rng, opts);
      }, OPTS);
      bench(`evaluateRelusBatched [ops=${N_RELU}]`, async () => {
        await evaluateRelusBatched({}, g.garbled, sl, cl, opts);
      }, OPTS);
      afterAll(async () => {
        await pool?.close();
      });
    });
  }
} else {
  console.log('thread benchmarks skipped: run `npm run build` first (the worker pool loads dist/)');
}
