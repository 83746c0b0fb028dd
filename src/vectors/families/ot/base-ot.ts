/**
 * vectors/ot/base-ot.v1.json: Chou–Orlandi base OT (scalars, points, Diffie–Hellman points,
 * keys, messages) and RFC 9496's invalid encodings (§6.3).
 *
 * Spec: §12.5.5
 * @module
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Channel } from '../../../channel/channel.js';
import { BASE_OT_KEY_BYTES, baseRandomOtReceive, baseRandomOtSend, CO_KDF_LABEL, coDeriveKey, decodePeerPoint, sampleScalar } from '../../../ot/base-ot.js';
import { baseOtReceive, baseOtSend } from '../../../ot/index.js';
import { OT_TAG } from '../../../ot/wire.js';
import { fromSeed } from '../../../random/index.js';
import { expectErrorCode, expectErrorCodeAsync, VectorFileBuilder } from '../../builder.js';
import { dec, decs, hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import type { JsonObject } from '../../format.js';
import { recordingChannelPair, scriptedChannel, transcriptJson, type TranscriptMessage } from '../../transcript.js';
import { concatBytes, hexToBytes, u32LE } from '../../../math/bytes.js';
import { transcript } from './shared.js';

const Point = ristretto255.Point;

const baseSpec: AlgorithmSpec = {
  algorithm: 'ChouOrlandiBaseOt',
  description: 'The base OT of §6.3 over ristretto255 (RFC 9496), with the session- and index-bound key derivation.',
  groups: [
    {
      type: 'RandomBaseOtTest',
      description:
        'baseRandomOtSend(n, fromSeed(senderSeed)) against baseRandomOtReceive(choices, fromSeed(receiverSeed)); ' +
        'a = sampleScalar(sender rng), b_i = sampleScalar(receiver rng) in order.',
      params: { kdfLabel: F.string(), keyBytes: F.size() },
      input: { senderSeed: F.hex(undefined, 32), receiverSeed: F.hex(undefined, 32), sessionId: F.hex(), choices: F.sizes() },
      intermediate: {
        a: F.int(),
        A: F.hex(undefined, 32),
        b: F.ints(),
        B: F.hexes('B_i = b_i·G + c_i·A', 32),
        senderPoints0: F.hexes('a·B_i', 32),
        senderPoints1: F.hexes('a·(B_i − A)', 32),
        receiverPoints: F.hexes('b_i·A', 32),
      },
      output: {
        transcript: transcript(['sender', 'receiver']),
        keys0: F.hexes(undefined, 16),
        keys1: F.hexes(undefined, 16),
        receiverKeys: F.hexes(undefined, 16),
      },
    },
    {
      type: 'ChosenBaseOtTest',
      description: 'baseOtSend(pairs) against baseOtReceive(choices): messages of L bytes each.',
      params: { kdfLabel: F.string() },
      input: {
        senderSeed: F.hex(undefined, 32),
        receiverSeed: F.hex(undefined, 32),
        sessionId: F.hex(),
        choices: F.sizes(),
        m0: F.hexes(),
        m1: F.hexes(),
      },
      output: { transcript: transcript(['sender', 'receiver']), received: F.hexes() },
    },
    {
      type: 'CoDeriveKeyTest',
      description: 'coDeriveKey(sid, i, j, A, B, P, L) = first L bytes of SHA-256(T ‖ u32(0)) ‖ SHA-256(T ‖ u32(1)) ‖ …',
      params: { kdfLabel: F.string() },
      input: { sessionId: F.hex(), index: F.size(), which: F.size(), A: F.hex(), B: F.hex(), P: F.hex(), length: F.size() },
      intermediate: { T: F.hex('utf8(label) ‖ 0x00 ‖ u32(|sid|) ‖ sid ‖ u32(i) ‖ u8(j) ‖ A ‖ B ‖ P') },
      output: { key: F.hex() },
    },
    {
      type: 'DecodePeerPointTest',
      description: 'decodePeerPoint: canonical RFC 9496 encodings of non-identity elements only.',
      params: {},
      input: { point: F.hex() },
      output: { reencoded: F.hex(undefined, 32) },
    },
    {
      type: 'BaseOtRejectTest',
      description: 'One party runs the random base OT on its seed; the peer messages it receives are malformed.',
      params: {},
      input: {
        role: F.enum(['sender', 'receiver']),
        seed: F.hex(undefined, 32),
        count: F.size(),
        choices: F.sizes(),
        peerMessages: F.hexes(),
      },
    },
  ],
};

const BASE_PATH = 'ot/base-ot.v1.json';

/** The points and scalars of a random base OT between two seeded parties, from the spec. */
function baseOtIntermediates(senderSeed: Uint8Array, receiverSeed: Uint8Array, choices: number[]): JsonObject {
  const a = sampleScalar(fromSeed(senderSeed));
  const A = Point.BASE.multiply(a);
  const rr = fromSeed(receiverSeed);
  const bs = choices.map(() => sampleScalar(rr));
  const B = bs.map((bi, i) => (choices[i] ? Point.BASE.multiply(bi).add(A) : Point.BASE.multiply(bi)));
  return {
    a: dec(a),
    A: hex(A.toBytes()),
    b: decs(bs),
    B: B.map((p) => hex(p.toBytes())),
    senderPoints0: B.map((p) => hex(p.multiply(a).toBytes())),
    senderPoints1: B.map((p) => hex(p.subtract(A).multiply(a).toBytes())),
    receiverPoints: bs.map((bi) => hex(A.multiply(bi).toBytes())),
  };
}

/** RFC 9496 Appendix A.2: encodings that MUST NOT decode. */
const RFC9496_INVALID: [string, string][] = [
  ['00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'non-canonical field encoding'],
  ['ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'non-canonical field encoding'],
  ['f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'non-canonical field encoding'],
  ['edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'non-canonical field encoding'],
  ['0100000000000000000000000000000000000000000000000000000000000000', 'negative field element'],
  ['01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'negative field element'],
  ['ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20', 'negative field element'],
  ['c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562', 'negative field element'],
  ['26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371', 'non-square x²'],
  ['4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f', 'non-square x²'],
  ['3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e', 'negative xy'],
  ['a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220', 'negative xy'],
  ['ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 's = −1, y = 0'],
];

const BASE_NAMES = ['sender', 'receiver'] as const;

async function recordBaseOt<T, U>(
  sender: (ch: Channel) => Promise<T>,
  receiver: (ch: Channel) => Promise<U>,
): Promise<{ s: T; r: U; transcript: TranscriptMessage[] }> {
  const rec = recordingChannelPair(BASE_NAMES);
  const [s, r] = await Promise.all([sender(rec.channels[0]), receiver(rec.channels[1])]);
  return { s, r, transcript: rec.transcript };
}

export const baseFile: VectorFileGenerator = {
  path: BASE_PATH,
  spec: baseSpec,
  async generate(master) {
    const b = new VectorFileBuilder(baseSpec, BASE_PATH, master, {
      specSections: ['§6.2', '§6.3'],
      header: [
        'Points are canonical 32-byte ristretto255 encodings; scalars are decimal. Messages: 0x01 ‖ A, 0x02 ‖ u32 n ‖ B_0 ‖ …,',
        '0x03 ‖ u32 n ‖ u32 L ‖ e_{0,0} ‖ e_{0,1} ‖ … (chosen-message variant).',
      ],
      notes: {
        SessionId: 'A non-empty session id.',
        Rfc9496Invalid: 'An encoding from RFC 9496 Appendix A.2 that does not decode.',
        Identity: 'The identity element (all-zero encoding), refused although it decodes.',
        Rfc9496Valid: 'A multiple of the generator (RFC 9496 Appendix A.1 lists 0·B … 15·B).',
        WrongCount: 'The peer announces a different number of transfers.',
        WrongTag: 'A message with an unexpected tag.',
        WrongLength: 'A message of the wrong length.',
        LongKey: 'A key longer than one SHA-256 block (several counter blocks).',
      },
    });
    const kdfLabel = CO_KDF_LABEL;
    const rg = b.group('RandomBaseOtTest', { kdfLabel, keyBytes: BASE_OT_KEY_BYTES });
    for (const [choices, sid, comment, flags] of [
      [[0, 1, 1, 0], new Uint8Array(0), 'four transfers', []],
      [[1, 0, 1, 1, 1, 0, 0, 1], utf8ToBytes('session-7'), 'eight transfers with session id "session-7"', ['SessionId']],
    ] as [number[], Uint8Array, string, string[]][]) {
      const sSeed = b.seed(`base/${comment}/sender`);
      const rSeed = b.seed(`base/${comment}/receiver`);
      const c = Uint8Array.from(choices);
      const run = await recordBaseOt(
        (ch) => baseRandomOtSend(ch, choices.length, fromSeed(sSeed), { sessionId: sid }),
        (ch) => baseRandomOtReceive(ch, c, fromSeed(rSeed), { sessionId: sid }),
      );
      const im = baseOtIntermediates(sSeed, rSeed, choices);
      rg.valid(comment, { senderSeed: hex(sSeed), receiverSeed: hex(rSeed), sessionId: hex(sid), choices }, {
        transcript: transcriptJson(run.transcript),
        keys0: run.s.keys0.map(hex),
        keys1: run.s.keys1.map(hex),
        receiverKeys: run.r.map(hex),
      }, { intermediate: im, flags });
    }
    const cg = b.group('ChosenBaseOtTest', { kdfLabel });
    {
      const sSeed = b.seed('chosen/sender');
      const rSeed = b.seed('chosen/receiver');
      const { rng } = b.rng('chosen/messages');
      const choices = [1, 0, 1];
      const pairs = choices.map(() => [rng.bytes(40), rng.bytes(40)] as [Uint8Array, Uint8Array]);
      const run = await recordBaseOt(
        (ch) => baseOtSend(ch, pairs, fromSeed(sSeed)),
        (ch) => baseOtReceive(ch, Uint8Array.from(choices), fromSeed(rSeed)),
      );
      cg.valid('three transfers of 40-byte messages', {
        senderSeed: hex(sSeed), receiverSeed: hex(rSeed), sessionId: '', choices,
        m0: pairs.map((p) => hex(p[0])), m1: pairs.map((p) => hex(p[1])),
      }, { transcript: transcriptJson(run.transcript), received: run.r.map(hex) }, { flags: ['LongKey'] });
    }
    const kg = b.group('CoDeriveKeyTest', { kdfLabel });
    {
      const G = Point.BASE;
      const A = G.multiply(5n).toBytes();
      const B = G.multiply(7n).toBytes();
      const P = G.multiply(35n).toBytes();
      for (const [sid, index, which, length, flags] of [
        [new Uint8Array(0), 0, 0, 16, []],
        [utf8ToBytes('sid'), 3, 1, 16, ['SessionId']],
        [new Uint8Array(0), 2 ** 32 - 1, 1, 70, ['LongKey']],
      ] as [Uint8Array, number, number, number, string[]][]) {
        const label = utf8ToBytes(kdfLabel);
        const T = concatBytes([label, Uint8Array.of(0), u32LE(sid.length), sid, u32LE(index), Uint8Array.of(which), A, B, P]);
        kg.valid(`index ${index}, key ${which}, ${length} bytes (A = 5·G, B = 7·G, P = 35·G)`, {
          sessionId: hex(sid), index, which, A: hex(A), B: hex(B), P: hex(P), length,
        }, { key: hex(coDeriveKey(sid, index, which, A, B, P, length)) }, { intermediate: { T: hex(T) }, flags });
      }
    }
    const dg = b.group('DecodePeerPointTest', {});
    for (const k of [1n, 2n, 15n]) {
      const enc = Point.BASE.multiply(k).toBytes();
      dg.valid(`${k}·G`, { point: hex(enc) }, { reencoded: hex(decodePeerPoint(enc, 'point').toBytes()) }, { flags: ['Rfc9496Valid'] });
    }
    for (const [h, why] of RFC9496_INVALID) {
      const bytes = hexToBytes(h);
      dg.invalid(`RFC 9496 A.2: ${why}`, { point: h }, expectErrorCode(() => decodePeerPoint(bytes, 'point'), h), ['Rfc9496Invalid']);
    }
    dg.invalid('the identity', { point: '00'.repeat(32) }, expectErrorCode(() => decodePeerPoint(new Uint8Array(32), 'point'), 'id'), ['Identity']);
    dg.invalid('31 bytes', { point: '00'.repeat(31) }, expectErrorCode(() => decodePeerPoint(new Uint8Array(31), 'point'), '31'), ['WrongLength']);

    const xg = b.group('BaseOtRejectTest', {});
    {
      const sSeed = b.seed('reject/sender');
      const rSeed = b.seed('reject/receiver');
      const choices = [0, 1];
      const honest = await recordBaseOt(
        (ch) => baseRandomOtSend(ch, 2, fromSeed(sSeed)),
        (ch) => baseRandomOtReceive(ch, Uint8Array.from(choices), fromSeed(rSeed)),
      );
      const [msgA, msgB] = honest.transcript.map((m) => m.bytes);
      const withA = (a: Uint8Array) => concatBytes([Uint8Array.of(OT_TAG.BASE_SENDER_POINT), a]);
      const receiverCases: [Uint8Array, string, string[]][] = [
        [withA(new Uint8Array(32)), 'A is the identity', ['Identity']],
        [withA(hexToBytes(RFC9496_INVALID[4][0])), 'A is a negative field element', ['Rfc9496Invalid']],
        [concatBytes([Uint8Array.of(OT_TAG.BASE_RECEIVER_POINTS), msgA.subarray(1)]), 'A arrives with the tag of B', ['WrongTag']],
        [msgA.subarray(0, 32), 'A is one byte short', ['WrongLength']],
      ];
      for (const [msg, comment, flags] of receiverCases) {
        const code = await expectErrorCodeAsync(() => baseRandomOtReceive(scriptedChannel([msg]), Uint8Array.from(choices), fromSeed(rSeed)), comment);
        xg.invalid(`receiver: ${comment}`, { role: 'receiver', seed: hex(rSeed), count: 2, choices, peerMessages: [hex(msg)] }, code, flags);
      }
      const badB = Uint8Array.from(msgB);
      badB.set(new Uint8Array(32), 5 + 32);
      const threeB = concatBytes([Uint8Array.of(OT_TAG.BASE_RECEIVER_POINTS), u32LE(3), msgB.subarray(5), msgB.subarray(5, 37)]);
      const senderCases: [Uint8Array, string, string[]][] = [
        [badB, 'B_1 is the identity', ['Identity']],
        [threeB, 'the receiver sends 3 points for 2 transfers', ['WrongCount']],
        [msgB.subarray(0, msgB.length - 1), 'the points message is one byte short', ['WrongLength']],
      ];
      for (const [msg, comment, flags] of senderCases) {
        const code = await expectErrorCodeAsync(() => baseRandomOtSend(scriptedChannel([msg]), 2, fromSeed(sSeed)), comment);
        xg.invalid(`sender: ${comment}`, { role: 'sender', seed: hex(sSeed), count: 2, choices: [], peerMessages: [hex(msg)] }, code, flags);
      }
    }
    return b.build();
  },
};
