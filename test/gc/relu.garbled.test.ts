/**
 * Garbled ReLU batches end to end against the plaintext activation of src/nn (reluFixed,
 * relu6Fixed): edge cases and 10^4 random shares per activation, with the garbled batch and the
 * server's labels going through their byte encodings, and a batch whose client labels come from a
 * real correlated OT.
 */
import { describe, expect, it } from 'vitest';
import { OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { deserializeGarbledCircuit, evaluateRelus, garbleRelus, reluClientChoiceBits, reluClientLabels, reluCost, reluReference, reluServerLabels, reluCircuit, sampleDelta, serializeGarbledCircuit, type ReluKind } from '../../src/gc/index.js';
import { deserializeLabels, serializeLabels } from '../../src/gc/serialize.js';
import { GarblerSession } from '../../src/gc/garble.js';
import { P, P_HALF } from '../../src/math/share-field.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { relu6Fixed, reluFixed } from '../../src/sharing/activations.js';
import { OtExtReceiver, OtExtSender } from '../../src/ot/index.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const mod = (v: number): number => ((v % P) + P) % P;

function batch(kind: ReluKind, f: number, label: string, size = 10_000): { c: Float64Array; s: Float64Array; m: Float64Array; want: Float64Array } {
  const rng = fromTextSeed(label);
  const pick = (): number => uniformBelow(rng, P);
  const ys = [0, 1, -1, P_HALF, -P_HALF, 2 ** f - 1, 2 ** f, -(2 ** f), 6 * 2 ** (2 * f) - 1, 6 * 2 ** (2 * f), 6 * 2 ** (2 * f) + 2 ** f];
  const c: number[] = [];
  const s: number[] = [];
  for (const y of ys.filter((v) => Math.abs(v) <= P_HALF)) {
    const sv = pick();
    c.push(mod(y - sv), mod(y), P - 1);
    s.push(sv, 0, mod(y + 1));
  }
  // (p + 1)/2 and p − 1 as field elements of y
  c.push((P + 1) / 2, P - 1);
  s.push(0, 0);
  while (c.length < size) {
    c.push(pick());
    s.push(pick());
  }
  const m = Float64Array.from(c, () => pick());
  m[0] = 0;
  m[1] = P - 1;
  const want = Float64Array.from(c, (ci, i) => {
    const y = mod(ci + s[i]);
    const ys = y > P_HALF ? y - P : y;
    return mod((kind === 'relu' ? reluFixed(ys, f) : relu6Fixed(ys, f)) + m[i]);
  });
  return { c: Float64Array.from(c), s: Float64Array.from(s), m, want };
}

describe('garbled ReLU batches = src/nn activations', () => {
  const configs: [ReluKind, number, number][] = [
    ['relu', 8, 10_000],
    ['relu6', 8, 10_000],
    ['relu', 0, 2000],
    ['relu6', 5, 2000],
  ];
  for (const [kind, f, size] of configs) {
    it(`${kind}, f = ${f}: ${size} ReLUs through the byte encodings`, () => {
      const { c, s, m, want } = batch(kind, f, `gc/relu-batch/${kind}/${f}`, size);
      const g = garbleRelus(c.length, fromTextSeed(`gc/relu-batch/${kind}/${f}/garbler`), { kind, shift: f });
      const params = { kind, shift: f };
      // server → client: garbled batch (preprocessing) and the server's labels (online)
      const gcBytes = serializeGarbledCircuit(g.circuit, g.garbled);
      const labelBytes = serializeLabels(reluServerLabels(g, s, m));
      const { garbled } = deserializeGarbledCircuit(gcBytes, reluCircuit(params));
      const serverLabels = deserializeLabels(labelBytes, 82 * c.length);
      const got = evaluateRelus(params, garbled, serverLabels, reluClientLabels(g, c));
      const bad = got.findIndex((v, i) => v !== want[i]);
      expect(bad, bad >= 0 ? `c=${c[bad]} s=${s[bad]} m=${m[bad]}: got ${got[bad]}, want ${want[bad]}` : '').toBe(-1);
      // reluReference is the same function
      for (let i = 0; i < 50; i++) expect(reluReference(c[i], s[i], m[i], params)).toBe(want[i]);
      // the server's share −m and the client's output reconstruct act(x)
      expect(mod(got[5] - m[5])).toBe(mod(want[5] - m[5]));
      expect(gcBytes.length).toBe(48 + 32 * reluCost(params).andGates * c.length + Math.ceil((41 * c.length) / 8));
    });
  }
});

describe('client labels by correlated OT', () => {
  it('COT with the garbling Δ delivers the client labels; the batch evaluates correctly', async () => {
    const n = 300;
    const { c, s, m, want } = batch('relu', 8, 'gc/relu-cot');
    const [cs, ss, ms, ws] = [c, s, m, want].map((v) => v.subarray(0, n));
    const rng = fromTextSeed('gc/relu-cot/run');
    const delta = sampleDelta(rng.fork('delta'));
    const [sCh, rCh] = memoryChannelPair();
    const [sender, receiver] = await Promise.all([OtExtSender.setup(sCh, rng.fork('s')), OtExtReceiver.setup(rCh, rng.fork('r'))]);
    const [m0, clientLabels] = await Promise.all([sender.sendCorrelated(41 * n, delta), receiver.receiveCorrelated(reluClientChoiceBits(cs))]);
    const g = garbleRelus(n, rng.fork('garble'), { delta, clientZeroLabels: m0 });
    const got = evaluateRelus({}, g.garbled, reluServerLabels(g, ss, ms), clientLabels);
    expect(Array.from(got)).toEqual(Array.from(ws));
  });
});

describe('argument checks', () => {
  it('refuses non-field values and mismatched counts', () => {
    const g = garbleRelus(2, fromTextSeed('gc/relu-args'));
    expect(() => reluServerLabels(g, Float64Array.of(0, P), Float64Array.of(0, 0))).toThrow(OutOfRangeError);
    expect(() => reluServerLabels(g, Float64Array.of(0), Float64Array.of(0))).toThrow(SizeMismatchError);
    expect(() => reluClientChoiceBits(Float64Array.of(-1))).toThrow(OutOfRangeError);
    expect(() => reluClientLabels(g, Float64Array.of(1, 2, 3))).toThrow(SizeMismatchError);
    expect(() => garbleRelus(1, fromTextSeed('x'), { shift: 37 })).toThrow(/shift/);
    expect(() => garbleRelus(1, fromTextSeed('x'), { kind: 'gelu' as never })).toThrow(/kind/);
  });
  it('reluCost reports the AND gates and bytes', () => {
    expect(reluCost()).toEqual({ andGates: 258, tableBytes: 8256, serverLabelBytes: 1312, clientOts: 41 });
    expect(reluCost({ kind: 'relu6' }).andGates).toBe(292);
  });
});

describe('GarblerSession', () => {
  it('layers garbled under one Δ get disjoint gate ids and all evaluate correctly', () => {
    const session = new GarblerSession(fromTextSeed('gc/session'));
    expect(session.delta[0] & 1).toBe(1);
    const { c, s, m, want } = batch('relu', 8, 'gc/session/data', 200);
    const first = garbleRelus(100, session);
    const second = garbleRelus(100, session, { kind: 'relu6' });
    expect(first.secrets.delta).toEqual(session.delta);
    expect(second.secrets.delta).toEqual(session.delta);
    expect(first.garbled.firstGateId).toBe(0);
    expect(second.garbled.firstGateId).toBe(100 * 258);
    expect(session.nextGateId).toBe(100 * 258 + 100 * 292);
    const out1 = evaluateRelus({}, first.garbled, reluServerLabels(first, s.subarray(0, 100), m.subarray(0, 100)), reluClientLabels(first, c.subarray(0, 100)));
    expect(Array.from(out1)).toEqual(Array.from(want.subarray(0, 100)));
    const out2 = evaluateRelus({ kind: 'relu6' }, second.garbled, reluServerLabels(second, s.subarray(100), m.subarray(100)), reluClientLabels(second, c.subarray(100)));
    expect(Array.from(out2)).toEqual(Array.from(c.subarray(100), (ci, i) => reluReference(ci, s[100 + i], m[100 + i], { kind: 'relu6' })));
    expect(() => garbleRelus(1, session, { firstGateId: 5 })).toThrow(/session/);
  });
});
