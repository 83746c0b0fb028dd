/**
 * The fully connected kernel shared by the float and the fixed-point evaluators.
 *
 * Spec: §8.2.2
 * @module
 */

/** out[o] = bias[o] + Σ_i w[o·N + i] · in[i], with N = input length. Spec: §8.2.2 */
export function denseForward(
  input: Float64Array,
  weights: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  outFeatures: number,
): Float64Array {
  const n = input.length;
  const out = new Float64Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) {
    let acc = bias ? bias[o] : 0;
    const base = o * n;
    for (let i = 0; i < n; i++) acc += weights[base + i] * input[i];
    out[o] = acc;
  }
  return out;
}
