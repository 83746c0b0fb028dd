/**
 * Base oblivious transfer: the "simplest OT" of Chou and Orlandi (Latincrypt 2015) over the
 * prime-order group ristretto255 (RFC 9496), batched so that n transfers take one message each way,
 * with the hardening of §6.3: canonical decoding, identity points rejected, and every key bound to
 * the session id, the OT index, the key's position, both points and the Diffie–Hellman point.
 *
 *   sender                                   receiver (choice bits c_i)
 *   a ← [1, ℓ), A = a·G      ── A ──▶
 *                            ◀─ B_i ──       b_i ← [1, ℓ), B_i = b_i·G + c_i·A
 *   k_{i,0} = KDF(i, 0, A, B_i, a·B_i)       k_{i,c_i} = KDF(i, c_i, A, B_i, b_i·A)
 *   k_{i,1} = KDF(i, 1, A, B_i, a·(B_i − A))
 *
 * Spec: §6.3
 * @module
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Channel } from '../channel/channel.js';
import type { Rng } from '../random/rng.js';
import { uniformBigintBelow } from '../random/samplers.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError, SizeMismatchError } from '../errors.js';
import { checkChoiceBits } from './blocks.js';
import { expectLength, expectTag, OT_TAG, readU32, writeU32 } from './wire.js';

type RistrettoPoint = InstanceType<typeof ristretto255.Point>;
const Point = ristretto255.Point;

/** Order ℓ of the ristretto255 group. */
const GROUP_ORDER: bigint = Point.Fn.ORDER;

/** Bytes of an encoded ristretto255 point. Spec: §6.3 */
export const POINT_BYTES = 32;
/** Bytes of each key output by the random base OT (a 128-bit PRG seed). Spec: §6.3 */
export const BASE_OT_KEY_BYTES = 16;
/** Domain-separation label of the base-OT key derivation. Spec: §6.3 */
export const CO_KDF_LABEL = 'delphi-ts/ot/co15/v1';
/** Largest batch accepted (the count field is 32 bits; this bounds memory use). */
export const MAX_BASE_OTS = 1 << 20;

/** Options shared by the base-OT functions. */
export interface BaseOtOptions {
  /**
   * Session identifier bound into every key (Spec: §6.3). Both parties MUST pass the same bytes;
   * callers running several base-OT batches on one channel SHOULD give each a distinct id.
   */
  sessionId?: Uint8Array;
}

/** What the sender of a random base OT learns: both keys of every transfer. */
export interface BaseRandomOtSenderOutput {
  /** keys0[i] = k_{i,0} (16 bytes). */
  keys0: Uint8Array[];
  /** keys1[i] = k_{i,1} (16 bytes). */
  keys1: Uint8Array[];
}

/**
 * Key derivation of §6.3: the first `length` bytes of
 * SHA-256(T ‖ u32(0)) ‖ SHA-256(T ‖ u32(1)) ‖ …, where
 * T = utf8(CO_KDF_LABEL) ‖ 0x00 ‖ u32(|sid|) ‖ sid ‖ u32(index) ‖ u8(which) ‖ A ‖ B ‖ P
 * (u32 little-endian; A, B, P canonical 32-byte encodings). Spec: §6.3
 */
export function coDeriveKey(
  sessionId: Uint8Array,
  index: number,
  which: number,
  pointA: Uint8Array,
  pointB: Uint8Array,
  pointP: Uint8Array,
  length: number = BASE_OT_KEY_BYTES,
): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
    throw new InvalidArgumentError(`coDeriveKey: index must be a 32-bit unsigned integer, got ${index}`);
  }
  if (which !== 0 && which !== 1) throw new InvalidArgumentError(`coDeriveKey: which must be 0 or 1, got ${which}`);
  for (const [name, p] of [['A', pointA], ['B', pointB], ['P', pointP]] as const) {
    if (!(p instanceof Uint8Array) || p.length !== POINT_BYTES) {
      throw new InvalidArgumentError(`coDeriveKey: point ${name} must be ${POINT_BYTES} bytes`);
    }
  }
  if (!Number.isInteger(length) || length < 0) {
    throw new InvalidArgumentError(`coDeriveKey: length must be a non-negative integer, got ${length}`);
  }
  const label = LABEL_BYTES;
  const t = new Uint8Array(label.length + 1 + 4 + sessionId.length + 4 + 1 + 3 * POINT_BYTES + 4);
  let o = 0;
  t.set(label, o);
  o += label.length;
  t[o++] = 0;
  writeU32(t, o, sessionId.length);
  o += 4;
  t.set(sessionId, o);
  o += sessionId.length;
  writeU32(t, o, index);
  o += 4;
  t[o++] = which;
  t.set(pointA, o);
  o += POINT_BYTES;
  t.set(pointB, o);
  o += POINT_BYTES;
  t.set(pointP, o);
  o += POINT_BYTES;
  const out = new Uint8Array(length);
  for (let block = 0, filled = 0; filled < length; block++, filled += 32) {
    writeU32(t, o, block);
    const digest = sha256(t);
    out.set(digest.subarray(0, Math.min(32, length - filled)), filled);
  }
  return out;
}

const LABEL_BYTES = utf8ToBytes(CO_KDF_LABEL);

/**
 * Draws a secret scalar uniform in [1, ℓ): 1 + uniformBigintBelow(rng, ℓ − 1). Spec: §6.3
 */
export function sampleScalar(rng: Rng): bigint {
  return 1n + uniformBigintBelow(rng, GROUP_ORDER - 1n);
}

/**
 * Decodes a point received from the peer: canonical RFC 9496 encoding, not the identity.
 * Spec: §6.3
 */
export function decodePeerPoint(bytes: Uint8Array, what: string): RistrettoPoint {
  let p: RistrettoPoint;
  try {
    p = Point.fromBytes(bytes);
  } catch (cause) {
    throw new MalformedInputError(`${what} is not a valid ristretto255 encoding`, { cause });
  }
  if (p.is0()) throw new MalformedInputError(`${what} is the identity element, which is not allowed`);
  return p;
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_BASE_OTS) {
    throw new InvalidArgumentError(`base OT count must be an integer in [0, ${MAX_BASE_OTS}], got ${count}`);
  }
}

function sessionIdOf(options: BaseOtOptions): Uint8Array {
  const sid = options.sessionId ?? new Uint8Array(0);
  if (!(sid instanceof Uint8Array)) throw new InvalidArgumentError('sessionId must be a Uint8Array');
  return sid;
}

/** Sender round: sends A, receives and checks the B_i, returns their encodings and the DH points. */
async function senderExchange(
  channel: Channel,
  count: number,
  rng: Rng,
): Promise<{ aBytes: Uint8Array; bBytes: Uint8Array[]; p0: Uint8Array[]; p1: Uint8Array[] }> {
  const a = sampleScalar(rng);
  const pointA = Point.BASE.multiply(a);
  const aBytes = pointA.toBytes();
  const first = new Uint8Array(1 + POINT_BYTES);
  first[0] = OT_TAG.BASE_SENDER_POINT;
  first.set(aBytes, 1);
  channel.send(first);

  const reply = await channel.recv();
  const context = 'base OT (sender)';
  expectTag(reply, OT_TAG.BASE_RECEIVER_POINTS, context);
  if (reply.length < 5) throw new MalformedInputError(`${context}: message of ${reply.length} bytes has no count`);
  const n = readU32(reply, 1);
  if (n !== count) throw new ProtocolError(`${context}: receiver sent ${n} points, this batch has ${count} transfers`);
  expectLength(reply, 5 + POINT_BYTES * count, context);

  const aA = pointA.multiply(a);
  const bBytes: Uint8Array[] = [];
  const p0: Uint8Array[] = [];
  const p1: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const enc = reply.slice(5 + POINT_BYTES * i, 5 + POINT_BYTES * (i + 1));
    const pointB = decodePeerPoint(enc, `${context}: point B_${i}`);
    const shared0 = pointB.multiply(a);
    bBytes.push(enc);
    p0.push(shared0.toBytes());
    p1.push(shared0.subtract(aA).toBytes());
  }
  return { aBytes, bBytes, p0, p1 };
}

/** Receiver round: receives A, sends the B_i, returns A, the B_i and the DH points b_i·A. */
async function receiverExchange(
  channel: Channel,
  choices: Uint8Array,
  rng: Rng,
): Promise<{ aBytes: Uint8Array; bBytes: Uint8Array[]; shared: Uint8Array[] }> {
  const count = choices.length;
  const scalars: bigint[] = [];
  for (let i = 0; i < count; i++) scalars.push(sampleScalar(rng));

  const first = await channel.recv();
  const context = 'base OT (receiver)';
  expectTag(first, OT_TAG.BASE_SENDER_POINT, context);
  expectLength(first, 1 + POINT_BYTES, context);
  const aBytes = first.slice(1);
  const pointA = decodePeerPoint(aBytes, `${context}: point A`);
  pointA.precompute(8);

  const reply = new Uint8Array(5 + POINT_BYTES * count);
  reply[0] = OT_TAG.BASE_RECEIVER_POINTS;
  writeU32(reply, 1, count);
  const addends = [Point.ZERO, pointA];
  const bBytes: Uint8Array[] = [];
  const shared: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    // Adding the identity costs the same as adding A (complete formulas): no branch on c_i here.
    const pointB = Point.BASE.multiply(scalars[i]).add(addends[choices[i]]);
    const enc = pointB.toBytes();
    reply.set(enc, 5 + POINT_BYTES * i);
    bBytes.push(enc);
    shared.push(pointA.multiply(scalars[i]).toBytes());
  }
  channel.send(reply);
  return { aBytes, bBytes, shared };
}

/**
 * Random base OT, sender side: runs `count` transfers and returns both 16-byte keys of each.
 * Rng draws: the scalar a. Spec: §6.3
 */
export async function baseRandomOtSend(
  channel: Channel,
  count: number,
  rng: Rng,
  options: BaseOtOptions = {},
): Promise<BaseRandomOtSenderOutput> {
  checkCount(count);
  const sid = sessionIdOf(options);
  const { aBytes, bBytes, p0, p1 } = await senderExchange(channel, count, rng);
  const keys0: Uint8Array[] = [];
  const keys1: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    keys0.push(coDeriveKey(sid, i, 0, aBytes, bBytes[i], p0[i]));
    keys1.push(coDeriveKey(sid, i, 1, aBytes, bBytes[i], p1[i]));
  }
  return { keys0, keys1 };
}

/**
 * Random base OT, receiver side: returns k_{i,c_i} for each choice bit (one byte each, 0 or 1).
 * Rng draws: the scalars b_0, …, b_{n−1} in order. Spec: §6.3
 */
export async function baseRandomOtReceive(
  channel: Channel,
  choices: Uint8Array,
  rng: Rng,
  options: BaseOtOptions = {},
): Promise<Uint8Array[]> {
  checkCount(checkChoiceBits(choices));
  const sid = sessionIdOf(options);
  const { aBytes, bBytes, shared } = await receiverExchange(channel, choices, rng);
  return shared.map((p, i) => coDeriveKey(sid, i, choices[i], aBytes, bBytes[i], p));
}

/**
 * Chosen-message base OT, sender side: transfers `pairs[i] = [m0, m1]` (all messages of one equal
 * length L ≤ 2^20 bytes) by sending e_{i,j} = m_{i,j} ⊕ KDF(i, j, …, L). Spec: §6.3
 */
export async function baseOtSend(
  channel: Channel,
  pairs: ReadonlyArray<readonly [Uint8Array, Uint8Array]>,
  rng: Rng,
  options: BaseOtOptions = {},
): Promise<void> {
  if (!Array.isArray(pairs)) throw new InvalidArgumentError('pairs must be an array of [m0, m1] byte strings');
  const count = pairs.length;
  checkCount(count);
  const length = count === 0 ? 0 : pairs[0][0]?.length;
  for (let i = 0; i < count; i++) {
    const pair = pairs[i];
    if (!Array.isArray(pair) || !(pair[0] instanceof Uint8Array) || !(pair[1] instanceof Uint8Array)) {
      throw new InvalidArgumentError(`pairs[${i}] must be a pair of Uint8Arrays`);
    }
    if (pair[0].length !== length || pair[1].length !== length) {
      throw new SizeMismatchError(`pairs[${i}] has lengths ${pair[0].length}/${pair[1].length}; all messages must be ${length} bytes`);
    }
  }
  if (length > MAX_BASE_OTS) throw new InvalidArgumentError(`messages of ${length} bytes exceed ${MAX_BASE_OTS}`);
  const sid = sessionIdOf(options);
  const { aBytes, bBytes, p0, p1 } = await senderExchange(channel, count, rng);
  const out = new Uint8Array(9 + 2 * count * length);
  out[0] = OT_TAG.BASE_CIPHERTEXTS;
  writeU32(out, 1, count);
  writeU32(out, 5, length);
  for (let i = 0; i < count; i++) {
    const pads = [coDeriveKey(sid, i, 0, aBytes, bBytes[i], p0[i], length), coDeriveKey(sid, i, 1, aBytes, bBytes[i], p1[i], length)];
    for (let j = 0; j < 2; j++) {
      const base = 9 + (2 * i + j) * length;
      const m = pairs[i][j];
      const pad = pads[j];
      for (let k = 0; k < length; k++) out[base + k] = m[k] ^ pad[k];
    }
  }
  channel.send(out);
}

/**
 * Chosen-message base OT, receiver side: returns m_{i,c_i} for each choice bit. Rng draws: the
 * scalars b_i in order. Spec: §6.3
 */
export async function baseOtReceive(
  channel: Channel,
  choices: Uint8Array,
  rng: Rng,
  options: BaseOtOptions = {},
): Promise<Uint8Array[]> {
  const count = checkChoiceBits(choices);
  checkCount(count);
  const sid = sessionIdOf(options);
  const { aBytes, bBytes, shared } = await receiverExchange(channel, choices, rng);
  const msg = await channel.recv();
  const context = 'base OT (receiver)';
  expectTag(msg, OT_TAG.BASE_CIPHERTEXTS, context);
  if (msg.length < 9) throw new MalformedInputError(`${context}: ciphertext message of ${msg.length} bytes has no header`);
  const n = readU32(msg, 1);
  const length = readU32(msg, 5);
  if (n !== count) throw new ProtocolError(`${context}: sender sent ${n} ciphertext pairs, this batch has ${count} transfers`);
  if (length > MAX_BASE_OTS) throw new MalformedInputError(`${context}: message length ${length} exceeds ${MAX_BASE_OTS}`);
  expectLength(msg, 9 + 2 * count * length, context);
  return shared.map((p, i) => {
    const c = choices[i];
    const pad = coDeriveKey(sid, i, c, aBytes, bBytes[i], p, length);
    const base = 9 + (2 * i + c) * length;
    const m = new Uint8Array(length);
    for (let k = 0; k < length; k++) m[k] = msg[base + k] ^ pad[k];
    return m;
  });
}
