/**
 * Byte encodings of what the garbler sends: a garbled circuit (tables, optionally the garbler's
 * input labels, decoding bits) bound to the circuit by a fingerprint, and a bare label message.
 * Parsing checks every size against the header before reading, and never allocates more than the
 * message holds.
 *
 * Spec: §5.9
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError, MalformedInputError, ProtocolError, SizeMismatchError } from '../errors.js';
import type { Circuit } from './circuit.js';
import { writeBristol } from './bristol.js';
import { checkGarbled, LABEL_BYTES, MAX_GATE_ID, partyWires, TABLE_WORDS_PER_AND, THREE_HALVES_MAX_GATE_ID, type GarbledCircuit, type GarblingScheme } from './garble.js';
import { THREE_HALVES_CIPHERTEXT_BYTES, THREE_HALVES_CONTROL_BITS, THREE_HALVES_TABLE_WORDS } from './threehalves.js';

/** Magic of a garbled-circuit message: "DGC1". Spec: §5.9 */
export const GARBLED_MAGIC = Uint8Array.of(0x44, 0x47, 0x43, 0x31);
/** Magic of a label message: "DGL1". Spec: §5.9 */
export const LABELS_MAGIC = Uint8Array.of(0x44, 0x47, 0x4c, 0x31);
/**
 * Hash identifier 2: half gates with the one-call σ-MMO hash over fixed-key AES (§5.2). Identifier 1
 * (TCCR, two AES calls per hash) was used before and is refused. Spec: §5.9
 */
export const HASH_MMO_FIXED_KEY_AES = 2;
/**
 * Hash identifier 3: three halves (§5.13) with the same one-call σ-MMO hash, its tweak blocks
 * domain-separated by bit 127. Spec: §5.9, §5.13
 */
export const HASH_THREE_HALVES_MMO = 3;

/**
 * Bytes of the tables of `gates` AND gates on the wire: 32 per gate under half gates; under three
 * halves 24 per gate (G₀ ‖ G₁ ‖ G₂) followed by the 5 control bits of every gate packed
 * ⌈5·gates/8⌉ bytes (1.5κ + 5 bits per gate, κ = 128). Spec: §5.9, §5.13
 */
export function garbledTableBytes(gates: number, scheme: GarblingScheme = 'half-gates'): number {
  return scheme === 'three-halves' ? THREE_HALVES_CIPHERTEXT_BYTES * gates + Math.ceil((THREE_HALVES_CONTROL_BITS * gates) / 8) : 4 * TABLE_WORDS_PER_AND * gates;
}

/** Writes 7-word three-halves tables as 24 bytes per gate, then the control bits packed (bit 5g + k = z_k of gate g). */
function putThreeHalves(tables: Uint32Array, out: Uint8Array, offset: number): void {
  const gates = tables.length / THREE_HALVES_TABLE_WORDS;
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const bitsAt = offset + THREE_HALVES_CIPHERTEXT_BYTES * gates;
  for (let g = 0; g < gates; g++) {
    const t = THREE_HALVES_TABLE_WORDS * g;
    for (let k = 0; k < 6; k++) v.setUint32(offset + THREE_HALVES_CIPHERTEXT_BYTES * g + 4 * k, tables[t + k], true);
    const z = tables[t + 6];
    for (let k = 0; k < THREE_HALVES_CONTROL_BITS; k++) {
      const bit = THREE_HALVES_CONTROL_BITS * g + k;
      out[bitsAt + (bit >> 3)] |= ((z >> k) & 1) << (bit & 7);
    }
  }
}

/** Reads {@link putThreeHalves}'s bytes into 7-word tables; the padding bits of the control section must be zero. */
function getThreeHalves(bytes: Uint8Array, offset: number, gates: number): Uint32Array {
  const tables = new Uint32Array(THREE_HALVES_TABLE_WORDS * gates);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bitsAt = offset + THREE_HALVES_CIPHERTEXT_BYTES * gates;
  for (let g = 0; g < gates; g++) {
    const t = THREE_HALVES_TABLE_WORDS * g;
    for (let k = 0; k < 6; k++) tables[t + k] = v.getUint32(offset + THREE_HALVES_CIPHERTEXT_BYTES * g + 4 * k, true);
    let z = 0;
    for (let k = 0; k < THREE_HALVES_CONTROL_BITS; k++) {
      const bit = THREE_HALVES_CONTROL_BITS * g + k;
      z |= ((bytes[bitsAt + (bit >> 3)] >> (bit & 7)) & 1) << k;
    }
    tables[t + 6] = z;
  }
  const used = THREE_HALVES_CONTROL_BITS * gates;
  if (used % 8 !== 0 && bytes[bitsAt + (used >> 3)] >> (used % 8) !== 0) throw new MalformedInputError('garbled circuit: control-bit padding must be zero');
  return tables;
}

/** Bytes of the garbled-circuit header. Spec: §5.9 */
export const GARBLED_HEADER_BYTES = 48;
/** Bytes of the label-message header. Spec: §5.9 */
export const LABELS_HEADER_BYTES = 8;
/** Largest message either parser accepts (2^31 − 1 bytes). Spec: §5.9 */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;
/** Bytes of a circuit fingerprint. Spec: §5.9 */
export const FINGERPRINT_BYTES = 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const fingerprints = new WeakMap<Circuit, Uint8Array>();

/**
 * BLAKE2b-128 of the circuit's Bristol text (§5.5) followed by one line "parties: …" naming the
 * party of each input. Garbler and evaluator compare it to make sure they mean the same circuit.
 * Spec: §5.9
 */
export function circuitFingerprint(circuit: Circuit): Uint8Array {
  let f = fingerprints.get(circuit);
  if (!f) {
    const text = `${writeBristol(circuit)}parties: ${circuit.inputs.map((i) => i.party).join(' ')}\n`;
    f = blake2b(utf8ToBytes(text), { dkLen: FINGERPRINT_BYTES });
    fingerprints.set(circuit, f);
  }
  return f;
}

function putWords(words: Uint32Array, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), offset);
    return;
  }
  const v = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < words.length; i++) v.setUint32(offset + 4 * i, words[i], true);
}

/**
 * The words at `offset` without a copy when the platform is little-endian and they are 4-byte aligned
 * in `bytes`'s buffer (a view that keeps the message alive: for the tables, which are most of it),
 * else a copy ({@link getWords}).
 */
function viewWords(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  if (LITTLE_ENDIAN && (bytes.byteOffset + offset) % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset + offset, count);
  return getWords(bytes, offset, count);
}

function getWords(bytes: Uint8Array, offset: number, count: number): Uint32Array {
  const copy = bytes.slice(offset, offset + 4 * count);
  if (LITTLE_ENDIAN) return new Uint32Array(copy.buffer);
  const v = new DataView(copy.buffer);
  return Uint32Array.from({ length: count }, (_, i) => v.getUint32(4 * i, true));
}

/** A garbled circuit as parsed from bytes, with the garbler's labels if the message carried them. */
export interface GarbledMessage {
  readonly garbled: GarbledCircuit;
  readonly fingerprint: Uint8Array;
  /** The garbler's input labels (instance by instance), or undefined. */
  readonly garblerLabels?: Uint32Array;
}

/**
 * Encodes a garbled circuit of `circuit`: the 48-byte header, the tables, the garbler's input
 * labels if given, then the decoding bits packed 8 per byte (bit k at bit k mod 8 of byte ⌊k/8⌋).
 * Spec: §5.9
 */
export function serializeGarbledCircuit(circuit: Circuit, garbled: GarbledCircuit, garblerLabels?: Uint32Array): Uint8Array {
  const n = checkGarbled(circuit, garbled);
  let labelCount = 0;
  if (garblerLabels !== undefined) {
    labelCount = partyWires(circuit, 'garbler').length * n;
    if (!(garblerLabels instanceof Uint32Array) || garblerLabels.length !== 4 * labelCount) {
      throw new SizeMismatchError(`garbler labels must hold ${labelCount} labels`);
    }
  }
  const three = garbled.scheme === 'three-halves';
  const tableBytes = garbledTableBytes(garbled.andGates * n, three ? 'three-halves' : 'half-gates');
  const decodingBits = garbled.decoding.length;
  const total = GARBLED_HEADER_BYTES + tableBytes + LABEL_BYTES * labelCount + Math.ceil(decodingBits / 8);
  if (total > MAX_MESSAGE_BYTES) throw new InvalidArgumentError(`garbled circuit of ${total} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte message limit`);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set(GARBLED_MAGIC, 0);
  out[4] = three ? HASH_THREE_HALVES_MMO : HASH_MMO_FIXED_KEY_AES;
  out.set(circuitFingerprint(circuit), 8);
  v.setUint32(24, n, true);
  v.setUint32(28, garbled.andGates, true);
  v.setUint32(32, garbled.outputBits, true);
  v.setUint32(36, labelCount, true);
  v.setUint32(40, garbled.firstGateId % 2 ** 32, true);
  v.setUint32(44, Math.floor(garbled.firstGateId / 2 ** 32), true);
  if (three) putThreeHalves(garbled.tables, out, GARBLED_HEADER_BYTES);
  else putWords(garbled.tables, out, GARBLED_HEADER_BYTES);
  let o = GARBLED_HEADER_BYTES + tableBytes;
  if (garblerLabels !== undefined) putWords(garblerLabels, out, o);
  o += LABEL_BYTES * labelCount;
  for (let k = 0; k < decodingBits; k++) out[o + (k >> 3)] |= (garbled.decoding[k] & 1) << (k & 7);
  return out;
}

/**
 * Parses {@link serializeGarbledCircuit}'s bytes (either scheme, told by the hash id). Throws
 * {@link MalformedInputError} for a wrong magic, an unknown hash, non-zero reserved bytes or padding
 * bits (decoding or control bits), a gate id ≥ 2^52 (2^51 under three halves), or a length
 * other than the header implies. With `circuit`, also checks the fingerprint ({@link ProtocolError})
 * and the counts ({@link SizeMismatchError}). Half-gates tables are a view of `bytes` when aligned
 * (no copy of the bulk of the message): the caller must not modify `bytes` afterwards. Spec: §5.9
 */
export function deserializeGarbledCircuit(bytes: Uint8Array, circuit?: Circuit): GarbledMessage {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('garbled circuit: expected a Uint8Array');
  if (bytes.length < GARBLED_HEADER_BYTES) throw new MalformedInputError(`garbled circuit: ${bytes.length} bytes, shorter than the ${GARBLED_HEADER_BYTES}-byte header`);
  if (bytes.length > MAX_MESSAGE_BYTES) throw new MalformedInputError('garbled circuit: message too large');
  for (let i = 0; i < 4; i++) if (bytes[i] !== GARBLED_MAGIC[i]) throw new MalformedInputError('garbled circuit: bad magic (expected "DGC1")');
  if (bytes[4] !== HASH_MMO_FIXED_KEY_AES && bytes[4] !== HASH_THREE_HALVES_MMO) throw new MalformedInputError(`garbled circuit: unknown hash ${bytes[4]}`);
  const scheme: GarblingScheme = bytes[4] === HASH_THREE_HALVES_MMO ? 'three-halves' : 'half-gates';
  if (bytes[5] | bytes[6] | bytes[7]) throw new MalformedInputError('garbled circuit: reserved bytes 5..7 must be zero');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fingerprint = bytes.slice(8, 24);
  const n = v.getUint32(24, true);
  const andGates = v.getUint32(28, true);
  const outputBits = v.getUint32(32, true);
  const labelCount = v.getUint32(36, true);
  const idLo = v.getUint32(40, true);
  const idHi = v.getUint32(44, true);
  if (idHi >= 2 ** 20) throw new MalformedInputError('garbled circuit: first gate id must be below 2^52');
  const firstGateId = idHi * 2 ** 32 + idLo;
  // Sizes as exact integers (each product < 2^32 · 2^32 · 32 < 2^70 could lose precision: check in steps).
  const gates = n * andGates;
  const bits = n * outputBits;
  if (!Number.isSafeInteger(gates) || !Number.isSafeInteger(bits)) throw new MalformedInputError('garbled circuit: counts too large');
  const tableBytes = garbledTableBytes(gates, scheme);
  const expected = GARBLED_HEADER_BYTES + tableBytes + LABEL_BYTES * labelCount + Math.ceil(bits / 8);
  if (expected !== bytes.length) throw new MalformedInputError(`garbled circuit: the header implies ${expected} bytes, the message has ${bytes.length}`);
  if (scheme === 'three-halves' && firstGateId + gates > THREE_HALVES_MAX_GATE_ID) throw new MalformedInputError('garbled circuit: three-halves gate ids exceed 2^51');
  if (firstGateId + gates > MAX_GATE_ID) throw new MalformedInputError('garbled circuit: gate ids exceed 2^52');
  const tables = scheme === 'three-halves' ? getThreeHalves(bytes, GARBLED_HEADER_BYTES, gates) : viewWords(bytes, GARBLED_HEADER_BYTES, TABLE_WORDS_PER_AND * gates);
  let o = GARBLED_HEADER_BYTES + tableBytes;
  const garblerLabels = labelCount > 0 ? getWords(bytes, o, 4 * labelCount) : undefined;
  o += LABEL_BYTES * labelCount;
  const decoding = new Uint8Array(bits);
  for (let k = 0; k < bits; k++) decoding[k] = (bytes[o + (k >> 3)] >> (k & 7)) & 1;
  if (bits % 8 !== 0 && bytes[bytes.length - 1] >> (bits % 8) !== 0) throw new MalformedInputError('garbled circuit: padding bits must be zero');
  const garbled: GarbledCircuit = { instances: n, firstGateId, andGates, outputBits, tables, decoding, ...(scheme === 'three-halves' ? { scheme } : {}) };
  if (circuit !== undefined) {
    const want = circuitFingerprint(circuit);
    if (!want.every((x, i) => x === fingerprint[i])) throw new ProtocolError('garbled circuit: fingerprint does not match the expected circuit');
    checkGarbled(circuit, garbled);
    if (labelCount !== 0 && labelCount !== partyWires(circuit, 'garbler').length * n) {
      throw new SizeMismatchError(`garbled circuit: ${labelCount} garbler labels, expected ${partyWires(circuit, 'garbler').length * n}`);
    }
  }
  return garblerLabels ? { garbled, fingerprint, garblerLabels } : { garbled, fingerprint };
}

/** Encodes labels (4 words each): "DGL1" ‖ u32 count ‖ 16 bytes per label. Spec: §5.9 */
export function serializeLabels(labels: Uint32Array): Uint8Array {
  if (!(labels instanceof Uint32Array) || labels.length % 4 !== 0) throw new InvalidArgumentError('labels must be a Uint32Array of 4-word labels');
  const count = labels.length / 4;
  if (LABELS_HEADER_BYTES + LABEL_BYTES * count > MAX_MESSAGE_BYTES) throw new InvalidArgumentError('label message too large');
  const out = new Uint8Array(LABELS_HEADER_BYTES + LABEL_BYTES * count);
  out.set(LABELS_MAGIC, 0);
  new DataView(out.buffer).setUint32(4, count, true);
  putWords(labels, out, LABELS_HEADER_BYTES);
  return out;
}

/**
 * Parses {@link serializeLabels}'s bytes; with `expectedCount`, the count must match
 * ({@link SizeMismatchError}). {@link MalformedInputError} for a bad magic or length. Spec: §5.9
 */
export function deserializeLabels(bytes: Uint8Array, expectedCount?: number): Uint32Array {
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('labels: expected a Uint8Array');
  if (bytes.length < LABELS_HEADER_BYTES) throw new MalformedInputError(`labels: ${bytes.length} bytes, shorter than the header`);
  for (let i = 0; i < 4; i++) if (bytes[i] !== LABELS_MAGIC[i]) throw new MalformedInputError('labels: bad magic (expected "DGL1")');
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (LABELS_HEADER_BYTES + LABEL_BYTES * count !== bytes.length) {
    throw new MalformedInputError(`labels: the header announces ${count} labels (${LABELS_HEADER_BYTES + LABEL_BYTES * count} bytes), the message has ${bytes.length}`);
  }
  if (expectedCount !== undefined && count !== expectedCount) throw new SizeMismatchError(`labels: expected ${expectedCount} labels, got ${count}`);
  return getWords(bytes, LABELS_HEADER_BYTES, 4 * count);
}
