/**
 * Delphi's ReLU layers by garbled circuits (§9.9.4): in preprocessing the server garbles one circuit
 * per activation (§5.8) with the free-XOR offset Δ of a correlated-OT session, the client obtains
 * the labels of its share's bits by random correlated OT (its share is known in preprocessing, §9.6)
 * and receives the garbled tables; online the server sends the labels of its share and mask, and the
 * client evaluates, learning act(y) + m and nothing else.
 *
 * Spec: §9.9.4
 * @module
 */
import { InvalidArgumentError, MalformedInputError, ProtocolError } from '../errors.js';
import {
  deserializeGarbledCircuit,
  deserializeLabels,
  evaluateRelus,
  garbleRelus,
  reluCircuit,
  reluClientChoiceBits,
  reluServerLabels,
  sampleDelta,
  serializeGarbledCircuit,
  serializeLabels,
  SHARE_BITS,
  type GarbledCircuit,
  type ReluGarbling,
  type ReluParams,
} from '../gc/index.js';
import type { Channel } from '../net/channel.js';
import { OtExtReceiver, OtExtSender } from '../ot/iknp.js';
import type { ActivationBackend, ActivationClientSession, ActivationLayerInfo, ActivationServerSession } from './backend.js';
import { protocolTagName, rejectAbort } from './messages.js';

/** Message tags of the garbled-circuit backend. Spec: §9.9.4 */
export const GC_ACTIVATION_TAG = {
  /** S → C, preprocessing: the garbled circuits of a batch (a §5.9 garbled-circuit message). */
  TABLES: 0xe8,
  /** S → C, online: the server's active labels of a batch (a §5.9 label message). */
  LABELS: 0xe9,
} as const;

/** Activations per garbled batch (≈ 34 MB of tables for ReLU, 38 MB for ReLU6). Spec: §9.9.4 */
export const GC_BATCH = 4096;

const HEADER = 16;

function writeU32(out: Uint8Array, o: number, v: number): void {
  out[o] = v;
  out[o + 1] = v >>> 8;
  out[o + 2] = v >>> 16;
  out[o + 3] = v >>> 24;
}

function readU32(msg: Uint8Array, o: number): number {
  return (msg[o] | (msg[o + 1] << 8) | (msg[o + 2] << 16) | (msg[o + 3] << 24)) >>> 0;
}

/** tag ‖ 3 zero bytes ‖ u32 layer ‖ u32 start ‖ u32 count ‖ body. */
function frame(tag: number, layer: number, start: number, count: number, body: Uint8Array): Uint8Array {
  const msg = new Uint8Array(HEADER + body.length);
  msg[0] = tag;
  writeU32(msg, 4, layer);
  writeU32(msg, 8, start);
  writeU32(msg, 12, count);
  msg.set(body, HEADER);
  return msg;
}

function unframe(msg: Uint8Array, tag: number, layer: number, start: number, count: number, context: string): Uint8Array {
  rejectAbort(msg, context);
  if (msg[0] !== tag) throw new ProtocolError(`${context}: expected tag 0x${tag.toString(16)}, received ${protocolTagName(msg[0])}`);
  if (msg.length < HEADER) throw new MalformedInputError(`${context}: message shorter than its ${HEADER}-byte header`);
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0) throw new MalformedInputError(`${context}: reserved bytes must be zero`);
  const [l, s, c] = [readU32(msg, 4), readU32(msg, 8), readU32(msg, 12)];
  if (l !== layer || s !== start || c !== count) {
    throw new ProtocolError(`${context}: message for layer ${l}, activations [${s}, ${s + c}); expected layer ${layer}, [${start}, ${start + count})`);
  }
  return msg.subarray(HEADER);
}

function paramsOf(info: ActivationLayerInfo): Required<ReluParams> {
  return { kind: info.kind, shift: info.fractionalBits };
}

function batches(count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += GC_BATCH) out.push([start, Math.min(GC_BATCH, count - start)]);
  return out;
}

/**
 * The garbled-circuit activation backend (id `garbled-circuits`, secure). Setup: an OT extension
 * session whose secret s is the garbling offset Δ (server = OT sender and garbler). Per layer, per
 * batch of {@link GC_BATCH}: random correlated OT of the client's 41 share bits per activation, whose
 * sender outputs are the zero-labels of the client's input wires; TABLES; online LABELS. Spec: §9.9.4
 */
export const garbledActivations: ActivationBackend = Object.freeze<ActivationBackend>({
  id: 'garbled-circuits',
  secure: true,
  async server(channel: Channel, rng): Promise<ActivationServerSession> {
    const delta = sampleDelta(rng);
    const ot = await OtExtSender.setup(channel, rng, { delta });
    let nextGateId = 0;
    return {
      async preprocess(info, masks, layerRng) {
        const params = paramsOf(info);
        const and = reluCircuit(params).counts.and;
        const garblings: { start: number; count: number; g: ReluGarbling }[] = [];
        const all = batches(info.count);
        for (const [start, count] of all) {
          const zero = await ot.sendRandomCorrelated(SHARE_BITS * count);
          const g = garbleRelus(count, layerRng, { ...params, delta, clientZeroLabels: zero, firstGateId: nextGateId });
          nextGateId += count * and;
          channel.send(frame(GC_ACTIVATION_TAG.TABLES, info.index, start, count, serializeGarbledCircuit(g.circuit, g.garbled)));
          garblings.push({ start, count, g });
          info.onProgress?.(garblings.length / all.length);
        }
        return {
          async online(serverShare, onProgress) {
            if (serverShare.length !== info.count) throw new InvalidArgumentError(`garbled activations: layer ${info.index} expects ${info.count} shares`);
            garblings.forEach(({ start, count, g }, i) => {
              const labels = reluServerLabels(g, serverShare.subarray(start, start + count), masks.subarray(start, start + count));
              channel.send(frame(GC_ACTIVATION_TAG.LABELS, info.index, start, count, serializeLabels(labels)));
              onProgress?.((i + 1) / garblings.length);
            });
          },
        };
      },
    };
  },
  async client(channel: Channel, rng): Promise<ActivationClientSession> {
    const ot = await OtExtReceiver.setup(channel, rng);
    return {
      async preprocess(info, clientShare) {
        const params = paramsOf(info);
        const circuit = reluCircuit(params);
        const context = `garbled activations, layer ${info.index}`;
        const prepared: { start: number; count: number; garbled: GarbledCircuit; labels: Uint32Array }[] = [];
        const all = batches(info.count);
        for (const [start, count] of all) {
          const labels = await ot.receiveRandomCorrelated(reluClientChoiceBits(clientShare.subarray(start, start + count)));
          const body = unframe(await channel.recv(), GC_ACTIVATION_TAG.TABLES, info.index, start, count, context);
          const { garbled } = deserializeGarbledCircuit(body, circuit);
          if (garbled.instances !== count) throw new ProtocolError(`${context}: ${garbled.instances} garbled circuits, expected ${count}`);
          prepared.push({ start, count, garbled, labels });
          info.onProgress?.(prepared.length / all.length);
        }
        const garblerBits = circuit.inputBits('garbler');
        return {
          async online(onProgress) {
            const out = new Float64Array(info.count);
            let done = 0;
            for (const { start, count, garbled, labels } of prepared) {
              const body = unframe(await channel.recv(), GC_ACTIVATION_TAG.LABELS, info.index, start, count, context);
              const serverLabels = deserializeLabels(body, garblerBits * count);
              out.set(evaluateRelus(params, garbled, serverLabels, labels), start);
              onProgress?.(++done / prepared.length);
            }
            return out;
          },
        };
      },
    };
  },
});
