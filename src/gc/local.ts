/**
 * Garbling and evaluation in one process, for tests, the CLI and teaching: garble, encode both
 * parties' inputs (the evaluator's as OT would deliver them), evaluate, decode.
 *
 * Spec: §5.6
 * @module
 */
import { SizeMismatchError } from '../errors.js';
import type { Rng } from '../random/rng.js';
import type { Circuit, Party } from './circuit.js';
import { decodeOutputs, encodeInputs, evaluateGarbled, garble, type GarbledCircuit, type GarblingScheme } from './garble.js';
import { bigintToBits, bitsToBigint } from './values.js';
import { concatBytes } from '../math/bytes.js';

/** Input bits of `party` for one instance, party wires in wire order, from one bigint per input. */
export function partyBits(circuit: Circuit, party: Party, values: readonly bigint[]): Uint8Array {
  if (values.length !== circuit.inputs.length) throw new SizeMismatchError(`expected ${circuit.inputs.length} input values, got ${values.length}`);
  const inputs = circuit.inputs.map((input, k) => ({ input, value: values[k] })).filter((x) => x.input.party === party);
  const bits = new Uint8Array(inputs.reduce((s, x) => s + x.input.width, 0));
  let offset = 0;
  for (const { input, value } of inputs) {
    bigintToBits(value, input.width, bits, offset);
    offset += input.width;
  }
  return bits;
}

/** Splits decoded output bits of one instance into one bigint per output value. */
export function outputValues(circuit: Circuit, bits: Uint8Array, instance = 0): bigint[] {
  const m = circuit.outputBits;
  let offset = instance * m;
  return circuit.outputs.map((o) => {
    const v = bitsToBigint(bits, offset, o.wires.length);
    offset += o.wires.length;
    return v;
  });
}

/**
 * Garbles `circuit` for each of the given instances (one bigint per input value each), evaluates
 * every instance from its active labels and returns the decoded outputs, with the garbled circuit
 * (`options.scheme`: half gates by default, or three halves, §5.13). Spec: §5.6
 */
export function garbleAndEvaluate(
  circuit: Circuit,
  instances: readonly (readonly bigint[])[],
  rng: Rng,
  options: { readonly scheme?: GarblingScheme } = {},
): { outputs: bigint[][]; garbled: GarbledCircuit } {
  const n = instances.length;
  const { garbled, secrets } = garble(circuit, rng, { instances: n, ...(options.scheme !== undefined ? { scheme: options.scheme } : {}) });
  const concat = (party: Party): Uint8Array => concatBytes(instances.map((values) => partyBits(circuit, party, values)));
  const g = encodeInputs(circuit, secrets, 'garbler', concat('garbler'));
  const e = encodeInputs(circuit, secrets, 'evaluator', concat('evaluator'));
  const bits = decodeOutputs(garbled, evaluateGarbled(circuit, garbled, g, e));
  return { outputs: instances.map((_, i) => outputValues(circuit, bits, i)), garbled };
}
