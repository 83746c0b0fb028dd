/**
 * Test/bench helper: the convolution of a delphi-ts plan (§4.17) evaluated with Microsoft SEAL's own
 * API (node-seal), operation for operation as Gazelle/Delphi do it with SEAL: rotateColumns and
 * rotateRows of the inputs (no hoisting — SEAL's API has none), NTT-form multiplyPlain with
 * pre-transformed plaintexts, rotateRows of the diagonal sums, subPlain of the masks, and — standing
 * in for the flooding SEAL does not offer — the addition of a fresh encryption of zero, then
 * modulus switching to the plan's return level. Used to compare the two libraries on the same work.
 */
import * as bfv from '../../src/bfv/index.js';
import type { Pair } from '../bfv/seal.js';
import { convTermSlots } from '../../src/he-linear/conv.js';
import { type ConvPlan } from '../../src/he-linear/index.js';

type Seal = Pair['seal'];
type SealCipher = ReturnType<Seal['CipherText']>;
type SealPlain = ReturnType<Seal['PlainText']>;

export interface SealConv {
  /** Evaluates the layer on SEAL ciphertexts; returns the returned ciphertexts (caller deletes them). */
  run(inputs: readonly SealCipher[], masks: readonly Float64Array[]): SealCipher[];
  /** Frees the pre-encoded plaintexts. */
  dispose(): void;
  /** Number of pre-encoded plaintexts. */
  readonly plaintexts: number;
}

/** Pre-encodes the plan's plaintexts in NTT form and returns the evaluation. */
export function sealConv(
  pair: Pair,
  plan: ConvPlan,
  weights: Float64Array,
  keys: { galoisKeys: ReturnType<ReturnType<Seal['KeyGenerator']>['createGaloisKeys']>; publicKey: ReturnType<ReturnType<Seal['KeyGenerator']>['createPublicKey']> },
): SealConv {
  const { seal, sealContext } = pair;
  const encoder = seal.BatchEncoder(sealContext);
  const evaluator = seal.Evaluator(sealContext);
  const encryptor = seal.Encryptor(sealContext, keys.publicKey);
  const parmsId = sealContext.firstParmsId;
  const plains: (SealPlain | null)[][] = plan.terms.map((list, c) =>
    list.map((t) => {
      const slots = convTermSlots(plan, weights, c, t);
      if (slots === null) return null;
      const pt = encoder.encode(BigUint64Array.from(slots, BigInt)) as SealPlain;
      evaluator.plainTransformToNtt(pt, parmsId, pt);
      return pt;
    }),
  );
  const zero = encoder.encode(new BigUint64Array(pair.ctx.n)) as SealPlain;
  const gk = keys.galoisKeys;
  const normalize = (step: number): number => {
    const R = plan.rowSize;
    let s = ((step % R) + R) % R;
    if (s > R / 2) s -= R;
    return s;
  };
  return {
    plaintexts: plains.flat().filter((p) => p !== null).length,
    dispose() {
      for (const p of plains.flat()) p?.delete();
      zero.delete();
    },
    run(inputs, masks) {
      const rotated = new Map<string, SealCipher>();
      for (const list of plan.terms) {
        for (const t of list) {
          const step = plan.taps[t.tap].step;
          const id = `${t.input},${t.swap},${step}`;
          if (rotated.has(id)) continue;
          let source = inputs[t.input];
          let swapped: SealCipher | null = null;
          if (t.swap) {
            swapped = evaluator.rotateColumns(source, gk) as SealCipher;
            source = swapped;
          }
          const r = step === 0 ? source.clone() : (evaluator.rotateRows(source, step, gk) as SealCipher);
          swapped?.delete();
          evaluator.cipherTransformToNtt(r, r);
          rotated.set(id, r);
        }
      }
      const out: SealCipher[] = [];
      let maskIndex = 0;
      plan.terms.forEach((list, c) => {
        for (const part of plan.partTerms[c]) {
          let total: SealCipher | null = null;
          const byJ = new Map<number, number[]>();
          for (const i of part) {
            const j = list[i].j;
            if (!byJ.has(j)) byJ.set(j, []);
            byJ.get(j)!.push(i);
          }
          for (const [j, indices] of byJ) {
            let acc: SealCipher | null = null;
            for (const i of indices) {
              const p = plains[c][i];
              if (p === null) continue;
              const t = list[i];
              const prod = evaluator.multiplyPlain(rotated.get(`${t.input},${t.swap},${plan.taps[t.tap].step}`)!, p) as SealCipher;
              if (acc === null) acc = prod;
              else {
                evaluator.add(acc, prod, acc);
                prod.delete();
              }
            }
            if (acc === null) continue;
            evaluator.cipherTransformFromNtt(acc, acc);
            if (j !== 0) {
              const r = evaluator.rotateRows(acc, normalize(-j * plan.blockSize), gk) as SealCipher;
              acc.delete();
              acc = r;
            }
            if (total === null) total = acc;
            else {
              evaluator.add(total, acc, total);
              acc.delete();
            }
          }
          const result = total!;
          const mask = encoder.encode(BigUint64Array.from(masks[maskIndex++], BigInt)) as SealPlain;
          evaluator.subPlain(result, mask, result);
          mask.delete();
          const fresh = encryptor.encrypt(zero) as SealCipher;
          evaluator.add(result, fresh, result);
          fresh.delete();
          for (let k = plan.level; k > plan.returnLevel; k--) evaluator.cipherModSwitchToNext(result, result);
          out.push(result);
        }
      });
      for (const r of rotated.values()) r.delete();
      return out;
    },
  };
}
