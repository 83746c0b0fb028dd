/**
 * Framing of a byte stream (TCP, or any other ordered stream) into the messages of a
 * `Channel`: every frame is a 4-byte big-endian header followed by its payload. The top bit
 * of the header marks a control frame (ping, pong, close), the low 31 bits hold the payload length.
 * Pure code without Node APIs, so it also serves stream transports in browsers.
 *
 * Spec: §2.4
 * @module
 */
import { InvalidArgumentError, MalformedInputError, OutOfRangeError } from '../errors.js';

/** Bytes of a frame header. Spec: §2.4 */
export const FRAME_HEADER_BYTES = 4;

/** Largest payload length a header can express (2^31 − 1). Spec: §2.4 */
export const MAX_FRAME_PAYLOAD = 0x7fff_ffff;

/** Default limit on one message (256 MiB): garbled circuits of a network layer are large. Spec: §2.6 */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 2 ** 20;

/** Largest payload of a control frame: the type byte and a close reason of at most 1024 bytes. Spec: §2.4 */
export const MAX_CONTROL_PAYLOAD = 1 + 1024;

/** Type byte of a control frame. Spec: §2.4 */
export const ControlType = {
  /** Keep-alive probe; the peer answers with a pong carrying the same bytes. */
  PING: 1,
  /** Answer to a ping. */
  PONG: 2,
  /** Orderly close, followed by a UTF-8 reason (possibly empty). */
  CLOSE: 3,
} as const;

/** A decoded frame. Spec: §2.4 */
export type Frame =
  | { readonly kind: 'data'; readonly payload: Uint8Array }
  | { readonly kind: 'ping' | 'pong'; readonly payload: Uint8Array }
  | { readonly kind: 'close'; readonly reason: string };

const CONTROL_BIT = 0x8000_0000;

function writeHeader(out: Uint8Array, control: boolean, length: number): void {
  const word = (control ? CONTROL_BIT : 0) + length;
  out[0] = word >>> 24;
  out[1] = (word >>> 16) & 255;
  out[2] = (word >>> 8) & 255;
  out[3] = word & 255;
}

/**
 * Header ‖ payload of a data frame, as one fresh buffer (the payload is copied, so the caller may
 * reuse its array). Throws {@link OutOfRangeError} when the payload exceeds `maxMessageBytes`.
 * Spec: §2.4
 */
export function encodeDataFrame(payload: Uint8Array, maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES): Uint8Array {
  if (!(payload instanceof Uint8Array)) throw new InvalidArgumentError('a message must be a Uint8Array');
  if (payload.length > Math.min(maxMessageBytes, MAX_FRAME_PAYLOAD)) {
    throw new OutOfRangeError(`message of ${payload.length} bytes exceeds the limit of ${Math.min(maxMessageBytes, MAX_FRAME_PAYLOAD)} bytes`);
  }
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeHeader(out, false, payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** A ping or pong frame; `payload` is at most 1024 bytes. Spec: §2.4 */
export function encodePingFrame(kind: 'ping' | 'pong', payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_CONTROL_PAYLOAD - 1) throw new OutOfRangeError(`${kind} payload of ${payload.length} bytes exceeds 1024 bytes`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + 1 + payload.length);
  writeHeader(out, true, 1 + payload.length);
  out[FRAME_HEADER_BYTES] = kind === 'ping' ? ControlType.PING : ControlType.PONG;
  out.set(payload, FRAME_HEADER_BYTES + 1);
  return out;
}

/**
 * A close frame carrying `reason` in UTF-8, cut to at most 1024 bytes on a character boundary.
 * Spec: §2.4
 */
export function encodeCloseFrame(reason = ''): Uint8Array {
  const text = truncateUtf8(String(reason), MAX_CONTROL_PAYLOAD - 1);
  const out = new Uint8Array(FRAME_HEADER_BYTES + 1 + text.length);
  writeHeader(out, true, 1 + text.length);
  out[FRAME_HEADER_BYTES] = ControlType.CLOSE;
  out.set(text, FRAME_HEADER_BYTES + 1);
  return out;
}

function truncateUtf8(text: string, maxBytes: number): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // do not split a multi-byte character
  return bytes.slice(0, end);
}

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest data payload accepted (default {@link DEFAULT_MAX_MESSAGE_BYTES}). Spec: §2.6 */
  maxMessageBytes?: number;
}

/** First allocation for a data payload; the buffer then doubles as bytes arrive. Spec: §2.4 */
export const INITIAL_PAYLOAD_BUFFER_BYTES = 64 * 1024;

/**
 * Incremental frame parser: feed it the chunks of a byte stream, in order and split anywhere, and
 * it returns the complete frames. A data payload's header is checked against the limit before
 * anything is allocated, and its buffer grows with the bytes that actually arrived (at most twice
 * them, starting at {@link INITIAL_PAYLOAD_BUFFER_BYTES}), never to the announced size up front:
 * a peer that announces a large frame and stalls holds only what it sent. Received bytes are
 * copied, so a byte-at-a-time sender cannot pin the transport's larger read buffers. The limit
 * can change between frames ({@link FrameDecoder.maxMessageBytes}), e.g. raised after the handshake.
 *
 * Throws {@link OutOfRangeError} for a data frame above the limit and {@link MalformedInputError}
 * for a bad control frame; after a throw the decoder stays failed. Spec: §2.4
 */
export class FrameDecoder {
  #maxMessageBytes: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFill = 0;
  #control = false;
  /** Announced payload length of the frame in progress, or −1 between payloads. */
  #length = -1;
  #payload: Uint8Array = EMPTY;
  #payloadFill = 0;
  #failed: Error | null = null;
  #dataBytes = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxMessageBytes = checkLimit(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** Largest data payload accepted; a new value applies from the next frame header on. Spec: §2.6 */
  get maxMessageBytes(): number {
    return this.#maxMessageBytes;
  }

  set maxMessageBytes(bytes: number) {
    this.#maxMessageBytes = checkLimit(bytes);
  }

  /** Bytes of a frame received so far and the frame's announced size, or null between frames. */
  get partial(): { received: number; expected: number } | null {
    if (this.#length >= 0) return { received: FRAME_HEADER_BYTES + this.#payloadFill, expected: FRAME_HEADER_BYTES + this.#length };
    if (this.#headerFill > 0) return { received: this.#headerFill, expected: FRAME_HEADER_BYTES };
    return null;
  }

  /** Payload bytes of data frames received so far, complete or not (control frames excluded). */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  /** Bytes this decoder holds for the frame in progress (its buffer's capacity). */
  get bufferedBytes(): number {
    return this.#payload.length + (this.#headerFill > 0 ? FRAME_HEADER_BYTES : 0);
  }

  /** Consumes `chunk` and returns the frames it completes, in order. */
  push(chunk: Uint8Array): Frame[] {
    return this.#consume(chunk, false).frames;
  }

  /**
   * Like {@link FrameDecoder.push}, but stops right after the first complete data frame and
   * returns the bytes after it unparsed (`rest`), so that the layer above can change the limit
   * before the next header is read (the handshake raises it once the HELLO is checked). Spec: §2.6
   */
  pushUntilData(chunk: Uint8Array): { frames: Frame[]; rest: Uint8Array } {
    return this.#consume(chunk, true);
  }

  #consume(chunk: Uint8Array, stopAfterData: boolean): { frames: Frame[]; rest: Uint8Array } {
    if (this.#failed) throw this.#failed;
    const frames: Frame[] = [];
    let at = 0;
    try {
      while (at < chunk.length) {
        if (this.#length < 0) {
          const take = Math.min(FRAME_HEADER_BYTES - this.#headerFill, chunk.length - at);
          this.#header.set(chunk.subarray(at, at + take), this.#headerFill);
          this.#headerFill += take;
          at += take;
          if (this.#headerFill < FRAME_HEADER_BYTES) break;
          this.#startFrame();
        }
        const take = Math.min(this.#length - this.#payloadFill, chunk.length - at);
        this.#reserve(this.#payloadFill + take);
        this.#payload.set(chunk.subarray(at, at + take), this.#payloadFill);
        this.#payloadFill += take;
        if (!this.#control) this.#dataBytes += take;
        at += take;
        if (this.#payloadFill === this.#length) {
          const frame = this.#finishFrame();
          frames.push(frame);
          if (stopAfterData && frame.kind === 'data') break;
        }
      }
    } catch (e) {
      this.#failed = e as Error;
      throw e;
    }
    return { frames, rest: chunk.subarray(at) };
  }

  #startFrame(): void {
    const h = this.#header;
    const word = ((h[0] << 24) >>> 0) + (h[1] << 16) + (h[2] << 8) + h[3];
    this.#control = word >= CONTROL_BIT;
    const length = word & MAX_FRAME_PAYLOAD;
    if (this.#control) {
      if (length < 1 || length > MAX_CONTROL_PAYLOAD) {
        throw new MalformedInputError(`control frame of ${length} bytes (a control frame holds 1 to ${MAX_CONTROL_PAYLOAD} bytes)`);
      }
    } else if (length > this.#maxMessageBytes) {
      throw new OutOfRangeError(`peer announced a message of ${length} bytes, above the limit of ${this.#maxMessageBytes} bytes`);
    }
    this.#length = length;
    this.#payload = EMPTY;
    this.#payloadFill = 0;
  }

  /** Grows the payload buffer (doubling, capped at the announced length) to hold `needed` bytes. */
  #reserve(needed: number): void {
    if (needed <= this.#payload.length) return;
    let capacity = Math.max(this.#payload.length * 2, Math.min(this.#length, INITIAL_PAYLOAD_BUFFER_BYTES));
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(Math.min(capacity, this.#length));
    grown.set(this.#payload.subarray(0, this.#payloadFill));
    this.#payload = grown;
  }

  #finishFrame(): Frame {
    const payload = this.#payload.length === this.#length ? this.#payload : this.#payload.slice(0, this.#length);
    this.#payload = EMPTY;
    this.#length = -1;
    this.#payloadFill = 0;
    this.#headerFill = 0;
    if (!this.#control) return { kind: 'data', payload };
    switch (payload[0]) {
      case ControlType.PING:
        return { kind: 'ping', payload: payload.subarray(1) };
      case ControlType.PONG:
        return { kind: 'pong', payload: payload.subarray(1) };
      case ControlType.CLOSE:
        return { kind: 'close', reason: new TextDecoder('utf-8', { fatal: false }).decode(payload.subarray(1)) };
      default:
        throw new MalformedInputError(`unknown control frame type ${payload[0]}`);
    }
  }
}

const EMPTY = new Uint8Array(0);

function checkLimit(max: number): number {
  if (!Number.isSafeInteger(max) || max < 0 || max > MAX_FRAME_PAYLOAD) {
    throw new InvalidArgumentError(`maxMessageBytes must be an integer in [0, 2^31 − 1], got ${max}`);
  }
  return max;
}
