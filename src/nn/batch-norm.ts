/**
 * Folding inference-mode batch normalization into the convolution or dense layer before it.
 *
 * Spec: §8.6
 * @module
 */
import type { BatchNormLayer, Conv2dLayer, DenseLayer, Layer, Model } from './layers.js';
import { validateModel } from './model.js';

/**
 * Returns an equivalent model in which every batchNorm layer whose input is a conv2d or dense
 * layer read by nothing else is merged into that layer: with k[c] = scale[c]/√(variance[c] + ε),
 * the weights of output channel c are multiplied by k[c] and the bias becomes
 * (bias[c] − mean[c])·k[c] + bnBias[c]. The merged layer keeps the name of the linear layer;
 * layers that read the batchNorm read it instead. Other batchNorm layers are kept (the
 * fixed-point compiler turns them into per-channel scale layers, §8.8). Chains of batchNorm
 * layers are folded one after the other. Returns `model` itself when there is nothing to fold. Spec: §8.6
 */
export function foldBatchNorm(model: Model): Model {
  return foldBatchNormReport(model).model;
}

/**
 * {@link foldBatchNorm}, also returning which batchNorm layer went into which linear layer
 * (pairs [batchNorm name, linear layer name], in folding order).
 */
export function foldBatchNormReport(model: Model): { model: Model; folded: [string, string][] } {
  // One pass folds each batchNorm that directly follows a linear layer; repeat for chains.
  const folded: [string, string][] = [];
  for (;;) {
    const next = foldOnce(model, folded);
    if (next === model) return { model, folded };
    model = next;
  }
}

function foldOnce(model: Model, report: [string, string][]): Model {
  const graph = validateModel(model);
  const folded = new Map<number, Conv2dLayer | DenseLayer>(); // linear layer index → folded layer
  const removed = new Set<number>();
  const rename = new Map<string, string>();
  for (const node of graph.nodes) {
    const bn = node.layer;
    if (bn.type !== 'batchNorm') continue;
    const j = node.inputs[0];
    if (j < 0) continue;
    const producer = graph.nodes[j];
    const lin = folded.get(j) ?? producer.layer;
    if ((lin.type !== 'conv2d' && lin.type !== 'dense') || producer.consumers.length !== 1) continue;
    folded.set(j, foldInto(lin, bn));
    removed.add(node.index);
    rename.set(bn.name, lin.name);
    report.push([bn.name, lin.name]);
  }
  if (removed.size === 0) return model;
  const resolve = (name: string): string => rename.get(name) ?? name;
  const layers: Layer[] = [];
  model.layers.forEach((layer, i) => {
    if (removed.has(i)) return;
    const l = folded.get(i) ?? layer;
    layers.push(
      l.type === 'add'
        ? { ...l, inputs: [resolve(l.inputs[0]), resolve(l.inputs[1])] as const }
        : { ...l, input: resolve(l.input) },
    );
  });
  const out: Model = Object.freeze({ ...model, layers: Object.freeze(layers) });
  validateModel(out);
  return out;
}

function foldInto<L extends Conv2dLayer | DenseLayer>(lin: L, bn: BatchNormLayer): L {
  const channels = lin.bias.length;
  const per = lin.weights.length / channels;
  const weights = new Float64Array(lin.weights.length);
  const bias = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const k = bn.scale[c] / Math.sqrt(bn.variance[c] + bn.epsilon);
    for (let i = c * per; i < (c + 1) * per; i++) weights[i] = lin.weights[i] * k;
    bias[c] = (lin.bias[c] - bn.mean[c]) * k + bn.bias[c];
  }
  return { ...lin, weights, bias };
}
