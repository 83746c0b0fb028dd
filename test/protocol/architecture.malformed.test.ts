/**
 * The public architecture (§9.3): its canonical encoding (checked against a hand-written JSON text
 * and node:crypto's SHA-256), that it carries no weights, and that decodeArchitecture rejects every
 * inconsistency a malicious server could send — and never fails with anything but
 * MalformedInputError on random corruptions.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DelphiError, InvalidArgumentError, MalformedInputError } from '../../src/errors.js';
import { compileFixedPoint, createModel, delphiMnistNetwork, minionnCifar10Network } from '../../src/nn/index.js';
import { architectureFingerprint, decodeArchitecture, encodeArchitecture, publicArchitecture } from '../../src/protocol/index.js';
import { MAX_ARCHITECTURE_BYTES } from '../../src/protocol/architecture.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';
import { NETWORKS } from '../nn/helpers/networks.js';
import { compile, randomNetwork } from './helpers.js';

const tiny = compileFixedPoint(
  createModel({
    name: 'tiny',
    inputShape: [1, 2, 2],
    layers: [
      { type: 'conv2d', name: 'c', outChannels: 2, kernel: 1, weights: [0.5, -0.25], bias: [0, 0.5] },
      { type: 'relu6', name: 'r' },
      { type: 'avgPool2d', name: 'p', kernel: 2 },
      { type: 'flatten', name: 'f' },
      { type: 'dense', name: 'd', outFeatures: 1, weights: [1, 1], bias: [0] },
      { type: 'quadratic', name: 'q' },
      { type: 'dense', name: 'o', outFeatures: 1, weights: [2], bias: [0] },
    ],
  }),
);

// Written by hand from §9.3 (key order, no whitespace, weights removed; the pool folded forward
// into "d", relu6 cap 6·2^8 = 1536, Delphi's quadratic at f = 8 = (51, 128, 51)).
const TINY_JSON =
  '{"format":"delphi-ts-architecture","version":1,"name":"tiny","fractionalBits":8,"inputShape":[1,2,2],"outputScale":2,"layers":[' +
  '{"op":"conv2d","name":"c","inputs":[-1],"inputShape":[1,2,2],"shape":[2,2,2],"scale":2,"outChannels":2,"kernel":[1,1],"stride":[1,1],"padding":[0,0,0,0]},' +
  '{"op":"relu6","name":"r","inputs":[0],"inputShape":[2,2,2],"shape":[2,2,2],"scale":1,"cap":1536},' +
  '{"op":"sumPool2d","name":"p","inputs":[1],"inputShape":[2,2,2],"shape":[2,1,1],"scale":1,"kernel":[2,2],"stride":[2,2]},' +
  '{"op":"flatten","name":"f","inputs":[2],"inputShape":[2,1,1],"shape":[2],"scale":1},' +
  '{"op":"dense","name":"d","inputs":[3],"inputShape":[2],"shape":[1],"scale":2},' +
  '{"op":"quadratic","name":"q","inputs":[4],"inputShape":[1],"shape":[1],"scale":1,"a2":51,"a1":128,"a0":51},' +
  '{"op":"dense","name":"o","inputs":[5],"inputShape":[1],"shape":[1],"scale":2}]}';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('publicArchitecture and its encoding', () => {
  it('canonical JSON, as written by hand', () => {
    expect(new TextDecoder().decode(encodeArchitecture(publicArchitecture(tiny)))).toBe(TINY_JSON);
  });

  it('fingerprint is the SHA-256 of the encoding (node:crypto)', () => {
    expect(architectureFingerprint(publicArchitecture(tiny))).toBe(createHash('sha256').update(TINY_JSON).digest('hex'));
  });

  it('round-trips every network of the test suite and the paper networks', () => {
    const rng = fromTextSeed('architecture/roundtrip');
    const models = [
      ...Object.values(NETWORKS).map((b) => compile(b(rng))),
      ...Array.from({ length: 10 }, () => compile(randomNetwork(rng, ['relu', 'relu6', 'quadratic']))),
      compileFixedPoint(delphiMnistNetwork(rng)),
      compileFixedPoint(minionnCifar10Network(rng, { activations: ['relu', 'quadratic', 'relu', 'quadratic', 'relu', 'relu', 'quadratic'] })),
    ];
    for (const fp of models) {
      const arch = publicArchitecture(fp);
      const bytes = encodeArchitecture(arch);
      const back = decodeArchitecture(bytes);
      expect(back).toEqual(arch);
      expect(encodeArchitecture(back)).toEqual(bytes);
      // No weights, biases or factors leave the server.
      const text = new TextDecoder().decode(bytes);
      expect(text).not.toMatch(/weights|bias|factors|origin/);
      expect(arch.layers.map((l) => [l.op, l.shape])).toEqual(fp.layers.map((l) => [l.op, l.shape]));
    }
  });

  it('rejects a non-model with InvalidArgumentError', () => {
    expect(() => publicArchitecture({} as never)).toThrow(InvalidArgumentError);
  });
});

type Json = { [k: string]: unknown };
const parsed = (): Json => JSON.parse(TINY_JSON) as Json;
const layer = (o: Json, k: number): Json => (o.layers as Json[])[k];

describe('decodeArchitecture rejects what a malicious server could send', () => {
  const cases: [string, (o: Json) => unknown, RegExp][] = [
    ['wrong format', (o) => ({ ...o, format: 'other' }), /format/],
    ['wrong version', (o) => ({ ...o, version: 2 }), /version/],
    ['unknown top-level key', (o) => ({ ...o, extra: 1 }), /unknown key "extra"/],
    ['missing key', (o) => { delete o.outputScale; return o; }, /missing key "outputScale"/],
    ['fractionalBits 0', (o) => ({ ...o, fractionalBits: 0 }), /fractionalBits/],
    ['fractionalBits 20', (o) => ({ ...o, fractionalBits: 20 }), /fractionalBits/],
    ['no layers', (o) => ({ ...o, layers: [] }), /at least one layer/],
    ['layers not an array', (o) => ({ ...o, layers: {} }), /layers must be an array/],
    ['bad input shape', (o) => ({ ...o, inputShape: [1, 2] }), /inputShape/],
    ['fractional dimension', (o) => ({ ...o, inputShape: [1, 2.5, 2] }), /inputShape/],
    ['huge tensor', (o) => ({ ...o, inputShape: [1, 65536, 65536] }), /2\^28/],
    ['unknown op', (o) => { layer(o, 1).op = 'softmax'; return o; }, /unknown op "softmax"/],
    ['unknown layer key', (o) => { layer(o, 0).weights = [1, 2]; return o; }, /layer 0 .*unknown key "weights"/],
    ['missing layer key', (o) => { delete layer(o, 0).padding; return o; }, /missing key "padding"/],
    ['forward reference', (o) => { layer(o, 1).inputs = [1]; return o; }, /not −1 or an earlier layer/],
    ['two inputs to relu6', (o) => { layer(o, 1).inputs = [0, 0]; return o; }, /inputs must list 1/],
    ['inputShape inconsistent', (o) => { layer(o, 1).inputShape = [2, 2, 1]; return o; }, /inputShape differs/],
    ['conv output shape wrong', (o) => { layer(o, 0).shape = [2, 3, 2]; return o; }, /shape \[2, 3, 2\] should be \[2, 2, 2\]/],
    ['conv kernel too large', (o) => { layer(o, 0).kernel = [3, 3]; return o; }, /does not fit/],
    ['conv stride 0', (o) => { layer(o, 0).stride = [0, 1]; return o; }, /stride/],
    ['negative padding', (o) => { layer(o, 0).padding = [0, -1, 0, 0]; return o; }, /padding/],
    ['conv at the wrong scale', (o) => { layer(o, 0).scale = 1; return o; }, /must produce scale 2f/],
    ['activation reading scale f', (o) => { layer(o, 1).inputs = [-1]; layer(o, 1).inputShape = [1, 2, 2]; layer(o, 1).shape = [1, 2, 2]; return o; }, /must read a tensor at scale 2f/],
    ['relu6 cap', (o) => { layer(o, 1).cap = 1535; return o; }, /cap must be 6·2\^f = 1536/],
    ['pool shape', (o) => { layer(o, 2).shape = [2, 2, 2]; return o; }, /should be \[2, 1, 1\]/],
    ['pool window too large', (o) => { layer(o, 2).kernel = [3, 2]; return o; }, /window does not fit/],
    ['pool changes scale', (o) => { layer(o, 2).scale = 2; return o; }, /keep the scale/],
    ['flatten shape', (o) => { layer(o, 3).shape = [3]; return o; }, /should be \[2\]/],
    ['quadratic coefficient not an integer', (o) => { layer(o, 5).a2 = 0.5; return o; }, /a2 must be an integer/],
    ['quadratic coefficient too large', (o) => { layer(o, 5).a1 = 2 ** 21; return o; }, /a1 must be an integer/],
    ['dense at the wrong scale', (o) => { layer(o, 4).inputs = [0]; layer(o, 4).inputShape = [2, 2, 2]; return o; }, /layer 4.*must read a tensor at scale f/],
    ['an unread layer', (o) => { layer(o, 6).inputs = [4]; layer(o, 6).inputShape = [1]; return o; }, /must read a tensor at scale f|no layer reads/],
    ['outputScale', (o) => ({ ...o, outputScale: 1 }), /outputScale/],
    ['name not a string', (o) => ({ ...o, name: 5 }), /name/],
    ['layer not an object', (o) => { (o.layers as unknown[])[2] = 7; return o; }, /layer 2 must be an object/],
    ['top level an array', () => [], /must be an object/],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      expect(() => decodeArchitecture(enc(mutate(parsed())))).toThrow(MalformedInputError);
      expect(() => decodeArchitecture(enc(mutate(parsed())))).toThrow(message);
    });
  }

  it('add: shapes and lifts', () => {
    const rng = fromTextSeed('architecture/add');
    const model = compile(NETWORKS.residualNet(rng));
    const good = JSON.parse(new TextDecoder().decode(encodeArchitecture(publicArchitecture(model)))) as Json;
    const k = (good.layers as Json[]).findIndex((l) => l.op === 'add' && (l.lift as boolean[]).some(Boolean));
    expect(k).toBeGreaterThan(0);
    const swapped = JSON.parse(JSON.stringify(good)) as Json;
    layer(swapped, k).lift = [...(layer(swapped, k).lift as boolean[])].reverse();
    expect(() => decodeArchitecture(enc(swapped))).toThrow(/lift must be/);
    const noLift = JSON.parse(JSON.stringify(good)) as Json;
    layer(noLift, k).lift = [false, false];
    expect(() => decodeArchitecture(enc(noLift))).toThrow(/lift must be/);
  });

  it('bytes that are not UTF-8 or JSON, or too many', () => {
    expect(() => decodeArchitecture(Uint8Array.of(0xff, 0xfe))).toThrow(/UTF-8/);
    expect(() => decodeArchitecture(enc('{"format":'))).toThrow(/JSON/);
    expect(() => decodeArchitecture(new Uint8Array(MAX_ARCHITECTURE_BYTES + 1))).toThrow(/exceed/);
    expect(() => decodeArchitecture('x' as never)).toThrow(MalformedInputError);
  });

  it('random corruptions fail with MalformedInputError or decode to a consistent architecture', () => {
    const rng = fromTextSeed('architecture/fuzz');
    const bytes = encodeArchitecture(publicArchitecture(tiny));
    let rejected = 0;
    for (let t = 0; t < 2000; t++) {
      const b = bytes.slice(0, uniformBelow(rng, 4) === 0 ? uniformBelow(rng, bytes.length) : bytes.length);
      const flips = 1 + uniformBelow(rng, 3);
      for (let i = 0; i < flips && b.length > 0; i++) b[uniformBelow(rng, b.length)] = 0x20 + uniformBelow(rng, 0x5f);
      try {
        const arch = decodeArchitecture(b);
        expect(decodeArchitecture(encodeArchitecture(arch))).toEqual(arch);
      } catch (e) {
        expect(e).toBeInstanceOf(DelphiError);
        expect((e as DelphiError).code).toBe('MALFORMED_INPUT');
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1500);
  });
});
