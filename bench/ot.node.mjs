// OT-extension throughput in plain Node on the compiled library, in CPU time (best of N runs; both
// parties in this one thread over the in-memory channel), with each AES backend (§5.1), then IKNP
// beside SoftSpokenOT with k = 1, 2, 4, 8 (§6.11) in the same run, random correlated OT (what the
// garbled ReLUs use), OpenSSL AES when available.
//
//   npx tsc -p tsconfig.build.json && node bench/ot.node.mjs [runs] [--schemes-only]
import { nodeAesAvailable, setAesBackend } from '../dist/hash/index.js';
import { memoryChannelPair } from '../dist/channel/index.js';
import { IKNP_SCHEME, OtExtReceiver, OtExtSender, softSpokenScheme } from '../dist/ot/index.js';
import { fromTextSeed } from '../dist/random/index.js';

const runs = Number(process.argv[2] ?? 6);
const schemesOnly = process.argv.includes('--schemes-only');
const N = 1 << 20;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
async function best(fn) {
  let rate = 0;
  for (let r = 0; r < runs; r++) {
    const t = cpuMs();
    await fn();
    rate = Math.max(rate, N / (cpuMs() - t) / 1e3);
  }
  return rate.toFixed(2);
}
/** Both parties' setup over a counting channel: setup CPU ms and the receiver's upload bytes for one batch. */
async function session(scheme) {
  const [a, b] = memoryChannelPair();
  const t = cpuMs();
  const [s, r] = await Promise.all([OtExtSender.setup(a, fromTextSeed('s'), { scheme }), OtExtReceiver.setup(b, fromTextSeed('r'), { scheme })]);
  return { s, r, b, setupMs: cpuMs() - t };
}
const choices = fromTextSeed('bench/ot-node').bytes(N).map((b) => b & 1);
if (!schemesOnly) {
  for (const backend of nodeAesAvailable() ? ['typescript', 'node-crypto'] : ['typescript']) {
    setAesBackend(backend);
    const { s, r } = await session(IKNP_SCHEME);
    const rc = await best(() => Promise.all([s.sendRandomCorrelated(N), r.receiveRandomCorrelated(choices)]));
    const co = await best(() => Promise.all([s.sendCorrelated(N, s.delta), r.receiveCorrelated(choices)]));
    const ro = await best(() => Promise.all([s.sendRandom(N), r.receiveRandom(choices)]));
    console.log(`AES backend ${backend}: random correlated ${rc} M OT/s, correlated ${co}, random ${ro} (both parties, one thread)`);
  }
}
if (nodeAesAvailable()) setAesBackend('node-crypto');
const schemes = [['IKNP', IKNP_SCHEME], ...[1, 2, 4, 8].map((k) => [`SoftSpokenOT k=${k}`, softSpokenScheme(k)])];
for (const [name, scheme] of schemes) {
  const { s, r, b, setupMs } = await session(scheme);
  const before = b.stats.bytesSent;
  const rc = await best(() => Promise.all([s.sendRandomCorrelated(N), r.receiveRandomCorrelated(choices)]));
  const up = (b.stats.bytesSent - before) / runs / N;
  console.log(`${name}: random correlated ${rc} M OT/s; receiver → sender ${up.toFixed(3)} B/OT; setup ${setupMs.toFixed(0)} ms CPU`);
}
