/**
 * Plaintext evaluation of a {@link Circuit}: the reference the garbled evaluation is checked
 * against. Three entry points over the same gate loop: bits (one instance), bigints (one value per
 * input), and 32-lane words (bit j of every word belongs to instance j, for testing many inputs).
 *
 * Spec: §5.3
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import { GATE, type Circuit } from './circuit.js';
import { bigintToBits, bitsToBigint } from './values.js';

/**
 * Evaluates `circuit` on 32 instances at once: `inputWords[w]` holds input wire w of every instance
 * (bit j = instance j), for w < `circuit.inputWireCount`. Returns one word per output bit, outputs
 * concatenated in order. Spec: §5.3
 */
export function evaluateWords(circuit: Circuit, inputWords: Int32Array): Int32Array {
  if (!(inputWords instanceof Int32Array) || inputWords.length !== circuit.inputWireCount) {
    throw new SizeMismatchError(`evaluateWords: expected ${circuit.inputWireCount} input words, got ${inputWords?.length}`);
  }
  const v = new Int32Array(circuit.wireCount);
  v.set(inputWords);
  const { op, in0, in1, out } = circuit;
  for (let k = 0; k < op.length; k++) {
    switch (op[k]) {
      case GATE.XOR:
        v[out[k]] = v[in0[k]] ^ v[in1[k]];
        break;
      case GATE.AND:
        v[out[k]] = v[in0[k]] & v[in1[k]];
        break;
      case GATE.INV:
        v[out[k]] = ~v[in0[k]];
        break;
      case GATE.CONST:
        v[out[k]] = -in0[k];
        break;
      default: // COPY
        v[out[k]] = v[in0[k]];
    }
  }
  const result = new Int32Array(circuit.outputBits);
  let i = 0;
  for (const o of circuit.outputs) for (const w of o.wires) result[i++] = v[w];
  return result;
}

/**
 * Evaluates `circuit` on one instance: `inputBits` holds every input wire (0 or 1), in wire order.
 * Returns the output bits, outputs concatenated in order. Spec: §5.3
 */
export function evaluateBits(circuit: Circuit, inputBits: Uint8Array): Uint8Array {
  if (!(inputBits instanceof Uint8Array) || inputBits.length !== circuit.inputWireCount) {
    throw new SizeMismatchError(`evaluateBits: expected ${circuit.inputWireCount} input bits, got ${inputBits?.length}`);
  }
  const words = new Int32Array(inputBits.length);
  for (let w = 0; w < inputBits.length; w++) {
    if (inputBits[w] > 1) throw new InvalidArgumentError(`evaluateBits: input bit ${w} is ${inputBits[w]}, expected 0 or 1`);
    words[w] = inputBits[w];
  }
  return Uint8Array.from(evaluateWords(circuit, words), (x) => x & 1);
}

/**
 * Evaluates `circuit` with one bigint per input value (bit k on the value's wire k) and returns
 * one bigint per output value. Throws if a value does not fit its input's width. Spec: §5.3
 */
export function evaluatePlain(circuit: Circuit, inputs: readonly bigint[]): bigint[] {
  if (inputs.length !== circuit.inputs.length) {
    throw new SizeMismatchError(`evaluatePlain: the circuit has ${circuit.inputs.length} inputs, got ${inputs.length} values`);
  }
  const bits = new Uint8Array(circuit.inputWireCount);
  circuit.inputs.forEach((input, k) => bigintToBits(inputs[k], input.width, bits, input.firstWire));
  const outBits = evaluateBits(circuit, bits);
  const result: bigint[] = [];
  let offset = 0;
  for (const o of circuit.outputs) {
    result.push(bitsToBigint(outBits, offset, o.wires.length));
    offset += o.wires.length;
  }
  return result;
}
