/**
 * Consumes vectors/protocol/inference.v1.json: the server alone and the client alone are each run
 * against the recorded transcript from their seeds — each must send exactly its recorded messages,
 * record the listed shares and (the client) produce the listed output — and malformed sessions must
 * be refused with the listed error. Independently, the framing of §9.4 is parsed by hand (the
 * architecture in SERVER_HELLO and its SHA-256 fingerprint, MASKED_INPUT = x − r_in, OUTPUT_SHARE),
 * and every tensor reconstructed from the two parties' shares is compared with the layer-by-layer
 * fixed-point reference of §8.9 (quadratic layers with the protocol's local truncations, §9.12).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { compileFixedPoint, encodeInput, parseModel } from '../../src/nn/index.js';
import { delphiBackend, insecureDealer, requestInference, serveInference, type ProtocolBackend, type ShareRecord } from '../../src/protocol/index.js';
import { fromSeed } from '../../src/random/index.js';
import { reconstructSigned, referenceWalk } from '../protocol/helpers.js';
import { codeOfAsync } from './helpers/errors.js';
import { allTests, loadVectors, tohex, unhex, type Group } from './helpers/files.js';
import { replayChannel, scriptedChannel, type TranscriptEntry } from './helpers/replay.js';

const P = 2061584302081n;
const signed = (v: bigint) => (v > (P - 1n) / 2n ? v - P : v);
const mod = (v: bigint) => ((v % P) + P) % P;

function backendOf(params: Group['params']): ProtocolBackend {
  if (params.backend === 'insecure-dealer') return insecureDealer;
  const b = params.bfv;
  return delphiBackend({
    parameters: bfv.createBfvParameters({ polyModulusDegree: b.n, coeffModulus: b.coeffModulus.map(Number), plainModulus: Number(b.plainModulus), insecure: b.insecure }),
  });
}

const sharesJson = (s: ShareRecord) => ({
  input: Array.from(s.input, String),
  layers: s.layers.map((l) => Array.from(l, String)),
  quadratic: s.quadratic.flatMap((q, k) => (q ? [{ layer: k, square: Array.from(q.square, String), t: Array.from(q.t, String) }] : [])),
});
const sharesFrom = (j: { input: string[]; layers: string[][]; quadratic: { layer: number; square: string[]; t: string[] }[] }, layers: number): ShareRecord => {
  const quadratic: ShareRecord['quadratic'][number][] = new Array(layers).fill(undefined);
  for (const q of j.quadratic) quadratic[q.layer] = { square: Float64Array.from(q.square, Number), t: Float64Array.from(q.t, Number) };
  return { input: Float64Array.from(j.input, Number), layers: j.layers.map((l) => Float64Array.from(l, Number)), quadratic };
};

/** A field-vector message of §9.4: tag, 3 zero bytes, u32 layer, u32 start, u32 count, 6-byte elements. */
function parseFieldMessage(bytes: Uint8Array): { tag: number; layer: number; start: number; values: bigint[] } {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  expect([bytes[1], bytes[2], bytes[3]]).toEqual([0, 0, 0]);
  const count = v.getUint32(12, true);
  expect(bytes.length).toBe(16 + 6 * count);
  const values = Array.from({ length: count }, (_, i) => {
    let x = 0n;
    for (let k = 5; k >= 0; k--) x = (x << 8n) | BigInt(bytes[16 + 6 * i + k]);
    return x;
  });
  return { tag: bytes[0], layer: v.getUint32(4, true), start: v.getUint32(8, true), values };
}

describe('vectors/protocol/inference.v1.json', () => {
  const file = loadVectors('protocol/inference.v1.json');
  for (const { group, test } of allTests(file)) {
    const p = group.params;
    it(`tcId ${test.tcId} (${group.type}): ${test.comment}`, async () => {
      const fp = compileFixedPoint(parseModel(p.model), { fractionalBits: p.fractionalBits });
      const backend = backendOf(p);
      const input: number[] = test.input.input;
      if (group.type === 'InferenceRejectTest') {
        const ch = scriptedChannel(test.input.peerMessages);
        const options = { backend, allowInsecure: true, rng: fromSeed(unhex(test.input.seed)) };
        const run = test.input.role === 'client' ? () => requestInference(ch, input, options) : () => serveInference(ch, fp, options);
        return void expect(await codeOfAsync(run)).toBe(test.error);
      }
      const tr: TranscriptEntry[] = test.output.transcript;
      const options = { backend, allowInsecure: true, recordShares: true };
      // The server alone against the transcript …
      const sch = replayChannel(tr, 'server');
      const server = await serveInference(sch, fp, { ...options, rng: fromSeed(unhex(test.input.serverSeed)) });
      expect(sch.mismatches).toEqual([]);
      expect(sch.complete()).toBe(true);
      expect(sharesJson(server.shares!)).toEqual(test.intermediate.serverShares);
      // … and the client alone.
      const cch = replayChannel(tr, 'client');
      const client = await requestInference(cch, input, { ...options, rng: fromSeed(unhex(test.input.clientSeed)) });
      expect(cch.mismatches).toEqual([]);
      expect(cch.complete()).toBe(true);
      expect(sharesJson(client.shares!)).toEqual(test.intermediate.clientShares);
      expect(client.logits.map(String)).toEqual(test.output.logits);
      expect(client.decoded).toEqual(test.output.decoded);
      expect(client.prediction).toBe(test.output.prediction);

      // Independent: the framing of §9.4.
      const hello = unhex(tr.find((m) => m.from === 'server')!.bytes);
      expect(hello[0]).toBe(0xd1);
      const archHex = p.architecture as string;
      expect(tohex(hello.subarray(hello.length - archHex.length / 2))).toBe(archHex);
      expect(new DataView(hello.buffer).getUint32(hello.length - archHex.length / 2 - 4, true)).toBe(archHex.length / 2);
      expect(createHash('sha256').update(unhex(archHex)).digest('hex')).toBe(p.fingerprint);
      const cs = test.intermediate.clientShares;
      const ss = test.intermediate.serverShares;
      const masked = parseFieldMessage(unhex(tr.find((m) => m.bytes.startsWith('d4'))!.bytes));
      expect([masked.layer, masked.start]).toEqual([0xffffffff, 0]);
      const x = encodeInput(fp, input);
      expect(masked.values).toEqual(x.map((v, i) => mod(v - BigInt(cs.input[i]))));
      expect(masked.values.map(String)).toEqual(ss.input);
      const outMsg = parseFieldMessage(unhex(tr.filter((m) => m.from === 'server').at(-1)!.bytes));
      expect(outMsg.tag).toBe(0xd6);
      const last = fp.layers.length - 1;
      expect([outMsg.layer, outMsg.values.map(String)]).toEqual([last, ss.layers[last]]);
      expect(test.output.logits).toEqual(outMsg.values.map((v, i) => String(mod(v + BigInt(cs.layers[last][i])))));
      const scale = 2 ** (fp.outputScale * fp.fractionalBits);
      expect(test.output.decoded).toEqual(test.output.logits.map((v: string) => Number(signed(BigInt(v))) / scale));
      // Independent: every tensor against the fixed-point reference, walked layer by layer.
      const shares = { client: sharesFrom(cs, fp.layers.length), server: sharesFrom(ss, fp.layers.length) };
      const walk = referenceWalk(fp, x.map((v) => Number(signed(v))), shares);
      fp.layers.forEach((layer, k) => {
        expect(reconstructSigned(shares.server.layers[k], shares.client.layers[k]), `layer ${k} (${layer.op})`).toEqual(walk.layers[k]);
      });
      expect(walk.truncations).toBeGreaterThan(0);
    });
  }
});
