/**
 * Messages of the BFV triple generation (src/beaver/bfv-wire.ts, Spec: §4.19) on a small insecure ring
 * (n = 16, three 30-bit primes), checked against hand-built bytes: the 16-byte header field by field,
 * each ciphertext's u32 length and compact body at its offset (a seeded and a full ciphertext of
 * different sizes in one message), round trips of zero, one and two ciphertexts, a message viewed
 * at a non-zero byte offset of its buffer; and every refusal with its exact class and message: short
 * or non-byte input, wrong and unknown tags (named), each reserved byte alone, entry and ciphertext
 * counts, a length field cut at each byte, a length one past the end, a ciphertext at another level,
 * in NTT form or malformed, trailing bytes; errors other than malformed input pass through unwrapped.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import { BFV_TRIPLE_HEADER_BYTES, BFV_TRIPLE_TAG, decodeBfvTripleMessage, encodeBfvTripleMessage } from '../../src/beaver/bfv-wire.js';
import * as bfv from '../../src/bfv/index.js';
import { MalformedInputError, ProtocolError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

const n = 16;
const ctx = bfv.createBfvContext(
  bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, [30, 30, 30]), plainModulus: 97, insecure: true }),
);
const rng = fromTextSeed('bfv-wire mutation');
const sk = bfv.generateSecretKey(ctx, rng);
/** A seeded symmetric encryption at level 2 (compact form: c_0 and the seed). */
const seeded = bfv.bfvEncryptSymmetric(ctx, sk, { coeffs: Float64Array.from({ length: n }, (_, j) => j) }, rng, { level: 2, seeded: true });
/** A full ciphertext at level 2 with random residues (compact form: both polynomials). */
function fullCt(k = 2, ntt = false): bfv.Ciphertext {
  const polys = [0, 1].map(() => {
    const p = ctx.allocPoly(k);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) p[i * n + j] = uniformBelow(rng, ctx.primes[i]);
    return p;
  });
  return { coeffModulusSize: k, polys, isNttForm: ntt };
}
const full = fullCt();

const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
/** The message built by hand: header, then u32 length ‖ compact bytes per ciphertext. */
function byHand(tag: number, entries: number, cts: readonly bfv.Ciphertext[]): Uint8Array {
  const bytes = [tag, 0, 0, 0, ...u32(entries), ...u32(cts.length), 0, 0, 0, 0];
  for (const ct of cts) {
    const body = bfv.serializeCompactCiphertext(ctx, ct);
    bytes.push(...u32(body.length), ...body);
  }
  return Uint8Array.from(bytes);
}
const same = (a: bfv.Ciphertext, b: bfv.Ciphertext): void => {
  expect(a.coeffModulusSize).toBe(b.coeffModulusSize);
  expect(a.isNttForm).toBe(b.isNttForm);
  expect(a.polys.map((p) => Array.from(p))).toEqual(b.polys.map((p) => Array.from(p)));
};
const TAG = BFV_TRIPLE_TAG.TRIPLES_REQUEST;
const decode = (m: Uint8Array, count = 2, level = 2): bfv.Ciphertext[] => decodeBfvTripleMessage(ctx, m, TAG, 7, count, level, 'ctx');
/** Expects `f` to throw exactly this class with exactly this message. */
function throwsExactly(f: () => unknown, cls: typeof MalformedInputError | typeof ProtocolError, message: string): void {
  const err = thrownBy(f);
  expect(err).toBeInstanceOf(cls);
  expect((err as Error).constructor).toBe(cls);
  expect((err as Error).message).toBe(message);
}

describe('BFV triple messages', () => {
  it('tags and header size are as specified', () => {
    expect(BFV_TRIPLE_TAG).toEqual({ TRIPLES_REQUEST: 0x53, TRIPLES_RESPONSE: 0x54, SQUARES_REQUEST: 0x55, SQUARES_RESPONSE: 0x56 });
    expect(BFV_TRIPLE_HEADER_BYTES).toBe(16);
  });

  it('encodes the hand-built layout and decodes it back', () => {
    const sBody = bfv.serializeCompactCiphertext(ctx, seeded);
    const fBody = bfv.serializeCompactCiphertext(ctx, full);
    expect(sBody.length).not.toBe(fBody.length);
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [seeded, full]);
    expect(Array.from(msg)).toEqual(Array.from(byHand(TAG, 7, [seeded, full])));
    expect(msg.length).toBe(16 + 4 + sBody.length + 4 + fBody.length);
    const [a, b] = decode(msg);
    expect(a.polys).toHaveLength(2);
    same(a, { coeffModulusSize: 2, polys: seeded.polys, isNttForm: false });
    same(b, full);
    // Another tag and entry count, full first.
    const other = encodeBfvTripleMessage(ctx, BFV_TRIPLE_TAG.SQUARES_RESPONSE, 0x01020304, [full, seeded]);
    expect(Array.from(other)).toEqual(Array.from(byHand(0x56, 0x01020304, [full, seeded])));
    const back = decodeBfvTripleMessage(ctx, other, 0x56, 0x01020304, 2, 2, 'c');
    same(back[0], full);
    same(back[1], { coeffModulusSize: 2, polys: seeded.polys, isNttForm: false });
  });

  it('zero and one ciphertexts', () => {
    const empty = encodeBfvTripleMessage(ctx, TAG, 0, []);
    expect(Array.from(empty)).toEqual([0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeBfvTripleMessage(ctx, empty, TAG, 0, 0, 2, 'c')).toEqual([]);
    const one = encodeBfvTripleMessage(ctx, TAG, 7, [full]);
    const [ct] = decode(one, 1);
    same(ct, full);
    expect(decode(one, 1)).toHaveLength(1);
  });

  it('decodes a message at a non-zero offset of a larger buffer', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full, seeded]);
    const buffer = new Uint8Array(msg.length + 8).fill(0xee);
    buffer.set(msg, 3);
    const view = buffer.subarray(3, 3 + msg.length);
    const [a, b] = decode(view);
    same(a, full);
    same(b, { coeffModulusSize: 2, polys: seeded.polys, isNttForm: false });
  });

  it('refuses short and non-byte input', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full, seeded]);
    for (let len = 0; len < 16; len++) {
      throwsExactly(() => decode(msg.subarray(0, len)), MalformedInputError, 'ctx: message shorter than the 16-byte header');
    }
    throwsExactly(() => decode(undefined as unknown as Uint8Array), MalformedInputError, 'ctx: message shorter than the 16-byte header');
    throwsExactly(() => decode(Array.from(msg) as unknown as Uint8Array), MalformedInputError, 'ctx: message shorter than the 16-byte header');
  });

  it('names the expected and received tags', () => {
    const msg = encodeBfvTripleMessage(ctx, BFV_TRIPLE_TAG.SQUARES_RESPONSE, 7, [full]);
    throwsExactly(() => decode(msg, 1), ProtocolError, 'ctx: expected a TRIPLES_REQUEST message, received SQUARES_RESPONSE');
    throwsExactly(
      () => decodeBfvTripleMessage(ctx, msg, BFV_TRIPLE_TAG.TRIPLES_RESPONSE, 7, 1, 2, 'x'),
      ProtocolError,
      'x: expected a TRIPLES_RESPONSE message, received SQUARES_RESPONSE',
    );
    throwsExactly(
      () => decodeBfvTripleMessage(ctx, msg, BFV_TRIPLE_TAG.SQUARES_REQUEST, 7, 1, 2, 'x'),
      ProtocolError,
      'x: expected a SQUARES_REQUEST message, received SQUARES_RESPONSE',
    );
    const unknown = msg.slice();
    unknown[0] = 0x05;
    throwsExactly(() => decode(unknown, 1), ProtocolError, 'ctx: expected a TRIPLES_REQUEST message, received unknown tag 0x05');
    unknown[0] = 0xab;
    throwsExactly(() => decodeBfvTripleMessage(ctx, unknown, 0x3c, 7, 1, 2, 'x'), ProtocolError, 'x: expected a unknown tag 0x3c message, received unknown tag 0xab');
  });

  it('refuses each reserved byte alone', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full]);
    for (const byte of [1, 2, 3, 12, 13, 14, 15]) {
      const m = msg.slice();
      m[byte] = 0x80;
      throwsExactly(() => decode(m, 1), MalformedInputError, 'ctx: reserved header bytes must be zero');
    }
  });

  it('refuses another entry or ciphertext count', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full]);
    throwsExactly(() => decodeBfvTripleMessage(ctx, msg, TAG, 8, 1, 2, 'c'), ProtocolError, 'c: peer sent 7 entries in 1 ciphertexts, expected 8 in 1');
    throwsExactly(() => decodeBfvTripleMessage(ctx, msg, TAG, 7, 2, 2, 'c'), ProtocolError, 'c: peer sent 7 entries in 1 ciphertexts, expected 7 in 2');
    throwsExactly(() => decodeBfvTripleMessage(ctx, msg, TAG, 7, 0, 2, 'c'), ProtocolError, 'c: peer sent 7 entries in 1 ciphertexts, expected 7 in 0');
  });

  it('refuses truncated length fields and lengths past the end', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full, seeded]);
    const first = 16 + 4 + bfv.serializeCompactCiphertext(ctx, full).length;
    // The first length field cut at each byte, then the second.
    for (let len = 16; len < 20; len++) throwsExactly(() => decode(msg.subarray(0, len)), MalformedInputError, 'ctx: truncated before ciphertext 0');
    for (let len = first; len < first + 4; len++) throwsExactly(() => decode(msg.subarray(0, len)), MalformedInputError, 'ctx: truncated before ciphertext 1');
    // A zero length field that is all there is: an empty ciphertext, refused by the ciphertext reader.
    const lone = msg.slice(0, 20);
    lone.fill(0, 16, 20);
    throwsExactly(
      () => decode(lone),
      MalformedInputError,
      'ctx: ciphertext 0 must be a size-2 coefficient-form ciphertext with 2 primes (compact ciphertext: truncated header (0 bytes))',
    );
    // The last ciphertext one byte short, and a length one past the end.
    const short = msg.subarray(0, msg.length - 1);
    const remain = msg.length - 1 - first - 4;
    throwsExactly(() => decode(short), MalformedInputError, `ctx: ciphertext 1 claims ${remain + 1} bytes, ${remain} remain`);
    const long = msg.slice();
    new DataView(long.buffer).setUint32(16, msg.length - 20 + 1, true);
    throwsExactly(() => decode(long), MalformedInputError, `ctx: ciphertext 0 claims ${msg.length - 19} bytes, ${msg.length - 20} remain`);
    // A first length that takes one byte of the next: the first ciphertext has a byte too many.
    const greedy = msg.slice();
    new DataView(greedy.buffer).setUint32(16, first - 20 + 1, true);
    throwsExactly(
      () => decode(greedy),
      MalformedInputError,
      'ctx: ciphertext 0 must be a size-2 coefficient-form ciphertext with 2 primes (compact ciphertext: 1 unexpected bytes after the object)',
    );
    const huge = msg.slice();
    new DataView(huge.buffer).setUint32(16, 0xffffffff, true);
    throwsExactly(() => decode(huge), MalformedInputError, `ctx: ciphertext 0 claims 4294967295 bytes, ${msg.length - 20} remain`);
  });

  it('refuses trailing bytes', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full]);
    throwsExactly(() => decode(Uint8Array.from([...msg, 0]), 1), MalformedInputError, 'ctx: 1 unexpected bytes after the ciphertexts');
    throwsExactly(() => decode(Uint8Array.from([...msg, 0, 0, 0]), 1), MalformedInputError, 'ctx: 3 unexpected bytes after the ciphertexts');
    const empty = encodeBfvTripleMessage(ctx, TAG, 7, []);
    throwsExactly(() => decode(Uint8Array.from([...empty, 9, 9]), 0), MalformedInputError, 'ctx: 2 unexpected bytes after the ciphertexts');
  });

  it('refuses ciphertexts at another level, in NTT form or malformed, naming which', () => {
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full, fullCt(1)]);
    throwsExactly(
      () => decode(msg),
      MalformedInputError,
      'ctx: ciphertext 1 must be a size-2 coefficient-form ciphertext with 2 primes (compact ciphertext: 1 primes, expected 2)',
    );
    throwsExactly(
      () => decode(msg, 2, 1),
      MalformedInputError,
      'ctx: ciphertext 0 must be a size-2 coefficient-form ciphertext with 1 primes (compact ciphertext: 2 primes, expected 1)',
    );
    const ntt = encodeBfvTripleMessage(ctx, TAG, 7, [fullCt(2, true)]);
    throwsExactly(
      () => decode(ntt, 1),
      MalformedInputError,
      'ctx: ciphertext 0 must be a size-2 coefficient-form ciphertext with 2 primes (compact ciphertext: expected coefficient form)',
    );
    const bad = encodeBfvTripleMessage(ctx, TAG, 7, [full]);
    bad[20] = 0x5e;
    const err = thrownBy(() => decode(bad, 1));
    expect(err).toBeInstanceOf(MalformedInputError);
    expect((err as Error).message).toBe(
      'ctx: ciphertext 0 must be a size-2 coefficient-form ciphertext with 2 primes (compact ciphertext: not a compact ciphertext (bytes 0x5e 0x1))',
    );
    expect((err as Error).cause).toBeInstanceOf(MalformedInputError);
    expect(((err as Error).cause as Error).message).toBe('compact ciphertext: not a compact ciphertext (bytes 0x5e 0x1)');
  });

  it('lets errors other than malformed input through unwrapped', () => {
    // A context whose prime list throws a value that cannot be turned into a string: the compact
    // reader's own wrapping fails with a TypeError, which the message decoder must not relabel.
    const poison = Object.create(null) as object;
    const broken = new Proxy(ctx, {
      get(target, key, receiver) {
        if (key === 'primes') throw poison;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const msg = encodeBfvTripleMessage(ctx, TAG, 7, [full]);
    const err = thrownBy(() => decodeBfvTripleMessage(broken, msg, TAG, 7, 1, 2, 'ctx'));
    expect(err).toBeInstanceOf(TypeError);
    expect(err).not.toBeInstanceOf(MalformedInputError);
  });
});
