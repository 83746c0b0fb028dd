/**
 * Operators that do not change the prediction (§8.12.3): Identity and Dropout (inference mode)
 * → the input itself; a final Softmax or LogSoftmax → dropped with a note (both are monotone, so
 * the arg-max is unchanged), unless the caller asks to refuse it.
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import type { OnnxOperator } from '../context.js';

/** Identity → the input. Spec: §8.12.3 */
export const identityOperator: OnnxOperator = {
  summary: 'Identity → nothing',
  convert(ctx) {
    ctx.alias(ctx.get(0));
  },
};

/** Dropout (inference) → the input. Spec: §8.12.3 */
export const dropoutOperator: OnnxOperator = {
  summary: 'Dropout (inference) → nothing',
  convert(ctx) {
    const training = ctx.optional(2);
    if (training !== undefined && (training.kind !== 'const' || training.data[0] !== 0)) {
      throw new UnsupportedError(`${ctx.label}: Dropout in training mode is not supported; export after model.eval()`);
    }
    ctx.onlyFirstOutput();
    ctx.alias(ctx.get(0));
  },
};

/** A final Softmax / LogSoftmax → dropped with a note. Spec: §8.12.3 */
export const softmaxOperator: OnnxOperator = {
  summary: 'Softmax / LogSoftmax as the last node → dropped with a note (the arg-max is unchanged; the outputs are logits)',
  convert(ctx) {
    const { label, op } = ctx;
    if (!ctx.isGraphOutput) throw new UnsupportedError(`${label}: ${op} inside the network is not supported; only a final ${op} can be dropped`);
    const x = ctx.act(0);
    ctx.note(`${label}: the final ${op} is dropped: the model outputs logits, and the arg-max (the prediction) is the same`);
    ctx.alias(x);
  },
};
