/**
 * Secret-sharing and Beaver benchmarks. Run: `npx vitest bench --run bench/sharing.bench.ts`.
 *
 * Vectors of N = 10^5 entries. Online protocols run both parties in this one thread over the
 * in-memory channel, so a batch's time is the sum of both parties' work. Each iteration reuses the
 * same triples (insecure, fine for timing). Names carrying "[ops=N]" are reported per entry by
 * bench/report.mjs; ops/s = N / median. Bytes per operation (sent by one party; both send the
 * same amount) are printed once at start-up.
 */
import { bench, describe } from 'vitest';
import {
  beaverMultiply,
  beaverSquare,
  dealSquarePairs,
  dealTriples,
  quadraticActivation,
} from '../src/beaver/index.js';
import { memoryChannelPair } from '../src/channel/channel.js';
import { fromTextSeed } from '../src/random/index.js';
import { encodeFixedVec, share, truncateShare } from '../src/sharing/index.js';

const N = 100_000;
const OPTS = { warmupTime: 0, warmupIterations: 2, iterations: 10, time: 0 };
const rng = fromTextSeed('bench/sharing');

const reals = Float64Array.from({ length: N }, () => (rng.uint32() / 2 ** 32 - 0.5) * 16);
const x = encodeFixedVec(reals);
const y = encodeFixedVec(reals.map((v) => v / 2));
const xs = share(x, rng);
const ys = share(y, rng);
const triples = dealTriples(N, rng);
const pairs = dealSquarePairs(N, rng);
const [c0, c1] = memoryChannelPair();

const online = {
  'beaverMultiply': () => Promise.all([beaverMultiply(c0, 0, xs[0], ys[0], triples[0]), beaverMultiply(c1, 1, xs[1], ys[1], triples[1])]),
  'beaverSquare': () => Promise.all([beaverSquare(c0, 0, xs[0], pairs[0]), beaverSquare(c1, 1, xs[1], pairs[1])]),
  'quadraticActivation (square pairs)': () =>
    Promise.all([quadraticActivation(c0, 0, xs[0], pairs[0]), quadraticActivation(c1, 1, xs[1], pairs[1])]),
  'quadraticActivation (triples)': () =>
    Promise.all([quadraticActivation(c0, 0, xs[0], triples[0]), quadraticActivation(c1, 1, xs[1], triples[1])]),
};

for (const [name, run] of Object.entries(online)) {
  const before = c0.stats.bytesSent;
  await run();
  console.log(`${name}: ${((c0.stats.bytesSent - before) / N).toFixed(4)} bytes per entry sent by each party`);
}

describe(`trusted dealer, batches of ${N}`, () => {
  bench(`dealTriples [ops=${N}]`, () => {
    dealTriples(N, rng);
  }, OPTS);
  bench(`dealSquarePairs [ops=${N}]`, () => {
    dealSquarePairs(N, rng);
  }, OPTS);
});

describe(`local operations, vectors of ${N}`, () => {
  bench(`share [ops=${N}]`, () => {
    share(x, rng);
  }, OPTS);
  bench(`truncateShare, both parties [ops=${N}]`, () => {
    truncateShare(0, xs[0], 8);
    truncateShare(1, xs[1], 8);
  }, OPTS);
});

describe(`online protocols, vectors of ${N} (in-memory channel, both parties)`, () => {
  for (const [name, run] of Object.entries(online)) {
    bench(`${name} [ops=${N}]`, async () => {
      await run();
    }, OPTS);
  }
});
