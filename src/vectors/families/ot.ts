/**
 * Vectors of §5.1–§5.2 and §6: fixed-key AES and the tweakable hash, the AES-CTR PRG, Chou–Orlandi
 * base OT (scalars, points, Diffie–Hellman points, keys, messages; RFC 9496 invalid encodings) and
 * IKNP/ALSZ OT extension sessions with every message, the base-OT keys, the matrices' columns t_i
 * and q_i, and both parties' outputs.
 *
 * Spec: §12.5.5
 * @module
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { FIXED_AES_KEY, FIXED_KEY_LABEL, FixedKeyAes, fixedKeyAes, tccrHashBlocks } from '../../hash/index.js';
import type { Channel } from '../../channel/channel.js';
import { AesCtrPrg } from '../../ot/prg.js';
import { BASE_OT_KEY_BYTES, baseRandomOtReceive, baseRandomOtSend, CO_KDF_LABEL, coDeriveKey, decodePeerPoint, sampleScalar } from '../../ot/base-ot.js';
import { baseOtReceive, baseOtSend, OtExtReceiver, OtExtSender } from '../../ot/index.js';
import { blockToBytes, bytesToBlocks } from '../../ot/blocks.js';
import { IKNP_BASE_OT_LABEL } from '../../ot/iknp.js';
import { KAPPA } from '../../ot/transpose.js';
import { OT_TAG } from '../../ot/wire.js';
import { fromSeed } from '../../random/index.js';
import { expectErrorCode, expectErrorCodeAsync, VectorFileBuilder } from '../builder.js';
import { dec, decs, hex } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec, type FieldType } from '../fields.js';
import type { JsonObject } from '../format.js';
import { recordingChannelPair, transcriptJson, type TranscriptMessage } from '../transcript.js';
import { concatBytes, hexToBytes, u32LE } from '../../math/bytes.js';
import { softSpokenFile } from './softspoken.js';

const Point = ristretto255.Point;
const transcript = (names: string[]): FieldType =>
  F.array(F.object({ from: F.enum(names), bytes: F.hex() }), 'every message in send order');

const hashSpec: AlgorithmSpec = {
  algorithm: 'FixedKeyAesAndTccr',
  description: 'π = AES-128 under the fixed key (§5.1) and TCCR(x, i) = π(π(x) ⊕ i) ⊕ π(x) (§5.2).',
  groups: [
    {
      type: 'FixedKeyAesTest',
      description: 'π(block): AES-128 encryption of the 16-byte block under the fixed key.',
      params: { label: F.string(), key: F.hex('BLAKE2b with a 16-byte digest of utf8(label)', 16) },
      input: { block: F.hex(undefined, 16) },
      output: { ciphertext: F.hex(undefined, 16) },
    },
    {
      type: 'Aes128Test',
      description: 'AES-128 encryption of one block under a given key, with the kernel behind π (FixedKeyAes with that key).',
      params: {},
      input: { key: F.hex(undefined, 16), block: F.hex(undefined, 16) },
      output: { ciphertext: F.hex(undefined, 16) },
    },
    {
      type: 'TccrHashTest',
      description:
        'tccrHashBlocks(blocks, tweakStart): block k is hashed with tweak i = tweakStart + k, placed in bytes 0–7 of a ' +
        'block little-endian (bytes 8–15 zero).',
      params: { key: F.hex(undefined, 16) },
      input: { blocks: F.hexes(undefined, 16), tweakStart: F.int('tweakStart + (number of blocks) ≤ 2^53 − 1') },
      intermediate: {
        pi: F.hexes('π(x)', 16),
        tweakBlocks: F.hexes('the tweak i as a block', 16),
        inner: F.hexes('π(π(x) ⊕ i)', 16),
      },
      output: { hashes: F.hexes(undefined, 16) },
    },
  ],
};

const prgSpec: AlgorithmSpec = {
  algorithm: 'AesCtrPrg',
  description: 'The PRG of §6.4: block j of the stream of a 16-byte seed is AES_seed(j as a 128-bit big-endian integer).',
  groups: [
    {
      type: 'AesCtrPrgTest',
      description: 'Blocks firstBlock … firstBlock + count − 1.',
      params: {},
      input: { seed: F.hex(), firstBlock: F.size(), count: F.size() },
      output: { blocks: F.hexes(undefined, 16) },
    },
  ],
};

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

const batchInput: FieldType = F.object({
  kind: F.enum(['chosen', 'correlated', 'random', 'randomCorrelated']),
  choices: F.sizes('the receiver\'s choice bits r_i'),
  'm0?': F.hexes('chosen: the sender\'s messages for r_i = 0', 16),
  'm1?': F.hexes(undefined, 16),
  'correlation?': F.hex('correlated: the sender\'s Δ', 16),
});

const iknpSpec: AlgorithmSpec = {
  algorithm: 'IknpOtExtension',
  description:
    'OT-extension sessions (§6.6, §6.7): OtExtSender.setup(fromSeed(senderSeed)) and OtExtReceiver.setup(fromSeed(receiverSeed)), ' +
    'then the batches in order.',
  groups: [
    {
      type: 'OtExtensionTest',
      description: 'One session and its batches; t_i and q_i are the columns of the receiver\'s and sender\'s matrices.',
      params: { kappa: F.size(), baseOtLabel: F.string() },
      input: {
        senderSeed: F.hex(undefined, 32),
        receiverSeed: F.hex(undefined, 32),
        sessionId: F.hex(),
        chunkSize: F.size(),
        'delta?': F.hex('OtExtSender.setup option: s given instead of drawn', 16),
        batches: F.array(batchInput),
      },
      intermediate: {
        s: F.hex('the sender\'s secret (its base-OT choice bits, bit j = bit j of the block)', 16),
        baseKeys0: F.hexes('the receiver\'s base-OT keys k⁰_j (it is the base-OT sender)', 16),
        baseKeys1: F.hexes(undefined, 16),
        batches: F.array(F.object({ t: F.hexes(undefined, 16), q: F.hexes('q_i = t_i ⊕ r_i·s', 16) })),
      },
      output: {
        transcript: transcript(['sender', 'receiver']),
        batches: F.array(
          F.object({
            'senderOutput0?': F.hexes('correlated, random, random correlated: m⁰_i', 16),
            'senderOutput1?': F.hexes('random: m¹_i', 16),
            receiverOutput: F.hexes(undefined, 16),
          }),
        ),
      },
    },
    {
      type: 'OtExtensionRejectTest',
      description:
        'One party sets up its session from its seed and runs one batch; it receives peerMessages (the base-OT message of an honest ' +
        'peer, then a malformed extension message) and must fail with the listed error.',
      params: {},
      input: {
        role: F.enum(['sender', 'receiver']),
        seed: F.hex(undefined, 32),
        sessionId: F.hex(),
        chunkSize: F.size(),
        batch: batchInput,
        peerMessages: F.hexes(),
      },
    },
  ],
};

const blocksHex = (words: Uint32Array): string[] => Array.from({ length: words.length / 4 }, (_, i) => hex(blockToBytes(words, i)));

const HASH_PATH = 'hash/tccr.v1.json';
const PRG_PATH = 'ot/prg.v1.json';
const BASE_PATH = 'ot/base-ot.v1.json';
const IKNP_PATH = 'ot/iknp.v1.json';

const hashFile: VectorFileGenerator = {
  path: HASH_PATH,
  spec: hashSpec,
  async generate(master) {
    const b = new VectorFileBuilder(hashSpec, HASH_PATH, master, {
      specSections: ['§5.1', '§5.2'],
      header: [
        'Blocks are 16-byte strings; as 32-bit words (§6.1) word k holds bytes 4k … 4k + 3, little-endian.',
        'π is plain AES-128 (FIPS-197) on the 16 bytes.',
      ],
      notes: {
        Fips197: 'A known-answer vector of FIPS-197 (AES).',
        HighTweak: 'A tweak ≥ 2^32: its high word lands in bytes 4–7 of the tweak block.',
        Batch: 'Several blocks with consecutive tweaks.',
        BadTweak: 'A negative or too large tweak.',
      },
    });
    const key = hex(FIXED_AES_KEY);
    const aes = b.group('FixedKeyAesTest', { label: FIXED_KEY_LABEL, key });
    const pi = fixedKeyAes();
    const { rng } = b.rng('aes');
    for (const block of [new Uint8Array(16), Uint8Array.from({ length: 16 }, (_, i) => i), rng.bytes(16)]) {
      aes.valid(`π(${hex(block)})`, { block: hex(block) }, { ciphertext: hex(pi.encryptBytes(block)) });
    }
    const ag = b.group('Aes128Test', {});
    for (const [k, block, comment] of [
      ['000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff', 'FIPS-197 Appendix C.1'],
      ['2b7e151628aed2a6abf7158809cf4f3c', '3243f6a8885a308d313198a2e0370734', 'FIPS-197 Appendix B'],
    ]) {
      ag.valid(comment, { key: k, block }, { ciphertext: hex(new FixedKeyAes(hexToBytes(k)).encryptBytes(hexToBytes(block))) }, { flags: ['Fips197'] });
    }
    const tg = b.group('TccrHashTest', { key });
    const cases: [Uint8Array[], number, string, string[]][] = [
      [[new Uint8Array(16)], 0, 'the zero block, tweak 0', []],
      [[rng.bytes(16)], 1, 'a random block, tweak 1', []],
      [[rng.bytes(16)], 2 ** 32 + 3, 'tweak 2^32 + 3', ['HighTweak']],
      [[rng.bytes(16)], 2 ** 53 - 2, 'tweak 2^53 − 2, the largest for one block (tweakStart + count must stay ≤ 2^53 − 1)', ['HighTweak']],
      [[rng.bytes(16), rng.bytes(16), rng.bytes(16), new Uint8Array(16)], 1000, 'four blocks from tweak 1000', ['Batch']],
    ];
    for (const [blocks, tweakStart, comment, flags] of cases) {
      const words = bytesToBlocks(concatBytes(blocks));
      const px = pi.encryptBlocks(words);
      const tweaks = new Uint32Array(words.length);
      for (let k = 0; k < blocks.length; k++) {
        tweaks[4 * k] = (tweakStart + k) % 2 ** 32;
        tweaks[4 * k + 1] = Math.floor((tweakStart + k) / 2 ** 32);
      }
      const inner = pi.encryptBlocks(px.map((w, i) => w ^ tweaks[i]));
      const hashes = tccrHashBlocks(words, tweakStart);
      const check = inner.map((w, i) => w ^ px[i]);
      if (blocksHex(check).join() !== blocksHex(hashes).join()) throw new Error('TCCR intermediates disagree');
      tg.valid(comment, { blocks: blocks.map(hex), tweakStart: dec(tweakStart) }, { hashes: blocksHex(hashes) }, {
        intermediate: { pi: blocksHex(px), tweakBlocks: blocksHex(tweaks), inner: blocksHex(inner) },
        flags,
      });
    }
    for (const t of [-1, 2 ** 53 - 1]) {
      const z = new Uint32Array(4);
      tg.invalid(`tweak ${t}`, { blocks: [hex(new Uint8Array(16))], tweakStart: dec(t) }, expectErrorCode(() => tccrHashBlocks(z, t), 'tweak'), [
        'BadTweak',
      ]);
    }
    return b.build();
  },
};

const prgFile: VectorFileGenerator = {
  path: PRG_PATH,
  spec: prgSpec,
  async generate(master) {
    const b = new VectorFileBuilder(prgSpec, PRG_PATH, master, {
      specSections: ['§6.4'],
      header: ['The stream equals NIST SP 800-38A AES-128-CTR with initial counter block 0 (OpenSSL aes-128-ctr, zero IV).'],
      notes: {
        LargeIndex: 'The first block index is ≥ 2^32 (the counter uses more than its low 32 bits).',
        BadSeed: 'A seed that is not 16 bytes.',
      },
    });
    const g = b.group('AesCtrPrgTest', {});
    const { rng } = b.rng('prg');
    const seeds = [new Uint8Array(16), rng.bytes(16)];
    for (const [seed, first, count, flags] of [
      [seeds[0], 0, 3, []],
      [seeds[1], 0, 4, []],
      [seeds[1], 2, 2, []],
      [seeds[1], 2 ** 32 + 1, 2, ['LargeIndex']],
      [seeds[1], 2 ** 53 - 2, 1, ['LargeIndex']],
    ] as [Uint8Array, number, number, string[]][]) {
      const out = new AesCtrPrg(seed).fillBlocks(first, new Uint32Array(4 * count));
      g.valid(`seed ${hex(seed).slice(0, 8)}…, blocks ${first} … ${first + count - 1}`, { seed: hex(seed), firstBlock: first, count }, {
        blocks: blocksHex(out),
      }, { flags });
    }
    const short = new Uint8Array(15);
    g.invalid('a 15-byte seed', { seed: hex(short), firstBlock: 0, count: 1 }, expectErrorCode(() => new AesCtrPrg(short), 'seed'), ['BadSeed']);
    return b.build();
  },
};

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

/** A channel that discards sends and delivers `incoming` in order. */
function scriptedChannel(incoming: readonly Uint8Array[]): Channel {
  let i = 0;
  return {
    send: () => undefined,
    recv: () => (i < incoming.length ? Promise.resolve(Uint8Array.from(incoming[i++])) : Promise.reject(new Error('script exhausted'))),
    close: () => undefined,
    stats: { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 },
  };
}

const baseFile: VectorFileGenerator = {
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

type BatchKind = 'chosen' | 'correlated' | 'random' | 'randomCorrelated';

interface BatchPlan {
  kind: BatchKind;
  choices: number[];
  m0?: Uint32Array;
  m1?: Uint32Array;
  correlation?: Uint32Array;
}

interface SessionPlan {
  label: string;
  comment: string;
  sessionId: Uint8Array;
  chunkSize: number;
  delta?: Uint32Array;
  batches: BatchPlan[];
  flags: string[];
}

/** Bit i of the PRG rows [P, P + b) of each key, as the 128-bit column t_i (the receiver's matrix). */
function matrixColumns(keys: Uint8Array[], firstBlock: number, chunks: number[]): Uint32Array {
  const total = chunks.reduce((x, y) => x + y, 0);
  const out = new Uint32Array(4 * total);
  let P = firstBlock;
  let i0 = 0;
  for (const count of chunks) {
    const nb = Math.ceil(count / 128);
    for (let j = 0; j < KAPPA; j++) {
      const row = new AesCtrPrg(keys[j]).fillBlocks(P, new Uint32Array(4 * nb));
      for (let i = 0; i < count; i++) {
        const bit = (row[i >>> 5] >>> (i & 31)) & 1;
        out[4 * (i0 + i) + (j >>> 5)] |= bit << (j & 31);
      }
    }
    P += nb;
    i0 += count;
  }
  return out;
}

/** Runs one IKNP session of `plan` between two recorded parties; the outputs of each batch. */
async function runIknpSession(plan: SessionPlan, senderSeed: Uint8Array, receiverSeed: Uint8Array): Promise<{ outputs: JsonObject[]; transcript: readonly TranscriptMessage[] }> {
  const rec = recordingChannelPair(['sender', 'receiver']);
  const [sender, receiver] = await Promise.all([
    OtExtSender.setup(rec.channels[0], fromSeed(senderSeed), { sessionId: plan.sessionId, delta: plan.delta }),
    OtExtReceiver.setup(rec.channels[1], fromSeed(receiverSeed), { sessionId: plan.sessionId, chunkSize: plan.chunkSize }),
  ]);
  const outputs: JsonObject[] = [];
  for (const batch of plan.batches) {
    const r = Uint8Array.from(batch.choices);
    const m = r.length;
    switch (batch.kind) {
      case 'chosen': {
        const [, got] = await Promise.all([sender.send(batch.m0!, batch.m1!), receiver.receive(r)]);
        outputs.push({ receiverOutput: blocksHex(got) });
        break;
      }
      case 'correlated': {
        const [m0, got] = await Promise.all([sender.sendCorrelated(m, batch.correlation!), receiver.receiveCorrelated(r)]);
        outputs.push({ senderOutput0: blocksHex(m0), receiverOutput: blocksHex(got) });
        break;
      }
      case 'random': {
        const [pairs, got] = await Promise.all([sender.sendRandom(m), receiver.receiveRandom(r)]);
        outputs.push({ senderOutput0: blocksHex(pairs.m0), senderOutput1: blocksHex(pairs.m1), receiverOutput: blocksHex(got) });
        break;
      }
      case 'randomCorrelated': {
        const [q, got] = await Promise.all([sender.sendRandomCorrelated(m), receiver.receiveRandomCorrelated(r)]);
        outputs.push({ senderOutput0: blocksHex(q), receiverOutput: blocksHex(got) });
        break;
      }
    }
  }
  return { outputs, transcript: rec.transcript };
}

/** The spec's intermediates of a session: s, the base-OT keys (the receiver is the base-OT sender) and each batch's matrix columns t and q. */
function iknpIntermediates(plan: SessionPlan, senderSeed: Uint8Array, receiverSeed: Uint8Array, transcript: readonly TranscriptMessage[], outputs: JsonObject[]) {
  // Intermediates from the spec: base-OT keys (the receiver is the base-OT sender), then the matrix columns.
  const s = plan.delta ?? bytesToBlocks(fromSeed(senderSeed).bytes(16));
  const sid = concatBytes([utf8ToBytes(IKNP_BASE_OT_LABEL), Uint8Array.of(0), plan.sessionId]);
  const [msgA, msgB] = transcript.slice(0, 2).map((x) => x.bytes);
  const a = sampleScalar(fromSeed(receiverSeed));
  const A = Point.fromBytes(msgA.subarray(1));
  const keys0: Uint8Array[] = [];
  const keys1: Uint8Array[] = [];
  for (let j = 0; j < KAPPA; j++) {
    const Bj = msgB.subarray(5 + 32 * j, 37 + 32 * j);
    const Pb = Point.fromBytes(Bj);
    // multiplyUnsafe: variable-time is fine for public test data, and twice as fast.
    const aB = Pb.multiplyUnsafe(a);
    keys0.push(coDeriveKey(sid, j, 0, A.toBytes(), Bj, aB.toBytes()));
    keys1.push(coDeriveKey(sid, j, 1, A.toBytes(), Bj, aB.subtract(A.multiplyUnsafe(a)).toBytes()));
  }
  let P = 0;
  const batchIms: JsonObject[] = [];
  for (const batch of plan.batches) {
    const chunks: number[] = [];
    for (let from = 0; from < batch.choices.length; from += plan.chunkSize) chunks.push(Math.min(plan.chunkSize, batch.choices.length - from));
    const t = matrixColumns(keys0, P, chunks);
    const q = t.map((w, i) => w ^ (batch.choices[i >>> 2] ? s[i & 3] : 0));
    P += chunks.reduce((x, c) => x + Math.ceil(c / 128), 0);
    batchIms.push({ t: blocksHex(t), q: blocksHex(q) });
  }
  plan.batches.forEach((batch, k) => {
    if (batch.kind === 'randomCorrelated') {
      if ((outputs[k].senderOutput0 as string[]).join() !== (batchIms[k].q as string[]).join()) throw new Error('q disagrees with the sender');
      if ((outputs[k].receiverOutput as string[]).join() !== (batchIms[k].t as string[]).join()) throw new Error('t disagrees with the receiver');
    }
  });
  return { s, keys0, keys1, batchIms };
}

/** The rejection tests: the sender of a chosen batch of 10 OTs, then the receiver, each fed one bad message. */
async function iknpRejections(
  xg: ReturnType<VectorFileBuilder['group']>,
  b: VectorFileBuilder,
  choicesFor: (label: string, n: number) => number[],
  blocks: (label: string, n: number) => Uint32Array,
): Promise<void> {
  const senderSeed = b.seed('iknp/reject/sender');
  const receiverSeed = b.seed('iknp/reject/receiver');
  const choices = choicesFor('reject/r', 10);
  const m0 = blocks('reject/m0', 10);
  const m1 = blocks('reject/m1', 10);
  const rec = recordingChannelPair(['sender', 'receiver']);
  const [sender, receiver] = await Promise.all([
    OtExtSender.setup(rec.channels[0], fromSeed(senderSeed)),
    OtExtReceiver.setup(rec.channels[1], fromSeed(receiverSeed)),
  ]);
  await Promise.all([sender.send(m0, m1), receiver.receive(Uint8Array.from(choices))]);
  const [msgA, msgB, msgU, msgY] = rec.transcript.map((x) => x.bytes);
  const batch = { kind: 'chosen', choices, m0: blocksHex(m0), m1: blocksHex(m1) };
  const edit = (m: Uint8Array, f: (x: Uint8Array) => void): Uint8Array => {
    const c = Uint8Array.from(m);
    f(c);
    return c;
  };
  const senderCases: [Uint8Array, string, string[]][] = [
    [edit(msgU, (x) => (x[0] = OT_TAG.EXT_U_RANDOM)), 'u arrives with the random-OT tag', ['WrongTag']],
    [edit(msgU, (x) => (x[3] = 1)), 'a reserved header byte of u is set', ['ReservedBytes']],
    [edit(msgU, (x) => (x[8] = 1)), 'u claims to start at OT 1', ['OutOfSync']],
    [edit(msgU, (x) => (x[4] = 11)), 'u claims 11 OTs for a batch of 10', ['WrongCount']],
    [msgU.subarray(0, msgU.length - 4), 'u is 4 bytes short', ['WrongLength']],
  ];
  for (const [msg, comment, flags] of senderCases) {
    const code = await expectErrorCodeAsync(async () => {
      const s = await OtExtSender.setup(scriptedChannel([msgA, msg]), fromSeed(senderSeed));
      await s.send(m0, m1);
    }, comment);
    xg.invalid(`sender: ${comment}`, {
      role: 'sender', seed: hex(senderSeed), sessionId: '', chunkSize: 8192, batch, peerMessages: [hex(msgA), hex(msg)],
    }, code, flags);
  }
  const receiverCases: [Uint8Array, string, string[]][] = [
    [edit(msgY, (x) => (x[0] = OT_TAG.EXT_Y_CORRELATED)), 'the reply carries the correlated-OT tag', ['WrongTag']],
    [edit(msgY, (x) => (x[4] = 9)), 'the reply covers 9 OTs of a 10-OT chunk', ['WrongCount']],
    [concatBytes([msgY, new Uint8Array(16)]), 'the reply has 16 extra bytes', ['WrongLength']],
  ];
  for (const [msg, comment, flags] of receiverCases) {
    const code = await expectErrorCodeAsync(async () => {
      const r = await OtExtReceiver.setup(scriptedChannel([msgB, msg]), fromSeed(receiverSeed));
      await r.receive(Uint8Array.from(choices));
    }, comment);
    xg.invalid(`receiver: ${comment}`, {
      role: 'receiver', seed: hex(receiverSeed), sessionId: '', chunkSize: 8192, batch, peerMessages: [hex(msgB), hex(msg)],
    }, code, flags);
  }
}

const iknpFile: VectorFileGenerator = {
  path: IKNP_PATH,
  spec: iknpSpec,
  async generate(master) {
    const b = new VectorFileBuilder(iknpSpec, IKNP_PATH, master, {
      specSections: ['§6.1', '§6.2', '§6.5', '§6.6', '§6.7'],
      header: [
        'Setup: the extension sender draws s = rng.bytes(16) (unless delta is given) and runs the random base OT as its',
        'receiver with choice bits s_j and session id utf8("delphi-ts/ot/iknp/v1") ‖ 0x00 ‖ sessionId; the extension',
        'receiver is the base-OT sender. t_i is column i of the receiver\'s matrix (rows G(k⁰_j)), q_i = t_i ⊕ r_i·s.',
        'Hash tweaks and chunk starts are session-wide OT indices: a later batch continues the numbering.',
      ],
      notes: {
        Chunked: 'chunkSize is smaller than a batch: several u messages (and replies) per batch.',
        PartialBlock: 'A chunk whose OT count is not a multiple of 128 (its last PRG block is partly unused).',
        MultiBatch: 'Several batches on one session.',
        GivenDelta: 'The sender\'s s is given (lsb 1, as free-XOR garbling needs) instead of drawn.',
        SessionId: 'A non-empty session id.',
        WrongTag: 'A message with another batch kind\'s tag.',
        ReservedBytes: 'Non-zero reserved header bytes.',
        OutOfSync: 'A chunk whose start is not the next OT index.',
        WrongCount: 'A chunk with zero OTs or more than the batch has left.',
        WrongLength: 'A message of the wrong length for its header.',
      },
    });
    const g = b.group('OtExtensionTest', { kappa: KAPPA, baseOtLabel: IKNP_BASE_OT_LABEL });
    const blocks = (rngLabel: string, n: number) => bytesToBlocks(b.rng(rngLabel).rng.bytes(16 * n));
    const choicesFor = (label: string, n: number) => Array.from(b.rng(label).rng.bytes(n), (x) => x & 1);
    const deltaLsb1 = blocks('delta', 1);
    deltaLsb1[0] |= 1;
    const plans: SessionPlan[] = [
      {
        label: 'chosen',
        comment: 'chosen-message OT, 200 transfers in one chunk',
        sessionId: new Uint8Array(0),
        chunkSize: 8192,
        batches: [{ kind: 'chosen', choices: choicesFor('chosen/r', 200), m0: blocks('chosen/m0', 200), m1: blocks('chosen/m1', 200) }],
        flags: ['PartialBlock'],
      },
      {
        label: 'random-correlated',
        comment: 'random correlated OT with a given s (lsb 1), 300 transfers in chunks of 128',
        sessionId: new Uint8Array(0),
        chunkSize: 128,
        delta: deltaLsb1,
        batches: [{ kind: 'randomCorrelated', choices: choicesFor('rc/r', 300) }],
        flags: ['Chunked', 'PartialBlock', 'GivenDelta'],
      },
      {
        label: 'session',
        comment: 'one session with session id "layer-3": chosen (10), random (5), correlated with a chosen Δ (140 in chunks of 128)',
        sessionId: utf8ToBytes('layer-3'),
        chunkSize: 128,
        batches: [
          { kind: 'chosen', choices: choicesFor('s/r1', 10), m0: blocks('s/m0', 10), m1: blocks('s/m1', 10) },
          { kind: 'random', choices: choicesFor('s/r2', 5) },
          { kind: 'correlated', choices: choicesFor('s/r3', 140), correlation: blocks('s/delta', 1) },
        ],
        flags: ['MultiBatch', 'Chunked', 'PartialBlock', 'SessionId'],
      },
    ];
    for (const plan of plans) {
      const senderSeed = b.seed(`iknp/${plan.label}/sender`);
      const receiverSeed = b.seed(`iknp/${plan.label}/receiver`);
      const { outputs, transcript } = await runIknpSession(plan, senderSeed, receiverSeed);
      const { s, keys0, keys1, batchIms } = iknpIntermediates(plan, senderSeed, receiverSeed, transcript, outputs);
      g.valid(plan.comment, {
        senderSeed: hex(senderSeed),
        receiverSeed: hex(receiverSeed),
        sessionId: hex(plan.sessionId),
        chunkSize: plan.chunkSize,
        ...(plan.delta ? { delta: blocksHex(plan.delta)[0] } : {}),
        batches: plan.batches.map((x) => ({
          kind: x.kind,
          choices: x.choices,
          ...(x.m0 ? { m0: blocksHex(x.m0), m1: blocksHex(x.m1!) } : {}),
          ...(x.correlation ? { correlation: blocksHex(x.correlation)[0] } : {}),
        })),
      }, { transcript: transcriptJson(transcript), batches: outputs }, {
        intermediate: { s: blocksHex(s)[0], baseKeys0: keys0.map(hex), baseKeys1: keys1.map(hex), batches: batchIms },
        flags: plan.flags,
      });
    }
    // Rejections: the sender of a chosen batch of 10 OTs, then the receiver, each fed one bad message.
    await iknpRejections(b.group('OtExtensionRejectTest', {}), b, choicesFor, blocks);
    return b.build();
  },
};

/** The `ot` family: vectors/hash/tccr.v1.json and vectors/ot/*. Spec: §12.5.5 */
export const otFamily: VectorFamily = {
  name: 'ot',
  description: 'fixed-key AES and TCCR hash, AES-CTR PRG, Chou–Orlandi base OT, IKNP/ALSZ and SoftSpokenOT extension transcripts (§5.1, §5.2, §6)',
  files: [hashFile, prgFile, baseFile, iknpFile, softSpokenFile],
};
