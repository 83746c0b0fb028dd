/**
 * A minimal reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/),
 * enough for ONNX models: varints (wire type 0), 64-bit (1), length-delimited (2) and 32-bit (5)
 * fields; groups (3, 4) are rejected. A message is decoded into its fields by number; typed
 * accessors interpret them (repeated scalars accept both packed and unpacked encodings).
 *
 * Spec: §8.12.1
 * @module
 */
import { MalformedInputError } from '../../errors.js';

/** One field occurrence as it appears on the wire. */
export type ProtoValue =
  | { readonly wireType: 0; readonly varint: bigint }
  | { readonly wireType: 1 | 2 | 5; readonly bytes: Uint8Array };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one varint at `pos`; returns the value and the next position. Spec: §8.12.1 */
export function readVarint(bytes: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= bytes.length) throw new MalformedInputError('protobuf: truncated varint');
    const b = bytes[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [BigInt.asUintN(64, result), pos];
    shift += 7n;
  }
  throw new MalformedInputError('protobuf: varint longer than 10 bytes');
}

/** A decoded message: its fields, by field number, in wire order. Spec: §8.12.1 */
export class ProtoMessage {
  readonly fields = new Map<number, ProtoValue[]>();

  /** Decodes `bytes` as one message. Throws {@link MalformedInputError} on malformed input. */
  constructor(bytes: Uint8Array) {
    let pos = 0;
    while (pos < bytes.length) {
      const [key, next] = readVarint(bytes, pos);
      pos = next;
      const field = Number(key >> 3n);
      const wireType = Number(key & 7n);
      if (field < 1 || field > 536870911) throw new MalformedInputError(`protobuf: invalid field number ${field}`);
      let value: ProtoValue;
      if (wireType === 0) {
        const [v, after] = readVarint(bytes, pos);
        pos = after;
        value = { wireType: 0, varint: v };
      } else if (wireType === 1 || wireType === 5) {
        const size = wireType === 1 ? 8 : 4;
        if (pos + size > bytes.length) throw new MalformedInputError(`protobuf: truncated fixed-width field ${field}`);
        value = { wireType, bytes: bytes.subarray(pos, pos + size) };
        pos += size;
      } else if (wireType === 2) {
        const [len, after] = readVarint(bytes, pos);
        if (len > BigInt(bytes.length - after)) throw new MalformedInputError(`protobuf: field ${field} runs past the end`);
        pos = after + Number(len);
        value = { wireType: 2, bytes: bytes.subarray(after, pos) };
      } else {
        throw new MalformedInputError(`protobuf: unsupported wire type ${wireType} (field ${field})`);
      }
      const list = this.fields.get(field);
      if (list) list.push(value);
      else this.fields.set(field, [value]);
    }
  }

  #all(field: number): ProtoValue[] {
    return this.fields.get(field) ?? [];
  }

  #last(field: number): ProtoValue | undefined {
    const list = this.fields.get(field);
    return list ? list[list.length - 1] : undefined;
  }

  /** Whether the field occurs. */
  has(field: number): boolean {
    return this.fields.has(field);
  }

  /** A `string` field (UTF-8); `fallback` when absent. */
  string(field: number, fallback = ''): string {
    const v = this.#last(field);
    if (!v) return fallback;
    return decodeString(v, field);
  }

  /** A `repeated string` field. */
  strings(field: number): string[] {
    return this.#all(field).map((v) => decodeString(v, field));
  }

  /** A `bytes` field; empty when absent. */
  bytes(field: number): Uint8Array {
    const v = this.#last(field);
    if (!v) return new Uint8Array(0);
    if (v.wireType !== 2) throw new MalformedInputError(`protobuf: field ${field} is not length-delimited`);
    return v.bytes;
  }

  /** An `int64`/`int32`/enum field as a safe integer (two's complement); `fallback` when absent. */
  int(field: number, fallback = 0): number {
    const v = this.#last(field);
    if (!v) return fallback;
    if (v.wireType !== 0) throw new MalformedInputError(`protobuf: field ${field} is not a varint`);
    return toSafe(v.varint, field);
  }

  /** A `repeated int64`/`int32` field, packed or not. */
  ints(field: number): number[] {
    const out: number[] = [];
    for (const v of this.#all(field)) {
      if (v.wireType === 0) out.push(toSafe(v.varint, field));
      else if (v.wireType === 2) {
        for (let pos = 0; pos < v.bytes.length; ) {
          const [x, next] = readVarint(v.bytes, pos);
          out.push(toSafe(x, field));
          pos = next;
        }
      } else throw new MalformedInputError(`protobuf: field ${field} is not a varint list`);
    }
    return out;
  }

  /** A `float` field (fixed32); `fallback` when absent. */
  float(field: number, fallback = 0): number {
    const v = this.#last(field);
    if (!v) return fallback;
    if (v.wireType !== 5) throw new MalformedInputError(`protobuf: field ${field} is not a 32-bit float`);
    return new DataView(v.bytes.buffer, v.bytes.byteOffset, 4).getFloat32(0, true);
  }

  /** A `repeated float` (wire type 5 or packed) or `repeated double` (wire type 1 or packed, with `double`). */
  floats(field: number, double = false): number[] {
    const size = double ? 8 : 4;
    const wire = double ? 1 : 5;
    const out: number[] = [];
    for (const v of this.#all(field)) {
      let chunk: Uint8Array;
      if (v.wireType === wire) chunk = v.bytes;
      else if (v.wireType === 2) {
        if (v.bytes.length % size !== 0) throw new MalformedInputError(`protobuf: packed field ${field} has a partial element`);
        chunk = v.bytes;
      } else throw new MalformedInputError(`protobuf: field ${field} is not a ${double ? 'double' : 'float'} list`);
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let i = 0; i < chunk.length; i += size) out.push(double ? view.getFloat64(i, true) : view.getFloat32(i, true));
    }
    return out;
  }

  /** A sub-message field (the last occurrence), or null. */
  message(field: number): ProtoMessage | null {
    const v = this.#last(field);
    return v ? new ProtoMessage(this.bytes(field)) : null;
  }

  /** A `repeated` sub-message field. */
  messages(field: number): ProtoMessage[] {
    return this.#all(field).map((v) => {
      if (v.wireType !== 2) throw new MalformedInputError(`protobuf: field ${field} is not a message`);
      return new ProtoMessage(v.bytes);
    });
  }
}

function decodeString(v: ProtoValue, field: number): string {
  if (v.wireType !== 2) throw new MalformedInputError(`protobuf: field ${field} is not a string`);
  try {
    return utf8.decode(v.bytes);
  } catch (e) {
    throw new MalformedInputError(`protobuf: field ${field} is not valid UTF-8`, { cause: e });
  }
}

function toSafe(x: bigint, field: number): number {
  const s = BigInt.asIntN(64, x);
  if (s > BigInt(Number.MAX_SAFE_INTEGER) || s < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MalformedInputError(`protobuf: integer field ${field} (${s}) is beyond 2^53`);
  }
  return Number(s);
}
