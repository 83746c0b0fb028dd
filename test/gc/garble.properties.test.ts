/**
 * Properties of the garbling API: determinism under a seed, the layout of labels (one-labels are
 * zero-labels ⊕ Δ, lsb(Δ) = 1), Δ and evaluator labels supplied by a real correlated OT (src/ot)
 * end to end, and refusal of inconsistent sizes and parameters.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OutOfRangeError, SizeMismatchError } from '../../src/errors.js';
import { CircuitBuilder } from '../../src/gc/builder.js';
import { addBits } from '../../src/gc/gadgets.js';
import { decodeOutputs, encodeInputs, evaluateGarbled, garble, inputZeroLabels, sampleDelta } from '../../src/gc/garble.js';
import { garbleAndEvaluate, outputValues, partyBits } from '../../src/gc/local.js';
import { memoryChannelPair } from '../../src/channel/channel.js';
import { OtExtReceiver, OtExtSender } from '../../src/ot/index.js';
import { fromTextSeed } from '../../src/random/index.js';

/** 16-bit adder: garbler x, evaluator y. */
function adder16() {
  const b = new CircuitBuilder();
  const x = b.input('garbler', 16, 'x');
  const y = b.input('evaluator', 16, 'y');
  const { sum, carry } = addBits(b, x, y);
  b.output([...sum, carry], 'x + y');
  return b.build();
}

describe('garble', () => {
  const circuit = adder16();
  it('is deterministic under a seed and differs across seeds', () => {
    const a = garble(circuit, fromTextSeed('gc/det'), { instances: 3 });
    const b = garble(circuit, fromTextSeed('gc/det'), { instances: 3 });
    const c = garble(circuit, fromTextSeed('gc/det2'), { instances: 3 });
    expect(a).toEqual(b);
    expect(a.garbled.tables).not.toEqual(c.garbled.tables);
  });
  it('draws Δ first (lsb 1), then the input zero-labels', () => {
    const { secrets } = garble(circuit, fromTextSeed('gc/order'), { instances: 2 });
    const rng = fromTextSeed('gc/order');
    expect(secrets.delta).toEqual(sampleDelta(rng));
    expect(secrets.delta[0] & 1).toBe(1);
    expect(new Uint8Array(secrets.inputZeroLabels.buffer)).toEqual(rng.bytes(16 * 32 * 2));
  });
  it('encodeInputs gives L ⊕ b·Δ', () => {
    const { secrets } = garble(circuit, fromTextSeed('gc/enc'));
    const zero = inputZeroLabels(circuit, secrets, 'evaluator');
    const bits = Uint8Array.from({ length: 16 }, (_, k) => k & 1);
    const active = encodeInputs(circuit, secrets, 'evaluator', bits);
    for (let k = 0; k < 16; k++) {
      for (let w = 0; w < 4; w++) expect(active[4 * k + w]).toBe((zero[4 * k + w] ^ (bits[k] ? secrets.delta[w] : 0)) >>> 0);
    }
  });
  it('adds correctly for many instances', () => {
    const rng = fromTextSeed('gc/add');
    const inputs = Array.from({ length: 50 }, () => [BigInt(rng.uint32() & 0xffff), BigInt(rng.uint32() & 0xffff)]);
    const { outputs } = garbleAndEvaluate(circuit, inputs, fromTextSeed('gc/add/g'));
    expect(outputs).toEqual(inputs.map(([x, y]) => [x + y]));
  });
  it('zero instances are fine', () => {
    const { garbled } = garble(circuit, fromTextSeed('gc/zero'), { instances: 0 });
    expect(garbled.tables.length).toBe(0);
    expect(decodeOutputs(garbled, evaluateGarbled(circuit, garbled, new Uint32Array(0), new Uint32Array(0))).length).toBe(0);
  });
  it('refuses bad options and sizes', () => {
    const rng = fromTextSeed('gc/bad');
    expect(() => garble(circuit, rng, { delta: new Uint32Array(4) })).toThrow(/least significant bit/);
    expect(() => garble(circuit, rng, { delta: new Uint32Array(3) })).toThrow(SizeMismatchError);
    expect(() => garble(circuit, rng, { instances: -1 })).toThrow(InvalidArgumentError);
    expect(() => garble(circuit, rng, { instances: 2, firstGateId: 2 ** 52 - 3 })).toThrow(OutOfRangeError);
    expect(() => garble(circuit, rng, { evaluatorZeroLabels: new Uint32Array(8) })).toThrow(SizeMismatchError);
    const { garbled, secrets } = garble(circuit, rng, { instances: 2 });
    expect(() => encodeInputs(circuit, secrets, 'garbler', new Uint8Array(16))).toThrow(SizeMismatchError);
    expect(() => encodeInputs(circuit, secrets, 'garbler', new Uint8Array(32).fill(2))).toThrow(InvalidArgumentError);
    const g = encodeInputs(circuit, secrets, 'garbler', new Uint8Array(32));
    const e = encodeInputs(circuit, secrets, 'evaluator', new Uint8Array(32));
    expect(() => evaluateGarbled(circuit, garbled, g.subarray(4), e)).toThrow(SizeMismatchError);
    expect(() => evaluateGarbled(circuit, { ...garbled, tables: garbled.tables.subarray(8) }, g, e)).toThrow(SizeMismatchError);
    expect(() => evaluateGarbled(adder16(), { ...garbled, andGates: 3 }, g, e)).toThrow(SizeMismatchError);
  });
  it('a wrong Δ or wrong gate ids give wrong outputs (the labels carry the computation)', () => {
    const { garbled, secrets } = garble(circuit, fromTextSeed('gc/wrong'));
    const x = partyBits(circuit, 'garbler', [1234n, 4321n]);
    const y = partyBits(circuit, 'evaluator', [1234n, 4321n]);
    const g = encodeInputs(circuit, secrets, 'garbler', x);
    const e = encodeInputs(circuit, secrets, 'evaluator', y);
    expect(outputValues(circuit, decodeOutputs(garbled, evaluateGarbled(circuit, garbled, g, e)))).toEqual([5555n]);
    const shifted = { ...garbled, firstGateId: 1 };
    expect(outputValues(circuit, decodeOutputs(garbled, evaluateGarbled(circuit, shifted, g, e)))).not.toEqual([5555n]);
  });
});

describe('labels from a correlated OT (src/ot)', () => {
  it("the evaluator's input labels come from sendCorrelated/receiveCorrelated with the garbling Δ", async () => {
    const circuit = adder16();
    const instances = 40;
    const rng = fromTextSeed('gc/cot');
    const delta = sampleDelta(rng.fork('delta'));
    const [sCh, rCh] = memoryChannelPair();
    const [sender, receiver] = await Promise.all([OtExtSender.setup(sCh, rng.fork('ot-s')), OtExtReceiver.setup(rCh, rng.fork('ot-r'))]);
    const xs = Array.from({ length: instances }, (_, i) => BigInt((i * 7919) & 0xffff));
    const ys = Array.from({ length: instances }, (_, i) => BigInt((i * 104729) & 0xffff));
    const choices = new Uint8Array(16 * instances);
    ys.forEach((y, i) => choices.set(partyBits(circuit, 'evaluator', [0n, y]), 16 * i));
    const [m0, active] = await Promise.all([sender.sendCorrelated(16 * instances, delta), receiver.receiveCorrelated(choices)]);
    const { garbled, secrets } = garble(circuit, rng.fork('garble'), { instances, delta, evaluatorZeroLabels: m0 });
    expect(inputZeroLabels(circuit, secrets, 'evaluator')).toEqual(m0);
    const gbits = new Uint8Array(16 * instances);
    xs.forEach((x, i) => gbits.set(partyBits(circuit, 'garbler', [x, 0n]), 16 * i));
    const out = decodeOutputs(garbled, evaluateGarbled(circuit, garbled, encodeInputs(circuit, secrets, 'garbler', gbits), active));
    expect(xs.map((_, i) => outputValues(circuit, out, i)[0])).toEqual(xs.map((x, i) => x + ys[i]));
  });
});
