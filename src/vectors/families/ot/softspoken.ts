/**
 * Vectors of §6.11: SoftSpokenOT sessions (k = 1, 2, 3, 4, 8) with every message — the base OTs, the
 * GGM sums, the correction chunks, the replies — the base-OT keys, the matrices' columns t_i and
 * q_i and both parties' outputs; and rejections of malformed GGM sums and corrections.
 *
 * Spec: §12.5.5
 * @module
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { OtExtReceiver, OtExtSender, softSpokenScheme } from '../../../ot/index.js';
import { IKNP_BASE_OT_LABEL } from '../../../ot/iknp.js';
import { KAPPA } from '../../../ot/transpose.js';
import { fromSeed } from '../../../random/index.js';
import { expectErrorCodeAsync, VectorFileBuilder } from '../../builder.js';
import { hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec, type FieldType } from '../../fields.js';
import type { JsonObject } from '../../format.js';
import { recordingChannelPair, scriptedChannel, transcriptJson } from '../../transcript.js';
import { blocksHex, receiverBaseKeys, seededBlocks, seededChoices, transcript } from './shared.js';

const PATH = 'ot/softspoken.v1.json';

const batchInput: FieldType = F.object({
  kind: F.enum(['chosen', 'random', 'randomCorrelated']),
  choices: F.sizes('the receiver\'s choice bits r_i'),
  'm0?': F.hexes('chosen: the sender\'s messages for r_i = 0', 16),
  'm1?': F.hexes(undefined, 16),
});

const spec: AlgorithmSpec = {
  algorithm: 'SoftSpokenOtExtension',
  description:
    'SoftSpokenOT sessions (§6.11): OtExtSender.setup(fromSeed(senderSeed), {scheme: softSpokenScheme(k)}) and ' +
    'OtExtReceiver.setup(fromSeed(receiverSeed), {scheme, chunkSize}), then the batches in order.',
  groups: [
    {
      type: 'SoftSpokenOtTest',
      description: 'One session and its batches; t_i and q_i are the columns of the receiver\'s and sender\'s matrices (q_i = t_i ⊕ r_i·s).',
      params: { kappa: F.size(), baseOtLabel: F.string() },
      input: {
        k: F.size('SoftSpokenOT parameter'),
        senderSeed: F.hex(undefined, 32),
        receiverSeed: F.hex(undefined, 32),
        chunkSize: F.size(),
        'delta?': F.hex('OtExtSender.setup option: s given instead of drawn', 16),
        batches: F.array(batchInput),
      },
      intermediate: {
        s: F.hex('the sender\'s secret (its base-OT choice bits; Δ_b are its k-bit blocks)', 16),
        baseKeys0: F.hexes('the receiver\'s base-OT keys k⁰_j (it is the base-OT sender)', 16),
        baseKeys1: F.hexes(undefined, 16),
        batches: F.array(F.object({ t: F.hexes(undefined, 16), q: F.hexes('q_i = t_i ⊕ r_i·s', 16) })),
      },
      output: {
        transcript: transcript(['sender', 'receiver']),
        batches: F.array(
          F.object({
            'senderOutput0?': F.hexes('random, random correlated: m⁰_i', 16),
            'senderOutput1?': F.hexes('random: m¹_i', 16),
            receiverOutput: F.hexes(undefined, 16),
          }),
        ),
      },
    },
    {
      type: 'SoftSpokenOtRejectTest',
      description:
        'The sender sets up its session from its seed and runs one random correlated batch of `count` OTs; it receives peerMessages ' +
        '(the honest receiver\'s base-OT message, then the GGM sums and a correction chunk, one of them malformed) and must fail with the listed error.',
      params: {},
      input: { k: F.size(), seed: F.hex(undefined, 32), count: F.size(), peerMessages: F.hexes() },
    },
  ],
};

interface Plan {
  label: string;
  comment: string;
  k: number;
  chunkSize: number;
  delta?: Uint32Array;
  batches: { kind: 'chosen' | 'random' | 'randomCorrelated'; choices: number[]; m0?: Uint32Array; m1?: Uint32Array }[];
  flags: string[];
}

export const softSpokenFile: VectorFileGenerator = {
  path: PATH,
  spec,
  async generate(master) {
    const b = new VectorFileBuilder(spec, PATH, master, {
      specSections: ['§6.2', '§6.6', '§6.7', '§6.11'],
      header: [
        'Setup as IKNP (§6.6: the extension sender is the base-OT receiver with choice bits s_j, session id',
        'utf8("delphi-ts/ot/iknp/v1") ‖ 0x00), then the receiver sends EXT_GGM_SUMS (§6.11). Each chunk\'s u message holds',
        '⌈128/k⌉ correction rows. t_i is column i of the receiver\'s matrix V, q_i = t_i ⊕ r_i·s the sender\'s.',
      ],
      notes: {
        IknpEquivalent: 'k = 1: every message but the (empty) GGM sums is the IKNP message of §6.7.',
        ShortBlock: 'k does not divide 128: the last block of rows is narrower.',
        GivenDelta: 'The sender\'s s is given (lsb 1, as free-XOR garbling needs) instead of drawn.',
        Chunked: 'chunkSize is smaller than a batch: several correction messages per batch.',
        WrongLength: 'A message of the wrong length for its header.',
        WrongK: 'GGM sums for another k.',
        ReservedBytes: 'Non-zero reserved header bytes.',
        WrongCount: 'A count field that does not match k.',
      },
    });
    const g = b.group('SoftSpokenOtTest', { kappa: KAPPA, baseOtLabel: IKNP_BASE_OT_LABEL });
    const blocks = (label: string, n: number) => seededBlocks(b, label, n);
    const choicesFor = (label: string, n: number) => seededChoices(b, label, n);
    const delta = blocks('delta', 1);
    delta[0] |= 1;
    const plans: Plan[] = [
      { label: 'k1', comment: 'k = 1 (IKNP): random correlated OT, 200 transfers', k: 1, chunkSize: 8192, batches: [{ kind: 'randomCorrelated', choices: choicesFor('k1/r', 200) }], flags: ['IknpEquivalent'] },
      { label: 'k2', comment: 'k = 2: chosen-message OT, 150 transfers', k: 2, chunkSize: 8192, batches: [{ kind: 'chosen', choices: choicesFor('k2/r', 150), m0: blocks('k2/m0', 150), m1: blocks('k2/m1', 150) }], flags: [] },
      { label: 'k3', comment: 'k = 3 (a last block of 2 rows): random OT, 130 transfers', k: 3, chunkSize: 8192, batches: [{ kind: 'random', choices: choicesFor('k3/r', 130) }], flags: ['ShortBlock'] },
      {
        label: 'k4',
        comment: 'k = 4 (the protocol\'s default): random correlated OT with a given s (lsb 1), 300 transfers in chunks of 128',
        k: 4,
        chunkSize: 128,
        delta,
        batches: [{ kind: 'randomCorrelated', choices: choicesFor('k4/r', 300) }],
        flags: ['GivenDelta', 'Chunked'],
      },
      { label: 'k8', comment: 'k = 8: random correlated OT, 100 transfers', k: 8, chunkSize: 8192, batches: [{ kind: 'randomCorrelated', choices: choicesFor('k8/r', 100) }], flags: [] },
    ];
    for (const plan of plans) {
      const senderSeed = b.seed(`${plan.label}/sender`);
      const receiverSeed = b.seed(`${plan.label}/receiver`);
      const scheme = softSpokenScheme(plan.k);
      const rec = recordingChannelPair(['sender', 'receiver']);
      const [sender, receiver] = await Promise.all([
        OtExtSender.setup(rec.channels[0], fromSeed(senderSeed), { scheme, ...(plan.delta ? { delta: plan.delta } : {}) }),
        OtExtReceiver.setup(rec.channels[1], fromSeed(receiverSeed), { scheme, chunkSize: plan.chunkSize }),
      ]);
      const s = sender.delta;
      const outputs: JsonObject[] = [];
      const ims: JsonObject[] = [];
      for (const batch of plan.batches) {
        const r = Uint8Array.from(batch.choices);
        const m = r.length;
        // t and q are the outputs of a random correlated batch; the hashed kinds record none.
        if (batch.kind === 'chosen') {
          const [, got] = await Promise.all([sender.send(batch.m0!, batch.m1!), receiver.receive(r)]);
          outputs.push({ receiverOutput: blocksHex(got) });
          ims.push({ t: [], q: [] });
        } else if (batch.kind === 'random') {
          const [pairs, got] = await Promise.all([sender.sendRandom(m), receiver.receiveRandom(r)]);
          outputs.push({ senderOutput0: blocksHex(pairs.m0), senderOutput1: blocksHex(pairs.m1), receiverOutput: blocksHex(got) });
          ims.push({ t: [], q: [] });
        } else {
          const [q, t] = await Promise.all([sender.sendRandomCorrelated(m), receiver.receiveRandomCorrelated(r)]);
          outputs.push({ senderOutput0: blocksHex(q), receiverOutput: blocksHex(t) });
          ims.push({ t: blocksHex(t), q: blocksHex(q) });
        }
      }
      const [msgA, msgB] = rec.transcript.slice(0, 2).map((x) => x.bytes);
      const { keys0, keys1 } = receiverBaseKeys(receiverSeed, Uint8Array.from([...utf8ToBytes(IKNP_BASE_OT_LABEL), 0]), msgA, msgB);
      g.valid(
        plan.comment,
        {
          k: plan.k,
          senderSeed: hex(senderSeed),
          receiverSeed: hex(receiverSeed),
          chunkSize: plan.chunkSize,
          ...(plan.delta ? { delta: blocksHex(plan.delta)[0] } : {}),
          batches: plan.batches.map((x) => ({ kind: x.kind, choices: x.choices, ...(x.m0 ? { m0: blocksHex(x.m0), m1: blocksHex(x.m1!) } : {}) })),
        },
        { transcript: transcriptJson(rec.transcript), batches: outputs },
        { intermediate: { s: blocksHex(s)[0], baseKeys0: keys0.map(hex), baseKeys1: keys1.map(hex), batches: ims }, flags: plan.flags },
      );
    }
    // Rejections: the sender of a k = 4 session of 10 random correlated OTs, fed one bad message.
    const xg = b.group('SoftSpokenOtRejectTest', {});
    const senderSeed = b.seed('reject/sender');
    const receiverSeed = b.seed('reject/receiver');
    const rec = recordingChannelPair(['sender', 'receiver']);
    const scheme = softSpokenScheme(4);
    const [sender, receiver] = await Promise.all([OtExtSender.setup(rec.channels[0], fromSeed(senderSeed), { scheme }), OtExtReceiver.setup(rec.channels[1], fromSeed(receiverSeed), { scheme })]);
    await Promise.all([sender.sendRandomCorrelated(10), receiver.receiveRandomCorrelated(Uint8Array.from(choicesFor('reject/r', 10)))]);
    const [, msgB, msgG, msgU] = rec.transcript.map((x) => x.bytes);
    const edit = (m: Uint8Array, f: (x: Uint8Array) => void): Uint8Array => {
      const c = Uint8Array.from(m);
      f(c);
      return c;
    };
    const cases: [Uint8Array[], string, string[]][] = [
      [[msgB, msgG.subarray(0, msgG.length - 1), msgU], 'the GGM sums are one byte short', ['WrongLength']],
      [[msgB, edit(msgG, (x) => (x[1] = 2)), msgU], 'the GGM sums are for k = 2', ['WrongK']],
      [[msgB, edit(msgG, (x) => (x[3] = 1)), msgU], 'a reserved byte of the GGM sums is set', ['ReservedBytes']],
      [[msgB, edit(msgG, (x) => (x[4] = 97)), msgU], 'the GGM sums claim 97 pairs for k = 4 (96)', ['WrongCount']],
      [[msgB, msgG, msgU.subarray(0, msgU.length - 16)], 'the correction chunk is one block short', ['WrongLength']],
    ];
    for (const [peerMessages, comment, flags] of cases) {
      const code = await expectErrorCodeAsync(async () => {
        const s = await OtExtSender.setup(scriptedChannel(peerMessages), fromSeed(senderSeed), { scheme });
        await s.sendRandomCorrelated(10);
      }, comment);
      xg.invalid(`sender: ${comment}`, { k: 4, seed: hex(senderSeed), count: 10, peerMessages: peerMessages.map(hex) }, code, flags);
    }
    return b.build();
  },
};
