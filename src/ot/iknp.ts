/**
 * Semi-honest OT extension: IKNP (Ishai–Kilian–Nissim–Petrank, CRYPTO 2003) with the ALSZ
 * optimisations (Asharov–Lindell–Schneider–Zohner, CCS 2013): κ = 128 random base OTs of PRG seeds
 * with the roles reversed, one matrix u = G(k⁰) ⊕ G(k¹) ⊕ r sent per chunk, correlated and random
 * OT variants that shrink or remove the sender's reply, and chunked processing.
 *
 * A session is set up once (128 base OTs, §6.6) and then serves any number of batches (§6.7); its
 * state is the expanded PRGs, a PRG block counter and an OT counter (the hash tweak). The matrix
 * work is a scheme's (extend-blocks.ts): IKNP's, or SoftSpokenOT's (`scheme` option, §6.11), which
 * gives the same correlation with 128/k rows of u instead of 128.
 *
 * Spec: §6.6, §6.7, §6.11
 * @module
 */
import type { Channel } from '../channel/channel.js';
import type { Rng } from '../random/rng.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { tccrHashBlocks } from '../hash/index.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError, SizeMismatchError } from '../errors.js';
import { baseRandomOtReceive, baseRandomOtSend, type BaseOtOptions } from './base-ot.js';
import { BLOCK_WORDS, blockCount, checkChoiceBits, readWordsLE, viewWordsLE, writeWordsLE } from './blocks.js';
import { KAPPA } from './transpose.js';
import { iknpReceiverMatrix, iknpSenderMatrix, uWords, type ReceiverMatrix, type SenderMatrix, type OtTasks } from './extend-blocks.js';
import { checkScheme, IKNP_SCHEME, softSpokenReceiverSetup, softSpokenSenderSetup, type OtExtScheme } from './softspoken.js';
import { runAll, type TaskPool } from '../pool/pool.js';
import { scratchWords } from './scratch.js';
import { chunkCounts, chunkSpans, SPAN_BLOCKS } from './spans.js';
import { expectLength, expectTag, OT_TAG, readU32, readU64, writeU32, writeU64 } from './wire.js';

/** OTs per chunk the receiver uses unless told otherwise (a multiple of 128). Spec: §6.7 */
export const DEFAULT_CHUNK_SIZE = 8192;
/** Largest chunk the sender accepts (bounds one message to 2^24 + 16 bytes). Spec: §6.7 */
export const MAX_CHUNK_SIZE = 1 << 17;
/** Bytes of the header of every OT-extension message. Spec: §6.7 */
export const EXT_HEADER_BYTES = 16;
/** Label prefixed to the caller's session id for the base OTs of a session. Spec: §6.6 */
export const IKNP_BASE_OT_LABEL = 'delphi-ts/ot/iknp/v1';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Options of both setups. */
export interface OtExtSchemeOptions {
  /**
   * The extension: IKNP (default, §6.6–§6.7) or SoftSpokenOT (§6.11, 128/k bits per OT from the
   * receiver). Both parties MUST use the same.
   */
  scheme?: OtExtScheme;
}

/** Options of {@link OtExtSender.setup}. */
export interface OtExtSenderOptions extends BaseOtOptions, OtExtSchemeOptions {
  /**
   * The secret s (4 words) to use instead of drawing it: it becomes the Δ of
   * {@link OtExtSender.sendRandomCorrelated}. It MUST be uniformly random apart from, optionally,
   * its least significant bit (garbling wants lsb(Δ) = 1). Spec: §6.6
   */
  delta?: Uint32Array;
  /**
   * Threads for the matrix work (§6.7): with more than one, a batch's chunks are received first and
   * their q computed in column blocks on the pool. Outputs and messages do not change.
   */
  pool?: TaskPool<OtTasks>;
}

/** Options of {@link OtExtReceiver.setup}. */
export interface OtExtReceiverOptions extends BaseOtOptions, OtExtSchemeOptions {
  /** OTs per message (a positive multiple of 128, at most {@link MAX_CHUNK_SIZE}). Spec: §6.7 */
  chunkSize?: number;
  /** Threads for the matrix work: column blocks of chunks on the pool (same messages and outputs). */
  pool?: TaskPool<OtTasks>;
}

/** Both messages of each OT of a batch, as 128-bit blocks (4 words each). */
export interface OtMessagePairs {
  m0: Uint32Array;
  m1: Uint32Array;
}

type SessionState = 'ready' | 'busy' | 'failed';

function baseSessionId(options: BaseOtOptions): Uint8Array {
  const user = options.sessionId ?? new Uint8Array(0);
  if (!(user instanceof Uint8Array)) throw new InvalidArgumentError('sessionId must be a Uint8Array');
  const label = utf8ToBytes(IKNP_BASE_OT_LABEL);
  const sid = new Uint8Array(label.length + 1 + user.length);
  sid.set(label);
  sid.set(user, label.length + 1);
  return sid;
}

function checkCount(count: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${count}`);
  }
}

function checkDelta(delta: Uint32Array, what: string): void {
  if (!(delta instanceof Uint32Array) || delta.length !== BLOCK_WORDS) {
    throw new InvalidArgumentError(`${what} must be one 128-bit block (a Uint32Array of 4 words)`);
  }
}

/** Writes the 16-byte header: tag, three zero bytes, u32 count, u64 index of the first OT. */
function writeHeader(msg: Uint8Array, tag: number, count: number, start: number): void {
  msg[0] = tag;
  writeU32(msg, 4, count);
  writeU64(msg, 8, start);
}

/** Parses and checks a header; returns the OT count of the chunk. */
function readHeader(msg: Uint8Array, tag: number, start: number, maxCount: number, context: string): number {
  expectTag(msg, tag, context);
  if (msg.length < EXT_HEADER_BYTES) {
    throw new MalformedInputError(`${context}: message of ${msg.length} bytes is shorter than the ${EXT_HEADER_BYTES}-byte header`);
  }
  if (msg[1] !== 0 || msg[2] !== 0 || msg[3] !== 0) throw new MalformedInputError(`${context}: reserved header bytes are not zero`);
  const count = readU32(msg, 4);
  const first = readU64(msg, 8, context);
  if (first !== start) {
    throw new ProtocolError(`${context}: chunk starts at OT ${first}, expected OT ${start} (sessions out of sync)`);
  }
  if (count < 1 || count > maxCount) {
    throw new ProtocolError(`${context}: chunk of ${count} OTs, expected between 1 and ${maxCount}`);
  }
  return count;
}

/**
 * Splits `chunks` consecutive chunks into at most `threads` column blocks of consecutive chunks, as
 * even as possible: [first, end) chunk ranges in order. Spec: §6.7
 */
export function columnBlocks(chunks: number, threads: number): [number, number][] {
  const g = Math.max(1, Math.min(chunks, threads));
  const out: [number, number][] = [];
  for (let k = 0; k < g; k++) out.push([Math.floor((k * chunks) / g), Math.floor(((k + 1) * chunks) / g)]);
  return out;
}

/** Sender's view of one chunk after receiving u: rows q_i = t_i ⊕ r_i·s as blocks. */
interface SenderChunk {
  start: number;
  count: number;
  q: Uint32Array;
}

/**
 * The sender of OT extension (holds messages; in Delphi, the garbler). Create with
 * {@link OtExtSender.setup}; every batch method must be matched by the same method on the peer's
 * {@link OtExtReceiver}, with the same count, in the same order. Spec: §6.6, §6.7
 */
export class OtExtSender {
  readonly #channel: Channel;
  readonly #matrix: SenderMatrix;
  readonly #s: Uint32Array;
  readonly #pool: TaskPool<OtTasks> | undefined;
  /** q of the chunk being consumed when the caller gives no destination (this session's own). */
  #q = new Uint32Array(0);
  #blocks = 0;
  #ots = 0;
  #state: SessionState = 'ready';
  #failure: unknown = null;

  private constructor(channel: Channel, s: Uint32Array, matrix: SenderMatrix, pool: TaskPool<OtTasks> | undefined) {
    this.#channel = channel;
    this.#s = s;
    this.#matrix = matrix;
    this.#pool = pool;
  }

  /**
   * Runs the 128 base OTs as their receiver with choice bits s (drawn as `rng.bytes(16)` unless
   * `options.delta` is given; then the base OT draws its scalars); with SoftSpokenOT, then receives
   * the GGM sums (§6.11). Spec: §6.6, §6.11
   */
  static async setup(channel: Channel, rng: Rng, options: OtExtSenderOptions = {}): Promise<OtExtSender> {
    const scheme = options.scheme ?? IKNP_SCHEME;
    checkScheme(scheme);
    let s: Uint32Array;
    if (options.delta !== undefined) {
      checkDelta(options.delta, 'options.delta');
      s = Uint32Array.from(options.delta);
    } else {
      s = readWordsLE(rng.bytes(16), 0, 4).slice();
    }
    const sBits = new Uint8Array(KAPPA);
    for (let j = 0; j < KAPPA; j++) sBits[j] = (s[j >>> 5] >>> (j & 31)) & 1;
    const seeds = await baseRandomOtReceive(channel, sBits, rng, { sessionId: baseSessionId(options) });
    const matrix = scheme.kind === 'softspoken' ? await softSpokenSenderSetup(channel, seeds, sBits, scheme.k) : iknpSenderMatrix(seeds, sBits);
    return new OtExtSender(channel, s, matrix, options.pool);
  }

  /** The secret s: Δ of {@link OtExtSender.sendRandomCorrelated} (a copy). */
  get delta(): Uint32Array {
    return this.#s.slice();
  }

  /** OTs performed so far in this session (the index, and hash tweak, of the next OT). */
  get otCount(): number {
    return this.#ots;
  }

  async #run<T>(body: () => Promise<T>): Promise<T> {
    if (this.#state === 'failed') {
      throw new ProtocolError('OT extension session was aborted by an earlier error', { cause: this.#failure });
    }
    if (this.#state === 'busy') throw new InvalidArgumentError('another batch is still running on this OT extension session');
    this.#state = 'busy';
    try {
      const result = await body();
      this.#state = 'ready';
      return result;
    } catch (e) {
      this.#state = 'failed';
      this.#failure = e;
      throw e;
    }
  }

  /**
   * Receives the next chunks' u (at least one chunk, and more while they fill less than a span of
   * {@link SPAN_BLOCKS} PRG blocks and the batch goes on) and computes q_i = t_i ⊕ r_i·s for their
   * OTs, into `qOut` from word `qAt` when given, otherwise into this session's buffer, valid until
   * its next call.
   */
  async #receiveSpan(tag: number, remaining: number, qOut: Uint32Array | undefined, qAt: number): Promise<SenderChunk[]> {
    const context = 'OT extension (sender)';
    const counts: number[] = [];
    const us: Uint32Array[] = [];
    let total = 0;
    for (let blocks = 0; blocks < SPAN_BLOCKS && total < remaining; ) {
      const msg = await this.#channel.recv();
      const count = readHeader(msg, tag, this.#ots + total, Math.min(remaining - total, MAX_CHUNK_SIZE), context);
      const nb = Math.ceil(count / 128);
      const words = this.#matrix.uRows * BLOCK_WORDS * nb;
      expectLength(msg, EXT_HEADER_BYTES + 4 * words, context);
      us.push(viewWordsLE(msg, EXT_HEADER_BYTES, words));
      counts.push(count);
      total += count;
      blocks += nb;
    }
    if (qOut === undefined && this.#q.length < BLOCK_WORDS * total) this.#q = new Uint32Array(BLOCK_WORDS * total);
    const q = qOut === undefined ? this.#q.subarray(0, BLOCK_WORDS * total) : qOut.subarray(qAt, qAt + BLOCK_WORDS * total);
    this.#matrix.chunks(this.#blocks, counts, us, q);
    const chunks: SenderChunk[] = [];
    for (let c = 0, o = 0; c < counts.length; c++) {
      chunks.push({ start: this.#ots, count: counts[c], q: q.subarray(o, o + BLOCK_WORDS * counts[c]) });
      o += BLOCK_WORDS * counts[c];
      this.#blocks += Math.ceil(counts[c] / 128);
      this.#ots += counts[c];
    }
    return chunks;
  }

  /**
   * The chunks of a batch of `count` OTs: received and processed one at a time, or, with a pool of
   * several threads, all received first and processed in column blocks on the pool. With `qOut`
   * (4·count words) each chunk's q is (also) written there; without it, a chunk's q may be scratch
   * that the next chunk overwrites.
   */
  async *#chunks(tag: number, count: number, qOut?: Uint32Array): AsyncGenerator<SenderChunk> {
    const pool = this.#pool;
    if (pool === undefined || pool.threads < 2) {
      for (let done = 0; done < count; ) {
        for (const chunk of await this.#receiveSpan(tag, count - done, qOut, BLOCK_WORDS * done)) {
          done += chunk.count;
          yield chunk;
        }
      }
      return;
    }
    const context = 'OT extension (sender)';
    const heads: { start: number; count: number; block: number; u: Uint32Array }[] = [];
    for (let done = 0, start = this.#ots, block = this.#blocks; done < count; ) {
      const msg = await this.#channel.recv();
      const c = readHeader(msg, tag, start, Math.min(count - done, MAX_CHUNK_SIZE), context);
      const nb = Math.ceil(c / 128);
      const words = this.#matrix.uRows * BLOCK_WORDS * nb;
      expectLength(msg, EXT_HEADER_BYTES + 4 * words, context);
      heads.push({ start, count: c, block, u: viewWordsLE(msg, EXT_HEADER_BYTES, words) });
      done += c;
      start += c;
      block += nb;
    }
    const groups = columnBlocks(heads.length, pool.threads);
    const qs = await runAll(pool, 'ot.senderBlock', groups.length, (g) => {
      const part = heads.slice(groups[g][0], groups[g][1]);
      const u = new Uint32Array(part.reduce((a, h) => a + h.u.length, 0));
      let o = 0;
      for (const h of part) {
        u.set(h.u, o);
        o += h.u.length;
      }
      return this.#matrix.blockInput(part[0].block, part.map((h) => h.count), u);
    });
    const last = heads[heads.length - 1];
    this.#ots = last.start + last.count;
    this.#blocks = last.block + Math.ceil(last.count / 128);
    for (let g = 0; g < groups.length; g++) {
      let o = 0;
      for (const h of heads.slice(groups[g][0], groups[g][1])) {
        yield { start: h.start, count: h.count, q: qs[g].subarray(o, o + BLOCK_WORDS * h.count) };
        o += BLOCK_WORDS * h.count;
      }
    }
  }

  /** q ⊕ s for every block, into scratch. */
  #xorS(q: Uint32Array): Uint32Array {
    const [s0, s1, s2, s3] = this.#s;
    const out = scratchWords('iknp.qs', q.length);
    for (let i = 0; i < q.length; i += 4) {
      out[i] = q[i] ^ s0;
      out[i + 1] = q[i + 1] ^ s1;
      out[i + 2] = q[i + 2] ^ s2;
      out[i + 3] = q[i + 3] ^ s3;
    }
    return out;
  }

  /** H(i, q_i) into h0 and H(i, q_i ⊕ s) into h1 for a chunk. */
  #hashPair(chunk: SenderChunk, h0: Uint32Array, h1: Uint32Array): [Uint32Array, Uint32Array] {
    tccrHashBlocks(chunk.q, chunk.start, h0);
    tccrHashBlocks(this.#xorS(chunk.q), chunk.start, h1);
    return [h0, h1];
  }

  /**
   * Chosen-message OT: the receiver learns m0[i] or m1[i] (blocks) by its choice bit. Sends
   * y⁰_i = m⁰_i ⊕ H(i, q_i), y¹_i = m¹_i ⊕ H(i, q_i ⊕ s). Spec: §6.7
   */
  async send(m0: Uint32Array, m1: Uint32Array): Promise<void> {
    const count = blockCount(m0, 'm0');
    if (blockCount(m1, 'm1') !== count) throw new SizeMismatchError(`m0 has ${count} blocks but m1 has ${m1.length / 4}`);
    return this.#run(async () => {
      let done = 0;
      for await (const chunk of this.#chunks(OT_TAG.EXT_U_CHOSEN, count)) {
        const words = chunk.q.length;
        const [h0, h1] = this.#hashPair(chunk, scratchWords('iknp.h0', words), scratchWords('iknp.h1', words));
        const { msg, y } = replyMessage(2 * words);
        const base = BLOCK_WORDS * done;
        for (let i = 0; i < chunk.count; i++) {
          for (let w = 0; w < 4; w++) {
            y[8 * i + w] = m0[base + 4 * i + w] ^ h0[4 * i + w];
            y[8 * i + 4 + w] = m1[base + 4 * i + w] ^ h1[4 * i + w];
          }
        }
        this.#sendReply(OT_TAG.EXT_Y_CHOSEN, chunk, msg, y);
        done += chunk.count;
      }
    });
  }

  /**
   * Correlated OT with a chosen Δ: returns m⁰_i = H(i, q_i) (blocks) and lets the receiver learn
   * m⁰_i ⊕ r_i·Δ; sends one correction block y_i = H(i, q_i) ⊕ H(i, q_i ⊕ s) ⊕ Δ per OT.
   * Spec: §6.7
   */
  async sendCorrelated(count: number, delta: Uint32Array): Promise<Uint32Array> {
    checkCount(count, 'count');
    checkDelta(delta, 'delta');
    const [d0, d1, d2, d3] = delta;
    return this.#run(async () => {
      const out = new Uint32Array(BLOCK_WORDS * count);
      let done = 0;
      for await (const chunk of this.#chunks(OT_TAG.EXT_U_CORRELATED, count)) {
        const { msg, y } = replyMessage(chunk.q.length);
        const at = BLOCK_WORDS * done;
        const [h0] = this.#hashPair(chunk, out.subarray(at, at + chunk.q.length), y);
        for (let i = 0; i < y.length; i += 4) {
          y[i] ^= h0[i] ^ d0;
          y[i + 1] ^= h0[i + 1] ^ d1;
          y[i + 2] ^= h0[i + 2] ^ d2;
          y[i + 3] ^= h0[i + 3] ^ d3;
        }
        this.#sendReply(OT_TAG.EXT_Y_CORRELATED, chunk, msg, y);
        done += chunk.count;
      }
      return out;
    });
  }

  /**
   * Random OT: returns m⁰_i = H(i, q_i) and m¹_i = H(i, q_i ⊕ s); the receiver learns m^{r_i}_i.
   * Nothing is sent back. Spec: §6.7
   */
  async sendRandom(count: number): Promise<OtMessagePairs> {
    checkCount(count, 'count');
    return this.#run(async () => {
      const m0 = new Uint32Array(BLOCK_WORDS * count);
      const m1 = new Uint32Array(BLOCK_WORDS * count);
      let done = 0;
      for await (const chunk of this.#chunks(OT_TAG.EXT_U_RANDOM, count)) {
        const at = BLOCK_WORDS * done;
        this.#hashPair(chunk, m0.subarray(at, at + chunk.q.length), m1.subarray(at, at + chunk.q.length));
        done += chunk.count;
      }
      return { m0, m1 };
    });
  }

  /**
   * Random correlated OT with Δ = s ({@link OtExtSender.delta}): returns q_i unhashed (m⁰_i = q_i,
   * m¹_i = q_i ⊕ s); the receiver learns q_i ⊕ r_i·s. Nothing is sent back. The outputs are
   * correlated across OTs through s: use them only where that is accounted for (e.g. as free-XOR
   * wire labels under a correlation-robust garbling hash). Spec: §6.7
   */
  async sendRandomCorrelated(count: number): Promise<Uint32Array> {
    checkCount(count, 'count');
    return this.#run(async () => {
      const out = new Uint32Array(BLOCK_WORDS * count);
      let done = 0;
      for await (const chunk of this.#chunks(OT_TAG.EXT_U_RANDOM_CORRELATED, count, out)) {
        // Without a pool, q was computed in place in `out`.
        if (chunk.q.buffer !== out.buffer) out.set(chunk.q, BLOCK_WORDS * done);
        done += chunk.count;
      }
      return out;
    });
  }

  /** Sends a reply made by {@link replyMessage} once its words `y` are filled in. */
  #sendReply(tag: number, chunk: SenderChunk, msg: Uint8Array, y: Uint32Array): void {
    writeHeader(msg, tag, chunk.count, chunk.start);
    if (y.buffer !== msg.buffer) writeWordsLE(y, msg, EXT_HEADER_BYTES);
    this.#channel.send(msg);
  }
}

/**
 * A reply message of `words` words after the header, and where to compute them: a view of the
 * message itself on little-endian hosts, else a separate array that {@link OtExtSender} encodes.
 */
function replyMessage(words: number): { msg: Uint8Array; y: Uint32Array } {
  const msg = new Uint8Array(EXT_HEADER_BYTES + 4 * words);
  return { msg, y: LITTLE_ENDIAN ? new Uint32Array(msg.buffer, EXT_HEADER_BYTES, words) : new Uint32Array(words) };
}

/** Receiver's record of one chunk it sent. */
interface ReceiverChunk {
  start: number;
  count: number;
}

/**
 * The receiver of OT extension (holds choice bits; in Delphi, the evaluator). Create with
 * {@link OtExtReceiver.setup}. Spec: §6.6, §6.7
 */
export class OtExtReceiver {
  readonly #channel: Channel;
  readonly #matrix: ReceiverMatrix;
  readonly #chunkSize: number;
  readonly #pool: TaskPool<OtTasks> | undefined;
  #blocks = 0;
  #ots = 0;
  #state: SessionState = 'ready';
  #failure: unknown = null;

  private constructor(channel: Channel, matrix: ReceiverMatrix, chunkSize: number, pool: TaskPool<OtTasks> | undefined) {
    this.#channel = channel;
    this.#matrix = matrix;
    this.#pool = pool;
    this.#chunkSize = chunkSize;
  }

  /**
   * Runs the 128 base OTs as their sender (random OT: seed pairs k⁰_j, k¹_j). Rng draws: the base
   * OT's scalar a. With SoftSpokenOT, then sends the GGM sums (§6.11). Spec: §6.6, §6.11
   */
  static async setup(channel: Channel, rng: Rng, options: OtExtReceiverOptions = {}): Promise<OtExtReceiver> {
    const scheme = options.scheme ?? IKNP_SCHEME;
    checkScheme(scheme);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize < 128 || chunkSize % 128 !== 0 || chunkSize > MAX_CHUNK_SIZE) {
      throw new InvalidArgumentError(`chunkSize must be a multiple of 128 in [128, ${MAX_CHUNK_SIZE}], got ${chunkSize}`);
    }
    const { keys0, keys1 } = await baseRandomOtSend(channel, KAPPA, rng, { sessionId: baseSessionId(options) });
    const matrix = scheme.kind === 'softspoken' ? softSpokenReceiverSetup(channel, keys0, keys1, scheme.k) : iknpReceiverMatrix(keys0, keys1);
    return new OtExtReceiver(channel, matrix, chunkSize, options.pool);
  }

  /** OTs performed so far in this session (the index, and hash tweak, of the next OT). */
  get otCount(): number {
    return this.#ots;
  }

  async #run<T>(body: () => Promise<T>): Promise<T> {
    if (this.#state === 'failed') {
      throw new ProtocolError('OT extension session was aborted by an earlier error', { cause: this.#failure });
    }
    if (this.#state === 'busy') throw new InvalidArgumentError('another batch is still running on this OT extension session');
    this.#state = 'busy';
    try {
      const result = await body();
      this.#state = 'ready';
      return result;
    } catch (e) {
      this.#state = 'failed';
      this.#failure = e;
      throw e;
    }
  }

  /**
   * Sends u for every chunk of the batch and returns t_i (the rows of T = G(k⁰) transposed) for
   * all OTs of the batch, plus the chunk list.
   */
  async #extend(choices: Uint8Array, tag: number): Promise<{ t: Uint32Array; chunks: ReceiverChunk[] }> {
    const m = choices.length;
    const t = new Uint32Array(BLOCK_WORDS * m);
    const chunks: ReceiverChunk[] = [];
    const C = this.#chunkSize;
    const chunkCount = Math.ceil(m / C);
    const pool = this.#pool;
    // u of each chunk, in order, from the pool's column blocks or computed here one chunk at a time.
    let us: Uint32Array[];
    const msgs: Uint8Array[] = [];
    if (pool !== undefined && pool.threads > 1 && chunkCount > 1) {
      const groups = columnBlocks(chunkCount, pool.threads);
      const firstBlock = (chunk: number): number => this.#blocks + chunk * (C / 128);
      const parts = await runAll(pool, 'ot.receiverBlock', groups.length, (g) =>
        this.#matrix.blockInput(firstBlock(groups[g][0]), C, choices.slice(groups[g][0] * C, Math.min(m, groups[g][1] * C))),
      );
      us = [];
      parts.forEach((p, g) => {
        t.set(p.t, BLOCK_WORDS * groups[g][0] * C);
        for (let c = groups[g][0], o = 0; c < groups[g][1]; c++) {
          const words = uWords(Math.min(C, m - c * C), C, this.#matrix.uRows);
          us.push(p.u.subarray(o, o + words));
          o += words;
        }
      });
    } else {
      // Spans of chunks at a time (one PRG call per row and span); each chunk's u goes to its message.
      us = [];
      const counts = chunkCounts(m, C);
      for (const [c0, c1] of chunkSpans(counts)) {
        const from = c0 * C;
        const to = Math.min(m, c1 * C);
        const words = uWords(to - from, C, this.#matrix.uRows);
        const u = scratchWords('iknp.u', words);
        this.#matrix.chunks(this.#blocks + c0 * (C / 128), C, choices.subarray(from, to), u, t.subarray(BLOCK_WORDS * from, BLOCK_WORDS * to));
        for (let c = c0, o = 0; c < c1; c++) {
          const w = uWords(counts[c], C, this.#matrix.uRows);
          const msg = new Uint8Array(EXT_HEADER_BYTES + 4 * w);
          writeWordsLE(u.subarray(o, o + w), msg, EXT_HEADER_BYTES);
          msgs.push(msg);
          us.push(u.subarray(o, o + w));
          o += w;
        }
      }
    }
    for (let from = 0, c = 0; from < m; from += C, c++) {
      const count = Math.min(C, m - from);
      const u = us[c];
      let msg = msgs[c];
      if (msg === undefined) {
        msg = new Uint8Array(EXT_HEADER_BYTES + 4 * u.length);
        writeWordsLE(u, msg, EXT_HEADER_BYTES);
      }
      writeHeader(msg, tag, count, this.#ots);
      this.#channel.send(msg);
      chunks.push({ start: this.#ots, count });
      this.#blocks += Math.ceil(count / 128);
      this.#ots += count;
    }
    return { t, chunks };
  }

  /** Receives the sender's reply to `chunk` and returns its blocks (`blocksPerOt` per OT). */
  async #receiveReply(tag: number, chunk: ReceiverChunk, blocksPerOt: number): Promise<Uint32Array> {
    const context = 'OT extension (receiver)';
    const msg = await this.#channel.recv();
    const count = readHeader(msg, tag, chunk.start, chunk.count, context);
    if (count !== chunk.count) throw new ProtocolError(`${context}: reply covers ${count} OTs, chunk has ${chunk.count}`);
    expectLength(msg, EXT_HEADER_BYTES + 16 * blocksPerOt * count, context);
    return viewWordsLE(msg, EXT_HEADER_BYTES, 4 * blocksPerOt * count);
  }

  /**
   * Chosen-message OT: returns m^{r_i}_i (blocks) for choice bits r (one byte each, 0 or 1).
   * Spec: §6.7
   */
  async receive(choices: Uint8Array): Promise<Uint32Array> {
    checkChoiceBits(choices);
    return this.#run(async () => {
      const start = this.#ots;
      const { t, chunks } = await this.#extend(choices, OT_TAG.EXT_U_CHOSEN);
      const out = new Uint32Array(t.length);
      tccrHashBlocks(t, start, out);
      for (const chunk of chunks) {
        const y = await this.#receiveReply(OT_TAG.EXT_Y_CHOSEN, chunk, 2);
        const base = chunk.start - start;
        for (let i = 0; i < chunk.count; i++) {
          const o = 4 * (base + i);
          const p = 8 * i + 4 * choices[base + i];
          out[o] ^= y[p];
          out[o + 1] ^= y[p + 1];
          out[o + 2] ^= y[p + 2];
          out[o + 3] ^= y[p + 3];
        }
      }
      return out;
    });
  }

  /**
   * Correlated OT with the sender's chosen Δ: returns H(i, t_i) ⊕ r_i·y_i = m⁰_i ⊕ r_i·Δ.
   * Spec: §6.7
   */
  async receiveCorrelated(choices: Uint8Array): Promise<Uint32Array> {
    checkChoiceBits(choices);
    return this.#run(async () => {
      const start = this.#ots;
      const { t, chunks } = await this.#extend(choices, OT_TAG.EXT_U_CORRELATED);
      const out = new Uint32Array(t.length);
      tccrHashBlocks(t, start, out);
      for (const chunk of chunks) {
        const y = await this.#receiveReply(OT_TAG.EXT_Y_CORRELATED, chunk, 1);
        const base = chunk.start - start;
        for (let i = 0; i < chunk.count; i++) {
          const mask = -choices[base + i];
          const o = 4 * (base + i);
          out[o] ^= y[4 * i] & mask;
          out[o + 1] ^= y[4 * i + 1] & mask;
          out[o + 2] ^= y[4 * i + 2] & mask;
          out[o + 3] ^= y[4 * i + 3] & mask;
        }
      }
      return out;
    });
  }

  /** Random OT: returns H(i, t_i) = m^{r_i}_i of {@link OtExtSender.sendRandom}. Spec: §6.7 */
  async receiveRandom(choices: Uint8Array): Promise<Uint32Array> {
    checkChoiceBits(choices);
    return this.#run(async () => {
      const start = this.#ots;
      const { t } = await this.#extend(choices, OT_TAG.EXT_U_RANDOM);
      const out = new Uint32Array(t.length);
      tccrHashBlocks(t, start, out);
      return out;
    });
  }

  /**
   * Random correlated OT: returns t_i = q_i ⊕ r_i·s of {@link OtExtSender.sendRandomCorrelated}.
   * Spec: §6.7
   */
  async receiveRandomCorrelated(choices: Uint8Array): Promise<Uint32Array> {
    checkChoiceBits(choices);
    return this.#run(async () => (await this.#extend(choices, OT_TAG.EXT_U_RANDOM_CORRELATED)).t);
  }
}
