/**
 * Vectors of §9: one whole Delphi inference on a tiny network (convolution, ReLU, flatten, dense,
 * quadratic, dense) from fixed seeds, with every message of the handshake, the preprocessing and
 * the online phase, both parties' shares of every tensor, and the output — once with Delphi's
 * backend (BFV linear layers, garbled ReLUs with OT extension, BFV square pairs) on a small ring,
 * once with the insecure dealer; and sessions that must be refused.
 *
 * Spec: §12.5.8
 * @module
 */
import { createBfvParameters, createCoeffModulus, type BfvParameters } from '../../bfv/index.js';
import { P } from '../../math/index.js';
import { compileFixedPoint, parseModel, serializeModel, type FixedPointModel } from '../../nn/index.js';
import { architectureFingerprint, delphiBackend, encodeArchitecture, insecureDealer, publicArchitecture, requestInference, serveInference, type ProtocolBackend, type ShareRecord } from '../../protocol/index.js';
import { PROTOCOL_TAG } from '../../protocol/messages.js';
import { fromSeed } from '../../random/index.js';
import { expectErrorCodeAsync, VectorFileBuilder } from '../builder.js';
import { dec, decs, hex, real } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec, type FieldType } from '../fields.js';
import type { JsonObject } from '../format.js';
import { recordingChannelPair, scriptedChannel, transcriptJson } from '../transcript.js';

/** The network of the vectors: 9 inputs, 8 ReLUs, 3 quadratic activations, 2 outputs. */
const TINY_MODEL = {
  format: 'delphi-ts-model',
  version: 1,
  name: 'vectors-tiny',
  description: 'conv (2 channels, 2×2) → ReLU → flatten → dense 3 → quadratic → dense 2, on a 1×3×3 input',
  input: { shape: [1, 3, 3] },
  layers: [
    { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 2, weights: [0.5, -0.25, 0.75, 0.125, -0.5, 0.25, 0.375, -0.625], bias: [0.1, -0.2] },
    { type: 'relu', name: 'relu' },
    { type: 'flatten', name: 'flatten' },
    {
      type: 'dense',
      name: 'fc1',
      outFeatures: 3,
      weights: [0.25, -0.5, 0.125, 0.75, -0.375, 0.5, -0.25, 0.625, 0.5, 0.25, -0.75, 0.375, -0.125, 0.5, 0.25, -0.5, 0.75, -0.25, 0.125, 0.375, -0.625, 0.25, 0.5, -0.125],
      bias: [0.05, 0, -0.05],
    },
    { type: 'quadratic', name: 'quad' },
    { type: 'dense', name: 'fc2', outFeatures: 2, weights: [0.5, -0.5, 0.25, -0.25, 0.75, 0.125] },
  ],
};

/** The small ring of the Delphi-backend vector: n = 32, six 30-bit primes, t = p (insecure). */
function smallRing(): BfvParameters {
  return createBfvParameters({ polyModulusDegree: 32, coeffModulus: createCoeffModulus(32, [30, 30, 30, 30, 30, 30]), plainModulus: P, insecure: true });
}

const sharesField: FieldType = F.object({
  input: F.ints('⟨−1⟩: the share of the input'),
  layers: F.intRows('⟨k⟩ for every layer k'),
  quadratic: F.array(F.object({ layer: F.size(), square: F.ints('⟨x·x⟩'), t: F.ints('⟨t⟩ = A2·⟨x2⟩ + A1·⟨x⟩') })),
});

const params = {
  model: F.string('the server\'s network in the JSON format of §8.4 (weights as reals; compile with f = 8)'),
  fractionalBits: F.size(),
  architecture: F.hex('encodeArchitecture(publicArchitecture(model)), as sent in SERVER_HELLO'),
  fingerprint: F.string('architectureFingerprint'),
  backend: F.enum(['delphi', 'insecure-dealer'], 'delphiBackend({parameters: bfv}) or insecureDealer'),
  'bfv?': F.object({ n: F.size(), coeffModulus: F.ints(), plainModulus: F.int(), insecure: F.boolean() }),
};

const inferenceSpec: AlgorithmSpec = {
  algorithm: 'DelphiInference',
  description:
    'requestInference(channel, input, {backend, allowInsecure: true, rng: fromSeed(clientSeed)}) against serveInference(channel, ' +
    'model, {backend, allowInsecure: true, rng: fromSeed(serverSeed)}): handshake, preprocessing, online (§9.2–§9.9).',
  groups: [
    {
      type: 'InferenceTest',
      description: 'One session with one inference; every message both parties sent, in order.',
      params,
      input: { clientSeed: F.hex(undefined, 32), serverSeed: F.hex(undefined, 32), input: F.reals('the client\'s real inputs, quantized with f') },
      intermediate: { clientShares: sharesField, serverShares: sharesField },
      output: {
        transcript: F.array(F.object({ from: F.enum(['client', 'server']), bytes: F.hex() })),
        logits: F.ints('the output as field elements'),
        decoded: F.reals('signed logits / 2^(outputScale·f)'),
        prediction: F.size(),
      },
    },
    {
      type: 'InferenceRejectTest',
      description: 'One party runs from its seed and receives peerMessages in order; it must fail with the listed error.',
      params,
      input: { role: F.enum(['client', 'server']), seed: F.hex(undefined, 32), input: F.reals(), peerMessages: F.hexes() },
    },
  ],
};

function sharesJson(s: ShareRecord): JsonObject {
  return {
    input: decs(s.input),
    layers: s.layers.map((l) => decs(l)),
    quadratic: s.quadratic.flatMap((q, k) => (q ? [{ layer: k, square: decs(q.square), t: decs(q.t) }] : [])),
  };
}

const PATH = 'protocol/inference.v1.json';

const inferenceFile: VectorFileGenerator = {
  path: PATH,
  spec: inferenceSpec,
  async generate(master) {
    const b = new VectorFileBuilder(inferenceSpec, PATH, master, {
      specSections: ['§9.2', '§9.3', '§9.4', '§9.5', '§9.6', '§9.7', '§9.8', '§9.9'],
      header: [
        'The server is party 0, the client party 1. Messages are listed in the order this in-process run sent them;',
        'a party run alone against the transcript must send exactly its messages, given the other party\'s in order.',
        'Shares are each party\'s own (recordShares); value(t) = server share + client share (mod p).',
      ],
      notes: {
        Delphi: "Delphi's backend: BFV linear layers (§9.9.3), garbled ReLUs over OT extension (§9.9.4), BFV square pairs (§9.9.5).",
        SmallRing: 'The BFV ring is n = 32 (insecure) so that keys and ciphertexts stay small; the protocol is that of n = 8192.',
        InsecureDealer: 'The insecure dealer backend (§9.9.2): the protocol-level messages without the cryptography.',
        Quadratic: 'The network has a quadratic layer: Beaver squaring and three local truncations online.',
        WrongVersion: 'A hello with another protocol version.',
        WrongBackend: 'A hello naming other backends.',
        Abort: 'The peer sends ABORT.',
        MalformedArchitecture: 'SERVER_HELLO carries an architecture that does not decode.',
        MalformedInput: 'MASKED_INPUT holds an element ≥ p.',
      },
    });
    const text = serializeModel(parseModel(TINY_MODEL));
    const fp: FixedPointModel = compileFixedPoint(parseModel(text));
    const arch = publicArchitecture(fp);
    const base = {
      model: text,
      fractionalBits: fp.fractionalBits,
      architecture: hex(encodeArchitecture(arch)),
      fingerprint: architectureFingerprint(arch),
    };
    const ring = smallRing();
    const bfvJson = { n: ring.polyModulusDegree, coeffModulus: decs(ring.coeffModulus), plainModulus: dec(ring.plainModulus), insecure: true };
    const setups: [string, ProtocolBackend, JsonObject, string[]][] = [
      ['insecure-dealer', insecureDealer, { ...base, backend: 'insecure-dealer' }, ['InsecureDealer', 'Quadratic']],
      ['delphi', delphiBackend({ parameters: ring }), { ...base, backend: 'delphi', bfv: bfvJson }, ['Delphi', 'SmallRing', 'Quadratic']],
    ];
    const input = [0.5, -0.25, 1, 0.75, 0, -1, 0.125, 0.5, -0.5];
    for (const [name, backend, groupParams, flags] of setups) {
      const g = b.group('InferenceTest', groupParams);
      const clientSeed = b.seed(`${name}/client`);
      const serverSeed = b.seed(`${name}/server`);
      const rec = recordingChannelPair(['client', 'server']);
      const options = { backend, allowInsecure: true, recordShares: true };
      const [client, server] = await Promise.all([
        requestInference(rec.channels[0], input, { ...options, rng: fromSeed(clientSeed) }),
        serveInference(rec.channels[1], fp, { ...options, rng: fromSeed(serverSeed) }),
      ]);
      g.valid(`one inference with the ${name === 'delphi' ? "Delphi backend" : 'insecure dealer'}`, {
        clientSeed: hex(clientSeed),
        serverSeed: hex(serverSeed),
        input: input.map(real),
      }, {
        transcript: transcriptJson(rec.transcript),
        logits: client.logits.map((v) => dec(v)),
        decoded: client.decoded.map(real),
        prediction: client.prediction,
      }, { intermediate: { clientShares: sharesJson(client.shares!), serverShares: sharesJson(server.shares!) }, flags });

      if (name !== 'insecure-dealer') continue;
      // Rejections, with the dealer (cheap to set up): tampered hellos, an ABORT, a bad masked input.
      const rg = b.group('InferenceRejectTest', groupParams);
      const messages = rec.transcript;
      const fromClient = messages.filter((m) => m.from === 'client').map((m) => m.bytes);
      const fromServer = messages.filter((m) => m.from === 'server').map((m) => m.bytes);
      const edit = (m: Uint8Array, f: (c: Uint8Array) => void) => {
        const c = Uint8Array.from(m);
        f(c);
        return c;
      };
      const [clientHello] = fromClient;
      const [serverHello] = fromServer;
      const abort = Uint8Array.from([PROTOCOL_TAG.ABORT, 9, 0, 0, 0, ...new TextEncoder().encode('go away!!')]);
      const clientCases: [Uint8Array[], string, string[]][] = [
        [[edit(serverHello, (c) => (c[1] = 2))], 'SERVER_HELLO with version 2', ['WrongVersion']],
        [[edit(serverHello, (c) => (c[4] ^= 0x03))], 'SERVER_HELLO naming another linear backend ("jnsecure-dealer")', ['WrongBackend']],
        [[edit(serverHello, (c) => (c[c.length - 2] = 0x7b))], 'SERVER_HELLO whose architecture JSON is cut', ['MalformedArchitecture']],
        [[abort], 'ABORT instead of SERVER_HELLO', ['Abort']],
      ];
      for (const [peer, comment, f] of clientCases) {
        const code = await expectErrorCodeAsync(() => requestInference(scriptedChannel(peer), input, { backend, allowInsecure: true, rng: fromSeed(clientSeed) }), comment);
        rg.invalid(`client: ${comment}`, { role: 'client', seed: hex(clientSeed), input: input.map(real), peerMessages: peer.map(hex) }, code, f);
      }
      const maskedIndex = fromClient.findIndex((m) => m[0] === PROTOCOL_TAG.MASKED_INPUT);
      const badMasked = edit(fromClient[maskedIndex], (c) => c.fill(0xff, 16, 22));
      const serverCases: [Uint8Array[], string, string[]][] = [
        [[edit(clientHello, (c) => (c[1] = 2))], 'CLIENT_HELLO with version 2', ['WrongVersion']],
        [[edit(clientHello, (c) => (c[4] ^= 0x03))], 'CLIENT_HELLO naming another linear backend ("jnsecure-dealer")', ['WrongBackend']],
        [[...fromClient.slice(0, maskedIndex), badMasked], 'MASKED_INPUT whose first element is 2^48 − 1', ['MalformedInput']],
      ];
      for (const [peer, comment, f] of serverCases) {
        const code = await expectErrorCodeAsync(() => serveInference(scriptedChannel(peer), fp, { backend, allowInsecure: true, rng: fromSeed(serverSeed) }), comment);
        rg.invalid(`server: ${comment}`, { role: 'server', seed: hex(serverSeed), input: [], peerMessages: peer.map(hex) }, code, f);
      }
    }
    return b.build();
  },
};

/** The `inference` family: vectors/protocol/inference.v1.json. Spec: §12.5.8 */
export const inferenceFamily: VectorFamily = {
  name: 'inference',
  description: 'a whole Delphi inference on a tiny network, every message of both phases, shares of every tensor (§9)',
  files: [inferenceFile],
};
