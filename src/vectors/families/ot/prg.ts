/**
 * vectors/ot/prg.v1.json: the AES-CTR PRG that expands base-OT keys (§6.6).
 *
 * Spec: §12.5.5
 * @module
 */
import { AesCtrPrg } from '../../../ot/prg.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { blocksHex } from './shared.js';

const prgSpec: AlgorithmSpec = {
  algorithm: 'AesCtrPrg',
  description: 'The PRG of §6.4: block j of the stream of a 16-byte seed is AES_seed(j as a 128-bit big-endian integer).',
  groups: [
    {
      type: 'AesCtrPrgTest',
      description: 'Blocks firstBlock … firstBlock + count − 1.',
      params: {},
      input: { seed: F.hex(), firstBlock: F.size(), count: F.size() },
      output: { blocks: F.hexes(undefined, 16) },
    },
  ],
};

const PRG_PATH = 'ot/prg.v1.json';

export const prgFile: VectorFileGenerator = {
  path: PRG_PATH,
  spec: prgSpec,
  async generate(master) {
    const b = new VectorFileBuilder(prgSpec, PRG_PATH, master, {
      specSections: ['§6.4'],
      header: ['The stream equals NIST SP 800-38A AES-128-CTR with initial counter block 0 (OpenSSL aes-128-ctr, zero IV).'],
      notes: {
        LargeIndex: 'The first block index is ≥ 2^32 (the counter uses more than its low 32 bits).',
        BadSeed: 'A seed that is not 16 bytes.',
      },
    });
    const g = b.group('AesCtrPrgTest', {});
    const { rng } = b.rng('prg');
    const seeds = [new Uint8Array(16), rng.bytes(16)];
    for (const [seed, first, count, flags] of [
      [seeds[0], 0, 3, []],
      [seeds[1], 0, 4, []],
      [seeds[1], 2, 2, []],
      [seeds[1], 2 ** 32 + 1, 2, ['LargeIndex']],
      [seeds[1], 2 ** 53 - 2, 1, ['LargeIndex']],
    ] as [Uint8Array, number, number, string[]][]) {
      const out = new AesCtrPrg(seed).fillBlocks(first, new Uint32Array(4 * count));
      g.valid(`seed ${hex(seed).slice(0, 8)}…, blocks ${first} … ${first + count - 1}`, { seed: hex(seed), firstBlock: first, count }, {
        blocks: blocksHex(out),
      }, { flags });
    }
    const short = new Uint8Array(15);
    g.invalid('a 15-byte seed', { seed: hex(short), firstBlock: 0, count: 1 }, expectErrorCode(() => new AesCtrPrg(short), 'seed'), ['BadSeed']);
    return b.build();
  },
};
