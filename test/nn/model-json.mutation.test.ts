/**
 * parseModel / serializeModel (Spec: §8.4): each check of the JSON model reader with its exact
 * message (the layer named by index and name, or by type and index when unnamed), values passed
 * as an already parsed object (so non-finite numbers reach the checks), the base64 weight forms,
 * and the writer's optional keys and indentation. Expected texts follow the format by hand.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import { MalformedInputError } from '../../src/errors.js';
import { parseModel, serializeModel } from '../../src/nn/index.js';
import { LAYER_TYPES } from '../../src/nn/layers.js';

const base = () => ({
  format: 'delphi-ts-model',
  version: 1,
  input: { shape: [3] },
  layers: [{ type: 'dense', name: 'fc', outFeatures: 2, weights: [1, 2, 3, 4, 5, 6], bias: [0.5, -0.5] } as Record<string, unknown>, { type: 'relu' } as Record<string, unknown>],
}) as Record<string, unknown> & { layers: Record<string, unknown>[]; input: Record<string, unknown> };

const refuse = (doc: unknown, message: string) => expect(() => parseModel(doc)).toThrow(new MalformedInputError(message));
const f64 = (xs: number[]) => ({ dtype: 'float64', base64: Buffer.from(new Float64Array(xs).buffer).toString('base64') });
const f32 = (xs: number[]) => ({ dtype: 'float32', base64: Buffer.from(new Float32Array(xs).buffer).toString('base64') });

describe('parseModel: document', () => {
  it('JSON text that does not parse keeps the parser error as cause', () => {
    const err = thrownBy(() => parseModel('{"format": '));
    expect(err).toBeInstanceOf(MalformedInputError);
    expect((err as Error).message).toMatch(/^model JSON does not parse: ./);
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    expect((err as Error).message).toBe(`model JSON does not parse: ${((err as Error).cause as Error).message}`);
  });
  it('top level: an object with known keys, format and version', () => {
    for (const v of [null, [1], 5, 'x'.length]) refuse(v, 'model must be a JSON object');
    refuse('null', 'model must be a JSON object');
    refuse({ ...base(), extra: 1 }, 'model: unknown key "extra"');
    refuse({ ...base(), format: undefined }, 'model: "format" must be "delphi-ts-model", got undefined');
    refuse({ ...base(), format: 'Delphi-ts-model' }, 'model: "format" must be "delphi-ts-model", got "Delphi-ts-model"');
    refuse({ ...base(), version: '1' }, 'model: unsupported "version" "1" (this code reads version 1)');
    refuse({ ...base(), name: 7 }, 'model: "name" must be a string');
    refuse({ ...base(), description: null }, 'model: "description" must be a string');
    refuse({ ...base(), layers: { 0: {} } }, 'model: "layers" must be an array');
  });
  it('name, description and fixedPoint as given, or their defaults', () => {
    const m = parseModel(base());
    expect(m.name).toBe('model');
    expect(m.description).toBeUndefined();
    expect(m.metadata).toBeUndefined();
    expect(m.fractionalBits).toBe(parseModel({ ...base(), fixedPoint: {} }).fractionalBits);
    const named = parseModel({ ...base(), name: 'n', description: 'd', fixedPoint: { fractionalBits: 11 }, metadata: { a: 1 } });
    expect([named.name, named.description, named.fractionalBits, named.metadata]).toEqual(['n', 'd', 11, { a: 1 }]);
    expect(parseModel({ ...base(), name: 'x', description: '' }).description).toBe('');
  });
  it('input and fixedPoint objects', () => {
    refuse({ ...base(), input: [3] }, 'model "input" must be a JSON object');
    refuse({ ...base(), input: { shape: [3], size: 3 } }, 'model "input": unknown key "size"');
    refuse({ ...base(), fixedPoint: 12 }, 'model "fixedPoint" must be a JSON object');
    refuse({ ...base(), fixedPoint: { fractionalBits: 12, scale: 1 } }, 'model "fixedPoint": unknown key "scale"');
  });
});

describe('parseModel: layers', () => {
  const withLayer = (i: number, layer: unknown) => {
    const d = base();
    d.layers[i] = layer as Record<string, unknown>;
    return d;
  };
  it('a layer must be an object of a known type', () => {
    refuse(withLayer(1, null), 'layer 1 must be a JSON object');
    refuse(withLayer(1, ['relu']), 'layer 1 must be a JSON object');
    refuse(withLayer(1, { type: 5 }), `layer 1: unknown layer type 5 (known: ${LAYER_TYPES.join(', ')})`);
    refuse(withLayer(1, { name: 'r' }), `layer 1: unknown layer type undefined (known: ${LAYER_TYPES.join(', ')})`);
    refuse(withLayer(1, { type: 'toString' }), `layer 1: unknown layer type "toString" (known: ${LAYER_TYPES.join(', ')})`);
  });
  it('unknown keys name the layer, by name or by type and index', () => {
    refuse(withLayer(1, { type: 'relu', alpha: 1 }), 'layer 1 ("relu1"): unknown key "alpha" for a relu layer');
    refuse(withLayer(1, { type: 'relu', name: 'r', alpha: 1 }), 'layer 1 ("r"): unknown key "alpha" for a relu layer');
    refuse(withLayer(1, { type: 'relu', name: 3, alpha: 1 }), 'layer 1 ("relu1"): unknown key "alpha" for a relu layer');
    refuse(withLayer(1, { type: 'add', name: 'a', input: 'fc', inputs: ['fc', 'fc'] }), 'layer 1 ("a"): unknown key "input" for a add layer');
    refuse(withLayer(1, { type: 'relu', kernel: 2 }), 'layer 1 ("relu1"): unknown key "kernel" for a relu layer');
    const explicit = parseModel(withLayer(1, { type: 'relu', name: 'r', input: 'fc' }));
    expect(explicit.layers[1]).toMatchObject({ type: 'relu', name: 'r', input: 'fc' });
  });
  it('weight arrays: finite numbers', () => {
    const w = [1, 2, Number.POSITIVE_INFINITY, 4, 5, 6];
    refuse(withLayer(0, { ...base().layers[0], weights: w }), 'layer 0 ("fc"): weights[2] must be a finite number');
    refuse(withLayer(0, { ...base().layers[0], bias: [0, Number.NaN] }), 'layer 0 ("fc"): bias[1] must be a finite number');
    refuse(withLayer(0, { ...base().layers[0], bias: [0, '1'] }), 'layer 0 ("fc"): bias[1] must be a finite number');
    const m = parseModel(base());
    expect(m.layers[0]).toMatchObject({ weights: Float64Array.of(1, 2, 3, 4, 5, 6), bias: Float64Array.of(0.5, -0.5) });
  });
  it('base64 weights: dtype, string, decoding, finite values', () => {
    const at = (bias: unknown) => withLayer(0, { ...base().layers[0], bias });
    refuse(at('AAAA'), 'layer 0 ("fc"): bias (an array or {"dtype", "base64"}) must be a JSON object');
    refuse(at({ ...f64([1, 2]), endian: 'le' }), 'layer 0 ("fc"): bias: unknown key "endian"');
    refuse(at({ dtype: 'float16', base64: '' }), 'layer 0 ("fc"): bias: "dtype" must be "float32" or "float64", got "float16"');
    refuse(at({ base64: '' }), 'layer 0 ("fc"): bias: "dtype" must be "float32" or "float64", got undefined');
    refuse(at({ dtype: 'float64', base64: 5 }), 'layer 0 ("fc"): bias: "base64" must be a string');
    refuse(at({ dtype: 'float64', base64: 'AA' }), 'layer 0 ("fc"): bias: base64: length must be a multiple of 4');
    refuse(at(f64([0, Number.NaN])), 'layer 0 ("fc"): bias[1] is not finite');
    refuse(at(f32([Number.NEGATIVE_INFINITY, 0])), 'layer 0 ("fc"): bias[0] is not finite');
    const err = thrownBy(() => parseModel(at({ dtype: 'float64', base64: 'A' })));
    expect((err as Error).cause).toBeInstanceOf(MalformedInputError);
    expect(parseModel(at(f64([0.1, -2]))).layers[0]).toMatchObject({ bias: Float64Array.of(0.1, -2) });
    expect(parseModel(at(f32([0.1, -2]))).layers[0]).toMatchObject({ bias: Float64Array.of(Math.fround(0.1), -2) });
  });
  it('non-weight keys are passed through unchanged', () => {
    const d = base();
    d.layers.push({ type: 'quadratic', a2: 0.25, a1: 1, a0: -3 });
    expect(parseModel(d).layers[2]).toMatchObject({ type: 'quadratic', a2: 0.25, a1: 1, a0: -3 });
  });
});

describe('serializeModel', () => {
  const model = parseModel({ ...base(), name: 'm', fixedPoint: { fractionalBits: 9 } });
  it('writes the document keys in order, with input only where it is not the previous layer', () => {
    const doc = JSON.parse(serializeModel(model));
    expect(Object.keys(doc)).toEqual(['format', 'version', 'name', 'input', 'fixedPoint', 'layers']);
    expect(doc).toEqual({
      format: 'delphi-ts-model',
      version: 1,
      name: 'm',
      input: { shape: [3] },
      fixedPoint: { fractionalBits: 9 },
      layers: [
        { type: 'dense', name: 'fc', outFeatures: 2, weights: [1, 2, 3, 4, 5, 6], bias: [0.5, -0.5] },
        { type: 'relu', name: model.layers[1].name },
      ],
    });
  });
  it('base64 weights in either width, and indentation', () => {
    const d64 = JSON.parse(serializeModel(model, { weights: 'float64-base64' }));
    expect(d64.layers[0].bias).toEqual(f64([0.5, -0.5]));
    const d32 = JSON.parse(serializeModel(model, { weights: 'float32-base64' }));
    expect(d32.layers[0].weights).toEqual(f32([1, 2, 3, 4, 5, 6]));
    expect(serializeModel(model)).not.toContain('\n');
    expect(serializeModel(model, { indent: 2 })).toContain('\n  "format": "delphi-ts-model"');
  });
  it('keeps description and metadata when present', () => {
    const m = parseModel({ ...base(), description: 'desc', metadata: { k: [1] } });
    const doc = JSON.parse(serializeModel(m));
    expect(Object.keys(doc)).toEqual(['format', 'version', 'name', 'description', 'metadata', 'input', 'fixedPoint', 'layers']);
    expect([doc.description, doc.metadata]).toEqual(['desc', { k: [1] }]);
  });
});
