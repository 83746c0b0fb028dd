/**
 * vectors/bfv/evaluation.v1.json: homomorphic operations (§4.7–§4.9): plaintext products,
 * ciphertext products with relinearization, rotations, key-switching keys, flooding.
 *
 * Spec: §12.5.6
 * @module
 */
import { batchDecode, batchEncode, bfvAdd, bfvAddPlain, bfvDecrypt, bfvEncrypt, bfvModSwitchToNext, bfvMultiply, bfvMultiplyPlain, bfvNegate, bfvRelinearize, bfvRotateColumns, bfvRotateRows, bfvSub, bfvSubPlain, floodNoise, galoisEltFromStep, generateGaloisKeys, generateRelinKeys, serializeGaloisKeys, serializeRelinKeys, type Ciphertext, type Plaintext, type PublicKey } from '../../../bfv/index.js';
import { bfvMultiplyReference } from '../../../bfv/multiply.js';
import { ciphertextFromNtt, ciphertextToNtt } from '../../../bfv/evaluator.js';
import { expectErrorCode, VectorFileBuilder } from '../../builder.js';
import { decs, hex } from '../../encoding.js';
import type { VectorFileGenerator } from '../../family.js';
import { F, type AlgorithmSpec } from '../../fields.js';
import { contextOf, ctField, ctJson, keysFor, paramsFields, paramsJson, pkField, pkJson, plainJson, randomSlots, SETS } from './shared.js';

const evalSpec: AlgorithmSpec = {
  algorithm: 'BfvEvaluation',
  description: 'Homomorphic operations (§4.7–§4.9) on ciphertexts given in RNS form; results and their decryption.',
  groups: [
    {
      type: 'BfvOperationTest',
      description: 'One deterministic operation; results equal SEAL\'s bit for bit.',
      params: { ...paramsFields, secretKeySeal: F.hex('for the decryption check') },
      input: {
        operation: F.enum(['add', 'sub', 'negate', 'addPlain', 'subPlain', 'multiplyPlain', 'modSwitchToNext', 'toNtt', 'fromNtt']),
        a: ctField,
        'b?': ctField,
        'plaintext?': F.ints(),
      },
      output: { result: ctField, decrypted: F.ints('plaintext coefficients (of the coefficient form for toNtt)') },
    },
    {
      type: 'BfvMultiplyTest',
      description:
        'bfvMultiply(a, b) (size 3) and bfvRelinearize with the relinearization keys. The product is the exact ' +
        'round(t·d/Q) of §4.7; HPS may differ from it by ±1 in rare coefficients (it does not here).',
      params: { ...paramsFields, secretKeySeal: F.hex(), relinKeysSeal: F.hex() },
      input: { a: ctField, b: ctField },
      output: { product: ctField, relinearized: ctField, decrypted: F.ints() },
    },
    {
      type: 'BfvRotateTest',
      description: 'bfvRotateRows(steps) or bfvRotateColumns with the Galois keys (SEAL\'s key switching).',
      params: { ...paramsFields, secretKeySeal: F.hex(), galoisKeysSeal: F.hex() },
      input: {
        operation: F.enum(['rotateRows', 'rotateColumns']),
        steps: F.integer(),
        a: ctField,
      },
      output: { result: ctField, decryptedSlots: F.ints() },
    },
    {
      type: 'BfvKeySwitchKeysTest',
      description: 'generateRelinKeys / generateGaloisKeys(steps) from fromSeed(seed), the secret key being that of keySeed.',
      params: paramsFields,
      input: { keySeed: F.hex(undefined, 32), seed: F.hex(undefined, 32), kind: F.enum(['relin', 'galois']), steps: F.array(F.integer()) },
      output: {
        galoisElements: F.sizes('the elements keyed, in generation order (empty for relinearization keys)'),
        keys: F.array(F.array(pkField), 'per key: one (c0, c1) per data prime'),
        seal: F.hex(),
      },
    },
    {
      type: 'BfvFloodTest',
      description: 'floodNoise(pk, ct, fromSeed(seed), {noiseBits, lambda}): adds E (§4.9 step 3) and a fresh Enc(0).',
      params: { ...paramsFields, publicKeySeal: F.hex(), secretKeySeal: F.hex() },
      input: {
        seed: F.hex(undefined, 32),
        noiseBits: F.size(),
        lambda: F.size(),
        a: ctField,
      },
      output: { result: ctField, decrypted: F.ints() },
    },
  ],
};

const EVAL_PATH = 'bfv/evaluation.v1.json';

export const evalFile: VectorFileGenerator = {
  path: EVAL_PATH,
  spec: evalSpec,
  async generate(master) {
    const b = new VectorFileBuilder(evalSpec, EVAL_PATH, master, {
      specSections: ['§4.7', '§4.8', '§4.9'],
      header: [
        'Input ciphertexts are fresh public-key encryptions (see bfv/encryption.v1.json for how they are made).',
        'decrypted is the decryption of the result with the secret key, as plaintext coefficients (or slots).',
      ],
      notes: {
        WidePrimes: 'Primes ≥ 2^30 (the wide code path).',
        NafSplit: 'No key for this step: the rotation is split along the non-adjacent form of the step (3 = 4 − 1), as SEAL does.',
        LevelMismatch: 'Operands at different levels.',
        MissingKey: 'A rotation whose Galois key is absent (and cannot be composed).',
        FormMismatch: 'An operation that needs the other (NTT or coefficient) form.',
      },
    });
    for (const set of SETS) {
      const ctx = contextOf(set);
      const params = paramsJson(set);
      const flags = set.name === 'wide' ? ['WidePrimes'] : [];
      const keys = keysFor(ctx, b.seed(`${set.name}/keys`));
      const slotsRng = b.rng(`${set.name}/slots`).rng;
      const sa = randomSlots(slotsRng, ctx.n, ctx.t);
      const sb = randomSlots(slotsRng, ctx.n, ctx.t);
      const ptB = batchEncode(ctx, sb);
      const ca = bfvEncrypt(ctx, keys.pk, batchEncode(ctx, sa), b.rng(`${set.name}/ca`).rng);
      const cb = bfvEncrypt(ctx, keys.pk, ptB, b.rng(`${set.name}/cb`).rng);
      const og = b.group('BfvOperationTest', { ...params, secretKeySeal: keys.skSeal });
      const dec0 = (ct: Ciphertext) => plainJson(ctx, bfvDecrypt(ctx, keys.sk, ct.isNttForm ? ciphertextFromNtt(ctx, ct) : ct));
      const ops: [string, Ciphertext, Ciphertext | undefined, Plaintext | undefined, () => Ciphertext][] = [
        ['add', ca, cb, undefined, () => bfvAdd(ctx, ca, cb)],
        ['sub', ca, cb, undefined, () => bfvSub(ctx, ca, cb)],
        ['negate', ca, undefined, undefined, () => bfvNegate(ctx, ca)],
        ['addPlain', ca, undefined, ptB, () => bfvAddPlain(ctx, ca, ptB)],
        ['subPlain', ca, undefined, ptB, () => bfvSubPlain(ctx, ca, ptB)],
        ['multiplyPlain', ca, undefined, ptB, () => bfvMultiplyPlain(ctx, ca, ptB)],
        ['toNtt', ca, undefined, undefined, () => ciphertextToNtt(ctx, ca)],
        ['fromNtt', ciphertextToNtt(ctx, ca), undefined, undefined, () => ciphertextFromNtt(ctx, ciphertextToNtt(ctx, ca))],
      ];
      if (ctx.lastLevel.k < ctx.firstLevel.k) ops.push(['modSwitchToNext', ca, undefined, undefined, () => bfvModSwitchToNext(ctx, ca)]);
      for (const [operation, a, bb, pt, run] of ops) {
        const result = run();
        og.valid(`${set.name}: ${operation}`, {
          operation,
          a: ctJson(ctx, a),
          ...(bb ? { b: ctJson(ctx, bb) } : {}),
          ...(pt ? { plaintext: plainJson(ctx, pt) } : {}),
        }, { result: ctJson(ctx, result), decrypted: dec0(result) }, { flags });
      }
      if (ctx.lastLevel.k < ctx.firstLevel.k) {
        const lower = bfvModSwitchToNext(ctx, cb);
        og.invalid(`${set.name}: add with operands at different levels`, {
          operation: 'add', a: ctJson(ctx, ca), b: ctJson(ctx, lower),
        }, expectErrorCode(() => bfvAdd(ctx, ca, lower), 'levels'), [...flags, 'LevelMismatch']);
      }
      const nttA = ciphertextToNtt(ctx, ca);
      og.invalid(`${set.name}: addPlain on an NTT-form ciphertext`, {
        operation: 'addPlain', a: ctJson(ctx, nttA), plaintext: plainJson(ctx, ptB),
      }, expectErrorCode(() => bfvAddPlain(ctx, nttA, ptB), 'form'), [...flags, 'FormMismatch']);

      const kg = b.group('BfvKeySwitchKeysTest', params);
      const rkSeed = b.rng(`${set.name}/relin`);
      const rk = generateRelinKeys(ctx, keys.sk, rkSeed.rng);
      const steps = [1, -1, 0, 4];
      const gkSeed = b.rng(`${set.name}/galois`);
      const gk = generateGaloisKeys(ctx, keys.sk, gkSeed.rng, { steps });
      const keyJson = (key: readonly PublicKey[]) => key.map((p) => pkJson(ctx, p));
      kg.valid(`${set.name}: relinearization keys`, { keySeed: hex(b.seed(`${set.name}/keys`)), seed: rkSeed.seed, kind: 'relin', steps: [] }, {
        galoisElements: [],
        keys: rk.keys.map(keyJson),
        seal: hex(serializeRelinKeys(ctx, rk)),
      }, { flags });
      kg.valid(`${set.name}: Galois keys for steps 1, −1, 0 (the row swap) and 4`, {
        keySeed: hex(b.seed(`${set.name}/keys`)), seed: gkSeed.seed, kind: 'galois', steps,
      }, {
        galoisElements: [...gk.keys.keys()],
        keys: [...gk.keys.values()].map(keyJson),
        seal: hex(serializeGaloisKeys(ctx, gk)),
      }, { flags });

      const mg = b.group('BfvMultiplyTest', { ...params, secretKeySeal: keys.skSeal, relinKeysSeal: hex(serializeRelinKeys(ctx, rk)) });
      {
        const product = bfvMultiply(ctx, ca, cb);
        const exact = bfvMultiplyReference(ctx, ca, cb);
        const same = exact.polys.every((p, i) => p.every((v, j) => v === product.polys[i][j]));
        if (!same) throw new Error('HPS product differs from the exact one: pick other inputs for the vectors');
        const relin = bfvRelinearize(ctx, product, rk);
        mg.valid(`${set.name}: product of the two ciphertexts above, relinearized`, {
          a: ctJson(ctx, ca), b: ctJson(ctx, cb),
        }, { product: ctJson(ctx, product), relinearized: ctJson(ctx, relin), decrypted: dec0(relin) }, { flags });
      }
      const gkSeal = hex(serializeGaloisKeys(ctx, gk));
      const rg = b.group('BfvRotateTest', { ...params, secretKeySeal: keys.skSeal, galoisKeysSeal: gkSeal });
      const rotations: [string, number, () => Ciphertext, string[]][] = [
        ['rotateRows', 1, () => bfvRotateRows(ctx, ca, 1, gk), []],
        ['rotateRows', -1, () => bfvRotateRows(ctx, ca, -1, gk), []],
        ['rotateRows', 3, () => bfvRotateRows(ctx, ca, 3, gk), ['NafSplit']],
        ['rotateRows', 4, () => bfvRotateRows(ctx, ca, 4, gk), []],
        ['rotateColumns', 0, () => bfvRotateColumns(ctx, ca, gk), []],
      ];
      for (const [operation, step, run, f] of rotations) {
        const result = run();
        rg.valid(`${set.name}: ${operation}${operation === 'rotateRows' ? ` by ${step}` : ''}`, {
          operation, steps: step, a: ctJson(ctx, ca),
        }, { result: ctJson(ctx, result), decryptedSlots: decs(batchDecode(ctx, bfvDecrypt(ctx, keys.sk, result))) }, { flags: [...flags, ...f] });
      }
      {
        const partial = generateGaloisKeys(ctx, keys.sk, b.rng(`${set.name}/galois-partial`).rng, { galoisElements: [galoisEltFromStep(ctx.n, 1)] });
        const pg = b.group('BfvRotateTest', { ...params, secretKeySeal: keys.skSeal, galoisKeysSeal: hex(serializeGaloisKeys(ctx, partial)) });
        pg.invalid(`${set.name}: rotateColumns with a key for step 1 only`, {
          operation: 'rotateColumns', steps: 0, a: ctJson(ctx, ca),
        }, expectErrorCode(() => bfvRotateColumns(ctx, ca, partial), 'missing'), [...flags, 'MissingKey']);
      }
      if (set.name === 'delphi-small') {
        const fg = b.group('BfvFloodTest', { ...params, publicKeySeal: keys.pkSeal, secretKeySeal: keys.skSeal });
        const { rng, seed } = b.rng(`${set.name}/flood`);
        const noiseBits = 20;
        const flooded = floodNoise(ctx, keys.pk, ca, rng, { noiseBits, lambda: 40 });
        fg.valid(`${set.name}: flooding a fresh ciphertext with 2^(20 + 40 + 5) noise`, {
          seed, noiseBits, lambda: 40, a: ctJson(ctx, ca),
        }, { result: ctJson(ctx, flooded), decrypted: dec0(flooded) });
      }
    }
    return b.build();
  },
};
