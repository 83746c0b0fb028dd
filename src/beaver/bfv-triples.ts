/**
 * Delphi's two-party generation of Beaver triples and square pairs with BFV (Spec: §4.19): the
 * client (holder of the BFV secret key) sends Enc(a_C), Enc(b_C) batched over all slots; the server
 * returns Enc(a_C·b_S + b_C·a_S + a_S·b_S − c_S) computed with plaintext operations only, noise-flooded
 * and switched down; the client decrypts d and sets c_C = a_C·b_C + d, so that
 * c_C + c_S = (a_C + a_S)(b_C + b_S). Square pairs send Enc(a_C) only and return
 * Enc(2·a_C·a_S + a_S² − q_S). Both ends implement {@link TripleSource} over a {@link Channel}.
 *
 * Spec: §4.19
 * @module
 */
import { batchDecode, batchEncode, bfvAddPlain, bfvDecrypt, bfvEncryptSymmetric, bfvModSwitchToNext, floodNoise, type BfvContext, type Ciphertext, type PublicKey, type SecretKey } from '../bfv/index.js';
import { ciphertextFromNtt, ciphertextToNtt, preparePlaintext } from '../bfv/evaluator.js';
import { polyMulAccNtt } from '../bfv/poly.js';
import { floodAndReturnLevel } from '../he-linear/layout.js';
import { linearNoiseModel } from '../he-linear/index.js';
import { plainProductNoise, sumNoise, noiseBoundBits } from '../he-linear/noise-bounds.js';
import { InvalidArgumentError, InvalidParametersError } from '../errors.js';
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P } from '../math/share-field.js';
import type { Channel } from '../channel/channel.js';
import type { Rng } from '../random/rng.js';
import { checkCount, checkRole, sampleFieldVector, type PartyRole } from '../sharing/field-vector.js';
import { decodeBfvTripleMessage, encodeBfvTripleMessage, BFV_TRIPLE_TAG } from './bfv-wire.js';
import type { TripleSource } from './source.js';
import type { BeaverTriples, SquarePairs } from './triples.js';

// Module-local aliases (see src/beaver/dealer.ts).
const mulModP = shareFieldMulModP;
const P = SHARE_FIELD_P;

/** Default number of ciphertexts per column in one message (8 × n triples per message). Spec: §4.19 */
export const DEFAULT_BFV_TRIPLE_CHUNK = 8;

/** What both ends derive from the parameters: levels, noise bound and flooding. Spec: §4.19 */
export interface BfvTripleSetup {
  /** Level (number of primes) of the client's ciphertexts: the first data level. */
  readonly level: number;
  /** Level of the server's responses. */
  readonly returnLevel: number;
  /** Flooding width of the responses (§4.9). */
  readonly floodBits: number;
  /** noiseBits passed to floodNoise. */
  readonly noiseBits: number;
  /** Statistical security parameter λ. */
  readonly lambda: number;
  /** Slot vectors (ciphertexts) per column per message. */
  readonly chunk: number;
}

/** Options shared by both ends. */
export interface BfvTripleOptions {
  /** Statistical security parameter of the flooding (default 40). */
  readonly lambda?: number;
  /** Ciphertexts per column per message (default {@link DEFAULT_BFV_TRIPLE_CHUNK}); both ends MUST agree. */
  readonly chunk?: number;
}

/**
 * The levels and flooding of BFV triple generation for a context (Spec: §4.19): the noise of a
 * triple response is bounded by 2·plainProductNoise(encryption) + 2 (two plaintext products, two
 * additions), that of a square response by plainProductNoise(encryption) + 1; the larger bound fixes
 * the flooding width and the return level exactly as for linear layers (§4.16). Requires t = p with
 * batching.
 */
export function bfvTripleSetup(ctx: BfvContext, options: BfvTripleOptions = {}): BfvTripleSetup {
  if (!ctx.params.batching || ctx.t !== P) {
    throw new InvalidParametersError(`BFV triples need batching with t = p = ${P}; t = ${ctx.t}`);
  }
  const chunk = options.chunk ?? DEFAULT_BFV_TRIPLE_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > 1024) {
    throw new InvalidArgumentError(`BFV triples: chunk must be an integer in [1, 1024], got ${String(chunk)}`);
  }
  const model = linearNoiseModel(ctx, ctx.firstLevel.k, options.lambda);
  const product = plainProductNoise(model, model.encryption);
  const bound = sumNoise([product, product]) + 1;
  if (noiseBoundBits(bound) > model.maxNoiseBits) {
    throw new InvalidParametersError(
      `BFV triples: the response noise 2^${noiseBoundBits(bound)} cannot be flooded with λ = ${model.lambda} (room 2^${model.maxNoiseBits}); use a larger coefficient modulus`,
    );
  }
  const { floodBits, returnLevel } = floodAndReturnLevel(ctx, model, [bound]);
  return { level: model.level, returnLevel, floodBits, noiseBits: floodBits - model.lambda - ctx.logn, lambda: model.lambda, chunk };
}

/** Runs requests one after the other (they share the channel). */
class Queue {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(task, task);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** [start, end) entry ranges of the messages of a batch of `count` entries. */
function chunks(count: number, perMessage: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < count; s += perMessage) out.push([s, Math.min(count, s + perMessage)]);
  return out;
}

/** Slot vectors of entries [start, end) of a column, n per ciphertext (the last one zero-padded). */
function slotVectors(column: Float64Array, start: number, end: number, n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let s = start; s < end; s += n) {
    const v = new Float64Array(n);
    v.set(column.subarray(s, Math.min(end, s + n)));
    out.push(v);
  }
  return out;
}

function checkChannel(channel: Channel, what: string): void {
  if (typeof channel !== 'object' || channel === null || typeof channel.send !== 'function' || typeof channel.recv !== 'function') {
    throw new InvalidArgumentError(`${what}: expected a Channel`);
  }
}

/** Options of {@link bfvTripleClientSource}. */
export interface BfvTripleClientOptions extends BfvTripleOptions {
  /** The client's BFV secret key (it encrypts symmetrically and decrypts the responses). */
  readonly secretKey: SecretKey;
  /** The client's randomness (shares and encryptions). */
  readonly rng: Rng;
}

/** Options of {@link bfvTripleServerSource}. */
export interface BfvTripleServerOptions extends BfvTripleOptions {
  /** The client's BFV public key (for the encryption of zero in the flooding). */
  readonly publicKey: PublicKey;
  /** The server's randomness (shares and flooding). */
  readonly rng: Rng;
}

/**
 * The client's end (Spec: §4.19). Per request of `count` entries it draws its shares
 * (`sampleFieldVector`: a_C then b_C for triples, a_C for square pairs), sends one request per chunk
 * of chunk·n entries (all chunks first), then reads the responses in order and completes its shares.
 * Requests of both kinds run one at a time, in call order, and MUST be issued in the same order as the
 * server's.
 */
export function bfvTripleClientSource(ctx: BfvContext, channel: Channel, role: PartyRole, options: BfvTripleClientOptions): TripleSource {
  checkRole(role, 'bfvTripleClientSource');
  checkChannel(channel, 'bfvTripleClientSource');
  const setup = bfvTripleSetup(ctx, options);
  const { secretKey: sk, rng } = options;
  const n = ctx.n;
  const queue = new Queue();
  const per = setup.chunk * n;

  async function exchange(columns: Float64Array[], tags: readonly [number, number], count: number): Promise<Float64Array> {
    const ranges = chunks(count, per);
    for (const [s, e] of ranges) {
      const cts: Ciphertext[] = [];
      for (const column of columns) {
        for (const v of slotVectors(column, s, e, n)) cts.push(bfvEncryptSymmetric(ctx, sk, batchEncode(ctx, v), rng, { level: setup.level, seeded: true }));
      }
      channel.send(encodeBfvTripleMessage(ctx, tags[0], e - s, cts));
    }
    await channel.flush?.();
    const d = new Float64Array(count);
    for (const [s, e] of ranges) {
      const m = Math.ceil((e - s) / n);
      const cts = decodeBfvTripleMessage(ctx, await channel.recv(), tags[1], e - s, m, setup.returnLevel, 'BFV triple response');
      cts.forEach((ct, i) => {
        const slots = batchDecode(ctx, bfvDecrypt(ctx, sk, ct));
        const from = s + i * n;
        d.set(slots.subarray(0, Math.min(n, e - from)), from);
      });
    }
    return d;
  }

  return {
    role,
    triples(count: number): Promise<BeaverTriples> {
      const c = checkCount(count, 'TripleSource.triples');
      return queue.run(async () => {
        const a = sampleFieldVector(rng, c);
        const b = sampleFieldVector(rng, c);
        const d = await exchange([a, b], [BFV_TRIPLE_TAG.TRIPLES_REQUEST, BFV_TRIPLE_TAG.TRIPLES_RESPONSE], c);
        const out = new Float64Array(c);
        for (let i = 0; i < c; i++) {
          const v = mulModP(a[i], b[i]) + d[i];
          out[i] = v >= P ? v - P : v;
        }
        return { a, b, c: out };
      });
    },
    squarePairs(count: number): Promise<SquarePairs> {
      const c = checkCount(count, 'TripleSource.squarePairs');
      return queue.run(async () => {
        const a = sampleFieldVector(rng, c);
        const d = await exchange([a], [BFV_TRIPLE_TAG.SQUARES_REQUEST, BFV_TRIPLE_TAG.SQUARES_RESPONSE], c);
        const out = new Float64Array(c);
        for (let i = 0; i < c; i++) {
          const v = mulModP(a[i], a[i]) + d[i];
          out[i] = v >= P ? v - P : v;
        }
        return { a, aSquared: out };
      });
    },
  };
}

/** Σ_i Enc(x_i) ∘ y_i (NTT domain), then coefficient form. */
function plainCombination(ctx: BfvContext, terms: readonly [Ciphertext, Float64Array][], level: number): Ciphertext {
  const acc = [ctx.allocPoly(level), ctx.allocPoly(level)];
  for (const [ct, slots] of terms) {
    const x = ciphertextToNtt(ctx, ct);
    const y = preparePlaintext(ctx, batchEncode(ctx, slots), level);
    polyMulAccNtt(ctx, acc[0], x.polys[0], y.poly, level);
    polyMulAccNtt(ctx, acc[1], x.polys[1], y.poly, level);
  }
  return ciphertextFromNtt(ctx, { coeffModulusSize: level, polys: acc, isNttForm: true });
}

/**
 * The server's end (Spec: §4.19). Per request of `count` entries it draws its shares
 * (`sampleFieldVector`: a_S, b_S, c_S for triples; a_S, q_S for square pairs), then for each chunk
 * receives the client's ciphertexts, computes per slot vector Enc(a_C)·b_S + Enc(b_C)·a_S + (a_S·b_S − c_S)
 * (squares: Enc(a_C)·2a_S + (a_S² − q_S)), floods it and switches it down to the return level, and
 * sends the chunk's response.
 */
export function bfvTripleServerSource(ctx: BfvContext, channel: Channel, role: PartyRole, options: BfvTripleServerOptions): TripleSource {
  checkRole(role, 'bfvTripleServerSource');
  checkChannel(channel, 'bfvTripleServerSource');
  const setup = bfvTripleSetup(ctx, options);
  const { publicKey: pk, rng } = options;
  if (!pk?.ciphertext) throw new InvalidArgumentError('bfvTripleServerSource: expected the client\'s PublicKey');
  const n = ctx.n;
  const queue = new Queue();
  const per = setup.chunk * n;

  /** Responds to every chunk: f(received ciphertexts of vector i, range) → (products, plain offset). */
  async function serve(
    count: number,
    columns: number,
    tags: readonly [number, number],
    combine: (cts: Ciphertext[], m: number, i: number, from: number, to: number) => { terms: [Ciphertext, Float64Array][]; offset: Float64Array },
  ): Promise<void> {
    for (const [s, e] of chunks(count, per)) {
      const m = Math.ceil((e - s) / n);
      const cts = decodeBfvTripleMessage(ctx, await channel.recv(), tags[0], e - s, columns * m, setup.level, 'BFV triple request');
      const out: Ciphertext[] = [];
      for (let i = 0; i < m; i++) {
        const from = s + i * n;
        const to = Math.min(e, from + n);
        const { terms, offset } = combine(cts, m, i, from, to);
        let ct = bfvAddPlain(ctx, plainCombination(ctx, terms, setup.level), batchEncode(ctx, offset));
        ct = floodNoise(ctx, pk, ct, rng, { noiseBits: setup.noiseBits, lambda: setup.lambda });
        while (ct.coeffModulusSize > setup.returnLevel) ct = bfvModSwitchToNext(ctx, ct);
        out.push(ct);
      }
      channel.send(encodeBfvTripleMessage(ctx, tags[1], e - s, out));
    }
    await channel.flush?.();
  }

  const slice = (v: Float64Array, from: number, to: number): Float64Array => {
    const out = new Float64Array(n);
    out.set(v.subarray(from, to));
    return out;
  };

  return {
    role,
    triples(count: number): Promise<BeaverTriples> {
      const c = checkCount(count, 'TripleSource.triples');
      return queue.run(async () => {
        const a = sampleFieldVector(rng, c);
        const b = sampleFieldVector(rng, c);
        const cs = sampleFieldVector(rng, c);
        await serve(c, 2, [BFV_TRIPLE_TAG.TRIPLES_REQUEST, BFV_TRIPLE_TAG.TRIPLES_RESPONSE], (cts, m, i, from, to) => {
          const offset = new Float64Array(n);
          for (let x = from; x < to; x++) {
            const v = mulModP(a[x], b[x]) - cs[x];
            offset[x - from] = v < 0 ? v + P : v;
          }
          return { terms: [[cts[i], slice(b, from, to)], [cts[m + i], slice(a, from, to)]], offset };
        });
        return { a, b, c: cs };
      });
    },
    squarePairs(count: number): Promise<SquarePairs> {
      const c = checkCount(count, 'TripleSource.squarePairs');
      return queue.run(async () => {
        const a = sampleFieldVector(rng, c);
        const q = sampleFieldVector(rng, c);
        await serve(c, 1, [BFV_TRIPLE_TAG.SQUARES_REQUEST, BFV_TRIPLE_TAG.SQUARES_RESPONSE], (cts, _m, i, from, to) => {
          const offset = new Float64Array(n);
          const twice = new Float64Array(n);
          for (let x = from; x < to; x++) {
            const v = mulModP(a[x], a[x]) - q[x];
            offset[x - from] = v < 0 ? v + P : v;
            const t = a[x] + a[x];
            twice[x - from] = t >= P ? t - P : t;
          }
          return { terms: [[cts[i], twice]], offset };
        });
        return { a, aSquared: q };
      });
    },
  };
}
