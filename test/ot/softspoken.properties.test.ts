/**
 * SoftSpokenOT (§6.11) against its defining properties: for every k the receiver gets m^{r_i}_i
 * (compared with both of the sender's messages) and not the other, the random correlated outputs
 * satisfy t_i = q_i ⊕ r_i·s with the sender's s (so the garbling's free-XOR Δ is unchanged), the
 * receiver's upload is ⌈128/k⌉ rows per chunk, the transcript is a function of the seeds, and k = 1
 * is IKNP message for message.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { OtExtReceiver, OtExtSender } from '../../src/ot/iknp.js';
import { IKNP_SCHEME, type OtExtScheme, softSpokenScheme, softSpokenRows, softSpokenWidths, ggmSumsBytes } from '../../src/ot/softspoken.js';
import { OT_TAG } from '../../src/ot/wire.js';
import { randomBlocks, randomChoices, recordedPair, rngFor } from './helpers.js';

async function session(scheme: OtExtScheme, label: string, options: { delta?: Uint32Array; chunkSize?: number } = {}) {
  const [a, b] = recordedPair();
  const [s, r] = await Promise.all([
    OtExtSender.setup(a, rngFor(`${label}/s`), { scheme, ...(options.delta ? { delta: options.delta } : {}) }),
    OtExtReceiver.setup(b, rngFor(`${label}/r`), { scheme, chunkSize: options.chunkSize ?? 256 }),
  ]);
  return { s, r, a, b };
}

function block(words: Uint32Array, i: number): number[] {
  return Array.from(words.subarray(4 * i, 4 * i + 4));
}

describe('SoftSpokenOT', () => {
  it('splits the 128 rows into blocks of k (the last one shorter when k does not divide 128)', () => {
    expect(softSpokenWidths(4)).toEqual(new Array(32).fill(4));
    expect(softSpokenWidths(3)).toEqual([...new Array(42).fill(3), 2]);
    expect(softSpokenWidths(7).reduce((a, b) => a + b, 0)).toBe(128);
    expect(softSpokenRows(8)).toBe(16);
    expect(() => softSpokenScheme(0)).toThrow(/k must be/);
    expect(() => softSpokenScheme(9)).toThrow(/k must be/);
  });

  for (const k of [1, 2, 3, 4, 5, 8]) {
    it(`k = ${k}: chosen, random and random correlated OT deliver m^r and not m^(1−r)`, async () => {
      const n = 700; // 3 chunks of 256, the last partial
      const { s, r, b } = await session(softSpokenScheme(k), `k${k}`);
      const choices = randomChoices(`k${k}`, n);
      const m0 = randomBlocks(`k${k}/m0`, n);
      const m1 = randomBlocks(`k${k}/m1`, n);
      const sentBefore = b.sent.length;
      const [, got] = await Promise.all([s.send(m0, m1), r.receive(choices)]);
      // Upload: ⌈128/k⌉ rows of 16·⌈count/128⌉ bytes per chunk, plus the 16-byte header.
      const uploads = b.sent.slice(sentBefore).map((m) => m.length);
      const rows = softSpokenRows(k);
      expect(uploads).toEqual([256, 256, 188].map((c) => 16 + 16 * rows * Math.ceil(c / 128)));
      for (let i = 0; i < n; i++) {
        expect(block(got, i)).toEqual(block(choices[i] ? m1 : m0, i));
        expect(block(got, i)).not.toEqual(block(choices[i] ? m0 : m1, i));
      }
      const [pairs, rand] = await Promise.all([s.sendRandom(n), r.receiveRandom(choices)]);
      for (let i = 0; i < n; i++) {
        expect(block(rand, i)).toEqual(block(choices[i] ? pairs.m1 : pairs.m0, i));
        expect(block(rand, i)).not.toEqual(block(choices[i] ? pairs.m0 : pairs.m1, i));
      }
      const [q, t] = await Promise.all([s.sendRandomCorrelated(n), r.receiveRandomCorrelated(choices)]);
      const delta = s.delta;
      for (let i = 0; i < n; i++) expect(block(t, i)).toEqual(block(q, i).map((w, j) => (w ^ (choices[i] ? delta[j] : 0)) >>> 0));
    });
  }

  it('keeps a given Δ (lsb 1) as the correlation of random correlated OT, as garbling needs', async () => {
    const delta = randomBlocks('given-delta', 1);
    delta[0] |= 1;
    const { s, r } = await session(softSpokenScheme(4), 'given', { delta });
    expect(Array.from(s.delta)).toEqual(Array.from(delta));
    const choices = randomChoices('given', 41 * 30);
    const [q, t] = await Promise.all([s.sendRandomCorrelated(choices.length), r.receiveRandomCorrelated(choices)]);
    for (let i = 0; i < choices.length; i++) expect(block(t, i)).toEqual(block(q, i).map((w, j) => (w ^ (choices[i] ? delta[j] : 0)) >>> 0));
  });

  it('k = 1 is IKNP: byte-identical messages and outputs apart from the GGM-sums message (empty of sums)', async () => {
    const choices = randomChoices('k1-iknp', 500);
    const run = async (scheme: OtExtScheme) => {
      const { s, r, a, b } = await session(scheme, 'k1-vs-iknp');
      const out = await Promise.all([s.sendRandomCorrelated(500), r.receiveRandomCorrelated(choices)]);
      return { out, sent: [a.sent, b.sent] };
    };
    const iknp = await run(IKNP_SCHEME);
    const soft = await run(softSpokenScheme(1));
    expect(soft.out).toEqual(iknp.out);
    expect(soft.sent[0]).toEqual(iknp.sent[0]);
    // The receiver's messages: base-OT sender point, then (SoftSpokenOT only) the GGM sums, then the same u.
    expect(soft.sent[1][0]).toEqual(iknp.sent[1][0]);
    expect(soft.sent[1][1][0]).toBe(OT_TAG.EXT_GGM_SUMS);
    expect(soft.sent[1][1].length).toBe(ggmSumsBytes(1));
    expect(soft.sent[1].slice(2)).toEqual(iknp.sent[1].slice(1));
  });

  it('same seeds, same transcript; another seed, another transcript', async () => {
    const choices = randomChoices('det', 300);
    const run = async (label: string) => {
      const { s, r, a, b } = await session(softSpokenScheme(4), label);
      await Promise.all([s.sendRandomCorrelated(300), r.receiveRandomCorrelated(choices)]);
      return [...a.sent, ...b.sent];
    };
    const one = await run('det');
    expect(await run('det')).toEqual(one);
    expect(await run('det-other')).not.toEqual(one);
  });

  it('a sender and a receiver with different k fail with a typed error', async () => {
    const [a, b] = memoryChannelPair();
    const [s, r] = await Promise.allSettled([
      OtExtSender.setup(a, rngFor('mismatch/s'), { scheme: softSpokenScheme(4) }),
      OtExtReceiver.setup(b, rngFor('mismatch/r'), { scheme: softSpokenScheme(2) }),
    ]);
    expect(r.status).toBe('fulfilled');
    expect(s.status).toBe('rejected');
    expect((s as PromiseRejectedResult).reason).toMatchObject({ code: 'PROTOCOL_ERROR' });
  });
});
