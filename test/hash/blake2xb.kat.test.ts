/**
 * BLAKE2b with an explicit parameter block and BLAKE2Xb, used to expand SEAL's seeded objects.
 * References: the official BLAKE2 known-answer tests (github.com/BLAKE2/BLAKE2,
 * testvectors/blake2-kat.json, hash "blake2xb": input 00 01 … ff, key empty or 00 01 … 3f, output
 * lengths below), and @noble/hashes' BLAKE2b for the standard sequential parameters.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import * as bfv from '../../src/bfv/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { blake2xb, blake2bWithParams } from '../../src/hash/blake2xb.js';
import { SealPrng, SEAL_PRNG_BLAKE2XB } from '../../src/bfv/seal-prng.js';

// [keyed, output length, expected output] — a selection of the 512 official BLAKE2Xb vectors.
const KAT: [boolean, number, string][] = [
  [false, 1, 'f0'],
  [false, 2, 'b5aa'],
  [false, 63, 'd9942e996573688a348aa0fd1a2951b11d7732103acc23f31f27b222d5103879b9d3837f2571a7aebffd170ad03cfd89281f48fa70edb7c9f4103b5b8bb791'],
  [false, 64, '571be91037c15145e2ab4894a7bb8d8a3cab75e6e64ef296e760c15cf8f3f3acfa5c894ee56cb6ac2db9b32c39a1cc39f96c50dd333f1059230482f3ed2d9246'],
  [false, 65, 'c6f0b1b66f22726cef3e4fca2325d2bb4e922b39f9df5ef548d321419c07391fc311904407f98db7d7462db1e8576138baeac2a76400b2a2f72b4497c19e239430'],
  [false, 128, '926f571626650610f95622628f738040814e59315fe7af85a8e346d18c28cfc6f3cab985db9947917d0fc128b138af2ecb02fd840ed91c363f8d52608ea405e37e2a522d0f1bf185cf2c3199fd9f1957f7216f6f2e6ea661c6a3196e77608402373dc9c36e35b2eff1fe17ae8f269e5241956088130f8e7b94cf042391482329'],
  [false, 129, 'afc3dc4a953e845bc367f2930acf37a902e0b2fc61563119f41260c5d50bfed64951b127611789bab0e9679325a24c4642e0e80ff392c42c340e2bbb6d208c7e28e833a0d8adee30f907afca672835acb7b41063d804cef1e8df7e2688d9803d4d34b31200a4e2ef25280bace4e11266a1250653e89b2e9b350616dcc09bda9241'],
  [false, 200, 'd055196d7bf4fbe53b8fac09d12e55f2401fe2dfdb423fc25c6e787a10ba2c192885c2ee5fedaa4d2cd1c880833bc32e2095246311d47f464629ad53c82cd0eca24de0801cc5d5f72c5f0d37733ca62b9dd47dfbbfb1f66ecbb1b710e342afbee3ba971c1fc735c9441e910ea7fd9669dd78d1fd4053dd06856744a122be93e5f73ecf04606af47d49403e3e658849c3a76d38833d96271ed76b0ad924b5aea8ee680b1da889991d52da6a4b7ea12c848e134fdbb1305e27c2fbce7233280c3b3bea6a1219fcc3bc'],
  [false, 255, '65caea398636380c6955c7549491c91157776fa1a6514355837e51fc6bbc35b7bb8b44fe019c1be93ce474e810305e36e5cd445b417001cb2b8bba78af6fdc1c12b83e326a5d323752930c5fe879629d5f5772f872b3db4ddb1cbf43ef3115e344327b3dcba6a7d8c82511c74a70b12b405481e66dbd1b8a7a9cdab1d52bdcde972aba064915ceee02e7901e757d1470fabc32f9ab873508c6e243b956cac2d63aeb32b179f2cfab3cb4c2345dfb6a18c05b97f9e659c0020de22f85b5ceef470a5ad6e8597c8570a85be25d48d60151577f9a4fbe2c09862dd57ff734e156f66fd7107ccfe0e46193d2272ce6d6c0dfc0a81cef52cbd61d2964aea53922bb'],
  [false, 256, '59f8eea01a07a2670f2fe464bd755d8cde620cb4bac6006556a8663d2d9625c62fe63b6b68adba279ab287c04d3de6c4c17e6428dff30e9b2524fea1e869e42485c03a9f48af40d12d5cba0d13abac272ee36efeb8bd098ce0e1da8233ef6e6b3e96c9e05a7fedb79ae44e698640e6b8f26c43674e2c32ef17b4d7b005554ec4fd8aa1dac0f975fc888bec5bd7a06fbf29ae09f2d37c5eb7d0f67c9c77d5caf7afe681ae336fb3fccd97ecdec0348cdea4787a4e9de4df4bbfb209eeb642ce8f92730d598a71c94259e648d0a4dd89079a06c4b463ba1d175476337d553b0401d2b6f0c32639e3edcdd8c225c61e0afa5cd103b5d26a56afe3ac9462df794dc0'],
  [true, 1, '64'],
  [true, 2, 'f457'],
  [true, 63, 'e101f43179d8e8546e5ce6a96d7556b7e6b9d4a7d00e7aade5579d085d527ce34a9329551ebcaf6ba946949bbe38e30a62ae344c1950b4bde55306b3bac432'],
  [true, 64, '4324561d76c370ef35ac36a4adf8f3773a50d86504bd284f71f7ce9e2bc4c1f1d34a7fb2d67561d101955d448b67577eb30dfee96a95c7f921ef53e20be8bc44'],
  [true, 65, '78f0ed6e220b3da3cc9381563b2f72c8dc830cb0f39a48c6ae479a6a78dcfa94002631dec467e9e9b47cc8f0887eb680e340aec3ec009d4a33d241533c76c8ca8c'],
  [true, 128, '2d7dc80c19a1d12d5fe3963569547a5d1d3e821e6f06c5d5e2c09401f946c9f7e13cd019f2f9a878b62dd850453b6294b99ccaa068e542993524b0f63832d48e865be31e8ec1ee103c718340c904b32efb69170b67f038d50a3252794b1b4076c0620621ab3d91215d55ffea99f23d54e161a90d8d4902fda5931d9f6a27146a'],
  [true, 129, '77dff4c7ad30c954338c4b23639dae4b275086cbe654d401a2343528065e4c9f1f2eca22aa025d49ca823e76fdbb35df78b1e5075ff2c82b680bca385c6d57f7ea7d1030bb392527b25dd73e9eeff97bea397cf3b9dda0c817a9c870ed12c006cc054968c64000e0da874e9b7d7d621b0679866912243ea096c7b38a1344e98f74'],
  [true, 200, '8ca704fe7208fe5f9c23110c0b3b4eee0ef632cae82bda68d8db2436ad409aa05cf159223586e1e6d8bdae9f316ea786809fbe7fe81ec61c61552d3a83cd6beaf652d1263862664df6aae321d0323440430f400f291c3efbe5d5c690b0cc6b0bf871b3933befb40bc870e2ee1ebb68025a2dcc11b68daadef6be29b5f21e440374301bde1e80dcfade4c9d681480e65ec494a6af48df232c3d51447b9d06be714949249c44c43cf73ed13ef0d533e770284e51369d94ae241a5fb2f163893071b2b4c118aeaf9eae'],
  [true, 255, '6e85c2f8e1fdc3aaeb969da1258cb504bbf0070cd03d23b3fb5ee08feea5ee2e0ee1c71a5d0f4f701b351f4e4b4d74cb1e2ae6184814f77b62d2f08134b7236ebf6b67d8a6c9f01b4248b30667c555f5d8646dbfe291151b23c9c9857e33a4d5c847be29a5ee7b402e03bac02d1a4319acc0dd8f25e9c7a266f5e5c896cc11b5b238df96a0963ae806cb277abc515c298a3e61a3036b177acf87a56ca4478c4c6d0d468913de602ec891318bbaf52c97a77c35c5b7d164816cf24e4c4b0b5f45853882f716d61eb947a45ce2efa78f1c70a918512af1ad536cbe6148083385b34e207f5f690d7a954021e4b5f4258a385fd8a87809a481f34202af4caccb82'],
  [true, 256, '1e9b2c454e9de3a2d723d850331037dbf54133dbe27488ff757dd255833a27d8eb8a128ad12d0978b6884e25737086a704fb289aaaccf930d5b582ab4df1f55f0c429b6875edec3fe45464fa74164be056a55e243c4222c586bec5b18f39036aa903d98180f24f83d09a454dfa1e03a60e6a3ba4613e99c35f874d790174ee48a557f4f021ade4d1b278d7997ef094569b37b3db0505951e9ee8400adaea275c6db51b325ee730c69df97745b556ae41cd98741e28aa3a49544541eeb3da1b1e8fa4e8e9100d66dd0c7f5e2c271b1ecc077de79c462b9fe4c273543ecd82a5bea63c5acc01eca5fb780c7d7c8c9fe208ae8bd50cad1769693d92c6c8649d20d8'],
];

const INPUT = Uint8Array.from({ length: 256 }, (_, i) => i);
const KEY = Uint8Array.from({ length: 64 }, (_, i) => i);

describe('BLAKE2Xb (official known-answer tests)', () => {
  it.each(KAT)('keyed=%s, %i bytes', (keyed, length, expected) => {
    expect(bytesToHex(blake2xb(length, INPUT, keyed ? KEY : new Uint8Array(0)))).toBe(expected);
  });

  it('rejects bad lengths', () => {
    expect(() => blake2xb(0, INPUT)).toThrow(InvalidArgumentError);
    expect(() => blake2xb(2 ** 32, INPUT)).toThrow(InvalidArgumentError);
  });
});

describe('BLAKE2b with a parameter block = @noble/hashes BLAKE2b for sequential hashing', () => {
  it('agrees on keyed and unkeyed inputs around the block boundaries', () => {
    for (const len of [0, 1, 63, 127, 128, 129, 255, 256, 300]) {
      for (const keyLength of [0, 1, 32, 64]) {
        for (const digestLength of [1, 32, 64]) {
          const input = Uint8Array.from({ length: len }, (_, i) => (i * 7) & 255);
          const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 13 + 1) & 255);
          const mine = blake2bWithParams(
            input,
            { digestLength, keyLength, fanout: 1, depth: 1, leafLength: 0, nodeOffset: 0, xofLength: 0, nodeDepth: 0, innerLength: 0 },
            key,
          );
          expect(bytesToHex(mine)).toBe(bytesToHex(blake2b(input, { dkLen: digestLength, key: keyLength ? key : undefined })));
        }
      }
    }
    expect(hexToBytes(KAT[0][2]).length).toBe(1);
  });
});

describe('SealPrng', () => {
  it('BLAKE2Xb type: the stream is BLAKE2Xb(4096, counter, seed) for counter = 0, 1, …', () => {
    const seed = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
    const prng = new SealPrng(SEAL_PRNG_BLAKE2XB, seed);
    const stream = new Uint8Array([...prng.generate(100), ...prng.generate(5000)]);
    const counter = (c: number): Uint8Array => Uint8Array.from({ length: 8 }, (_, i) => (i === 0 ? c : 0));
    const expected = new Uint8Array([...blake2xb(4096, counter(0), seed), ...blake2xb(4096, counter(1), seed)]);
    expect(bytesToHex(stream)).toBe(bytesToHex(expected.subarray(0, 5100)));
    expect(() => new SealPrng(3, seed)).toThrow(InvalidArgumentError);
    expect(() => new SealPrng(1, seed.subarray(1))).toThrow(InvalidArgumentError);
  });
});
