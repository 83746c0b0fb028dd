/**
 * vectors/bfv/batching.v1.json: SEAL's batch encoder (§4.6).
 *
 * Spec: §12.5.6
 * @module
 */
import { batchDecode, batchEncode } from '../../../bfv/index.js';
import { slotIndexMap } from '../../../bfv/context.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { decs } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { contextOf, type ParamSet, paramsFields, paramsJson, plainJson, randomSlots, SETS } from './shared.js';

const batchSpec: AlgorithmSpec = {
  algorithm: 'BfvBatchEncoding',
  description: "SEAL's batch encoder (§4.6): slots as a 2 × n/2 matrix, slot i at NTT position slotIndexMap[i], inverse NTT mod t.",
  groups: [
    {
      type: 'BatchEncodeTest',
      description: 'batchEncode(values) and batchDecode of the result.',
      params: { ...paramsFields, slotIndexMap: F.sizes() },
      input: { values: F.ints('slot values in (−t, t); fewer than n means the rest are 0') },
      output: { plaintext: F.ints('coefficients in [0, t)'), decoded: F.ints() },
    },
  ],
};

const BATCH_PATH = 'bfv/batching.v1.json';

export const batchFile: VectorFileGenerator = {
  path: BATCH_PATH,
  spec: batchSpec,
  async generate(master) {
    const b = new VectorFileBuilder(batchSpec, BATCH_PATH, master, {
      specSections: ['§4.6'],
      header: ['Slot i of row 0 is m(ζ^(3^i)), slot i of row 1 is m(ζ^(−3^i)), ζ the minimal primitive 2n-th root of unity mod t.'],
      notes: {
        Negative: 'Negative slot values (v stands for t + v).',
        Partial: 'Fewer than n values.',
        OutOfRange: 'A value ≤ −t or ≥ t.',
        TooMany: 'More than n values.',
        NoBatching: 't is not ≡ 1 (mod 2n): batching is unavailable.',
      },
    });
    for (const set of SETS.slice(0, 2)) {
      const ctx = contextOf(set);
      const g = b.group('BatchEncodeTest', { ...paramsJson(set), slotIndexMap: Array.from(slotIndexMap(ctx.n)) });
      const rng = b.rng(`batch/${set.name}`).rng;
      const cases: [number[], string, string[]][] = [
        [Array.from({ length: ctx.n }, (_, i) => i + 1), 'slots 1, 2, …, n', []],
        [[1], 'one slot set to 1', ['Partial']],
        [randomSlots(rng, ctx.n, ctx.t), 'uniform slots', []],
        [[-1, -2, 3, -(ctx.t - 1)], 'negative values', ['Negative', 'Partial']],
      ];
      for (const [values, comment, flags] of cases) {
        const pt = batchEncode(ctx, values);
        g.valid(`${set.name}: ${comment}`, { values: decs(values) }, { plaintext: plainJson(ctx, pt), decoded: decs(batchDecode(ctx, pt)) }, { flags });
      }
      const bad = [0, ctx.t];
      g.invalid(`${set.name}: a value equal to t`, { values: decs(bad) }, expectErrorCode(() => batchEncode(ctx, bad), 't'), ['OutOfRange']);
      const many = new Array<number>(ctx.n + 1).fill(0);
      g.invalid(`${set.name}: n + 1 values`, { values: decs(many) }, expectErrorCode(() => batchEncode(ctx, many), 'many'), ['TooMany']);
    }
    {
      const set: ParamSet = { name: 'no-batching', n: 16, coeffModulus: SETS[0].coeffModulus, t: 256, description: 't = 256' };
      const ctx = contextOf(set);
      const g = b.group('BatchEncodeTest', { ...paramsJson(set), slotIndexMap: Array.from(slotIndexMap(ctx.n)) });
      g.invalid('t = 256 has no batching', { values: ['1'] }, expectErrorCode(() => batchEncode(ctx, [1]), 'batching'), ['NoBatching']);
    }
    return b.build();
  },
};
