// Garbling throughput in plain Node on the compiled library, in CPU time (best of N runs), which is
// measured for both garbling schemes (half gates and three halves, §5.13) and
// less disturbed than wall-clock time when other jobs share the machine. Vitest's module transform
// can slow hot loops, so this complements bench/gc.bench.ts. Both AES backends (§5.1) are measured.
//
//   npx tsc -p tsconfig.build.json && node bench/gc.node.mjs [runs]
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { aes128EncryptWords, fixedKeyAes, mmoHashBlocks, nodeAesAvailable, setAesBackend, tccrHashBlocks } from '../dist/hash/index.js';
import { encodeInputs, evaluateGarbled, garble, parseBristol, reluCircuit } from '../dist/gc/index.js';
import { fromTextSeed } from '../dist/random/index.js';

const runs = Number(process.argv[2] ?? 12);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
/** Best (largest) rate of `ops` operations per run over `runs` runs, in millions per second. */
function best(ops, fn) {
  let rate = 0;
  for (let r = 0; r < runs; r++) {
    const t = cpuMs();
    fn();
    rate = Math.max(rate, ops / (cpuMs() - t) / 1e3);
  }
  return rate.toFixed(2);
}

const N = 1 << 14;
const blocks = new Uint32Array(fromTextSeed('bench/node').bytes(16 * N).buffer);
const out = new Uint32Array(4 * N);
const [b32, o32] = [new Int32Array(blocks.buffer), new Int32Array(out.buffer)];
const aes = parseBristol(gunzipSync(readFileSync(new URL('../test/gc/fixtures/bristol/aes_128.txt.gz', import.meta.url))).toString()).circuit;

function garbling(name, circuit, instances) {
  // Half gates and three halves (§5.13) on the same circuit, interleaved in one run.
  const rates = {};
  for (const scheme of ['half-gates', 'three-halves']) {
    const rng = fromTextSeed(`bench/node/${name}`);
    const ands = circuit.counts.and * instances;
    const g = garble(circuit, rng, { instances, scheme });
    const gl = encodeInputs(circuit, g.secrets, 'garbler', new Uint8Array(circuit.inputBits('garbler') * instances));
    const el = encodeInputs(circuit, g.secrets, 'evaluator', new Uint8Array(circuit.inputBits('evaluator') * instances));
    rates[scheme] = [best(ands, () => garble(circuit, rng, { instances, scheme })), best(ands, () => evaluateGarbled(circuit, g.garbled, gl, el))];
  }
  const [hg, th] = [rates['half-gates'], rates['three-halves']];
  console.log(`  ${name.padEnd(22)}half gates: garble ${hg[0]} M AND/s, evaluate ${hg[1]} M AND/s | three halves: garble ${th[0]} (${(th[0] / hg[0]).toFixed(2)}×), evaluate ${th[1]} (${(th[1] / hg[1]).toFixed(2)}×)`);
}

for (const backend of nodeAesAvailable() ? ['typescript', 'node-crypto'] : ['typescript']) {
  setAesBackend(backend);
  console.log(`AES backend ${fixedKeyAes().backend}:`);
  if (backend === 'typescript') console.log(`  AES-128 T-table kernel:   ${best(N, () => aes128EncryptWords(fixedKeyAes().roundKeys, b32, o32, N))} M blocks/s`);
  console.log(`  π, batches of ${N}:      ${best(N, () => fixedKeyAes().encryptWords(b32, o32, N))} M blocks/s`);
  console.log(`  σ-MMO (1 AES/hash):       ${best(N, () => mmoHashBlocks(blocks, 0, out))} M hashes/s`);
  console.log(`  TCCR (2 AES/hash):        ${best(N, () => tccrHashBlocks(blocks, 0, out))} M hashes/s`);
  garbling('aes_128 × 1', aes, 1);
  garbling('aes_128 × 16', aes, 16);
  garbling('ReLU × 4096', reluCircuit({}), 4096);
  garbling('ReLU6 × 1024', reluCircuit({ kind: 'relu6' }), 1024);
}

// 1 vs N threads (wall clock, median of `runs`): garbleRelusBatched / evaluateRelusBatched on 4096
// ReLUs in batches of 512, in this thread and on Node worker pools (§5.7).
{
  const { garbleRelusBatched, evaluateRelusBatched, reluServerLabels, reluClientLabels } = await import('../dist/gc/index.js');
  const { createNodePool, defaultThreadCount } = await import('../dist/workers/node.js');
  setAesBackend('auto');
  const n = 4096;
  const zeros = new Float64Array(n);
  const median = async (fn) => {
    const t = [];
    for (let r = 0; r < Math.max(3, Math.min(runs, 7)); r++) {
      const s = performance.now();
      await fn();
      t.push(performance.now() - s);
    }
    return t.sort((a, b) => a - b)[t.length >> 1];
  };
  const counts = [...new Set([1, 2, defaultThreadCount()])];
  const base = {};
  for (const threads of counts) {
    const pool = threads === 1 ? undefined : createNodePool({ threads });
    const opts = pool ? { pool } : {};
    const g = await garbleRelusBatched(n, fromTextSeed('bench/threads'), opts);
    const sl = reluServerLabels(g, zeros, zeros);
    const cl = reluClientLabels(g, zeros);
    const gt = await median(() => garbleRelusBatched(n, fromTextSeed('bench/threads'), opts));
    const et = await median(() => evaluateRelusBatched({}, g.garbled, sl, cl, opts));
    if (threads === 1) Object.assign(base, { gt, et });
    console.log(
      `${n} ReLUs, ${threads} thread(s): garble ${gt.toFixed(0)} ms (${(base.gt / gt).toFixed(2)}×), evaluate ${et.toFixed(0)} ms (${(base.et / et).toFixed(2)}×)`,
    );
    await pool?.close();
  }
}
