/**
 * BatchNormalization in inference mode (§8.12.3) → batchNorm, which the importer then folds into
 * the preceding Conv/Gemm (§8.6); where nothing foldable precedes it (e.g. on the model input),
 * it stays and compiles to a per-channel scale layer (§8.8).
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import { vector, type OnnxOperator } from '../context.js';

/** BatchNormalization → batchNorm (folded later). Spec: §8.12.3 */
export const batchNormalizationOperator: OnnxOperator = {
  summary: 'BatchNormalization (inference) → folded into the preceding Conv/Gemm, else a per-channel scale layer',
  convert(ctx) {
    const { label, attrs } = ctx;
    const x = ctx.act(0);
    const ch = x.shape[0];
    if (attrs.int('training_mode', 0) !== 0) throw new UnsupportedError(`${label}: training-mode BatchNormalization is not supported; export after model.eval()`);
    if (attrs.has('spatial') && attrs.int('spatial', 1) !== 1) throw new UnsupportedError(`${label}: spatial = 0 is not supported`);
    ctx.onlyFirstOutput();
    ctx.emit(
      {
        type: 'batchNorm',
        input: x.layer,
        scale: vector(ctx.constant(1), ch, label, 'scale'),
        bias: vector(ctx.constant(2), ch, label, 'B'),
        mean: vector(ctx.constant(3), ch, label, 'mean'),
        variance: vector(ctx.constant(4), ch, label, 'var'),
        epsilon: attrs.float('epsilon', 1e-5),
      },
      x.shape,
    );
  },
};
