// OT-extension throughput in plain Node on the compiled library, in CPU time (best of N runs; both
// parties in this one thread over the in-memory channel), with each AES backend (§5.1).
//
//   npx tsc -p tsconfig.build.json && node bench/ot.node.mjs [runs]
import { nodeAesAvailable, setAesBackend } from '../dist/hash/index.js';
import { memoryChannelPair } from '../dist/channel/index.js';
import { OtExtReceiver, OtExtSender } from '../dist/ot/index.js';
import { fromTextSeed } from '../dist/random/index.js';

const runs = Number(process.argv[2] ?? 6);
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
const choices = fromTextSeed('bench/ot-node').bytes(N).map((b) => b & 1);
for (const backend of nodeAesAvailable() ? ['typescript', 'node-crypto'] : ['typescript']) {
  setAesBackend(backend);
  const [a, b] = memoryChannelPair();
  const [s, r] = await Promise.all([OtExtSender.setup(a, fromTextSeed('s')), OtExtReceiver.setup(b, fromTextSeed('r'))]);
  const rc = await best(() => Promise.all([s.sendRandomCorrelated(N), r.receiveRandomCorrelated(choices)]));
  const co = await best(() => Promise.all([s.sendCorrelated(N, s.delta), r.receiveCorrelated(choices)]));
  const ro = await best(() => Promise.all([s.sendRandom(N), r.receiveRandom(choices)]));
  console.log(`AES backend ${backend}: random correlated ${rc} M OT/s, correlated ${co}, random ${ro} (both parties, one thread)`);
}
