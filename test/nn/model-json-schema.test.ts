/**
 * The JSON model format (§8.4): round trips, and each rejection rule of parseModel. Documents are
 * also checked against src/nn/model.schema.json with an independent JSON Schema
 * validator (Ajv, via test/helpers/json-schema.ts), so the schema and the parser cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedInputError, SizeMismatchError } from '../../src/errors.js';
import { LAYER_TYPES } from '../../src/nn/layers.js';
import { evaluateFloat, parseModel, serializeModel, type Model } from '../../src/nn/index.js';
import { fromTextSeed } from '../../src/random/index.js';
import { validateJsonSchema } from '../helpers/json-schema.js';
import { NETWORKS, randomInput } from './helpers/networks.js';

const schema = JSON.parse(readFileSync(new URL('../../src/nn/model.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const tiny = {
  format: 'delphi-ts-model',
  version: 1,
  name: 'tiny',
  input: { shape: [1, 4, 4] },
  layers: [
    { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 3, padding: 1, weights: Array.from({ length: 18 }, (_, i) => i / 10 - 0.9), bias: [0, 0.5] },
    { type: 'relu' },
    { type: 'avgPool2d', kernel: [2, 2] },
    { type: 'dense', name: 'fc', outFeatures: 3, weights: Array.from({ length: 24 }, (_, i) => (i % 5) / 4 - 0.5) },
  ],
};

/** A copy of `tiny` with `edit` applied. */
const variant = (edit: (doc: typeof tiny & Record<string, unknown>) => void): Record<string, unknown> => {
  const doc = structuredClone(tiny) as typeof tiny & Record<string, unknown>;
  edit(doc);
  return doc;
};

function sameModel(a: Model, b: Model): void {
  expect(b.name).toBe(a.name);
  expect(b.inputShape).toEqual(a.inputShape);
  expect(b.fractionalBits).toBe(a.fractionalBits);
  expect(b.layers).toEqual(a.layers);
}

describe('parseModel / serializeModel', () => {
  it('parses the short forms of §8.3 and applies the defaults', () => {
    const m = parseModel(JSON.stringify(tiny));
    expect(m.fractionalBits).toBe(8);
    expect(m.layers.map((l) => l.name)).toEqual(['conv', 'relu1', 'avgPool2d2', 'fc']);
    expect(m.layers[0]).toMatchObject({ input: 'input', kernel: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1] });
    expect(m.layers[2]).toMatchObject({ input: 'relu1', stride: [2, 2] });
    expect(Array.from((m.layers[3] as { bias: Float64Array }).bias)).toEqual([0, 0, 0]);
    expect(validateJsonSchema(schema, tiny)).toEqual([]);
  });

  for (const encoding of ['array', 'float64-base64', 'float32-base64'] as const) {
    it(`round trips every test network with weights as ${encoding}`, () => {
      for (const build of Object.values(NETWORKS)) {
        const model = build(fromTextSeed(`json/${encoding}`));
        const text = serializeModel(model, { weights: encoding, indent: 1 });
        expect(validateJsonSchema(schema, JSON.parse(text))).toEqual([]);
        const back = parseModel(text);
        if (encoding === 'float32-base64') {
          // Every float array is rounded to binary32; scalars (epsilon, coefficients) are not.
          const rounded = model.layers.map((l) =>
            Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v instanceof Float64Array ? v.map(Math.fround) : v])),
          );
          expect(back.layers).toEqual(rounded);
        } else {
          sameModel(model, back);
          const x = randomInput(fromTextSeed('json/x'), model.inputShape.reduce((a, b) => a * b, 1));
          expect(evaluateFloat(back, x)).toEqual(evaluateFloat(model, x));
        }
      }
    });
  }

  it('writes input only where it is not the previous layer', () => {
    const model = parseModel({
      format: 'delphi-ts-model',
      version: 1,
      input: { shape: [2] },
      layers: [
        { type: 'dense', name: 'a', outFeatures: 2, weights: [1, 2, 3, 4] },
        { type: 'relu', name: 'r' },
        { type: 'dense', name: 'b', input: 'input', outFeatures: 2, weights: [1, 0, 0, 1] },
        { type: 'add', name: 'sum', inputs: ['r', 'b'] },
      ],
    });
    const doc = JSON.parse(serializeModel(model));
    expect(doc.layers.map((l: { input?: string }) => l.input)).toEqual([undefined, undefined, 'input', undefined]);
    expect(doc.layers[3].inputs).toEqual(['r', 'b']);
    expect(doc.name).toBe('model');
  });

  it('keeps description and metadata through a round trip, deep-frozen', () => {
    const metadata = { training: { seed: 'abc', epochs: 2, lr: [0.05, null], shuffle: true }, accuracy: { float: 0.981 } };
    const doc = variant((d) => {
      d.description = 'a tiny test network';
      d.metadata = metadata;
    });
    expect(validateJsonSchema(schema, doc)).toEqual([]);
    const model = parseModel(JSON.stringify(doc));
    expect(model.description).toBe('a tiny test network');
    expect(model.metadata).toEqual(metadata);
    expect(Object.isFrozen(model.metadata)).toBe(true);
    expect(Object.isFrozen((model.metadata as { training: object }).training)).toBe(true);
    const again = JSON.parse(serializeModel(model));
    expect(again.description).toBe('a tiny test network');
    expect(again.metadata).toEqual(metadata);
    // A model without them writes neither key.
    const plain = JSON.parse(serializeModel(parseModel(JSON.stringify(tiny))));
    expect('metadata' in plain || 'description' in plain).toBe(false);
  });

  const MALFORMED: [string, unknown, RegExp][] = [
    ['not JSON', '{"format": ', /does not parse/],
    ['not an object', '[1, 2]', /must be a JSON object/],
    ['wrong format', variant((d) => (d.format = 'onnx')), /"format" must be "delphi-ts-model"/],
    ['future version', variant((d) => (d.version = 2)), /unsupported "version" 2/],
    ['unknown top-level key', variant((d) => (d.extra = true)), /unknown key "extra"/],
    ['unknown layer type', variant((d) => (d.layers[1] = { type: 'maxPool2d' } as never)), /layer 1: unknown layer type "maxPool2d"/],
    ['typo in a key', variant((d) => ((d.layers[0] as Record<string, unknown>).strides = 1)), /layer 0 \("conv"\): unknown key "strides" for a conv2d layer/],
    ['negative stride', variant((d) => ((d.layers[0] as Record<string, unknown>).stride = -1)), /stride must be a positive integer/],
    ['string weight', variant((d) => ((d.layers[3] as Record<string, unknown>).weights = ['a'])), /weights\[0\] must be a finite number/],
    ['unknown input', variant((d) => ((d.layers[1] as Record<string, unknown>).input = 'nope')), /input "nope" is not the model input or an earlier layer/],
    ['duplicate name', variant((d) => ((d.layers[1] as Record<string, unknown>).name = 'conv')), /duplicate layer name/],
    ['reserved name', variant((d) => ((d.layers[1] as Record<string, unknown>).name = 'input')), /reserved/],
    ['bad shape', variant((d) => (d.input.shape = [4, 4])), /\[C, H, W\] or \[N\]/],
    ['bad base64', variant((d) => ((d.layers[3] as Record<string, unknown>).weights = { dtype: 'float32', base64: 'AAA' })), /base64/],
    ['bad dtype', variant((d) => ((d.layers[3] as Record<string, unknown>).weights = { dtype: 'int8', base64: '' })), /"dtype" must be/],
    ['metadata not an object', variant((d) => (d.metadata = [1, 2])), /metadata must be a JSON object/],
    ['metadata too deep', variant((d) => (d.metadata = JSON.parse('{"a":' + '['.repeat(40) + ']'.repeat(40) + '}'))), /nested more than 32 levels/],
    ['description not a string', variant((d) => (d.description = 5)), /"description" must be a string/],
    ['fractionalBits', variant((d) => (d.fixedPoint = { fractionalBits: 40 })), /fractionalBits must be an integer in \[1, 19\]/],
    [
      'dead layer',
      variant((d) => {
        d.layers.splice(1, 0, { type: 'relu', name: 'dead', input: 'conv' } as never);
        (d.layers[2] as Record<string, unknown>).input = 'conv';
      }),
      /layer 1 \("dead"\): output is never used/,
    ],
  ];
  for (const [what, doc, message] of MALFORMED) {
    it(`rejects: ${what}`, () => {
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      expect(() => parseModel(text)).toThrow(MalformedInputError);
      expect(() => parseModel(text)).toThrow(message);
    });
  }

  it('the schema rejects what it can express of the same cases', () => {
    for (const [what, doc] of MALFORMED) {
      if (typeof doc === 'string' || /unknown input|duplicate|dead|too deep/.test(what)) continue; // graph-level or content checks
      expect(validateJsonSchema(schema, doc), what).not.toEqual([]);
    }
  });

  it('rejects wrong weight sizes with SizeMismatchError naming the layer', () => {
    const doc = variant((d) => (d.layers[3]!.weights = d.layers[3]!.weights!.slice(1)));
    expect(() => parseModel(doc)).toThrow(SizeMismatchError);
    expect(() => parseModel(doc)).toThrow(/layer 3 \("fc"\): weights \(\[out\]\[in\] 3×8\) has 23 values, expected 24/);
    const bias = variant((d) => (d.layers[0].bias = [1]));
    expect(() => parseModel(bias)).toThrow(/layer 0 \("conv"\): bias has 1 values, expected 2/);
  });

  it('the schema lists exactly the parser\'s layer types', () => {
    const defs = schema.$defs as Record<string, { properties?: { type?: { enum?: string[] } } }>;
    expect(defs.layer.properties!.type!.enum).toEqual([...LAYER_TYPES]);
  });
});
