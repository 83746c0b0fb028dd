/**
 * The compact wire form (src/bfv/compact.ts, Spec: §4.10.3) on small insecure rings (n = 4 and 16)
 * whose primes have bit widths from 5 to 49 (30-bit and 32-bit word paths, the wide path on both
 * sides of its 24-bit split, padding bits at n = 4): every serialized object is compared byte by byte
 * with bytes built here by an independent BigInt bit packer (header, seed, residues prime-major
 * LSB-first), read back to the same polynomials (seeded c_1 re-derived from either PRNG type), and
 * every refusal is checked with its exact message: header fields one at a time, residues equal to
 * their prime at each index, non-zero padding, truncation at each boundary, trailing bytes, non-byte
 * input, Galois key counts at their bounds (n keys, the exact smallest size, one byte less), element
 * order, parts naming their element and index; errors of the context are reported as malformed input.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../helpers/thrown.js';
import * as bfv from '../../src/bfv/index.js';
import { COMPACT_HEADER_BYTES, COMPACT_KIND_CIPHERTEXT, COMPACT_KIND_GALOIS_KEYS, COMPACT_MAGIC } from '../../src/bfv/compact.js';
import { expandSealSeed } from '../../src/bfv/keys.js';
import { MalformedInputError } from '../../src/errors.js';
import { fromTextSeed, uniformBelow } from '../../src/random/index.js';

type Ctx = bfv.BfvContext;
const make = (n: number, bits: number[], t = 3): Ctx =>
  bfv.createBfvContext(bfv.createBfvParameters({ polyModulusDegree: n, coeffModulus: bfv.createCoeffModulus(n, bits), plainModulus: t, insecure: true }));

/** Contexts: 32-bit path only (Uint32Array), and mixed with the wide path (Float64Array), at n = 16 and n = 4. */
const CONTEXTS: Record<string, Ctx> = {
  narrow16: make(16, [30, 7, 16, 24, 8, 29, 17]),
  wide16: make(16, [33, 32, 31, 49, 40, 45, 12, 25]),
  narrow4: make(4, [7, 5, 30, 13, 16]),
  wide4: make(4, [33, 47, 31, 32, 49, 41]),
};
const rng = fromTextSeed('compact mutation');
const width = (q: number): number => (q - 1).toString(2).length;

/** A ciphertext at level k with random residues (the first and last of each prime are 0 and q − 1). */
function randomCt(ctx: Ctx, k: number, ntt: boolean, seedType?: number): bfv.Ciphertext {
  const n = ctx.n;
  const poly = (): bfv.RnsPoly => {
    const p = ctx.allocPoly(k);
    for (let i = 0; i < k; i++) {
      const q = ctx.primes[i];
      for (let j = 0; j < n; j++) p[i * n + j] = j === 0 ? 0 : j === n - 1 ? q - 1 : uniformBelow(rng, q);
    }
    return p;
  };
  if (seedType === undefined) return { coeffModulusSize: k, polys: [poly(), poly()], isNttForm: ntt };
  const seed = { type: seedType, bytes: rng.bytes(64) };
  return { coeffModulusSize: k, polys: [poly(), expandSealSeed(ctx, seed, k)], isNttForm: ntt, seed };
}

/** n residues of width w packed LSB-first with BigInt, in ceil(n·w/8) bytes. */
function packRef(values: ArrayLike<number>, w: number): number[] {
  let acc = 0n;
  for (let j = values.length - 1; j >= 0; j--) acc = (acc << BigInt(w)) | BigInt(values[j]);
  const out: number[] = [];
  for (let b = 0; b < Math.ceil((values.length * w) / 8); b++) out.push(Number((acc >> BigInt(8 * b)) & 0xffn));
  return out;
}
/** The residues of one polynomial, prime-major, packed. */
function polyRef(ctx: Ctx, poly: bfv.RnsPoly, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(...packRef(Array.from(poly.subarray(i * ctx.n, (i + 1) * ctx.n)), width(ctx.primes[i])));
  return out;
}
/** The compact bytes of a ciphertext built by hand. */
function ctRef(ctx: Ctx, ct: bfv.Ciphertext, seeded: boolean): number[] {
  const k = ct.coeffModulusSize;
  const out = [0xdc, 1, k, (ct.isNttForm ? 1 : 0) | (seeded ? 2 : 0), ct.polys.length, seeded ? ct.seed!.type : 0, 0, 0];
  if (seeded) out.push(...ct.seed!.bytes);
  for (const poly of seeded ? ct.polys.slice(0, 1) : ct.polys) out.push(...polyRef(ctx, poly, k));
  return out;
}
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const same = (a: bfv.Ciphertext, b: bfv.Ciphertext): void => {
  expect(a.coeffModulusSize).toBe(b.coeffModulusSize);
  expect(a.isNttForm).toBe(b.isNttForm);
  expect(a.polys.map((p) => Array.from(p))).toEqual(b.polys.map((p) => Array.from(p)));
};
/** Expects `f` to throw a MalformedInputError with exactly this message. */
function refuses(f: () => unknown, message: string): void {
  const err = thrownBy(f);
  expect(err).toBeInstanceOf(MalformedInputError);
  expect((err as Error).message).toBe(message);
}

describe('compact ciphertexts', () => {
  it('constants and sizes', () => {
    expect([COMPACT_MAGIC, COMPACT_KIND_CIPHERTEXT, COMPACT_KIND_GALOIS_KEYS, COMPACT_HEADER_BYTES]).toEqual([0xdc, 1, 2, 8]);
    const ctx = CONTEXTS.wide4;
    // Residue bytes per polynomial at level 3: 4·33, 4·47, 4·31 bits, each rounded up to bytes.
    const per = Math.ceil(132 / 8) + Math.ceil(188 / 8) + Math.ceil(124 / 8);
    expect(per).toBe(17 + 24 + 16);
    expect(bfv.compactCiphertextSize(ctx, 3, false)).toBe(8 + 2 * per);
    expect(bfv.compactCiphertextSize(ctx, 3, true)).toBe(8 + 64 + per);
    expect(bfv.compactCiphertextSize(ctx, 3, false, 3)).toBe(8 + 3 * per);
    expect(bfv.compactCiphertextSize(ctx, 3, true, 3)).toBe(8 + 64 + 2 * per);
    expect(bfv.compactCiphertextSize(CONTEXTS.narrow16, 2, false)).toBe(8 + 2 * (60 + 14));
  });

  for (const [name, ctx] of Object.entries(CONTEXTS)) {
    it(`${name}: every level, seeded and full, both forms: the hand-built bytes, read back`, () => {
      expect(ctx.primes.map(width)).toEqual(ctx.primes.map((q) => Math.ceil(Math.log2(q))));
      for (let k = 1; k <= ctx.primes.length; k++) {
        for (const ntt of [false, true]) {
          for (const seedType of [undefined, 1, 2]) {
            const ct = randomCt(ctx, k, ntt, seedType);
            const seeded = seedType !== undefined;
            const bytes = bfv.serializeCompactCiphertext(ctx, ct);
            expect(Array.from(bytes)).toEqual(ctRef(ctx, ct, seeded));
            expect(bytes.length).toBe(bfv.compactCiphertextSize(ctx, k, seeded));
            const back = bfv.deserializeCompactCiphertext(ctx, bytes, { level: k, ntt });
            same(back, ct);
            expect(back.seed).toBeUndefined();
            same(bfv.deserializeCompactCiphertext(ctx, bytes), ct);
            if (seeded) {
              // Written in full on request: both polynomials, no seed, PRNG type 0.
              const full = bfv.serializeCompactCiphertext(ctx, ct, { seeded: false });
              expect(Array.from(full)).toEqual(ctRef(ctx, ct, false));
              same(bfv.deserializeCompactCiphertext(ctx, full), ct);
              expect(Array.from(bfv.serializeCompactCiphertext(ctx, ct, { seeded: true }))).toEqual(Array.from(bytes));
            }
          }
        }
      }
    });
  }

  it('a real seeded symmetric encryption reads back to its c_1 and decrypts', () => {
    const ctx = make(16, [30, 30, 30], 97);
    const sk = bfv.generateSecretKey(ctx, rng);
    const values = Array.from({ length: 16 }, (_, j) => (j * 7) % 97);
    const ct = bfv.bfvEncryptSymmetric(ctx, sk, bfv.batchEncode(ctx, values), rng, { seeded: true });
    const bytes = bfv.serializeCompactCiphertext(ctx, ct);
    expect(bytes[5]).toBe(ct.seed!.type);
    const back = bfv.deserializeCompactCiphertext(ctx, bytes, { level: ct.coeffModulusSize, ntt: false });
    same(back, ct);
    expect(Array.from(bfv.batchDecode(ctx, bfv.bfvDecrypt(ctx, sk, back)))).toEqual(values);
  });

  it('a seeded ciphertext of size 3 is written in full', () => {
    const ctx = CONTEXTS.narrow16;
    const ct = randomCt(ctx, 2, false, 1);
    const three = { ...ct, polys: [...ct.polys, ct.polys[0].slice()] };
    const bytes = bfv.serializeCompactCiphertext(ctx, three);
    expect(Array.from(bytes)).toEqual(ctRef(ctx, three, false));
    expect(bytes[4]).toBe(3);
    refuses(() => bfv.deserializeCompactCiphertext(ctx, bytes), 'compact ciphertext: size 3, expected 2');
  });

  it('refuses each bad header field with its message', () => {
    const ctx = CONTEXTS.narrow16;
    const K = ctx.primes.length;
    const ct = randomCt(ctx, 2, false, 1);
    const bytes = bfv.serializeCompactCiphertext(ctx, ct);
    const full = bfv.serializeCompactCiphertext(ctx, ct, { seeded: false });
    const set = (b: Uint8Array, i: number, v: number): Uint8Array => {
      const c = b.slice();
      c[i] = v;
      return c;
    };
    const read = (b: Uint8Array, e: { level?: number; ntt?: boolean } = {}) => () => bfv.deserializeCompactCiphertext(ctx, b, e);
    refuses(read(set(bytes, 0, 0x5e)), 'compact ciphertext: not a compact ciphertext (bytes 0x5e 0x1)');
    refuses(read(set(bytes, 1, 2)), 'compact ciphertext: not a compact ciphertext (bytes 0xdc 0x2)');
    refuses(read(set(bytes, 2, 0)), `compact ciphertext: 0 primes, this context has ${K}`);
    refuses(read(set(bytes, 2, K + 1)), `compact ciphertext: ${K + 1} primes, this context has ${K}`);
    refuses(read(bytes, { level: 3 }), 'compact ciphertext: 2 primes, expected 3');
    refuses(read(bytes, { level: 1 }), 'compact ciphertext: 2 primes, expected 1');
    for (const bit of [4, 8, 16, 32, 64, 128]) refuses(read(set(bytes, 3, 2 | bit)), 'compact ciphertext: reserved header bits are set');
    refuses(read(set(bytes, 6, 1)), 'compact ciphertext: reserved header bits are set');
    refuses(read(set(bytes, 7, 0x80)), 'compact ciphertext: reserved header bits are set');
    refuses(read(bytes, { ntt: true }), 'compact ciphertext: expected NTT form');
    refuses(read(set(bytes, 3, 3), { ntt: false }), 'compact ciphertext: expected coefficient form');
    for (const size of [0, 1, 3, 255]) refuses(read(set(bytes, 4, size)), `compact ciphertext: size ${size}, expected 2`);
    for (const type of [0, 3, 255]) refuses(read(set(bytes, 5, type)), `compact ciphertext: PRNG type ${type} is not valid for a seeded ciphertext`);
    for (const type of [1, 2, 7]) refuses(read(set(full, 5, type)), `compact ciphertext: PRNG type ${type} is not valid for a full ciphertext`);
    // A level that the context's modulus chain does not have (t ≥ Q there) is malformed input too.
    const chain = make(16, [7, 30, 30], 101);
    expect(() => chain.level(1)).toThrow();
    const one = Uint8Array.from([0xdc, 1, 1, 0, 2, 0, 0, 0, ...new Array<number>(2 * 14).fill(0)]);
    refuses(() => bfv.deserializeCompactCiphertext(chain, one), 'compact ciphertext: no level with 1 coefficient-modulus primes in this context');
  });

  it('refuses truncated input and trailing bytes', () => {
    const ctx = CONTEXTS.wide16;
    for (const seedType of [undefined, 2]) {
      const bytes = bfv.serializeCompactCiphertext(ctx, randomCt(ctx, 3, false, seedType));
      for (let len = 0; len < 8; len++) refuses(() => bfv.deserializeCompactCiphertext(ctx, bytes.subarray(0, len)), `compact ciphertext: truncated header (${len} bytes)`);
      for (const len of [8, 9, 71, 72, bytes.length - 1]) {
        refuses(() => bfv.deserializeCompactCiphertext(ctx, bytes.subarray(0, len)), `compact ciphertext: needs ${bytes.length} bytes, ${len} available`);
      }
      refuses(() => bfv.deserializeCompactCiphertext(ctx, Uint8Array.from([...bytes, 0])), 'compact ciphertext: 1 unexpected bytes after the object');
      refuses(() => bfv.deserializeCompactCiphertext(ctx, Uint8Array.from([...bytes, 1, 2, 3])), 'compact ciphertext: 3 unexpected bytes after the object');
    }
  });

  it('refuses non-byte input', () => {
    const ctx = CONTEXTS.narrow16;
    const bytes = bfv.serializeCompactCiphertext(ctx, randomCt(ctx, 2, false));
    refuses(() => bfv.deserializeCompactCiphertext(ctx, Array.from(bytes) as unknown as Uint8Array), 'compact ciphertext: expected a Uint8Array');
    refuses(() => bfv.deserializeCompactCiphertext(ctx, undefined as unknown as Uint8Array), 'compact ciphertext: expected a Uint8Array');
    const pk = bfv.serializeCompactPublicKey(ctx, { ciphertext: randomCt(ctx, ctx.primes.length, true, 2) });
    refuses(() => bfv.deserializeCompactPublicKey(ctx, Array.from(pk) as unknown as Uint8Array), 'compact public key: expected a Uint8Array');
  });

  for (const [name, ctx] of Object.entries(CONTEXTS)) {
    it(`${name}: refuses a residue equal to its prime, or all ones, at each index of each prime`, () => {
      const k = ctx.primes.length;
      const ct = randomCt(ctx, k, true);
      for (let i = 0; i < k; i++) {
        const q = ctx.primes[i];
        for (const j of [0, 1, ctx.n - 1]) {
          for (const [c, v] of [[0, q], [1, 2 ** width(q) - 1]] as const) {
            const polys = ct.polys.map((p) => Array.from(p));
            polys[c][i * ctx.n + j] = v;
            // The bytes of that residue, built by hand (the serializer would not write it).
            const bytes = [0xdc, 1, k, 1, 2, 0, 0, 0];
            for (const p of polys) for (let ii = 0; ii < k; ii++) bytes.push(...packRef(p.slice(ii * ctx.n, (ii + 1) * ctx.n), width(ctx.primes[ii])));
            refuses(() => bfv.deserializeCompactCiphertext(ctx, Uint8Array.from(bytes)), `compact ciphertext: residue ${v} at index ${j} is not below its prime ${q}`);
          }
        }
      }
    });
  }

  for (const name of ['narrow4', 'wide4']) {
    it(`${name}: refuses non-zero padding bits after each prime's residues`, () => {
      const ctx = CONTEXTS[name];
      const k = ctx.primes.length;
      const ct = randomCt(ctx, k, false);
      const bytes = bfv.serializeCompactCiphertext(ctx, ct);
      let checked = 0;
      let pos = 8;
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < k; i++) {
          const bits = 4 * width(ctx.primes[i]);
          pos += Math.ceil(bits / 8);
          if (bits % 8 === 0) continue;
          for (let b = bits % 8; b < 8; b++) {
            const bad = bytes.slice();
            bad[pos - 1] |= 1 << b;
            refuses(() => bfv.deserializeCompactCiphertext(ctx, bad), 'compact ciphertext: non-zero padding bits after the residues');
            checked++;
          }
        }
      }
      expect(pos).toBe(bytes.length);
      expect(checked).toBeGreaterThan(8);
    });
  }

  it('reports errors thrown by the context as malformed input, with the cause', () => {
    const ctx = CONTEXTS.narrow16;
    const bytes = bfv.serializeCompactCiphertext(ctx, randomCt(ctx, 2, false));
    const thrower = (value: unknown): Ctx =>
      new Proxy(ctx, {
        get(target, key, receiver) {
          if (key === 'primes') throw value;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const check = (value: unknown, message: string): void => {
      const err = thrownBy(() => bfv.deserializeCompactCiphertext(thrower(value), bytes));
      expect(err).toBeInstanceOf(MalformedInputError);
      expect((err as Error).message).toBe(message);
      expect((err as Error).cause).toBe(value);
    };
    check('boom', 'compact ciphertext: boom');
    check(new RangeError('out of range'), 'compact ciphertext: out of range');
    const own = new MalformedInputError('own message');
    const err = thrownBy(() => bfv.deserializeCompactCiphertext(thrower(own), bytes));
    expect(err).toBe(own);
  });
});

describe('compact public keys', () => {
  it('round trip, seeded and full; the key level and NTT form are required', () => {
    const ctx = CONTEXTS.wide16;
    const K = ctx.primes.length;
    for (const seedType of [undefined, 1]) {
      const pk = { ciphertext: randomCt(ctx, K, true, seedType) };
      const bytes = bfv.serializeCompactPublicKey(ctx, pk);
      expect(Array.from(bytes)).toEqual(ctRef(ctx, pk.ciphertext, seedType !== undefined));
      same(bfv.deserializeCompactPublicKey(ctx, bytes).ciphertext, pk.ciphertext);
      refuses(() => bfv.deserializeCompactPublicKey(ctx, Uint8Array.from([...bytes, 0])), 'compact public key: 1 unexpected bytes after the object');
      refuses(() => bfv.deserializeCompactPublicKey(ctx, bytes.subarray(0, bytes.length - 1)), `compact public key: needs ${bytes.length} bytes, ${bytes.length - 1} available`);
    }
    refuses(() => bfv.deserializeCompactPublicKey(ctx, bfv.serializeCompactCiphertext(ctx, randomCt(ctx, K - 1, true))), `compact public key: ${K - 1} primes, expected ${K}`);
    refuses(() => bfv.deserializeCompactPublicKey(ctx, bfv.serializeCompactCiphertext(ctx, randomCt(ctx, K, false))), 'compact public key: expected NTT form');
  });
});

describe('compact Galois keys', () => {
  // n = 16, one 33-bit prime (wide path) and three 30-bit ones: K = 4, three parts per key.
  const ctx = make(16, [33, 30, 30, 30]);
  const K = 4;
  const dim2 = ctx.firstLevel.k;
  const seededPart = bfv.compactCiphertextSize(ctx, K, true);
  const fullPart = bfv.compactCiphertextSize(ctx, K, false);
  const minKey = 4 + dim2 * seededPart;
  const key = (seeded: boolean | 'mixed'): bfv.PublicKey[] =>
    Array.from({ length: dim2 }, (_, j) => ({ ciphertext: randomCt(ctx, K, true, seeded === true || (seeded === 'mixed' && j % 2 === 0) ? 2 : undefined) }));
  /** The bytes built by hand: header, then element ‖ parts in ascending order. */
  function gkRef(keys: Map<number, bfv.PublicKey[]>): number[] {
    const out = [0xdc, 2, 0, 0, ...u32(keys.size)];
    for (const g of [...keys.keys()].sort((a, b) => a - b)) {
      out.push(...u32(g));
      for (const part of keys.get(g)!) out.push(...ctRef(ctx, part.ciphertext, part.ciphertext.seed !== undefined));
    }
    return out;
  }
  const sameKeys = (a: bfv.GaloisKeys, b: Map<number, bfv.PublicKey[]>): void => {
    expect([...a.keys.keys()]).toEqual([...b.keys()].sort((x, y) => x - y));
    for (const [g, parts] of b) {
      expect(a.keys.get(g)).toHaveLength(dim2);
      parts.forEach((p, j) => same(a.keys.get(g)![j].ciphertext, p.ciphertext));
    }
  };
  const read = (b: Uint8Array | number[]) => () => bfv.deserializeCompactGaloisKeys(ctx, b instanceof Uint8Array ? b : Uint8Array.from(b));

  it('shape of the test context', () => {
    expect(dim2).toBe(3);
    expect(ctx.wide).toBe(true);
    expect(fullPart).toBeGreaterThan(seededPart);
  });

  it('serializes in ascending element order (not string order), seeded where possible; reads back', () => {
    const keys = new Map<number, bfv.PublicKey[]>([
      [15, key(true)],
      [3, key(false)],
      [25, key('mixed')],
      [9, key(true)],
      [11, key(false)],
    ]);
    const bytes = bfv.serializeCompactGaloisKeys(ctx, { keys });
    expect(Array.from(bytes)).toEqual(gkRef(keys));
    sameKeys(bfv.deserializeCompactGaloisKeys(ctx, bytes), keys);
    const empty = bfv.serializeCompactGaloisKeys(ctx, { keys: new Map() });
    expect(Array.from(empty)).toEqual([0xdc, 2, 0, 0, 0, 0, 0, 0]);
    expect(bfv.deserializeCompactGaloisKeys(ctx, empty).keys.size).toBe(0);
  });

  it('n keys (every odd element) of the exact smallest size are accepted; one byte less or one key more is refused', () => {
    const keys = new Map<number, bfv.PublicKey[]>();
    for (let g = 1; g < 2 * ctx.n; g += 2) keys.set(g, key(true));
    const bytes = bfv.serializeCompactGaloisKeys(ctx, { keys });
    expect(bytes.length).toBe(8 + ctx.n * minKey);
    sameKeys(bfv.deserializeCompactGaloisKeys(ctx, bytes), keys);
    refuses(read(bytes.subarray(0, bytes.length - 1)), `compact Galois keys: 16 keys announced, the ${bytes.length - 1} bytes hold at most 15`);
    const more = new Uint8Array(8 + (ctx.n + 1) * minKey);
    more.set(bytes);
    new DataView(more.buffer).setUint32(4, ctx.n + 1, true);
    refuses(read(more), `compact Galois keys: 17 keys announced, the ${more.length} bytes hold at most 17`);
    const huge = Uint8Array.from([0xdc, 2, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0]);
    refuses(read(huge), 'compact Galois keys: 4294967295 keys announced, the 10 bytes hold at most 0');
  });

  it('refuses bad headers and non-byte input', () => {
    const bytes = bfv.serializeCompactGaloisKeys(ctx, { keys: new Map([[3, key(true)]]) });
    for (let len = 0; len < 8; len++) refuses(read(bytes.subarray(0, len)), 'compact Galois keys: truncated header');
    refuses(() => bfv.deserializeCompactGaloisKeys(ctx, Array.from(bytes) as unknown as Uint8Array), 'compact Galois keys: truncated header');
    const set = (i: number, v: number): Uint8Array => {
      const c = bytes.slice();
      c[i] = v;
      return c;
    };
    refuses(read(set(0, 0x5e)), 'compact Galois keys: not compact Galois keys');
    refuses(read(set(1, 1)), 'compact Galois keys: not compact Galois keys');
    refuses(read(set(2, 1)), 'compact Galois keys: reserved header bytes are set');
    refuses(read(set(3, 0x80)), 'compact Galois keys: reserved header bytes are set');
    refuses(read([...bytes, 0]), 'compact Galois keys: 1 unexpected bytes after the keys');
  });

  it('refuses elements that are even, not below 2n, or not ascending', () => {
    const bytes = bfv.serializeCompactGaloisKeys(ctx, { keys: new Map([[3, key(true)], [31, key(true)]]) });
    expect([...bfv.deserializeCompactGaloisKeys(ctx, bytes).keys.keys()]).toEqual([3, 31]);
    const second = 8 + minKey;
    const withElements = (a: number, b: number): Uint8Array => {
      const c = bytes.slice();
      new DataView(c.buffer).setUint32(8, a, true);
      new DataView(c.buffer).setUint32(second, b, true);
      return c;
    };
    expect([...bfv.deserializeCompactGaloisKeys(ctx, withElements(1, 3)).keys.keys()]).toEqual([1, 3]);
    refuses(read(withElements(4, 31)), 'compact Galois keys: Galois element 4 is not odd, below 2n and ascending');
    refuses(read(withElements(3, 32)), 'compact Galois keys: Galois element 32 is not odd, below 2n and ascending');
    refuses(read(withElements(3, 33)), 'compact Galois keys: Galois element 33 is not odd, below 2n and ascending');
    refuses(read(withElements(3, 3)), 'compact Galois keys: Galois element 3 is not odd, below 2n and ascending');
    refuses(read(withElements(5, 3)), 'compact Galois keys: Galois element 3 is not odd, below 2n and ascending');
    refuses(read(withElements(0, 3)), 'compact Galois keys: Galois element 0 is not odd, below 2n and ascending');
  });

  it('names the element and part of a bad part; refuses truncation inside and between keys', () => {
    const keys = new Map([[5, key(true)], [7, key(false)]]);
    const bytes = bfv.serializeCompactGaloisKeys(ctx, { keys });
    // Part 1 of element 7 at the wrong level.
    const p1 = 8 + 4 + 3 * seededPart + 4 + fullPart;
    const wrong = bytes.slice();
    wrong[p1 + 2] = 3;
    refuses(read(wrong), 'compact Galois keys (element 7, part 1): 3 primes, expected 4');
    const coeff = bytes.slice();
    coeff[8 + 4 + 2 * seededPart + 3] = 2;
    refuses(read(coeff), 'compact Galois keys (element 5, part 2): expected NTT form');
    // Two keys of full parts take more than three smallest keys: the third is cut at each point.
    expect(2 * (4 + dim2 * fullPart)).toBeGreaterThan(3 * minKey);
    const full = bfv.serializeCompactGaloisKeys(ctx, { keys: new Map([[1, key(false)], [3, key(false)], [5, key(false)]]) });
    const third = 8 + 2 * (4 + dim2 * fullPart);
    for (let cut = third; cut < third + 4; cut++) {
      expect(cut - 8).toBeGreaterThanOrEqual(3 * minKey);
      refuses(read(full.subarray(0, cut)), 'compact Galois keys: truncated before key 2');
    }
    refuses(read(full.subarray(0, third + 4)), 'compact Galois keys (element 5, part 0): truncated header (0 bytes)');
    refuses(read(full.subarray(0, third + 4 + 7)), 'compact Galois keys (element 5, part 0): truncated header (7 bytes)');
    refuses(read(full.subarray(0, third + 4 + 8)), `compact Galois keys (element 5, part 0): needs ${fullPart} bytes, 8 available`);
  });

  it('reports errors thrown by the context as malformed input, with the cause', () => {
    const bytes = bfv.serializeCompactGaloisKeys(ctx, { keys: new Map([[3, key(true)]]) });
    const broken = new Proxy(ctx, {
      get(target, prop, receiver) {
        if (prop === 'firstLevel') throw new TypeError('no first level');
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const err = thrownBy(() => bfv.deserializeCompactGaloisKeys(broken, bytes));
    expect(err).toBeInstanceOf(MalformedInputError);
    expect((err as Error).message).toBe('compact Galois keys: no first level');
    expect((err as Error).cause).toBeInstanceOf(TypeError);
  });
});
