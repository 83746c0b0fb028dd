/**
 * fast-check fuzzing of the model readers (src/nn, Spec: §8.2, §8.12): the delphi-ts JSON model
 * format and the ONNX importer (with its protobuf reader) fed mutations of valid files give a model
 * or a typed error, never another exception; a JSON model that parses serializes to a model that
 * parses to the same thing.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createModel, importOnnx, parseModel, serializeModel } from '../../src/nn/index.js';
import { fuzzParams, mutationsOf, parsesOrThrowsTyped, textMutationsOf } from './fuzz-helpers.js';

const tiny = serializeModel(
  createModel({
    name: 'fuzz',
    inputShape: [1, 4, 4],
    layers: [
      { type: 'conv2d', name: 'c', outChannels: 2, kernel: 3, weights: new Float64Array(18).fill(0.25), bias: Float64Array.of(0.5, -0.5) },
      { type: 'relu', name: 'r' },
      { type: 'flatten', name: 'f' },
      { type: 'dense', name: 'd', outFeatures: 2, weights: new Float64Array(16).fill(-0.125), bias: Float64Array.of(1, 2) },
    ],
  }),
);
const onnx = ['test/fixtures/nn/tiny-cnn.onnx', 'test/fixtures/nn/protoc-mlp.onnx'].map((p) => new Uint8Array(readFileSync(p)));

describe('model readers under fast-check', () => {
  it('JSON models: typed errors only; a parsed model serializes stably', () => {
    fc.assert(
      fc.property(textMutationsOf([tiny]), (text) => {
        const r = parsesOrThrowsTyped(() => parseModel(text));
        if (r.ok) expect(serializeModel(parseModel(serializeModel(r.value)))).toBe(serializeModel(r.value));
      }),
      fuzzParams(1000),
    );
  });

  it('ONNX models: typed errors only', () => {
    for (const bytes of onnx) expect(importOnnx(bytes, { stripSoftmax: true }).layers.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(mutationsOf(onnx, 8192), (bytes) => {
        parsesOrThrowsTyped(() => importOnnx(bytes, { stripSoftmax: true }));
      }),
      fuzzParams(1000),
    );
  });
});
