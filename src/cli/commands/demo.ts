/**
 * `delphi demo`: a guided run of what the library can do today, on fixed seeds. Each step computes
 * something with the library and checks it against an independent computation (BigInt, plaintext),
 * printing both.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { CliCommand, CliIo } from '../command.js';
import { EXIT } from '../command.js';
import { fromSeed, seedFromHex, systemSeed, uniformBelow } from '../../random/index.js';
import {
  createNttTables,
  generateNttPrimes,
  minimalPrimitiveRoot,
  mulModP,
  negacyclicMultiply,
  negacyclicMultiplyRef,
  P,
  P_BIG,
} from '../../math/index.js';
import { decodeFixedVec, encodeFixedVec, reconstruct, share } from '../../sharing/index.js';
import { dealTriples, multiplyFixed } from '../../beaver/index.js';
import { memoryChannelPair } from '../../channel/index.js';
import { evaluateFixedPoint } from '../../nn/index.js';
import { delphiBackend, formatBytes, insecureDealer, runLocalInference, type ProtocolProgress } from '../../protocol/index.js';
import { loadMnist } from '../mnist.js';
import { progressPrinter } from '../progress.js';
import { loadServedModel } from '../remote.js';

const usage = `Usage: delphi demo [--seed HEX] [--model FILE] [--quick]

Runs a short tour of the building blocks, printing what each step computes and checking it against
an independent computation, and ends with a private inference (client and server in this process)
on the first MNIST test image with the shipped model.
  --seed HEX     32-byte seed (64 hex digits) for a reproducible run (default: fresh randomness)
  --model FILE   model of the private inference (default: models/mnist-small.json)
  --quick        run the inference with the insecure dealer instead of Delphi's backend (fast, NOT private)`;

/** models/mnist-small.json of the package (src/cli/commands → ../../../models, as from dist/cli/commands). */
const DEFAULT_MODEL = new URL('../../../models/mnist-small.json', import.meta.url);

const list = (xs: ArrayLike<number | bigint>): string => `[${Array.from(xs as ArrayLike<number>).join(', ')}]`;
const check = (ok: boolean): string => (ok ? 'ok' : 'MISMATCH');

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run a guided demonstration of the building blocks',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { seed: { type: 'string' }, model: { type: 'string' }, quick: { type: 'boolean' } },
      strict: true,
    });
    const seed = values.seed ? seedFromHex(values.seed) : systemSeed();
    io.out(`delphi-ts demo (seed ${bytesToHex(seed)})\n\n`);
    const rng = fromSeed(seed);
    let allOk = true;

    io.out(`1. Seeded randomness (§2): first 16 bytes of the ChaCha20 stream: ${bytesToHex(rng.fork('bytes').bytes(16))}\n\n`);

    // 2. Negacyclic polynomial product via the NTT, checked against the schoolbook product in BigInt.
    const n = 8;
    const [q] = generateNttPrimes(30, n, 1);
    const tables = createNttTables(n, q);
    const polyRng = rng.fork('ntt');
    const a = Uint32Array.from({ length: n }, () => uniformBelow(polyRng, q));
    const b = Uint32Array.from({ length: n }, () => uniformBelow(polyRng, q));
    const viaNtt = negacyclicMultiply(a, b, tables);
    const viaRef = negacyclicMultiplyRef([...a].map(BigInt), [...b].map(BigInt), BigInt(q)).map(Number);
    const nttOk = viaRef.every((v, i) => v === viaNtt[i]);
    allOk &&= nttOk;
    io.out(`2. The NTT (§3): in Z_q[X]/(X^${n}+1) with q = ${q} (minimal primitive ${2 * n}-th root ${minimalPrimitiveRoot(2 * n, q)})\n`);
    io.out(`   a     = ${list(a)}\n   b     = ${list(b)}\n   a·b   = ${list(viaNtt)}\n`);
    io.out(`   schoolbook product in BigInt: ${check(nttOk)}\n\n`);

    // 3. The share field without BigInt.
    const x = uniformBelow(rng.fork('field'), P);
    const y = uniformBelow(rng.fork('field2'), P);
    const prod = mulModP(x, y);
    const prodOk = BigInt(prod) === (BigInt(x) * BigInt(y)) % P_BIG;
    allOk &&= prodOk;
    io.out(`3. The share field Z_p, p = ${P} = 15·2^37 + 1 (§3.2): ${x} · ${y} mod p = ${prod}  (BigInt: ${check(prodOk)})\n\n`);

    // 4. Secret-shared fixed-point multiplication with Beaver triples over an in-memory channel.
    const xs = [1.5, -2.25, 3.0];
    const ys = [2.0, 0.5, -1.25];
    const shareRng = rng.fork('sharing');
    const [x0, x1] = share(encodeFixedVec(xs), shareRng);
    const [y0, y1] = share(encodeFixedVec(ys), shareRng);
    const [t0, t1] = dealTriples(xs.length, shareRng);
    const [c0, c1] = memoryChannelPair();
    const [z0, z1] = await Promise.all([multiplyFixed(c0, 0, x0, y0, t0), multiplyFixed(c1, 1, x1, y1, t1)]);
    const z = decodeFixedVec(reconstruct(z0, z1));
    const expected = xs.map((v, i) => v * ys[i]);
    const beaverOk = expected.every((v, i) => Math.abs(v - z[i]) <= 2 / 256);
    allOk &&= beaverOk;
    io.out(`4. Secret sharing and Beaver multiplication (§7), 8 fractional bits:\n`);
    io.out(`   x = ${list(xs)}, y = ${list(ys)}\n   party 0 holds x0 = ${list(x0)}\n`);
    io.out(`   opened x·y = ${list(z)}  (plaintext ${list(expected)}, truncation error ≤ 1/256: ${check(beaverOk)})\n`);
    io.out(`   bytes sent by each party: ${c0.stats.bytesSent} and ${c1.stats.bytesSent}\n\n`);

    // 5. Private inference: the whole Delphi protocol between a client and a server in this process.
    const model = await loadServedModel(values.model ?? fileURLToPath(DEFAULT_MODEL));
    const mnist = await loadMnist({ split: 'test', limit: 1 });
    const image = Array.from(mnist.images[0]);
    const quick = values.quick === true;
    io.out(`5. Private inference (§9): model "${model.name}", first MNIST test image (label ${mnist.labels[0]})\n`);
    io.out(
      quick
        ? '   backend: the INSECURE dealer (--quick): the server learns the image; only the protocol logic is shown\n'
        : "   backend: Delphi's — BFV (n = 8192) for linear layers, garbled circuits for ReLUs, BFV square pairs\n",
    );
    const progress = progressPrinter(io);
    const onProgress = (e: ProtocolProgress): void => progress({ phase: `client ${e.phase}`, item: e.item, done: e.done, total: e.total });
    const result = await runLocalInference(model, image, {
      backend: quick ? insecureDealer : delphiBackend(),
      allowInsecure: quick,
      clientRng: rng.fork('protocol client'),
      serverRng: rng.fork('protocol server'),
      onProgress,
    });
    progress.finish();
    const reference = evaluateFixedPoint(model, image);
    const inferenceOk = result.output.logits.every((v, i) => v === reference.logits[i]);
    allOk &&= inferenceOk;
    io.out(`   the client learns: prediction ${result.output.prediction}, logits [${result.output.decoded.map((v) => v.toFixed(2)).join(', ')}]\n`);
    io.out(`   equal to the plaintext fixed-point evaluation (§8.9), bit for bit: ${check(inferenceOk)}\n`);
    for (const phase of result.report.phases) {
      io.out(`   ${phase.phase.padEnd(13)} client→server ${formatBytes(phase.clientToServer.bytes).padStart(9)}, server→client ${formatBytes(phase.serverToClient.bytes).padStart(9)}\n`);
      io.err(`   ${phase.phase.padEnd(13)} ${(phase.clientMs / 1000).toFixed(2)} s (client's view)\n`);
    }
    io.out('   (the server saw only masked values; the client learned the output and nothing else about the weights)\n');
    return allOk ? EXIT.OK : EXIT.FAILURE;
  },
};
