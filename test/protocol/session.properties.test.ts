/**
 * Properties of sessions stated in §9.2, §9.4, §9.5, §9.11: reproducible transcripts from seeds,
 * opt-in for insecure backends, matching backends and fingerprints, one use of preprocessed
 * material, several inferences per session, typed errors and ABORT on tampered messages, and
 * accounting that adds up to the channel's own counters.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { InsecureParametersError, MalformedInputError, ProtocolError, TransportError } from '../../src/errors.js';
import { memoryChannelPair, type Channel } from '../../src/channel/index.js';
import { evaluateFixedPoint, type FixedPointModel } from '../../src/nn/index.js';
import { clientHandshake } from '../../src/protocol/client.js';
import { clientOnline, serverOnline } from '../../src/protocol/online.js';
import { clientPreprocess, serverPreprocess } from '../../src/protocol/preprocess.js';
import { insecureDealer, requestInference, runLocalInference, serveInference, type ProtocolBackend, type ProtocolProgress } from '../../src/protocol/index.js';
import { mergeReports } from '../../src/protocol/accounting.js';
import { PROTOCOL_TAG } from '../../src/protocol/messages.js';
import { serverHandshake } from '../../src/protocol/serve-inference.js';
import { fromTextSeed } from '../../src/random/index.js';
import { NETWORKS, randomInput } from '../nn/helpers/networks.js';
import { compile, recordingChannel, tamperingChannel } from './helpers.js';

const model: FixedPointModel = compile(NETWORKS.mixedNet(fromTextSeed('session/model')));
const reluModel: FixedPointModel = compile(NETWORKS.lenetLike(fromTextSeed('session/lenet')));
const inputSize = (m: FixedPointModel): number => m.inputShape.reduce((a, b) => a * b, 1);
const input = (m: FixedPointModel, seed: string): Float64Array => randomInput(fromTextSeed(seed), inputSize(m), -1, 1);
const insecure = { backend: insecureDealer, allowInsecure: true } as const;

async function transcript(m: FixedPointModel, x: Float64Array, clientSeed: string, serverSeed: string): Promise<{ client: string; server: string; logits: bigint[] }> {
  const [a, b] = memoryChannelPair();
  const logA: { dir: 'sent' | 'received'; bytes: Uint8Array }[] = [];
  const logB: typeof logA = [];
  const [client] = await Promise.all([
    requestInference(recordingChannel(a, logA), x, { ...insecure, rng: fromTextSeed(clientSeed) }),
    serveInference(recordingChannel(b, logB), m, { ...insecure, rng: fromTextSeed(serverSeed) }),
  ]);
  const hash = (log: typeof logA): string => {
    const h = sha256.create();
    for (const e of log) h.update(Uint8Array.of(e.dir === 'sent' ? 1 : 2)).update(e.bytes);
    return bytesToHex(h.digest());
  };
  return { client: hash(logA), server: hash(logB), logits: client.logits };
}

describe('reproducibility (§9.2)', () => {
  it('the same seeds give the same transcript, other seeds another one with the same output', async () => {
    const x = input(model, 'session/x');
    const t1 = await transcript(model, x, 'client', 'server');
    const t2 = await transcript(model, x, 'client', 'server');
    expect(t2).toEqual(t1);
    const t3 = await transcript(model, x, 'client 2', 'server');
    expect(t3.client).not.toBe(t1.client);
    const t4 = await transcript(model, x, 'client', 'server 2');
    expect(t4.server).not.toBe(t1.server);
    // Quadratic layers make the last bits depend on the masks (§8.10); the ReLU network does not.
    const r1 = await transcript(reluModel, input(reluModel, 'session/y'), 'a', 'b');
    const r2 = await transcript(reluModel, input(reluModel, 'session/y'), 'c', 'd');
    expect(r2.logits).toEqual(r1.logits);
    expect(r1.logits).toEqual(evaluateFixedPoint(reluModel, input(reluModel, 'session/y')).logits);
  });

  it('MASKED_INPUT is x − r_in: same client seed, inputs differing by δ give messages differing by δ', async () => {
    const x = input(reluModel, 'session/z');
    const x2 = x.map((v, i) => (i === 3 ? v + 0.5 : v));
    const capture = async (v: Float64Array): Promise<Uint8Array> => {
      const [a, b] = memoryChannelPair();
      const log: { dir: 'sent' | 'received'; bytes: Uint8Array }[] = [];
      await Promise.all([
        requestInference(recordingChannel(a, log), v, { ...insecure, rng: fromTextSeed('same') }),
        serveInference(b, reluModel, { ...insecure, rng: fromTextSeed('server') }),
      ]);
      return log.find((e) => e.dir === 'sent' && e.bytes[0] === PROTOCOL_TAG.MASKED_INPUT)!.bytes;
    };
    const [m1, m2] = [await capture(x), await capture(x2)];
    const read = (m: Uint8Array, i: number): number => {
      const o = 16 + 6 * i;
      return m[o] + m[o + 1] * 2 ** 8 + m[o + 2] * 2 ** 16 + m[o + 3] * 2 ** 24 + m[o + 4] * 2 ** 32 + m[o + 5] * 2 ** 40;
    };
    const P = 2061584302081;
    for (let i = 0; i < inputSize(reluModel); i++) {
      const d = (read(m2, i) - read(m1, i) + P) % P;
      expect(d).toBe(i === 3 ? 128 : 0); // 0.5 at f = 8
    }
  });
});

describe('handshake (§9.5)', () => {
  it('an insecure backend needs opt-in on each side; nothing is sent without it', async () => {
    const [a, b] = memoryChannelPair();
    await expect(clientHandshake(a, { backend: insecureDealer })).rejects.toThrow(InsecureParametersError);
    await expect(serverHandshake(b, model, { backend: insecureDealer })).rejects.toThrow(InsecureParametersError);
    expect(a.stats.bytesSent + b.stats.bytesSent).toBe(0);
  });

  it('different backends: the server aborts, the client reports the reason', async () => {
    const other: ProtocolBackend = { ...insecureDealer, triples: { ...insecureDealer.triples, id: 'other-dealer' } };
    const [a, b] = memoryChannelPair();
    const [c, s] = await Promise.allSettled([
      clientHandshake(a, { backend: other, allowInsecure: true }),
      serverHandshake(b, model, insecure),
    ]);
    expect(s.status === 'rejected' && s.reason).toBeInstanceOf(ProtocolError);
    expect(s.status === 'rejected' && (s.reason as Error).message).toMatch(/triples backend "other-dealer"/);
    expect(c.status === 'rejected' && (c.reason as Error).message).toMatch(/peer aborted: server: CLIENT_HELLO/);
  });

  it('a pinned fingerprint must match', async () => {
    const [a, b] = memoryChannelPair();
    const [c, s] = await Promise.allSettled([
      clientHandshake(a, { ...insecure, expectedFingerprint: '00'.repeat(32) }),
      serverHandshake(b, model, insecure).then((sess) => serverPreprocess(sess)),
    ]);
    expect(c.status === 'rejected' && (c.reason as Error).message).toMatch(/fingerprint/);
    expect(s.status === 'rejected' && (s.reason as Error).message).toMatch(/peer aborted: client: SERVER_HELLO/);
    const [a2, b2] = memoryChannelPair();
    const [cs, ss] = await Promise.all([
      clientHandshake(a2, { ...insecure, rng: fromTextSeed('fp') }),
      serverHandshake(b2, model, { ...insecure, rng: fromTextSeed('fp2') }),
    ]);
    expect(cs.fingerprint).toBe(ss.fingerprint);
    expect(cs.architecture).toEqual(ss.architecture);
  });
});

async function session(m: FixedPointModel): Promise<[Awaited<ReturnType<typeof clientHandshake>>, Awaited<ReturnType<typeof serverHandshake>>]> {
  const [a, b] = memoryChannelPair();
  return Promise.all([
    clientHandshake(a, { ...insecure, rng: fromTextSeed('sess client') }),
    serverHandshake(b, m, { ...insecure, rng: fromTextSeed('sess server') }),
  ]);
}

describe('sessions', () => {
  it('several inferences in one session, each equal to the reference', async () => {
    const [cs, ss] = await session(reluModel);
    for (let t = 0; t < 3; t++) {
      const x = input(reluModel, `several ${t}`);
      const [cp, sp] = await Promise.all([clientPreprocess(cs), serverPreprocess(ss)]);
      const [out] = await Promise.all([clientOnline(cs, cp, x), serverOnline(ss, sp)]);
      expect(out.logits).toEqual(evaluateFixedPoint(reluModel, x).logits);
    }
  });

  it('preprocessed material is used once (§9.5)', async () => {
    const [cs, ss] = await session(reluModel);
    const [cp, sp] = await Promise.all([clientPreprocess(cs), serverPreprocess(ss)]);
    const x = input(reluModel, 'once');
    await Promise.all([clientOnline(cs, cp, x), serverOnline(ss, sp)]);
    await expect(clientOnline(cs, cp, x)).rejects.toThrow(/already used/);
    await expect(serverOnline(ss, sp)).rejects.toThrow(/already used/);
  });

  it('a wrong-sized input is rejected before anything is sent', async () => {
    const [cs, ss] = await session(reluModel);
    const [cp] = await Promise.all([clientPreprocess(cs), serverPreprocess(ss)]);
    const before = cs.channel.stats.bytesSent;
    await expect(clientOnline(cs, cp, [1, 2, 3])).rejects.toThrow(/input has 3 values/);
    expect(cs.channel.stats.bytesSent).toBe(before);
  });
});

describe('malformed and tampered messages', () => {
  async function tampered(tamperClient: (m: Uint8Array, i: number) => Uint8Array): Promise<[unknown, unknown]> {
    const [a, b] = memoryChannelPair();
    const x = input(model, 'tamper');
    const r = await Promise.allSettled([
      requestInference(tamperingChannel(a, tamperClient), x, { ...insecure, rng: fromTextSeed('t1') }),
      serveInference(b, model, { ...insecure, rng: fromTextSeed('t2') }),
    ]);
    return r.map((x) => (x.status === 'rejected' ? x.reason : null)) as [unknown, unknown];
  }

  it('a RESHARE element ≥ p: the server fails with MalformedInputError and the client learns why', async () => {
    const [c, s] = await tampered((m) => {
      if (m[0] === PROTOCOL_TAG.RESHARE) m.fill(0xff, 16, 22);
      return m;
    });
    expect(s).toBeInstanceOf(MalformedInputError);
    expect(c).toBeInstanceOf(ProtocolError);
    expect((c as Error).message).toMatch(/peer aborted: server: RESHARE .* not below p/);
  });

  it('a message for the wrong layer is a ProtocolError', async () => {
    const [, s] = await tampered((m) => {
      if (m[0] === PROTOCOL_TAG.RESHARE) m[4] ^= 1;
      return m;
    });
    expect(s).toBeInstanceOf(ProtocolError);
    expect((s as Error).message).toMatch(/expected layer/);
  });

  it('a truncated masked input is a MalformedInputError', async () => {
    const [, s] = await tampered((m) => (m[0] === PROTOCOL_TAG.MASKED_INPUT ? m.subarray(0, m.length - 1) : m));
    expect(s).toBeInstanceOf(MalformedInputError);
  });

  it('a closed channel is a TransportError on both sides', async () => {
    const [a, b] = memoryChannelPair();
    const closing: Channel = tamperingChannel(a, (m) => {
      if (m[0] === PROTOCOL_TAG.MASKED_INPUT) a.close('cable cut');
      return m;
    });
    const r = await Promise.allSettled([
      requestInference(closing, input(model, 'x'), insecure),
      serveInference(b, model, insecure),
    ]);
    for (const x of r) expect(x.status === 'rejected' && x.reason).toBeInstanceOf(TransportError);
  });

  it('runLocalInference reports the cause, not the peer reaction', async () => {
    const bad: ProtocolBackend = {
      ...insecureDealer,
      linear: {
        ...insecureDealer.linear,
        async server(channel, rng, setup) {
          const s = await insecureDealer.linear.server(channel, rng, setup);
          return { preprocess: async (l, k, r) => (await s.preprocess(l, k, r)).subarray(1) };
        },
      },
    };
    await expect(runLocalInference(model, input(model, 'x'), { backend: bad, allowInsecure: true })).rejects.toThrow(/wrong-sized share/);
  });
});

describe('accounting and progress (§9.11)', () => {
  it('per-step traffic adds up to the channel counters and both parties agree', async () => {
    const events: ProtocolProgress[] = [];
    const x = input(model, 'acct');
    const r = await runLocalInference(model, x, {
      ...insecure,
      clientRng: fromTextSeed('acct c'),
      serverRng: fromTextSeed('acct s'),
      onProgress: (e) => events.push(e),
    });
    expect(r.report.phases.map((p) => p.phase)).toEqual(['setup', 'preprocessing', 'online']);
    const sum = (f: (p: (typeof r.report.phases)[number]) => number): number => r.report.phases.reduce((s, p) => s + f(p), 0);
    for (const phase of r.report.phases) {
      const c2s = phase.steps.reduce((s, st) => s + st.clientToServer.bytes, 0);
      const s2c = phase.steps.reduce((s, st) => s + st.serverToClient.bytes, 0);
      expect(c2s).toBe(phase.clientToServer.bytes);
      expect(s2c).toBe(phase.serverToClient.bytes);
    }
    expect(sum((p) => p.clientToServer.bytes)).toBeGreaterThan(0);
    // merging checked that client and server agree; re-merge the party reports explicitly.
    expect(mergeReports(r.clientReport, r.serverReport)).toEqual(r.report);
    const online = r.report.phases[2];
    const n0 = inputSize(model);
    expect(online.steps[0]).toMatchObject({ label: 'input', clientToServer: { bytes: 16 + 6 * n0, messages: 1 }, serverToClient: { bytes: 0 } });
    const outN = model.layers.at(-1)!.shape.reduce((a, b) => a * b, 1);
    expect(online.steps.at(-1)).toMatchObject({ label: 'output', serverToClient: { bytes: 16 + 6 * outN, messages: 1 } });
    // Online: every ReLU layer costs a dealer result (S→C) and a RESHARE (C→S); a quadratic layer an
    // OPEN_SQUARE each way and a RESHARE; linear layers cost nothing.
    model.layers.forEach((layer, k) => {
      const st = online.steps[k + 1];
      const n = layer.shape.reduce((a, b) => a * b, 1);
      const vec = 16 + 6 * n;
      const want =
        layer.op === 'relu' || layer.op === 'relu6'
          ? [vec, vec]
          : layer.op === 'quadratic'
            ? [vec + vec, vec]
            : [0, 0];
      expect([st.clientToServer.bytes, st.serverToClient.bytes], `${st.label}`).toEqual(want);
    });
    // Progress: each phase counts up to its total.
    for (const phase of ['setup', 'preprocessing', 'online'] as const) {
      const ev = events.filter((e) => e.phase === phase);
      expect(ev[0].done).toBe(0);
      expect(ev.map((e) => e.done)).toEqual(ev.map((_, i) => i));
      expect(ev.at(-1)!.done).toBe(ev.at(-1)!.total);
    }
  });
});
