/**
 * The live-code console of the website formats values with its own port of Node's `util.format`
 * (website/src/components/LiveCode/inspect.ts), because a live block must print exactly the text
 * that the tutorial's ```output block shows, and that text is what Node prints. Reference: Node's
 * own `util.format`, on values of every shape the library and the tutorials print.
 */
import { format as nodeFormat, inspect as nodeInspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { format, inspect } from '../../website/src/components/LiveCode/inspect.js';
import { fromTextSeed, memoryChannelPair, sampleCenteredBinomial, sampleTernary } from '../../src/index.js';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

class Empty {}

function corpus(): [string, unknown][] {
  const rng = fromTextSeed('inspect corpus');
  const nested = { a: { b: { c: { d: 1 } } }, list: [[1, [2, [3, [4]]]]] };
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const [client] = memoryChannelPair();
  return [
    ['small Uint8Array', new Uint8Array([10, 20, 30])],
    ['16 zero bytes', new Uint8Array(16)],
    ['random bytes', rng.bytes(40)],
    ['200 bytes (truncated at 100)', rng.bytes(200)],
    ['Int8Array of errors', sampleCenteredBinomial(rng, 30)],
    ['ternary', sampleTernary(rng, 12)],
    ['Uint32Array', Uint32Array.from([1, 4294967295, 65536, 7, 8, 9, 10])],
    ['Float64Array', Float64Array.from([0.5, -0, 1e21, 3.14159])],
    ['BigUint64Array', BigUint64Array.from([1n, 2n ** 64n - 1n])],
    ['empty typed array', new Uint16Array(0)],
    ['numbers array', [1, 2, 3]],
    ['long numbers array', Array.from({ length: 30 }, (_, i) => i * i * 37)],
    ['mixed-width numbers', [1, 22, 333, 4444, 55555, 666666, 7777777, 88888888]],
    ['strings array', ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']],
    ['bigint array', [1n, 2n ** 70n, -5n]],
    ['empty array', []],
    ['sparse array', sparse],
    ['array of 150', Array.from({ length: 150 }, (_, i) => i)],
    ['nested arrays', [[1, 2], [3, [4, [5, [6]]]]]],
    ['plain object', { a: 1, b: 'two', c: [3], 'd-e': null, f: undefined, g: true }],
    ['empty object', {}],
    ['nested object', nested],
    ['object with long string', { text: 'x'.repeat(100) }],
    ['wide object', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`key${i}`, i * 1000]))],
    ['class instance', new Point(3, -4)],
    ['empty class instance', new Empty()],
    ['rng instance (private fields)', rng],
    ['channel stats', client.stats],
    ['null prototype', Object.assign(Object.create(null) as object, { q: 1 })],
    ['Map', new Map<unknown, unknown>([['a', 1], [2, { b: [3] }]])],
    ['Set', new Set([1, 'two', 3n])],
    ['empty Map', new Map()],
    ['Date', new Date(Date.UTC(2020, 7, 12, 1, 2, 3))],
    ['RegExp', /ab+c/gi],
    ['function', function namedFunction() {}],
    ['arrow', () => 1],
    ['class', Point],
    ['circular', circular],
    ['quotes', ["it's", 'say "hi"', 'both \' and "', 'tab\tnew\nline', 'back\\slash']],
    ['symbol', Symbol('s')],
    ['negative zero', -0],
    ['ArrayBuffer', new Uint8Array([1, 2, 255]).buffer],
  ];
}

describe('inspect() matches Node util.inspect (console defaults)', () => {
  for (const [name, value] of corpus()) {
    it(name, () => {
      expect(inspect(value)).toBe(nodeInspect(value));
      expect(format(value)).toBe(nodeFormat(value));
    });
  }
});

describe('format() matches Node util.format', () => {
  const cases: unknown[][] = [
    ['plain text'],
    ['two', 'strings', 3, 4n, true, null, undefined],
    ['%s is %d years and %i days, %f%%', 'Ada', 36.5, '12.9', '0.25'],
    ['%s', new Uint8Array([1, 2])],
    ['%s %s %s', { a: { b: 1 } }, [1, [2]], new Point(1, 2)],
    ['%s', { toString: () => 'custom' }],
    ['%o and %O', { a: 1 }, [1, 2]],
    ['%j', { a: [1, 'x'] }],
    ['%c styled %s', 'color: red', 'text'],
    ['100% sure', 'extra'],
    ['missing %s %s', 'one'],
    ['%d', 7n],
    [new Uint8Array(3), 'after'],
    [`client sent ${3} bytes and received ${3}`],
    [true, true, '3.26'],
  ];
  for (const args of cases) {
    it(JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? 'Uint8Array' : v)), () => {
      expect(format(...args)).toBe(nodeFormat(...args));
    });
  }
});
