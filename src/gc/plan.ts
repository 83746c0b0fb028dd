/**
 * The label plan of a circuit: which slot of the label buffer each wire lives in. Wires are given
 * slots in gate order and a slot is reused once its last reader has run, so a garbler or evaluator
 * holds only the labels that are still live (a few hundred for AES or a ReLU, instead of one per
 * wire). Computed once per circuit and cached.
 *
 * Spec: §5.7
 * @module
 */
import { GATE, type Circuit } from './circuit.js';

/** Slot assignment of a circuit (internal to the garbling kernels). */
export interface LabelPlan {
  /** Number of slots. */
  readonly slots: number;
  /** Slot of each input wire (the first `inputWireCount` slots, in wire order). */
  readonly inputSlots: Int32Array;
  /** Per gate: slot of in0 (CONST: the constant), slot of in1, slot of out. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly c: Int32Array;
  /** Slot of every output bit, outputs concatenated. */
  readonly outputSlots: Int32Array;
}

const cache = new WeakMap<Circuit, LabelPlan>();

/** The cached {@link LabelPlan} of `circuit`. Spec: §5.7 */
export function labelPlan(circuit: Circuit): LabelPlan {
  let plan = cache.get(circuit);
  if (!plan) {
    plan = computePlan(circuit);
    cache.set(circuit, plan);
  }
  return plan;
}

function computePlan(circuit: Circuit): LabelPlan {
  const { op, in0, in1, out, wireCount, inputWireCount } = circuit;
  const g = op.length;
  const NEVER = -1;
  const END = g; // read by an output: live to the end
  const lastUse = new Int32Array(wireCount).fill(NEVER);
  for (let k = 0; k < g; k++) {
    const o = op[k];
    if (o === GATE.CONST) continue;
    lastUse[in0[k]] = k;
    if (o === GATE.XOR || o === GATE.AND) lastUse[in1[k]] = k;
  }
  for (const o of circuit.outputs) for (const w of o.wires) lastUse[w] = END;
  const slotOf = new Int32Array(wireCount).fill(-1);
  const free: number[] = [];
  let slots = 0;
  const take = (): number => (free.length > 0 ? free.pop()! : slots++);
  for (let w = 0; w < inputWireCount; w++) slotOf[w] = slots++;
  // Input wires nobody reads could be freed at once, but they keep their slots so that the input
  // labels can be loaded as one block.
  const a = new Int32Array(g);
  const b = new Int32Array(g);
  const c = new Int32Array(g);
  for (let k = 0; k < g; k++) {
    const o = op[k];
    a[k] = o === GATE.CONST ? in0[k] : slotOf[in0[k]];
    b[k] = o === GATE.XOR || o === GATE.AND ? slotOf[in1[k]] : 0;
    const s = take();
    slotOf[out[k]] = s;
    c[k] = s;
    // Free the inputs whose last reader this is (after the output took its slot: no aliasing).
    if (o !== GATE.CONST) {
      if (lastUse[in0[k]] === k && in0[k] >= inputWireCount) free.push(a[k]);
      if ((o === GATE.XOR || o === GATE.AND) && in1[k] !== in0[k] && lastUse[in1[k]] === k && in1[k] >= inputWireCount) free.push(b[k]);
    }
    if (lastUse[out[k]] === NEVER) free.push(s);
  }
  const outputSlots = Int32Array.from(circuit.outputs.flatMap((o) => Array.from(o.wires, (w) => slotOf[w])));
  const inputSlots = Int32Array.from({ length: inputWireCount }, (_, w) => w);
  return { slots, inputSlots, a, b, c, outputSlots };
}
