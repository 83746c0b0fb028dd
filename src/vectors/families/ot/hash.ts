/**
 * vectors/hash/tccr.v1.json: fixed-key AES and the tweakable hash TCCR (§5.1, §5.2).
 *
 * Spec: §12.5.5
 * @module
 */
import { FIXED_AES_KEY, FIXED_KEY_LABEL, FixedKeyAes, fixedKeyAes, tccrHashBlocks } from '../../../hash/index.js';
import { bytesToBlocks } from '../../../ot/blocks.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { dec, hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { concatBytes, hexToBytes } from '../../../math/bytes.js';
import { blocksHex } from './shared.js';

const hashSpec: AlgorithmSpec = {
  algorithm: 'FixedKeyAesAndTccr',
  description: 'π = AES-128 under the fixed key (§5.1) and TCCR(x, i) = π(π(x) ⊕ i) ⊕ π(x) (§5.2).',
  groups: [
    {
      type: 'FixedKeyAesTest',
      description: 'π(block): AES-128 encryption of the 16-byte block under the fixed key.',
      params: { label: F.string(), key: F.hex('BLAKE2b with a 16-byte digest of utf8(label)', 16) },
      input: { block: F.hex(undefined, 16) },
      output: { ciphertext: F.hex(undefined, 16) },
    },
    {
      type: 'Aes128Test',
      description: 'AES-128 encryption of one block under a given key, with the kernel behind π (FixedKeyAes with that key).',
      params: {},
      input: { key: F.hex(undefined, 16), block: F.hex(undefined, 16) },
      output: { ciphertext: F.hex(undefined, 16) },
    },
    {
      type: 'TccrHashTest',
      description:
        'tccrHashBlocks(blocks, tweakStart): block k is hashed with tweak i = tweakStart + k, placed in bytes 0–7 of a ' +
        'block little-endian (bytes 8–15 zero).',
      params: { key: F.hex(undefined, 16) },
      input: { blocks: F.hexes(undefined, 16), tweakStart: F.int('tweakStart + (number of blocks) ≤ 2^53 − 1') },
      intermediate: {
        pi: F.hexes('π(x)', 16),
        tweakBlocks: F.hexes('the tweak i as a block', 16),
        inner: F.hexes('π(π(x) ⊕ i)', 16),
      },
      output: { hashes: F.hexes(undefined, 16) },
    },
  ],
};

const HASH_PATH = 'hash/tccr.v1.json';

export const hashFile: VectorFileGenerator = {
  path: HASH_PATH,
  spec: hashSpec,
  async generate(master) {
    const b = new VectorFileBuilder(hashSpec, HASH_PATH, master, {
      specSections: ['§5.1', '§5.2'],
      header: [
        'Blocks are 16-byte strings; as 32-bit words (§6.1) word k holds bytes 4k … 4k + 3, little-endian.',
        'π is plain AES-128 (FIPS-197) on the 16 bytes.',
      ],
      notes: {
        Fips197: 'A known-answer vector of FIPS-197 (AES).',
        HighTweak: 'A tweak ≥ 2^32: its high word lands in bytes 4–7 of the tweak block.',
        Batch: 'Several blocks with consecutive tweaks.',
        BadTweak: 'A negative or too large tweak.',
      },
    });
    const key = hex(FIXED_AES_KEY);
    const aes = b.group('FixedKeyAesTest', { label: FIXED_KEY_LABEL, key });
    const pi = fixedKeyAes();
    const { rng } = b.rng('aes');
    for (const block of [new Uint8Array(16), Uint8Array.from({ length: 16 }, (_, i) => i), rng.bytes(16)]) {
      aes.valid(`π(${hex(block)})`, { block: hex(block) }, { ciphertext: hex(pi.encryptBytes(block)) });
    }
    const ag = b.group('Aes128Test', {});
    for (const [k, block, comment] of [
      ['000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff', 'FIPS-197 Appendix C.1'],
      ['2b7e151628aed2a6abf7158809cf4f3c', '3243f6a8885a308d313198a2e0370734', 'FIPS-197 Appendix B'],
    ]) {
      ag.valid(comment, { key: k, block }, { ciphertext: hex(new FixedKeyAes(hexToBytes(k)).encryptBytes(hexToBytes(block))) }, { flags: ['Fips197'] });
    }
    const tg = b.group('TccrHashTest', { key });
    const cases: [Uint8Array[], number, string, string[]][] = [
      [[new Uint8Array(16)], 0, 'the zero block, tweak 0', []],
      [[rng.bytes(16)], 1, 'a random block, tweak 1', []],
      [[rng.bytes(16)], 2 ** 32 + 3, 'tweak 2^32 + 3', ['HighTweak']],
      [[rng.bytes(16)], 2 ** 53 - 2, 'tweak 2^53 − 2, the largest for one block (tweakStart + count must stay ≤ 2^53 − 1)', ['HighTweak']],
      [[rng.bytes(16), rng.bytes(16), rng.bytes(16), new Uint8Array(16)], 1000, 'four blocks from tweak 1000', ['Batch']],
    ];
    for (const [blocks, tweakStart, comment, flags] of cases) {
      const words = bytesToBlocks(concatBytes(blocks));
      const px = pi.encryptBlocks(words);
      const tweaks = new Uint32Array(words.length);
      for (let k = 0; k < blocks.length; k++) {
        tweaks[4 * k] = (tweakStart + k) % 2 ** 32;
        tweaks[4 * k + 1] = Math.floor((tweakStart + k) / 2 ** 32);
      }
      const inner = pi.encryptBlocks(px.map((w, i) => w ^ tweaks[i]));
      const hashes = tccrHashBlocks(words, tweakStart);
      const check = inner.map((w, i) => w ^ px[i]);
      if (blocksHex(check).join() !== blocksHex(hashes).join()) throw new Error('TCCR intermediates disagree');
      tg.valid(comment, { blocks: blocks.map(hex), tweakStart: dec(tweakStart) }, { hashes: blocksHex(hashes) }, {
        intermediate: { pi: blocksHex(px), tweakBlocks: blocksHex(tweaks), inner: blocksHex(inner) },
        flags,
      });
    }
    for (const t of [-1, 2 ** 53 - 1]) {
      const z = new Uint32Array(4);
      tg.invalid(`tweak ${t}`, { blocks: [hex(new Uint8Array(16))], tweakStart: dec(t) }, expectErrorCode(() => tccrHashBlocks(z, t), 'tweak'), [
        'BadTweak',
      ]);
    }
    return b.build();
  },
};
