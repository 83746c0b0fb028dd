// Garbling throughput in plain Node on the compiled library, in CPU time (best of N runs), which is
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
  const rng = fromTextSeed(`bench/node/${name}`);
  const ands = circuit.counts.and * instances;
  const g = garble(circuit, rng, { instances });
  const gl = encodeInputs(circuit, g.secrets, 'garbler', new Uint8Array(circuit.inputBits('garbler') * instances));
  const el = encodeInputs(circuit, g.secrets, 'evaluator', new Uint8Array(circuit.inputBits('evaluator') * instances));
  const gr = best(ands, () => garble(circuit, rng, { instances }));
  const ev = best(ands, () => evaluateGarbled(circuit, g.garbled, gl, el));
  console.log(`  ${name.padEnd(22)}garble ${gr} M AND/s, evaluate ${ev} M AND/s`);
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
