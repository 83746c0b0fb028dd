// The client's online cost of one garbled ReLU layer (§9.9.4) as the CLI runs it: tables and labels
// spilled to an unlinked file (FileSpillStore, §9.14.6), evaluated on a Node worker pool. Both
// parties run in this process over a memory channel; the server's online step (its labels) runs
// first and alone, then the client's, so each party's CPU is measured separately. Reports wall
// time, process CPU (all threads) and main-thread busy time (event-loop utilisation), and, measured
// in the same run on one thread, the bare evaluation kernel on the same number of ReLUs, so that
// "client CPU / kernel CPU" is a ratio that load on the machine does not skew much.
//
//   npm run build && node bench/gc-online.node.mjs [relus=65536] [threads=2] [--no-spill] [--profile]
import { performance } from 'node:perf_hooks';
import { memoryChannelPair } from '../dist/channel/index.js';
import { garbledActivations } from '../dist/protocol/index.js';
import { createNodePool } from '../dist/workers/node.js';
import { fromTextSeed, uniformBelow } from '../dist/random/index.js';
import { P } from '../dist/math/share-field.js';
import { FileSpillStore } from '../dist/cli/file-spill-store.js';
import { encodeInputs, evaluateGarbled, garble, reluCircuit } from '../dist/gc/index.js';
import { reluReference } from '../dist/gc/relu.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const relus = Number(args[0] ?? 65536);
const threads = Number(args[1] ?? 2);
const spill = !process.argv.includes('--no-spill');
const f = 12;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};

const rng = fromTextSeed('bench/gc-online');
const field = (n) => {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = uniformBelow(rng, P);
  return out;
};
const clientShare = field(relus);
const serverShare = field(relus);
const masks = field(relus);

const pool = createNodePool({ threads });
const [stores, close] = spill ? (() => {
  const s = [new FileSpillStore(), new FileSpillStore()];
  return [s, () => s.forEach((x) => x.close())];
})() : [[undefined, undefined], () => {}];
const [c, s] = memoryChannelPair({ maxMessageBytes: 2 ** 31 - 1 });
const info = { index: 1, kind: 'relu', count: relus, fractionalBits: f, cap: Infinity };
const arch = {};
const [cs, ss] = await Promise.all([
  garbledActivations.client(c, fromTextSeed('c'), { architecture: arch, pool, ...(stores[0] ? { spill: stores[0] } : {}) }),
  garbledActivations.server(s, fromTextSeed('s'), { architecture: arch, pool, model: {}, ...(stores[1] ? { spill: stores[1] } : {}) }),
]);
let t = performance.now();
const [cl, sl] = await Promise.all([cs.preprocess(info, clientShare, fromTextSeed('cl')), ss.preprocess(info, masks, fromTextSeed('sl'))]);
console.log(`preprocessing ${relus} ReLUs: ${((performance.now() - t) / 1e3).toFixed(2)} s (not the figure of interest)`);

// Server online alone (it only sends).
let c0 = cpuMs();
t = performance.now();
await sl.online(s, serverShare);
const serverCpu = cpuMs() - c0;
const serverWall = performance.now() - t;

// Client online (with --profile: the main thread's CPU profile of this step, to gc-online.cpuprofile).
const profile = process.argv.includes('--profile');
let session;
if (profile) {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const elu0 = performance.eventLoopUtilization();
c0 = cpuMs();
t = performance.now();
const z = await cl.online(c);
const clientWall = performance.now() - t;
const clientCpu = cpuMs() - c0;
const elu = performance.eventLoopUtilization(elu0);
if (session) {
  const { profile: p } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync('gc-online.cpuprofile', JSON.stringify(p));
}

// Check a sample against the reference.
for (let i = 0; i < relus; i += Math.max(1, Math.floor(relus / 997))) {
  const want = reluReference(clientShare[i], serverShare[i], masks[i], { kind: 'relu', shift: f });
  if (z[i] !== want) throw new Error(`ReLU ${i}: got ${z[i]}, expected ${want}`);
}
await pool.close();
close();

// The bare kernel on one thread, same number of ReLUs, batches of 512 as the pool's tasks.
const circuit = reluCircuit({ kind: 'relu', shift: f });
const B = 512;
const g = garble(circuit, fromTextSeed('k'), { instances: B });
const gl = encodeInputs(circuit, g.secrets, 'garbler', new Uint8Array(circuit.inputBits('garbler') * B));
const el = encodeInputs(circuit, g.secrets, 'evaluator', new Uint8Array(circuit.inputBits('evaluator') * B));
c0 = cpuMs();
for (let done = 0; done < relus; done += B) evaluateGarbled(circuit, g.garbled, gl, el);
const kernelCpu = cpuMs() - c0;

const us = (ms) => ((1e3 * ms) / relus).toFixed(2);
console.log(`${relus} ReLUs, ${threads} threads, spill ${spill ? 'file' : 'memory'}:`);
console.log(`  server online: wall ${serverWall.toFixed(0)} ms, CPU ${serverCpu.toFixed(0)} ms (${us(serverCpu)} µs/ReLU)`);
console.log(`  client online: wall ${clientWall.toFixed(0)} ms (${us(clientWall)} µs/ReLU), CPU ${clientCpu.toFixed(0)} ms (${us(clientCpu)} µs/ReLU), main thread busy ${elu.active.toFixed(0)} ms`);
console.log(`  kernel alone (1 thread): CPU ${kernelCpu.toFixed(0)} ms (${us(kernelCpu)} µs/ReLU)`);
console.log(`  client CPU / kernel CPU: ${(clientCpu / kernelCpu).toFixed(2)}`);
