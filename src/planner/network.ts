/**
 * A trainable copy of a model (§10.2.2): the layers of §8.2 evaluated on a batch of inputs in
 * single precision, with back-propagation. Parameters (conv2d and dense weights and biases) are
 * Float32Arrays updated in place by an optimizer; {@link TrainableNetwork.toModel} turns them back
 * into a float64 {@link Model}. Batch-norm layers are kept frozen (inference statistics); fold
 * them (§8.6) to train the preceding layer's weights instead.
 *
 * Spec: §10.1, §10.2.2
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from '../errors.js';
import {
  createModel,
  validateModel,
  type GraphNode,
  type Layer,
  type LayerSpec,
  type Model,
  type ModelMetadata,
} from '../nn/index.js';
import type { Conv2dGeometry } from '../nn/ops/conv2d.js';
import { shapeSize } from '../nn/tensor.js';
import { gemmNN, gemmNT, gemmTN } from './gemm.js';
import { col2im, im2col } from './im2col.js';

/** A trainable tensor with its gradient (same length). Spec: §10.2.2 */
export interface Parameter {
  /** `<layer>.weights` or `<layer>.bias`. */
  readonly name: string;
  readonly value: Float32Array;
  readonly grad: Float32Array;
  /** Whether weight decay applies (weights yes, biases no). */
  readonly decay: boolean;
}

interface Step {
  readonly node: GraphNode;
  /** Elements per sample of this layer's output. */
  readonly size: number;
  readonly params: Parameter[];
  /** Conv2d geometry and per-sample column count (C·kh·kw·Ho·Wo). */
  readonly conv?: { geometry: Conv2dGeometry; rows: number; cols: number };
  /** Per-channel affine map of a frozen batch-norm layer. */
  readonly affine?: { k: Float32Array; c: Float32Array };
}

/**
 * The ReLU6 → quadratic blend of a quadratic layer during training: the layer computes
 * mix·(a2·x² + a1·x + a0) + (1 − mix)·ReLU6(x). mix = 1 (the default) is the quadratic itself;
 * the planner raises mix gradually from 0 (§10.4.2). Spec: §10.2.2
 */
export type QuadraticMix = number;

/**
 * A model prepared for training on batches. The graph and shapes are those of the model; every
 * intermediate buffer is sized for `maxBatch` samples and reused. Spec: §10.2.2
 */
export class TrainableNetwork {
  readonly model: Model;
  readonly maxBatch: number;
  /** Every trainable parameter, in layer order (weights before bias). */
  readonly parameters: readonly Parameter[];
  readonly #steps: Step[];
  readonly #inputSize: number;
  readonly #outputs: Float32Array[];
  readonly #grads: Float32Array[];
  readonly #mix = new Map<string, QuadraticMix>();
  /** im2col buffers of the conv layers (one matrix per sample, kept for the backward pass). */
  readonly #cols = new Map<number, Float32Array>();
  #colGrad: Float32Array = new Float32Array(0);
  /** A conv layer's output (or its gradient) in [O × batch·plane] order. */
  #scratch: Float32Array = new Float32Array(0);
  #input: Float32Array = new Float32Array(0);
  #batch = 0;

  constructor(model: Model, options: { maxBatch?: number } = {}) {
    const graph = validateModel(model);
    const maxBatch = options.maxBatch ?? 128;
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new InvalidArgumentError(`maxBatch must be a positive integer, got ${maxBatch}`);
    this.model = model;
    this.maxBatch = maxBatch;
    this.#inputSize = shapeSize(model.inputShape);
    const params: Parameter[] = [];
    let colGrad = 0;
    let scratch = 0;
    this.#steps = graph.nodes.map((node) => {
      const { layer } = node;
      const size = shapeSize(node.shape);
      const own: Parameter[] = [];
      const param = (suffix: string, values: Float64Array, decay: boolean): void => {
        const p = { name: `${layer.name}.${suffix}`, value: Float32Array.from(values), grad: new Float32Array(values.length), decay };
        own.push(p);
        params.push(p);
      };
      if (layer.type === 'conv2d' || layer.type === 'dense') {
        param('weights', layer.weights, true);
        param('bias', layer.bias, false);
      }
      if (layer.type === 'conv2d') {
        const [c, h, w] = node.inputShapes[0];
        const geometry: Conv2dGeometry = {
          inChannels: c,
          inHeight: h,
          inWidth: w,
          outChannels: layer.outChannels,
          kernel: layer.kernel,
          stride: layer.stride,
          padding: layer.padding,
        };
        const rows = c * layer.kernel[0] * layer.kernel[1];
        const cols = rows * (node.shape[1] * node.shape[2]);
        this.#cols.set(node.index, new Float32Array(cols * maxBatch));
        colGrad = Math.max(colGrad, cols * maxBatch);
        scratch = Math.max(scratch, size * maxBatch);
        return { node, size, params: own, conv: { geometry, rows, cols } };
      }
      if (layer.type === 'batchNorm') {
        const k = layer.scale.map((s, i) => s / Math.sqrt(layer.variance[i] + layer.epsilon));
        const c = layer.bias.map((b, i) => b - layer.mean[i] * k[i]);
        return { node, size, params: own, affine: { k: Float32Array.from(k), c: Float32Array.from(c) } };
      }
      return { node, size, params: own };
    });
    this.parameters = Object.freeze(params);
    this.#colGrad = new Float32Array(colGrad);
    this.#scratch = new Float32Array(scratch);
    this.#outputs = this.#steps.map((s) => (s.node.layer.type === 'flatten' ? new Float32Array(0) : new Float32Array(s.size * maxBatch)));
    this.#grads = this.#steps.map((s) => new Float32Array(s.size * maxBatch));
  }

  /** Elements per sample of the model input. */
  get inputSize(): number {
    return this.#inputSize;
  }

  /** Elements per sample of the model output (the number of classes for a classifier). */
  get outputSize(): number {
    return this.#steps[this.#steps.length - 1].size;
  }

  /** Sets the ReLU6 → quadratic blend of the quadratic layer `name` (see {@link QuadraticMix}). Spec: §10.2.2 */
  setQuadraticMix(name: string, mix: number): void {
    const step = this.#steps.find((s) => s.node.layer.name === name);
    if (!step || step.node.layer.type !== 'quadratic') throw new InvalidArgumentError(`no quadratic layer named ${JSON.stringify(name)}`);
    if (!(mix >= 0 && mix <= 1)) throw new InvalidArgumentError(`mix must be in [0, 1], got ${mix}`);
    this.#mix.set(name, mix);
  }

  /** The blend of quadratic layer `name` (1 unless set). */
  quadraticMix(name: string): number {
    return this.#mix.get(name) ?? 1;
  }

  /**
   * Evaluates `batch` samples stored one after another in `input` (each CHW, flat) and returns the
   * outputs, `outputSize` values per sample (a view into an internal buffer, valid until the next
   * call). Spec: §10.2.2
   */
  forward(input: Float32Array, batch: number): Float32Array {
    if (!Number.isSafeInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new InvalidArgumentError(`batch must be an integer in [1, ${this.maxBatch}], got ${batch}`);
    }
    if (input.length < batch * this.#inputSize) {
      throw new SizeMismatchError(`input has ${input.length} values, ${batch} samples need ${batch * this.#inputSize}`);
    }
    this.#input = input;
    this.#batch = batch;
    for (const step of this.#steps) this.#forwardStep(step, batch);
    const last = this.#steps.length - 1;
    return this.#output(last).subarray(0, batch * this.#steps[last].size);
  }

  /**
   * Back-propagates `gradOutput` (∂loss/∂output for the batch of the last {@link forward} call)
   * and adds ∂loss/∂parameter to every parameter's `grad`. Call {@link zeroGrad} between steps.
   * Spec: §10.2.2
   */
  backward(gradOutput: Float32Array): void {
    const batch = this.#batch;
    if (batch === 0) throw new InvalidArgumentError('backward needs a forward pass first');
    const last = this.#steps.length - 1;
    const n = batch * this.#steps[last].size;
    if (gradOutput.length < n) throw new SizeMismatchError(`gradOutput has ${gradOutput.length} values, expected ${n}`);
    for (let i = 0; i < last; i++) this.#grads[i].fill(0, 0, batch * this.#steps[i].size);
    this.#grads[last].set(gradOutput.subarray(0, n));
    for (let i = last; i >= 0; i--) this.#backwardStep(this.#steps[i], batch);
  }

  /** Sets every parameter gradient to zero. */
  zeroGrad(): void {
    for (const p of this.parameters) p.grad.fill(0);
  }

  /**
   * The model with the current parameters (float32 values widened to float64) and quadratic
   * layers as they are (their blend is a training device and is not stored). Spec: §10.2.2
   */
  toModel(options: { name?: string; description?: string; metadata?: ModelMetadata } = {}): Model {
    const byName = new Map(this.parameters.map((p) => [p.name, p.value]));
    const layers = this.model.layers.map((layer): LayerSpec => {
      if (layer.type === 'conv2d' || layer.type === 'dense') {
        return { ...layer, weights: Float64Array.from(byName.get(`${layer.name}.weights`)!), bias: Float64Array.from(byName.get(`${layer.name}.bias`)!) };
      }
      return layer as LayerSpec;
    });
    return createModel({
      name: options.name ?? this.model.name,
      description: options.description ?? this.model.description,
      metadata: options.metadata ?? this.model.metadata,
      inputShape: this.model.inputShape,
      layers,
      fractionalBits: this.model.fractionalBits,
    });
  }

  #output(i: number): Float32Array {
    if (i < 0) return this.#input;
    const step = this.#steps[i];
    return step.node.layer.type === 'flatten' ? this.#output(step.node.inputs[0]) : this.#outputs[i];
  }

  #forwardStep(step: Step, batch: number): void {
    const { node } = step;
    const layer: Layer = node.layer;
    const i = node.index;
    const x = this.#output(node.inputs[0]);
    const inSize = shapeSize(node.inputShapes[0]);
    const y = this.#outputs[i];
    const size = step.size;
    const total = batch * size;
    switch (layer.type) {
      case 'conv2d': {
        // The whole batch as one product: [O × rows] · [rows × batch·plane], then reordered to NCHW.
        const { geometry, rows, cols } = step.conv!;
        const buffer = this.#cols.get(i)!;
        const [w, b] = step.params;
        const o = layer.outChannels;
        const plane = cols / rows;
        const wide = batch * plane;
        for (let n = 0; n < batch; n++) im2col(x, n * inSize, geometry, buffer, n * plane, wide);
        const product = this.#scratch;
        gemmNN(o, wide, rows, w.value, 0, buffer, 0, product, 0, false);
        for (let ch = 0; ch < o; ch++) {
          const bias = b.value[ch];
          for (let n = 0; n < batch; n++) {
            const src = ch * wide + n * plane;
            const dst = n * size + ch * plane;
            for (let j = 0; j < plane; j++) y[dst + j] = product[src + j] + bias;
          }
        }
        return;
      }
      case 'dense': {
        const [w, b] = step.params;
        gemmNT(batch, size, inSize, x, 0, w.value, 0, y, 0, false);
        for (let n = 0; n < batch; n++) for (let j = 0; j < size; j++) y[n * size + j] += b.value[j];
        return;
      }
      case 'avgPool2d': {
        const [c, h, w] = node.inputShapes[0];
        const [, ho, wo] = node.shape;
        const [kh, kw] = layer.kernel;
        const [sh, sw] = layer.stride;
        const inv = 1 / (kh * kw);
        let o = 0;
        for (let n = 0; n < batch; n++) {
          for (let ch = 0; ch < c; ch++) {
            const plane = (n * c + ch) * h * w;
            for (let oy = 0; oy < ho; oy++) {
              for (let ox = 0; ox < wo; ox++, o++) {
                let s = 0;
                for (let ky = 0; ky < kh; ky++) {
                  const line = plane + (oy * sh + ky) * w + ox * sw;
                  for (let kx = 0; kx < kw; kx++) s += x[line + kx];
                }
                y[o] = s * inv;
              }
            }
          }
        }
        return;
      }
      case 'flatten':
        return;
      case 'relu':
        for (let j = 0; j < total; j++) y[j] = x[j] > 0 ? x[j] : 0;
        return;
      case 'relu6':
        for (let j = 0; j < total; j++) {
          const v = x[j];
          y[j] = v > 0 ? (v < 6 ? v : 6) : 0;
        }
        return;
      case 'quadratic': {
        const { a2, a1, a0 } = layer;
        const mix = this.quadraticMix(layer.name);
        for (let j = 0; j < total; j++) {
          const v = x[j];
          const q = (a2 * v + a1) * v + a0;
          y[j] = mix === 1 ? q : mix * q + (1 - mix) * (v > 0 ? (v < 6 ? v : 6) : 0);
        }
        return;
      }
      case 'add': {
        const b = this.#output(node.inputs[1]);
        for (let j = 0; j < total; j++) y[j] = x[j] + b[j];
        return;
      }
      case 'batchNorm': {
        const { k, c } = step.affine!;
        const per = size / k.length;
        for (let j = 0; j < total; j++) {
          const ch = Math.floor((j % size) / per);
          y[j] = x[j] * k[ch] + c[ch];
        }
        return;
      }
    }
  }

  #backwardStep(step: Step, batch: number): void {
    const { node } = step;
    const layer = node.layer;
    const i = node.index;
    const dy = this.#grads[i];
    const from = node.inputs[0];
    // ∂loss/∂input accumulates into the producer's gradient; the model input needs none.
    const dx = from < 0 ? null : this.#grads[from];
    const x = this.#output(from);
    const inSize = shapeSize(node.inputShapes[0]);
    const size = step.size;
    const total = batch * size;
    switch (layer.type) {
      case 'conv2d': {
        // dY reordered to [O × batch·plane]; dW += dY·colsᵀ; db += row sums; dcols = Wᵀ·dY.
        const { geometry, rows, cols } = step.conv!;
        const buffer = this.#cols.get(i)!;
        const [w, b] = step.params;
        const o = layer.outChannels;
        const plane = cols / rows;
        const wide = batch * plane;
        const dProduct = this.#scratch;
        for (let ch = 0; ch < o; ch++) {
          let s = 0;
          for (let n = 0; n < batch; n++) {
            const src = n * size + ch * plane;
            const dst = ch * wide + n * plane;
            for (let j = 0; j < plane; j++) {
              const g = dy[src + j];
              dProduct[dst + j] = g;
              s += g;
            }
          }
          b.grad[ch] += s;
        }
        gemmNT(o, rows, wide, dProduct, 0, buffer, 0, w.grad, 0, true);
        if (dx) {
          gemmTN(rows, wide, o, w.value, 0, dProduct, 0, this.#colGrad, 0, false);
          for (let n = 0; n < batch; n++) col2im(this.#colGrad, n * plane, geometry, dx, n * inSize, wide);
        }
        return;
      }
      case 'dense': {
        const [w, b] = step.params;
        gemmTN(size, inSize, batch, dy, 0, x, 0, w.grad, 0, true);
        for (let n = 0; n < batch; n++) for (let j = 0; j < size; j++) b.grad[j] += dy[n * size + j];
        if (dx) gemmNN(batch, inSize, size, dy, 0, w.value, 0, dx, 0, true);
        return;
      }
      case 'avgPool2d': {
        if (!dx) return;
        const [c, h, w] = node.inputShapes[0];
        const [, ho, wo] = node.shape;
        const [kh, kw] = layer.kernel;
        const [sh, sw] = layer.stride;
        const inv = 1 / (kh * kw);
        let o = 0;
        for (let n = 0; n < batch; n++) {
          for (let ch = 0; ch < c; ch++) {
            const plane = (n * c + ch) * h * w;
            for (let oy = 0; oy < ho; oy++) {
              for (let ox = 0; ox < wo; ox++, o++) {
                const g = dy[o] * inv;
                for (let ky = 0; ky < kh; ky++) {
                  const line = plane + (oy * sh + ky) * w + ox * sw;
                  for (let kx = 0; kx < kw; kx++) dx[line + kx] += g;
                }
              }
            }
          }
        }
        return;
      }
      case 'flatten':
        if (dx) for (let j = 0; j < total; j++) dx[j] += dy[j];
        return;
      case 'relu':
        if (dx) for (let j = 0; j < total; j++) if (x[j] > 0) dx[j] += dy[j];
        return;
      case 'relu6':
        if (dx) for (let j = 0; j < total; j++) if (x[j] > 0 && x[j] < 6) dx[j] += dy[j];
        return;
      case 'quadratic': {
        if (!dx) return;
        const { a2, a1 } = layer;
        const mix = this.quadraticMix(layer.name);
        for (let j = 0; j < total; j++) {
          const v = x[j];
          const dq = 2 * a2 * v + a1;
          const d = mix === 1 ? dq : mix * dq + (1 - mix) * (v > 0 && v < 6 ? 1 : 0);
          dx[j] += dy[j] * d;
        }
        return;
      }
      case 'add': {
        if (dx) for (let j = 0; j < total; j++) dx[j] += dy[j];
        const other = node.inputs[1];
        if (other >= 0) {
          const db = this.#grads[other];
          for (let j = 0; j < total; j++) db[j] += dy[j];
        }
        return;
      }
      case 'batchNorm': {
        if (!dx) return;
        const { k } = step.affine!;
        const per = size / k.length;
        for (let j = 0; j < total; j++) dx[j] += dy[j] * k[Math.floor((j % size) / per)];
        return;
      }
    }
  }
}

