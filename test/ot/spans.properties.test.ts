/**
 * Spans of chunks (src/ot/spans.ts): the partition rule, and the OT-extension correlation
 * t_i = q_i ⊕ r_i·s on batches whose chunks fill several spans (small chunks, a ragged last chunk,
 * a second batch continuing the PRG streams), for IKNP and SoftSpokenOT.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { IKNP_SCHEME, OtExtReceiver, OtExtSender, softSpokenScheme } from '../../src/ot/index.js';
import { chunkCounts, chunkSpans, SPAN_BLOCKS } from '../../src/ot/spans.js';
import { randomChoices, rngFor } from './helpers.js';

describe('chunkSpans', () => {
  it('covers every chunk once, in order, within SPAN_BLOCKS blocks unless a chunk alone is larger', () => {
    for (const counts of [chunkCounts(70_000, 128), chunkCounts(300_000, 8192), [1, 300, 128], chunkCounts(200_000, 1 << 17), [65_536, 1, 65_536]]) {
      const spans = chunkSpans(counts);
      let next = 0;
      for (const [a, b] of spans) {
        expect(a).toBe(next);
        expect(b).toBeGreaterThan(a);
        const blocks = counts.slice(a, b).reduce((x, c) => x + Math.ceil(c / 128), 0);
        if (b - a > 1) expect(blocks).toBeLessThanOrEqual(SPAN_BLOCKS);
        if (b < counts.length) expect(blocks + Math.ceil(counts[b] / 128)).toBeGreaterThan(SPAN_BLOCKS);
        next = b;
      }
      expect(next).toBe(counts.length);
    }
  });

  it('cuts a batch into chunks of the chunk size and a ragged last one', () => {
    expect(chunkCounts(300, 128)).toEqual([128, 128, 44]);
    expect(chunkCounts(256, 128)).toEqual([128, 128]);
    expect(chunkCounts(0, 128)).toEqual([]);
  });
});

describe('OT extension across several spans', () => {
  for (const [name, scheme] of [['IKNP', IKNP_SCHEME], ['SoftSpokenOT k = 4', softSpokenScheme(4)], ['SoftSpokenOT k = 3', softSpokenScheme(3)]] as const) {
    it(`${name}: t_i = q_i ⊕ r_i·s for every OT of two batches of 2.3 spans each (chunks of 128)`, async () => {
      const [a, b] = memoryChannelPair();
      const [sender, receiver] = await Promise.all([
        OtExtSender.setup(a, rngFor(`spans/${name}/s`), { scheme }),
        OtExtReceiver.setup(b, rngFor(`spans/${name}/r`), { scheme, chunkSize: 128 }),
      ]);
      const s = sender.delta;
      for (const n of [SPAN_BLOCKS * 128 * 2 + 300 * 128 + 77, 1000]) {
        const choices = randomChoices(`spans/${name}/${n}`, n);
        const [q, t] = await Promise.all([sender.sendRandomCorrelated(n), receiver.receiveRandomCorrelated(choices)]);
        let bad = 0;
        for (let i = 0; i < n; i++) {
          for (let w = 0; w < 4; w++) if ((t[4 * i + w] ^ q[4 * i + w] ^ (choices[i] ? s[w] : 0)) !== 0) bad++;
        }
        expect(bad).toBe(0);
      }
    });
  }
});
