/**
 * vectors/bfv/serialization.v1.json: SEAL 4.1 binary objects (§4.10), canonical
 * re-serialization, malformed inputs, parms_id.
 *
 * Spec: §12.5.6
 * @module
 */
import { batchEncode, bfvDefaultCoeffModulus, bfvEncrypt, computeParmsId, deserializeCiphertext, deserializeGaloisKeys, deserializePlaintext, deserializePublicKey, deserializeRelinKeys, deserializeSecretKey, generateGaloisKeys, generateRelinKeys, serializeCiphertext, serializeGaloisKeys, serializePlaintext, serializePublicKey, serializeRelinKeys, serializeSecretKey, type GaloisKeys, type RelinKeys } from '../../../bfv/index.js';
import { P } from '../../../math/index.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { dec, decs, hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { hexToBytes } from '../../../math/bytes.js';
import { contextOf, DELPHI_SET, keysFor, paramsFields, paramsJson, SETS } from './shared.js';

const serialSpec: AlgorithmSpec = {
  algorithm: 'SealSerialization',
  description: 'SEAL 4.1 binary objects (§4.10): deserialization, canonical re-serialization, and malformed inputs.',
  groups: [
    {
      type: 'SealObjectTest',
      description: 'deserialize<kind>(bytes) then serialize: the same bytes.',
      params: paramsFields,
      input: { kind: F.enum(['ciphertext', 'plaintext', 'secretKey', 'publicKey', 'relinKeys', 'galoisKeys']), bytes: F.hex() },
      output: { reserialized: F.hex() },
    },
    {
      type: 'ParmsIdTest',
      description: 'computeParmsId(n, primes, t): BLAKE2b-256 of the u64 words [1, n, primes…, t], little-endian.',
      params: {},
      input: { n: F.size(), primes: F.ints(), plainModulus: F.int() },
      output: { parmsId: F.hex(undefined, 32) },
    },
  ],
};

const SERIAL_PATH = 'bfv/serialization.v1.json';

export const serialFile: VectorFileGenerator = {
  path: SERIAL_PATH,
  spec: serialSpec,
  async generate(master) {
    const b = new VectorFileBuilder(serialSpec, SERIAL_PATH, master, {
      specSections: ['§4.10', '§4.11'],
      header: [
        'SEALHeader: u16 magic 0xA15E, u8 header size 16, u8 major 4, u8 minor 1, u8 compression, u16 reserved, u64 size.',
        'Every invalid test is a valid object of the same kind with one defect.',
      ],
      notes: {
        BadMagic: 'The magic is not 0xA15E.',
        BadHeader: 'Header size, version or reserved field wrong.',
        Compressed: 'A compression mode other than none.',
        SizeField: 'The size field disagrees with the input.',
        Trailing: 'Bytes after the object.',
        Truncated: 'The input ends early.',
        UnknownParmsId: 'A parms_id that names no level of the context.',
        KeyLevelCiphertext: 'A ciphertext at the key level.',
        CiphertextSize: 'A ciphertext with fewer than 2 polynomials.',
        Scale: 'scale ≠ 1.0.',
        CoefficientRange: 'A coefficient ≥ its modulus.',
      },
    });
    const set = SETS[0];
    const ctx = contextOf(set);
    const keys = keysFor(ctx, b.seed('toy/keys'));
    const ct = bfvEncrypt(ctx, keys.pk, batchEncode(ctx, [1, 2, 3]), b.rng('ct').rng);
    const pt = batchEncode(ctx, [5, 6, 7]);
    const rk = generateRelinKeys(ctx, keys.sk, b.rng('rk').rng);
    const gk = generateGaloisKeys(ctx, keys.sk, b.rng('gk').rng, { steps: [1] });
    const g = b.group('SealObjectTest', paramsJson(set));
    type Kind = 'ciphertext' | 'plaintext' | 'secretKey' | 'publicKey' | 'relinKeys' | 'galoisKeys';
    const roundTrip: Record<Kind, (bytes: Uint8Array) => Uint8Array> = {
      ciphertext: (x) => serializeCiphertext(ctx, deserializeCiphertext(ctx, x)),
      plaintext: (x) => serializePlaintext(ctx, deserializePlaintext(ctx, x)),
      secretKey: (x) => serializeSecretKey(ctx, deserializeSecretKey(ctx, x)),
      publicKey: (x) => serializePublicKey(ctx, deserializePublicKey(ctx, x)),
      relinKeys: (x) => serializeRelinKeys(ctx, deserializeRelinKeys(ctx, x) as RelinKeys),
      galoisKeys: (x) => serializeGaloisKeys(ctx, deserializeGaloisKeys(ctx, x) as GaloisKeys),
    };
    const objects: [Kind, Uint8Array][] = [
      ['ciphertext', serializeCiphertext(ctx, ct)],
      ['plaintext', serializePlaintext(ctx, pt)],
      ['secretKey', hexToBytes(keys.skSeal)],
      ['publicKey', hexToBytes(keys.pkSeal)],
      ['relinKeys', serializeRelinKeys(ctx, rk)],
      ['galoisKeys', serializeGaloisKeys(ctx, gk)],
    ];
    for (const [kind, bytes] of objects) {
      g.valid(`a ${kind}`, { kind, bytes: hex(bytes) }, { reserialized: hex(roundTrip[kind](bytes)) });
    }
    const ctBytes = objects[0][1];
    const edit = (src: Uint8Array, f: (x: Uint8Array, v: DataView) => void): Uint8Array => {
      const c = Uint8Array.from(src);
      f(c, new DataView(c.buffer));
      return c;
    };
    const withSize = (x: Uint8Array): Uint8Array => edit(x, (c, v) => v.setBigUint64(8, BigInt(c.length), true));
    const ctDataStart = 16 + 32 + 1 + 8 + 8 + 8 + 8 + 8 + 16 + 8; // header, parms_id, ntt flag, size, n, k, scale, correction, DynArray header+count
    const keyLevelId = computeParmsId(ctx.n, ctx.primes, ctx.t);
    const defects: [Kind, Uint8Array, string, string[]][] = [
      ['ciphertext', edit(ctBytes, (c) => (c[0] = 0x5f)), 'magic 0xA15F', ['BadMagic']],
      ['ciphertext', edit(ctBytes, (c) => (c[2] = 17)), 'header size 17', ['BadHeader']],
      ['ciphertext', edit(ctBytes, (c) => (c[3] = 3)), 'version 3.1', ['BadHeader']],
      ['ciphertext', edit(ctBytes, (c) => (c[6] = 1)), 'a non-zero reserved field', ['BadHeader']],
      ['ciphertext', edit(ctBytes, (c) => (c[5] = 1)), 'zlib compression', ['Compressed']],
      ['ciphertext', edit(ctBytes, (c) => (c[5] = 2)), 'zstd compression', ['Compressed']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setBigUint64(8, BigInt(c.length + 8), true)), 'the size field exceeds the input', ['SizeField']],
      ['ciphertext', Uint8Array.from([...ctBytes, 0]), 'one trailing byte', ['Trailing']],
      ['ciphertext', withSize(ctBytes.slice(0, ctBytes.length - 8)), 'one coefficient missing (size field adjusted)', ['Truncated']],
      ['ciphertext', ctBytes.slice(0, 20), 'cut inside the parms_id', ['Truncated']],
      ['ciphertext', edit(ctBytes, (c) => (c[16] ^= 1)), 'parms_id with one bit flipped', ['UnknownParmsId']],
      ['ciphertext', edit(ctBytes, (c) => c.set(keyLevelId, 16)), 'the key-level parms_id', ['KeyLevelCiphertext']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setBigUint64(16 + 32 + 1, 1n, true)), 'size 1', ['CiphertextSize']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setFloat64(16 + 32 + 1 + 24, 2, true)), 'scale 2.0', ['Scale']],
      ['ciphertext', edit(ctBytes, (c, v) => v.setBigUint64(ctDataStart, BigInt(ctx.primes[0]), true)), 'first coefficient equal to q_0', ['CoefficientRange']],
      ['secretKey', edit(hexToBytes(keys.skSeal), (c, v) => v.setBigUint64(c.length - 8, BigInt(ctx.primes[ctx.primes.length - 1]), true)), 'last residue equal to the special prime', ['CoefficientRange']],
      ['publicKey', hexToBytes(keys.pkSeal).slice(0, 100), 'a public key cut after 100 bytes', ['Truncated']],
      ['plaintext', edit(serializePlaintext(ctx, pt), (c, v) => v.setBigUint64(c.length - 8, BigInt(ctx.t), true)), 'a plaintext coefficient equal to t', ['CoefficientRange']],
    ];
    for (const [kind, bytes, comment, flags] of defects) {
      g.invalid(`${kind}: ${comment}`, { kind, bytes: hex(bytes) }, expectErrorCode(() => roundTrip[kind](bytes), comment), flags);
    }
    const pg = b.group('ParmsIdTest', {});
    for (const [n, primes, t, comment] of [
      [16, set.coeffModulus, set.t, 'the toy key level'],
      [16, set.coeffModulus.slice(0, 2), set.t, 'the toy data level'],
      [8192, DELPHI_SET.coeffModulus.slice(0, 6), P, "Delphi's first data level"],
      [4096, bfvDefaultCoeffModulus(4096), 1032193, 'BFVDefault(4096), t = 1032193'],
    ] as [number, readonly number[], number, string][]) {
      pg.valid(comment, { n, primes: decs(primes), plainModulus: dec(t) }, { parmsId: hex(computeParmsId(n, primes, t)) });
    }
    return b.build();
  },
};
