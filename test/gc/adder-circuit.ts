/** The n-bit adder circuit the garbled-circuit encoding tests serialize: garbler x, evaluator y, output x + y (n bits). */
import { CircuitBuilder } from '../../src/gc/builder.js';
import { addBits } from '../../src/gc/gadgets.js';
import type { Circuit } from '../../src/gc/circuit.js';

export function adder(n: number): Circuit {
  const b = new CircuitBuilder();
  const x = b.input('garbler', n);
  const y = b.input('evaluator', n);
  b.output(addBits(b, x, y).sum);
  return b.build();
}
