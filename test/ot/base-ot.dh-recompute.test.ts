/**
 * Chou–Orlandi base OT checked by recomputing, outside the implementation, every point of the
 * transcript and every key from the Diffie–Hellman points: the scalars are re-drawn from the same
 * seeds in the order §6.3 fixes, the group operations are done with @noble/curves directly, and the
 * key derivation is re-assembled byte by byte and hashed with SHA-256 from @noble/hashes.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { uniformBigintBelow, type Rng } from '../../src/random/index.js';
import { baseOtReceive, baseOtSend, baseRandomOtReceive, baseRandomOtSend, coDeriveKey } from '../../src/ot/base-ot.js';
import { hex, randomChoices, recordedPair, rngFor } from './helpers.js';

const Point = ristretto255.Point;
const ELL = Point.Fn.ORDER;

function drawScalar(rng: Rng): bigint {
  return 1n + uniformBigintBelow(rng, ELL - 1n);
}

function u32le(x: number): number[] {
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];
}

/** The §6.3 key derivation written out by hand. */
function kdfByHand(sid: Uint8Array, i: number, which: number, a: Uint8Array, b: Uint8Array, p: Uint8Array, length: number): Uint8Array {
  const prefix = [...new TextEncoder().encode('delphi-ts/ot/co15/v1'), 0, ...u32le(sid.length), ...sid, ...u32le(i), which, ...a, ...b, ...p];
  const out: number[] = [];
  for (let block = 0; out.length < length; block++) out.push(...sha256(Uint8Array.from([...prefix, ...u32le(block)])));
  return Uint8Array.from(out.slice(0, length));
}

describe('Chou–Orlandi random base OT (recomputed by hand)', () => {
  const n = 24;
  const choices = randomChoices('co', n);
  const sid = new TextEncoder().encode('session-42');

  it('transcript points and both parties’ keys equal the hand computation', async () => {
    const [sCh, rCh] = recordedPair();
    const [sender, receiverKeys] = await Promise.all([
      baseRandomOtSend(sCh, n, rngFor('co-sender'), { sessionId: sid }),
      baseRandomOtReceive(rCh, choices, rngFor('co-receiver'), { sessionId: sid }),
    ]);

    // Sender's message: tag 0x01 ‖ A with A = a·G, a the first scalar of the sender's stream.
    const a = drawScalar(rngFor('co-sender'));
    const A = Point.BASE.multiply(a);
    expect(sCh.sent).toHaveLength(1);
    expect(hex(sCh.sent[0])).toBe('01' + A.toHex());

    // Receiver's message: tag 0x02 ‖ u32 n ‖ B_i with B_i = b_i·G + c_i·A.
    const receiverRng = rngFor('co-receiver');
    const bs = Array.from({ length: n }, () => drawScalar(receiverRng));
    expect(rCh.sent).toHaveLength(1);
    const reply = rCh.sent[0];
    expect(reply.length).toBe(5 + 32 * n);
    expect(Array.from(reply.subarray(0, 5))).toEqual([0x02, ...u32le(n)]);

    const aBytes = A.toBytes();
    for (let i = 0; i < n; i++) {
      const B = choices[i] ? Point.BASE.multiply(bs[i]).add(A) : Point.BASE.multiply(bs[i]);
      const bBytes = B.toBytes();
      expect(hex(reply.subarray(5 + 32 * i, 37 + 32 * i))).toBe(hex(bBytes));
      // Receiver: k = KDF(i, c_i, A, B_i, b_i·A). Sender: k_0 from a·B_i, k_1 from a·(B_i − A).
      const kReceiver = kdfByHand(sid, i, choices[i], aBytes, bBytes, A.multiply(bs[i]).toBytes(), 16);
      const k0 = kdfByHand(sid, i, 0, aBytes, bBytes, B.multiply(a).toBytes(), 16);
      const k1 = kdfByHand(sid, i, 1, aBytes, bBytes, B.subtract(A).multiply(a).toBytes(), 16);
      expect(hex(receiverKeys[i])).toBe(hex(kReceiver));
      expect(hex(sender.keys0[i])).toBe(hex(k0));
      expect(hex(sender.keys1[i])).toBe(hex(k1));
      expect(hex(choices[i] ? k1 : k0)).toBe(hex(kReceiver));
      expect(hex(choices[i] ? k0 : k1)).not.toBe(hex(kReceiver));
    }
  });

  it('coDeriveKey equals the hand-written derivation, including multi-block outputs', () => {
    const pts = [1n, 2n, 3n].map((k) => Point.BASE.multiply(k).toBytes());
    for (const length of [0, 1, 16, 32, 33, 100]) {
      expect(hex(coDeriveKey(sid, 7, 1, pts[0], pts[1], pts[2], length))).toBe(hex(kdfByHand(sid, 7, 1, pts[0], pts[1], pts[2], length)));
    }
    // Every transcript element and the index are bound into the key.
    const base = hex(coDeriveKey(sid, 7, 1, pts[0], pts[1], pts[2]));
    expect(hex(coDeriveKey(sid, 8, 1, pts[0], pts[1], pts[2]))).not.toBe(base);
    expect(hex(coDeriveKey(sid, 7, 0, pts[0], pts[1], pts[2]))).not.toBe(base);
    expect(hex(coDeriveKey(new Uint8Array(0), 7, 1, pts[0], pts[1], pts[2]))).not.toBe(base);
    expect(hex(coDeriveKey(sid, 7, 1, pts[1], pts[0], pts[2]))).not.toBe(base);
  });

  it('is deterministic under fixed seeds; the session id changes the keys but not the transcript', async () => {
    async function run(sessionId: Uint8Array) {
      const [sCh, rCh] = recordedPair();
      const [s, r] = await Promise.all([
        baseRandomOtSend(sCh, n, rngFor('det-s'), { sessionId }),
        baseRandomOtReceive(rCh, choices, rngFor('det-r'), { sessionId }),
      ]);
      return { transcript: [...sCh.sent, ...rCh.sent].map(hex), keys: [...s.keys0, ...s.keys1, ...r].map(hex) };
    }
    const first = await run(sid);
    const again = await run(sid);
    const other = await run(new TextEncoder().encode('another session'));
    expect(again).toEqual(first);
    expect(other.transcript).toEqual(first.transcript);
    expect(other.keys.filter((k, i) => k === first.keys[i])).toEqual([]);
  });

  it('handles an empty batch and the all-0 / all-1 choice vectors', async () => {
    for (const c of [new Uint8Array(0), new Uint8Array(9), new Uint8Array(9).fill(1)]) {
      const [x, y] = memoryChannelPair();
      const [s, r] = await Promise.all([baseRandomOtSend(x, c.length, rngFor('edge-s')), baseRandomOtReceive(y, c, rngFor('edge-r'))]);
      expect(r.map(hex)).toEqual(Array.from(c, (bit, i) => hex(bit ? s.keys1[i] : s.keys0[i])));
    }
  });
});

describe('Chou–Orlandi chosen-message base OT', () => {
  it('delivers m_{c_i} for messages of several lengths; ciphertexts are m ⊕ KDF pads', async () => {
    for (const length of [0, 1, 16, 45]) {
      const n = 10;
      const choices = randomChoices(`chosen-${length}`, n);
      const pairs = Array.from({ length: n }, (_, i) => {
        const r = rngFor(`msg-${length}-${i}`);
        return [r.bytes(length), r.bytes(length)] as const;
      });
      const [sCh, rCh] = recordedPair();
      const sid = Uint8Array.of(length);
      const [, got] = await Promise.all([
        baseOtSend(sCh, pairs, rngFor('cs'), { sessionId: sid }),
        baseOtReceive(rCh, choices, rngFor('cr'), { sessionId: sid }),
      ]);
      expect(got.map(hex)).toEqual(pairs.map((p, i) => hex(p[choices[i]])));

      // Recompute the ciphertext message from the points by hand.
      const a = drawScalar(rngFor('cs'));
      const A = Point.fromBytes(sCh.sent[0].subarray(1));
      const ct = sCh.sent[1];
      expect(Array.from(ct.subarray(0, 9))).toEqual([0x03, ...u32le(n), ...u32le(length)]);
      for (let i = 0; i < n; i++) {
        const bBytes = rCh.sent[0].subarray(5 + 32 * i, 37 + 32 * i);
        const B = Point.fromBytes(bBytes);
        const pads = [B.multiply(a), B.subtract(A).multiply(a)].map((P, j) => kdfByHand(sid, i, j, A.toBytes(), bBytes, P.toBytes(), length));
        for (let j = 0; j < 2; j++) {
          const e = ct.subarray(9 + (2 * i + j) * length, 9 + (2 * i + j + 1) * length);
          expect(hex(e.map((x, k) => x ^ pads[j][k]))).toBe(hex(pairs[i][j]));
        }
      }
    }
  });
});
