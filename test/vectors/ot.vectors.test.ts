/**
 * Consumes vectors/hash/tccr.v1.json and vectors/ot/*: every party is replayed alone against the
 * recorded transcript, tampered messages must be refused with the listed error, and every value is
 * recomputed from the spec text with independent primitives — AES-128 (ECB and CTR) and SHA-256 from
 * Node's OpenSSL, ristretto255 from @noble/curves, the ChaCha20 stream from OpenSSL — down to the
 * base-OT keys, the IKNP matrices, the u and y messages and the hashed outputs.
 */
import { createHash } from 'node:crypto';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { describe, expect, it } from 'vitest';
import { FixedKeyAes, fixedKeyAes, tccrHashBlocks } from '../../src/hash/index.js';
import { AesCtrPrg } from '../../src/ot/prg.js';
import { baseOtReceive, baseOtSend, OtExtReceiver, OtExtSender } from '../../src/ot/index.js';
import { baseRandomOtReceive, baseRandomOtSend, coDeriveKey, decodePeerPoint } from '../../src/ot/base-ot.js';
import { blockToBytes, bytesToBlocks } from '../../src/ot/blocks.js';
import { softSpokenScheme, softSpokenWidths } from '../../src/ot/softspoken.js';
import { fromSeed } from '../../src/random/index.js';
import { codeOf, codeOfAsync } from './helpers/errors.js';
import { allTests, loadVectors, tohex, unhex } from './helpers/files.js';
import { aesEcb, bit, cat, ctrBlocks, kdf, kdfInput, scalarSpec, tccr, tweakBlock, xor } from './helpers/ot-spec.js';
import { replayChannel, scriptedChannel, type TranscriptEntry } from './helpers/replay.js';
import { StreamReader } from './helpers/stream.js';
import { referenceLeaf, referenceNode, referenceReceiverBlock } from '../ot/reference-softspoken.js';

const Point = ristretto255.Point;
const blocksOf = (hexes: string[]) => bytesToBlocks(cat(...hexes.map(unhex)));
const hexesOf = (words: Uint32Array) => Array.from({ length: words.length / 4 }, (_, i) => tohex(blockToBytes(words, i)));

/** FIPS-197 Appendix C.1 and Appendix B: key → [plaintext, ciphertext]. */
const FIPS197: Record<string, [string, string]> = {
  '000102030405060708090a0b0c0d0e0f': ['00112233445566778899aabbccddeeff', '69c4e0d86a7b0430d8cdb78070b4c55a'],
  '2b7e151628aed2a6abf7158809cf4f3c': ['3243f6a8885a308d313198a2e0370734', '3925841d02dc09fbdc118597196a0b32'],
};

/** RFC 9496 Appendix A.1: encodings of 1·B and 2·B. */
const RFC9496_B1 = 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76';
const RFC9496_B2 = '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919';

describe('vectors/hash/tccr.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('hash/tccr.v1.json'))) {
    const key = unhex(group.params.key ?? '');
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, () => {
      if (group.type === 'Aes128Test') {
        const k = unhex(test.input.key);
        expect(tohex(new FixedKeyAes(k).encryptBytes(unhex(test.input.block)))).toBe(test.output.ciphertext);
        expect(tohex(aesEcb(k, unhex(test.input.block)))).toBe(test.output.ciphertext);
        const fips = FIPS197[test.input.key];
        if (test.flags.includes('Fips197')) expect([test.input.block, test.output.ciphertext]).toEqual(fips);
        return;
      }
      if (group.type === 'FixedKeyAesTest') {
        expect(tohex(blake2b(new TextEncoder().encode(group.params.label), { dkLen: 16 }))).toBe(group.params.key);
        expect(tohex(fixedKeyAes().encryptBytes(unhex(test.input.block)))).toBe(test.output.ciphertext);
        expect(tohex(aesEcb(key, unhex(test.input.block)))).toBe(test.output.ciphertext);
        return;
      }
      const start = Number(test.input.tweakStart);
      const words = blocksOf(test.input.blocks);
      if (test.result === 'invalid') return void expect(codeOf(() => tccrHashBlocks(words, start))).toBe(test.error);
      expect(hexesOf(tccrHashBlocks(words, start))).toEqual(test.output.hashes);
      test.input.blocks.forEach((b: string, k: number) => {
        const px = aesEcb(key, unhex(b));
        expect(tohex(px)).toBe(test.intermediate.pi[k]);
        expect(tohex(tweakBlock(start + k))).toBe(test.intermediate.tweakBlocks[k]);
        expect(tohex(aesEcb(key, xor(px, tweakBlock(start + k))))).toBe(test.intermediate.inner[k]);
        expect(tohex(tccr(key, unhex(b), start + k))).toBe(test.output.hashes[k]);
      });
    });
  }
});

describe('vectors/ot/prg.v1.json', () => {
  for (const { test } of allTests(loadVectors('ot/prg.v1.json'))) {
    it(`tcId ${test.tcId}: ${test.comment}`, () => {
      const { seed, firstBlock, count } = test.input;
      const run = () => new AesCtrPrg(unhex(seed)).fillBlocks(firstBlock, new Uint32Array(4 * count));
      if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
      expect(hexesOf(run())).toEqual(test.output.blocks);
      const ref = ctrBlocks(unhex(seed), firstBlock, count);
      expect(test.output.blocks).toEqual(Array.from({ length: count }, (_, i) => tohex(ref.subarray(16 * i, 16 * i + 16))));
    });
  }
});

const sent = (tr: TranscriptEntry[], from: string) => tr.filter((m) => m.from === from).map((m) => unhex(m.bytes));

describe('vectors/ot/base-ot.v1.json', () => {
  it('the SHA-256 of the reference KDF is FIPS 180-4 SHA-256 ("abc", Appendix B.1)', () => {
    expect(createHash('sha256').update('abc').digest('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  for (const { group, test } of allTests(loadVectors('ot/base-ot.v1.json'))) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const i = test.input;
      switch (group.type) {
        case 'RandomBaseOtTest':
        case 'ChosenBaseOtTest': {
          const sid = unhex(i.sessionId);
          const c = Uint8Array.from(i.choices);
          const tr = test.output.transcript;
          const sch = replayChannel(tr, 'sender');
          const rch = replayChannel(tr, 'receiver');
          if (group.type === 'RandomBaseOtTest') {
            const s = await baseRandomOtSend(sch, c.length, fromSeed(unhex(i.senderSeed)), { sessionId: sid });
            const r = await baseRandomOtReceive(rch, c, fromSeed(unhex(i.receiverSeed)), { sessionId: sid });
            expect([s.keys0.map(tohex), s.keys1.map(tohex), r.map(tohex)]).toEqual([test.output.keys0, test.output.keys1, test.output.receiverKeys]);
          } else {
            const pairs = i.m0.map((m: string, k: number) => [unhex(m), unhex(i.m1[k])] as [Uint8Array, Uint8Array]);
            await baseOtSend(sch, pairs, fromSeed(unhex(i.senderSeed)), { sessionId: sid });
            const r = await baseOtReceive(rch, c, fromSeed(unhex(i.receiverSeed)), { sessionId: sid });
            expect(r.map(tohex)).toEqual(test.output.received);
            expect(r.map(tohex)).toEqual(i.choices.map((ci: number, k: number) => (ci ? i.m1[k] : i.m0[k])));
          }
          for (const ch of [sch, rch]) {
            expect(ch.mismatches).toEqual([]);
            expect(ch.complete()).toBe(true);
          }
          // Independent: scalars from the stream, points with noble, keys with SHA-256.
          const a = scalarSpec(new StreamReader(unhex(i.senderSeed)));
          const A = Point.BASE.multiply(a);
          const rr = new StreamReader(unhex(i.receiverSeed));
          const bs = i.choices.map(() => scalarSpec(rr));
          const B = bs.map((b: bigint, k: number) => Point.BASE.multiply(b).add(i.choices[k] ? A : Point.ZERO));
          const [m1] = sent(tr, 'sender');
          const [m2] = sent(tr, 'receiver');
          expect(tohex(m1)).toBe('01' + tohex(A.toBytes()));
          expect(tohex(m2)).toBe('02' + tohex(Uint8Array.of(c.length, 0, 0, 0)) + B.map((p: typeof A) => tohex(p.toBytes())).join(''));
          const label = group.params.kdfLabel;
          const keyFor = (k: number, j: number, P: typeof A, L: number) => kdf(kdfInput(label, sid, k, j, A.toBytes(), B[k].toBytes(), P.toBytes()), L);
          if (group.type === 'RandomBaseOtTest') {
            const im = test.intermediate;
            expect([im.a, tohex(A.toBytes())]).toEqual([String(a), im.A]);
            expect(bs.map(String)).toEqual(im.b);
            B.forEach((p: typeof A, k: number) => {
              expect(tohex(p.toBytes())).toBe(im.B[k]);
              expect(tohex(p.multiply(a).toBytes())).toBe(im.senderPoints0[k]);
              expect(tohex(p.subtract(A).multiply(a).toBytes())).toBe(im.senderPoints1[k]);
              expect(tohex(A.multiply(bs[k]).toBytes())).toBe(im.receiverPoints[k]);
              const L = group.params.keyBytes;
              expect(tohex(keyFor(k, 0, p.multiply(a), L))).toBe(test.output.keys0[k]);
              expect(tohex(keyFor(k, 1, p.subtract(A).multiply(a), L))).toBe(test.output.keys1[k]);
              expect(tohex(keyFor(k, i.choices[k], A.multiply(bs[k]), L))).toBe(test.output.receiverKeys[k]);
            });
          } else {
            const L = unhex(i.m0[0]).length;
            const [, m3] = sent(tr, 'sender');
            const expected = cat(
              Uint8Array.of(3, c.length, 0, 0, 0, L & 0xff, L >> 8, 0, 0),
              ...B.flatMap((p: typeof A, k: number) => [
                xor(unhex(i.m0[k]), keyFor(k, 0, p.multiply(a), L)),
                xor(unhex(i.m1[k]), keyFor(k, 1, p.subtract(A).multiply(a), L)),
              ]),
            );
            expect(tohex(m3)).toBe(tohex(expected));
          }
          return;
        }
        case 'CoDeriveKeyTest': {
          const args = [unhex(i.sessionId), i.index, i.which, unhex(i.A), unhex(i.B), unhex(i.P)] as const;
          expect(tohex(coDeriveKey(...args, i.length))).toBe(test.output.key);
          const T = kdfInput(group.params.kdfLabel, ...args);
          expect(tohex(T)).toBe(test.intermediate.T);
          expect(tohex(kdf(T, i.length))).toBe(test.output.key);
          expect(unhex(i.A)).toEqual(Point.BASE.multiply(5n).toBytes());
          return;
        }
        case 'DecodePeerPointTest': {
          const run = () => decodePeerPoint(unhex(i.point), 'point');
          if (test.result === 'invalid') return void expect(codeOf(run)).toBe(test.error);
          expect(tohex(run().toBytes())).toBe(test.output.reencoded);
          expect(test.output.reencoded).toBe(i.point);
          return;
        }
        case 'BaseOtRejectTest': {
          const ch = scriptedChannel(i.peerMessages);
          const run =
            i.role === 'sender'
              ? () => baseRandomOtSend(ch, i.count, fromSeed(unhex(i.seed)))
              : () => baseRandomOtReceive(ch, Uint8Array.from(i.choices), fromSeed(unhex(i.seed)));
          expect(await codeOfAsync(run)).toBe(test.error);
          return;
        }
        default:
          throw new Error(`unknown group type ${group.type}`);
      }
    });
  }

  it('the generator encodings are those of RFC 9496 A.1', () => {
    const file = loadVectors('ot/base-ot.v1.json');
    const points = file.testGroups.find((g) => g.type === 'DecodePeerPointTest')!.tests.map((t) => t.input.point);
    expect(points).toContain(RFC9496_B1);
    expect(points).toContain(RFC9496_B2);
  });
});

/** The IKNP session of §6.6–§6.7 from the spec text; returns the expected messages and outputs. */
function iknpSpec(test: { input: any; intermediate?: any }, label: string) {
  const i = test.input;
  const sid = cat(new TextEncoder().encode(label), Uint8Array.of(0), unhex(i.sessionId));
  const sr = new StreamReader(unhex(i.senderSeed));
  const s = i.delta ? unhex(i.delta) : sr.bytes(16);
  const a = scalarSpec(new StreamReader(unhex(i.receiverSeed)));
  const A = Point.BASE.multiply(a);
  const bs = Array.from({ length: 128 }, () => scalarSpec(sr));
  const B = bs.map((b, j) => Point.BASE.multiplyUnsafe(b).add(bit(s, j) ? A : Point.ZERO));
  // Variable-time multiplication is fine on public test data (and twice as fast).
  const keys0 = B.map((p, j) => kdf(kdfInput('delphi-ts/ot/co15/v1', sid, j, 0, A.toBytes(), p.toBytes(), p.multiplyUnsafe(a).toBytes()), 16));
  const keys1 = B.map((p, j) => kdf(kdfInput('delphi-ts/ot/co15/v1', sid, j, 1, A.toBytes(), p.toBytes(), p.subtract(A).multiplyUnsafe(a).toBytes()), 16));
  const messages: { from: string; bytes: string }[] = [
    { from: 'receiver', bytes: '01' + tohex(A.toBytes()) },
    { from: 'sender', bytes: '02' + '80000000' + B.map((p) => tohex(p.toBytes())).join('') },
  ];
  const piKey = blake2b(new TextEncoder().encode('delphi-ts/hash/fixed-key-aes/v1'), { dkLen: 16 });
  const H = (x: Uint8Array, t: number) => tccr(piKey, x, t);
  let P = 0;
  let N = 0;
  const batches: { t: string[]; q: string[]; out: Record<string, string[]> }[] = [];
  const tags = { chosen: 0x11, correlated: 0x12, random: 0x13, randomCorrelated: 0x14 } as Record<string, number>;
  for (const batch of i.batches) {
    const r: number[] = batch.choices;
    const t: Uint8Array[] = [];
    const replies: { from: string; bytes: string }[] = [];
    const out: Record<string, string[]> = { receiverOutput: [], senderOutput0: [], senderOutput1: [] };
    for (let from = 0; from < r.length; from += i.chunkSize) {
      const c = Math.min(i.chunkSize, r.length - from);
      const nb = Math.ceil(c / 128);
      const header = (tag: number) => cat(Uint8Array.of(tag, 0, 0, 0), Uint8Array.of(c & 0xff, (c >> 8) & 0xff, 0, 0), (() => {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt(N), 0);
        return new Uint8Array(b);
      })());
      const rBits = new Uint8Array(16 * nb);
      for (let k = 0; k < c; k++) rBits[k >> 3] |= r[from + k] << (k & 7);
      const rows0 = keys0.map((k) => ctrBlocks(k, P, nb));
      const u = keys1.map((k, j) => xor(xor(rows0[j], ctrBlocks(k, P, nb)), rBits));
      messages.push({ from: 'receiver', bytes: tohex(cat(header(tags[batch.kind]), ...u)) });
      const ys: Uint8Array[] = [];
      for (let k = 0; k < c; k++) {
        const col = new Uint8Array(16);
        for (let j = 0; j < 128; j++) col[j >> 3] |= bit(rows0[j], k) << (j & 7);
        t.push(col);
        const q = r[from + k] ? xor(col, s) : col;
        const idx = N + k;
        const h0 = H(q, idx);
        const h1 = H(xor(q, s), idx);
        const ht = H(col, idx);
        switch (batch.kind) {
          case 'chosen': {
            const y0 = xor(unhex(batch.m0[from + k]), h0);
            const y1 = xor(unhex(batch.m1[from + k]), h1);
            ys.push(y0, y1);
            out.receiverOutput.push(tohex(xor(r[from + k] ? y1 : y0, ht)));
            break;
          }
          case 'correlated': {
            const y = xor(xor(h0, h1), unhex(batch.correlation));
            ys.push(y);
            out.senderOutput0.push(tohex(h0));
            out.receiverOutput.push(tohex(r[from + k] ? xor(ht, y) : ht));
            break;
          }
          case 'random':
            out.senderOutput0.push(tohex(h0));
            out.senderOutput1.push(tohex(h1));
            out.receiverOutput.push(tohex(ht));
            break;
          case 'randomCorrelated':
            out.senderOutput0.push(tohex(q));
            out.receiverOutput.push(tohex(col));
            break;
        }
      }
      if (batch.kind === 'chosen' || batch.kind === 'correlated') {
        replies.push({ from: 'sender', bytes: tohex(cat(header(batch.kind === 'chosen' ? 0x21 : 0x22), ...ys)) });
      }
      P += nb;
      N += c;
    }
    messages.push(...replies);
    const qs = t.map((col, k) => tohex(r[k] ? xor(col, s) : col));
    batches.push({ t: t.map(tohex), q: qs, out });
  }
  return { s: tohex(s), keys0: keys0.map(tohex), keys1: keys1.map(tohex), messages, batches };
}

describe('vectors/ot/iknp.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('ot/iknp.v1.json'))) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const i = test.input;
      const sessionId = unhex(i.sessionId);
      if (group.type === 'OtExtensionRejectTest') {
        const ch = scriptedChannel(i.peerMessages);
        const b = i.batch;
        const code = await codeOfAsync(async () => {
          if (i.role === 'sender') {
            const s = await OtExtSender.setup(ch, fromSeed(unhex(i.seed)), { sessionId });
            await s.send(blocksOf(b.m0), blocksOf(b.m1));
          } else {
            const r = await OtExtReceiver.setup(ch, fromSeed(unhex(i.seed)), { sessionId, chunkSize: i.chunkSize });
            await r.receive(Uint8Array.from(b.choices));
          }
        });
        return void expect(code).toBe(test.error);
      }
      const tr = test.output.transcript;
      // The sender alone, then the receiver alone, against the transcript.
      const sch = replayChannel(tr, 'sender');
      const rch = replayChannel(tr, 'receiver');
      const delta = i.delta ? blocksOf([i.delta]) : undefined;
      const sender = await OtExtSender.setup(sch, fromSeed(unhex(i.senderSeed)), { sessionId, delta });
      expect(hexesOf(sender.delta)).toEqual([test.intermediate.s]);
      const senderOut: Record<string, string[]>[] = [];
      for (const b of i.batches) {
        const m = b.choices.length;
        if (b.kind === 'chosen') {
          await sender.send(blocksOf(b.m0), blocksOf(b.m1));
          senderOut.push({});
        } else if (b.kind === 'correlated') senderOut.push({ senderOutput0: hexesOf(await sender.sendCorrelated(m, blocksOf([b.correlation]))) });
        else if (b.kind === 'random') {
          const pr = await sender.sendRandom(m);
          senderOut.push({ senderOutput0: hexesOf(pr.m0), senderOutput1: hexesOf(pr.m1) });
        } else senderOut.push({ senderOutput0: hexesOf(await sender.sendRandomCorrelated(m)) });
      }
      const receiver = await OtExtReceiver.setup(rch, fromSeed(unhex(i.receiverSeed)), { sessionId, chunkSize: i.chunkSize });
      for (const [k, b] of i.batches.entries()) {
        const r = Uint8Array.from(b.choices);
        const got =
          b.kind === 'chosen'
            ? await receiver.receive(r)
            : b.kind === 'correlated'
              ? await receiver.receiveCorrelated(r)
              : b.kind === 'random'
                ? await receiver.receiveRandom(r)
                : await receiver.receiveRandomCorrelated(r);
        expect(hexesOf(got)).toEqual(test.output.batches[k].receiverOutput);
        expect({ ...senderOut[k], receiverOutput: test.output.batches[k].receiverOutput }).toEqual(test.output.batches[k]);
      }
      for (const ch of [sch, rch]) {
        expect(ch.mismatches).toEqual([]);
        expect(ch.complete()).toBe(true);
      }
      // Independent: the whole session from the spec text.
      const spec = iknpSpec(test, group.params.baseOtLabel);
      expect(spec.s).toBe(test.intermediate.s);
      expect(spec.keys0).toEqual(test.intermediate.baseKeys0);
      expect(spec.keys1).toEqual(test.intermediate.baseKeys1);
      expect(spec.messages.map((m) => m.from)).toEqual(tr.map((m: TranscriptEntry) => m.from));
      spec.messages.forEach((m, k) => expect(m.bytes, `message ${k}`).toBe(tr[k].bytes));
      spec.batches.forEach((b, k) => {
        expect(b.t).toEqual(test.intermediate.batches[k].t);
        expect(b.q).toEqual(test.intermediate.batches[k].q);
        const expected = test.output.batches[k];
        expect(b.out.receiverOutput).toEqual(expected.receiverOutput);
        if (expected.senderOutput0) expect(b.out.senderOutput0).toEqual(expected.senderOutput0);
        if (expected.senderOutput1) expect(b.out.senderOutput1).toEqual(expected.senderOutput1);
        // Correctness of OT itself: the receiver holds the message of its choice.
        if (i.batches[k].kind === 'chosen') {
          expect(expected.receiverOutput).toEqual(i.batches[k].choices.map((c: number, j: number) => (c ? i.batches[k].m1[j] : i.batches[k].m0[j])));
        }
      });
    });
  }
});

describe('vectors/ot/softspoken.v1.json', () => {
  for (const { group, test } of allTests(loadVectors('ot/softspoken.v1.json'))) {
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const i = test.input;
      const scheme = softSpokenScheme(i.k);
      if (group.type === 'SoftSpokenOtRejectTest') {
        const code = await codeOfAsync(async () => {
          const s = await OtExtSender.setup(scriptedChannel(i.peerMessages), fromSeed(unhex(i.seed)), { scheme });
          await s.sendRandomCorrelated(i.count);
        });
        return void expect(code).toBe(test.error);
      }
      const tr = test.output.transcript;
      const sch = replayChannel(tr, 'sender');
      const rch = replayChannel(tr, 'receiver');
      const delta = i.delta ? blocksOf([i.delta]) : undefined;
      const sender = await OtExtSender.setup(sch, fromSeed(unhex(i.senderSeed)), { scheme, delta });
      expect(hexesOf(sender.delta)).toEqual([test.intermediate.s]);
      const senderOut: Record<string, string[]>[] = [];
      for (const b of i.batches) {
        const m = b.choices.length;
        if (b.kind === 'chosen') {
          await sender.send(blocksOf(b.m0), blocksOf(b.m1));
          senderOut.push({});
        } else if (b.kind === 'random') {
          const pr = await sender.sendRandom(m);
          senderOut.push({ senderOutput0: hexesOf(pr.m0), senderOutput1: hexesOf(pr.m1) });
        } else senderOut.push({ senderOutput0: hexesOf(await sender.sendRandomCorrelated(m)) });
      }
      const receiver = await OtExtReceiver.setup(rch, fromSeed(unhex(i.receiverSeed)), { scheme, chunkSize: i.chunkSize });
      for (const [k, b] of i.batches.entries()) {
        const r = Uint8Array.from(b.choices);
        const got = b.kind === 'chosen' ? await receiver.receive(r) : b.kind === 'random' ? await receiver.receiveRandom(r) : await receiver.receiveRandomCorrelated(r);
        expect(hexesOf(got)).toEqual(test.output.batches[k].receiverOutput);
        expect({ ...senderOut[k], receiverOutput: test.output.batches[k].receiverOutput }).toEqual(test.output.batches[k]);
        // Correctness of OT itself.
        if (b.kind === 'chosen') expect(test.output.batches[k].receiverOutput).toEqual(b.choices.map((c: number, j: number) => (c ? b.m1[j] : b.m0[j])));
        if (b.kind === 'random') expect(test.output.batches[k].receiverOutput).toEqual(b.choices.map((c: number, j: number) => (c ? senderOut[k].senderOutput1[j] : senderOut[k].senderOutput0[j])));
        if (b.kind === 'randomCorrelated') {
          const s = unhex(test.intermediate.s);
          expect(test.intermediate.batches[k].t).toEqual(test.output.batches[k].receiverOutput);
          expect(test.intermediate.batches[k].q.map((q: string, j: number) => tohex(b.choices[j] ? xor(unhex(q), s) : unhex(q)))).toEqual(test.intermediate.batches[k].t);
        }
      }
      for (const ch of [sch, rch]) {
        expect(ch.mismatches).toEqual([]);
        expect(ch.complete()).toBe(true);
      }
      // Independent, from §6.11 with OpenSSL AES: the GGM sums and the first chunk's corrections.
      const keys0 = test.intermediate.baseKeys0.map(unhex);
      const keys1 = test.intermediate.baseKeys1.map(unhex);
      const widths = softSpokenWidths(i.k);
      const sums: number[] = [0x10, i.k, 0, 0, 128 - widths.length, 0, 0, 0];
      const leaves: Uint8Array[][] = [];
      let o = 0;
      for (const w of widths) {
        const top: [Uint8Array, Uint8Array] = [keys1[o + w - 1], keys0[o + w - 1]];
        leaves.push(w <= 4 ? [...Array(1 << w).keys()].map((x) => referenceLeaf(top, w, x)) : []);
        for (let b = 0; b < w - 1; b++) {
          const d = w - b;
          const side = (parity: number) => {
            let acc: Uint8Array = new Uint8Array(16);
            for (let p = parity; p < 1 << d; p += 2) acc = xor(acc, referenceNode(top, d, p));
            return acc;
          };
          if (w <= 4) sums.push(...xor(side(1), keys0[o + b]), ...xor(side(0), keys1[o + b]));
        }
        o += w;
      }
      if (i.k <= 4) expect(tr[2].bytes).toBe(tohex(Uint8Array.from(sums)));
      if (i.k <= 4) {
        const first = i.batches[0];
        const count = Math.min(i.chunkSize, first.choices.length);
        const nb = Math.ceil(count / 128);
        const u = unhex(tr[3].bytes);
        expect(u.length).toBe(16 + 16 * widths.length * nb);
        leaves.forEach((blockLeaves, blk) => {
          const ref = referenceReceiverBlock(blockLeaves, 0, nb, first.choices.slice(0, count));
          const row = Array.from({ length: 128 * nb }, (_, n) => bit(u, 8 * (16 + 16 * nb * blk) + n));
          expect(row, `block ${blk}`).toEqual(ref.c);
        });
      }
    });
  }
});
