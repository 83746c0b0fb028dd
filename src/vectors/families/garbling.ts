/**
 * Vectors of §5.3–§5.9: half-gates garbling of single AND gates (with the four hashes) and of small
 * circuits (Δ, input labels, every garbled table, active labels, decoding bits, outputs), Delphi's
 * ReLU and ReLU6 circuits (plaintext function on edge cases, and garbled batches with every label),
 * and the garbled-circuit and label message formats with malformed messages.
 *
 * Spec: §12.5.7
 * @module
 */
import { FIXED_AES_KEY } from '../../hash/index.js';
import { P, P_HALF } from '../../math/index.js';
import { addBits } from '../../gc/gadgets.js';
import { bigintToLabel, labelToBigint, mmoReference } from '../../gc/halfgates-reference.js';
import { circuitFingerprint, deserializeLabels, serializeLabels } from '../../gc/serialize.js';
import { CircuitBuilder, decodeOutputs, deserializeGarbledCircuit, encodeInputs, evaluateGarbled, evaluatePlain, garble, garbleRelus, inputZeroLabels, reluCircuit, reluClientLabels, reluClientZeroLabels, reluCost, reluReference, reluServerLabels, evaluateRelus, serializeGarbledCircuit, writeBristol, type Circuit, type ReluKind } from '../../gc/index.js';
import { MAX_GATE_ID, THREE_HALVES_MAX_GATE_ID } from '../../gc/garble.js';
import { evaluateAndReference, garbleAndReference, halfHashReference, rMatrix } from '../../gc/threehalves-reference.js';
import { outputValues, partyBits } from '../../gc/local.js';
import { reluGarblerValues } from '../../gc/relu-circuit.js';
import { fromSeed } from '../../random/index.js';
import { sampleFieldVector } from '../../sharing/index.js';
import { expectErrorCode, VectorFileBuilder } from '../builder.js';
import { dec, decs, hex } from '../encoding.js';
import type { VectorFamily, VectorFileGenerator } from '../family.js';
import { F, type AlgorithmSpec } from '../fields.js';
import type { JsonObject } from '../format.js';

const labelsHex = (words: Uint32Array): string[] =>
  Array.from({ length: words.length / 4 }, (_, i) => hex(new Uint8Array(words.buffer, words.byteOffset + 16 * i, 16).slice()));
const labelsFrom = (hexes: readonly Uint8Array[]): Uint32Array => {
  const out = new Uint32Array(4 * hexes.length);
  hexes.forEach((b, i) => out.set(new Uint32Array(b.slice().buffer), 4 * i));
  return out;
};
/** T_G ‖ T_E of each AND gate as one 32-byte hex string. */
const tablesHex = (tables: Uint32Array): string[] =>
  Array.from({ length: tables.length / 8 }, (_, i) => hex(new Uint8Array(tables.buffer, tables.byteOffset + 32 * i, 32).slice()));

const circuitParams = {
  name: F.string(),
  bristol: F.string('the circuit in Bristol Fashion (§5.5)'),
  parties: F.array(F.enum(['garbler', 'evaluator']), 'the party of each input value'),
  andGates: F.size(),
  fingerprint: F.hex('circuitFingerprint (§5.9)', 16),
};

function circuitJson(name: string, circuit: Circuit): JsonObject {
  return {
    name,
    bristol: writeBristol(circuit),
    parties: circuit.inputs.map((i) => i.party),
    andGates: circuit.counts.and,
    fingerprint: hex(circuitFingerprint(circuit)),
  };
}

const halfGatesSpec: AlgorithmSpec = {
  algorithm: 'HalfGatesGarbling',
  description: 'Half-gates garbling with free XOR and point-and-permute, H(x, i) = π(σ(x) ⊕ i) ⊕ σ(x) with fixed-key AES π (§5.2, §5.6, §5.7).',
  groups: [
    {
      type: 'HalfGateTest',
      description:
        'One AND gate with id G (tweaks j = 2G, j′ = 2G + 1), zero-labels A⁰, B⁰ and offset Δ: the two ciphertexts, the ' +
        'output zero-label, and the evaluation for each of the four input combinations.',
      params: { fixedKey: F.hex(undefined, 16) },
      input: { delta: F.hex(undefined, 16), a0: F.hex(undefined, 16), b0: F.hex(undefined, 16), gateId: F.int() },
      intermediate: {
        hashA0: F.hex('H(A⁰, j)', 16),
        hashA1: F.hex('H(A⁰ ⊕ Δ, j)', 16),
        hashB0: F.hex('H(B⁰, j′)', 16),
        hashB1: F.hex('H(B⁰ ⊕ Δ, j′)', 16),
      },
      output: {
        tG: F.hex(undefined, 16),
        tE: F.hex(undefined, 16),
        c0: F.hex('W⁰_c, the output zero-label', 16),
        decodingBit: F.size('lsb(W⁰_c)'),
        evaluations: F.array(
          F.object({ a: F.size(), b: F.size(), activeA: F.hex(undefined, 16), activeB: F.hex(undefined, 16), output: F.hex(undefined, 16), bit: F.size() }),
        ),
      },
    },
    {
      type: 'GarbleCircuitTest',
      description:
        'garble(circuit, fromSeed(seed), {instances, firstGateId}) then evaluation on the given input values, one row of values per instance.',
      params: circuitParams,
      input: {
        seed: F.hex(undefined, 32),
        instances: F.size(),
        firstGateId: F.int(),
        inputs: F.array(F.ints(), 'per instance, one value per circuit input (LSB-first bits on its wires)'),
      },
      intermediate: {
        delta: F.hex(undefined, 16),
        inputZeroLabels: F.hexes('every input wire of every instance, instance by instance, wire order', 16),
      },
      output: {
        tables: F.hexes('T_G ‖ T_E per AND gate, circuit order, instance by instance', 32),
        decoding: F.sizes(),
        garblerLabels: F.hexes(undefined, 16),
        evaluatorLabels: F.hexes(undefined, 16),
        outputLabels: F.hexes(undefined, 16),
        outputs: F.array(F.ints()),
      },
    },
    {
      type: 'GarbleRejectTest',
      description: 'garble with inconsistent options.',
      params: circuitParams,
      input: { seed: F.hex(undefined, 32), instances: F.size(), firstGateId: F.int(), 'delta?': F.hex(), 'evaluatorZeroLabels?': F.hexes() },
    },
  ],
};

const reluSpec: AlgorithmSpec = {
  algorithm: 'DelphiRelu',
  description: "Delphi's ReLU / ReLU6 circuits over the share field with truncation (§5.8), plain and garbled.",
  groups: [
    {
      type: 'ReluPlainTest',
      description:
        'The circuit evaluated in the clear on (c, s̃, m̃) with s̃ = (s + 2^36 − 1) mod p, m̃ = (m − 2^(36−f)) mod p; ' +
        'the output is (act(y) + m) mod p, y = signed(c + s mod p).',
      params: { ...circuitParams, kind: F.enum(['relu', 'relu6']), shift: F.size(), p: F.int() },
      input: { clientShare: F.int(), serverShare: F.int(), mask: F.int() },
      intermediate: { y: F.int('signed value of c + s mod p'), sTilde: F.int(), mTilde: F.int() },
      output: { output: F.int() },
    },
    {
      type: 'GarbledReluTest',
      description:
        'garbleRelus(count, fromSeed(seed), {kind, shift, firstGateId}): the garbled message, the server\'s labels message, ' +
        'the client\'s zero-labels (what correlated OT offers) and active labels, and the decoded outputs.',
      params: { ...circuitParams, kind: F.enum(['relu', 'relu6']), shift: F.size(), p: F.int() },
      input: {
        seed: F.hex(undefined, 32),
        count: F.size(),
        firstGateId: F.int(),
        clientShares: F.ints(),
        serverShares: F.ints(),
        masks: F.ints(),
      },
      intermediate: { delta: F.hex(undefined, 16), clientZeroLabels: F.hexes(undefined, 16), serverZeroLabels: F.hexes(undefined, 16) },
      output: {
        garbledMessage: F.hex('serializeGarbledCircuit (§5.9), without garbler labels'),
        serverLabelsMessage: F.hex('serializeLabels of the server\'s active labels'),
        clientLabels: F.hexes(undefined, 16),
        outputs: F.ints('(act(x_i) + mask_i) mod p'),
      },
    },
  ],
};

const messageSpec: AlgorithmSpec = {
  algorithm: 'GarbledMessages',
  description: 'The garbled-circuit and label messages of §5.9.',
  groups: [
    {
      type: 'GarbledMessageTest',
      description: 'deserializeGarbledCircuit(message, circuit) for the ReLU circuit (kind relu, shift 8).',
      params: circuitParams,
      input: { message: F.hex() },
      output: {
        instances: F.size(),
        andGates: F.size(),
        outputBits: F.size(),
        firstGateId: F.int(),
        garblerLabels: F.size('number of garbler labels carried'),
        tables: F.hexes(undefined, 32),
        decoding: F.sizes(),
      },
    },
    {
      type: 'LabelsMessageTest',
      description: 'deserializeLabels(message, expectedCount).',
      params: {},
      input: { message: F.hex(), expectedCount: F.size() },
      output: { labels: F.hexes(undefined, 16) },
    },
  ],
};

/** Three small circuits: one AND gate, an 8-bit adder, and one with INV, XOR, AND and a constant. */
function smallCircuits(): [string, Circuit][] {
  const and = new CircuitBuilder();
  const x = and.input('garbler', 1, 'x');
  const y = and.input('evaluator', 1, 'y');
  and.output([and.and(x[0], y[0])], 'x ∧ y');
  const adder = new CircuitBuilder();
  const a = adder.input('garbler', 8, 'a');
  const bb = adder.input('evaluator', 8, 'b');
  const s = addBits(adder, a, bb);
  adder.output([...s.sum, s.carry], 'a + b (9 bits)');
  const mixed = new CircuitBuilder();
  const u = mixed.input('garbler', 3, 'u');
  const v = mixed.input('evaluator', 3, 'v');
  mixed.output(
    [mixed.and(u[0], mixed.not(v[0])), mixed.xor(u[1], v[1]), mixed.not(mixed.and(u[2], v[2])), mixed.constant(1), mixed.or(u[0], v[2])],
    'u0 ∧ ¬v0, u1 ⊕ v1, ¬(u2 ∧ v2), 1, u0 ∨ v2',
  );
  return [
    ['and', and.build()],
    ['adder8', adder.build()],
    ['mixed', mixed.build()],
  ];
}

const HALF_PATH = 'gc/half-gates.v1.json';
const RELU_PATH = 'gc/relu.v1.json';
const MSG_PATH = 'gc/messages.v1.json';

const halfGatesFile: VectorFileGenerator = {
  path: HALF_PATH,
  spec: halfGatesSpec,
  async generate(master) {
    const b = new VectorFileBuilder(halfGatesSpec, HALF_PATH, master, {
      specSections: ['§5.1', '§5.2', '§5.3', '§5.5', '§5.6', '§5.7'],
      header: [
        'Labels are 16-byte blocks (words little-endian, §6.1); lsb(x) is bit 0 of byte 0. Active label of a wire with',
        'value v: W⁰ ⊕ v·Δ. Gate id G of AND gate g of instance i: firstGateId + i·(AND gates) + g; tweaks 2G and 2G + 1.',
      ],
      notes: {
        LargeGateId: 'A gate id near 2^52, the largest allowed.',
        Instances: 'Several instances garbled in one call.',
        Constant: 'The circuit outputs a constant (a CONST gate).',
        BadDelta: 'Δ with lsb 0.',
        WrongLabelCount: 'evaluatorZeroLabels of the wrong size.',
        GateIdOverflow: 'Gate ids past 2^52.',
      },
    });
    const key = hex(FIXED_AES_KEY);
    const hg = b.group('HalfGateTest', { fixedKey: key });
    // The single-AND circuit with both inputs the evaluator's, so that every label is given, not drawn.
    const both = new CircuitBuilder();
    const bx = both.input('evaluator', 1, 'a');
    const by = both.input('evaluator', 1, 'b');
    both.output([both.and(bx[0], by[0])], 'a ∧ b');
    const andBoth = both.build();
    for (const [label, gateId, flags] of [
      ['gate 0', 0, []],
      ['gate 12345', 12345, []],
      ['gate 2^52 − 1', MAX_GATE_ID - 1, ['LargeGateId']],
    ] as [string, number, string[]][]) {
      const rng = b.rng(`half-gate/${label}`).rng;
      const delta = new Uint32Array(rng.bytes(16).buffer);
      delta[0] |= 1;
      const a0 = rng.bytes(16);
      const b0 = rng.bytes(16);
      const zero = labelsFrom([a0, b0]);
      const { garbled, secrets } = garble(andBoth, fromSeed(new Uint8Array(32)), { delta, evaluatorZeroLabels: zero, firstGateId: gateId });
      // mmoReference (bigint tweaks): tweak 2G + 1 may be 2^53 − 1, past what mmoHashBlocks accepts with a count.
      const h = (x: Uint32Array, tweak: number) => labelsHex(bigintToLabel(mmoReference(labelToBigint(x), BigInt(tweak))))[0];
      const xorD = (x: Uint32Array) => x.map((w, i) => w ^ delta[i]);
      const A0 = zero.subarray(0, 4);
      const B0 = zero.subarray(4, 8);
      const evaluations: JsonObject[] = [];
      let c0 = '';
      for (const [va, vb] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const active = encodeInputs(andBoth, secrets, 'evaluator', Uint8Array.of(va, vb));
        const out = evaluateGarbled(andBoth, garbled, new Uint32Array(0), active);
        const bit = decodeOutputs(garbled, out)[0];
        if (bit !== (va & vb)) throw new Error('half gate evaluates wrongly');
        if (va === 0 && vb === 0) c0 = labelsHex(out)[0];
        evaluations.push({ a: va, b: vb, activeA: labelsHex(active)[0], activeB: labelsHex(active)[1], output: labelsHex(out)[0], bit });
      }
      const [tg, te] = [0, 1].map((k) => hex(new Uint8Array(garbled.tables.buffer, 16 * k, 16).slice()));
      hg.valid(label, { delta: labelsHex(delta)[0], a0: hex(a0), b0: hex(b0), gateId: dec(gateId) }, {
        tG: tg,
        tE: te,
        c0,
        decodingBit: garbled.decoding[0],
        evaluations,
      }, {
        intermediate: {
          hashA0: h(A0, 2 * gateId),
          hashA1: h(xorD(A0), 2 * gateId),
          hashB0: h(B0, 2 * gateId + 1),
          hashB1: h(xorD(B0), 2 * gateId + 1),
        },
        flags,
      });
    }
    for (const [name, circuit] of smallCircuits()) {
      const g = b.group('GarbleCircuitTest', circuitJson(name, circuit));
      const rows: bigint[][] =
        name === 'and'
          ? [[0n, 0n], [0n, 1n], [1n, 0n], [1n, 1n]]
          : name === 'adder8'
            ? [[200n, 100n], [255n, 255n], [0n, 7n]]
            : [[5n, 2n], [2n, 7n]];
      for (const [firstGateId, flags] of [[0, []], [1000, []]] as [number, string[]][]) {
        if (firstGateId !== 0 && name !== 'adder8') continue;
        const { rng, seed } = b.rng(`garble/${name}/${firstGateId}`);
        const { garbled, secrets } = garble(circuit, rng, { instances: rows.length, firstGateId });
        const bitsOf = (party: 'garbler' | 'evaluator') => {
          const parts = rows.map((r) => partyBits(circuit, party, r));
          return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
        };
        const gl = encodeInputs(circuit, secrets, 'garbler', bitsOf('garbler'));
        const el = encodeInputs(circuit, secrets, 'evaluator', bitsOf('evaluator'));
        const outLabels = evaluateGarbled(circuit, garbled, gl, el);
        const bits = decodeOutputs(garbled, outLabels);
        const outputs = rows.map((_, i) => outputValues(circuit, bits, i));
        rows.forEach((r, i) => {
          if (evaluatePlain(circuit, r).join() !== outputs[i].join()) throw new Error(`garbled ${name} disagrees with plain evaluation`);
        });
        g.valid(`${name}: ${rows.length} instances from gate id ${firstGateId}`, {
          seed,
          instances: rows.length,
          firstGateId: dec(firstGateId),
          inputs: rows.map((r) => decs(r)),
        }, {
          tables: tablesHex(garbled.tables),
          decoding: Array.from(garbled.decoding),
          garblerLabels: labelsHex(gl),
          evaluatorLabels: labelsHex(el),
          outputLabels: labelsHex(outLabels),
          outputs: outputs.map((o) => decs(o)),
        }, {
          intermediate: { delta: labelsHex(secrets.delta)[0], inputZeroLabels: labelsHex(secrets.inputZeroLabels) },
          flags: [...flags, 'Instances', ...(name === 'mixed' ? ['Constant'] : [])],
        });
      }
      if (name === 'and') {
        const rj = b.group('GarbleRejectTest', circuitJson(name, circuit));
        const { rng, seed } = b.rng('reject');
        const even = new Uint32Array(rng.bytes(16).buffer);
        even[0] &= ~1;
        rj.invalid('Δ with lsb 0', { seed, instances: 1, firstGateId: '0', delta: labelsHex(even)[0] }, expectErrorCode(
          () => garble(circuit, fromSeed(new Uint8Array(32)), { delta: even }),
          'delta',
        ), ['BadDelta']);
        const twoLabels = new Uint32Array(8);
        rj.invalid('two evaluator zero-labels for one evaluator wire', {
          seed, instances: 1, firstGateId: '0', evaluatorZeroLabels: labelsHex(twoLabels),
        }, expectErrorCode(() => garble(circuit, fromSeed(new Uint8Array(32)), { evaluatorZeroLabels: twoLabels }), 'labels'), ['WrongLabelCount']);
        rj.invalid('two instances from gate id 2^52 − 1', { seed, instances: 2, firstGateId: dec(MAX_GATE_ID - 1) }, expectErrorCode(
          () => garble(circuit, fromSeed(new Uint8Array(32)), { instances: 2, firstGateId: MAX_GATE_ID - 1 }),
          'ids',
        ), ['GateIdOverflow']);
      }
    }
    return b.build();
  },
};

const reluFile: VectorFileGenerator = {
  path: RELU_PATH,
  spec: reluSpec,
  async generate(master) {
    const b = new VectorFileBuilder(reluSpec, RELU_PATH, master, {
      specSections: ['§5.8', '§5.9', '§8.9'],
      header: [
        'Inputs: the client\'s share c (evaluator, 41 bits), s̃ and m̃ (garbler, 41 bits each), all least significant bit first.',
        'relu: r = y > 0 ? ⌊y/2^f⌋ : 0; relu6: r = min(relu, 6·2^f); output (r + m) mod p.',
      ],
      notes: {
        Zero: 'y = 0.',
        Negative: 'y < 0: the result is the mask.',
        Extreme: 'y = ±(p − 1)/2 or y = ±1.',
        Cap: 'relu6 at, just below or above the cap 6·2^f.',
        Wrap: 'c + s or the mask offset wraps around p.',
        Random: 'Uniform shares and mask.',
      },
    });
    const p = dec(P);
    for (const [kind, shift] of [['relu', 8], ['relu6', 8]] as [ReluKind, number][]) {
      const circuit = reluCircuit({ kind, shift });
      const params = { ...circuitJson(`${kind}, f = ${shift}`, circuit), kind, shift, p };
      if (circuit.counts.and !== reluCost({ kind, shift }).andGates) throw new Error('relu cost');
      const g = b.group('ReluPlainTest', params);
      const rng = b.rng(`relu/${kind}/plain`).rng;
      const uni = () => sampleFieldVector(rng, 1)[0];
      const cap = 6 * 2 ** shift;
      const ys: [number, string, string[]][] = [
        [0, 'y = 0', ['Zero']],
        [1, 'y = 1', ['Extreme']],
        [-1, 'y = −1', ['Extreme', 'Negative']],
        [P_HALF, 'y = (p − 1)/2', ['Extreme']],
        [-P_HALF, 'y = −(p − 1)/2', ['Extreme', 'Negative']],
        [1000, 'y = 1000', []],
        [-1000, 'y = −1000', ['Negative']],
        [255, 'y = 255 < 2^f', []],
        [cap * 2 ** shift - 1, 'y just below 6·2^(2f) (one below the cap after truncation)', ['Cap']],
        [cap * 2 ** shift, 'y = 6·2^(2f) (the cap after truncation)', ['Cap']],
        [cap * 2 ** shift + 2 ** shift, 'y above the cap', ['Cap']],
        [2 ** 36, 'y = 2^36', []],
      ];
      const add = (y: number, comment: string, flags: string[], c: number, m: number) => {
        const yf = (y + P) % P;
        const s = (yf - c + P) % P;
        const [st, mt] = reluGarblerValues(s, m, shift);
        const out = Number(evaluatePlain(circuit, [BigInt(c), BigInt(st), BigInt(mt)])[0]);
        if (out !== reluReference(c, s, m, { kind, shift })) throw new Error('relu circuit disagrees with the reference');
        g.valid(comment, { clientShare: dec(c), serverShare: dec(s), mask: dec(m) }, { output: dec(out) }, {
          intermediate: { y: dec(y), sTilde: dec(st), mTilde: dec(mt) },
          flags,
        });
      };
      for (const [y, comment, flags] of ys) add(y, comment, flags, uni(), uni());
      add(5, 'y = 5 with c = p − 1 (c + s wraps)', ['Wrap'], P - 1, uni());
      add(-7, 'y = −7 with mask 0 (m̃ wraps)', ['Wrap', 'Negative'], uni(), 0);
      add(12345, 'y = 12345 with mask p − 1', ['Wrap'], uni(), P - 1);
      for (let k = 0; k < 3; k++) {
        const c = uni();
        const s = uni();
        const y = ((c + s) % P) > P_HALF ? ((c + s) % P) - P : (c + s) % P;
        add(y, 'uniform shares', ['Random', ...(y < 0 ? ['Negative'] : [])], c, uni());
      }
    }
    for (const [kind, shift, count, firstGateId] of [['relu', 8, 2, 0], ['relu6', 8, 1, 516]] as [ReluKind, number, number, number][]) {
      const circuit = reluCircuit({ kind, shift });
      const g = b.group('GarbledReluTest', { ...circuitJson(`${kind}, f = ${shift}`, circuit), kind, shift, p: dec(P) });
      const { rng, seed } = b.rng(`relu/${kind}/garbled`);
      const valuesRng = b.rng(`relu/${kind}/values`).rng;
      const x = sampleFieldVector(valuesRng, count);
      x[0] = 1000 * 2 ** shift; // a positive value (1000 in fixed point) in the first ReLU
      const serverShares = sampleFieldVector(valuesRng, count);
      const clientShares = x.map((v, i) => (v - serverShares[i] + P) % P);
      const masks = sampleFieldVector(valuesRng, count);
      const garbling = garbleRelus(count, rng, { kind, shift, firstGateId });
      const serverLabels = reluServerLabels(garbling, serverShares, masks);
      const clientLabels = reluClientLabels(garbling, clientShares);
      const outputs = evaluateRelus({ kind, shift }, garbling.garbled, serverLabels, clientLabels);
      outputs.forEach((o, i) => {
        if (o !== reluReference(clientShares[i], serverShares[i], masks[i], { kind, shift })) throw new Error('garbled relu disagrees');
      });
      g.valid(`${count} garbled ${kind}${count > 1 ? 's' : ''} from gate id ${firstGateId}`, {
        seed,
        count,
        firstGateId: dec(firstGateId),
        clientShares: decs(clientShares),
        serverShares: decs(serverShares),
        masks: decs(masks),
      }, {
        garbledMessage: hex(serializeGarbledCircuit(circuit, garbling.garbled)),
        serverLabelsMessage: hex(serializeLabels(serverLabels)),
        clientLabels: labelsHex(clientLabels),
        outputs: decs(outputs),
      }, {
        intermediate: {
          delta: labelsHex(garbling.secrets.delta)[0],
          clientZeroLabels: labelsHex(reluClientZeroLabels(garbling)),
          serverZeroLabels: labelsHex(inputZeroLabels(circuit, garbling.secrets, 'garbler')),
        },
      });
    }
    return b.build();
  },
};

const messageFile: VectorFileGenerator = {
  path: MSG_PATH,
  spec: messageSpec,
  async generate(master) {
    const b = new VectorFileBuilder(messageSpec, MSG_PATH, master, {
      specSections: ['§5.9'],
      header: ['Header (48 bytes): "DGC1", hash id 2, 3 reserved bytes, fingerprint (16), u32 n, u32 A, u32 m, u32 L, u64 first gate id.'],
      notes: {
        WithLabels: 'The message carries the garbler\'s labels.',
        BadMagic: 'A wrong magic.',
        BadHashId: 'An unknown hash id (including 1, the retired two-call TCCR).',
        Reserved: 'Non-zero reserved bytes.',
        Length: 'A length that does not match the header.',
        Padding: 'Non-zero padding bits after the decoding bits.',
        Fingerprint: 'The fingerprint of another circuit (ProtocolError).',
        Counts: 'Counts that do not fit the expected circuit.',
        GateIds: 'Gate ids past 2^52.',
        Short: 'Shorter than the header.',
        WrongCount: 'A label count other than the expected one.',
      },
    });
    const circuit = reluCircuit({ kind: 'relu', shift: 8 });
    const g = b.group('GarbledMessageTest', circuitJson('relu, f = 8', circuit));
    const rng = b.rng('messages').rng;
    const garbling = garbleRelus(1, rng, { firstGateId: 7 });
    const shares = sampleFieldVector(rng, 1);
    const masks = sampleFieldVector(rng, 1);
    const serverLabels = reluServerLabels(garbling, shares, masks);
    const plain = serializeGarbledCircuit(circuit, garbling.garbled);
    const withLabels = serializeGarbledCircuit(circuit, garbling.garbled, serverLabels);
    for (const [msg, comment, flags] of [
      [plain, 'one ReLU, tables and decoding bits', []],
      [withLabels, 'one ReLU with the server\'s 82 labels', ['WithLabels']],
    ] as [Uint8Array, string, string[]][]) {
      const m = deserializeGarbledCircuit(msg, circuit);
      g.valid(comment, { message: hex(msg) }, {
        instances: m.garbled.instances,
        andGates: m.garbled.andGates,
        outputBits: m.garbled.outputBits,
        firstGateId: dec(m.garbled.firstGateId),
        garblerLabels: (m.garblerLabels?.length ?? 0) / 4,
        tables: tablesHex(m.garbled.tables),
        decoding: Array.from(m.garbled.decoding),
      }, { flags });
    }
    const edit = (f: (c: Uint8Array, v: DataView) => void, src = plain): Uint8Array => {
      const c = Uint8Array.from(src);
      f(c, new DataView(c.buffer));
      return c;
    };
    const other = reluCircuit({ kind: 'relu6', shift: 8 });
    const otherMsg = serializeGarbledCircuit(other, garbleRelus(1, b.rng('other').rng, { kind: 'relu6' }).garbled);
    const bad: [Uint8Array, string, string[]][] = [
      [edit((c) => (c[3] = 0x32)), 'magic "DGC2"', ['BadMagic']],
      [edit((c) => (c[4] = 1)), 'hash id 1', ['BadHashId']],
      [edit((c) => (c[6] = 1)), 'a reserved byte set', ['Reserved']],
      [plain.slice(0, plain.length - 1), 'one byte short', ['Length']],
      [Uint8Array.from([...plain, 0]), 'one byte too many', ['Length']],
      [edit((c) => (c[c.length - 1] |= 0x80)), 'a padding bit set after the 41 decoding bits', ['Padding']],
      [otherMsg, 'a garbled ReLU6 where a ReLU is expected', ['Fingerprint']],
      [edit((c, v) => v.setUint32(28, 257, true)), 'A = 257 AND gates (the length adjusted accordingly is still wrong)', ['Counts', 'Length']],
      [edit((c, v) => v.setBigUint64(40, BigInt(MAX_GATE_ID - 1), true)), 'first gate id 2^52 − 1 for 258 AND gates', ['GateIds']],
      [plain.slice(0, 40), '40 bytes', ['Short']],
    ];
    for (const [msg, comment, flags] of bad) {
      g.invalid(comment, { message: hex(msg) }, expectErrorCode(() => deserializeGarbledCircuit(msg, circuit), comment), flags);
    }
    const lg = b.group('LabelsMessageTest', {});
    const labelsMsg = serializeLabels(serverLabels);
    lg.valid('the server\'s 82 labels of one ReLU', { message: hex(labelsMsg), expectedCount: 82 }, { labels: labelsHex(serverLabels) });
    lg.valid('no labels', { message: hex(serializeLabels(new Uint32Array(0))), expectedCount: 0 }, { labels: [] });
    for (const [msg, count, comment, flags] of [
      [labelsMsg, 81, 'expected 81 labels', ['WrongCount']],
      [labelsMsg.slice(0, labelsMsg.length - 16), 82, 'one label missing', ['Length']],
      [Uint8Array.from([0x44, 0x47, 0x43, 0x31, 0, 0, 0, 0]), 0, 'the garbled-circuit magic', ['BadMagic']],
      [labelsMsg.slice(0, 6), 82, '6 bytes', ['Short']],
    ] as [Uint8Array, number, string, string[]][]) {
      lg.invalid(comment, { message: hex(msg), expectedCount: count }, expectErrorCode(() => deserializeLabels(msg, count), comment), flags);
    }
    return b.build();
  },
};

const threeHalvesSpec: AlgorithmSpec = {
  algorithm: 'ThreeHalvesGarbling',
  description:
    'Three-halves garbling (Rosulek–Roy 2021, §5.13): 3 half-ciphertexts and 5 control bits per AND gate, half hashes of ' +
    'H(x, t) = π(σ(x) ⊕ t ⊕ 2^127) ⊕ σ(x), free XOR with the Δ of §5.6.',
  groups: [
    {
      type: 'ThreeHalvesGateTest',
      description:
        'One AND gate with id G (tweaks 3G, 3G + 1, 3G + 2), zero-labels A⁰, B⁰, offset Δ and random bits r = r₀ + 2r₁: the ' +
        'six half hashes, the half-ciphertexts, control bits, output zero-label, and the evaluation for each input combination.',
      params: { fixedKey: F.hex(undefined, 16) },
      input: { delta: F.hex(undefined, 16), a0: F.hex(undefined, 16), b0: F.hex(undefined, 16), gateId: F.int(), dice: F.size('r₀ + 2r₁') },
      intermediate: {
        alpha: F.size('lsb(A⁰)'),
        beta: F.size('lsb(B⁰)'),
        hashes: F.array(
          F.object({ point: F.enum(['P', 'P ⊕ Δ', 'Q', 'Q ⊕ Δ', 'P ⊕ Q', 'P ⊕ Q ⊕ Δ']), half: F.hex('low 64 bits of H', 8), bit: F.size('bit 64 of H') }),
          'P = A⁰ ⊕ α·Δ and Q = B⁰ ⊕ β·Δ, the colour-0 labels',
        ),
      },
      output: {
        g: F.hexes('G₀, G₁, G₂ (8 bytes each, little-endian words)', 8),
        z: F.size('z₀ + 2z₁ + 4z₂ + 8z₃ + 16z₄'),
        c0: F.hex('the output zero-label', 16),
        decodingBit: F.size('lsb(c0)'),
        evaluations: F.array(
          F.object({
            a: F.size(),
            b: F.size(),
            activeA: F.hex(undefined, 16),
            activeB: F.hex(undefined, 16),
            r: F.size('R_{ab}: left row in bits 0–3, right row in bits 4–7'),
            output: F.hex(undefined, 16),
            bit: F.size(),
          }),
        ),
      },
    },
    {
      type: 'ThreeHalvesCircuitTest',
      description:
        "garble(circuit, fromSeed(seed), {instances, firstGateId, scheme: 'three-halves'}) then evaluation on the given values; " +
        'the garbled message (hash id 3, §5.9) carries the tables.',
      params: circuitParams,
      input: {
        seed: F.hex(undefined, 32),
        instances: F.size(),
        firstGateId: F.int(),
        inputs: F.array(F.ints(), 'per instance, one value per circuit input (LSB-first bits on its wires)'),
      },
      intermediate: {
        delta: F.hex(undefined, 16),
        inputZeroLabels: F.hexes('every input wire of every instance, instance by instance, wire order', 16),
        dice: F.hex('the ⌈A·n/4⌉ dice bytes drawn after the labels'),
      },
      output: {
        garbledMessage: F.hex('serializeGarbledCircuit (§5.9, hash id 3), without garbler labels'),
        garblerLabels: F.hexes(undefined, 16),
        evaluatorLabels: F.hexes(undefined, 16),
        outputLabels: F.hexes(undefined, 16),
        outputs: F.array(F.ints()),
      },
    },
    {
      type: 'ThreeHalvesMessageTest',
      description: 'deserializeGarbledCircuit(message, circuit) refuses malformed three-halves messages.',
      params: circuitParams,
      input: { message: F.hex() },
    },
  ],
};

const THREE_PATH = 'gc/three-halves.v1.json';

const threeHalvesFile: VectorFileGenerator = {
  path: THREE_PATH,
  spec: threeHalvesSpec,
  async generate(master) {
    const b = new VectorFileBuilder(threeHalvesSpec, THREE_PATH, master, {
      specSections: ['§5.9', '§5.13'],
      header: [
        'Labels are 16-byte blocks; X_L = bytes 0–7 (holding lsb), X_R = bytes 8–15. AND gate G hashes P, P ⊕ Δ with tweak 3G,',
        'Q, Q ⊕ Δ with 3G + 1, P ⊕ Q, P ⊕ Q ⊕ Δ with 3G + 2; the tweak block also sets bit 127. 24 bytes + 5 bits per AND gate.',
      ],
      notes: {
        SamePermute: 'α = β.',
        LargeGateId: 'A gate id near 2^51, the largest allowed.',
        Relu: "Delphi's 258-gate ReLU circuit.",
        Padding: 'Non-zero padding bits after the control bits.',
        GateIds: 'Gate ids past 2^51.',
        Length: 'A length that does not match the header.',
      },
    });
    const key = hex(FIXED_AES_KEY);
    const tg = b.group('ThreeHalvesGateTest', { fixedKey: key });
    const big = (bytes: Uint8Array): bigint => labelToBigint(new Uint32Array(bytes.slice().buffer));
    const hex16 = (v: bigint): string => labelsHex(bigintToLabel(v))[0];
    const hex8 = (v: bigint): string => hex16(v).slice(0, 16);
    for (const [label, gateId, dice] of [
      ['gate 0, r = 0', 0, 0],
      ['gate 7, r = 1', 7, 1],
      ['gate 12345, r = 2', 12345, 2],
      ['gate 2^51 − 1, r = 3', THREE_HALVES_MAX_GATE_ID - 1, 3],
    ] as [string, number, number][]) {
      const rng = b.rng(`three-halves/${label}`).rng;
      const deltaBytes = rng.bytes(16);
      deltaBytes[0] |= 1;
      const [D, A0, B0] = [big(deltaBytes), big(rng.bytes(16)), big(rng.bytes(16))];
      const t = 3n * BigInt(gateId);
      const { gate, C } = garbleAndReference(A0, B0, D, t, dice);
      const alpha = Number(A0 & 1n);
      const beta = Number(B0 & 1n);
      const P = alpha ? A0 ^ D : A0;
      const Q = beta ? B0 ^ D : B0;
      const points: [string, bigint, bigint][] = [
        ['P', P, t], ['P ⊕ Δ', P ^ D, t], ['Q', Q, t + 1n], ['Q ⊕ Δ', Q ^ D, t + 1n], ['P ⊕ Q', P ^ Q, t + 2n], ['P ⊕ Q ⊕ Δ', P ^ Q ^ D, t + 2n],
      ];
      const hashes = points.map(([point, x, tw]) => {
        const h = halfHashReference(x, tw);
        return { point, half: hex8(h.half), bit: h.bit };
      });
      const evaluations: JsonObject[] = [];
      for (const [va, vb] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const A = va ? A0 ^ D : A0;
        const B = vb ? B0 ^ D : B0;
        const out = evaluateAndReference(A, B, gate, t);
        const want = va & vb ? C ^ D : C;
        if (out !== want) throw new Error('three-halves gate evaluates wrongly');
        const [ca, cb] = [Number(A & 1n), Number(B & 1n)];
        const c = ca ^ cb;
        const zb = (k: number) => (gate.z >> k) & 1;
        const h1 = halfHashReference(A, t).bit;
        const h2 = halfHashReference(B, t + 1n).bit;
        const h3 = halfHashReference(A ^ B, t + 2n).bit;
        const r = rMatrix(ca, cb, zb(0) ^ (ca & zb(2)) ^ (c & zb(4)) ^ h1 ^ h3, zb(1) ^ (cb & zb(3)) ^ (c & zb(4)) ^ h2 ^ h3);
        evaluations.push({ a: va, b: vb, activeA: hex16(A), activeB: hex16(B), r, output: hex16(out), bit: Number(out & 1n) ^ Number(C & 1n) });
      }
      tg.valid(label, { delta: hex16(D), a0: hex16(A0), b0: hex16(B0), gateId: dec(gateId), dice }, {
        g: gate.g.map(hex8),
        z: gate.z,
        c0: hex16(C),
        decodingBit: Number(C & 1n),
        evaluations,
      }, {
        intermediate: { alpha, beta, hashes },
        flags: [...(alpha === beta ? ['SamePermute'] : []), ...(gateId === THREE_HALVES_MAX_GATE_ID - 1 ? ['LargeGateId'] : [])],
      });
    }
    const relu = reluCircuit({ kind: 'relu', shift: 8 });
    const cases: [string, Circuit, bigint[][], number, string[]][] = [
      ...smallCircuits().map(([name, circuit]): [string, Circuit, bigint[][], number, string[]] => [
        name,
        circuit,
        name === 'and' ? [[0n, 0n], [0n, 1n], [1n, 0n], [1n, 1n]] : name === 'adder8' ? [[200n, 100n], [255n, 255n], [0n, 7n]] : [[5n, 2n], [2n, 7n]],
        name === 'adder8' ? 1000 : 0,
        [],
      ]),
      ['relu, f = 8', relu, [[123456789n, 987654321n, 55555n]], 7, ['Relu']],
    ];
    for (const [name, circuit, rows, firstGateId, flags] of cases) {
      const g = b.group('ThreeHalvesCircuitTest', circuitJson(name, circuit));
      const { rng, seed } = b.rng(`three-halves/garble/${name}`);
      const { garbled, secrets } = garble(circuit, rng, { instances: rows.length, firstGateId, scheme: 'three-halves' });
      // The dice are the bytes drawn right after Δ and the labels (§5.13): replay the same stream.
      const replay = b.rng(`three-halves/garble/${name}`).rng;
      replay.bytes(16);
      replay.bytes(16 * circuit.inputWireCount * rows.length);
      const dice = replay.bytes(Math.ceil((circuit.counts.and * rows.length) / 4));
      const bitsOf = (party: 'garbler' | 'evaluator') => Uint8Array.from(rows.flatMap((r) => Array.from(partyBits(circuit, party, r))));
      const gl = encodeInputs(circuit, secrets, 'garbler', bitsOf('garbler'));
      const el = encodeInputs(circuit, secrets, 'evaluator', bitsOf('evaluator'));
      const outLabels = evaluateGarbled(circuit, garbled, gl, el);
      const bits = decodeOutputs(garbled, outLabels);
      const outputs = rows.map((_, i) => outputValues(circuit, bits, i));
      rows.forEach((r, i) => {
        if (evaluatePlain(circuit, r).join() !== outputs[i].join()) throw new Error(`three-halves ${name} disagrees with plain evaluation`);
      });
      g.valid(`${name}: ${rows.length} instance${rows.length > 1 ? 's' : ''} from gate id ${firstGateId}`, {
        seed,
        instances: rows.length,
        firstGateId: dec(firstGateId),
        inputs: rows.map((r) => decs(r)),
      }, {
        garbledMessage: hex(serializeGarbledCircuit(circuit, garbled)),
        garblerLabels: labelsHex(gl),
        evaluatorLabels: labelsHex(el),
        outputLabels: labelsHex(outLabels),
        outputs: outputs.map((o) => decs(o)),
      }, {
        intermediate: { delta: labelsHex(secrets.delta)[0], inputZeroLabels: labelsHex(secrets.inputZeroLabels), dice: hex(dice) },
        flags,
      });
    }
    const mg = b.group('ThreeHalvesMessageTest', circuitJson('relu, f = 8', relu));
    const plain = serializeGarbledCircuit(relu, garbleRelus(1, b.rng('three-halves/messages').rng, { scheme: 'three-halves' }).garbled);
    const edit = (f: (c: Uint8Array, v: DataView) => void): Uint8Array => {
      const c = Uint8Array.from(plain);
      f(c, new DataView(c.buffer));
      return c;
    };
    // 258 gates: 1290 control bits fill 161 bytes and 2 bits of the 162nd.
    const padAt = 48 + 24 * 258 + 161;
    for (const [msg, comment, flags] of [
      [edit((c) => (c[padAt] |= 0x80)), 'a padding bit set after the 1290 control bits', ['Padding']],
      [edit((c, v) => v.setBigUint64(40, BigInt(THREE_HALVES_MAX_GATE_ID - 1), true)), 'first gate id 2^51 − 1 for 258 AND gates', ['GateIds']],
      [plain.slice(0, plain.length - 1), 'one byte short', ['Length']],
      [edit((c) => (c[4] = 2)), 'hash id 2 (half gates) on three-halves tables', ['Length']],
    ] as [Uint8Array, string, string[]][]) {
      mg.invalid(comment, { message: hex(msg) }, expectErrorCode(() => deserializeGarbledCircuit(msg, relu), comment), flags);
    }
    return b.build();
  },
};

/** The `garbling` family: vectors/gc/*. Spec: §12.5.7 */
export const garblingFamily: VectorFamily = {
  name: 'garbling',
  description: 'half-gates and three-halves AND gates and small circuits, Delphi ReLU/ReLU6 circuits plain and garbled, garbled-circuit messages (§5)',
  files: [halfGatesFile, reluFile, messageFile, threeHalvesFile],
};
