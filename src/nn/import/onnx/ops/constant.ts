/**
 * Constants (§8.12.3): Constant nodes (value tensor, value_float(s), value_int(s)) and Transpose
 * of a 2-D constant (older exporters transpose Linear weights that way).
 *
 * Spec: §8.12.3
 * @module
 */
import { UnsupportedError } from '../../../errors.js';
import type { OnnxOperator } from '../context.js';
import { decodeOnnxTensor } from '../proto.js';

/** Constant → a constant. Spec: §8.12.3 */
export const constantOperator: OnnxOperator = {
  summary: 'Constant (value, value_float(s), value_int(s)) → a constant',
  convert(ctx) {
    const { attrs } = ctx;
    const t = attrs.tensor('value');
    if (t) {
      const d = decodeOnnxTensor(t);
      ctx.alias({ kind: 'const', dims: d.dims, data: d.data });
    } else if (attrs.has('value_float')) ctx.alias({ kind: 'const', dims: [], data: Float64Array.of(attrs.float('value_float', 0)) });
    else if (attrs.has('value_floats')) {
      const v = attrs.floats('value_floats')!;
      ctx.alias({ kind: 'const', dims: [v.length], data: Float64Array.from(v) });
    } else if (attrs.has('value_int')) ctx.alias({ kind: 'const', dims: [], data: Float64Array.of(attrs.int('value_int', 0)) });
    else if (attrs.has('value_ints')) {
      const v = attrs.ints('value_ints')!;
      ctx.alias({ kind: 'const', dims: [v.length], data: Float64Array.from(v) });
    } else throw new UnsupportedError(`${ctx.label}: Constant without a value, value_float(s) or value_int(s) attribute`);
  },
};

/** Transpose of a 2-D constant → the transposed constant. Spec: §8.12.3 */
export const transposeOperator: OnnxOperator = {
  summary: 'Transpose of a 2-D constant → a constant',
  convert(ctx) {
    const v = ctx.get(0);
    const perm = ctx.attrs.ints('perm') ?? [1, 0];
    if (v.kind !== 'const' || v.dims.length !== 2 || perm.length !== 2 || perm[0] !== 1 || perm[1] !== 0) {
      throw new UnsupportedError(`${ctx.label}: Transpose is supported only for 2-D constants; do not permute activations`);
    }
    const [r, k] = v.dims;
    const data = new Float64Array(r * k);
    for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) data[j * r + i] = v.data[i * k + j];
    ctx.alias({ kind: 'const', dims: [k, r], data });
  },
};
