/**
 * The byte codec of stored preprocessing slots (§9.14.3): a little-endian writer and a reader that
 * checks every length against the bytes that remain BEFORE it allocates, so a truncated or
 * hostile state file fails with {@link MalformedInputError} and never with a crash. Field vectors
 * use the §7.7 element encoding (writeFieldElements / readFieldElements); labels are 32-bit words.
 *
 * Spec: §9.14.3
 * @module
 */
import { MalformedInputError } from '../errors.js';
import { FIELD_ELEMENT_BYTES, readFieldElements, writeFieldElements } from '../sharing/field-vector.js';

const TWO_32 = 2 ** 32;

/** Appends values to a growing byte buffer. Spec: §9.14.3 */
export class SlotWriter {
  #buf: Uint8Array;
  #len = 0;

  /** `capacity`: bytes to reserve at first (the record's expected size, to avoid regrowing). */
  constructor(capacity = 1024) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
  }

  #reserve(n: number): number {
    if (this.#len + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(2 * this.#buf.length, this.#len + n));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    const at = this.#len;
    this.#len += n;
    return at;
  }

  u8(v: number): this {
    const o = this.#reserve(1); // may replace #buf: reserve before reading it
    this.#buf[o] = v;
    return this;
  }

  u32(v: number): this {
    const o = this.#reserve(4);
    const b = this.#buf;
    b[o] = v;
    b[o + 1] = v >>> 8;
    b[o + 2] = v >>> 16;
    b[o + 3] = v >>> 24;
    return this;
  }

  /** An unsigned integer below 2^53 as two u32 words (low first). */
  u64(v: number): this {
    return this.u32(v >>> 0).u32(Math.floor(v / TWO_32));
  }

  /** u32 length ‖ bytes. */
  bytes(data: Uint8Array): this {
    this.u32(data.length);
    const o = this.#reserve(data.length);
    this.#buf.set(data, o);
    return this;
  }

  /** u32 length ‖ UTF-8. */
  string(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  /** u32 count ‖ count field elements (§7.7). */
  field(values: Float64Array): this {
    this.u32(values.length);
    const o = this.#reserve(FIELD_ELEMENT_BYTES * values.length);
    writeFieldElements(this.#buf, o, values, 0, values.length);
    return this;
  }

  /** u32 count ‖ count little-endian words (garbled-circuit labels, Δ). */
  words(values: Uint32Array): this {
    this.u32(values.length);
    const o = this.#reserve(4 * values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const p = o + 4 * i;
      this.#buf[p] = v;
      this.#buf[p + 1] = v >>> 8;
      this.#buf[p + 2] = v >>> 16;
      this.#buf[p + 3] = v >>> 24;
    }
    return this;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** Reads what {@link SlotWriter} wrote; every read checks the remaining length first. Spec: §9.14.3 */
export class SlotReader {
  #o = 0;
  constructor(
    private readonly data: Uint8Array,
    private readonly context: string,
  ) {}

  #take(n: number, what: string): number {
    if (n > this.data.length - this.#o) throw new MalformedInputError(`${this.context}: truncated (${what} needs ${n} bytes, ${this.data.length - this.#o} left)`);
    const at = this.#o;
    this.#o += n;
    return at;
  }

  u8(what: string): number {
    return this.data[this.#take(1, what)];
  }

  u32(what: string): number {
    const o = this.#take(4, what);
    const b = this.data;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }

  u64(what: string): number {
    const lo = this.u32(what);
    const hi = this.u32(what);
    if (hi >= 2 ** 21) throw new MalformedInputError(`${this.context}: ${what} is out of range`);
    return hi * TWO_32 + lo;
  }

  bytes(what: string): Uint8Array {
    const n = this.u32(what);
    const o = this.#take(n, what);
    return this.data.slice(o, o + n);
  }

  string(what: string): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(what));
    } catch (e) {
      if (e instanceof MalformedInputError) throw e;
      throw new MalformedInputError(`${this.context}: ${what} is not UTF-8`);
    }
  }

  /** A field vector; `expected` (if given) is its required length. */
  field(what: string, expected?: number): Float64Array {
    const n = this.u32(what);
    if (expected !== undefined && n !== expected) throw new MalformedInputError(`${this.context}: ${what} has ${n} elements, expected ${expected}`);
    const o = this.#take(FIELD_ELEMENT_BYTES * n, what);
    const out = new Float64Array(n);
    readFieldElements(this.data, o, n, out, 0, (i) => `${this.context}: ${what}[${i}]`);
    return out;
  }

  words(what: string, expected?: number): Uint32Array {
    const n = this.u32(what);
    if (expected !== undefined && n !== expected) throw new MalformedInputError(`${this.context}: ${what} has ${n} words, expected ${expected}`);
    const o = this.#take(4 * n, what);
    const out = new Uint32Array(n);
    const b = this.data;
    for (let i = 0; i < n; i++) {
      const p = o + 4 * i;
      out[i] = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    }
    return out;
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.#o !== this.data.length) throw new MalformedInputError(`${this.context}: ${this.data.length - this.#o} trailing bytes`);
  }
}
