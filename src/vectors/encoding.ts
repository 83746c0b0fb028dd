/**
 * Value encodings of the vector files and their deterministic JSON layout: integers that are data
 * (coefficients, residues, field elements, moduli) as decimal strings, byte strings as lowercase
 * hex, polynomials and vectors as arrays from index 0 up.
 *
 * Spec: §12.2
 * @module
 */
import { MalformedInputError } from '../errors.js';
import type { JsonValue } from './format.js';
import { bytesToHex, hexToBytes } from '../math/bytes.js';

const DECIMAL = /^-?(0|[1-9][0-9]*)$/;
const HEX = /^([0-9a-f]{2})*$/;

/** An integer (number or bigint) as a decimal string. Spec: §12.2 */
export function dec(x: number | bigint): string {
  if (typeof x === 'number' && !Number.isInteger(x)) {
    throw new MalformedInputError(`dec: ${x} is not an integer`);
  }
  return BigInt(x).toString(10);
}

/** Each element of an integer array as a decimal string. Spec: §12.2 */
export function decs(xs: ArrayLike<number> | readonly bigint[]): string[] {
  return Array.from(xs as ArrayLike<number | bigint>, (x) => dec(x));
}

/** A residue-major array (k consecutive runs of n residues) split into k decimal-string arrays. Spec: §12.2 */
export function decRows(flat: ArrayLike<number>, rows: number): string[][] {
  const n = flat.length / rows;
  if (!Number.isInteger(n)) throw new MalformedInputError(`decRows: ${flat.length} values do not split into ${rows} rows`);
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from({ length: n }, (_, j) => dec(flat[i * n + j])));
  return out;
}

/** Lowercase hexadecimal of a byte string. Spec: §12.2 */
export function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Parses a decimal string into a bigint; {@link MalformedInputError} if it is not one. Spec: §12.2 */
export function parseBig(s: unknown): bigint {
  if (typeof s !== 'string' || !DECIMAL.test(s)) throw new MalformedInputError(`expected a decimal integer string, got ${JSON.stringify(s)}`);
  return BigInt(s);
}

/** Parses a decimal string that must be a safe integer. Spec: §12.2 */
export function parseNum(s: unknown): number {
  const v = parseBig(s);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MalformedInputError(`${String(s)} does not fit a safe integer`);
  }
  return Number(v);
}

/** Parses an array of decimal strings into numbers. Spec: §12.2 */
export function parseNums(a: unknown): number[] {
  if (!Array.isArray(a)) throw new MalformedInputError('expected an array of decimal strings');
  return a.map(parseNum);
}

/** Parses an array of decimal strings into bigints. Spec: §12.2 */
export function parseBigs(a: unknown): bigint[] {
  if (!Array.isArray(a)) throw new MalformedInputError('expected an array of decimal strings');
  return a.map(parseBig);
}

/** Parses lowercase hex into bytes. Spec: §12.2 */
export function parseHex(s: unknown): Uint8Array {
  if (typeof s !== 'string' || !HEX.test(s)) throw new MalformedInputError(`expected lowercase hex, got ${JSON.stringify(s)}`);
  return hexToBytes(s);
}

/**
 * Real numbers: JSON numbers, except the values JSON cannot write, which are the strings
 * "NaN", "Infinity", "-Infinity" and "-0". Spec: §12.2
 */
export function real(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

/** Inverse of {@link real}. Spec: §12.2 */
export function parseReal(v: unknown): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw new MalformedInputError(`expected a real number, got ${JSON.stringify(v)}`);
  }
}

const LINE_WIDTH = 120;

function isScalar(v: JsonValue): boolean {
  return v === null || typeof v !== 'object';
}

/**
 * The canonical text of a vector file: two-space indentation, object members in insertion order,
 * arrays of scalars filled into lines of at most 120 columns, a final newline. Two generations
 * of the same content give the same bytes. Spec: §12.2
 */
export function formatVectorJson(value: JsonValue): string {
  return write(value, '') + '\n';
}

function write(v: JsonValue, indent: string): string {
  if (isScalar(v)) return JSON.stringify(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isScalar)) {
      const items = v.map((x) => JSON.stringify(x));
      const oneLine = `[${items.join(', ')}]`;
      if (indent.length + oneLine.length <= LINE_WIDTH) return oneLine;
      const lines: string[] = [];
      let line = '';
      for (const item of items) {
        if (line !== '' && inner.length + line.length + item.length + 2 > LINE_WIDTH) {
          lines.push(line);
          line = '';
        }
        line += (line === '' ? '' : ' ') + item + ',';
      }
      lines.push(line.slice(0, -1));
      return `[\n${lines.map((l) => inner + l).join('\n')}\n${indent}]`;
    }
    return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as { [key: string]: JsonValue });
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
}
