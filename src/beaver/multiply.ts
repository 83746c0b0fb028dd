/**
 * Beaver multiplication on additive shares (Beaver, CRYPTO 1991), batched: to multiply shared
 * vectors x and y with a triple batch (a, b, c = a·b), both parties open d = x − a and e = y − b —
 * one message each way, sent before either party waits — and then locally compute
 * z = c + d·b + e·a, party 0 adding d·e. Squaring with a square pair (a, a²) opens only d = x − a
 * and computes z = a² + 2·d·a (+ d² at party 0): half the traffic.
 *
 * Spec: §7.8
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Channel } from '../channel/channel.js';
import { mulModP as shareFieldMulModP, P as SHARE_FIELD_P } from '../math/share-field.js';
import { checkFieldVector, checkLength, checkRole, type PartyRole } from '../sharing/field-vector.js';
import { DEFAULT_FRACTIONAL_BITS, checkFractionalBits } from '../sharing/fixed-point.js';
import { truncateShareUnchecked } from '../sharing/truncation.js';
import { checkSquarePairs, checkTriples, type BeaverTriples, type SquarePairs } from './triples.js';
import { BEAVER_TAG, DEFAULT_OPEN_CHUNK, decodeOpening, encodeOpening } from './wire.js';

// Module-local aliases: some module loaders (e.g. Vitest's) turn every use of an imported
// binding into a property read, which keeps hot loops from being optimised.
const mulModP = shareFieldMulModP;
const P = SHARE_FIELD_P;

/** Options of the online Beaver protocols. Spec: §7.8 */
export interface BeaverOptions {
  /**
   * Batch entries per message (default {@link DEFAULT_OPEN_CHUNK}). Both parties MUST use the
   * same value. Smaller chunks keep messages under a transport's frame limit.
   */
  readonly chunkSize?: number;
}

/** Largest accepted chunk size (a product message is then ≈ 192 MiB). */
const MAX_CHUNK = 2 ** 24;

function chunkSizeOf(options: BeaverOptions | undefined, context: string): number {
  const c = options?.chunkSize ?? DEFAULT_OPEN_CHUNK;
  if (!Number.isInteger(c) || c < 1 || c > MAX_CHUNK) {
    throw new InvalidArgumentError(`${context}: chunkSize must be an integer in [1, 2^24], got ${String(c)}`);
  }
  return c;
}

function checkChannel(channel: Channel, context: string): void {
  if (typeof channel !== 'object' || channel === null || typeof channel.send !== 'function' || typeof channel.recv !== 'function') {
    throw new InvalidArgumentError(`${context}: expected a Channel`);
  }
}

function maskedDifference(x: Float64Array, a: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - a[i];
    out[i] = d < 0 ? d + P : d;
  }
  return out;
}

/**
 * Multiplies shared vectors element-wise: returns this party's share of x·y (mod p). Sends one
 * message per chunk (tag OPEN_MULTIPLY, columns d and e), then receives the peer's. The triple
 * batch must have exactly x.length entries and MUST NOT be used again. Spec: §7.8
 */
export async function beaverMultiply(
  channel: Channel,
  role: PartyRole,
  x: Float64Array,
  y: Float64Array,
  triples: BeaverTriples,
  options?: BeaverOptions,
): Promise<Float64Array> {
  const context = 'beaverMultiply';
  checkRole(role, context);
  checkChannel(channel, context);
  const n = checkFieldVector(x, `${context}: x`);
  checkLength(checkFieldVector(y, `${context}: y`), n, `${context}: y`);
  checkTriples(triples, n);
  const chunk = chunkSizeOf(options, context);
  const { a, b, c } = triples;
  const d = maskedDifference(x, a);
  const e = maskedDifference(y, b);
  for (let start = 0; start < n; start += chunk) {
    channel.send(encodeOpening(BEAVER_TAG.OPEN_MULTIPLY, [d, e], start, Math.min(chunk, n - start)));
  }
  const z = new Float64Array(n);
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const [dPeer, ePeer] = decodeOpening(await channel.recv(), BEAVER_TAG.OPEN_MULTIPLY, 2, start, count, context);
    for (let i = 0; i < count; i++) {
      const j = start + i;
      let dOpen = d[j] + dPeer[i];
      if (dOpen >= P) dOpen -= P;
      let eOpen = e[j] + ePeer[i];
      if (eOpen >= P) eOpen -= P;
      let acc = c[j] + mulModP(dOpen, b[j]);
      if (acc >= P) acc -= P;
      acc += mulModP(eOpen, a[j]);
      if (acc >= P) acc -= P;
      if (role === 0) {
        acc += mulModP(dOpen, eOpen);
        if (acc >= P) acc -= P;
      }
      z[j] = acc;
    }
  }
  return z;
}

/**
 * Squares a shared vector element-wise with square pairs: returns this party's share of x²
 * (mod p). Sends one message per chunk (tag OPEN_SQUARE, column d), then receives the peer's.
 * The pair batch must have exactly x.length entries and MUST NOT be used again. Spec: §7.8
 */
export async function beaverSquare(
  channel: Channel,
  role: PartyRole,
  x: Float64Array,
  pairs: SquarePairs,
  options?: BeaverOptions,
): Promise<Float64Array> {
  const context = 'beaverSquare';
  checkRole(role, context);
  checkChannel(channel, context);
  const n = checkFieldVector(x, `${context}: x`);
  checkSquarePairs(pairs, n);
  const chunk = chunkSizeOf(options, context);
  const { a, aSquared } = pairs;
  const d = maskedDifference(x, a);
  for (let start = 0; start < n; start += chunk) {
    channel.send(encodeOpening(BEAVER_TAG.OPEN_SQUARE, [d], start, Math.min(chunk, n - start)));
  }
  const z = new Float64Array(n);
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const [dPeer] = decodeOpening(await channel.recv(), BEAVER_TAG.OPEN_SQUARE, 1, start, count, context);
    for (let i = 0; i < count; i++) {
      const j = start + i;
      let dOpen = d[j] + dPeer[i];
      if (dOpen >= P) dOpen -= P;
      const da = mulModP(dOpen, a[j]);
      let acc = aSquared[j] + da;
      if (acc >= P) acc -= P;
      acc += da;
      if (acc >= P) acc -= P;
      if (role === 0) {
        acc += mulModP(dOpen, dOpen);
        if (acc >= P) acc -= P;
      }
      z[j] = acc;
    }
  }
  return z;
}

/**
 * Fixed-point product: {@link beaverMultiply} followed by local truncation by f bits (§7.4), so
 * that inputs with f fractional bits give an output with f fractional bits. Spec: §7.8
 */
export async function multiplyFixed(
  channel: Channel,
  role: PartyRole,
  x: Float64Array,
  y: Float64Array,
  triples: BeaverTriples,
  f: number = DEFAULT_FRACTIONAL_BITS,
  options?: BeaverOptions,
): Promise<Float64Array> {
  checkFractionalBits(f, 'multiplyFixed');
  const z = await beaverMultiply(channel, role, x, y, triples, options);
  return truncateShareUnchecked(role, z, f, z);
}

/** Fixed-point square: {@link beaverSquare} followed by local truncation by f bits. Spec: §7.8 */
export async function squareFixed(
  channel: Channel,
  role: PartyRole,
  x: Float64Array,
  pairs: SquarePairs,
  f: number = DEFAULT_FRACTIONAL_BITS,
  options?: BeaverOptions,
): Promise<Float64Array> {
  checkFractionalBits(f, 'squareFixed');
  const z = await beaverSquare(channel, role, x, pairs, options);
  return truncateShareUnchecked(role, z, f, z);
}
