/**
 * fast-check fuzzing of every protocol message decoder (src/protocol/messages.ts, blobs.ts and the
 * architecture codec, Spec: §9.3, §9.4): mutations of valid messages give a typed error or a
 * result that re-encodes to the same bytes (the codecs are canonical).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAbort, decodeClientHello, decodeFieldMessage, decodeServerHello, decodeTagged, encodeAbort, encodeClientHello, encodeFieldMessage, encodeServerHello, encodeTagged, PROTOCOL_TAG } from '../../src/protocol/messages.js';
import { decodeArchitecture, encodeArchitecture, publicArchitecture } from '../../src/protocol/index.js';
import { decodeBlobs, encodeBlobs } from '../../src/protocol/blobs.js';
import { compileFixedPoint, parseModel } from '../../src/nn/index.js';
import { readFileSync } from 'node:fs';
import { fuzzParams, mutationsOf, parsesOrThrowsTyped } from './fuzz-helpers.js';

const ids = { linear: 'bfv', activations: 'garbled-relu', triples: 'bfv' };
const architecture = encodeArchitecture(publicArchitecture(compileFixedPoint(parseModel(readFileSync('models/mnist-small.json', 'utf8')))));
const TAG = Object.values(PROTOCOL_TAG).find((t) => t !== PROTOCOL_TAG.ABORT && t !== PROTOCOL_TAG.CLIENT_HELLO && t !== PROTOCOL_TAG.SERVER_HELLO)!;

describe('protocol message decoders under fast-check', () => {
  it('CLIENT_HELLO', () => {
    fc.assert(
      fc.property(mutationsOf([encodeClientHello(ids)]), (bytes) => {
        const r = parsesOrThrowsTyped(() => decodeClientHello(bytes));
        if (r.ok) expect(encodeClientHello(r.value)).toEqual(bytes);
      }),
      fuzzParams(1000),
    );
  });

  it('SERVER_HELLO', () => {
    fc.assert(
      fc.property(mutationsOf([encodeServerHello(ids, architecture)]), (bytes) => {
        const r = parsesOrThrowsTyped(() => decodeServerHello(bytes));
        if (r.ok) expect(encodeServerHello(r.value.ids, r.value.architecture)).toEqual(bytes);
      }),
      fuzzParams(400),
    );
  });

  it('architecture', () => {
    fc.assert(
      fc.property(mutationsOf([architecture]), (bytes) => {
        const r = parsesOrThrowsTyped(() => decodeArchitecture(bytes));
        if (r.ok) expect(encodeArchitecture(r.value)).toEqual(bytes);
      }),
      fuzzParams(1000),
    );
  });

  it('ABORT', () => {
    fc.assert(
      fc.property(mutationsOf([encodeAbort('the client could not use its input'), encodeAbort('é€😀')]), (bytes) => {
        const r = parsesOrThrowsTyped(() => decodeAbort(bytes));
        if (r.ok) expect(encodeAbort(r.value)).toEqual(bytes);
      }),
      fuzzParams(1000),
    );
  });

  it('field-vector messages', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i * 1_000_003) % 2061584302081);
    fc.assert(
      fc.property(mutationsOf([encodeFieldMessage(TAG, 3, values, 8, 20)]), (bytes) => {
        const out = new Float64Array(40);
        const r = parsesOrThrowsTyped(() => decodeFieldMessage(bytes, TAG, 3, 8, 20, out, 'fuzz'));
        if (r.ok) expect(encodeFieldMessage(TAG, 3, out, 8, 20)).toEqual(bytes);
      }),
      fuzzParams(1000),
    );
  });

  it('tagged and blob messages', () => {
    const blobs = encodeBlobs(TAG, [1, 2, 3], [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(70).fill(4)]);
    fc.assert(
      fc.property(mutationsOf([blobs, encodeTagged(TAG, new Uint8Array(16).fill(7))]), (bytes) => {
        const b = parsesOrThrowsTyped(() => decodeBlobs(bytes, TAG, 'fuzz'));
        if (b.ok) expect(encodeBlobs(TAG, b.value.header, b.value.blobs)).toEqual(bytes);
        const t = parsesOrThrowsTyped(() => decodeTagged(bytes, TAG, 16, 'fuzz'));
        if (t.ok) expect(encodeTagged(TAG, t.value)).toEqual(bytes);
      }),
      fuzzParams(1000),
    );
  });
});
