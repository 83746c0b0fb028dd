/**
 * The garbled-circuit activation backend (§9.9.4) inside the protocol: every tensor reconstructed
 * from both parties' shares equals the layer-by-layer reference (ReLU and ReLU6 exact, §8.10), with
 * the insecure dealer for linear layers and triples, and with the BFV linear backend on a small ring.
 * Also: a layer larger than one garbled batch, the traffic of a layer (tables, OT, labels), and
 * tampered tables and labels.
 */
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { DelphiError, ProtocolError } from '../../src/errors.js';
import { reluCost } from '../../src/gc/index.js';
import { memoryChannelPair } from '../../src/channel/index.js';
import { createModel, encodeInput, evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../src/nn/init.js';
import { bfvLinear, garbledActivations, insecureDealer, requestInference, runLocalInference, serveInference, type ProtocolBackend, type ProtocolProgress } from '../../src/protocol/index.js';
import { GC_ACTIVATION_TAG, GC_BATCH, garbledActivationsIknp, garbledActivationsWith } from '../../src/protocol/backends/garbled-activations.js';
import { fromTextSeed, type Rng } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, randomNetwork, reconstructSigned, referenceWalk, tamperingChannel, toSigned } from './helpers.js';

const P = 2061584302081;
const gcBackend: ProtocolBackend = { ...insecureDealer, activations: garbledActivations };
const small = bfv.createBfvParameters({
  polyModulusDegree: 1024,
  coeffModulus: bfv.createCoeffModulus(1024, [30, 30, 30, 30, 30, 30, 30]),
  plainModulus: P,
  insecure: true,
});
const heGcBackend: ProtocolBackend = { ...insecureDealer, linear: bfvLinear({ parameters: small }), activations: garbledActivations };

async function check(fp: FixedPointModel, rng: Rng, backend: ProtocolBackend, label: string, onProgress?: (e: ProtocolProgress) => void) {
  const x = randomInput(rng, fp.inputShape.reduce((a, b) => a * b, 1), -1, 1);
  const r = await runLocalInference(fp, x, {
    backend,
    allowInsecure: true,
    clientRng: rng.fork('c'),
    serverRng: rng.fork('s'),
    recordShares: true,
    ...(onProgress ? { onProgress } : {}),
  });
  const shares = r.shares!;
  const walk = referenceWalk(fp, encodeInput(fp, x).map((v) => toSigned(Number(v))), shares);
  fp.layers.forEach((layer, k) => {
    expect(reconstructSigned(shares.server.layers[k], shares.client.layers[k]), `${label}: layer ${k} ${layer.op}`).toEqual(walk.layers[k]);
  });
  if (!fp.layers.some((l) => l.op === 'quadratic')) expect(r.output.logits).toEqual(evaluateFixedPoint(fp, x).logits);
  return r;
}

describe('garbled-circuit activations in the protocol', () => {
  it('is secure and needs no opt-in by itself', () => {
    expect(garbledActivations.secure).toBe(true);
    expect(garbledActivations.id).toBe('garbled-circuits');
  });

  it('names its OT extension in its id (SoftSpokenOT k = 4 by default, §6.11), so that the handshake compares it', async () => {
    expect(garbledActivationsIknp.id).toBe('garbled-circuits-iknp');
    expect(garbledActivationsWith({ ot: { kind: 'softspoken', k: 2 } }).id).toBe('garbled-circuits-ss2');
    expect(garbledActivationsWith({ ot: { kind: 'softspoken', k: 4 } }).id).toBe('garbled-circuits');
    expect(() => garbledActivationsWith({ ot: { kind: 'softspoken', k: 9 } })).toThrow(/k must be/);
    // A client on IKNP and a server on SoftSpokenOT: refused at the handshake with a typed error.
    const fp = compile(NETWORKS.lenetLike(fromTextSeed('gc/mismatch')));
    const [a, b] = memoryChannelPair();
    const server = serveInference(a, fp, { backend: gcBackend, allowInsecure: true, rng: fromTextSeed('gc/mismatch/s') });
    const x = randomInput(fromTextSeed('gc/mismatch/x'), fp.inputShape.reduce((u, v) => u * v, 1), -1, 1);
    const client = requestInference(b, x, { backend: { ...gcBackend, activations: garbledActivationsIknp }, allowInsecure: true, rng: fromTextSeed('gc/mismatch/c') });
    const [s, c] = await Promise.allSettled([server, client]);
    expect(c.status).toBe('rejected');
    expect((c as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolError);
    expect(s.status).toBe('rejected');
  });

  it('IKNP and SoftSpokenOT k = 2, 8: the same outputs, every layer as the reference', async () => {
    for (const ot of [{ kind: 'iknp' } as const, { kind: 'softspoken', k: 2 } as const, { kind: 'softspoken', k: 8 } as const]) {
      const rng = fromTextSeed('gc/ot-schemes');
      await check(compile(NETWORKS.lenetLike(rng)), rng, { ...insecureDealer, activations: garbledActivationsWith({ ot }) }, `lenetLike, ${ot.kind}`);
    }
  });

  for (const name of ['lenetLike', 'residualNet', 'mixedNet', 'foldingNet']) {
    it(`${name}: every layer matches the reference`, async () => {
      const rng = fromTextSeed(`gc/${name}`);
      await check(compile(NETWORKS[name](rng)), rng, gcBackend, name);
    });
  }

  it('random ReLU/ReLU6/quadratic networks at f = 6, 8, 10', async () => {
    const rng = fromTextSeed('gc/random');
    for (let t = 0; t < 6; t++) await check(compile(randomNetwork(rng, ['relu', 'relu6', 'quadratic']), [6, 8, 10][t % 3]), rng, gcBackend, `random ${t}`);
  });

  it('with the BFV linear backend: HE + garbled circuits + Beaver', async () => {
    const rng = fromTextSeed('gc/bfv');
    await check(compile(NETWORKS.mixedNet(rng)), rng, heGcBackend, 'mixedNet (bfv)');
    await check(compile(randomNetwork(rng, ['relu', 'relu6'])), rng, heGcBackend, 'random (bfv)');
  });

  it(`a layer of more than ${GC_BATCH} ReLUs is garbled in batches; traffic as in §9.9.4`, async () => {
    const rng = fromTextSeed('gc/batches');
    const model = createModel({
      inputShape: [1, 26, 26],
      layers: [
        { type: 'conv2d', name: 'conv', outChannels: 8, kernel: 3, padding: 1, weights: kaimingUniform(rng, 72, 9), bias: uniformSymmetric(rng, 8, 0.2) },
        { type: 'relu', name: 'relu' },
        { type: 'flatten', name: 'flat' },
        { type: 'dense', name: 'fc', outFeatures: 3, weights: kaimingUniform(rng, 3 * 5408, 5408), bias: uniformSymmetric(rng, 3, 0.1) },
      ],
    });
    const fp = compile(model);
    const events: ProtocolProgress[] = [];
    const r = await check(fp, rng, gcBackend, 'batches', (e) => events.push(e));
    // The backend reports each of the two batches inside the ReLU step, in both phases.
    for (const phase of ['preprocessing', 'online'] as const) {
      const done = events.filter((e) => e.phase === phase).map((e) => e.done);
      expect(done.filter((d) => !Number.isInteger(d)).length, phase).toBeGreaterThanOrEqual(1);
      expect(done).toEqual([...done].sort((a, b) => a - b));
    }
    const n = 8 * 26 * 26;
    expect(n).toBeGreaterThan(GC_BATCH);
    const cost = reluCost({ kind: 'relu', shift: 8 });
    const batchesOf = [GC_BATCH, n - GC_BATCH];
    const pre = r.report.phases[1].steps.find((s) => s.op === 'relu')!;
    const online = r.report.phases[2].steps.find((s) => s.op === 'relu')!;
    // Preprocessing S→C: per batch a 16-byte frame, the 48-byte table header, 32 bytes per AND gate,
    // ⌈41·count/8⌉ decoding bytes; then the mask labels (frame 16 + label header 8 + 41·16 per
    // activation). C→S: SoftSpokenOT's corrections (§6.11, k = 4: 32 rows of 16 bytes per 128 OTs,
    // i.e. 4 bytes per OT, in chunks of 8192 OTs with 16-byte headers) and nothing else.
    const tables = batchesOf.reduce((s, c) => s + 16 + 48 + cost.tableBytes * c + Math.ceil((41 * c) / 8) + 16 + 8 + 41 * 16 * c, 0);
    expect(pre.serverToClient.bytes).toBe(tables);
    const otUpload = (ots: number): number => {
      let bytes = 0;
      for (let from = 0; from < ots; from += 8192) bytes += 16 + 16 * 32 * Math.ceil(Math.min(8192, ots - from) / 128);
      return bytes;
    };
    expect(pre.clientToServer.bytes).toBe(batchesOf.reduce((s, c) => s + otUpload(41 * c), 0));
    // Online: the labels of the server share only (frame 16 + label header 8 + 16 per share bit,
    // half of the garbler's inputs: the floor of 656 bytes per ReLU) S→C, the RESHARE C→S.
    expect(cost.serverLabelBytes).toBe(2 * 41 * 16);
    expect(online.serverToClient.bytes).toBe(batchesOf.reduce((s, c) => s + 16 + 8 + 41 * 16 * c, 0));
    expect(online.clientToServer.bytes).toBe(16 + 6 * n);
  });

  it('tampered tables or labels: typed errors, and the client aborts the server', async () => {
    const fp = compile(NETWORKS.foldingNet(fromTextSeed('gc/tamper')));
    const x = randomInput(fromTextSeed('gc/tamper x'), 64, -1, 1);
    for (const [tag, mutate] of [
      [GC_ACTIVATION_TAG.TABLES, (m: Uint8Array) => m.subarray(0, m.length - 1)],
      [GC_ACTIVATION_TAG.TABLES, (m: Uint8Array) => { m[16 + 8] ^= 1; return m; }], // circuit fingerprint
      [GC_ACTIVATION_TAG.LABELS, (m: Uint8Array) => { m[12] ^= 1; return m; }], // count
      [GC_ACTIVATION_TAG.LABELS, (m: Uint8Array) => m.subarray(0, 30)],
    ] as const) {
      const [a, b] = memoryChannelPair();
      const server = tamperingChannel(b, (m) => (m[0] === tag ? mutate(m) : m));
      const r = await Promise.allSettled([
        requestInference(a, x, { backend: gcBackend, allowInsecure: true }),
        serveInference(server, fp, { backend: gcBackend, allowInsecure: true }),
      ]);
      expect(r[0].status === 'rejected' && r[0].reason).toBeInstanceOf(DelphiError);
      expect(r[1].status === 'rejected' && r[1].reason).toBeInstanceOf(ProtocolError);
      expect(r[1].status === 'rejected' && (r[1].reason as Error).message).toMatch(/peer aborted/);
    }
  });
});
