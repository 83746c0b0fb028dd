/**
 * The float evaluator: every layer of §8.2 in float64 arithmetic. It is the meaning of a model;
 * the fixed-point evaluator (§8.9) approximates it.
 *
 * Spec: §8.5
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import type { Layer, Model } from './layers.js';
import { validateModel } from './model.js';
import { conv2dForward } from './ops/conv2d.js';
import { denseForward } from './ops/dense.js';
import { sumPool2dForward } from './ops/pool.js';
import { shapeSize, type Shape } from './tensor.js';
import { conv2dGeometry } from './linear-layers.js';

/** Output of every layer of a float evaluation. Spec: §8.5 */
export interface FloatTrace {
  /** outputs[i] is the output of layer i (CHW, flat). */
  readonly outputs: readonly Float64Array[];
  /** shapes[i] is the shape of outputs[i]. */
  readonly shapes: readonly Shape[];
  /** The model output (the last layer's), as computed in float64. */
  readonly output: Float64Array;
}

/**
 * Evaluates a model in float64 on one input (CHW, flat; length = product of the input shape)
 * and returns the output of the last layer rounded to float32 (the logits). Spec: §8.5
 */
export function evaluateFloat(model: Model, input: ArrayLike<number>): Float32Array {
  return Float32Array.from(traceFloat(model, input).output);
}

/** Like {@link evaluateFloat} but returns every layer's float64 output. Spec: §8.5 */
export function traceFloat(model: Model, input: ArrayLike<number>): FloatTrace {
  const graph = validateModel(model);
  const x = checkFloatInput(input, model.inputShape);
  const outputs: Float64Array[] = [];
  for (const node of graph.nodes) {
    const args = node.inputs.map((j) => (j < 0 ? x : outputs[j]));
    outputs.push(floatLayer(node.layer, args, node.inputShapes));
  }
  return { outputs, shapes: graph.nodes.map((n) => n.shape), output: outputs[outputs.length - 1] };
}

/** Copies an input to float64 after checking its length and that every value is finite. */
export function checkFloatInput(input: ArrayLike<number>, shape: Shape): Float64Array {
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw new InvalidArgumentError('input must be an array of numbers');
  }
  const n = shapeSize(shape);
  if (input.length !== n) {
    throw new SizeMismatchError(`input has ${input.length} values, the model expects ${n} (shape [${shape.join(', ')}])`);
  }
  const x = Float64Array.from(input);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new InvalidArgumentError(`input[${i}] is not a finite number`);
  }
  return x;
}

/** One layer in float64 (§8.2). */
function floatLayer(layer: Layer, args: Float64Array[], shapes: readonly Shape[]): Float64Array {
  const [x] = args;
  const [s] = shapes;
  switch (layer.type) {
    case 'conv2d':
      return conv2dForward(x, layer.weights, layer.bias, conv2dGeometry(layer, s));
    case 'dense':
      return denseForward(x, layer.weights, layer.bias, layer.outFeatures);
    case 'avgPool2d': {
      const out = sumPool2dForward(x, s, layer.kernel, layer.stride);
      const k = layer.kernel[0] * layer.kernel[1];
      for (let i = 0; i < out.length; i++) out[i] /= k;
      return out;
    }
    case 'flatten':
      return x;
    case 'relu':
      return x.map((v) => (v > 0 ? v : 0));
    case 'relu6':
      return x.map((v) => (v > 0 ? (v < 6 ? v : 6) : 0));
    case 'quadratic': {
      const { a2, a1, a0 } = layer;
      return x.map((v) => a2 * v * v + a1 * v + a0);
    }
    case 'add': {
      const [a, b] = args;
      return a.map((v, i) => v + b[i]);
    }
    case 'batchNorm': {
      const c = s[0];
      const per = x.length / c;
      const out = new Float64Array(x.length);
      for (let ch = 0; ch < c; ch++) {
        const k = layer.scale[ch] / Math.sqrt(layer.variance[ch] + layer.epsilon);
        for (let i = ch * per; i < (ch + 1) * per; i++) out[i] = (x[i] - layer.mean[ch]) * k + layer.bias[ch];
      }
      return out;
    }
  }
}
