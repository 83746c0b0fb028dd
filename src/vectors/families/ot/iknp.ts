/**
 * vectors/ot/iknp.v1.json: IKNP/ALSZ OT extension sessions with every message, the base-OT keys,
 * the matrices' columns t_i and q_i, both parties' outputs, and malformed messages (§6.4–§6.8).
 *
 * Spec: §12.5.5
 * @module
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { AesCtrPrg } from '../../../ot/prg.js';
import { OtExtReceiver, OtExtSender } from '../../../ot/index.js';
import { bytesToBlocks } from '../../../ot/blocks.js';
import { IKNP_BASE_OT_LABEL } from '../../../ot/iknp.js';
import { KAPPA } from '../../../ot/transpose.js';
import { OT_TAG } from '../../../ot/wire.js';
import { fromSeed } from '../../../random/index.js';
import { expectErrorCodeAsync, VectorFileBuilder } from '../../builder.js';
import { hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec, type FieldType } from '../../fields.js';
import type { JsonObject } from '../../format.js';
import { recordingChannelPair, scriptedChannel, transcriptJson, type TranscriptMessage } from '../../transcript.js';
import { concatBytes } from '../../../math/bytes.js';
import { blocksHex, receiverBaseKeys, seededBlocks, seededChoices, transcript } from './shared.js';

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

const IKNP_PATH = 'ot/iknp.v1.json';

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
  const { keys0, keys1 } = receiverBaseKeys(receiverSeed, sid, msgA, msgB);
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

export const iknpFile: VectorFileGenerator = {
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
    const blocks = (label: string, n: number) => seededBlocks(b, label, n);
    const choicesFor = (label: string, n: number) => seededChoices(b, label, n);
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
