/**
 * The tiny CNN of test/fixtures/nn/tiny-cnn.onnx, as torch.onnx.export (opset 13) would write
 *
 *     conv1 = Conv2d(1, 4, 3, padding=1); bn1 = BatchNorm2d(4); pool = AvgPool2d(2)
 *     conv2 = Conv2d(4, 4, 3, padding=1); fc = Linear(64, 10)
 *     y = relu(bn1(conv1(x))); p = pool(y); z = relu6(conv2(p) + p); out = fc(flatten(z))
 *
 * for an input [1, 1, 8, 8], and the same network built directly with createModel. Weights are
 * seeded and rounded to float32 so that both carry identical values.
 */
import { createModel, type Model } from '../../../src/nn/index.js';
import { kaimingUniform, uniformSymmetric } from '../../../src/nn/init.js';
import { fromTextSeed } from '../../../src/random/index.js';
import { attr, graph, modelProto, node, tensor, valueInfo } from './onnx-writer.js';

const f32 = (a: Float64Array): Float64Array => a.map(Math.fround);

export function tinyCnnWeights() {
  const rng = fromTextSeed('test/fixtures/nn/tiny-cnn');
  return {
    conv1w: f32(kaimingUniform(rng, 4 * 1 * 9, 9)),
    conv1b: f32(uniformSymmetric(rng, 4, 1 / 3)),
    bnScale: f32(uniformSymmetric(rng, 4, 0.5).map((v) => v + 1)),
    bnBias: f32(uniformSymmetric(rng, 4, 0.2)),
    bnMean: f32(uniformSymmetric(rng, 4, 0.2)),
    bnVar: f32(uniformSymmetric(rng, 4, 0.5).map((v) => v + 1)),
    conv2w: f32(kaimingUniform(rng, 4 * 4 * 9, 36)),
    conv2b: f32(uniformSymmetric(rng, 4, 1 / 6)),
    fcw: f32(kaimingUniform(rng, 10 * 64, 64)),
    fcb: f32(uniformSymmetric(rng, 10, 1 / 8)),
  };
}

/** The ONNX bytes (raw_data initializers, Clip bounds as Constant nodes, Gemm with transB = 1). */
export function tinyCnnOnnx(): Uint8Array {
  const w = tinyCnnWeights();
  const conv = (name: string, inputs: string[], out: string): number[] =>
    node({
      op: 'Conv',
      name,
      inputs,
      outputs: [out],
      attrs: [attr.ints('dilations', [1, 1]), attr.int('group', 1), attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [1, 1])],
    });
  const scalar = (name: string, v: number): number[] => attr.tensor('value', tensor({ name, dims: [], floats: [v] }));
  const nodes = [
    conv('/conv1/Conv', ['input', 'conv1.weight', 'conv1.bias'], '/conv1/Conv_output_0'),
    node({
      op: 'BatchNormalization',
      name: '/bn1/BatchNormalization',
      inputs: ['/conv1/Conv_output_0', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var'],
      outputs: ['/bn1/BatchNormalization_output_0'],
      attrs: [attr.float('epsilon', 1e-5), attr.float('momentum', 0.9)],
    }),
    node({ op: 'Relu', name: '/relu/Relu', inputs: ['/bn1/BatchNormalization_output_0'], outputs: ['/relu/Relu_output_0'] }),
    node({
      op: 'AveragePool',
      name: '/pool/AveragePool',
      inputs: ['/relu/Relu_output_0'],
      outputs: ['/pool/AveragePool_output_0'],
      attrs: [attr.int('ceil_mode', 0), attr.int('count_include_pad', 1), attr.ints('kernel_shape', [2, 2]), attr.ints('pads', [0, 0, 0, 0]), attr.ints('strides', [2, 2])],
    }),
    conv('/conv2/Conv', ['/pool/AveragePool_output_0', 'conv2.weight', 'conv2.bias'], '/conv2/Conv_output_0'),
    node({ op: 'Add', name: '/Add', inputs: ['/conv2/Conv_output_0', '/pool/AveragePool_output_0'], outputs: ['/Add_output_0'] }),
    node({ op: 'Constant', name: '/act/Constant', inputs: [], outputs: ['/act/Constant_output_0'], attrs: [scalar('', 0)] }),
    node({ op: 'Constant', name: '/act/Constant_1', inputs: [], outputs: ['/act/Constant_1_output_0'], attrs: [scalar('', 6)] }),
    node({ op: 'Clip', name: '/act/Clip', inputs: ['/Add_output_0', '/act/Constant_output_0', '/act/Constant_1_output_0'], outputs: ['/act/Clip_output_0'] }),
    node({ op: 'Flatten', name: '/Flatten', inputs: ['/act/Clip_output_0'], outputs: ['/Flatten_output_0'], attrs: [attr.int('axis', 1)] }),
    node({
      op: 'Gemm',
      name: '/fc/Gemm',
      inputs: ['/Flatten_output_0', 'fc.weight', 'fc.bias'],
      outputs: ['output'],
      attrs: [attr.float('alpha', 1), attr.float('beta', 1), attr.int('transB', 1)],
    }),
  ];
  const initializers = [
    tensor({ name: 'conv1.weight', dims: [4, 1, 3, 3], floats: w.conv1w }),
    tensor({ name: 'conv1.bias', dims: [4], floats: w.conv1b }),
    tensor({ name: 'bn1.weight', dims: [4], floats: w.bnScale }),
    tensor({ name: 'bn1.bias', dims: [4], floats: w.bnBias }),
    tensor({ name: 'bn1.running_mean', dims: [4], floats: w.bnMean }),
    tensor({ name: 'bn1.running_var', dims: [4], floats: w.bnVar }),
    tensor({ name: 'conv2.weight', dims: [4, 4, 3, 3], floats: w.conv2w }),
    tensor({ name: 'conv2.bias', dims: [4], floats: w.conv2b }),
    tensor({ name: 'fc.weight', dims: [10, 64], floats: w.fcw }),
    tensor({ name: 'fc.bias', dims: [10], floats: w.fcb }),
  ];
  return modelProto(
    graph({
      nodes,
      name: 'main_graph',
      initializers,
      inputs: [valueInfo('input', [1, 1, 8, 8])],
      outputs: [valueInfo('output', [1, 10])],
    }),
  );
}

/** The same network built directly (batch norm as its own layer, not folded). */
export function tinyCnnModel(): Model {
  const w = tinyCnnWeights();
  return createModel({
    name: 'tiny-cnn',
    inputShape: [1, 8, 8],
    layers: [
      { type: 'conv2d', name: 'conv1', outChannels: 4, kernel: 3, padding: 1, weights: w.conv1w, bias: w.conv1b },
      { type: 'batchNorm', name: 'bn1', scale: w.bnScale, bias: w.bnBias, mean: w.bnMean, variance: w.bnVar, epsilon: Math.fround(1e-5) },
      { type: 'relu', name: 'relu' },
      { type: 'avgPool2d', name: 'pool', kernel: 2 },
      { type: 'conv2d', name: 'conv2', outChannels: 4, kernel: 3, padding: 1, weights: w.conv2w, bias: w.conv2b },
      { type: 'add', name: 'add', inputs: ['conv2', 'pool'] },
      { type: 'relu6', name: 'relu6' },
      { type: 'flatten', name: 'flatten' },
      { type: 'dense', name: 'fc', outFeatures: 10, weights: w.fcw, bias: w.fcb },
    ],
  });
}
