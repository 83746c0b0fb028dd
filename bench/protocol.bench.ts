/**
 * Delphi protocol benchmarks (§9). Run: `npx vitest bench --run bench/protocol.bench.ts`.
 *
 * Networks of the paper with random weights (§8.14): Delphi's MNIST network (10,340 ReLUs) and
 * MiniONN's CIFAR-10 network (173,056 activations), each all-ReLU and with an illustrative plan
 * that replaces some ReLU layers by Delphi's quadratic (not the output of a planner run). Both
 * parties run in this one thread over the in-memory channel, so a phase's time is the sum of the
 * client's and the server's work. Each session is set up once; "preprocessing" is one
 * preprocessing phase, "online" one online phase on material from the preprocessing runs.
 *
 * Backends: the insecure dealer (§9.9.2), which measures the protocol layer itself (share
 * arithmetic, the server's linear layers, message sizes), and Delphi's: BFV linear layers at n = 8192
 * (§9.9.3) and garbled ReLUs (§9.9.4) — on MNIST only by default (MiniONN takes many minutes per
 * preprocessing; set DELPHI_BENCH_MINIONN=1 to include it), with square pairs from BFV (§9.9.5).
 * Bytes per phase and direction are printed once at start-up.
 */
import { bench, describe } from 'vitest';
import { memoryChannelPair } from '../src/channel/channel.js';
import { compileFixedPoint, delphiMnistNetwork, minionnCifar10Network, type ActivationChoice, type FixedPointModel, type Model } from '../src/nn/index.js';
import { delphiBackend, formatBytes, insecureDealer, type ClientSession, type ProtocolBackend, type ServerSession } from '../src/protocol/index.js';
import { clientHandshake } from '../src/protocol/client.js';
import { clientOnline, serverOnline } from '../src/protocol/online.js';
import { clientPreprocess, serverPreprocess, type ClientPreprocessed, type ServerPreprocessed } from '../src/protocol/preprocess.js';
import { serverHandshake } from '../src/protocol/serve-inference.js';
import { fromTextSeed, type Rng } from '../src/random/index.js';

const FAST = { warmupTime: 0, warmupIterations: 1, iterations: 4, time: 0 };
const SLOW = { warmupTime: 0, warmupIterations: 0, iterations: 2, time: 0 };
const withMiniOnn = typeof process !== 'undefined' && process.env.DELPHI_BENCH_MINIONN === '1';
const BACKENDS: Record<string, { backend: ProtocolBackend; allowInsecure: boolean; opts: typeof FAST; only?: RegExp }> = {
  'insecure-dealer': { backend: insecureDealer, allowInsecure: true, opts: FAST },
  delphi: {
    backend: delphiBackend(),
    allowInsecure: false,
    opts: SLOW,
    ...(withMiniOnn ? {} : { only: /^MNIST/ }),
  },
};

interface Variant {
  readonly name: string;
  readonly build: (rng: Rng) => Model;
}

const VARIANTS: Variant[] = [
  { name: 'MNIST all-ReLU', build: (rng) => delphiMnistNetwork(rng) },
  { name: 'MNIST planned (q, q, relu)', build: (rng) => delphiMnistNetwork(rng, { activations: ['quadratic', 'quadratic', 'relu'] }) },
  { name: 'MiniONN all-ReLU', build: (rng) => minionnCifar10Network(rng) },
  {
    name: 'MiniONN planned (4 of 7 quadratic)',
    build: (rng) =>
      minionnCifar10Network(rng, {
        activations: ['relu', 'quadratic', 'relu', 'quadratic', 'quadratic', 'relu', 'quadratic'] satisfies ActivationChoice[],
      }),
  },
];

function inputFor(model: FixedPointModel, rng: Rng): number[] {
  const n = model.inputShape.reduce((a, b) => a * b, 1);
  return Array.from(rng.bytes(n), (b) => b / 255);
}

for (const [backendName, { backend, allowInsecure, opts, only }] of Object.entries(BACKENDS)) {
  for (const variant of VARIANTS) {
    if (only && !only.test(variant.name)) continue;
    const rng = fromTextSeed(`bench/protocol/${variant.name}`);
    const model = compileFixedPoint(variant.build(rng));
    const x = inputFor(model, rng);
    const [a, b] = memoryChannelPair();
    const [cs, ss]: [ClientSession, ServerSession] = await Promise.all([
      clientHandshake(a, { backend, allowInsecure, rng: rng.fork('client') }),
      serverHandshake(b, model, { backend, allowInsecure, rng: rng.fork('server') }),
    ]);
    const queue: [ClientPreprocessed, ServerPreprocessed][] = [];
    const preprocess = async (): Promise<void> => {
      queue.push(await Promise.all([clientPreprocess(cs), serverPreprocess(ss)]));
    };
    const online = async (): Promise<void> => {
      if (queue.length === 0) await preprocess();
      const [cp, sp] = queue.shift()!;
      await Promise.all([clientOnline(cs, cp, x), serverOnline(ss, sp)]);
    };
    // One run outside the benchmark, for the traffic of each phase.
    await preprocess();
    const [cp, sp] = queue.shift()!;
    const [out] = await Promise.all([clientOnline(cs, cp, x), serverOnline(ss, sp)]);
    const line = (label: string, c: { clientToServer: { bytes: number }; serverToClient: { bytes: number }; ms: number }): string =>
      `${label}: C→S ${formatBytes(c.clientToServer.bytes)}, S→C ${formatBytes(c.serverToClient.bytes)} (one run: ${c.ms.toFixed(0)} ms)`;
    console.log(`[${backendName}] ${variant.name}\n  ${line('setup', cs.setup)}\n  ${line('preprocessing', cp.cost)}\n  ${line('online', out.cost)}`);

    describe(`${variant.name} [${backendName}]`, () => {
      bench('preprocessing', preprocess, opts);
      bench('online', online, opts);
    });
  }
}
