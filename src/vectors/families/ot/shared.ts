/**
 * What the OT-extension vector files share: the transcript field, 128-bit blocks as hex, seeded
 * blocks and choice bits, and the receiver's base-OT keys recomputed from the messages.
 *
 * Spec: §12.5.5
 * @module
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { coDeriveKey, sampleScalar } from '../../../ot/base-ot.js';
import { blockToBytes, bytesToBlocks } from '../../../ot/blocks.js';
import { KAPPA } from '../../../ot/transpose.js';
import { fromSeed } from '../../../random/index.js';
import type { VectorFileBuilder } from '../../builder.js';
import { hex } from '../../encoding.js';
import { F, type FieldType } from '../../fields.js';

const Point = ristretto255.Point;

/** The transcript field of a session between `names`. */
export const transcript = (names: string[]): FieldType =>
  F.array(F.object({ from: F.enum(names), bytes: F.hex() }), 'every message in send order');

/** 128-bit blocks (four words each) as hex strings. */
export const blocksHex = (words: Uint32Array): string[] => Array.from({ length: words.length / 4 }, (_, i) => hex(blockToBytes(words, i)));

/** `n` blocks from the builder's generator for `label`. */
export const seededBlocks = (b: VectorFileBuilder, label: string, n: number): Uint32Array => bytesToBlocks(b.rng(label).rng.bytes(16 * n));

/** `n` choice bits from the builder's generator for `label`. */
export const seededChoices = (b: VectorFileBuilder, label: string, n: number): number[] => Array.from(b.rng(label).rng.bytes(n), (x) => x & 1);

/**
 * The OT-extension receiver's base-OT keys k⁰_j and k¹_j (it is the base-OT sender), recomputed
 * from its seed and the first two messages of the session bound to `sid` (§6.3).
 */
export function receiverBaseKeys(receiverSeed: Uint8Array, sid: Uint8Array, msgA: Uint8Array, msgB: Uint8Array): { keys0: Uint8Array[]; keys1: Uint8Array[] } {
  const a = sampleScalar(fromSeed(receiverSeed));
  const A = Point.fromBytes(msgA.subarray(1));
  const keys0: Uint8Array[] = [];
  const keys1: Uint8Array[] = [];
  for (let j = 0; j < KAPPA; j++) {
    const Bj = msgB.subarray(5 + 32 * j, 37 + 32 * j);
    // multiplyUnsafe: variable-time is fine for public test data, and twice as fast.
    const aB = Point.fromBytes(Bj).multiplyUnsafe(a);
    keys0.push(coDeriveKey(sid, j, 0, A.toBytes(), Bj, aB.toBytes()));
    keys1.push(coDeriveKey(sid, j, 1, A.toBytes(), Bj, aB.subtract(A.multiplyUnsafe(a)).toBytes()));
  }
  return { keys0, keys1 };
}
