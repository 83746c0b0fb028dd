/**
 * Transport benchmarks. Run: `npx vitest bench --run bench/net.bench.ts`.
 *
 * Framing (encode + decode in 64 KiB chunks, as a socket delivers them), the HELLO, a round trip
 * over the in-memory pair and over loopback TCP (both ends in this process, so a round trip is
 * both parties' work plus two kernel crossings), and PNG input decoding. Names carrying
 * "[ops=N]" are reported per item by bench/report.mjs (here N = bytes, so ops/s = bytes/s).
 */
import { afterAll, bench, describe } from 'vitest';
import { decodeHello, encodeHello, helloFromOptions } from '../src/net/handshake.js';
import { encodeDataFrame, FrameDecoder, memoryChannelPair } from '../src/channel/index.js';
import { connectTcp, listenTcp, type TcpChannel, type TcpServer } from '../src/net/node.js';
import { decodePng, encodePng } from '../src/cli/png.js';
import { fromTextSeed } from '../src/random/index.js';

const OPTS = { warmupTime: 0, warmupIterations: 2, iterations: 20, time: 0 };
const rng = fromTextSeed('bench/net');
const MIB = 2 ** 20;
const big = rng.bytes(4 * MIB);
const small = rng.bytes(64);

function decodeInChunks(frame: Uint8Array, chunk = 65536): void {
  const decoder = new FrameDecoder();
  for (let at = 0; at < frame.length; at += chunk) decoder.push(frame.subarray(at, at + chunk));
}

describe('framing', () => {
  const bigFrame = encodeDataFrame(big);
  const many = new Uint8Array(1000 * (4 + small.length));
  for (let i = 0; i < 1000; i++) many.set(encodeDataFrame(small), i * (4 + small.length));
  bench(`encodeDataFrame 4 MiB [ops=${4 * MIB}]`, () => void encodeDataFrame(big), OPTS);
  bench(`FrameDecoder 4 MiB in 64 KiB chunks [ops=${4 * MIB}]`, () => decodeInChunks(bigFrame), OPTS);
  bench(`FrameDecoder 1000 × 64-byte frames in 64 KiB chunks [ops=${many.length}]`, () => decodeInChunks(many), OPTS);
  const hello = helloFromOptions({ role: 'client', params: { 'model-fingerprint': 'ab'.repeat(32), backend: 'linear=x;activations=y;triples=z' } });
  const helloBytes = encodeHello(hello);
  bench('encodeHello + decodeHello', () => void decodeHello(encodeHello(hello)), { ...OPTS, iterations: 2000 });
  void helloBytes;
});

// Top-level await: bench mode runs no beforeAll hooks.
const echoServer: TcpServer = await listenTcp({
  handler: async (channel) => {
    for (;;) channel.send(await channel.recv());
  },
});
const tcp: TcpChannel = await connectTcp(`127.0.0.1:${echoServer.address.port}`);

describe('round trips', () => {
  const [m0, m1] = memoryChannelPair();
  afterAll(async () => {
    tcp.close();
    await echoServer.close({ graceMs: 0 });
  });
  const echoMemory = async (m: Uint8Array) => {
    m0.send(m);
    m1.send(await m1.recv());
    await m0.recv();
  };
  const echoTcp = async (m: Uint8Array) => {
    tcp.send(m);
    await tcp.recv();
  };
  bench('memory pair, 64-byte echo', () => echoMemory(small), { ...OPTS, iterations: 500 });
  bench('TCP loopback, 64-byte echo', () => echoTcp(small), { ...OPTS, iterations: 500 });
  bench(`memory pair, 4 MiB echo [ops=${8 * MIB}]`, () => echoMemory(big), OPTS);
  bench(`TCP loopback, 4 MiB echo [ops=${8 * MIB}]`, () => echoTcp(big), OPTS);
});

describe('input loading', () => {
  const digit = Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
  const png = encodePng({ width: 28, height: 28, channels: 1, sampleDepth: 8, samples: digit });
  const photo = encodePng({ width: 512, height: 512, channels: 3, sampleDepth: 8, samples: rng.bytes(512 * 512 * 3) });
  bench('decodePng 28×28 grey', () => void decodePng(png), { ...OPTS, iterations: 500 });
  bench(`decodePng 512×512 RGB [ops=${512 * 512}]`, () => void decodePng(photo), OPTS);
});
