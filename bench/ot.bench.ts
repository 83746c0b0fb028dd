/**
 * Oblivious-transfer benchmarks. Run: `npx vitest bench --run bench/ot.bench.ts`.
 *
 * Both parties run in this one thread over the in-memory channel, so a batch's time is the sum of
 * the sender's and the receiver's work. Sessions are set up once (128 base OTs); each iteration is
 * one batch of 10^6 OTs. OTs/s = 10^6 / median; names carrying "[ops=N]" are reported per OT by
 * bench/report.mjs. Bytes per OT (both directions, headers included) are printed once at start-up.
 */
import { bench, describe } from 'vitest';
import { memoryChannelPair, type Channel } from '../src/channel/channel.js';
import { baseRandomOtReceive, baseRandomOtSend } from '../src/ot/base-ot.js';
import { IKNP_SCHEME, OtExtReceiver, OtExtSender, softSpokenScheme, type OtExtScheme } from '../src/ot/index.js';
import { ggmExpand } from '../src/ot/ggm.js';
import { transpose128 } from '../src/ot/transpose.js';
import { foldLeaves } from '../src/ot/softspoken-blocks.js';
import { fromTextSeed } from '../src/random/index.js';

const N = 1_000_000;
const OPTS = { warmupTime: 0, warmupIterations: 1, iterations: 5, time: 0 };
const rng = fromTextSeed('bench/ot');
const choices = rng.bytes(N).map((b) => b & 1);
const m0 = new Uint32Array(rng.bytes(16 * N).buffer);
const m1 = new Uint32Array(rng.bytes(16 * N).buffer);
const delta = new Uint32Array(rng.bytes(16).buffer);

const [sCh, rCh] = memoryChannelPair();
const [sender, receiver] = await Promise.all([
  OtExtSender.setup(sCh, fromTextSeed('bench/ot/sender')),
  OtExtReceiver.setup(rCh, fromTextSeed('bench/ot/receiver')),
]);

function traffic(channels: Channel[]): number {
  return channels.reduce((sum, c) => sum + c.stats.bytesSent, 0);
}

const variants = {
  'chosen-message OT': () => Promise.all([sender.send(m0, m1), receiver.receive(choices)]),
  'correlated OT (chosen Δ)': () => Promise.all([sender.sendCorrelated(N, delta), receiver.receiveCorrelated(choices)]),
  'random OT': () => Promise.all([sender.sendRandom(N), receiver.receiveRandom(choices)]),
  'random correlated OT (Δ = s)': () => Promise.all([sender.sendRandomCorrelated(N), receiver.receiveRandomCorrelated(choices)]),
};

// Bytes per OT of each variant, measured on one batch.
for (const [name, run] of Object.entries(variants)) {
  const before = traffic([sCh, rCh]);
  await run();
  console.log(`${name}: ${((traffic([sCh, rCh]) - before) / N).toFixed(3)} bytes/OT`);
}

describe(`OT extension, batches of ${N} (in-memory channel, both parties)`, () => {
  for (const [name, run] of Object.entries(variants)) {
    bench(`${name} [ops=${N}]`, async () => {
      await run();
    }, OPTS);
  }
});

// IKNP beside SoftSpokenOT (§6.11) on the variant the garbled ReLUs use, each on its own session,
// in the same run: compare the rows (the receiver's upload is printed at start-up).
const schemes: [string, OtExtScheme][] = [['IKNP', IKNP_SCHEME], ...[2, 4, 8].map((k): [string, OtExtScheme] => [`SoftSpokenOT k = ${k}`, softSpokenScheme(k)])];
const schemeSessions = await Promise.all(
  schemes.map(async ([name, scheme]) => {
    const [a, b] = memoryChannelPair();
    const [s, r] = await Promise.all([OtExtSender.setup(a, fromTextSeed('bench/ot/s2'), { scheme }), OtExtReceiver.setup(b, fromTextSeed('bench/ot/r2'), { scheme })]);
    const before = b.stats.bytesSent;
    await Promise.all([s.sendRandomCorrelated(N), r.receiveRandomCorrelated(choices)]);
    console.log(`${name}, random correlated OT: receiver → sender ${((b.stats.bytesSent - before) / N).toFixed(3)} bytes/OT`);
    return { name, run: () => Promise.all([s.sendRandomCorrelated(N), r.receiveRandomCorrelated(choices)]) };
  }),
);

describe(`random correlated OT by scheme, batches of ${N} (in-memory channel, both parties)`, () => {
  for (const { name, run } of schemeSessions) {
    bench(`${name} [ops=${N}]`, async () => {
      await run();
    }, OPTS);
  }
});

describe('building blocks', () => {
  const W = 4 * 64;
  const rows = new Uint32Array(rng.bytes(4 * 128 * W).buffer);
  const out = new Uint32Array(4 * 32 * W);
  bench(`transpose128, 128 × ${32 * W} bits [ops=${32 * W}]`, () => {
    transpose128(rows, W, 32 * W, out);
  });

  const leaves = new Uint32Array(rng.bytes(4 * 16 * W).buffer);
  const planes = new Uint32Array(128 * W);
  bench(`foldLeaves, 16 leaves (k = 4) × ${32 * W} bits [ops=${32 * W}]`, () => {
    foldLeaves(leaves.slice(), 4, W, planes, 0);
  });

  const top: [Uint8Array, Uint8Array] = [rng.bytes(16), rng.bytes(16)];
  bench('GGM tree of depth 8 (254 node expansions) [ops=256]', () => {
    ggmExpand(top, 8);
  }, { iterations: 5, time: 0 });

  bench('128 Chou–Orlandi base OTs (both parties) [ops=128]', async () => {
    const [x, y] = memoryChannelPair();
    await Promise.all([
      baseRandomOtSend(x, 128, fromTextSeed('bench/base-s')),
      baseRandomOtReceive(y, new Uint8Array(128).fill(1), fromTextSeed('bench/base-r')),
    ]);
  }, { iterations: 5, time: 0 });
});
