#!/usr/bin/env python3
"""Exports the PyTorch fixtures of test/fixtures/nn/pytorch/ with torch.onnx.export.

Each architecture is a small network with deterministic weights (torch.manual_seed), exported at
default export flags with one opset of 11-17, plus a JSON file with the input shape, four fixed
inputs in [0, 1] and PyTorch's float32 logits and predictions for them. The tests in
test/nn/pytorch-fixtures.pytorch.test.ts import every .onnx file and compare.

Not run by CI (the test suite reads the committed files). To regenerate:

    apt-get install python3-torch        # or: pip install torch (any 1.13+ exporter)
    python3 scripts/export-pytorch-fixtures.py test/fixtures/nn/pytorch

The weights are drawn small on purpose where noted, so that 8 fractional bits are too coarse and the
importer has to choose the precision (§8.13).
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def scaled(module, factor):
    """Multiplies every parameter of a module by `factor` (small weights need more fractional bits)."""
    with torch.no_grad():
        for p in module.parameters():
            p.mul_(factor)
    return module


def randomize_batch_norm(module, generator):
    """Gives every BatchNorm non-trivial running statistics and affine parameters."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                c = m.num_features
                m.running_mean.copy_(torch.rand(c, generator=generator) * 0.4 - 0.2)
                m.running_var.copy_(torch.rand(c, generator=generator) * 0.5 + 0.5)
                m.weight.copy_(torch.rand(c, generator=generator) * 0.5 + 0.75)
                m.bias.copy_(torch.rand(c, generator=generator) * 0.2 - 0.1)
    return module


class PaddedAvgPool(nn.Module):
    """Padded convolutions and nn.AvgPool2d (PyTorch puts a Pad node before each AveragePool);
    the second pool is padded itself (count_include_pad=True)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1, stride=1)
        self.pool2 = nn.AvgPool2d(3, stride=2, padding=1)
        self.fc = nn.Linear(6 * 3 * 3, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))


class BatchNormNet(nn.Module):
    """BatchNorm on the input (nothing to fold into: a scale layer), after convolutions (folded by
    the exporter or by the importer) and BatchNorm1d after a Linear layer; Dropout."""

    def __init__(self):
        super().__init__()
        self.bn0 = nn.BatchNorm2d(1)
        self.conv1 = nn.Conv2d(1, 4, 3, stride=2)
        self.bn1 = nn.BatchNorm2d(4)
        self.fc1 = nn.Linear(4 * 5 * 5, 16)
        self.bn2 = nn.BatchNorm1d(16)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(self.bn0(x))))
        x = x.view(x.size(0), -1)
        x = self.drop(F.relu(self.bn2(self.fc1(x))))
        return self.fc2(x)


class Residual(nn.Module):
    """A ResNet-style block: conv-BN-ReLU, a residual block with an identity skip (Add), AvgPool,
    then x.view(n, -1) (the Shape/Gather/Unsqueeze/Concat/Reshape chain)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.a = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.b = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4))
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(4 * 5 * 5, 10)

    def forward(self, x):
        x = self.stem(x)
        x = F.relu(self.b(self.a(x)) + x)
        x = self.pool(x)
        return self.fc(x.view(x.size(0), -1))


class RgbGlobalPool(nn.Module):
    """An RGB network with strided convolutions and AdaptiveAvgPool2d(1) (GlobalAveragePool): small
    convolution weights and a large last layer, so that 8 fractional bits are too coarse."""

    def __init__(self):
        super().__init__()
        self.conv1 = scaled(nn.Conv2d(3, 8, 3, stride=2, padding=1), 0.1)
        self.conv2 = scaled(nn.Conv2d(8, 8, 3, stride=2, padding=1), 0.1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)
        with torch.no_grad():
            self.fc.weight.mul_(40.0)
            self.fc.bias.mul_(0.1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(torch.flatten(self.gap(x), 1))


class Relu6MeanNet(nn.Module):
    """ReLU6 (exported as Clip(0, 6)), torch.mean over H, W (ReduceMean) and a final Softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1)
        self.act = nn.ReLU6()
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        x = self.act(self.conv1(x))
        x = self.act(self.conv2(x))
        x = torch.mean(x, dim=(2, 3))
        return F.softmax(self.fc(x), dim=1)


class Mlp(nn.Module):
    """An MLP: Linear (Gemm), a matrix product plus a bias written by hand (MatMul + Add), Dropout
    and a final LogSoftmax."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.w2 = nn.Parameter(torch.randn(32, 16) * 0.2)
        self.b2 = nn.Parameter(torch.randn(16) * 0.1)
        self.drop = nn.Dropout(0.5)
        self.fc3 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.drop(F.relu(x @ self.w2 + self.b2))
        return F.log_softmax(self.fc3(x), dim=1)


class MaxPoolNet(nn.Module):
    """MaxPool2d: not supported by the secure protocol; the importer must refuse it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 5 * 5, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        return self.fc(torch.flatten(x, 1))


# name, module factory, input shape (without N), opset, parameter scale, expect refusal, export
# flags beyond the defaults: a dynamic batch keeps x.view's Shape/Gather/Unsqueeze/Concat chain,
# and without constant folding the exporter leaves BatchNormalization after Conv/Gemm.
DYNAMIC_BATCH = {'input_names': ['input'], 'dynamic_axes': {'input': {0: 'batch'}}}
ARCHITECTURES = [
    ('padded-avgpool', PaddedAvgPool, (1, 12, 12), 11, 1.0, False, {}),
    ('batchnorm', BatchNormNet, (1, 12, 12), 12, 1.0, False, {'do_constant_folding': False}),
    ('residual', Residual, (1, 10, 10), 13, 1.0, False, DYNAMIC_BATCH),
    ('rgb-global-pool', RgbGlobalPool, (3, 16, 16), 14, 1.0, False, {}),
    ('relu6-mean', Relu6MeanNet, (3, 9, 9), 15, 1.0, False, {}),
    ('mlp', Mlp, (64,), 17, 1.0, False, {}),
    ('maxpool', MaxPoolNet, (1, 12, 12), 16, 1.0, True, {}),
]


def export(out_dir, name, factory, shape, opset, scale, refused, flags, index):
    torch.manual_seed(1000 + index)
    generator = torch.Generator().manual_seed(2000 + index)
    model = factory()
    randomize_batch_norm(model, generator)
    if scale != 1.0:
        scaled(model, scale)
    model.eval()
    inputs = torch.rand((4,) + shape, generator=generator)
    onnx_path = os.path.join(out_dir, f'{name}.onnx')
    torch.onnx.export(model, inputs[:1], onnx_path, opset_version=opset, **flags)
    with torch.no_grad():
        logits = model(inputs)
    # Softmax/LogSoftmax outputs are what PyTorch returns; the importer drops them, so the tests
    # compare with the logits before them.
    with torch.no_grad():
        pre = pre_softmax(model, inputs)
    doc = {
        'name': name,
        'producer': f'torch {torch.__version__}',
        'opset': opset,
        'exportFlags': {k: v for k, v in flags.items() if k != 'dynamic_axes'} | ({'dynamic_axes': 'batch'} if 'dynamic_axes' in flags else {}),
        'doc': ' '.join(factory.__doc__.split()),
        'inputShape': list(shape),
        'refused': refused,
        'inputs': [[round(v, 7) for v in x.flatten().tolist()] for x in inputs],
        'logits': [[round(v, 7) for v in y.tolist()] for y in pre],
        'predictions': [int(v) for v in logits.argmax(dim=1).tolist()],
    }
    with open(os.path.join(out_dir, f'{name}.json'), 'w') as fh:
        json.dump(doc, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'{name}: opset {opset}, {os.path.getsize(onnx_path)} bytes')


def pre_softmax(model, inputs):
    """The network's output without a final softmax (the arg-max is the same)."""
    if isinstance(model, Relu6MeanNet):
        x = model.act(model.conv1(inputs))
        x = model.act(model.conv2(x))
        return model.fc(torch.mean(x, dim=(2, 3)))
    if isinstance(model, Mlp):
        x = F.relu(model.fc1(inputs))
        x = F.relu(x @ model.w2 + model.b2)
        return model.fc3(x)
    return model(inputs)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/nn/pytorch'
    os.makedirs(out_dir, exist_ok=True)
    for index, (name, factory, shape, opset, scale, refused, flags) in enumerate(ARCHITECTURES):
        export(out_dir, name, factory, shape, opset, scale, refused, flags, index)


if __name__ == '__main__':
    main()
