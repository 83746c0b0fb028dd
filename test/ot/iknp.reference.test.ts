/**
 * The fast OT extension against the slow bit-by-bit reference of reference-iknp.ts: one session
 * runs a sequence of batches of every kind (so the OT and PRG counters carry across batches and
 * chunks), and every message both parties sent, and every output, must equal what the reference
 * computes from the base-OT keys, s and the inputs. The reference also checks the IKNP identity
 * q_i ⊕ t_i = r_i·s directly.
 */
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { baseRandomOtReceive, baseRandomOtSend } from '../../src/ot/base-ot.js';
import { OtExtReceiver, OtExtSender } from '../../src/ot/iknp.js';
import {
  bitsToBlock,
  blockToBits,
  bytesToBits,
  hashBlock,
  referenceReceiverChunks,
  referenceReply,
  referenceSenderQ,
  xorBlock,
  type ReferenceCounters,
} from './reference-iknp.js';
import { randomBlocks, randomChoices, recordedPair, rngFor } from './helpers.js';

const TAG = { uChosen: 0x11, uCorrelated: 0x12, uRandom: 0x13, uRandomCorrelated: 0x14, yChosen: 0x21, yCorrelated: 0x22 };

/** Re-derives the session's base-OT keys and s from the seeds, in the draw order of §6.6. */
async function sessionSecrets(senderSeed: string, receiverSeed: string, sessionId: Uint8Array) {
  const senderRng = rngFor(senderSeed);
  const sBytes = senderRng.bytes(16);
  const s = bytesToBits(sBytes);
  const label = new TextEncoder().encode('delphi-ts/ot/iknp/v1');
  const sid = Uint8Array.from([...label, 0, ...sessionId]);
  const [x, y] = memoryChannelPair();
  const [keysS, receiverKeys] = await Promise.all([
    baseRandomOtReceive(x, Uint8Array.from(s), senderRng, { sessionId: sid }),
    baseRandomOtSend(y, 128, rngFor(receiverSeed), { sessionId: sid }),
  ]);
  return { s, sBlock: bitsToBlock(s), keysS, keys0: receiverKeys.keys0, keys1: receiverKeys.keys1 };
}

function block(words: Uint32Array, i: number): Uint32Array {
  return words.slice(4 * i, 4 * i + 4);
}

function concat(blocks: Uint32Array[]): Uint32Array {
  const out = new Uint32Array(4 * blocks.length);
  blocks.forEach((b, i) => out.set(b, 4 * i));
  return out;
}

describe('OT extension against the bit-level reference', () => {
  for (const chunkSize of [128, 384]) {
    it(`matches every message and output across a session of mixed batches (chunks of ${chunkSize})`, async () => {
      const sessionId = new TextEncoder().encode(`ref-${chunkSize}`);
      const [sCh, rCh] = recordedPair();
      const [sender, receiver] = await Promise.all([
        OtExtSender.setup(sCh, rngFor('ref-sender'), { sessionId }),
        OtExtReceiver.setup(rCh, rngFor('ref-receiver'), { sessionId, chunkSize }),
      ]);
      const secrets = await sessionSecrets('ref-sender', 'ref-receiver', sessionId);
      expect(sender.delta).toEqual(secrets.sBlock);

      // The batches, in order.
      const chosen = { n: 500, choices: randomChoices('ref-chosen', 500), m0: randomBlocks('ref-m0', 500), m1: randomBlocks('ref-m1', 500) };
      const correlated = { n: 77, choices: randomChoices('ref-cot', 77), delta: randomBlocks('ref-delta', 1) };
      const random = { n: 129, choices: randomChoices('ref-rot', 129) };
      const rcot = { n: 1, choices: Uint8Array.of(1) };

      const [, chosenOut] = await Promise.all([sender.send(chosen.m0, chosen.m1), receiver.receive(chosen.choices)]);
      const [cotSender, cotReceiver] = await Promise.all([
        sender.sendCorrelated(correlated.n, correlated.delta),
        receiver.receiveCorrelated(correlated.choices),
      ]);
      const [rotSender, rotReceiver] = await Promise.all([sender.sendRandom(random.n), receiver.receiveRandom(random.choices)]);
      const [rcotSender, rcotReceiver] = await Promise.all([sender.sendRandomCorrelated(rcot.n), receiver.receiveRandomCorrelated(rcot.choices)]);
      expect(sender.otCount).toBe(500 + 77 + 129 + 1);
      expect(receiver.otCount).toBe(sender.otCount);

      // Replay with the reference. Message 0 of each side belongs to the base OTs.
      const rc: ReferenceCounters = { ot: 0, block: 0 };
      const sc: ReferenceCounters = { ot: 0, block: 0 };
      const uSent = rCh.sent.slice(1);
      const ySent = sCh.sent.slice(1);
      let u = 0;
      let y = 0;
      const batch = (choices: Uint8Array, tag: number) => {
        const batchStart = rc.ot;
        const chunks = referenceReceiverChunks(secrets.keys0, secrets.keys1, choices, chunkSize, tag, rc);
        return chunks.map((chunk) => {
          expect(uSent[u++]).toEqual(chunk.message);
          const q = referenceSenderQ(secrets.keysS, secrets.s, chunk.message, sc);
          // IKNP: q_i ⊕ t_i = r_i·s.
          q.forEach((qi, k) => {
            const r = choices[chunk.start - batchStart + k];
            expect(xorBlock(qi, chunk.t[k])).toEqual(r ? secrets.sBlock : new Uint32Array(4));
          });
          return { ...chunk, q };
        });
      };

      // Chosen-message batch: y⁰ = m⁰ ⊕ H(i, q_i), y¹ = m¹ ⊕ H(i, q_i ⊕ s); output m^{r}.
      let offset = 0;
      for (const chunk of batch(chosen.choices, TAG.uChosen)) {
        const blocks: Uint32Array[] = [];
        chunk.q.forEach((qi, k) => {
          const i = chunk.start + k;
          blocks.push(xorBlock(block(chosen.m0, offset + k), hashBlock(qi, i)));
          blocks.push(xorBlock(block(chosen.m1, offset + k), hashBlock(xorBlock(qi, secrets.sBlock), i)));
        });
        expect(ySent[y++]).toEqual(referenceReply(TAG.yChosen, chunk.start, blocks, chunk.count));
        offset += chunk.count;
      }
      expect(chosenOut).toEqual(concat(Array.from(chosen.choices, (c, i) => block(c ? chosen.m1 : chosen.m0, i))));

      // Correlated batch: sender m⁰ = H(i, q_i); y = m⁰ ⊕ H(i, q_i ⊕ s) ⊕ Δ; receiver H(i, t_i) ⊕ r·y.
      const cotStart = rc.ot;
      const expectedCotSender: Uint32Array[] = [];
      const expectedCotReceiver: Uint32Array[] = [];
      for (const chunk of batch(correlated.choices, TAG.uCorrelated)) {
        const ys = chunk.q.map((qi, k) => {
          const i = chunk.start + k;
          const m0 = hashBlock(qi, i);
          expectedCotSender.push(m0);
          const yi = xorBlock(xorBlock(m0, hashBlock(xorBlock(qi, secrets.sBlock), i)), correlated.delta);
          const ti = hashBlock(chunk.t[k], i);
          expectedCotReceiver.push(correlated.choices[i - cotStart] ? xorBlock(ti, yi) : ti);
          return yi;
        });
        expect(ySent[y++]).toEqual(referenceReply(TAG.yCorrelated, chunk.start, ys, chunk.count));
      }
      expect(cotSender).toEqual(concat(expectedCotSender));
      expect(cotReceiver).toEqual(concat(expectedCotReceiver));
      for (let i = 0; i < correlated.n; i++) {
        const expected = correlated.choices[i] ? xorBlock(block(cotSender, i), correlated.delta) : block(cotSender, i);
        expect(block(cotReceiver, i)).toEqual(expected);
      }

      // Random batch: (H(i, q_i), H(i, q_i ⊕ s)) and H(i, t_i); nothing sent back.
      const rot0: Uint32Array[] = [];
      const rot1: Uint32Array[] = [];
      const rotR: Uint32Array[] = [];
      for (const chunk of batch(random.choices, TAG.uRandom)) {
        chunk.q.forEach((qi, k) => {
          const i = chunk.start + k;
          rot0.push(hashBlock(qi, i));
          rot1.push(hashBlock(xorBlock(qi, secrets.sBlock), i));
          rotR.push(hashBlock(chunk.t[k], i));
        });
      }
      expect(rotSender.m0).toEqual(concat(rot0));
      expect(rotSender.m1).toEqual(concat(rot1));
      expect(rotReceiver).toEqual(concat(rotR));

      // Random correlated batch: q_i and t_i themselves.
      const [rcotChunk] = batch(rcot.choices, TAG.uRandomCorrelated);
      expect(rcotSender).toEqual(concat(rcotChunk.q));
      expect(rcotReceiver).toEqual(concat(rcotChunk.t));
      expect(blockToBits(xorBlock(rcotSender, rcotReceiver))).toEqual(secrets.s);

      // Nothing else was sent.
      expect(u).toBe(uSent.length);
      expect(y).toBe(ySent.length);
    });
  }
});
